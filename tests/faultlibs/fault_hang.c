/* mmbench tests — a malloc that hangs forever after MMB_FAULT_AFTER calls. */
#include <unistd.h>

#include "fault_common.h"

void *malloc(size_t n) {
  if (fault_due())
    for (;;) pause();
  return __libc_malloc(n);
}
