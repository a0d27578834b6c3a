/* mmbench — `mmbench cell` (internal): one repetition of one cell, run by
 * the runner in a fresh child; the record goes to --fd (cell.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cell.h"
#include "cli_util.h"
#include "commands.h"
#include "options.h"

/* ---------------------------------------------------------------------------
 * `mmbench cell` — internal: the runner's child
 * ------------------------------------------------------------------------- */
typedef struct cell_args {
  const char *workload, *params, *allocator, *counters, *cpus;
  int threads, fd, notify, verify, worker_thread;
  unsigned long long seed;
} cell_args;

/* --seed: any 64-bit seed the runner derived. */
static int set_seed(void *args, const char *arg, char *err, size_t errlen) {
  char *end;
  errno = 0;
  ((cell_args *)args)->seed = strtoull(arg, &end, 10);
  if (end != arg && !*end && !errno) return 0;
  snprintf(err, errlen, "--seed needs a number in 0..%llu, not '%s'", ULLONG_MAX, arg);
  return -1;
}

/* No letters: the runner passes long options, and the letters belong to run. */
static const mmb_option rows[] = {
    {"workload", 0, MMB_OPT_STRING, MMB_OPT_PTR(cell_args, workload), .value = "WORKLOAD",
     .help = "the workload"},
    {"params", 0, MMB_OPT_STRING, MMB_OPT_PTR(cell_args, params), .value = "K=V;K=V",
     .help = "its parameters"},
    {"allocator", 0, MMB_OPT_STRING, MMB_OPT_PTR(cell_args, allocator), .value = "ALLOCATOR",
     .help = "the allocator"},
    {"threads", 0, MMB_OPT_INT, MMB_OPT_VAR(cell_args, threads), INT_MIN, INT_MAX, .value = "N",
     .help = "threads (default 1)"},
    {"seed", 0, MMB_OPT_STRING, .value = "N", .help = "workload seed (default 1)",
     .apply = set_seed},
    {"fd", 0, MMB_OPT_INT, MMB_OPT_VAR(cell_args, fd), INT_MIN, INT_MAX, .value = "FD",
     .help = "where the record goes (default 1)"},
    {"counters", 0, MMB_OPT_STRING, MMB_OPT_PTR(cell_args, counters), .value = "SPEC",
     .help = "counters, as the runner encodes them (default off)"},
    {"notify", 0, MMB_OPT_FLAG, MMB_OPT_VAR(cell_args, notify),
     .help = "write start and end of the timed region to FD"},
    {"cpus", 0, MMB_OPT_STRING, MMB_OPT_PTR(cell_args, cpus), .value = "LIST",
     .help = "worker i runs on the i-th CPU of the comma list"},
    {"verify", 0, MMB_OPT_FLAG, MMB_OPT_VAR(cell_args, verify),
     .help = "the verification repetition (full pattern fill and check of every block)"},
    {"worker-thread", 0, MMB_OPT_FLAG, MMB_OPT_VAR(cell_args, worker_thread),
     .help = "a 1-thread cell works on a thread beside the main one (default: on the main "
             "thread, no other thread alive)"},
    {.name = NULL}};
const mmb_optspec mmb_cell_options = {
    .command = "cell",
    .usage = "--workload W --allocator A [--params k=v;k=v] [--threads N] [--seed N] [--fd FD] "
             "[--verify] [--cpus LIST] [--worker-thread]",
    .about = "Internal: runs one repetition of one cell and writes its record to FD.\n",
    .rows = rows,
    .hidden = 1,
};

int mmb_cmd_cell(int argc, char **argv) {
  cell_args a = {.params = "", .counters = "off", .threads = 1, .fd = 1, .seed = 1};
  int next;
  int rc = mmb_opts_parse(&mmb_cell_options, &a, argc, argv, &next, NULL);
  if (rc >= 0) return rc;
  const char *wname = a.workload, *params = a.params, *aname = a.allocator, *counters = a.counters;
  long long threads = a.threads, fd = a.fd;
  unsigned long long seed = a.seed;
  int want_notify = a.notify, verify = a.verify;
  const char *cpus = a.cpus;
  mmb_cell_spec spec;
  memset(&spec, 0, sizeof spec);
  char err[512];
  if (!wname || !aname) return mmb_usage_error("cell", "needs --workload and --allocator");
  spec.workload = mmb_workload_find(wname);
  if (!spec.workload) return mmb_usage_error("cell", "unknown workload");
  if (spec.workload->program)
    return mmb_usage_error("cell", "a program is run by `mmbench run -w NAME`, not inside a cell");
  spec.alloc = mmb_allocator_resolve(aname, err, sizeof err);
  if (!spec.alloc) return mmb_usage_error("cell", err);
  mmb_pvals_defaults(spec.workload, &spec.params);
  if (mmb_params_parse(spec.workload, params, &spec.params, err, sizeof err) != 0)
    return mmb_usage_error("cell", err);
  if (mmb_counters_from_arg(&spec.counters, counters) != 0)
    return mmb_usage_error("cell", "bad --counters");
  spec.threads = (int)threads;
  spec.seed = (uint64_t)seed;
  spec.notify_fd = want_notify ? (int)fd : -1;
  spec.verify = verify;
  spec.cpus = cpus;
  spec.worker_thread = a.worker_thread;

  mmb_record rec;
  mmb_cell_execute(&spec, &rec);
  char line[8192];
  mmb_record_encode(&rec, line, sizeof line);
  size_t len = strlen(line);
  line[len++] = '\n';
  size_t off = 0;
  while (off < len) {
    ssize_t n = write((int)fd, line + off, len - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return 3;
    }
    off += (size_t)n;
  }
  mmb_pvals_free(spec.workload, &spec.params);
  return 0;
}
