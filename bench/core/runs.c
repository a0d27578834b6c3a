/* mmbench — the one runs.csv / summary.csv reader (see runs.h). */
#include "runs.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "stats.h"

/* The columns named in need, or -EINVAL with err naming the first missing. */
static int need_columns(const mmb_table *t, const char *const *need, const char *what,
                        const char *hint, char *err, size_t errlen) {
  for (int i = 0; need[i]; i++)
    if (mmb_table_col(t, need[i]) < 0) {
      snprintf(err, errlen, "%s has no column '%s' (%s)", what, need[i], hint);
      return -EINVAL;
    }
  return 0;
}

/* The cell of row r keyed by the four columns of c (threads a number >= 0). */
static long key_cell(mmb_cellmap *m, const mmb_table *t, size_t r, const int c[4], const char *what,
                     char *err, size_t errlen) {
  double th;
  if (mmb_table_num(t, r, c[3], &th) != 1 || th < 0 || th != (int)th) {
    snprintf(err, errlen, "%s line %zu: threads '%s' is not a number", what, mmb_table_line(t, r),
             mmb_table_get(t, r, c[3]));
    return -EINVAL;
  }
  long k = mmb_cellmap_intern(m, mmb_table_get(t, r, c[0]), mmb_table_get(t, r, c[1]),
                              mmb_table_get(t, r, c[2]), (int)th);
  if (k < 0) snprintf(err, errlen, "out of memory reading %s", what);
  return k;
}

/* ---------------------------------------------------------------------------
 * runs.csv
 * ------------------------------------------------------------------------- */
int mmb_runs_read(const char *path, mmb_runs *r, char *err, size_t errlen) {
  memset(r, 0, sizeof *r);
  mmb_table *t;
  int rc = mmb_table_read(path, &t, err, errlen);
  if (rc != 0) return rc;
  return mmb_runs_from_table(t, path, r, err, errlen);
}

int mmb_runs_from_table(mmb_table *t, const char *what, mmb_runs *r, char *err, size_t errlen) {
  static const char *const need[] = {"workload", "params", "allocator", "threads", "status", NULL};
  memset(r, 0, sizeof *r);
  r->table = t;
  int rc = need_columns(t, need, what,
                        "a runs.csv starts with workload, params, allocator, threads, rep, "
                        "status, reason, ...",
                        err, errlen);
  if (rc != 0) goto fail;
  int key[4] = {mmb_table_col(t, "workload"), mmb_table_col(t, "params"),
                mmb_table_col(t, "allocator"), mmb_table_col(t, "threads")};
  r->col_workload = key[0], r->col_params = key[1], r->col_allocator = key[2];
  r->col_threads = key[3];
  r->col_rep = mmb_table_col(t, "rep");
  r->col_status = mmb_table_col(t, "status");
  r->col_reason = mmb_table_col(t, "reason");
  r->nrows = mmb_table_rows(t);
  r->rows = calloc(r->nrows + 1, sizeof *r->rows);
  if (!r->rows) {
    snprintf(err, errlen, "out of memory reading %s", what);
    rc = -ENOMEM;
    goto fail;
  }
  for (size_t i = 0; i < r->nrows; i++) {
    mmb_run_row *row = &r->rows[i];
    long k = key_cell(&r->cells, t, i, key, what, err, errlen);
    if (k < 0) {
      rc = (int)k;
      goto fail;
    }
    row->cell = (size_t)k;
    double rep;
    row->rep =
        mmb_table_num(t, i, r->col_rep, &rep) == 1 && rep >= 0 && rep == (int)rep ? (int)rep : -1;
    row->status = mmb_status_of(mmb_table_get(t, i, r->col_status));
    row->reason = mmb_table_get(t, i, r->col_reason);
  }
  return 0;
fail:
  mmb_runs_free(r);
  return rc;
}

void mmb_runs_free(mmb_runs *r) {
  mmb_table_free(r->table);
  mmb_cellmap_free(&r->cells);
  free(r->rows);
  memset(r, 0, sizeof *r);
}

int mmb_runs_col(const mmb_runs *r, const char *name) { return mmb_table_col(r->table, name); }

typedef struct rowctx {
  const mmb_runs *r;
  size_t row;
} rowctx;

static double row_value(const char *col, void *p) {
  const rowctx *x = p;
  return mmb_table_numv(x->r->table, x->row, mmb_table_col(x->r->table, col));
}

double mmb_runs_value(const mmb_runs *r, size_t row, const char *metric) {
  const mmb_metric *m = mmb_metric_find(metric);
  if (m && (m->flags & MMB_COL_DERIVED)) {
    rowctx x = {r, row};
    return mmb_metric_derive(metric, row_value, &x);
  }
  return mmb_table_numv(r->table, row, mmb_table_col(r->table, metric));
}

mmb_status mmb_runs_cell_status(const mmb_runs *r, size_t cell) {
  mmb_status st = MMB_ST_OK;
  for (size_t i = 0; i < r->nrows; i++)
    if (r->rows[i].cell == cell) st = mmb_status_merge(st, r->rows[i].status);
  return st;
}

/* ---------------------------------------------------------------------------
 * summary.csv
 * ------------------------------------------------------------------------- */
int mmb_sumrows_read(const char *path, mmb_sumrows *s, char *err, size_t errlen) {
  memset(s, 0, sizeof *s);
  mmb_table *t;
  int rc = mmb_table_read(path, &t, err, errlen);
  if (rc != 0) return rc;
  return mmb_sumrows_from_table(t, path, s, err, errlen);
}

int mmb_sumrows_from_table(mmb_table *t, const char *what, mmb_sumrows *s, char *err,
                           size_t errlen) {
  static const char *const need[] = {"workload", "params", "allocator", "threads",
                                     "metric",   "median", NULL};
  memset(s, 0, sizeof *s);
  s->table = t;
  int rc = need_columns(t, need, what,
                        "see formats: workload, params, allocator, threads, metric, n, ..., "
                        "median, ...",
                        err, errlen);
  if (rc != 0) goto fail;
  int key[4] = {mmb_table_col(t, "workload"), mmb_table_col(t, "params"),
                mmb_table_col(t, "allocator"), mmb_table_col(t, "threads")};
  int cm = mmb_table_col(t, "metric"), cn = mmb_table_col(t, "n"), cnr = mmb_table_col(t, "n_runs"),
      cst = mmb_table_col(t, "status"), cnoisy = mmb_table_col(t, "noisy"),
      cfl = mmb_table_col(t, "floor_ns_per_op"), clim = mmb_table_col(t, "noisy_limit");
  static const char *const stat_cols[] = {"median", "min",   "max",   "mean",    "stddev",
                                          "cv",     "ci_lo", "ci_hi", "ci_level"};
  int cs[9];
  for (int i = 0; i < 9; i++) cs[i] = mmb_table_col(t, stat_cols[i]);
  s->has_floor = cfl >= 0;
  s->nrows = mmb_table_rows(t);
  s->rows = calloc(s->nrows + 1, sizeof *s->rows);
  if (!s->rows) {
    snprintf(err, errlen, "out of memory reading %s", what);
    rc = -ENOMEM;
    goto fail;
  }
  for (size_t i = 0; i < s->nrows; i++) {
    mmb_sum_row *row = &s->rows[i];
    long k = key_cell(&s->cells, t, i, key, what, err, errlen);
    if (k < 0) {
      rc = (int)k;
      goto fail;
    }
    row->cell = (size_t)k;
    row->metric = mmb_table_get(t, i, cm);
    double x;
    row->n = mmb_table_num(t, i, cn, &x) == 1 ? (int)x : 0;
    row->n_runs = mmb_table_num(t, i, cnr, &x) == 1 ? (int)x : 0;
    row->has_status = mmb_table_get(t, i, cst)[0] != 0;
    row->status = mmb_status_of(mmb_table_get(t, i, cst));
    double *f[9] = {&row->median, &row->min,   &row->max,   &row->mean,    &row->stddev,
                    &row->cv,     &row->ci_lo, &row->ci_hi, &row->ci_level};
    for (int q = 0; q < 9; q++) *f[q] = mmb_table_numv(t, i, cs[q]);
    row->noisy = cnoisy >= 0 ? mmb_table_numv(t, i, cnoisy) == 1 : row->cv > MMB_NOISY_CV;
    row->floor = cfl >= 0 ? mmb_table_numv(t, i, cfl) : NAN;
    row->noisy_limit = clim >= 0 ? mmb_table_numv(t, i, clim) : NAN;
  }
  return 0;
fail:
  mmb_sumrows_free(s);
  return rc;
}

void mmb_sumrows_free(mmb_sumrows *s) {
  mmb_table_free(s->table);
  mmb_cellmap_free(&s->cells);
  free(s->rows);
  memset(s, 0, sizeof *s);
}
