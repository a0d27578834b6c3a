/* mmbench — result files (see results.h). */
#define _GNU_SOURCE
#include "results.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "baseline.h"
#include "files.h"
#include "metrics.h"
#include "noisy.h"
#include "runs.h"
#include "stats.h"
#include "table.h"

void mmb_results_default_dir(char *buf, size_t len, const char *prefix) {
  char stamp[32], host[128];
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  gethostname(host, sizeof host);
  host[sizeof host - 1] = 0;
  snprintf(buf, len, "results/%s%s-%s", prefix, stamp, host);
}

int mmb_write_atomic(const char *dir, const char *name, const char *text) {
  char tmp[4096], path[4096];
  snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, name);
  snprintf(path, sizeof path, "%s/%s", dir, name);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return -errno;
  int rc = mmb_write_all(fd, text, strlen(text));
  if (rc != 0) {
    close(fd);
    unlink(tmp);
    return rc;
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    int e = errno;
    unlink(tmp);
    return -e;
  }
  return rename(tmp, path) == 0 ? 0 : -errno;
}

int mmb_append_line(const char *path, const char *line) {
  int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return -errno;
  int rc = mmb_write_all(fd, line, strlen(line));
  if (rc != 0) {
    close(fd);
    return rc;
  }
  fdatasync(fd);
  return close(fd) == 0 ? 0 : -errno;
}

/* ---------------------------------------------------------------------------
 * summary.csv
 * ------------------------------------------------------------------------- */
typedef struct cellrows {
  size_t *rows; /* runs.csv rows of the cell, in file order */
  size_t n;
  double floor; /* floor_ns_per_op: see floor_medians */
} cellrows;

/* Summary metrics of t: metrics.h's list, then the columns that are not
 * fixed ones (counters). Returns how many. */
static int metric_list(const mmb_table *t, const char **out, int max) {
  int n = mmb_metric_summary_list(out, max);
  for (size_t c = 0; c < mmb_table_cols(t) && n < max; c++) {
    const char *name = mmb_table_name(t, c);
    const mmb_metric *m = mmb_metric_find(name);
    if (m && m->summary) continue; /* listed already */
    if (strcmp(name, "host") == 0 || strcmp(name, "host_kind") == 0)
      continue; /* a merged folder's */
    if (mmb_metric_is_summarised(name)) out[n++] = name;
  }
  return n;
}

static void fmt_num(char *buf, size_t len, double v) {
  if (isnan(v))
    buf[0] = 0;
  else
    snprintf(buf, len, "%.6g", v);
}

typedef struct strbuf {
  char *s;
  size_t len, cap;
  int oom;
} strbuf;

static void sb_add(strbuf *b, const char *text, size_t n) {
  if (b->oom) return;
  if (b->len + n + 1 > b->cap) {
    size_t cap = (b->cap + n + 1) * 2;
    char *s = realloc(b->s, cap);
    if (!s) {
      b->oom = 1;
      return;
    }
    b->s = s;
    b->cap = cap;
  }
  memcpy(b->s + b->len, text, n);
  b->len += n;
  b->s[b->len] = 0;
}

/* The cells of the summary: runs' cells, split by the value of column
 * group (>= 0) when asked; key[] holds the group's cell map. Each row's
 * cell into cellof. 0 or -ENOMEM. */
static int group_cells(const mmb_runs *r, int group, mmb_cellmap *key, size_t *cellof) {
  for (size_t i = 0; i < r->nrows; i++) {
    size_t c = r->rows[i].cell;
    const char *g = group >= 0 ? mmb_table_get(r->table, i, group) : "";
    long k = mmb_cellmap_intern(key, r->cells.workload[c], r->cells.params[c], g,
                                (int)c); /* (cell, group) */
    if (k < 0) return (int)k;
    cellof[i] = (size_t)k;
  }
  return 0;
}

/* floor_ns_per_op of every cell: the median ns/op over the ok repetitions of
 * the floor allocator's cell with the same workload, params, threads and
 * group (the harness floor of that point, measured once for all
 * allocators); NAN if none. */
static void floor_medians(const mmb_runs *r, const mmb_cellmap *key, cellrows *cells, size_t ncells,
                          double *vals) {
  for (size_t c = 0; c < ncells; c++) cells[c].floor = NAN;
  if (mmb_runs_col(r, MMB_METRIC_TIME) < 0) return;
  for (size_t f = 0; f < ncells; f++) {
    size_t fc = r->rows[cells[f].rows[0]].cell;
    if (!mmb_is_floor(r->cells.allocator[fc])) continue;
    size_t nv = 0;
    for (size_t i = 0; i < cells[f].n; i++) {
      size_t row = cells[f].rows[i];
      double v = mmb_runs_value(r, row, MMB_METRIC_TIME);
      if (r->rows[row].status == MMB_ST_OK && !isnan(v)) vals[nv++] = v;
    }
    if (nv == 0) continue;
    mmb_summary s;
    mmb_summarize(vals, nv, &s);
    for (size_t c = 0; c < ncells; c++) {
      size_t cc = r->rows[cells[c].rows[0]].cell;
      if (strcmp(r->cells.workload[cc], r->cells.workload[fc]) == 0 &&
          strcmp(r->cells.params[cc], r->cells.params[fc]) == 0 &&
          r->cells.threads[cc] == r->cells.threads[fc] &&
          strcmp(key->allocator[c], key->allocator[f]) == 0) /* the group */
        cells[c].floor = s.median;
    }
  }
}

char *mmb_summary_csv(const mmb_runs *r, mmb_cell_counts *counts) {
  return mmb_summary_csv_by(r, NULL, counts);
}

char *mmb_summary_csv_by(const mmb_runs *r, const char *group_col, mmb_cell_counts *counts) {
  return mmb_summary_csv_noise(r, group_col, NAN, counts);
}

/* Rows grouped by cell (first-seen order), file order within a cell:
 * each cell's rows point into order. */
static void group_rows(const size_t *cellof, size_t nrows, size_t *order, cellrows *cells,
                       size_t ncells) {
  for (size_t i = 0; i < nrows; i++) cells[cellof[i]].n++;
  for (size_t c = 0, at = 0; c < ncells; at += cells[c].n, c++) cells[c].rows = &order[at];
  for (size_t c = 0; c < ncells; c++) cells[c].n = 0;
  for (size_t i = 0; i < nrows; i++) cells[cellof[i]].rows[cells[cellof[i]].n++] = i;
}

/* What every line of summary.csv needs. */
typedef struct sumctx {
  const mmb_runs *r;
  int group;         /* the grouping column, or -1 */
  int cov;           /* the oversubscribed column, or -1 (runs.csv predates it) */
  double machine_cv; /* the machine's own noise, NaN when unmeasured */
  double *vals;      /* scratch: one metric's values of one cell */
  strbuf *out;
} sumctx;

/* One cell's summary of one metric over its nv values: the cell's key,
 * the metric, counts, status, statistics, noise test, floor, oversubscription.
 * Returns 1 when the values are noisy, 0 when not. */
static int summary_line(const sumctx *x, const cellrows *k, const char *metric, size_t nv,
                        mmb_status status, int over) {
  const mmb_table *t = x->r->table;
  int keycol[4] = {x->r->col_workload, x->r->col_params, x->r->col_allocator, x->r->col_threads};
  mmb_summary s;
  mmb_summarize(x->vals, nv, &s);
  char line[4096], num[64];
  size_t lu = 0;
  for (int q = 0; q < 4; q++)
    mmb_csv_field(line, sizeof line, &lu, mmb_table_get(t, k->rows[0], keycol[q]), q == 0);
  mmb_csv_field(line, sizeof line, &lu, metric, 0);
  snprintf(num, sizeof num, "%zu", nv);
  mmb_csv_field(line, sizeof line, &lu, num, 0);
  snprintf(num, sizeof num, "%zu", k->n);
  mmb_csv_field(line, sizeof line, &lu, num, 0);
  mmb_csv_field(line, sizeof line, &lu, mmb_status_name(status), 0);
  double f[] = {s.median, s.min, s.max, s.mean, s.stddev, s.cv, s.ci_lo, s.ci_hi, s.ci_level};
  for (int q = 0; q < 9; q++) {
    fmt_num(num, sizeof num, f[q]);
    mmb_csv_field(line, sizeof line, &lu, num, 0);
  }
  double limit = mmb_noisy_limit(nv, x->machine_cv);
  int noisy = mmb_noisy_test(x->vals, nv, x->machine_cv);
  mmb_csv_field(line, sizeof line, &lu, noisy ? "1" : "0", 0);
  fmt_num(num, sizeof num, k->floor);
  mmb_csv_field(line, sizeof line, &lu, num, 0);
  mmb_csv_field(line, sizeof line, &lu, x->cov < 0 ? "" : over ? "1" : "0", 0);
  fmt_num(num, sizeof num, limit);
  mmb_csv_field(line, sizeof line, &lu, num, 0);
  if (x->group >= 0)
    mmb_csv_field(line, sizeof line, &lu, mmb_table_get(t, k->rows[0], x->group), 0);
  sb_add(x->out, line, lu);
  sb_add(x->out, "\n", 1);
  return noisy;
}

/* One cell's lines (a line per measured metric; one for a cell that did
 * not run cleanly), counted in *cnt. */
static void summary_cell(const sumctx *x, const cellrows *k, const char *const *metrics, int nm,
                         mmb_cell_counts *cnt) {
  const mmb_runs *r = x->r;
  mmb_status status = MMB_ST_OK;
  for (size_t i = 0; i < k->n; i++) status = mmb_status_merge(status, r->rows[k->rows[i]].status);
  /* oversubscribed: any repetition ran more threads than CPUs; empty
   * when runs.csv predates the column (unknown, not 0) */
  int over = 0;
  for (size_t i = 0; x->cov >= 0 && i < k->n; i++)
    over |= mmb_table_numv(r->table, k->rows[i], x->cov) == 1;
  if (k->n > cnt->most_n) cnt->most_n = k->n;
  cnt->cells++;
  int cell_noisy = 0;
  for (int m = 0; m < nm; m++) {
    size_t nv = 0;
    for (size_t i = 0; i < k->n; i++) {
      if (r->rows[k->rows[i]].status != MMB_ST_OK) continue;
      double v = mmb_runs_value(r, k->rows[i], metrics[m]);
      if (!isnan(v)) x->vals[nv++] = v;
    }
    if (nv == 0 && status == MMB_ST_OK) continue; /* not measured */
    if (nv == 0 && m > 0) continue;               /* a failed cell: one row is enough */
    int noisy = summary_line(x, k, metrics[m], nv, status, over);
    if (m == 0) cell_noisy = noisy;
  }
  if (status == MMB_ST_OK)
    cnt->ok++, cnt->noisy += cell_noisy, cnt->over += over;
  else if (mmb_status_failed(status))
    cnt->failed++;
  else
    cnt->skipped++;
}

/* summary.csv's header line, with the grouping column when there is one. */
static void summary_header(strbuf *out, int group, const char *group_col) {
  static const char header[] =
      "workload,params,allocator,threads,metric,n,n_runs,status,median,"
      "min,max,mean,stddev,cv,ci_lo,ci_hi,ci_level,noisy,floor_ns_per_op,oversubscribed,"
      "noisy_limit\n";
  sb_add(out, header, sizeof header - 2);
  if (group >= 0) sb_add(out, ",", 1), sb_add(out, group_col, strlen(group_col));
  sb_add(out, "\n", 1);
}

char *mmb_summary_csv_noise(const mmb_runs *r, const char *group_col, double machine_cv,
                            mmb_cell_counts *counts) {
  const mmb_table *t = r->table;
  int group = group_col ? mmb_table_col(t, group_col) : -1;
  size_t nrows = r->nrows;
  size_t *cellof = malloc((nrows + 1) * sizeof *cellof);
  size_t *order = malloc((nrows + 1) * sizeof *order);
  cellrows *cells = calloc(nrows + 1, sizeof *cells);
  double *vals = malloc((nrows + 1) * sizeof *vals);
  mmb_cellmap key = {0};
  strbuf out = {0};
  char *text = NULL;
  if (cellof && order && cells && vals && group_cells(r, group, &key, cellof) == 0) {
    group_rows(cellof, nrows, order, cells, key.n);
    floor_medians(r, &key, cells, key.n, vals);
    const char *metrics[128];
    int nm = metric_list(t, metrics, 128);
    summary_header(&out, group, group_col);
    sumctx x = {.r = r,
                .group = group,
                .cov = mmb_table_col(t, "oversubscribed"),
                .machine_cv = machine_cv,
                .vals = vals,
                .out = &out};
    mmb_cell_counts cnt = {.machine_cv = machine_cv};
    for (size_t c = 0; c < key.n; c++) summary_cell(&x, &cells[c], metrics, nm, &cnt);
    if (counts) *counts = cnt;
    if (!out.oom) text = out.s ? out.s : strdup("");
  }
  if (!text) free(out.s);
  free(cellof);
  free(order);
  free(cells);
  free(vals);
  mmb_cellmap_free(&key);
  return text;
}

int mmb_write_summary(const char *dir, int print, char *err, size_t errlen) {
  return mmb_write_summary_by(dir, NULL, print, err, errlen);
}

double mmb_meta_noise_cv(const char *dir) {
  char path[4096];
  snprintf(path, sizeof path, "%s/meta.json", dir);
  char *text = mmb_read_file(path, NULL);
  if (!text) return NAN;
  cJSON *m = cJSON_Parse(text);
  free(text);
  const cJSON *cv =
      cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(m, "noise"), "cv");
  double v = cJSON_IsNumber(cv) && cv->valuedouble > 0 ? cv->valuedouble : NAN;
  cJSON_Delete(m);
  return v;
}

int mmb_write_summary_by(const char *dir, const char *group_col, int print, char *err,
                         size_t errlen) {
  char path[4096];
  snprintf(path, sizeof path, "%s/runs.csv", dir);
  mmb_runs r;
  if (mmb_runs_read(path, &r, err, errlen) != 0) return -1;
  mmb_cell_counts cnt;
  char *text = mmb_summary_csv_noise(&r, group_col, mmb_meta_noise_cv(dir), &cnt);
  mmb_runs_free(&r);
  if (!text) {
    snprintf(err, errlen, "out of memory summarising %s", path);
    return -1;
  }
  if (print) {
    printf("\n%d cells: %d ok (%d noisy, %d oversubscribed), %d failed, %d skipped for a reason\n",
           cnt.cells, cnt.ok, cnt.noisy, cnt.over, cnt.failed, cnt.skipped);
    if (cnt.machine_cv > 0)
      printf("noisy: time varies more than the machine's own noise (CV %.1f %% between processes "
             "of a fixed loop, meta.json \"noise\") explains: one-sided chi-square test of the "
             "log-times at %.0f %%; with %zu repetitions a cell is flagged above CV %.1f %%\n",
             100 * cnt.machine_cv, 100 * MMB_NOISY_LEVEL, cnt.most_n,
             100 * mmb_noisy_limit(cnt.most_n, cnt.machine_cv));
    else if (cnt.ok)
      printf("noisy: CV above the fixed %.0f %% (the machine's own noise was not measured)\n",
             100 * MMB_NOISY_CV);
    double lvl = mmb_median_ci_level(cnt.most_n);
    if (cnt.most_n >= 2)
      printf("intervals (summary.csv ci_lo, ci_hi): order statistics of the median; with %zu "
             "repetitions "
             "they cover it with probability %.4g (ci_level)%s\n",
             cnt.most_n, lvl, lvl < 0.95 ? ", below 95 %: -r 6 or more gives a 95 % interval" : "");
    else if (cnt.most_n == 1)
      printf("intervals: none (one repetition per cell; -r 6 or more gives 95 %% intervals)\n");
  }
  int rc = mmb_write_atomic(dir, "summary.csv", text);
  free(text);
  if (rc != 0) snprintf(err, errlen, "cannot write %s/summary.csv: %s", dir, strerror(-rc));
  return rc == 0 ? 0 : -1;
}
