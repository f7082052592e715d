#include "window.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Largest spatial extent a window layer produces; bigger images are not what this library is for. */
#define WINDOW_MAX_EXTENT (1 << 16)

int ae_parse_int(const char *tok, const char *what, long lo, long hi, int *out, char *msg, size_t msgn)
{
    char *end;
    errno = 0;
    long v = strtol(tok, &end, 10);
    if (end == tok || *end != '\0' || errno != 0) {
        snprintf(msg, msgn, "%s '%s' is not a number", what, tok);
        return -1;
    }
    if (v < lo) {
        snprintf(msg, msgn, "%s must be at least %ld, got %ld", what, lo, v);
        return -1;
    }
    if (v > hi) {
        snprintf(msg, msgn, "%s %ld is too large (at most %ld)", what, v, hi);
        return -1;
    }
    *out = (int)v;
    return 0;
}

/* "s2" with prefix "s": the rest starts like a number (so "sigmoid" is not a stride). */
static bool numeric_after(const char *tok, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncmp(tok, prefix, n) != 0) return false;
    char c = tok[n];
    return (c >= '0' && c <= '9') || c == '-' || c == '+';
}

int ae_window_parse(ae_window *w, unsigned allow, int ntok, char *const *tok, ae_act *act, float *alpha, char *msg,
                    size_t msgn)
{
    bool have_s = false, have_pad = false, have_op = false, have_act = false;
    for (int i = 0; i < ntok; i++) {
        const char *t = tok[i];
        bool is_pad = !strcmp(t, "same") || !strcmp(t, "valid") || numeric_after(t, "p");
        if (is_pad) {
            if (have_pad) {
                snprintf(msg, msgn, "padding given twice (at '%s'); use one of same, valid, pP", t);
                return -1;
            }
            have_pad = true;
            if (!strcmp(t, "same")) {
                w->pad = AE_PAD_SAME;
            } else if (!strcmp(t, "valid")) {
                w->pad = AE_PAD_VALID;
            } else {
                w->pad = AE_PAD_EXPLICIT;
                if (ae_parse_int(t + 1, "padding", 0, AE_WINDOW_MAX, &w->pad_n, msg, msgn)) return -1;
            }
        } else if (numeric_after(t, "s")) {
            if (have_s) {
                snprintf(msg, msgn, "stride given twice (at '%s')", t);
                return -1;
            }
            have_s = true;
            if (ae_parse_int(t + 1, "stride", 1, AE_WINDOW_MAX, &w->stride, msg, msgn)) return -1;
        } else if (numeric_after(t, "op") && (allow & AE_WIN_OUTPAD)) {
            if (have_op) {
                snprintf(msg, msgn, "output padding given twice (at '%s')", t);
                return -1;
            }
            have_op = true;
            if (ae_parse_int(t + 2, "output padding", 0, AE_WINDOW_MAX, &w->out_pad, msg, msgn)) return -1;
        } else if (allow & AE_WIN_ACT) {
            if (have_act) {
                snprintf(msg, msgn, "unexpected '%s': the activation is already given", t);
                return -1;
            }
            have_act = true;
            if (ae_act_parse(t, act, alpha, msg, msgn)) return -1;
        } else {
            snprintf(msg, msgn, "unexpected '%s' (want sS, same, valid or pP)", t);
            return -1;
        }
    }
    if (have_op && w->pad != AE_PAD_EXPLICIT) {
        snprintf(msg, msgn, "output padding op%d needs PyTorch-style padding pP", w->out_pad);
        return -1;
    }
    if (w->out_pad >= w->stride && w->out_pad > 0) {
        snprintf(msg, msgn, "output padding %d must be smaller than the stride %d", w->out_pad, w->stride);
        return -1;
    }
    return 0;
}

int ae_window_parse_conv(const char *kind, unsigned allow, int ntok, char *const *tok, int *filters, ae_window *w,
                         ae_act *act, float *alpha, char *msg, size_t msgn)
{
    if (ntok < 2) {
        snprintf(msg, msgn, "%s needs FILTERS and KERNEL (e.g. \"%s 16 3 s2 same relu\")", kind, kind);
        return -1;
    }
    if (ae_parse_int(tok[0], "filters", 1, AE_CHANNELS_MAX, filters, msg, msgn)) return -1;
    *w = (ae_window){.stride = 1, .pad = AE_PAD_VALID};
    if (ae_parse_int(tok[1], "kernel size", 1, AE_WINDOW_MAX, &w->size, msg, msgn)) return -1;
    return ae_window_parse(w, allow | AE_WIN_ACT, ntok - 2, tok + 2, act, alpha, msg, msgn);
}

void ae_window_format(const ae_window *w, char *buf, size_t n)
{
    switch (w->pad) {
    case AE_PAD_VALID: snprintf(buf, n, "s%d valid", w->stride); return;
    case AE_PAD_SAME: snprintf(buf, n, "s%d same", w->stride); return;
    case AE_PAD_EXPLICIT:
        if (w->out_pad)
            snprintf(buf, n, "s%d p%d op%d", w->stride, w->pad_n, w->out_pad);
        else
            snprintf(buf, n, "s%d p%d", w->stride, w->pad_n);
        return;
    }
}

/* One axis of a forward window: out and the leading pad; -1 when no window fits. */
static int forward_axis(const ae_window *w, long in, long *out, int *lead)
{
    long k = w->size, s = w->stride, p = w->pad_n;
    switch (w->pad) {
    case AE_PAD_VALID:
        if (in < k) return -1;
        *out = (in - k) / s + 1;
        *lead = 0;
        return 0;
    case AE_PAD_SAME: {
        *out = (in + s - 1) / s;
        long total = (*out - 1) * s + k - in;
        *lead = total > 0 ? (int)(total / 2) : 0;
        return 0;
    }
    case AE_PAD_EXPLICIT:
        if (in + 2 * p < k) return -1;
        *out = (in + 2 * p - k) / s + 1;
        *lead = (int)p;
        return 0;
    }
    return -1;
}

int ae_window_forward(const ae_window *w, const char *noun, int h, int wd, int *oh, int *ow, int *pt, int *pl,
                      char *msg, size_t msgn)
{
    long a, b;
    if (forward_axis(w, h, &a, pt) || forward_axis(w, wd, &b, pl)) {
        if (w->pad == AE_PAD_EXPLICIT)
            snprintf(msg, msgn, "%s %d is larger than the %dx%d input padded by %d", noun, w->size, h, wd, w->pad_n);
        else
            snprintf(msg, msgn, "%s %d is larger than the %dx%d input", noun, w->size, h, wd);
        return -1;
    }
    *oh = (int)a;
    *ow = (int)b;
    return 0;
}

/* One axis of a transposed window: out and the crop. */
static void transpose_axis(const ae_window *w, long in, long *out, int *crop)
{
    long k = w->size, s = w->stride;
    long extra = k > s ? k - s : 0;
    *out = 0;
    *crop = 0;
    switch (w->pad) {
    case AE_PAD_SAME:
        *out = in * s;
        *crop = (int)(extra / 2);
        return;
    case AE_PAD_VALID:
        *out = in * s + extra;
        *crop = 0;
        return;
    case AE_PAD_EXPLICIT:
        *out = (in - 1) * s - 2L * w->pad_n + k + w->out_pad;
        *crop = w->pad_n;
        return;
    }
}

int ae_window_transpose(const ae_window *w, int h, int wd, int *oh, int *ow, int *ct, int *cl, char *msg, size_t msgn)
{
    long a = 0, b = 0;
    transpose_axis(w, h, &a, ct);
    transpose_axis(w, wd, &b, cl);
    if (a < 1 || b < 1) {
        snprintf(msg, msgn, "padding %d leaves no output of the %dx%d input (out = (in-1)*%d - 2*%d + %d + %d)",
                 w->pad_n, h, wd, w->stride, w->pad_n, w->size, w->out_pad);
        return -1;
    }
    if (a > WINDOW_MAX_EXTENT || b > WINDOW_MAX_EXTENT) {
        snprintf(msg, msgn, "output %ldx%ld is too large (at most %d a side)", a, b, WINDOW_MAX_EXTENT);
        return -1;
    }
    *oh = (int)a;
    *ow = (int)b;
    return 0;
}
