/* clusters.txt and confusion.txt in the report. Both hold blocks separated by
 * blank lines, each "== TITLE ==" and an aligned table (src/metrics/tables.c);
 * each block becomes an HTML table, or stays preformatted text if its layout
 * is not the expected one. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

#define MAX_TOKENS 256

typedef struct {
    const char *s;
    size_t n;
} span;

/* The next block of non-blank lines from *p: its title (the "== ... ==" line,
 * stripped; may be empty) and body lines. Returns 0 at the end of the text. */
static int next_block(const char **p, span *title, span *body)
{
    const char *s = *p;
    /* skip blank lines */
    for (;;) {
        const char *q = s;
        while (*q == ' ' || *q == '\t' || *q == '\r') q++;
        if (*q == '\n') s = q + 1;
        else if (!*q) return 0;
        else break;
    }
    const char *end = s;
    for (;;) {
        const char *nl = strchr(end, '\n');
        const char *line_end = nl ? nl : end + strlen(end), *q = end;
        while (q < line_end && isspace((unsigned char)*q)) q++;
        if (q == line_end && end != s) break; /* a blank line ends the block */
        end = nl ? nl + 1 : line_end;
        if (!nl) break;
    }
    *p = end;
    *title = (span){s, 0};
    *body = (span){s, (size_t)(end - s)};
    if (!strncmp(s, "==", 2)) {
        const char *nl = memchr(s, '\n', (size_t)(end - s)), *e = nl ? nl : end;
        const char *a = s, *b = e;
        while (a < b && (*a == '=' || isspace((unsigned char)*a))) a++;
        while (b > a && (b[-1] == '=' || isspace((unsigned char)b[-1]))) b--;
        *title = (span){a, (size_t)(b - a)};
        *body = (span){e + (nl != NULL), (size_t)(end - e - (nl != NULL))};
    }
    return 1;
}

/* Splits [s, s + n) into non-empty lines (without '\n', '\r'); returns the count, or -1
 * past max lines (the block is then shown as text rather than cut short). */
static int split_lines(span text, span *lines, int max)
{
    int k = 0;
    const char *p = text.s, *end = text.s + text.n;
    while (p < end && k < max) {
        const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end;
        const char *b = e;
        while (b > p && (b[-1] == '\r' || b[-1] == ' ')) b--;
        if (b > p) lines[k++] = (span){p, (size_t)(b - p)};
        p = nl ? nl + 1 : end;
    }
    return p < end ? -1 : k;
}

/* Whitespace-separated tokens of a line. */
static int tokens(span line, span *tok, int max)
{
    int k = 0;
    const char *p = line.s, *end = line.s + line.n;
    while (p < end) {
        while (p < end && isspace((unsigned char)*p)) p++;
        if (p == end) break;
        const char *b = p;
        while (p < end && !isspace((unsigned char)*p)) p++;
        if (k == max) return -1;
        tok[k++] = (span){b, (size_t)(p - b)};
    }
    return k;
}

/* A token that is a whole non-negative integer. */
static int as_count(span t, long long *v)
{
    if (!t.n || t.n > 18) return 0;
    long long x = 0;
    for (size_t i = 0; i < t.n; i++) {
        if (!isdigit((unsigned char)t.s[i])) return 0;
        x = 10 * x + (t.s[i] - '0');
    }
    *v = x;
    return 1;
}

static void block_start(ae_html *h, span title)
{
    ae_html_raw(h, "<div class=\"card\">");
    if (title.n) {
        ae_html_raw(h, "<h4>");
        ae_html_textn(h, title.s, title.n);
        ae_html_raw(h, "</h4>");
    }
}

static void block_pre(ae_html *h, span body)
{
    while (body.n && isspace((unsigned char)body.s[body.n - 1])) body.n--;
    ae_html_raw(h, "<pre>");
    ae_html_textn(h, body.s, body.n);
    ae_html_raw(h, "</pre></div>\n");
}

void ae_report_pre(ae_html *h, const char *text)
{
    ae_html_raw(h, "<pre>");
    ae_html_text(h, text);
    ae_html_raw(h, "</pre>\n");
}

/* One make-up row "ID SIZE Name P%, Name P%, ..." -> table cells; 0 if it is not one. */
static int makeup_row(ae_html *h, span line)
{
    span tok[2];
    long long id, size;
    const char *s = line.s;
    size_t i = 0, n = line.n;
    for (int t = 0; t < 2; t++) {
        while (i < n && s[i] == ' ') i++;
        size_t b = i;
        while (i < n && s[i] != ' ') i++;
        tok[t] = (span){s + b, i - b};
    }
    if (!as_count(tok[0], &id) || !as_count(tok[1], &size)) return 0;
    while (i < n && s[i] == ' ') i++;
    /* the first (largest) class gets a bar of its share: "Name P%" up to the first comma */
    size_t first_end = i;
    while (first_end < n && s[first_end] != ',') first_end++;
    size_t pct = first_end;
    while (pct > i && s[pct - 1] != ' ') pct--;
    double share = pct < first_end ? strtod(s + pct, NULL) : 0;
    if (!(share >= 0 && share <= 100)) share = 0;
    ae_html_fmt(h, "<tr><td class=\"num\">%lld</td><td class=\"num\">%lld</td><td class=\"top\">", id, size);
    ae_html_fmt(h, "<span class=\"bar\"><span style=\"width:%.1f%%\"></span></span><b>", share);
    ae_html_textn(h, s + i, first_end - i);
    ae_html_raw(h, "</b></td><td class=\"rest\">");
    size_t rest = first_end + 1;
    while (rest < n && s[rest] == ' ') rest++;
    if (rest < n) ae_html_textn(h, s + rest, n - rest);
    ae_html_raw(h, "</td></tr>\n");
    return 1;
}

void ae_report_makeup(ae_html *h, const char *text)
{
    const char *p = text;
    span title, body, lines[1024];
    ae_html_raw(h, "<div class=\"tables\">\n");
    while (next_block(&p, &title, &body)) {
        block_start(h, title);
        int n = split_lines(body, lines, 1024);
        span tok[MAX_TOKENS];
        if (n < 2 || tokens(lines[0], tok, MAX_TOKENS) < 2 || tok[0].n != 7 || strncmp(tok[0].s, "cluster", 7)) {
            block_pre(h, body);
            continue;
        }
        ae_html_raw(h, "<table class=\"data makeup\"><thead><tr><th class=\"num\">Cluster</th><th class=\"num\">Size</th>"
                       "<th>Largest class</th><th>Next classes</th></tr></thead>\n<tbody>\n");
        for (int i = 1; i < n; i++)
            if (!makeup_row(h, lines[i])) {
                ae_html_raw(h, "<tr><td colspan=\"4\"><code>");
                ae_html_textn(h, lines[i].s, lines[i].n);
                ae_html_raw(h, "</code></td></tr>\n");
            }
        ae_html_raw(h, "</tbody></table></div>\n");
    }
    ae_html_raw(h, "</div>\n");
}

/* One confusion block: a header "CORNER ID ID ..." and rows "CLASS NAME COUNT COUNT ...",
 * columns ordered so that the diagonal holds the matched pairs. Returns 0 if it is not one. */
static int confusion_table(ae_html *h, const span *lines, int n)
{
    span tok[MAX_TOKENS];
    long long v;
    if (n < 2) return 0;
    int k = tokens(lines[0], tok, MAX_TOKENS), cols = 0;
    while (cols < k && as_count(tok[k - 1 - cols], &v)) cols++;
    if (cols < 1 || cols == k) return 0;
    long long *counts = malloc((size_t)(n - 1) * (size_t)cols * sizeof *counts); /* (rows, cols) */
    span *names = malloc((size_t)(n - 1) * sizeof *names);
    int ok = counts && names;
    for (int i = 1; i < n && ok; i++) {
        k = tokens(lines[i], tok, MAX_TOKENS);
        ok = k > cols;
        for (int j = 0; j < cols && ok; j++) ok = as_count(tok[k - cols + j], &counts[(size_t)(i - 1) * cols + j]);
        if (ok) names[i - 1] = (span){lines[i].s, (size_t)(tok[k - cols - 1].s + tok[k - cols - 1].n - lines[i].s)};
    }
    if (ok) {
        k = tokens(lines[0], tok, MAX_TOKENS);
        ae_html_raw(h, "<div class=\"scroll\"><table class=\"data confusion\"><thead><tr><th class=\"corner\">");
        ae_html_textn(h, lines[0].s, (size_t)(tok[k - cols - 1].s + tok[k - cols - 1].n - lines[0].s));
        ae_html_raw(h, "</th>");
        for (int j = 0; j < cols; j++) {
            ae_html_raw(h, "<th class=\"num\">");
            ae_html_textn(h, tok[k - cols + j].s, tok[k - cols + j].n);
            ae_html_raw(h, "</th>");
        }
        ae_html_raw(h, "<th class=\"num total\">Total</th></tr></thead>\n<tbody>\n");
        for (int i = 0; i < n - 1; i++) {
            long long total = 0;
            for (int j = 0; j < cols; j++) total += counts[(size_t)i * cols + j];
            ae_html_raw(h, "<tr><th>");
            ae_html_textn(h, names[i].s, names[i].n);
            ae_html_raw(h, "</th>");
            for (int j = 0; j < cols; j++) {
                long long c = counts[(size_t)i * cols + j];
                double share = total ? (double)c / (double)total : 0;
                /* shaded by the share of the class's row; the diagonal is the matched cluster */
                ae_html_fmt(h, "<td class=\"num%s%s\"", j == i ? " diag" : "", share > 0.5 ? " dark" : "");
                if (c) ae_html_fmt(h, " style=\"background:rgba(37,99,235,%.3f)\"", 0.06 + 0.84 * share);
                ae_html_fmt(h, ">%lld</td>", c);
            }
            ae_html_fmt(h, "<td class=\"num total\">%lld</td></tr>\n", total);
        }
        ae_html_raw(h, "</tbody></table></div>\n");
    }
    free(counts);
    free(names);
    if (!counts || !names) {
        ae_error e;
        ae_html_fail(h, ae_fail(&e, AE_ERR_NOMEM, "report: out of memory"), &e);
        return 1;
    }
    return ok;
}

void ae_report_confusion(ae_html *h, const char *text)
{
    const char *p = text;
    span title, body, lines[1024];
    ae_html_raw(h, "<div class=\"tables\">\n");
    while (next_block(&p, &title, &body)) {
        block_start(h, title);
        int n = split_lines(body, lines, 1024);
        if (!confusion_table(h, lines, n)) {
            block_pre(h, body);
            continue;
        }
        ae_html_raw(h, "</div>\n");
    }
    ae_html_raw(h, "</div>\n");
}
