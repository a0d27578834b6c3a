/* mmbench tests — shared bits of the fault-injection malloc libraries:
 * glibc's own entry points to forward to, and a call counter whose
 * threshold comes from MMB_FAULT_AFTER (default 100000 calls). */
#ifndef MMB_FAULT_COMMON_H
#define MMB_FAULT_COMMON_H

#include <stdatomic.h>
#include <stdlib.h>

void *__libc_malloc(size_t);
void __libc_free(void *);
void *__libc_calloc(size_t, size_t);
void *__libc_realloc(void *, size_t);

static atomic_long fault_calls;
static long fault_after = -1;

/* 1 once more than MMB_FAULT_AFTER calls were made. */
static inline int fault_due(void) {
  if (fault_after < 0) {
    const char *s = getenv("MMB_FAULT_AFTER");
    fault_after = s ? atol(s) : 100000;
  }
  return atomic_fetch_add(&fault_calls, 1) >= fault_after;
}

#endif
