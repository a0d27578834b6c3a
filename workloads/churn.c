/* mmbench — family 'churn': single-threaded allocation patterns.
 *
 * churn-random   a live window of W slots; each operation frees a random slot
 *                and allocates a new block (uniform, inverse-square, powers of
 *                two, or an empirical size,weight CSV file)
 * churn-lifo     batches of blocks freed in reverse allocation order
 * churn-fifo     batches of blocks freed in allocation order
 * realloc-grow   vectors grown element by element, by doubling or by +k
 * fragmentation  many small blocks, all but every k-th freed, then larger
 *                blocks: RSS ÷ live bytes after the holes
 * large          blocks of 64 KiB … 32 MiB (around and above the mmap
 *                threshold), few live at a time
 *
 * With several threads every thread runs its own independent copy of the
 * pattern (own window, own batches) and the work parameter n is split over
 * the threads, so ops / wall time is comparable across thread counts. The
 * checksum depends on the thread count (each copy has its own PRNG stream),
 * never on the allocator or on scheduling.
 *
 * Verification: every block carries a pattern derived from its tag (thread
 * id << 40 | its index) and is checked before it is freed or reallocated, and
 * every block still live at the end is checked by verify. Blocks up to
 * FULL_CHECK_MAX bytes are filled and checked in full; bigger blocks carry a
 * sparse pattern: first word of every page, middle and last word (the scheme
 * of wl_blocks.h, shared with the threads family). */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sizedist.h"
#include "wl_blocks.h"
#include "wl_util.h"

/* ---------------------------------------------------------------------------
 * Shared state: one record per thread (cache-line aligned, written by its
 * thread only), bookkeeping arrays, the size distribution
 * ------------------------------------------------------------------------- */
typedef struct cthr {
  blk *b;          /* live blocks (window / batch / vectors / slots) */
  size_t nb;       /* entries of b */
  int compact;     /* b holds nb wslot (C_SLOTS) or pointer (C_PTRS) entries instead */
  uint64_t done;   /* C_PTRS: operations done, for window_replay */
  int untouched;   /* C_PTRS under touch=none: no word to read back */
  size_t b_bytes;  /* mapping size of b */
  void **sm;       /* fragmentation: small block pointers, by index */
  size_t sm_bytes; /* mapping size of sm */
  size_t nkept;    /* fragmentation: kept blocks (compacted at sm[0..]) */
  void **big;      /* fragmentation: the larger blocks */
  size_t big_bytes, nbig;
  uint64_t sum;  /* checksum contribution (order-independent) */
  uint64_t peak; /* requested bytes live at this thread's peak */
  fault f;
} __attribute__((aligned(128))) cthr;

/* D_LOG (log-uniform, every octave equally likely) is large's, not a choice
 * of the dist parameter. */
enum { D_UNIFORM = 0, D_INVSQ, D_POW2, D_FILE, D_LOG };
static const char *const dist_names[] = {"uniform", "invsq", "pow2", "file", NULL};

typedef struct sizer {
  int dist;
  size_t min;
  uint64_t span;             /* uniform: max - min + 1 */
  double inv_min, inv_delta; /* invsq: 1/min, 1/min - 1/max */
  size_t max;
  int e0, ne;              /* pow2: 2^e0 .. 2^(e0+ne-1) */
  double log_min, octaves; /* log: min, log2(max / min) */
  mmb_sizedist file;       /* file: the table read from file= */
} sizer;

typedef struct cstate {
  int threads;
  int corrupt; /* a fault was found: teardown leaves the blocks alone */
  sizer z;
  cthr *t;
} cstate;

/* cthr.compact: what b holds (window_loop_word). */
enum { C_BLK = 0, C_SLOTS = 1, C_PTRS = 2 };

static cstate *state_new(mmb_ctx *ctx) {
  cstate *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->threads = ctx->threads;
  s->t = aligned_alloc(128, sizeof(cthr) * (size_t)ctx->threads);
  if (!s->t) {
    free(s);
    return NULL;
  }
  memset(s->t, 0, sizeof(cthr) * (size_t)ctx->threads);
  ctx->state = s;
  return s;
}

/* Map b[] with n entries for every thread. 0 or -1 with ctx->reason. */
static int map_blocks(mmb_ctx *ctx, cstate *s, size_t n) {
  for (int i = 0; i < s->threads; i++) {
    cthr *t = &s->t[i];
    t->b_bytes = n * sizeof(blk);
    t->b = book_map(t->b_bytes);
    t->nb = n;
    if (!t->b) {
      snprintf(ctx->reason, sizeof ctx->reason, "cannot map %zu bytes of bookkeeping", t->b_bytes);
      return -1;
    }
  }
  return 0;
}

static void sizer_free(sizer *z) { mmb_sizedist_free(&z->file); }

/* Shared teardown: free live blocks unless a fault was found (an allocator
 * that corrupted memory may crash on those frees; the child exits anyway). */
static void churn_teardown(mmb_ctx *ctx) {
  cstate *s = ctx->state;
  if (!s) return;
  const mmb_allocator *a = ctx->alloc;
  for (int i = 0; s->t && i < s->threads; i++) {
    cthr *t = &s->t[i];
    if (t->f.kind) s->corrupt = 1;
  }
  for (int i = 0; s->t && i < s->threads; i++) {
    cthr *t = &s->t[i];
    if (!s->corrupt && t->compact == C_PTRS)
      for (size_t j = 0; j < t->nb; j++) a->free(((void **)t->b)[j], 0); /* unsized free */
    else if (!s->corrupt && t->compact == C_SLOTS)
      wslot_free_all(a, (wslot *)t->b, t->nb);
    else if (!s->corrupt)
      blk_free_all(a, t->b, t->nb);
    book_unmap(t->b, t->b_bytes);
    book_unmap(t->sm, t->sm_bytes);
    book_unmap(t->big, t->big_bytes);
  }
  sizer_free(&s->z);
  free(s->t);
  free(s);
  ctx->state = NULL;
}

static int window_replay(mmb_ctx *ctx, int tid, uint64_t *sum);

/* Shared verify: faults from run, then a check of every block still in b[],
 * then the checksum and live bytes. */
static int churn_verify(mmb_ctx *ctx) {
  cstate *s = ctx->state;
  uint64_t h = 0, live = 0;
  for (int i = 0; i < s->threads; i++) {
    cthr *t = &s->t[i];
    uint64_t sum = t->sum;
    int bad = t->f.kind != 0;
    if (!bad && t->compact == C_PTRS)
      bad = window_replay(ctx, i, &sum) != 0;
    else if (!bad && t->compact == C_SLOTS)
      wslot_sum_all((const wslot *)t->b, t->nb, &sum);
    else if (!bad)
      bad = blk_check_all(ctx->touch, t->b, t->nb, &t->f, &sum) != 0;
    if (bad) {
      fault_reason(&t->f, "thread", i, ctx->reason, sizeof ctx->reason);
      s->corrupt = 1;
      return -1;
    }
    h += sum; /* sums of mmb_mix terms: adding keeps them order-free */
    live += t->peak;
  }
  ctx->checksum = h;
  ctx->live_bytes = live;
  return 0;
}

/* ---------------------------------------------------------------------------
 * Size distributions
 * ------------------------------------------------------------------------- */
static inline double unit_double(mmb_rng *r) { return (double)(mmb_rng_next(r) >> 11) * 0x1.0p-53; }

static inline __attribute__((always_inline)) size_t sizer_draw(const sizer *z, mmb_rng *r) {
  switch (z->dist) {
  case D_INVSQ: {
    /* inverse CDF of p(x) ~ x^-2 on [min, max] (glibc bench-malloc-thread) */
    double x = 1.0 / (z->inv_min - unit_double(r) * z->inv_delta);
    size_t s = (size_t)x;
    return s < z->min ? z->min : s > z->max ? z->max : s;
  }
  case D_POW2: return (size_t)1 << (z->e0 + (int)mmb_rng_below(r, (uint64_t)z->ne));
  case D_LOG: {
    size_t s = (size_t)(z->log_min * exp2(unit_double(r) * z->octaves));
    return s > z->max ? z->max : s;
  }
  case D_FILE: return mmb_sizedist_draw(&z->file, r);
  default: return z->min + (size_t)mmb_rng_below(r, z->span);
  }
}

/* Set up z from dist/min/max/file. 0 or -1 with ctx->reason. */
static int sizer_init(mmb_ctx *ctx, sizer *z, int dist, long long min, long long max,
                      const char *file) {
  memset(z, 0, sizeof *z);
  z->dist = dist;
  if (dist == D_FILE) {
    if (!file || !*file) {
      snprintf(ctx->reason, sizeof ctx->reason,
               "dist=file needs file=PATH, a CSV of size,weight lines "
               "(example: workloads/data/sizes-example.csv)");
      return -1;
    }
    if (mmb_sizedist_load(&z->file, file, ctx->reason, sizeof ctx->reason) != 0) return -1;
    z->max = z->file.max;
    return 0;
  }
  if (check_min_max(ctx, min, max) != 0) return -1;
  z->min = (size_t)min;
  z->max = (size_t)max;
  z->span = (uint64_t)(max - min) + 1;
  z->inv_min = 1.0 / (double)min;
  z->inv_delta = 1.0 / (double)min - 1.0 / (double)max;
  z->log_min = (double)min;
  z->octaves = log2((double)max / z->log_min);
  if (dist == D_POW2) {
    int e0 = 0;
    while (((long long)1 << e0) < min) e0++;
    int e1 = e0;
    while (((long long)1 << (e1 + 1)) <= max) e1++;
    if (((long long)1 << e0) > max) {
      snprintf(ctx->reason, sizeof ctx->reason, "dist=pow2: no power of two in [%lld, %lld]", min,
               max);
      return -1;
    }
    z->e0 = e0;
    z->ne = e1 - e0 + 1;
  }
  return 0;
}

/* ---------------------------------------------------------------------------
 * churn-random
 * ------------------------------------------------------------------------- */
enum { CR_DIST, CR_MIN, CR_MAX, CR_FILE, CR_WINDOW, CR_N };

static const mmb_param cr_params[] = {
    {.name = "dist",
     .type = MMB_P_ENUM,
     .def = D_UNIFORM,
     .choices = dist_names,
     .help = "sizes: uniform [min,max], invsq (p~1/s^2), pow2, file (CSV)"},
    {.name = "min",
     .flags = MMB_PF_BYTES,
     .def = 16,
     .min = 1,
     .max = 1LL << 30,
     .help = "smallest block (bytes; not dist=file)"},
    {.name = "max",
     .flags = MMB_PF_BYTES,
     .def = 256,
     .min = 1,
     .max = 1LL << 30,
     .help = "largest block (bytes; not dist=file)"},
    {.name = "file",
     .type = MMB_P_STR,
     .def_str = "",
     .help = "dist=file: CSV of size,weight lines (workloads/data/)"},
    {.name = "window", .def = 10000, .min = 1, .max = 1LL << 24, .help = "live slots per thread"},
    {.name = "n",
     .def = 8000000,
     .min = 1,
     .max = 1LL << 40,
     .flags = MMB_PF_WORK,
     .help = "free+malloc operations (split over the threads)"},
    MMB_PARAM_TOUCH,
    {0},
};

static int cr_setup(mmb_ctx *ctx) {
  cstate *s = state_new(ctx);
  if (!s) return -1;
  if (sizer_init(ctx, &s->z, (int)ctx->p[CR_DIST], ctx->p[CR_MIN], ctx->p[CR_MAX],
                 ctx->str[CR_FILE]) != 0)
    return -1;
  return map_blocks(ctx, s, (size_t)ctx->p[CR_WINDOW]);
}

/* A window of t->nb live blocks with sizes from s->z; each of the thread's
 * share of n_total operations frees a random block and allocates a new one
 * in its place (churn-random, large). The loop is compiled once per common
 * case (dist and touch known constants, the allocator's entry points in a
 * local copy) so that the harness's own work per operation stays small. */
static inline __attribute__((always_inline)) uint64_t
window_loop(mmb_ctx *ctx, int tid, uint64_t n_total, const int dist, const int tc) {
  cstate *s = ctx->state;
  cthr *t = &s->t[tid];
  const mmb_allocator al = *ctx->alloc, *a = &al;
  sizer z = s->z;
  z.dist = dist;
  size_t w = t->nb;
  uint64_t n = share(n_total, ctx->threads, tid);
  /* tag: the next block's TAG(tid, index); the index is also the count of
   * operations done (the window's fill counts) */
  const uint64_t first = TAG(tid, 0), end = first + w + n;
  uint64_t tag = first, live = 0, peak = 0, sum = 0;
  mmb_rng r;
  mmb_rng_seed(&r, ctx->seed, (uint64_t)tid);
  blk *b = t->b;
  for (size_t i = 0; i < w; i++, tag++) {
    size_t size = sizer_draw(&z, &r);
    if (blk_alloc(tc, a, 0, &t->f, &b[i], size, tag) != 0) goto out;
    live += size;
  }
  peak = live;
  for (; tag < end; tag++) {
    blk *v = &b[mmb_rng_below(&r, w)];
    if (blk_free(tc, a, 0, &t->f, &sum, v->p, v->size, v->tag) != 0) goto out;
    live -= v->size;
    size_t size = sizer_draw(&z, &r);
    if (blk_alloc(tc, a, 0, &t->f, v, size, tag) != 0) goto out;
    live += size;
    if (live > peak) peak = live;
  }
out:
  t->sum = sum;
  t->peak = peak > live ? peak : live;
  return tag - first;
}

/* window_loop_word's allocation: a block of size for slot k, touched as tag
 * unless none, its size added to *live when slots keep sizes. 0, or -1
 * after recording F_NULL (the slot then empty). */
static inline __attribute__((always_inline)) int window_put(const mmb_allocator *a, const int ptrs,
                                                            const int libc, const int none, cthr *t,
                                                            size_t k, size_t size, uint64_t tag,
                                                            uint64_t *live) {
  unsigned char *p = mmb_al_malloc(a, libc, size);
  if (!none && p) put64(p, tag ^ BLK_WORD);
  if (ptrs) {
    ((unsigned char **)t->b)[k] = p;
  } else {
    ((wslot *)t->b)[k] = (wslot){p, size};
    *live += p ? size : 0;
  }
  if (p) return 0;
  fault_set(&t->f, F_NULL, tag, size);
  return -1;
}

/* window_loop's default case (touch=word, uniform sizes of 8 bytes or more)
 * with the bookkeeping of a bare loop. The block's tag is the word the touch
 * wrote, read back before the free as the touch reads it; that word goes
 * into the checksum, so a block the allocator changed gives a checksum other
 * than the verification repetition's (which runs window_loop with full
 * checks) and the cell is recorded corrupt. Draws, tags, sizes, checksum and
 * live bytes are those of window_loop.
 * ptrs (MMB_CAP_UNSIZED_FREE: free needs no size): a slot is the pointer
 * alone (C_PTRS: 8 bytes, as in a bare loop); the sizes' part of the
 * checksum and the live bytes are worked out after the region by
 * window_replay. Otherwise a slot is the pointer and the size (C_SLOTS, 16
 * bytes, for a sized free), and live bytes are counted as they go.
 * libc (MMB_CAP_LIBC): malloc and free called by name.
 * none (ptrs only): touch=none, the same loop without the store and the
 * load; window_replay then adds the tags' part of the checksum as well, so
 * that touch=word and touch=none differ by the touch alone. */
static inline __attribute__((always_inline)) uint64_t
window_loop_word(mmb_ctx *ctx, int tid, uint64_t n_total, const int ptrs, const int libc,
                 const int none) {
  cstate *s = ctx->state;
  cthr *t = &s->t[tid];
  const mmb_allocator al = *ctx->alloc, *a = &al;
  const size_t min = s->z.min;
  const uint64_t span = s->z.span;
  size_t w = t->nb;
  uint64_t n = share(n_total, ctx->threads, tid);
  const uint64_t first = TAG(tid, 0), end = first + w + n;
  uint64_t tag = first, live = 0, peak = 0, sum = 0;
  mmb_rng r;
  mmb_rng_seed(&r, ctx->seed, (uint64_t)tid);
  wslot *b = (wslot *)t->b;
  unsigned char **bp = (unsigned char **)t->b;
  t->compact = ptrs ? C_PTRS : C_SLOTS;
  t->untouched = none;
  for (size_t i = 0; i < w; i++, tag++)
    if (window_put(a, ptrs, libc, none, t, i, min + (size_t)mmb_rng_below(&r, span), tag, &live))
      goto out;
  peak = live;
  for (; tag < end; tag++) {
    size_t k = (size_t)mmb_rng_below(&r, w);
    if (ptrs) {
      if (!none) sum += get64(bp[k]); /* the size part: window_replay */
      mmb_al_free(a, libc, bp[k], 0);
    } else {
      wslot *v = &b[k];
      sum += get64(v->p) + (uint64_t)v->size; /* blk_sum(tag, size) when intact */
      mmb_al_free(a, libc, v->p, v->size);
      live -= v->size;
    }
    if (window_put(a, ptrs, libc, none, t, k, min + (size_t)mmb_rng_below(&r, span), tag, &live))
      goto out;
    if (!ptrs && live > peak) peak = live;
  }
out:
  t->sum = sum;
  t->peak = peak > live ? peak : live;
  t->done = tag - first;
  return tag - first;
}

/* After a C_PTRS run (verify, untimed): draw the thread's slots and sizes
 * again from its seed, for its t->done operations, to add every block's
 * size and every live block's word to *sum (so that it equals window_loop's
 * checksum; t->untouched: every block's tag instead of the words) and to
 * find the peak of live bytes. 0, or -1 with ctx->reason. */
static int window_replay(mmb_ctx *ctx, int tid, uint64_t *sum) {
  cstate *s = ctx->state;
  cthr *t = &s->t[tid];
  const size_t w = t->nb, min = s->z.min;
  const uint64_t span = s->z.span;
  uint32_t *size = malloc(w * sizeof *size);
  if (!size) {
    snprintf(ctx->reason, sizeof ctx->reason, "cannot allocate %zu bytes to check the run", w * 4);
    return -1;
  }
  mmb_rng r;
  mmb_rng_seed(&r, ctx->seed, (uint64_t)tid);
  uint64_t live = 0, peak, total = 0, i = 0;
  if (t->untouched) /* the tags' part: the words touch=word would have read */
    for (uint64_t j = 0; j < t->done; j++) total += TAG(tid, j) ^ BLK_WORD;
  for (; i < w && i < t->done; i++) {
    size[i] = (uint32_t)(min + mmb_rng_below(&r, span));
    live += size[i];
    total += size[i];
  }
  peak = live;
  for (; i < t->done; i++) {
    size_t k = (size_t)mmb_rng_below(&r, w);
    live -= size[k];
    size[k] = (uint32_t)(min + mmb_rng_below(&r, span));
    live += size[k];
    total += size[k];
    if (live > peak) peak = live;
  }
  free(size);
  const unsigned char *const *bp = (const unsigned char *const *)t->b;
  for (size_t j = 0; j < w && !t->untouched; j++)
    if (bp[j]) *sum += get64(bp[j]);
  *sum += total;
  t->peak = peak;
  return 0;
}

static uint64_t window_run(mmb_ctx *ctx, int tid, uint64_t n_total) {
  cstate *s = ctx->state;
  const unsigned caps = ctx->alloc->caps;
  if (s->z.dist == D_UNIFORM && ctx->touch == MMB_TOUCH_WORD && s->z.min >= 8) {
    if (caps & MMB_CAP_LIBC) return window_loop_word(ctx, tid, n_total, 1, 1, 0);
    if (caps & MMB_CAP_UNSIZED_FREE) return window_loop_word(ctx, tid, n_total, 1, 0, 0);
    return window_loop_word(ctx, tid, n_total, 0, 0, 0);
  }
  if (s->z.dist == D_UNIFORM && ctx->touch == MMB_TOUCH_NONE) {
    if (caps & MMB_CAP_LIBC) return window_loop_word(ctx, tid, n_total, 1, 1, 1);
    if (caps & MMB_CAP_UNSIZED_FREE) return window_loop_word(ctx, tid, n_total, 1, 0, 1);
    return window_loop(ctx, tid, n_total, D_UNIFORM, MMB_TOUCH_NONE);
  }
  return window_loop(ctx, tid, n_total, s->z.dist, ctx->touch);
}

static uint64_t cr_run(mmb_ctx *ctx, int tid) {
  return window_run(ctx, tid, (uint64_t)ctx->p[CR_N]);
}

static const mmb_workload wl_churn_random = {
    .name = "churn-random",
    .family = "churn",
    .description = "window of W live blocks; each op frees a random one and allocates a new one",
    .follows = "glibc benchtests bench-malloc-thread (working set, inverse-square sizes)",
    .params = cr_params,
    .needs = MMB_CAP_FREE,
    .min_threads = 1,
    .flags = MMB_WF_FLOOR,
    .sweep = "dist=uniform,invsq",
    .setup = cr_setup,
    .run = cr_run,
    .verify = churn_verify,
    .teardown = churn_teardown,
};

/* ---------------------------------------------------------------------------
 * churn-lifo / churn-fifo: batches allocated, then freed in reverse order
 * (a stack) or in allocation order (a queue)
 * ------------------------------------------------------------------------- */
enum { CB_MIN, CB_MAX, CB_BATCH, CB_N };

static const mmb_param cb_params[] = {
    {.name = "min",
     .flags = MMB_PF_BYTES,
     .def = 16,
     .min = 1,
     .max = 1LL << 30,
     .help = "smallest block (bytes)"},
    {.name = "max",
     .flags = MMB_PF_BYTES,
     .def = 256,
     .min = 1,
     .max = 1LL << 30,
     .help = "largest block (bytes, uniform)"},
    {.name = "batch", .def = 1000, .min = 1, .max = 1LL << 24, .help = "blocks per batch"},
    {.name = "n",
     .def = 8000000,
     .min = 1,
     .max = 1LL << 40,
     .flags = MMB_PF_WORK,
     .help = "blocks allocated and freed (split over the threads)"},
    MMB_PARAM_TOUCH,
    {0},
};

static int cb_setup(mmb_ctx *ctx) {
  cstate *s = state_new(ctx);
  if (!s) return -1;
  if (sizer_init(ctx, &s->z, D_UNIFORM, ctx->p[CB_MIN], ctx->p[CB_MAX], NULL) != 0) return -1;
  return map_blocks(ctx, s, (size_t)ctx->p[CB_BATCH]);
}

static inline __attribute__((always_inline)) uint64_t cb_loop(mmb_ctx *ctx, int tid, const int lifo,
                                                              const int tc, const int libc) {
  cstate *s = ctx->state;
  cthr *t = &s->t[tid];
  const mmb_allocator al = *ctx->alloc, *a = &al;
  sizer z = s->z;
  z.dist = D_UNIFORM;
  uint64_t n = share((uint64_t)ctx->p[CB_N], ctx->threads, tid);
  size_t batch = t->nb;
  uint64_t done = 0, peak = 0, sum = 0;
  mmb_rng r;
  mmb_rng_seed(&r, ctx->seed, (uint64_t)tid);
  blk *b = t->b;
  while (done < n) {
    size_t k = n - done < batch ? (size_t)(n - done) : batch;
    uint64_t bytes = 0;
    for (size_t i = 0; i < k; i++) {
      size_t size = sizer_draw(&z, &r);
      if (blk_alloc(tc, a, libc, &t->f, &b[i], size, TAG(tid, done + i)) != 0) goto out;
      bytes += size;
    }
    if (bytes > peak) peak = bytes;
    for (size_t j = 0; j < k; j++)
      if (blk_release(tc, a, libc, &t->f, &sum, &b[lifo ? k - 1 - j : j]) != 0) goto out;
    done += k;
  }
out:
  t->sum = sum;
  t->peak = peak;
  return done;
}

/* Compiled per order, and once more for the default touch (see window_run),
 * with a preloaded malloc called by name there. */
static uint64_t cb_run(mmb_ctx *ctx, int tid, int lifo) {
  if (ctx->touch == MMB_TOUCH_WORD && ((cstate *)ctx->state)->z.min >= 8) {
    if (mmb_al_libc(ctx->alloc))
      return lifo ? cb_loop(ctx, tid, 1, BLK_TOUCH_WORD8, 1)
                  : cb_loop(ctx, tid, 0, BLK_TOUCH_WORD8, 1);
    return lifo ? cb_loop(ctx, tid, 1, BLK_TOUCH_WORD8, 0)
                : cb_loop(ctx, tid, 0, BLK_TOUCH_WORD8, 0);
  }
  if (ctx->touch == MMB_TOUCH_NONE)
    return lifo ? cb_loop(ctx, tid, 1, MMB_TOUCH_NONE, 0) : cb_loop(ctx, tid, 0, MMB_TOUCH_NONE, 0);
  return lifo ? cb_loop(ctx, tid, 1, ctx->touch, 0) : cb_loop(ctx, tid, 0, ctx->touch, 0);
}

static uint64_t lifo_run(mmb_ctx *ctx, int tid) { return cb_run(ctx, tid, 1); }
static uint64_t fifo_run(mmb_ctx *ctx, int tid) { return cb_run(ctx, tid, 0); }

/* With frees that never return memory every block stays: n * max at most. */
static uint64_t cb_deferred(const long long *p, int threads) {
  (void)threads;
  return (uint64_t)p[CB_N] * (uint64_t)p[CB_MAX];
}

static const mmb_workload wl_churn_lifo = {
    .name = "churn-lifo",
    .family = "churn",
    .description = "allocate a batch of blocks, free it in reverse order (stack discipline)",
    .follows = "Wilson, Johnstone, Neely & Boles, IWMM 1995 (stack-like lifetimes)",
    .params = cb_params,
    .min_threads = 1,
    .flags = MMB_WF_FLOOR,
    .sweep = "",
    .deferred_bytes = cb_deferred,
    .setup = cb_setup,
    .run = lifo_run,
    .verify = churn_verify,
    .teardown = churn_teardown,
};

static const mmb_workload wl_churn_fifo = {
    .name = "churn-fifo",
    .family = "churn",
    .description = "allocate a batch of blocks, free it in allocation order (queue discipline)",
    .follows = "Wilson, Johnstone, Neely & Boles, IWMM 1995 (queue-like lifetimes)",
    .params = cb_params,
    .min_threads = 1,
    .flags = MMB_WF_FLOOR,
    .sweep = "",
    .deferred_bytes = cb_deferred,
    .setup = cb_setup,
    .run = fifo_run,
    .verify = churn_verify,
    .teardown = churn_teardown,
};

/* ---------------------------------------------------------------------------
 * realloc-grow: `vectors` vectors of 8-byte elements grown together, one
 * element each in turn, up to len elements; capacity starts at k and grows
 * by doubling or by +k elements through realloc. After every realloc the
 * first, the last and one pseudo-random element are checked (the contents
 * must survive the move); before the free every element is checked.
 * ------------------------------------------------------------------------- */
enum { RG_VARIANT, RG_K, RG_LEN, RG_VECTORS, RG_N };
#define RG_MAX_VECTORS 4096
static const char *const rg_variants[] = {"double", "add", NULL};

static const mmb_param rg_params[] = {
    {.name = "variant",
     .type = MMB_P_ENUM,
     .def = 0,
     .choices = rg_variants,
     .help = "growth: double the capacity, or add k elements"},
    {.name = "k",
     .def = 16,
     .min = 1,
     .max = 1LL << 24,
     .help = "initial capacity and +k step (elements)"},
    {.name = "len",
     .def = 32768,
     .min = 1,
     .max = 1LL << 28,
     .help = "final length (8-byte elements)"},
    {.name = "vectors",
     .def = 8,
     .min = 1,
     .max = RG_MAX_VECTORS,
     .help = "vectors grown at the same time"},
    {.name = "n",
     .def = 800,
     .min = 1,
     .max = 1LL << 40,
     .flags = MMB_PF_WORK,
     .help = "vectors grown in all (split over the threads); ops = reallocs"},
    {0},
};

static int rg_setup(mmb_ctx *ctx) {
  cstate *s = state_new(ctx);
  if (!s) return -1;
  return map_blocks(ctx, s, (size_t)ctx->p[RG_VECTORS]);
}

/* Element i of vector tag: the same linear pattern as blk_fill. */
static inline uint64_t rg_word(uint64_t head, size_t i) { return head + i * BLK_STEP; }

static uint64_t rg_run(mmb_ctx *ctx, int tid) {
  cstate *s = ctx->state;
  cthr *t = &s->t[tid];
  const mmb_allocator *a = ctx->alloc;
  const int dbl = ctx->p[RG_VARIANT] == 0;
  const size_t k = (size_t)ctx->p[RG_K], len = (size_t)ctx->p[RG_LEN];
  uint64_t n = share((uint64_t)ctx->p[RG_N], ctx->threads, tid);
  uint64_t done = 0, ops = 0, peak = 0, sum = 0, live = 0;
  uint64_t head[RG_MAX_VECTORS];
  blk *b = t->b; /* p = the vector, size = capacity in bytes */
  while (done < n) {
    size_t g = n - done < t->nb ? (size_t)(n - done) : t->nb;
    for (size_t v = 0; v < g; v++) {
      uint64_t tag = TAG(tid, done + v);
      unsigned char *p = a->malloc(k * 8);
      if (!p) {
        fault_set(&t->f, F_NULL, tag, k * 8);
        goto out;
      }
      b[v] = (blk){p, tag, k * 8};
      head[v] = blk_head(tag);
      live += k * 8;
    }
    for (size_t e = 0; e < len; e++) {
      for (size_t v = 0; v < g; v++) {
        blk *x = &b[v];
        if (e * 8 == x->size) {
          size_t cap = e, ncap = dbl ? cap * 2 : cap + k;
          uint64_t *q = a->realloc(x->p, cap * 8, ncap * 8);
          ops++;
          if (!q) {
            fault_set(&t->f, F_REALLOC_NULL, x->tag, ncap * 8);
            goto out;
          }
          x->p = (unsigned char *)q;
          size_t probe = (size_t)((e * BLK_STEP) >> 32) % e;
          if (q[0] != rg_word(head[v], 0) || q[e - 1] != rg_word(head[v], e - 1) ||
              q[probe] != rg_word(head[v], probe)) {
            fault_set(&t->f, F_PATTERN, x->tag, e * 8);
            goto out;
          }
          x->size = ncap * 8;
          live += (ncap - cap) * 8;
        }
        ((uint64_t *)x->p)[e] = rg_word(head[v], e);
      }
    }
    if (live > peak) peak = live;
    for (size_t v = 0; v < g; v++) {
      blk *x = &b[v];
      const uint64_t *w = (const uint64_t *)x->p;
      uint64_t diff = 0;
      for (size_t e = 0; e < len; e++) diff |= w[e] ^ rg_word(head[v], e);
      if (diff) {
        fault_set(&t->f, F_PATTERN, x->tag, len * 8);
        goto out;
      }
      sum = blk_sum(sum, x->tag, len);
      a->free(x->p, x->size);
      live -= x->size;
      x->p = NULL;
    }
    done += g;
  }
out:
  if (live > peak) peak = live;
  t->sum = sum;
  t->peak = peak;
  /* vectors left live after a fault hold a prefix only: verify must not
   * check them as whole blocks (teardown leaves them alone after a fault) */
  if (t->f.kind)
    for (size_t v = 0; v < t->nb; v++) b[v].p = NULL;
  return ops;
}

static const mmb_workload wl_realloc_grow = {
    .name = "realloc-grow",
    .family = "churn",
    .description = "vectors grown one element at a time through realloc, by doubling or by +k",
    .follows = "dynamic arrays: geometric vs arithmetic growth (std::vector, Vec)",
    .params = rg_params,
    .needs = MMB_CAP_FREE | MMB_CAP_REALLOC,
    .min_threads = 1,
    .sweep = "variant=double,add",
    .setup = rg_setup,
    .run = rg_run,
    .verify = churn_verify,
    .teardown = churn_teardown,
};

/* ---------------------------------------------------------------------------
 * fragmentation: n small blocks (sizes uniform in [min,max]); all but every
 * keep-th freed; then blocks of `big` bytes allocated until they add up to
 * the bytes freed, so the live bytes return to the first peak. An allocator
 * that cannot reuse the holes for the bigger blocks grows: see peak_rss_kb,
 * final_rss_kb and rss_per_live. Bookkeeping is 8 bytes per small block
 * (mmap'ed; the part for freed blocks is returned to the OS before the big
 * blocks are allocated) and is counted in the RSS.
 * ------------------------------------------------------------------------- */
enum { FR_MIN, FR_MAX, FR_KEEP, FR_BIG, FR_N };

static const mmb_param fr_params[] = {
    {.name = "min",
     .flags = MMB_PF_BYTES,
     .def = 16,
     .min = 1,
     .max = 1LL << 20,
     .help = "smallest small block (bytes)"},
    {.name = "max",
     .flags = MMB_PF_BYTES,
     .def = 128,
     .min = 1,
     .max = 1LL << 20,
     .help = "largest small block (bytes)"},
    {.name = "keep",
     .def = 8,
     .min = 1,
     .max = 1LL << 20,
     .help = "keep every keep-th small block"},
    {.name = "big",
     .def = 2048,
     .min = 1,
     .max = 1LL << 30,
     .help = "size of the later, larger blocks"},
    {.name = "n",
     .def = 2000000,
     .min = 1,
     .max = 1LL << 36,
     .flags = MMB_PF_WORK,
     .help = "small blocks (split over the threads)"},
    MMB_PARAM_TOUCH,
    {0},
};

static int fr_setup(mmb_ctx *ctx) {
  cstate *s = state_new(ctx);
  if (!s) return -1;
  if (check_min_max(ctx, ctx->p[FR_MIN], ctx->p[FR_MAX]) != 0) return -1;
  for (int i = 0; i < s->threads; i++) {
    cthr *t = &s->t[i];
    uint64_t n = share((uint64_t)ctx->p[FR_N], ctx->threads, i);
    uint64_t nbig = n * (uint64_t)ctx->p[FR_MAX] / (uint64_t)ctx->p[FR_BIG] + 1;
    t->sm_bytes = (size_t)n * sizeof(void *);
    t->big_bytes = (size_t)nbig * sizeof(void *);
    t->sm = book_map(t->sm_bytes);
    t->big = book_map(t->big_bytes);
    if (!t->sm || !t->big) {
      snprintf(ctx->reason, sizeof ctx->reason, "cannot map %zu bytes of bookkeeping",
               t->sm_bytes + t->big_bytes);
      return -1;
    }
  }
  return 0;
}

static uint64_t fr_run(mmb_ctx *ctx, int tid) {
  cstate *s = ctx->state;
  cthr *t = &s->t[tid];
  const mmb_allocator *a = ctx->alloc;
  const size_t min = (size_t)ctx->p[FR_MIN], keep = (size_t)ctx->p[FR_KEEP];
  const size_t big = (size_t)ctx->p[FR_BIG];
  const uint64_t span = (uint64_t)(ctx->p[FR_MAX] - ctx->p[FR_MIN]) + 1;
  const uint64_t n = share((uint64_t)ctx->p[FR_N], ctx->threads, tid);
  uint64_t ops = 0, live = 0, peak = 0, freed = 0, sum = 0;
  void **sm = t->sm;
  /* phase 1: many small blocks */
  for (uint64_t i = 0; i < n; i++) {
    uint64_t tag = TAG(tid, i);
    size_t size = hash_size(ctx->seed, tag, min, span);
    if (!(sm[i] = blk_new(ctx->touch, a, 0, &t->f, size, tag))) goto out;
    live += size;
    ops++;
  }
  peak = live;
  /* phase 2: free all but every keep-th; compact the kept pointers */
  size_t kept = 0;
  for (uint64_t i = 0; i < n; i++) {
    uint64_t tag = TAG(tid, i);
    size_t size = hash_size(ctx->seed, tag, min, span);
    if (i % keep == 0) {
      sm[kept++] = sm[i];
      continue;
    }
    if (blk_free(ctx->touch, a, 0, &t->f, &sum, sm[i], size, tag) != 0) goto out;
    sm[i] = NULL;
    live -= size;
    freed += size;
    ops++;
  }
  t->nkept = kept;
  book_drop_tail(sm, kept * sizeof(void *), t->sm_bytes);
  /* phase 3: larger blocks, as many bytes as were freed */
  uint64_t m = (freed + big - 1) / big;
  for (uint64_t j = 0; j < m; j++) {
    if (!(t->big[j] = blk_new(ctx->touch, a, 0, &t->f, big, TAG(tid, (1ull << 39) | j)))) goto out;
    t->nbig = j + 1;
    live += big;
    ops++;
  }
  if (live > peak) peak = live;
out:
  t->sum = sum;
  t->peak = peak;
  return ops;
}

static int fr_verify(mmb_ctx *ctx) {
  cstate *s = ctx->state;
  const size_t min = (size_t)ctx->p[FR_MIN], keep = (size_t)ctx->p[FR_KEEP];
  const size_t big = (size_t)ctx->p[FR_BIG];
  const uint64_t span = (uint64_t)(ctx->p[FR_MAX] - ctx->p[FR_MIN]) + 1;
  for (int i = 0; i < s->threads; i++) {
    cthr *t = &s->t[i];
    if (t->f.kind) break;
    for (size_t j = 0; j < t->nkept; j++) {
      uint64_t tag = TAG(i, (uint64_t)j * keep);
      size_t size = hash_size(ctx->seed, tag, min, span);
      if (!blk_intact(ctx->touch, t->sm[j], size, tag)) {
        fault_set(&t->f, F_PATTERN, tag, size);
        break;
      }
      t->sum = blk_sum(t->sum, tag, size);
    }
    for (size_t j = 0; !t->f.kind && j < t->nbig; j++) {
      uint64_t tag = TAG(i, (1ull << 39) | j);
      if (!blk_intact(ctx->touch, t->big[j], big, tag)) {
        fault_set(&t->f, F_PATTERN, tag, big);
        break;
      }
      t->sum = blk_sum(t->sum, tag, big);
    }
  }
  return churn_verify(ctx);
}

static void fr_teardown(mmb_ctx *ctx) {
  cstate *s = ctx->state;
  if (!s) return;
  const size_t min = (size_t)ctx->p[FR_MIN], big = (size_t)ctx->p[FR_BIG];
  const uint64_t span = (uint64_t)(ctx->p[FR_MAX] - ctx->p[FR_MIN]) + 1;
  const size_t keep = (size_t)ctx->p[FR_KEEP];
  int bad = s->corrupt;
  for (int i = 0; s->t && i < s->threads; i++) bad |= s->t[i].f.kind != 0;
  for (int i = 0; !bad && s->t && i < s->threads; i++) {
    cthr *t = &s->t[i];
    for (size_t j = 0; t->sm && j < t->nkept; j++)
      ctx->alloc->free(t->sm[j], hash_size(ctx->seed, TAG(i, (uint64_t)j * keep), min, span));
    for (size_t j = 0; t->big && j < t->nbig; j++) ctx->alloc->free(t->big[j], big);
  }
  churn_teardown(ctx);
}

/* Frees that never return memory: every small and big block stays. */
static uint64_t fr_deferred(const long long *p, int threads) {
  uint64_t small = (uint64_t)p[FR_N] * (uint64_t)p[FR_MAX];
  return small * 2 + (uint64_t)p[FR_BIG] * (uint64_t)(threads > 0 ? threads : 1);
}

static const mmb_workload wl_fragmentation = {
    .name = "fragmentation",
    .family = "churn",
    .description = "n small blocks, all but every k-th freed, then bigger blocks: RSS / live bytes",
    .follows = "Johnstone & Wilson, ISMM 1998 (fragmentation as RSS over live bytes)",
    .params = fr_params,
    .min_threads = 1,
    .flags = MMB_WF_FLOOR,
    .sweep = "",
    .deferred_bytes = fr_deferred,
    .setup = fr_setup,
    .run = fr_run,
    .verify = fr_verify,
    .teardown = fr_teardown,
};

/* ---------------------------------------------------------------------------
 * large: `slots` live blocks with sizes log-uniform in [min, max] (every
 * octave equally likely); each op frees a random slot and allocates a new
 * block, touching every page of it (sparse pattern: one word per page).
 * ------------------------------------------------------------------------- */
enum { LG_MIN, LG_MAX, LG_SLOTS, LG_N };

static const mmb_param lg_params[] = {
    {.name = "min",
     .flags = MMB_PF_BYTES,
     .def = 64 << 10,
     .min = 1,
     .max = 1LL << 34,
     .help = "smallest block (bytes)"},
    {.name = "max",
     .flags = MMB_PF_BYTES,
     .def = 32 << 20,
     .min = 1,
     .max = 1LL << 34,
     .help = "largest block (bytes, log-uniform)"},
    {.name = "slots",
     .def = 4,
     .min = 1,
     .max = 1 << 20,
     .help = "blocks live at a time per thread"},
    {.name = "n",
     .def = 500,
     .min = 1,
     .max = 1LL << 40,
     .flags = MMB_PF_WORK,
     .help = "free+malloc operations (split over the threads)"},
    {0},
};

static int lg_setup(mmb_ctx *ctx) {
  /* every page of a block is touched (sparse pattern) and checked: that is
   * this workload's work, so it has no touch parameter */
  ctx->touch = MMB_TOUCH_VERIFY;
  cstate *s = state_new(ctx);
  if (!s) return -1;
  if (sizer_init(ctx, &s->z, D_LOG, ctx->p[LG_MIN], ctx->p[LG_MAX], NULL) != 0) return -1;
  return map_blocks(ctx, s, (size_t)ctx->p[LG_SLOTS]);
}

static uint64_t lg_run(mmb_ctx *ctx, int tid) {
  return window_run(ctx, tid, (uint64_t)ctx->p[LG_N]);
}

static const mmb_workload wl_large = {
    .name = "large",
    .family = "churn",
    .description =
        "few live blocks of 64 KiB .. 32 MiB (around the mmap threshold), every page touched",
    .follows = "glibc malloc mmap threshold (M_MMAP_THRESHOLD, dynamic up to 32 MiB)",
    .params = lg_params,
    .needs = MMB_CAP_FREE,
    .min_threads = 1,
    .sweep = "",
    .setup = lg_setup,
    .run = lg_run,
    .verify = churn_verify,
    .teardown = churn_teardown,
};

const mmb_workload *const mmb_family_churn[] = {
    &wl_churn_random,  &wl_churn_lifo, &wl_churn_fifo, &wl_realloc_grow,
    &wl_fragmentation, &wl_large,      NULL,
};
