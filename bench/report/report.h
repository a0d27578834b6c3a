/* mmbench — shared internals of `mmbench report` and `mmbench compare`:
 * the results-folder model (report_model.c), figure styles and formatting
 * (report_style.c), running gnuplot (report_gnuplot.c), the figures
 * (report_figures.c, report_bars.c, report_lines.c; report_fig.h), the HTML page (report_html.c)
 * and the text summary (report_text.c). Not a public API: only bench/report*.c and cmd_compare.c
 * use it. */
#ifndef MMB_REPORT_H
#define MMB_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "runs.h"
#include "status.h"
#include "table.h"

struct cJSON;

/* ---------------------------------------------------------------------------
 * The results folder (report_model.c)
 * ------------------------------------------------------------------------- */
typedef struct mmb_rstat {
  int have;      /* a median exists */
  int n, n_runs; /* ok repetitions summarised, repetitions run */
  double median, min, max, mean, stddev, cv, ci_lo, ci_hi;
  double ci_level; /* real coverage of [ci_lo, ci_hi] (0..1), NAN when not recorded */
  int noisy;       /* cv > MMB_NOISY_CV */
} mmb_rstat;

typedef struct mmb_rcell {
  char *workload, *params, *allocator; /* owned */
  int threads;
  int wl, alloc;     /* index into model works[] / allocs[] */
  int pidx;          /* first-seen index of params within its workload */
  mmb_status status; /* ok, or the failing status (mmb_status_merge of its rows) */
  char *reason;      /* owned; "" when none */
  int n, n_runs;
  mmb_rstat *stat; /* [model nmetrics] */
  size_t *rows;    /* runs.csv rows of this cell */
  size_t nrows;
  size_t *trows; /* timeline.csv rows of this cell (rep 0) */
  size_t ntrows;
} mmb_rcell;

typedef struct mmb_rwork {
  char *name;               /* owned */
  const char *family;       /* from the workload registry, or "other" */
  int order;                /* registry position (unknown ones after) */
  int throughput;           /* the descriptor's MMB_WF_THROUGHPUT: bars show ops/s */
  int scaling;              /* the descriptor's MMB_WF_SCALING: swept over threads */
  const char *growth_param; /* the descriptor's heap-growth parameter, or NULL */
  size_t *cells;            /* indices into model cells[], in display order */
  size_t ncells;
  char **vary; /* parameter keys whose value differs between cells */
  int nvary;
  int threads_vary; /* more than one thread count */
} mmb_rwork;

typedef struct mmb_rmodel {
  char *dir;                            /* the results folder as given */
  mmb_runs loaded;                      /* runs.csv, typed (core/runs.h) */
  mmb_sumrows sum;                      /* summary.csv, typed */
  mmb_table *runs, *summary, *timeline; /* loaded.table, sum.table (may be NULL), timeline */
  struct cJSON *meta;                   /* NULL when meta.json is absent or unreadable */
  char **metrics;                       /* metric names (summary.csv `metric` values) */
  size_t nmetrics;
  mmb_rcell *cells; /* sorted: workload, params, threads, allocator */
  size_t ncells;
  char **allocs; /* allocator names: plan order, then first seen */
  size_t nallocs;
  mmb_rwork *works; /* sorted by family (registry order), then name */
  size_t nworks;
  int summary_computed;  /* summary.csv absent: computed from runs.csv */
  int dropped_tail;      /* runs.csv ended with a cut-short row */
  char caption[512];     /* "host · CPU · date" for figure captions */
  char warnings[4][256]; /* problems found while loading (shown in HTML) */
  int nwarnings;
} mmb_rmodel;

/* Load DIR. 0, or -1 with a one-line message in err (missing folder, no
 * runs.csv, unreadable or malformed files). */
int mmb_rep_load(const char *dir, mmb_rmodel *m, char *err, size_t errlen);
void mmb_rep_free(mmb_rmodel *m);

/* The cell with this key, or NULL. */
const mmb_rcell *mmb_rep_find(const mmb_rmodel *m, const char *workload, const char *params,
                              const char *allocator, int threads);

/* The harness floor at c's point: the median ns/op of the `floor`
 * allocator's cell with the same workload, params and threads (summary.csv's
 * floor_ns_per_op), or NAN when there is none. */
double mmb_rep_floor(const mmb_rmodel *m, const mmb_rcell *c);

/* Index of metric name, or -1. */
int mmb_rep_metric(const mmb_rmodel *m, const char *name);
/* The statistics of metric name for cell c, or NULL when not measured. */
const mmb_rstat *mmb_rep_stat(const mmb_rmodel *m, const mmb_rcell *c, const char *name);

/* Value of key in canonical params "k=v;k=v" into buf; 1 found, else 0. */
int mmb_rep_param(const char *params, const char *key, char *buf, size_t len);
/* Short label of a cell within its workload: the varying parameters and the
 * thread count when it varies ("size=64 t=2"), or "default". */
void mmb_rep_cell_label(const mmb_rmodel *m, const mmb_rcell *c, int with_threads, char *buf,
                        size_t len);
/* Text of a JSON string/number at a dotted path ("host.cpu_model"), or NULL. */
const char *mmb_rep_meta_str(const struct cJSON *meta, const char *path, char *buf, size_t len);

/* ---------------------------------------------------------------------------
 * The overview (report_overview.c): every cell against its workload's
 * baseline (glibc, else manual, else the first allocator measured), the
 * best allocator per family, and what went wrong, for the top of
 * report.html and the terminal summary.
 * ------------------------------------------------------------------------- */
/* A peak-RSS difference smaller than either of these is too small to
 * matter and is never coloured or called different: two idle runs of the
 * same matrix here differ by up to 2 % on the same cell (ratios 1.00 and
 * 1.02), and one more mapping of a malloc's (glibc's 128 KiB mmap
 * threshold, its heap trimming) moves a peak by 128-256 KiB. */
#define MMB_RSS_MIN_REL 0.03
/* A cell whose hardware events ran less than this share of its region
 * (counters_running_frac: multiplexed) is marked: its counts are mostly
 * scaled estimates. */
#define MMB_COUNTERS_MIN_RUNNING 0.5
/* The smallest counters_running_frac over c's repetitions (1 when the
 * column is absent or empty). */
double mmb_rep_counters_running(const mmb_rmodel *m, const mmb_rcell *c);
/* Scaling efficiency of c (speedup over the same allocator's 1-thread
 * cell at the same parameters, divided by the threads), from throughput
 * medians; NAN when c's workload is not a scaling one or a side is missing. */
double mmb_rep_scaling_eff(const mmb_rmodel *m, const mmb_rcell *c);
#define MMB_RSS_MIN_KB 256.0

typedef struct mmb_rratio {
  int have;      /* a ratio to the baseline cell exists */
  double ratio;  /* median of the cell ÷ median of the baseline cell */
  double lo, hi; /* exact distribution-free interval of the ratio (stats/shift.h) */
  double level;  /* its exact coverage (0..1); 0 with one repetition a side */
  int na, nb;    /* repetitions of the cell and of the baseline cell */
  int callable;  /* at least MMB_MIN_REPS_CALL repetitions a side */
  int too_small; /* peak RSS: the difference is below MMB_RSS_MIN_REL / _KB */
  int differs;   /* callable, the interval excludes 1, and not too_small */
} mmb_rratio;

/* A cell's time over the floor: the same loop under a minimal allocator
 * (`floor`), so ns/op - floor is what this allocator costs beyond the
 * cheapest one, with its exact interval (a shift of the two samples). */
typedef struct mmb_rexcess {
  int have;         /* the point has a floor cell with values */
  double floor;     /* median ns/op of the floor cell */
  double excess;    /* Hodges–Lehmann estimate of ns/op - floor */
  double lo, hi;    /* its interval */
  double level;     /* its exact coverage */
  double floor_pct; /* floor ÷ this cell's median, in % (may exceed 100) */
} mmb_rexcess;

typedef struct mmb_rcmp {
  int base;          /* model cell index of the baseline cell, or -1 */
  mmb_rratio time;   /* ns per operation (throughput workloads: its inverse) */
  mmb_rratio rss;    /* peak RSS */
  mmb_rexcess extra; /* ns/op over the floor */
  int oversub;       /* more threads than the machine's CPUs */
} mmb_rcmp;

typedef struct mmb_rbest {
  int alloc;            /* model allocator index, or -1 (none comparable) */
  double ratio, lo, hi; /* median of its ratios over the common cells and its interval */
  double level;         /* exact coverage of [lo, hi] (order statistics over the cells);
                           NAN below two cells */
  int ncells;           /* common cells: those every ranked allocator ran */
  int ngroups;          /* the family's cells with a baseline value */
  int nranked;          /* allocators ranked over them */
  int callable;         /* every ratio used had MMB_MIN_REPS_CALL repetitions a side */
} mmb_rbest;

typedef struct mmb_rfamily {
  const char *name;
  int base;    /* baseline allocator (model index), -1 none */
  int ngroups; /* parameter points x thread counts with a baseline value */
  int cells, ok, noisy, failed, skipped;
  mmb_rbest fastest, leanest;
} mmb_rfamily;

typedef struct mmb_roverview {
  mmb_rcmp *cmp;     /* [m->ncells] */
  mmb_rfamily *fams; /* in model order */
  size_t nfams;
  int cells, ok, noisy, failed, skipped; /* over the whole run */
  int nmeasured_allocs;                  /* allocators with at least one ok cell */
  int cpus;                              /* the machine's CPUs (meta.json), 0 unknown */
  int oversub_cells;                     /* cells with more threads than CPUs */
  char oversub_threads[128];             /* "4, 8" */
  char pmu_note[256];                    /* why hardware counters are missing, or "" */
  char bad_allocs[512];                  /* allocators refused by the probe or with corrupt cells */
  double machine_cv;   /* meta.json noise.cv: the machine's own noise, NAN not measured */
  int noise_processes; /* processes it was timed in */
  int most_n;          /* the most ok repetitions of a cell */
  double ratio_level;  /* the heat maps' interval level at most_n a side */
  int uncallable;      /* fewer than MMB_MIN_REPS_CALL repetitions a side everywhere */
} mmb_roverview;

/* Compute the overview of m. Never fails (aborts when out of memory). */
void mmb_rep_overview(const mmb_rmodel *m, mmb_roverview *ov);
void mmb_rep_overview_free(mmb_roverview *ov);

/* ---------------------------------------------------------------------------
 * Styles and formatting (report_style.c)
 * ------------------------------------------------------------------------- */
typedef struct mmb_rstyle {
  char color[8]; /* "#rrggbb", Okabe–Ito palette (grey for the baselines) */
  int pattern;   /* gnuplot fill pattern for bars: 0 = solid */
  int point;     /* gnuplot point type */
} mmb_rstyle;

/* The fixed style of an allocator name: the same in every figure. */
void mmb_rep_style(const char *allocator, mmb_rstyle *st);

/* Value with an SI prefix and unit: 1234 "ns" -> "1.23 µs". */
void mmb_rep_fmt_si(double v, const char *unit, char *buf, size_t len);
/* kB -> "12.3 MiB". */
void mmb_rep_fmt_kb(double kb, char *buf, size_t len);
/* Lower-case file-name-safe slug of text (a-z 0-9 . _ -). */
void mmb_rep_slug(const char *text, char *buf, size_t len);
/* Quote for a gnuplot single-quoted string ('' for '). */
void mmb_rep_gp_quote(const char *text, char *buf, size_t len);
/* Word for a gnuplot word list: whitespace and quotes become '_'. */
void mmb_rep_gp_word(const char *text, char *buf, size_t len);

/* Name of a folder for titles: the last component of its real path, so
 * results/latest (a symlink) shows the run's own name. */
void mmb_rep_basename(const char *dir, char *buf, size_t len);

/* ---------------------------------------------------------------------------
 * gnuplot (report_gnuplot.c)
 * ------------------------------------------------------------------------- */
typedef struct mmb_gnuplot {
  int have;           /* gnuplot found on PATH */
  char path[4096];    /* its path */
  char scripts[4096]; /* directory holding bars.gp & co ("" = not found) */
  char why[4608];     /* why plots cannot be made (empty when they can) */
} mmb_gnuplot;

/* Find gnuplot and the scripts directory (MMB_SCRIPTS_DIR, next to the
 * binary, MMB_SOURCE_DIR/scripts). Fills why when either is missing. */
void mmb_gp_find(mmb_gnuplot *gp);

/* Gnuplot variable assignments for -e, built up one by one. */
typedef struct mmb_gpvars {
  char text[16384];
  size_t len;
} mmb_gpvars;
void mmb_gp_str(mmb_gpvars *v, const char *name, const char *value);
void mmb_gp_num(mmb_gpvars *v, const char *name, double value);
/* A double-quoted string: newlines in value stay line breaks in gnuplot. */
void mmb_gp_text(mmb_gpvars *v, const char *name, const char *value);

/* Run script (a file name in gp->scripts) with vars; stderr goes to log
 * (removed on success). 0 when gnuplot exited 0 and out.svg and out.png
 * exist; -1 otherwise. */
int mmb_gp_run(const mmb_gnuplot *gp, const char *script, const mmb_gpvars *vars, const char *out,
               const char *log);

/* ---------------------------------------------------------------------------
 * Figures (report_figures.c)
 * ------------------------------------------------------------------------- */
typedef struct mmb_rfig {
  char name[160]; /* file stem: plots/<name>.svg and .png */
  char kind[16];  /* time, rss, rsslive, counters, scaling, sweep, timeline, latency, heapsweep */
  char title[256];
  char note[512]; /* shown with the figure ("" none) */
  char data[200]; /* its main data file, relative to DIR */
  int wl;         /* workload index */
  int produced;   /* svg and png written */
} mmb_rfig;

typedef struct mmb_rfigs {
  mmb_rfig *v;
  size_t n, cap;
  int failed;              /* figures gnuplot failed on */
  char counters_note[512]; /* counters that could not be measured, and why */
} mmb_rfigs;

/* Write DIR/plots/data/ and, when gp->have, the SVG/PNG figures.
 * 0, or -1 with err (the plots folder cannot be written). */
int mmb_rep_figures(const mmb_rmodel *m, const mmb_gnuplot *gp, mmb_rfigs *figs, char *err,
                    size_t errlen);
void mmb_rep_figs_free(mmb_rfigs *figs);

/* ---------------------------------------------------------------------------
 * Outputs (report_html.c, report_text.c)
 * ------------------------------------------------------------------------- */
/* Write DIR/report.html (atomically). 0, or -1 with err. */
int mmb_rep_html_write(const mmb_rmodel *m, const mmb_roverview *ov, const mmb_gnuplot *gp,
                       const mmb_rfigs *figs, char *err, size_t errlen);
/* The full plain-text table (mmbench report --text). */
void mmb_rep_text(const mmb_rmodel *m, FILE *out);
/* The one-screen terminal summary: per family the best allocator and its
 * ratio, the counts, the warnings, where the report is. */
void mmb_rep_brief(const mmb_rmodel *m, const mmb_roverview *ov, FILE *out);

/* The overview section of report.html (report_summary.c) and its style. */
void mmb_rep_summary_html(FILE *f, const mmb_rmodel *m, const mmb_roverview *ov,
                          const mmb_gnuplot *gp, const mmb_rfigs *figs);
extern const char mmb_rep_summary_css[];

/* ---------------------------------------------------------------------------
 * compare.html (report_compare.c): the overview of `mmbench compare` first
 * (B/A of every cell, sorted, with intervals; the significant changes after
 * the multiple-comparison correction highlighted), then the detail.
 * ------------------------------------------------------------------------- */
typedef struct mmb_cratio {
  int have;             /* both sides have values */
  int tested;           /* enough repetitions for an interval and a call */
  double ma, mb;        /* medians of A and B */
  double ratio, lo, hi; /* B/A (geometric means) and its interval (compare_judge.h) */
  double p, p_adj;      /* minimum-effect p of the cell, and adjusted over all cells */
  int sig;              /* called (higher or lower) after the correction */
  const char *verdict;  /* higher, lower, same, unsure, too-few, none */
  double sens;          /* the smallest B/A the cell could have called alone */
  int na, nb;           /* repetitions with a value in A and in B */
} mmb_cratio;

typedef struct mmb_ccell {
  const char *label; /* "workload params allocator t=N" */
  const char *workload, *allocator;
  const char *status_a, *status_b;
  mmb_cratio t, r; /* ns per operation, peak RSS */
} mmb_ccell;

/* A note under the comparison (method, counts, drift, repetitions); id
 * names its paragraph on the page ("" for none). */
typedef struct mmb_cnote {
  const char *id;
  char *text;
} mmb_cnote;

typedef struct mmb_cpage {
  const char *caption_a, *caption_b; /* the two runs */
  const char *envdiff;               /* how the environments differ, "" same */
  const char *method;                /* the correction, e.g. "Benjamini-Hochberg" */
  double alpha;                      /* level of the adjusted p-values */
  double threshold;                  /* practical threshold (0.05: 5 %) */
  const char *design;                /* how A and B were run and tested */
  const mmb_cnote *notes;            /* the notes of the text table (method, drift, reps) */
  size_t nnotes;
  int moved_together;        /* most cells moved together (drift note) */
  int drawn_time, drawn_rss; /* compare-time/-rss.svg were drawn */
} mmb_cpage;

/* Write OUTDIR/compare.html. 0, or -1 with err. */
int mmb_cmp_html_write(const char *outdir, const mmb_cpage *pg, const mmb_ccell *c, size_t n,
                       char *err, size_t errlen);

/* Programs beside their replayed traces, when the run has both
 * (report_traces.c): a section of report.html, a block of the summary. */
void mmb_rep_traces_html(FILE *f, const mmb_rmodel *m);
void mmb_rep_traces_text(const mmb_rmodel *m, FILE *out);

/* The least level of its interval at which a family winner is called. */
#define MMB_WIN_LEVEL 0.90

#endif
