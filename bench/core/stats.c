/* mmbench — statistics over the repetitions of one cell: median with an
 * order-statistics confidence interval, Mann–Whitney U, bootstrap ratio CI. */
#include "stats.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

double mmb_median_sorted(const double *v, size_t n) {
  if (n == 0) return NAN;
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* P(X <= k) for X ~ Binomial(n, 1/2). */
static double binom_cdf_half(size_t k, size_t n) {
  double term = pow(0.5, (double)n), sum = 0;
  for (size_t i = 0; i <= k; i++) {
    sum += term;
    term = term * (double)(n - i) / (double)(i + 1);
  }
  return sum;
}

/* The rank k (1-based) of the order-statistic interval [v(k), v(n+1-k)]:
 * the largest k with P(X < k) <= 2.5 %, at least 1 ([min, max]). */
static size_t ci_rank(size_t n) {
  size_t k = 0;
  while (k + 1 < n / 2 && binom_cdf_half(k, n) <= 0.025) k++;
  return k ? k : 1;
}

void mmb_median_ci(const double *v, size_t n, double *lo, double *hi) {
  if (n < 2) { /* one value has no interval */
    *lo = *hi = NAN;
    return;
  }
  size_t k = ci_rank(n);
  *lo = v[k - 1];
  *hi = v[n - k];
}

double mmb_median_ci_level(size_t n) {
  if (n < 2) return NAN;
  size_t k = ci_rank(n);
  /* the median lies outside when fewer than k values fall below it, or
   * fewer than k above: 2 P(X <= k-1) */
  return 1.0 - 2.0 * binom_cdf_half(k - 1, n);
}

void mmb_summarize(double *v, size_t n, mmb_summary *s) {
  memset(s, 0, sizeof *s);
  s->n = n;
  if (n == 0) {
    s->median = s->min = s->max = s->mean = s->stddev = s->cv = s->ci_lo = s->ci_hi = NAN;
    s->ci_level = NAN;
    return;
  }
  qsort(v, n, sizeof *v, cmp_double);
  double sum = 0;
  for (size_t i = 0; i < n; i++) sum += v[i];
  s->mean = sum / (double)n;
  double ss = 0;
  for (size_t i = 0; i < n; i++) ss += (v[i] - s->mean) * (v[i] - s->mean);
  s->stddev = n > 1 ? sqrt(ss / (double)(n - 1)) : 0.0;
  s->cv = s->mean != 0 ? s->stddev / fabs(s->mean) : 0.0;
  s->min = v[0];
  s->max = v[n - 1];
  s->median = mmb_median_sorted(v, n);
  mmb_median_ci(v, n, &s->ci_lo, &s->ci_hi);
  s->ci_level = mmb_median_ci_level(n);
}

double mmb_mann_whitney_p(const double *a, size_t na, const double *b, size_t nb) {
  if (na == 0 || nb == 0) return 1.0;
  size_t n = na + nb;
  struct item {
    double v;
    int from_a;
  } *all = malloc(n * sizeof *all);
  if (!all) return 1.0;
  for (size_t i = 0; i < na; i++) all[i] = (struct item){a[i], 1};
  for (size_t i = 0; i < nb; i++) all[na + i] = (struct item){b[i], 0};
  for (size_t i = 1; i < n; i++) {
    struct item t = all[i];
    size_t j = i;
    while (j > 0 && all[j - 1].v > t.v) {
      all[j] = all[j - 1];
      j--;
    }
    all[j] = t;
  }
  double rank_a = 0, tie_term = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && all[j].v == all[i].v) j++;
    double avg = (double)(i + j + 1) / 2.0; /* ranks i+1 .. j */
    double t = (double)(j - i);
    tie_term += t * t * t - t;
    for (size_t k = i; k < j; k++)
      if (all[k].from_a) rank_a += avg;
    i = j;
  }
  free(all);
  double u = rank_a - (double)na * (double)(na + 1) / 2.0;
  double mu = (double)na * (double)nb / 2.0;
  double var =
      (double)na * (double)nb / 12.0 * ((double)(n + 1) - tie_term / ((double)n * (double)(n - 1)));
  if (var <= 0) return 1.0;
  double z = (fabs(u - mu) - 0.5) / sqrt(var);
  if (z < 0) z = 0;
  return erfc(z / sqrt(2.0));
}

void mmb_ratio_ci(const double *a, size_t na, const double *b, size_t nb, double *lo, double *hi) {
  *lo = *hi = NAN;
  if (na == 0 || nb == 0) return;
  enum { ROUNDS = 2000 };
  double *ra = malloc(na * sizeof *ra), *rb = malloc(nb * sizeof *rb);
  double *ratios = malloc(ROUNDS * sizeof *ratios);
  if (!ra || !rb || !ratios) goto out;
  uint64_t x = 0x243f6a8885a308d3ull; /* fixed seed: deterministic output */
  size_t k = 0;
  for (int r = 0; r < ROUNDS; r++) {
    for (size_t i = 0; i < na; i++) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      ra[i] = a[(x >> 33) % na];
    }
    for (size_t i = 0; i < nb; i++) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      rb[i] = b[(x >> 33) % nb];
    }
    qsort(ra, na, sizeof *ra, cmp_double);
    qsort(rb, nb, sizeof *rb, cmp_double);
    double ma = mmb_median_sorted(ra, na);
    if (ma != 0) ratios[k++] = mmb_median_sorted(rb, nb) / ma;
  }
  if (k > 0) {
    qsort(ratios, k, sizeof *ratios, cmp_double);
    *lo = ratios[(size_t)(0.025 * (double)(k - 1))];
    *hi = ratios[(size_t)(0.975 * (double)(k - 1))];
  }
out:
  free(ra);
  free(rb);
  free(ratios);
}

/* ---------------------------------------------------------------------------
 * Multiple comparisons
 * ------------------------------------------------------------------------- */
static const double *adj_p; /* qsort context */
static int cmp_idx(const void *a, const void *b) {
  double x = adj_p[*(const size_t *)a], y = adj_p[*(const size_t *)b];
  return (x > y) - (x < y);
}

const char *mmb_p_adjust_name(mmb_p_adjust_method m) {
  return m == MMB_ADJ_HOLM ? "Holm" : m == MMB_ADJ_BH ? "Benjamini-Hochberg" : "none";
}

int mmb_p_adjust(const double *p, size_t n, mmb_p_adjust_method m, double *out) {
  size_t *idx = malloc((n ? n : 1) * sizeof *idx), mm = 0;
  if (!idx) return -1;
  for (size_t i = 0; i < n; i++) {
    out[i] = p[i];
    if (!isnan(p[i])) idx[mm++] = i;
  }
  if (m != MMB_ADJ_NONE && mm > 0) {
    adj_p = p;
    qsort(idx, mm, sizeof *idx, cmp_idx);
    if (m == MMB_ADJ_HOLM) {
      /* step down: (m - i) p(i), kept monotone from the smallest up */
      double run = 0;
      for (size_t i = 0; i < mm; i++) {
        double v = (double)(mm - i) * p[idx[i]];
        if (v > run) run = v;
        out[idx[i]] = run < 1 ? run : 1;
      }
    } else {
      /* step up: m / i p(i), kept monotone from the largest down */
      double run = 1;
      for (size_t i = mm; i-- > 0;) {
        double v = (double)mm / (double)(i + 1) * p[idx[i]];
        if (v < run) run = v;
        out[idx[i]] = run;
      }
    }
  }
  free(idx);
  return 0;
}

/* ---------------------------------------------------------------------------
 * Order-statistic intervals at a chosen level, sorting and medians for
 * callers that keep their own arrays (the recipes' rounds)
 * ------------------------------------------------------------------------- */
void mmb_sort_doubles(double *v, size_t n) {
  if (n > 1) qsort(v, n, sizeof *v, cmp_double);
}

double mmb_median_of(const double *v, size_t n, double *tmp) {
  if (n == 0) return NAN;
  memcpy(tmp, v, n * sizeof *v);
  mmb_sort_doubles(tmp, n);
  return mmb_median_sorted(tmp, n);
}

/* The rank k of [v(k), v(n+1-k)] for a coverage of at least level: the
 * largest k with 2 P(X <= k-1) <= 1 - level, at least 1 ([min, max]). */
static size_t ci_rank_at(size_t n, double level) {
  size_t k = 1;
  while (k + 1 <= n / 2 && 2.0 * binom_cdf_half(k, n) <= 1.0 - level) k++;
  return k;
}

void mmb_median_ci_at(const double *sorted, size_t n, double level, double *lo, double *hi) {
  if (n < 2) {
    *lo = *hi = NAN;
    return;
  }
  size_t k = ci_rank_at(n, level);
  *lo = sorted[k - 1];
  *hi = sorted[n - k];
}

double mmb_median_ci_level_at(size_t n, double level) {
  if (n < 2) return NAN;
  return 1.0 - 2.0 * binom_cdf_half(ci_rank_at(n, level) - 1, n);
}

size_t mmb_median_ci_min_n(double level) {
  size_t n = 2;
  while (n < 1000 && 1.0 - pow(0.5, (double)n - 1) < level) n++;
  return n;
}
