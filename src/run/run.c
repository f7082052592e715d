/* The experiment pipeline behind `aeclust run`. */
#include "aeclust/run.h"

#include <json-c/json.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aeclust/data.h"
#include "aeclust/kmeans.h"
#include "aeclust/metrics.h"
#include "aeclust/nn.h"
#include "aeclust/noise.h"
#include "aeclust/rng.h"
#include "aeclust/npy.h"
#include "core/atomic_file.h"
#include "core/fs.h"

/* What changes every epoch of training: the clean images augmented anew
 * (when augmented != NULL) and fresh noise drawn on them (when noisy != NULL). */
typedef struct {
    const ae_matrix *clean;       /* (n, D) the training images */
    ae_matrix *augmented, *noisy; /* (n, D) each, or NULL */
    ae_augment_opts augment;
    ae_noise noise;
    int height, width;
    ae_rng rng;
} epoch_state;

/* An ae_train before_epoch hook over an epoch_state. Without augmentation the
 * first epoch keeps the noise drawn before training. */
static ae_status prepare_epoch(void *user, int epoch, ae_error *err)
{
    epoch_state *s = user;
    const ae_matrix *clean = s->clean;
    if (s->augmented) {
        ae_status st = ae_augment_apply(&s->augment, s->clean, s->height, s->width, &s->rng, s->augmented, err);
        if (st) return st;
        clean = s->augmented;
    } else if (epoch == 1) {
        return AE_OK;
    }
    return s->noisy ? ae_noise_apply(&s->noise, clean, &s->rng, s->noisy, err) : AE_OK;
}

typedef struct {
    const ae_config *cfg;
    const ae_run_opts *o;
    ae_dataset split[3]; /* train, test, all: loaded on first use */
    int loaded[3];
    ae_dataset fit_subset; /* when data.fit_per_class or data.fit_limit picks a subset */
    const ae_dataset *fit; /* the set the clusterers are fitted on */
    char fit_name[48];
    char stage[1200];
    json_object *records, *timing;
    FILE *makeup, *confusion; /* memory streams, written out at the end */
    char *makeup_buf, *confusion_buf;
    size_t makeup_len, confusion_len;
    const char *const *class_names;
    int n_class_names;
    ae_run_result *res;
    ae_model *model; /* the trained autoencoder, or NULL */
    json_object *training;
    struct {
        const ae_dataset *d;
        ae_matrix codes; /* (n, code_dim) */
    } codes[4];          /* codes of each set embedded so far */
    ae_noise noise;      /* [noise] of a denoising autoencoder; kind NONE otherwise */
    struct {
        const ae_dataset *d;
        ae_matrix x; /* (n, D) the noisy copy of d's images */
    } noisy[4];
    epoch_state epoch;   /* fresh noise and/or augmentation of the training images */
    ae_matrix augmented; /* (n, D) this epoch's augmented training images */
    json_object *denoising;
} run_ctx;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void say(run_ctx *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(run_ctx *r, const char *fmt, ...)
{
    if (!r->o->log) return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    r->o->log(r->o->user, line);
}

static void add_time(run_ctx *r, const char *what, double seconds)
{
    json_object *old;
    if (json_object_object_get_ex(r->timing, what, &old)) seconds += json_object_get_double(old);
    json_object_object_add(r->timing, what, json_object_new_double(seconds));
}

static ae_status get_split(run_ctx *r, const char *name, const ae_dataset **out, ae_error *err)
{
    int i = !strcmp(name, "train") ? 0 : !strcmp(name, "test") ? 1 : 2;
    if (!r->loaded[i]) {
        const char *dataset = ae_config_str(r->cfg, "data", "dataset");
        double t0 = now_s();
        ae_status st = ae_dataset_load(dataset, name, r->o->data_dir, &r->split[i], err);
        if (st) return st;
        r->loaded[i] = 1;
        add_time(r, "load", now_s() - t0);
        say(r, "loaded %s %s: %zu images of %dx%d", dataset, name, r->split[i].x.rows, r->split[i].height,
            r->split[i].width);
    }
    *out = &r->split[i];
    return AE_OK;
}

static ae_status prepare_fit_set(run_ctx *r, ae_error *err)
{
    const char *name = ae_config_str(r->cfg, "data", "fit");
    const ae_dataset *d;
    ae_status st = get_split(r, name, &d, err);
    if (st) return st;
    long per_class = ae_config_int(r->cfg, "data", "fit_per_class");
    long limit = ae_config_int(r->cfg, "data", "fit_limit");
    uint64_t seed = (uint64_t)ae_config_int(r->cfg, "experiment", "seed");
    snprintf(r->fit_name, sizeof r->fit_name, "%s", name);
    if (per_class > 0) {
        st = !strcmp(ae_config_str(r->cfg, "data", "fit_pick"), "first")
                 ? ae_dataset_take_first_per_class(d, (size_t)per_class, &r->fit_subset, err)
                 : ae_dataset_take_per_class(d, (size_t)per_class, seed, &r->fit_subset, err);
        if (st) {
            char why[AE_ERROR_MSG_MAX];
            snprintf(why, sizeof why, "%s", err ? err->msg : "");
            return ae_fail(err, st, "%s: data.fit_per_class = %ld: %s", ae_config_origin(r->cfg, "data", "fit_per_class"),
                           per_class, why);
        }
        snprintf(r->fit_name, sizeof r->fit_name, "%s-%ld-per-class", name, per_class);
        d = &r->fit_subset;
    }
    if (limit > 0) {
        if ((size_t)limit > d->x.rows)
            return ae_fail(err, AE_ERR_ARG, "%s: data.fit_limit = %ld is larger than the %zu images of %s",
                           ae_config_origin(r->cfg, "data", "fit_limit"), limit, d->x.rows, r->fit_name);
        ae_dataset first;
        if ((st = ae_dataset_take_first(d, (size_t)limit, &first, err))) return st;
        ae_dataset_free(&r->fit_subset);
        r->fit_subset = first;
        size_t len = strlen(r->fit_name);
        snprintf(r->fit_name + len, sizeof r->fit_name - len, "-first-%ld", limit);
        d = &r->fit_subset;
    }
    r->fit = d;
    long k = ae_config_int(r->cfg, "cluster", "k");
    if ((size_t)k > d->x.rows)
        return ae_fail(err, AE_ERR_ARG, "%s: cluster.k = %ld is larger than the %zu images of %s",
                       ae_config_origin(r->cfg, "cluster", "k"), k, d->x.rows, r->fit_name);
    return AE_OK;
}

static ae_status stage_path(run_ctx *r, char *out, size_t n, const char *file, ae_error *err)
{
    if (snprintf(out, n, "%s/%s", r->stage, file) >= (int)n)
        return ae_fail(err, AE_ERR_ARG, "%s/%s: path too long", r->stage, file);
    return AE_OK;
}

/* noisy (allocated here) = x with the experiment's noise, from its own seeded stream. */
static ae_status noisy_copy(const ae_config *c, const ae_noise *nz, const ae_matrix *x, uint64_t stream,
                            ae_matrix *noisy, ae_error *err)
{
    ae_rng rng;
    ae_rng_seed(&rng, (uint64_t)ae_config_int(c, "experiment", "seed") * 8 + stream);
    ae_status st = ae_matrix_alloc(noisy, x->rows, x->cols, err);
    if (!st) st = ae_noise_apply(nz, x, &rng, noisy, err);
    return st;
}

/* The noisy copy of a set's images, drawn once per set (its own seeded
 * stream, so validation, clustering and the error report see the same noise). */
static ae_status noisy_x(run_ctx *r, const ae_dataset *d, ae_matrix **out, ae_error *err)
{
    int free_slot = -1;
    for (int i = 0; i < 4; i++) {
        if (r->noisy[i].d == d) {
            *out = &r->noisy[i].x;
            return AE_OK;
        }
        if (!r->noisy[i].d && free_slot < 0) free_slot = i;
    }
    if (free_slot < 0) return ae_fail(err, AE_ERR_ARG, "too many noisy sets in one run");
    int id = d == &r->fit_subset ? 3 : (int)(d - r->split);
    ae_matrix *x = &r->noisy[free_slot].x;
    ae_status st = noisy_copy(r->cfg, &r->noise, &d->x, (uint64_t)id + 1, x, err);
    if (st) {
        ae_matrix_free(x);
        return st;
    }
    r->noisy[free_slot].d = d;
    *out = x;
    return AE_OK;
}

/* The matrix a set is clustered in: its pixels, or its autoencoder codes
 * (computed once per set and saved as codes_KEY.npy). */
static ae_status space_x(run_ctx *r, const char *space, const ae_dataset *d, const char *key, const ae_matrix **x,
                         ae_error *err)
{
    if (!strcmp(space, "pixels")) {
        *x = &d->x;
        return AE_OK;
    }
    int free_slot = -1;
    for (int i = 0; i < 4; i++) {
        if (r->codes[i].d == d) {
            *x = &r->codes[i].codes;
            return AE_OK;
        }
        if (!r->codes[i].d && free_slot < 0) free_slot = i;
    }
    if (free_slot < 0) return ae_fail(err, AE_ERR_ARG, "too many sets to embed in one run");
    double t0 = now_s();
    ae_matrix *codes = &r->codes[free_slot].codes, *noisy;
    const ae_matrix *input = &d->x;
    ae_status st;
    if (r->noise.kind != AE_NOISE_NONE && !strcmp(ae_config_str(r->cfg, "noise", "cluster_on"), "noisy")) {
        if ((st = noisy_x(r, d, &noisy, err))) return st;
        input = noisy;
    }
    if ((st = ae_model_encode(r->model, input, codes, err))) return st;
    r->codes[free_slot].d = d;
    add_time(r, "embed", now_s() - t0);
    char path[1400], file[128];
    snprintf(file, sizeof file, "codes_%s.npy", key);
    if ((st = stage_path(r, path, sizeof path, file, err)) || (st = ae_npy_write_matrix(path, codes, err))) return st;
    *x = codes;
    return AE_OK;
}

/* Scores one clustering of one split and records it everywhere it belongs. */
static ae_status score(run_ctx *r, const char *clusterer, const char *space, const char *split_label,
                       const char *file_key, const ae_dataset *d, const ae_labels *pred, int geometry, ae_error *err)
{
    if (r->res->n_records >= AE_RUN_MAX_RECORDS) return ae_fail(err, AE_ERR_ARG, "too many results in one run");
    double t0 = now_s();
    ae_label_scores s;
    ae_contingency c;
    ae_status st = ae_contingency_build(d->y.data, pred->data, d->y.n, &c, err);
    if (st) return st;
    if ((st = ae_score_contingency(&c, &s, err))) goto done;
    ae_run_record *rec = &r->res->records[r->res->n_records];
    memset(rec, 0, sizeof *rec);
    snprintf(rec->clusterer, sizeof rec->clusterer, "%s", clusterer);
    snprintf(rec->space, sizeof rec->space, "%s", space);
    snprintf(rec->split, sizeof rec->split, "%s", split_label);
    rec->n = d->y.n;
    rec->acc = s.acc;
    rec->purity = s.purity;
    rec->ari = s.ari;
    rec->nmi = s.nmi;
    if (geometry) {
        size_t sample = (size_t)ae_config_int(r->cfg, "eval", "silhouette_sample");
        uint64_t seed = (uint64_t)ae_config_int(r->cfg, "experiment", "seed");
        double tg = now_s();
        const ae_matrix *x;
        if ((st = space_x(r, space, d, file_key, &x, err))) goto done;
        if ((st = ae_silhouette(x, pred->data, sample, seed, &rec->silhouette, err))) goto done;
        if ((st = ae_davies_bouldin(x, pred->data, &rec->davies_bouldin, err))) goto done;
        rec->has_geometry = 1;
        add_time(r, "geometry", now_s() - tg);
    }
    r->res->n_records++;

    json_object *j = json_object_new_object();
    json_object_object_add(j, "clusterer", json_object_new_string(clusterer));
    json_object_object_add(j, "space", json_object_new_string(space));
    json_object_object_add(j, "split", json_object_new_string(split_label));
    json_object_object_add(j, "n", json_object_new_int64((int64_t)rec->n));
    json_object_object_add(j, "acc", json_object_new_double(rec->acc));
    json_object_object_add(j, "purity", json_object_new_double(rec->purity));
    json_object_object_add(j, "ari", json_object_new_double(rec->ari));
    json_object_object_add(j, "nmi", json_object_new_double(rec->nmi));
    if (geometry) {
        json_object_object_add(j, "silhouette", json_object_new_double(rec->silhouette));
        json_object_object_add(j, "davies_bouldin", json_object_new_double(rec->davies_bouldin));
    }
    json_object_array_add(r->records, j);

    char path[1400], file[256];
    snprintf(file, sizeof file, "pred_%s_%s_%s.npy", clusterer, space, file_key);
    if ((st = stage_path(r, path, sizeof path, file, err)) || (st = ae_npy_write_labels(path, pred, err))) goto done;
    snprintf(file, sizeof file, "labels_%s.npy", file_key);
    if ((st = stage_path(r, path, sizeof path, file, err)) || (st = ae_npy_write_labels(path, &d->y, err))) goto done;
    const char *title = "== %s on %s, %s split (n = %zu) ==\n";
    fprintf(r->makeup, title, clusterer, space, split_label, rec->n);
    fprintf(r->confusion, title, clusterer, space, split_label, rec->n);
    st = ae_makeup_write(r->makeup, &c, r->class_names, r->n_class_names, err);
    if (!st) st = ae_confusion_write(r->confusion, &c, r->class_names, r->n_class_names, err);
    fputc('\n', r->makeup);
    fputc('\n', r->confusion);
    add_time(r, "score", now_s() - t0);
    say(r, "%s on %s, %s: ACC %.4f  NMI %.4f  ARI %.4f%s", clusterer, space, split_label, rec->acc, rec->nmi,
        rec->ari, geometry ? "  (+ silhouette, Davies-Bouldin)" : "");
done:
    ae_contingency_free(&c);
    return st;
}

static ae_status run_kmeans(run_ctx *r, const char *space, ae_error *err)
{
    const ae_matrix *x_fit;
    ae_status st = space_x(r, space, r->fit, "fit", &x_fit, err);
    if (st) return st;
    ae_kmeans_opts ko = ae_kmeans_defaults();
    ko.k = (int)ae_config_int(r->cfg, "cluster", "k");
    ko.n_init = (int)ae_config_int(r->cfg, "cluster", "n_init");
    ko.max_iter = (int)ae_config_int(r->cfg, "cluster", "max_iter");
    ko.tol = ae_config_double(r->cfg, "cluster", "tol");
    ko.seed = (uint64_t)ae_config_int(r->cfg, "experiment", "seed");
    say(r, "k-means: k = %d, n_init = %d on %zu x %zu %s of %s", ko.k, ko.n_init, x_fit->rows, x_fit->cols, space,
        r->fit_name);
    double t0 = now_s();
    ae_kmeans_result km = {0};
    if ((st = ae_kmeans_fit(x_fit, &ko, &km, err))) return st;
    double dt = now_s() - t0;
    add_time(r, "fit_kmeans", dt);
    say(r, "k-means: inertia %.6g after %d iterations, %.2f s", km.inertia, km.n_iter, dt);

    char path[1400], file[128];
    snprintf(file, sizeof file, "centroids_kmeans_%s.npy", space);
    if ((st = stage_path(r, path, sizeof path, file, err)) || (st = ae_npy_write_matrix(path, &km.centroids, err)))
        goto done;

    int n_score = ae_config_list_len(r->cfg, "data", "score");
    int scored_fit = 0;
    for (int i = 0; i < n_score && !st; i++) {
        const char *s = ae_config_list_item(r->cfg, "data", "score", i);
        int is_fit = !strcmp(s, "fit") || (!strcmp(s, r->fit_name) && r->fit != &r->fit_subset);
        int geometry = ae_config_list_has(r->cfg, "eval", "geometry", s) ||
                       (is_fit && (ae_config_list_has(r->cfg, "eval", "geometry", "fit") ||
                                   (r->fit != &r->fit_subset &&
                                    ae_config_list_has(r->cfg, "eval", "geometry", r->fit_name))));
        if (is_fit) {
            if (scored_fit++) continue; /* "fit" and its split name are the same set */
            st = score(r, "kmeans", space, r->fit_name, "fit", r->fit, &km.labels, geometry, err);
            continue;
        }
        const ae_dataset *d;
        const ae_matrix *x;
        if ((st = get_split(r, s, &d, err)) || (st = space_x(r, space, d, s, &x, err))) break;
        ae_labels pred = {0};
        double tp = now_s();
        if ((st = ae_kmeans_predict(&km.centroids, x, &pred, NULL, err))) break;
        add_time(r, "predict", now_s() - tp);
        st = score(r, "kmeans", space, s, s, d, &pred, geometry, err);
        ae_labels_free(&pred);
    }
done:
    ae_kmeans_result_free(&km);
    return st;
}

static ae_status train_options(const ae_config *c, const ae_run_opts *o, ae_train_opts *t, ae_error *err)
{
    *t = ae_train_defaults();
    t->epochs = (int)ae_config_int(c, "train", "epochs");
    t->batch_size = (int)ae_config_int(c, "train", "batch_size");
    t->lr = ae_config_double(c, "train", "lr");
    t->beta1 = ae_config_double(c, "train", "beta1");
    t->beta2 = ae_config_double(c, "train", "beta2");
    t->eps = ae_config_double(c, "train", "eps");
    t->momentum = ae_config_double(c, "train", "momentum");
    t->shuffle = ae_config_bool(c, "train", "shuffle");
    t->seed = (uint64_t)ae_config_int(c, "experiment", "seed");
    t->progress = o->progress;
    t->user = o->user;
    ae_status st = ae_optimizer_parse(ae_config_str(c, "train", "optimizer"), &t->optimizer, err);
    if (!st) st = ae_loss_parse(ae_config_str(c, "train", "loss"), &t->loss, err);
    return st;
}

ae_status ae_experiment_model_new(const ae_config *c, int input_dim, ae_model **out, ae_error *err)
{
    *out = NULL;
    const char *enc = ae_config_str(c, "model", "encoder"), *dec = ae_config_str(c, "model", "decoder");
    if (!*enc || !*dec)
        return ae_fail(err, AE_ERR_ARG, "%s: [model] needs both an encoder and a decoder",
                       ae_config_origin(c, "model", *enc ? "decoder" : "encoder"));
    ae_model_init_opts mo = ae_model_init_defaults();
    mo.seed = (uint64_t)ae_config_int(c, "experiment", "seed");
    ae_status st = ae_init_kind_parse(ae_config_str(c, "model", "init"), &mo.init, err);
    if (st) return st;
    if ((st = ae_model_new(enc, dec, input_dim, &mo, out, err))) {
        /* the spec parser names the layer; add where the spec came from */
        char why[AE_ERROR_MSG_MAX];
        snprintf(why, sizeof why, "%s", err ? err->msg : "");
        return ae_fail(err, st, "%s: [model] %s", ae_config_origin(c, "model", "encoder"), why);
    }
    return AE_OK;
}

/* What one training run learns from: input -> target (NULL: input), an
 * optional validation pair, and an optional hook before every epoch. */
typedef struct {
    const ae_matrix *x, *target, *val_x, *val_target;
    ae_status (*before_epoch)(void *user, int epoch, ae_error *err);
    void *hook_user;
    const ae_run_opts *o; /* for the progress callback inside the trampolines */
} train_data;

static void progress_trampoline(void *user, const ae_train_progress *p)
{
    const train_data *d = user;
    if (d->o->progress) d->o->progress(d->o->user, p);
}

static ae_status epoch_trampoline(void *user, int epoch, ae_error *err)
{
    const train_data *d = user;
    return d->before_epoch(d->hook_user, epoch, err);
}

static ae_status experiment_train(const ae_config *c, train_data *d, const char *checkpoint, ae_model **out,
                                  ae_train_history *h, ae_error *err)
{
    static const ae_run_opts quiet;
    const ae_run_opts *o = d->o ? d->o : &quiet;
    d->o = o;
    *out = NULL;
    ae_model *m;
    ae_status st = ae_experiment_model_new(c, (int)d->x->cols, &m, err);
    if (st) return st;
    const char *enc = ae_model_encoder_spec(m), *dec = ae_model_decoder_spec(m);
    ae_train_opts t;
    if ((st = train_options(c, o, &t, err))) goto fail;
    if ((size_t)t.batch_size > d->x->rows) {
        st = ae_fail(err, AE_ERR_ARG, "%s: train.batch_size = %d is larger than the %zu training images",
                     ae_config_origin(c, "train", "batch_size"), t.batch_size, d->x->rows);
        goto fail;
    }
    t.val_input = d->val_x;
    t.val_target = d->val_target;
    t.checkpoint = checkpoint;
    t.progress = o->progress ? progress_trampoline : NULL;
    t.before_epoch = d->before_epoch ? epoch_trampoline : NULL;
    t.user = d;
    if (o->log) {
        size_t n_enc, n_dec;
        ae_model_param_count(m, &n_enc, &n_dec);
        char line[768];
        snprintf(line, sizeof line,
                 "training [%s] -> [%s] on %zu x %zu (%zu + %zu parameters): %d epochs, batch %d, %s lr %g, %s loss%s",
                 enc, dec, d->x->rows, d->x->cols, n_enc, n_dec, t.epochs, t.batch_size, ae_optimizer_name(t.optimizer),
                 t.lr, ae_loss_name(t.loss), d->target ? ", noisy input -> clean target" : "");
        o->log(o->user, line);
    }
    if ((st = ae_train(m, d->x, d->target, &t, h, err))) goto fail;
    *out = m;
    return AE_OK;
fail:
    ae_model_free(m);
    return st;
}

ae_status ae_experiment_train(const ae_config *c, const ae_matrix *x, const ae_matrix *val_x, const char *checkpoint,
                              const ae_run_opts *o, ae_model **out, ae_train_history *h, ae_error *err)
{
    train_data d = {.x = x, .val_x = val_x, .o = o};
    ae_noise nz = {.amount = ae_config_double(c, "noise", "amount")};
    ae_status st = ae_noise_parse(ae_config_str(c, "noise", "kind"), &nz.kind, err);
    if (!st && nz.kind != AE_NOISE_NONE) st = ae_noise_check(&nz, err);
    if (st) return st;
    epoch_state se = {.clean = x, .noise = nz};
    se.augment.max_shift = (int)ae_config_int(c, "augment", "max_shift");
    se.augment.hflip = ae_config_bool(c, "augment", "hflip");
    int augmenting = se.augment.max_shift > 0 || se.augment.hflip;
    if (nz.kind == AE_NOISE_NONE && !augmenting) return experiment_train(c, &d, checkpoint, out, h, err);

    /* a denoising and/or augmented autoencoder: noisy input, clean target */
    ae_matrix nx = {0}, nv = {0}, ax = {0};
    if (nz.kind != AE_NOISE_NONE) {
        st = noisy_copy(c, &nz, x, 1, &nx, err);
        if (!st && val_x) st = noisy_copy(c, &nz, val_x, 2, &nv, err);
        d = (train_data){.x = &nx, .target = x, .val_x = val_x ? &nv : NULL, .val_target = val_x, .o = o};
    }
    ae_rng_seed(&se.rng, (uint64_t)ae_config_int(c, "experiment", "seed") * 8 + 7);
    se.noisy = nz.kind != AE_NOISE_NONE ? &nx : NULL;
    if (!st && !augmenting && ae_config_bool(c, "noise", "fresh")) {
        d.before_epoch = prepare_epoch;
        d.hook_user = &se;
    }
    if (!st && augmenting) {
        se.height = se.width = (int)(sqrt((double)x->cols) + 0.5);
        if ((size_t)se.height * (size_t)se.width != x->cols)
            st = ae_fail(err, AE_ERR_ARG, "%s: [augment] needs square images, but the rows are %zu wide",
                         ae_config_origin(c, "augment", "max_shift"), x->cols);
        if (!st) st = ae_matrix_alloc(&ax, x->rows, x->cols, err);
        if (!st) {
            se.augmented = &ax;
            if (se.noisy)
                d.target = &ax;
            else
                d.x = &ax;
            d.before_epoch = prepare_epoch;
            d.hook_user = &se;
        }
    }
    if (!st) st = experiment_train(c, &d, checkpoint, out, h, err);
    ae_matrix_free(&nx);
    ae_matrix_free(&nv);
    ae_matrix_free(&ax);
    return st;
}

/* How much the denoising autoencoder cleans: the MSE against the clean
 * images of the noisy input and of its reconstruction. */
static ae_status report_denoising(run_ctx *r, const ae_dataset *d, ae_error *err)
{
    ae_matrix *noisy;
    ae_status st = noisy_x(r, d, &noisy, err);
    if (st) return st;
    double noisy_mse = 0, denoised_mse;
    size_t n = d->x.rows * d->x.cols;
    for (size_t i = 0; i < n; i++) {
        double e = (double)noisy->data[i] - d->x.data[i];
        noisy_mse += e * e;
    }
    noisy_mse /= (double)n;
    if ((st = ae_model_loss(r->model, noisy, &d->x, AE_LOSS_MSE, &denoised_mse, err))) return st;
    const char *split = d == &r->split[0] ? "train" : d == &r->split[1] ? "test" : "all";
    r->denoising = json_object_new_object();
    json_object_object_add(r->denoising, "split", json_object_new_string(split));
    json_object_object_add(r->denoising, "noise", json_object_new_string(ae_noise_name(r->noise.kind)));
    json_object_object_add(r->denoising, "amount", json_object_new_double(r->noise.amount));
    json_object_object_add(r->denoising, "noisy_mse", json_object_new_double(noisy_mse));
    json_object_object_add(r->denoising, "denoised_mse", json_object_new_double(denoised_mse));
    say(r, "denoising on %s: MSE to the clean images %.5f noisy, %.5f denoised", split, noisy_mse, denoised_mse);
    return AE_OK;
}

/* Trains the experiment's autoencoder on data.train into the run folder. */
static ae_status train_model(run_ctx *r, ae_error *err)
{
    const ae_config *c = r->cfg;
    const ae_dataset *d, *v = NULL;
    ae_status st = get_split(r, ae_config_str(c, "data", "train"), &d, err);
    if (st) return st;
    const char *val = ae_config_str(c, "train", "validation");
    if (strcmp(val, "none") != 0 && (st = get_split(r, val, &v, err))) return st;
    char ckpt[1400], hist_path[1400];
    if ((st = stage_path(r, ckpt, sizeof ckpt, "model.aenn", err)) ||
        (st = stage_path(r, hist_path, sizeof hist_path, "history.csv", err)))
        return st;
    train_data td = {.x = &d->x, .val_x = v ? &v->x : NULL, .o = r->o};
    ae_matrix *noisy_train = NULL, *noisy_val = NULL;
    if (r->noise.kind != AE_NOISE_NONE) {
        if ((st = noisy_x(r, d, &noisy_train, err)) || (v && (st = noisy_x(r, v, &noisy_val, err)))) return st;
        td = (train_data){.x = noisy_train, .target = &d->x, .val_x = noisy_val, .val_target = v ? &v->x : NULL,
                          .o = r->o};
    }
    epoch_state *es = &r->epoch;
    *es = (epoch_state){.clean = &d->x, .noisy = noisy_train, .noise = r->noise, .height = d->height, .width = d->width};
    es->augment.max_shift = (int)ae_config_int(c, "augment", "max_shift");
    es->augment.hflip = ae_config_bool(c, "augment", "hflip");
    int augmenting = es->augment.max_shift > 0 || es->augment.hflip;
    if (augmenting || (noisy_train && ae_config_bool(c, "noise", "fresh"))) {
        ae_rng_seed(&es->rng, (uint64_t)ae_config_int(c, "experiment", "seed") * 8 + 7);
        td.before_epoch = prepare_epoch;
        td.hook_user = es;
    }
    if (augmenting) {
        /* the model learns from the augmented images (as the noisy input's clean target) */
        if ((st = ae_matrix_alloc(&r->augmented, d->x.rows, d->x.cols, err))) return st;
        es->augmented = &r->augmented;
        if (noisy_train)
            td.target = &r->augmented;
        else
            td.x = &r->augmented;
    }
    double t0 = now_s();
    ae_train_history h = {0};
    st = experiment_train(c, &td, ckpt, &r->model, &h, err);
    double dt = now_s() - t0;
    add_time(r, "train", dt);
    if (!st) st = ae_train_history_write_csv(hist_path, &h, err);
    if (!st && h.n > 0) {
        const ae_epoch_stats *last = &h.epochs[h.n - 1];
        double secs = 0;
        for (int i = 0; i < h.n; i++) secs += h.epochs[i].seconds;
        r->training = json_object_new_object();
        json_object_object_add(r->training, "epochs", json_object_new_int(h.n));
        json_object_object_add(r->training, "n", json_object_new_int64((int64_t)d->x.rows));
        json_object_object_add(r->training, "parameters",
                               json_object_new_int64((int64_t)ae_model_param_count(r->model, NULL, NULL)));
        json_object_object_add(r->training, "final_loss", json_object_new_double(last->train_loss));
        if (v) json_object_object_add(r->training, "final_val_loss", json_object_new_double(last->val_loss));
        json_object_object_add(r->training, "seconds_per_epoch", json_object_new_double(secs / h.n));
        json_object_object_add(r->training, "samples_per_s",
                               json_object_new_double((double)d->x.rows * h.n / secs));
        say(r, "trained in %.1f s (%.2f s per epoch), final loss %.6f", dt, secs / h.n, last->train_loss);
    }
    ae_train_history_free(&h);
    if (!st && r->noise.kind != AE_NOISE_NONE) st = report_denoising(r, v ? v : d, err);
    return st;
}

static ae_status write_outputs(run_ctx *r, ae_error *err)
{
    char path[1400];
    ae_status st;
    json_object *root = json_object_new_object();
    json_object_object_add(root, "experiment", json_object_new_string(ae_config_str(r->cfg, "experiment", "name")));
    json_object_object_add(root, "seed", json_object_new_int64(ae_config_int(r->cfg, "experiment", "seed")));
    json_object_object_add(root, "dataset", json_object_new_string(ae_config_str(r->cfg, "data", "dataset")));
    json_object_object_add(root, "timing_s", json_object_get(r->timing));
    if (r->training) json_object_object_add(root, "training", json_object_get(r->training));
    if (r->denoising) json_object_object_add(root, "denoising", json_object_get(r->denoising));
    json_object_object_add(root, "results", json_object_get(r->records));
    const char *text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
    if (!(st = stage_path(r, path, sizeof path, "metrics.json", err))) {
        ae_afile f;
        if (!(st = ae_afile_open(&f, path, err))) {
            st = ae_afile_printf(&f, err, "%s\n", text);
            st = st ? (ae_afile_abort(&f), st) : ae_afile_commit(&f, err);
        }
    }
    json_object_put(root);
    if (st) return st;

    fflush(r->makeup);
    fflush(r->confusion);
    if ((st = stage_path(r, path, sizeof path, "clusters.txt", err)) ||
        (st = ae_write_file_atomic(path, r->makeup_buf, r->makeup_len, err)))
        return st;
    if ((st = stage_path(r, path, sizeof path, "confusion.txt", err)) ||
        (st = ae_write_file_atomic(path, r->confusion_buf, r->confusion_len, err)))
        return st;

    if ((st = stage_path(r, path, sizeof path, "experiment.ini", err))) return st;
    ae_afile f;
    if ((st = ae_afile_open(&f, path, err))) return st;
    if ((st = ae_config_write(r->cfg, f.fp, err))) {
        ae_afile_abort(&f);
        return st;
    }
    return ae_afile_commit(&f, err);
}

ae_status ae_run_experiment(const ae_config *cfg, const ae_run_opts *o, ae_run_result *res, ae_error *err)
{
    double t_start = now_s();
    memset(res, 0, sizeof *res);
    run_ctx r = {.cfg = cfg, .o = o, .res = res};
    const char *name = ae_config_str(cfg, "experiment", "name");
    if (!o->out_dir && (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")))
        return ae_fail(err, AE_ERR_ARG, "%s: experiment.name '%s' must be a plain name (it names the run folder)",
                       ae_config_origin(cfg, "experiment", "name"), name);
    if (o->out_dir)
        snprintf(res->out_dir, sizeof res->out_dir, "%s", o->out_dir);
    else
        snprintf(res->out_dir, sizeof res->out_dir, "runs/%s", name);
    const char *dataset = ae_config_str(cfg, "data", "dataset");
    r.class_names = ae_class_names(dataset, &r.n_class_names);

    ae_status st = ae_stage_dir(res->out_dir, r.stage, sizeof r.stage, err);
    if (st) return st;
    r.records = json_object_new_array();
    r.timing = json_object_new_object();
    r.makeup = open_memstream(&r.makeup_buf, &r.makeup_len);
    r.confusion = open_memstream(&r.confusion_buf, &r.confusion_len);
    if (!r.records || !r.timing || !r.makeup || !r.confusion) {
        st = ae_fail(err, AE_ERR_NOMEM, "out of memory");
        goto done;
    }

    int has_model = ae_config_str(cfg, "model", "encoder")[0] != '\0';
    if (ae_config_list_has(cfg, "cluster", "space", "code") && !has_model) {
        st = ae_fail(err, AE_ERR_ARG, "%s: cluster.space = code needs a [model] with an encoder and a decoder",
                     ae_config_origin(cfg, "cluster", "space"));
        goto done;
    }
    if ((st = ae_noise_parse(ae_config_str(cfg, "noise", "kind"), &r.noise.kind, err))) goto done;
    r.noise.amount = ae_config_double(cfg, "noise", "amount");
    if (r.noise.kind != AE_NOISE_NONE) {
        char why[AE_ERROR_MSG_MAX];
        if (!has_model) {
            st = ae_fail(err, AE_ERR_ARG, "%s: [noise] needs a [model] to denoise", ae_config_origin(cfg, "noise", "kind"));
            goto done;
        }
        if ((st = ae_noise_check(&r.noise, err))) {
            snprintf(why, sizeof why, "%s", err ? err->msg : "");
            st = ae_fail(err, st, "%s: noise.amount: %s", ae_config_origin(cfg, "noise", "amount"), why);
            goto done;
        }
    }
    /* the fit set first: a setting that does not fit the data fails before any training */
    if ((st = prepare_fit_set(&r, err))) goto done;
    if (has_model && (st = train_model(&r, err))) goto done;
    int n_spaces = ae_config_list_len(cfg, "cluster", "space");
    int n_methods = ae_config_list_len(cfg, "cluster", "method");
    for (int sp = 0; sp < n_spaces && !st; sp++) {
        const char *space = ae_config_list_item(cfg, "cluster", "space", sp);
        if (!strcmp(space, "auto")) space = has_model ? "code" : "pixels";
        for (int m = 0; m < n_methods && !st; m++) {
            const char *method = ae_config_list_item(cfg, "cluster", "method", m);
            if (!strcmp(method, "kmeans")) st = run_kmeans(&r, space, err);
        }
    }
    if (st) goto done;
    res->total_s = now_s() - t_start;
    json_object_object_add(r.timing, "total", json_object_new_double(res->total_s));
    if ((st = write_outputs(&r, err))) goto done;
    st = ae_stage_commit(r.stage, res->out_dir, err);
    if (!st) r.stage[0] = '\0';

done:
    if (r.stage[0]) ae_remove_tree(r.stage, NULL);
    if (r.makeup) fclose(r.makeup);
    if (r.confusion) fclose(r.confusion);
    free(r.makeup_buf);
    free(r.confusion_buf);
    json_object_put(r.records);
    json_object_put(r.timing);
    json_object_put(r.training);
    json_object_put(r.denoising);
    for (int i = 0; i < 4; i++) ae_matrix_free(&r.noisy[i].x);
    ae_matrix_free(&r.augmented);
    for (int i = 0; i < 4; i++) ae_matrix_free(&r.codes[i].codes);
    ae_model_free(r.model);
    for (int i = 0; i < 3; i++)
        if (r.loaded[i]) ae_dataset_free(&r.split[i]);
    ae_dataset_free(&r.fit_subset);
    return st;
}

void ae_run_result_print(const ae_run_result *res, FILE *f)
{
    fprintf(f, "%-9s %-7s %-22s %6s %7s %7s %7s %7s %10s %7s\n", "clusterer", "space", "split", "n", "ACC", "purity",
            "ARI", "NMI", "silhouette", "DBI");
    for (int i = 0; i < res->n_records; i++) {
        const ae_run_record *r = &res->records[i];
        fprintf(f, "%-9s %-7s %-22s %6zu %7.4f %7.4f %7.4f %7.4f", r->clusterer, r->space, r->split, r->n, r->acc,
                r->purity, r->ari, r->nmi);
        if (r->has_geometry)
            fprintf(f, " %10.4f %7.4f\n", r->silhouette, r->davies_bouldin);
        else
            fprintf(f, " %10s %7s\n", "-", "-");
    }
}
