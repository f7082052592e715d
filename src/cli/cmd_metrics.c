#include <json-c/json.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include "aeclust/data.h"
#include "aeclust/metrics.h"
#include "args.h"
#include "commands.h"

static json_object *json_score(double v) { return isnan(v) ? NULL : json_object_new_double(v); }

/* Scores of an assignment with noise (-1): the noise-aware ones, and the
 * geometry scores and tables over the clustered points alone. */
static int noise_report(const char *true_path, const char *pred_path, const ae_matrix *x, const ae_labels *y,
                        const ae_labels *p, size_t sample, uint64_t seed, int want_json, const char *const *names,
                        int n_names)
{
    ae_error err = {0};
    ae_noise_scores s;
    if (ae_score_noise(y->data, p->data, y->n, &s, &err)) return cli_fail("%s, %s: %s", true_path, pred_path, err.msg);
    int rc = 2;
    ae_labels yc = {0}, pc = {0};
    ae_matrix xc = {0};
    ae_contingency c = {0};
    double sil = NAN, dbi = NAN;
    size_t m = s.n_clustered;
    if (m > 0) {
        if (ae_labels_alloc(&yc, m, &err) || ae_labels_alloc(&pc, m, &err) ||
            (x && ae_matrix_alloc(&xc, m, x->cols, &err))) {
            cli_report(&err);
            goto done;
        }
        for (size_t i = 0, k = 0; i < y->n; i++) {
            if (p->data[i] < 0) continue;
            yc.data[k] = y->data[i];
            pc.data[k] = p->data[i];
            if (x) memcpy(ae_matrix_row(&xc, k), ae_matrix_row(x, i), x->cols * sizeof *x->data);
            k++;
        }
        if (ae_contingency_build(yc.data, pc.data, m, &c, &err)) {
            cli_fail("%s, %s: %s", true_path, pred_path, err.msg);
            goto done;
        }
        /* silhouette and Davies-Bouldin need 2 .. m - 1 clusters among the clustered points */
        if (x && c.n_clusters >= 2 && (size_t)c.n_clusters < m &&
            (ae_silhouette(&xc, pc.data, sample, seed, &sil, &err) || ae_davies_bouldin(&xc, pc.data, &dbi, &err))) {
            cli_fail("%s: %s", pred_path, err.msg);
            goto done;
        }
    }
    if (want_json) {
        json_object *j = json_object_new_object();
        json_object_object_add(j, "n", json_object_new_int64((int64_t)s.n));
        json_object_object_add(j, "n_clustered", json_object_new_int64((int64_t)m));
        json_object_object_add(j, "clustered_fraction", json_object_new_double(s.clustered_fraction));
        json_object_object_add(j, "acc_all", json_object_new_double(s.acc_all));
        json_object_object_add(j, "ari_all", json_object_new_double(s.ari_all));
        json_object_object_add(j, "nmi_all", json_object_new_double(s.nmi_all));
        json_object_object_add(j, "acc_clustered", json_score(s.acc_clustered));
        json_object_object_add(j, "ari_clustered", json_score(s.ari_clustered));
        json_object_object_add(j, "nmi_clustered", json_score(s.nmi_clustered));
        if (x) {
            json_object_object_add(j, "silhouette_clustered", json_score(sil));
            json_object_object_add(j, "davies_bouldin_clustered", json_score(dbi));
        }
        puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
        json_object_put(j);
    } else {
        printf("n           %zu (%d clusters and noise, label -1)\n", s.n, c.n_clusters);
        printf("clustered   %.6f (%zu points; %zu noise)\n", s.clustered_fraction, m, s.n - m);
        printf("ACC         %.6f all points, noise counted as wrong\n", s.acc_all);
        printf("ARI         %.6f all points, noise as one more cluster\n", s.ari_all);
        printf("NMI         %.6f all points, noise as one more cluster\n", s.nmi_all);
        printf("ACC         %.6f clustered points only\n", s.acc_clustered);
        printf("ARI         %.6f clustered points only\n", s.ari_clustered);
        printf("NMI         %.6f clustered points only\n", s.nmi_clustered);
        if (x && !isnan(sil))
            printf("silhouette  %.6f%s clustered points only\nDBI         %.6f clustered points only\n", sil,
                   sample ? " (sampled)" : "", dbi);
        if (m > 0) {
            printf("\nconfusion of the clustered points (rows: true classes, columns: clusters matched to them)\n");
            if (ae_confusion_write(stdout, &c, names, n_names, &err)) {
                cli_report(&err);
                goto done;
            }
            printf("\nper-cluster make-up\n");
            if (ae_makeup_write(stdout, &c, names, n_names, &err)) {
                cli_report(&err);
                goto done;
            }
        }
    }
    rc = 0;
done:
    ae_contingency_free(&c);
    ae_labels_free(&yc);
    ae_labels_free(&pc);
    ae_matrix_free(&xc);
    return rc;
}

int cmd_metrics(int argc, char **argv)
{
    cli_opt opts[] = {
        {.name = "true", .metavar = "FILE", .help = "true classes (.npy or IDX labels) (required)"},
        {.name = "pred", .metavar = "FILE", .help = "cluster assignments (.npy), -1 for noise (required)"},
        {.name = "x", .metavar = "FILE", .help = "the clustered points, for silhouette and Davies-Bouldin"},
        {.name = "sample", .metavar = "N", .help = "silhouette on a seeded sample of N points (0: exact)", .def = "0"},
        {.name = "seed", .metavar = "N", .help = "seed of the silhouette sample", .def = "0"},
        {.name = "classes", .metavar = "NAMES", .help = "class names in tables: fashion, digits or none", .def = "none"},
        {.name = "json", .help = "print one JSON object instead of tables"},
    };
    cli_command cmd = {"metrics", "", "score cluster assignments against true labels", opts,
                       sizeof opts / sizeof opts[0]};
    const char *pos[1];
    int n_pos;
    char msg[512];
    int rc = cli_start(&cmd, argc, argv, pos, 0, &n_pos);
    if (rc >= 0) return rc;
    if ((rc = cli_require(&cmd, "true")) || (rc = cli_require(&cmd, "pred"))) return rc;
    long sample;
    uint64_t seed;
    if (cli_long(cli_get(&cmd, "sample"), 0, LONG_MAX, &sample, msg, sizeof msg) ||
        cli_u64(cli_get(&cmd, "seed"), &seed, msg, sizeof msg))
        return cli_fail("metrics: %s", msg);
    const char *classes = cli_get(&cmd, "classes")->value;
    const char *const *names = NULL;
    int n_names = 0;
    if (!strcmp(classes, "fashion"))
        names = ae_class_names("fashion-mnist", &n_names);
    else if (!strcmp(classes, "digits"))
        names = ae_class_names("mnist", &n_names);
    else if (strcmp(classes, "none") != 0)
        return cli_fail("metrics: --classes: '%s' is not one of fashion, digits, none", classes);

    const char *true_path = cli_get(&cmd, "true")->value, *pred_path = cli_get(&cmd, "pred")->value;
    const char *x_path = cli_get(&cmd, "x")->value;
    int want_json = cli_get(&cmd, "json")->given;
    ae_error err = {0};
    ae_labels y = {0}, p = {0};
    ae_matrix x = {0};
    ae_contingency c = {0};
    ae_label_scores s;
    double sil = 0, dbi = 0;
    rc = 2;
    if (ae_labels_load(true_path, &y, &err) || ae_labels_load(pred_path, &p, &err)) {
        cli_report(&err);
        goto done;
    }
    if (y.n != p.n) {
        cli_fail("%s has %zu labels but %s has %zu", true_path, y.n, pred_path, p.n);
        goto done;
    }
    if (x_path) {
        if (ae_matrix_load(x_path, &x, &err)) {
            cli_report(&err);
            goto done;
        }
        if (x.rows != y.n) {
            cli_fail("%s has %zu rows but %s has %zu labels", x_path, x.rows, true_path, y.n);
            goto done;
        }
    }
    if (ae_labels_have_noise(p.data, p.n)) {
        rc = noise_report(true_path, pred_path, x_path ? &x : NULL, &y, &p, (size_t)sample, seed, want_json, names,
                          n_names);
        goto done;
    }
    if (ae_contingency_build(y.data, p.data, y.n, &c, &err) || ae_score_contingency(&c, &s, &err)) {
        cli_fail("%s, %s: %s", true_path, pred_path, err.msg);
        goto done;
    }
    if (x_path && (ae_silhouette(&x, p.data, (size_t)sample, seed, &sil, &err) ||
                   ae_davies_bouldin(&x, p.data, &dbi, &err))) {
        cli_fail("%s: %s", pred_path, err.msg);
        goto done;
    }
    if (want_json) {
        json_object *j = json_object_new_object();
        json_object_object_add(j, "n", json_object_new_int64((int64_t)y.n));
        json_object_object_add(j, "acc", json_object_new_double(s.acc));
        json_object_object_add(j, "purity", json_object_new_double(s.purity));
        json_object_object_add(j, "ari", json_object_new_double(s.ari));
        json_object_object_add(j, "nmi", json_object_new_double(s.nmi));
        if (x_path) {
            json_object_object_add(j, "silhouette", json_object_new_double(sil));
            json_object_object_add(j, "davies_bouldin", json_object_new_double(dbi));
        }
        puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
        json_object_put(j);
    } else {
        printf("n           %zu (%d classes, %d clusters)\n", y.n, c.n_classes, c.n_clusters);
        printf("ACC         %.6f\npurity      %.6f\nARI         %.6f\nNMI         %.6f\n", s.acc, s.purity, s.ari,
               s.nmi);
        if (x_path) printf("silhouette  %.6f%s\nDBI         %.6f\n", sil, sample ? " (sampled)" : "", dbi);
        printf("\nconfusion (rows: true classes, columns: clusters matched to them)\n");
        if (ae_confusion_write(stdout, &c, names, n_names, &err)) {
            cli_report(&err);
            goto done;
        }
        printf("\nper-cluster make-up\n");
        if (ae_makeup_write(stdout, &c, names, n_names, &err)) {
            cli_report(&err);
            goto done;
        }
    }
    rc = 0;
done:
    ae_contingency_free(&c);
    ae_matrix_free(&x);
    ae_labels_free(&y);
    ae_labels_free(&p);
    return rc;
}
