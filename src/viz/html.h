/* Writing an HTML page through an atomic file (src/core/atomic_file.h) with
 * one sticky status: after the first failed write every later call does
 * nothing, so a page is written as a straight sequence of calls and checked
 * once at the end. Text from files goes through ae_html_text (escaped);
 * ae_html_raw and ae_html_fmt are for the writer's own markup. Internal. */
#ifndef AE_VIZ_HTML_H
#define AE_VIZ_HTML_H

#include <stddef.h>

#include "aeclust/status.h"
#include "core/atomic_file.h"

typedef struct {
    ae_afile file;
    ae_error *err;
    ae_status st; /* the first failure; AE_OK while all is well */
} ae_html;

/* Opens the temporary file for path. */
ae_status ae_html_open(ae_html *h, const char *path, ae_error *err);
/* Renames the page into place if every write succeeded, else removes it;
 * returns the first failure. */
ae_status ae_html_commit(ae_html *h);
/* Records a failure (first one wins) without writing. */
void ae_html_fail(ae_html *h, ae_status st, const ae_error *e);

/* Markup, written as is. */
void ae_html_raw(ae_html *h, const char *s);
/* printf-style markup; arguments must not carry text from files. */
void ae_html_fmt(ae_html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Text (or an attribute value) with & < > " ' escaped. */
void ae_html_text(ae_html *h, const char *s);
void ae_html_textn(ae_html *h, const char *s, size_t n);
/* <tag class="cls">escaped text</tag>; cls may be NULL. */
void ae_html_elem(ae_html *h, const char *tag, const char *cls, const char *text);
/* An <img> of PNG bytes as a base64 data: URI, with escaped alt text; the
 * width and height attributes are given when > 0. */
void ae_html_png(ae_html *h, const unsigned char *png, size_t n, const char *alt, int width, int height);

#endif
