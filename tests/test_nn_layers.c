/* The one gradient check of every layer kind and of whole models.
 *
 * Layers: a table of cases (a spec item, an input shape, a batch, the pass
 * mode, tolerances) run through one harness: the objective L = sum r * y (+
 * kl_weight * KL for a VAE's gaussian layer, whose backward adds that term's
 * gradient) is differentiated by central differences w.r.t. every parameter
 * and every input, against backward. The harness also wants backward without
 * din to give the same parameter gradients, AE_BWD_ACCUMULATE to add a second
 * pass to them, and AE_BWD_PREACT (the gradient given w.r.t. the
 * pre-activation) to give the same gradients as the activation's own
 * derivative. Stochastic passes hold their draws fixed: the generator is
 * reseeded identically before every forward pass (and a case that says its
 * draws matter must give another output under another seed). Training-mode
 * passes restore the layer's state (batchnorm's running statistics) first.
 * test_every_kind_has_a_case walks the table of layer kinds (spec.c) and fails
 * for a kind without a case: a new kind needs its gradient check here.
 *
 * Models: a second table of encoder/decoder pairs through ae_batch_loss (the
 * training loss: MSE or BCE, a VAE's beta * KL with its latent noise held
 * fixed, batchnorm and dropout in training or evaluation mode) against
 * central differences of the same loss w.r.t. every parameter and every input
 * value (a model's chain of layers, the ping-pong gradient buffers and the
 * fused BCE/sigmoid gradient). */
#include "test_util.h"

#include "aeclust/nn.h"
#include "aeclust/rng.h"
#include "nn/activation.h"
#include "nn/loss.h"
#include "nn/model.h"
#include "nn/spec.h"
#include "nn_fd.h"
#include "nn_layer_fixture.h"

#define FLAT(n) {.rank = 1, .dim = {n}}
#define IMG(c, h, w) {.rank = 3, .dim = {c, h, w}}

typedef enum { X_UNIFORM, X_SEPARATED } input_kind;

/* The pass mode (layer.h's ae_layer_mode): evaluation or training, with or
 * without a generator of random draws. */
typedef enum { EVAL, EVAL_RNG, TRAIN, TRAIN_RNG } pass_mode;

static bool mode_training(pass_mode m) { return m == TRAIN || m == TRAIN_RNG; }
static bool mode_rng(pass_mode m) { return m == EVAL_RNG || m == TRAIN_RNG; }

/* ---- layers ---- */

typedef struct {
    const char *item;
    ae_shape in;
    int B;
    pass_mode mode;
    input_kind x;      /* X_UNIFORM: U(-1, 1) */
    bool random;       /* the draws change the output (checked) */
    float kl_weight;   /* gaussian: the weight of the KL term */
    float h;           /* step [1e-2] */
    double atol, rtol; /* [3e-4, 2e-3] */
} layer_case;

static const layer_case layer_cases[] = {
    /* dense under every activation (relu's kink kept clear of the steps, below) */
    {.item = "dense 5 linear", .in = FLAT(7), .B = 3},
    {.item = "dense 5 relu", .in = FLAT(7), .B = 3},
    {.item = "dense 5 leaky_relu:0.2", .in = FLAT(7), .B = 3},
    {.item = "dense 5 sigmoid", .in = FLAT(7), .B = 3},
    {.item = "dense 5 tanh", .in = FLAT(7), .B = 3},
    {.item = "dense 1 tanh", .in = FLAT(1), .B = 1},
    /* conv2d: strides 1-3, same/valid/pP, both GEMM formulations */
    {.item = "conv2d 4 3 s1 same tanh", .in = IMG(3, 5, 7), .B = 2},   /* patches first */
    {.item = "conv2d 2 3 s2 valid sigmoid", .in = IMG(5, 7, 6), .B = 2},
    {.item = "conv2d 3 3 s2 same linear", .in = IMG(2, 6, 5), .B = 2}, /* odd pad at the bottom */
    {.item = "conv2d 1 3 s1 same tanh", .in = IMG(3, 5, 4), .B = 2},   /* products first */
    {.item = "conv2d 2 3 s1 p1 linear", .in = IMG(4, 5, 6), .B = 1},   /* products first, PyTorch pad */
    {.item = "conv2d 1 3 s2 same linear", .in = IMG(8, 5, 5), .B = 2}, /* products first, stride 2 */
    {.item = "conv2d 2 2 s3 p1 tanh", .in = IMG(2, 7, 8), .B = 2},
    {.item = "conv2d 2 1 s1 valid relu", .in = IMG(2, 2, 3), .B = 2},  /* 1x1 */
    /* conv2d_transpose: same, valid (gaps with K < S), PyTorch's pP opQ */
    {.item = "conv2d_transpose 3 3 s2 same tanh", .in = IMG(2, 3, 4), .B = 2},
    {.item = "conv2d_transpose 2 3 s1 valid linear", .in = IMG(3, 4, 3), .B = 2},
    {.item = "conv2d_transpose 2 3 s2 p1 op1 sigmoid", .in = IMG(2, 3, 3), .B = 2},
    {.item = "conv2d_transpose 2 2 s3 valid linear", .in = IMG(1, 2, 3), .B = 2},
    {.item = "conv2d_transpose 3 4 s3 p2 op2 tanh", .in = IMG(2, 3, 2), .B = 1},
    /* maxpool2d over inputs 0.1 apart: the winners stay put */
    {.item = "maxpool2d 2", .in = IMG(2, 5, 5), .B = 2, .x = X_SEPARATED},
    {.item = "maxpool2d 3 s2 same", .in = IMG(2, 5, 6), .B = 2, .x = X_SEPARATED},
    {.item = "maxpool2d 3 s1 p1", .in = IMG(1, 4, 5), .B = 2, .x = X_SEPARATED},
    {.item = "upsample2d 2", .in = IMG(2, 3, 4), .B = 2},
    {.item = "upsample2d 3", .in = IMG(1, 2, 3), .B = 2},
    {.item = "flatten", .in = IMG(2, 3, 4), .B = 2},
    {.item = "reshape 3 2 4", .in = FLAT(24), .B = 2},
    {.item = "reshape 24", .in = IMG(2, 3, 4), .B = 2},
    /* gaussian: z = mu, z = mu + sigma eps (eps held fixed), the KL term alone and with sampling */
    {.item = "gaussian 3", .in = FLAT(6), .B = 3},
    {.item = "gaussian 3", .in = FLAT(6), .B = 3, .mode = TRAIN_RNG, .random = true},
    {.item = "gaussian 3", .in = FLAT(6), .B = 3, .kl_weight = 1.5f},
    {.item = "gaussian 2", .in = FLAT(4), .B = 4, .mode = EVAL_RNG, .random = true, .kl_weight = 0.5f},
    /* batchnorm: 1-D and 2-D, batch statistics (training) and running ones (evaluation), options, activations */
    {.item = "batchnorm", .in = FLAT(5), .B = 4, .mode = TRAIN, .h = 2e-3f},
    {.item = "batchnorm", .in = FLAT(5), .B = 4, .mode = EVAL},
    {.item = "batchnorm momentum=0.01 eps=1e-3 tanh", .in = FLAT(4), .B = 6, .mode = TRAIN},
    {.item = "batchnorm relu", .in = FLAT(3), .B = 5, .mode = TRAIN},
    {.item = "batchnorm", .in = FLAT(3), .B = 2, .mode = TRAIN}, /* two rows: x_hat = +-1 */
    {.item = "batchnorm", .in = IMG(3, 4, 5), .B = 2, .mode = TRAIN},
    {.item = "batchnorm eps=0.01 sigmoid", .in = IMG(2, 3, 3), .B = 3, .mode = EVAL},
    {.item = "batchnorm leaky_relu:0.1", .in = IMG(2, 2, 3), .B = 2, .mode = TRAIN},
    {.item = "batchnorm tanh", .in = IMG(1, 3, 3), .B = 1, .mode = TRAIN}, /* one sample: statistics over H x W */
    /* dropout: a fixed mask in training, the identity otherwise */
    {.item = "dropout 0.5", .in = FLAT(12), .B = 3, .mode = TRAIN_RNG, .random = true},
    {.item = "dropout 0.3", .in = IMG(2, 3, 4), .B = 2, .mode = TRAIN_RNG, .random = true},
    {.item = "dropout 0.5", .in = FLAT(8), .B = 2, .mode = EVAL_RNG},
    {.item = "dropout 0.5", .in = FLAT(8), .B = 2, .mode = TRAIN}, /* training without a generator: nothing drawn */
    {.item = "dropout 0", .in = FLAT(8), .B = 2, .mode = TRAIN_RNG},
};
#define N_LAYER_CASES (sizeof layer_cases / sizeof layer_cases[0])

/* Pre-activations of a relu/leaky_relu case stay this far from 0: more than
 * any step of an input or parameter moves them. */
#define KINK_MARGIN 0.05f

typedef struct {
    const layer_case *c;
    layer_fixture f;
    size_t nin, nout;
    float *x, *r, *y;
    float *state0; /* (n_state) the state every pass starts from */
    ae_rng gen;
    uint64_t seed; /* of gen, reseeded before every pass */
} layer_run;

static void layer_pass_mode(layer_run *u)
{
    const pass_mode m = u->c->mode;
    if (mode_rng(m)) ae_rng_seed(&u->gen, u->seed);
    u->f.l.mode = (ae_layer_mode){.training = mode_training(m), .rng = mode_rng(m) ? &u->gen : NULL};
}

/* L = sum r * layer(x) (+ kl_weight KL for gaussian), from the same state and draws every time. */
static double layer_objective(void *ctx)
{
    layer_run *u = ctx;
    ae_layer *l = &u->f.l;
    if (l->n_state) memcpy(l->state, u->state0, l->n_state * sizeof(float));
    layer_pass_mode(u);
    l->ops->forward(l, u->x, u->y, u->c->B);
    double L = 0;
    for (size_t i = 0; i < u->nout; i++) L += (double)u->r[i] * u->y[i];
    if (l->ops == &ae_gaussian_ops) L += (double)l->cfg.gauss.kl_weight * l->cfg.gauss.kl_sum;
    return L;
}

static bool kinked(ae_act a) { return a == AE_ACT_RELU || a == AE_ACT_LEAKY_RELU; }

/* Inputs until every pre-activation is clear of the kink (one draw for smooth activations). */
static void draw_inputs(layer_run *u, ae_rng *rng)
{
    ae_layer *l = &u->f.l;
    for (int tries = 0;; tries++) {
        if (tries == 1000) fail_msg("%s: no input clear of the kink in 1000 draws", u->c->item);
        if (u->c->x == X_SEPARATED)
            fill_separated(u->x, u->nin, rng);
        else
            fill_uniform(u->x, u->nin, -1, 1, rng);
        if (!kinked(l->act)) return;
        const ae_act keep = l->act;
        l->act = AE_ACT_LINEAR;
        layer_objective(u);
        l->act = keep;
        bool clear = true;
        for (size_t i = 0; i < u->nout && clear; i++) clear = fabsf(u->y[i]) > KINK_MARGIN;
        if (clear) return;
    }
}

typedef struct {
    size_t params, inputs;
} fd_counts;

static void run_layer_case(const layer_case *c, ae_rng *rng, fd_counts *n)
{
    layer_run u = {.c = c, .seed = 1234};
    fixture_make(&u.f, c->item, c->in, c->B);
    ae_layer *l = &u.f.l;
    const size_t np = l->n_params;
    u.nin = (size_t)c->B * fixture_in_size(&u.f);
    u.nout = (size_t)c->B * fixture_out_size(&u.f);
    u.x = malloc(u.nin * sizeof *u.x);
    u.r = malloc(u.nout * sizeof *u.r);
    u.y = malloc(u.nout * sizeof *u.y);
    float *dy = malloc(u.nout * sizeof *dy), *dx = malloc(u.nin * sizeof *dx), *dx2 = malloc(u.nin * sizeof *dx2);
    float *g = malloc((np + 1) * sizeof *g), *y1 = malloc(u.nout * sizeof *y1);
    /* parameters and state: their initial values (batchnorm's gamma 1, running variance 1) perturbed,
     * so that biases are nonzero and no value sits at a special point */
    l->ops->init(l, AE_INIT_GLOROT_UNIFORM, rng);
    for (size_t i = 0; i < np; i++) l->params[i] += (float)(ae_rng_uniform(rng) - 0.5);
    for (size_t i = 0; i < l->n_state; i++) l->state[i] += (float)(0.6 * ae_rng_uniform(rng) - 0.3);
    u.state0 = malloc((l->n_state + 1) * sizeof *u.state0);
    if (l->n_state) memcpy(u.state0, l->state, l->n_state * sizeof(float));
    if (l->ops == &ae_gaussian_ops) l->cfg.gauss.kl_weight = c->kl_weight;
    fill_uniform(u.r, u.nout, -1, 1, rng);
    draw_inputs(&u, rng);
    const float h = c->h > 0 ? c->h : 1e-2f;
    const double atol = c->atol > 0 ? c->atol : 3e-4, rtol = c->rtol > 0 ? c->rtol : 2e-3;
    const int B = c->B;
    char what[160];

    /* the analytic gradients */
    layer_objective(&u);
    memcpy(y1, u.y, u.nout * sizeof *y1);
    memcpy(dy, u.r, u.nout * sizeof *dy);
    l->ops->backward(l, u.x, u.y, dy, dx, B, 0);
    memcpy(g, l->grads, np * sizeof *g);

    snprintf(what, sizeof what, "%s (mode %d): parameter", c->item, (int)c->mode);
    n->params += fd_check(l->params, np, g, layer_objective, &u, h, atol, rtol, what);
    snprintf(what, sizeof what, "%s (mode %d): input", c->item, (int)c->mode);
    n->inputs += fd_check(u.x, u.nin, dx, layer_objective, &u, h, atol, rtol, what);

    /* the same forward again gives the same bits (the draws are held fixed) */
    layer_objective(&u);
    assert_memory_equal(u.y, y1, u.nout * sizeof *y1);
    /* without din: the same parameter gradients */
    memcpy(dy, u.r, u.nout * sizeof *dy);
    l->ops->backward(l, u.x, u.y, dy, NULL, B, 0);
    if (np) assert_memory_equal(l->grads, g, np * sizeof *g);
    /* AE_BWD_ACCUMULATE adds an identical pass */
    layer_objective(&u);
    memcpy(dy, u.r, u.nout * sizeof *dy);
    l->ops->backward(l, u.x, u.y, dy, NULL, B, AE_BWD_ACCUMULATE);
    for (size_t p = 0; p < np; p++)
        if (!(fabs(l->grads[p] - 2.0 * g[p]) <= 1e-5 * (1 + fabs(g[p]))))
            fail_msg("%s: accumulated gradient %zu = %.8g, want twice %.8g", c->item, p, (double)l->grads[p],
                     (double)g[p]);
    /* AE_BWD_PREACT: dout already through the activation's derivative */
    if (l->act != AE_ACT_LINEAR) {
        layer_objective(&u);
        memcpy(dy, u.r, u.nout * sizeof *dy);
        ae_act_backward(l->act, l->act_alpha, u.y, dy, NULL, u.nout, 1, 1, false, false);
        l->ops->backward(l, u.x, u.y, dy, dx2, B, AE_BWD_PREACT);
        for (size_t p = 0; p < np; p++)
            if (!(fabs(l->grads[p] - g[p]) <= 1e-5 * (1 + fabs(g[p]))))
                fail_msg("%s: pre-activation gradient %zu = %.8g, want %.8g", c->item, p, (double)l->grads[p],
                         (double)g[p]);
        for (size_t i = 0; i < u.nin; i++)
            if (!(fabs(dx2[i] - dx[i]) <= 1e-5 * (1 + fabs(dx[i]))))
                fail_msg("%s: pre-activation input gradient %zu = %.8g, want %.8g", c->item, i, (double)dx2[i],
                         (double)dx[i]);
    }
    /* a case whose draws matter gives another output under another seed */
    if (c->random) {
        u.seed = 99;
        layer_objective(&u);
        if (!memcmp(u.y, y1, u.nout * sizeof *y1)) fail_msg("%s: the output does not depend on the draws", c->item);
    }
    free(u.x);
    free(u.r);
    free(u.y);
    free(u.state0);
    free(dy);
    free(dx);
    free(dx2);
    free(g);
    free(y1);
    fixture_free(&u.f);
}

static void test_layer_gradients(void **state)
{
    (void)state;
    ae_rng rng;
    ae_rng_seed(&rng, 41);
    fd_counts n = {0};
    for (size_t i = 0; i < N_LAYER_CASES; i++) {
        fd_worst = 0;
        run_layer_case(&layer_cases[i], &rng, &n);
        /* FD_VERBOSE=1: how close each case comes to its tolerance (1 fails) */
        if (getenv("FD_VERBOSE"))
            print_message("%-40s mode %d: worst error / tolerance %.3f\n", layer_cases[i].item,
                          (int)layer_cases[i].mode, fd_worst);
    }
    print_message("%zu layer cases: %zu parameter and %zu input derivatives checked\n", N_LAYER_CASES, n.params,
                  n.inputs);
}

/* The first word of a spec item. */
static void keyword_of(const char *item, char *buf, size_t n)
{
    size_t k = strcspn(item, " ");
    if (k >= n) k = n - 1;
    memcpy(buf, item, k);
    buf[k] = '\0';
}

static void test_every_kind_has_a_case(void **state)
{
    (void)state;
    char missing[512] = "";
    const int kinds = ae_layer_kind_count();
    assert_true(kinds >= 11);
    assert_null(ae_layer_kind_at(kinds));
    assert_null(ae_layer_kind_at(-1));
    for (int k = 0; k < kinds; k++) {
        const ae_layer_ops *ops = ae_layer_kind_at(k);
        assert_non_null(ops);
        assert_ptr_equal(ae_layer_kind_find(ops->keyword), ops);
        if (ops == &ae_input_ops) continue; /* not a layer: it only shapes the rows (model.c drops it) */
        bool found = false;
        for (size_t i = 0; i < N_LAYER_CASES && !found; i++) {
            char kw[64];
            keyword_of(layer_cases[i].item, kw, sizeof kw);
            found = !strcmp(kw, ops->keyword);
        }
        if (!found) snprintf(missing + strlen(missing), sizeof missing - strlen(missing), " %s", ops->keyword);
    }
    if (missing[0]) fail_msg("layer kinds without a gradient-check case in test_nn_layers.c:%s", missing);
}

/* ---- whole models ---- */

typedef struct {
    const char *enc, *dec;
    int D, B;
    ae_loss_kind loss;
    double kl_beta;
    pass_mode mode;
    input_kind x;            /* X_UNIFORM: U(x_lo, x_hi); X_SEPARATED: 0.5 + 0.3 * (0.1 apart) */
    float x_lo, x_hi;
    bool autoencode;         /* the target is the input's initial value, else U(0, 1) */
    float p_scale, p_jitter; /* parameters = initial * p_scale + U(-p_jitter, p_jitter) */
    float h;                 /* [1e-2] */
    double atol, rtol;       /* [2e-5, 1e-2] */
} model_case;

#define VAE_ENC "dense 6 tanh, dense 4, gaussian 2"
#define VAE_DEC "dense 5 tanh, dense 8 sigmoid"

/* Smooth activations only: a relu kink inside a step would spoil the
 * difference quotient (the layer cases cover relu with inputs kept clear). */
static const model_case model_cases[] = {
    {.enc = "dense 5 tanh, dense 3 linear", .dec = "dense 5 sigmoid, dense 6 sigmoid", .D = 6, .B = 4,
     .loss = AE_LOSS_MSE, .x_hi = 1, .p_scale = 1, .p_jitter = 0.3f},
    {.enc = "dense 8 sigmoid, dense 4 tanh, dense 2", .dec = "dense 4 tanh, dense 6 linear", .D = 6, .B = 4,
     .loss = AE_LOSS_MSE, .x_hi = 1, .p_scale = 1, .p_jitter = 0.3f},
    {.enc = "dense 5 tanh, dense 3 sigmoid", .dec = "dense 5 tanh, dense 6 sigmoid", .D = 6, .B = 4,
     .loss = AE_LOSS_BCE, .x_hi = 1, .p_scale = 1, .p_jitter = 0.3f},
    /* every image layer; the pool sees the input itself, whose values are farther apart than 2h */
    {.enc = "input 1 6 6, maxpool2d 2 s1 same, conv2d 3 3 s2 same tanh, conv2d 2 3 s1 p1 tanh, flatten, dense 4 tanh",
     .dec = "dense 18 tanh, reshape 2 3 3, upsample2d 2, conv2d_transpose 2 3 s1 same tanh, conv2d 1 3 same sigmoid",
     .D = 36, .B = 3, .loss = AE_LOSS_MSE, .x = X_SEPARATED, .p_jitter = 0.4f},
    /* a VAE's loss, the latent noise held fixed: BCE, MSE with beta 1/2, and the KL term dominating */
    {.enc = VAE_ENC, .dec = VAE_DEC, .D = 8, .B = 3, .loss = AE_LOSS_BCE, .kl_beta = 1.0, .mode = TRAIN_RNG,
     .x_lo = 0.05f, .x_hi = 0.95f, .autoencode = true, .p_scale = 2, .atol = 2e-3, .rtol = 2e-2},
    {.enc = VAE_ENC, .dec = VAE_DEC, .D = 8, .B = 3, .loss = AE_LOSS_MSE, .kl_beta = 0.5, .mode = TRAIN_RNG,
     .x_lo = 0.05f, .x_hi = 0.95f, .autoencode = true, .p_scale = 2, .atol = 2e-3, .rtol = 2e-2},
    {.enc = VAE_ENC, .dec = VAE_DEC, .D = 8, .B = 3, .loss = AE_LOSS_MSE, .kl_beta = 50.0, .mode = TRAIN_RNG,
     .x_lo = 0.05f, .x_hi = 0.95f, .autoencode = true, .p_scale = 2, .atol = 2e-3, .rtol = 2e-2},
    /* batchnorm and dropout inside models: training (batch statistics, a fixed mask) and evaluation */
    {.enc = "dense 6, batchnorm tanh, dropout 0.3, dense 3", .dec = "dense 6 tanh, batchnorm, dense 6 sigmoid", .D = 6,
     .B = 5, .loss = AE_LOSS_MSE, .mode = TRAIN_RNG, .x_hi = 1, .p_scale = 1, .p_jitter = 0.3f},
    {.enc = "dense 6, batchnorm tanh, dropout 0.3, dense 3", .dec = "dense 6 tanh, batchnorm, dense 6 sigmoid", .D = 6,
     .B = 5, .loss = AE_LOSS_MSE, .mode = EVAL_RNG, .x_hi = 1, .p_scale = 1, .p_jitter = 0.3f},
    {.enc = "input 1 4 4, conv2d 2 3 same, batchnorm tanh, dropout 0.2, flatten, dense 3",
     .dec = "dense 8 tanh, reshape 2 2 2, upsample2d 2, conv2d 1 3 same, batchnorm momentum=0.01 sigmoid", .D = 16,
     .B = 3, .loss = AE_LOSS_BCE, .mode = TRAIN_RNG, .x_hi = 1, .p_scale = 1, .p_jitter = 0.3f},
    {.enc = "dense 6 tanh, dense 4, gaussian 2", .dec = "dense 5, batchnorm tanh, dropout 0.25, dense 8 sigmoid",
     .D = 8, .B = 4, .loss = AE_LOSS_BCE, .kl_beta = 0.5, .mode = TRAIN_RNG, .x_lo = 0.05f, .x_hi = 0.95f,
     .autoencode = true, .p_scale = 1, .p_jitter = 0.3f, .atol = 2e-3, .rtol = 2e-2},
};
#define N_MODEL_CASES (sizeof model_cases / sizeof model_cases[0])

typedef struct {
    const model_case *c;
    ae_model *m;
    float *x, *t, *state0;
    ae_rng gen;
} model_run;

static void model_pass_mode(model_run *u)
{
    ae_model *m = u->m;
    if (m->n_state) memcpy(m->state, u->state0, m->n_state * sizeof(float));
    if (mode_rng(u->c->mode)) ae_rng_seed(&u->gen, 42);
    ae_model_set_mode(m, mode_training(u->c->mode), mode_rng(u->c->mode) ? &u->gen : NULL);
}

static double model_objective(void *ctx)
{
    model_run *u = ctx;
    model_pass_mode(u);
    return ae_batch_loss(u->m, u->x, u->t, u->c->B, u->c->loss, u->c->kl_beta, false);
}

static void run_model_case(const model_case *c, uint64_t seed, fd_counts *n)
{
    ae_error err;
    ae_model_init_opts io = ae_model_init_defaults();
    io.seed = seed;
    io.max_batch = 8;
    model_run u = {.c = c};
    if (ae_model_new(c->enc, c->dec, c->D, &io, &u.m, &err) != AE_OK) fail_msg("%s", err.msg);
    ae_model *m = u.m;
    ae_rng rng;
    ae_rng_seed(&rng, seed + 1);
    for (size_t p = 0; p < m->n_params; p++)
        m->params[p] = m->params[p] * c->p_scale + (float)(c->p_jitter * (2 * ae_rng_uniform(&rng) - 1));
    for (size_t i = 0; i < m->n_state; i++) m->state[i] += (float)(0.6 * ae_rng_uniform(&rng) - 0.3);
    u.state0 = malloc((m->n_state + 1) * sizeof *u.state0);
    if (m->n_state) memcpy(u.state0, m->state, m->n_state * sizeof(float));
    const size_t nx = (size_t)c->B * c->D;
    u.x = malloc(nx * sizeof *u.x);
    u.t = malloc(nx * sizeof *u.t);
    float *dx = malloc(nx * sizeof *dx), *g = malloc(m->n_params * sizeof *g);
    if (c->x == X_SEPARATED) {
        fill_separated(u.x, nx, &rng);
        for (size_t i = 0; i < nx; i++) u.x[i] = 0.5f + 0.3f * u.x[i];
    } else {
        fill_uniform(u.x, nx, c->x_lo, c->x_hi, &rng);
    }
    if (c->autoencode)
        memcpy(u.t, u.x, nx * sizeof *u.t);
    else
        fill_uniform(u.t, nx, 0, 1, &rng);

    /* parameter gradients through the training loss itself */
    model_pass_mode(&u);
    ae_batch_loss(m, u.x, u.t, c->B, c->loss, c->kl_beta, true);
    memcpy(g, m->grads, m->n_params * sizeof *g);
    /* the input gradient: the same loss by hand, backward on to the rows */
    model_pass_mode(&u);
    ae_layer *gl = ae_model_gaussian(m);
    const double per = gl ? (double)c->B : (double)nx;
    if (gl) gl->cfg.gauss.kl_weight = (float)(c->kl_beta / per);
    const bool preact = c->loss == AE_LOSS_BCE;
    const float *y = ae_model_forward(m, u.x, c->B, 0, m->n_layers);
    ae_loss_eval(c->loss, y, u.t, nx, m->gbuf[0], (float)(1.0 / per), preact);
    ae_model_backward(m, u.x, m->gbuf[0], c->B, 0, m->n_layers, dx, preact ? AE_BWD_PREACT : 0);
    assert_memory_equal(m->grads, g, m->n_params * sizeof *g); /* the two paths agree */

    const float h = c->h > 0 ? c->h : 1e-2f;
    const double atol = c->atol > 0 ? c->atol : 2e-5, rtol = c->rtol > 0 ? c->rtol : 1e-2;
    char what[512];
    snprintf(what, sizeof what, "'%s' / '%s' (%s, mode %d): parameter", c->enc, c->dec, ae_loss_name(c->loss),
             (int)c->mode);
    n->params += fd_check(m->params, m->n_params, g, model_objective, &u, h, atol, rtol, what);
    snprintf(what, sizeof what, "'%s' / '%s' (%s, mode %d): input", c->enc, c->dec, ae_loss_name(c->loss),
             (int)c->mode);
    n->inputs += fd_check(u.x, nx, dx, model_objective, &u, h, atol, rtol, what);
    free(u.x);
    free(u.t);
    free(u.state0);
    free(dx);
    free(g);
    ae_model_free(m);
}

static void test_model_gradients(void **state)
{
    (void)state;
    fd_counts n = {0};
    for (size_t i = 0; i < N_MODEL_CASES; i++) {
        fd_worst = 0;
        run_model_case(&model_cases[i], 21 + i, &n);
        if (getenv("FD_VERBOSE"))
            print_message("model case %zu (%s): worst error / tolerance %.3f\n", i, model_cases[i].enc, fd_worst);
    }
    print_message("%zu model cases: %zu parameter and %zu input derivatives checked\n", N_MODEL_CASES, n.params,
                  n.inputs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_kind_has_a_case),
        cmocka_unit_test(test_layer_gradients),
        cmocka_unit_test(test_model_gradients),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
