/* mmbench — exact distribution-free shift and ratio intervals (see
 * shift.h). The null distribution of U is the coefficient list of the
 * Gaussian binomial [na+nb choose na]_q, built as the product over
 * i = 1..na of (1 - q^(nb+i)) / (1 - q^i). */
#include "shift.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

#define EXACT_MAX 250000 /* na * nb above this: normal approximation */

/* The null distribution's cumulative counts, normalised: cdf[u] = P(U <= u)
 * for u = 0..na*nb. Malloc'd; NULL when out of memory. */
static double *mw_cdf_table(size_t na, size_t nb) {
  size_t top = na * nb;
  double *p = calloc(top + 1, sizeof *p);
  if (!p) return NULL;
  p[0] = 1;
  for (size_t i = 1; i <= na; i++) {
    size_t up = nb + i;
    for (size_t u = top; u >= up && u <= top; u--) p[u] -= p[u - up]; /* x (1 - q^(nb+i)) */
    for (size_t u = i; u <= top; u++) p[u] += p[u - i];               /* / (1 - q^i) */
  }
  double total = 0;
  for (size_t u = 0; u <= top; u++) total += p[u] > 0 ? p[u] : 0;
  double run = 0;
  for (size_t u = 0; u <= top; u++) {
    run += p[u] > 0 ? p[u] : 0;
    p[u] = run / total;
  }
  return p;
}

double mmb_mw_cdf(size_t na, size_t nb, double u) {
  if (na == 0 || nb == 0) return 1;
  if (u < 0) return 0;
  double top = (double)na * (double)nb;
  if (u >= top) return 1;
  if (top > EXACT_MAX) {
    double mu = top / 2, sd = sqrt(top * (double)(na + nb + 1) / 12.0);
    return 0.5 * erfc(-((floor(u) + 0.5 - mu) / sd) / sqrt(2.0));
  }
  double *cdf = mw_cdf_table(na, nb);
  if (!cdf) return NAN;
  double v = cdf[(size_t)floor(u)];
  free(cdf);
  return v;
}

/* The rank k (1-based) of [D(k), D(mn+1-k)] for na, nb values: the largest
 * k whose coverage 1 - 2 P(U <= k-1) is at least level, else 1; its
 * coverage into *cov. */
static size_t shift_rank(size_t na, size_t nb, double level, double *cov) {
  size_t top = na * nb, k = 1;
  double *cdf = top <= EXACT_MAX ? mw_cdf_table(na, nb) : NULL;
#define CDF(u) (cdf ? cdf[(u)] : mmb_mw_cdf(na, nb, (double)(u)))
  while (k + 1 <= (top + 1) / 2 && 1.0 - 2.0 * CDF(k) >= level) k++;
  *cov = 1.0 - 2.0 * CDF(k - 1);
#undef CDF
  free(cdf);
  if (*cov < 0) *cov = 0;
  return k;
}

double mmb_moses_level(size_t na, size_t nb, double level) {
  if (na == 0 || nb == 0) return NAN;
  if (na < 2 && nb < 2) return 0;
  double cov;
  shift_rank(na, nb, level, &cov);
  return cov;
}

int mmb_moses_ci(const double *a, size_t na, const double *b, size_t nb, int ratio, double level,
                 mmb_moses *out) {
  memset(out, 0, sizeof *out);
  out->est = out->lo = out->hi = out->level = NAN;
  double *x = malloc((na + 1) * sizeof *x), *y = malloc((nb + 1) * sizeof *y);
  size_t nx = 0, ny = 0;
  if (!x || !y) goto oom;
  for (size_t i = 0; i < na; i++)
    if (!isnan(a[i]) && (!ratio || a[i] > 0)) x[nx++] = ratio ? log(a[i]) : a[i];
  for (size_t j = 0; j < nb; j++)
    if (!isnan(b[j]) && (!ratio || b[j] > 0)) y[ny++] = ratio ? log(b[j]) : b[j];
  out->na = nx, out->nb = ny;
  if (nx == 0 || ny == 0) {
    free(x), free(y);
    return 0;
  }
  double *d = malloc(nx * ny * sizeof *d);
  if (!d) goto oom;
  for (size_t i = 0; i < nx; i++)
    for (size_t j = 0; j < ny; j++) d[i * ny + j] = y[j] - x[i];
  size_t m = nx * ny;
  mmb_sort_doubles(d, m);
  out->have = 1;
  out->est = mmb_median_sorted(d, m);
  out->callable = nx >= MMB_MIN_REPS_CALL && ny >= MMB_MIN_REPS_CALL;
  if (nx < 2 && ny < 2) {
    out->lo = out->hi = out->est;
    out->level = 0;
  } else {
    size_t k = shift_rank(nx, ny, level, &out->level);
    out->lo = d[k - 1];
    out->hi = d[m - k];
  }
  if (ratio) out->est = exp(out->est), out->lo = exp(out->lo), out->hi = exp(out->hi);
  free(d), free(x), free(y);
  return 0;
oom:
  free(x), free(y);
  memset(out, 0, sizeof *out);
  return -1;
}
