/* The pictures of a run, in figures/ (names the report recognises,
 * include/aeclust/report.h): the training curve, reconstructions, the
 * denoising table, a VAE's decoded manifold and samples, the latent space
 * across epochs, and per clustering its confusion matrix, its clusters as
 * images and its centres as images. Also summary.txt, the model's layers. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "aeclust/npy.h"
#include "aeclust/plot.h"
#include "core/atomic_file.h"
#include "core/fs.h"
#include "run_ctx.h"

/* Images shown per row of the picture grids. */
#define FIG_IMAGES 10

ae_status ae_run_figure_path(run_ctx *r, char *out, size_t n, const char *name, ae_error *err)
{
    char dir[1400];
    ae_status st = ae_run_stage_path(r, dir, sizeof dir, "figures", err);
    if (st || (st = ae_mkdir_p(dir, err))) return st;
    if (snprintf(out, n, "%s/%s.png", dir, name) >= (int)n) return ae_fail(err, AE_ERR_ARG, "%s/%s: path too long", dir, name);
    return AE_OK;
}

int ae_run_figures_on(const run_ctx *r) { return r->set.report.figures; }

/* The plot options of a run: class names of its data set. */
static ae_plot_opts plot_opts(const run_ctx *r, const char *title)
{
    ae_plot_opts o = ae_plot_defaults();
    o.names = r->class_names;
    o.n_names = r->n_class_names;
    o.title = title;
    return o;
}

ae_status ae_run_record_figures(run_ctx *r, const char *clusterer, const char *space, const char *file_key,
                                const ae_dataset *d, const ae_labels *pred, const ae_contingency *c, ae_error *err)
{
    if (!ae_run_figures_on(r)) return AE_OK;
    char name[256], path[1500], title[256], cname[32];
    ae_run_file_name(clusterer, cname, sizeof cname);
    snprintf(title, sizeof title, "%s on %s, %s split", clusterer, space, file_key);
    ae_plot_opts o = plot_opts(r, title);
    snprintf(name, sizeof name, "confusion_%s_%s_%s", cname, space, file_key);
    ae_status st = ae_run_figure_path(r, path, sizeof path, name, err);
    if (!st) st = ae_plot_confusion(path, c, &o, err);
    if (st) return st;
    snprintf(name, sizeof name, "clusters_%s_%s_%s", cname, space, file_key);
    ae_image_grid_opts g = ae_image_grid_defaults();
    g.title = title;
    if (!(st = ae_run_figure_path(r, path, sizeof path, name, err)))
        st = ae_plot_cluster_samples(path, &d->x, d->height, d->width, pred, &d->y, r->class_names, r->n_class_names,
                                     FIG_IMAGES, &g, err);
    return st;
}

ae_status ae_run_centroid_figure(run_ctx *r, const char *clusterer, const char *space, const ae_matrix *centres,
                                 ae_error *err)
{
    if (!ae_run_figures_on(r)) return AE_OK;
    const ae_dataset *d = r->fit;
    ae_matrix decoded = {0};
    const ae_matrix *img = centres;
    ae_status st = AE_OK;
    if (!strcmp(space, "code")) { /* a latent centre is shown as its decoded image */
        if ((st = ae_model_decode(r->model, centres, &decoded, err))) return st;
        img = &decoded;
    }
    char name[256], path[1500], title[256], cname[32];
    ae_run_file_name(clusterer, cname, sizeof cname);
    snprintf(name, sizeof name, "centroids_%s_%s", cname, space);
    snprintf(title, sizeof title, "%s centres%s", clusterer, img == &decoded ? ", decoded" : "");
    ae_image_grid_opts g = ae_image_grid_defaults();
    g.title = title;
    if (img->cols != d->x.cols) /* e.g. PCA's centres: not images */
        goto done;
    if (!(st = ae_run_figure_path(r, path, sizeof path, name, err)))
        st = ae_plot_centroids(path, img, d->height, d->width, &g, err);
done:
    ae_matrix_free(&decoded);
    return st;
}

/* The first pictured images and what the autoencoder makes of them. */
static ae_status reconstructions(run_ctx *r, ae_error *err)
{
    const ae_dataset *d;
    ae_status st = ae_run_picture_set(r, &d, err);
    if (st) return st;
    ae_matrix ex = {0}, rec = {0};
    ae_image_grid_opts g = ae_image_grid_defaults();
    char path[1500];
    if (!(st = ae_run_examples(d, &d->x, FIG_IMAGES, &ex, err)) && !(st = ae_model_reconstruct(r->model, &ex, &rec, err)) &&
        !(st = ae_run_figure_path(r, path, sizeof path, "reconstructions", err)))
        st = ae_plot_reconstructions(path, &ex, &rec, (int)ex.rows, d->height, d->width, &g, err);
    ae_matrix_free(&ex);
    ae_matrix_free(&rec);
    return st;
}

/* A denoising model's first test images: original, noisy, denoised. */
static ae_status denoising(run_ctx *r, const ae_dataset *d, ae_error *err)
{
    ae_matrix *noisy, orig = {0}, nx = {0}, den = {0};
    ae_status st = ae_run_noisy_x(r, d, &noisy, err);
    if (st) return st;
    const ae_matrix *nz[1] = {&nx}, *dn[1] = {&den};
    double rate = r->noise.amount;
    ae_image_grid_opts g = ae_image_grid_defaults();
    char path[1500];
    if (!(st = ae_run_examples(d, &d->x, FIG_IMAGES, &orig, err)) && !(st = ae_run_examples(d, noisy, FIG_IMAGES, &nx, err)) &&
        !(st = ae_model_reconstruct(r->model, &nx, &den, err)) &&
        !(st = ae_run_figure_path(r, path, sizeof path, "denoising", err)))
        st = ae_plot_denoising(path, &orig, nz, dn, &rate, 1, (int)orig.rows, d->height, d->width, &g, err);
    ae_matrix_free(&orig);
    ae_matrix_free(&nx);
    ae_matrix_free(&den);
    return st;
}

/* Reads a matrix the run wrote into its folder (file relative to it). */
static ae_status load_staged(run_ctx *r, const char *file, ae_matrix *x, ae_error *err)
{
    char path[1400];
    ae_status st = ae_run_stage_path(r, path, sizeof path, file, err);
    return st ? st : ae_npy_read_matrix(path, x, err);
}

ae_status ae_run_sweep_figure(run_ctx *r, json_object *sweep, int h, int w, ae_error *err)
{
    if (!ae_run_figures_on(r)) return AE_OK;
    int n = (int)json_object_array_length(sweep);
    ae_matrix orig = {0}, noisy[AE_CONFIG_MAX_ITEMS] = {{0}}, den[AE_CONFIG_MAX_ITEMS] = {{0}};
    const ae_matrix *np[AE_CONFIG_MAX_ITEMS], *dp[AE_CONFIG_MAX_ITEMS];
    double rates[AE_CONFIG_MAX_ITEMS];
    ae_status st = AE_OK;
    for (int i = 0; i < n && !st; i++) {
        json_object *rec = json_object_array_get_idx(sweep, (size_t)i), *v;
        const char *folder = json_object_object_get_ex(rec, "folder", &v) ? json_object_get_string(v) : "";
        rates[i] = json_object_object_get_ex(rec, "amount", &v) ? json_object_get_double(v) : 0;
        char file[128];
        if (i == 0) {
            snprintf(file, sizeof file, "%soriginal.npy", folder);
            if ((st = load_staged(r, file, &orig, err))) break;
        }
        snprintf(file, sizeof file, "%snoisy.npy", folder);
        if ((st = load_staged(r, file, &noisy[i], err))) break;
        snprintf(file, sizeof file, "%sdenoised.npy", folder);
        st = load_staged(r, file, &den[i], err);
        np[i] = &noisy[i];
        dp[i] = &den[i];
    }
    char path[1500];
    ae_image_grid_opts g = ae_image_grid_defaults();
    g.title = "denoising at each noise amount";
    if (!st && n > 0 && orig.rows > 0 && !(st = ae_run_figure_path(r, path, sizeof path, "denoising", err)))
        st = ae_plot_denoising(path, &orig, np, dp, rates, n, orig.rows < FIG_IMAGES ? (int)orig.rows : FIG_IMAGES, h,
                               w, &g, err);
    ae_matrix_free(&orig);
    for (int i = 0; i < n; i++) {
        ae_matrix_free(&noisy[i]);
        ae_matrix_free(&den[i]);
    }
    return st;
}

/* A VAE's (or a 2-D AE's) latent grid and samples, decoded by the run. */
static ae_status decoded_pictures(run_ctx *r, ae_error *err)
{
    json_object *grid, *v;
    const ae_dataset *d;
    ae_status st = ae_run_picture_set(r, &d, err);
    if (st) return st;
    char path[1500];
    ae_image_grid_opts g = ae_image_grid_defaults();
    if (r->decode && json_object_object_get_ex(r->decode, "grid", &grid)) {
        int steps = json_object_object_get_ex(grid, "steps", &v) ? json_object_get_int(v) : 0;
        json_object *jx = json_object_object_get(grid, "x"), *jy = json_object_object_get(grid, "y");
        double x0 = json_object_get_double(json_object_array_get_idx(jx, 0));
        double x1 = json_object_get_double(json_object_array_get_idx(jx, 1));
        double y0 = json_object_get_double(json_object_array_get_idx(jy, 0));
        double y1 = json_object_get_double(json_object_array_get_idx(jy, 1));
        double *cols = malloc((size_t)steps * sizeof *cols), *rows = malloc((size_t)steps * sizeof *rows);
        ae_matrix m = {0};
        if (!cols || !rows) st = ae_fail(err, AE_ERR_NOMEM, "out of memory");
        for (int i = 0; !st && i < steps; i++) {
            cols[i] = x0 + (x1 - x0) * i / (steps - 1);
            rows[i] = y1 - (y1 - y0) * i / (steps - 1);
        }
        g.padding = 0;
        g.scale = steps > 24 ? 1 : 2;
        g.title = ae_model_is_variational(r->model) ? "decoded latent grid" : "decoded grid over the codes' range";
        if (!st && !(st = load_staged(r, "latent_grid.npy", &m, err)) &&
            !(st = ae_run_figure_path(r, path, sizeof path, "vae_manifold", err)))
            st = ae_plot_manifold(path, &m, steps, d->height, d->width, cols, rows, &g, err);
        ae_matrix_free(&m);
        free(cols);
        free(rows);
    }
    if (!st && r->decode && json_object_object_get_ex(r->decode, "samples", &v)) {
        ae_matrix m = {0};
        g = ae_image_grid_defaults();
        g.title = "decoded from z ~ N(0, I)";
        if (!(st = load_staged(r, "samples.npy", &m, err)) &&
            !(st = ae_run_figure_path(r, path, sizeof path, "vae_samples", err)))
            st = ae_image_grid_write(path, m.data, m.rows, d->height, d->width, &g, err);
        ae_matrix_free(&m);
    }
    return st;
}

static int cmp_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The test codes saved every few epochs, as one strip of scatter panels. */
static ae_status snapshot_strip(run_ctx *r, ae_error *err)
{
    char dir[1400];
    ae_status st = ae_run_stage_path(r, dir, sizeof dir, "snapshots", err);
    if (st) return st;
    DIR *dp = opendir(dir);
    if (!dp) return AE_OK;
    char *names[64];
    int n = 0;
    for (struct dirent *e; (e = readdir(dp)) && n < 64;)
        if (!strncmp(e->d_name, "codes_test_epoch_", 17) && (names[n] = strdup(e->d_name))) n++;
    closedir(dp);
    qsort(names, (size_t)n, sizeof *names, cmp_name);
    /* at most 6 panels, evenly picked, the last always in */
    int pick[6], n_pick = n < 6 ? n : 6;
    for (int i = 0; i < n_pick; i++) pick[i] = n_pick == 1 ? n - 1 : (int)((double)i * (n - 1) / (n_pick - 1) + 0.5);
    ae_matrix xs[6] = {{0}};
    ae_scatter_panel panels[6];
    char titles[6][32];
    const ae_dataset *test = NULL;
    st = ae_run_picture_set(r, &test, err);
    for (int i = 0; i < n_pick && !st; i++) {
        char file[1500];
        snprintf(file, sizeof file, "snapshots/%s", names[pick[i]]);
        if ((st = load_staged(r, file, &xs[i], err))) break;
        if (xs[i].cols != 2) goto done; /* only a 2-D latent is drawn */
        snprintf(titles[i], sizeof titles[i], "epoch %d", atoi(names[pick[i]] + 17));
        panels[i] = (ae_scatter_panel){.xy = &xs[i], .labels = &test->y, .title = titles[i]};
    }
    char path[1500];
    ae_plot_opts o = plot_opts(r, NULL);
    if (!st && n_pick > 0 && !(st = ae_run_figure_path(r, path, sizeof path, "latent_snapshots", err)))
        st = ae_plot_scatter_strip(path, panels, n_pick, &o, err);
done:
    for (int i = 0; i < 6; i++) ae_matrix_free(&xs[i]);
    for (int i = 0; i < n; i++) free(names[i]);
    return st;
}

static ae_status write_summary(run_ctx *r, ae_error *err)
{
    char path[1400];
    ae_afile f;
    ae_status st = ae_run_stage_path(r, path, sizeof path, "summary.txt", err);
    if (st || (st = ae_afile_open(&f, path, err))) return st;
    if ((st = ae_model_summary_write(f.fp, r->model, err))) {
        ae_afile_abort(&f);
        return st;
    }
    return ae_afile_commit(&f, err);
}

ae_status ae_run_model_figures(run_ctx *r, ae_error *err)
{
    ae_status st = write_summary(r, err);
    if (st || !ae_run_figures_on(r)) return st;
    char path[1500];
    ae_plot_opts o = plot_opts(r, "training loss");
    if (r->history.n > 0 && !(st = ae_run_figure_path(r, path, sizeof path, "loss", err)))
        st = ae_plot_loss(path, &r->history, &o, err);
    if (!st) st = reconstructions(r, err);
    if (!st && r->noise.kind != AE_NOISE_NONE) {
        const ae_dataset *d;
        if (!(st = ae_run_validation_set(r, &d, err)) && (d || !(st = ae_run_train_set(r, &d, err))))
            st = denoising(r, d, err);
    }
    if (!st) st = decoded_pictures(r, err);
    if (!st) st = snapshot_strip(r, err);
    return st;
}
