/* mmbench — the judgement of `mmbench compare` (see compare_judge.h): Welch
 * or paired t on log values, a minimum-effect test against the practical
 * threshold, the common shift of the cells with its allowance, Benjamini–
 * Hochberg over the cells, verdicts and sensitivities. */
#include "compare_judge.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

static double median_copy(const double *v, size_t n) {
  double *c = malloc((n ? n : 1) * sizeof *c);
  if (!c || !n) {
    free(c);
    return NAN;
  }
  memcpy(c, v, n * sizeof *c);
  qsort(c, n, sizeof *c, cmp_double);
  double m = mmb_median_sorted(c, n);
  free(c);
  return m;
}

const char *mmb_cmp_verdict_name(mmb_cmp_verdict v) {
  switch (v) {
  case MMB_CMP_FEW: return "too-few";
  case MMB_CMP_HIGHER: return "higher";
  case MMB_CMP_LOWER: return "lower";
  case MMB_CMP_SAME: return "same";
  case MMB_CMP_UNSURE: return "unsure";
  default: return "none";
  }
}

void mmb_cmp_cell_stats(const double *a, size_t na, const double *b, size_t nb,
                        const mmb_cmp_opts *o, mmb_cmp_cell *out) {
  memset(out, 0, sizeof *out);
  out->na = (int)na;
  out->nb = (int)nb;
  out->ratio = out->lo = out->hi = out->p = out->p_adj = out->mw_p = out->sens = NAN;
  out->median_ratio = out->ma = out->mb = NAN;
  if (!na || !nb) {
    out->verdict = MMB_CMP_NONE;
    return;
  }
  out->ma = median_copy(a, na);
  out->mb = median_copy(b, nb);
  if (out->ma > 0) out->median_ratio = out->mb / out->ma;
  out->mw_p = mmb_mann_whitney_p(a, na, b, nb);
  out->verdict = MMB_CMP_FEW;
  out->ratio = out->median_ratio; /* shown, never called */
  if (na < MMB_CMP_MIN_REPS || nb < MMB_CMP_MIN_REPS) return;
  int bad = o->paired ? (na != nb || mmb_log_shift_paired(a, b, na, &out->own))
                      : mmb_log_shift_welch(a, na, b, nb, &out->own);
  out->sh = out->own;
  if (bad) {
    out->verdict = MMB_CMP_NONE;
    out->ratio = NAN;
    return;
  }
  out->tested = 1;
  double lo, hi;
  mmb_shift_interval(&out->sh, o->alpha, &lo, &hi);
  out->ratio = exp(out->sh.est);
  out->lo = exp(lo);
  out->hi = exp(hi);
}

/* The variance of one log value behind a cell's standard error: se^2 =
 * u (1/na + 1/nb), paired se^2 = u / n. */
static double unit_factor(const mmb_cmp_cell *c, int paired) {
  return paired ? 1.0 / c->na : 1.0 / c->na + 1.0 / c->nb;
}

/* Moderated variances (Smyth 2004): the cells' unit variances u_i with
 * d_i degrees of freedom are taken as draws around a common s0^2 with d0
 * degrees of freedom, both estimated from the spread of log u_i; each cell
 * then uses (d0 s0^2 + d_i u_i) / (d0 + d_i) with d0 + d_i degrees of
 * freedom. Cells with heterogeneous noise give a small d0 (little
 * borrowed); identical noise a large one. Needs 3 cells, every u_i > 0.
 * Returns d0 (0: not applied). */
static double moderate(mmb_cmp_cell *c, size_t n, int paired) {
  double sum = 0, sum2 = 0, tri = 0;
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    if (!c[i].tested) continue;
    double u = c[i].own.se * c[i].own.se / unit_factor(&c[i], paired), d = c[i].own.df;
    if (!(u > 0) || !(d > 0)) return 0;
    double e = log(u) - mmb_digamma(d / 2) + log(d / 2);
    sum += e, sum2 += e * e, tri += mmb_trigamma(d / 2), m++;
  }
  if (m < 3) return 0;
  double mean = sum / (double)m, var = (sum2 - (double)m * mean * mean) / (double)(m - 1);
  double excess = var - tri / (double)m, d0 = 1000; /* no excess: one variance for all */
  if (excess > 0) d0 = 2 * mmb_trigamma_inverse(excess);
  if (!(d0 <= 1000)) d0 = 1000;
  double s02 = exp(mean + mmb_digamma(d0 / 2) - log(d0 / 2));
  for (size_t i = 0; i < n; i++) {
    if (!c[i].tested) continue;
    double k = unit_factor(&c[i], paired), u = c[i].own.se * c[i].own.se / k, d = c[i].own.df;
    c[i].sh.se = sqrt((d0 * s02 + d * u) / (d0 + d) * k);
    c[i].sh.df = d0 + d;
  }
  return d0;
}

/* The common shift of the tested cells (the median of their log B/A, into
 * fam->shift as a ratio), how many agree with it, and whether most cells
 * moved together (fam->moved_together, fam->allowance). v: room for n.
 * Returns the shift (log). */
static double common_shift(const mmb_cmp_cell *c, size_t n, const mmb_cmp_opts *o, double delta,
                           double *v, mmb_cmp_family *fam) {
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (c[i].tested) v[m++] = c[i].sh.est;
  fam->tested = m;
  double shift = 0;
  if (m) {
    qsort(v, m, sizeof *v, cmp_double);
    shift = mmb_median_sorted(v, m);
    fam->shift = exp(shift);
    /* a cell moved with the others when its interval holds the shift and
     * not 1: wide intervals, which hold anything, do not count */
    for (size_t i = 0; i < n; i++) {
      if (!c[i].tested) continue;
      int holds = log(c[i].lo) <= shift + 1e-12 && log(c[i].hi) >= shift - 1e-12;
      fam->holds += holds;
      fam->consistent += holds && (c[i].lo > 1 || c[i].hi < 1);
      fam->same_side += shift > 0 ? c[i].sh.est > 0 : c[i].sh.est < 0;
    }
  }
  /* most cells moved together: two thirds moved (interval excludes 1) with
   * the shift, or, when the noise leaves intervals wide, nearly every cell
   * moved the same way and two thirds hold the shift */
  double dm = (double)m;
  fam->moved_together = m >= MMB_CMP_DRIFT_MIN_CELLS && fabs(shift) > delta &&
                        ((double)fam->consistent >= MMB_CMP_DRIFT_SHARE * dm ||
                         ((double)fam->same_side >= MMB_CMP_DRIFT_SIDE * dm &&
                          (double)fam->holds >= MMB_CMP_DRIFT_SHARE * dm));
  fam->allowance = fam->moved_together && !o->paired && !o->raw;
  return shift;
}

/* Each tested cell's minimum-effect p-value into c[i].p and v[i] (NAN for
 * the others), and its sensitivity. With the allowance a cell must differ
 * from no change and from the common shift (intersection-union: the
 * larger p). */
static void cell_p_values(mmb_cmp_cell *c, size_t n, const mmb_cmp_opts *o, double delta,
                          double shift, const mmb_cmp_family *fam, double *v) {
  for (size_t i = 0; i < n; i++) {
    v[i] = NAN;
    if (!c[i].tested) continue;
    int dir, dir2;
    double p = mmb_min_effect_p(&c[i].sh, 0, delta, &dir);
    if (fam->allowance) {
      double p2 = mmb_min_effect_p(&c[i].sh, shift, delta, &dir2);
      if (p2 > p) p = p2;
    }
    c[i].p = p;
    /* sensitivity: the lone change BH can call needs p < alpha / m, each
     * direction alpha / 2m */
    double t =
        c[i].sh.se > 0 ? mmb_t_quantile(1 - o->alpha / (2.0 * (double)fam->tested), c[i].sh.df) : 0;
    c[i].sens = exp(delta + t * c[i].sh.se);
    v[i] = p;
  }
}

/* Each cell's verdict from its adjusted p-value q and its interval, the
 * family's counts, and the median sensitivity (v: room for n). */
static void verdicts(mmb_cmp_cell *c, size_t n, const mmb_cmp_opts *o, double delta,
                     const double *q, double *v, mmb_cmp_family *fam) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (!c[i].tested) {
      fam->few += c[i].verdict == MMB_CMP_FEW;
      continue;
    }
    c[i].p_adj = q[i];
    if (q[i] < o->alpha && fabs(c[i].sh.est) > delta)
      c[i].verdict = c[i].sh.est > 0 ? MMB_CMP_HIGHER : MMB_CMP_LOWER;
    else if (log(c[i].lo) >= -delta && log(c[i].hi) <= delta)
      c[i].verdict = MMB_CMP_SAME;
    else
      c[i].verdict = MMB_CMP_UNSURE;
    fam->higher += c[i].verdict == MMB_CMP_HIGHER;
    fam->lower += c[i].verdict == MMB_CMP_LOWER;
    fam->same += c[i].verdict == MMB_CMP_SAME;
    fam->unsure += c[i].verdict == MMB_CMP_UNSURE;
    v[k++] = c[i].sens;
  }
  if (k) {
    qsort(v, k, sizeof *v, cmp_double);
    fam->sens_median = mmb_median_sorted(v, k);
  }
}

int mmb_cmp_judge(mmb_cmp_cell *c, size_t n, const mmb_cmp_opts *o, mmb_cmp_family *fam) {
  memset(fam, 0, sizeof *fam);
  fam->ncells = n;
  fam->shift = fam->sens_median = NAN;
  double *v = calloc(n + 1, sizeof *v), *q = calloc(n + 1, sizeof *q);
  int rc = -1;
  if (!v || !q) goto out;
  double delta = log1p(o->threshold);
  if (!o->own_variance) fam->prior_df = moderate(c, n, o->paired);
  for (size_t i = 0; i < n; i++) {
    if (!c[i].tested) continue;
    double lo, hi;
    mmb_shift_interval(&c[i].sh, o->alpha, &lo, &hi);
    c[i].lo = exp(lo);
    c[i].hi = exp(hi);
  }
  double shift = common_shift(c, n, o, delta, v, fam);
  cell_p_values(c, n, o, delta, shift, fam, v);
  for (size_t i = 0; i < n; i++) q[i] = NAN;
  if (mmb_p_adjust(v, n, MMB_ADJ_BH, q) != 0) goto out;
  verdicts(c, n, o, delta, q, v, fam);
  rc = 0;
out:
  free(v);
  free(q);
  return rc;
}
