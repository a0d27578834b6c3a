/* mmbench — family 'stack-heap': where a function's temporary memory lives.
 *
 * scratch    a function needs S bytes of scratch, fills them and reduces them
 *            to a value: fixed-size stack array, VLA, the allocator under test
 *            (malloc/free per call) or one heap buffer reused (lower bound).
 * recursion  frames of a given size pushed to a given depth and popped: on
 *            the C stack, in a heap-allocated explicit stack grown by
 *            doubling, or one heap block per frame.
 *
 * Every variant computes exactly the same values, so the checksum is the same
 * for every variant, every allocator and every thread count (at one seed). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>

#include "wl_util.h"

#define NOINLINE __attribute__((noinline))
#define ALWAYS_INLINE inline __attribute__((always_inline))

/* Fill step and per-call / per-frame key step (odd 64-bit constants). */
#define SH_STEP 0x9e3779b97f4a7c15ull
#define SH_GOLD 0xd1b54a32d192ed03ull

/* Sizes beyond which work params count equal bytes rather than equal calls:
 * with a size sweep over 4096x, equal calls would make the 64 KiB cell 4096x
 * longer than the 16 B one; past a few dozen bytes the per-call cost is
 * dominated by the O(S) fill, so n*UNIT/S calls keep every cell of the sweep
 * near the same duration (measured: within 3x from 16 B to 64 KiB). */
#define SC_UNIT 64  /* scratch: bytes */
#define RC_UNIT 256 /* recursion: frame bytes */

enum { SH_OK = 0, SH_MISMATCH = 1, SH_NULL = 2 };

/* ---------------------------------------------------------------------------
 * The work every variant does on its buffer: word j = x + j*STEP, then an
 * opaque barrier (the buffer escapes, so the stores must happen and the loads
 * must read memory), then the sum of the words. The sum has a closed form,
 * words*x + STEP*words*(words-1)/2, so comparing it is a full check of every
 * word at the cost of one multiply: a block shared with another live block
 * (an allocator handing it out twice) changes it.
 * The word count is always a runtime value so that no variant gets a loop
 * the compiler unrolls or vectorises differently from the others.
 * ------------------------------------------------------------------------- */
static ALWAYS_INLINE void sh_fill(uint64_t *buf, size_t words, uint64_t x) {
  for (size_t j = 0; j < words; j++) buf[j] = x + j * SH_STEP;
}

static ALWAYS_INLINE uint64_t sh_sum(const uint64_t *buf, size_t words) {
  uint64_t s = 0;
  for (size_t j = 0; j < words; j++) s += buf[j];
  return s;
}

static ALWAYS_INLINE uint64_t sh_work(uint64_t *buf, size_t words, uint64_t x) {
  sh_fill(buf, words, x);
  mmb_escape(buf);
  return sh_sum(buf, words);
}

static uint64_t sh_base(size_t words) {
  /* STEP * words*(words-1)/2 without losing the odd factor */
  uint64_t w = words, tri = (w % 2 == 0) ? (w / 2) * (w - 1) : w * ((w - 1) / 2);
  return SH_STEP * tri;
}

/* Per-thread slot. Written in the loop only on failure; sum and ops once at
 * the end, so neighbouring slots sharing a line costs nothing measurable. */
typedef struct sh_thread {
  const mmb_allocator *alloc;
  size_t bytes, words;
  uint64_t base;   /* sh_base(words) */
  uint64_t *reuse; /* scratch: the reused buffer */
  uint64_t sum;    /* sum of every value computed */
  uint64_t ops;
  int bad;         /* SH_* */
  uint64_t bad_at; /* call / descent index of the failure */
} sh_thread;

static uint64_t sh_split(uint64_t total, int tid, int threads) {
  return (uint64_t)((__uint128_t)total * (uint64_t)tid / (uint64_t)threads);
}

static uint64_t sh_key(uint64_t seed) {
  uint64_t x = seed ^ 0x5ca7c4ull;
  return mmb_splitmix64(&x);
}

static const char *const sh_bad_text[] = {"", "sum of the buffer words changed", "returned NULL"};

/* ===========================================================================
 * scratch
 * ========================================================================= */
static const char *const scratch_variants[] = {"stack", "vla", "heap", "reuse", NULL};
enum { SC_STACK, SC_VLA, SC_HEAP, SC_REUSE };
enum { SC_P_VARIANT, SC_P_SIZE, SC_P_N };

static const mmb_param scratch_params[] = {
    {.name = "variant",
     .type = MMB_P_ENUM,
     .def = SC_HEAP,
     .choices = scratch_variants,
     .help = "stack array | VLA | malloc+free per call | one heap buffer reused"},
    {.name = "size",
     .flags = MMB_PF_BYTES,
     .def = 256,
     .min = 16,
     .max = 65536,
     .help = "scratch bytes S per call (multiple of 8)"},
    {.name = "n",
     .def = 32000000,
     .min = 1,
     .max = 1LL << 40,
     .flags = MMB_PF_WORK,
     .help = "calls at S<=64 (S>64: n*64/S calls, same bytes)"},
    {0},
};

typedef uint64_t (*scratch_fn)(sh_thread *t, uint64_t x);

typedef struct scratch_state {
  scratch_fn fn;
  uint64_t calls, key;
  sh_thread t[MMB_MAX_THREADS];
} scratch_state;

/* Stack variant: one function per power of two, each with a fixed-size array
 * of exactly that many bytes, and S bytes of it used (S rounded up to the
 * next power of two picks the function; the default sweep uses powers of two,
 * so the array is exactly S). One array of the maximum size (64 KiB) in every
 * call would not be "a fixed-size array of S bytes": the frame would always
 * span 16 pages, which changes what is measured at small S (frame set-up,
 * probes under -fstack-clash-protection, the pages and lines the frame
 * covers). This is what C code does: `char buf[N]` with a constant N. */
#define SH_POW2_SIZES(X)                                                                           \
  X(16) X(32) X(64) X(128) X(256) X(512) X(1024) X(2048) X(4096) X(8192) X(16384) X(32768) X(65536)

#define SCRATCH_STACK_FN(N)                                                                        \
  static NOINLINE uint64_t scratch_stack_##N(sh_thread *t, uint64_t x) {                           \
    uint64_t buf[(N) / 8];                                                                         \
    return sh_work(buf, t->words, x);                                                              \
  }
SH_POW2_SIZES(SCRATCH_STACK_FN)

static const struct {
  size_t bytes;
  scratch_fn fn;
} scratch_stack_fns[] = {
#define SCRATCH_STACK_ENTRY(N) {(N), scratch_stack_##N},
    SH_POW2_SIZES(SCRATCH_STACK_ENTRY)};

static NOINLINE uint64_t scratch_vla(sh_thread *t, uint64_t x) {
  uint64_t buf[t->words]; /* stack pointer moved by a runtime amount */
  return sh_work(buf, t->words, x);
}

static NOINLINE uint64_t scratch_heap(sh_thread *t, uint64_t x) {
  uint64_t *buf = t->alloc->malloc(t->bytes);
  if (!buf) {
    t->bad = SH_NULL;
    return t->words * x + t->base + 1; /* any value the caller rejects */
  }
  uint64_t r = sh_work(buf, t->words, x);
  t->alloc->free(buf, t->bytes);
  return r;
}

static NOINLINE uint64_t scratch_reuse(sh_thread *t, uint64_t x) {
  return sh_work(t->reuse, t->words, x);
}

static uint64_t scratch_calls(const long long *p) {
  uint64_t n = (uint64_t)p[SC_P_N], s = (uint64_t)p[SC_P_SIZE];
  uint64_t c = s <= SC_UNIT ? n : (uint64_t)((__uint128_t)n * SC_UNIT / s);
  return c ? c : 1;
}

static int scratch_setup(mmb_ctx *ctx) {
  size_t size = (size_t)ctx->p[SC_P_SIZE];
  int variant = (int)ctx->p[SC_P_VARIANT];
  if (size % 8 != 0) {
    snprintf(ctx->reason, sizeof ctx->reason, "scratch: size must be a multiple of 8, not %zu",
             size);
    return -1;
  }
  scratch_state *s = calloc(1, sizeof *s);
  if (!s) return -1;
  ctx->state = s;
  s->calls = scratch_calls(ctx->p);
  s->key = sh_key(ctx->seed);
  switch (variant) {
  case SC_STACK:
    for (size_t i = 0; i < sizeof scratch_stack_fns / sizeof scratch_stack_fns[0]; i++) {
      if (scratch_stack_fns[i].bytes >= size) {
        s->fn = scratch_stack_fns[i].fn;
        break;
      }
    }
    break;
  case SC_VLA: s->fn = scratch_vla; break;
  case SC_HEAP: s->fn = scratch_heap; break;
  default: s->fn = scratch_reuse; break;
  }
  for (int i = 0; i < ctx->threads; i++) {
    sh_thread *t = &s->t[i];
    t->alloc = ctx->alloc;
    t->bytes = size;
    t->words = size / 8;
    t->base = sh_base(t->words);
    if (variant == SC_REUSE) {
      t->reuse = ctx->alloc->malloc(size);
      if (!t->reuse) t->bad = SH_NULL;
    }
  }
  /* heap bytes live: one buffer per thread (none for stack / VLA) */
  ctx->live_bytes = (variant == SC_HEAP || variant == SC_REUSE) ? size * (uint64_t)ctx->threads : 0;
  return 0;
}

static uint64_t scratch_run(mmb_ctx *ctx, int tid) {
  scratch_state *s = ctx->state;
  sh_thread *t = &s->t[tid];
  uint64_t lo = sh_split(s->calls, tid, ctx->threads);
  uint64_t hi = sh_split(s->calls, tid + 1, ctx->threads);
  if (t->bad) return 0;
  const scratch_fn fn = s->fn;
  const uint64_t words = t->words, base = t->base;
  uint64_t x = s->key + lo * SH_GOLD, sum = 0, i;
  for (i = lo; i < hi; i++, x += SH_GOLD) {
    uint64_t r = fn(t, x);
    if (__builtin_expect(r != words * x + base, 0)) {
      if (!t->bad) t->bad = SH_MISMATCH;
      t->bad_at = i;
      break;
    }
    sum += r;
  }
  t->sum = sum;
  t->ops = i - lo;
  return t->ops;
}

static int sh_report(mmb_ctx *ctx, const sh_thread *ts, const char *what) {
  uint64_t total = 0, ops = 0;
  for (int i = 0; i < ctx->threads; i++) {
    const sh_thread *t = &ts[i];
    if (t->bad) {
      if (t->bad == SH_NULL)
        snprintf(ctx->reason, sizeof ctx->reason, "%s: thread %d: malloc(%zu) returned NULL", what,
                 i, t->bytes);
      else
        snprintf(ctx->reason, sizeof ctx->reason, "%s: thread %d, step %llu: %s", what, i,
                 (unsigned long long)t->bad_at, sh_bad_text[t->bad]);
      return -1;
    }
    total += t->sum; /* wrapping addition: independent of the split */
    ops += t->ops;
  }
  ctx->checksum = mmb_mix(mmb_mix(0, total), ops);
  return 0;
}

static int scratch_verify(mmb_ctx *ctx) {
  scratch_state *s = ctx->state;
  return sh_report(ctx, s->t, "scratch");
}

static void scratch_teardown(mmb_ctx *ctx) {
  scratch_state *s = ctx->state;
  if (!s) return;
  for (int i = 0; i < ctx->threads; i++)
    if (s->t[i].reuse) ctx->alloc->free(s->t[i].reuse, s->t[i].bytes);
  free(s);
  ctx->state = NULL;
}

static uint64_t scratch_deferred(const long long *p, int threads) {
  uint64_t size = (uint64_t)p[SC_P_SIZE];
  switch (p[SC_P_VARIANT]) {
  case SC_HEAP: return scratch_calls(p) * size;
  case SC_REUSE: return size * (uint64_t)threads;
  default: return 0;
  }
}

static int scratch_uses_allocator(const long long *p) { return p[SC_P_VARIANT] == SC_HEAP; }

static const mmb_workload wl_scratch = {
    .name = "scratch",
    .family = "stack-heap",
    .description = "S-byte scratch buffer per call, filled and summed: stack array, VLA, "
                   "malloc+free, or one reused heap buffer",
    .follows = "",
    .params = scratch_params,
    .min_threads = 1,
    .sweep = "size=16,1024,65536;variant=stack,vla,heap,reuse",
    .uses_allocator = scratch_uses_allocator,
    .deferred_bytes = scratch_deferred,
    .setup = scratch_setup,
    .run = scratch_run,
    .verify = scratch_verify,
    .teardown = scratch_teardown,
};

/* ===========================================================================
 * recursion
 * ========================================================================= */
static const char *const rec_variants[] = {"stack", "heap", "frames", NULL};
enum { RC_STACK, RC_HEAP, RC_FRAMES };
enum { RC_P_VARIANT, RC_P_FRAME, RC_P_DEPTH, RC_P_N };

static const mmb_param rec_params[] = {
    {.name = "variant",
     .type = MMB_P_ENUM,
     .def = RC_HEAP,
     .choices = rec_variants,
     .help = "C stack | heap explicit stack grown by doubling | one heap block per frame"},
    {.name = "frame",
     .flags = MMB_PF_BYTES,
     .def = 256,
     .min = 16,
     .max = 16384,
     .help = "bytes of data per frame (power of two)"},
    {.name = "depth",
     .def = 1024,
     .min = 1,
     .max = 1 << 20,
     .help = "frames per descent (limited by the thread stack size)"},
    {.name = "n",
     .def = 8000000,
     .min = 1,
     .max = 1LL << 40,
     .flags = MMB_PF_WORK,
     .help = "frames pushed in all at frame<=256 (larger: n*256/frame); n/depth descents"},
    {0},
};

typedef struct rec_state {
  uint64_t descents, depth, key;
  int variant;
  uint64_t (*stack_fn)(sh_thread *t, uint64_t x, uint64_t left);
  sh_thread t[MMB_MAX_THREADS];
} rec_state;

/* Stack variant: frames of exactly N bytes (see scratch for why there is one
 * function per size). Each level fills its frame, recurses, then checks and
 * sums its frame on the way back, so every frame stays live below it. */
#define REC_POW2_SIZES(X)                                                                          \
  X(16) X(32) X(64) X(128) X(256) X(512) X(1024) X(2048) X(4096) X(8192) X(16384)

#define REC_STACK_FN(N)                                                                            \
  static NOINLINE uint64_t rec_stack_##N(sh_thread *t, uint64_t x, uint64_t left) {                \
    uint64_t frame[(N) / 8];                                                                       \
    sh_fill(frame, t->words, x);                                                                   \
    mmb_escape(frame);                                                                             \
    uint64_t below = left > 1 ? rec_stack_##N(t, x + SH_GOLD, left - 1) : 0;                       \
    uint64_t s = sh_sum(frame, t->words);                                                          \
    if (s != t->words * x + t->base) t->bad = SH_MISMATCH;                                         \
    return below + s;                                                                              \
  }
REC_POW2_SIZES(REC_STACK_FN)

static const struct {
  size_t bytes;
  uint64_t (*fn)(sh_thread *t, uint64_t x, uint64_t left);
} rec_stack_fns[] = {
#define REC_STACK_ENTRY(N) {(N), rec_stack_##N},
    REC_POW2_SIZES(REC_STACK_ENTRY)};

/* Frames variant: the same recursion, each frame's data in its own block. */
static NOINLINE uint64_t rec_frames(sh_thread *t, uint64_t x, uint64_t left) {
  uint64_t *frame = t->alloc->malloc(t->bytes);
  if (!frame) {
    t->bad = SH_NULL;
    return 0;
  }
  sh_fill(frame, t->words, x);
  mmb_escape(frame);
  uint64_t below = left > 1 ? rec_frames(t, x + SH_GOLD, left - 1) : 0;
  uint64_t s = sh_sum(frame, t->words);
  if (s != t->words * x + t->base && !t->bad) t->bad = SH_MISMATCH;
  t->alloc->free(frame, t->bytes);
  return below + s;
}

/* Heap variant: an explicit stack, as an iterative algorithm keeps one: a
 * block of 16 frames, doubled (realloc) when full, freed after the descent. */
static uint64_t *rec_grow(sh_thread *t, uint64_t *old, size_t old_bytes, size_t new_bytes) {
  const mmb_allocator *a = t->alloc;
  if ((a->caps & MMB_CAP_REALLOC) && a->realloc) return a->realloc(old, old_bytes, new_bytes);
  uint64_t *p = a->malloc(new_bytes);
  if (p) {
    memcpy(p, old, old_bytes);
    a->free(old, old_bytes);
  }
  return p;
}

static NOINLINE uint64_t rec_heap(sh_thread *t, uint64_t x, uint64_t depth) {
  const size_t words = t->words, bytes = t->bytes;
  uint64_t cap = depth < 16 ? depth : 16, total = 0;
  uint64_t *st = t->alloc->malloc(cap * bytes);
  if (!st) {
    t->bad = SH_NULL;
    return 0;
  }
  for (uint64_t lvl = 0; lvl < depth; lvl++) {
    if (lvl == cap) {
      uint64_t *g = rec_grow(t, st, cap * bytes, 2 * cap * bytes);
      if (!g) {
        t->bad = SH_NULL;
        t->alloc->free(st, cap * bytes);
        return 0;
      }
      st = g;
      cap *= 2;
    }
    uint64_t *frame = st + lvl * words;
    sh_fill(frame, words, x + lvl * SH_GOLD);
    mmb_escape(frame);
  }
  for (uint64_t lvl = depth; lvl-- > 0;) {
    uint64_t s = sh_sum(st + lvl * words, words);
    if (s != words * (x + lvl * SH_GOLD) + t->base) t->bad = SH_MISMATCH;
    total += s;
  }
  t->alloc->free(st, cap * bytes);
  return total;
}

static uint64_t rec_descents(const long long *p) {
  uint64_t n = (uint64_t)p[RC_P_N], f = (uint64_t)p[RC_P_FRAME], d = (uint64_t)p[RC_P_DEPTH];
  uint64_t frames = f <= RC_UNIT ? n : (uint64_t)((__uint128_t)n * RC_UNIT / f);
  uint64_t k = frames / d;
  return k ? k : 1;
}

static int rec_setup(mmb_ctx *ctx) {
  size_t frame = (size_t)ctx->p[RC_P_FRAME];
  uint64_t depth = (uint64_t)ctx->p[RC_P_DEPTH];
  int variant = (int)ctx->p[RC_P_VARIANT];
  if (frame & (frame - 1)) {
    snprintf(ctx->reason, sizeof ctx->reason, "recursion: frame must be a power of two, not %zu",
             frame);
    return -1;
  }
  /* The recursion runs on a worker thread: its stack is the default size of
   * a new thread. Use at most half of it (frame overhead and the harness). */
  size_t stack = 8u << 20;
  pthread_attr_t attr;
  if (pthread_getattr_default_np(&attr) == 0) {
    pthread_attr_getstacksize(&attr, &stack);
    pthread_attr_destroy(&attr);
  }
  uint64_t per_level = variant == RC_STACK ? frame + 64 : 96;
  if (variant != RC_HEAP && depth * per_level > stack / 2) {
    snprintf(ctx->reason, sizeof ctx->reason,
             "recursion: depth %llu x ~%llu B per level exceeds half the thread stack (%zu B)",
             (unsigned long long)depth, (unsigned long long)per_level, stack);
    return -1;
  }
  rec_state *s = calloc(1, sizeof *s);
  if (!s) return -1;
  ctx->state = s;
  s->variant = variant;
  s->depth = depth;
  s->descents = rec_descents(ctx->p);
  s->key = sh_key(ctx->seed);
  for (size_t i = 0; i < sizeof rec_stack_fns / sizeof rec_stack_fns[0]; i++)
    if (rec_stack_fns[i].bytes == frame) s->stack_fn = rec_stack_fns[i].fn;
  for (int i = 0; i < ctx->threads; i++) {
    sh_thread *t = &s->t[i];
    t->alloc = ctx->alloc;
    t->bytes = frame;
    t->words = frame / 8;
    t->base = sh_base(t->words);
  }
  /* heap bytes live at the deepest point of a descent, per thread */
  uint64_t live = 0;
  if (variant == RC_FRAMES) live = depth * frame;
  if (variant == RC_HEAP) {
    uint64_t cap = depth < 16 ? depth : 16;
    while (cap < depth) cap *= 2;
    live = cap * frame;
  }
  ctx->live_bytes = live * (uint64_t)ctx->threads;
  return 0;
}

static uint64_t rec_run(mmb_ctx *ctx, int tid) {
  rec_state *s = ctx->state;
  sh_thread *t = &s->t[tid];
  uint64_t lo = sh_split(s->descents, tid, ctx->threads);
  uint64_t hi = sh_split(s->descents, tid + 1, ctx->threads);
  const uint64_t depth = s->depth, step = depth * SH_GOLD;
  uint64_t x = s->key + lo * step, sum = 0, d;
  for (d = lo; d < hi; d++, x += step) {
    uint64_t r;
    switch (s->variant) {
    case RC_STACK: r = s->stack_fn(t, x, depth); break;
    case RC_FRAMES: r = rec_frames(t, x, depth); break;
    default: r = rec_heap(t, x, depth); break;
    }
    if (t->bad) {
      t->bad_at = d;
      break;
    }
    sum += r;
  }
  t->sum = sum;
  t->ops = (d - lo) * depth;
  return t->ops;
}

static int rec_verify(mmb_ctx *ctx) {
  rec_state *s = ctx->state;
  return sh_report(ctx, s->t, "recursion");
}

static void rec_teardown(mmb_ctx *ctx) {
  free(ctx->state);
  ctx->state = NULL;
}

static uint64_t rec_deferred(const long long *p, int threads) {
  (void)threads;
  uint64_t frame = (uint64_t)p[RC_P_FRAME], depth = (uint64_t)p[RC_P_DEPTH];
  uint64_t k = rec_descents(p);
  switch (p[RC_P_VARIANT]) {
  case RC_FRAMES: return k * depth * frame;
  case RC_HEAP: return k * 2 * (depth + 16) * frame; /* the doublings sum to < 2x */
  default: return 0;
  }
}

static int rec_uses_allocator(const long long *p) { return p[RC_P_VARIANT] != RC_STACK; }

static const mmb_workload wl_recursion = {
    .name = "recursion",
    .family = "stack-heap",
    .description = "frames of a given size pushed to a depth and popped: C stack vs heap "
                   "explicit stack vs a heap block per frame",
    .follows = "",
    .params = rec_params,
    .min_threads = 1,
    .sweep = "variant=stack,heap,frames",
    .uses_allocator = rec_uses_allocator,
    .deferred_bytes = rec_deferred,
    .setup = rec_setup,
    .run = rec_run,
    .verify = rec_verify,
    .teardown = rec_teardown,
};

const mmb_workload *const mmb_family_stack_heap[] = {&wl_scratch, &wl_recursion, NULL};
