/* mmbench tests — a malloc that crashes (SIGSEGV) after MMB_FAULT_AFTER calls. */
#include <signal.h>

#include "fault_common.h"

void *malloc(size_t n) {
  if (fault_due()) raise(SIGSEGV);
  return __libc_malloc(n);
}
