/* mmbench tests — a malloc whose blocks are only 8-byte aligned (C11 wants
 * alignof(max_align_t) = 16). Every block carries a header (size, magic,
 * raw); free hands a block without the magic (made inside libc before this
 * library was in place) back to libc. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "fault_common.h"

#define MAGIC 0x6d6973616c69676eull

static void *wrap(void *raw, size_t n, size_t offset) {
  if (!raw) return NULL;
  char *p = (char *)raw + offset;
  ((size_t *)p)[-3] = n;
  ((uint64_t *)p)[-2] = MAGIC;
  ((void **)p)[-1] = raw;
  return p;
}

static int ours(void *p) { return ((uint64_t *)p)[-2] == MAGIC; }

void *malloc(size_t n) {
  if (n > SIZE_MAX - 64) {
    errno = ENOMEM;
    return NULL;
  }
  return wrap(__libc_malloc(n + 24), n, 24); /* raw is 16-aligned: p is 8 mod 16 */
}
void free(void *p) {
  if (!p) return;
  if (!ours(p)) {
    __libc_free(p);
    return;
  }
  ((uint64_t *)p)[-2] = 0;
  __libc_free(((void **)p)[-1]);
}
void *calloc(size_t a, size_t b) {
  if (b && a > SIZE_MAX / b) {
    errno = ENOMEM;
    return NULL;
  }
  void *p = malloc(a * b);
  if (p) memset(p, 0, a * b);
  return p;
}
size_t malloc_usable_size(void *p) { return p && ours(p) ? ((size_t *)p)[-3] : 0; }
void *realloc(void *p, size_t n) {
  if (p && !ours(p)) return __libc_realloc(p, n);
  void *q = malloc(n);
  if (q && p) memcpy(q, p, malloc_usable_size(p) < n ? malloc_usable_size(p) : n);
  free(p);
  return q;
}
int posix_memalign(void **out, size_t al, size_t n) {
  if (al < sizeof(void *) || (al & (al - 1))) return EINVAL;
  if (n > SIZE_MAX - al - 64) return ENOMEM;
  char *raw = __libc_malloc(n + al + 24);
  if (!raw) return ENOMEM;
  uintptr_t p = ((uintptr_t)raw + 24 + al - 1) & ~(uintptr_t)(al - 1);
  *out = wrap(raw, n, (size_t)(p - (uintptr_t)raw));
  return 0;
}
void *aligned_alloc(size_t al, size_t n) {
  void *p;
  return posix_memalign(&p, al, n) ? NULL : p;
}
void *memalign(size_t al, size_t n) { return aligned_alloc(al, n); }
