/* mmbench — the allocator registry, in listing order. */
#include <string.h>

#include "allocator.h"

extern const mmb_allocator mmb_alloc_glibc, mmb_alloc_jemalloc, mmb_alloc_mimalloc,
    mmb_alloc_tcmalloc, mmb_alloc_scudo, mmb_alloc_tbbmalloc;
extern const mmb_allocator mmb_alloc_arena, mmb_alloc_arena_pool;
extern const mmb_allocator mmb_alloc_manual, mmb_alloc_rc, mmb_alloc_rc_cc, mmb_alloc_gc,
    mmb_alloc_boehm;
extern const mmb_allocator mmb_alloc_floor; /* not listed: the plan adds it (floor.c) */

const mmb_allocator *const mmb_allocators[] = {
    &mmb_alloc_glibc,    &mmb_alloc_jemalloc,
    &mmb_alloc_mimalloc, &mmb_alloc_tcmalloc,
    &mmb_alloc_scudo,    &mmb_alloc_tbbmalloc,
    &mmb_alloc_arena,    &mmb_alloc_arena_pool,
    &mmb_alloc_manual,   &mmb_alloc_rc,
    &mmb_alloc_rc_cc,    &mmb_alloc_gc,
    &mmb_alloc_boehm,    NULL,
};

const mmb_allocator *mmb_allocator_find(const char *name) {
  for (const mmb_allocator *const *a = mmb_allocators; *a; a++)
    if (strcmp((*a)->name, name) == 0) return *a;
  if (strcmp(name, mmb_alloc_floor.name) == 0) return &mmb_alloc_floor;
  return NULL;
}
