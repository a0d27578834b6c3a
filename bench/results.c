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

#include "stats.h"
#include "table.h"

const char *const mmb_run_columns[] = {
    "workload", "params",  "allocator",   "threads",      "rep",          "status",
    "reason",   "wall_ns", "cpu_ns",      "ops",          "ns_per_op",    "peak_rss_kb",
    "minflt",   "majflt",  "nvcsw",       "nivcsw",       "live_bytes",   "final_rss_kb",
    "rss_per_live", "checksum", "reclaimed", NULL};

void mmb_csv_field(char *buf, size_t len, size_t *used, const char *field, int first) {
  size_t u = *used;
  if (!first && u + 1 < len) buf[u++] = ',';
  int quote = strpbrk(field, ",\"\n\r") != NULL;
  if (quote && u + 1 < len) buf[u++] = '"';
  for (const char *p = field; *p && u + 2 < len; p++) {
    if (*p == '"') buf[u++] = '"';
    buf[u++] = *p;
  }
  if (quote && u + 1 < len) buf[u++] = '"';
  buf[u < len ? u : len - 1] = 0;
  *used = u;
}

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
typedef struct cell_key {
  size_t first_row; /* a row of this cell, for the key fields */
  size_t *rows;
  size_t n, cap;
  const char *status; /* for the terminal table */
  double median;      /* ns/op, NAN when not measured */
  int noisy;
  double floor;       /* median ns/op of the point's `floor` cell, NAN if none */
} cell_key;

static int same_cell(const mmb_table *t, size_t a, size_t b) {
  static const char *const keys[] = {"workload", "params", "allocator", "threads"};
  for (int i = 0; i < 4; i++) {
    int c = mmb_table_col(t, keys[i]);
    if (strcmp(mmb_table_get(t, a, c), mmb_table_get(t, b, c)) != 0) return 0;
  }
  return 1;
}

static const char *const base_metrics[] = {"ns_per_op", "ops_per_s", "wall_ns", "peak_rss_kb",
                                           "rss_per_live", "final_rss_kb", NULL};

/* Metrics: the base ones, then every numeric column after the fixed ones. */
static int metric_list(const mmb_table *t, const char **out, int max) {
  int n = 0;
  for (int i = 0; base_metrics[i] && n < max; i++) out[n++] = base_metrics[i];
  int fixed = 0;
  while (mmb_run_columns[fixed]) fixed++;
  for (size_t c = (size_t)fixed; c < mmb_table_cols(t) && n < max; c++) out[n++] = mmb_table_name(t, c);
  return n;
}

static double metric_value(const mmb_table *t, size_t row, const char *metric) {
  if (strcmp(metric, "ops_per_s") == 0) {
    double ops = mmb_table_numv(t, row, mmb_table_col(t, "ops"));
    double wall = mmb_table_numv(t, row, mmb_table_col(t, "wall_ns"));
    return wall > 0 ? ops / wall * 1e9 : NAN;
  }
  return mmb_table_numv(t, row, mmb_table_col(t, metric));
}

static void fmt_num(char *buf, size_t len, double v) {
  if (isnan(v)) buf[0] = 0;
  else snprintf(buf, len, "%.6g", v);
}

/* The terminal table: one row per (workload, params, threads), one column
 * per allocator, median ns/op; '!' marks a noisy cell, and a failed cell
 * shows its status. Skipped cells are left blank. */
static void print_pivot(const mmb_table *t, const cell_key *cells, size_t ncells) {
  const char *allocs[64];
  int na = 0;
  int ca = mmb_table_col(t, "allocator");
  for (size_t c = 0; c < ncells; c++) {
    const char *a = mmb_table_get(t, cells[c].first_row, ca);
    int k = 0;
    while (k < na && strcmp(allocs[k], a) != 0) k++;
    if (k == na && na < 64) allocs[na++] = a;
  }
  printf("\nmedian ns per operation (! = CV above 5 %%; blank = skipped%s)\n%-44s",
         mmb_table_col(t, "allocator") >= 0 && na && strcmp(allocs[na - 1], "floor") == 0
             ? "; floor = the harness floor, floor_ns_per_op"
             : "",
         "threads workload  params");
  for (int k = 0; k < na; k++) printf(" %10.10s", allocs[k]);
  printf("\n");
  unsigned char *done = calloc(ncells + 1, 1);
  for (size_t c = 0; c < ncells; c++) {
    if (done[c]) continue;
    char label[256];
    snprintf(label, sizeof label, "t=%s %s  %s", mmb_table_get(t, cells[c].first_row, 3),
             mmb_table_get(t, cells[c].first_row, 0), mmb_table_get(t, cells[c].first_row, 1));
    char line[2048];
    size_t u = (size_t)snprintf(line, sizeof line, "%-44.44s", label);
    int any = 0;
    for (int k = 0; k < na; k++) {
      char val[32] = "";
      for (size_t d = c; d < ncells; d++) {
        const cell_key *e = &cells[d];
        if (done[d] || strcmp(mmb_table_get(t, e->first_row, ca), allocs[k]) != 0) continue;
        int same = 1;
        for (int q = 0; q < 4 && same; q++)
          if (q != 2) same = strcmp(mmb_table_get(t, e->first_row, q), mmb_table_get(t, cells[c].first_row, q)) == 0;
        if (!same) continue;
        done[d] = 1;
        if (strcmp(e->status, "skipped") == 0) break;
        any = 1;
        if (isnan(e->median)) snprintf(val, sizeof val, "%s", e->status);
        else snprintf(val, sizeof val, "%.4g%s", e->median, e->noisy ? "!" : "");
        break;
      }
      u += (size_t)snprintf(line + u, sizeof line - u, " %10.10s", val);
    }
    if (any) printf("%s\n", line);
  }
  free(done);
}

/* floor_ns_per_op: the median ns/op of the ok repetitions of the `floor`
 * cell with the same workload, params and threads, for every cell. */
static void floor_medians(const mmb_table *t, cell_key *cells, size_t ncells) {
  int ca = mmb_table_col(t, "allocator"), cst = mmb_table_col(t, "status");
  int cn = mmb_table_col(t, "ns_per_op");
  double *vals = malloc((mmb_table_rows(t) + 1) * sizeof *vals);
  for (size_t c = 0; c < ncells; c++) cells[c].floor = NAN;
  for (size_t f = 0; vals && ca >= 0 && cn >= 0 && f < ncells; f++) {
    if (strcmp(mmb_table_get(t, cells[f].first_row, ca), "floor") != 0) continue;
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
      static const char *const keys[] = {"workload", "params", "threads"};
      for (int q = 0; q < 3 && same; q++) {
        int col = mmb_table_col(t, keys[q]);
        same = strcmp(mmb_table_get(t, cells[c].first_row, col), mmb_table_get(t, cells[f].first_row, col)) == 0;
      }
      if (same) cells[c].floor = s.median;
    }
  }
  free(vals);
}

int mmb_write_summary(const char *dir, int print, char *err, size_t errlen) {
  char path[4096];
  snprintf(path, sizeof path, "%s/runs.csv", dir);
  mmb_table *t;
  if (mmb_table_read(path, &t, err, errlen) != 0) return -1;
  size_t nrows = mmb_table_rows(t);
  cell_key *cells = calloc(nrows + 1, sizeof *cells);
  size_t ncells = 0;
  for (size_t r = 0; r < nrows; r++) {
    size_t c = 0;
    while (c < ncells && !same_cell(t, cells[c].first_row, r)) c++;
    if (c == ncells) cells[ncells++].first_row = r;
    if (cells[c].n == cells[c].cap) {
      cells[c].cap = cells[c].cap ? cells[c].cap * 2 : 8;
      cells[c].rows = realloc(cells[c].rows, cells[c].cap * sizeof(size_t));
    }
    cells[c].rows[cells[c].n++] = r;
  }
  floor_medians(t, cells, ncells);
  const char *metrics[128];
  int nm = metric_list(t, metrics, 128);
  size_t cap = 1 << 16, used = 0;
  char *out = malloc(cap);
  used = (size_t)snprintf(out, cap, "workload,params,allocator,threads,metric,n,n_runs,status,median,min,max,mean,stddev,cv,ci_lo,ci_hi,noisy,floor_ns_per_op\n");
  int cst = mmb_table_col(t, "status");
  double *vals = malloc((nrows + 1) * sizeof *vals);
  for (size_t c = 0; c < ncells; c++) {
    cell_key *k = &cells[c];
    size_t ok = 0;
    const char *status = "ok";
    for (size_t i = 0; i < k->n; i++) {
      const char *s = mmb_table_get(t, k->rows[i], cst);
      if (strcmp(s, "ok") == 0) ok++;
      else status = s;
    }
    for (int m = 0; m < nm; m++) {
      size_t nv = 0;
      for (size_t i = 0; i < k->n; i++) {
        if (strcmp(mmb_table_get(t, k->rows[i], cst), "ok") != 0) continue;
        double v = metric_value(t, k->rows[i], metrics[m]);
        if (!isnan(v)) vals[nv++] = v;
      }
      if (nv == 0 && strcmp(status, "ok") == 0) continue; /* not measured */
      if (nv == 0 && m > 0) continue; /* a failed cell: one row is enough */
      mmb_summary s;
      mmb_summarize(vals, nv, &s);
      char line[4096], num[64];
      size_t lu = 0;
      static const char *const keys[] = {"workload", "params", "allocator", "threads"};
      for (int q = 0; q < 4; q++)
        mmb_csv_field(line, sizeof line, &lu, mmb_table_get(t, k->first_row, mmb_table_col(t, keys[q])), q == 0);
      mmb_csv_field(line, sizeof line, &lu, metrics[m], 0);
      snprintf(num, sizeof num, "%zu", nv);
      mmb_csv_field(line, sizeof line, &lu, num, 0);
      snprintf(num, sizeof num, "%zu", k->n);
      mmb_csv_field(line, sizeof line, &lu, num, 0);
      mmb_csv_field(line, sizeof line, &lu, status, 0);
      double f[] = {s.median, s.min, s.max, s.mean, s.stddev, s.cv, s.ci_lo, s.ci_hi};
      for (int q = 0; q < 8; q++) {
        fmt_num(num, sizeof num, f[q]);
        mmb_csv_field(line, sizeof line, &lu, num, 0);
      }
      mmb_csv_field(line, sizeof line, &lu, nv > 1 && s.cv > MMB_NOISY_CV ? "1" : "0", 0);
      fmt_num(num, sizeof num, k->floor);
      mmb_csv_field(line, sizeof line, &lu, num, 0);
      if (used + lu + 2 > cap) {
        cap = (cap + lu) * 2;
        out = realloc(out, cap);
      }
      memcpy(out + used, line, lu);
      used += lu;
      out[used++] = '\n';
      out[used] = 0;
      if (m == 0) {
        k->status = status;
        k->median = nv ? s.median : NAN;
        k->noisy = nv > 1 && s.cv > MMB_NOISY_CV;
      }
    }
  }
  if (print) print_pivot(t, cells, ncells);
  int rc = mmb_write_atomic(dir, "summary.csv", out);
  if (rc != 0) snprintf(err, errlen, "cannot write %s/summary.csv: %s", dir, strerror(-rc));
  for (size_t c = 0; c < ncells; c++) free(cells[c].rows);
  free(cells);
  free(vals);
  free(out);
  mmb_table_free(t);
  return rc == 0 ? 0 : -1;
}
