/* mmbench — family 'models': empirical, a seeded stream of allocator calls
 * with the statistics of a model (mmbench trace model; model_format.h).
 *
 * Every worker runs its share of n births. Birth i of a worker (in phase
 * p of its run) draws a size class with the class shares of phase p (a 64th of the run), a
 * size (one of the class's commonest sizes, or uniform in the class), how
 * it is born (calloc, an aligned call with an alignment drawn from the
 * model's, or malloc; a realloc when a block that was to end by realloc is
 * waiting: then, where the model lists the ratios new size / old size of its class's reallocs
 * (format 4), its size is the old block's times one of them, dealt out evenly, and its class that
 * of the new size; the other births draw from the class and size shares less the births those
 * ratios make; a block born by a realloc ends by one with the share its class's had, so chains
 * of reallocs are as long as the trace's), and its lifetime from the class's quantiles for phase p
 * (or never freed, or freed after the last birth, with the shares the trace had), stretched by n /
 * the model's births; where the phase lists exact lifetimes, those are dealt out evenly
 * (even_draw.h: each value's count within 1 of its share) and only the others drawn. Blocks
 * that end by realloc wait for the next births, the shortest lifetime first. After the birth, every
 * block whose lifetime ends there is freed (or handed to the next worker to free, with the share of
 * frees the trace made from another thread, when there are several workers), or queued to be
 * reallocated by the next birth. The births a model lists (classes of few births) are not drawn:
 * each is replayed, by one worker, at its place and with its lifetime (both stretched), its class's
 * sizes and lifetimes aside. Deaths sit in a two-level timing wheel (65 536 slots of one birth, 65
 * 536 of 65 536 births, a list beyond), so the harness's own cost per operation is O(1).
 *
 * Verification is that of every block workload (wl_blocks.h): blocks are
 * touched by the touch policy, fully patterned and checked in the
 * verification repetition, a realloc must keep a block's first bytes, a
 * calloc give zeros, an aligned call an aligned pointer; every block adds
 * its tag and size to an order-free checksum when it dies or, live at the
 * end, in verify, so the checksum depends only on the model, n, the seed
 * and the thread count. Under the floor allocator the figure is the
 * generator's own cost. The same generator writes trace events instead of
 * calling an allocator for mmb_empirical_trace (empirical.h). */
#define _GNU_SOURCE
#include "empirical.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "even_draw.h"
#include "mmb_config.h"
#include "recorded_path.h"
#include "sizedist.h"
#include "wl_blocks.h"

/* ---------------------------------------------------------------------------
 * Parameters
 * ------------------------------------------------------------------------- */
enum { P_MODEL, P_N, P_TOUCH };

static const mmb_param em_params[] = {
    {.name = "model",
     .type = MMB_P_STR,
     .def_str = "sqlite",
     .flags = MMB_PF_LIST,
     .help = "model file (mmbench trace model), or NAME: TRACE_DIR/NAME.model as make bench makes "
             "them (lua-trees, sqlite, python, gcc); a,b sweeps"},
    {.name = "n",
     .def = 0,
     .min = 0,
     .max = 1LL << 40,
     .help = "births (allocations) in all, split over the threads; 0 = the model's own count "
             "(as its trace's replay; --scale leaves it)"},
    MMB_PARAM_TOUCH,
    {0},
};

/* ---------------------------------------------------------------------------
 * Generator state
 * ------------------------------------------------------------------------- */
#define W0_BITS 16
#define W0 (1u << W0_BITS)
#define NONE32 0xffffffffu
#define NEVER UINT64_MAX
#define RING 8192 /* handoff ring entries */

enum { K_MALLOC = 0, K_CALLOC, K_ALIGNED };
enum { END_FREE = 0, END_REALLOC = 1, END_REMOTE = 2 };

typedef struct eslot {
  unsigned char *p; /* the block (NULL: slot unused) */
  uint64_t tag, size, death;
  uint32_t next; /* wheel / pending / free list */
  uint32_t off;  /* p - base (aligned by hand) */
  uint32_t life; /* death - birth (capped): the order of the realloc queue */
  uint8_t end;   /* END_* */
} eslot;

typedef struct hand {
  unsigned char *p;
  uint64_t tag, size;
  uint32_t off, pad;
} hand;

/* Per class: size table, born/ended probabilities (2^64 scale), lifetimes by phase. */
typedef struct eclass {
  mmb_sizedist sizes; /* entry k+1: size[k]; entry NSIZES+1: other (uniform) */
  uint64_t lo, span;
  uint64_t p_calloc, p_aligned; /* of the births that are not reallocs */
  uint64_t p_realloc_end[2];    /* of a block born fresh, of one born by a realloc */
  uint64_t p_remote;
  double never[MMB_MODEL_PHASES], end[MMB_MODEL_PHASES];
  double life[MMB_MODEL_PHASES][MMB_MODEL_NQ];
  /* a phase whose lifetimes sit on a few exact values (nl > 0): the values,
   * their shares of the freed ones (entry nl: the others, drawn from rest) */
  int nl[MMB_MODEL_PHASES];
  double lv[MMB_MODEL_PHASES][MMB_MODEL_NLIVES];
  double lsh[MMB_MODEL_PHASES][MMB_MODEL_NLIVES + 1];
  double rest[MMB_MODEL_PHASES][MMB_MODEL_NQ];
  uint64_t exact[MMB_MODEL_NSIZES];
  /* reallocs of its blocks: the listed ratios new / old size, their shares
   * (entry nr: the others, whose size is drawn like a fresh birth's) */
  int nr;
  double ratio[MMB_MODEL_NRATIOS];
  double rsh[MMB_MODEL_NRATIOS + 1];
} eclass;

/* A worker's even-draw counts per class and phase (mmb_even_pick): entries
 * 0..NLIVES, then the draws so far. */
#define EVEN_N (MMB_MODEL_NLIVES + 2)
#define EVEN_BYTES (sizeof(uint32_t) * MMB_MODEL_MAX_CLASSES * MMB_MODEL_PHASES * EVEN_N)
/* the same for the realloc ratios, per class of the old block */
#define EVEN_R (MMB_MODEL_NRATIOS + 2)

/* A listed birth of a rare class (mmb_model_rare), replayed at its place. */
typedef struct esched {
  uint64_t at, size, life;
  int cls;
} esched;

typedef struct eworker {
  eslot *s;
  size_t ns, cap, s_bytes; /* slots used (high water), capacity, mapping */
  uint32_t freelist;
  uint32_t *w0, *w1;  /* wheel buckets (slot lists) */
  uint32_t far;       /* beyond the wheel */
  uint32_t pend_head; /* blocks waiting for a realloc (pend_push) */
  uint64_t done, n, sum, live, peak;
  size_t sched;   /* next listed birth of this worker (every threads-th from tid) */
  uint32_t *even; /* even-draw counts, [class][phase][EVEN_N] */
  uint32_t reven[MMB_MODEL_MAX_CLASSES][EVEN_R]; /* even-draw counts of the realloc ratios */
  uint64_t handed, misaligned_align;
  hand *ring; /* inbox: from worker tid - 1 */
  _Atomic uint64_t ring_head, ring_tail;
  fault f;
  mmb_trace_ev *ev; /* record mode */
  size_t nev, evcap;
  char pad[64];
} eworker;

typedef struct estate {
  mmb_model m;
  eclass cls[MMB_MODEL_MAX_CLASSES];
  mmb_sizedist phase_cls[MMB_MODEL_PHASES]; /* entry c+1: class c */
  mmb_sizedist aligns;                      /* entry k+1: align[k] */
  int cmap[MMB_MODEL_MAX_CLASSES]; /* size class (mmb_model_class_of) -> the model's, -1 none */
  int rcls[MMB_MODEL_MAX_CLASSES]; /* the same for the classes a ratio may make (drawn ones) */
  esched sched[MMB_MODEL_MAX_CLASSES * MMB_MODEL_RARE]; /* listed births, by place */
  size_t nsched;
  int threads;
  int corrupt;
  double stretch; /* n_thread / model births, per worker below */
  eworker *w;
} estate;

static inline uint64_t prob64(uint64_t num, uint64_t den) {
  if (!den || !num) return 0;
  if (num >= den) return UINT64_MAX;
  return (uint64_t)((double)num / (double)den * 18446744073709551615.0);
}

/* ---------------------------------------------------------------------------
 * Building the tables from the model
 * ------------------------------------------------------------------------- */
static void estate_free(estate *st) {
  for (int c = 0; c < st->m.nclasses; c++) mmb_sizedist_free(&st->cls[c].sizes);
  for (int p = 0; p < MMB_MODEL_PHASES; p++) mmb_sizedist_free(&st->phase_cls[p]);
  mmb_sizedist_free(&st->aligns);
}

/* The size a realloc of a block of old bytes makes with ratio: old × ratio,
 * rounded (at least 1), or 0 past the largest block the workload serves. */
static inline uint64_t resized_size(uint64_t old, double ratio) {
  double s = (double)old * ratio + 0.5;
  if (s < 1) return 1;
  return s > (double)MMB_MODEL_MAX_SIZE ? 0 : (uint64_t)s;
}

/* The births the listed ratios make in the model's run, expected: per class
 * (made_cls) and per its exact size (made_size, entry nsizes: its other
 * sizes), from the old class's size shares (its other sizes at the middle of
 * the class). The stream draws its other births from what remains. */
static void made_by_ratios(const estate *st, double *made_cls,
                           double (*made_size)[MMB_MODEL_NSIZES + 1]) {
  const mmb_model *m = &st->m;
  for (int c = 0; c < m->nclasses; c++) {
    const mmb_model_class *k = &m->cls[c];
    for (int j = 0; k->allocs && j < k->nratios; j++)
      for (int i = 0; i <= k->nsizes; i++) {
        double w = (double)(i < k->nsizes ? k->size_n[i] : k->other_n) / (double)k->allocs;
        uint64_t old = i < k->nsizes ? k->size[i] : k->lo / 2 + k->hi / 2 + 1;
        uint64_t s = resized_size(old ? old : 1, k->ratio[j]);
        int t = s ? st->rcls[mmb_model_class_of(s)] : -1;
        if (!w || t < 0) continue;
        const mmb_model_class *g = &m->cls[t];
        int at = g->nsizes;
        for (int q = 0; q < g->nsizes; q++)
          if (g->size[q] == s) at = q;
        made_cls[t] += w * (double)k->ratio_n[j];
        made_size[t][at] += w * (double)k->ratio_n[j];
      }
  }
}

/* Class k's lifetimes per phase into e: a phase without births of the
 * class takes its nearest phase that has some. */
static void class_phases(eclass *e, const mmb_model_class *k) {
  for (int p = 0; p < MMB_MODEL_PHASES; p++) {
    const mmb_model_phase *ph = &k->ph[p];
    /* a phase without births of the class: its nearest phase that has some */
    int q = p;
    for (int d = 1; !k->ph[q].allocs && d < MMB_MODEL_PHASES; d++) {
      if (p - d >= 0 && k->ph[p - d].allocs)
        q = p - d;
      else if (p + d < MMB_MODEL_PHASES && k->ph[p + d].allocs)
        q = p + d;
    }
    ph = &k->ph[q];
    e->never[p] = ph->never;
    e->end[p] = ph->end;
    memcpy(e->life[p], ph->life, sizeof e->life[p]);
    uint64_t freed = ph->lives_other;
    for (int j = 0; j < ph->nlives; j++) freed += ph->lives_n[j];
    e->nl[p] = freed ? ph->nlives : 0;
    for (int j = 0; j < e->nl[p]; j++) {
      e->lv[p][j] = (double)ph->lives[j];
      e->lsh[p][j] = (double)ph->lives_n[j] / (double)freed;
    }
    e->lsh[p][e->nl[p]] = freed ? (double)ph->lives_other / (double)freed : 0;
    memcpy(e->rest[p], ph->rest, sizeof e->rest[p]);
  }
}

/* The births the model lists (classes of few births), by place. */
static void schedule_listed(estate *st) {
  const mmb_model *m = &st->m;
  st->nsched = 0;
  for (int c = 0; c < m->nclasses; c++) {
    const mmb_model_class *k = &m->cls[c];
    for (int i = 0; i < k->nrare; i++)
      st->sched[st->nsched++] = (esched){k->rare[i].at, k->rare[i].size, k->rare[i].life, c};
  }
  for (size_t a = 1; a < st->nsched; a++) /* by place */
    for (size_t b = a; b > 0 && st->sched[b].at < st->sched[b - 1].at; b--) {
      esched t = st->sched[b];
      st->sched[b] = st->sched[b - 1], st->sched[b - 1] = t;
    }
}

static int tables(estate *st, char *err, size_t errlen) {
  const mmb_model *m = &st->m;
  uint32_t ids[MMB_MODEL_MAX_CLASSES + MMB_MODEL_NSIZES + 2];
  double wt[MMB_MODEL_MAX_CLASSES + MMB_MODEL_NSIZES + 2];
  /* the listed births are replayed, not drawn: their classes draw only when
   * every class is listed (and then no ratio makes a block of them) */
  int drawn = 0;
  for (int c = 0; c < m->nclasses; c++) drawn += !m->cls[c].nrare;
  for (int b = 0; b < MMB_MODEL_MAX_CLASSES; b++) st->cmap[b] = st->rcls[b] = -1;
  for (int c = 0; c < m->nclasses; c++) {
    int b = mmb_model_class_of(m->cls[c].lo);
    st->cmap[b] = c;
    st->rcls[b] = drawn && m->cls[c].nrare ? -1 : c;
  }
  double made_cls[MMB_MODEL_MAX_CLASSES] = {0}, keep[MMB_MODEL_MAX_CLASSES];
  double made_size[MMB_MODEL_MAX_CLASSES][MMB_MODEL_NSIZES + 1];
  memset(made_size, 0, sizeof made_size);
  made_by_ratios(st, made_cls, made_size);
  for (int c = 0; c < m->nclasses; c++) {
    const mmb_model_class *k = &m->cls[c];
    eclass *e = &st->cls[c];
    keep[c] = k->allocs ? fmax(0, 1 - made_cls[c] / (double)k->allocs) : 1;
    int n = 0;
    double left = 0;
    for (int i = 0; i < k->nsizes; i++) {
      ids[n] = (uint32_t)i + 1;
      wt[n] = fmax(0, (double)k->size_n[i] - made_size[c][i]);
      left += wt[n++];
      e->exact[i] = k->size[i] ? k->size[i] : 1;
    }
    ids[n] = MMB_MODEL_NSIZES + 1;
    wt[n] = fmax(0, (double)k->other_n - made_size[c][k->nsizes]) + (k->allocs ? 0 : 1);
    left += wt[n++];
    for (int i = 0; left < 0.5 && i < n; i++) /* all made by ratios (as far as told): all */
      wt[i] = i < k->nsizes ? (double)k->size_n[i] : (double)k->other_n + (k->allocs ? 0 : 1);
    if (mmb_sizedist_build(&e->sizes, ids, wt, (size_t)n, err, errlen) != 0) return -1;
    uint64_t reallocs = k->realloc_out;
    e->nr = k->nratios;
    for (int j = 0; j < e->nr; j++) {
      e->ratio[j] = k->ratio[j];
      e->rsh[j] = (double)k->ratio_n[j] / (double)reallocs;
    }
    e->rsh[e->nr] = e->nr ? (double)k->ratio_other / (double)reallocs : 1;
    e->lo = k->lo ? k->lo : 1;
    e->span = (k->hi >= e->lo ? k->hi - e->lo : 0) + 1;
    uint64_t fresh = k->allocs - k->realloc_n;
    e->p_calloc = prob64(k->calloc_n, fresh);
    e->p_aligned = prob64(k->aligned_n, fresh);
    if (e->p_calloc > UINT64_MAX - e->p_aligned) e->p_aligned = UINT64_MAX - e->p_calloc;
    e->p_realloc_end[0] = e->p_realloc_end[1] = prob64(k->realloc_out, k->frees + k->realloc_out);
    if (k->resized) { /* format 4: a chain of reallocs as long as the trace's */
      e->p_realloc_end[0] =
          prob64(k->realloc_out - k->chained, k->frees + k->realloc_out - k->reborn_ends);
      e->p_realloc_end[1] = prob64(k->chained, k->reborn_ends);
    }
    e->p_remote = prob64(k->remote, k->frees);
    class_phases(e, k);
  }
  schedule_listed(st);
  for (int p = 0; p < MMB_MODEL_PHASES; p++) {
    /* less the births the ratios make (keep); with none left, the run's
     * shares (less them, or all) */
    double any = 0;
    for (int c = 0; c < m->nclasses; c++) {
      ids[c] = (uint32_t)c + 1;
      wt[c] = drawn && m->cls[c].nrare ? 0 : (double)m->cls[c].ph[p].allocs * keep[c];
      any += wt[c];
    }
    for (int pass = 0; pass < 2 && !any; pass++)
      for (int c = 0; c < m->nclasses; c++) {
        wt[c] = drawn && m->cls[c].nrare ? 0 : (double)m->cls[c].allocs * (pass ? 1 : keep[c]);
        any += wt[c];
      }
    if (mmb_sizedist_build(&st->phase_cls[p], ids, wt, (size_t)m->nclasses, err, errlen) != 0)
      return -1;
  }
  int na = m->naligns;
  for (int i = 0; i < na; i++) ids[i] = (uint32_t)i + 1, wt[i] = (double)m->align_n[i] + 1e-9;
  if (!na) ids[0] = 1, wt[0] = 1, na = 1;
  return mmb_sizedist_build(&st->aligns, ids, wt, (size_t)na, err, errlen);
}

/* ---------------------------------------------------------------------------
 * Slots and the timing wheel
 * ------------------------------------------------------------------------- */
static int slots_grow(eworker *w) {
  size_t cap = w->cap ? w->cap * 2 : 4096, bytes = cap * sizeof(eslot);
  eslot *g = book_map(bytes);
  if (!g) return -1;
  if (w->s) {
    memcpy(g, w->s, w->ns * sizeof(eslot));
    book_unmap(w->s, w->s_bytes);
  }
  w->s = g;
  w->cap = cap;
  w->s_bytes = bytes;
  return 0;
}

static inline uint32_t slot_new(eworker *w) {
  if (w->freelist != NONE32) {
    uint32_t i = w->freelist;
    w->freelist = w->s[i].next;
    return i;
  }
  if (w->ns == w->cap && slots_grow(w) != 0) return NONE32;
  return (uint32_t)w->ns++;
}

static inline void slot_release(eworker *w, uint32_t i) {
  w->s[i].p = NULL;
  w->s[i].next = w->freelist;
  w->freelist = i;
}

/* File slot i (death > now) in the wheel. */
static inline void wheel_put(eworker *w, uint32_t i, uint64_t now) {
  uint64_t d = w->s[i].death;
  uint32_t *head;
  if (d - now < W0)
    head = &w->w0[d & (W0 - 1)];
  else if ((d >> W0_BITS) - (now >> W0_BITS) < W0)
    head = &w->w1[(d >> W0_BITS) & (W0 - 1)];
  else
    head = &w->far;
  w->s[i].next = *head;
  *head = i;
}

/* At now, a multiple of W0: bring level 1's bucket (and, every W0 of
 * those, the far list) down. */
static void wheel_cascade(eworker *w, uint64_t now) {
  if (((now >> W0_BITS) & (W0 - 1)) == 0) {
    uint32_t i = w->far;
    w->far = NONE32;
    while (i != NONE32) {
      uint32_t nx = w->s[i].next;
      wheel_put(w, i, now);
      i = nx;
    }
  }
  uint32_t *b = &w->w1[(now >> W0_BITS) & (W0 - 1)];
  uint32_t i = *b;
  *b = NONE32;
  while (i != NONE32) {
    uint32_t nx = w->s[i].next;
    wheel_put(w, i, now);
    i = nx;
  }
}

/* ---------------------------------------------------------------------------
 * Record mode: the stream as trace events
 * ------------------------------------------------------------------------- */
static int ev_add(eworker *w, uint8_t op, uint64_t size, uint64_t arg, uint32_t rel,
                  uint32_t born) {
  if (w->nev == w->evcap) {
    size_t cap = w->evcap ? w->evcap * 2 : 1 << 16;
    mmb_trace_ev *g = realloc(w->ev, cap * sizeof *g);
    if (!g) return -1;
    w->ev = g;
    w->evcap = cap;
  }
  w->ev[w->nev] = (mmb_trace_ev){.key = w->nev,
                                 .key2 = w->nev,
                                 .size = size,
                                 .arg = arg,
                                 .op = op,
                                 .rel = rel,
                                 .born = born,
                                 .ptr = born == NONE32 ? 0 : (uint64_t)born * 16 + 16};
  w->nev++;
  return 0;
}

/* ---------------------------------------------------------------------------
 * The generator (rec: record events instead of calling the allocator)
 * ------------------------------------------------------------------------- */
static inline unsigned char *aligned_by_hand(unsigned char *base, uint64_t align) {
  return (unsigned char *)(((uintptr_t)base + align - 1) & ~(uintptr_t)(align - 1));
}

/* Check and free block i of w (its tag into *sum). 0, or -1 on a fault. */
static inline int block_free(const mmb_allocator *a, int touch, eworker *w, unsigned char *p,
                             uint64_t size, uint64_t tag, uint32_t off, uint64_t *sum) {
  if (!off) return blk_free(touch, a, 0, &w->f, sum, p, size, tag);
  if (!blk_intact(touch, p, size, tag)) {
    fault_set(&w->f, F_PATTERN, tag, size);
    return -1;
  }
  *sum = blk_sum(*sum, tag, size);
  a->free(p - off, size + off);
  return 0;
}

/* Free what the inbox holds. */
static inline int drain(const mmb_allocator *a, int touch, eworker *w, uint64_t *sum) {
  uint64_t h = atomic_load_explicit(&w->ring_head, memory_order_relaxed),
           t = atomic_load_explicit(&w->ring_tail, memory_order_acquire);
  for (; h != t; h++) {
    hand *x = &w->ring[h & (RING - 1)];
    if (block_free(a, touch, w, x->p, x->size, x->tag, x->off, sum) != 0) return -1;
  }
  atomic_store_explicit(&w->ring_head, h, memory_order_release);
  return 0;
}

/* Birth i's class, drawn with its phase's class shares (*e), and its size:
 * one of the class's commonest sizes, or uniform in the class. */
static inline __attribute__((always_inline)) uint64_t birth_size(const estate *st, mmb_rng *r,
                                                                 int phase, const eclass **e) {
  int c = (int)mmb_sizedist_draw(&st->phase_cls[phase], r) - 1;
  const eclass *k = &st->cls[c];
  *e = k;
  size_t si = mmb_sizedist_draw(&k->sizes, r);
  return si <= MMB_MODEL_NSIZES ? k->exact[si - 1] : k->lo + mmb_rng_below(r, k->span);
}

/* A realloc of the block waiting for one, when its class lists ratios: one
 * of them dealt out evenly (even_draw.h), its size the old block's times it
 * and *e the class of that size. 0 when the ratio is none of those listed
 * (or makes a block of no class the stream draws): the size is drawn. */
static inline __attribute__((always_inline)) uint64_t resized(const estate *st, eworker *w,
                                                              const eclass **e) {
  uint64_t old = w->s[w->pend_head].size;
  int c = st->cmap[mmb_model_class_of(old)];
  const eclass *k = c >= 0 ? &st->cls[c] : NULL;
  if (!k || !k->nr) return 0;
  int j = mmb_even_pick(k->rsh, k->nr + 1, w->reven[c], &w->reven[c][EVEN_R - 1]);
  uint64_t size = j < k->nr ? resized_size(old, k->ratio[j]) : 0;
  int t = size ? st->rcls[mmb_model_class_of(size)] : -1;
  if (t < 0) return 0;
  *e = &st->cls[t];
  return size;
}

/* A birth by realloc of the block waiting for one (taken off the pending
 * list; its slot becomes the new block's): *pp the new block. 0, or -1 on a
 * fault (or a full event log). */
static inline __attribute__((always_inline)) int
birth_realloc(const mmb_allocator *a, int touch, eworker *w, int realloc_ok, uint64_t size,
              uint64_t tag, uint64_t *sum, uint64_t *live, unsigned char **pp, const int rec) {
  uint32_t old = w->pend_head;
  w->pend_head = w->s[old].next;
  eslot *o = &w->s[old];
  *live -= o->size;
  if (rec) {
    if (ev_add(w, MMB_TOP_REALLOC, size, 0, old, old) != 0) return -1;
    *pp = (unsigned char *)1;
    return 0;
  }
  if (!blk_intact(touch, o->p, o->size, o->tag)) {
    fault_set(&w->f, F_PATTERN, o->tag, o->size);
    return -1;
  }
  *sum = blk_sum(*sum, o->tag, o->size);
  uint64_t keep = o->size < size ? o->size : size, head = 0;
  memcpy(&head, o->p, keep < 8 ? (size_t)keep : 8);
  unsigned char *p;
  if (!realloc_ok || o->off) {
    p = a->malloc(size);
    if (p) {
      memcpy(p, o->p, keep < 8 ? (size_t)keep : 8);
      a->free(o->p - o->off, o->size + o->off);
    }
  } else {
    p = a->realloc(o->p, o->size, size);
  }
  if (!p) {
    fault_set(&w->f, F_REALLOC_NULL, tag, size);
    o->p = NULL;
    return -1;
  }
  uint64_t now = 0;
  memcpy(&now, p, keep < 8 ? (size_t)keep : 8);
  if (touch != MMB_TOUCH_NONE && now != head) {
    fault_set(&w->f, F_PATTERN, o->tag, o->size);
    o->p = NULL;
    return -1;
  }
  *pp = p;
  return 0;
}

/* A fresh block of slot id from the allocator, born as kind: *pp the block,
 * *offp its distance from what to free (aligned by hand). 0, or -1 on a
 * fault (a refused or misaligned block leaves the slot free). */
static inline __attribute__((always_inline)) int
block_new(const mmb_allocator *a, int touch, eworker *w, int kind, uint64_t align, int aligned_ok,
          uint64_t size, uint64_t tag, uint32_t id, unsigned char **pp, uint32_t *offp) {
  unsigned char *p = NULL;
  uint32_t off = 0;
  if (kind == K_CALLOC) {
    p = a->calloc ? a->calloc(1, size) : a->malloc(size);
    if (p && !a->calloc) memset(p, 0, size);
    if (p && touch != MMB_TOUCH_NONE) {
      uint64_t z = 0;
      memcpy(&z, p, size < 8 ? (size_t)size : 8);
      if (z) {
        fault_set(&w->f, F_PATTERN, tag, size);
        return -1;
      }
    }
  } else if (kind == K_ALIGNED && align > 8) {
    if (aligned_ok) {
      p = a->aligned_alloc(align, size);
    } else {
      unsigned char *base = a->malloc(size + align); /* off >= 1: freed with its size */
      p = base ? aligned_by_hand(base + 1, align) : NULL;
      off = (uint32_t)(p - base);
    }
    if (p && ((uintptr_t)p & (align - 1))) {
      w->misaligned_align = align;
      a->free(p - off, size + off); /* a valid block, only misplaced */
      slot_release(w, id);
      return -1;
    }
  } else {
    p = a->malloc(size);
  }
  if (!p) {
    fault_set(&w->f, F_NULL, tag, size);
    slot_release(w, id);
    return -1;
  }
  *pp = p;
  *offp = off;
  return 0;
}

/* A fresh birth: calloc, an aligned call (with an alignment drawn from the
 * model's) or malloc, drawn with the class's shares, into a new slot *idp
 * (*pp the block, *offp as block_new's). 0, or -1 on a fault (or a full
 * event log). */
static inline __attribute__((always_inline)) int
birth_fresh(const estate *st, const mmb_allocator *a, int touch, eworker *w, const eclass *e,
            mmb_rng *r, int aligned_ok, uint64_t size, uint64_t tag, uint32_t *idp,
            unsigned char **pp, uint32_t *offp, const int rec) {
  uint64_t u = mmb_rng_next(r);
  int kind = u < e->p_calloc ? K_CALLOC : u - e->p_calloc < e->p_aligned ? K_ALIGNED : K_MALLOC;
  uint64_t align = 1;
  if (kind == K_ALIGNED)
    align = st->m.naligns ? st->m.align[mmb_sizedist_draw(&st->aligns, r) - 1] : 16;
  uint32_t id = slot_new(w);
  if (id == NONE32) {
    fault_set(&w->f, F_NULL, tag, 0);
    return -1;
  }
  *idp = id;
  if (rec) {
    uint8_t op = kind == K_CALLOC    ? MMB_TOP_CALLOC
                 : kind == K_ALIGNED ? MMB_TOP_ALIGNED
                                     : MMB_TOP_MALLOC;
    if (ev_add(w, op, size, align, NONE32, id) != 0) return -1;
    *pp = (unsigned char *)1;
    return 0;
  }
  return block_new(a, touch, w, kind, align, aligned_ok, size, tag, id, pp, offp);
}

/* When a block born at i dies: never, after the last birth (n), or after a
 * lifetime drawn from its class's for the phase, stretched. */
static inline __attribute__((always_inline)) uint64_t death_of(const eclass *e, mmb_rng *r,
                                                               int phase, uint64_t i, uint64_t n,
                                                               double stretch, uint32_t *even) {
  double u = (double)(mmb_rng_next(r) >> 11) * 0x1.0p-53;
  if (u < e->never[phase]) return NEVER;
  if (u < e->never[phase] + e->end[phase]) return n; /* freed after the last birth */
  double l;
  int nl = e->nl[phase];
  if (nl) { /* exact lifetimes dealt out evenly; the others drawn */
    int j = mmb_even_pick(e->lsh[phase], nl + 1, even, &even[EVEN_N - 1]);
    l = j < nl ? e->lv[phase][j]
               : mmb_model_quantile(e->rest[phase], (double)(mmb_rng_next(r) >> 11) * 0x1.0p-53);
  } else {
    l = mmb_model_quantile(e->life[phase], (double)(mmb_rng_next(r) >> 11) * 0x1.0p-53);
  }
  return i + (uint64_t)(l * stretch + 0.5);
}

/* When a listed birth replayed at i dies: never, after the last birth, or
 * after its lifetime, stretched. */
static inline uint64_t listed_death(const esched *x, uint64_t i, uint64_t n, double stretch) {
  if (x->life == MMB_MODEL_LIFE_NEVER) return NEVER;
  if (x->life == MMB_MODEL_LIFE_END) return n;
  uint64_t d = i + (uint64_t)((double)x->life * stretch + 0.5);
  return d < n ? d : n - 1;
}

/* How a block (reborn: born by a realloc) ends (END_*): by a realloc, by
 * the next worker's free (when there is one), or by a free. */
static inline __attribute__((always_inline)) uint8_t end_of(const eclass *e, mmb_rng *r,
                                                            int handoff, int reborn) {
  uint64_t v = mmb_rng_next(r);
  return v < e->p_realloc_end[reborn]                           ? END_REALLOC
         : handoff && (v * 0x9e3779b97f4a7c15ull) < e->p_remote ? END_REMOTE
                                                                : END_FREE;
}

/* File slot id (s), born at i, by its death: in the bucket for i (the
 * deaths due now), in the wheel, or nowhere (after the last birth, or
 * never). */
static inline __attribute__((always_inline)) void file_death(eworker *w, eslot *s, uint32_t id,
                                                             uint64_t i, uint64_t n) {
  if (s->death == i) { /* dies right away: the wheel's bucket for now is below */
    s->next = w->w0[i & (W0 - 1)];
    w->w0[i & (W0 - 1)] = id;
  } else if (s->death < n) {
    wheel_put(w, id, i);
  }
}

/* Queue slot d to be reallocated by the coming births (one each): the
 * shortest lifetime first (then in order of death), so that when several
 * blocks end by realloc at one birth the longest-lived are the ones whose
 * realloc comes a birth or two late, and a short lifetime stays exact. */
static inline __attribute__((always_inline)) void pend_push(eworker *w, uint32_t d) {
  uint32_t life = w->s[d].life, *at = &w->pend_head;
  while (*at != NONE32 && w->s[*at].life <= life) at = &w->s[*at].next;
  w->s[d].next = *at;
  *at = d;
}

/* Hand block x to worker next to free, when its inbox has room. 1 if handed. */
static inline __attribute__((always_inline)) int hand_over(eworker *w, eworker *next,
                                                           const eslot *x) {
  uint64_t h = atomic_load_explicit(&next->ring_head, memory_order_acquire),
           t = atomic_load_explicit(&next->ring_tail, memory_order_relaxed);
  if (t - h >= RING) return 0;
  next->ring[t & (RING - 1)] = (hand){x->p, x->tag, x->size, x->off, 0};
  atomic_store_explicit(&next->ring_tail, t + 1, memory_order_release);
  w->handed++;
  return 1;
}

/* The deaths due at birth i: each block freed (or handed to the next
 * worker, or queued for a realloc). 0, or -1 on a fault (or a full event
 * log). */
static inline __attribute__((always_inline)) int deaths_due(const mmb_allocator *a, int touch,
                                                            eworker *w, eworker *next, uint64_t i,
                                                            uint64_t *sum, uint64_t *live,
                                                            const int rec) {
  uint32_t *bucket = &w->w0[i & (W0 - 1)];
  uint32_t d = *bucket;
  *bucket = NONE32;
  while (d != NONE32) {
    eslot *x = &w->s[d];
    uint32_t nx = x->next;
    if (x->end == END_REALLOC) {
      pend_push(w, d);
    } else {
      *live -= x->size;
      if (rec) {
        if (ev_add(w, MMB_TOP_FREE, 0, 0, d, NONE32) != 0) return -1;
      } else if (!(x->end == END_REMOTE && hand_over(w, next, x)) &&
                 block_free(a, touch, w, x->p, x->size, x->tag, x->off, sum) != 0) {
        return -1;
      }
      slot_release(w, d);
    }
    d = nx;
  }
  return 0;
}

/* After the last birth: every block that is to be freed (a program's frees
 * at exit). */
static inline __attribute__((always_inline)) void frees_at_exit(const mmb_allocator *a, int touch,
                                                                eworker *w, uint64_t *sum,
                                                                uint64_t *live, const int rec) {
  for (size_t k = 0; k < w->ns; k++) {
    eslot *x = &w->s[k];
    if (!x->p || x->death == NEVER) continue;
    *live -= x->size;
    if (rec) {
      if (ev_add(w, MMB_TOP_FREE, 0, 0, (uint32_t)k, NONE32) != 0) return;
    } else if (block_free(a, touch, w, x->p, x->size, x->tag, x->off, sum) != 0) {
      return;
    }
    x->p = NULL;
  }
}

static inline __attribute__((always_inline)) uint64_t
gen_run(estate *st, const mmb_allocator *a, int touch, uint64_t seed, int tid, const int rec) {
  eworker *w = &st->w[tid];
  eworker *next = &st->w[(tid + 1) % st->threads];
  const int handoff = st->threads > 1;
  const uint64_t n = w->n;
  const double stretch = (double)n / (double)st->m.allocations;
  const int aligned_ok = a && a->aligned_alloc && (a->caps & MMB_CAP_ALIGNED);
  const int realloc_ok = a && a->realloc && (a->caps & MMB_CAP_REALLOC);
  uint64_t sum = 0, live = 0, peak = 0, i;
  mmb_rng r;
  mmb_rng_seed(&r, seed, (uint64_t)tid + 0x5eed);
  for (i = 0; i < n; i++) {
    if (i && (i & (W0 - 1)) == 0) wheel_cascade(w, i);
    if (!rec && handoff && drain(a, touch, w, &sum) != 0) break;
    /* the birth */
    int phase = (int)(i * MMB_MODEL_PHASES / n);
    const eclass *e;
    const esched *x = NULL; /* a listed birth due: replayed instead of drawn */
    if (w->sched < st->nsched && (uint64_t)((double)st->sched[w->sched].at * stretch) <= i) {
      x = &st->sched[w->sched];
      w->sched += (size_t)st->threads;
    }
    uint64_t size = x ? x->size : w->pend_head != NONE32 ? resized(st, w, &e) : 0;
    if (x)
      e = &st->cls[x->cls];
    else if (!size)
      size = birth_size(st, &r, phase, &e);
    uint64_t tag = TAG(tid, i);
    uint32_t id = w->pend_head, off = 0;
    unsigned char *p = NULL;
    const int reborn = id != NONE32;
    if (reborn) { /* a realloc of the block waiting for one */
      if (birth_realloc(a, touch, w, realloc_ok, size, tag, &sum, &live, &p, rec) != 0) break;
    } else if (birth_fresh(st, a, touch, w, e, &r, aligned_ok, size, tag, &id, &p, &off, rec) !=
               0) {
      break;
    }
    if (!rec) blk_touch(touch, p, size, tag);
    live += size;
    if (live > peak) peak = live;
    /* its lifetime and its end */
    eslot *s = &w->s[id];
    *s = (eslot){.p = p, .tag = tag, .size = size, .off = off, .next = NONE32};
    s->death =
        x ? listed_death(x, i, n, stretch)
          : death_of(e, &r, phase, i, n, stretch,
                     &w->even[((size_t)(e - st->cls) * MMB_MODEL_PHASES + (size_t)phase) * EVEN_N]);
    s->life = s->death - i < UINT32_MAX ? (uint32_t)(s->death - i) : UINT32_MAX;
    s->end = end_of(e, &r, handoff, reborn);
    file_death(w, s, id, i, n);
    /* the deaths due now (a fault leaves i < n: no frees at exit) */
    if (deaths_due(a, touch, w, next, i, &sum, &live, rec) != 0) break;
  }
  if (i == n) frees_at_exit(a, touch, w, &sum, &live, rec);
  if (!rec && handoff) drain(a, touch, w, &sum);
  w->sum = sum;
  w->live = live;
  w->peak = peak;
  w->done = i;
  return i;
}

/* ---------------------------------------------------------------------------
 * Setup, run, verify, teardown
 * ------------------------------------------------------------------------- */
int mmb_empirical_model_path(const char *name, char *out, size_t len) {
  return mmb_recorded_path(name, ".model", out, len);
}

static void em_teardown(mmb_ctx *ctx);

/* Workers, their slots, wheels and inboxes; shares of n by the model's
 * per-thread births when the thread counts agree. 0, or -1 with err. */
static int workers(estate *st, int threads, uint64_t n, char *err, size_t errlen) {
  st->threads = threads;
  /* C11 aligned_alloc wants a size that is a multiple of the alignment
   * (Scudo enforces it) */
  size_t wbytes = (sizeof(eworker) * (size_t)threads + 127) & ~(size_t)127;
  st->w = aligned_alloc(128, wbytes);
  if (!st->w) goto nomem;
  memset(st->w, 0, wbytes);
  if (!n) n = st->m.allocations;
  uint64_t tot = 0;
  for (int t = 0; t < st->m.nthreads; t++) tot += st->m.th[t].allocs;
  uint64_t given = 0;
  for (int t = 0; t < threads; t++) {
    eworker *w = &st->w[t];
    if (threads == st->m.nthreads && tot)
      w->n = t == threads - 1 ? n - given
                              : (uint64_t)((double)n * (double)st->m.th[t].allocs / (double)tot);
    else
      w->n = share(n, threads, t);
    given += w->n;
    w->freelist = w->far = w->pend_head = NONE32;
    w->sched = (size_t)t;
    w->w0 = book_map(W0 * sizeof *w->w0);
    w->w1 = book_map(W0 * sizeof *w->w1);
    w->ring = book_map(RING * sizeof *w->ring);
    w->even = book_map(EVEN_BYTES); /* zeros */
    if (!w->w0 || !w->w1 || !w->ring || !w->even) goto nomem;
    memset(w->w0, 0xff, W0 * sizeof *w->w0);
    memset(w->w1, 0xff, W0 * sizeof *w->w1);
    /* room for the live blocks the model expects, so the run seldom grows it */
    double want = (double)st->m.peak_live_blocks * (double)w->n / (double)st->m.allocations;
    while (w->cap < (size_t)(want * 1.25) + 1024)
      if (slots_grow(w) != 0) goto nomem;
  }
  return 0;
nomem:
  snprintf(err, errlen, "cannot map the generator's bookkeeping");
  return -1;
}

static void workers_free(estate *st) {
  for (int t = 0; st->w && t < st->threads; t++) {
    eworker *w = &st->w[t];
    book_unmap(w->s, w->s_bytes);
    book_unmap(w->w0, W0 * sizeof *w->w0);
    book_unmap(w->w1, W0 * sizeof *w->w1);
    book_unmap(w->ring, RING * sizeof *w->ring);
    book_unmap(w->even, EVEN_BYTES);
    free(w->ev);
  }
  free(st->w);
  st->w = NULL;
}

static int load_named(const char *name, mmb_model *m, int *missing, char *err, size_t errlen) {
  char path[4096];
  int named = mmb_empirical_model_path(name, path, sizeof path);
  *missing = named && access(path, F_OK) != 0;
  if (*missing) {
    snprintf(err, errlen,
             "model '%s' is not made yet (%s): scripts/record-traces makes it, make bench runs "
             "that",
             name, path);
    return -1;
  }
  return mmb_model_load(path, m, err, errlen);
}

static int em_check(const long long *p, char *const *s, char *msg, size_t len) {
  (void)p;
  if (!s[P_MODEL] || !*s[P_MODEL]) {
    snprintf(msg, len, "needs -p model=MODEL (make one: mmbench trace model TRACE -o MODEL)");
    return -1;
  }
  estate *st = calloc(1, sizeof *st);
  if (!st) return 0;
  int missing, rc = 0;
  if (load_named(s[P_MODEL], &st->m, &missing, msg, len) != 0)
    rc = missing ? 1 : -1;
  else if (tables(st, msg, len) != 0)
    rc = -1;
  estate_free(st);
  free(st);
  return rc;
}

static int em_threads(const long long *p, char *const *s) {
  (void)p;
  estate *st = calloc(1, sizeof *st);
  char err[600];
  int missing, n = 0;
  if (st && s[P_MODEL] && load_named(s[P_MODEL], &st->m, &missing, err, sizeof err) == 0)
    n = st->m.nthreads > MMB_MAX_THREADS ? MMB_MAX_THREADS : st->m.nthreads;
  free(st);
  return n;
}

static int em_setup(mmb_ctx *ctx) {
  estate *st = calloc(1, sizeof *st);
  if (!st) return -1;
  ctx->state = st;
  int missing;
  const char *name = ctx->str[P_MODEL] ? ctx->str[P_MODEL] : "";
  if (load_named(name, &st->m, &missing, ctx->reason, sizeof ctx->reason) != 0 ||
      tables(st, ctx->reason, sizeof ctx->reason) != 0 ||
      workers(st, ctx->threads, (uint64_t)ctx->p[P_N], ctx->reason, sizeof ctx->reason) != 0)
    return -1;
  return 0;
}

static uint64_t em_run(mmb_ctx *ctx, int tid) {
  return gen_run(ctx->state, ctx->alloc, ctx->touch, ctx->seed, tid, 0);
}

static int em_verify(mmb_ctx *ctx) {
  estate *st = ctx->state;
  uint64_t h = 0, live = 0;
  for (int t = 0; t < st->threads; t++) {
    eworker *w = &st->w[t];
    /* a misplaced or refused block leaves the live ones valid (teardown
     * frees them); a changed pattern may mean a block handed out twice */
    if (w->misaligned_align) {
      snprintf(ctx->reason, sizeof ctx->reason,
               "worker %d: an allocation aligned to %llu bytes returned a misaligned pointer", t,
               (unsigned long long)w->misaligned_align);
      return -1;
    }
    if (fault_reason(&w->f, "worker", t, ctx->reason, sizeof ctx->reason)) {
      st->corrupt = w->f.kind != F_NULL;
      return -1;
    }
  }
  for (int t = 0; t < st->threads; t++) {
    eworker *w = &st->w[t];
    uint64_t sum = w->sum;
    if (drain(ctx->alloc, ctx->touch, w, &sum) != 0) { /* handed over after its worker ended */
      fault_reason(&w->f, "worker", t, ctx->reason, sizeof ctx->reason);
      st->corrupt = 1;
      return -1;
    }
    for (size_t i = 0; i < w->ns; i++) { /* live at the end */
      eslot *s = &w->s[i];
      if (!s->p) continue;
      if (!blk_intact(ctx->touch, s->p, s->size, s->tag)) {
        fault_set(&w->f, F_PATTERN, s->tag, s->size);
        fault_reason(&w->f, "worker", t, ctx->reason, sizeof ctx->reason);
        st->corrupt = 1;
        return -1;
      }
      sum = blk_sum(sum, s->tag, s->size);
    }
    h += sum;
    live += w->peak;
  }
  ctx->checksum = h;
  ctx->live_bytes = live;
  return 0;
}

static void em_teardown(mmb_ctx *ctx) {
  estate *st = ctx->state;
  if (!st) return;
  for (int t = 0; st->w && t < st->threads && !st->corrupt; t++) {
    eworker *w = &st->w[t];
    for (size_t i = 0; i < w->ns; i++)
      if (w->s[i].p) ctx->alloc->free(w->s[i].p - w->s[i].off, w->s[i].size + w->s[i].off);
  }
  workers_free(st);
  estate_free(st);
  free(st);
  ctx->state = NULL;
}

int mmb_empirical_trace(const mmb_model *m, uint64_t n, uint64_t seed, mmb_trace *t, char *err,
                        size_t errlen) {
  memset(t, 0, sizeof *t);
  estate *st = calloc(1, sizeof *st);
  if (!st) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  st->m = *m;
  int rc = -1;
  if (tables(st, err, errlen) != 0 || workers(st, 1, n, err, errlen) != 0) goto out;
  eworker *w = &st->w[0];
  gen_run(st, NULL, MMB_TOUCH_NONE, seed, 0, 1);
  if (w->done != w->n) {
    snprintf(err, errlen, "out of memory recording the stream");
    goto out;
  }
  t->th = calloc(1, sizeof *t->th);
  if (!t->th) goto out;
  t->nthreads = 1;
  t->th[0].calls = w->nev;
  t->ev = w->ev;
  t->nev = w->nev;
  w->ev = NULL;
  t->nblocks = (uint32_t)w->ns;
  t->version = MMB_TRACE_VERSION;
  t->images = 1;
  rc = 0;
out:
  workers_free(st);
  estate_free(st);
  free(st);
  return rc;
}

static const mmb_workload wl_empirical = {
    .name = "empirical",
    .family = "models",
    .description = "a seeded stream with a recorded program's size, lifetime, realloc, calloc, "
                   "alignment and cross-thread statistics (mmbench trace model)",
    .follows = "fleetbench's empirical driver (size and lifetime distributions)",
    .params = em_params,
    .needs = MMB_CAP_FREE,
    .min_threads = 1,
    .sweep = "model=lua-trees,sqlite,python,gcc",
    .flags = MMB_WF_FLOOR,
    .models = "model", /* a model is named after the program it was fitted to */
    .check = em_check,
    .threads_for = em_threads,
    .setup = em_setup,
    .run = em_run,
    .verify = em_verify,
    .teardown = em_teardown,
};

const mmb_workload *const mmb_family_models[] = {&wl_empirical, NULL};
