/* Scores of an assignment with noise (-1): the clustered points alone, all
 * points with noise as one more cluster, and accuracy with noise as wrong. */
#include <math.h>
#include <stdlib.h>

#include "aeclust/metrics.h"

int ae_labels_have_noise(const int32_t *pred, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (pred[i] == -1) return 1;
    return 0;
}

ae_status ae_score_noise(const int32_t *truth, const int32_t *pred, size_t n, ae_noise_scores *out, ae_error *err)
{
    if (n == 0) return ae_fail(err, AE_ERR_ARG, "pred: no labels (n = 0)");
    int32_t max_pred = -1;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (pred[i] < -1)
            return ae_fail(err, AE_ERR_ARG, "pred: label %d at index %zu (-1 is noise; no other negative id)",
                           (int)pred[i], i);
        if (truth[i] < 0) return ae_fail(err, AE_ERR_ARG, "truth: negative label %d at index %zu", (int)truth[i], i);
        if (pred[i] > max_pred) max_pred = pred[i];
        m += pred[i] >= 0;
    }
    if (max_pred == INT32_MAX) return ae_fail(err, AE_ERR_ARG, "pred: label %d leaves no id for the noise", INT32_MAX);
    int32_t *t = malloc(n * sizeof *t), *p = malloc(n * sizeof *p);
    if (!t || !p) {
        free(t);
        free(p);
        return ae_fail(err, AE_ERR_NOMEM, "out of memory scoring %zu labels", n);
    }
    *out = (ae_noise_scores){.n = n, .n_clustered = m, .clustered_fraction = (double)m / (double)n,
                             .acc_clustered = NAN, .ari_clustered = NAN, .nmi_clustered = NAN};
    ae_contingency c = {0};
    ae_label_scores s;
    ae_status st = AE_OK;
    /* all points, noise as the id after the largest */
    for (size_t i = 0; i < n; i++) p[i] = pred[i] < 0 ? max_pred + 1 : pred[i];
    if ((st = ae_contingency_build(truth, p, n, &c, err))) goto done;
    out->ari_all = ae_adjusted_rand_index(&c);
    out->nmi_all = ae_normalized_mutual_info(&c);
    ae_contingency_free(&c);
    if (isnan(out->nmi_all)) {
        st = ae_fail(err, AE_ERR_NOMEM, "NMI: out of memory");
        goto done;
    }
    if (m > 0) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (pred[i] >= 0) {
                t[k] = truth[i];
                p[k++] = pred[i];
            }
        if ((st = ae_contingency_build(t, p, m, &c, err)) || (st = ae_score_contingency(&c, &s, err))) goto done;
        out->acc_clustered = s.acc;
        out->ari_clustered = s.ari;
        out->nmi_clustered = s.nmi;
        out->acc_all = s.acc * (double)m / (double)n;
    }
done:
    ae_contingency_free(&c);
    free(t);
    free(p);
    return st;
}
