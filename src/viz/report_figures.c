/* The figures of a run (RUN_DIR/figures/<name>.png) in the report: each file is
 * placed in a section and captioned by its name, and embedded as a base64
 * data: URI so the page stays one self-contained file. Names not listed
 * below still appear, under "More figures", captioned with the file name. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report_internal.h"

/* How the part of a name after STEM_ is put into words. */
typedef enum {
    DESC_WORDS,   /* underscores become spaces */
    DESC_RUN,     /* CLUSTERER_SPACE[_SPLIT] -> "kmeans on code, test split" */
    DESC_SCATTER, /* WHAT[_COLOUR[_...]] -> "t-SNE, coloured by true class" */
} desc_kind;

/* Known figures, in page order within each section: STEM.png or STEM_DETAIL.png. */
static const struct {
    const char *stem;
    ae_fig_section section;
    desc_kind desc;
    const char *caption;
} kinds[] = {
    {"loss", AE_FIG_TRAINING, DESC_WORDS, "Training and validation loss per epoch"},
    {"reconstructions", AE_FIG_MODEL, DESC_WORDS, "Reconstructions: originals above, the autoencoder\xe2\x80\x99s output below"},
    {"denoising", AE_FIG_MODEL, DESC_WORDS, "Denoising: original, noisy and denoised images at each noise rate"},
    {"vae_manifold", AE_FIG_MODEL, DESC_WORDS, "VAE: images decoded from a grid over the 2-D latent space"},
    {"vae_samples", AE_FIG_MODEL, DESC_WORDS, "VAE: images decoded from random draws of the prior"},
    {"elbow", AE_FIG_CLUSTERS, DESC_WORDS, "Elbow: k-means inertia against the number of clusters k"},
    {"confusion", AE_FIG_CLUSTERS, DESC_RUN, "Confusion matrix after Hungarian matching"},
    {"clusters", AE_FIG_CLUSTERS, DESC_RUN, "Sample images of each cluster"},
    {"centroids", AE_FIG_CLUSTERS, DESC_RUN, "Cluster centres as images"},
    {"scatter", AE_FIG_EMBEDDINGS, DESC_SCATTER, "2-D scatter"},
    {"latent_snapshots", AE_FIG_EMBEDDINGS, DESC_WORDS, "The 2-D latent space across training epochs"},
};

static const char *const section_words[][2] = {
    {"tsne", "t-SNE"}, {"pca2", "PCA"}, {"pca", "PCA"}, {"latent", "the 2-D latent space"}, {"code", "the codes"},
};

/* Appends s to buf (size n), truncating. */
static void cat(char *buf, size_t n, const char *s)
{
    size_t len = strlen(buf);
    if (len + 1 < n) snprintf(buf + len, n - len, "%s", s);
}

/* Splits detail (modified in place) at '_' into at most max parts. */
static int split_parts(char *detail, char **parts, int max)
{
    int k = 0;
    for (char *p = detail; p && k < max;) {
        parts[k++] = p;
        p = strchr(p, '_');
        if (p) *p++ = '\0';
    }
    return k;
}

static void describe(desc_kind kind, char *detail, char *buf, size_t n)
{
    char *parts[8];
    int k = split_parts(detail, parts, 8);
    if (kind == DESC_RUN && (k == 2 || k == 3)) {
        cat(buf, n, parts[0]);
        cat(buf, n, " on ");
        cat(buf, n, parts[1]);
        if (k == 3) {
            cat(buf, n, ", ");
            cat(buf, n, parts[2]);
            cat(buf, n, " split");
        }
        return;
    }
    if (kind == DESC_SCATTER) {
        const char *what = parts[0];
        for (size_t i = 0; i < sizeof section_words / sizeof section_words[0]; i++)
            if (!strcmp(parts[0], section_words[i][0])) what = section_words[i][1];
        cat(buf, n, what);
        if (k >= 2) {
            int by_class = !strcmp(parts[1], "class") || !strcmp(parts[1], "classes") || !strcmp(parts[1], "true");
            cat(buf, n, by_class ? ", coloured by true class" : ", coloured by ");
            if (!by_class) {
                cat(buf, n, parts[1]);
                cat(buf, n, " cluster");
            }
        }
        for (int i = 2; i < k; i++) {
            cat(buf, n, i == 2 ? " (" : " ");
            cat(buf, n, parts[i]);
            if (i == k - 1) cat(buf, n, ")");
        }
        return;
    }
    for (int i = 0; i < k; i++) {
        if (i) cat(buf, n, " ");
        cat(buf, n, parts[i]);
    }
}

void ae_report_figure_kind(const char *name, ae_fig_section *section, int *rank, char *caption, size_t n)
{
    size_t len = strlen(name);
    *section = AE_FIG_OTHER;
    *rank = 0;
    snprintf(caption, n, "%s", name);
    if (len < 4 || strcmp(name + len - 4, ".png")) return;
    len -= 4;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        size_t s = strlen(kinds[i].stem);
        if (len < s || strncmp(name, kinds[i].stem, s) || (len > s && (name[s] != '_' || len == s + 1))) continue;
        *section = kinds[i].section;
        *rank = (int)i;
        snprintf(caption, n, "%s", kinds[i].caption);
        if (len > s) {
            char detail[256];
            snprintf(detail, sizeof detail, "%.*s", (int)(len - s - 1), name + s + 1);
            cat(caption, n, " \xe2\x80\x94 ");
            describe(kinds[i].desc, detail, caption, n);
        }
        return;
    }
}

/* Name order with digit runs compared as numbers (snapshot_2 before snapshot_10). */
static int natural_cmp(const char *a, const char *b)
{
    while (*a && *b) {
        if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
            char *ea, *eb;
            unsigned long long x = strtoull(a, &ea, 10), y = strtoull(b, &eb, 10);
            if (x != y) return x < y ? -1 : 1;
            a = ea;
            b = eb;
        } else {
            if (*a != *b) return (unsigned char)*a - (unsigned char)*b;
            a++, b++;
        }
    }
    return (unsigned char)*a - (unsigned char)*b;
}

static int figure_cmp(const void *pa, const void *pb)
{
    const ae_report_figure *a = pa, *b = pb;
    if (a->section != b->section) return a->section < b->section ? -1 : 1;
    if (a->rank != b->rank) return a->rank < b->rank ? -1 : 1;
    int c = natural_cmp(a->name, b->name);
    return c ? c : strcmp(a->name, b->name);
}

ae_status ae_report_figures_find(const char *run_dir, ae_report_figures *figs, ae_error *err)
{
    *figs = (ae_report_figures){0};
    char dir[4096], path[8192];
    snprintf(dir, sizeof dir, "%s/figures", run_dir);
    DIR *d = opendir(dir);
    if (!d) return errno == ENOENT ? AE_OK : ae_fail(err, AE_ERR_IO, "%s: cannot open: %s", dir, strerror(errno));
    int cap = 0;
    ae_status st = AE_OK;
    struct dirent *e;
    while (!st && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        struct stat sb;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (e->d_name[0] == '.' || len < 5 || strcmp(e->d_name + len - 4, ".png") || stat(path, &sb) ||
            !S_ISREG(sb.st_mode))
            continue;
        if (figs->n == cap) {
            cap = cap ? 2 * cap : 16;
            ae_report_figure *items = realloc(figs->items, (size_t)cap * sizeof *items);
            if (!items) {
                st = ae_fail(err, AE_ERR_NOMEM, "%s: out of memory", dir);
                break;
            }
            figs->items = items;
        }
        ae_report_figure *f = &figs->items[figs->n];
        char caption[512];
        if (!(f->name = strdup(e->d_name))) {
            st = ae_fail(err, AE_ERR_NOMEM, "%s: out of memory", dir);
            break;
        }
        ae_report_figure_kind(f->name, &f->section, &f->rank, caption, sizeof caption);
        figs->n++;
    }
    closedir(d);
    if (st) {
        ae_report_figures_free(figs);
        return st;
    }
    if (figs->n) qsort(figs->items, (size_t)figs->n, sizeof *figs->items, figure_cmp);
    return AE_OK;
}

void ae_report_figures_free(ae_report_figures *figs)
{
    for (int i = 0; i < figs->n; i++) free(figs->items[i].name);
    free(figs->items);
    *figs = (ae_report_figures){0};
}

int ae_report_figures_count(const ae_report_figures *figs, ae_fig_section section)
{
    int n = 0;
    for (int i = 0; i < figs->n; i++) n += figs->items[i].section == section;
    return n;
}

/* A PNG's size from its IHDR chunk; 0 if the bytes are not a PNG. */
static int png_size(const unsigned char *b, size_t n, int *w, int *h)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (n < 33 || memcmp(b, sig, 8) || memcmp(b + 12, "IHDR", 4)) return 0;
    unsigned long uw = (unsigned long)b[16] << 24 | (unsigned long)b[17] << 16 | (unsigned long)b[18] << 8 | b[19];
    unsigned long uh = (unsigned long)b[20] << 24 | (unsigned long)b[21] << 16 | (unsigned long)b[22] << 8 | b[23];
    if (!uw || !uh || uw > 1000000 || uh > 1000000) return 0;
    *w = (int)uw;
    *h = (int)uh;
    return 1;
}

/* Figures wider than this take a whole row of the grid rather than half. */
#define WIDE_PX 700

void ae_report_figure_write(ae_html *h, const char *dir, const char *name, const char *caption)
{
    int w = 0, ht = 0;
    char *bytes;
    size_t n;
    ae_error e;
    ae_status st = ae_report_read(dir, name, &bytes, &n, &e);
    if (st || !bytes) { /* vanished since it was listed: report it as unreadable */
        if (!st) st = ae_fail(&e, AE_ERR_IO, "%s/%s: disappeared while the report was written", dir, name);
        ae_html_fail(h, st, &e);
        return;
    }
    const unsigned char *png = (const unsigned char *)bytes;
    int ok = png_size(png, n, &w, &ht);
    ae_html_fmt(h, "<figure class=\"fig%s\">", w > WIDE_PX ? " wide" : "");
    if (ok)
        ae_html_png(h, png, n, caption, w, ht);
    else {
        ae_html_raw(h, "<div class=\"warn\">Not a PNG image: ");
        ae_html_text(h, name);
        ae_html_raw(h, "</div>");
    }
    free(bytes);
    ae_html_raw(h, "<figcaption>");
    ae_html_text(h, caption);
    ae_html_raw(h, " <span class=\"file\">figures/");
    ae_html_text(h, name);
    ae_html_raw(h, "</span></figcaption></figure>\n");
}

void ae_report_figures_write(ae_html *h, const char *run_dir, const ae_report_figures *figs, ae_fig_section section)
{
    char dir[4096], caption[512];
    snprintf(dir, sizeof dir, "%s/figures", run_dir);
    ae_html_raw(h, "<div class=\"figures\">\n");
    for (int i = 0; i < figs->n && !h->st; i++) {
        const ae_report_figure *f = &figs->items[i];
        if (f->section != section) continue;
        ae_fig_section s;
        int rank;
        ae_report_figure_kind(f->name, &s, &rank, caption, sizeof caption);
        ae_report_figure_write(h, dir, f->name, caption);
    }
    ae_html_raw(h, "</div>\n");
}
