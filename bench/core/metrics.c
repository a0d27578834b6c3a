/* mmbench — the table of result columns and metrics (see metrics.h): the
 * harness's own rows, then one row per figure a workload declares in its
 * descriptor (workload.h mmb_figure). The order of the MMB_COL_RUNS rows is
 * the order of runs.csv's columns. */
#include "metrics.h"

#include <math.h>
#include <pthread.h>
#include <string.h>

#include "workload.h"

#define KEY (MMB_COL_KEY | MMB_COL_RUNS)
#define RUN MMB_COL_RUNS
#define MEAS (MMB_COL_RUNS | MMB_COL_MEASURE)

/* name, unit, label, better, flags, summary position */
static const mmb_metric own[] = {
    {"workload", "", "workload", 0, KEY, 0},
    {"params", "", "parameters", 0, KEY, 0},
    {"allocator", "", "allocator", 0, KEY, 0},
    {"threads", "", "threads", 0, KEY, 0},
    {"rep", "", "repetition", 0, RUN, 0},
    {"status", "", "status", 0, RUN, 0},
    {"reason", "", "reason", 0, RUN, 0},
    {"wall_ns", "ns", "wall time of the measured region", -1, MEAS, 3},
    {"cpu_ns", "ns", "CPU time of the measured region", -1, MEAS, 0},
    {"ops", "", "operations", 0, MEAS, 0},
    {MMB_METRIC_TIME, "ns", "time per operation", -1, MEAS, 1},
    {MMB_METRIC_PEAK_RSS, "kB", "peak RSS", -1, MEAS, 4},
    {"minflt", "", "minor page faults", -1, MEAS, 0},
    {"majflt", "", "major page faults", -1, MEAS, 0},
    {"nvcsw", "", "voluntary context switches", -1, MEAS, 0},
    {"nivcsw", "", "involuntary context switches", -1, MEAS, 0},
    {"live_bytes", "B", "bytes kept live", 0, MEAS, 0},
    {"final_rss_kb", "kB", "RSS at the end of the region", -1, MEAS, 6},
    {MMB_METRIC_RSS_LIVE, "x", "region RSS growth ÷ live bytes", -1, MEAS, 5},
    {"checksum", "", "checksum", 0, RUN, 0},
    {"reclaimed", "", "objects reclaimed", 0, MEAS, 0},
    {MMB_METRIC_BASE_RSS, "kB", "RSS at the start of the region", 0, MEAS, 7},
    {"cgroup_peak_kb", "kB", "peak of the cell's memory cgroup in the region", -1, MEAS, 8},
    {"cpu_other_ns", "ns", "CPU time of threads other than the workers", 0, MEAS, 0},
    {"oversubscribed", "", "more threads than CPUs", 0, RUN, 0},
    {"place", "", "worker placement: none, compact or spread", 0, RUN, 0},
    /* Here come the figures workloads report about their own run (their
     * descriptors' figures[], see figure_rows): the last fixed columns. */
    /* Derived: not in runs.csv. */
    {MMB_METRIC_THROUGHPUT, "op/s", "throughput", +1, MMB_COL_MEASURE | MMB_COL_DERIVED, 2},
    /* Known names that are not fixed runs.csv columns (yet): the harness's
     * floor. */
    {MMB_METRIC_FLOOR, "ns", "harness floor per operation", -1, MMB_COL_MEASURE, 0},
    /* Counter metrics the counter layer computes, for their units. */
    {"ipc", "", "instructions per cycle", +1, MMB_COL_MEASURE, 0},
    {"counters_running_frac", "", "share of the region the counters ran", 0, 0, 0},
    /* Programs: 1 when the preloaded library was seen mapped in the program. */
    {"injected", "", "the preloaded library was mapped in the program", 0, 0, 0},
    {NULL, NULL, NULL, 0, 0, 0},
};

#define NOWN (sizeof own / sizeof own[0] - 1)

/* The figures the workloads declare, as rows (built once). */
#define MAX_FIGURES 32
static mmb_metric fig_rows[MAX_FIGURES];
static int nfig_rows;
static pthread_once_t fig_once = PTHREAD_ONCE_INIT;

static void fig_build(void) {
  const mmb_figure *f;
  for (int i = 0; (f = mmb_figure_at(i)) && nfig_rows < MAX_FIGURES; i++)
    fig_rows[nfig_rows++] = (mmb_metric){f->name, f->unit, f->help, f->better, MEAS, 0};
}

const mmb_metric *mmb_metric_at(int i) {
  if (i < 0) return NULL;
  if ((size_t)i < NOWN) return &own[i];
  pthread_once(&fig_once, fig_build);
  i -= (int)NOWN;
  return i < nfig_rows ? &fig_rows[i] : NULL;
}

const mmb_metric *mmb_metric_find(const char *name) {
  const mmb_metric *m;
  for (int i = 0; (m = mmb_metric_at(i)); i++)
    if (strcmp(m->name, name) == 0) return m;
  return NULL;
}

int mmb_metric_run_columns(const char **cols, int max) {
  int n = 0;
  const mmb_metric *m;
  for (int i = 0; (m = mmb_metric_at(i)) && n < max; i++)
    if (m->flags & MMB_COL_RUNS) cols[n++] = m->name;
  return n;
}

int mmb_metric_summary_list(const char **names, int max) {
  int n = 0;
  for (int pos = 1;; pos++) {
    const mmb_metric *hit = NULL;
    for (const mmb_metric *m = own; m->name; m++)
      if (m->summary == pos) hit = m;
    if (!hit || n >= max) return n;
    names[n++] = hit->name;
  }
}

int mmb_metric_is_summarised(const char *name) {
  const mmb_metric *m = mmb_metric_find(name);
  if (!m) return 1; /* a counter column */
  if (m->summary) return 1;
  return !(m->flags & MMB_COL_RUNS) && (m->flags & MMB_COL_MEASURE);
}

const char *mmb_metric_unit(const char *name) {
  const mmb_metric *m = mmb_metric_find(name);
  if (m) return m->unit;
  size_t n = strlen(name);
  if (strncmp(name, "lat_", 4) == 0 && n > 3 && strcmp(name + n - 3, "_ns") == 0) return "ns";
  return "";
}

const char *mmb_metric_label(const char *name) {
  const mmb_metric *m = mmb_metric_find(name);
  return m ? m->label : name;
}

double mmb_metric_derive(const char *name, double (*get)(const char *col, void *ctx), void *ctx) {
  if (strcmp(name, MMB_METRIC_THROUGHPUT) == 0) {
    double ops = get("ops", ctx), wall = get("wall_ns", ctx);
    return wall > 0 && !isnan(ops) ? ops / wall * 1e9 : NAN;
  }
  return NAN;
}

int mmb_metric_is_timing(const char *name) {
  static const char *const clocks[] = {"task-clock", "cycles", "cycles_per_op", NULL};
  const mmb_metric *m = mmb_metric_find(name);
  if (m) return strcmp(m->unit, "ns") == 0 || strcmp(m->unit, "op/s") == 0;
  for (int i = 0; clocks[i]; i++)
    if (strcmp(name, clocks[i]) == 0) return 1;
  return strncmp(name, "lat_", 4) == 0;
}
