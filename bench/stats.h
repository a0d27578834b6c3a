/* mmbench — statistics over the repetitions of one cell. */
#ifndef MMB_STATS_H
#define MMB_STATS_H

#include <stddef.h>

typedef struct mmb_summary {
  size_t n;              /* values summarised */
  double median, min, max, mean, stddev;
  double cv;             /* stddev / mean (0 when mean is 0) */
  double ci_lo, ci_hi;   /* 95 % confidence interval of the median */
} mmb_summary;

/* Sorts v in place and fills *s. n may be 0 (all fields NaN, n = 0). */
void mmb_summarize(double *v, size_t n, mmb_summary *s);

/* 95 % CI of the median of sorted v by order statistics (binomial); for
 * n < 6 the CI is [min, max]. */
void mmb_median_ci(const double *sorted, size_t n, double *lo, double *hi);

/* Median of sorted v. */
double mmb_median_sorted(const double *sorted, size_t n);

/* Two-sided Mann–Whitney U test p-value (normal approximation with tie
 * correction; exact enumeration is not done). 1.0 when either side is empty. */
double mmb_mann_whitney_p(const double *a, size_t na, const double *b, size_t nb);

/* 95 % bootstrap CI of median(b) / median(a), deterministic (fixed seed). */
void mmb_ratio_ci(const double *a, size_t na, const double *b, size_t nb, double *lo,
                  double *hi);

/* A cell is flagged noisy when its CV exceeds this. */
#define MMB_NOISY_CV 0.05

#endif
