/* New images from the decoder: samples of the latent prior and the decoded
 * grid of a 2-D latent (the "manifold" pictures of a VAE). */
#include <stdlib.h>

#include "aeclust/rng.h"
#include "model.h"

ae_status ae_model_sample(ae_model *m, size_t n, uint64_t seed, ae_matrix *out, ae_error *err)
{
    if (n == 0) return ae_fail(err, AE_ERR_ARG, "sample: asked for no images");
    ae_matrix z = {0};
    ae_status st = ae_matrix_alloc(&z, n, (size_t)ae_model_code_dim(m), err);
    if (st) return st;
    ae_rng rng;
    ae_rng_seed(&rng, seed);
    for (size_t i = 0; i < z.rows * z.cols; i++) z.data[i] = (float)ae_rng_normal(&rng);
    st = ae_model_decode(m, &z, out, err);
    ae_matrix_free(&z);
    return st;
}

ae_status ae_model_decode_grid(ae_model *m, int steps, double x0, double x1, double y0, double y1, ae_matrix *out,
                               ae_error *err)
{
    if (ae_model_code_dim(m) != 2)
        return ae_fail(err, AE_ERR_ARG, "latent grid: the code is %d wide, a grid needs a 2-D code",
                       ae_model_code_dim(m));
    if (steps < 2 || steps > 1000) return ae_fail(err, AE_ERR_ARG, "latent grid: steps must be 2..1000, got %d", steps);
    ae_matrix z = {0};
    ae_status st = ae_matrix_alloc(&z, (size_t)steps * (size_t)steps, 2, err);
    if (st) return st;
    for (int r = 0; r < steps; r++)
        for (int c = 0; c < steps; c++) {
            float *p = z.data + ((size_t)r * (size_t)steps + (size_t)c) * 2;
            p[0] = (float)(x0 + (x1 - x0) * c / (steps - 1));
            p[1] = (float)(y1 - (y1 - y0) * r / (steps - 1));
        }
    st = ae_model_decode(m, &z, out, err);
    ae_matrix_free(&z);
    return st;
}
