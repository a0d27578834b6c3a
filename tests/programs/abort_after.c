/* mmbench tests — a malloc replacement that aborts (SIGABRT) on the call
 * after MMB_ABORT_AFTER calls to malloc, calloc or realloc (default 100000),
 * forwarding every call before that to glibc. Preloaded into a program it
 * proves that injection reaches the program's own allocations (lua, for
 * one, allocates only through realloc). mmbench's own allocator probe
 * (a process named mmbench) is not counted, so N can be small. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

void *__libc_malloc(size_t);
void *__libc_calloc(size_t, size_t);
void *__libc_realloc(void *, size_t);

static atomic_long calls;
static long limit = -1;

static void count(void) {
  if (limit < 0) {
    const char *s = getenv("MMB_ABORT_AFTER");
    limit = strcmp(program_invocation_short_name, "mmbench") == 0 ? __LONG_MAX__
            : s                                                   ? atol(s)
                                                                  : 100000;
  }
  if (atomic_fetch_add(&calls, 1) >= limit) abort();
}

void *malloc(size_t n) {
  count();
  return __libc_malloc(n);
}

void *calloc(size_t n, size_t size) {
  count();
  return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n) {
  count();
  return __libc_realloc(p, n);
}
