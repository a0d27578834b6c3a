/* mmbench — the exact distribution-free interval of the shift between two
 * samples (Moses' interval, from the Mann–Whitney null distribution): the
 * ordered pairwise differences b_j - a_i, cut at ranks whose coverage is
 * exact for continuous values that differ by a shift, whatever their
 * distribution. On log values it is the interval of a ratio. */
#ifndef MMB_SHIFT_H
#define MMB_SHIFT_H

#include <stddef.h>

/* Fewest repetitions a side before a difference may be called (coloured,
 * ranked as different): below it no interval is narrow enough to mean it. */
#define MMB_MIN_REPS_CALL 3

typedef struct mmb_moses {
  int have;      /* both sides have values */
  size_t na, nb; /* values used */
  double est;    /* Hodges–Lehmann estimate: the median of the differences */
  double lo, hi; /* the interval (equal to est when na or nb is 1: no interval) */
  double level;  /* its exact coverage (0..1); 0 when na or nb is 1 */
  int callable;  /* na and nb >= MMB_MIN_REPS_CALL: an interval may call a difference */
} mmb_moses;

/* Interval of the shift from a to b (b - a), or with ratio set of the ratio
 * b / a (differences of logs, returned as exp; values <= 0 are left out):
 * the narrowest one whose exact coverage is at least level, else the widest
 * there is ([min, max] of the differences) with its own, lower, coverage.
 * 0, or -1 when out of memory (out->have = 0). */
int mmb_moses_ci(const double *a, size_t na, const double *b, size_t nb, int ratio, double level,
                 mmb_moses *out);

/* The exact coverage that interval has for na and nb values at level
 * (0 when either is 1 or less; NAN when either is 0). */
double mmb_moses_level(size_t na, size_t nb, double level);

/* P(U <= u) under the null hypothesis for the Mann–Whitney U of samples of
 * na and nb continuous values (exact; normal approximation with continuity
 * correction when na * nb > 250000). */
double mmb_mw_cdf(size_t na, size_t nb, double u);

#endif
