/* mmbench — family 'basic': the harness's own cost (null) and the simplest
 * allocator round trip (malloc-free). */
#include <stdlib.h>

#include "wl_blocks.h"
#include "wl_util.h"

/* ---------------------------------------------------------------------------
 * null: no allocator calls; ns/op is the harness's cost per operation
 * ------------------------------------------------------------------------- */
static const mmb_param null_params[] = {
    {.name = "n",
     .def = 50000000,
     .min = 1,
     .max = 1LL << 40,
     .flags = MMB_PF_WORK,
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
 * malloc-free: n pairs of malloc(size) / touch / free per thread. Under
 * touch=word the word read back goes into the checksum (a changed word
 * gives another checksum than the verification repetition's); the other
 * touches compare the block and add what it should hold.
 * ------------------------------------------------------------------------- */
static const mmb_param mf_params[] = {
    {.name = "size",
     .flags = MMB_PF_BYTES,
     .def = 64,
     .min = 1,
     .max = 1LL << 30,
     .help = "bytes per block"},
    {.name = "n",
     .def = 10000000,
     .min = 1,
     .max = 1LL << 40,
     .flags = MMB_PF_WORK,
     .help = "malloc/free pairs (split over the threads)"},
    MMB_PARAM_TOUCH,
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

static inline __attribute__((always_inline)) uint64_t mf_loop(mmb_ctx *ctx, int tid, const int tc,
                                                              const int libc) {
  mf_state *s = ctx->state;
  const mmb_allocator *a = ctx->alloc;
  size_t size = (size_t)ctx->p[0];
  uint64_t n = (uint64_t)ctx->p[1] / (uint64_t)ctx->threads, h = 0;
  for (uint64_t i = 0; i < n; i++) {
    uint64_t tag = ((uint64_t)tid << 48) ^ i;
    unsigned char *p = mmb_al_malloc(a, libc, size);
    if (!p) {
      s->bad[tid] = 2;
      break;
    }
    blk_touch(tc, p, size, tag); /* the touch parameter (wl_blocks.h) */
    mmb_escape(p);
    if ((__builtin_constant_p(tc) && tc == BLK_TOUCH_WORD8) ||
        __builtin_expect(tc == MMB_TOUCH_WORD && size >= 8, 1)) {
      h += get64(p); /* the word read: tag ^ BLK_WORD while the block is intact */
    } else {
      if (!blk_intact(tc, p, size, tag)) s->bad[tid] = 1;
      h += tag ^ BLK_WORD; /* touch=none: rebuilt, nothing read */
    }
    mmb_al_free(a, libc, p, size);
  }
  s->sums[tid] = h;
  return n;
}

/* Compiled once more for the default touch, with a preloaded malloc called
 * by name there, as a program calls it. */
static uint64_t mf_run(mmb_ctx *ctx, int tid) {
  if (ctx->touch == MMB_TOUCH_WORD && ctx->p[0] >= 8)
    return mmb_al_libc(ctx->alloc) ? mf_loop(ctx, tid, BLK_TOUCH_WORD8, 1)
                                   : mf_loop(ctx, tid, BLK_TOUCH_WORD8, 0);
  return mf_loop(ctx, tid, ctx->touch, 0);
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
    .description = "malloc(size), touch it (first word by default), free; repeated n times",
    .follows = "glibc bench-malloc-simple",
    .params = mf_params,
    .min_threads = 1,
    .sweep = "size=16,64,256,4096",
    .flags = MMB_WF_FLOOR,
    .deferred_bytes = mf_deferred,
    .setup = mf_setup,
    .run = mf_run,
    .verify = mf_verify,
    .teardown = free_state,
};

/* ---------------------------------------------------------------------------
 * region: allocate n objects, write one word in each, release them all —
 * one reset where the allocator has one (a region), else a free per object.
 * variant=raw is the limit: the same stores bumped through a buffer made in
 * setup, with no allocator call at all.
 * ------------------------------------------------------------------------- */
static const char *const region_variants[] = {"alloc", "raw", NULL};
enum { RG_ALLOC, RG_RAW };
enum { RG_P_VARIANT, RG_P_SIZE, RG_P_N, RG_P_ROUNDS };

static const mmb_param region_params[] = {
    {.name = "variant",
     .type = MMB_P_ENUM,
     .def = RG_ALLOC,
     .choices = region_variants,
     .help = "alloc: through the allocator | raw: bump through a preallocated buffer (the limit)"},
    {.name = "size",
     .flags = MMB_PF_BYTES,
     .def = 32,
     .min = 8,
     .max = 1 << 20,
     .help = "bytes per object (multiple of 8)"},
    {.name = "n",
     .def = 65536,
     .min = 1,
     .max = 1 << 26,
     .help = "objects per round (all live at its end)"},
    {.name = "rounds",
     .def = 2000,
     .min = 1,
     .max = 1LL << 30,
     .flags = MMB_PF_WORK,
     .help = "rounds of allocate-all / release-all"},
    {0},
};

typedef struct region_state {
  void **ptrs;        /* the round's objects (made in setup) */
  unsigned char *buf; /* variant=raw: the bump buffer */
  uint64_t sum;
  int bad;
} region_state;

static int region_setup(mmb_ctx *ctx) {
  region_state *s = calloc(1, sizeof *s);
  if (!s) return -1;
  ctx->state = s;
  size_t n = (size_t)ctx->p[RG_P_N], size = (size_t)ctx->p[RG_P_SIZE];
  if (size % 8) {
    snprintf(ctx->reason, sizeof ctx->reason, "region: size must be a multiple of 8, not %zu",
             size);
    return -1;
  }
  s->ptrs = malloc(n * sizeof *s->ptrs);
  if (ctx->p[RG_P_VARIANT] == RG_RAW) s->buf = malloc(n * size);
  if (!s->ptrs || (ctx->p[RG_P_VARIANT] == RG_RAW && !s->buf)) return -1;
  if (s->buf) memset(s->buf, 0, n * size); /* fault the limit's pages in first */
  ctx->live_bytes = (uint64_t)n * size;
  return 0;
}

static uint64_t region_run(mmb_ctx *ctx, int tid) {
  (void)tid;
  region_state *s = ctx->state;
  const mmb_allocator *a = ctx->alloc;
  size_t n = (size_t)ctx->p[RG_P_N], size = (size_t)ctx->p[RG_P_SIZE];
  uint64_t rounds = (uint64_t)ctx->p[RG_P_ROUNDS], sum = 0;
  int by_reset = (a->caps & MMB_CAP_RESET) && a->reset;
  for (uint64_t r = 0; r < rounds; r++) {
    if (s->buf) {
      unsigned char *bump = s->buf;
      for (size_t i = 0; i < n; i++, bump += size) {
        *(uint64_t *)bump = r + i;
        s->ptrs[i] = bump;
      }
    } else {
      for (size_t i = 0; i < n; i++) {
        uint64_t *p = a->malloc(size);
        if (!p) {
          s->bad = 1;
          return r * n + i;
        }
        *p = r + i;
        s->ptrs[i] = p;
      }
    }
    mmb_escape(s->ptrs);
    /* consume a sample of the round (first, middle, last), then release */
    sum += *(uint64_t *)s->ptrs[0] + *(uint64_t *)s->ptrs[n / 2] + *(uint64_t *)s->ptrs[n - 1];
    if (s->buf) continue;
    if (by_reset) {
      a->reset();
    } else {
      for (size_t i = 0; i < n; i++) a->free(s->ptrs[i], size);
    }
  }
  s->sum = sum;
  return rounds * n;
}

static int region_verify(mmb_ctx *ctx) {
  region_state *s = ctx->state;
  if (s->bad) {
    snprintf(ctx->reason, sizeof ctx->reason, "region: malloc(%lld) returned NULL",
             ctx->p[RG_P_SIZE]);
    return -1;
  }
  uint64_t n = (uint64_t)ctx->p[RG_P_N], rounds = (uint64_t)ctx->p[RG_P_ROUNDS], want = 0;
  for (uint64_t r = 0; r < rounds; r++) want += 3 * r + 0 + n / 2 + (n - 1);
  if (s->sum != want) {
    snprintf(ctx->reason, sizeof ctx->reason,
             "region: objects did not keep their words (sum %llu, want %llu)",
             (unsigned long long)s->sum, (unsigned long long)want);
    return -1;
  }
  ctx->checksum = mmb_mix(0, want);
  return 0;
}

static void region_teardown(mmb_ctx *ctx) {
  region_state *s = ctx->state;
  if (s) {
    free(s->ptrs);
    free(s->buf);
  }
  free_state(ctx);
}

static int region_uses_allocator(const long long *p) { return p[RG_P_VARIANT] == RG_ALLOC; }
static uint64_t region_deferred(const long long *p, int threads) {
  (void)threads;
  return (uint64_t)p[RG_P_SIZE] * (uint64_t)p[RG_P_N]; /* reset after every round */
}

static const mmb_workload wl_region = {
    .name = "region",
    .family = "basic",
    .description = "allocate n objects, write a word in each, release all (reset where the "
                   "allocator has one, else free each); raw = the bump-pointer limit",
    .follows = "Berger, Zorn & McKinley, OOPSLA 2002 (regions)",
    .params = region_params,
    .min_threads = 1,
    .max_threads = 1,
    .sweep = "variant=alloc,raw;size=32,256",
    .deferred_bytes = region_deferred,
    .uses_allocator = region_uses_allocator,
    .setup = region_setup,
    .run = region_run,
    .verify = region_verify,
    .teardown = region_teardown,
};

const mmb_workload *const mmb_family_basic[] = {&wl_null, &wl_malloc_free, &wl_region, NULL};
