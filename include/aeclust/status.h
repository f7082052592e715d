/* aeclust status codes and error messages.
 *
 * Every fallible library call returns an ae_status and, when given a non-NULL
 * ae_error, fills it with one printable line that names the file (and line or
 * key, where there is one) and the problem. The library never prints and never
 * exits; the caller decides what to do with the message. */
#ifndef AECLUST_STATUS_H
#define AECLUST_STATUS_H

#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    AE_OK = 0,
    AE_ERR_ARG,     /* an argument or option out of range, mismatched shapes */
    AE_ERR_IO,      /* a file that cannot be opened, read or written */
    AE_ERR_FORMAT,  /* a file whose content is corrupt, truncated or unsupported */
    AE_ERR_NUMERIC, /* NaN/Inf in data, divergence, a singular matrix */
    AE_ERR_NOMEM    /* an allocation failed */
} ae_status;

#define AE_ERROR_MSG_MAX 512

typedef struct {
    ae_status status;
    char msg[AE_ERROR_MSG_MAX];
} ae_error;

/* Short name of a status ("ok", "invalid argument", ...). */
const char *ae_status_name(ae_status s);

/* Records status s and a printf-style message in err (which may be NULL) and
 * returns s, so a failure reads `return ae_fail(err, AE_ERR_IO, "%s: ...", path);`. */
ae_status ae_fail(ae_error *err, ae_status s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Clears err to AE_OK with an empty message. */
void ae_error_clear(ae_error *err);

#ifdef __cplusplus
}
#endif

#endif
