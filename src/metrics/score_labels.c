#include "aeclust/metrics.h"

#include <math.h>

ae_status ae_score_contingency(const ae_contingency *c, ae_label_scores *out, ae_error *err)
{
    ae_status st = ae_accuracy(c, &out->acc, NULL, err);
    if (st) return st;
    out->purity = ae_purity(c);
    out->ari = ae_adjusted_rand_index(c);
    out->nmi = ae_normalized_mutual_info(c);
    if (isnan(out->nmi)) return ae_fail(err, AE_ERR_NOMEM, "NMI: out of memory");
    return AE_OK;
}

ae_status ae_score_labels(const int32_t *truth, const int32_t *pred, size_t n, ae_label_scores *out,
                          ae_error *err)
{
    ae_contingency c;
    ae_status st = ae_contingency_build(truth, pred, n, &c, err);
    if (st) return st;
    st = ae_score_contingency(&c, out, err);
    ae_contingency_free(&c);
    return st;
}
