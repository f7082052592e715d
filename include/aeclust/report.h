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

#ifdef __cplusplus
}
#endif

#endif
