/* mmbench tests — allocation models and the empirical workload: a synthetic
 * trace made into a model, written and read back; the model's stream
 * (mmb_empirical_trace) made into a model again and compared within
 * tolerances (fidelity); the workload verified under glibc, the floor, an
 * allocator at other addresses and broken ones, at 1 and 2 threads; the
 * model reader's one-line errors with their line numbers; an empty trace
 * refused; the even draw of exact lifetimes, and a class whose lifetime
 * median sits on a knife edge (just over half of them one value) keeping
 * it in every stream; formats 1, 2 and 3 still read; reallocs that double
 * their block doubling it in the stream too, not drawing a size. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "empirical.h"
#include "even_draw.h"
#include "model.h"
#include "workload_test.h"

/* ---------------------------------------------------------------------------
 * A synthetic trace: three size classes with known lifetimes, reallocs,
 * callocs and aligned calls
 * ------------------------------------------------------------------------- */
#define NB 40000

static uint64_t rng_state = 12345;
static uint64_t rnd(void) {
  rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
  return rng_state >> 17;
}

typedef struct pend {
  uint64_t at;
  uint32_t block;
} pend;

static void ev(mmb_trace *t, uint8_t op, uint64_t size, uint64_t arg, uint32_t rel, uint32_t born) {
  mmb_trace_ev *e = &t->ev[t->nev];
  memset(e, 0, sizeof *e);
  e->key = e->key2 = t->nev;
  e->op = op;
  e->size = size;
  e->arg = arg;
  e->rel = rel;
  e->born = born;
  e->ptr = born == MMB_TB_NONE ? 0 : 16 + 16ull * born;
  t->nev++;
}

/* Births: 60 % 24 bytes living ~10 births, 30 % 48 bytes living ~1000, 10 %
 * 4000 bytes living ~200 or till the end; every 20th a calloc, every 50th
 * aligned to 64, every 10th death a realloc. */
static void make_trace(mmb_trace *t) {
  memset(t, 0, sizeof *t);
  t->ev = calloc(4 * NB, sizeof *t->ev);
  t->th = calloc(1, sizeof *t->th);
  t->nthreads = 1;
  t->version = MMB_TRACE_VERSION;
  uint64_t *death = calloc(NB * 2, sizeof *death);
  uint32_t *free_ids = calloc(NB * 2, sizeof *free_ids), nfree = 0, nextid = 0;
  uint64_t *sizes = calloc(NB * 2, sizeof *sizes);
  int *live = calloc(NB * 2, sizeof *live);
  uint32_t pending = MMB_TB_NONE;
  for (uint64_t i = 0; i < NB; i++) {
    uint64_t u = rnd() % 100, size, life;
    if (u < 60)
      size = 24, life = rnd() % 21;
    else if (u < 90)
      size = 48, life = 500 + rnd() % 1001;
    else
      size = 4000, life = rnd() % 4 == 0 ? UINT64_MAX : 100 + rnd() % 201;
    uint32_t id;
    if (pending != MMB_TB_NONE) {
      id = pending;
      ev(t, MMB_TOP_REALLOC, size, 0, pending, pending);
      pending = MMB_TB_NONE;
    } else {
      id = nfree ? free_ids[--nfree] : nextid++;
      if (i % 50 == 7)
        ev(t, MMB_TOP_ALIGNED, size, 64, MMB_TB_NONE, id);
      else
        ev(t, i % 20 == 3 ? MMB_TOP_CALLOC : MMB_TOP_MALLOC, size, 0, MMB_TB_NONE, id);
    }
    live[id] = 1;
    sizes[id] = size;
    death[id] = life == UINT64_MAX ? UINT64_MAX : i + life;
    for (uint32_t b = 0; b < nextid; b++) { /* deaths due now (quadratic: the test is small) */
      if (!live[b] || death[b] != i) continue;
      if (pending == MMB_TB_NONE && rnd() % 10 == 0) {
        pending = b;
        continue;
      }
      ev(t, MMB_TOP_FREE, 0, 0, b, MMB_TB_NONE);
      live[b] = 0;
      free_ids[nfree++] = b;
    }
  }
  t->nblocks = nextid;
  t->th[0].calls = t->nev;
  free(death);
  free(free_ids);
  free(sizes);
  free(live);
}

static const mmb_model_class *cls(const mmb_model *m, uint64_t lo) {
  for (int c = 0; c < m->nclasses; c++)
    if (m->cls[c].lo == lo) return &m->cls[c];
  return NULL;
}

static char *slurp(const char *path);
static void bad(const char *text, const char *key, const char *repl, int line, const char *want);

static char model_path[256], knife_path[256]; /* the models written (knife: test_knife_edge) */

static void test_build_and_roundtrip(mmb_model *m) {
  mmb_trace t;
  make_trace(&t);
  char err[600];
  CHECKF(mmb_model_build(&t, "synthetic", m, err, sizeof err) == 0, "%s", err);
  mmb_trace_free(&t);
  CHECK(m->allocations == NB);
  CHECK(m->nclasses == 3);
  const mmb_model_class *small = cls(m, 16), *mid = cls(m, 32), *big = cls(m, 2048);
  CHECK(small && mid && big);
  if (!small || !mid || !big) return;
  CHECKF(fabs((double)small->allocs / NB - 0.6) < 0.02, "small share %g",
         (double)small->allocs / NB);
  CHECK(small->nsizes == 1 && small->size[0] == 24 && small->other_n == 0);
  CHECKF(small->median_allocs >= 8 && small->median_allocs <= 12, "small median %g",
         small->median_allocs);
  CHECKF(mid->median_allocs >= 900 && mid->median_allocs <= 1100, "mid median %g",
         mid->median_allocs);
  CHECK(m->calloc_n > 0 && m->aligned_n > 0 && m->realloc_n > 0);
  CHECK(m->naligns == 1 && m->align[0] == 64);
  CHECK(m->live_at_end > 0);
  /* written and read back: the same figures */
  snprintf(model_path, sizeof model_path, "/tmp/mmb_test_empirical_%d.model", (int)getpid());
  FILE *f = fopen(model_path, "w");
  CHECK(f && mmb_model_write(m, f) == 0);
  if (f) fclose(f);
  mmb_model *back = malloc(sizeof *back);
  CHECKF(mmb_model_load(model_path, back, err, sizeof err) == 0, "%s", err);
  CHECK(back->allocations == m->allocations && back->nclasses == m->nclasses);
  CHECK(back->peak_live_bytes == m->peak_live_bytes);
  CHECK(fabs(back->cls[0].ph[3].life[7] - m->cls[0].ph[3].life[7]) <=
        1e-5 * (1 + m->cls[0].ph[3].life[7]));
  free(back);
}

/* Fidelity: the stream of the model, modelled again, agrees with it. */
static void test_fidelity(const mmb_model *m) {
  mmb_model_fit f;
  char err[600];
  CHECKF(mmb_model_fit_check(m, 7, &f, err, sizeof err) == 0, "%s", err);
  CHECKF(f.tvd < 0.02, "size-class histogram: total variation distance %g", f.tvd);
  CHECKF(fabs(f.peak_ratio - 1) < 0.15, "peak live bytes: stream / trace %g", f.peak_ratio);
  CHECKF(f.classes_compared == 3 && f.median_gap < 0.2,
         "lifetime medians: %d classes, largest gap %g (class from %llu)", f.classes_compared,
         f.median_gap, (unsigned long long)f.median_gap_lo);
  CHECKF(fabs(f.realloc_share[1] - f.realloc_share[0]) < 0.01, "realloc share %g vs %g",
         f.realloc_share[1], f.realloc_share[0]);
  CHECKF(fabs(f.calloc_share[1] - f.calloc_share[0]) < 0.01, "calloc share %g vs %g",
         f.calloc_share[1], f.calloc_share[0]);
  CHECKF(fabs(f.aligned_share[1] - f.aligned_share[0]) < 0.01, "aligned share %g vs %g",
         f.aligned_share[1], f.aligned_share[0]);
  /* another length: n births, the same shape */
  mmb_trace t;
  CHECKF(mmb_empirical_trace(m, 2 * NB, 7, &t, err, sizeof err) == 0, "%s", err);
  mmb_model *got = malloc(sizeof *got);
  CHECK(mmb_model_build(&t, "stream", got, err, sizeof err) == 0);
  CHECK(got->allocations == 2 * NB);
  mmb_model_compare(m, got, &f);
  CHECKF(f.tvd < 0.02, "2x: total variation distance %g", f.tvd);
  CHECKF(f.peak_ratio > 1.6 && f.peak_ratio < 2.4, "2x: peak ratio %g (lifetimes stretch)",
         f.peak_ratio);
  free(got);
  mmb_trace_free(&t);
}

/* A class of few births (here two blocks of 1 MiB or more) is listed in the
 * model and replayed in place: every stream has both, at their places
 * (stretched with n), with their lifetimes; the stream's model lists them
 * again. m gains the class (its text, to model_path, for the bad input). */
static void test_rare(mmb_model *m) {
  mmb_model_class *k = &m->cls[m->nclasses++];
  memset(k, 0, sizeof *k);
  k->lo = 1048576, k->hi = 2097151, k->allocs = 2, k->bytes = 1048576 + 1500000;
  k->nsizes = 2, k->size[0] = 1048576, k->size[1] = 1500000, k->size_n[0] = k->size_n[1] = 1;
  k->frees = 1;
  k->ph[10000 * MMB_MODEL_PHASES / (NB + 2)].allocs++;
  k->ph[30000 * MMB_MODEL_PHASES / (NB + 2)].allocs++;
  k->nrare = 2;
  k->rare[0] = (mmb_model_rare){10000, 1500000, 5000};
  k->rare[1] = (mmb_model_rare){30000, 1048576, MMB_MODEL_LIFE_NEVER};
  m->allocations += 2, m->allocated_bytes += k->bytes;
  FILE *f = fopen(model_path, "w");
  CHECK(f && mmb_model_write(m, f) == 0);
  if (f) fclose(f);
  mmb_model *back = malloc(sizeof *back), *got = malloc(sizeof *got);
  char err[600];
  CHECKF(mmb_model_load(model_path, back, err, sizeof err) == 0, "%s", err);
  const mmb_model_class *bk = cls(back, 1048576);
  CHECK(bk && bk->nrare == 2 && bk->rare[0].at == 10000 && bk->rare[0].size == 1500000 &&
        bk->rare[0].life == 5000 && bk->rare[1].life == MMB_MODEL_LIFE_NEVER);
  for (uint64_t mult = 1; mult <= 2; mult++)
    for (uint64_t seed = 1; seed <= 3; seed++) {
      mmb_trace t;
      uint64_t n = mult * back->allocations;
      CHECKF(mmb_empirical_trace(back, n, seed, &t, err, sizeof err) == 0, "%s", err);
      uint64_t births = 0, big = 0, at[2] = {0, 0};
      for (size_t i = 0; i < t.nev; i++)
        if (t.ev[i].born != MMB_TB_NONE) {
          if (t.ev[i].size >= 1048576 && big < 2) at[big] = births;
          big += t.ev[i].size >= 1048576;
          births++;
        }
      CHECKF(big == 2, "x%llu seed %llu: %llu blocks of 1 MiB or more, expected 2",
             (unsigned long long)mult, (unsigned long long)seed, (unsigned long long)big);
      CHECKF(at[0] == 10000 * mult && at[1] == 30000 * mult, "places %llu %llu",
             (unsigned long long)at[0], (unsigned long long)at[1]);
      CHECK(mmb_model_build(&t, "stream", got, err, sizeof err) == 0);
      const mmb_model_class *g = cls(got, 1048576);
      CHECKF(g && g->nrare == 2 && g->rare[0].size == 1500000 && g->rare[0].life == 5000 * mult &&
                 g->rare[1].size == 1048576 && g->rare[1].life == MMB_MODEL_LIFE_NEVER,
             "x%llu seed %llu: the stream's listing differs", (unsigned long long)mult,
             (unsigned long long)seed);
      mmb_trace_free(&t);
    }
  free(back);
  free(got);
}

/* A format 1 model (sixteenths, no listed births) is still read: each
 * sixteenth as its four 64ths, the births shared out. */
static void test_format1(void) {
  char *s = malloc(1 << 16), *o = s;
  o += sprintf(o, "mmbench-model 1\nsource old\nallocations 1600\nallocated_bytes 38400\n"
                  "peak_live_bytes 2400\npeak_live_blocks 100\nlive_at_end 0\n"
                  "births calloc 0 aligned 0 realloc 0\nfrees 1600 remote 0\naligns 0\n"
                  "threads 1\nthread 0 allocs 1600 frees 1600 remote 0\nprofile 0\n"
                  "quantiles 0 0.01 0.05 0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9 0.95 0.99 1\n"
                  "classes 1\nclass 16 31 allocs 1600 bytes 38400\nsizes 24:1600 other:0\n"
                  "born calloc 0 aligned 0 realloc 0\nended free 1600 realloc 0 remote 0\n"
                  "median allocs 100 bytes 2400\n"
                  "life_bytes 2400 2400 2400 2400 2400 2400 2400 2400 2400 2400 2400 2400 2400 "
                  "2400 2400\n");
  for (int p = 0; p < 16; p++)
    o += sprintf(o,
                 "phase %d allocs %d never 0 end 0 life 100 100 100 100 100 100 100 100 100 "
                 "100 100 100 100 100 100\n",
                 p, p == 15 ? 25 : 105);
  sprintf(o, "end\n");
  mmb_model *m = malloc(sizeof *m);
  char err[700];
  CHECKF(mmb_model_parse(s, "old", m, err, sizeof err) == 0, "%s", err);
  CHECK(m->version == 1 && m->cls[0].nrare == 0);
  CHECKF(m->cls[0].ph[0].allocs == 27 && m->cls[0].ph[3].allocs == 26 &&
             m->cls[0].ph[63].allocs == 6 && m->cls[0].ph[61].life[7] == 100,
         "64ths: %llu %llu %llu", (unsigned long long)m->cls[0].ph[0].allocs,
         (unsigned long long)m->cls[0].ph[3].allocs, (unsigned long long)m->cls[0].ph[63].allocs);
  free(m);
  free(s);
}

/* A format 2 model (no 'lives' lines) is still read: the knife-edge model,
 * its first line made format 2 and its 'lives'/'rest' lines left out. */
static void test_format2(void) {
  char *text = NULL;
  FILE *f = fopen(knife_path, "r");
  if (f) {
    text = calloc(1, 1 << 20);
    text[fread(text, 1, (1 << 20) - 1, f)] = 0;
    fclose(f);
  }
  CHECK(text != NULL);
  if (!text) return;
  char *s = malloc(strlen(text) + 1), *o = s;
  int dropped = 0;
  for (const char *p = text; *p;) {
    const char *e = strchr(p, '\n');
    size_t n = e ? (size_t)(e - p) + 1 : strlen(p);
    if (strncmp(p, "mmbench-model 4", 15) == 0)
      o += sprintf(o, "mmbench-model 2\n");
    else if (strncmp(p, "lives ", 6) == 0 || strncmp(p, "rest ", 5) == 0 ||
             strncmp(p, "resized ", 8) == 0)
      dropped++;
    else
      memcpy(o, p, n), o += n;
    p += n;
  }
  *o = 0;
  CHECKF(dropped > 0, "the model written has no 'lives' line to leave out");
  mmb_model *m = malloc(sizeof *m);
  char err[700];
  CHECKF(mmb_model_parse(s, "old", m, err, sizeof err) == 0, "%s", err);
  CHECK(m->version == 2 && m->cls[0].ph[0].nlives == 0 && m->cls[0].allocs > 0 &&
        m->cls[0].median_allocs == 2);
  free(m);
  free(s);
  free(text);
}

/* The even draw: after every k draws each value's count is within 1 of
 * k x its share (random draws stray by about sqrt(k)). */
static void test_even_draw(void) {
  static const double sh[][6] = {{0.5, 0.25, 0.125, 0.0625, 0.0625, 0},
                                 {0.50002, 0.49998, 0, 0, 0, 0},
                                 {0.49998, 0.50002, 0, 0, 0, 0},
                                 {0.9, 0.05, 0.03, 0.01, 0.007, 0.003},
                                 {0.3, 0.3, 0.2, 0.1, 0.05, 0.05}};
  for (size_t c = 0; c < sizeof sh / sizeof sh[0]; c++) {
    uint32_t cnt[6] = {0}, k = 0;
    double worst = 0;
    for (int d = 0; d < 400000; d++) {
      mmb_even_pick(sh[c], 6, cnt, &k);
      for (int j = 0; j < 6; j++) {
        double off = fabs((double)cnt[j] - (double)k * sh[c][j]);
        if (off > worst) worst = off;
      }
    }
    CHECKF(k == 400000 && worst <= 1.0, "shares %zu: a count strays %g from k x share", c, worst);
  }
}

/* A synthetic one-thread trace being built birth by birth: each block's
 * free or realloc is scheduled at a later birth (realloc_at: the block a
 * birth reallocates; free_head/free_next: the blocks freed after it). */
typedef struct synth {
  mmb_trace t;
  uint32_t n, *realloc_at, *free_head, *free_next;
} synth;

static void synth_init(synth *y, uint32_t n) {
  memset(y, 0, sizeof *y);
  y->n = n;
  y->t.ev = calloc(4 * (size_t)n, sizeof *y->t.ev);
  y->t.th = calloc(1, sizeof *y->t.th);
  y->t.nthreads = 1;
  y->t.version = MMB_TRACE_VERSION;
  y->realloc_at = malloc(n * sizeof *y->realloc_at);
  y->free_head = malloc(n * sizeof *y->free_head);
  y->free_next = malloc(n * sizeof *y->free_next);
  for (uint32_t b = 0; b < n; b++) y->realloc_at[b] = y->free_head[b] = MMB_TB_NONE;
}

/* Block b is freed after birth at. */
static void synth_free_at(synth *y, uint32_t b, uint32_t at) {
  y->free_next[b] = y->free_head[at], y->free_head[at] = b;
}

/* The frees due after birth b, as events. */
static void synth_frees_due(synth *y, uint32_t b) {
  for (uint32_t x = y->free_head[b]; x != MMB_TB_NONE; x = y->free_next[x])
    ev(&y->t, MMB_TOP_FREE, 0, 0, x, MMB_TB_NONE);
}

/* The trace complete (its scratch freed; y->t stays). */
static void synth_done(synth *y) {
  y->t.nblocks = y->n;
  y->t.th[0].calls = y->t.nev;
  free(y->realloc_at), free(y->free_head), free(y->free_next);
}

/* A lua-like class: blocks of 24 bytes with lifetimes 2 (just over half:
 * every second block, and one in 2000 more), 10, 26, 58, 122 in a ruler
 * pattern, most ending by a realloc into a 48-byte block that lives 500
 * births. The trace's median is 2 by a hair; every stream (4 seeds) of the
 * model has median 2 too, which random lifetimes would miss about half the
 * time. */
static void test_knife_edge(void) {
  enum { N = 120000 };
  synth y;
  synth_init(&y, N);
  mmb_trace t;
  uint64_t a = 0, twos = 0, as = 0;
  for (uint32_t b = 0; b < N; b++) {
    uint32_t old = y.realloc_at[b];
    if (old != MMB_TB_NONE) { /* a realloc into the 48-byte class */
      ev(&y.t, MMB_TOP_REALLOC, 48, 0, old, b);
      if (b + 500 < N) synth_free_at(&y, b, b + 500);
    } else {
      ev(&y.t, MMB_TOP_MALLOC, 24, 0, MMB_TB_NONE, b);
      uint64_t life = a % 2 == 0 || a % 2000 == 1999 ? 2
                      : a % 4 == 1                   ? 10
                      : a % 8 == 3                   ? 26
                      : a % 16 == 7                  ? 58
                                                     : 122;
      a++;
      if (b + life + 1 < N && y.realloc_at[b + life + 1] == MMB_TB_NONE)
        y.realloc_at[b + life + 1] = b;
      else if (b + life < N)
        synth_free_at(&y, b, (uint32_t)(b + life));
      else
        continue;
      as++, twos += life == 2;
    }
    synth_frees_due(&y, b);
  }
  synth_done(&y);
  mmb_model *m = malloc(sizeof *m), *got = malloc(sizeof *got);
  char err[600];
  CHECKF(mmb_model_build(&y.t, "knife", m, err, sizeof err) == 0, "%s", err);
  mmb_trace_free(&y.t);
  const mmb_model_class *k = cls(m, 16);
  CHECK(k != NULL);
  if (!k) return;
  CHECKF(k->median_allocs == 2 && twos * 2 > as && twos * 2 < as + as / 500,
         "the trace: median %g, %llu of %llu lifetimes 2", k->median_allocs,
         (unsigned long long)twos, (unsigned long long)as);
  CHECKF(k->ph[10].nlives >= 4 && k->ph[10].lives[0] == 2, "phase 10 lists %d exact lifetimes",
         k->ph[10].nlives);
  snprintf(knife_path, sizeof knife_path, "/tmp/mmb_test_knife_%d.model", (int)getpid());
  FILE *o = fopen(knife_path, "w");
  CHECK(o && mmb_model_write(m, o) == 0);
  if (o) fclose(o);
  for (uint64_t seed = 1; seed <= 4; seed++) {
    CHECKF(mmb_empirical_trace(m, 0, seed, &t, err, sizeof err) == 0, "%s", err);
    CHECK(mmb_model_build(&t, "stream", got, err, sizeof err) == 0);
    const mmb_model_class *g = cls(got, 16);
    CHECKF(g && g->median_allocs == k->median_allocs,
           "seed %llu: the stream's median lifetime of 16..31 is %g, the model's %g",
           (unsigned long long)seed, g ? g->median_allocs : -1, k->median_allocs);
    mmb_model_fit f;
    mmb_model_compare(m, got, &f);

    /* the live heap mid-run (the run's peak is at its end, where the blocks
     * never freed pile up over the last 64th) */
    double mid = (double)got->prof_bytes[16] / (double)m->prof_bytes[16];
    CHECKF(fabs(mid - 1) < 0.15 && f.tvd < 0.01, "seed %llu: live heap mid-run %g, tvd %g",
           (unsigned long long)seed, mid, f.tvd);
    mmb_trace_free(&t);
  }
  free(m);
  free(got);
}

/* A trace whose reallocs all double their block, of sizes spread over four
 * classes (a size drawn from the class histogram would double seldom):
 * the model lists ratio 2 for every class that is reallocated; every
 * stream's reallocs double the block (at least 95 %), its size classes
 * agree, and the workload runs it verified. The same model as format 3 (no
 * 'resized' lines) still reads, and its stream draws the sizes (doubling
 * far less often). */
static uint64_t doubling_share(const mmb_trace *t) {
  uint64_t *size = calloc(t->nblocks + 1, sizeof *size), n = 0, twice = 0;
  for (size_t i = 0; size && i < t->nev; i++) {
    const mmb_trace_ev *e = &t->ev[i];
    if (e->op == MMB_TOP_REALLOC && e->rel != MMB_TB_NONE)
      n++, twice += e->size == 2 * size[e->rel];
    if (e->born != MMB_TB_NONE) size[e->born] = e->size;
  }
  free(size);
  return n ? twice * 1000 / n : 0; /* per mille */
}

static void test_doubling(void) {
  enum { N = 60000 };
  static const uint64_t sz[] = {20, 24, 28, 40, 56, 100, 200};
  synth y;
  synth_init(&y, N);
  mmb_trace t;
  uint64_t *size = malloc(N * sizeof *size), reallocs = 0;
  for (uint32_t b = 0; b < N; b++) {
    uint32_t old = y.realloc_at[b];
    uint64_t life = 1 + rnd() % 2000;
    if (old != MMB_TB_NONE) { /* doubled, then freed */
      size[b] = 2 * size[old];
      ev(&y.t, MMB_TOP_REALLOC, size[b], 0, old, b);
      reallocs++;
    } else {
      size[b] = sz[rnd() % 7];
      ev(&y.t, MMB_TOP_MALLOC, size[b], 0, MMB_TB_NONE, b);
      if (rnd() % 2 && b + life + 1 < N && y.realloc_at[b + life + 1] == MMB_TB_NONE) {
        y.realloc_at[b + life + 1] = b;
        life = 0;
      }
    }
    if (life && b + life < N) synth_free_at(&y, b, (uint32_t)(b + life));
    synth_frees_due(&y, b);
  }
  synth_done(&y);
  CHECKF(doubling_share(&y.t) == 1000 && reallocs > N / 5, "the trace: %llu reallocs",
         (unsigned long long)reallocs);
  mmb_model *m = malloc(sizeof *m), *got = malloc(sizeof *got), *old = malloc(sizeof *old);
  char err[600], path[256], p[400];
  CHECKF(mmb_model_build(&y.t, "doubling", m, err, sizeof err) == 0, "%s", err);
  mmb_trace_free(&y.t);
  free(size);
  int listed = 0;
  for (int c = 0; c < m->nclasses; c++) {
    const mmb_model_class *k = &m->cls[c];
    if (!k->realloc_out) continue;
    listed++;
    CHECKF(
        k->nratios == 1 && k->ratio[0] == 2 && k->ratio_n[0] == k->realloc_out && !k->ratio_other,
        "class %llu: %d ratios, the first %g", (unsigned long long)k->lo, k->nratios, k->ratio[0]);
  }
  CHECKF(listed == 4, "%d classes reallocated, expected 4", listed);
  snprintf(path, sizeof path, "/tmp/mmb_test_doubling_%d.model", (int)getpid());
  FILE *f = fopen(path, "w");
  CHECK(f && mmb_model_write(m, f) == 0);
  if (f) fclose(f);
  CHECKF(mmb_model_load(path, got, err, sizeof err) == 0 && got->cls[0].nratios == 1 &&
             got->cls[0].ratio[0] == 2,
         "read back: %s", err);
  for (uint64_t seed = 1; seed <= 3; seed++) {
    CHECKF(mmb_empirical_trace(m, 0, seed, &t, err, sizeof err) == 0, "%s", err);
    uint64_t share = doubling_share(&t);
    CHECKF(share >= 950, "seed %llu: %llu per mille of the stream's reallocs double the block",
           (unsigned long long)seed, (unsigned long long)share);
    CHECK(mmb_model_build(&t, "stream", got, err, sizeof err) == 0);
    mmb_model_fit fit;
    mmb_model_compare(m, got, &fit);
    CHECKF(fit.tvd < 0.02 && fabs(fit.peak_ratio - 1) < 0.15 &&
               fabs(fit.realloc_share[1] - fit.realloc_share[0]) < 0.01,
           "seed %llu: tvd %g, peak ratio %g, realloc share %g vs %g", (unsigned long long)seed,
           fit.tvd, fit.peak_ratio, fit.realloc_share[1], fit.realloc_share[0]);
    CHECKF(fit.ratio_share[0] == 1 && fit.ratio_share[1] >= 0.95,
           "seed %llu: reallocs at the listed ratio: trace %g, stream %g", (unsigned long long)seed,
           fit.ratio_share[0], fit.ratio_share[1]);
    mmb_trace_free(&t);
  }
  /* the workload, verified: a realloc keeps the block's first bytes */
  snprintf(p, sizeof p, "model=%s", path);
  wt_verify = 1;
  wt_result r = wt_cell(&mmb_alloc_glibc, "empirical", p, 1);
  CHECKF(strcmp(r.status, "ok") == 0 && r.ops == N, "glibc: %s %s, ops %g", r.status, r.reason,
         r.ops);
  wt_verify = 0;
  /* format 3: the same text without its 'resized' lines */
  char *text = slurp(path), *s = text ? malloc(strlen(text) + 1) : NULL, *o = s;
  CHECK(s != NULL);
  for (const char *q = text; s && *q;) {
    const char *e = strchr(q, '\n');
    size_t n = e ? (size_t)(e - q) + 1 : strlen(q);
    if (strncmp(q, "mmbench-model 4", 15) == 0)
      o += sprintf(o, "mmbench-model 3\n");
    else if (strncmp(q, "resized ", 8) != 0)
      memcpy(o, q, n), o += n;
    q += n;
  }
  if (s) {
    *o = 0;
    CHECKF(mmb_model_parse(s, "old", old, err, sizeof err) == 0, "%s", err);
    CHECK(old->version == 3 && old->cls[0].nratios == 0 && old->cls[0].realloc_out > 0);
    CHECKF(mmb_empirical_trace(old, 0, 1, &t, err, sizeof err) == 0, "%s", err);
    uint64_t share = doubling_share(&t);
    CHECKF(share < 500, "format 3: %llu per mille double (sizes drawn)", (unsigned long long)share);
    mmb_trace_free(&t);
    /* a 'resized' line in format 3 is not read as one */
    bad(text, "mmbench-model", "mmbench-model 3", 0, "expected 'median");
  }
  free(s);
  free(text);
  free(m), free(got), free(old);
  unlink(path);
}

/* The workload: ok and one checksum under correct allocators, corrupt under
 * broken ones. */
static void test_workload(void) {
  char p[400];
  snprintf(p, sizeof p, "model=%s", model_path);
  char first[3][32] = {"", "", ""};
  const mmb_allocator *good[] = {&mmb_alloc_glibc, &mmb_alloc_floor, &wt_alloc_offset};
  for (int t = 1; t <= 2; t++)
    for (int v = 0; v < 2; v++)
      for (size_t a = 0; a < 3; a++) {
        wt_verify = v;
        wt_result r = wt_cell(good[a], "empirical", p, t);
        CHECKF(strcmp(r.status, "ok") == 0, "%s t=%d verify=%d: %s %s", good[a]->name, t, v,
               r.status, r.reason);
        CHECKF(r.ops == NB + 2, "%s: ops %g, expected %d", good[a]->name, r.ops, NB + 2);
        CHECK(r.live > 0);
        if (!first[t][0]) snprintf(first[t], sizeof first[t], "%s", r.checksum);
        CHECKF(strcmp(first[t], r.checksum) == 0, "%s t=%d verify=%d: checksum %s, expected %s",
               good[a]->name, t, v, r.checksum, first[t]);
      }
  wt_verify = 0;
  wt_expect_status(&wt_alloc_misaligned, "empirical", p, "corrupt", "misaligned");
  wt_verify = 1;
  wt_expect_status(&wt_alloc_dup, "empirical", p, "corrupt", NULL);
  wt_verify = 0;
  wt_expect_status(&wt_alloc_null, "empirical", p, "corrupt", "NULL");
}

/* ---------------------------------------------------------------------------
 * Bad input
 * ------------------------------------------------------------------------- */
static char *slurp(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return NULL;
  char *s = calloc(1, 1 << 20);
  size_t n = fread(s, 1, (1 << 20) - 1, f);
  s[n] = 0;
  fclose(f);
  return s;
}

/* The model text with the first line starting with key replaced by repl
 * (NULL: removed); parse it and check the error names line and want. */
static void bad(const char *text, const char *key, const char *repl, int line, const char *want) {
  char *s = malloc(strlen(text) + 4096), *o = s;
  const char *p = text;
  int done = 0;
  while (*p) {
    const char *e = strchr(p, '\n');
    size_t n = e ? (size_t)(e - p) + 1 : strlen(p);
    if (!done && strncmp(p, key, strlen(key)) == 0) {
      done = 1;
      if (repl) o += sprintf(o, "%s\n", repl);
    } else {
      memcpy(o, p, n);
      o += n;
    }
    p += n;
  }
  *o = 0;
  mmb_model *m = malloc(sizeof *m);
  char err[700], at[32];
  CHECKF(mmb_model_parse(s, "m", m, err, sizeof err) == -1, "[%s -> %s] accepted", key,
         repl ? repl : "(removed)");
  snprintf(at, sizeof at, line > 0 ? "m:%d: " : "m:", line); /* 0: a class's line, any */
  CHECKF(strncmp(err, at, strlen(at)) == 0, "[%s] error '%s' does not start with '%s'", key, err,
         at);
  CHECKF(strstr(err, want) != NULL, "[%s] error '%s' lacks '%s'", key, err, want);
  CHECKF(!strchr(err, '\n'), "[%s] error is not one line", key);
  free(m);
  free(s);
}

static void test_bad_models(void) {
  char *text = slurp(model_path);
  CHECK(text != NULL);
  if (!text) return;
  /* line numbers of the writer's layout: 1 comment, 2 mmbench-model, 3 source, 4 allocations */
  bad(text, "mmbench-model", "mmbench-model 9", 2, "reads formats 1 to 4");
  bad(text, "allocations", "allocations many", 4, "whole number");
  bad(text, "allocations", NULL, 4, "expected 'allocations'");
  bad(text, "peak_live_bytes", "peak_live_bytes -5", 6, "whole number >= 0");
  bad(text, "align 64", "align 48 10", 13, "power of two");
  bad(text, "align 64", "align 1048576 10", 13, "power of two from 1 to 65536");
  bad(text, "births", "births calloc 1 aligned", 9, "missing aligned");
  bad(text, "class 2048", "class 2048 4095 allocs 3 bytes", 0, "missing bytes");
  bad(text, "class 16", "class 16 4294967296 allocs 1 bytes 1", 0, "the largest block");
  bad(text, "phase 0", "phase 0 allocs 1 never 1.5 end 0 life", 0, "never (a share)");
  bad(text, "end\n", "ending", 0, "expected 'end");
  free(text);
  /* format 3's exact lifetimes (the knife-edge model's first class lists
   * some in phase 0, with other:0) */
  text = slurp(knife_path);
  CHECK(text != NULL);
  if (!text) return;
  bad(text, "lives", "lives 2:5 1:3 other:0", 0, "the lifetimes go up");
  bad(text, "lives", "lives 2:5 10:3", 0, "other:N last");
  bad(text, "lives", "lives 2:x other:0", 0, "is not a count");
  bad(text, "lives", "lives two:5 other:0", 0, "is not a lifetime in births");
  bad(text, "lives", "lives 2:0 other:1", 0, "a count of at least 1");
  bad(text, "lives", "lives 2:100000000 other:0", 0, "more than phase 0's allocs");
  bad(text, "lives", "lives 99999999 other:0", 0, "should be LIFETIME:COUNT");
  bad(text, "lives", "lives 99999999:1 other:0", 0, "reaches past the last birth");
  bad(text, "lives", "lives 1:1 2:1 3:1 4:1 5:1 6:1 7:1 8:1 9:1 other:0", 0, "at most 8");
  bad(text, "lives", "lives 2:1 other:3", 0, "expected 'rest Q0");
  bad(text, "lives", "lives 2:1 other:3\nrest 5 4 3 2 1 0 0 0 0 0 0 0 0 0 0", 0,
      "rest must not decrease");
  bad(text, "lives", "lives 2:1 other:3\nrest 1 2 3", 0, "rest needs 15 numbers");
  /* format 4's realloc ratios (the knife-edge model's first class: 'resized 2:N other:0
   * chained 0 of 0', its blocks born fresh) */
  char *r = strstr(text, "\nresized "), line[200];
  CHECK(r != NULL);
  if (r) {
    int at = 1;
    for (const char *c = text; c <= r; c++) at += *c == '\n';
    unsigned long long n = 0;
    CHECK(sscanf(r, "\nresized 2:%llu other:0 chained 0 of 0", &n) == 1 && n > 2);
    bad(text, "resized", "resized 2:5 1.5:3 other:0 chained 0 of 0", at, "the ratios go up");
    bad(text, "resized", "resized 2:5 3:3 chained 0 of 0", at, "other:N after the ratios");
    bad(text, "resized", "resized other:1 2:5 chained 0 of 0", at, "must come after the ratios");
    bad(text, "resized", "resized 2:x other:0 chained 0 of 0", at, "is not a count");
    bad(text, "resized", "resized two:5 other:0 chained 0 of 0", at,
        "is not a ratio new size / old size");
    bad(text, "resized", "resized 0:5 other:0 chained 0 of 0", at, "a number > 0");
    bad(text, "resized", "resized -2:5 other:0 chained 0 of 0", at, "a number > 0");
    bad(text, "resized", "resized 2 other:0 chained 0 of 0", at, "should be RATIO:COUNT");
    bad(text, "resized", "resized 2:0 other:1 chained 0 of 0", at, "a count of at least 1");
    bad(text, "resized", "resized 1:1 2:1 3:1 4:1 5:1 6:1 7:1 8:1 9:1 other:0 chained 0 of 0", at,
        "at most 8");
    bad(text, "resized", "resized 2:5 other:0", at, "expected 'resized R:N ... other:N chained");
    bad(text, "resized", "resized 2:5 other:0 chained 0 from 0", at, "chained M of E");
    bad(text, "resized", "resized 2:5 other:0 chained x of 0", at,
        "chained M must be a whole number");
    bad(text, "resized", "resized 2:5 other:0 chained 3 of 2", at, "M <= E");
    snprintf(line, sizeof line, "resized 2:%llu other:0 chained 0 of 0", n + 1);
    bad(text, "resized", line, at, "ended by realloc");
    snprintf(line, sizeof line, "resized 2:%llu other:2 chained 0 of 0", n - 1);
    bad(text, "resized", line, at, "the counts add up to");
  }
  free(text);
  /* truncated: the model ends early */
  mmb_model *m = malloc(sizeof *m);
  char err[700];
  CHECK(mmb_model_parse("mmbench-model 1\nsource x\n", "m", m, err, sizeof err) == -1);
  CHECKF(strstr(err, "m:3: the model ends early: expected 'allocations'") != NULL, "%s", err);
  CHECK(mmb_model_load("/nonexistent/x.model", m, err, sizeof err) == -1);
  CHECKF(strstr(err, "cannot read the model") != NULL, "%s", err);
  /* an empty trace is refused with the reason */
  mmb_trace t;
  memset(&t, 0, sizeof t);
  CHECK(mmb_model_build(&t, "empty.mmbt", m, err, sizeof err) == 1);
  CHECKF(strstr(err, "no allocation to model") != NULL, "%s", err);
  free(m);
}

int main(void) {
  mmb_model *m = malloc(sizeof *m);
  test_build_and_roundtrip(m);
  test_fidelity(m);
  test_rare(m);
  test_format1();
  test_even_draw();
  test_knife_edge();
  test_format2();
  test_doubling();
  test_workload();
  test_bad_models();
  free(m);
  unlink(model_path);
  unlink(knife_path);
  return mmb_test_exit();
}
