/* mmbench — the subcommands main() dispatches to. Each returns the process
 * exit status: 0 success, 1 a failure while running, 2 bad input. */
#ifndef MMB_COMMANDS_H
#define MMB_COMMANDS_H

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

#endif
