/* mmbench — reference counting over the base malloc: objects, counts,
 * iterative release, sharing, per-thread counters. Cycle collection is in
 * cc.c. See rc.h. */
#include "rc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int mmb_rc_cc_enabled;
size_t mmb_rc_buffer_len = 10000;

static __thread mmb_rc_thread rc_tls;

/* Counters of threads that detached. */
static uint64_t g_allocated, g_freed, g_collections;

mmb_rc_thread *mmb_rc_self(void) { return &rc_tls; }

/* ---------------------------------------------------------------------------
 * Set-up
 * ------------------------------------------------------------------------- */
int mmb_rc_set_buffer(size_t len) {
  if (len < 1 || len > ((size_t)1 << 32)) return -EINVAL;
  mmb_rc_buffer_len = len;
  return 0;
}

int mmb_rc_init(int cycle_collection, size_t buffer_len) {
  mmb_rc_cc_enabled = cycle_collection ? 1 : 0;
  mmb_rc_buffer_len = 10000;
  const char *env = getenv("MMB_CC_BUFFER");
  if (env && *env) {
    char *end;
    unsigned long long v = strtoull(env, &end, 10);
    if (*end || mmb_rc_set_buffer((size_t)v) != 0) return -EINVAL;
  }
  if (buffer_len && mmb_rc_set_buffer(buffer_len) != 0) return -EINVAL;
  __atomic_store_n(&g_allocated, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&g_freed, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&g_collections, 0, __ATOMIC_RELAXED);
  mmb_rc_thread *t = &rc_tls;
  t->allocated = t->freed = t->collections = 0;
  return 0;
}

static void flush_thread(mmb_rc_thread *t) {
  __atomic_fetch_add(&g_allocated, t->allocated, __ATOMIC_RELAXED);
  __atomic_fetch_add(&g_freed, t->freed, __ATOMIC_RELAXED);
  __atomic_fetch_add(&g_collections, t->collections, __ATOMIC_RELAXED);
  t->allocated = t->freed = t->collections = 0;
}

void mmb_rc_thread_detach(void) {
  mmb_rc_thread *t = &rc_tls;
  if (mmb_rc_cc_enabled && t->nroots) mmb_rc_collect_cycles();
  flush_thread(t);
  free(t->roots);
  free(t->stack);
  t->roots = NULL;
  t->stack = NULL;
  t->nroots = t->cap = t->cap_stack = 0;
}

void mmb_rc_fini(void) { mmb_rc_thread_detach(); }

void mmb_rc_counts(mmb_graph_counts *c) {
  mmb_rc_thread *t = &rc_tls;
  c->allocated = __atomic_load_n(&g_allocated, __ATOMIC_RELAXED) + t->allocated;
  c->reclaimed = __atomic_load_n(&g_freed, __ATOMIC_RELAXED) + t->freed;
  c->collections = __atomic_load_n(&g_collections, __ATOMIC_RELAXED) + t->collections;
  c->live = c->allocated - c->reclaimed;
}

/* ---------------------------------------------------------------------------
 * Objects
 * ------------------------------------------------------------------------- */
mmb_obj *mmb_rc_new(unsigned nslots, size_t payload) {
  if (nslots > (1u << 28) || payload > ((size_t)1 << 46)) {
    errno = nslots > (1u << 28) ? EINVAL : ENOMEM; /* ENOMEM: as malloc says it */
    return NULL;
  }
  size_t bytes = sizeof(mmb_rc_hdr) + mmb_obj_bytes(nslots, payload);
  mmb_rc_hdr *h = malloc(bytes);
  if (!h) return NULL;
  h->u.count = 1;
  h->nslots = nslots;
  h->flags = 0;
  h->color = MMB_RC_BLACK;
  h->spare = 0;
  mmb_obj_clear_slots(mmb_rc_slots(h), nslots);
  rc_tls.allocated++;
  return mmb_rc_obj_of(h);
}

void mmb_rc_free_dead(mmb_rc_thread *t, mmb_rc_hdr *h) {
  free(h);
  t->freed++;
}

/* The count of h reached zero: free it and release its slots, iteratively.
 * A dead object's count word links it into the pending list. */
void mmb_rc_zero(mmb_rc_hdr *h) {
  mmb_rc_thread *t = &rc_tls;
  t->depth++;
  h->u.link = NULL;
  mmb_rc_hdr *pending = h;
  while (pending) {
    mmb_rc_hdr *s = pending;
    pending = s->u.link;
    mmb_obj **slots = mmb_rc_slots(s);
    for (uint32_t i = 0; i < s->nslots; i++) {
      if (!slots[i]) continue;
      mmb_rc_hdr *c = mmb_rc_hdr_of(slots[i]);
      uint64_t left;
      if (c->flags & MMB_RC_SHARED)
        left = __atomic_sub_fetch(&c->u.count, 1, __ATOMIC_ACQ_REL);
      else
        left = --c->u.count;
      if (left == 0) {
        c->u.link = pending;
        pending = c;
      } else if (mmb_rc_cc_enabled && c->nslots && !(c->flags & MMB_RC_SHARED)) {
        mmb_rc_possible_root(c);
      }
    }
    if (s->flags & MMB_RC_BUFFERED) {
      /* Still in a candidate buffer: the collector frees it (Bacon & Rajan). */
      s->u.count = 0;
      s->color = MMB_RC_BLACK;
    } else {
      mmb_rc_free_dead(t, s);
    }
  }
  t->depth--;
  if (mmb_rc_cc_enabled && t->depth == 0 && t->nroots >= mmb_rc_buffer_len) mmb_rc_collect_cycles();
}

void mmb_rc_store(mmb_obj *o, unsigned i, mmb_obj *v) {
  mmb_obj **slots = (mmb_obj **)(void *)o;
  if (v) mmb_rc_retain(v);
  mmb_obj *old = slots[i];
  slots[i] = v;
  mmb_rc_release(old);
}

void mmb_rc_put(mmb_obj *o, unsigned i, mmb_obj *v) {
  mmb_obj **slots = (mmb_obj **)(void *)o;
  mmb_obj *old = slots[i];
  slots[i] = v;
  mmb_rc_release(old);
}

/* Depth-first over everything reachable from o, with an explicit stack;
 * SHARED doubles as the visited mark. */
int mmb_rc_share(mmb_obj *o) {
  if (!o) return 0;
  size_t cap = 256, n = 0;
  mmb_rc_hdr **stack = malloc(cap * sizeof *stack);
  if (!stack) return -ENOMEM;
  mmb_rc_hdr *h = mmb_rc_hdr_of(o);
  if (!(h->flags & MMB_RC_SHARED)) {
    h->flags |= MMB_RC_SHARED;
    stack[n++] = h;
  }
  while (n) {
    mmb_rc_hdr *s = stack[--n];
    mmb_obj **slots = mmb_rc_slots(s);
    for (uint32_t i = 0; i < s->nslots; i++) {
      if (!slots[i]) continue;
      mmb_rc_hdr *c = mmb_rc_hdr_of(slots[i]);
      if (c->flags & MMB_RC_SHARED) continue;
      if (n == cap) {
        mmb_rc_hdr **bigger = realloc(stack, 2 * cap * sizeof *stack);
        if (!bigger) {
          free(stack);
          return -ENOMEM;
        }
        stack = bigger;
        cap *= 2;
      }
      c->flags |= MMB_RC_SHARED;
      stack[n++] = c;
    }
  }
  free(stack);
  return 0;
}

/* ---------------------------------------------------------------------------
 * objgraph.h operations
 * ------------------------------------------------------------------------- */
static void op_retain(mmb_obj *o) {
  if (o) mmb_rc_retain(o);
}
static void op_drop(mmb_obj *o) { mmb_rc_release(o); }
static void op_share(mmb_obj *o) { (void)mmb_rc_share(o); }
static void op_root(mmb_obj **loc) { (void)loc; }
static void op_collect_none(void) {}
static void op_idle(void) {}
static void op_collect_cycles(void) { (void)mmb_rc_collect_cycles(); }

const struct mmb_graph_ops mmb_rc_graph_ops = {
    .flags = MMB_GRAPH_COUNTED,
    .new_obj = mmb_rc_new,
    .store = mmb_rc_store,
    .put = mmb_rc_put,
    .retain = op_retain,
    .release = op_drop,
    .drop = op_drop,
    .share = op_share,
    .add_root = op_root,
    .remove_root = op_root,
    .collect = op_collect_none,
    .idle = op_idle,
    .counts = mmb_rc_counts,
};

const struct mmb_graph_ops mmb_rc_cc_graph_ops = {
    .flags = MMB_GRAPH_COUNTED | MMB_GRAPH_CYCLES,
    .new_obj = mmb_rc_new,
    .store = mmb_rc_store,
    .put = mmb_rc_put,
    .retain = op_retain,
    .release = op_drop,
    .drop = op_drop,
    .share = op_share,
    .add_root = op_root,
    .remove_root = op_root,
    .collect = op_collect_cycles,
    .idle = op_idle,
    .counts = mmb_rc_counts,
};
