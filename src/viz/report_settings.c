/* The experiment settings (experiment.ini) as one small table per section. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

static char *dup_trimmed(const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s)) s++, n--;
    while (n && isspace((unsigned char)s[n - 1])) n--;
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static int add(ae_report_ini *ini, const char *section, const char *key, size_t klen, const char *val, size_t vlen)
{
    if (ini->n == ini->cap) {
        int cap = ini->cap ? 2 * ini->cap : 32;
        ae_report_setting *items = realloc(ini->items, (size_t)cap * sizeof *items);
        if (!items) return -1;
        ini->items = items;
        ini->cap = cap;
    }
    ae_report_setting *s = &ini->items[ini->n];
    s->section = dup_trimmed(section, strlen(section));
    s->key = dup_trimmed(key, klen);
    s->value = dup_trimmed(val, vlen);
    ini->n++;
    return s->section && s->key && s->value ? 0 : -1;
}

int ae_report_ini_parse(const char *text, ae_report_ini *ini)
{
    *ini = (ae_report_ini){0};
    char section[128] = "";
    for (const char *p = text; *p;) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *s = p;
        size_t n = len;
        p += len + (end != NULL);
        while (n && isspace((unsigned char)*s)) s++, n--;
        while (n && isspace((unsigned char)s[n - 1])) n--;
        if (!n || *s == '#' || *s == ';') continue;
        if (*s == '[' && s[n - 1] == ']' && n - 2 < sizeof section) {
            memcpy(section, s + 1, n - 2);
            section[n - 2] = '\0';
            continue;
        }
        const char *eq = memchr(s, '=', n);
        if (!eq || eq == s || add(ini, section, s, (size_t)(eq - s), eq + 1, n - (size_t)(eq - s) - 1)) {
            ae_report_ini_free(ini);
            return -1;
        }
    }
    return 0;
}

const char *ae_report_ini_get(const ae_report_ini *ini, const char *section, const char *key)
{
    for (int i = 0; i < ini->n; i++)
        if (!strcmp(ini->items[i].section, section) && !strcmp(ini->items[i].key, key)) return ini->items[i].value;
    return NULL;
}

void ae_report_ini_free(ae_report_ini *ini)
{
    for (int i = 0; i < ini->n; i++) {
        free(ini->items[i].section);
        free(ini->items[i].key);
        free(ini->items[i].value);
    }
    free(ini->items);
    *ini = (ae_report_ini){0};
}

void ae_report_settings(ae_html *h, const char *text)
{
    ae_report_ini ini;
    if (ae_report_ini_parse(text, &ini) || ini.n == 0) {
        ae_report_pre(h, text);
        return;
    }
    ae_html_raw(h, "<div class=\"settings\">\n");
    for (int i = 0; i < ini.n; i++) {
        const ae_report_setting *s = &ini.items[i];
        if (i == 0 || strcmp(s->section, ini.items[i - 1].section)) {
            if (i) ae_html_raw(h, "</table></div>\n");
            ae_html_raw(h, "<div class=\"card\"><table class=\"kv\"><caption>");
            ae_html_text(h, s->section[0] ? s->section : "(no section)");
            ae_html_raw(h, "</caption>\n");
        }
        ae_html_raw(h, "<tr><th>");
        ae_html_text(h, s->key);
        ae_html_raw(h, "</th><td>");
        if (s->value[0])
            ae_html_text(h, s->value);
        else
            ae_html_raw(h, "<span class=\"muted\">(none)</span>");
        ae_html_raw(h, "</td></tr>\n");
    }
    ae_html_raw(h, "</table></div>\n</div>\n");
    ae_report_ini_free(&ini);
}
