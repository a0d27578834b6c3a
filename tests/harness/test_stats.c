/* mmbench tests — the statistics (bench/stats.c): summaries and the
 * median's order-statistic interval with its coverage, Mann–Whitney, the
 * ratio interval, Holm and Benjamini-Hochberg adjustment. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "stats.h"

static int close_to(double a, double b, double eps) { return fabs(a - b) <= eps; }

static void test_stats(void) {
  double v[] = {5, 1, 4, 2, 3};
  mmb_summary s;
  mmb_summarize(v, 5, &s);
  CHECK(s.n == 5);
  CHECK(s.median == 3 && s.min == 1 && s.max == 5 && s.mean == 3);
  CHECK(close_to(s.stddev, sqrt(2.5), 1e-12));
  CHECK(close_to(s.cv, sqrt(2.5) / 3, 1e-12));
  CHECK(s.ci_lo == 1 && s.ci_hi == 5); /* n < 6: [min, max] */
  CHECK(s.ci_level == 0.9375);         /* ... which covers 1 - 2/2^5 */
  double e[] = {7, 1};
  mmb_summarize(e, 2, &s);
  CHECK(s.median == 4);
  CHECK(s.ci_level == 0.5 && s.ci_lo == 1 && s.ci_hi == 7);
  double one[] = {3};
  mmb_summarize(one, 1, &s);
  CHECK(s.median == 3 && isnan(s.ci_lo) && isnan(s.ci_hi) && isnan(s.ci_level)); /* no interval */
  mmb_summarize(e, 0, &s);
  CHECK(s.n == 0 && isnan(s.median));
  /* order-statistic CI for n = 20: ranks 6 and 15 (binomial, >= 95 %) */
  double w[20];
  for (int i = 0; i < 20; i++) w[i] = 20 - i;
  mmb_summarize(w, 20, &s);
  CHECK(s.median == 10.5);
  CHECKF(s.ci_lo == 6 && s.ci_hi == 15, "ci [%g, %g]", s.ci_lo, s.ci_hi);
  /* ranks 6..15 of 20 miss the median when at most 5 values fall on one
   * side: 1 - 2 * sum_{i<=5} C(20,i) / 2^20 = 1 - 2 * 21700 / 1048576 */
  CHECKF(close_to(s.ci_level, 1 - 2 * 21700.0 / 1048576.0, 1e-12), "level %g", s.ci_level);
  /* Mann–Whitney: identical samples p = 1, fully separated samples small p */
  double a[] = {1, 2, 3, 4, 5, 6, 7, 8}, b[] = {11, 12, 13, 14, 15, 16, 17, 18};
  CHECK(mmb_mann_whitney_p(a, 8, a, 8) > 0.9);
  double p = mmb_mann_whitney_p(a, 8, b, 8);
  CHECKF(p < 0.001 && p > 0.0001, "p = %g", p); /* exact: 2 / C(16, 8) = 0.000155 */
  CHECK(mmb_mann_whitney_p(a, 0, b, 8) == 1.0);
  /* ratio CI: b = 2a exactly -> ratio CI around 2 */
  double base[8], c[8];
  for (int i = 0; i < 8; i++) base[i] = 100 + i, c[i] = 2 * base[i];
  double lo, hi;
  mmb_ratio_ci(base, 8, c, 8, &lo, &hi);
  CHECKF(lo <= 2 && hi >= 2 && lo > 1.9 && hi < 2.1, "ratio CI [%g, %g]", lo, hi);
  double lo2, hi2;
  mmb_ratio_ci(base, 8, c, 8, &lo2, &hi2);
  CHECK(lo == lo2 && hi == hi2); /* deterministic */
}

/* Coverage of the median's order-statistic interval against the binomial
 * values worked out by hand: [min, max] for n <= 8 covers 1 - 2/2^n; from
 * n = 9 the interval is [x(2), x(n-1)], covering 1 - 2 (1 + n) / 2^n. */
static void test_ci_level(void) {
  CHECK(isnan(mmb_median_ci_level(0)) && isnan(mmb_median_ci_level(1)));
  static const double want[] = {0,
                                0,
                                0.5,
                                0.75,
                                0.875,
                                0.9375,
                                0.96875,
                                0.984375,
                                0.9921875,
                                1 - 2 * 10.0 / 512,
                                1 - 2 * 11.0 / 1024};
  for (size_t n = 2; n <= 10; n++)
    CHECKF(close_to(mmb_median_ci_level(n), want[n], 1e-12), "n=%zu: %g, want %g", n,
           mmb_median_ci_level(n), want[n]);
  for (size_t n = 6; n <= 200; n++) CHECKF(mmb_median_ci_level(n) >= 0.95, "n=%zu", n);
  /* the interval for n = 9 is ranks 2 and 8 */
  double v[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, lo, hi;
  mmb_median_ci(v, 9, &lo, &hi);
  CHECK(lo == 2 && hi == 8);
}

/* Holm and Benjamini-Hochberg on a vector adjusted by hand: sorted p
 * 0.005, 0.01, 0.03, 0.04 (m = 4). Holm: 4p, 3p, 2p, p made non-decreasing
 * = 0.02, 0.03, 0.06, 0.06. BH: 4p, 2p, 4p/3, p made non-increasing from
 * the top = 0.02, 0.02, 0.04, 0.04. A NaN is not a test. */
static void test_p_adjust(void) {
  const double p[] = {0.01, 0.04, NAN, 0.03, 0.005};
  double q[5];
  CHECK(mmb_p_adjust(p, 5, MMB_ADJ_HOLM, q) == 0);
  CHECKF(close_to(q[0], 0.03, 1e-12) && close_to(q[1], 0.06, 1e-12) && isnan(q[2]) &&
             close_to(q[3], 0.06, 1e-12) && close_to(q[4], 0.02, 1e-12),
         "holm %g %g %g %g %g", q[0], q[1], q[2], q[3], q[4]);
  CHECK(mmb_p_adjust(p, 5, MMB_ADJ_BH, q) == 0);
  CHECKF(close_to(q[0], 0.02, 1e-12) && close_to(q[1], 0.04, 1e-12) && isnan(q[2]) &&
             close_to(q[3], 0.04, 1e-12) && close_to(q[4], 0.02, 1e-12),
         "bh %g %g %g %g %g", q[0], q[1], q[2], q[3], q[4]);
  const double two[] = {0.9, 0.01}; /* Holm: 2 x 0.01, then max(0.02, 0.9) */
  CHECK(mmb_p_adjust(two, 2, MMB_ADJ_HOLM, q) == 0 && q[0] == 0.9 && close_to(q[1], 0.02, 1e-12));
  const double cap[] = {0.6, 0.7};
  CHECK(mmb_p_adjust(cap, 2, MMB_ADJ_HOLM, q) == 0 && q[0] == 1 && q[1] == 1);
  CHECK(mmb_p_adjust(p, 5, MMB_ADJ_NONE, q) == 0 && q[0] == 0.01 && q[4] == 0.005);
  CHECK(strcmp(mmb_p_adjust_name(MMB_ADJ_BH), "Benjamini-Hochberg") == 0);
}

int main(void) {
  test_ci_level();
  test_p_adjust();
  test_stats();
  return mmb_test_exit();
}
