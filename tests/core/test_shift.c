/* Unit tests of the exact shift / ratio interval (bench/stats/shift.c) and
 * the noisy test (bench/stats/noisy.c): the Mann–Whitney null distribution
 * against published critical values, the level of the interval for
 * n = 1, 2, 3, 5, 10 a side, a difference callable only from 3 a side,
 * chi-square quantiles against tables, and a cell flagged only when it is
 * noisier than the machine. */
#include <math.h>

#include "../check.h"
#include "noisy.h"
#include "shift.h"
#include "stats.h"

#define NEAR(a, b, tol) (fabs((a) - (b)) <= (tol))

int main(void) {
  /* P(U = 0) = 1 / C(na+nb, na): 3 vs 3 -> 1/20, 2 vs 2 -> 1/6 */
  CHECK(NEAR(mmb_mw_cdf(3, 3, 0), 0.05, 1e-12));
  CHECK(NEAR(mmb_mw_cdf(2, 2, 0), 1.0 / 6, 1e-12));
  /* 5 vs 5: P(U <= 2) = 4/252 (U counts 0, 1, 2, 2 ways: 1, 1, 2) */
  CHECK(NEAR(mmb_mw_cdf(5, 5, 2), 4.0 / 252, 1e-12));
  /* two-sided 5 % critical values of tables: U <= 2 for 5 vs 5, U <= 23
   * for 10 vs 10, U <= 8 for 5 vs 10 (P <= 0.025 there, > 0.025 above) */
  CHECK(mmb_mw_cdf(5, 5, 2) <= 0.025 && mmb_mw_cdf(5, 5, 3) > 0.025);
  CHECK(mmb_mw_cdf(10, 10, 23) <= 0.025 && mmb_mw_cdf(10, 10, 24) > 0.025);
  CHECK(mmb_mw_cdf(5, 10, 8) <= 0.025 && mmb_mw_cdf(5, 10, 9) > 0.025);
  /* symmetric, sums to one */
  CHECK(NEAR(mmb_mw_cdf(4, 6, 11) + mmb_mw_cdf(4, 6, 12), 1.0, 1e-12));

  /* the level of the interval for n a side */
  CHECK(mmb_moses_level(1, 1, 0.95) == 0);
  CHECK(NEAR(mmb_moses_level(2, 2, 0.95), 2.0 / 3, 1e-12));
  CHECK(NEAR(mmb_moses_level(3, 3, 0.95), 0.9, 1e-12));
  CHECK(NEAR(mmb_moses_level(5, 5, 0.95), 1 - 8.0 / 252, 1e-12));
  CHECK(NEAR(mmb_moses_level(10, 10, 0.95), 1 - 2 * mmb_mw_cdf(10, 10, 23), 1e-12));
  CHECK(mmb_moses_level(10, 10, 0.95) >= 0.95 && mmb_moses_level(10, 10, 0.95) < 0.96);

  /* intervals: b is a twice a; the ratio interval holds 2, is callable
   * only from 3 a side, and is [min, max] of the ratios at 3 vs 3 */
  double a[10], b[10];
  for (int i = 0; i < 10; i++) a[i] = 10 + i, b[i] = 2 * (10 + i);
  mmb_moses s;
  CHECK(mmb_moses_ci(a, 3, b, 3, 1, 0.95, &s) == 0 && s.have && s.callable);
  CHECK(NEAR(s.lo, 20.0 / 12, 1e-9) && NEAR(s.hi, 24.0 / 10, 1e-9) && NEAR(s.est, 2, 1e-9));
  CHECK(NEAR(s.level, 0.9, 1e-12));
  CHECK(mmb_moses_ci(a, 2, b, 2, 1, 0.95, &s) == 0 && !s.callable && s.lo < 2 && s.hi > 2);
  CHECK(mmb_moses_ci(a, 1, b, 1, 1, 0.95, &s) == 0 && !s.callable && s.level == 0);
  CHECK(mmb_moses_ci(a, 10, b, 10, 1, 0.95, &s) == 0 && s.lo < 2 && s.hi > 2 && s.lo > 1);
  /* a shift: b = a + 5 exactly -> a point interval at 5 */
  for (int i = 0; i < 10; i++) b[i] = a[i] + 5;
  CHECK(mmb_moses_ci(a, 5, b, 5, 0, 0.95, &s) == 0 && s.lo <= 5 && s.hi >= 5 &&
        NEAR(s.est, 5, 1e-9));

  /* chi-square quantiles (tables): 3.841 (1), 9.488 (4), 16.919 (9) */
  CHECK(NEAR(mmb_chi2_quantile(0.95, 1), 3.8415, 1e-3));
  CHECK(NEAR(mmb_chi2_quantile(0.95, 4), 9.4877, 1e-3));
  CHECK(NEAR(mmb_chi2_quantile(0.95, 9), 16.919, 1e-3));
  CHECK(NEAR(mmb_chi2_cdf(mmb_chi2_quantile(0.3, 7), 7), 0.3, 1e-9));

  /* the noisy limit: the fixed 5 % without a machine figure; above the
   * machine's CV, falling towards it as n grows */
  CHECK(mmb_noisy_limit(5, NAN) == MMB_NOISY_CV && isnan(mmb_noisy_limit(1, 0.1)));
  CHECK(NEAR(mmb_noisy_limit(5, 0.2), sqrt(expm1(log1p(0.04) * 9.4877 / 4)), 1e-4));
  CHECK(mmb_noisy_limit(5, 0.1) > mmb_noisy_limit(10, 0.1) &&
        mmb_noisy_limit(10, 0.1) > mmb_noisy_limit(100, 0.1) && mmb_noisy_limit(100, 0.1) > 0.1);
  /* a cell as noisy as the machine (CV ~10 %) is not flagged against a
   * 10 % machine, but is against the fixed 5 %; a 40 % cell is flagged */
  double v[6] = {90, 100, 110, 95, 105, 112};
  CHECK(!mmb_noisy_test(v, 6, 0.10) && mmb_noisy_test(v, 6, NAN));
  double w[6] = {60, 100, 140, 70, 130, 160};
  CHECK(mmb_noisy_test(w, 6, 0.10));
  CHECK(!mmb_noisy_test(w, 1, 0.10));
  return mmb_test_exit();
}
