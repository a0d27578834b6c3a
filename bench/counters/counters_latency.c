/* mmbench — sampled call latencies (--latency K): an allocator wrapper that
 * times every K-th allocating call and every K-th free of a worker thread
 * inside the measured region into that thread's log-bucketed histogram.
 *
 * Hot path: one thread-local load and a decrement on an unsampled call; a
 * sampled call adds two clock reads and a bucket increment. No allocation:
 * histograms are preallocated slots (one per worker, claimed and touched
 * before the region), and a thread outside the region (setup, verify) is
 * never sampled.
 *
 * Clock: on x86-64 with an invariant TSC (constant_tsc + nonstop_tsc) the
 * TSC, ordered around the call (rdtscp; lfence before it, rdtscp after),
 * calibrated against CLOCK_MONOTONIC for 5 ms; elsewhere clock_gettime
 * (CLOCK_MONOTONIC). The TSC does not depend on the kernel's clocksource (a
 * VM whose clocksource is not vDSO-capable turns clock_gettime into a
 * syscall of ~0.5 us) and costs about what a vDSO clock_gettime costs (that
 * also orders its TSC read): ~50 ns per sampled call either way, measured on
 * malloc-free, most of it the ordering. MMB_LATENCY_CLOCK=monotonic forces
 * the clock. The back-to-back cost of the two reads (minimum over a few
 * thousand tries) is subtracted from every sample. Sampling every 100th call
 * costs ~2-3 ns per malloc/free pair; every call, ~100 ns. */
#define _GNU_SOURCE
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "counters_int.h"
#include "workload.h" /* MMB_MAX_THREADS */

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

/* ---------------------------------------------------------------------------
 * Histogram
 * ------------------------------------------------------------------------- */
#define SUB (1u << MMB_LAT_SUB_BITS)

static inline int bucket_of(uint64_t v) {
  if (v < SUB) return (int)v;
  int e = 63 - __builtin_clzll(v);
  if (e > MMB_LAT_MAX_EXP) return MMB_LAT_NB - 1;
  return ((e - MMB_LAT_SUB_BITS + 1) << MMB_LAT_SUB_BITS) +
         (int)((v >> (e - MMB_LAT_SUB_BITS)) & (SUB - 1));
}

static inline void hist_add(mmb_lat_hist *h, uint64_t v) {
  h->b[bucket_of(v)]++;
  h->n++;
  if (v > h->max) h->max = v;
}

int mmb_lat_bucket(uint64_t v) { return bucket_of(v); }

void mmb_lat_bucket_range(int b, uint64_t *lo, uint64_t *hi) {
  if (b < (int)SUB) {
    *lo = *hi = (uint64_t)b;
    return;
  }
  int e = (b >> MMB_LAT_SUB_BITS) + MMB_LAT_SUB_BITS - 1;
  uint64_t sub = (uint64_t)(b & (SUB - 1));
  *lo = (SUB + sub) << (e - MMB_LAT_SUB_BITS);
  *hi = *lo + (1ull << (e - MMB_LAT_SUB_BITS)) - 1;
}

void mmb_lat_hist_add(mmb_lat_hist *h, uint64_t v) { hist_add(h, v); }

void mmb_lat_hist_merge(mmb_lat_hist *dst, const mmb_lat_hist *src) {
  for (int i = 0; i < MMB_LAT_NB; i++) dst->b[i] += src->b[i];
  dst->n += src->n;
  if (src->max > dst->max) dst->max = src->max;
}

uint64_t mmb_lat_hist_quantile(const mmb_lat_hist *h, double q) {
  if (h->n == 0) return 0;
  if (q >= 1.0) return h->max;
  double r = q * (double)h->n - 1e-9; /* 0.99 * 100 must give rank 99 */
  uint64_t rank = (uint64_t)r;
  if ((double)rank < r) rank++;
  if (rank < 1) rank = 1;
  uint64_t cum = 0;
  for (int b = 0; b < MMB_LAT_NB; b++) {
    cum += h->b[b];
    if (cum >= rank) {
      uint64_t lo, hi;
      mmb_lat_bucket_range(b, &lo, &hi);
      uint64_t mid = lo + (hi - lo) / 2;
      return mid > h->max ? h->max : mid;
    }
  }
  return h->max;
}

/* ---------------------------------------------------------------------------
 * Clock
 * ------------------------------------------------------------------------- */
static int use_tsc;
static unsigned __int128 tsc_mult; /* ns = ticks * tsc_mult >> 32 */
static double tsc_per_ns = 1.0;
static uint64_t overhead; /* ns, subtracted from each sample */
static int clock_ready;

static inline uint64_t mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline uint64_t t_begin(void) {
#if defined(__x86_64__)
  if (use_tsc) { /* rdtscp waits for earlier instructions; lfence holds later ones */
    unsigned aux;
    uint64_t t = __rdtscp(&aux);
    _mm_lfence();
    return t;
  }
#endif
  return mono_ns();
}

static inline uint64_t t_end(void) {
#if defined(__x86_64__)
  if (use_tsc) { /* after the call's instructions have executed */
    unsigned aux;
    return __rdtscp(&aux);
  }
#endif
  return mono_ns();
}

static inline uint64_t to_ns(uint64_t d) {
  if (use_tsc) d = (uint64_t)(((unsigned __int128)d * tsc_mult) >> 32);
  return d > overhead ? d - overhead : 0;
}

static int invariant_tsc(void) {
#if defined(__x86_64__)
  return mmb_cpuinfo_flag(NULL, "constant_tsc") && mmb_cpuinfo_flag(NULL, "nonstop_tsc") &&
         mmb_cpuinfo_flag(NULL, "rdtscp");
#else
  return 0;
#endif
}

static void clock_calibrate(void) {
  if (clock_ready) return;
  clock_ready = 1;
  const char *force = getenv("MMB_LATENCY_CLOCK");
  use_tsc = invariant_tsc() && !(force && strcmp(force, "monotonic") == 0);
#if defined(__x86_64__)
  if (use_tsc) {
    uint64_t n0 = mono_ns(), c0 = __rdtsc(), n1;
    while ((n1 = mono_ns()) - n0 < 5000000) {
    }
    uint64_t c1 = __rdtsc();
    tsc_per_ns = (double)(c1 - c0) / (double)(n1 - n0);
    if (tsc_per_ns <= 0.0)
      use_tsc = 0;
    else
      tsc_mult = (unsigned __int128)(4294967296.0 / tsc_per_ns);
  }
#endif
  overhead = 0;
  uint64_t best = UINT64_MAX;
  for (int i = 0; i < 4000; i++) {
    uint64_t a = t_begin(), b = t_end();
    uint64_t d = to_ns(b - a);
    if (d < best) best = d;
  }
  overhead = best;
}

void mmb_lat_clock_info(const char **name, double *ticks_per_ns, double *overhead_ns) {
  clock_calibrate();
  *name = use_tsc ? "tsc" : "monotonic";
  *ticks_per_ns = use_tsc ? tsc_per_ns : 1.0;
  *overhead_ns = (double)overhead;
}

/* ---------------------------------------------------------------------------
 * Per-thread slots
 * ------------------------------------------------------------------------- */
enum { K_ALLOC = 0, K_FREE = 1 };

struct mmb_lat_slot {
  mmb_lat_hist h[2];     /* allocating calls (malloc, calloc, realloc, aligned_alloc), free */
  unsigned countdown[2]; /* calls left until the next sample */
} __attribute__((aligned(64)));

static mmb_lat_slot slots[MMB_MAX_THREADS];
static atomic_int nslots;
static unsigned every = 1;
static __thread mmb_lat_slot *cur; /* non-NULL only inside the region */

mmb_lat_slot *mmb_lat_thread_claim(void) {
  int i = atomic_fetch_add(&nslots, 1);
  if (i >= MMB_MAX_THREADS) return NULL;
  memset(&slots[i], 0, sizeof slots[i]); /* touch the pages before the region */
  return &slots[i];
}

void mmb_lat_thread_arm(mmb_lat_slot *s) {
  if (!s) return;
  s->countdown[K_ALLOC] = s->countdown[K_FREE] = every;
  cur = s;
}

void mmb_lat_thread_disarm(void) { cur = NULL; }

/* ---------------------------------------------------------------------------
 * The wrapper
 * ------------------------------------------------------------------------- */
static mmb_allocator wrapped;
static const mmb_allocator *inner;

#define SAMPLE(kind, call)                                                                         \
  do {                                                                                             \
    mmb_lat_slot *s_ = cur;                                                                        \
    if (!s_ || --s_->countdown[kind]) {                                                            \
      call;                                                                                        \
    } else {                                                                                       \
      s_->countdown[kind] = every;                                                                 \
      uint64_t t0_ = t_begin();                                                                    \
      call;                                                                                        \
      uint64_t t1_ = t_end();                                                                      \
      hist_add(&s_->h[kind], to_ns(t1_ - t0_));                                                    \
    }                                                                                              \
  } while (0)

static void *lat_malloc(size_t size) {
  void *p;
  SAMPLE(K_ALLOC, p = inner->malloc(size));
  return p;
}

static void lat_free(void *p, size_t size) { SAMPLE(K_FREE, inner->free(p, size)); }

static void *lat_calloc(size_t n, size_t size) {
  void *p;
  SAMPLE(K_ALLOC, p = inner->calloc(n, size));
  return p;
}

static void *lat_realloc(void *q, size_t old_size, size_t new_size) {
  void *p;
  SAMPLE(K_ALLOC, p = inner->realloc(q, old_size, new_size));
  return p;
}

static void *lat_aligned_alloc(size_t align, size_t size) {
  void *p;
  SAMPLE(K_ALLOC, p = inner->aligned_alloc(align, size));
  return p;
}

const mmb_allocator *mmb_latency_wrap(const mmb_allocator *a, unsigned k) {
  if (!a || k == 0) return a;
  clock_calibrate();
  inner = a;
  every = k;
  atomic_store(&nslots, 0);
  wrapped = *a;
  wrapped.caps &= ~(unsigned)MMB_CAP_LIBC; /* every call goes through the timing wrappers */
  if (a->malloc) wrapped.malloc = lat_malloc;
  if (a->free) wrapped.free = lat_free;
  if (a->calloc) wrapped.calloc = lat_calloc;
  if (a->realloc) wrapped.realloc = lat_realloc;
  if (a->aligned_alloc) wrapped.aligned_alloc = lat_aligned_alloc;
  return &wrapped;
}

void mmb_latency_report(mmb_record *rec) {
  static const char *const cols[2][5] = {{"lat_malloc_p50_ns", "lat_malloc_p90_ns",
                                          "lat_malloc_p99_ns", "lat_malloc_p999_ns",
                                          "lat_malloc_max_ns"},
                                         {"lat_free_p50_ns", "lat_free_p90_ns", "lat_free_p99_ns",
                                          "lat_free_p999_ns", "lat_free_max_ns"}};
  static const double qs[4] = {0.50, 0.90, 0.99, 0.999};
  static mmb_lat_hist sum[2]; /* ~9 KiB each: static, not on the stack */
  memset(sum, 0, sizeof sum);
  int n = atomic_load(&nslots);
  if (n > MMB_MAX_THREADS) n = MMB_MAX_THREADS;
  for (int i = 0; i < n; i++)
    for (int k = 0; k < 2; k++) mmb_lat_hist_merge(&sum[k], &slots[i].h[k]);
  for (int k = 0; k < 2; k++) {
    if (sum[k].n == 0) continue; /* not measured: empty, not 0 */
    for (int j = 0; j < 4; j++)
      mmb_record_set_u64(rec, cols[k][j], mmb_lat_hist_quantile(&sum[k], qs[j]));
    mmb_record_set_u64(rec, cols[k][4], sum[k].max);
  }
  if (n > 0) mmb_record_set_u64(rec, "lat_samples", sum[0].n + sum[1].n);
}
