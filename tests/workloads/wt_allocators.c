/* mmbench tests — in-test allocators the workload family tests run cells
 * under (declared in workload_test.h): one correct allocator whose blocks
 * sit at other addresses than glibc's, and three broken ones whose faults
 * the workloads' verification must report as `corrupt`. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "allocator.h"

/* ---------------------------------------------------------------------------
 * offset: a correct allocator that places blocks 32 bytes into libc blocks
 * ------------------------------------------------------------------------- */
#define OFF 32
static void *off_malloc(size_t n) {
  unsigned char *p = malloc(n + OFF);
  return p ? p + OFF : NULL; /* cppcheck-suppress memleak ; freed by off_free */
}
static void off_free(void *p, size_t n) {
  (void)n;
  if (p) free((unsigned char *)p - OFF);
}
static void *off_realloc(void *p, size_t old, size_t n) {
  (void)old;
  unsigned char *q = realloc(p ? (unsigned char *)p - OFF : NULL, n + OFF);
  return q ? q + OFF : NULL; /* cppcheck-suppress memleak ; freed by off_free */
}
const mmb_allocator wt_alloc_offset = {
    .name = "offset",
    .description = "test: libc blocks shifted by 32 bytes",
    .kind = MMB_KIND_INPROC,
    .caps = MMB_CAP_MALLOC,
    .malloc = off_malloc,
    .free = off_free,
    .realloc = off_realloc,
};

/* ---------------------------------------------------------------------------
 * misaligned: malloc is fine; aligned_alloc returns an address 8 bytes past
 * an align boundary. Every block keeps the libc pointer 16 bytes before it.
 * ------------------------------------------------------------------------- */
static void put_raw(unsigned char *at, unsigned char *raw) {
  uintptr_t u = (uintptr_t)raw;
  memcpy(at, &u, sizeof u);
}

static void *mis_malloc(size_t size) {
  unsigned char *raw = malloc(size + 16);
  if (!raw) return NULL;
  put_raw(raw, raw);
  return raw + 16;
}

static void *mis_aligned(size_t align, size_t size) {
  unsigned char *raw = malloc(size + align + 32);
  if (!raw) return NULL;
  uintptr_t u = ((uintptr_t)raw + 24 + align - 1) & ~(uintptr_t)(align - 1);
  unsigned char *p = (unsigned char *)u + 8;
  put_raw(p - 16, raw);
  return p;
}

static void mis_free(void *p, size_t size) {
  (void)size;
  if (!p) return;
  uintptr_t u;
  memcpy(&u, (unsigned char *)p - 16, sizeof u);
  free((void *)u);
}

const mmb_allocator wt_alloc_misaligned = {
    .name = "test-misaligned",
    .description = "aligned_alloc returns pointers 8 bytes past the boundary",
    .kind = MMB_KIND_INPROC,
    .caps = MMB_CAP_FREE | MMB_CAP_ALIGNED | MMB_CAP_THREADS,
    .malloc = mis_malloc,
    .free = mis_free,
    .aligned_alloc = mis_aligned,
};

/* ---------------------------------------------------------------------------
 * dup: a bump allocator whose every second request returns the previous
 * block again (when it is big and aligned enough) while it is still live.
 * free is a no-op, so handing a block out twice never becomes a double free.
 * ------------------------------------------------------------------------- */
#define DUP_CAP (512u << 20)
static unsigned char *dup_base;
static size_t dup_used, dup_last_size;
static unsigned char *dup_last;
static unsigned dup_calls;
static pthread_mutex_t dup_lock = PTHREAD_MUTEX_INITIALIZER;

static int dup_init(void) {
  if (!dup_base) {
    void *m = mmap(NULL, DUP_CAP, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) return -12;
    dup_base = m;
  }
  dup_used = 0;
  dup_last = NULL;
  dup_calls = 0;
  return 0;
}

static void *dup_aligned(size_t align, size_t size) {
  unsigned char *p = NULL;
  pthread_mutex_lock(&dup_lock);
  if (++dup_calls % 2 == 0 && dup_last && size <= dup_last_size &&
      ((uintptr_t)dup_last & (align - 1)) == 0) {
    p = dup_last;
  } else {
    size_t off = (dup_used + align - 1) & ~(align - 1);
    if (off + size <= DUP_CAP) {
      p = dup_base + off;
      dup_used = off + size;
      dup_last = p;
      dup_last_size = size;
    }
  }
  pthread_mutex_unlock(&dup_lock);
  return p;
}

static void *dup_malloc(size_t size) { return dup_aligned(16, size); }
static void dup_free(void *p, size_t size) { (void)p, (void)size; }

const mmb_allocator wt_alloc_dup = {
    .name = "test-dup",
    .description = "hands a live block out a second time",
    .kind = MMB_KIND_INPROC,
    .caps = MMB_CAP_FREE | MMB_CAP_ALIGNED | MMB_CAP_THREADS,
    .init = dup_init,
    .malloc = dup_malloc,
    .free = dup_free,
    .aligned_alloc = dup_aligned,
};

/* ---------------------------------------------------------------------------
 * null: every request fails
 * ------------------------------------------------------------------------- */
static void *null_malloc(size_t size) {
  (void)size;
  return NULL;
}
static void *null_aligned(size_t align, size_t size) {
  (void)align, (void)size;
  return NULL;
}
static void null_free(void *p, size_t size) { (void)p, (void)size; }

const mmb_allocator wt_alloc_null = {
    .name = "test-null",
    .description = "returns NULL",
    .kind = MMB_KIND_INPROC,
    .caps = MMB_CAP_FREE | MMB_CAP_ALIGNED | MMB_CAP_THREADS,
    .malloc = null_malloc,
    .free = null_free,
    .aligned_alloc = null_aligned,
};
