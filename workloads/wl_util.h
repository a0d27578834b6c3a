/* mmbench — helpers shared by workloads: seeded PRNG, block patterns,
 * keeping the compiler from deleting work. All static inline. */
#ifndef MMB_WL_UTIL_H
#define MMB_WL_UTIL_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "workload.h"

/* ---------------------------------------------------------------------------
 * PRNG: a 64-bit counter mixed by one 64x64->128 multiplication (the
 * wyrand construction), seeded with splitmix64: a few instructions per draw,
 * so the random numbers a workload draws cost its timed region little.
 * ------------------------------------------------------------------------- */
typedef struct mmb_rng {
  uint64_t s[4]; /* s[0] is the state; the rest is kept for the layout */
} mmb_rng;

static inline uint64_t mmb_splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* Seed from the cell seed and a stream number (e.g. the thread id). */
static inline void mmb_rng_seed(mmb_rng *r, uint64_t seed, uint64_t stream) {
  uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03ull);
  for (int i = 0; i < 4; i++) r->s[i] = mmb_splitmix64(&x);
}

static inline uint64_t mmb_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t mmb_rng_next(mmb_rng *r) {
  uint64_t x = (r->s[0] += 0xa0761d6478bd642full);
  __uint128_t m = (__uint128_t)x * (x ^ 0xe7037ed1a0b428dbull);
  return (uint64_t)(m >> 64) ^ (uint64_t)m;
}

/* Uniform in [0, n) (n > 0), by multiply-shift. */
static inline uint64_t mmb_rng_below(mmb_rng *r, uint64_t n) {
  return (uint64_t)(((__uint128_t)mmb_rng_next(r) * n) >> 64);
}

/* ---------------------------------------------------------------------------
 * Allocator calls in hot loops. libc: the allocator has MMB_CAP_LIBC (a
 * preloaded malloc), so malloc and free are called by name, one call as in
 * a program, rather than through the descriptor's wrapper (an indirect call
 * and then the call by name). Loops pass libc as a constant (mmb_al_libc
 * decides once, before the loop) so that each case compiles to direct code.
 * ------------------------------------------------------------------------- */
static inline int mmb_al_libc(const mmb_allocator *a) { return (a->caps & MMB_CAP_LIBC) != 0; }

static inline __attribute__((always_inline)) void *mmb_al_malloc(const mmb_allocator *a, int libc,
                                                                 size_t size) {
  return libc ? malloc(size) : a->malloc(size);
}

static inline __attribute__((always_inline)) void mmb_al_free(const mmb_allocator *a, int libc,
                                                              void *p, size_t size) {
  if (libc)
    free(p);
  else
    a->free(p, size);
}

/* ---------------------------------------------------------------------------
 * Patterns: every block is filled with words derived from a tag (its index)
 * and checked before it is freed or reused.
 * ------------------------------------------------------------------------- */
static inline uint64_t mmb_pattern_word(uint64_t tag, size_t i) {
  uint64_t x = tag * 0x9e3779b97f4a7c15ull + i;
  x ^= x >> 29;
  return x * 0xbf58476d1ce4e5b9ull;
}

/* Fill size bytes at p. Cheap: first word, last word and one per 64 bytes
 * for big blocks would hide scribbles, so every word is written. */
static inline void mmb_pattern_fill(void *p, size_t size, uint64_t tag) {
  unsigned char *b = p;
  size_t words = size / 8;
  for (size_t i = 0; i < words; i++) {
    uint64_t w = mmb_pattern_word(tag, i);
    memcpy(b + i * 8, &w, 8);
  }
  for (size_t i = words * 8; i < size; i++) b[i] = (unsigned char)(tag + i);
}

/* 1 if the block still holds the pattern of tag, else 0. */
static inline int mmb_pattern_check(const void *p, size_t size, uint64_t tag) {
  const unsigned char *b = p;
  size_t words = size / 8;
  for (size_t i = 0; i < words; i++) {
    uint64_t w;
    memcpy(&w, b + i * 8, 8);
    if (w != mmb_pattern_word(tag, i)) return 0;
  }
  for (size_t i = words * 8; i < size; i++)
    if (b[i] != (unsigned char)(tag + i)) return 0;
  return 1;
}

/* Order-independent checksum accumulation (commutative across threads). */
static inline uint64_t mmb_mix(uint64_t h, uint64_t v) {
  uint64_t x = v + 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return h + (x ^ (x >> 31));
}

/* Keep the compiler from deleting work: the pointer / value escapes. */
static inline void mmb_escape(void *p) { __asm__ volatile("" : : "g"(p) : "memory"); }
static inline void mmb_consume(uint64_t v) { __asm__ volatile("" : : "r"(v) : "memory"); }

#endif
