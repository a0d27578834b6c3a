/* mmbench — the one table of result columns and metrics: every fixed
 * runs.csv column in order (the figures workloads declare in their
 * descriptors last), the derived metrics, which of them summary.csv
 * summarises, their units, labels and which direction is better. The
 * runner, results.c, the report, compare and recipes look names up here
 * instead of spelling them again. Counter columns (cycles, ipc, sim_*,
 * lat_*_ns, ...) are not listed: the counter layer names them at run time,
 * and mmb_metric_unit / mmb_metric_label fall back sensibly for them. */
#ifndef MMB_METRICS_H
#define MMB_METRICS_H

#include <stddef.h>

/* The names the harness itself reasons about (the headline time, memory
 * and throughput figures, the floor): use these, not the strings. */
#define MMB_METRIC_TIME "ns_per_op"
#define MMB_METRIC_THROUGHPUT "ops_per_s"
#define MMB_METRIC_PEAK_RSS "peak_rss_kb"
#define MMB_METRIC_RSS_LIVE "rss_per_live"
#define MMB_METRIC_FLOOR "floor_ns_per_op"
#define MMB_METRIC_BASE_RSS "base_rss_kb"

/* What a column is. */
enum {
  MMB_COL_KEY = 1u << 0,     /* identifies a cell: workload, params, allocator, threads */
  MMB_COL_RUNS = 1u << 1,    /* a fixed runs.csv column (in table order) */
  MMB_COL_MEASURE = 1u << 2, /* a measurement (not an identity or bookkeeping field) */
  MMB_COL_DERIVED = 1u << 3, /* computed from other columns (see mmb_metric_row) */
};

typedef struct mmb_metric {
  const char *name;  /* the column / summary.csv `metric` value */
  const char *unit;  /* "ns", "op/s", "kB", "B", "x" (a ratio), "" (a count or text) */
  const char *label; /* for people: "time per operation" */
  int better;        /* -1 lower is better, +1 higher is better, 0 neither */
  unsigned flags;    /* MMB_COL_* */
  int summary;       /* position among the summary.csv metrics (1, 2, ...), 0 = not summarised */
} mmb_metric;

/* The i-th row of the table, or NULL past the end: the harness's own rows,
 * then one per figure the workloads declare (workload.h mmb_figure: a
 * fixed runs.csv column, measured, not summarised). */
const mmb_metric *mmb_metric_at(int i);

/* The entry of name, or NULL (a counter column or an unknown name). */
const mmb_metric *mmb_metric_find(const char *name);

/* The fixed runs.csv columns, in order, into cols (at most max); returns
 * how many. */
int mmb_metric_run_columns(const char **cols, int max);

/* The metrics summary.csv always summarises, in order (ns_per_op first);
 * returns how many. Counter columns follow them in summary.csv. */
int mmb_metric_summary_list(const char **names, int max);

/* 1 when name is a measurement summary.csv summarises: a listed summary
 * metric or a column that is not fixed (a counter). */
int mmb_metric_is_summarised(const char *name);

/* Unit of any metric name: the table's, "ns" for lat_*_ns, else "". */
const char *mmb_metric_unit(const char *name);

/* Label of any metric name: the table's, else the name itself. */
const char *mmb_metric_label(const char *name);

/* The value of a derived metric from its inputs (ops_per_s = ops / wall_ns
 * * 1e9); get(name, ctx) returns an input column's value or NAN. NAN when
 * name is not derived or an input is missing. */
double mmb_metric_derive(const char *name, double (*get)(const char *col, void *ctx), void *ctx);

/* 1 when name is measured with a clock (its unit is ns or op/s, or it is a
 * cycle or task-clock counter): such figures drift between runs. */
int mmb_metric_is_timing(const char *name);

#endif
