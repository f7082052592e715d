/* One layer outside a model, for the layer tests: parsed from a spec item,
 * shaped for an input, with its own parameter, gradient, state, scratch and
 * cache buffers (sized for up to max_batch rows, as the model would), in
 * evaluation mode without a generator until the test sets l.mode. */
#ifndef AE_TEST_NN_LAYER_FIXTURE_H
#define AE_TEST_NN_LAYER_FIXTURE_H

#include "test_util.h"

#include "nn/layer.h"
#include "nn/spec.h"
#include "core/pool.h"

typedef struct {
    ae_layer l;
    float *params, *grads, *scratch, *state, *cache;
    int max_batch;
} layer_fixture;

/* "conv2d 3 3 s2 same" over per-sample input shape `in`, run by pool
 * (NULL: the calling thread). */
static inline void fixture_make_pool(layer_fixture *f, const char *item, ae_shape in, int max_batch, ae_pool *pool)
{
    memset(f, 0, sizeof *f);
    ae_layer *ls;
    int n;
    ae_error err;
    if (ae_spec_parse(item, "test", &ls, &n, &err) != AE_OK) fail_msg("%s: %s", item, err.msg);
    assert_int_equal(n, 1);
    f->l = ls[0];
    free(ls);
    f->l.in = in;
    char msg[AE_LAYER_MSG_MAX];
    if (f->l.ops->infer(&f->l, msg, sizeof msg) != 0) fail_msg("%s: %s", item, msg);
    f->l.pool = pool; /* before the scratch, which depends on it */
    f->params = calloc(f->l.n_params + 1, sizeof(float));
    f->grads = calloc(f->l.n_params + 1, sizeof(float));
    size_t sc = f->l.ops->scratch ? f->l.ops->scratch(&f->l, max_batch) : 0;
    f->scratch = sc ? malloc(sc * sizeof(float)) : NULL;
    f->l.params = f->params;
    f->l.grads = f->grads;
    f->l.scratch = f->scratch;
    f->l.scratch_n = sc;
    f->state = f->l.n_state ? calloc(f->l.n_state, sizeof(float)) : NULL;
    f->l.state = f->state;
    size_t nc = f->l.ops->cache ? f->l.ops->cache(&f->l, max_batch) : 0;
    const size_t per = AE_CACHE_ALIGN / sizeof(float);
    nc = (nc + per - 1) / per * per;
    f->cache = nc ? aligned_alloc(AE_CACHE_ALIGN, nc * sizeof(float)) : NULL;
    if (nc) memset(f->cache, 0, nc * sizeof(float));
    f->l.cache = f->cache;
    f->max_batch = max_batch;
}

static inline void fixture_make(layer_fixture *f, const char *item, ae_shape in, int max_batch)
{
    fixture_make_pool(f, item, in, max_batch, NULL);
}

static inline void fixture_free(layer_fixture *f)
{
    free(f->params);
    free(f->grads);
    free(f->scratch);
    free(f->state);
    free(f->cache);
}

static inline size_t fixture_in_size(const layer_fixture *f) { return ae_shape_size(f->l.in); }
static inline size_t fixture_out_size(const layer_fixture *f) { return ae_shape_size(f->l.out); }

static inline ae_shape shape3(int c, int h, int w) { return (ae_shape){.rank = 3, .dim = {c, h, w}}; }

#endif
