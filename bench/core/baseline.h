/* mmbench — the baseline policy and the floor, the only place their
 * allocator names are spelled: a cell is compared with the same point
 * under the baseline allocator — glibc, else manual (graph workloads run
 * only under managed allocators), else the first allocator measured that is
 * not the floor. The floor is the harness's minimal allocator, never a
 * contender. */
#ifndef MMB_BASELINE_H
#define MMB_BASELINE_H

#include <stddef.h>

/* 1 when allocator is the floor pseudo-allocator. */
int mmb_is_floor(const char *allocator);

/* The floor allocator's name, for the plan and lookups. */
const char *mmb_floor_name(void);

/* Preference of allocator as a baseline: 0 first choice (glibc), 1 second
 * (manual), -1 not a named baseline. */
int mmb_baseline_rank(const char *allocator);

/* 1 when allocator is explicit management over the object graph (manual):
 * what reference counting and tracing are measured against. */
int mmb_is_explicit_graph(const char *allocator);

/* The baseline among n candidates: name(i, ctx) gives candidate i's
 * allocator, usable(i, ctx) (NULL: all) whether it has the value compared.
 * The first usable candidate of the best rank; with fallback set, else the
 * first usable one that is not the floor. Its index, or -1. */
long mmb_baseline_pick(size_t n, const char *(*name)(size_t i, void *ctx),
                       int (*usable)(size_t i, void *ctx), void *ctx, int fallback);

#endif
