/* mmbench — family 'trace': trace-replay, a recorded program's allocator
 * calls (mmbench trace record) replayed against the allocator under test.
 *
 * Setup (untimed) loads the trace, resolves addresses to blocks and lays
 * out one list of operations per worker. Trace thread i runs on worker
 * i % threads; a worker carrying several trace threads runs their calls
 * merged in the global order, so it never waits for itself. Each block has
 * a slot holding its pointer and a count of the results it has had; an
 * operation on a block whose last result came from another worker waits
 * until that count is reached (a free waits for the malloc it frees, a
 * realloc for the previous one), and nothing else waits.
 *
 * Memory is touched by the common `touch` policy (wl_blocks.h: word writes a
 * tag in the first word at every allocation and checks it before a free,
 * full writes every byte, none nothing, and the untimed verification
 * repetition fills and checks whole blocks); a calloc must give zeros and a
 * realloc must keep the block's first bytes. The checksum depends only on
 * the trace, so it is equal under every correct allocator. Under the `floor`
 * allocator (MMB_WF_FLOOR) the figure is the replayer's own cost. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "mmb_config.h"
#include "recorded_path.h"
#include "trace_format.h"
#include "wl_blocks.h"

/* ---------------------------------------------------------------------------
 * Parameters
 * ------------------------------------------------------------------------- */
static const char *const unknown_names[] = {"refuse", "skip", NULL};
enum { UNK_REFUSE, UNK_SKIP };
enum { P_FILE, P_UNKNOWN, P_TOUCH };

static const mmb_param tr_params[] = {
    {.name = "file",
     .type = MMB_P_STR,
     .def_str = "sqlite-example",
     .flags = MMB_PF_LIST,
     .help = "trace file (mmbench trace record), or NAME: TRACE_DIR/NAME.mmbt as make bench "
             "records them "
             "(lua-trees, sqlite), or workloads/data/NAME.mmbt (sqlite-example); a,b sweeps"},
    {.name = "unknown",
     .type = MMB_P_ENUM,
     .def = UNK_REFUSE,
     .choices = unknown_names,
     .help = "a free / realloc of a pointer the trace never returned: refuse the trace, or skip "
             "the call"},
    MMB_PARAM_TOUCH,
    {0},
};

/* ---------------------------------------------------------------------------
 * Operations and slots
 * ------------------------------------------------------------------------- */
enum { R_MALLOC, R_CALLOC, R_ALIGNED, R_REALLOC, R_FREE, R_LOOK };

typedef struct rop {
  uint64_t size;  /* bytes (realloc: the new size) */
  uint32_t block; /* slot */
  uint32_t wait;  /* results the slot must have had before this runs */
  uint8_t kind;   /* R_* */
  uint8_t cross;  /* the last result came from another worker: wait */
  uint8_t align_log2;
  uint8_t pad;
} rop;

typedef struct slot {
  unsigned char *p; /* what the program sees */
  void *base;       /* what to free (differs when alignment is done by hand) */
  uint64_t size;
  _Atomic uint32_t ver; /* results so far */
  uint32_t pad;
} slot;

typedef struct worker {
  rop *ops;
  size_t nops, cap;
  uint64_t sum;
  fault f;
  uint64_t waits; /* operations that had to wait for another worker */
  char pad[64];
} worker;

typedef struct tstate {
  slot *slots;
  size_t nslots;
  worker w[MMB_MAX_THREADS];
  uint64_t calls; /* replayed calls in all */
  int has_aligned;
  uint64_t checksum; /* expected, from setup */
} tstate;

static size_t ws_bytes(size_t n) { return n ? n : 1; }

/* ---------------------------------------------------------------------------
 * Tags: what a block's touch carries (block and its result number)
 * ------------------------------------------------------------------------- */
static inline uint64_t tag_of(uint32_t block, uint32_t ver) {
  return ((uint64_t)block << 24 | (ver & 0xffffffu)) + 0x100000001b3ull;
}

/* What an operation adds to its worker's sum (order-free: added). */
static inline uint64_t term(uint64_t tag, uint64_t v) { return (tag ^ v) * 0x9e3779b97f4a7c15ull; }

/* The first min(n, 8) bytes of p and q are equal. */
static inline int head_equal(const void *p, const void *q, uint64_t n) {
  if (n >= 8) {
    uint64_t a, b;
    memcpy(&a, p, 8);
    memcpy(&b, q, 8);
    return a == b;
  }
  const unsigned char *x = p, *y = q;
  for (uint64_t i = 0; i < n; i++)
    if (x[i] != y[i]) return 0;
  return 1;
}

/* ---------------------------------------------------------------------------
 * The timed replay
 * ------------------------------------------------------------------------- */
static inline void wait_for(slot *s, uint32_t want, worker *w) {
  if (atomic_load_explicit(&s->ver, memory_order_acquire) >= want) return;
  w->waits++;
  for (unsigned spin = 0; atomic_load_explicit(&s->ver, memory_order_acquire) < want; spin++) {
    if (spin >= 64) sched_yield();
#if defined(__x86_64__) || defined(__i386__)
    else
      __builtin_ia32_pause();
#endif
  }
}

/* One result: slot s is now p (tagged), its count ver. */
static inline void publish(slot *s, unsigned char *p, void *base, uint64_t size, uint32_t ver) {
  s->p = p;
  s->base = base;
  s->size = size;
  atomic_store_explicit(&s->ver, ver, memory_order_release);
}

/* Slot s (of block) still carries tag: 0, or -1 with a pattern fault. */
static inline __attribute__((always_inline)) int slot_intact(worker *w, int touch, const slot *s,
                                                             uint32_t block, uint64_t tag) {
  if (blk_intact(touch, s->p, s->size, tag)) return 0;
  fault_set(&w->f, F_PATTERN, block, s->size);
  return -1;
}

/* A malloc, calloc or aligned call (aligned by hand without aligned_alloc)
 * into slot s, checked, touched and published. 0, or -1 on a fault. */
static inline __attribute__((always_inline)) int op_alloc(const mmb_allocator *a, int touch,
                                                          worker *w, const rop *o, slot *s,
                                                          uint64_t size, uint64_t *sum) {
  uint64_t align = 1ull << o->align_log2;
  unsigned char *p;
  void *base;
  if (o->kind == R_CALLOC) {
    base = p = a->calloc ? a->calloc(1, size) : a->malloc(size);
    if (p && !a->calloc) memset(p, 0, size);
  } else if (o->kind == R_MALLOC) {
    base = p = a->malloc(size);
  } else if (a->aligned_alloc) {
    base = p = a->aligned_alloc(align, size);
  } else { /* no aligned_alloc: over-allocate and align by hand */
    base = a->malloc(size + align);
    p = base ? (unsigned char *)(((uintptr_t)base + align - 1) & ~(uintptr_t)(align - 1)) : NULL;
  }
  if (!p) {
    fault_set(&w->f, F_NULL, o->block, size);
    return -1;
  }
  uint64_t tag = tag_of(o->block, o->wait + 1);
  if (o->kind == R_CALLOC && touch != MMB_TOUCH_NONE) {
    static const uint64_t zero = 0;
    if (!head_equal(p, &zero, size)) {
      fault_set(&w->f, F_PATTERN, o->block, size);
      return -1;
    }
  }
  blk_touch(touch, p, size, tag);
  *sum += term(tag, size);
  publish(s, p, base, size, o->wait + 1);
  return 0;
}

/* A realloc of slot s's block (emulated without realloc, or when aligned
 * by hand), its first bytes kept, touched and published. 0, or -1 on a
 * fault. */
static inline __attribute__((always_inline)) int op_realloc(const mmb_allocator *a, int touch,
                                                            worker *w, const rop *o, slot *s,
                                                            uint64_t size, uint64_t *sum) {
  uint64_t tag = tag_of(o->block, o->wait + 1);
  if (slot_intact(w, touch, s, o->block, tag_of(o->block, o->wait)) != 0) return -1;
  uint64_t keep = s->size < size ? s->size : size, head = 0;
  memcpy(&head, s->p, keep < 8 ? (size_t)keep : 8);
  unsigned char *p;
  void *base;
  if (!a->realloc || s->base != s->p) { /* emulated: no realloc, or aligned by hand */
    base = p = a->malloc(size);
    if (p) {
      memcpy(p, s->p, keep);
      a->free(s->base, s->size);
    }
  } else {
    base = p = a->realloc(s->p, s->size, size);
  }
  if (!p) {
    fault_set(&w->f, F_REALLOC_NULL, o->block, size);
    return -1;
  }
  if (touch != MMB_TOUCH_NONE && !head_equal(p, &head, keep)) { /* the content moves along */
    fault_set(&w->f, F_PATTERN, o->block, size);
    return -1;
  }
  blk_touch(touch, p, size, tag);
  *sum += term(tag, size);
  publish(s, p, base, size, o->wait + 1);
  return 0;
}

/* A free of slot s's block, checked first. 0, or -1 on a fault. */
static inline __attribute__((always_inline)) int
op_free(const mmb_allocator *a, int touch, worker *w, const rop *o, slot *s, uint64_t *sum) {
  uint64_t tag = tag_of(o->block, o->wait);
  if (slot_intact(w, touch, s, o->block, tag) != 0) return -1;
  a->free(s->base, s->size);
  s->p = NULL;
  s->base = NULL;
  *sum += term(~tag, 0);
  return 0;
}

/* A look at slot s's block (malloc_usable_size): it still carries its tag.
 * 0, or -1 on a fault. */
static inline __attribute__((always_inline)) int op_look(int touch, worker *w, const rop *o,
                                                         const slot *s, uint64_t *sum) {
  uint64_t tag = tag_of(o->block, o->wait);
  if (slot_intact(w, touch, s, o->block, tag) != 0) return -1;
  *sum += term(tag, 1);
  return 0;
}

static uint64_t tr_run(mmb_ctx *ctx, int tid) {
  tstate *st = ctx->state;
  worker *w = &st->w[tid];
  const mmb_allocator *a = ctx->alloc;
  int touch = ctx->touch;
  uint64_t sum = 0, done = 0;
  for (size_t i = 0; i < w->nops; i++) {
    const rop *o = &w->ops[i];
    slot *s = &st->slots[o->block];
    if (o->cross) wait_for(s, o->wait, w);
    uint64_t size = o->size ? o->size : 1;
    int bad = 0;
    switch (o->kind) {
    case R_MALLOC:
    case R_CALLOC:
    case R_ALIGNED: bad = op_alloc(a, touch, w, o, s, size, &sum); break;
    case R_REALLOC: bad = op_realloc(a, touch, w, o, s, size, &sum); break;
    case R_FREE: bad = op_free(a, touch, w, o, s, &sum); break;
    case R_LOOK: bad = op_look(touch, w, o, s, &sum); break;
    }
    if (bad) break;
    done++;
  }
  w->sum = sum;
  return done;
}

/* ---------------------------------------------------------------------------
 * Setup: from events to per-worker operations
 * ------------------------------------------------------------------------- */
static int log2_of(uint64_t v) {
  int k = 0;
  while ((1ull << k) < v && k < 40) k++;
  return k;
}

static int add_op(worker *w, size_t *cap, rop o) {
  if (w->nops == *cap) {
    size_t n = *cap ? *cap * 2 : 1024;
    rop *g = book_map(n * sizeof *g);
    if (!g) return -1;
    if (w->ops) {
      memcpy(g, w->ops, w->nops * sizeof *g);
      book_unmap(w->ops, *cap * sizeof *g);
    }
    w->ops = g;
    *cap = n;
  }
  w->ops[w->nops++] = o;
  return 0;
}

/* A trace named after its program, or a path (recorded_path.h). */
static int trace_path(const char *file, char *out, size_t len) {
  return mmb_recorded_path(file, ".mmbt", out, len);
}

static void tr_teardown(mmb_ctx *ctx);

/* Why a trace with frees of pointers that are not live is refused: the
 * first such call, how many there are, and the way round. */
static void unknown_reason(const mmb_trace *t, const char *path, char *buf, size_t len) {
  for (size_t i = 0; i < t->nev; i++)
    if (t->ev[i].unknown && t->ev[i].op != MMB_TOP_USABLE) {
      snprintf(
          buf, len,
          "%s: %s of pointer 0x%llx that is not live (thread %u, order %llu; %llu such calls): "
          "-p unknown=skip replays without them",
          path, mmb_trace_op_name(t->ev[i].op, 0),
          (unsigned long long)(t->ev[i].op == MMB_TOP_REALLOC ? t->ev[i].arg : t->ev[i].ptr),
          t->ev[i].thread, (unsigned long long)(t->ev[i].key & ((1ull << 48) - 1)),
          (unsigned long long)t->unknown);
      return;
    }
  snprintf(buf, len, "%s: %llu calls on pointers that are not live", path,
           (unsigned long long)t->unknown);
}

/* Before the run: the file exists and has a trace header of a version this
 * reader knows (the whole trace is read in setup). A named trace not yet
 * recorded makes the point skipped. */
/* The trace's own thread count: the most threads alive at once (at most
 * MMB_MAX_THREADS); 0 when it cannot be read (setup will say why). */
static int tr_threads(const long long *p, char *const *s) {
  (void)p;
  char path[4096], err[600];
  if (!s[P_FILE] || !*s[P_FILE]) return 0;
  trace_path(s[P_FILE], path, sizeof path);
  mmb_trace t;
  if (mmb_trace_load(path, &t, err, sizeof err) != 0) return 0;
  uint32_t n = mmb_trace_peak_threads(&t);
  mmb_trace_free(&t);
  return n > MMB_MAX_THREADS ? MMB_MAX_THREADS : (int)n;
}

static int tr_check(const long long *p, char *const *s, char *msg, size_t len) {
  const char *file = s[P_FILE];
  char path[4096];
  if (!file || !*file) {
    snprintf(msg, len,
             "needs -p file=TRACE (record one: mmbench trace record -o TRACE -- PROGRAM)");
    return -1;
  }
  int named = trace_path(file, path, sizeof path);
  if (named && access(path, F_OK) != 0) {
    snprintf(msg, len,
             "trace '%s' is not recorded yet (%s): scripts/record-traces records it, make bench "
             "runs that",
             file, path);
    return 1;
  }
  char err[600];
  if (mmb_trace_check_header(path, err, sizeof err) != 0) {
    snprintf(msg, len, "%s", err);
    return -1;
  }
  mmb_trace t; /* the whole trace: damage is said before the run */
  if (mmb_trace_load(path, &t, err, sizeof err) != 0) {
    snprintf(msg, len, "%s", err);
    return -1;
  }
  int rc = 0;
  if (t.unknown && p[P_UNKNOWN] == UNK_REFUSE) {
    unknown_reason(&t, path, msg, len);
    rc = -1;
  } else if (t.damage[0]) {
    snprintf(msg, len, "%s: %s; replayed up to the damage", path, t.damage);
    rc = 2;
  }
  mmb_trace_free(&t);
  return rc;
}

/* Load the trace of file (path: where it is). 0, or -1 with reason: not
 * recorded yet (a named trace), or why it does not load. */
static int load_trace(const char *file, char *path, size_t len, mmb_trace *t, char *reason,
                      size_t rlen) {
  char err[600];
  int named = trace_path(file, path, len);
  if (mmb_trace_load(path, t, err, sizeof err) == 0) return 0;
  if (named && access(path, F_OK) != 0)
    snprintf(reason, rlen,
             "%s: not recorded yet (scripts/record-traces records it; make bench runs it)", path);
  else
    snprintf(reason, rlen, "%s", err);
  return -1;
}

/* Trace threads with calls, in order of first call, onto W workers
 * (worker_of[thread]; MMB_TB_NONE: a thread without calls). */
static void assign_workers(const mmb_trace *t, int W, uint32_t *worker_of) {
  for (uint32_t i = 0; i < t->nthreads; i++) worker_of[i] = MMB_TB_NONE;
  uint32_t active = 0;
  for (size_t i = 0; i < t->nev; i++) {
    const mmb_trace_ev *e = &t->ev[i];
    if (mmb_trace_is_call(e) && worker_of[e->thread] == MMB_TB_NONE)
      worker_of[e->thread] = active++ % (uint32_t)W;
  }
}

/* The operation call e replays: its kind and size (an aligned call's
 * alignment); no block yet. */
static rop op_of(const mmb_trace_ev *e) {
  rop o = {.size = e->size, .block = MMB_TB_NONE};
  switch (e->op) {
  case MMB_TOP_MALLOC: o.kind = R_MALLOC; break;
  case MMB_TOP_CALLOC: o.kind = R_CALLOC; break;
  case MMB_TOP_ALIGNED:
    o.kind = R_ALIGNED;
    o.align_log2 = (uint8_t)log2_of(e->arg < sizeof(void *) ? sizeof(void *) : e->arg);
    break;
  case MMB_TOP_REALLOC:
    if (e->rel != MMB_TB_NONE)
      o.kind = e->born != MMB_TB_NONE ? R_REALLOC : R_FREE;
    else
      o.kind = R_MALLOC; /* realloc(NULL, n), or of an unknown pointer (skip mode) */
    break;
  case MMB_TOP_FREE: o.kind = R_FREE; break;
  case MMB_TOP_USABLE: o.kind = R_LOOK; break;
  }
  return o;
}

/* Every worker's operations from the trace's calls: each on its block,
 * waiting when the block's last result came from another worker; *peak the
 * most bytes live at once. 0, or -1 out of memory. */
static int lay_out(tstate *st, const mmb_trace *t, const uint32_t *worker_of, int W,
                   uint64_t *peak_out) {
  uint32_t *last = malloc(((size_t)t->nblocks + 1) * sizeof *last);
  uint64_t *bsize = calloc((size_t)t->nblocks + 1, sizeof *bsize);
  size_t caps[MMB_MAX_THREADS] = {0};
  uint64_t live = 0, peak = 0;
  int rc = -1;
  if (!last || !bsize) goto out;
  for (size_t i = 0; i < t->nev; i++) {
    const mmb_trace_ev *e = &t->ev[i];
    if (!mmb_trace_is_call(e)) continue;
    uint32_t wk = worker_of[e->thread];
    rop o = op_of(e);
    if (o.kind == R_ALIGNED) st->has_aligned = 1;
    if (o.kind == R_MALLOC || o.kind == R_CALLOC || o.kind == R_ALIGNED) {
      if (e->born == MMB_TB_NONE) continue; /* failed in the program */
      o.block = e->born;
      o.wait = 0;
    } else {
      if (e->rel == MMB_TB_NONE) continue; /* free(NULL), unknown pointer */
      o.block = e->rel;
      o.wait = e->births;
      o.cross = last[o.block] != wk;
      live -= bsize[o.block];
    }
    if (o.kind != R_FREE && o.kind != R_LOOK) {
      last[o.block] = wk;
      bsize[o.block] = o.size ? o.size : 1;
      live += bsize[o.block];
      if (live > peak) peak = live;
    } else if (o.kind == R_LOOK) {
      live += bsize[o.block];
    }
    if (add_op(&st->w[wk], &caps[wk], o) != 0) goto out;
    st->calls++;
  }
  for (int k = 0; k < W; k++) st->w[k].cap = caps[k];
  *peak_out = peak;
  rc = 0;
out:
  free(last);
  free(bsize);
  return rc;
}

static int tr_setup(mmb_ctx *ctx) {
  const char *file = ctx->str[P_FILE];
  if (!file || !*file) {
    snprintf(
        ctx->reason, sizeof ctx->reason,
        "trace-replay needs -p file=TRACE (record one: mmbench trace record -o TRACE -- PROGRAM)");
    return -1;
  }
  tstate *st = calloc(1, sizeof *st);
  if (!st) return -1;
  ctx->state = st;
  char path[4096];
  mmb_trace t;
  if (load_trace(file, path, sizeof path, &t, ctx->reason, sizeof ctx->reason) != 0) return -1;
  int rc = -1;
  uint32_t *worker_of = NULL;
  if (t.unknown && ctx->p[P_UNKNOWN] == UNK_REFUSE) {
    unknown_reason(&t, path, ctx->reason, sizeof ctx->reason);
    goto out;
  }
  if (t.damage[0])
    fprintf(stderr, "trace-replay: %s: %s; replaying what precedes it\n", path, t.damage);
  worker_of = malloc((t.nthreads + 1) * sizeof *worker_of);
  if (!worker_of) goto out;
  assign_workers(&t, ctx->threads, worker_of);
  st->nslots = t.nblocks;
  st->slots = book_map(ws_bytes(st->nslots * sizeof *st->slots));
  if (!st->slots || lay_out(st, &t, worker_of, ctx->threads, &ctx->live_bytes) != 0) goto out;
  if (!st->calls) {
    snprintf(ctx->reason, sizeof ctx->reason, "%s: no allocator call to replay (%zu records)", path,
             t.nev);
    goto out;
  }
  rc = 0;
out: /* the reason, when none is given: out of memory */
  free(worker_of);
  if (rc != 0 && !ctx->reason[0])
    snprintf(ctx->reason, sizeof ctx->reason, "%s: out of memory laying out the replay", path);
  mmb_trace_free(&t);
  return rc;
}

static int tr_verify(mmb_ctx *ctx) {
  tstate *st = ctx->state;
  uint64_t sum = 0;
  for (int k = 0; k < ctx->threads; k++) {
    if (fault_reason(&st->w[k].f, "worker", k, ctx->reason, sizeof ctx->reason)) return -1;
    sum += st->w[k].sum;
  }
  /* blocks live at the end still carry their tags */
  for (size_t b = 0; b < st->nslots; b++) {
    slot *s = &st->slots[b];
    if (!s->p) continue;
    if (!blk_intact(ctx->touch, s->p, s->size, tag_of((uint32_t)b, atomic_load(&s->ver)))) {
      snprintf(ctx->reason, sizeof ctx->reason,
               "block %zu (%llu bytes) changed while live: overlapping blocks", b,
               (unsigned long long)s->size);
      return -1;
    }
    sum = mmb_mix(sum, b);
  }
  ctx->checksum = mmb_mix(sum, st->calls);
  return 0;
}

static void tr_teardown(mmb_ctx *ctx) {
  tstate *st = ctx->state;
  if (!st) return;
  if (st->slots) {
    for (size_t b = 0; b < st->nslots; b++)
      if (st->slots[b].base) ctx->alloc->free(st->slots[b].base, st->slots[b].size);
    book_unmap(st->slots, ws_bytes(st->nslots * sizeof *st->slots));
  }
  for (int k = 0; k < MMB_MAX_THREADS; k++)
    if (st->w[k].ops) book_unmap(st->w[k].ops, st->w[k].cap * sizeof(rop));
  free(st);
  ctx->state = NULL;
}

static const mmb_workload wl_trace_replay = {
    .name = "trace-replay",
    .family = "trace",
    .description = "replay a recorded program's allocator calls (mmbench trace record), threads "
                   "and cross-thread frees kept",
    .follows = "",
    .params = tr_params,
    .min_threads = 1,
    .sweep = "file=lua-trees,sqlite",
    .flags = MMB_WF_FLOOR,
    .replays = "file", /* a trace is named after the program it was recorded from */
    .check = tr_check,
    .threads_for = tr_threads,
    .setup = tr_setup,
    .run = tr_run,
    .verify = tr_verify,
    .teardown = tr_teardown,
};

const mmb_workload *const mmb_family_trace[] = {&wl_trace_replay, NULL};
