/* mmbench — `mmbench cell` (internal): one repetition of one cell, run by
 * the runner in a fresh child; the record goes to --fd (cell.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cell.h"
#include "cli_util.h"
#include "commands.h"

/* ---------------------------------------------------------------------------
 * `mmbench cell` — internal: the runner's child
 * ------------------------------------------------------------------------- */
int mmb_cmd_cell(int argc, char **argv) {
  static const struct option opts[] = {{"workload", required_argument, 0, 'w'},
                                       {"params", required_argument, 0, 'p'},
                                       {"allocator", required_argument, 0, 'a'},
                                       {"threads", required_argument, 0, 't'},
                                       {"seed", required_argument, 0, 's'},
                                       {"fd", required_argument, 0, 'f'},
                                       {"counters", required_argument, 0, 'c'},
                                       {"notify", no_argument, 0, 'n'},
                                       {"verify", no_argument, 0, 'v'},
                                       {"worker-thread", no_argument, 0, 'W'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  const char *wname = NULL, *params = "", *aname = NULL, *counters = "off";
  long long threads = 1, fd = 1;
  unsigned long long seed = 1;
  int want_notify = 0, verify = 0, worker_thread = 0, c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "w:p:a:t:s:f:c:nvh", opts, NULL)) != -1) {
    switch (c) {
    case 'w': wname = optarg; break;
    case 'p': params = optarg; break;
    case 'a': aname = optarg; break;
    case 't':
      if (mmb_parse_int(optarg, &threads))
        return mmb_usage_error("cell", "--threads needs a number");
      break;
    case 's': {
      char *end;
      errno = 0;
      seed = strtoull(optarg, &end, 10);
      if (*end || errno) return mmb_usage_error("cell", "--seed needs a number");
      break;
    }
    case 'f':
      if (mmb_parse_int(optarg, &fd)) return mmb_usage_error("cell", "--fd needs a number");
      break;
    case 'c': counters = optarg; break;
    case 'n': want_notify = 1; break;
    case 'v': verify = 1; break;
    case 'W': worker_thread = 1; break;
    case 'h':
      printf(
          "usage: mmbench cell -w WORKLOAD -a ALLOCATOR [-p k=v;k=v] [-t N] [--seed N] [--fd FD] "
          "[--verify] [--worker-thread]\n"
          "Internal: runs one repetition of one cell and writes its record to FD.\n"
          "--verify: the verification repetition (full pattern fill and check of every block).\n"
          "--worker-thread: a 1-thread cell works on a thread beside the main one (default: on\n"
          "the main thread, no other thread alive).\n");
      return 0;
    default: return mmb_usage_error("cell", NULL);
    }
  }
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
  spec.worker_thread = worker_thread;

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
