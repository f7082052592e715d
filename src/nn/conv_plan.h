/* How conv2d and conv2d_transpose split a batch (internal): into chunks that
 * the model's threads claim (core/pool.h), each worked through in sub-chunks
 * that keep the workspace in cache and each GEMM on its calling thread.
 *
 * The layer's scratch holds, in order:
 *     slots   (chunks, grad)      each chunk's parameter gradient, summed in
 *                                 chunk order at the end, so the numbers do not
 *                                 depend on which thread ran which chunk
 *     shared                      read by every thread (a reordered kernel)
 *     slices  (threads, fixed + per_row * rows)   each running thread's own
 *                                 workspace: phase planes, patches, ...
 * Chunks and sub-chunks follow from the batch size and the thread count
 * alone, so a given thread count always gives the same numbers. */
#ifndef AE_NN_CONV_PLAN_H
#define AE_NN_CONV_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/gemm.h"
#include "core/gemm_split.h"
#include "core/pool.h"

/* Floats of workspace one sub-chunk of a conv layer aims to stay within:
 * a few MB keep the patches in cache while the GEMM reads them and still
 * give the GEMM thousands of columns at the seed models' sizes. */
#define AE_CONV_CHUNK_FLOATS ((size_t)1 << 20)

/* Most chunks a batch is cut into when helpers share it: enough for two
 * threads to share the work evenly and for a helper that the system keeps
 * off the CPU to hold up little of it. On a lone thread, one chunk. */
#define AE_CONV_MAX_CHUNKS 16

/* What a layer needs, per the formulas of its forward and backward passes. */
typedef struct {
    size_t grad;     /* parameters of the layer */
    size_t shared;   /* floats all threads read */
    size_t fixed;    /* floats per thread that do not grow with the sub-chunk */
    size_t per_row;  /* floats per sample of a sub-chunk */
    double row_macs; /* multiply-adds of the layer's largest GEMM per sample */
} ae_conv_ws;

typedef struct {
    int threads;  /* of the pool; 1 without one */
    int chunks;   /* claimed one at a time */
    int rows;     /* samples per sub-chunk */
    size_t slice; /* floats of workspace per thread */
    bool split;   /* keep each GEMM on its calling thread (ae_sgemm_split) */
} ae_conv_plan;

/* Scratch floats for batches of up to max_batch rows (the ops->scratch hook). */
size_t ae_conv_scratch(const ae_conv_ws *w, int max_batch, const ae_pool *pool);

/* The plan for a batch of B rows run by pool (NULL: the calling thread alone,
 * whose GEMMs OpenBLAS may then thread). */
ae_conv_plan ae_conv_plan_for(const ae_conv_ws *w, int B, const ae_pool *pool);

/* Samples [*s0, *s1) of chunk c for a batch of B. */
void ae_conv_chunk(const ae_conv_plan *p, int B, int c, int *s0, int *s1);

/* Chunk c's gradient slot, the shared floats and thread t's slice in scratch. */
static inline float *ae_conv_slot(const ae_conv_plan *p, const ae_conv_ws *w, float *scratch, int c)
{
    (void)p;
    return scratch + (size_t)c * w->grad;
}
static inline float *ae_conv_shared(const ae_conv_plan *p, const ae_conv_ws *w, float *scratch)
{
    return scratch + (size_t)p->chunks * w->grad;
}
static inline float *ae_conv_slice(const ae_conv_plan *p, const ae_conv_ws *w, float *scratch, int t)
{
    return ae_conv_shared(p, w, scratch) + w->shared + (size_t)t * p->slice;
}

/* grads (grad) = (accumulate: +=) the sum of the chunks' slots, in chunk order. */
void ae_conv_reduce(const ae_conv_plan *p, const ae_conv_ws *w, const float *scratch, float *grads, bool accumulate);

/* ae_sgemm, in pieces when the plan says so. */
static inline void ae_conv_gemm(const ae_conv_plan *p, bool trans_a, bool trans_b, int m, int n, int k, float alpha,
                                const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc)
{
    if (p->split)
        ae_sgemm_split(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    else
        ae_sgemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

#endif
