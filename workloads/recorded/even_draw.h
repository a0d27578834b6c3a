/* mmbench — an even (low-discrepancy) draw among a few values with given
 * shares: the empirical workload deals a class's exact lifetimes out with
 * it (empirical.c), so that a stream's shares equal the model's to within
 * one block rather than by chance.
 *
 * Draw k (1, 2, ...) takes the value whose count is furthest below
 * k × its share (the lowest index on a tie); after any k draws each value's
 * count stays within 1 of k × share. */
#ifndef MMB_EVEN_DRAW_H
#define MMB_EVEN_DRAW_H

#include <stdint.h>

/* Shares share[0..n) (summing to 1), counts cnt[0..n) and draws so far *k,
 * both starting at 0. Returns the index drawn (and counts it). */
static inline int mmb_even_pick(const double *share, int n, uint32_t *cnt, uint32_t *k) {
  double next = (double)(*k + 1), best = -1e300;
  int j = 0;
  for (int i = 0; i < n; i++) {
    double lack = next * share[i] - (double)cnt[i];
    if (lack > best) best = lack, j = i;
  }
  cnt[j]++;
  (*k)++;
  return j;
}

#endif
