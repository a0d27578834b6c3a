/* mmbench — the subcommands main() dispatches to. Each returns the process
 * exit status: 0 success, 1 a failure while running, 2 bad input. */
#ifndef MMB_COMMANDS_H
#define MMB_COMMANDS_H

#include "options.h"

int mmb_cmd_run(int argc, char **argv);       /* bench/cmd_run.c */
int mmb_cmd_list(int argc, char **argv);      /* bench/cmd_list.c */
int mmb_cmd_env(int argc, char **argv);       /* bench/cmd_env.c */
int mmb_cmd_cell(int argc, char **argv);      /* bench/cmd_cell.c (internal) */
int mmb_cmd_probe(int argc, char **argv);     /* bench/cmd_probe.c (internal) */
int mmb_cmd_check(int argc, char **argv);     /* bench/cmd_check.c */
int mmb_cmd_report(int argc, char **argv);    /* bench/cmd_report.c */
int mmb_cmd_compare(int argc, char **argv);   /* bench/cmd_compare.c */
int mmb_cmd_reproduce(int argc, char **argv); /* bench/cmd_reproduce.c */
int mmb_cmd_merge(int argc, char **argv);     /* bench/cmd_merge.c */
int mmb_cmd_status(int argc, char **argv);    /* bench/cmd_status.c */
int mmb_cmd_trace(int argc, char **argv);     /* bench/cmd_trace.c */

/* Each command's option table (in its file). */
extern const mmb_optspec mmb_run_options, mmb_list_options, mmb_env_options, mmb_cell_options,
    mmb_check_options, mmb_report_options, mmb_compare_options, mmb_reproduce_options,
    mmb_merge_options, mmb_status_options, mmb_trace_record_options, mmb_trace_info_options,
    mmb_trace_model_options;

#endif
