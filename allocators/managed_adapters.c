/* mmbench — the managed adapters over the base malloc: `manual` (explicit
 * free, the baseline), `rc`, `rc+cc` and `gc` (`boehm` is in
 * boehm_adapter.c). All call plain libc malloc / free, so they run over
 * glibc or over any malloc the harness preloads.
 *
 * Malloc-level workloads:
 *   manual  libc malloc / free (identical to the preloaded malloc);
 *   rc      a block is a counted object without slots: malloc = new object,
 *           free = release of the one reference (header + count overhead);
 *   gc      none: a precise collector needs every reference in a root or a
 *           slot, and malloc-level workloads keep pointers in plain memory,
 *           so gc offers only the object-graph API (malloc is NULL). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "allocator.h"
#include "libc_calls.h"
#include "mmb_config.h"
#include "gc.h"
#include "objgraph.h"
#include "rc.h"

/* ---------------------------------------------------------------------------
 * manual: the program frees every object explicitly
 * ------------------------------------------------------------------------- */
static __thread uint64_t man_alloc, man_freed;
static uint64_t man_g_alloc, man_g_freed;

static mmb_obj *man_new(unsigned nslots, size_t payload) {
  if (nslots > (1u << 28)) {
    errno = EINVAL;
    return NULL;
  }
  size_t bytes = mmb_obj_bytes(nslots, payload);
  mmb_obj **o = malloc(bytes ? bytes : 1);
  if (!o) return NULL;
  mmb_obj_clear_slots(o, nslots);
  man_alloc++;
  return (mmb_obj *)(void *)o;
}
static void man_store(mmb_obj *o, unsigned i, mmb_obj *v) { ((mmb_obj **)(void *)o)[i] = v; }
static void man_nothing(mmb_obj *o) { (void)o; }
static void man_drop(mmb_obj *o) {
  if (!o) return;
  free(o);
  man_freed++;
}
static void man_root(mmb_obj **loc) { (void)loc; }
static void man_collect(void) {}
static void man_idle(void) {}
static void man_counts(mmb_graph_counts *c) {
  c->allocated = __atomic_load_n(&man_g_alloc, __ATOMIC_RELAXED) + man_alloc;
  c->reclaimed = __atomic_load_n(&man_g_freed, __ATOMIC_RELAXED) + man_freed;
  c->live = c->allocated - c->reclaimed;
  c->collections = 0;
}

static const struct mmb_graph_ops manual_graph_ops = {
    .flags = MMB_GRAPH_EXPLICIT | MMB_GRAPH_CYCLES,
    .new_obj = man_new,
    .store = man_store,
    .put = man_store,
    .retain = man_nothing,
    .release = man_nothing,
    .drop = man_drop,
    .share = man_nothing,
    .add_root = man_root,
    .remove_root = man_root,
    .collect = man_collect,
    .idle = man_idle,
    .counts = man_counts,
};

static int man_init(void) {
  __atomic_store_n(&man_g_alloc, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&man_g_freed, 0, __ATOMIC_RELAXED);
  man_alloc = man_freed = 0;
  return 0;
}
static void man_detach(void) {
  __atomic_fetch_add(&man_g_alloc, man_alloc, __ATOMIC_RELAXED);
  __atomic_fetch_add(&man_g_freed, man_freed, __ATOMIC_RELAXED);
  man_alloc = man_freed = 0;
}

/* stats() from graph counts, shared by the adapters here. */
static int fill_stats(const struct mmb_graph_ops *ops, mmb_alloc_stats *st) {
  mmb_graph_counts c;
  ops->counts(&c);
  memset(st, 0, sizeof *st);
  st->collections = c.collections;
  st->reclaimed = c.reclaimed;
  return 0;
}
static int man_stats(mmb_alloc_stats *st) { return fill_stats(&manual_graph_ops, st); }

const mmb_allocator mmb_alloc_manual = {
    .name = "manual",
    .description = "object graphs freed explicitly by the program over the base malloc",
    .kind = MMB_KIND_MANAGED,
    .caps = MMB_CAP_MALLOC | MMB_CAP_GRAPH | MMB_CAP_STATS | MMB_CAP_BASE_MALLOC,
    .library = "",
    .init = man_init,
    .thread_detach = man_detach,
    .malloc = mmb_libc_malloc,
    .free = mmb_libc_free,
    .calloc = mmb_libc_calloc,
    .realloc = mmb_libc_realloc,
    .aligned_alloc = mmb_libc_aligned_alloc,
    .stats = man_stats,
    .graph = &manual_graph_ops,
};

/* ---------------------------------------------------------------------------
 * rc and rc+cc
 * ------------------------------------------------------------------------- */
static int rc_init(void) { return mmb_rc_init(0, 0); }
static int rc_cc_init(void) { return mmb_rc_init(1, 0); }
static int rc_stats(mmb_alloc_stats *st) { return fill_stats(&mmb_rc_graph_ops, st); }
static int rc_set(const char *key, double v) {
  if (strcmp(key, "cc_buffer") == 0) {
    if (!(v >= 1.0 && v <= 4294967296.0)) return -EINVAL;
    return mmb_rc_set_buffer((size_t)v);
  }
  return -EINVAL;
}

static void *rc_malloc(size_t size) { return mmb_rc_new(0, size); }
static void rc_free(void *p, size_t size) {
  (void)size;
  mmb_rc_release(p);
}
static void *rc_calloc(size_t n, size_t size) {
  if (size && n > SIZE_MAX / size) {
    errno = ENOMEM;
    return NULL;
  }
  void *p = mmb_rc_new(0, n * size);
  if (p) memset(p, 0, n * size);
  return p;
}
static void *rc_realloc(void *p, size_t old_size, size_t new_size) {
  void *q = mmb_rc_new(0, new_size);
  if (!q) return NULL;
  if (p) {
    memcpy(q, p, old_size < new_size ? old_size : new_size);
    mmb_rc_release(p);
  }
  return q;
}

#define RC_CAPS (MMB_CAP_FREE | MMB_CAP_REALLOC | MMB_CAP_THREADS | MMB_CAP_GRAPH | MMB_CAP_STATS)

const mmb_allocator mmb_alloc_rc = {
    .name = "rc",
    .description = "reference counting over the base malloc (cycles leak)",
    .kind = MMB_KIND_MANAGED,
    .caps = RC_CAPS,
    .library = "",
    .init = rc_init,
    .fini = mmb_rc_fini,
    .thread_detach = mmb_rc_thread_detach,
    .malloc = rc_malloc,
    .free = rc_free,
    .calloc = rc_calloc,
    .realloc = rc_realloc,
    .stats = rc_stats,
    .tune = rc_set,
    .graph = &mmb_rc_graph_ops,
};

const mmb_allocator mmb_alloc_rc_cc = {
    .name = "rc+cc",
    .description = "reference counting + trial-deletion cycle collection (Bacon & Rajan 2001)",
    .kind = MMB_KIND_MANAGED,
    .caps = RC_CAPS,
    .library = "",
    .init = rc_cc_init,
    .fini = mmb_rc_fini,
    .thread_detach = mmb_rc_thread_detach,
    .malloc = rc_malloc,
    .free = rc_free,
    .calloc = rc_calloc,
    .realloc = rc_realloc,
    .stats = rc_stats,
    .tune = rc_set,
    .graph = &mmb_rc_cc_graph_ops,
};

/* ---------------------------------------------------------------------------
 * gc
 * ------------------------------------------------------------------------- */
/* A last full collection first, so that `reclaimed` counts all the garbage
 * the program left (as manual and rc do by the end); `collections` counts
 * the ones the program ran. Called after the measured region. */
static int gc_stats(mmb_alloc_stats *st) {
  mmb_graph_counts before;
  mmb_gc_counts(&before);
  mmb_gc_collect();
  fill_stats(&mmb_gc_graph_ops, st);
  st->collections = before.collections;
  return 0;
}
static int gc_set(const char *key, double v) {
  if (strcmp(key, "growth") == 0) return mmb_gc_set_growth(v);
  if (strcmp(key, "min_bytes") == 0) return mmb_gc_set_min_bytes(v);
  return -EINVAL;
}
static const char *gc_version(void) { return "mmbench " MMB_VERSION; }

const mmb_allocator mmb_alloc_gc = {
    .name = "gc",
    .description = "precise mark-sweep GC over the base malloc (growth policy: set growth=x)",
    .kind = MMB_KIND_MANAGED,
    .caps = MMB_CAP_THREADS | MMB_CAP_GRAPH | MMB_CAP_STATS,
    .library = "",
    .init = mmb_gc_init,
    .fini = mmb_gc_fini,
    .thread_attach = mmb_gc_thread_attach,
    .thread_detach = mmb_gc_thread_detach,
    .stats = gc_stats,
    .version = gc_version,
    .tune = gc_set,
    .graph = &mmb_gc_graph_ops,
};
