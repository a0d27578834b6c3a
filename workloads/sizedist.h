/* mmbench — empirical size distributions: a table of block sizes with
 * weights, read from a `size,weight` CSV file or built from two arrays, and
 * drawn from in O(1) (Walker / Vose alias method) with a workload's seeded
 * PRNG, so the same seed gives the same sizes under every allocator.
 *
 *   mmb_sizedist d;
 *   if (mmb_sizedist_load(&d, path, err, sizeof err) != 0) ... err says why
 *   size_t size = mmb_sizedist_draw(&d, &rng);
 *   mmb_sizedist_free(&d);
 *
 * File format: one `size,weight` pair a line (size in bytes,
 * 1..MMB_SIZEDIST_MAX_SIZE; weight >= 0 in any scale, relative to the sum),
 * '#' starts a comment, blank lines are skipped, spaces around the fields
 * and CRLF line ends are accepted, and the first line may be a
 * `size,weight` header. Example: workloads/data/sizes-example.csv. */
#ifndef MMB_SIZEDIST_H
#define MMB_SIZEDIST_H

#include <stddef.h>
#include <stdint.h>

#include "wl_util.h"

#define MMB_SIZEDIST_MAX_ENTRIES (1u << 20) /* lines a table may hold */
#define MMB_SIZEDIST_MAX_SIZE (1ull << 30)  /* largest size, bytes */

typedef struct mmb_sizedist {
  size_t n;         /* entries */
  uint32_t *size;   /* sizes in bytes, in the order given */
  uint64_t *thresh; /* alias method: entry i is kept when a draw < thresh[i] (p * 2^64) */
  uint32_t *alias;  /* alias method: the entry taken instead */
  size_t max;       /* largest size with a nonzero weight */
} mmb_sizedist;

/* Read a size,weight CSV file into d. 0, or -1 with a one-line message
 * naming the file (and the line) in err; d is then empty. */
int mmb_sizedist_load(mmb_sizedist *d, const char *path, char *err, size_t errlen);

/* Build d from n sizes (1..MMB_SIZEDIST_MAX_SIZE) and their weights (>= 0,
 * finite, sum > 0); the arrays are copied. 0, or -1 with a one-line
 * message in err; d is then empty. */
int mmb_sizedist_build(mmb_sizedist *d, const uint32_t *sizes, const double *weights, size_t n,
                       char *err, size_t errlen);

/* Release d's tables (d is left empty; freeing an empty d is a no-op). */
void mmb_sizedist_free(mmb_sizedist *d);

/* One size drawn with probability weight / sum of weights: two PRNG draws. */
static inline __attribute__((always_inline)) size_t mmb_sizedist_draw(const mmb_sizedist *d,
                                                                      mmb_rng *r) {
  size_t i = (size_t)mmb_rng_below(r, d->n);
  return mmb_rng_next(r) < d->thresh[i] ? d->size[i] : d->size[d->alias[i]];
}

#endif
