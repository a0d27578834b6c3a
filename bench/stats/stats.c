/* mmbench — statistics over the repetitions of one cell: median with an
 * order-statistics confidence interval, Mann–Whitney U (exact for small
 * samples), bootstrap ratio CI, Student's t, the shift of log values
 * (Welch, paired) and its minimum-effect test. */
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
  int ties = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && all[j].v == all[i].v) j++;
    double avg = (double)(i + j + 1) / 2.0; /* ranks i+1 .. j */
    double t = (double)(j - i);
    tie_term += t * t * t - t;
    ties |= j - i > 1;
    for (size_t k = i; k < j; k++)
      if (all[k].from_a) rank_a += avg;
    i = j;
  }
  free(all);
  double u = rank_a - (double)na * (double)(na + 1) / 2.0;
  if (!ties && n <= MMB_MW_EXACT_MAX) return mmb_mann_whitney_exact_p(u, na, nb);
  double mu = (double)na * (double)nb / 2.0;
  double var =
      (double)na * (double)nb / 12.0 * ((double)(n + 1) - tie_term / ((double)n * (double)(n - 1)));
  if (var <= 0) return 1.0;
  double z = (fabs(u - mu) - 0.5) / sqrt(var);
  if (z < 0) z = 0;
  return erfc(z / sqrt(2.0));
}

double mmb_mann_whitney_exact_p(double u, size_t na, size_t nb) {
  if (na == 0 || nb == 0 || na + nb > MMB_MW_EXACT_MAX) return NAN;
  /* The count of arrangements with U = k is the coefficient of q^k in the
   * Gaussian binomial [na+nb choose na]_q = prod_{i=1..na} (1 - q^(nb+i)) /
   * (1 - q^i): multiply by each numerator, divide by each denominator (a
   * running sum with stride i). Doubles hold C(60, 30) ~ 1.2e17 well
   * enough for a p-value. */
  size_t deg = na * nb;
  double *c = calloc(deg + 1, sizeof *c);
  if (!c) return NAN;
  c[0] = 1;
  for (size_t i = 1; i <= na; i++) {
    size_t s = nb + i;
    for (size_t k = deg; k >= s; k--) c[k] -= c[k - s];
    for (size_t k = i; k <= deg; k++) c[k] += c[k - i];
  }
  double total = 0, le = 0, ge = 0;
  for (size_t k = 0; k <= deg; k++) {
    total += c[k];
    if ((double)k <= u + 1e-9) le += c[k];
    if ((double)k >= u - 1e-9) ge += c[k];
  }
  free(c);
  double p = 2 * (le < ge ? le : ge) / total;
  return p < 1 ? p : 1;
}

/* ---------------------------------------------------------------------------
 * Student's t
 * ------------------------------------------------------------------------- */
/* Continued fraction of the regularised incomplete beta (modified Lentz). */
static double beta_cf(double a, double b, double x) {
  const double tiny = 1e-300;
  double qab = a + b, qap = a + 1, qam = a - 1, c = 1, d = 1 - qab * x / qap;
  if (fabs(d) < tiny) d = tiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 300; m++) {
    double m2 = 2.0 * m, aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (fabs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (fabs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (fabs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (fabs(c) < tiny) c = tiny;
    d = 1 / d;
    double del = d * c;
    h *= del;
    if (fabs(del - 1) < 1e-15) break;
  }
  return h;
}

/* I_x(a, b), the regularised incomplete beta function. */
static double ibeta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  double lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return exp(lbt) * beta_cf(a, b, x) / a;
  return 1 - exp(lbt) * beta_cf(b, a, 1 - x) / b;
}

double mmb_t_cdf(double t, double df) {
  if (!(df > 0) || isnan(t)) return NAN;
  if (isinf(t)) return t > 0 ? 1 : 0;
  double tail = 0.5 * ibeta(df / 2, 0.5, df / (df + t * t)); /* P(T > |t|) */
  return t > 0 ? 1 - tail : tail;
}

double mmb_t_quantile(double q, double df) {
  if (!(df > 0) || !(q > 0 && q < 1)) return NAN;
  if (q == 0.5) return 0;
  double lo = 0, hi = 1;
  double target = q > 0.5 ? q : 1 - q;
  while (mmb_t_cdf(hi, df) < target && hi < 1e12) hi *= 2;
  for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    double mid = (lo + hi) / 2;
    if (mmb_t_cdf(mid, df) < target)
      lo = mid;
    else
      hi = mid;
  }
  double x = (lo + hi) / 2;
  return q > 0.5 ? x : -x;
}

double mmb_digamma(double x) {
  if (!(x > 0)) return NAN;
  double r = 0;
  while (x < 6) r -= 1 / x, x += 1; /* recurrence up to where the series is exact */
  double f = 1 / (x * x);
  return r + log(x) - 0.5 / x -
         f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))));
}

double mmb_trigamma(double x) {
  if (!(x > 0)) return NAN;
  double r = 0;
  while (x < 6) r += 1 / (x * x), x += 1;
  double f = 1 / (x * x);
  return r + 1 / x + f / 2 +
         f / x * (1.0 / 6 - f * (1.0 / 30 - f * (1.0 / 42 - f * (1.0 / 30 - f * 5.0 / 66))));
}

double mmb_trigamma_inverse(double y) {
  if (!(y > 0)) return NAN;
  if (y > 1e7) return 1 / sqrt(y); /* trigamma(x) ~ 1/x^2 near 0 */
  /* Newton (numerical slope) from 0.5 + 1/y, close at both ends:
   * trigamma(x) ~ 1/x + 1/(2x^2) for large x */
  double x = 0.5 + 1 / y;
  for (int i = 0; i < 100; i++) {
    double t = mmb_trigamma(x), slope = (mmb_trigamma(x * (1 + 1e-7)) - t) / (x * 1e-7);
    double nx = x - (t - y) / slope;
    if (!(nx > 0)) nx = x / 2;
    if (fabs(nx - x) <= 1e-12 * x) return nx;
    x = nx;
  }
  return x;
}

/* ---------------------------------------------------------------------------
 * The shift of log values and its minimum-effect test
 * ------------------------------------------------------------------------- */
static int log_mean_var(const double *v, size_t n, double *mean, double *var) {
  double s = 0, ss = 0;
  for (size_t i = 0; i < n; i++) {
    if (!(v[i] > 0)) return -1;
    s += log(v[i]);
  }
  *mean = s / (double)n;
  for (size_t i = 0; i < n; i++) ss += (log(v[i]) - *mean) * (log(v[i]) - *mean);
  *var = n > 1 ? ss / (double)(n - 1) : 0;
  return 0;
}

int mmb_log_shift_welch(const double *a, size_t na, const double *b, size_t nb, mmb_shift *out) {
  double ma, va, mb, vb;
  if (na < 2 || nb < 2 || log_mean_var(a, na, &ma, &va) || log_mean_var(b, nb, &mb, &vb)) return -1;
  double sa = va / (double)na, sb = vb / (double)nb;
  out->est = mb - ma;
  out->se = sqrt(sa + sb);
  /* Welch–Satterthwaite; both variances 0: the pooled df */
  double den = sa * sa / (double)(na - 1) + sb * sb / (double)(nb - 1);
  out->df = den > 0 ? (sa + sb) * (sa + sb) / den : (double)(na + nb - 2);
  return 0;
}

int mmb_log_shift_paired(const double *a, const double *b, size_t n, mmb_shift *out) {
  if (n < 2) return -1;
  double s = 0, ss = 0;
  for (size_t i = 0; i < n; i++) {
    if (!(a[i] > 0) || !(b[i] > 0)) return -1;
    s += log(b[i]) - log(a[i]);
  }
  double m = s / (double)n;
  for (size_t i = 0; i < n; i++) {
    double d = log(b[i]) - log(a[i]) - m;
    ss += d * d;
  }
  out->est = m;
  out->se = sqrt(ss / (double)(n - 1) / (double)n);
  out->df = (double)(n - 1);
  return 0;
}

void mmb_shift_interval(const mmb_shift *s, double alpha, double *lo, double *hi) {
  double q = s->se > 0 ? mmb_t_quantile(1 - alpha / 2, s->df) * s->se : 0;
  *lo = s->est - q;
  *hi = s->est + q;
}

double mmb_min_effect_p(const mmb_shift *s, double centre, double delta, int *dir) {
  double d = s->est - centre;
  *dir = d > delta ? 1 : d < -delta ? -1 : 0;
  if (!(s->se > 0)) return *dir ? 0 : 1;
  double p_up = 1 - mmb_t_cdf((d - delta) / s->se, s->df),
         p_down = mmb_t_cdf((d + delta) / s->se, s->df);
  double p = 2 * (p_up < p_down ? p_up : p_down);
  return p < 1 ? p : 1;
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
