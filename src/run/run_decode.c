/* [decode]: new images from the trained decoder. samples.npy decodes codes
 * drawn from N(0, I) (what a VAE is trained to decode); latent_grid.npy
 * decodes an even grid over a 2-D code, row by row from the top (high y)
 * down, x rising along each row: the picture of the latent manifold. */
#include <stdlib.h>

#include "aeclust/npy.h"
#include "run_ctx.h"

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* The 1st and 99th percentiles (nearest rank) of column col of x. */
static ae_status column_range(const ae_matrix *x, size_t col, double *lo, double *hi, ae_error *err)
{
    float *v = malloc(x->rows * sizeof *v);
    if (!v) return ae_fail(err, AE_ERR_NOMEM, "out of memory for the latent grid's range");
    for (size_t i = 0; i < x->rows; i++) v[i] = x->data[i * x->cols + col];
    qsort(v, x->rows, sizeof *v, cmp_float);
    *lo = v[(size_t)(0.01 * (double)(x->rows - 1) + 0.5)];
    *hi = v[(size_t)(0.99 * (double)(x->rows - 1) + 0.5)];
    free(v);
    return AE_OK;
}

static ae_status write_grid(run_ctx *r, int steps, ae_error *err)
{
    double range = r->set.decode.grid_range, x0 = -range, x1 = range, y0 = -range, y1 = range;
    ae_status st;
    if (ae_model_code_dim(r->model) != 2)
        return ae_settings_fail(&r->set, AE_KEY_decode_grid, err, AE_ERR_ARG,
                                "decode.grid needs a 2-D code, this model's is %d wide", ae_model_code_dim(r->model));
    if (range == 0) {
        const ae_dataset *test;
        const ae_matrix *codes;
        if ((st = ae_run_picture_set(r, &test, err)) || (st = ae_run_space_x(r, "code", test, test == &r->split[1] ? "test" : "train", &codes, err)) ||
            (st = column_range(codes, 0, &x0, &x1, err)) || (st = column_range(codes, 1, &y0, &y1, err)))
            return st;
        if (!(x1 > x0) || !(y1 > y0))
            return ae_fail(err, AE_ERR_NUMERIC, "decode.grid: the test codes do not spread (range [%g, %g] x [%g, %g])",
                           x0, x1, y0, y1);
    }
    ae_matrix grid = {0};
    char path[1400];
    if (!(st = ae_model_decode_grid(r->model, steps, x0, x1, y0, y1, &grid, err)) &&
        !(st = ae_run_stage_path(r, path, sizeof path, "latent_grid.npy", err)))
        st = ae_npy_write_matrix(path, &grid, err);
    ae_matrix_free(&grid);
    if (st) return st;
    json_object *g = json_object_new_object(), *jx = json_object_new_array(), *jy = json_object_new_array();
    json_object_object_add(g, "steps", json_object_new_int(steps));
    json_object_object_add(g, "x", jx);
    json_object_object_add(g, "y", jy);
    json_object_array_add(jx, json_object_new_double(x0));
    json_object_array_add(jx, json_object_new_double(x1));
    json_object_array_add(jy, json_object_new_double(y0));
    json_object_array_add(jy, json_object_new_double(y1));
    json_object_object_add(r->decode, "grid", g);
    ae_run_say(r, "decoded a %d x %d latent grid over [%.3g, %.3g] x [%.3g, %.3g]", steps, steps, x0, x1, y0, y1);
    return AE_OK;
}

ae_status ae_run_decode_outputs(run_ctx *r, ae_error *err)
{
    long samples = r->set.decode.samples, steps = r->set.decode.grid;
    if (!samples && !steps) return AE_OK;
    if (steps == 1)
        return ae_settings_fail(&r->set, AE_KEY_decode_grid, err, AE_ERR_ARG, "decode.grid = 1: a grid needs at least 2 steps");
    r->decode = json_object_new_object();
    ae_status st = AE_OK;
    if (samples) {
        ae_matrix x = {0};
        char path[1400];
        uint64_t seed = ae_settings_seed(&r->set, AE_STREAM_DECODE, 0);
        if (!(st = ae_model_sample(r->model, (size_t)samples, seed, &x, err)) &&
            !(st = ae_run_stage_path(r, path, sizeof path, "samples.npy", err)))
            st = ae_npy_write_matrix(path, &x, err);
        ae_matrix_free(&x);
        if (st) return st;
        json_object_object_add(r->decode, "samples", json_object_new_int((int)samples));
    }
    return steps ? write_grid(r, (int)steps, err) : AE_OK;
}
