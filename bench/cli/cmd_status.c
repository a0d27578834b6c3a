/* mmbench status — which shards of a sharded run are done, running, failed
 * or missing: the rows in DIR/shards/ against the shard list, and what
 * Slurm (squeue, sacct) says about the jobs submitted for it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_util.h"
#include "commands.h"
#include "merge.h"
#include "options.h"
#include "slurm.h"

static const mmb_option rows[] = {{.name = NULL}};
const mmb_optspec mmb_status_options = {
    .command = "status",
    .usage = "DIR",
    .about = "One line per shard of a sharded run: done (every repetition of its cells),\n"
             "running or pending (Slurm says so), failed (its job ended without every\n"
             "repetition: the Slurm state says why), partial (some rows, no job) or missing.\n",
    .after = "Exit status 0 when every shard is done, 1 when not, 2 for bad input.\n",
    .rows = rows,
    .stop_at_argument = 1,
};

int mmb_cmd_status(int argc, char **argv) {
  int next;
  int rc = mmb_opts_parse(&mmb_status_options, NULL, argc, argv, &next, NULL);
  if (rc >= 0) return rc;
  if (next != argc - 1)
    return mmb_usage_error("status", next >= argc
                                         ? "needs the sharded run's folder: mmbench status DIR"
                                         : "takes one folder: mmbench status DIR");
  const char *dir = argv[next];
  char err[2048] = "";
  mmb_merge_opts o = {0};
  mmb_merge_result res;
  rc = mmb_merge(dir, &o, &res, err, sizeof err);
  if (rc != 0) {
    fprintf(stderr, "mmbench status: %s\n", err);
    return rc;
  }
  char(*slurm)[32] = calloc((size_t)res.nshards, sizeof *slurm);
  char(*jobs)[32] = calloc((size_t)res.nshards, sizeof *jobs);
  mmb_slurm_states(dir, res.nshards, slurm, jobs);
  int count[5] = {0};
  static const char *const names[] = {"done", "running", "failed", "partial", "missing"};
  printf("%-6s %-8s %-12s %-10s %s\n", "shard", "state", "cells", "runs", "hosts / slurm");
  for (int k = 1; k <= res.nshards; k++) {
    const mmb_merge_shard *s = &res.shard[k - 1];
    const char *sl = slurm[k - 1];
    int st;
    if (mmb_merge_shard_complete(&res, k))
      st = 0;
    else if (mmb_slurm_active(sl))
      st = 1;
    else if (sl[0])
      st = 2;
    else
      st = s->rows ? 3 : 4;
    count[st]++;
    char cells[32], runs[32];
    snprintf(cells, sizeof cells, "%zu/%zu", s->cells_done, s->cells);
    snprintf(runs, sizeof runs, "%zu", s->rows);
    const char *state = st == 1 && strcmp(sl, "PENDING") == 0 ? "pending" : names[st];
    printf("%-6d %-8s %-12s %-10s %s%s%s", k, state, cells, runs, s->hosts[0] ? s->hosts : "-",
           sl[0] ? "  " : "", sl);
    if (st >= 2 && jobs[k - 1][0])
      printf("  (log: %s/slurm/shard-%d-job%s.out)", dir, k, jobs[k - 1]);
    printf("\n");
  }
  printf("%d shards: %d done, %d running or pending, %d failed, %d partial, %d missing; %zu of %zu "
         "cells complete\n",
         res.nshards, count[0], count[1], count[2], count[3], count[4], res.cells_done, res.cells);
  if (count[0] < res.nshards && count[1] == 0)
    printf("rerun what is missing: mmbench run --resume %s --slurm   (or --shard K/N by hand)\n",
           dir);
  free(slurm);
  free(jobs);
  rc = count[0] == res.nshards ? 0 : 1;
  mmb_merge_result_free(&res);
  return rc;
}
