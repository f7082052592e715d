#include "progress.h"

#include <math.h>
#include <stdio.h>
#include <unistd.h>

void cli_progress_init(cli_progress_state *s)
{
    s->tty = isatty(STDERR_FILENO);
    s->last_draw = -1;
}

static void clock_text(double s, char *buf, size_t n)
{
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, n, "%ld:%02ld", t / 60, t % 60);
}

void cli_progress(void *user, const ae_train_progress *p)
{
    cli_progress_state *s = user;
    char left[32];
    clock_text(p->eta_s, left, sizeof left);
    if (p->end_of_epoch) {
        char val[48] = "";
        if (!isnan(p->val_loss)) snprintf(val, sizeof val, ", val %.6f", p->val_loss);
        fprintf(stderr, "%sepoch %d/%d: loss %.6f%s, %.0f samples/s, %s left\n", s->tty ? "\r\033[K" : "", p->epoch,
                p->epochs, p->loss, val, p->samples_per_s, left);
        s->last_draw = p->elapsed_s;
        return;
    }
    if (!s->tty || (p->elapsed_s - s->last_draw < 0.1 && p->batch != p->n_batches)) return;
    s->last_draw = p->elapsed_s;
    enum { WIDTH = 24 };
    char bar[WIDTH + 1];
    int filled = p->n_batches ? (int)(WIDTH * p->batch / p->n_batches) : 0;
    for (int i = 0; i < WIDTH; i++) bar[i] = i < filled ? '#' : '.';
    bar[WIDTH] = '\0';
    fprintf(stderr, "\r\033[Kepoch %d/%d [%s] %zu/%zu loss %.6f %.0f samples/s %s left", p->epoch, p->epochs, bar,
            p->batch, p->n_batches, p->loss, p->samples_per_s, left);
    fflush(stderr);
}

void cli_log_line(void *user, const char *line)
{
    (void)user;
    fprintf(stderr, "%s\n", line);
}
