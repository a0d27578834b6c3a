/* mmbench merge — the shard folders of a sharded run (DIR/shards/<K>-<host>/)
 * into DIR/runs.csv, summary.csv, meta.json, timeline.csv and the report.
 * Safe to run at any time: it merges what is there and says what is not. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cli_util.h"
#include "commands.h"
#include "merge.h"
#include "merge_hosts.h"
#include "options.h"

typedef struct merge_args {
  int pool, no_report, quiet;
} merge_args;

static const mmb_option rows[] = {
    {"pool", 0, MMB_OPT_FLAG, MMB_OPT_VAR(merge_args, pool),
     .help = "pool repetitions of a cell measured on different hosts when\n"
             "their facts match (CPU, cores, kernel, glibc, allocator\n"
             "versions); without it the summary is per host"},
    {"no-report", 0, MMB_OPT_FLAG, MMB_OPT_VAR(merge_args, no_report),
     .help = "only the result files, no figures"},
    {"quiet", 'q', MMB_OPT_FLAG, MMB_OPT_VAR(merge_args, quiet), .help = "no report text"},
    {.name = NULL}};
const mmb_optspec mmb_merge_options = {
    .command = "merge",
    .usage = "[--pool] [--no-report] [-q] DIR",
    .about = "Merges the shards of DIR (written by run --shard K/N or run --slurm) into DIR:\n"
             "runs.csv with every (cell, repetition) once and host, host_kind columns;\n"
             "summary.csv with one row per cell and machine; meta.json listing every shard\n"
             "and kind of machine; timeline.csv; plots/ and report.html.\n",
    .after = "Refuses (exit 2, nothing written) shards of another plan, a damaged shard row\n"
             "and a repetition found in two folders.\n",
    .rows = rows,
    .stop_at_argument = 1,
};

int mmb_cmd_merge(int argc, char **argv) {
  merge_args a = {0};
  int next;
  int rc = mmb_opts_parse(&mmb_merge_options, &a, argc, argv, &next, NULL);
  if (rc >= 0) return rc;
  mmb_merge_opts o = {.write = 1, .report = !a.no_report, .pool = a.pool, .quiet = a.quiet};
  if (next != argc - 1)
    return mmb_usage_error("merge", next >= argc
                                        ? "needs the sharded run's folder: mmbench merge DIR"
                                        : "takes one folder: mmbench merge DIR");
  const char *dir = argv[next];
  char err[2048] = "";
  mmb_merge_result res;
  rc = mmb_merge(dir, &o, &res, err, sizeof err);
  if (rc != 0) {
    fprintf(stderr, "mmbench merge: %s\n", err);
    return rc;
  }
  int folders = 0;
  for (int k = 0; k < res.nshards; k++) folders += res.shard[k].folders;
  printf("merged %zu rows of %d shard folders into %s/runs.csv (%d kind%s of machine, summary per "
         "%s)\n",
         res.rows, folders, dir, res.host_kinds, res.host_kinds == 1 ? "" : "s",
         o.pool ? "kind" : "host");
  if (res.cells_done < res.cells) {
    char list[512] = "";
    size_t u = 0;
    int shown = 0, missing = 0;
    for (int k = 1; k <= res.nshards; k++) {
      if (mmb_merge_shard_complete(&res, k)) continue;
      missing++;
      if (shown++ < 20 && u < sizeof list)
        u += (size_t)snprintf(list + u, sizeof list - u, "%s%d", u ? "," : "", k);
    }
    printf("incomplete: %zu of %zu cells have every repetition; %zu runs missing in shard%s %s%s "
           "(see: mmbench status %s; rerun them with mmbench run --resume %s --slurm)\n",
           res.cells_done, res.cells, res.rows_missing, missing == 1 ? "" : "s", list,
           shown > 20 ? ",..." : "", dir, dir);
  }
  mmb_merge_result_free(&res);
  if (o.report) {
    /* several machines: a report per machine, and an index */
    static char groups[256][64];
    const char *col = o.pool ? "host_kind" : "host";
    int ng = mmb_merge_split_hosts(dir, col, groups, 256, err, sizeof err);
    if (ng < 0) {
      fprintf(stderr, "mmbench merge: the result files are merged; no per-machine reports: %s\n",
              err);
      return 1;
    }
    if (o.quiet) fflush(stdout);
    if (ng < 2) {
      char *rargv[] = {"report", "--quiet", (char *)dir, NULL};
      rc = mmb_cmd_report(3, rargv);
    }
    for (int g = 0; g < ng && ng >= 2; g++) {
      char sub[PATH_MAX];
      mmb_merge_host_dir(dir, groups[g], sub, sizeof sub);
      char *rargv[] = {"report", "--quiet", sub, NULL};
      int r = mmb_cmd_report(3, rargv);
      if (r > rc) rc = r;
    }
    if (ng >= 2) {
      int r = mmb_merge_host_index(dir, col, groups, ng);
      if (r == 0)
        printf("report: %s/report.html (an index of %d per-machine reports in %s/hosts/)\n", dir,
               ng, dir);
      else
        rc = 1;
    }
    if (rc != 0)
      fprintf(stderr, "mmbench merge: the result files are merged, the report failed (status %d)\n",
              rc);
  }
  return rc;
}
