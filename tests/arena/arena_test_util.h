/* mmbench tests — helpers shared by the arena tests: RSS, a PRNG, an
 * overlap check over live blocks, fill patterns. */
#ifndef MMB_ARENA_TEST_UTIL_H
#define MMB_ARENA_TEST_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Resident set size in bytes from /proc/self/statm, or 0. */
static inline uint64_t t_rss(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  unsigned long size = 0, resident = 0;
  if (!f) return 0;
  if (fscanf(f, "%lu %lu", &size, &resident) != 2) resident = 0;
  fclose(f);
  return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

static inline uint64_t t_rand(uint64_t *s) { /* xorshift64* */
  uint64_t x = *s;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *s = x;
  return x * 0x2545F4914F6CDD1Dull;
}

typedef struct t_block {
  char *p;
  size_t size;
} t_block;

static int t_cmp_block(const void *a, const void *b) {
  uintptr_t x = (uintptr_t)((const t_block *)a)->p, y = (uintptr_t)((const t_block *)b)->p;
  return x < y ? -1 : x > y;
}

/* Number of overlapping neighbours among n live blocks (sorts a copy).
 * A zero-size block counts as one byte. */
static inline size_t t_overlaps(const t_block *blocks, size_t n) {
  t_block *v = malloc(n * sizeof *v);
  size_t bad = 0;
  if (!v) return (size_t)-1;
  memcpy(v, blocks, n * sizeof *v);
  qsort(v, n, sizeof *v, t_cmp_block);
  for (size_t i = 1; i < n; i++) {
    size_t len = v[i - 1].size ? v[i - 1].size : 1;
    if ((uintptr_t)v[i - 1].p + len > (uintptr_t)v[i].p) bad++;
  }
  free(v);
  return bad;
}

static inline unsigned char t_pat(uint64_t tag, size_t i) {
  return (unsigned char)(tag * 131 + i * 7 + (i >> 8));
}
/* Blocks above 8 KiB get the pattern in their first and last 4 KiB only. */
static inline size_t t_skip(size_t i, size_t n) { return n > 8192 && i == 4096 ? n - 4096 : i; }
static inline void t_fill(char *p, size_t n, uint64_t tag) {
  for (size_t i = 0; i < n; i = t_skip(i + 1, n)) p[i] = (char)t_pat(tag, i);
}
static inline int t_check(const char *p, size_t n, uint64_t tag) {
  for (size_t i = 0; i < n; i = t_skip(i + 1, n))
    if ((unsigned char)p[i] != t_pat(tag, i)) return 0;
  return 1;
}

#endif
