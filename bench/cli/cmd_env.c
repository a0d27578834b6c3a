/* mmbench — `mmbench env`: print the environment record (env.c). */
#include <stdio.h>
#include <stdlib.h>

#include "cli_util.h"
#include "commands.h"
#include "env.h"
#include "options.h"

static const mmb_option rows[] = {{NULL}};
const mmb_optspec mmb_env_options = {
    .command = "env",
    .usage = "",
    .about = "Prints the environment record stored in each results folder's meta.json.\n",
    .rows = rows,
};

int mmb_cmd_env(int argc, char **argv) {
  int next;
  int rc = mmb_opts_parse(&mmb_env_options, NULL, argc, argv, &next, NULL);
  if (rc >= 0) return rc;
  if (next < argc) return mmb_usage_error("env", "takes no arguments");
  cJSON *env = mmb_env_capture();
  char *text = cJSON_Print(env);
  printf("%s\n", text);
  free(text);
  cJSON_Delete(env);
  return 0;
}
