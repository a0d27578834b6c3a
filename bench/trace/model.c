/* mmbench — `mmbench trace model`: from a trace, the statistics the
 * empirical workload needs (workloads/recorded/model_format.h). One pass over the
 * events in their global order: a birth is an allocation that returned a
 * block (malloc, calloc, an aligned call, realloc(NULL, n), or a realloc
 * that moved or resized a live block), a death a free or a realloc of a
 * live block. Time is counted in births: a block born as birth k and
 * released after birth j lived j - k births (0 = released before the next
 * birth); "bytes meanwhile" are the bytes requested by the births between.
 * A block freed after the last birth (a program's frees at exit) counts in
 * its phase's `end` share, not in the lifetime quantiles. A class of at most
 * MMB_MODEL_RARE births has each listed as well (when, its size, its
 * lifetime), so the stream places them where the trace had them. A phase
 * whose lifetimes sit mostly on a few exact values has those listed with
 * their counts (exact_lives). A class whose blocks are reallocated has the
 * commonest ratios new size / old size of those reallocs listed with their
 * counts (resize_ratios). */
#include "model.h"

#include "empirical.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct life {
  uint64_t births; /* lifetime in births */
  uint64_t bytes;  /* bytes allocated meanwhile */
  uint8_t cls, phase;
} life;

typedef struct resize {
  double ratio; /* new size / old size */
  uint8_t cls;  /* the old block's class (the model's) */
} resize;

static int cmp_resize(const void *a, const void *b) {
  const resize *x = a, *y = b;
  if (x->cls != y->cls) return x->cls - y->cls;
  return (x->ratio > y->ratio) - (x->ratio < y->ratio);
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

static int cmp_life(const void *a, const void *b) {
  const life *x = a, *y = b;
  if (x->cls != y->cls) return x->cls - y->cls;
  if (x->phase != y->phase) return x->phase - y->phase;
  return (x->births > y->births) - (x->births < y->births);
}

/* Quantile table of v[0..n) (sorted), interpolated between ranks. */
static void qtable(const uint64_t *v, size_t n, double *q) {
  for (int i = 0; i < MMB_MODEL_NQ; i++) {
    if (!n) {
      q[i] = 0;
      continue;
    }
    double x = mmb_model_q[i] * (double)(n - 1);
    size_t lo = (size_t)x;
    size_t hi = lo + 1 < n ? lo + 1 : lo;
    q[i] = (double)v[lo] + (x - (double)lo) * ((double)v[hi] - (double)v[lo]);
  }
}

static double median(const uint64_t *v, size_t n) {
  if (!n) return 0;
  return n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2;
}

typedef struct blockinfo {
  uint64_t idx, bytes, size; /* birth number, bytes allocated after the birth, size */
  uint32_t thread;
  uint8_t live, phase, rare; /* rare: 0, or 1 + its entry in its class's rare list */
  uint8_t reborn;            /* born by a realloc of a live block */
} blockinfo;

/* The commonest exact sizes of every class, from the sorted birth sizes. */
static void top_sizes(mmb_model *m, const uint64_t *sz, size_t n, const int *map) {
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && sz[j] == sz[i]) j++;
    uint64_t cnt = j - i;
    mmb_model_class *k = &m->cls[map[mmb_model_class_of(sz[i])]];
    /* keep the NSIZES largest counts: replace the smallest kept when bigger */
    if (k->nsizes < MMB_MODEL_NSIZES) {
      k->size[k->nsizes] = sz[i];
      k->size_n[k->nsizes++] = cnt;
    } else {
      int low = 0;
      for (int s = 1; s < k->nsizes; s++)
        if (k->size_n[s] < k->size_n[low]) low = s;
      if (cnt > k->size_n[low]) k->size[low] = sz[i], k->size_n[low] = cnt;
    }
    i = j;
  }
  for (int c = 0; c < m->nclasses; c++) {
    mmb_model_class *k = &m->cls[c];
    uint64_t kept = 0;
    for (int s = 0; s < k->nsizes; s++) kept += k->size_n[s];
    k->other_n = k->allocs - kept;
    for (int a = 1; a < k->nsizes; a++) /* by size, for the reader */
      for (int b = a; b > 0 && k->size[b] < k->size[b - 1]; b--) {
        uint64_t t = k->size[b];
        k->size[b] = k->size[b - 1], k->size[b - 1] = t;
        t = k->size_n[b];
        k->size_n[b] = k->size_n[b - 1], k->size_n[b - 1] = t;
      }
  }
}

static int is_birth(const mmb_trace_ev *e) {
  return e->born != MMB_TB_NONE && (e->op == MMB_TOP_MALLOC || e->op == MMB_TOP_CALLOC ||
                                    e->op == MMB_TOP_ALIGNED || e->op == MMB_TOP_REALLOC);
}

/* The one pass over the events: what it reads and writes, what it has
 * counted so far. */
typedef struct pass {
  mmb_model *m;
  const int *map;                      /* size class -> the model's class */
  const uint8_t *listed;               /* per model class: births listed (rare) */
  blockinfo *b;                        /* per block */
  life *lv;                            /* the lifetimes ended before the last birth */
  resize *rs;                          /* the reallocs of live blocks */
  uint64_t *sz;                        /* every birth's size */
  uint64_t (*atend)[MMB_MODEL_PHASES]; /* per size class and phase: freed after the last birth */
  uint64_t total;                      /* births in the trace */
  uint64_t births, bytes, live, nlive; /* so far: births, their bytes, live bytes and blocks */
  uint64_t nlife;                      /* entries of lv */
  uint64_t nresize;                    /* entries of rs */
  int seg;                             /* live-heap profile segment */
  uint64_t seg_peak, seg_peak_blocks;  /* the segment's peak so far */
} pass;

/* The classes in use, in size order, into m (map: size class -> the
 * model's class, -1 unused; listed: the model's classes whose births are
 * few enough to list). */
static void map_classes(const mmb_trace *t, mmb_model *m, int *map, uint8_t *listed) {
  uint64_t used[MMB_MODEL_MAX_CLASSES] = {0};
  for (size_t i = 0; i < t->nev; i++)
    if (is_birth(&t->ev[i])) used[mmb_model_class_of(t->ev[i].size ? t->ev[i].size : 1)]++;
  for (int c = 0; c < MMB_MODEL_MAX_CLASSES; c++) {
    map[c] = -1;
    if (!used[c]) continue;
    mmb_model_class *k = &m->cls[m->nclasses];
    k->lo = c ? 1ull << (c - 1) : 0;
    k->hi = c ? (1ull << c) - 1 : 0;
    if (k->hi > MMB_MODEL_MAX_SIZE) k->hi = MMB_MODEL_MAX_SIZE;
    listed[m->nclasses] = used[c] <= MMB_MODEL_RARE;
    map[c] = m->nclasses++;
  }
}

/* Trace thread th's counts, numbered in order of first call (thmap), or
 * NULL past MMB_MODEL_MAX_THREADS. */
static mmb_model_thread *thread_of(mmb_model *m, uint32_t *thmap, uint32_t th) {
  if (thmap[th] == UINT32_MAX && m->nthreads < MMB_MODEL_MAX_THREADS)
    thmap[th] = (uint32_t)m->nthreads++;
  return thmap[th] == UINT32_MAX ? NULL : &m->th[thmap[th]];
}

/* Live block e->rel ends (freed, or by the realloc that makes e's block
 * when born): its lifetime, or its end share after the last birth. */
static void release(pass *ps, const mmb_trace_ev *e, mmb_model_thread *mt, int born) {
  mmb_model *m = ps->m;
  blockinfo *x = &ps->b[e->rel];
  int c = ps->map[mmb_model_class_of(x->size ? x->size : 1)];
  mmb_model_class *k = &m->cls[c];
  int by_realloc = e->op == MMB_TOP_REALLOC && born;
  if (x->rare)
    k->rare[x->rare - 1].life =
        ps->births == ps->total ? MMB_MODEL_LIFE_END : ps->births - 1 - x->idx;
  if (ps->births == ps->total) /* after the last birth: the program's final frees */
    ps->atend[mmb_model_class_of(x->size)][x->phase]++;
  else
    ps->lv[ps->nlife++] =
        (life){ps->births - 1 - x->idx, ps->bytes - x->bytes, (uint8_t)c, x->phase};
  k->reborn_ends += x->reborn;
  if (by_realloc) {
    k->chained += x->reborn;
    k->realloc_out++;
    ps->rs[ps->nresize++] =
        (resize){(double)(e->size ? e->size : 1) / (double)(x->size ? x->size : 1), (uint8_t)c};
  } else {
    k->frees++;
    m->frees++;
    if (mt) mt->frees++;
    if (x->thread != e->thread) {
      k->remote++;
      m->remote++;
      if (mt) mt->remote++;
    }
  }
  x->live = 0;
  ps->live -= x->size;
  ps->nlive--;
}

/* An aligned call's alignment (valloc, pvalloc: a page) among the model's. */
static void note_align(mmb_model *m, const mmb_trace_ev *e) {
  uint64_t a = e->arg < 1 ? 1 : e->arg;
  if (e->variant == MMB_TAL_VALLOC || e->variant == MMB_TAL_PVALLOC) a = 4096;
  int j = 0;
  while (j < m->naligns && m->align[j] != a) j++;
  if (j == m->naligns && m->naligns < MMB_MODEL_MAX_ALIGNS) m->align[m->naligns++] = a;
  if (j < m->naligns) m->align_n[j]++;
}

/* The peaks after a birth: the run's, and the live-heap profile's segment
 * (closed when the birth ends it). */
static void note_peaks(pass *ps) {
  mmb_model *m = ps->m;
  if (ps->live > m->peak_live_bytes) m->peak_live_bytes = ps->live, m->peak_live_blocks = ps->nlive;
  if (ps->live > ps->seg_peak) ps->seg_peak = ps->live, ps->seg_peak_blocks = ps->nlive;
  if (ps->births * MMB_MODEL_NPROFILE >= ps->total * (uint64_t)(ps->seg + 1)) {
    m->prof_at[ps->seg] = ps->births;
    m->prof_bytes[ps->seg] = ps->seg_peak;
    m->prof_blocks[ps->seg] = ps->seg_peak_blocks;
    ps->seg++;
    ps->seg_peak = ps->live, ps->seg_peak_blocks = ps->nlive;
  }
}

/* Block e->born is born: its class's and thread's counts, how it was
 * made, the peaks. */
static void birth(pass *ps, const mmb_trace_ev *e, mmb_model_thread *mt) {
  mmb_model *m = ps->m;
  blockinfo *x = &ps->b[e->born];
  if (x->live) { /* handed out again while live: its free was not recorded */
    ps->live -= x->size;
    ps->nlive--;
  }
  uint64_t size = e->size ? e->size : 1;
  int c = ps->map[mmb_model_class_of(size)];
  mmb_model_class *k = &m->cls[c];
  int phase = (int)(ps->births * MMB_MODEL_PHASES / ps->total);
  ps->sz[ps->births] = size;
  *x = (blockinfo){
      .idx = ps->births, .size = size, .thread = e->thread, .live = 1, .phase = (uint8_t)phase};
  if (ps->listed[c] && k->nrare < MMB_MODEL_RARE) { /* a class of few births: listed */
    k->rare[k->nrare] = (mmb_model_rare){ps->births, size, MMB_MODEL_LIFE_NEVER};
    x->rare = (uint8_t)++k->nrare;
  }
  ps->births++;
  ps->bytes += size;
  x->bytes = ps->bytes;
  ps->live += size;
  ps->nlive++;
  k->allocs++;
  k->bytes += size;
  k->ph[phase].allocs++;
  if (mt) mt->allocs++;
  if (e->op == MMB_TOP_CALLOC) k->calloc_n++, m->calloc_n++;
  if (e->op == MMB_TOP_REALLOC && e->rel != MMB_TB_NONE)
    k->realloc_n++, m->realloc_n++, x->reborn = 1;
  if (e->op == MMB_TOP_ALIGNED) {
    k->aligned_n++, m->aligned_n++;
    note_align(m, e);
  }
  note_peaks(ps);
}

/* A phase's freed lifetimes v[0..n) (sorted): when at most MMB_MODEL_NLIVES
 * exact values, each of at least 1 % of them, hold two thirds of them or more,
 * those values and counts into ph, and the others' quantiles (v is
 * compacted to them). A phase whose lifetimes spread keeps nlives 0. */
static void exact_lives(mmb_model_phase *ph, uint64_t *v, size_t n) {
  uint64_t val[MMB_MODEL_NLIVES] = {0}, cnt[MMB_MODEL_NLIVES] = {0};
  int k = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && v[j] == v[i]) j++;
    uint64_t c = j - i;
    if (c * 100 >= n && c >= 2) {
      if (k < MMB_MODEL_NLIVES) {
        val[k] = v[i], cnt[k++] = c;
      } else {
        int low = 0;
        for (int s = 1; s < k; s++)
          if (cnt[s] < cnt[low]) low = s;
        if (c > cnt[low]) val[low] = v[i], cnt[low] = c;
      }
    }
    i = j;
  }
  uint64_t kept = 0;
  for (int s = 0; s < k; s++) kept += cnt[s];
  if (!k || kept * 3 < n * 2) return;
  for (int a = 1; a < k; a++) /* going up */
    for (int b = a; b > 0 && val[b] < val[b - 1]; b--) {
      uint64_t t = val[b];
      val[b] = val[b - 1], val[b - 1] = t;
      t = cnt[b];
      cnt[b] = cnt[b - 1], cnt[b - 1] = t;
    }
  ph->nlives = k;
  memcpy(ph->lives, val, sizeof val);
  memcpy(ph->lives_n, cnt, sizeof cnt);
  ph->lives_other = n - kept;
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    int listed = 0;
    for (int s = 0; s < k; s++) listed |= v[i] == val[s];
    if (!listed) v[m++] = v[i];
  }
  qtable(v, m, ph->rest);
}

/* The reallocs rs[0..n) (sorted here): per class of the old block, the
 * ratios new size / old size that each hold at least 1 % of the class's
 * reallocs (and two), at most MMB_MODEL_NRATIOS of them (the commonest),
 * going up, with their counts; the count of the others. */
static void resize_ratios(mmb_model *m, resize *rs, size_t n) {
  qsort(rs, n, sizeof *rs, cmp_resize);
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && rs[j].cls == rs[i].cls) j++;
    mmb_model_class *k = &m->cls[rs[i].cls];
    uint64_t all = j - i, kept = 0;
    for (size_t a = i; a < j;) {
      size_t b = a;
      while (b < j && rs[b].ratio == rs[a].ratio) b++;
      uint64_t c = b - a;
      if (c * 100 >= all && c >= 2) {
        if (k->nratios < MMB_MODEL_NRATIOS) {
          k->ratio[k->nratios] = rs[a].ratio, k->ratio_n[k->nratios++] = c;
        } else {
          int low = 0;
          for (int s = 1; s < k->nratios; s++)
            if (k->ratio_n[s] < k->ratio_n[low]) low = s;
          if (c > k->ratio_n[low]) k->ratio[low] = rs[a].ratio, k->ratio_n[low] = c;
        }
      }
      a = b;
    }
    for (int a = 1; a < k->nratios; a++) /* going up */
      for (int b = a; b > 0 && k->ratio[b] < k->ratio[b - 1]; b--) {
        double t = k->ratio[b];
        k->ratio[b] = k->ratio[b - 1], k->ratio[b - 1] = t;
        uint64_t u = k->ratio_n[b];
        k->ratio_n[b] = k->ratio_n[b - 1], k->ratio_n[b - 1] = u;
      }
    for (int s = 0; s < k->nratios; s++) kept += k->ratio_n[s];
    k->ratio_other = all - kept;
    i = j;
  }
}

/* Lifetimes (lv, sorted here; tmp: room for them): per class and phase in
 * births; per class in bytes. */
static void lifetimes(mmb_model *m, life *lv, size_t nlife, uint64_t *tmp) {
  qsort(lv, nlife, sizeof *lv, cmp_life);
  for (size_t i = 0; i < nlife;) {
    size_t j = i;
    while (j < nlife && lv[j].cls == lv[i].cls) j++;
    mmb_model_class *k = &m->cls[lv[i].cls];
    for (size_t x = i; x < j; x++) tmp[x - i] = lv[x].births;
    qsort(tmp, j - i, sizeof *tmp, cmp_u64);
    k->median_allocs = median(tmp, j - i);
    for (size_t x = i; x < j; x++) tmp[x - i] = lv[x].bytes;
    qsort(tmp, j - i, sizeof *tmp, cmp_u64);
    k->median_bytes = median(tmp, j - i);
    qtable(tmp, j - i, k->life_bytes);
    for (size_t p = i; p < j;) {
      size_t q = p;
      while (q < j && lv[q].phase == lv[p].phase) q++;
      for (size_t x = p; x < q; x++) tmp[x - p] = lv[x].births; /* sorted already */
      qtable(tmp, q - p, k->ph[lv[p].phase].life);
      exact_lives(&k->ph[lv[p].phase], tmp, q - p);
      p = q;
    }
    i = j;
  }
}

/* The blocks live at the end (b[0..nb)) and those freed after the last
 * birth (atend): per class and phase, shares of the phase's births. */
static void end_shares(mmb_model *m, const int *map, const blockinfo *b, size_t nb,
                       uint64_t (*atend)[MMB_MODEL_PHASES]) {
  uint64_t never[MMB_MODEL_MAX_CLASSES][MMB_MODEL_PHASES];
  memset(never, 0, sizeof never);
  for (size_t i = 0; i < nb; i++)
    if (b[i].live) {
      never[mmb_model_class_of(b[i].size)][b[i].phase]++;
      m->live_at_end++;
    }
  for (int c = 0; c < MMB_MODEL_MAX_CLASSES; c++)
    for (int p = 0; c >= 0 && map[c] >= 0 && p < MMB_MODEL_PHASES; p++) {
      mmb_model_phase *ph = &m->cls[map[c]].ph[p];
      ph->never = ph->allocs ? (double)never[c][p] / (double)ph->allocs : 0;
      ph->end = ph->allocs ? (double)atend[c][p] / (double)ph->allocs : 0;
    }
}

int mmb_model_build(const mmb_trace *t, const char *source, mmb_model *m, char *err,
                    size_t errlen) {
  memset(m, 0, sizeof *m);
  m->version = MMB_MODEL_VERSION;
  snprintf(m->source, sizeof m->source, "%s", source);
  uint64_t total = 0;
  for (size_t i = 0; i < t->nev; i++) total += is_birth(&t->ev[i]);
  if (!total) {
    snprintf(err, errlen,
             "%s: no allocation to model (%zu records, %u thread(s)): the program made no "
             "allocator call the recorder saw",
             source, t->nev, t->nthreads);
    return 1;
  }
  size_t nb = t->nblocks ? t->nblocks : 1;
  blockinfo *b = calloc(nb, sizeof *b);
  life *lv = malloc((size_t)total * sizeof *lv);
  resize *rs = malloc((size_t)total * sizeof *rs);
  uint64_t *sz = malloc((size_t)total * sizeof *sz), *tmp = malloc((size_t)total * sizeof *tmp);
  uint32_t *thmap = malloc(((size_t)t->nthreads + 1) * sizeof *thmap);
  int map[MMB_MODEL_MAX_CLASSES];
  uint64_t atend[MMB_MODEL_MAX_CLASSES][MMB_MODEL_PHASES];
  memset(atend, 0, sizeof atend);
  int rc = -1;
  if (!b || !lv || !rs || !sz || !tmp || !thmap) {
    snprintf(err, errlen, "%s: out of memory building the model", source);
    goto out;
  }
  /* classes in use, in size order; threads with calls, in order of first call */
  uint8_t listed[MMB_MODEL_MAX_CLASSES] = {0};
  map_classes(t, m, map, listed);
  for (uint32_t i = 0; i < t->nthreads; i++) thmap[i] = UINT32_MAX;
  pass ps = {.m = m,
             .map = map,
             .listed = listed,
             .b = b,
             .lv = lv,
             .rs = rs,
             .sz = sz,
             .atend = atend,
             .total = total};
  for (size_t i = 0; i < t->nev; i++) {
    const mmb_trace_ev *e = &t->ev[i];
    if (!mmb_trace_is_call(e) || e->op == MMB_TOP_USABLE) continue;
    mmb_model_thread *mt = thread_of(m, thmap, e->thread);
    int born = is_birth(e);
    /* the release first: a realloc ends the old block, then the new one is born */
    if (e->rel != MMB_TB_NONE && b[e->rel].live) release(&ps, e, mt, born);
    if (born) birth(&ps, e, mt);
  }
  m->nprofile = ps.seg;
  m->allocations = ps.births;
  m->allocated_bytes = ps.bytes;
  end_shares(m, map, b, nb, atend);
  lifetimes(m, lv, ps.nlife, tmp);
  resize_ratios(m, rs, (size_t)ps.nresize);
  for (int c = 0; c < m->nclasses; c++) m->cls[c].resized = m->cls[c].realloc_out > 0;
  qsort(sz, (size_t)ps.births, sizeof *sz, cmp_u64);
  top_sizes(m, sz, (size_t)ps.births, map);
  rc = 0;
out:
  free(b);
  free(lv);
  free(rs);
  free(sz);
  free(tmp);
  free(thmap);
  return rc;
}

/* ---------------------------------------------------------------------------
 * Fidelity: a model against the model of its stream
 * ------------------------------------------------------------------------- */
static const mmb_model_class *class_at(const mmb_model *m, uint64_t lo) {
  for (int c = 0; c < m->nclasses; c++)
    if (m->cls[c].lo == lo) return &m->cls[c];
  return NULL;
}

static double share(uint64_t a, uint64_t b) { return b ? (double)a / (double)b : 0; }

void mmb_model_compare(const mmb_model *ref, const mmb_model *got, mmb_model_fit *f) {
  memset(f, 0, sizeof *f);
  f->peak_ratio =
      ref->peak_live_bytes ? (double)got->peak_live_bytes / (double)ref->peak_live_bytes : NAN;
  double tv = 0;
  for (int c = 0; c < ref->nclasses; c++) {
    const mmb_model_class *k = &ref->cls[c], *g = class_at(got, k->lo);
    tv += fabs(share(k->allocs, ref->allocations) - share(g ? g->allocs : 0, got->allocations));
  }
  for (int c = 0; c < got->nclasses; c++)
    if (!class_at(ref, got->cls[c].lo)) tv += share(got->cls[c].allocs, got->allocations);
  f->tvd = tv / 2;
  for (int c = 0; c < ref->nclasses; c++) {
    const mmb_model_class *k = &ref->cls[c], *g = class_at(got, k->lo);
    f->gap[c] = NAN;
    if (!g || (double)k->allocs < 0.01 * (double)ref->allocations || k->frees + k->realloc_out < 20)
      continue;
    double a = k->median_allocs, b = g->median_allocs;
    double gap = a > 0 ? fabs(b / a - 1) : fabs(b - a); /* a median of 0: the difference */
    f->gap[c] = gap;
    f->classes_compared++;
    if (gap >= f->median_gap) f->median_gap = gap, f->median_gap_lo = k->lo;
  }
  f->realloc_share[0] = share(ref->realloc_n, ref->allocations);
  f->realloc_share[1] = share(got->realloc_n, got->allocations);
  f->calloc_share[0] = share(ref->calloc_n, ref->allocations);
  f->calloc_share[1] = share(got->calloc_n, got->allocations);
  f->aligned_share[0] = share(ref->aligned_n, ref->allocations);
  f->aligned_share[1] = share(got->aligned_n, got->allocations);
  uint64_t at[2] = {0, 0}, all[2] = {0, 0};
  for (int c = 0; c < ref->nclasses; c++) {
    const mmb_model_class *k = &ref->cls[c], *g = class_at(got, k->lo);
    all[0] += k->realloc_out;
    for (int i = 0; i < k->nratios; i++) {
      at[0] += k->ratio_n[i];
      for (int j = 0; g && j < g->nratios; j++)
        at[1] += g->ratio[j] == k->ratio[i] ? g->ratio_n[j] : 0;
    }
  }
  for (int c = 0; c < got->nclasses; c++) all[1] += got->cls[c].realloc_out;
  f->ratio_share[0] = share(at[0], all[0]);
  f->ratio_share[1] = share(at[1], all[1]);
}

int mmb_model_fit_check(const mmb_model *ref, uint64_t seed, mmb_model_fit *f, char *err,
                        size_t errlen) {
  mmb_trace t;
  if (mmb_empirical_trace(ref, 0, seed, &t, err, errlen) != 0) return -1;
  mmb_model *got = malloc(sizeof *got);
  int rc = -1;
  if (!got)
    snprintf(err, errlen, "out of memory");
  else if (mmb_model_build(&t, "stream", got, err, errlen) == 0)
    mmb_model_compare(ref, got, f), rc = 0;
  free(got);
  mmb_trace_free(&t);
  return rc;
}
