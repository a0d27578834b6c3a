/* mmbench — Boehm-Demers-Weiser conservative GC (libgc) as the `boehm`
 * adapter.
 *
 * Object graphs: GC_MALLOC (GC_MALLOC_ATOMIC for objects without slots),
 * plain slot stores, no-op retain / drop, GC_gcollect. Roots on a thread's
 * stack are found by Boehm's own stack scan; add_root of a location outside
 * the stack (a field of a malloc'ed struct) registers it with GC_add_roots.
 * Heap growth: set_heap_growth(x) or tune("growth", x) -> GC_set_free_space_divisor(round(2 / x))
 * (Boehm allocates about 2 x traced bytes / divisor between collections, so
 * x is the same "bytes allocated per live byte" as gc's factor; the
 * divisor is an integer >= 1, so x above 2 saturates at 2 and factors other
 * than 2 / d are rounded to the nearest 2 / d), set("fsd", d) / env MMB_BOEHM_FSD set the divisor
 * directly, set("heap_mb", m) / env MMB_BOEHM_HEAP_MB pre-grow the heap
 * (GC_expand_hp).
 *
 * Malloc-level calls: GC_MALLOC_ATOMIC_UNCOLLECTABLE / GC_FREE / GC_REALLOC:
 * Boehm's allocator used as an explicit malloc (nothing is collected, so a
 * workload that keeps its pointers in libc memory stays correct).
 *
 * Threads: the harness creates workers with plain pthread_create, so
 * thread_attach registers the thread (GC_register_my_thread) and
 * thread_detach unregisters it. tune("threads", n), called by the cell before
 * init, limits Boehm's parallel marking to n marker threads in all (the
 * collecting thread and n - 1 helpers: GC_set_markers_count), so a cell of
 * n threads collects on at most n CPUs; GC_MARKERS in the environment (an
 * allocator setting, boehm[GC_MARKERS=k]) overrides it. */
#define _GNU_SOURCE /* pthread_getattr_np */
#include "mmb_config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocator.h"
#include "objgraph.h"

#if MMB_HAVE_BOEHM

#define GC_THREADS 1
#include <gc/gc.h>
#include <gc/gc_inline.h> /* GC_I_NORMAL, GC_I_PTRFREE */
#include <gc/gc_mark.h>
#include <pthread.h>

static __thread int tls_registered;
static __thread uintptr_t tls_stack_lo, tls_stack_hi;
/* Objects made, per thread: records live until exit (a few bytes each) so
 * that a collection can add up every thread's count, running or gone. */
typedef struct bthread {
  struct bthread *next;
  uint64_t allocated;
} bthread;
static __thread bthread *tls_bt;
static bthread *g_threads;
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static uint64_t g_live;      /* our objects marked by the last collect() */
static uint64_t g_reclaimed; /* allocated - live at the last collect() */
static uint64_t g_baseline;  /* reachable objects of our kinds at init */
static GC_word g_gc_no0;

/* ---------------------------------------------------------------------------
 * Set-up
 * ------------------------------------------------------------------------- */
static void stack_bounds(void) {
  pthread_attr_t attr;
  void *lo;
  size_t size;
  tls_stack_lo = tls_stack_hi = 0;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return;
  if (pthread_attr_getstack(&attr, &lo, &size) == 0) {
    tls_stack_lo = (uintptr_t)lo;
    tls_stack_hi = (uintptr_t)lo + size;
  }
  pthread_attr_destroy(&attr);
}

static bthread *bt_self(void) {
  if (tls_bt) return tls_bt;
  bthread *t = calloc(1, sizeof *t);
  if (!t) return NULL;
  pthread_mutex_lock(&g_mu);
  t->next = g_threads;
  g_threads = t;
  pthread_mutex_unlock(&g_mu);
  return tls_bt = t;
}

static uint64_t allocated_total(void) {
  uint64_t n = 0;
  pthread_mutex_lock(&g_mu);
  for (bthread *t = g_threads; t; t = t->next)
    n += __atomic_load_n(&t->allocated, __ATOMIC_RELAXED);
  pthread_mutex_unlock(&g_mu);
  return n;
}

static int on_my_stack(const void *p) {
  if (!tls_stack_hi) stack_bounds();
  return (uintptr_t)p >= tls_stack_lo && (uintptr_t)p < tls_stack_hi;
}

typedef struct count_arg {
  uint64_t n;
} count_arg;

static void GC_CALLBACK count_one(void *obj, size_t bytes, void *data) {
  (void)bytes;
  int kind = GC_get_kind_and_size(obj, NULL);
  if (kind == GC_I_NORMAL || kind == GC_I_PTRFREE) ((count_arg *)data)->n++;
}

static void *GC_CALLBACK count_locked(void *data) {
  GC_enumerate_reachable_objects_inner(count_one, data);
  return NULL;
}

/* Objects of our kinds marked by the collection just done. */
static uint64_t count_reachable(void) {
  count_arg a = {0};
  GC_call_with_alloc_lock(count_locked, &a);
  return a.n;
}

static int set_fsd(double d) {
  if (!(d >= 1.0 && d <= 1000.0)) return -EINVAL;
  GC_set_free_space_divisor((GC_word)(d + 0.5));
  return 0;
}

static unsigned g_markers; /* tune("threads"): marker threads in all, 0 = Boehm decides */

static int boehm_growth(double v) {
  if (!(v > 0.0 && v <= 1000.0)) return -EINVAL;
  double d = 2.0 / v;
  return set_fsd(d < 1.0 ? 1.0 : d > 1000.0 ? 1000.0 : d);
}

static int boehm_set(const char *key, double v) {
  if (strcmp(key, "threads") == 0) {
    if (!(v >= 1.0 && v <= 4096.0)) return -EINVAL;
    g_markers = (unsigned)v;
    return 0;
  }
  if (strcmp(key, "growth") == 0) return boehm_growth(v);
  if (strcmp(key, "fsd") == 0) return set_fsd(v);
  if (strcmp(key, "heap_mb") == 0) {
    if (!(v >= 0.0 && v <= 1048576.0)) return -EINVAL;
    if (v > 0.0 && !GC_expand_hp((size_t)(v * 1048576.0))) return -ENOMEM;
    return 0;
  }
  return -EINVAL;
}

static int env_apply(const char *name, const char *key) {
  const char *s = getenv(name);
  if (!s || !*s) return 0;
  char *end;
  double v = strtod(s, &end);
  if (*end) return -EINVAL;
  return boehm_set(key, v);
}

static int boehm_init(void) {
  const char *env = getenv("GC_MARKERS");
  if (g_markers && !(env && *env)) GC_set_markers_count(g_markers);
  GC_INIT();
  GC_allow_register_threads();
  stack_bounds();
  int rc = env_apply("MMB_BOEHM_FSD", "fsd");
  if (rc == 0) rc = env_apply("MMB_BOEHM_HEAP_MB", "heap_mb");
  if (rc != 0) return rc;
  GC_gcollect();
  g_baseline = count_reachable();
  g_gc_no0 = GC_get_gc_no();
  pthread_mutex_lock(&g_mu);
  for (bthread *t = g_threads; t; t = t->next) __atomic_store_n(&t->allocated, 0, __ATOMIC_RELAXED);
  pthread_mutex_unlock(&g_mu);
  g_live = g_reclaimed = 0;
  return 0;
}

static void boehm_thread_attach(void) {
  struct GC_stack_base sb;
  stack_bounds();
  if (tls_registered || GC_get_stack_base(&sb) != GC_SUCCESS) return;
  tls_registered = GC_register_my_thread(&sb) == GC_SUCCESS;
}

static void boehm_thread_detach(void) {
  if (tls_registered) {
    GC_unregister_my_thread();
    tls_registered = 0;
  }
}

static const char *boehm_version(void) {
  static char buf[32];
  unsigned v = GC_get_version();
  snprintf(buf, sizeof buf, "%u.%u.%u", v >> 16, (v >> 8) & 0xff, v & 0xff);
  return buf;
}

/* ---------------------------------------------------------------------------
 * Object graphs
 * ------------------------------------------------------------------------- */
static mmb_obj *b_new(unsigned nslots, size_t payload) {
  size_t bytes = mmb_obj_bytes(nslots, payload);
  void *p = nslots ? GC_MALLOC(bytes ? bytes : 1) : GC_MALLOC_ATOMIC(bytes ? bytes : 1);
  bthread *t = tls_bt ? tls_bt : bt_self();
  if (p && t) __atomic_store_n(&t->allocated, t->allocated + 1, __ATOMIC_RELAXED);
  return p; /* GC_MALLOC clears: the slots are NULL */
}
static void b_store(mmb_obj *o, unsigned i, mmb_obj *v) { ((mmb_obj **)(void *)o)[i] = v; }
static void b_nothing(mmb_obj *o) { (void)o; }
static void b_idle(void) {}
static void b_add_root(mmb_obj **loc) {
  if (!on_my_stack(loc)) GC_add_roots(loc, loc + 1);
}
static void b_remove_root(mmb_obj **loc) {
  if (!on_my_stack(loc)) GC_remove_roots(loc, loc + 1);
}

static void b_collect(void) {
  GC_gcollect();
  uint64_t reach = count_reachable();
  uint64_t live = reach > g_baseline ? reach - g_baseline : 0;
  uint64_t alloc = allocated_total();
  g_live = live;
  g_reclaimed = alloc > live ? alloc - live : 0;
}

static void b_counts(mmb_graph_counts *c) {
  c->allocated = allocated_total();
  c->live = g_live;
  c->reclaimed = g_reclaimed;
  c->collections = GC_get_gc_no() - g_gc_no0;
}

static const struct mmb_graph_ops boehm_graph_ops = {
    .flags = MMB_GRAPH_TRACED | MMB_GRAPH_CYCLES | MMB_GRAPH_CONSERVATIVE,
    .new_obj = b_new,
    .store = b_store,
    .put = b_store,
    .retain = b_nothing,
    .release = b_nothing,
    .drop = b_nothing,
    .share = b_nothing,
    .add_root = b_add_root,
    .remove_root = b_remove_root,
    .collect = b_collect,
    .idle = b_idle,
    .counts = b_counts,
    .set_heap_growth = boehm_growth,
};

/* Like gc's: a last full collection first (after the measured region), so
 * that `reclaimed` covers all the garbage; `collections` excludes it. */
static int boehm_stats(mmb_alloc_stats *st) {
  GC_word runs = GC_get_gc_no() - g_gc_no0;
  b_collect();
  mmb_graph_counts c;
  b_counts(&c);
  memset(st, 0, sizeof *st);
  st->collections = runs;
  st->reclaimed = c.reclaimed;
  st->reserved = GC_get_heap_size();
  return 0;
}

/* ---------------------------------------------------------------------------
 * Malloc-level calls: Boehm's allocator with explicit free, nothing collected
 * ------------------------------------------------------------------------- */
static void *boehm_malloc(size_t size) { return GC_MALLOC_ATOMIC_UNCOLLECTABLE(size ? size : 1); }
static void boehm_free(void *p, size_t size) {
  (void)size;
  if (p) GC_FREE(p);
}
static void *boehm_calloc(size_t n, size_t size) {
  if (size && n > SIZE_MAX / size) {
    errno = ENOMEM;
    return NULL;
  }
  void *p = boehm_malloc(n * size);
  if (p) memset(p, 0, n * size);
  return p;
}
static void *boehm_realloc(void *p, size_t old_size, size_t new_size) {
  (void)old_size;
  if (!p) return boehm_malloc(new_size);
  return GC_REALLOC(p, new_size ? new_size : 1);
}

const mmb_allocator mmb_alloc_boehm = {
    .name = "boehm",
    .description = "Boehm-Demers-Weiser conservative mark-sweep GC (libgc)",
    .kind = MMB_KIND_MANAGED,
    .caps = MMB_CAP_FREE | MMB_CAP_REALLOC | MMB_CAP_THREADS | MMB_CAP_GRAPH | MMB_CAP_STATS,
    .library = "",
    .init = boehm_init,
    .thread_attach = boehm_thread_attach,
    .thread_detach = boehm_thread_detach,
    .malloc = boehm_malloc,
    .free = boehm_free,
    .calloc = boehm_calloc,
    .realloc = boehm_realloc,
    .stats = boehm_stats,
    .version = boehm_version,
    .tune = boehm_set,
    .graph = &boehm_graph_ops,
};

#else

const mmb_allocator mmb_alloc_boehm = {
    .name = "boehm",
    .description = "Boehm-Demers-Weiser conservative mark-sweep GC (libgc)",
    .kind = MMB_KIND_MANAGED,
    .caps = MMB_CAP_GRAPH | MMB_CAP_STATS,
    .library = "",
    .unavailable = "not found at build time: install libgc-dev",
};

#endif
