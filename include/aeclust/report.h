/* The HTML report of a run folder: one self-contained page (report.html) with
 * the experiment's description and settings, the model summary, the training
 * curve and history, the metrics of every clusterer, space and split, the
 * per-cluster make-up tables, the confusion matrices and every figure in
 * figures/. It is built only from the files `aeclust run` leaves in the
 * folder (include/aeclust/run.h), so `aeclust report RUN_DIR` can rebuild it
 * at any time; files a run did not write are simply left out of the page.
 *
 * - Opens without a network: styles are inline, there are no scripts or web
 *   fonts, and every PNG is embedded as a base64 data: URI; a
 *   Content-Security-Policy meta tag forbids any other load.
 * - Every string taken from a file is HTML-escaped.
 * - Deterministic: the same folder gives the same bytes (no timestamps). */
#ifndef AECLUST_REPORT_H
#define AECLUST_REPORT_H

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Writes RUN_DIR/report.html atomically (a failure leaves any previous report
 * untouched). AE_ERR_ARG "RUN_DIR: not a run folder (no metrics.json)" for a
 * folder without results, AE_ERR_FORMAT naming metrics.json when it is not
 * valid, AE_ERR_IO for a folder or file that cannot be read or written. */
ae_status ae_report_write(const char *run_dir, ae_error *err);

/* The page of runs over seeds (aeclust run --seeds, include/aeclust/run.h):
 * DIR/report.html from DIR/summary.json and DIR/figures/strip_*.png: the
 * table of mean, sd and range, the per-seed values with a link to each
 * seed's report, the strip plots. ae_report_write(DIR) writes it for a
 * folder that has a summary.json and no metrics.json. */
ae_status ae_report_seeds_write(const char *dir, ae_error *err);

/* The page of a sweep (aeclust sweep, include/aeclust/sweep.h): DIR/report.html
 * from DIR/sweep.json and DIR/figures/sweep_*.png, with a link to each
 * combination's page. ae_report_write(DIR) writes it for a folder that has a
 * sweep.json and no metrics.json. */
ae_status ae_report_sweep_write(const char *dir, ae_error *err);

#ifdef __cplusplus
}
#endif

#endif
