/* mmbench tests — a malloc that, after MMB_FAULT_AFTER calls, hands out the
 * block it returned last time again (two live blocks overlap) on every
 * 50th call for sizes up to 16 bytes. free never releases anything, so the
 * duplicates cannot turn into double frees: only the overlap is wrong. */
#include "fault_common.h"

static __thread void *last;

void *malloc(size_t n) {
  if (fault_due() && last && n <= 16 && atomic_load(&fault_calls) % 50 == 0) return last;
  void *p = __libc_malloc(n < 16 ? 16 : n);
  last = p;
  return p;
}

void free(void *p) { (void)p; }
