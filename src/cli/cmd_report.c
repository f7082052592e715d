#include <stdio.h>
#include <string.h>

#include "aeclust/report.h"
#include "commands.h"

int cmd_report(int argc, char **argv)
{
    cli_command cmd = {"report", "RUN_DIR",
                       "write RUN_DIR/report.html, one self-contained page of a run's results, tables and figures",
                       NULL, 0};
    const char *pos[1];
    int n_pos;
    int rc = cli_start(&cmd, argc, argv, pos, 1, &n_pos);
    if (rc >= 0) return rc;
    if (n_pos != 1) return cli_fail("report: give the run folder (aeclust report RUN_DIR)");
    ae_error err = {0};
    if (ae_report_write(pos[0], &err)) return cli_report(&err);
    int len = (int)strlen(pos[0]);
    while (len > 1 && pos[0][len - 1] == '/') len--; /* "runs/x/" -> "runs/x/report.html" */
    printf("%.*s/report.html\n", len, pos[0]);
    return 0;
}
