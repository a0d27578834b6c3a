/* mmbench — family 'basic': the harness's own cost (null) and the simplest
 * allocator round trip (malloc-free). */
#include <stdlib.h>

#include "wl_util.h"

/* ---------------------------------------------------------------------------
 * null: no allocator calls; ns/op is the harness's cost per operation
 * ------------------------------------------------------------------------- */
static const mmb_param null_params[] = {
    {.name = "n", .def = 50000000, .min = 1, .max = 1LL << 40, .flags = MMB_PF_WORK,
     .help = "operations (each a PRNG step mixed into the checksum)"},
    {0},
};

typedef struct null_state {
  uint64_t sums[MMB_MAX_THREADS];
} null_state;

static int null_setup(mmb_ctx *ctx) {
  ctx->state = calloc(1, sizeof(null_state));
  return ctx->state ? 0 : -1;
}

static uint64_t null_run(mmb_ctx *ctx, int tid) {
  null_state *s = ctx->state;
  uint64_t n = (uint64_t)ctx->p[0] / (uint64_t)ctx->threads, h = 0;
  mmb_rng r;
  mmb_rng_seed(&r, ctx->seed, (uint64_t)tid);
  for (uint64_t i = 0; i < n; i++) h += mmb_rng_next(&r) >> 32;
  s->sums[tid] = h;
  return n;
}

static int null_verify(mmb_ctx *ctx) {
  null_state *s = ctx->state;
  for (int t = 0; t < ctx->threads; t++) ctx->checksum = mmb_mix(ctx->checksum, s->sums[t]);
  return 0;
}

static void free_state(mmb_ctx *ctx) {
  free(ctx->state);
  ctx->state = NULL;
}

static const mmb_workload wl_null = {
    .name = "null",
    .family = "basic",
    .description = "no allocator calls: the harness's own cost per operation",
    .follows = "",
    .params = null_params,
    .min_threads = 1,
    .setup = null_setup,
    .run = null_run,
    .verify = null_verify,
    .teardown = free_state,
};

/* ---------------------------------------------------------------------------
 * malloc-free: n pairs of malloc(size) / fill / check / free per thread
 * ------------------------------------------------------------------------- */
static const mmb_param mf_params[] = {
    {.name = "size", .def = 64, .min = 1, .max = 1LL << 30, .help = "bytes per block"},
    {.name = "n", .def = 10000000, .min = 1, .max = 1LL << 40, .flags = MMB_PF_WORK,
     .help = "malloc/free pairs (split over the threads)"},
    {0},
};

typedef struct mf_state {
  uint64_t sums[MMB_MAX_THREADS];
  int bad[MMB_MAX_THREADS];
} mf_state;

static int mf_setup(mmb_ctx *ctx) {
  mf_state *s = calloc(1, sizeof *s);
  if (!s) return -1;
  ctx->state = s;
  ctx->live_bytes = (uint64_t)ctx->p[0] * (uint64_t)ctx->threads;
  return 0;
}

static uint64_t mf_run(mmb_ctx *ctx, int tid) {
  mf_state *s = ctx->state;
  const mmb_allocator *a = ctx->alloc;
  size_t size = (size_t)ctx->p[0];
  uint64_t n = (uint64_t)ctx->p[1] / (uint64_t)ctx->threads, h = 0;
  for (uint64_t i = 0; i < n; i++) {
    uint64_t tag = ((uint64_t)tid << 48) ^ i;
    unsigned char *p = a->malloc(size);
    if (!p) {
      s->bad[tid] = 2;
      break;
    }
    /* first and last word carry the tag: enough to catch overlap cheaply */
    p[0] = (unsigned char)tag;
    p[size - 1] = (unsigned char)(tag >> 8);
    mmb_escape(p);
    if (p[0] != (unsigned char)tag || p[size - 1] != (unsigned char)(tag >> 8)) s->bad[tid] = 1;
    h += p[0] + p[size - 1];
    a->free(p, size);
  }
  s->sums[tid] = h;
  return n;
}

static int mf_verify(mmb_ctx *ctx) {
  mf_state *s = ctx->state;
  for (int t = 0; t < ctx->threads; t++) {
    if (s->bad[t] == 2) {
      snprintf(ctx->reason, sizeof ctx->reason, "malloc(%lld) returned NULL", ctx->p[0]);
      return -1;
    }
    if (s->bad[t]) {
      snprintf(ctx->reason, sizeof ctx->reason, "thread %d: block contents changed before free", t);
      return -1;
    }
    ctx->checksum = mmb_mix(ctx->checksum, s->sums[t]);
  }
  return 0;
}

static uint64_t mf_deferred(const long long *p, int threads) {
  (void)threads;
  return (uint64_t)p[0] * (uint64_t)p[1];
}

static const mmb_workload wl_malloc_free = {
    .name = "malloc-free",
    .family = "basic",
    .description = "malloc(size), touch first and last byte, free; repeated n times",
    .follows = "glibc bench-malloc-simple",
    .params = mf_params,
    .min_threads = 1,
    .sweep = "size=16,64,256,4096",
    .deferred_bytes = mf_deferred,
    .setup = mf_setup,
    .run = mf_run,
    .verify = mf_verify,
    .teardown = free_state,
};

const mmb_workload *const mmb_family_basic[] = {&wl_null, &wl_malloc_free, NULL};
