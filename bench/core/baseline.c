/* mmbench — the baseline policy and the floor (see baseline.h). */
#include "baseline.h"

#include <string.h>

/* In order of preference. */
static const char *const baselines[] = {"glibc", "manual"};
#define NBASE (sizeof baselines / sizeof baselines[0])
static const char floor_name[] = "floor";

int mmb_is_floor(const char *allocator) { return allocator && strcmp(allocator, floor_name) == 0; }

const char *mmb_floor_name(void) { return floor_name; }

int mmb_baseline_rank(const char *allocator) {
  for (size_t i = 0; allocator && i < NBASE; i++)
    if (strcmp(allocator, baselines[i]) == 0) return (int)i;
  return -1;
}

int mmb_is_explicit_graph(const char *allocator) { return mmb_baseline_rank(allocator) == 1; }

long mmb_baseline_pick(size_t n, const char *(*name)(size_t i, void *ctx),
                       int (*usable)(size_t i, void *ctx), void *ctx, int fallback) {
  long best = -1;
  int best_rank = (int)NBASE;
  for (size_t i = 0; i < n; i++) {
    int r = mmb_baseline_rank(name(i, ctx));
    if (r < 0 || r >= best_rank || (usable && !usable(i, ctx))) continue;
    best = (long)i;
    best_rank = r;
  }
  if (best >= 0 || !fallback) return best;
  for (size_t i = 0; i < n; i++)
    if (!mmb_is_floor(name(i, ctx)) && (!usable || usable(i, ctx))) return (long)i;
  return -1;
}
