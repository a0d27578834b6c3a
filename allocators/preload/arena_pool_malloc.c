/* mmbench — arena-pool as a malloc replacement for LD_PRELOAD, so real
 * programs (the programs family) can run on it: libmmbarenapool.so.
 *
 * Each thread allocates from its own pool (allocators/arena_pool.h), made
 * on its first call from mmap (no malloc); any thread may free any block
 * (a block of another pool goes to that pool's remote-free stack). A
 * thread's pool stays mapped when the thread exits: its blocks may still be
 * in use elsewhere, and a pool cannot be adopted here without the adapter's
 * registry. Settings: MMB_ARENA_RETAIN is not read (pools retain nothing
 * special across a reset; a program never resets). Only the malloc family
 * is exported; everything else in this library is hidden. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "arena_pool.h"

#define EXPORT __attribute__((visibility("default")))
#define TLS __attribute__((tls_model("initial-exec"))) __thread

static TLS mmb_pool_t *tls_pool;

static mmb_pool_t *mine(void) {
  mmb_pool_t *p = tls_pool;
  if (__builtin_expect(p != NULL, 1)) return p;
  p = mmb_pool_create(0);
  tls_pool = p;
  return p;
}

EXPORT void *malloc(size_t size) {
  mmb_pool_t *p = mine();
  if (!p) {
    errno = ENOMEM;
    return NULL;
  }
  return mmb_pool_alloc(p, size);
}

EXPORT void free(void *ptr) {
  if (!ptr) return;
  mmb_pool_t *p = mine();
  if (p) mmb_pool_free(p, ptr, 0); /* without a pool of our own the block leaks */
}

EXPORT void *calloc(size_t n, size_t size) {
  mmb_pool_t *p = mine();
  if (!p) {
    errno = ENOMEM;
    return NULL;
  }
  return mmb_pool_calloc(p, n, size);
}

EXPORT void *realloc(void *ptr, size_t size) {
  mmb_pool_t *p = mine();
  if (!p) {
    errno = ENOMEM;
    return NULL;
  }
  if (ptr && size == 0) {
    mmb_pool_free(p, ptr, 0);
    return NULL;
  }
  return mmb_pool_realloc(p, ptr, ptr ? mmb_pool_usable_size(ptr) : 0, size);
}

EXPORT void *reallocarray(void *ptr, size_t n, size_t size) {
  size_t total;
  if (__builtin_mul_overflow(n, size, &total)) {
    errno = ENOMEM;
    return NULL;
  }
  return realloc(ptr, total);
}

static void *aligned(size_t align, size_t size) {
  mmb_pool_t *p = mine();
  if (!p) {
    errno = ENOMEM;
    return NULL;
  }
  if (align < sizeof(void *)) align = sizeof(void *);
  return mmb_pool_aligned_alloc(p, align, size);
}

static int pow2(size_t x) { return x && !(x & (x - 1)); }

EXPORT int posix_memalign(void **out, size_t align, size_t size) {
  if (!pow2(align) || align % sizeof(void *)) return EINVAL;
  void *q = aligned(align, size);
  if (!q) return ENOMEM;
  *out = q;
  return 0;
}

EXPORT void *aligned_alloc(size_t align, size_t size) {
  if (!pow2(align)) {
    errno = EINVAL;
    return NULL;
  }
  return aligned(align, size);
}

EXPORT void *memalign(size_t align, size_t size) {
  if (!pow2(align)) {
    errno = EINVAL;
    return NULL;
  }
  return aligned(align, size);
}

EXPORT void *valloc(size_t size) { return aligned(4096, size); }

EXPORT void *pvalloc(size_t size) { return aligned(4096, (size + 4095) & ~(size_t)4095); }

EXPORT size_t malloc_usable_size(void *ptr) { return ptr ? mmb_pool_usable_size(ptr) : 0; }

/* Tells mmbench's probe what it runs on. */
EXPORT const char *mmb_preload_version(void) { return "mmbench-arena-pool 1 (preloaded)"; }
