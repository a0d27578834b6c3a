/* mmbench — workload family 'graph': object-graph workloads run through the
 * objgraph.h API, so the same code runs under explicit free (manual), reference
 * counting (rc, rc+cc) and tracing (gc, boehm).
 *
 *   binary-trees  GCBench (Ellis, Kovac, Boehm): a long-lived tree and array
 *                 stay live while trees of depth 4..D are built (top-down and
 *                 bottom-up), checked and dropped.
 *   heap-sweep    binary-trees with the collector's growth factor as a
 *                 parameter (time vs peak RSS, Hertz & Berger OOPSLA 2005).
 *   cycles        garbage rings; every keep-th ring stays live. The objects
 *                 reclaimed are the allocator's stats (reclaimed column).
 *   list-churn    per-thread queues: push a node, pop a node.
 *   shared-graph  threads walk a shared random graph, retaining and
 *                 releasing every node they visit (atomic counts under rc).
 *
 * Every object's payload holds a pattern derived from its index, checked
 * before the object is dropped and, for what stays live, in verify. The
 * checksum covers the payload words walked, so it is the same under every
 * allocator. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "objgraph.h"
#include "wl_util.h"

/* ---------------------------------------------------------------------------
 * Shared helpers
 * ------------------------------------------------------------------------- */
typedef struct per_thread {
  uint64_t sum; /* checksum contribution (order-independent) */
  uint64_t ops;
  int bad;
  char why[120];
} __attribute__((aligned(64))) per_thread;

static inline const struct mmb_graph_ops *gops(const mmb_ctx *ctx) { return ctx->alloc->graph; }

static inline uint64_t obj_tag(uint64_t a, uint64_t b) {
  return (a * 0x9e3779b97f4a7c15ull) ^ (b * 0xc2b2ae3d27d4eb4full) ^ (b >> 17);
}

static void fill(mmb_obj *o, unsigned nslots, size_t payload, uint64_t tag) {
  mmb_pattern_fill(mmb_obj_payload(o, nslots), payload, tag);
}

/* Marks the thread failed; only the first reason is kept. */
__attribute__((format(printf, 2, 3))) static void fail(per_thread *pt, const char *fmt, ...) {
  if (pt->bad) return;
  pt->bad = 1;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(pt->why, sizeof pt->why, fmt, ap);
  va_end(ap);
}

/* Checks o's payload; returns its first word for the checksum. */
static uint64_t check(per_thread *pt, mmb_obj *o, unsigned nslots, size_t payload, uint64_t tag) {
  const void *p = mmb_obj_payload(o, nslots);
  if (!mmb_pattern_check(p, payload, tag))
    fail(pt, "object payload changed (tag %016llx)", (unsigned long long)tag);
  uint64_t w = 0;
  memcpy(&w, p, payload < 8 ? payload : 8);
  return w;
}

static void oom(per_thread *pt) { fail(pt, "new_obj failed: %s", strerror(errno)); }

/* Zeroed state of size bytes, set as ctx->state; NULL with ctx->reason. */
static void *state_new(mmb_ctx *ctx, size_t size) {
  void *st = calloc(1, size);
  if (!st) snprintf(ctx->reason, sizeof ctx->reason, "out of memory");
  ctx->state = st;
  return st;
}

/* One zeroed record per thread; NULL with ctx->reason. */
static per_thread *threads_new(mmb_ctx *ctx) {
  per_thread *pt = calloc((size_t)ctx->threads, sizeof(per_thread));
  if (!pt) snprintf(ctx->reason, sizeof ctx->reason, "out of memory");
  return pt;
}

/* Thread tid's part of n units dealt out round robin. */
static inline uint64_t dealt(uint64_t n, int threads, int tid) {
  return n / (uint64_t)threads + ((uint64_t)tid < n % (uint64_t)threads);
}

/* verify's common part: collect per-thread failures and checksums. */
static int gather(mmb_ctx *ctx, per_thread *pt, uint64_t *sum) {
  for (int t = 0; t < ctx->threads; t++) {
    *sum += pt[t].sum;
    if (pt[t].bad) {
      snprintf(ctx->reason, sizeof ctx->reason, "thread %d: %s", t, pt[t].why);
      return -1;
    }
  }
  return 0;
}

/* ---------------------------------------------------------------------------
 * binary-trees and heap-sweep
 * ------------------------------------------------------------------------- */
enum { BT_DEPTH, BT_LIVED, BT_ARRAY, BT_ITER, BT_PAYLOAD, BT_GROWTH };

#define TREE_STRETCH (1ull << 62)
#define TREE_LIVED (1ull << 61)

typedef struct bt_state {
  mmb_obj *lived; /* long-lived tree (a root) */
  mmb_obj *array; /* long-lived pointer-free array (a root) */
  int depth, lived_depth;
  uint64_t array_len;
  uint64_t iterations;
  size_t payload;
  per_thread *pt;
  per_thread setup_pt;
} bt_state;

typedef struct tree_ctx {
  const struct mmb_graph_ops *g;
  per_thread *pt;
  size_t payload;
  uint64_t tree; /* tree id for the tags */
} tree_ctx;

static inline uint64_t tree_nodes(int d) { return (2ull << d) - 1; }

/* GCBench Populate: node exists and is reachable; give it children. */
static void populate(tree_ctx *tc, mmb_obj *node, int d, uint64_t idx) {
  fill(node, 2, tc->payload, obj_tag(tc->tree, idx));
  tc->pt->ops++;
  if (d <= 0) return;
  mmb_obj *l = tc->g->new_obj(2, tc->payload);
  if (!l) {
    oom(tc->pt);
    return;
  }
  tc->g->put(node, 0, l);
  mmb_obj *r = tc->g->new_obj(2, tc->payload);
  if (!r) {
    oom(tc->pt);
    return;
  }
  tc->g->put(node, 1, r);
  populate(tc, l, d - 1, 2 * idx);
  populate(tc, r, d - 1, 2 * idx + 1);
}

/* GCBench MakeTree: children first, then the parent (roots held meanwhile). */
static mmb_obj *make_tree(tree_ctx *tc, int d, uint64_t idx) {
  const struct mmb_graph_ops *g = tc->g;
  mmb_obj *l = NULL, *r = NULL;
  if (d > 0) {
    l = make_tree(tc, d - 1, 2 * idx);
    g->add_root(&l);
    r = make_tree(tc, d - 1, 2 * idx + 1);
    g->add_root(&r);
  }
  mmb_obj *n = g->new_obj(2, tc->payload);
  if (d > 0) {
    g->remove_root(&r);
    g->remove_root(&l);
  }
  if (!n) {
    oom(tc->pt);
    g->drop(l), g->drop(r);
    return NULL;
  }
  fill(n, 2, tc->payload, obj_tag(tc->tree, idx));
  tc->pt->ops++;
  if (d > 0) {
    g->put(n, 0, l);
    g->put(n, 1, r);
  }
  return n;
}

/* Full content walk: every node's pattern and the tree's shape. */
static uint64_t walk_tree(tree_ctx *tc, mmb_obj *n, int d, uint64_t idx) {
  if (!n) {
    fail(tc->pt, "tree node missing at depth %d", d);
    return 0;
  }
  uint64_t s = check(tc->pt, n, 2, tc->payload, obj_tag(tc->tree, idx));
  if (d > 0) {
    s += walk_tree(tc, mmb_obj_get(n, 0), d - 1, 2 * idx);
    s += walk_tree(tc, mmb_obj_get(n, 1), d - 1, 2 * idx + 1);
  } else if (mmb_obj_get(n, 0) || mmb_obj_get(n, 1)) {
    fail(tc->pt, "leaf has children");
  }
  return s;
}

/* manual: the program frees what it built, node by node. */
static void free_tree(const struct mmb_graph_ops *g, mmb_obj *n) {
  if (!n) return;
  free_tree(g, mmb_obj_get(n, 0));
  free_tree(g, mmb_obj_get(n, 1));
  g->drop(n);
}

static void release_tree(const struct mmb_graph_ops *g, mmb_obj *n) {
  if (g->flags & MMB_GRAPH_EXPLICIT)
    free_tree(g, n);
  else
    g->drop(n);
}

/* Build a tree (top-down or bottom-up), check it, drop it. */
static void temp_tree(tree_ctx *tc, int d, int bottom_up) {
  const struct mmb_graph_ops *g = tc->g;
  mmb_obj *root = NULL;
  g->add_root(&root);
  if (bottom_up) {
    root = make_tree(tc, d, 1);
  } else {
    root = g->new_obj(2, tc->payload);
    if (root)
      populate(tc, root, d, 1);
    else
      oom(tc->pt);
  }
  if (root) tc->pt->sum = mmb_mix(tc->pt->sum, walk_tree(tc, root, d, 1) ^ tc->tree);
  g->remove_root(&root);
  release_tree(g, root);
}

static int bt_setup(mmb_ctx *ctx) {
  const struct mmb_graph_ops *g = gops(ctx);
  bt_state *st = state_new(ctx, sizeof *st);
  if (!st || !(st->pt = threads_new(ctx))) return -1;
  st->depth = (int)ctx->p[BT_DEPTH];
  st->lived_depth = (int)ctx->p[BT_LIVED];
  st->array_len = (uint64_t)ctx->p[BT_ARRAY];
  st->iterations = (uint64_t)ctx->p[BT_ITER];
  st->payload = (size_t)ctx->p[BT_PAYLOAD];
  g->add_root(&st->lived);
  g->add_root(&st->array);
  tree_ctx tc = {g, &st->setup_pt, st->payload, TREE_LIVED};
  st->lived = g->new_obj(2, st->payload);
  if (st->lived) populate(&tc, st->lived, st->lived_depth, 1);
  st->array = g->new_obj(0, st->array_len * 8);
  if (!st->lived || !st->array || st->setup_pt.bad) {
    snprintf(ctx->reason, sizeof ctx->reason, "building the long-lived data failed: %s",
             strerror(errno));
    return -1;
  }
  mmb_pattern_fill(mmb_obj_payload(st->array, 0), st->array_len * 8, TREE_LIVED ^ 0xa77a7);
  uint64_t node = mmb_obj_bytes(2, st->payload);
  ctx->live_bytes = (tree_nodes(st->lived_depth) + tree_nodes(st->depth + 1) +
                     (uint64_t)(ctx->threads - 1) * tree_nodes(st->depth)) *
                        node +
                    mmb_obj_bytes(0, st->array_len * 8);
  return 0;
}

static int hs_setup(mmb_ctx *ctx) {
  /* The growth factor is the collector's; manual and rc have none. */
  const struct mmb_graph_ops *g = gops(ctx);
  if (g->set_heap_growth) {
    int rc = g->set_heap_growth((double)ctx->p[BT_GROWTH] / 100.0);
    if (rc != 0) {
      snprintf(ctx->reason, sizeof ctx->reason, "heap growth %lld%% refused: %s", ctx->p[BT_GROWTH],
               strerror(-rc));
      return -1;
    }
  }
  return bt_setup(ctx);
}

static uint64_t bt_run(mmb_ctx *ctx, int tid) {
  bt_state *st = ctx->state;
  per_thread *pt = &st->pt[tid];
  tree_ctx tc = {gops(ctx), pt, st->payload, 0};
  if (tid == 0) {
    tc.tree = TREE_STRETCH;
    temp_tree(&tc, st->depth + 1, 0);
  }
  for (int d = 4; d <= st->depth && !pt->bad; d += 2) {
    uint64_t n = st->iterations << (st->depth - d);
    for (uint64_t i = (uint64_t)tid; i < n && !pt->bad; i += (uint64_t)ctx->threads) {
      tc.tree = ((uint64_t)d << 48) | i;
      temp_tree(&tc, d, (int)(i & 1));
    }
  }
  tc.g->idle();
  return pt->ops;
}

static int bt_verify(mmb_ctx *ctx) {
  bt_state *st = ctx->state;
  uint64_t sum = 0;
  if (gather(ctx, st->pt, &sum) != 0) return -1;
  tree_ctx tc = {gops(ctx), &st->setup_pt, st->payload, TREE_LIVED};
  sum = mmb_mix(sum, walk_tree(&tc, st->lived, st->lived_depth, 1));
  if (!mmb_pattern_check(mmb_obj_payload(st->array, 0), st->array_len * 8, TREE_LIVED ^ 0xa77a7)) {
    snprintf(ctx->reason, sizeof ctx->reason, "long-lived array changed");
    return -1;
  }
  if (st->setup_pt.bad) {
    snprintf(ctx->reason, sizeof ctx->reason, "long-lived tree: %s", st->setup_pt.why);
    return -1;
  }
  ctx->checksum = sum;
  return 0;
}

static void bt_teardown(mmb_ctx *ctx) {
  bt_state *st = ctx->state;
  if (!st) return;
  const struct mmb_graph_ops *g = gops(ctx);
  g->remove_root(&st->array);
  g->remove_root(&st->lived);
  release_tree(g, st->lived);
  g->drop(st->array);
  free(st->pt);
  free(st);
  ctx->state = NULL;
}

/* The parameters of binary-trees; heap-sweep adds growth. */
/* clang-format off */
#define BT_PARAM_ROWS \
  {"depth", MMB_P_INT, 16, 4, 24, NULL, NULL, 0, "depth D of the largest temporary trees (4..D, step 2)"}, \
  {"lived", MMB_P_INT, 16, 0, 22, NULL, NULL, 0, "depth of the long-lived tree"}, \
  {"array", MMB_P_INT, 500000, 0, 1 << 26, NULL, NULL, 0, "elements (8 bytes) of the long-lived array"}, \
  {"iterations", MMB_P_INT, 4, 1, 1 << 20, NULL, NULL, MMB_PF_WORK, \
   "trees per depth d are iterations x 2^(D-d) (half top-down, half bottom-up)"}, \
  {"payload", MMB_P_INT, 8, 8, 4096, NULL, NULL, MMB_PF_BYTES, "payload bytes per node (besides 2 slots)"}
/* clang-format on */

static const mmb_param bt_params[] = {
    BT_PARAM_ROWS,
    {NULL, 0, 0, 0, 0, NULL, NULL, 0, NULL},
};

static const mmb_param hs_params[] = {
    BT_PARAM_ROWS,
    {"growth", MMB_P_INT, 100, 10, 100000, NULL, NULL, 0,
     "collector heap growth in percent: collect after allocating growth% of the live bytes "
     "(gc, boehm; ignored by manual and rc)"},
    {NULL, 0, 0, 0, 0, NULL, NULL, 0, NULL},
};

static const mmb_workload wl_binary_trees = {
    .name = "binary-trees",
    .family = "graph",
    .description =
        "GCBench: long-lived tree + array live while trees of depth 4..D are built and dropped",
    .follows = "GCBench (Ellis, Kovac, Boehm)",
    .params = bt_params,
    .needs = MMB_CAP_GRAPH,
    .min_threads = 1,
    .setup = bt_setup,
    .run = bt_run,
    .verify = bt_verify,
    .teardown = bt_teardown,
};

static const mmb_workload wl_heap_sweep = {
    .name = "heap-sweep",
    .family = "graph",
    .description = "binary-trees over a range of heap-growth factors: time vs peak RSS",
    .follows = "Hertz & Berger, OOPSLA 2005",
    .params = hs_params,
    .needs = MMB_CAP_GRAPH,
    .min_threads = 1,
    /* factors Boehm's integer free-space divisor d = 2 / growth expresses
     * (d = 8, 5, 4, 3, 2, 1), so boehm and gc run at matched factors; 67 is
     * the default of both */
    .sweep = "growth=25,40,50,67,100,200",
    .heap_growth_param = "growth",
    .setup = hs_setup,
    .run = bt_run,
    .verify = bt_verify,
    .teardown = bt_teardown,
};

/* ---------------------------------------------------------------------------
 * cycles
 * ------------------------------------------------------------------------- */
enum { CY_RINGS, CY_RING, CY_PAYLOAD, CY_KEEP };

typedef struct cy_state {
  mmb_obj **keeper; /* per thread: an object whose slots hold the kept rings (roots) */
  uint64_t *nkept;
  uint64_t rings;
  unsigned ring;
  size_t payload;
  uint64_t keep;
  per_thread *pt;
} cy_state;

/* Rings thread tid builds: i = tid, tid + threads, ... */
static uint64_t cy_kept_by(const cy_state *st, int tid, int threads) {
  if (!st->keep) return 0;
  uint64_t n = 0;
  for (uint64_t i = (uint64_t)tid; i < st->rings; i += (uint64_t)threads)
    if (i % st->keep == 0) n++;
  return n;
}

static int cy_setup(mmb_ctx *ctx) {
  const struct mmb_graph_ops *g = gops(ctx);
  cy_state *st = state_new(ctx, sizeof *st);
  if (!st || !(st->pt = threads_new(ctx))) return -1;
  st->rings = (uint64_t)ctx->p[CY_RINGS];
  st->ring = (unsigned)ctx->p[CY_RING];
  st->payload = (size_t)ctx->p[CY_PAYLOAD];
  st->keep = (uint64_t)ctx->p[CY_KEEP];
  st->keeper = calloc((size_t)ctx->threads, sizeof *st->keeper);
  st->nkept = calloc((size_t)ctx->threads, sizeof *st->nkept);
  if (!st->keeper || !st->nkept)
    return snprintf(ctx->reason, sizeof ctx->reason, "out of memory"), -1;
  uint64_t kept = 0;
  for (int t = 0; t < ctx->threads; t++) {
    uint64_t n = cy_kept_by(st, t, ctx->threads);
    kept += n;
    g->add_root(&st->keeper[t]);
    st->keeper[t] = g->new_obj((unsigned)n, 0);
    if (!st->keeper[t])
      return snprintf(ctx->reason, sizeof ctx->reason, "new_obj failed: %s", strerror(errno)), -1;
  }
  uint64_t node = mmb_obj_bytes(1, st->payload);
  ctx->live_bytes = (kept + (uint64_t)ctx->threads) * st->ring * node + kept * sizeof(mmb_obj *);
  return 0;
}

/* Walk ring from first: k nodes, each payload checked, back to first. */
static uint64_t walk_ring(per_thread *pt, mmb_obj *first, unsigned k, size_t payload,
                          uint64_t ring) {
  uint64_t s = 0;
  mmb_obj *n = first;
  for (unsigned j = 0; j < k; j++) {
    if (!n) {
      fail(pt, "ring %llu broken at node %u", (unsigned long long)ring, j);
      return s;
    }
    s += check(pt, n, 1, payload, obj_tag(ring, j));
    n = mmb_obj_get(n, 0);
  }
  if (n != first) fail(pt, "ring %llu does not close", (unsigned long long)ring);
  return s;
}

/* manual: drop up to k nodes along slot 0 from first (a ring or a list). */
static void free_chain(const struct mmb_graph_ops *g, mmb_obj *first, uint64_t k) {
  mmb_obj *n = first;
  for (uint64_t j = 0; j < k && n; j++) {
    mmb_obj *next = mmb_obj_get(n, 0);
    g->drop(n);
    n = next;
  }
}

static uint64_t cy_run(mmb_ctx *ctx, int tid) {
  cy_state *st = ctx->state;
  const struct mmb_graph_ops *g = gops(ctx);
  per_thread *pt = &st->pt[tid];
  uint64_t slot = 0;
  mmb_obj *first = NULL;
  g->add_root(&first);
  for (uint64_t i = (uint64_t)tid; i < st->rings && !pt->bad; i += (uint64_t)ctx->threads) {
    first = g->new_obj(1, st->payload);
    if (!first) {
      oom(pt);
      break;
    }
    fill(first, 1, st->payload, obj_tag(i, 0));
    mmb_obj *prev = first;
    for (unsigned j = 1; j < st->ring; j++) {
      mmb_obj *n = g->new_obj(1, st->payload);
      if (!n) {
        oom(pt);
        break;
      }
      fill(n, 1, st->payload, obj_tag(i, j));
      g->put(prev, 0, n);
      prev = n;
    }
    if (pt->bad) break;
    g->store(prev, 0, first); /* close the ring */
    pt->ops += st->ring;
    pt->sum = mmb_mix(pt->sum, walk_ring(pt, first, st->ring, st->payload, i));
    int kept = st->keep && i % st->keep == 0;
    if (kept) g->store(st->keeper[tid], (unsigned)slot++, first);
    mmb_obj *mine = first;
    first = NULL;
    if (g->flags & MMB_GRAPH_EXPLICIT) {
      if (!kept) free_chain(g, mine, st->ring);
    } else {
      g->drop(mine); /* the ring is garbage unless kept: a cycle */
    }
  }
  g->remove_root(&first);
  st->nkept[tid] = slot;
  g->collect(); /* reclaiming what was dropped is part of the work */
  g->idle();
  return pt->ops;
}

static int cy_verify(mmb_ctx *ctx) {
  cy_state *st = ctx->state;
  const struct mmb_graph_ops *g = gops(ctx);
  uint64_t sum = 0;
  if (gather(ctx, st->pt, &sum) != 0) return -1;
  uint64_t kept = 0;
  for (int t = 0; t < ctx->threads; t++) {
    uint64_t slot = 0;
    for (uint64_t i = (uint64_t)t; i < st->rings && st->keep; i += (uint64_t)ctx->threads) {
      if (i % st->keep) continue;
      mmb_obj *first = mmb_obj_get(st->keeper[t], (unsigned)slot++);
      sum = mmb_mix(sum, walk_ring(&st->pt[t], first, st->ring, st->payload, i) ^ 0x6b);
    }
    kept += slot;
    if (st->pt[t].bad) {
      snprintf(ctx->reason, sizeof ctx->reason, "kept rings: %s", st->pt[t].why);
      return -1;
    }
  }
  /* The exact number reclaimed is the point of this workload: check it where
   * the allocator claims exactness. */
  mmb_graph_counts c;
  g->counts(&c);
  uint64_t garbage = (st->rings - kept) * st->ring;
  if ((g->flags & MMB_GRAPH_CYCLES) && !(g->flags & MMB_GRAPH_CONSERVATIVE) &&
      c.reclaimed != garbage) {
    snprintf(ctx->reason, sizeof ctx->reason, "reclaimed %llu objects, expected %llu",
             (unsigned long long)c.reclaimed, (unsigned long long)garbage);
    return -1;
  }
  if (!(g->flags & MMB_GRAPH_CYCLES) && c.reclaimed != 0) {
    snprintf(ctx->reason, sizeof ctx->reason, "plain counting reclaimed %llu cycle objects",
             (unsigned long long)c.reclaimed);
    return -1;
  }
  ctx->checksum = sum;
  return 0;
}

static void cy_teardown(mmb_ctx *ctx) {
  cy_state *st = ctx->state;
  if (!st) return;
  const struct mmb_graph_ops *g = gops(ctx);
  for (int t = 0; t < ctx->threads && st->keeper; t++) {
    if (!st->keeper[t]) continue;
    g->remove_root(&st->keeper[t]);
    if (g->flags & MMB_GRAPH_EXPLICIT) {
      for (uint64_t s = 0; s < st->nkept[t]; s++)
        free_chain(g, mmb_obj_get(st->keeper[t], (unsigned)s), st->ring);
    } else if (g->flags & MMB_GRAPH_COUNTED) {
      /* Break each kept ring so that counting alone frees it. */
      for (uint64_t s = 0; s < st->nkept[t]; s++) {
        mmb_obj *first = mmb_obj_get(st->keeper[t], (unsigned)s);
        mmb_obj *n = first;
        for (unsigned j = 1; j < st->ring; j++) n = mmb_obj_get(n, 0);
        g->store(n, 0, NULL);
      }
    }
    g->drop(st->keeper[t]);
  }
  free(st->pt);
  free(st->keeper);
  free(st->nkept);
  free(st);
  ctx->state = NULL;
}

static const mmb_param cy_params[] = {
    {"rings", MMB_P_INT, 200000, 1, 1ll << 32, NULL, NULL, MMB_PF_WORK, "rings built and dropped"},
    {"ring", MMB_P_INT, 16, 1, 1 << 20, NULL, NULL, 0, "nodes per ring"},
    {"payload", MMB_P_INT, 16, 8, 4096, NULL, NULL, MMB_PF_BYTES,
     "payload bytes per node (besides 1 slot)"},
    {"keep", MMB_P_INT, 8, 0, 1ll << 32, NULL, NULL, 0, "every keep-th ring stays live (0 = none)"},
    {NULL, 0, 0, 0, 0, NULL, NULL, 0, NULL},
};

static const mmb_workload wl_cycles = {
    .name = "cycles",
    .family = "graph",
    .description = "garbage rings of k nodes built and dropped; reclaimed objects reported exactly",
    .follows = "Bacon & Rajan, ECOOP 2001",
    .params = cy_params,
    .needs = MMB_CAP_GRAPH,
    .min_threads = 1,
    .setup = cy_setup,
    .run = cy_run,
    .verify = cy_verify,
    .teardown = cy_teardown,
};

/* ---------------------------------------------------------------------------
 * list-churn
 * ------------------------------------------------------------------------- */
enum { LC_LENGTH, LC_OPS, LC_PAYLOAD };

typedef struct queue {
  mmb_obj *head; /* a root: the queue owns the first node, each node the next */
  mmb_obj *tail; /* borrowed */
  uint64_t first_seq, next_seq;
} __attribute__((aligned(64))) queue;

typedef struct lc_state {
  queue *q;
  uint64_t length, ops;
  size_t payload;
  per_thread *pt;
} lc_state;

static inline uint64_t lc_tag(int tid, uint64_t seq) { return obj_tag((uint64_t)tid + 1, seq); }

static int lc_push(const struct mmb_graph_ops *g, queue *q, int tid, size_t payload) {
  mmb_obj *n = g->new_obj(1, payload);
  if (!n) return -1;
  fill(n, 1, payload, lc_tag(tid, q->next_seq++));
  if (q->tail)
    g->put(q->tail, 0, n);
  else
    q->head = n;
  q->tail = n;
  return 0;
}

static uint64_t lc_pop(const struct mmb_graph_ops *g, per_thread *pt, queue *q, int tid,
                       size_t payload) {
  mmb_obj *old = q->head;
  uint64_t w = check(pt, old, 1, payload, lc_tag(tid, q->first_seq++));
  q->head = mmb_obj_take(old, 0);
  if (!q->head) q->tail = NULL;
  g->drop(old);
  return w;
}

static int lc_setup(mmb_ctx *ctx) {
  const struct mmb_graph_ops *g = gops(ctx);
  lc_state *st = state_new(ctx, sizeof *st);
  if (!st || !(st->pt = threads_new(ctx))) return -1;
  st->length = (uint64_t)ctx->p[LC_LENGTH];
  st->ops = (uint64_t)ctx->p[LC_OPS];
  st->payload = (size_t)ctx->p[LC_PAYLOAD];
  st->q = aligned_alloc(64, (size_t)ctx->threads * sizeof *st->q);
  if (!st->q) return snprintf(ctx->reason, sizeof ctx->reason, "out of memory"), -1;
  memset(st->q, 0, (size_t)ctx->threads * sizeof *st->q);
  for (int t = 0; t < ctx->threads; t++) {
    g->add_root(&st->q[t].head);
    for (uint64_t i = 0; i < st->length; i++)
      if (lc_push(g, &st->q[t], t, st->payload) != 0)
        return snprintf(ctx->reason, sizeof ctx->reason, "new_obj failed: %s", strerror(errno)), -1;
  }
  ctx->live_bytes = (uint64_t)ctx->threads * (st->length + 1) * mmb_obj_bytes(1, st->payload);
  return 0;
}

static uint64_t lc_run(mmb_ctx *ctx, int tid) {
  lc_state *st = ctx->state;
  const struct mmb_graph_ops *g = gops(ctx);
  per_thread *pt = &st->pt[tid];
  queue *q = &st->q[tid];
  uint64_t n = dealt(st->ops, ctx->threads, tid);
  uint64_t sum = 0;
  for (uint64_t i = 0; i < n; i++) {
    if (lc_push(g, q, tid, st->payload) != 0) {
      oom(pt);
      break;
    }
    sum += lc_pop(g, pt, q, tid, st->payload);
  }
  pt->sum = mmb_mix(pt->sum, sum);
  pt->ops = 2 * n;
  g->idle();
  return pt->ops;
}

static int lc_verify(mmb_ctx *ctx) {
  lc_state *st = ctx->state;
  uint64_t sum = 0;
  if (gather(ctx, st->pt, &sum) != 0) return -1;
  for (int t = 0; t < ctx->threads; t++) {
    queue *q = &st->q[t];
    uint64_t s = 0, seq = q->first_seq, len = 0;
    mmb_obj *last = NULL;
    for (mmb_obj *n = q->head; n; n = mmb_obj_get(n, 0), len++) {
      s += check(&st->pt[t], n, 1, st->payload, lc_tag(t, seq++));
      last = n;
    }
    if (st->pt[t].bad || len != st->length || last != q->tail || seq != q->next_seq) {
      snprintf(ctx->reason, sizeof ctx->reason, "queue %d: %s (length %llu, expected %llu)", t,
               st->pt[t].bad ? st->pt[t].why : "shape", (unsigned long long)len,
               (unsigned long long)st->length);
      return -1;
    }
    sum = mmb_mix(sum, s);
  }
  ctx->checksum = sum;
  return 0;
}

static void lc_teardown(mmb_ctx *ctx) {
  lc_state *st = ctx->state;
  if (!st) return;
  const struct mmb_graph_ops *g = gops(ctx);
  for (int t = 0; t < ctx->threads && st->q; t++) {
    queue *q = &st->q[t];
    g->remove_root(&q->head);
    if (g->flags & MMB_GRAPH_EXPLICIT)
      free_chain(g, q->head, UINT64_MAX);
    else
      g->drop(q->head); /* rc: frees the whole list, iteratively */
  }
  free(st->pt);
  free(st->q);
  free(st);
  ctx->state = NULL;
}

static const mmb_param lc_params[] = {
    {"length", MMB_P_INT, 10000, 1, 1 << 28, NULL, NULL, 0, "nodes in each thread's queue"},
    {"ops", MMB_P_INT, 10000000, 1, 1ll << 40, NULL, NULL, MMB_PF_WORK,
     "push+pop pairs in all (split over threads)"},
    {"payload", MMB_P_INT, 32, 8, 4096, NULL, NULL, MMB_PF_BYTES,
     "payload bytes per node (besides 1 slot)"},
    {NULL, 0, 0, 0, 0, NULL, NULL, 0, NULL},
};

static const mmb_workload wl_list_churn = {
    .name = "list-churn",
    .family = "graph",
    .description = "a queue of nodes per thread: push a new node, pop the oldest",
    .follows = "",
    .params = lc_params,
    .needs = MMB_CAP_GRAPH,
    .min_threads = 1,
    .setup = lc_setup,
    .run = lc_run,
    .verify = lc_verify,
    .teardown = lc_teardown,
};

/* ---------------------------------------------------------------------------
 * shared-graph
 * ------------------------------------------------------------------------- */
enum { SG_NODES, SG_EDGES, SG_WALKS, SG_STEPS, SG_PAYLOAD, SG_RECORD };

typedef struct sg_state {
  mmb_obj *table; /* a root: slot i holds node i */
  uint64_t nodes, walks;
  unsigned edges, steps, record;
  size_t payload; /* word 0 = node index, then the pattern */
  per_thread *pt;
  per_thread setup_pt;
} sg_state;

static uint64_t sg_check(per_thread *pt, mmb_obj *n, const sg_state *st) {
  const unsigned char *p = mmb_obj_payload(n, st->edges);
  uint64_t idx;
  memcpy(&idx, p, 8);
  if (idx >= st->nodes || !mmb_pattern_check(p + 8, st->payload - 8, obj_tag(idx, 0x5))) {
    fail(pt, "shared node payload changed (index %llu)", (unsigned long long)idx);
    return 0;
  }
  return idx;
}

static int sg_setup(mmb_ctx *ctx) {
  const struct mmb_graph_ops *g = gops(ctx);
  sg_state *st = state_new(ctx, sizeof *st);
  if (!st || !(st->pt = threads_new(ctx))) return -1;
  st->nodes = (uint64_t)ctx->p[SG_NODES];
  st->edges = (unsigned)ctx->p[SG_EDGES];
  st->walks = (uint64_t)ctx->p[SG_WALKS];
  st->steps = (unsigned)ctx->p[SG_STEPS];
  st->payload = (size_t)ctx->p[SG_PAYLOAD];
  st->record = (unsigned)ctx->p[SG_RECORD];
  g->add_root(&st->table);
  st->table = g->new_obj((unsigned)st->nodes, 0);
  if (!st->table) return snprintf(ctx->reason, sizeof ctx->reason, "new_obj failed"), -1;
  for (uint64_t i = 0; i < st->nodes; i++) {
    mmb_obj *n = g->new_obj(st->edges, st->payload);
    if (!n) return snprintf(ctx->reason, sizeof ctx->reason, "new_obj failed"), -1;
    unsigned char *p = mmb_obj_payload(n, st->edges);
    memcpy(p, &i, 8);
    mmb_pattern_fill(p + 8, st->payload - 8, obj_tag(i, 0x5));
    g->put(st->table, (unsigned)i, n);
  }
  mmb_rng r;
  mmb_rng_seed(&r, ctx->seed, 0x5eed);
  for (uint64_t i = 0; i < st->nodes; i++) {
    mmb_obj *n = mmb_obj_get(st->table, (unsigned)i);
    for (unsigned e = 0; e < st->edges; e++)
      g->store(n, e, mmb_obj_get(st->table, (unsigned)mmb_rng_below(&r, st->nodes)));
  }
  g->share(st->table);
  ctx->live_bytes = mmb_obj_bytes((unsigned)st->nodes, 0) +
                    st->nodes * mmb_obj_bytes(st->edges, st->payload) +
                    (uint64_t)ctx->threads * mmb_obj_bytes(1, 16);
  return 0;
}

static uint64_t sg_run(mmb_ctx *ctx, int tid) {
  sg_state *st = ctx->state;
  const struct mmb_graph_ops *g = gops(ctx);
  per_thread *pt = &st->pt[tid];
  mmb_rng r;
  mmb_rng_seed(&r, ctx->seed, (uint64_t)tid + 1);
  uint64_t n = dealt(st->walks, ctx->threads, tid);
  uint64_t sum = 0, ops = 0, rec_no = 0;
  for (uint64_t w = 0; w < n && !pt->bad; w++) {
    mmb_obj *cur = mmb_obj_get(st->table, (unsigned)mmb_rng_below(&r, st->nodes));
    g->retain(cur); /* a counted reference for the walk (no-op unless counting) */
    for (unsigned s = 0; s < st->steps; s++) {
      sum += sg_check(pt, cur, st);
      if (st->record && s % st->record == 0) {
        /* A private record pointing at the shared node, then gone. */
        mmb_obj *rec = g->new_obj(1, 16);
        if (!rec) {
          oom(pt);
          break;
        }
        uint64_t tag = obj_tag((uint64_t)tid + 77, rec_no++);
        fill(rec, 1, 16, tag);
        g->store(rec, 0, cur);
        sum += check(pt, rec, 1, 16, tag) & 0xff;
        g->drop(rec);
        ops++;
      }
      mmb_obj *next = mmb_obj_get(cur, (unsigned)mmb_rng_below(&r, st->edges));
      g->retain(next);
      g->release(cur);
      cur = next;
      ops++;
    }
    g->release(cur);
  }
  pt->sum = mmb_mix(pt->sum, sum);
  pt->ops = ops;
  g->idle();
  return ops;
}

static int sg_verify(mmb_ctx *ctx) {
  sg_state *st = ctx->state;
  uint64_t sum = 0;
  if (gather(ctx, st->pt, &sum) != 0) return -1;
  uint64_t s = 0;
  for (uint64_t i = 0; i < st->nodes; i++) {
    mmb_obj *n = mmb_obj_get(st->table, (unsigned)i);
    if (!n || sg_check(&st->setup_pt, n, st) != i) {
      snprintf(ctx->reason, sizeof ctx->reason, "shared node %llu: %s", (unsigned long long)i,
               n ? st->setup_pt.why : "missing");
      return -1;
    }
    for (unsigned e = 0; e < st->edges; e++) s += sg_check(&st->setup_pt, mmb_obj_get(n, e), st);
  }
  if (st->setup_pt.bad) {
    snprintf(ctx->reason, sizeof ctx->reason, "shared graph: %s", st->setup_pt.why);
    return -1;
  }
  ctx->checksum = mmb_mix(sum, s);
  return 0;
}

static void sg_teardown(mmb_ctx *ctx) {
  sg_state *st = ctx->state;
  if (!st) return;
  const struct mmb_graph_ops *g = gops(ctx);
  if (st->table) {
    g->remove_root(&st->table);
    for (uint64_t i = 0; i < st->nodes; i++) {
      mmb_obj *n = mmb_obj_get(st->table, (unsigned)i);
      if (!n) continue;
      if (g->flags & MMB_GRAPH_EXPLICIT) {
        g->drop(n);
      } else if (g->flags & MMB_GRAPH_COUNTED) {
        for (unsigned e = 0; e < st->edges; e++) g->store(n, e, NULL); /* break the cycles */
      }
    }
    g->drop(st->table);
  }
  free(st->pt);
  free(st);
  ctx->state = NULL;
}

static const mmb_param sg_params[] = {
    {"nodes", MMB_P_INT, 100000, 1, 1 << 26, NULL, NULL, 0, "nodes of the shared graph"},
    {"edges", MMB_P_INT, 4, 1, 64, NULL, NULL, 0, "out-edges per node (random targets)"},
    {"walks", MMB_P_INT, 400000, 1, 1ll << 40, NULL, NULL, MMB_PF_WORK,
     "random walks in all (split over threads)"},
    {"steps", MMB_P_INT, 16, 1, 1 << 20, NULL, NULL, 0,
     "nodes visited (retained, released) per walk"},
    {"payload", MMB_P_INT, 32, 8, 4096, NULL, NULL, MMB_PF_BYTES,
     "payload bytes per node (first word: its index)"},
    {"record", MMB_P_INT, 4, 0, 1 << 20, NULL, NULL, 0,
     "every record-th step allocates a private record pointing at the node (0 = never)"},
    {NULL, 0, 0, 0, 0, NULL, NULL, 0, NULL},
};

static const mmb_workload wl_shared_graph = {
    .name = "shared-graph",
    .family = "graph",
    .description =
        "threads walk a shared read-mostly graph, retaining and releasing every node visited",
    .follows = "",
    .params = sg_params,
    .needs = MMB_CAP_GRAPH,
    .min_threads = 1,
    .setup = sg_setup,
    .run = sg_run,
    .verify = sg_verify,
    .teardown = sg_teardown,
};

const mmb_workload *const mmb_family_graph[] = {
    &wl_binary_trees, &wl_cycles, &wl_list_churn, &wl_shared_graph, &wl_heap_sweep, NULL,
};
