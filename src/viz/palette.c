/* Colours: a fixed qualitative palette for labels and series (the ten
 * "tab10" colours, readable for most colour-vision types and on white), and
 * the sequential white-to-blue ramp of heat maps. */
#include <math.h>

#include "viz.h"

static const uint8_t tab10[10][3] = {
    {31, 119, 180}, {255, 127, 14}, {44, 160, 44},  {214, 39, 40},  {148, 103, 189},
    {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207},
};

void ae_plot_palette(int id, uint8_t rgb[3])
{
    int i = id < 0 ? 0 : id % 10;
    rgb[0] = tab10[i][0];
    rgb[1] = tab10[i][1];
    rgb[2] = tab10[i][2];
}

void ae_viz_set_rgb(cairo_t *cr, const uint8_t rgb[3], double alpha)
{
    cairo_set_source_rgba(cr, rgb[0] / 255.0, rgb[1] / 255.0, rgb[2] / 255.0, alpha);
}

void ae_viz_set_palette(cairo_t *cr, int id, double alpha)
{
    uint8_t rgb[3];
    ae_plot_palette(id, rgb);
    ae_viz_set_rgb(cr, rgb, alpha);
}

/* The nine stops of ColorBrewer's "Blues", linearly interpolated. */
static const uint8_t blues[9][3] = {
    {247, 251, 255}, {222, 235, 247}, {198, 219, 239}, {158, 202, 225}, {107, 174, 214},
    {66, 146, 198},  {33, 113, 181},  {8, 81, 156},    {8, 48, 107},
};

void ae_viz_ramp(double t, double rgb[3])
{
    if (!(t > 0)) t = 0;
    if (t > 1) t = 1;
    double p = t * 8;
    int i = (int)floor(p);
    if (i >= 8) i = 7;
    double f = p - i;
    for (int c = 0; c < 3; c++) rgb[c] = ((1 - f) * blues[i][c] + f * blues[i + 1][c]) / 255.0;
}
