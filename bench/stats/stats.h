/* mmbench — statistics over the repetitions of one cell. */
#ifndef MMB_STATS_H
#define MMB_STATS_H

#include <stddef.h>

typedef struct mmb_summary {
  size_t n; /* values summarised */
  double median, min, max, mean, stddev;
  double cv;           /* stddev / mean (0 when mean is 0) */
  double ci_lo, ci_hi; /* order-statistic interval of the median (NaN for n < 2) */
  double ci_level;     /* its actual coverage (mmb_median_ci_level) */
} mmb_summary;

/* Sorts v in place and fills *s. n may be 0 (all fields NaN, n = 0). */
void mmb_summarize(double *v, size_t n, mmb_summary *s);

/* Confidence interval of the median of sorted v by order statistics: the
 * narrowest [v(k), v(n+1-k)] whose coverage is at least 95 %, or [min, max]
 * when no interval reaches 95 % (n < 6). NaN for n < 2: one value has no
 * interval. */
void mmb_median_ci(const double *sorted, size_t n, double *lo, double *hi);
/* The actual coverage of that interval for n values (binomial, exact):
 * 0.5 for n = 2, 0.75 for 3, 0.875 for 4, 0.9375 for 5, >= 0.95 from 6 on;
 * NaN for n < 2. */
double mmb_median_ci_level(size_t n);

/* Median of sorted v. */
double mmb_median_sorted(const double *sorted, size_t n);

/* Two-sided Mann–Whitney U test p-value: exact (the distribution of U
 * enumerated) when there are no ties and na + nb <= MMB_MW_EXACT_MAX, else
 * the normal approximation with tie and continuity corrections. 1.0 when
 * either side is empty. */
#define MMB_MW_EXACT_MAX 60
double mmb_mann_whitney_p(const double *a, size_t na, const double *b, size_t nb);
/* The exact two-sided p of U = u (pairs with a > b) for na and nb values
 * without ties: min(1, 2 min(P(U <= u), P(U >= u))). NaN when na or nb is
 * 0 or na + nb > MMB_MW_EXACT_MAX. */
double mmb_mann_whitney_exact_p(double u, size_t na, size_t nb);

/* Student's t distribution with df degrees of freedom (df > 0, real):
 * P(T <= t), and the q-quantile (0 < q < 1). NaN on bad arguments. */
double mmb_t_cdf(double t, double df);
double mmb_t_quantile(double q, double df);

/* The digamma and trigamma functions (x > 0), and the inverse of
 * trigamma (y > 0: the x with trigamma(x) = y). */
double mmb_digamma(double x);
double mmb_trigamma(double x);
double mmb_trigamma_inverse(double y);

/* The shift of log values between two samples: est = mean(log b) -
 * mean(log a) with its standard error and degrees of freedom. Welch
 * (unpaired: unequal variances, Welch-Satterthwaite df) or paired (b[i]
 * with a[i], df = n - 1). exp(est) is the ratio of geometric means B/A. */
typedef struct mmb_shift {
  double est, se, df;
} mmb_shift;
/* 0, or -1 when a side has fewer than 2 values or a value is not > 0. */
int mmb_log_shift_welch(const double *a, size_t na, const double *b, size_t nb, mmb_shift *out);
int mmb_log_shift_paired(const double *a, const double *b, size_t n, mmb_shift *out);
/* The interval est -+ t(1 - alpha / 2, df) se (se 0: the point). */
void mmb_shift_interval(const mmb_shift *s, double alpha, double *lo, double *hi);
/* Minimum-effect test: the two-sided p-value of "the shift lies outside
 * [-delta, +delta]" against the null "it lies inside" (two one-sided t
 * tests, each direction at half the level: p = min(1, 2 min(p_up,
 * p_down))), centred on centre (0 for no change). *dir is +1 when the
 * estimate is above the band, -1 below, 0 inside. se 0: p 0 outside the
 * band, 1 inside. */
double mmb_min_effect_p(const mmb_shift *s, double centre, double delta, int *dir);

/* 95 % bootstrap CI of median(b) / median(a), deterministic (fixed seed). */
void mmb_ratio_ci(const double *a, size_t na, const double *b, size_t nb, double *lo, double *hi);

/* Adjusted p-values for a family of tests (NaN entries are not tests and
 * stay NaN): Holm's step-down (family-wise error) or Benjamini-Hochberg's
 * step-up (false discovery rate). out may not alias p. 0, or -1 when out of
 * memory. */
typedef enum mmb_p_adjust_method { MMB_ADJ_NONE, MMB_ADJ_HOLM, MMB_ADJ_BH } mmb_p_adjust_method;
int mmb_p_adjust(const double *p, size_t n, mmb_p_adjust_method m, double *out);
const char *mmb_p_adjust_name(mmb_p_adjust_method m);

/* Sorts v[0..n) ascending. */
void mmb_sort_doubles(double *v, size_t n);
/* Median of v[0..n) (unsorted; tmp holds n values); NaN for n = 0. */
double mmb_median_of(const double *v, size_t n, double *tmp);
/* Order-statistic interval of the median of sorted v at a chosen level:
 * the narrowest [v(k), v(n+1-k)] whose coverage is at least level, or
 * [min, max] when none is (NaN for n < 2). Its exact coverage for n values
 * (binomial, exchangeable values) is mmb_median_ci_level_at(n, level). */
void mmb_median_ci_at(const double *sorted, size_t n, double level, double *lo, double *hi);
double mmb_median_ci_level_at(size_t n, double level);
/* The fewest values whose range covers the median with at least level. */
size_t mmb_median_ci_min_n(double level);

/* A cell is flagged noisy when its CV exceeds this. */
#define MMB_NOISY_CV 0.05

#endif
