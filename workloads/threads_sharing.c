/* mmbench — family 'threads', its false-sharing pair: cache-thrash and
 * cache-scratch (threads.c holds the rest of the family). */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wl_blocks.h"
#include "wl_util.h"

/* ===========================================================================
 * cache-thrash / cache-scratch (Berger, McKinley, Blumofe & Wilson, Hoard,
 * ASPLOS 2000). Object g (0 <= g < n) is allocated by the thread whose share
 * holds g, written `reps` times byte by byte through a volatile pointer (each
 * write read back), checked in full and freed. Total work fixed; the
 * checksum covers objects 0 .. n-1, whatever the thread count.
 * cache-scratch adds, in setup, one object per thread allocated by the main
 * thread, pairs of them on one cache line; each worker checks and frees its
 * object first, so an
 * allocator that hands the freed memory to that thread's next request puts
 * objects of different threads on one cache line (passive false sharing).
 * ========================================================================= */
enum { CT_SIZE, CT_REPS, CT_N };

static const mmb_param ct_params[] = {
    {.name = "size",
     .flags = MMB_PF_BYTES,
     .def = 8,
     .min = 1,
     .max = 1LL << 20,
     .help = "bytes per object"},
    {.name = "reps",
     .def = 20000,
     .min = 1,
     .max = 1LL << 30,
     .help = "times each object is written in full"},
    {.name = "n",
     .def = 4000,
     .min = 1,
     .max = 1LL << 40,
     .flags = MMB_PF_WORK,
     .help = "objects in all (total, split over the threads)"},
    {0},
};

typedef struct ct_state {
  tres *r;
  unsigned char *first[MMB_MAX_THREADS]; /* cache-scratch: handed-over objects */
  unsigned char **spare;                 /* cache-scratch: objects passed over in setup */
  size_t nspare;
  int corrupt;
} ct_state;

#define CT_SEARCH 4096       /* objects setup may allocate to find adjacent ones */
enum { CT_FIG_SHARED_LINE }; /* cache-scratch's figures[] (below) */

#define CT_FIRST_TAG(t) TAG(1, (uint64_t)(t)) /* outside 0 .. n-1 (n < 2^40) */
#define CT_SPARE_TAG(i) TAG(2, (uint64_t)(i))

/* 1 when o[2i] and o[2i+1] share a 64-byte line for every pair of the T
 * objects (an odd last one shares the line of the one before). */
static int ct_lines_shared(unsigned char *const *o, int T) {
  if (T < 2) return 1;
  for (int i = 0; i < T; i += 2) {
    int j = i + 1 < T ? i + 1 : i - 1;
    if ((uintptr_t)o[i] >> 6 != (uintptr_t)o[j] >> 6) return 0;
  }
  return 1;
}

static int ct_setup_common(mmb_ctx *ctx, int scratch) {
  ct_state *s = calloc(1, sizeof *s);
  if (!s) return -1;
  ctx->state = s;
  if (!(s->r = tres_new(ctx->threads))) return -1;
  if (!scratch) return 0;
  /* The handed-over objects must share cache lines, as a fresh heap gives
   * them: objects 2i and 2i+1 on one 64-byte line (a >> 6 == b >> 6; with
   * an odd count the last shares the line of the one before), so that the
   * workers' later objects, put where these were freed, can share lines too.
   * An allocator that first reuses scattered free chunks would otherwise
   * hide the effect. Allocate until the last `threads` objects are placed
   * so; the ones passed over stay allocated until teardown. An allocator
   * that never does so within CT_SEARCH objects gets the last `threads`
   * objects, and shared_line = 0 in runs.csv says so. */
  size_t size = (size_t)ctx->p[CT_SIZE];
  int T = ctx->threads;
  unsigned char **got = calloc(CT_SEARCH, sizeof *got);
  if (!got) return -1;
  size_t n = 0;
  int placed = 0;
  while (n < CT_SEARCH && !placed) {
    got[n] = ctx->alloc->malloc(size);
    if (!got[n]) {
      snprintf(ctx->reason, sizeof ctx->reason, "setup: malloc(%zu) returned NULL", size);
      s->spare = got, s->nspare = n;
      return -1;
    }
    blk_fill(got[n], size, CT_SPARE_TAG(n)); /* checked in verify: live all along */
    n++;
    placed = n >= (size_t)T && ct_lines_shared(got + n - (size_t)T, T);
  }
  if (T >= 2) ctx->fig[CT_FIG_SHARED_LINE] = placed;
  for (int t = 0; t < T; t++) {
    s->first[t] = got[n - (size_t)T + (size_t)t];
    blk_fill(s->first[t], size, CT_FIRST_TAG(t));
  }
  s->spare = got;
  s->nspare = n - (size_t)T;
  return 0;
}

static int thrash_setup(mmb_ctx *ctx) { return ct_setup_common(ctx, 0); }
static int scratch_setup(mmb_ctx *ctx) { return ct_setup_common(ctx, 1); }

/* Write the object reps times; returns the sum of the bytes read back. */
static uint64_t ct_work(unsigned char *obj, size_t size, uint64_t reps, uint64_t g) {
  volatile unsigned char *o = obj;
  uint64_t acc = 0;
  for (uint64_t r = 0; r < reps; r++)
    for (size_t k = 0; k < size; k++) {
      o[k] = (unsigned char)(g + r + k);
      acc += o[k];
    }
  return acc;
}

static int ct_final_ok(const unsigned char *obj, size_t size, uint64_t reps, uint64_t g) {
  unsigned diff = 0;
  for (size_t k = 0; k < size; k++) diff |= obj[k] ^ (unsigned char)(g + reps - 1 + k);
  return diff == 0;
}

static uint64_t ct_run(mmb_ctx *ctx, int tid) {
  ct_state *s = ctx->state;
  tres *res = &s->r[tid];
  const mmb_allocator *a = ctx->alloc;
  const size_t size = (size_t)ctx->p[CT_SIZE];
  const uint64_t reps = (uint64_t)ctx->p[CT_REPS], n = (uint64_t)ctx->p[CT_N];
  uint64_t sum = 0, ops = 0;
  if (s->first[tid]) {
    if (!blk_check(s->first[tid], size, CT_FIRST_TAG(tid))) {
      fault_set(&res->f, F_PATTERN, CT_FIRST_TAG(tid), size);
      goto out;
    }
    a->free(s->first[tid], size);
    s->first[tid] = NULL;
  }
  uint64_t lo = share_lo(n, ctx->threads, tid), hi = lo + share(n, ctx->threads, tid);
  for (uint64_t g = lo; g < hi; g++) {
    unsigned char *o = a->malloc(size);
    if (!o) {
      fault_set(&res->f, F_NULL, g, size);
      goto out;
    }
    uint64_t acc = ct_work(o, size, reps, g);
    if (!ct_final_ok(o, size, reps, g)) {
      fault_set(&res->f, F_PATTERN, g, size);
      goto out;
    }
    sum = mmb_mix(sum, g * 0x100000001b3ull ^ acc);
    a->free(o, size);
    ops++;
  }
out:
  res->sum = sum;
  res->peak = size;
  return ops;
}

static int ct_verify(mmb_ctx *ctx) {
  ct_state *s = ctx->state;
  size_t size = (size_t)ctx->p[CT_SIZE];
  for (size_t i = 0; i < s->nspare; i++)
    if (!blk_check(s->spare[i], size, CT_SPARE_TAG(i))) {
      snprintf(ctx->reason, sizeof ctx->reason,
               "setup object %zu (%zu bytes) changed while live: the allocator handed out its "
               "memory again",
               i, size);
      s->corrupt = 1;
      return -1;
    }
  int rc = tres_verify(ctx, s->r, ctx->threads, "thread");
  if (rc) s->corrupt = 1;
  return rc;
}

static void ct_teardown(mmb_ctx *ctx) {
  ct_state *s = ctx->state;
  if (!s) return;
  for (int t = 0; !s->corrupt && t < ctx->threads; t++)
    if (s->first[t]) ctx->alloc->free(s->first[t], (size_t)ctx->p[CT_SIZE]);
  for (size_t i = 0; !s->corrupt && i < s->nspare; i++)
    ctx->alloc->free(s->spare[i], (size_t)ctx->p[CT_SIZE]);
  free(s->spare);
  free(s->r);
  free(s);
  ctx->state = NULL;
}

static const mmb_workload wl_cache_thrash = {
    .name = "cache-thrash",
    .family = "threads",
    .flags = MMB_WF_THROUGHPUT | MMB_WF_SCALING,
    .description = "active false sharing: threads allocate small objects and write them repeatedly",
    .follows = "Berger et al., Hoard, ASPLOS 2000 (cache-thrash)",
    .params = ct_params,
    .needs = MMB_CAP_FREE | MMB_CAP_THREADS,
    .min_threads = 1,
    .sweep = "",
    .setup = thrash_setup,
    .run = ct_run,
    .verify = ct_verify,
    .teardown = ct_teardown,
};

/* What cache-scratch reports about its run: runs.csv shared_line. */
static const mmb_figure scratch_figures[] = {
    [CT_FIG_SHARED_LINE] = {"shared_line", "", 0,
                            "handed-over objects shared a cache line (1) or never (0)"},
    {NULL, NULL, 0, NULL},
};

static const mmb_workload wl_cache_scratch = {
    .name = "cache-scratch",
    .family = "threads",
    .flags = MMB_WF_THROUGHPUT | MMB_WF_SCALING,
    .description =
        "passive false sharing: objects sharing cache lines, freed by workers, then reused",
    .follows = "Berger et al., Hoard, ASPLOS 2000 (cache-scratch)",
    .params = ct_params,
    .needs = MMB_CAP_FREE | MMB_CAP_THREADS,
    .min_threads = 1,
    .sweep = "",
    .setup = scratch_setup,
    .run = ct_run,
    .verify = ct_verify,
    .teardown = ct_teardown,
    .figures = scratch_figures,
};

const mmb_workload *const mmb_family_threads_sharing[] = {&wl_cache_thrash, &wl_cache_scratch,
                                                          NULL};
