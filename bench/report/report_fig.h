/* mmbench — internals shared by the figure files of `mmbench report`:
 * report_figures.c (helpers and the list of figures a folder calls for),
 * report_bars.c (bars and counter panels) and report_lines.c (scaling,
 * sweeps, timelines, latency, heap-growth trade-off). Not a public API. */
#ifndef MMB_REPORT_FIG_H
#define MMB_REPORT_FIG_H

#include <stdio.h>

#include "report.h"

typedef struct mmb_fctx {
  const mmb_rmodel *m;
  const mmb_gnuplot *gp;
  mmb_rfigs *figs;
  char plots[4096]; /* DIR/plots */
  char data[4096];  /* DIR/plots/data */
} mmb_fctx;

/* A group of bars: one parameter point and thread count of a workload. */
typedef struct mmb_fgroup {
  int pidx, threads;
  char label[200];
} mmb_fgroup;

/* The allocators present in a set of cells, in model order. */
typedef struct mmb_faset {
  int idx[64];
  int n;
} mmb_faset;

enum { FMT_NS, FMT_OPS, FMT_KB, FMT_X, FMT_NUM };

typedef struct mmb_barspec {
  const char *metric; /* summary metric (or sim_X) */
  int normalise;      /* divide by the baseline's median in the same group */
  int fmt;            /* FMT_*: the absolute value written above each bar */
  double scale;       /* plotted value = median * scale (when not normalised) */
} mmb_barspec;

/* ---------------------------------------------------------------------------
 * Helpers (report_figures.c)
 * ------------------------------------------------------------------------- */
/* A value formatted as FMT_* for a gnuplot label (no double quotes). */
void mmb_fig_fmt_value(double v, int fmt, char *buf, size_t len);
/* text with " and \ replaced, for a gnuplot double-quoted string. */
void mmb_fig_gp_label(const char *text, char *buf, size_t len);
/* A new figure of workload wl: unique name from stem, data file named. */
mmb_rfig *mmb_fig_new(mmb_fctx *f, int wl, const char *kind, const char *stem);
/* DIR/plots/data/<name><suffix> opened for writing, or NULL. */
FILE *mmb_fig_data_open(mmb_fctx *f, const char *name, const char *suffix);
void mmb_fig_data_path(mmb_fctx *f, const char *name, const char *suffix, char *buf, size_t len);
/* out, title, caption, width, height. */
void mmb_fig_common_vars(mmb_fctx *f, mmb_gpvars *v, const mmb_rfig *g, int width, int height);
/* names, colors, patterns, points, n of a set of allocators. */
void mmb_fig_series_vars(const mmb_rmodel *m, mmb_gpvars *v, const mmb_faset *as);
/* Run a script for g (when gnuplot is there); marks g produced or counts a failure. */
void mmb_fig_draw(mmb_fctx *f, mmb_rfig *g, const char *script, const mmb_gpvars *v);
/* Add allocator index a to as, keeping model order. */
void mmb_fig_aset_add(mmb_faset *as, int a);
/* The groups of workload w (malloc'd into *out); returns how many. */
int mmb_fig_groups(const mmb_rmodel *m, const mmb_rwork *w, mmb_fgroup **out);
/* The cell of w at (pidx, threads, alloc), or NULL. */
const mmb_rcell *mmb_fig_cell_in(const mmb_rmodel *m, const mmb_rwork *w, int pidx, int threads,
                                 int alloc);
mmb_faset mmb_fig_allocs_of(const mmb_rmodel *m, const mmb_rwork *w);
/* Baseline allocator of w for metric: glibc, else manual, else the first; -1 none. */
int mmb_fig_baseline(const mmb_rmodel *m, const mmb_rwork *w, const char *metric);
/* A metric of a cell (a summary metric, "perop:<column>" or sim_* per op). 1 and *out, or 0. */
int mmb_fig_metric(const mmb_rmodel *m, const mmb_rcell *c, const char *metric, mmb_rstat *out);
/* 1 and *v when s is a finite number. */
int mmb_fig_is_number(const char *s, double *v);
/* 1 when some cell of w has metric. */
int mmb_fig_measured_in(const mmb_rmodel *m, const mmb_rwork *w, const char *metric);

/* ---------------------------------------------------------------------------
 * Figures (report_bars.c, report_lines.c)
 * ------------------------------------------------------------------------- */
/* Bars of one metric per group and allocator; ylabel may hold one %s (the baseline). */
void mmb_fig_bars(mmb_fctx *f, int wl, const char *kind, const mmb_barspec *b, const char *title,
                  const char *ylabel, double refline);
/* Counters per operation, one panel per measured counter. */
void mmb_fig_counters(mmb_fctx *f, int wl);
/* The sentence naming the counters this machine did not measure, and why. */
void mmb_fig_counters_note(const mmb_rmodel *m, char *buf, size_t len);
void mmb_fig_scaling(mmb_fctx *f, int wl);
/* Sweeps of every numeric varying parameter except skip_key (may be NULL). */
void mmb_fig_sweeps(mmb_fctx *f, int wl, const char *skip_key);
void mmb_fig_timelines(mmb_fctx *f, int wl);
void mmb_fig_latency(mmb_fctx *f, int wl);
/* The heap-growth parameter of w when it varies there, else NULL. */
const char *mmb_fig_growth_key(const mmb_rwork *w);
/* Time vs peak RSS over the heap-growth parameter key. */
void mmb_fig_tradeoff(mmb_fctx *f, int wl, const char *key);
/* Across the programs family (report_programs.c): time and peak RSS of each
 * allocator relative to glibc's, one group per program. */
void mmb_fig_programs(mmb_fctx *f);

#endif
