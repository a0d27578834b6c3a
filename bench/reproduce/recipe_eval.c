/* mmbench — deciding a recipe's checks (see recipe.h) on the rounds of its
 * results: each round (one repetition of one batch, every cell of the
 * matrix measured once, interleaved) gives one figure per check; the
 * estimate is their median, the interval the order-statistic interval of
 * that median at the level the planned looks need (stats/stats.c), widened
 * by the drift between batches, and a check whose effect is below what the
 * machine resolves is INCONCLUSIVE. The conditions a check cites and the
 * recipe's controls are measured alongside and shown with the verdict. */
#define _GNU_SOURCE
#include <sys/stat.h>
#include <unistd.h>

#include "metrics.h"
#include "recipe_int.h"
#include "runs.h"
#include "stats.h"

/* Timings move by a few percent between runs of one machine in ways no
 * round of a single run sees (frequency, placement, neighbours): the drift
 * allowance of a time figure is at least this much (log scale). */
#define TIME_DRIFT_FLOOR 0.02
#define FAMILY_ERROR 0.05 /* the chance that any look of a recipe's check errs */

const char *mmb_verdict_name(mmb_verdict v) {
  return v == MMB_PASS ? "PASS" : v == MMB_FAIL ? "FAIL" : "INCONCLUSIVE";
}

const char *mmb_recipe_why_name(mmb_recipe_why w) {
  static const char *const names[] = {"", "straddles", "resolution", "cell", "host", "condition"};
  return (unsigned)w < sizeof names / sizeof names[0] ? names[w] : "";
}

int mmb_recipe_looks(int calibration, int budget) {
  int done = calibration < budget ? calibration : budget, looks = 1;
  while (done < budget) {
    done += done < budget - done ? done : budget - done;
    looks++;
  }
  return looks;
}

/* ---------------------------------------------------------------------------
 * Results folders
 * ------------------------------------------------------------------------- */
void mmb_recipe_results_init(mmb_recipe_results *rs) { memset(rs, 0, sizeof *rs); }

void mmb_recipe_results_free(mmb_recipe_results *rs) {
  for (int i = 0; i < rs->n; i++) mmb_runs_free(&rs->runs[i]);
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
  mmb_runs *runs = &rs->runs[rs->n];
  if (mmb_runs_read(path, runs, err, errlen) != 0) return -1;
  /* the rounds are (batch, rep) and a failed cell shows its reason */
  const char *missing = runs->col_rep < 0 ? "rep" : runs->col_reason < 0 ? "reason" : NULL;
  if (missing) {
    snprintf(err, errlen, "%s has no '%s' column (not a runs.csv written by mmbench run)", path,
             missing);
    mmb_runs_free(runs);
    return -1;
  }
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
 * One side of a check: a cell's value in every round
 * ------------------------------------------------------------------------- */
/* Terms separated by '+' / '-', each a product of factors. */
static double metric_eval(const mmb_recipe_metric *m, const mmb_runs *runs, size_t row) {
  double sum = 0, term = 1, sign = 1;
  for (int i = 0; i < m->n; i++) {
    double f = m->name[i][0] ? mmb_runs_value(runs, row, m->name[i]) : m->num[i];
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
  for (int i = 0; i < m->n; i++)
    if (m->name[i][0] && mmb_metric_is_timing(m->name[i])) return 1;
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

/* The one cell of the results selector s of check c picks: the folder and
 * the cell's index in its cell map. 0, or INCONCLUSIVE with why (no cell,
 * or more than one). */
static int find_cell(const mmb_recipe_check *c, int s, const mmb_recipe_results *rs, int *fi,
                     size_t *fc, char *why, size_t len) {
  char st[512];
  mmb_recipe_sel_text(&c->sel[s], st, sizeof st);
  *fi = -1;
  for (int i = 0; i < rs->n; i++) {
    const mmb_cellmap *m = &rs->runs[i].cells;
    for (size_t k = 0; k < m->n; k++) {
      mmb_recipe_cellkey key = {m->workload[k], m->params[k], m->allocator[k], m->threads[k],
                                rs->run[i]};
      if (!mmb_recipe_sel_match(&c->sel[s], &key)) continue;
      if (*fi < 0) {
        *fi = i, *fc = k;
        continue;
      }
      const mmb_cellmap *f = &rs->runs[*fi].cells;
      if (rs->run[*fi] != rs->run[i] ||
          mmb_cellmap_find(f, m->workload[k], m->params[k], m->allocator[k], m->threads[k]) !=
              (long)*fc) {
        snprintf(why, len, "selector '%s' matches more than one cell of the results", st);
        return MMB_INCONCLUSIVE;
      }
    }
  }
  if (*fi >= 0) return 0;
  snprintf(why, len, "no cell of the results matches '%s'", st);
  return MMB_INCONCLUSIVE;
}

/* The values of check c's metric on selector s's cell. 0 with *out, or a
 * verdict (FAIL for a corrupt cell under on-corrupt: fail, else
 * INCONCLUSIVE) with why. */
static int gather(const mmb_recipe *r, const mmb_recipe_check *c, int s,
                  const mmb_recipe_results *rs, side *out, char *why, size_t len) {
  memset(out, 0, sizeof *out);
  int fi;
  size_t fc, total = 0;
  int v = find_cell(c, s, rs, &fi, &fc, why, len);
  if (v) return v;
  const mmb_cellmap *fm = &rs->runs[fi].cells;
  const char *w = fm->workload[fc], *p = fm->params[fc], *a = fm->allocator[fc];
  int th = fm->threads[fc], frun = rs->run[fi];
  snprintf(out->desc, sizeof out->desc, "%s %s %s t=%d", w, p, a, th);
  for (int i = 0; i < rs->n; i++) total += rs->runs[i].nrows;
  out->key = malloc((total + 1) * sizeof *out->key);
  out->v = malloc((total + 1) * sizeof *out->v);
  if (!out->key || !out->v) {
    snprintf(why, len, "out of memory");
    return MMB_INCONCLUSIVE;
  }
  int bad = 0, rows = 0, corrupt = 0;
  char bad_status[32] = "", bad_reason[256] = "";
  for (int i = 0; i < rs->n; i++) {
    const mmb_runs *runs = &rs->runs[i];
    long cell = rs->run[i] == frun ? mmb_cellmap_find(&runs->cells, w, p, a, th) : -1;
    for (size_t row = 0; cell >= 0 && row < runs->nrows; row++) {
      const mmb_run_row *rw = &runs->rows[row];
      if (rw->cell != (size_t)cell) continue;
      rows++;
      if (!mmb_status_is_ok(rw->status)) {
        int is_corrupt = rw->status == MMB_ST_CORRUPT;
        if (!bad || (is_corrupt && !corrupt)) {
          /* an empty status word is no status at all */
          int worded = mmb_table_get(runs->table, row, runs->col_status)[0] != 0;
          snprintf(bad_status, sizeof bad_status, "%s",
                   worded ? mmb_status_name(rw->status) : "not ok");
          snprintf(bad_reason, sizeof bad_reason, "%s", rw->reason);
        }
        corrupt |= is_corrupt;
        bad++;
        continue;
      }
      double x = metric_eval(&c->metric, runs, row);
      if (isnan(x)) continue;
      out->key[out->n] = (long)rs->batch[i] * 1000000L + rw->rep;
      out->v[out->n++] = x;
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

/* The figures of one check's rounds (eval_one's work, freed together). */
typedef struct figures {
  double *f;   /* the figure of every round, in round order */
  long *fk;    /* its round: batch * 1000000 + rep */
  double *tmp; /* scratch for medians */
  double *bm;  /* the figure of each batch: the median of its rounds */
  int n;       /* rounds */
  int nb;      /* batches */
  int mmin;    /* rounds of the smallest batch */
  int logs;    /* every figure is positive: spreads on the log scale */
  double sd;   /* one round's spread within its batch */
} figures;

/* The arrays of fs. */
static void figures_free(figures *fs) {
  free(fs->f);
  free(fs->fk);
  free(fs->tmp);
  free(fs->bm);
}

/* The figure of every round side a measured (for a ratio: over side b's
 * value in the same round), in round order. 0, or -1 out of memory. */
static int pair_rounds(const mmb_recipe_check *c, const side *a, const side *b, figures *fs) {
  size_t cap = (size_t)a->n + 1;
  fs->f = malloc(cap * sizeof *fs->f);
  fs->fk = malloc(cap * sizeof *fs->fk);
  fs->tmp = malloc(cap * sizeof *fs->tmp);
  fs->bm = malloc(cap * sizeof *fs->bm);
  if (!fs->f || !fs->fk || !fs->tmp || !fs->bm) return -1;
  int n = 0;
  for (int i = 0; i < a->n; i++) {
    double x = a->v[i];
    if (c->func == MMB_RECIPE_RATIO) {
      int j = 0;
      while (j < b->n && b->key[j] != a->key[i]) j++;
      if (j == b->n || b->v[j] == 0) continue;
      x /= b->v[j];
    }
    /* insertion in round order */
    int p = n++;
    while (p > 0 && fs->fk[p - 1] > a->key[i])
      fs->fk[p] = fs->fk[p - 1], fs->f[p] = fs->f[p - 1], p--;
    fs->fk[p] = a->key[i], fs->f[p] = x;
  }
  fs->n = n;
  return 0;
}

/* The batches' own figures (the median of their rounds) and the spread of
 * one round's figure within its batch: 1.4826 x the median absolute
 * deviation from the batch's figure (log scale when every figure is
 * positive). 0, or -1 out of memory. */
static int batch_spread(figures *fs) {
  int n = fs->n, rc = -1;
  int *start = malloc(((size_t)n + 1) * sizeof *start);
  double *dev = malloc(((size_t)n + 1) * sizeof *dev);
  if (!start || !dev) goto done;
  fs->nb = 0, fs->mmin = n;
  for (int i = 0; i < n;) {
    int j = i;
    while (j < n && fs->fk[j] / 1000000L == fs->fk[i] / 1000000L) j++;
    start[fs->nb] = i;
    fs->bm[fs->nb++] = mmb_median_of(fs->f + i, (size_t)(j - i), fs->tmp);
    if (j - i < fs->mmin) fs->mmin = j - i;
    i = j;
  }
  start[fs->nb] = n;
  for (int b = 0; b < fs->nb; b++)
    for (int i = start[b]; i < start[b + 1]; i++)
      dev[i] = fabs(fs->logs ? log(fs->f[i] / fs->bm[b]) : fs->f[i] - fs->bm[b]);
  fs->sd = 1.4826 * mmb_median_of(dev, (size_t)n, fs->tmp);
  rc = 0;
done:
  free(start);
  free(dev);
  return rc;
}

/* The order-statistic interval of the median at level target into *lo and
 * *hi (exact for exchangeable rounds; [min, max] below it); returns its
 * exact coverage. */
static double median_interval(figures *fs, double target, double *lo, double *hi) {
  size_t n = (size_t)fs->n;
  memcpy(fs->tmp, fs->f, n * sizeof *fs->f);
  mmb_sort_doubles(fs->tmp, n);
  if (n < 2)
    *lo = *hi = fs->tmp[0];
  else
    mmb_median_ci_at(fs->tmp, n, target, lo, hi);
  return n < 2 ? 0 : mmb_median_ci_level_at(n, target);
}

/* The drift: half the spread of the batches' figures, less what the noise
 * of a batch median of m rounds explains (1.25 sd / sqrt(m)); at least
 * TIME_DRIFT_FLOOR for a timing on the log scale. */
static double batch_drift(const figures *fs, const mmb_recipe_metric *m) {
  double drift = 0;
  if (fs->nb >= 2) {
    double mn = INFINITY, mx = -INFINITY;
    for (int i = 0; i < fs->nb; i++) {
      double x = fs->logs ? log(fs->bm[i]) : fs->bm[i];
      mn = fmin(mn, x), mx = fmax(mx, x);
    }
    drift = fmax(0, (mx - mn) / 2 - 1.25 * fs->sd / sqrt((double)fs->mmin));
  }
  if (fs->logs && is_timing(m) && drift < TIME_DRIFT_FLOOR) drift = TIME_DRIFT_FLOOR;
  return drift;
}

typedef struct shown { /* the figures of a result as messages show them */
  char v[32], lo[32], hi[32], t[32];
} shown;

/* An INCONCLUSIVE check whose distance to its threshold is below what
 * max_rounds rounds resolve (the half-width of the median of that many
 * rounds, 1.96 x 1.25 sd / sqrt(rounds), plus the drift): why so. */
static void resolution_why(const mmb_recipe_check *c, int logs, int max_rounds, const shown *t,
                           mmb_recipe_result *out) {
  if (max_rounds <= 0) return;
  int nmax = max_rounds > out->rounds ? max_rounds : out->rounds;
  double half = 1.96 * 1.25 * out->spread / sqrt((double)nmax), drift = out->drift;
  double res = half + drift, m = margin(c, out->value, logs);
  if (!(m < res)) return;
  out->kind = MMB_WHY_RESOLUTION;
  if (logs)
    snprintf(out->why, sizeof out->why,
             "the estimate %s is %.1f%% from the threshold %s; within %d rounds this "
             "machine resolves about %.1f%% on these cells (spread %.1f%%, drift "
             "%.1f%%)",
             t->v, 100 * (exp(m) - 1), t->t, max_rounds, 100 * (exp(res) - 1),
             100 * (exp(half) - 1), 100 * (exp(drift) - 1));
  else
    snprintf(out->why, sizeof out->why,
             "the estimate %s is %.3g from the threshold %s; within %d rounds this "
             "machine resolves about %.3g on these cells",
             t->v, m, t->t, max_rounds, res);
}

/* The verdict on the interval in out, its measured text, and why when it
 * is not PASS: too few rounds for the level, no value meets the
 * threshold, the interval straddles it, or the effect is below what
 * max_rounds rounds resolve. */
static void judge(const mmb_recipe_check *c, int logs, int max_rounds, int looks,
                  mmb_recipe_result *out) {
  double lo = out->lo, hi = out->hi, level = out->ci_level, target = out->ci_target;
  int n = out->rounds, min_n = (int)mmb_median_ci_min_n(target);
  shown t;
  fmt_val(out->value, t.v, sizeof t.v);
  fmt_val(lo, t.lo, sizeof t.lo);
  fmt_val(hi, t.hi, sizeof t.hi);
  fmt_val(c->value, t.t, sizeof t.t);
  snprintf(out->measured, sizeof out->measured, "%s [%s, %s] %.1f%% %d round%s", t.v, t.lo, t.hi,
           100 * level, n, n == 1 ? "" : "s");
  out->verdict = mmb_recipe_decide(c, lo, hi);
  out->kind = MMB_WHY_NONE;
  if (level < target && lo < hi) {
    /* the range of n rounds covers the median with 1 - 2^(1-n) only */
    out->verdict = MMB_INCONCLUSIVE;
    out->kind = MMB_WHY_STRADDLE;
    snprintf(out->why, sizeof out->why,
             "%d rounds: their range [%s, %s] covers the median with only %.1f%%; a verdict "
             "at %.1f%% (%d look%s planned) needs %d rounds",
             n, t.lo, t.hi, 100 * level, 100 * target, looks, looks == 1 ? "" : "s", min_n);
  } else if (out->verdict == MMB_FAIL) {
    snprintf(out->why, sizeof out->why, "no value of the interval [%s, %s] meets %s %s%s", t.lo,
             t.hi, mmb_recipe_op_text[c->op], t.t, c->tol > 0 ? " (with its tolerance)" : "");
  }
  if (out->verdict != MMB_INCONCLUSIVE) return;
  out->kind = MMB_WHY_STRADDLE;
  if (level >= target || lo == hi)
    snprintf(out->why, sizeof out->why, "the interval [%s, %s] straddles %s %s after %d rounds",
             t.lo, t.hi, mmb_recipe_op_text[c->op], t.t, n);
  resolution_why(c, logs, max_rounds, &t, out);
}

/* Check c's figure from its sides' rounds into out: the estimate (the
 * median of the round figures), its interval at the level this look needs
 * widened by the drift, and the verdict (out stays "not measured" when
 * out of memory). */
static void measure(const mmb_recipe_check *c, const side *a, const side *b, int max_rounds,
                    int looks, figures *fs, mmb_recipe_result *out) {
  if (pair_rounds(c, a, b, fs) != 0) return;
  int n = fs->n;
  if (n == 0) {
    snprintf(out->why, sizeof out->why,
             "no round measured both %s and %s (the two cells never ran in the same round)",
             a->desc, b->desc);
    return;
  }
  out->rounds = n;
  fs->logs = 1;
  for (int i = 0; i < n; i++) fs->logs &= fs->f[i] > 0;
  double est = mmb_median_of(fs->f, (size_t)n, fs->tmp), lo, hi;
  if (batch_spread(fs) != 0) return;
  double target = 1 - FAMILY_ERROR / (looks > 0 ? looks : 1);
  double level = median_interval(fs, target, &lo, &hi);
  out->batches = fs->nb;
  double drift = batch_drift(fs, &c->metric);
  if (fs->logs)
    lo *= exp(-drift), hi *= exp(drift);
  else
    lo -= drift, hi += drift;
  if (lo > est) lo = est;
  if (hi < est) hi = est;
  out->value = est, out->lo = lo, out->hi = hi, out->drift = drift, out->spread = fs->sd;
  out->ci_level = level;
  out->ci_target = target;
  judge(c, fs->logs, max_rounds, looks, out);
}

/* Check c on the rounds of rs into out: its cells' values, then their
 * figure and verdict (INCONCLUSIVE and why when a cell is missing, failed
 * or unmeasured; FAIL for a corrupt cell under on-corrupt: fail). */
static mmb_verdict eval_one(const mmb_recipe *r, const mmb_recipe_check *c,
                            const mmb_recipe_results *rs, int max_rounds, int looks,
                            mmb_recipe_result *out) {
  memset(out, 0, sizeof *out);
  out->value = out->lo = out->hi = NAN;
  out->verdict = MMB_INCONCLUSIVE;
  out->kind = MMB_WHY_CELL;
  snprintf(out->measured, sizeof out->measured, "not measured");
  side a = {.n = 0}, b = {.n = 0};
  figures fs = {.n = 0};
  int v = gather(r, c, 0, rs, &a, out->why, sizeof out->why);
  if (!v && c->func == MMB_RECIPE_RATIO) v = gather(r, c, 1, rs, &b, out->why, sizeof out->why);
  if (v) {
    out->verdict = (mmb_verdict)v;
    out->kind = v == MMB_FAIL ? MMB_WHY_NONE : MMB_WHY_CELL;
  } else {
    measure(c, &a, &b, max_rounds, looks, &fs, out);
  }
  side_free(&a);
  side_free(&b);
  figures_free(&fs);
  return out->verdict;
}

/* The cores a check's cells kept busy (median CPU time / wall time), as
 * "allocator t=2 1.93 cores"; "" when unmeasured. */
static void cores_used(const mmb_recipe *r, const mmb_recipe_check *c, const mmb_recipe_results *rs,
                       char *buf, size_t len) {
  buf[0] = 0;
  mmb_recipe_check u = *c;
  memset(&u.metric, 0, sizeof u.metric);
  u.metric.n = 2;
  snprintf(u.metric.name[0], sizeof u.metric.name[0], "cpu_ns");
  snprintf(u.metric.name[1], sizeof u.metric.name[1], "wall_ns");
  u.metric.op[0] = '*', u.metric.op[1] = '/';
  size_t used = 0;
  for (int s = 0; s < (c->func == MMB_RECIPE_RATIO ? 2 : 1); s++) {
    side v;
    char why[400];
    int g = gather(r, &u, s, rs, &v, why, sizeof why);
    if ((g != 0 || v.n == 0) && v.desc[0])
      used += (size_t)snprintf(buf + used, used < len ? len - used : 0,
                               "%s%s: CPU and wall time not recorded", used ? "; " : "", v.desc);
    else if (g == 0 && v.n > 0) {
      double *tmp = malloc((size_t)v.n * sizeof *tmp);
      if (tmp) {
        double m = mmb_median_of(v.v, (size_t)v.n, tmp);
        used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s: %.2f cores",
                                 used ? "; " : "", v.desc, m);
        free(tmp);
      }
    }
    side_free(&v);
    if (used >= len) break;
  }
}

static void append(char *buf, size_t len, const char *fmt, const char *a, const char *b) {
  size_t u = strlen(buf);
  if (u + 1 < len) snprintf(buf + u, len - u, fmt, a, b);
}

mmb_verdict mmb_recipe_eval_check(const mmb_recipe *r, int k, const mmb_recipe_results *rs,
                                  int max_rounds, int looks, mmb_recipe_result *out) {
  /* the figure is measured and shown even when a condition or a control
   * withholds the verdict */
  const mmb_recipe_check *chk = &r->checks[k];
  mmb_verdict own = eval_one(r, chk, rs, max_rounds, looks, out);
  char cond[sizeof out->condition] = "";
  const mmb_recipe_check *held = NULL; /* the first condition or control that withholds */
  mmb_recipe_result held_res;
  mmb_verdict held_v = MMB_PASS;
  int held_is_cond = 0;
  int nlines = chk->nat + r->ncontrols;
  for (int i = 0; i < nlines; i++) {
    int is_cond = i < chk->nat;
    const mmb_recipe_check *c = is_cond ? &r->conditions[chk->at[i]] : &r->controls[i - chk->nat];
    mmb_recipe_result cr;
    mmb_verdict v = eval_one(r, c, rs, 0, looks, &cr);
    char text[700];
    mmb_recipe_check_text(c, text, sizeof text);
    append(cond, sizeof cond, "%s%s", cond[0] ? "; " : "", is_cond ? "at " : "control ");
    append(cond, sizeof cond, "%s: measured %s", c->label[0] ? c->label : c->text, cr.measured);
    if (v != MMB_PASS)
      append(cond, sizeof cond, " (%s%s)", v == MMB_FAIL ? "not met" : "not settled", "");
    if (v != MMB_PASS && !held) {
      held = c, held_res = cr, held_v = v, held_is_cond = is_cond;
    }
  }
  char cores[400];
  cores_used(r, chk, rs, cores, sizeof cores);
  if (cores[0]) append(cond, sizeof cond, "%s%s", cond[0] ? "; " : "", cores);
  snprintf(out->condition, sizeof out->condition, "%s", cond);
  if (!held) return own;
  char text[700];
  mmb_recipe_check_text(held, text, sizeof text);
  out->verdict = MMB_INCONCLUSIVE;
  out->kind = held_v == MMB_FAIL              ? (held_is_cond ? MMB_WHY_CONDITION : MMB_WHY_HOST)
              : held_res.kind == MMB_WHY_CELL ? MMB_WHY_CELL
                                              : MMB_WHY_STRADDLE;
  if (own != MMB_INCONCLUSIVE || out->kind == MMB_WHY_HOST || out->kind == MMB_WHY_CONDITION) {
    size_t u = strlen(out->measured);
    snprintf(out->measured + u, sizeof out->measured - u, " (not judged)");
  }
  const char *what = held_is_cond ? "condition" : "control";
  if (held_res.kind == MMB_WHY_CELL)
    snprintf(out->why, sizeof out->why, "%s '%s' cannot be judged: %s", what, text, held_res.why);
  else if (held_is_cond && held_v == MMB_FAIL)
    snprintf(out->why, sizeof out->why,
             "the run did not create %s, the condition the threshold holds at: measured %s "
             "(%s); the figure is shown, not judged",
             held->label, held_res.measured, held->text);
  else
    snprintf(out->why, sizeof out->why, "%s '%s' %s: measured %s%s%s", what, text,
             held_v == MMB_FAIL ? "does not hold" : "is not settled", held_res.measured,
             held_res.why[0] ? "; " : "", held_res.why);
  return out->verdict;
}

mmb_verdict mmb_recipe_eval(const mmb_recipe *r, const mmb_recipe_results *rs, int max_rounds,
                            int looks, mmb_recipe_result *out) {
  int fail = 0, pass = 0;
  for (int k = 0; k < r->nchecks; k++) {
    mmb_verdict v = mmb_recipe_eval_check(r, k, rs, max_rounds, looks, &out[k]);
    fail += v == MMB_FAIL;
    pass += v == MMB_PASS;
  }
  return fail ? MMB_FAIL : pass == r->nchecks ? MMB_PASS : MMB_INCONCLUSIVE;
}
