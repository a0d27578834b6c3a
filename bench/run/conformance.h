/* mmbench — allocator conformance: malloc, calloc, realloc, free,
 * aligned_alloc, posix_memalign, memalign and malloc_usable_size as C11 and
 * POSIX specify them. Runs inside a child with the allocator injected. */
#ifndef MMB_CONFORMANCE_H
#define MMB_CONFORMANCE_H

#include <stddef.h>

#include "allocator.h"

typedef enum mmb_check_result {
  MMB_CHECK_PASS,
  MMB_CHECK_FAIL,
  MMB_CHECK_WARN,
  MMB_CHECK_NA
} mmb_check_result;

typedef struct mmb_check {
  const char *name; /* "calloc-overflow" */
  unsigned caps;    /* MMB_CAP_* this check concerns; 0 = the core API */
  mmb_check_result result;
  char detail[200]; /* what was seen when not PASS */
} mmb_check;

#define MMB_MAX_CHECKS 24

/* Run every check against a (through the libc entry points for PRELOAD
 * allocators, through the adapter otherwise). Returns the number of
 * checks written to out; *failed gets the number that failed. A failed
 * core check makes the allocator nonconforming everywhere; a failed check
 * of a capability (aligned, realloc, threads) only where a workload needs
 * it. errno details are warnings: results stay valid. */
int mmb_conformance_run(const mmb_allocator *a, mmb_check *out, int *failed);

/* `mmbench check-allocator SPEC...`: a table per allocator. Exit 0 when all
 * conform, 1 when one does not, 2 on bad input. */
int mmb_cmd_check(int argc, char **argv);

#endif
