/* mmbench tests — the `arena` region allocator: alignment, zero and huge
 * sizes, the cap, reset returning memory, no overlap, statistics, realloc,
 * calloc, and the adapter (settings, cap hook). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "allocator.h"
#include "arena.h"
#include "arena_test_util.h"
#include "check.h"

#define MiB ((size_t)1 << 20)

static void test_alignment(void) {
  mmb_arena_t *a = mmb_arena_create(NULL);
  CHECK(a != NULL);
  for (size_t align = 1; align <= 4096; align *= 2) {
    for (size_t size = 1; size <= 3 * align + 5; size += align / 2 + 1) {
      char *p = mmb_arena_aligned_alloc(a, align, size);
      CHECKF(p && (uintptr_t)p % align == 0, "align %zu size %zu -> %p", align, size, (void *)p);
      if (p) memset(p, 0xab, size);
    }
    /* malloc-style blocks stay 16-aligned after an aligned one */
    char *q = mmb_arena_alloc(a, 3);
    CHECKF(q && (uintptr_t)q % 16 == 0, "after align %zu: %p", align, (void *)q);
  }
  for (int i = 0; i < 3; i++) {
    size_t size = i == 0 ? 1 : i == 1 ? 2 * MiB : 5 * MiB + 3;
    char *p = mmb_arena_aligned_alloc(a, 2 * MiB, size);
    CHECKF(p && (uintptr_t)p % (2 * MiB) == 0, "2 MiB alignment, size %zu: %p", size, (void *)p);
    if (p) {
      p[0] = 1;
      p[size - 1] = 2;
    }
  }
  errno = 0;
  CHECK(mmb_arena_aligned_alloc(a, 48, 10) == NULL && errno == EINVAL);
  errno = 0;
  CHECK(mmb_arena_aligned_alloc(a, 0, 10) == NULL && errno == EINVAL);
  mmb_arena_destroy(a);
}

static void test_zero_and_huge(void) {
  mmb_arena_t *a = mmb_arena_create(NULL);
  char *p = mmb_arena_alloc(a, 0), *q = mmb_arena_alloc(a, 0), *r = mmb_arena_alloc(a, 1);
  CHECK(p && q && r && p != q && q != r && p != r);
  if (p) p[0] = 1; /* valid for at least one byte (16 are reserved) */
  const size_t huge[] = {SIZE_MAX, SIZE_MAX - 15, SIZE_MAX / 2, (size_t)1 << 47, (size_t)1 << 62};
  for (size_t i = 0; i < sizeof huge / sizeof *huge; i++) {
    errno = 0;
    CHECKF(mmb_arena_alloc(a, huge[i]) == NULL && errno == ENOMEM, "size %zu", huge[i]);
    errno = 0;
    CHECKF(mmb_arena_aligned_alloc(a, 4096, huge[i]) == NULL && errno == ENOMEM, "size %zu",
           huge[i]);
    errno = 0;
    CHECK(mmb_arena_realloc(a, r, 1, huge[i]) == NULL && errno == ENOMEM);
  }
  errno = 0;
  CHECK(mmb_arena_calloc(a, SIZE_MAX / 2, 3) == NULL && errno == ENOMEM);
  /* still usable afterwards */
  char *s = mmb_arena_alloc(a, 100);
  CHECK(s != NULL);
  mmb_arena_destroy(a);
}

static void test_cap(void) {
  mmb_arena_config cfg = MMB_ARENA_CONFIG_DEFAULT;
  cfg.cap = 8 * MiB;
  cfg.retain = 0;
  mmb_arena_t *a = mmb_arena_create(&cfg);
  for (int round = 0; round < 2; round++) {
    size_t total = 0;
    void *p;
    errno = 0;
    while ((p = mmb_arena_alloc(a, 4000)) != NULL) total += 4000;
    CHECKF(errno == ENOMEM, "errno %d", errno);
    mmb_arena_stats_t st;
    mmb_arena_stats(a, &st);
    CHECKF(total <= 8 * MiB && st.reserved <= 8 * MiB, "total %zu reserved %llu", total,
           (unsigned long long)st.reserved);
    CHECKF(total >= 6 * MiB, "the cap should be usable: got %zu of 8 MiB", total);
    CHECK(st.requested == total);
    errno = 0;
    CHECK(mmb_arena_alloc(a, 3 * MiB) == NULL && errno == ENOMEM);
    mmb_arena_reset(a); /* gives the budget back */
  }
  /* raising the cap */
  CHECK(mmb_arena_set_cap(a, 32 * MiB) == 0);
  CHECK(mmb_arena_alloc(a, 12 * MiB) != NULL);
  mmb_arena_destroy(a);

  /* a cap shared by two arenas */
  mmb_arena_budget b;
  mmb_arena_budget_init(&b, 4 * MiB);
  cfg.cap = 0;
  cfg.budget = &b;
  mmb_arena_t *x = mmb_arena_create(&cfg), *y = mmb_arena_create(&cfg);
  CHECK(mmb_arena_alloc(x, 3 * MiB) != NULL);
  errno = 0;
  CHECK(mmb_arena_alloc(y, 2 * MiB) == NULL && errno == ENOMEM);
  CHECK(mmb_arena_alloc(y, 512 << 10) != NULL);
  CHECK(mmb_arena_set_cap(y, 0) == -EINVAL);
  mmb_arena_destroy(x);
  CHECK(mmb_arena_alloc(y, 2 * MiB) != NULL); /* x's share came back */
  mmb_arena_destroy(y);
  CHECK(atomic_load(&b.used) == 0);
}

static void test_reset_returns_memory(void) {
  for (int retain = 0; retain < 2; retain++) {
    mmb_arena_config cfg = MMB_ARENA_CONFIG_DEFAULT;
    cfg.retain = retain ? 4 * MiB : 0;
    mmb_arena_t *a = mmb_arena_create(&cfg);
    uint64_t before = t_rss();
    for (int i = 0; i < 4096; i++) { /* 64 MiB in 16 KiB blocks, touched */
      char *p = mmb_arena_alloc(a, 16 << 10);
      if (!p) break;
      memset(p, i, 16 << 10);
    }
    uint64_t full = t_rss();
    CHECKF(full >= before + 60 * MiB, "RSS %llu -> %llu after writing 64 MiB",
           (unsigned long long)before, (unsigned long long)full);
    mmb_arena_reset(a);
    uint64_t after = t_rss();
    mmb_arena_stats_t st;
    mmb_arena_stats(a, &st);
    CHECKF(after + 56 * MiB <= full, "retain %d: RSS %llu -> %llu after reset", retain,
           (unsigned long long)full, (unsigned long long)after);
    CHECK(st.reserved <= cfg.retain && st.requested == 0 && st.chunks <= 1);
    /* usable again; calloc zeroes reused (dirty) memory */
    for (int i = 0; i < 64; i++) {
      unsigned char *z = mmb_arena_calloc(a, 1000, 1);
      int zero = z != NULL;
      for (int k = 0; z && k < 1000; k++) zero &= z[k] == 0;
      CHECK(zero);
    }
    mmb_arena_destroy(a);
  }
}

static void test_no_overlap(void) {
  enum { N = 20000 };
  static t_block live[N];
  uint64_t seed = 42;
  mmb_arena_t *a = mmb_arena_create(NULL);
  for (int round = 0; round < 3; round++) {
    size_t n = 0;
    uint64_t requested = 0;
    for (int i = 0; i < N; i++) {
      uint64_t r = t_rand(&seed);
      size_t size;
      char *p;
      switch (r % 100) {
      default:
        size = (r >> 8) % 257;
        p = mmb_arena_alloc(a, size);
        break;
      case 70 ... 89:
        size = (r >> 8) % 8192;
        p = mmb_arena_alloc(a, size);
        break;
      case 90 ... 97: {
        size_t align = (size_t)1 << ((r >> 8) % 13);
        size = (r >> 16) % (2 * align + 1);
        p = mmb_arena_aligned_alloc(a, align, size);
        CHECK(!p || (uintptr_t)p % align == 0);
        break;
      }
      case 98 ... 99:
        size = (64 << 10) + (r >> 8) % (1 << 20);
        p = mmb_arena_alloc(a, size);
        break;
      }
      CHECK(p != NULL);
      if (!p) continue;
      CHECK((uintptr_t)p % 16 == 0);
      t_fill(p, size, (uint64_t)i);
      live[n++] = (t_block){p, size};
      requested += size;
    }
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) bad += !t_check(live[i].p, live[i].size, (uint64_t)i);
    CHECKF(bad == 0, "round %d: %zu blocks overwritten", round, bad);
    CHECKF(t_overlaps(live, n) == 0, "round %d: overlapping blocks", round);
    mmb_arena_stats_t st;
    mmb_arena_stats(a, &st);
    CHECKF(st.requested == requested, "requested %llu, expected %llu",
           (unsigned long long)st.requested, (unsigned long long)requested);
    CHECK(st.requested + st.wasted <= st.reserved && st.chunks >= 1);
    mmb_arena_reset(a);
  }
  mmb_arena_destroy(a);
}

static void test_realloc(void) {
  mmb_arena_t *a = mmb_arena_create(NULL);
  char *p = mmb_arena_realloc(a, NULL, 0, 40);
  CHECK(p != NULL);
  t_fill(p, 40, 1);
  char *q = mmb_arena_realloc(a, p, 40, 400); /* last block: in place */
  CHECK(q == p && t_check(q, 40, 1));
  char *other = mmb_arena_alloc(a, 8);
  CHECK(other != NULL);
  t_fill(q, 400, 2);
  char *r = mmb_arena_realloc(a, q, 400, 5000); /* not last: moves */
  CHECK(r && r != q && t_check(r, 400, 2));
  CHECK(mmb_arena_realloc(a, r, 5000, 10) == r); /* shrink keeps it */
  char *big = mmb_arena_realloc(a, r, 400, 3 * MiB);
  CHECK(big && t_check(big, 400, 2));
  mmb_arena_stats_t st;
  mmb_arena_stats(a, &st);
  CHECKF(st.requested == 40 + 360 + 8 + 5000 + 3 * MiB, "requested %llu",
         (unsigned long long)st.requested);
  mmb_arena_destroy(a);
}

/* The cursor gives the same blocks as mmb_arena_alloc, across chunk changes. */
static void test_cursor(void) {
  enum { N = 100000 };
  static t_block blocks[N];
  mmb_arena_config cfg = MMB_ARENA_CONFIG_DEFAULT;
  cfg.chunk_size = 64 << 10; /* many chunk changes inside the cursor */
  mmb_arena_t *a = mmb_arena_create(&cfg);
  uint64_t seed = 5, requested = 0;
  char *before = mmb_arena_alloc(a, 24);
  mmb_arena_cursor c = mmb_arena_cursor_open(a);
  for (int i = 0; i < N; i++) {
    size_t size = i % 1000 == 999 ? 40000 : t_rand(&seed) % 100;
    char *p = mmb_arena_cursor_alloc(a, &c, size);
    CHECK(p && (uintptr_t)p % 16 == 0);
    if (!p) break;
    t_fill(p, size, (uint64_t)i);
    blocks[i] = (t_block){p, size};
    requested += size;
  }
  mmb_arena_cursor_close(a, &c);
  char *after = mmb_arena_alloc(a, 24);
  size_t bad = 0;
  for (int i = 0; i < N; i++) bad += !t_check(blocks[i].p, blocks[i].size, (uint64_t)i);
  CHECKF(bad == 0, "%zu cursor blocks overwritten", bad);
  CHECK(t_overlaps(blocks, N) == 0);
  CHECK(after && before && after != before);
  mmb_arena_stats_t st;
  mmb_arena_stats(a, &st);
  CHECKF(st.requested == requested + 48, "requested %llu, expected %llu",
         (unsigned long long)st.requested, (unsigned long long)(requested + 48));
  CHECK(st.chunks > 3);
  mmb_arena_destroy(a);
}

static void test_adapter(void) {
  const mmb_allocator *A = mmb_allocator_find("arena");
  CHECK(A && !A->unavailable && A->kind == MMB_KIND_INPROC);
  if (!A) return;
  CHECK(!(A->caps & MMB_CAP_FREE) && (A->caps & MMB_CAP_RESET) && (A->caps & MMB_CAP_CAPPED));
  CHECK(A->version && strcmp(A->version(), "mmbench-arena 1") == 0);

  setenv("MMB_ARENA_CAP", "lots", 1);
  CHECK(A->init() == -EINVAL);
  setenv("MMB_ARENA_CAP", "6M", 1);
  setenv("MMB_ARENA_CHUNK", "256K", 1);
  CHECK(A->init() == 0);
  A->thread_attach();
  size_t total = 0;
  void *p;
  errno = 0;
  while ((p = A->malloc(64 << 10)) != NULL) {
    A->free(p, 64 << 10); /* a no-op */
    total += 64 << 10;
  }
  CHECKF(errno == ENOMEM && total <= 6 * MiB && total >= 4 * MiB, "errno %d total %zu", errno,
         total);
  mmb_alloc_stats st;
  CHECK(A->stats(&st) == 0 && st.requested == total && st.reserved <= 6 * MiB);
  CHECK(A->init() == 0); /* again, without fini: the arenas' share stays counted */
  errno = 0;
  CHECK(A->malloc(64 << 10) == NULL && errno == ENOMEM);
  CHECK(A->tune("cap", 64.0 * MiB) == 0);
  CHECK(A->malloc(8 * MiB) != NULL);
  CHECK(A->tune("cap", -1) == -EINVAL && A->tune("colour", 1) == -EINVAL);
  A->reset();
  CHECK(A->stats(&st) == 0 && st.requested == 0 && st.reserved <= MMB_ARENA_RETAIN_DEFAULT);

  for (size_t align = 8; align <= 4096; align *= 2) {
    char *q = A->aligned_alloc(align, align + 1);
    CHECK(q && (uintptr_t)q % align == 0);
  }
  char *h = A->aligned_alloc(2 * MiB, 100);
  CHECK(h && (uintptr_t)h % (2 * MiB) == 0);
  char *z0 = A->malloc(0), *z1 = A->malloc(0);
  CHECK(z0 && z1 && z0 != z1);
  errno = 0;
  CHECK(A->malloc(SIZE_MAX) == NULL && errno == ENOMEM);
  errno = 0;
  CHECK(A->calloc(SIZE_MAX / 4, 8) == NULL && errno == ENOMEM);
  unsigned char *c = A->calloc(100, 3);
  int zero = c != NULL;
  for (int i = 0; c && i < 300; i++) zero &= c[i] == 0;
  CHECK(zero);
  char *g = A->realloc(NULL, 0, 10);
  CHECK(g != NULL);
  memcpy(g, "abcdefghi", 10);
  g = A->realloc(g, 10, 100000);
  CHECK(g && memcmp(g, "abcdefghi", 10) == 0);
  A->thread_detach();
  A->fini();
  unsetenv("MMB_ARENA_CAP");
  unsetenv("MMB_ARENA_CHUNK");
  CHECK(A->init() == 0);
  CHECK(A->malloc(10 * MiB) != NULL); /* no cap now */
  A->fini();
}

int main(void) {
  test_alignment();
  test_zero_and_huge();
  test_cap();
  test_reset_returns_memory();
  test_no_overlap();
  test_realloc();
  test_cursor();
  test_adapter();
  return mmb_test_exit();
}
