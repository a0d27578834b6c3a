/* mmbench — verified blocks for the 'churn' and 'threads' families.
 *
 * Every block carries a pattern derived from its tag (a 64-bit block number,
 * TAG(hi, index)): word i is blk_head(tag) + i * BLK_STEP, cheap to write and
 * to compare, so the allocator rather than the check dominates; an
 * overlapping block has another head, hence other words. Blocks up to
 * FULL_CHECK_MAX bytes get every word and tail byte and are checked in full.
 * Bigger ones get a sparse pattern: the first word of every 4 KiB page (so a
 * big block is also touched page by page, as a program using it would), the
 * middle word and the last word; a scribble elsewhere inside a big block can
 * go unseen (the price of O(pages) instead of O(bytes)). The full pattern is
 * written and checked in the verification repetition only (touch VERIFY);
 * the timed repetitions touch blocks as the touch parameter says (below).
 * A freed block adds blk_sum(tag, size) to an order-free checksum.
 *
 * Also here: deterministic sizes (hash_size), the split of work over threads
 * (share), mmap'ed bookkeeping (book_*) and the faults verify reports.
 * All static inline. */
#ifndef MMB_WL_BLOCKS_H
#define MMB_WL_BLOCKS_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "wl_util.h"

/* ---------------------------------------------------------------------------
 * Pattern fill / check
 * ------------------------------------------------------------------------- */
#define FULL_CHECK_MAX 256 /* bytes: full pattern up to here, sparse above */
#define BLK_PAGE 4096
#define BLK_STEP 0x9e3779b97f4a7c15ull
#define BLK_WORD 0x6d6d62656e636831ull /* touch=word: the first word holds tag ^ BLK_WORD */

static inline void put64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }
static inline uint64_t get64(const unsigned char *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

static inline uint64_t blk_head(uint64_t tag) {
  uint64_t x = tag;
  return mmb_splitmix64(&x);
}

static inline void blk_fill(void *p, size_t size, uint64_t tag) {
  unsigned char *b = p;
  uint64_t h = blk_head(tag);
  if (size <= FULL_CHECK_MAX) {
    size_t words = size / 8;
    for (size_t i = 0; i < words; i++) put64(b + i * 8, h + i * BLK_STEP);
    uint64_t last = h + words * BLK_STEP;
    for (size_t i = words * 8; i < size; i++) b[i] = (unsigned char)(last >> (8 * (i & 7)));
    return;
  }
  for (size_t off = 0; off + 16 <= size; off += BLK_PAGE) put64(b + off, h + (off / 8) * BLK_STEP);
  size_t mid = (size / 2) & ~(size_t)7;
  put64(b + mid, h + (mid / 8) * BLK_STEP);
  put64(b + size - 8, ~h ^ size);
}

/* 1 when the block still holds the pattern blk_fill wrote. */
static inline int blk_check(const void *p, size_t size, uint64_t tag) {
  const unsigned char *b = p;
  uint64_t h = blk_head(tag);
  if (size <= FULL_CHECK_MAX) {
    size_t words = size / 8;
    uint64_t diff = 0;
    for (size_t i = 0; i < words; i++) diff |= get64(b + i * 8) ^ (h + i * BLK_STEP);
    uint64_t last = h + words * BLK_STEP;
    for (size_t i = words * 8; i < size; i++) diff |= b[i] ^ (unsigned char)(last >> (8 * (i & 7)));
    return diff == 0;
  }
  for (size_t off = 0; off + 16 <= size; off += BLK_PAGE)
    if (get64(b + off) != h + (off / 8) * BLK_STEP) return 0;
  size_t mid = (size / 2) & ~(size_t)7;
  if (get64(b + mid) != h + (mid / 8) * BLK_STEP) return 0;
  return get64(b + size - 8) == (~h ^ size);
}

/* What a freed block adds to the order-free checksum: the word touch=word
 * leaves in it (tag ^ BLK_WORD) plus its size. Two additions, so that a
 * hot loop can add the word it reads from the block itself: an allocator
 * that changed the word changes the checksum, which then differs from the
 * verification repetition's, and the cell is recorded corrupt. Nothing
 * waits on that read but one addition (a compare and branch, or a mixing
 * multiplication, on a word that is still on its way from memory slows a
 * churn loop by 1-2 ns per operation). */
static inline uint64_t blk_sum(uint64_t h, uint64_t tag, size_t size) {
  return h + (tag ^ BLK_WORD) + (uint64_t)size;
}

#define TAG(hi, i) (((uint64_t)(hi) << 40) | (uint64_t)(i))
#define TAG_INDEX(tag) ((tag) & ((1ull << 40) - 1))

/* Deterministic size of block tag in [min, min + span). */
static inline size_t hash_size(uint64_t seed, uint64_t tag, size_t min, uint64_t span) {
  uint64_t x = seed ^ (tag * 0xd1b54a32d192ed03ull);
  uint64_t h = mmb_splitmix64(&x);
  return min + (size_t)(((__uint128_t)h * span) >> 64);
}

/* Thread tid's share of n units: [n*tid/T, n*(tid+1)/T). */
static inline uint64_t share_lo(uint64_t n, int threads, int tid) {
  return (uint64_t)(((__uint128_t)n * (uint64_t)tid) / (uint64_t)threads);
}
static inline uint64_t share(uint64_t n, int threads, int tid) {
  return share_lo(n, threads, tid + 1) - share_lo(n, threads, tid);
}

/* 0, or -1 with ctx->reason when min > max. */
static inline int check_min_max(mmb_ctx *ctx, long long min, long long max) {
  if (min <= max) return 0;
  snprintf(ctx->reason, sizeof ctx->reason, "min (%lld) must not exceed max (%lld)", min, max);
  return -1;
}

/* ---------------------------------------------------------------------------
 * Bookkeeping memory: mmap'ed, so it neither goes through nor perturbs the
 * allocator under test, and can be handed back to the OS when done.
 * ------------------------------------------------------------------------- */
static inline void *book_map(size_t bytes) {
  void *p =
      mmap(NULL, bytes ? bytes : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}
static inline void book_unmap(void *p, size_t bytes) {
  if (p) munmap(p, bytes ? bytes : 1);
}
/* Give back the whole pages of [p + used, p + bytes) (contents become zero). */
static inline void book_drop_tail(void *p, size_t used, size_t bytes) {
  uintptr_t lo = ((uintptr_t)p + used + BLK_PAGE - 1) & ~(uintptr_t)(BLK_PAGE - 1);
  uintptr_t hi = ((uintptr_t)p + bytes) & ~(uintptr_t)(BLK_PAGE - 1);
  if (hi > lo) madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

/* ---------------------------------------------------------------------------
 * Faults found while running, reported by verify as one line
 * ------------------------------------------------------------------------- */
enum { F_NONE = 0, F_NULL, F_PATTERN, F_REALLOC_NULL };

typedef struct fault {
  int kind;
  uint64_t index; /* TAG_INDEX of the block */
  size_t size;
} fault;

/* Records the first fault only. */
static inline void fault_set(fault *f, int kind, uint64_t tag, size_t size) {
  if (f->kind) return;
  f->kind = kind;
  f->index = TAG_INDEX(tag);
  f->size = size;
}

/* 1 and a one-line reason "<who> <id>: ..." when f holds a fault, else 0. */
static inline int fault_reason(const fault *f, const char *who, int id, char *buf, size_t len) {
  switch (f->kind) {
  case F_NONE: return 0;
  case F_NULL:
    snprintf(buf, len, "%s %d: malloc(%zu) returned NULL (block %llu)", who, id, f->size,
             (unsigned long long)f->index);
    break;
  case F_REALLOC_NULL:
    snprintf(buf, len, "%s %d: realloc to %zu bytes returned NULL (vector %llu)", who, id, f->size,
             (unsigned long long)f->index);
    break;
  default:
    snprintf(buf, len,
             "%s %d: block %llu (%zu bytes) changed while live: overlapping blocks or a write "
             "by the allocator",
             who, id, (unsigned long long)f->index, f->size);
    break;
  }
  return 1;
}

/* ---------------------------------------------------------------------------
 * Touching blocks: what the region does with a block (ctx->touch)
 *   WORD    the first word (first byte below 8 bytes) holds tag ^ BLK_WORD,
 *           written at allocation and read before free: one store and one
 *           load per block, as a program that uses its memory does. The
 *           word read goes into the checksum (blk_sum) rather than into a
 *           compare (blocks below 8 bytes: compared)
 *   FULL    every byte written at allocation (memset), then the first word
 *           as WORD; compared before free
 *   NONE    no access at all
 *   VERIFY  the verification repetition (untimed): full pattern (blk_fill)
 *           and full check (blk_check), which catch overlaps and scribbles
 *           anywhere in a block
 * The checksum (blk_sum of tag and size) is the same in every mode when
 * nothing changed a block.
 * ------------------------------------------------------------------------- */
/* WORD where the caller knows every block has 8 bytes or more: a constant
 * the hot loops pass to drop the size test (never a ctx->touch value). */
#define BLK_TOUCH_WORD8 (-1)

/* The modes other than WORD (and WORD below 8 bytes), out of the hot path. */
static __attribute__((noinline, cold)) void blk_touch_other(int touch, void *p, size_t size,
                                                            uint64_t tag) {
  unsigned char *b = p;
  if (touch == MMB_TOUCH_NONE) return;
  if (touch == MMB_TOUCH_VERIFY) {
    blk_fill(p, size, tag);
    return;
  }
  if (touch == MMB_TOUCH_FULL) memset(b, (int)(tag & 0xff), size); /* every byte, then the word */
  if (size >= 8)
    put64(b, tag ^ BLK_WORD);
  else
    b[0] = (unsigned char)(tag ^ BLK_WORD);
}

static __attribute__((noinline, cold)) int blk_intact_other(int touch, const void *p, size_t size,
                                                            uint64_t tag) {
  const unsigned char *b = p;
  if (touch == MMB_TOUCH_NONE) return 1;
  if (touch == MMB_TOUCH_VERIFY) return blk_check(p, size, tag);
  return size >= 8 ? get64(b) == (tag ^ BLK_WORD) : b[0] == (unsigned char)(tag ^ BLK_WORD);
}

static inline __attribute__((always_inline)) void blk_touch(int touch, void *p, size_t size,
                                                            uint64_t tag) {
  if ((__builtin_constant_p(touch) && touch == BLK_TOUCH_WORD8) ||
      __builtin_expect(touch == MMB_TOUCH_WORD && size >= 8, 1))
    put64(p, tag ^ BLK_WORD);
  else if (touch != MMB_TOUCH_NONE)
    blk_touch_other(touch, p, size, tag);
}

/* 1 when the block still holds what blk_touch wrote. */
static inline __attribute__((always_inline)) int blk_intact(int touch, const void *p, size_t size,
                                                            uint64_t tag) {
  if ((__builtin_constant_p(touch) && touch == BLK_TOUCH_WORD8) ||
      __builtin_expect(touch == MMB_TOUCH_WORD && size >= 8, 1))
    return get64(p) == (tag ^ BLK_WORD);
  if (touch == MMB_TOUCH_NONE) return 1;
  return blk_intact_other(touch, p, size, tag);
}

/* ---------------------------------------------------------------------------
 * Allocating, checking and freeing blocks
 * ------------------------------------------------------------------------- */
typedef struct blk {
  unsigned char *p;
  uint64_t tag;
  size_t size;
} blk;

/* malloc(size) touched as tag; NULL after recording F_NULL. */
static inline __attribute__((always_inline)) void *
blk_new(int touch, const mmb_allocator *a, int libc, fault *f, size_t size, uint64_t tag) {
  void *p = mmb_al_malloc(a, libc, size);
  if (p)
    blk_touch(touch, p, size, tag);
  else
    fault_set(f, F_NULL, tag, size);
  return p;
}

/* Add p to *sum and free it: 0, or -1 after recording F_PATTERN (p is then
 * left allocated: freeing a block handed out twice could crash the
 * allocator before the fault is reported). touch=word adds the word it
 * reads (see blk_sum); the other modes check the block first. */
static inline __attribute__((always_inline)) int blk_free(int touch, const mmb_allocator *a,
                                                          int libc, fault *f, uint64_t *sum,
                                                          void *p, size_t size, uint64_t tag) {
  if ((__builtin_constant_p(touch) && touch == BLK_TOUCH_WORD8) ||
      __builtin_expect(touch == MMB_TOUCH_WORD && size >= 8, 1)) {
    *sum += get64(p) + (uint64_t)size; /* = blk_sum(tag, size) when the word is intact */
  } else {
    if (!blk_intact(touch, p, size, tag)) {
      fault_set(f, F_PATTERN, tag, size);
      return -1;
    }
    *sum = blk_sum(*sum, tag, size);
  }
  mmb_al_free(a, libc, p, size);
  return 0;
}

/* blk_new into *v: 0, or -1 (v->p = NULL). */
static inline __attribute__((always_inline)) int blk_alloc(int touch, const mmb_allocator *a,
                                                           int libc, fault *f, blk *v, size_t size,
                                                           uint64_t tag) {
  *v = (blk){blk_new(touch, a, libc, f, size, tag), tag, size};
  return v->p ? 0 : -1;
}

/* blk_free of *v (v->p = NULL after it): 0, or -1 (v left as is). */
static inline __attribute__((always_inline)) int
blk_release(int touch, const mmb_allocator *a, int libc, fault *f, uint64_t *sum, blk *v) {
  if (blk_free(touch, a, libc, f, sum, v->p, v->size, v->tag) != 0) return -1;
  v->p = NULL;
  return 0;
}

/* Check the n live entries of b (p != NULL) and add them to *sum: 0, or -1
 * after recording F_PATTERN for the first changed one. */
static inline int blk_check_all(int touch, const blk *b, size_t n, fault *f, uint64_t *sum) {
  for (size_t j = 0; j < n; j++) {
    if (!b[j].p) continue;
    if (!blk_intact(touch, b[j].p, b[j].size, b[j].tag)) {
      fault_set(f, F_PATTERN, b[j].tag, b[j].size);
      return -1;
    }
    *sum = blk_sum(*sum, b[j].tag, b[j].size);
  }
  return 0;
}

/* Free the live entries of b (no check: teardown). */
static inline void blk_free_all(const mmb_allocator *a, blk *b, size_t n) {
  for (size_t j = 0; b && j < n; j++)
    if (b[j].p) a->free(b[j].p, b[j].size);
}

/* A compact slot: the block and its size; its tag is the word touch=word
 * wrote at its start (tag ^ BLK_WORD). 16 bytes, where a blk is 24. */
typedef struct wslot {
  unsigned char *p;
  size_t size;
} wslot;

/* Add the n live entries of b (p != NULL) to *sum, each by the tag its
 * first word holds: a changed word shows as another checksum. */
static inline void wslot_sum_all(const wslot *b, size_t n, uint64_t *sum) {
  for (size_t j = 0; j < n; j++)
    if (b[j].p) *sum += get64(b[j].p) + (uint64_t)b[j].size;
}

/* Free the live entries of b (no check: teardown). */
static inline void wslot_free_all(const mmb_allocator *a, wslot *b, size_t n) {
  for (size_t j = 0; b && j < n; j++)
    if (b[j].p) a->free(b[j].p, b[j].size);
}

/* ---------------------------------------------------------------------------
 * Per-thread results of the threads family (threads.c, threads_sharing.c)
 * ------------------------------------------------------------------------- */
/* Per-thread results: written by their thread only, on separate lines. */
typedef struct tres {
  uint64_t sum;
  uint64_t peak;
  fault f;
} __attribute__((aligned(128))) tres;

static inline tres *tres_new(int threads) {
  tres *r = aligned_alloc(128, sizeof(tres) * (size_t)threads);
  if (r) memset(r, 0, sizeof(tres) * (size_t)threads);
  return r;
}

/* Checksum and live bytes from per-thread results; -1 on a fault. */
static inline int tres_verify(mmb_ctx *ctx, const tres *r, int n, const char *who) {
  uint64_t h = 0, live = 0;
  for (int i = 0; i < n; i++)
    if (fault_reason(&r[i].f, who, i, ctx->reason, sizeof ctx->reason)) return -1;
  for (int i = 0; i < n; i++) {
    h += r[i].sum; /* sums of mmb_mix terms add up */
    live += r[i].peak;
  }
  ctx->checksum = h;
  ctx->live_bytes = live;
  return 0;
}

#endif
