/* mmbench — the libc entry points every PRELOAD adapter calls. Under
 * LD_PRELOAD these resolve to the injected malloc, so glibc, jemalloc,
 * mimalloc, tcmalloc, scudo, tbbmalloc and preload:LIB all run the same
 * code path. */
#include <errno.h>
#include <stdlib.h>

#include "allocator.h"
#include "libc_calls.h"

void *mmb_libc_malloc(size_t size) { return malloc(size); }
void mmb_libc_free(void *p, size_t size) {
  (void)size;
  free(p);
}
void *mmb_libc_calloc(size_t n, size_t size) { return calloc(n, size); }
void *mmb_libc_realloc(void *p, size_t old_size, size_t new_size) {
  (void)old_size;
  return realloc(p, new_size);
}
void *mmb_libc_aligned_alloc(size_t align, size_t size) {
  void *p = NULL;
  int rc = posix_memalign(&p, align, size);
  if (rc != 0) {
    errno = rc;
    return NULL;
  }
  return p;
}
