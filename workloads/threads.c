/* mmbench — family 'threads': allocators under several threads.
 *
 * thread-local       each thread allocates and frees its own batches
 *                    (Hoard's threadtest)                      work: TOTAL
 * larson             server churn: slot arrays handed from exiting threads to
 *                    new ones, so some blocks are freed by another thread
 *                    than the one that allocated them (runs.csv
 *                    remote_free_frac; Larson & Krishnan)      work: TOTAL
 * producer-consumer  half the threads allocate and pass blocks through a
 *                    bounded queue, the other half free them (xmalloc-test)
 *                                                              work: TOTAL
 * cache-thrash       active false sharing: each thread allocates its own
 *                    small objects and writes them over and over  work: TOTAL
 * cache-scratch      passive false sharing: objects sharing cache lines,
 *                    allocated by the main thread, freed by the workers,
 *                    whose next objects then may share those lines (Berger
 *                    et al.); runs.csv shared_line says whether they did
 *                                                              work: TOTAL
 * blowup             threads take turns allocating many small blocks and
 *                    freeing most of them; the figure of merit is the RSS
 *                    after all turns (per-thread arenas)    work: PER THREAD
 *
 * TOTAL: the work parameter n is split over the threads, so throughput
 * (ops / wall time) compares thread counts directly: perfect scaling halves
 * the wall time from 1 to 2 threads. Where the work is made of globally
 * numbered units (thread-local, producer-consumer, cache-thrash,
 * cache-scratch) the checksum is also identical for every thread count.
 * PER THREAD: every thread does the same work whatever their number.
 *
 * Verification: every block carries a pattern derived from its tag (a global
 * block number) and is checked before it is freed; blocks up to
 * FULL_CHECK_MAX bytes in full, bigger ones sparsely (see wl_blocks.h). The
 * checksum adds a term per checked block (mmb_mix), so it depends neither on
 * the scheduling nor on which thread freed which block. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wl_blocks.h"
#include "wl_util.h"

/* ===========================================================================
 * thread-local (Hoard threadtest): `batch` objects per iteration over all
 * threads, each thread allocating its share of them and then freeing them;
 * n objects in all. Object g (global number) has tag g, so the checksum
 * does not depend on the thread count.
 * ========================================================================= */
enum { TL_SIZE, TL_BATCH, TL_N };

static const mmb_param tl_params[] = {
    {.name = "size",
     .flags = MMB_PF_BYTES,
     .def = 64,
     .min = 1,
     .max = 1LL << 20,
     .help = "bytes per object"},
    {.name = "batch",
     .def = 10000,
     .min = 1,
     .max = 1LL << 26,
     .help = "objects per iteration, over all threads"},
    {.name = "n",
     .def = 10000000,
     .min = 1,
     .max = 1LL << 40,
     .flags = MMB_PF_WORK,
     .help = "objects in all, whole batches (total, split over the threads)"},
    MMB_PARAM_TOUCH,
    {0},
};

typedef struct tl_state {
  tres *r;
  void **arr[MMB_MAX_THREADS];
  size_t arr_bytes[MMB_MAX_THREADS];
} tl_state;

static int tl_setup(mmb_ctx *ctx) {
  tl_state *s = calloc(1, sizeof *s);
  if (!s) return -1;
  ctx->state = s;
  if (!(s->r = tres_new(ctx->threads))) return -1;
  for (int t = 0; t < ctx->threads; t++) {
    s->arr_bytes[t] = share((uint64_t)ctx->p[TL_BATCH], ctx->threads, t) * sizeof(void *);
    if (!(s->arr[t] = book_map(s->arr_bytes[t]))) {
      snprintf(ctx->reason, sizeof ctx->reason, "cannot map bookkeeping");
      return -1;
    }
  }
  return 0;
}

static inline __attribute__((always_inline)) uint64_t tl_loop(mmb_ctx *ctx, int tid, const int tc,
                                                              const int libc) {
  tl_state *s = ctx->state;
  tres *res = &s->r[tid];
  const mmb_allocator al = *ctx->alloc, *a = &al;
  const size_t size = (size_t)ctx->p[TL_SIZE];
  const uint64_t batch = (uint64_t)ctx->p[TL_BATCH];
  const uint64_t iters = (uint64_t)ctx->p[TL_N] / batch ? (uint64_t)ctx->p[TL_N] / batch : 1;
  const uint64_t lo = share_lo(batch, ctx->threads, tid), cnt = share(batch, ctx->threads, tid);
  void **arr = s->arr[tid];
  uint64_t sum = 0, ops = 0;
  for (uint64_t it = 0; it < iters; it++) {
    uint64_t base = it * batch + lo;
    for (uint64_t j = 0; j < cnt; j++)
      if (!(arr[j] = blk_new(tc, a, libc, &res->f, size, base + j))) goto out;
    for (uint64_t j = 0; j < cnt; j++)
      if (blk_free(tc, a, libc, &res->f, &sum, arr[j], size, base + j) != 0) goto out;
    ops += cnt;
  }
out:
  res->sum = sum;
  res->peak = cnt * size;
  return ops;
}

/* Compiled once more for the default touch, with a preloaded malloc called
 * by name there: the harness's work stays small. */
static uint64_t tl_run(mmb_ctx *ctx, int tid) {
  if (ctx->touch == MMB_TOUCH_WORD && ctx->p[TL_SIZE] >= 8)
    return mmb_al_libc(ctx->alloc) ? tl_loop(ctx, tid, BLK_TOUCH_WORD8, 1)
                                   : tl_loop(ctx, tid, BLK_TOUCH_WORD8, 0);
  if (ctx->touch == MMB_TOUCH_NONE) return tl_loop(ctx, tid, MMB_TOUCH_NONE, 0);
  return tl_loop(ctx, tid, ctx->touch, 0);
}

static int tl_verify(mmb_ctx *ctx) {
  tl_state *s = ctx->state;
  return tres_verify(ctx, s->r, ctx->threads, "thread");
}

static void tl_teardown(mmb_ctx *ctx) {
  tl_state *s = ctx->state;
  if (!s) return;
  for (int t = 0; t < ctx->threads; t++) book_unmap(s->arr[t], s->arr_bytes[t]);
  free(s->r);
  free(s);
  ctx->state = NULL;
}

static const mmb_workload wl_thread_local = {
    .name = "thread-local",
    .family = "threads",
    .flags = MMB_WF_THROUGHPUT | MMB_WF_FLOOR | MMB_WF_SCALING,
    .description = "each thread allocates a batch of objects, then frees it (total work fixed)",
    .follows = "Hoard threadtest (Berger et al., ASPLOS 2000)",
    .params = tl_params,
    .needs = MMB_CAP_FREE | MMB_CAP_THREADS,
    .min_threads = 1,
    .sweep = "",
    .setup = tl_setup,
    .run = tl_run,
    .verify = tl_verify,
    .teardown = tl_teardown,
};

/* ===========================================================================
 * larson (Larson & Krishnan, ISMM 1998, as its benchmark larson.c runs it):
 * worker tid owns lane tid, an array of `slots` blocks filled by the main
 * thread in setup (the benchmark's warm-up). Its share of the n operations
 * runs in thread lifetimes of `round` operations: each lifetime is a new
 * thread that inherits the whole slot array of the thread it replaces
 * (which exited), frees random slots and allocates new blocks of [min, max]
 * bytes in their place. A free hits a block another thread allocated when
 * the slot was last filled by an earlier thread (or by setup); blocks
 * replaced again within one lifetime are freed by their own thread. The
 * measured share goes to runs.csv as remote_free_frac (at the defaults, the
 * benchmark's `larson 5 8 1000 5000 100`, about 1 %). Total work fixed.
 * ========================================================================= */
enum { LA_MIN, LA_MAX, LA_SLOTS, LA_ROUND, LA_N };

static const mmb_param la_params[] = {
    {.name = "min",
     .flags = MMB_PF_BYTES,
     .def = 8,
     .min = 1,
     .max = 1LL << 30,
     .help = "smallest block (bytes)"},
    {.name = "max",
     .flags = MMB_PF_BYTES,
     .def = 1000,
     .min = 1,
     .max = 1LL << 30,
     .help = "largest block (bytes, uniform)"},
    {.name = "slots", .def = 5000, .min = 1, .max = 1LL << 24, .help = "live blocks per thread"},
    {.name = "round",
     .def = 500000,
     .min = 1,
     .max = 1LL << 40,
     .help = "operations of one thread before it hands its slots over and exits (larson.c: "
             "rounds x slots)"},
    {.name = "n",
     .def = 10000000,
     .min = 1,
     .max = 1LL << 40,
     .flags = MMB_PF_WORK,
     .help = "free+malloc operations (total, split over the threads)"},
    MMB_PARAM_TOUCH,
    {0},
};

typedef struct lane {
  mmb_ctx *ctx;
  blk *b;
  size_t nb, b_bytes;
  size_t min;
  uint64_t span;
  mmb_rng r;
  uint64_t idx;  /* next block number */
  uint64_t todo; /* operations for the current round */
  uint64_t live;
  uint64_t frees, remote; /* frees, and those of blocks an earlier thread allocated */
  tres res;
} __attribute__((aligned(128))) lane;

typedef struct la_state {
  lane *l;
  int corrupt;
} la_state;

static int la_setup(mmb_ctx *ctx) {
  la_state *s = calloc(1, sizeof *s);
  if (!s) return -1;
  ctx->state = s;
  if (check_min_max(ctx, ctx->p[LA_MIN], ctx->p[LA_MAX]) != 0) return -1;
  s->l = aligned_alloc(128, sizeof(lane) * (size_t)ctx->threads);
  if (!s->l) return -1;
  memset(s->l, 0, sizeof(lane) * (size_t)ctx->threads);
  for (int t = 0; t < ctx->threads; t++) {
    lane *l = &s->l[t];
    l->ctx = ctx;
    l->nb = (size_t)ctx->p[LA_SLOTS];
    l->b_bytes = l->nb * sizeof(blk);
    l->min = (size_t)ctx->p[LA_MIN];
    l->span = (uint64_t)(ctx->p[LA_MAX] - ctx->p[LA_MIN]) + 1;
    mmb_rng_seed(&l->r, ctx->seed, (uint64_t)t);
    if (!(l->b = book_map(l->b_bytes))) {
      snprintf(ctx->reason, sizeof ctx->reason, "cannot map bookkeeping");
      return -1;
    }
    for (size_t i = 0; i < l->nb; i++, l->idx++) {
      size_t size = l->min + (size_t)mmb_rng_below(&l->r, l->span);
      fault f = {0}; /* not the lane's: teardown still frees the blocks made */
      if (blk_alloc(ctx->touch, ctx->alloc, 0, &f, &l->b[i], size, TAG(t, l->idx)) != 0) {
        snprintf(ctx->reason, sizeof ctx->reason, "setup: malloc(%zu) returned NULL", size);
        return -1;
      }
      l->live += size;
    }
    l->res.peak = l->live;
  }
  return 0;
}

/* One round on a lane: `todo` frees of random slots, each followed by a new
 * block in that slot. */
static inline __attribute__((always_inline)) void la_loop(lane *l, const int tc, const int libc) {
  const mmb_allocator al = *l->ctx->alloc, *a = &al;
  int id = (int)(l - ((la_state *)l->ctx->state)->l);
  uint64_t sum = l->res.sum, live = l->live, peak = l->res.peak, remote = 0;
  /* the lane's fields in locals: the allocator's calls cannot change them */
  mmb_rng r = l->r;
  blk *const b = l->b;
  const size_t nb = l->nb, min = l->min;
  const uint64_t span = l->span;
  const uint64_t first = TAG(id, l->idx); /* blocks tagged below: made by earlier threads */
  const uint64_t end = first + l->todo;
  uint64_t tag = first; /* the next block's tag; tag - first operations done */
  for (; tag < end; tag++) {
    blk *v = &b[mmb_rng_below(&r, nb)];
    remote += v->tag < first;
    if (blk_free(tc, a, libc, &l->res.f, &sum, v->p, v->size, v->tag) != 0) break;
    live -= v->size;
    size_t size = min + (size_t)mmb_rng_below(&r, span);
    if (blk_alloc(tc, a, libc, &l->res.f, v, size, tag) != 0) break;
    live += size;
    if (live > peak) peak = live;
  }
  l->r = r;
  l->idx += tag - first;
  l->res.sum = sum;
  l->res.peak = peak;
  l->live = live;
  l->frees += tag - first;
  l->remote += remote;
}

/* Compiled once more for the default touch, with a preloaded malloc called
 * by name there: the harness's work stays small. */
static void la_ops(lane *l) {
  if (l->ctx->touch == MMB_TOUCH_WORD && l->min >= 8 && mmb_al_libc(l->ctx->alloc))
    la_loop(l, BLK_TOUCH_WORD8, 1);
  else if (l->ctx->touch == MMB_TOUCH_WORD && l->min >= 8)
    la_loop(l, BLK_TOUCH_WORD8, 0);
  else if (l->ctx->touch == MMB_TOUCH_NONE)
    la_loop(l, MMB_TOUCH_NONE, 0);
  else
    la_loop(l, l->ctx->touch, 0);
}

static void *la_thread(void *arg) {
  lane *l = arg;
  const mmb_allocator *a = l->ctx->alloc;
  if (a->thread_attach) a->thread_attach();
  la_ops(l);
  if (a->thread_detach) a->thread_detach();
  return NULL;
}

static uint64_t la_run(mmb_ctx *ctx, int tid) {
  la_state *s = ctx->state;
  lane *l = &s->l[tid];
  const uint64_t round = (uint64_t)ctx->p[LA_ROUND];
  uint64_t left = share((uint64_t)ctx->p[LA_N], ctx->threads, tid), done = 0;
  while (left && !l->res.f.kind) {
    l->todo = left < round ? left : round;
    pthread_t th;
    /* If no thread can be made, the round runs on this worker: the same
     * operations, only without the hand-over. */
    if (pthread_create(&th, NULL, la_thread, l) == 0)
      pthread_join(th, NULL);
    else
      la_ops(l);
    left -= l->todo;
    done += l->todo;
  }
  return done;
}

/* What larson reports about its run: runs.csv remote_free_frac. */
enum { LA_FIG_REMOTE };
static const mmb_figure la_figures[] = {
    [LA_FIG_REMOTE] = {"remote_free_frac", "x", 0,
                       "share of frees of blocks another thread allocated"},
    {NULL, NULL, 0, NULL},
};

static int la_verify(mmb_ctx *ctx) {
  la_state *s = ctx->state;
  uint64_t h = 0, live = 0, frees = 0, remote = 0;
  for (int t = 0; t < ctx->threads; t++) frees += s->l[t].frees, remote += s->l[t].remote;
  if (frees) ctx->fig[LA_FIG_REMOTE] = (double)remote / (double)frees;
  for (int t = 0; t < ctx->threads; t++) {
    lane *l = &s->l[t];
    uint64_t sum = l->res.sum;
    if (l->res.f.kind || blk_check_all(ctx->touch, l->b, l->nb, &l->res.f, &sum) != 0) {
      fault_reason(&l->res.f, "lane", t, ctx->reason, sizeof ctx->reason);
      s->corrupt = 1;
      return -1;
    }
    h += sum; /* sums of mmb_mix terms: adding keeps them order-free */
    live += l->res.peak;
  }
  ctx->checksum = h;
  ctx->live_bytes = live;
  return 0;
}

static void la_teardown(mmb_ctx *ctx) {
  la_state *s = ctx->state;
  if (!s) return;
  int bad = s->corrupt;
  for (int t = 0; s->l && t < ctx->threads; t++) bad |= s->l[t].res.f.kind != 0;
  for (int t = 0; s->l && t < ctx->threads; t++) {
    lane *l = &s->l[t];
    if (!bad) blk_free_all(ctx->alloc, l->b, l->nb);
    book_unmap(l->b, l->b_bytes);
  }
  free(s->l);
  free(s);
  ctx->state = NULL;
}

static const mmb_workload wl_larson = {
    .name = "larson",
    .family = "threads",
    .flags = MMB_WF_THROUGHPUT | MMB_WF_FLOOR | MMB_WF_SCALING,
    .description = "server churn: random slots replaced; a new thread inherits the slot array of "
                   "the one it replaces",
    .follows = "Larson & Krishnan, ISMM 1998 (larson in mimalloc-bench)",
    .params = la_params,
    .needs = MMB_CAP_FREE | MMB_CAP_THREADS,
    .min_threads = 1,
    .sweep = "",
    .setup = la_setup,
    .run = la_run,
    .verify = la_verify,
    .teardown = la_teardown,
    .figures = la_figures,
};

/* ===========================================================================
 * producer-consumer (xmalloc-test): threads 0 .. P-1 (P = threads/2)
 * produce, the others consume. Block g (0 <= g < n) has size
 * hash(seed, g) in [min, max]; blocks travel in batches of `batch` through a
 * queue holding at most `queue` batches. Producer p makes batches p, p+P, …;
 * any consumer frees them. Total work fixed; ops = blocks passed.
 * ========================================================================= */
enum { PC_MIN, PC_MAX, PC_BATCH, PC_QUEUE, PC_N };

static const mmb_param pc_params[] = {
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
    {.name = "batch", .def = 256, .min = 1, .max = 1LL << 20, .help = "blocks passed at a time"},
    {.name = "queue", .def = 16, .min = 1, .max = 1 << 16, .help = "batches the queue holds"},
    {.name = "n",
     .def = 3000000,
     .min = 1,
     .max = 1LL << 40,
     .flags = MMB_PF_WORK,
     .help = "blocks passed (total, split over the producers)"},
    MMB_PARAM_TOUCH,
    {0},
};

typedef struct pc_batch {
  uint64_t first; /* block number of p[0] */
  size_t count;
  void *p[];
} pc_batch;

typedef struct pc_state {
  pthread_mutex_t mu;
  pthread_cond_t can_put, can_get, can_take;
  pc_batch **full; /* ring of `queue` batches */
  size_t fhead, fcount, qcap;
  pc_batch **spare; /* stack of empty batches */
  size_t nspare;
  pc_batch **all;
  size_t nall;
  uint64_t nbatches, taken;
  int producers;
  _Atomic uint64_t live, peak;
  _Atomic int abort;
  int corrupt;
  tres *r;
} pc_state;

static int pc_setup(mmb_ctx *ctx) {
  pc_state *s = calloc(1, sizeof *s);
  if (!s) return -1;
  ctx->state = s;
  if (ctx->threads < 2) {
    snprintf(ctx->reason, sizeof ctx->reason,
             "producer-consumer needs at least 2 threads (producers and consumers)");
    return -1;
  }
  if (check_min_max(ctx, ctx->p[PC_MIN], ctx->p[PC_MAX]) != 0) return -1;
  pthread_mutex_init(&s->mu, NULL);
  pthread_cond_init(&s->can_put, NULL);
  pthread_cond_init(&s->can_get, NULL);
  pthread_cond_init(&s->can_take, NULL);
  s->producers = ctx->threads / 2;
  s->qcap = (size_t)ctx->p[PC_QUEUE];
  uint64_t b = (uint64_t)ctx->p[PC_BATCH];
  s->nbatches = ((uint64_t)ctx->p[PC_N] + b - 1) / b;
  /* enough batches that every thread can hold one while the queue is full */
  s->nall = s->qcap + (size_t)ctx->threads;
  s->full = calloc(s->qcap, sizeof *s->full);
  s->spare = calloc(s->nall, sizeof *s->spare);
  s->all = calloc(s->nall, sizeof *s->all);
  if (!(s->r = tres_new(ctx->threads)) || !s->full || !s->spare || !s->all) return -1;
  for (size_t i = 0; i < s->nall; i++) {
    s->all[i] = calloc(1, sizeof(pc_batch) + (size_t)b * sizeof(void *));
    if (!s->all[i]) return -1;
    s->spare[s->nspare++] = s->all[i];
  }
  return 0;
}

static uint64_t pc_produce(mmb_ctx *ctx, pc_state *s, int p) {
  const mmb_allocator *a = ctx->alloc;
  tres *res = &s->r[p];
  const size_t min = (size_t)ctx->p[PC_MIN];
  const uint64_t span = (uint64_t)(ctx->p[PC_MAX] - ctx->p[PC_MIN]) + 1;
  const uint64_t n = (uint64_t)ctx->p[PC_N], bsize = (uint64_t)ctx->p[PC_BATCH];
  uint64_t made = 0;
  for (uint64_t k = (uint64_t)p; k < s->nbatches; k += (uint64_t)s->producers) {
    pthread_mutex_lock(&s->mu);
    while (s->nspare == 0) pthread_cond_wait(&s->can_take, &s->mu);
    pc_batch *bt = s->spare[--s->nspare];
    pthread_mutex_unlock(&s->mu);

    bt->first = k * bsize;
    uint64_t end = bt->first + bsize < n ? bt->first + bsize : n;
    uint64_t bytes = 0;
    bt->count = 0;
    /* after a fault (here or elsewhere) batches still flow, empty, so that
     * the consumers see every batch number and finish */
    for (uint64_t g = bt->first; g < end && !atomic_load_explicit(&s->abort, memory_order_relaxed);
         g++) {
      size_t size = hash_size(ctx->seed, g, min, span);
      if (!(bt->p[bt->count] = blk_new(ctx->touch, a, 0, &res->f, size, g))) {
        atomic_store(&s->abort, 1);
        break;
      }
      bt->count++;
      bytes += size;
    }
    made += bt->count;
    uint64_t now = atomic_fetch_add(&s->live, bytes) + bytes;
    uint64_t pk = atomic_load(&s->peak);
    while (now > pk && !atomic_compare_exchange_weak(&s->peak, &pk, now)) {
    }

    pthread_mutex_lock(&s->mu);
    while (s->fcount == s->qcap) pthread_cond_wait(&s->can_put, &s->mu);
    s->full[(s->fhead + s->fcount++) % s->qcap] = bt;
    pthread_cond_signal(&s->can_get);
    pthread_mutex_unlock(&s->mu);
  }
  return made;
}

static void pc_consume(mmb_ctx *ctx, pc_state *s, int c) {
  const mmb_allocator *a = ctx->alloc;
  tres *res = &s->r[c];
  const size_t min = (size_t)ctx->p[PC_MIN];
  const uint64_t span = (uint64_t)(ctx->p[PC_MAX] - ctx->p[PC_MIN]) + 1;
  uint64_t sum = 0;
  for (;;) {
    pthread_mutex_lock(&s->mu);
    while (s->fcount == 0 && s->taken < s->nbatches) pthread_cond_wait(&s->can_get, &s->mu);
    if (s->fcount == 0) { /* every batch taken */
      pthread_mutex_unlock(&s->mu);
      break;
    }
    pc_batch *bt = s->full[s->fhead];
    s->fhead = (s->fhead + 1) % s->qcap;
    s->fcount--;
    if (++s->taken == s->nbatches) pthread_cond_broadcast(&s->can_get);
    pthread_cond_signal(&s->can_put);
    pthread_mutex_unlock(&s->mu);

    uint64_t bytes = 0;
    for (size_t i = 0; i < bt->count; i++) {
      uint64_t g = bt->first + i;
      size_t size = hash_size(ctx->seed, g, min, span);
      bytes += size;
      if (blk_free(ctx->touch, a, 0, &res->f, &sum, bt->p[i], size, g) != 0)
        atomic_store(&s->abort, 1); /* the block is left unfreed */
    }
    atomic_fetch_sub(&s->live, bytes);

    pthread_mutex_lock(&s->mu);
    s->spare[s->nspare++] = bt;
    pthread_cond_signal(&s->can_take);
    pthread_mutex_unlock(&s->mu);
  }
  res->sum = sum;
}

static uint64_t pc_run(mmb_ctx *ctx, int tid) {
  pc_state *s = ctx->state;
  if (tid < s->producers) return pc_produce(ctx, s, tid);
  pc_consume(ctx, s, tid);
  return 0;
}

static int pc_verify(mmb_ctx *ctx) {
  pc_state *s = ctx->state;
  for (int t = 0; t < ctx->threads; t++) {
    const char *who = t < s->producers ? "producer" : "consumer";
    if (fault_reason(&s->r[t].f, who, t, ctx->reason, sizeof ctx->reason)) {
      s->corrupt = 1;
      return -1;
    }
  }
  uint64_t h = 0;
  for (int t = 0; t < ctx->threads; t++) h += s->r[t].sum; /* sums of mmb_mix terms add up */
  ctx->checksum = h;
  ctx->live_bytes = atomic_load(&s->peak);
  return 0;
}

static void pc_teardown(mmb_ctx *ctx) {
  pc_state *s = ctx->state;
  if (!s) return;
  if (s->all) {
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->can_put);
    pthread_cond_destroy(&s->can_get);
    pthread_cond_destroy(&s->can_take);
    for (size_t i = 0; i < s->nall; i++) free(s->all[i]);
  }
  free(s->all);
  free(s->spare);
  free(s->full);
  free(s->r);
  free(s);
  ctx->state = NULL;
}

static const mmb_workload wl_producer_consumer = {
    .name = "producer-consumer",
    .family = "threads",
    .flags = MMB_WF_THROUGHPUT | MMB_WF_SCALING,
    .description = "half the threads allocate and queue blocks, the other half free them",
    .follows = "xmalloc-test (Lever & Boreham; mimalloc-bench)",
    .params = pc_params,
    .needs = MMB_CAP_FREE | MMB_CAP_THREADS,
    .min_threads = 2,
    .sweep = "",
    .setup = pc_setup,
    .run = pc_run,
    .verify = pc_verify,
    .teardown = pc_teardown,
};

/* ===========================================================================
 * blowup: `rounds` rounds; in each, the threads take turns (the others wait
 * at ctx->thread_barrier): allocate n blocks of [min, max] bytes, then free
 * all but every keep-th. With one heap per thread the memory a thread freed
 * cannot serve the next thread's turn, so RSS grows with the thread count
 * (glibc's per-thread arenas; compare glibc[MALLOC_ARENA_MAX=1]). Work is
 * fixed PER THREAD and the turns are serialized: wall time grows with the
 * threads; the figures of merit are final_rss_kb and rss_per_live.
 * ========================================================================= */
enum { BU_MIN, BU_MAX, BU_KEEP, BU_ROUNDS, BU_N };
#define BU_MAX_ROUNDS 64

static const mmb_param bu_params[] = {
    {.name = "min",
     .flags = MMB_PF_BYTES,
     .def = 16,
     .min = 1,
     .max = 1LL << 20,
     .help = "smallest block (bytes)"},
    {.name = "max",
     .flags = MMB_PF_BYTES,
     .def = 128,
     .min = 1,
     .max = 1LL << 20,
     .help = "largest block (bytes, uniform)"},
    {.name = "keep",
     .def = 32,
     .min = 1,
     .max = 1LL << 20,
     .help = "keep every keep-th block of a turn"},
    {.name = "rounds", .def = 2, .min = 1, .max = BU_MAX_ROUNDS, .help = "turns per thread"},
    {.name = "n",
     .def = 1000000,
     .min = 1,
     .max = 1LL << 32,
     .flags = MMB_PF_WORK,
     .help = "blocks per turn (per thread: the work grows with the threads)"},
    MMB_PARAM_TOUCH,
    {0},
};

typedef struct bu_thr {
  void **turn; /* the blocks of the current turn */
  size_t turn_bytes;
  void **kept; /* rounds x nk kept blocks */
  size_t kept_bytes, nkept;
  uint64_t alloc_bytes[BU_MAX_ROUNDS], kept_sum[BU_MAX_ROUNDS];
  tres res;
} __attribute__((aligned(128))) bu_thr;

typedef struct bu_state {
  bu_thr *t;
  uint64_t nk; /* blocks kept per turn */
  int corrupt;
} bu_state;

#define BU_TAG(tid, r, i) TAG(tid, ((uint64_t)(r) << 32) | (uint64_t)(i))

static int bu_setup(mmb_ctx *ctx) {
  bu_state *s = calloc(1, sizeof *s);
  if (!s) return -1;
  ctx->state = s;
  if (check_min_max(ctx, ctx->p[BU_MIN], ctx->p[BU_MAX]) != 0) return -1;
  uint64_t n = (uint64_t)ctx->p[BU_N], keep = (uint64_t)ctx->p[BU_KEEP];
  s->nk = (n + keep - 1) / keep;
  s->t = aligned_alloc(128, sizeof(bu_thr) * (size_t)ctx->threads);
  if (!s->t) return -1;
  memset(s->t, 0, sizeof(bu_thr) * (size_t)ctx->threads);
  for (int i = 0; i < ctx->threads; i++) {
    bu_thr *t = &s->t[i];
    t->turn_bytes = (size_t)n * sizeof(void *);
    t->kept_bytes = (size_t)(s->nk * (uint64_t)ctx->p[BU_ROUNDS]) * sizeof(void *);
    t->turn = book_map(t->turn_bytes);
    t->kept = book_map(t->kept_bytes);
    if (!t->turn || !t->kept) {
      snprintf(ctx->reason, sizeof ctx->reason, "cannot map bookkeeping");
      return -1;
    }
  }
  return 0;
}

static uint64_t bu_turn(mmb_ctx *ctx, bu_thr *t, int tid, int r) {
  const mmb_allocator *a = ctx->alloc;
  const size_t min = (size_t)ctx->p[BU_MIN];
  const uint64_t span = (uint64_t)(ctx->p[BU_MAX] - ctx->p[BU_MIN]) + 1;
  const uint64_t n = (uint64_t)ctx->p[BU_N], keep = (uint64_t)ctx->p[BU_KEEP];
  uint64_t bytes = 0, kept = 0, sum = t->res.sum;
  for (uint64_t i = 0; i < n; i++) {
    uint64_t tag = BU_TAG(tid, r, i);
    size_t size = hash_size(ctx->seed, tag, min, span);
    if (!(t->turn[i] = blk_new(ctx->touch, a, 0, &t->res.f, size, tag))) return i;
    bytes += size;
  }
  for (uint64_t i = 0; i < n; i++) {
    uint64_t tag = BU_TAG(tid, r, i);
    size_t size = hash_size(ctx->seed, tag, min, span);
    if (i % keep == 0) {
      t->kept[t->nkept++] = t->turn[i];
      kept += size;
      continue;
    }
    if (blk_free(ctx->touch, a, 0, &t->res.f, &sum, t->turn[i], size, tag) != 0) return n;
  }
  book_drop_tail(t->turn, 0, t->turn_bytes); /* bookkeeping out of the RSS */
  t->alloc_bytes[r] = bytes;
  t->kept_sum[r] = kept;
  t->res.sum = sum;
  return n;
}

static uint64_t bu_run(mmb_ctx *ctx, int tid) {
  bu_state *s = ctx->state;
  bu_thr *t = &s->t[tid];
  const int rounds = (int)ctx->p[BU_ROUNDS];
  uint64_t ops = 0;
  for (int r = 0; r < rounds; r++)
    for (int turn = 0; turn < ctx->threads; turn++) {
      /* after a fault the thread keeps meeting the others at the barrier */
      if (turn == tid && !t->res.f.kind) ops += bu_turn(ctx, t, tid, r);
      ctx->thread_barrier(ctx);
    }
  return ops;
}

static int bu_verify(mmb_ctx *ctx) {
  bu_state *s = ctx->state;
  const size_t min = (size_t)ctx->p[BU_MIN];
  const uint64_t span = (uint64_t)(ctx->p[BU_MAX] - ctx->p[BU_MIN]) + 1;
  const uint64_t keep = (uint64_t)ctx->p[BU_KEEP];
  const int rounds = (int)ctx->p[BU_ROUNDS];
  uint64_t h = 0, kept = 0, peak = 0;
  for (int i = 0; i < ctx->threads; i++) {
    bu_thr *t = &s->t[i];
    if (fault_reason(&t->res.f, "thread", i, ctx->reason, sizeof ctx->reason)) goto bad;
    uint64_t sum = t->res.sum;
    for (size_t j = 0; j < t->nkept; j++) {
      uint64_t tag = BU_TAG(i, j / s->nk, (j % s->nk) * keep);
      size_t size = hash_size(ctx->seed, tag, min, span);
      if (!blk_intact(ctx->touch, t->kept[j], size, tag)) {
        fault_set(&t->res.f, F_PATTERN, tag, size);
        fault_reason(&t->res.f, "thread", i, ctx->reason, sizeof ctx->reason);
        goto bad;
      }
      sum = blk_sum(sum, tag, size);
    }
    h += sum; /* sums of mmb_mix terms: adding keeps them order-free */
  }
  /* live bytes at the peak, replaying the turns in their (fixed) order */
  for (int r = 0; r < rounds; r++)
    for (int i = 0; i < ctx->threads; i++) {
      if (kept + s->t[i].alloc_bytes[r] > peak) peak = kept + s->t[i].alloc_bytes[r];
      kept += s->t[i].kept_sum[r];
    }
  ctx->checksum = h;
  ctx->live_bytes = peak;
  return 0;
bad:
  s->corrupt = 1;
  return -1;
}

static void bu_teardown(mmb_ctx *ctx) {
  bu_state *s = ctx->state;
  if (!s) return;
  const size_t min = (size_t)ctx->p[BU_MIN];
  const uint64_t span = (uint64_t)(ctx->p[BU_MAX] - ctx->p[BU_MIN]) + 1;
  const uint64_t keep = (uint64_t)ctx->p[BU_KEEP];
  int bad = s->corrupt;
  for (int i = 0; s->t && i < ctx->threads; i++) bad |= s->t[i].res.f.kind != 0;
  for (int i = 0; s->t && i < ctx->threads; i++) {
    bu_thr *t = &s->t[i];
    for (size_t j = 0; !bad && j < t->nkept; j++)
      ctx->alloc->free(t->kept[j],
                       hash_size(ctx->seed, BU_TAG(i, j / s->nk, (j % s->nk) * keep), min, span));
    book_unmap(t->turn, t->turn_bytes);
    book_unmap(t->kept, t->kept_bytes);
  }
  free(s->t);
  free(s);
  ctx->state = NULL;
}

static const mmb_workload wl_blowup = {
    .name = "blowup",
    .family = "threads",
    .flags = MMB_WF_THROUGHPUT | MMB_WF_FLOOR | MMB_WF_SCALING,
    .description = "threads take turns allocating many small blocks and freeing most: RSS growth",
    .follows = "Berger et al., Hoard, ASPLOS 2000 (blowup); glibc MALLOC_ARENA_MAX",
    .params = bu_params,
    .needs = MMB_CAP_FREE | MMB_CAP_THREADS,
    .min_threads = 1,
    .sweep = "",
    .setup = bu_setup,
    .run = bu_run,
    .verify = bu_verify,
    .teardown = bu_teardown,
};

/* cache-thrash and cache-scratch, the family's false-sharing pair, are in
 * threads_sharing.c (mmb_family_threads_sharing). */
const mmb_workload *const mmb_family_threads[] = {
    &wl_thread_local, &wl_larson, &wl_producer_consumer, &wl_blowup, NULL,
};
