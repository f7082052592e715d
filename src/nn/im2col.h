/* Patch matrices for convolution as GEMM (internal).
 *
 * A square K x K window moved with stride S over an (H, W) image, starting
 * pt rows above and pl columns left of it (zero padding), visits OH x OW
 * positions; position o = (oy, ox) at kernel offset k = (ki, kj) reads pixel
 *     pos(o, k) = (oy S - pt + ki, ox S - pl + kj)    (none when outside the image)
 * Padding on the bottom/right is implied by OH, OW.
 *
 * Two ways to turn a convolution into one GEMM per batch chunk, transposes of
 * each other in pairs:
 *   im2col   col[(c,k)][(b,o)] = x[b][c][pos(o,k)]      col (C*K*K, B*OH*OW)
 *   col2im   x[b][c][i] = sum over (k, o) with pos(o,k) = i of col[(c,k)][(b,o)]
 *   shift_sum    out[b][c][o] = sum_k z[(c,k)][(b, pos(o,k))]   z (C*K*K, B*H*W)
 *   shift_spread z[(c,k)][(b,i)] = out[b][c][o] where i = pos(o,k), else 0
 * conv2d multiplies im2col's patches by its weights, or (when it has fewer
 * filters than input channels) multiplies first and shift_sums the products;
 * conv2d_transpose multiplies first and col2ims.
 *
 * GEMMs see a batch as (C, B, P) while activations are (B, C, P) (NCHW,
 * P = pixels); ae_swap01 converts between the two.
 *
 * With stride S > 1, im2col and col2im split each image plane into its S*S
 * stride phases first (im2col.c), so that every offset's pass is contiguous.
 * All of these run on the calling thread; conv_plan.h splits a batch between
 * threads. */
#ifndef AE_NN_IM2COL_H
#define AE_NN_IM2COL_H

#include <stddef.h>

typedef struct {
    int C, H, W; /* image (C, H, W) per sample */
    int K, S;    /* square window, stride */
    int pt, pl;  /* leading padding (top, left) */
    int OH, OW;  /* window positions */
} ae_im2col_geom;

/* Workspace floats im2col and col2im need (one image plane split into its
 * stride phases; 0 for stride 1). */
size_t ae_im2col_tmp_floats(const ae_im2col_geom *g);

/* col (C*K*K, B*OH*OW) = patches of x (B, C, H, W); tmp as ae_im2col_tmp_floats. */
void ae_im2col(const ae_im2col_geom *g, const float *x, int B, float *col, float *tmp);

/* x (B, C, H, W) = the sum of col (C*K*K, B*OH*OW) over the patches (x is
 * overwritten); tmp as ae_im2col_tmp_floats. */
void ae_col2im(const ae_im2col_geom *g, const float *col, int B, float *x, float *tmp);

/* out (B, C, OH, OW) = the window sums of z (C*K*K, B, H, W) (out is overwritten). */
void ae_shift_sum(const ae_im2col_geom *g, const float *z, int B, float *out);

/* z (C*K*K, B, H, W) = out (B, C, OH, OW) spread to the pixels each offset reads (z is overwritten). */
void ae_shift_spread(const ae_im2col_geom *g, const float *out, int B, float *z);

/* dst (n1, n0, p) = src (n0, n1, p): swaps the two leading axes, moving rows of p floats. */
void ae_swap01(const float *src, int n0, int n1, size_t p, float *dst);

#endif
