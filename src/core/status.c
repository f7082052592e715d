#include "aeclust/status.h"

#include <stdio.h>
#include <string.h>

const char *ae_status_name(ae_status s)
{
    switch (s) {
    case AE_OK: return "ok";
    case AE_ERR_ARG: return "invalid argument";
    case AE_ERR_IO: return "i/o error";
    case AE_ERR_FORMAT: return "bad file format";
    case AE_ERR_NUMERIC: return "numerical error";
    case AE_ERR_NOMEM: return "out of memory";
    }
    return "unknown status";
}

ae_status ae_fail(ae_error *err, ae_status s, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        /* one line: the caller prints it as is */
        /* one printable line: bytes quoted from a bad file must not reach a
         * terminal as control sequences */
        for (char *c = err->msg; *c; c++)
            if ((unsigned char)*c < 0x20 || (unsigned char)*c == 0x7f) *c = (*c == '\n' || *c == '\r') ? ' ' : '?';
        err->status = s;
    }
    return s;
}

void ae_error_clear(ae_error *err)
{
    if (err) {
        err->status = AE_OK;
        err->msg[0] = '\0';
    }
}
