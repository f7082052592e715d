#include "conv_plan.h"

static int min_int(int a, int b) { return a < b ? a : b; }

/* One chunk on a lone thread: its sub-chunks then grow to the cache budget,
 * which suits OpenBLAS's own threads best. */
static int chunks_for(int B, int threads) { return threads > 1 ? min_int(B, AE_CONV_MAX_CHUNKS) : 1; }

/* Samples per sub-chunk: within the cache budget, at most a chunk, and with
 * helper threads small enough for OpenBLAS to keep each GEMM on its caller. */
static int rows_for(const ae_conv_ws *w, int B, int threads)
{
    size_t cap = w->per_row ? AE_CONV_CHUNK_FLOATS / w->per_row : AE_CONV_CHUNK_FLOATS;
    if (threads > 1 && w->row_macs > 0) {
        double g = AE_GEMM_ONE_THREAD_MACS / w->row_macs;
        if (g < (double)cap) cap = (size_t)g;
    }
    const int chunk = (B + chunks_for(B, threads) - 1) / chunks_for(B, threads);
    if (cap < 1) cap = 1;
    return cap < (size_t)chunk ? (int)cap : chunk;
}

size_t ae_conv_scratch(const ae_conv_ws *w, int max_batch, const ae_pool *pool)
{
    /* a smaller batch has no more chunks and no longer sub-chunks */
    const int t = ae_pool_threads(pool), rows = rows_for(w, max_batch, t);
    return (size_t)chunks_for(max_batch, t) * w->grad + w->shared +
           (size_t)t * (w->fixed + w->per_row * (size_t)rows);
}

ae_conv_plan ae_conv_plan_for(const ae_conv_ws *w, int B, const ae_pool *pool)
{
    const int t = ae_pool_threads(pool);
    ae_conv_plan p = {.threads = t, .chunks = chunks_for(B, t), .rows = rows_for(w, B, t), .split = t > 1};
    p.slice = w->fixed + w->per_row * (size_t)p.rows;
    return p;
}

void ae_conv_chunk(const ae_conv_plan *p, int B, int c, int *s0, int *s1)
{
    *s0 = (int)((long)B * c / p->chunks);
    *s1 = (int)((long)B * (c + 1) / p->chunks);
}

void ae_conv_reduce(const ae_conv_plan *p, const ae_conv_ws *w, const float *scratch, float *grads, bool accumulate)
{
    for (size_t i = 0; i < w->grad; i++) {
        float s = accumulate ? grads[i] : 0.0f;
        for (int c = 0; c < p->chunks; c++) s += scratch[(size_t)c * w->grad + i];
        grads[i] = s;
    }
}
