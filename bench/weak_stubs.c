/* temporary: until every subcommand lands */
#include <stdio.h>
#include "commands.h"
__attribute__((weak)) int mmb_cmd_report(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "report: not built yet\n"); return 1; }
__attribute__((weak)) int mmb_cmd_compare(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "compare: not built yet\n"); return 1; }
