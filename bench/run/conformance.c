/* mmbench — allocator conformance checks (see conformance.h). */
#define _GNU_SOURCE
#include "conformance.h"

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------
 * The calls under test: libc entry points (preloaded) or the adapter
 * ------------------------------------------------------------------------- */
typedef struct calls {
  const mmb_allocator *a;
  int libc; /* PRELOAD: call malloc & co. directly */
} calls;

static void *c_malloc(const calls *c, size_t n) { return c->libc ? malloc(n) : c->a->malloc(n); }
static void c_free(const calls *c, void *p, size_t n) {
  if (c->libc)
    free(p);
  else
    c->a->free(p, n);
}
static int has_calloc(const calls *c) { return c->libc || c->a->calloc; }
static void *c_calloc(const calls *c, size_t n, size_t s) {
  return c->libc ? calloc(n, s) : c->a->calloc(n, s);
}
static int has_realloc(const calls *c) {
  return c->libc || (c->a->realloc && (c->a->caps & MMB_CAP_REALLOC));
}
static void *c_realloc(const calls *c, void *p, size_t o, size_t n) {
  return c->libc ? realloc(p, n) : c->a->realloc(p, o, n);
}
static int has_aligned(const calls *c) {
  return c->libc || (c->a->aligned_alloc && (c->a->caps & MMB_CAP_ALIGNED));
}
static void *c_aligned(const calls *c, size_t al, size_t n) {
  if (!c->libc) return c->a->aligned_alloc(al, n);
  void *p = NULL;
  int rc = posix_memalign(&p, al, n);
  if (rc) errno = rc;
  return rc ? NULL : p;
}

/* ---------------------------------------------------------------------------
 * Recording results
 * ------------------------------------------------------------------------- */
typedef struct report {
  mmb_check *out;
  int n, failed;
} report;

/* A new check, passing until it fails; caps: the capability it exercises
 * (MMB_CAP_*, 0 for what every allocator must do), so that a failure can
 * mark the allocator broken for the workloads that need that capability. */
static mmb_check *add(report *r, const char *name, unsigned caps) {
  mmb_check *k = &r->out[r->n++];
  memset(k, 0, sizeof *k);
  k->name = name;
  k->caps = caps;
  k->result = MMB_CHECK_PASS;
  return k;
}

#define FAIL(k, ...)                                                                               \
  ((k)->result = MMB_CHECK_FAIL, snprintf((k)->detail, sizeof(k)->detail, __VA_ARGS__))
#define WARN(k, ...)                                                                               \
  ((k)->result = MMB_CHECK_WARN, snprintf((k)->detail, sizeof(k)->detail, __VA_ARGS__))
#define NA(k, ...)                                                                                 \
  ((k)->result = MMB_CHECK_NA, snprintf((k)->detail, sizeof(k)->detail, __VA_ARGS__))

static const size_t sizes[] = {
    0,   1,   7,   8,   15,  16,   17,   24,   31,   32,   48,    63,    64,     100,     127,
    128, 255, 256, 511, 512, 1000, 1024, 4095, 4096, 4097, 10000, 65536, 131072, 1 << 20, 3 << 20};
#define NSIZES (sizeof sizes / sizeof sizes[0])

/* ---------------------------------------------------------------------------
 * The checks
 * ------------------------------------------------------------------------- */
static void check_alignment(const calls *c, report *r) {
  mmb_check *k = add(r, "malloc-alignment", 0);
  for (size_t i = 0; i < NSIZES && k->result == MMB_CHECK_PASS; i++) {
    size_t n = sizes[i];
    if (n < alignof(max_align_t)) continue; /* smaller objects need less */
    void *p = c_malloc(c, n);
    if (!p)
      FAIL(k, "malloc(%zu) returned NULL", n);
    else if ((uintptr_t)p % alignof(max_align_t))
      FAIL(k, "malloc(%zu) = %p, not %zu-aligned", n, p, alignof(max_align_t));
    c_free(c, p, n);
  }
}

static void check_zero(const calls *c, report *r) {
  mmb_check *k = add(r, "malloc-zero", 0);
  void *p = c_malloc(c, 0), *q = c_malloc(c, 0);
  if (p && p == q) FAIL(k, "malloc(0) returned the same pointer twice");
  c_free(c, p, 0);
  c_free(c, q, 0);
  k = add(r, "free-null", 0);
  c_free(c, NULL, 0); /* must not crash */
}

/* Never inlined: the huge requests are deliberate, and valgrind's
 * suppressions (tests/harness/valgrind.supp) name this frame, which a build
 * without debug information would not show once inlined. */
__attribute__((noinline)) static void check_calloc(const calls *c, report *r) {
  mmb_check *k = add(r, "calloc-zeroes", 0);
  if (!has_calloc(c)) {
    NA(k, "no calloc");
  } else {
    for (size_t i = 1; i < NSIZES && k->result == MMB_CHECK_PASS; i++) {
      size_t n = sizes[i];
      unsigned char *d = c_malloc(c, n); /* dirty memory that calloc may reuse */
      if (d) memset(d, 0xa5, n);
      c_free(c, d, n);
      unsigned char *p = c_calloc(c, 1, n);
      if (!p) {
        FAIL(k, "calloc(1, %zu) returned NULL", n);
        break;
      }
      for (size_t j = 0; j < n; j++)
        if (p[j]) {
          FAIL(k, "calloc(1, %zu): byte %zu is 0x%02x", n, j, p[j]);
          break;
        }
      c_free(c, p, n);
    }
  }
  k = add(r, "calloc-overflow", 0);
  if (!has_calloc(c)) {
    NA(k, "no calloc");
  } else {
    errno = 0;
    volatile size_t half = SIZE_MAX / 2; /* hide the overflow from the compiler */
    void *p = c_calloc(c, half, 3);
    if (p)
      FAIL(k, "calloc(SIZE_MAX/2, 3) returned %p instead of NULL", p);
    else if (errno != ENOMEM)
      WARN(k, "calloc overflow returned NULL but set errno %d, not ENOMEM", errno);
  }
}

static void fill(unsigned char *p, size_t n, unsigned seed) {
  for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(seed + i * 31);
}
static int intact(const unsigned char *p, size_t n, unsigned seed) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != (unsigned char)(seed + i * 31)) return 0;
  return 1;
}

static void check_realloc(const calls *c, report *r) {
  mmb_check *k = add(r, "realloc-keeps-contents", MMB_CAP_REALLOC);
  if (!has_realloc(c)) {
    NA(k, "no realloc");
  } else {
    size_t n = 8;
    unsigned char *p = c_malloc(c, n);
    if (p) fill(p, n, 7);
    while (p && n < (8u << 20) && k->result == MMB_CHECK_PASS) {
      size_t m = n * 3 + 5;
      unsigned char *q = c_realloc(c, p, n, m);
      if (!q) {
        FAIL(k, "realloc(%zu -> %zu) returned NULL", n, m);
        break;
      }
      if (!intact(q, n, 7)) FAIL(k, "realloc(%zu -> %zu) lost the old contents", n, m);
      fill(q, m, 7);
      p = q, n = m;
    }
    while (p && n > 16 && k->result == MMB_CHECK_PASS) {
      size_t m = n / 5;
      unsigned char *q = c_realloc(c, p, n, m);
      if (!q) {
        FAIL(k, "shrinking realloc(%zu -> %zu) returned NULL", n, m);
        break;
      }
      if (!intact(q, m, 7)) FAIL(k, "shrinking realloc(%zu -> %zu) lost the contents", n, m);
      p = q, n = m;
    }
    c_free(c, p, n);
  }
  k = add(r, "realloc-null", MMB_CAP_REALLOC);
  if (!has_realloc(c)) {
    NA(k, "no realloc");
  } else {
    void *p = c_realloc(c, NULL, 0, 40);
    if (!p) FAIL(k, "realloc(NULL, 40) returned NULL (must act as malloc)");
    c_free(c, p, 40);
  }
}

static void check_aligned(const calls *c, report *r) {
  mmb_check *k = add(r, "aligned-powers-of-two", MMB_CAP_ALIGNED);
  if (!has_aligned(c)) {
    NA(k, "no aligned allocation");
    return;
  }
  for (size_t al = 16; al <= (2u << 20) && k->result == MMB_CHECK_PASS; al *= 2) {
    if (al > 4096 && al < (2u << 20)) continue;
    for (size_t mul = 1; mul <= 4; mul++) {
      void *p = c_aligned(c, al, al * mul);
      if (!p)
        FAIL(k, "alignment %zu size %zu returned NULL", al, al * mul);
      else if ((uintptr_t)p % al)
        FAIL(k, "alignment %zu returned %p", al, p);
      c_free(c, p, al * mul);
      if (k->result != MMB_CHECK_PASS) break;
    }
  }
  if (!c->libc) return;
  k = add(r, "posix_memalign-invalid", MMB_CAP_ALIGNED);
  void *p = (void *)1;
  volatile size_t bad_align = 24;
  int rc = posix_memalign(&p, bad_align, 64);
  if (rc != EINVAL) FAIL(k, "posix_memalign(alignment 24) returned %d, not EINVAL", rc);
  if (rc == 0) free(p);
  k = add(r, "aligned_alloc", MMB_CAP_ALIGNED);
  p = aligned_alloc(64, 256);
  if (!p || (uintptr_t)p % 64) FAIL(k, "aligned_alloc(64, 256) = %p", p);
  free(p);
  k = add(r, "aligned_alloc-invalid", MMB_CAP_ALIGNED);
  errno = 0;
  volatile size_t odd = 3; /* hidden from the compiler, which rejects it */
  p = aligned_alloc(odd, 24);
  if (p) WARN(k, "aligned_alloc(3, 24) returned a block (C17 allows NULL/EINVAL; accepted)");
  free(p);
  k = add(r, "memalign", MMB_CAP_ALIGNED);
  p = memalign(256, 1000);
  if (!p || (uintptr_t)p % 256) FAIL(k, "memalign(256, 1000) = %p", p);
  free(p);
  k = add(r, "malloc_usable_size", 0);
  for (size_t i = 1; i < NSIZES && k->result == MMB_CHECK_PASS; i++) {
    void *q = malloc(sizes[i]);
    size_t u = q ? malloc_usable_size(q) : 0;
    if (q && u < sizes[i]) FAIL(k, "malloc_usable_size = %zu for a %zu-byte block", u, sizes[i]);
    free(q);
  }
}

/* Never inlined: the huge requests are deliberate, and valgrind's
 * suppressions (tests/harness/valgrind.supp) name this frame, which a build
 * without debug information would not show once inlined. */
__attribute__((noinline)) static void check_huge(const calls *c, report *r) {
  mmb_check *k = add(r, "huge-returns-null", 0);
  static const volatile size_t huge[] = {SIZE_MAX, SIZE_MAX - 4096, SIZE_MAX / 2 + 1,
                                         (size_t)1 << 62};
  for (size_t i = 0; i < 4 && k->result == MMB_CHECK_PASS; i++) {
    errno = 0;
    void *p = c_malloc(c, huge[i]);
    if (p) {
      FAIL(k, "malloc(%zu) returned %p", huge[i], p);
      c_free(c, p, huge[i]);
    } else if (errno != ENOMEM) {
      WARN(k, "malloc(%zu) returned NULL with errno %d, not ENOMEM", huge[i], errno);
    }
  }
}

/* Many live blocks of random sizes: none may overlap another. */
#define LIVE 4000
static int overlap_round(const calls *c, unsigned seed, char *why, size_t whylen) {
  unsigned char **p = c_malloc(c, LIVE * sizeof *p);
  size_t *n = c_malloc(c, LIVE * sizeof *n);
  if (!p || !n) return snprintf(why, whylen, "malloc for bookkeeping failed"), -1;
  uint64_t x = seed;
  int bad = 0;
  for (int i = 0; i < LIVE; i++) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    n[i] = 1 + (x >> 33) % 600;
    p[i] = c_malloc(c, n[i]);
    if (!p[i]) {
      snprintf(why, whylen, "malloc(%zu) returned NULL", n[i]);
      bad = 1;
      n[i] = 0;
      continue;
    }
    fill(p[i], n[i], (unsigned)i + seed);
  }
  for (int i = 0; i < LIVE && !bad; i++)
    if (p[i] && !intact(p[i], n[i], (unsigned)i + seed))
      bad = 1,
      snprintf(why, whylen, "block %d (%zu bytes at %p) was overwritten by another live block", i,
               n[i], (void *)p[i]);
  for (int i = 0; i < LIVE; i++)
    if (p[i]) c_free(c, p[i], n[i]);
  c_free(c, p, LIVE * sizeof *p);
  c_free(c, n, LIVE * sizeof *n);
  return bad ? -1 : 0;
}

static void check_overlap(const calls *c, report *r) {
  mmb_check *k = add(r, "no-overlap", 0);
  if (overlap_round(c, 11, k->detail, sizeof k->detail) != 0) k->result = MMB_CHECK_FAIL;
}

typedef struct thread_arg {
  const calls *c;
  unsigned seed;
  char why[160];
  int bad;
} thread_arg;

static void *thread_main(void *p) {
  thread_arg *t = p;
  if (t->c->a->thread_attach && !t->c->libc) t->c->a->thread_attach();
  for (int round = 0; round < 3 && !t->bad; round++)
    if (overlap_round(t->c, t->seed + (unsigned)round * 101, t->why, sizeof t->why) != 0)
      t->bad = 1;
  if (t->c->a->thread_detach && !t->c->libc) t->c->a->thread_detach();
  return NULL;
}

static void check_threads(const calls *c, report *r) {
  mmb_check *k = add(r, "concurrent-use", MMB_CAP_THREADS);
  if (!c->libc && !(c->a->caps & MMB_CAP_THREADS)) {
    NA(k, "single-threaded allocator");
    return;
  }
  enum { T = 4 };
  pthread_t tid[T];
  thread_arg args[T];
  for (int i = 0; i < T; i++) {
    args[i] = (thread_arg){.c = c, .seed = 1000u * (unsigned)(i + 1)};
    pthread_create(&tid[i], NULL, thread_main, &args[i]);
  }
  for (int i = 0; i < T; i++) pthread_join(tid[i], NULL);
  for (int i = 0; i < T; i++)
    if (args[i].bad) {
      FAIL(k, "thread %d: %s", i, args[i].why);
      break;
    }
}

int mmb_conformance_run(const mmb_allocator *a, mmb_check *out, int *failed) {
  calls c = {a, a->kind == MMB_KIND_PRELOAD};
  report r = {out, 0, 0};
  if (!c.libc && (!a->malloc || !a->free)) {
    mmb_check *k = add(&r, "malloc-interface", 0);
    NA(k, "%s offers no malloc-level calls (object-graph API only)", a->name);
    *failed = 0;
    return r.n;
  }
  check_alignment(&c, &r);
  check_zero(&c, &r);
  check_calloc(&c, &r);
  check_realloc(&c, &r);
  check_aligned(&c, &r);
  check_huge(&c, &r);
  check_overlap(&c, &r);
  check_threads(&c, &r);
  for (int i = 0; i < r.n; i++) r.failed += out[i].result == MMB_CHECK_FAIL;
  *failed = r.failed;
  return r.n;
}
