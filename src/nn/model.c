/* The model: layers, the flat parameter and gradient blocks, the workspace,
 * and the forward/backward passes over a range of layers. */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aeclust/rng.h"
#include "spec.h"
#include "core/pool.h"

ae_model_init_opts ae_model_init_defaults(void)
{
    return (ae_model_init_opts){.init = AE_INIT_GLOROT_UNIFORM, .seed = 0, .max_batch = 256};
}

void ae_model_free(ae_model *m)
{
    if (!m) return;
    free(m->layers);
    free(m->enc_spec);
    free(m->dec_spec);
    free(m->params);
    free(m->grads);
    free(m->act_block);
    free(m->out);
    free(m->gbuf[0]);
    free(m->gbuf[1]);
    free(m->scratch);
    free(m->state);
    free(m->cache_block);
    free(m);
}

/* Most values one sample may have at any layer: keeps B * size and the
 * layers' index arithmetic far from overflow. */
#define MAX_SAMPLE_VALUES ((size_t)1 << 28)

/* Walks layers [from, to) from shape `in`, inferring each output shape;
 * first_no is the spec position of layer `from` in messages. */
static ae_status infer_shapes(ae_layer *ls, int from, int to, ae_shape in, const char *part, int first_no,
                              ae_error *err)
{
    for (int i = from; i < to; i++) {
        ls[i].in = in;
        char msg[AE_LAYER_MSG_MAX];
        if (ls[i].ops->infer(&ls[i], msg, sizeof msg) != 0)
            return ae_fail(err, AE_ERR_ARG, "%s layer %d: %s", part, i - from + first_no, msg);
        if (ae_shape_size(ls[i].out) > MAX_SAMPLE_VALUES)
            return ae_fail(err, AE_ERR_ARG, "%s layer %d: output of %zu values per sample is too large", part,
                           i - from + first_no, ae_shape_size(ls[i].out));
        in = ls[i].out;
    }
    return AE_OK;
}

/* A VAE's "gaussian" latent can only be the encoder's last layer. */
static ae_status check_gaussian(const ae_layer *ls, int n, int allowed, const char *part, int first_no,
                                ae_error *err)
{
    for (int i = 0; i < n; i++)
        if (ls[i].ops == &ae_gaussian_ops && i != allowed)
            return ae_fail(err, AE_ERR_ARG, "%s layer %d: 'gaussian' (a VAE's latent) can only be the encoder's last layer",
                           part, i + first_no);
    return AE_OK;
}

void ae_model_set_mode(ae_model *m, bool training, ae_rng *rng)
{
    for (int i = 0; i < m->n_layers; i++) m->layers[i].mode = (ae_layer_mode){.training = training, .rng = rng};
}

bool ae_model_is_variational(const ae_model *m) { return ae_model_gaussian(m) != NULL; }

/* An "input" item anywhere but first in the encoder is a mistake. */
static ae_status check_no_input(const ae_layer *ls, int n, int first, const char *part, ae_error *err)
{
    for (int i = first; i < n; i++)
        if (ls[i].ops == &ae_input_ops)
            return ae_fail(err, AE_ERR_ARG, "%s layer %d: 'input' can only be the first item of the encoder", part,
                           i + 1);
    return AE_OK;
}

/* The encoder's canonical text, with its "input" item when there is one. */
static char *encoder_text(const ae_model *m)
{
    char *rest = ae_spec_format(m->layers, m->n_enc);
    if (!rest || !m->in_decl.ops) return rest;
    char head[96];
    m->in_decl.ops->format(&m->in_decl, head, sizeof head);
    size_t n = strlen(head) + 2 + strlen(rest) + 1;
    char *s = malloc(n);
    if (s) snprintf(s, n, "%s, %s", head, rest);
    free(rest);
    return s;
}

/* The threads the image layers may use for batches of B rows: none when
 * another layer's GEMMs are big enough for OpenBLAS's own threads (the two
 * sets of threads would fight over the cores, layer.h), otherwise the
 * library's shared pool (core/pool.h). */
static ae_pool *image_threads(const ae_model *m, int B)
{
    bool images = false;
    for (int i = 0; i < m->n_layers; i++) {
        const ae_layer *l = &m->layers[i];
        if (l->ops->blas_pool && l->ops->blas_pool(l, B)) return NULL;
        images |= l->in.rank == 3;
    }
    return images ? ae_pool_shared() : NULL;
}

/* Floats of layer l's cache for B rows, rounded up so that the next one
 * starts AE_CACHE_ALIGN-aligned too (the block itself is). */
static size_t cache_floats(const ae_layer *l, int B)
{
    const size_t per = AE_CACHE_ALIGN / sizeof(float);
    size_t n = l->ops->cache ? l->ops->cache(l, B) : 0;
    return (n + per - 1) / per * per;
}

ae_status ae_model_reserve(ae_model *m, int B, ae_error *err)
{
    if (B <= m->max_batch && m->act_block) return AE_OK;
    if (B < m->max_batch) B = m->max_batch;
    ae_pool *was = m->n_layers ? m->layers[0].pool : NULL, *use = image_threads(m, B);
    for (int i = 0; i < m->n_layers; i++) m->layers[i].pool = use; /* the scratch depends on it */
    size_t total = 0, scratch = 0, caches = 0;
    for (int i = 0; i < m->n_layers; i++) {
        total += ae_layer_out_size(m, i);
        const ae_layer *l = &m->layers[i];
        size_t sc = l->ops->scratch ? l->ops->scratch(l, B) : 0;
        if (sc > scratch) scratch = sc;
        caches += cache_floats(l, B);
    }
    float *acts = malloc(total * (size_t)B * sizeof(float));
    float *g0 = malloc(m->max_width * (size_t)B * sizeof(float));
    float *g1 = malloc(m->max_width * (size_t)B * sizeof(float));
    float *scr = scratch ? malloc(scratch * sizeof(float)) : NULL;
    float *cac = caches ? aligned_alloc(AE_CACHE_ALIGN, caches * sizeof(float)) : NULL;
    if (cac) memset(cac, 0, caches * sizeof(float));
    if (!acts || !g0 || !g1 || (scratch && !scr) || (caches && !cac)) {
        free(acts);
        free(g0);
        free(g1);
        free(scr);
        free(cac);
        for (int i = 0; i < m->n_layers; i++) m->layers[i].pool = was;
        return ae_fail(err, AE_ERR_NOMEM, "out of memory for the workspace of a %d-row batch", B);
    }
    free(m->act_block);
    free(m->gbuf[0]);
    free(m->gbuf[1]);
    free(m->scratch);
    free(m->cache_block);
    m->act_block = acts;
    m->cache_block = cac;
    m->gbuf[0] = g0;
    m->gbuf[1] = g1;
    m->scratch = scr;
    m->scratch_floats = scratch;
    for (int i = 0; i < m->n_layers; i++) {
        m->layers[i].scratch = scr;
        m->layers[i].scratch_n = scratch;
    }
    size_t off = 0, coff = 0;
    for (int i = 0; i < m->n_layers; i++) {
        m->out[i] = acts + off; /* (B, out size of layer i) */
        off += ae_layer_out_size(m, i) * (size_t)B;
        ae_layer *l = &m->layers[i];
        size_t nc = cache_floats(l, B);
        l->cache = nc ? cac + coff : NULL;
        coff += nc;
    }
    m->max_batch = B;
    return AE_OK;
}

ae_status ae_model_build(const char *encoder_spec, const char *decoder_spec, int input_dim, int max_batch,
                         ae_model **out, ae_error *err)
{
    *out = NULL;
    if (input_dim <= 0) return ae_fail(err, AE_ERR_ARG, "input width must be positive, got %d", input_dim);
    if (max_batch <= 0) return ae_fail(err, AE_ERR_ARG, "max_batch must be positive, got %d", max_batch);
    ae_layer *enc = NULL, *dec = NULL;
    int n_enc = 0, n_dec = 0;
    ae_status st = ae_spec_parse(encoder_spec, "encoder", &enc, &n_enc, err);
    if (st) return st;
    st = ae_spec_parse(decoder_spec, "decoder", &dec, &n_dec, err);
    if (st) {
        free(enc);
        return st;
    }
    /* a leading "input C H W" gives the rows their image shape; it is no layer */
    ae_layer in_decl = {0};
    int skip = n_enc > 0 && enc[0].ops == &ae_input_ops;
    ae_shape in_shape = {.rank = 1, .dim = {input_dim}};
    if (skip) {
        in_decl = enc[0];
        in_decl.in = in_shape;
        char msg[AE_LAYER_MSG_MAX];
        if (in_decl.ops->infer(&in_decl, msg, sizeof msg) != 0)
            st = ae_fail(err, AE_ERR_ARG, "encoder layer 1: %s", msg);
        else if (n_enc == 1)
            st = ae_fail(err, AE_ERR_ARG, "encoder: no layers after 'input'");
        in_shape = in_decl.out;
    }
    if (!st) st = check_no_input(enc, n_enc, skip, "encoder", err);
    if (!st) st = check_no_input(dec, n_dec, 0, "decoder", err);
    if (!st) st = check_gaussian(enc + skip, n_enc - skip, n_enc - skip - 1, "encoder", 1 + skip, err);
    if (!st) st = check_gaussian(dec, n_dec, -1, "decoder", 1, err);
    if (st) {
        free(enc);
        free(dec);
        return st;
    }
    n_enc -= skip;
    ae_model *m = calloc(1, sizeof *m);
    ae_layer *ls = calloc((size_t)(n_enc + n_dec), sizeof *ls);
    if (!m || !ls) {
        free(enc);
        free(dec);
        free(m);
        free(ls);
        return ae_fail(err, AE_ERR_NOMEM, "out of memory building a model");
    }
    memcpy(ls, enc + skip, (size_t)n_enc * sizeof *ls);
    memcpy(ls + n_enc, dec, (size_t)n_dec * sizeof *ls);
    free(enc);
    free(dec);
    m->layers = ls;
    m->n_enc = n_enc;
    m->n_layers = n_enc + n_dec;
    m->input_dim = input_dim;
    m->in_shape = in_shape;
    m->in_decl = in_decl;

    st = infer_shapes(ls, 0, n_enc, m->in_shape, "encoder", 1 + skip, err);
    if (!st) st = infer_shapes(ls, n_enc, m->n_layers, ls[n_enc - 1].out, "decoder", 1, err);
    if (!st) {
        size_t out_w = ae_shape_size(ls[m->n_layers - 1].out);
        if (out_w != (size_t)input_dim)
            st = ae_fail(err, AE_ERR_ARG, "decoder output width %zu does not match the input width %d", out_w,
                         input_dim);
    }
    if (st) {
        ae_model_free(m);
        return st;
    }

    m->max_width = (size_t)input_dim;
    for (int i = 0; i < m->n_layers; i++) {
        size_t w = ae_layer_out_size(m, i);
        if (w > m->max_width) m->max_width = w;
        m->n_params += ls[i].n_params;
        m->n_state += ls[i].n_state;
        if (i < n_enc) m->n_enc_params += ls[i].n_params;
    }
    m->enc_spec = encoder_text(m);
    m->dec_spec = ae_spec_format(ls + n_enc, n_dec);
    m->params = calloc(m->n_params ? m->n_params : 1, sizeof(float));
    m->grads = calloc(m->n_params ? m->n_params : 1, sizeof(float));
    m->out = calloc((size_t)m->n_layers, sizeof *m->out);
    m->state = m->n_state ? calloc(m->n_state, sizeof(float)) : NULL;
    if (!m->enc_spec || !m->dec_spec || !m->params || !m->grads || !m->out || (m->n_state && !m->state)) {
        ae_model_free(m);
        return ae_fail(err, AE_ERR_NOMEM, "out of memory for a model of %zu parameters", m->n_params);
    }
    size_t off = 0, soff = 0;
    for (int i = 0; i < m->n_layers; i++) {
        ls[i].params = m->params + off;
        ls[i].grads = m->grads + off;
        off += ls[i].n_params;
        ls[i].state = ls[i].n_state ? m->state + soff : NULL;
        soff += ls[i].n_state;
    }
    st = ae_model_reserve(m, max_batch, err);
    if (st) {
        ae_model_free(m);
        return st;
    }
    *out = m;
    return AE_OK;
}

ae_status ae_model_new(const char *encoder_spec, const char *decoder_spec, int input_dim,
                       const ae_model_init_opts *o, ae_model **out, ae_error *err)
{
    ae_model_init_opts def = ae_model_init_defaults();
    if (!o) o = &def;
    if (o->init != AE_INIT_GLOROT_UNIFORM && o->init != AE_INIT_HE_UNIFORM && o->init != AE_INIT_HE_NORMAL &&
        o->init != AE_INIT_FAN_IN_UNIFORM)
        return ae_fail(err, AE_ERR_ARG, "unknown initializer %d", (int)o->init);
    ae_model *m;
    ae_status st = ae_model_build(encoder_spec, decoder_spec, input_dim, o->max_batch, &m, err);
    if (st) {
        *out = NULL;
        return st;
    }
    ae_rng rng;
    ae_rng_seed(&rng, o->seed);
    for (int i = 0; i < m->n_layers; i++) m->layers[i].ops->init(&m->layers[i], o->init, &rng);
    *out = m;
    return AE_OK;
}

int ae_model_input_dim(const ae_model *m) { return m->input_dim; }
int ae_model_code_dim(const ae_model *m) { return (int)ae_layer_out_size(m, m->n_enc - 1); }

size_t ae_model_param_count(const ae_model *m, size_t *encoder, size_t *decoder)
{
    if (encoder) *encoder = m->n_enc_params;
    if (decoder) *decoder = m->n_params - m->n_enc_params;
    return m->n_params;
}

const char *ae_model_encoder_spec(const ae_model *m) { return m->enc_spec; }
const char *ae_model_decoder_spec(const ae_model *m) { return m->dec_spec; }

const float *ae_model_forward(ae_model *m, const float *x, int B, int from, int to)
{
    const float *in = x;
    for (int i = from; i < to; i++) {
        ae_layer *l = &m->layers[i];
        l->ops->forward(l, in, m->out[i], B);
        in = m->out[i];
    }
    return in;
}

void ae_model_backward(ae_model *m, const float *x, float *dy, int B, int from, int to, float *dx, int flags)
{
    float *dout = dy;
    for (int i = to - 1; i >= from; i--) {
        ae_layer *l = &m->layers[i];
        const float *in = i == from ? x : m->out[i - 1];
        float *din;
        if (i == from)
            din = dx; /* NULL: the input needs no gradient, skip that GEMM */
        else
            din = dout == m->gbuf[0] ? m->gbuf[1] : m->gbuf[0];
        l->ops->backward(l, in, m->out[i], dout, din, B, i == to - 1 ? flags : flags & ~AE_BWD_PREACT);
        dout = din;
    }
}

/* Runs layers [from, to) over all rows of x in chunks of max_batch into a
 * freshly allocated y. */
static ae_status run_rows(ae_model *m, const ae_matrix *x, int from, int to, size_t in_w, ae_matrix *y,
                          const char *what, ae_error *err)
{
    if (!x || (!x->data && x->rows))
        return ae_fail(err, AE_ERR_ARG, "%s: no input matrix", what);
    if (x->cols != in_w)
        return ae_fail(err, AE_ERR_ARG, "%s: input has %zu columns, the model wants %zu", what, x->cols, in_w);
    size_t out_w = ae_layer_out_size(m, to - 1);
    ae_status st = ae_matrix_alloc(y, x->rows, out_w, err);
    if (st) return st;
    size_t chunk = (size_t)m->max_batch;
    /* inference: evaluation mode without random draws, whatever was set */
    ae_layer_mode was = m->n_layers ? m->layers[0].mode : (ae_layer_mode){0};
    ae_model_set_mode(m, false, NULL);
    for (size_t r = 0; r < x->rows; r += chunk) {
        int B = (int)(x->rows - r < chunk ? x->rows - r : chunk);
        const float *o = ae_model_forward(m, x->data + r * in_w, B, from, to);
        memcpy(y->data + r * out_w, o, (size_t)B * out_w * sizeof(float));
    }
    ae_model_set_mode(m, was.training, was.rng);
    return AE_OK;
}

ae_status ae_model_encode(ae_model *m, const ae_matrix *x, ae_matrix *codes, ae_error *err)
{
    return run_rows(m, x, 0, m->n_enc, (size_t)m->input_dim, codes, "encode", err);
}

ae_status ae_model_decode(ae_model *m, const ae_matrix *codes, ae_matrix *out, ae_error *err)
{
    return run_rows(m, codes, m->n_enc, m->n_layers, (size_t)ae_model_code_dim(m), out, "decode", err);
}

ae_status ae_model_reconstruct(ae_model *m, const ae_matrix *x, ae_matrix *out, ae_error *err)
{
    return run_rows(m, x, 0, m->n_layers, (size_t)m->input_dim, out, "reconstruct", err);
}
