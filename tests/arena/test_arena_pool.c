/* mmbench tests — `arena-pool`: alignment, zero and huge sizes, reuse of
 * freed blocks, bounded memory under churn, large blocks unmapped on free,
 * remote frees from another thread, realloc, reset, no overlap, adapter. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "allocator.h"
#include "arena.h"
#include "arena_pool.h"
#include "arena_test_util.h"
#include "check.h"

#define MiB ((size_t)1 << 20)

static int is_mapped(const void *p) {
  unsigned char vec;
  void *page = (void *)((uintptr_t)p & ~(uintptr_t)4095);
  return mincore(page, 4096, &vec) == 0;
}

static void test_alignment_and_sizes(void) {
  mmb_pool_t *pool = mmb_pool_create(0);
  CHECK(pool != NULL);
  for (size_t align = 1; align <= ((size_t)1 << 21); align *= 2) {
    if (align > 4096 && align != 65536 && align != ((size_t)1 << 17) && align != ((size_t)1 << 21))
      continue;
    for (size_t size = 1; size <= 3 * align + 5 && size < 8 * MiB; size += align / 2 + 1) {
      char *p = mmb_pool_aligned_alloc(pool, align, size);
      CHECKF(p && (uintptr_t)p % align == 0, "align %zu size %zu -> %p", align, size, (void *)p);
      if (!p) continue;
      CHECK(mmb_pool_usable_size(p) >= size);
      memset(p, 0x5a, size);
      mmb_pool_free(pool, p, size);
    }
  }
  errno = 0;
  CHECK(mmb_pool_aligned_alloc(pool, 24, 10) == NULL && errno == EINVAL);
  char *z0 = mmb_pool_alloc(pool, 0), *z1 = mmb_pool_alloc(pool, 0);
  CHECK(z0 && z1 && z0 != z1);
  const size_t huge[] = {SIZE_MAX, SIZE_MAX - 15, SIZE_MAX / 2, (size_t)1 << 47};
  for (size_t i = 0; i < sizeof huge / sizeof *huge; i++) {
    errno = 0;
    CHECKF(mmb_pool_alloc(pool, huge[i]) == NULL && errno == ENOMEM, "size %zu", huge[i]);
    errno = 0;
    CHECK(mmb_pool_aligned_alloc(pool, 4096, huge[i]) == NULL && errno == ENOMEM);
    errno = 0;
    CHECK(mmb_pool_realloc(pool, z0, 0, huge[i]) == NULL && errno == ENOMEM);
  }
  errno = 0;
  CHECK(mmb_pool_calloc(pool, SIZE_MAX / 2, 3) == NULL && errno == ENOMEM);
  mmb_pool_free(pool, z0, 0);
  mmb_pool_free(pool, z1, 0);
  mmb_pool_free(pool, NULL, 0);
  mmb_pool_stats_t st = {0};
  mmb_pool_stats(pool, &st);
  CHECKF(st.requested == 0 && st.wasted == 0, "requested %llu wasted %llu after freeing all",
         (unsigned long long)st.requested, (unsigned long long)st.wasted);
  mmb_pool_destroy(pool);
}

static void test_reuse(void) {
  mmb_pool_t *pool = mmb_pool_create(0);
  char *p = mmb_pool_alloc(pool, 100);
  mmb_pool_free(pool, p, 100);
  CHECK(mmb_pool_alloc(pool, 100) == p);
  mmb_pool_free(pool, p, 100);
  CHECK(mmb_pool_alloc(pool, 97) == p); /* same class (112 bytes) */
  char *q = mmb_pool_alloc(pool, 5000);
  mmb_pool_free(pool, q, 5000);
  CHECK(mmb_pool_alloc(pool, 5000) == q);
  /* calloc of a reused (dirty) block is zeroed */
  memset(q, 0xff, 5000);
  mmb_pool_free(pool, q, 5000);
  unsigned char *c = mmb_pool_calloc(pool, 5000, 1);
  int zero = c == (unsigned char *)q;
  for (int i = 0; c && i < 5000; i++) zero &= c[i] == 0;
  CHECK(zero);
  mmb_pool_destroy(pool);
}

/* A window of 10k slots; each step frees a random slot and refills it. */
static void test_churn_bounded(void) {
  enum { W = 10000 };
  static t_block slot[W];
  mmb_pool_t *pool = mmb_pool_create(0);
  uint64_t seed = 7;
  for (int i = 0; i < W; i++) {
    size_t size = 16 + t_rand(&seed) % 241;
    slot[i] = (t_block){mmb_pool_alloc(pool, size), size};
    memset(slot[i].p, i, size);
  }
  uint64_t rss1 = 0, reserved1 = 0;
  for (long step = 0; step < 3000000; step++) {
    if (step == 200000) {
      mmb_pool_stats_t st = {0};
      mmb_pool_stats(pool, &st);
      rss1 = t_rss();
      reserved1 = st.reserved;
    }
    uint64_t r = t_rand(&seed);
    t_block *b = &slot[r % W];
    mmb_pool_free(pool, b->p, b->size);
    b->size = 16 + (r >> 32) % 241;
    b->p = mmb_pool_alloc(pool, b->size);
    b->p[0] = (char)step;
  }
  mmb_pool_stats_t st = {0};
  mmb_pool_stats(pool, &st);
  uint64_t rss2 = t_rss();
  CHECKF(st.reserved == reserved1, "reserved grew under churn: %llu -> %llu",
         (unsigned long long)reserved1, (unsigned long long)st.reserved);
  CHECKF(rss2 <= rss1 + MiB, "RSS grew under churn: %llu -> %llu", (unsigned long long)rss1,
         (unsigned long long)rss2);
  uint64_t live = 0;
  for (int i = 0; i < W; i++) live += slot[i].size;
  CHECK(st.requested == live);
  CHECKF(st.wasted < live / 4, "rounding %llu for %llu live", (unsigned long long)st.wasted,
         (unsigned long long)live);
  CHECK(t_overlaps(slot, W) == 0);
  mmb_pool_destroy(pool);
}

static void test_large_unmapped(void) {
  mmb_pool_t *pool = mmb_pool_create(0);
  mmb_pool_stats_t st0 = {0}, st1 = {0}, st2 = {0};
  mmb_pool_stats(pool, &st0);
  size_t sizes[] = {(64 << 10) + 1, MiB, 5 * MiB + 123};
  for (int i = 0; i < 3; i++) {
    char *p = mmb_pool_alloc(pool, sizes[i]);
    CHECK(p != NULL);
    if (!p) continue;
    memset(p, 1, sizes[i]);
    mmb_pool_stats(pool, &st1);
    CHECK(st1.reserved >= st0.reserved + sizes[i]);
    CHECK(is_mapped(p) && is_mapped(p + sizes[i] - 1));
    mmb_pool_free(pool, p, sizes[i]);
    CHECKF(!is_mapped(p) && !is_mapped(p + sizes[i] - 1), "size %zu still mapped after free",
           sizes[i]);
    memset(&st2, 0, sizeof st2);
    mmb_pool_stats(pool, &st2);
    CHECK(st2.reserved == st0.reserved);
    memset(&st1, 0, sizeof st1);
  }
  /* realloc of a large block keeps its contents */
  char *p = mmb_pool_alloc(pool, 300000);
  t_fill(p, 300000, 3);
  p = mmb_pool_realloc(pool, p, 300000, 2 * MiB);
  CHECK(p && t_check(p, 300000, 3));
  p = mmb_pool_realloc(pool, p, 2 * MiB, 100);
  CHECK(p && t_check(p, 100, 3));
  mmb_pool_free(pool, p, 100);
  mmb_pool_destroy(pool);
}

/* ---------------------------------------------------------------------------
 * Remote frees: another thread (with its own pool) frees the main pool's
 * blocks; the main pool then hands the same blocks out again.
 * ------------------------------------------------------------------------- */
enum { RN = 20000 };
static t_block remote_blocks[RN];

static void *remote_freer(void *arg) {
  mmb_pool_t *mine = mmb_pool_create(0);
  (void)arg;
  for (int i = 0; i < RN; i++) {
    if (!t_check(remote_blocks[i].p, remote_blocks[i].size, (uint64_t)i)) return (void *)1;
    mmb_pool_free(mine, remote_blocks[i].p, remote_blocks[i].size);
  }
  mmb_pool_stats_t st = {0};
  mmb_pool_stats(mine, &st);
  /* its share is negative: it freed blocks it never allocated */
  int64_t req = (int64_t)st.requested;
  mmb_pool_destroy(mine); /* the freed blocks belong to the owner: unaffected */
  return req < 0 ? NULL : (void *)2;
}

static int cmp_ptr(const void *a, const void *b) {
  uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
  return x < y ? -1 : x > y;
}

static void test_remote_free(void) {
  mmb_pool_t *pool = mmb_pool_create(0);
  uint64_t seed = 99;
  static uintptr_t before[RN];
  static char *large_at[RN / 1000];
  for (int i = 0; i < RN; i++) {
    size_t size = 1 + t_rand(&seed) % 2000;
    if (i % 1000 == 0) size = 100000; /* a few large ones too */
    remote_blocks[i] = (t_block){mmb_pool_alloc(pool, size), size};
    t_fill(remote_blocks[i].p, size, (uint64_t)i);
    before[i] = (uintptr_t)remote_blocks[i].p;
    if (i % 1000 == 0) large_at[i / 1000] = remote_blocks[i].p;
  }
  pthread_t t;
  void *ret = (void *)3;
  CHECK(pthread_create(&t, NULL, remote_freer, NULL) == 0);
  pthread_join(t, &ret);
  CHECKF(ret == NULL, "remote thread reported %p", ret);
  /* same sizes again: every small block must come from the remote list */
  qsort(before, RN, sizeof *before, cmp_ptr);
  int reused = 0, small = 0;
  seed = 99;
  for (int i = 0; i < RN; i++) {
    size_t size = 1 + t_rand(&seed) % 2000;
    if (i % 1000 == 0) continue;
    small++;
    uintptr_t p = (uintptr_t)mmb_pool_alloc(pool, size);
    reused += bsearch(&p, before, RN, sizeof *before, cmp_ptr) != NULL;
  }
  CHECKF(reused == small, "%d of %d blocks reused after remote frees", reused, small);
  /* the large ones were unmapped by the other thread */
  for (int i = 0; i < RN; i += 1000) CHECK(!is_mapped(large_at[i / 1000]));
  mmb_pool_destroy(pool);
}

static void test_random_ops(void) {
  enum { N = 4000 };
  static t_block live[N];
  static uint64_t tag[N];
  mmb_pool_t *pool = mmb_pool_create(4 * MiB);
  uint64_t seed = 1234;
  size_t n = 0;
  uint64_t requested = 0;
  for (int step = 0; step < 200000; step++) {
    uint64_t r = t_rand(&seed);
    unsigned op = (unsigned)(r % 100);
    if (n > 0 && (op < 45 || n == N)) { /* free */
      size_t i = (r >> 8) % n;
      CHECK(t_check(live[i].p, live[i].size, tag[i]));
      mmb_pool_free(pool, live[i].p, live[i].size);
      requested -= live[i].size;
      live[i] = live[--n];
      tag[i] = tag[n];
    } else if (n > 0 && op < 55) { /* realloc */
      size_t i = (r >> 8) % n, size = (r >> 20) % 3000;
      size_t keep = size < live[i].size ? size : live[i].size;
      char *p = mmb_pool_realloc(pool, live[i].p, live[i].size, size);
      CHECK(p && t_check(p, keep, tag[i]));
      if (!p) continue;
      requested += size - live[i].size;
      live[i] = (t_block){p, size};
      tag[i] = (uint64_t)step;
      t_fill(p, size, tag[i]);
    } else {
      size_t size, align = 16;
      char *p;
      if (op < 90)
        size = (r >> 8) % 1025;
      else if (op < 97)
        size = (r >> 8) % 70000;
      else
        align = (size_t)1 << ((r >> 8) % 17), size = (r >> 32) % (2 * align);
      p = align > 16 ? mmb_pool_aligned_alloc(pool, align, size) : mmb_pool_alloc(pool, size);
      CHECK(p && (uintptr_t)p % align == 0);
      if (!p) continue;
      t_fill(p, size, (uint64_t)step);
      live[n] = (t_block){p, size};
      tag[n++] = (uint64_t)step;
      requested += size;
    }
    if (step % 50000 == 0) CHECK(t_overlaps(live, n) == 0);
    if (step == 150000) { /* reset: everything goes */
      mmb_pool_reset(pool);
      n = 0;
      requested = 0;
    }
  }
  CHECK(t_overlaps(live, n) == 0);
  mmb_pool_stats_t st = {0};
  mmb_pool_stats(pool, &st);
  CHECKF(st.requested == requested, "requested %llu expected %llu",
         (unsigned long long)st.requested, (unsigned long long)requested);
  mmb_pool_destroy(pool);
}

static void test_reset_returns_memory(void) {
  mmb_pool_t *pool = mmb_pool_create(4 * MiB);
  uint64_t before = t_rss();
  for (int i = 0; i < 64 * 1024; i++) memset(mmb_pool_alloc(pool, 1000), 1, 1000);
  for (int i = 0; i < 8; i++) memset(mmb_pool_alloc(pool, MiB), 1, MiB);
  uint64_t full = t_rss();
  CHECK(full >= before + 64 * MiB);
  mmb_pool_reset(pool);
  uint64_t after = t_rss();
  CHECKF(after + 60 * MiB <= full, "RSS %llu -> %llu after reset", (unsigned long long)full,
         (unsigned long long)after);
  mmb_pool_stats_t st = {0};
  mmb_pool_stats(pool, &st);
  CHECK(st.reserved <= 4 * MiB && st.requested == 0 && st.chunks <= 1);
  char *p = mmb_pool_alloc(pool, 1000); /* the kept segment serves again */
  CHECK(p != NULL);
  mmb_pool_destroy(pool);
}

static void test_adapter(void) {
  const mmb_allocator *A = mmb_allocator_find("arena-pool");
  CHECK(A && !A->unavailable && (A->caps & MMB_CAP_FREE) && (A->caps & MMB_CAP_THREADS));
  if (!A) return;
  CHECK(A->init() == 0);
  A->thread_attach();
  char *p = A->malloc(100);
  A->free(p, 100);
  CHECK(A->malloc(100) == p);
  char *q = A->aligned_alloc(4096, 10);
  CHECK(q && (uintptr_t)q % 4096 == 0);
  A->free(q, 10);
  char *h = A->aligned_alloc(2 * MiB, 3 * MiB);
  CHECK(h && (uintptr_t)h % (2 * MiB) == 0);
  A->free(h, 3 * MiB);
  CHECK(!is_mapped(h));
  unsigned char *c = A->calloc(10, 10);
  CHECK(c && c[0] == 0 && c[99] == 0);
  c = A->realloc(c, 100, 10000);
  CHECK(c && c[50] == 0);
  errno = 0;
  CHECK(A->malloc(SIZE_MAX) == NULL && errno == ENOMEM);
  errno = 0;
  CHECK(A->calloc(SIZE_MAX / 4, 8) == NULL && errno == ENOMEM);
  A->free(NULL, 0);
  mmb_alloc_stats st;
  CHECK(A->stats(&st) == 0 && st.requested == 100 + 10000);
  A->reset();
  CHECK(A->stats(&st) == 0 && st.requested == 0 && st.reserved <= MMB_ARENA_RETAIN_DEFAULT);
  setenv("MMB_ARENA_RETAIN", "0x", 1);
  CHECK(A->init() == -EINVAL);
  unsetenv("MMB_ARENA_RETAIN");
  A->thread_detach();
  A->fini();
}

int main(void) {
  test_alignment_and_sizes();
  test_reuse();
  test_churn_bounded();
  test_large_unmapped();
  test_remote_free();
  test_random_ops();
  test_reset_returns_memory();
  test_adapter();
  return mmb_test_exit();
}
