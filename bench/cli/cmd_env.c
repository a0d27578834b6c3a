/* mmbench — `mmbench env`: print the environment record (env.c), or with
 * --counters what this machine offers for counting (counters_diag.c). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli_util.h"
#include "commands.h"
#include "counters.h"
#include "env.h"

int mmb_cmd_env(int argc, char **argv) {
  static const struct option opts[] = {
      {"counters", no_argument, 0, 'c'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
  int c, counters = 0;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "ch", opts, NULL)) != -1) {
    if (c == 'h') {
      printf("usage: mmbench env [--counters]\nPrints the environment record stored in each "
             "results folder's meta.json.\n\n"
             "  -c, --counters  instead: the PMU libpfm4 sees, its counters, perf_event_paranoid,\n"
             "                  the NMI watchdog, which default events open, and what to change\n"
             "                  when hardware events do not (exit 1 then)\n");
      return 0;
    }
    if (c == 'c') {
      counters = 1;
      continue;
    }
    char msg[256];
    snprintf(msg, sizeof msg, "unknown option '%s' (valid: --counters, --help)",
             argv[optind - 1]);
    return mmb_usage_error("env", msg);
  }
  if (optind < argc) return mmb_usage_error("env", "takes no arguments");
  if (counters) return mmb_counters_diagnose(stdout);
  cJSON *env = mmb_env_capture();
  char *text = cJSON_Print(env);
  printf("%s\n", text);
  free(text);
  cJSON_Delete(env);
  return 0;
}
