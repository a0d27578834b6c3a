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

#include "metrics.h"
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
  size_t len = strlen(text), off = 0;
  while (off < len) {
    ssize_t n = write(fd, text + off, len - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      close(fd);
      unlink(tmp);
      return -e;
    }
    off += (size_t)n;
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
  size_t len = strlen(line), off = 0;
  while (off < len) {
    ssize_t n = write(fd, line + off, len - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      close(fd);
      return -e;
    }
    off += (size_t)n;
  }
  fdatasync(fd);
  return close(fd) == 0 ? 0 : -errno;
}

/* ---------------------------------------------------------------------------
 * summary.csv
 * ------------------------------------------------------------------------- */
typedef struct sumctx {
  const mmb_table *t;
  int key[5]; /* workload, params, allocator, threads; the group column or -1 */
} sumctx;

static const sumctx *sort_ctx; /* qsort has no context argument */

static int cmp_key_rows(const sumctx *x, size_t a, size_t b) {
  for (int i = 0; i < 5; i++) {
    int c = strcmp(mmb_table_get(x->t, a, x->key[i]), mmb_table_get(x->t, b, x->key[i]));
    if (c) return c;
  }
  return 0;
}

static int cmp_rows(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  int c = cmp_key_rows(sort_ctx, x, y);
  return c ? c : (x > y) - (x < y);
}

typedef struct cellrows {
  size_t *rows; /* runs.csv rows of the cell, in file order */
  size_t n;
  double floor; /* floor_ns_per_op: see floor_medians */
} cellrows;

static int cmp_cells_first(const void *a, const void *b) {
  const cellrows *x = a, *y = b;
  return (x->rows[0] > y->rows[0]) - (x->rows[0] < y->rows[0]);
}

typedef struct rowctx {
  const mmb_table *t;
  size_t row;
} rowctx;

static double row_col(const char *col, void *p) {
  const rowctx *r = p;
  return mmb_table_numv(r->t, r->row, mmb_table_col(r->t, col));
}

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

/* floor_ns_per_op of every cell: the median ns/op over the ok repetitions of
 * the `floor` cell with the same workload, params and threads (the harness
 * floor of that point, measured once for all allocators); NAN if none. */
static void floor_medians(const mmb_table *t, cellrows *cells, size_t ncells, double *vals,
                          int group) {
  int ca = mmb_table_col(t, "allocator"), cst = mmb_table_col(t, "status");
  int cn = mmb_table_col(t, "ns_per_op");
  int key[4] = {mmb_table_col(t, "workload"), mmb_table_col(t, "params"),
                mmb_table_col(t, "threads"), group}; /* group: host, or -1 */
  for (size_t c = 0; c < ncells; c++) cells[c].floor = NAN;
  for (size_t f = 0; ca >= 0 && cn >= 0 && f < ncells; f++) {
    if (strcmp(mmb_table_get(t, cells[f].rows[0], ca), "floor") != 0) continue;
    size_t nv = 0;
    for (size_t i = 0; i < cells[f].n; i++) {
      double v = mmb_table_numv(t, cells[f].rows[i], cn);
      if (strcmp(mmb_table_get(t, cells[f].rows[i], cst), "ok") == 0 && !isnan(v)) vals[nv++] = v;
    }
    if (nv == 0) continue;
    mmb_summary s;
    mmb_summarize(vals, nv, &s);
    for (size_t c = 0; c < ncells; c++) {
      int same = 1;
      for (int q = 0; q < 4 && same; q++)
        same = key[q] < 0 || strcmp(mmb_table_get(t, cells[c].rows[0], key[q]),
                                    mmb_table_get(t, cells[f].rows[0], key[q])) == 0;
      if (same) cells[c].floor = s.median;
    }
  }
}

char *mmb_summary_csv(const mmb_table *t, mmb_cell_counts *counts) {
  return mmb_summary_csv_by(t, NULL, counts);
}

char *mmb_summary_csv_by(const mmb_table *t, const char *group_col, mmb_cell_counts *counts) {
  static const char *const keys[] = {"workload", "params", "allocator", "threads"};
  sumctx x = {.t = t};
  for (int i = 0; i < 4; i++) x.key[i] = mmb_table_col(t, keys[i]);
  x.key[4] = group_col ? mmb_table_col(t, group_col) : -1;
  size_t nrows = mmb_table_rows(t);
  size_t *order = malloc((nrows + 1) * sizeof *order);
  cellrows *cells = calloc(nrows + 1, sizeof *cells);
  double *vals = malloc((nrows + 1) * sizeof *vals);
  strbuf out = {0};
  if (!order || !cells || !vals) goto fail;
  for (size_t r = 0; r < nrows; r++) order[r] = r;
  sort_ctx = &x;
  qsort(order, nrows, sizeof *order, cmp_rows);
  size_t ncells = 0;
  for (size_t i = 0; i < nrows; i++) {
    if (i == 0 || cmp_key_rows(&x, order[i - 1], order[i]) != 0) cells[ncells++].rows = &order[i];
    cells[ncells - 1].n++;
  }
  qsort(cells, ncells, sizeof *cells, cmp_cells_first); /* first-seen order */
  floor_medians(t, cells, ncells, vals, x.key[4]);

  const char *metrics[128];
  int nm = metric_list(t, metrics, 128);
  static const char header[] =
      "workload,params,allocator,threads,metric,n,n_runs,status,median,"
      "min,max,mean,stddev,cv,ci_lo,ci_hi,ci_level,noisy,floor_ns_per_op,oversubscribed\n";
  sb_add(&out, header, sizeof header - 2);
  if (x.key[4] >= 0) sb_add(&out, ",", 1), sb_add(&out, group_col, strlen(group_col));
  sb_add(&out, "\n", 1);
  int cst = mmb_table_col(t, "status"), cov = mmb_table_col(t, "oversubscribed");
  mmb_cell_counts cnt = {0};
  for (size_t c = 0; c < ncells; c++) {
    cellrows *k = &cells[c];
    const char *status = "ok";
    for (size_t i = 0; i < k->n; i++) {
      const char *s = mmb_table_get(t, k->rows[i], cst);
      if (strcmp(s, "ok") != 0 && (strcmp(status, "ok") == 0 || strcmp(s, "skipped") == 0))
        status = s[0] ? s : "invalid";
    }
    /* oversubscribed: any repetition ran more threads than CPUs; empty
     * when runs.csv predates the column (unknown, not 0) */
    int over = 0;
    for (size_t i = 0; cov >= 0 && i < k->n; i++) over |= mmb_table_numv(t, k->rows[i], cov) == 1;
    if (k->n > cnt.most_n) cnt.most_n = k->n;
    cnt.cells++;
    int cell_noisy = 0;
    for (int m = 0; m < nm; m++) {
      size_t nv = 0;
      int col = mmb_table_col(t, metrics[m]);
      const mmb_metric *md = mmb_metric_find(metrics[m]);
      int derived = md && (md->flags & MMB_COL_DERIVED);
      for (size_t i = 0; i < k->n; i++) {
        if (strcmp(mmb_table_get(t, k->rows[i], cst), "ok") != 0) continue;
        rowctx rc = {t, k->rows[i]};
        double v = derived ? mmb_metric_derive(metrics[m], row_col, &rc)
                           : mmb_table_numv(t, k->rows[i], col);
        if (!isnan(v)) vals[nv++] = v;
      }
      if (nv == 0 && strcmp(status, "ok") == 0) continue; /* not measured */
      if (nv == 0 && m > 0) continue;                     /* a failed cell: one row is enough */
      mmb_summary s;
      mmb_summarize(vals, nv, &s);
      char line[4096], num[64];
      size_t lu = 0;
      for (int q = 0; q < 4; q++)
        mmb_csv_field(line, sizeof line, &lu, mmb_table_get(t, k->rows[0], x.key[q]), q == 0);
      mmb_csv_field(line, sizeof line, &lu, metrics[m], 0);
      snprintf(num, sizeof num, "%zu", nv);
      mmb_csv_field(line, sizeof line, &lu, num, 0);
      snprintf(num, sizeof num, "%zu", k->n);
      mmb_csv_field(line, sizeof line, &lu, num, 0);
      mmb_csv_field(line, sizeof line, &lu, status, 0);
      double f[] = {s.median, s.min, s.max, s.mean, s.stddev, s.cv, s.ci_lo, s.ci_hi, s.ci_level};
      for (int q = 0; q < 9; q++) {
        fmt_num(num, sizeof num, f[q]);
        mmb_csv_field(line, sizeof line, &lu, num, 0);
      }
      int noisy = nv > 1 && s.cv > MMB_NOISY_CV;
      mmb_csv_field(line, sizeof line, &lu, noisy ? "1" : "0", 0);
      fmt_num(num, sizeof num, k->floor);
      mmb_csv_field(line, sizeof line, &lu, num, 0);
      mmb_csv_field(line, sizeof line, &lu, cov < 0 ? "" : over ? "1" : "0", 0);
      if (x.key[4] >= 0)
        mmb_csv_field(line, sizeof line, &lu, mmb_table_get(t, k->rows[0], x.key[4]), 0);
      sb_add(&out, line, lu);
      sb_add(&out, "\n", 1);
      if (m == 0) cell_noisy = noisy;
    }
    if (strcmp(status, "ok") == 0)
      cnt.ok++, cnt.noisy += cell_noisy, cnt.over += over;
    else if (strcmp(status, "skipped") == 0)
      cnt.skipped++;
    else
      cnt.failed++;
  }
  if (counts) *counts = cnt;
  if (out.oom) goto fail;
  free(order);
  free(cells);
  free(vals);
  return out.s ? out.s : strdup("");
fail:
  free(order);
  free(cells);
  free(vals);
  free(out.s);
  return NULL;
}

int mmb_write_summary(const char *dir, int print, char *err, size_t errlen) {
  return mmb_write_summary_by(dir, NULL, print, err, errlen);
}

int mmb_write_summary_by(const char *dir, const char *group_col, int print, char *err,
                         size_t errlen) {
  char path[4096];
  snprintf(path, sizeof path, "%s/runs.csv", dir);
  mmb_table *t;
  if (mmb_table_read(path, &t, err, errlen) != 0) return -1;
  mmb_cell_counts cnt;
  char *text = mmb_summary_csv_by(t, group_col, &cnt);
  mmb_table_free(t);
  if (!text) {
    snprintf(err, errlen, "out of memory summarising %s", path);
    return -1;
  }
  if (print) {
    printf("\n%d cells: %d ok (%d noisy, %d oversubscribed), %d failed, %d skipped\n", cnt.cells,
           cnt.ok, cnt.noisy, cnt.over, cnt.failed, cnt.skipped);
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
