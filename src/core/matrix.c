#include "aeclust/matrix.h"

#include <math.h>
#include <stdlib.h>

ae_status ae_matrix_alloc(ae_matrix *m, size_t rows, size_t cols, ae_error *err)
{
    m->rows = rows;
    m->cols = cols;
    m->data = NULL;
    if (cols != 0 && rows > SIZE_MAX / sizeof(float) / cols)
        return ae_fail(err, AE_ERR_NOMEM, "matrix of %zu x %zu is too large", rows, cols);
    size_t n = rows * cols;
    m->data = calloc(n ? n : 1, sizeof(float));
    if (!m->data) {
        m->rows = m->cols = 0;
        return ae_fail(err, AE_ERR_NOMEM, "out of memory allocating a %zu x %zu matrix", rows, cols);
    }
    return AE_OK;
}

void ae_matrix_free(ae_matrix *m)
{
    if (!m) return;
    free(m->data);
    m->data = NULL;
    m->rows = m->cols = 0;
}

ae_status ae_matrix_check_finite(const ae_matrix *m, const char *what, ae_error *err)
{
    size_t n = m->rows * m->cols;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(m->data[i]))
            return ae_fail(err, AE_ERR_NUMERIC, "%s: %s at row %zu, column %zu", what,
                           isnan(m->data[i]) ? "NaN" : "Inf", i / m->cols, i % m->cols);
    return AE_OK;
}

ae_status ae_labels_alloc(ae_labels *l, size_t n, ae_error *err)
{
    l->n = n;
    l->data = calloc(n ? n : 1, sizeof(int32_t));
    if (!l->data) {
        l->n = 0;
        return ae_fail(err, AE_ERR_NOMEM, "out of memory allocating %zu labels", n);
    }
    return AE_OK;
}

void ae_labels_free(ae_labels *l)
{
    if (!l) return;
    free(l->data);
    l->data = NULL;
    l->n = 0;
}
