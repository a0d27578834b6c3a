/* mmbench — when a cell is noisy: its repetitions vary significantly more
 * than the machine's own process-to-process noise (a one-sided chi-square
 * test of the variance of the cell's log-times against the variance the
 * machine's calibration implies), or, where the machine's noise was not
 * measured, when its CV exceeds the fixed MMB_NOISY_CV. */
#ifndef MMB_NOISY_H
#define MMB_NOISY_H

#include <stddef.h>

/* Level of the test: a cell as noisy as the machine is flagged with
 * probability 1 - MMB_NOISY_LEVEL. */
#define MMB_NOISY_LEVEL 0.95

/* The p-quantile of the chi-square distribution with df degrees of freedom
 * (df >= 1, 0 < p < 1); NAN otherwise. */
double mmb_chi2_quantile(double p, double df);
/* P(X <= x) for X chi-square with df degrees of freedom. */
double mmb_chi2_cdf(double x, double df);

/* The CV above which a cell of n repetitions is flagged: with machine_cv
 * (> 0) the CV whose log-variance reaches the chi-square threshold,
 * sqrt(exp(s0^2 chi2(0.95, n-1) / (n-1)) - 1) with s0^2 = ln(1 + cv0^2);
 * without it (NAN or <= 0) MMB_NOISY_CV. NAN for n < 2 (nothing to judge). */
double mmb_noisy_limit(size_t n, double machine_cv);

/* 1 when the CV of the n values v exceeds mmb_noisy_limit(n, machine_cv):
 * the chi-square test of their variance against the machine's, its
 * threshold expressed as a CV (log-normal times: CV = sqrt(exp(s^2) - 1)),
 * so that the flag and the cv and noisy_limit columns agree. 0 for n < 2. */
int mmb_noisy_test(const double *v, size_t n, double machine_cv);

#endif
