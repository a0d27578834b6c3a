/* mmbench — `mmbench env`: print the environment record (env.c), or with
 * --counters what this machine offers for counting (counters_diag.c). */
#include <stdio.h>
#include <stdlib.h>

#include "cli_util.h"
#include "commands.h"
#include "counters.h"
#include "env.h"
#include "options.h"

typedef struct env_args {
  int counters;
} env_args;

static const mmb_option rows[] = {
    {"counters", 'c', MMB_OPT_FLAG, MMB_OPT_VAR(env_args, counters),
     .help = "instead: the PMU libpfm4 sees, its counters, perf_event_paranoid, the NMI\n"
             "watchdog, which default events open, and what to change when hardware\n"
             "events do not (exit 1 then)"},
    {.name = NULL}};
const mmb_optspec mmb_env_options = {
    .command = "env",
    .usage = "[--counters]",
    .about = "Prints the environment record stored in each results folder's meta.json.\n",
    .rows = rows,
};

int mmb_cmd_env(int argc, char **argv) {
  env_args a = {0};
  int next;
  int rc = mmb_opts_parse(&mmb_env_options, &a, argc, argv, &next, NULL);
  if (rc >= 0) return rc;
  if (next < argc) return mmb_usage_error("env", "takes no arguments");
  if (a.counters) return mmb_counters_diagnose(stdout);
  cJSON *env = mmb_env_capture();
  char *text = cJSON_Print(env);
  printf("%s\n", text);
  free(text);
  cJSON_Delete(env);
  return 0;
}
