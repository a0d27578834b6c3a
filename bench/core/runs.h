/* mmbench — the one reader of runs.csv and summary.csv: the file read once,
 * its key columns resolved once, every row typed (its cell in a cell map,
 * its status as the enum, its reason) and measured values looked up by
 * metric name (derived metrics such as ops_per_s computed from their
 * inputs). The report, the summary, merge, resume and status read results
 * through it.
 *
 *   mmb_runs r;
 *   if (mmb_runs_read("DIR/runs.csv", &r, err, sizeof err) != 0) -> one-line err
 *   for (size_t i = 0; i < r.nrows; i++) {
 *     const mmb_run_row *row = &r.rows[i];
 *     r.cells.workload[row->cell], ..., row->status, row->reason,
 *     mmb_runs_value(&r, i, MMB_METRIC_TIME)        (NAN: not measured)
 *   }
 *   mmb_runs_free(&r);
 *
 * summary.csv the same way with mmb_sumrows_read: one typed row per cell
 * and metric. */
#ifndef MMB_RUNS_H
#define MMB_RUNS_H

#include <stddef.h>

#include "cellmap.h"
#include "status.h"
#include "table.h"

/* One runs.csv row. */
typedef struct mmb_run_row {
  size_t cell;        /* index into the cell map */
  int rep;            /* the repetition, -1 when absent or not a whole number >= 0 */
  mmb_status status;  /* an empty or unknown word reads as MMB_ST_INVALID */
  const char *reason; /* "" when none (points into the table) */
} mmb_run_row;

typedef struct mmb_runs {
  mmb_table *table;  /* the file (owned): any column not typed here */
  mmb_cellmap cells; /* cell keys in first-seen order */
  mmb_run_row *rows; /* [nrows], in file order */
  size_t nrows;
  int col_workload, col_params, col_allocator, col_threads, col_rep, col_status, col_reason;
} mmb_runs;

/* Read path. 0, or a negative errno with a one-line message in err naming
 * the file and what is wrong: unreadable or malformed CSV, a missing key
 * column (workload, params, allocator, threads, status), a threads field
 * that is not a number >= 0 (with its line). */
int mmb_runs_read(const char *path, mmb_runs *r, char *err, size_t errlen);

/* The same over a parsed table (taken over: freed by mmb_runs_free, also on
 * failure); what names it in messages ("DIR/runs.csv"). */
int mmb_runs_from_table(mmb_table *t, const char *what, mmb_runs *r, char *err, size_t errlen);

void mmb_runs_free(mmb_runs *r); /* a zeroed or freed r is fine */

/* The value of metric on row: the column's number, or the derived metric's
 * value (metrics.h); NAN when the row has no such value. */
double mmb_runs_value(const mmb_runs *r, size_t row, const char *metric);

/* Column index of name (-1 absent), to read many rows of one column. */
int mmb_runs_col(const mmb_runs *r, const char *name);

/* The status of cell from its rows (mmb_status_merge over them in file
 * order); MMB_ST_OK for a cell without rows. */
mmb_status mmb_runs_cell_status(const mmb_runs *r, size_t cell);

/* ---------------------------------------------------------------------------
 * summary.csv
 * ------------------------------------------------------------------------- */
typedef struct mmb_sum_row {
  size_t cell;        /* index into the cell map */
  const char *metric; /* the `metric` value (points into the table) */
  int n, n_runs;      /* ok repetitions summarised, repetitions run (0 when absent) */
  int has_status;     /* the status column has a word on this row */
  mmb_status status;
  double median, min, max, mean, stddev, cv, ci_lo, ci_hi, ci_level; /* NAN when empty */
  int noisy;          /* the noisy column, or cv > MMB_NOISY_CV when it is absent */
  double floor;       /* floor_ns_per_op, NAN when empty or absent */
  double noisy_limit; /* the CV above which the row was flagged; NAN when absent */
} mmb_sum_row;

typedef struct mmb_sumrows {
  mmb_table *table;
  mmb_cellmap cells;
  mmb_sum_row *rows;
  size_t nrows;
  int has_floor; /* the file has a floor_ns_per_op column */
} mmb_sumrows;

/* Read a summary.csv (or its text). 0, or a negative errno with a one-line
 * err: malformed, a missing column (workload, params, allocator, threads,
 * metric, median), threads not a number (with its line). */
int mmb_sumrows_read(const char *path, mmb_sumrows *s, char *err, size_t errlen);
int mmb_sumrows_from_table(mmb_table *t, const char *what, mmb_sumrows *s, char *err,
                           size_t errlen);
void mmb_sumrows_free(mmb_sumrows *s);

#endif
