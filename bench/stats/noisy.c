/* mmbench — the noisy flag (see noisy.h): chi-square quantiles from the
 * regularised lower incomplete gamma function (series below a + 1, a
 * continued fraction above), inverted by bisection. */
#include "noisy.h"

#include <math.h>

#include "stats.h"

/* P(a, x): the regularised lower incomplete gamma function. */
static double gamma_p(double a, double x) {
  if (x <= 0) return 0;
  double lg = lgamma(a);
  if (x < a + 1) { /* series */
    double term = 1.0 / a, sum = term;
    for (int i = 1; i < 1000; i++) {
      term *= x / (a + i);
      sum += term;
      if (fabs(term) < fabs(sum) * 1e-15) break;
    }
    return sum * exp(-x + a * log(x) - lg);
  }
  /* continued fraction for Q(a, x) (modified Lentz) */
  double tiny = 1e-300, b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  for (int i = 1; i < 1000; i++) {
    double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (fabs(d) < tiny) d = tiny;
    c = b + an / c;
    if (fabs(c) < tiny) c = tiny;
    d = 1 / d;
    double step = d * c;
    h *= step;
    if (fabs(step - 1) < 1e-15) break;
  }
  return 1 - exp(-x + a * log(x) - lg) * h;
}

double mmb_chi2_cdf(double x, double df) {
  if (!(df > 0)) return NAN;
  return gamma_p(df / 2, x / 2);
}

double mmb_chi2_quantile(double p, double df) {
  if (!(df >= 1) || !(p > 0 && p < 1)) return NAN;
  double lo = 0, hi = df + 10 * sqrt(2 * df) + 20;
  while (mmb_chi2_cdf(hi, df) < p) hi *= 2;
  for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    double mid = (lo + hi) / 2;
    if (mmb_chi2_cdf(mid, df) < p)
      lo = mid;
    else
      hi = mid;
  }
  return (lo + hi) / 2;
}

double mmb_noisy_limit(size_t n, double machine_cv) {
  if (n < 2) return NAN;
  if (!(machine_cv > 0)) return MMB_NOISY_CV;
  double s0sq = log1p(machine_cv * machine_cv), df = (double)(n - 1);
  double lim = s0sq * mmb_chi2_quantile(MMB_NOISY_LEVEL, df) / df;
  return sqrt(expm1(lim));
}

int mmb_noisy_test(const double *v, size_t n, double machine_cv) {
  if (n < 2) return 0;
  double sum = 0, ss = 0;
  for (size_t i = 0; i < n; i++) sum += v[i];
  double mean = sum / (double)n;
  for (size_t i = 0; i < n; i++) ss += (v[i] - mean) * (v[i] - mean);
  if (mean == 0) return 0;
  return sqrt(ss / (double)(n - 1)) / fabs(mean) > mmb_noisy_limit(n, machine_cv);
}
