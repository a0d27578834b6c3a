/* mmbench — `mmbench env`: print the environment record (env.c). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli_util.h"
#include "commands.h"
#include "env.h"

int mmb_cmd_env(int argc, char **argv) {
  static const struct option opts[] = {{"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    if (c == 'h') {
      printf("usage: mmbench env\nPrints the environment record stored in each results folder's "
             "meta.json.\n");
      return 0;
    }
    return mmb_usage_error("env", NULL);
  }
  if (optind < argc) return mmb_usage_error("env", "takes no arguments");
  cJSON *env = mmb_env_capture();
  char *text = cJSON_Print(env);
  printf("%s\n", text);
  free(text);
  cJSON_Delete(env);
  return 0;
}
