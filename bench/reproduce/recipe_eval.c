/* mmbench — deciding a recipe's checks (see recipe.h) on the rounds of its
 * results: each round (one repetition of one batch, every cell of the
 * matrix measured once, interleaved) gives one figure per check; the
 * estimate is their median, the interval a moving-block bootstrap over the
 * rounds in time order widened by the drift between batches, and a check
 * whose effect is below what the machine resolves is INCONCLUSIVE. */
#define _GNU_SOURCE
#include <sys/stat.h>
#include <unistd.h>

#include "metrics.h"
#include "recipe_int.h"
#include "stats.h"

/* Timings move by a few percent between runs of one machine in ways no
 * round of a single run sees (frequency, placement, neighbours): the drift
 * allowance of a time figure is at least this much (log scale). */
#define TIME_DRIFT_FLOOR 0.02
#define BOOT_ROUNDS 2000
#define MIN_BOOT_N 6 /* below: the interval is the range of the rounds */

const char *mmb_verdict_name(mmb_verdict v) {
  return v == MMB_PASS ? "PASS" : v == MMB_FAIL ? "FAIL" : "INCONCLUSIVE";
}

/* ---------------------------------------------------------------------------
 * Results folders
 * ------------------------------------------------------------------------- */
void mmb_recipe_results_init(mmb_recipe_results *rs) { memset(rs, 0, sizeof *rs); }

void mmb_recipe_results_free(mmb_recipe_results *rs) {
  for (int i = 0; i < rs->n; i++) mmb_table_free(rs->runs[i]);
  memset(rs, 0, sizeof *rs);
}

int mmb_recipe_results_add(mmb_recipe_results *rs, const char *dir, int run, int batch, char *err,
                           size_t errlen) {
  if (rs->n == MMB_RECIPE_MAX_FOLDERS) {
    snprintf(err, errlen, "more than %d results folders", MMB_RECIPE_MAX_FOLDERS);
    return -1;
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/runs.csv", dir);
  mmb_table *t = NULL;
  if (mmb_table_read(path, &t, err, errlen) != 0) return -1;
  static const char *const need[] = {"workload", "params", "allocator", "threads",
                                     "rep",      "status", "reason",    NULL};
  for (int k = 0; need[k]; k++)
    if (mmb_table_col(t, need[k]) < 0) {
      snprintf(err, errlen, "%s has no '%s' column (not a runs.csv written by mmbench run)", path,
               need[k]);
      mmb_table_free(t);
      return -1;
    }
  rs->runs[rs->n] = t;
  rs->run[rs->n] = run;
  rs->batch[rs->n] = batch;
  rs->n++;
  return 0;
}

static int is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* One batch folder: its runs.csv, or run<k>/runs.csv per run line. */
static int add_batch(mmb_recipe_results *rs, const mmb_recipe *r, const char *bdir, int batch,
                     char *err, size_t errlen) {
  if (r->nruns == 1) return mmb_recipe_results_add(rs, bdir, 1, batch, err, errlen);
  for (int k = 0; k < r->nruns; k++) {
    char d[4096];
    snprintf(d, sizeof d, "%s/run%d", bdir, k + 1);
    if (mmb_recipe_results_add(rs, d, k + 1, batch, err, errlen) != 0) return -1;
  }
  return 0;
}

int mmb_recipe_results_load(mmb_recipe_results *rs, const mmb_recipe *r, const char *dir, char *err,
                            size_t errlen) {
  mmb_recipe_results_init(rs);
  char b[4096];
  int nb = 0;
  for (int i = 1;; i++) {
    snprintf(b, sizeof b, "%s/b%d", dir, i);
    if (!is_dir(b)) break;
    if (add_batch(rs, r, b, i - 1, err, errlen) != 0) goto fail;
    nb++;
  }
  if (nb == 0 && add_batch(rs, r, dir, 0, err, errlen) != 0) goto fail;
  return 0;
fail:
  mmb_recipe_results_free(rs);
  return -1;
}

/* ---------------------------------------------------------------------------
 * Statistics over rounds
 * ------------------------------------------------------------------------- */
static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median_of(const double *v, size_t n, double *tmp) {
  memcpy(tmp, v, n * sizeof *v);
  qsort(tmp, n, sizeof *tmp, cmp_double);
  return mmb_median_sorted(tmp, n);
}

void mmb_recipe_block_ci(const double *v, size_t n, size_t block, double *lo, double *hi) {
  *lo = *hi = NAN;
  if (n == 0) return;
  double *tmp = malloc(n * sizeof *tmp), *meds = malloc(BOOT_ROUNDS * sizeof *meds);
  if (!tmp || !meds) goto out;
  if (n < 3) {
    memcpy(tmp, v, n * sizeof *v);
    qsort(tmp, n, sizeof *tmp, cmp_double);
    *lo = tmp[0], *hi = tmp[n - 1];
    goto out;
  }
  if (block < 1) block = 1;
  if (block > n) block = n;
  size_t starts = n - block + 1;
  uint64_t x = 0x9e3779b97f4a7c15ull; /* fixed seed: the same rounds give the same interval */
  for (int b = 0; b < BOOT_ROUNDS; b++) {
    size_t k = 0;
    while (k < n) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      size_t s = (size_t)((x >> 33) % starts);
      for (size_t j = 0; j < block && k < n; j++) tmp[k++] = v[s + j];
    }
    qsort(tmp, n, sizeof *tmp, cmp_double);
    meds[b] = mmb_median_sorted(tmp, n);
  }
  qsort(meds, BOOT_ROUNDS, sizeof *meds, cmp_double);
  *lo = meds[(size_t)(0.025 * (BOOT_ROUNDS - 1))];
  *hi = meds[(size_t)(0.975 * (BOOT_ROUNDS - 1) + 0.5)];
out:
  free(tmp);
  free(meds);
}

/* ---------------------------------------------------------------------------
 * One side of a check: a cell's value in every round
 * ------------------------------------------------------------------------- */
typedef struct rowref {
  const mmb_table *t;
  size_t row;
} rowref;

static double row_get(const char *col, void *ctx) {
  const rowref *r = ctx;
  return mmb_table_numv(r->t, r->row, mmb_table_col(r->t, col));
}

static double row_metric(const mmb_table *t, size_t row, const char *name) {
  rowref r = {t, row};
  const mmb_metric *m = mmb_metric_find(name);
  if (m && (m->flags & MMB_COL_DERIVED) && mmb_table_col(t, name) < 0)
    return mmb_metric_derive(name, row_get, &r);
  return row_get(name, &r);
}

/* Terms separated by '+' / '-', each a product of factors. */
static double metric_eval(const mmb_recipe_metric *m, const mmb_table *t, size_t row) {
  double sum = 0, term = 1, sign = 1;
  for (int i = 0; i < m->n; i++) {
    double f = m->name[i][0] ? row_metric(t, row, m->name[i]) : m->num[i];
    if (isnan(f)) return NAN;
    switch (m->op[i]) {
    case '/':
      if (f == 0) return NAN;
      term /= f;
      break;
    case '+':
    case '-':
      sum += sign * term;
      sign = m->op[i] == '-' ? -1 : 1;
      term = f;
      break;
    default: term *= f;
    }
  }
  return sum + sign * term;
}

/* A metric measured with a clock (its figures drift between runs). */
static int is_timing(const mmb_recipe_metric *m) {
  static const char *const t[] = {"ns_per_op",  "wall_ns", "cpu_ns",        "ops_per_s",
                                  "task-clock", "cycles",  "cycles_per_op", NULL};
  for (int i = 0; i < m->n; i++)
    if (m->name[i][0] && in_list(t, m->name[i])) return 1;
  return 0;
}

typedef struct side {
  long *key; /* batch * 1000000 + rep: the round */
  double *v;
  int n;
  char desc[700]; /* the cell, for messages */
} side;

static void side_free(side *s) {
  free(s->key);
  free(s->v);
  memset(s, 0, sizeof *s);
}

static int same_cell(const mmb_table *t, size_t a, const mmb_table *u, size_t b) {
  static const char *const k[] = {"workload", "params", "allocator", "threads"};
  for (int i = 0; i < 4; i++)
    if (strcmp(mmb_table_get(t, a, mmb_table_col(t, k[i])),
               mmb_table_get(u, b, mmb_table_col(u, k[i]))) != 0)
      return 0;
  return 1;
}

/* The values of check c's metric on selector s's cell. 0 with *out, or a
 * verdict (FAIL for a corrupt cell under on-corrupt: fail, else
 * INCONCLUSIVE) with why. */
static int gather(const mmb_recipe *r, const mmb_recipe_check *c, int s,
                  const mmb_recipe_results *rs, side *out, char *why, size_t len) {
  memset(out, 0, sizeof *out);
  char st[512];
  mmb_recipe_sel_text(&c->sel[s], st, sizeof st);
  int fi = -1, frun = 0;
  size_t frow = 0;
  size_t total = 0;
  for (int i = 0; i < rs->n; i++) total += mmb_table_rows(rs->runs[i]);
  for (int i = 0; i < rs->n; i++) {
    const mmb_table *t = rs->runs[i];
    int cw = mmb_table_col(t, "workload"), cp = mmb_table_col(t, "params");
    int ca = mmb_table_col(t, "allocator"), ct = mmb_table_col(t, "threads");
    for (size_t row = 0; row < mmb_table_rows(t); row++) {
      mmb_recipe_cellkey k = {mmb_table_get(t, row, cw), mmb_table_get(t, row, cp),
                              mmb_table_get(t, row, ca), atoi(mmb_table_get(t, row, ct)),
                              rs->run[i]};
      if (!mmb_recipe_sel_match(&c->sel[s], &k)) continue;
      if (fi < 0) {
        fi = i, frow = row, frun = rs->run[i];
      } else if (frun != rs->run[i] || !same_cell(rs->runs[fi], frow, t, row)) {
        snprintf(why, len, "selector '%s' matches more than one cell of the results", st);
        return MMB_INCONCLUSIVE;
      }
    }
  }
  if (fi < 0) {
    snprintf(why, len, "no cell of the results matches '%s'", st);
    return MMB_INCONCLUSIVE;
  }
  const mmb_table *ft = rs->runs[fi];
  snprintf(out->desc, sizeof out->desc, "%s %s %s t=%s",
           mmb_table_get(ft, frow, mmb_table_col(ft, "workload")),
           mmb_table_get(ft, frow, mmb_table_col(ft, "params")),
           mmb_table_get(ft, frow, mmb_table_col(ft, "allocator")),
           mmb_table_get(ft, frow, mmb_table_col(ft, "threads")));
  out->key = malloc((total + 1) * sizeof *out->key);
  out->v = malloc((total + 1) * sizeof *out->v);
  if (!out->key || !out->v) {
    snprintf(why, len, "out of memory");
    return MMB_INCONCLUSIVE;
  }
  int bad = 0, rows = 0, corrupt = 0;
  char bad_status[32] = "", bad_reason[256] = "";
  for (int i = 0; i < rs->n; i++) {
    const mmb_table *t = rs->runs[i];
    if (rs->run[i] != frun) continue;
    int cs = mmb_table_col(t, "status"), cr = mmb_table_col(t, "reason");
    int crep = mmb_table_col(t, "rep");
    for (size_t row = 0; row < mmb_table_rows(t); row++) {
      if (!same_cell(ft, frow, t, row)) continue;
      rows++;
      const char *status = mmb_table_get(t, row, cs);
      if (strcmp(status, "ok") != 0) {
        if (!bad || (strcmp(status, "corrupt") == 0 && !corrupt)) {
          snprintf(bad_status, sizeof bad_status, "%s", status[0] ? status : "not ok");
          snprintf(bad_reason, sizeof bad_reason, "%s", mmb_table_get(t, row, cr));
        }
        corrupt |= strcmp(status, "corrupt") == 0;
        bad++;
        continue;
      }
      double v = metric_eval(&c->metric, t, row);
      if (isnan(v)) continue;
      out->key[out->n] = (long)rs->batch[i] * 1000000L + atol(mmb_table_get(t, row, crep));
      out->v[out->n++] = v;
    }
  }
  if (corrupt && r->corrupt_fails) {
    snprintf(why, len,
             "cell %s is corrupt in %d of %d repetitions (%s); on-corrupt: fail: the claim is "
             "about the result the workload verifies",
             out->desc, bad, rows, bad_reason);
    return MMB_FAIL;
  }
  if (bad) {
    snprintf(why, len, "cell %s is %s in %d of %d repetitions%s%s", out->desc, bad_status, bad,
             rows, bad_reason[0] ? ": " : "", bad_reason);
    return MMB_INCONCLUSIVE;
  }
  if (out->n == 0) {
    snprintf(why, len, "metric %s is not measured on cell %s", c->metric.text, out->desc);
    return MMB_INCONCLUSIVE;
  }
  return 0;
}

/* ---------------------------------------------------------------------------
 * Deciding
 * ------------------------------------------------------------------------- */
mmb_verdict mmb_recipe_decide(const mmb_recipe_check *c, double lo, double hi) {
  if (isnan(lo) || isnan(hi)) return MMB_INCONCLUSIVE;
  if (lo > hi) {
    double t = lo;
    lo = hi, hi = t;
  }
  double T = c->value;
  switch (c->op) {
  case MMB_RECIPE_GE: return lo >= T ? MMB_PASS : hi < T ? MMB_FAIL : MMB_INCONCLUSIVE;
  case MMB_RECIPE_GT: return lo > T ? MMB_PASS : hi <= T ? MMB_FAIL : MMB_INCONCLUSIVE;
  case MMB_RECIPE_LE: return hi <= T ? MMB_PASS : lo > T ? MMB_FAIL : MMB_INCONCLUSIVE;
  case MMB_RECIPE_LT: return hi < T ? MMB_PASS : lo >= T ? MMB_FAIL : MMB_INCONCLUSIVE;
  case MMB_RECIPE_EQ: {
    double d = c->tol_pct ? fabs(T) * c->tol / 100 : c->tol;
    d += 1e-9 * (fabs(T) > 1 ? fabs(T) : 1); /* rounding of exact values */
    if (lo >= T - d && hi <= T + d) return MMB_PASS;
    if (hi < T - d || lo > T + d) return MMB_FAIL;
    return MMB_INCONCLUSIVE;
  }
  }
  return MMB_INCONCLUSIVE;
}

void mmb_recipe_check_text(const mmb_recipe_check *c, char *buf, size_t len) {
  if (c->label[0])
    snprintf(buf, len, "%s: %s", c->label, c->text);
  else
    snprintf(buf, len, "%s", c->text);
}

static void fmt_val(double v, char *buf, size_t len) {
  if (isnan(v))
    snprintf(buf, len, "-");
  else if (v == 0)
    snprintf(buf, len, "0");
  else if (fabs(v) >= 1e5 || fabs(v) < 1e-3)
    snprintf(buf, len, "%.3g", v);
  else if (fabs(v) >= 100)
    snprintf(buf, len, "%.0f", v);
  else
    snprintf(buf, len, "%.3g", v);
}

/* Distance from est to where the verdict would change, on the figure's
 * scale (log when logs, else absolute). */
static double margin(const mmb_recipe_check *c, double est, int logs) {
  double T = c->value, d = 0;
  if (c->op == MMB_RECIPE_EQ) d = c->tol_pct ? fabs(T) * c->tol / 100 : c->tol;
  double edges[2] = {T - d, T + d};
  double best = INFINITY;
  for (int i = 0; i < (c->op == MMB_RECIPE_EQ ? 2 : 1); i++) {
    double e = c->op == MMB_RECIPE_EQ ? edges[i] : T;
    double m = logs ? (e > 0 && est > 0 ? fabs(log(est / e)) : INFINITY) : fabs(est - e);
    if (m < best) best = m;
  }
  return best;
}

static mmb_verdict eval_one(const mmb_recipe *r, const mmb_recipe_check *c,
                            const mmb_recipe_results *rs, int max_rounds, mmb_recipe_result *out) {
  memset(out, 0, sizeof *out);
  out->value = out->lo = out->hi = NAN;
  out->verdict = MMB_INCONCLUSIVE;
  out->kind = MMB_WHY_CELL;
  snprintf(out->measured, sizeof out->measured, "not measured");
  side a, b;
  memset(&a, 0, sizeof a);
  memset(&b, 0, sizeof b);
  double *f = NULL, *tmp = NULL, *bm = NULL;
  long *fk = NULL;
  int v = gather(r, c, 0, rs, &a, out->why, sizeof out->why);
  if (!v && c->func == MMB_RECIPE_RATIO) v = gather(r, c, 1, rs, &b, out->why, sizeof out->why);
  if (v) {
    out->verdict = (mmb_verdict)v;
    out->kind = v == MMB_FAIL ? MMB_WHY_NONE : MMB_WHY_CELL;
    goto done;
  }
  /* the figure of every round, in time order */
  f = malloc(((size_t)a.n + 1) * sizeof *f);
  fk = malloc(((size_t)a.n + 1) * sizeof *fk);
  tmp = malloc(((size_t)a.n + 1) * sizeof *tmp);
  bm = malloc(((size_t)a.n + 1) * sizeof *bm);
  if (!f || !fk || !tmp || !bm) goto done;
  int n = 0;
  for (int i = 0; i < a.n; i++) {
    double x = a.v[i];
    if (c->func == MMB_RECIPE_RATIO) {
      int j = 0;
      while (j < b.n && b.key[j] != a.key[i]) j++;
      if (j == b.n || b.v[j] == 0) continue;
      x /= b.v[j];
    }
    /* insertion in round order */
    int p = n++;
    while (p > 0 && fk[p - 1] > a.key[i]) fk[p] = fk[p - 1], f[p] = f[p - 1], p--;
    fk[p] = a.key[i], f[p] = x;
  }
  if (n == 0) {
    snprintf(out->why, sizeof out->why,
             "no round measured both %s and %s (the two cells never ran in the same round)", a.desc,
             b.desc);
    goto done;
  }
  out->rounds = n;
  int logs = 1;
  for (int i = 0; i < n; i++) logs &= f[i] > 0;
  double est = median_of(f, (size_t)n, tmp), lo, hi;
  /* batches: their own figures (the median of their rounds) */
  int nb = 0, mmin = n;
  int *start = malloc(((size_t)n + 1) * sizeof *start);
  if (!start) goto done;
  for (int i = 0; i < n;) {
    int j = i;
    while (j < n && fk[j] / 1000000L == fk[i] / 1000000L) j++;
    start[nb] = i;
    bm[nb++] = median_of(f + i, (size_t)(j - i), tmp);
    if (j - i < mmin) mmin = j - i;
    i = j;
  }
  start[nb] = n;
  /* the spread of one round's figure within its batch: 1.4826 x the median
   * absolute deviation from the batch's figure (log scale when every
   * figure is positive) */
  double *dev = malloc(((size_t)n + 1) * sizeof *dev);
  if (!dev) {
    free(start);
    goto done;
  }
  for (int b = 0; b < nb; b++)
    for (int i = start[b]; i < start[b + 1]; i++)
      dev[i] = fabs(logs ? log(f[i] / bm[b]) : f[i] - bm[b]);
  double sd = 1.4826 * median_of(dev, (size_t)n, tmp);
  free(dev);
  free(start);
  if (n < MIN_BOOT_N) {
    memcpy(tmp, f, (size_t)n * sizeof *f);
    qsort(tmp, (size_t)n, sizeof *tmp, cmp_double);
    lo = tmp[0], hi = tmp[n - 1];
  } else {
    size_t block = (size_t)lround(cbrt((double)n));
    mmb_recipe_block_ci(f, (size_t)n, block, &lo, &hi);
  }
  /* drift: half the spread of the batches' figures, less what the noise of
   * a batch median of m rounds explains (1.25 sd / sqrt(m)) */
  out->batches = nb;
  double drift = 0;
  if (nb >= 2) {
    double mn = INFINITY, mx = -INFINITY;
    for (int i = 0; i < nb; i++) {
      double x = logs ? log(bm[i]) : bm[i];
      mn = fmin(mn, x), mx = fmax(mx, x);
    }
    drift = fmax(0, (mx - mn) / 2 - 1.25 * sd / sqrt((double)mmin));
  }
  if (logs && is_timing(&c->metric) && drift < TIME_DRIFT_FLOOR) drift = TIME_DRIFT_FLOOR;
  if (logs)
    lo *= exp(-drift), hi *= exp(drift);
  else
    lo -= drift, hi += drift;
  if (lo > est) lo = est;
  if (hi < est) hi = est;
  out->value = est, out->lo = lo, out->hi = hi, out->drift = drift, out->spread = sd;
  out->ci_level = n < MIN_BOOT_N ? 1 - pow(2, 1 - n) : 0.95;
  char sv[32], slo[32], shi[32], st[32];
  fmt_val(est, sv, sizeof sv);
  fmt_val(lo, slo, sizeof slo);
  fmt_val(hi, shi, sizeof shi);
  fmt_val(c->value, st, sizeof st);
  snprintf(out->measured, sizeof out->measured, "%s [%s, %s] %d round%s%s", sv, slo, shi, n,
           n == 1 ? "" : "s", n < MIN_BOOT_N ? " (range)" : "");
  out->verdict = mmb_recipe_decide(c, lo, hi);
  out->kind = MMB_WHY_NONE;
  if (n < MIN_BOOT_N && lo < hi) {
    /* the range of n rounds covers the median with 1 - 2^(1-n) only */
    out->verdict = MMB_INCONCLUSIVE;
    out->kind = MMB_WHY_STRADDLE;
    snprintf(out->why, sizeof out->why,
             "%d rounds: their range [%s, %s] covers the median with only %.1f%%; a verdict "
             "needs %d rounds",
             n, slo, shi, 100 * (1 - pow(2, 1 - n)), MIN_BOOT_N);
  } else if (out->verdict == MMB_FAIL) {
    snprintf(out->why, sizeof out->why, "no value of the interval [%s, %s] meets %s %s%s", slo, shi,
             mmb_recipe_op_text[c->op], st, c->tol > 0 ? " (with its tolerance)" : "");
  }
  if (out->verdict == MMB_INCONCLUSIVE) {
    out->kind = MMB_WHY_STRADDLE;
    if (n >= MIN_BOOT_N || lo == hi)
      snprintf(out->why, sizeof out->why, "the interval [%s, %s] straddles %s %s after %d rounds",
               slo, shi, mmb_recipe_op_text[c->op], st, n);
    if (max_rounds > 0) {
      /* what max_rounds rounds could resolve: the half-width of the median
       * of that many rounds (1.96 x 1.25 sd / sqrt(rounds)), plus the drift */
      int nmax = max_rounds > n ? max_rounds : n;
      double half = 1.96 * 1.25 * sd / sqrt((double)nmax);
      double res = half + drift, m = margin(c, est, logs);
      if (m < res) {
        out->kind = MMB_WHY_RESOLUTION;
        if (logs)
          snprintf(out->why, sizeof out->why,
                   "the estimate %s is %.1f%% from the threshold %s; within %d rounds this "
                   "machine resolves about %.1f%% on these cells (spread %.1f%%, drift "
                   "%.1f%%)",
                   sv, 100 * (exp(m) - 1), st, max_rounds, 100 * (exp(res) - 1),
                   100 * (exp(half) - 1), 100 * (exp(drift) - 1));
        else
          snprintf(out->why, sizeof out->why,
                   "the estimate %s is %.3g from the threshold %s; within %d rounds this "
                   "machine resolves about %.3g on these cells",
                   sv, m, st, max_rounds, res);
      }
    }
  }
done:
  side_free(&a);
  side_free(&b);
  free(f);
  free(fk);
  free(tmp);
  free(bm);
  return out->verdict;
}

mmb_verdict mmb_recipe_eval_check(const mmb_recipe *r, int k, const mmb_recipe_results *rs,
                                  int max_rounds, mmb_recipe_result *out) {
  /* the figure is measured and shown even when a control withholds the verdict */
  mmb_verdict own = eval_one(r, &r->checks[k], rs, max_rounds, out);
  for (int i = 0; i < r->ncontrols; i++) {
    const mmb_recipe_check *c = &r->controls[i];
    mmb_recipe_result cr;
    mmb_verdict v = eval_one(r, c, rs, 0, &cr);
    if (v == MMB_PASS) continue;
    char text[700];
    mmb_recipe_check_text(c, text, sizeof text);
    out->verdict = MMB_INCONCLUSIVE;
    out->kind = v == MMB_FAIL             ? MMB_WHY_HOST
                : cr.kind == MMB_WHY_CELL ? MMB_WHY_CELL
                                          : MMB_WHY_STRADDLE;
    if (own != MMB_INCONCLUSIVE || out->kind == MMB_WHY_HOST) {
      size_t u = strlen(out->measured);
      snprintf(out->measured + u, sizeof out->measured - u, " (not judged)");
    }
    if (cr.kind == MMB_WHY_CELL)
      snprintf(out->why, sizeof out->why, "control '%s' cannot be judged: %s", text, cr.why);
    else
      snprintf(out->why, sizeof out->why, "control '%s' %s: measured %s%s%s", text,
               v == MMB_FAIL ? "does not hold" : "is not settled", cr.measured,
               cr.why[0] ? "; " : "", cr.why);
    return out->verdict;
  }
  return own;
}

mmb_verdict mmb_recipe_eval(const mmb_recipe *r, const mmb_recipe_results *rs, int max_rounds,
                            mmb_recipe_result *out) {
  int fail = 0, pass = 0;
  for (int k = 0; k < r->nchecks; k++) {
    mmb_verdict v = mmb_recipe_eval_check(r, k, rs, max_rounds, &out[k]);
    fail += v == MMB_FAIL;
    pass += v == MMB_PASS;
  }
  return fail ? MMB_FAIL : pass == r->nchecks ? MMB_PASS : MMB_INCONCLUSIVE;
}
