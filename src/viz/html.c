#include "html.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"

ae_status ae_html_open(ae_html *h, const char *path, ae_error *err)
{
    h->err = err;
    h->st = ae_afile_open(&h->file, path, err);
    return h->st;
}

ae_status ae_html_commit(ae_html *h)
{
    if (h->st) {
        ae_afile_abort(&h->file);
        return h->st;
    }
    return h->st = ae_afile_commit(&h->file, h->err);
}

void ae_html_fail(ae_html *h, ae_status st, const ae_error *e)
{
    if (h->st) return;
    h->st = st;
    if (h->err && e && e != h->err) *h->err = *e;
}

static void put(ae_html *h, const char *s, size_t n)
{
    if (!h->st) h->st = ae_afile_write(&h->file, s, n, h->err);
}

void ae_html_raw(ae_html *h, const char *s) { put(h, s, strlen(s)); }

void ae_html_fmt(ae_html *h, const char *fmt, ...)
{
    if (h->st) return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (len < 0 || (size_t)len >= sizeof buf) {
        h->st = ae_fail(h->err, AE_ERR_ARG, "%s: internal: markup longer than %zu bytes", h->file.path, sizeof buf);
        return;
    }
    put(h, buf, (size_t)len);
}

void ae_html_textn(ae_html *h, const char *s, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        const char *ent = NULL;
        switch (s[i]) {
        case '&': ent = "&amp;"; break;
        case '<': ent = "&lt;"; break;
        case '>': ent = "&gt;"; break;
        case '"': ent = "&quot;"; break;
        case '\'': ent = "&#39;"; break;
        case '\0': ent = "\xef\xbf\xbd"; break; /* U+FFFD: a NUL has no place in HTML text */
        default: continue;
        }
        put(h, s + start, i - start);
        put(h, ent, strlen(ent));
        start = i + 1;
    }
    put(h, s + start, n - start);
}

void ae_html_text(ae_html *h, const char *s) { ae_html_textn(h, s, strlen(s)); }

void ae_html_elem(ae_html *h, const char *tag, const char *cls, const char *text)
{
    if (cls)
        ae_html_fmt(h, "<%s class=\"%s\">", tag, cls);
    else
        ae_html_fmt(h, "<%s>", tag);
    ae_html_text(h, text);
    ae_html_fmt(h, "</%s>", tag);
}

void ae_html_png(ae_html *h, const unsigned char *png, size_t n, const char *alt, int width, int height)
{
    if (h->st) return;
    char *b64 = malloc(ae_base64_len(n) + 1);
    if (!b64) {
        h->st = ae_fail(h->err, AE_ERR_NOMEM, "%s: out of memory for a %zu-byte image", h->file.path, n);
        return;
    }
    ae_base64_encode(png, n, b64);
    ae_html_raw(h, "<img src=\"data:image/png;base64,");
    put(h, b64, ae_base64_len(n));
    free(b64);
    ae_html_raw(h, "\" alt=\"");
    ae_html_text(h, alt);
    ae_html_raw(h, "\"");
    if (width > 0 && height > 0) ae_html_fmt(h, " width=\"%d\" height=\"%d\"", width, height);
    ae_html_raw(h, " loading=\"eager\">");
}
