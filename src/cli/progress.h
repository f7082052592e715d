/* Training progress on stderr: a live bar redrawn in place on a terminal, and
 * one plain line per epoch either way (the only output when stderr is a file). */
#ifndef AE_CLI_PROGRESS_H
#define AE_CLI_PROGRESS_H

#include "aeclust/nn.h"

typedef struct {
    int tty;          /* stderr is a terminal */
    double last_draw; /* elapsed_s of the last redraw, to draw at most ~10 times a second */
} cli_progress_state;

void cli_progress_init(cli_progress_state *s);
/* An ae_train_opts/ae_run_opts progress callback; user is a cli_progress_state. */
void cli_progress(void *user, const ae_train_progress *p);

/* An ae_run_opts log callback: the line on stderr (user is unused). */
void cli_log_line(void *user, const char *line);

#endif
