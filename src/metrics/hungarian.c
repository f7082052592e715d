/* Minimum-cost assignment by shortest augmenting paths with potentials
 * (the O(r^2 c) form of Kuhn-Munkres).
 *
 * Rows are added one at a time. Adding row i grows a Dijkstra-like search
 * over columns on reduced costs cost[r][c] - u[r] - v[c] (never negative),
 * until it reaches a free column; the potentials are then shifted so the
 * matched edges and the tree edges stay tight, and the path is flipped.
 * Each row costs O(r c), so the whole is O(r^2 c) with r <= c; a matrix with
 * more rows than columns is solved transposed. */
#include "aeclust/metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Solves r <= c. cost(i, j) = cost[i*ld_i + j*ld_j], so the transposed
 * problem reads the same buffer. col_of_row[i] receives row i's column. */
static ae_status assign_rows(const double *cost, int r, int c, size_t ld_i, size_t ld_j, int *col_of_row,
                             ae_error *err)
{
    /* Index 0 of the column arrays is a virtual column that holds the row
     * being added, so columns are 1..c and rows 1..r here. */
    double *u = malloc((size_t)(r + 1) * sizeof *u);         // (r+1) row potentials
    double *v = malloc((size_t)(c + 1) * sizeof *v);         // (c+1) column potentials
    double *dist = malloc((size_t)(c + 1) * sizeof *dist);   // (c+1) reduced path length to each column
    int *row_at = malloc((size_t)(c + 1) * sizeof *row_at);  // (c+1) row matched to each column, 0 = free
    int *prev = malloc((size_t)(c + 1) * sizeof *prev);      // (c+1) previous column on the shortest path
    char *done = malloc((size_t)(c + 1));                    // (c+1) column already in the search tree
    if (!u || !v || !dist || !row_at || !prev || !done) {
        free(u), free(v), free(dist), free(row_at), free(prev), free(done);
        return ae_fail(err, AE_ERR_NOMEM, "hungarian: out of memory for a %d x %d problem", r, c);
    }
    for (int i = 0; i <= r; i++) u[i] = 0.0;
    for (int j = 0; j <= c; j++) v[j] = 0.0, row_at[j] = 0;

    for (int i = 1; i <= r; i++) {
        row_at[0] = i;
        int col = 0; /* the column whose row is being expanded */
        for (int j = 0; j <= c; j++) dist[j] = INFINITY, done[j] = 0;
        do {
            done[col] = 1;
            int row = row_at[col];
            const double *crow = cost + (size_t)(row - 1) * ld_i;
            double delta = INFINITY;
            int next = 0;
            for (int j = 1; j <= c; j++) {
                if (done[j]) continue;
                double reduced = crow[(size_t)(j - 1) * ld_j] - u[row] - v[j];
                if (reduced < dist[j]) dist[j] = reduced, prev[j] = col;
                if (dist[j] < delta) delta = dist[j], next = j;
            }
            if (next == 0) { /* only when reduced costs overflowed to infinity */
                free(u), free(v), free(dist), free(row_at), free(prev), free(done);
                return ae_fail(err, AE_ERR_NUMERIC, "hungarian: costs too large in magnitude (overflow)");
            }
            /* Shift potentials by the step length: tree edges stay tight,
             * and every pending distance shrinks by the same amount. */
            for (int j = 0; j <= c; j++) {
                if (done[j]) {
                    u[row_at[j]] += delta;
                    v[j] -= delta;
                } else {
                    dist[j] -= delta;
                }
            }
            col = next;
        } while (row_at[col] != 0);
        /* Flip the augmenting path back to the virtual column. */
        while (col != 0) {
            int p = prev[col];
            row_at[col] = row_at[p];
            col = p;
        }
    }
    for (int j = 1; j <= c; j++)
        if (row_at[j]) col_of_row[row_at[j] - 1] = j - 1;
    free(u), free(v), free(dist), free(row_at), free(prev), free(done);
    return AE_OK;
}

ae_status ae_hungarian(const double *cost, int rows, int cols, int *assign, ae_error *err)
{
    if (rows < 0 || cols < 0) return ae_fail(err, AE_ERR_ARG, "hungarian: negative size %d x %d", rows, cols);
    for (int i = 0; i < rows; i++) assign[i] = -1;
    if (rows == 0 || cols == 0) return AE_OK;
    size_t cells = (size_t)rows * (size_t)cols;
    for (size_t k = 0; k < cells; k++)
        if (!isfinite(cost[k]))
            return ae_fail(err, AE_ERR_ARG, "hungarian: cost at row %zu, column %zu is not finite", k / (size_t)cols,
                           k % (size_t)cols);
    if (rows <= cols) return assign_rows(cost, rows, cols, (size_t)cols, 1, assign, err);

    /* More rows than columns: match every column to a row instead. */
    int *row_of_col = malloc((size_t)cols * sizeof *row_of_col); // (cols)
    if (!row_of_col) return ae_fail(err, AE_ERR_NOMEM, "hungarian: out of memory for a %d x %d problem", rows, cols);
    ae_status st = assign_rows(cost, cols, rows, 1, (size_t)cols, row_of_col, err);
    if (!st)
        for (int j = 0; j < cols; j++) assign[row_of_col[j]] = j;
    free(row_of_col);
    return st;
}
