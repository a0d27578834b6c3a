/* mmbench — command-line entry: dispatch to a subcommand. */
#include <stdio.h>
#include <string.h>

#include "cli_util.h"
#include "commands.h"
#include "mmb_config.h"

typedef struct subcommand {
  const char *name;
  int (*fn)(int, char **);
  const char *help; /* NULL = internal, not listed */
} subcommand;

static const subcommand commands[] = {
    {"run", mmb_cmd_run, "run a matrix of workloads x allocators x threads into a results folder"},
    {"list", mmb_cmd_list, "list workloads (with parameters), allocators, presets"},
    {"env", mmb_cmd_env, "print the environment record (as stored in meta.json)"},
    {"check-allocator", mmb_cmd_check, "conformance table of allocators (C11/POSIX malloc API)"},
    {"report", mmb_cmd_report, "plots and report.html for a results folder"},
    {"compare", mmb_cmd_compare, "compare two results folders cell by cell"},
    {"reproduce", mmb_cmd_reproduce,
     "re-run published claims (recipes) and judge them PASS / FAIL / INCONCLUSIVE"},
    {"merge", mmb_cmd_merge,
     "merge the shards of a sharded run (run --shard / --slurm) into one folder"},
    {"status", mmb_cmd_status,
     "which shards of a sharded run are done, running, failed or missing"},
    {"trace", mmb_cmd_trace,
     "record a program's allocator calls (trace record), describe a trace (trace info),\n"
     "                   model it (trace model)"},
    {"cell", mmb_cmd_cell, NULL},
    {"probe", mmb_cmd_probe, NULL},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

/* "run, list, …": the listed commands, from the one table. */
static void valid_list(FILE *out) {
  const char *sep = "";
  for (size_t i = 0; i < NCOMMANDS; i++)
    if (commands[i].help) fprintf(out, "%s%s", sep, commands[i].name), sep = ", ";
}

static void usage(FILE *out) {
  fprintf(out,
          "usage: mmbench COMMAND [OPTIONS]   (mmbench COMMAND --help for each)\n\n"
          "mmbench %s: memory-allocator benchmarks\n\ncommands:\n",
          MMB_VERSION);
  for (size_t i = 0; i < NCOMMANDS; i++)
    if (commands[i].help) fprintf(out, "  %-16s %s\n", commands[i].name, commands[i].help);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "mmbench: missing command (valid: ");
    valid_list(stderr);
    fprintf(stderr, "; see: mmbench --help)\n");
    return MMB_EXIT_USAGE;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
      strcmp(argv[1], "help") == 0) {
    usage(stdout);
    return 0;
  }
  if (strcmp(argv[1], "--version") == 0) {
    printf("mmbench %s\n", MMB_VERSION);
    return 0;
  }
  for (size_t i = 0; i < NCOMMANDS; i++)
    if (strcmp(argv[1], commands[i].name) == 0) return commands[i].fn(argc - 1, argv + 1);
  const char *best = NULL;
  int bestd = 99;
  for (size_t i = 0; i < NCOMMANDS; i++) {
    int d = mmb_edit_distance(argv[1], commands[i].name);
    if (commands[i].help && d < bestd) bestd = d, best = commands[i].name;
  }
  if (best && bestd <= 2)
    fprintf(stderr, "mmbench: unknown command '%s' (did you mean '%s'? see: mmbench --help)\n",
            argv[1], best);
  else {
    fprintf(stderr, "mmbench: unknown command '%s' (valid: ", argv[1]);
    valid_list(stderr);
    fprintf(stderr, ")\n");
  }
  return MMB_EXIT_USAGE;
}
