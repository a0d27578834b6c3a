/* mmbench tests — libFuzzer target for the rc / rc+cc / gc layer: random
 * graph mutations (new objects, slot writes, moves between roots, drops,
 * collections) replayed against a model of the graph. After every collection
 * and at the end, every object reachable in the model is walked in the real
 * heap (identity, payload pattern, every slot), and the collector's live
 * count is checked: exactly the reachable objects for gc and rc+cc, at least
 * them for plain rc (which leaks cycles). Finally everything is dropped and
 * gc / rc+cc must be left with no live object.
 *
 * Input: byte 0 picks collector settings (gc threshold, cc buffer length),
 * then each operation takes up to 4 bytes. Any byte string is valid. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocator.h"
#include "gc.h"
#include "objgraph.h"
#include "rc.h"
#include "wl_util.h"

extern const mmb_allocator mmb_alloc_rc, mmb_alloc_rc_cc, mmb_alloc_gc;

#define NROOT 8
#define MAXOBJ 4096
#define MAXSLOT 3
#define PAYLOAD 16

typedef struct mobj {
  unsigned nslots;
  int edge[MAXSLOT]; /* model target ids, -1 = NULL */
} mobj;

typedef struct model {
  const struct mmb_graph_ops *g;
  int exact; /* live count must equal the reachable count after collect */
  mmb_obj *root[NROOT];
  int rootid[NROOT];
  mobj obj[MAXOBJ];
  int nobj;
  unsigned char seen[MAXOBJ];
  int stack[MAXOBJ * (MAXSLOT + 1) + NROOT];
  mmb_obj *rstack[MAXOBJ * (MAXSLOT + 1) + NROOT];
} model;

static void fail(const char *what, long a, long b) {
  fprintf(stderr, "fuzz_graph: %s (%ld, %ld)\n", what, a, b);
  abort();
}

static void fill_obj(mmb_obj *o, unsigned nslots, uint64_t id) {
  unsigned char *p = mmb_obj_payload(o, nslots);
  memcpy(p, &id, 8);
  mmb_pattern_fill(p + 8, PAYLOAD - 8, id ^ 0xf00d);
}

static uint64_t obj_id(mmb_obj *o, unsigned nslots) {
  const unsigned char *p = mmb_obj_payload(o, nslots);
  uint64_t id;
  memcpy(&id, p, 8);
  if (!mmb_pattern_check(p + 8, PAYLOAD - 8, id ^ 0xf00d)) fail("payload changed", (long)id, 0);
  return id;
}

/* Walk the real graph against the model from every root; returns the number
 * of distinct objects reached. */
static int check(model *m) {
  memset(m->seen, 0, (size_t)m->nobj);
  int n = 0, reached = 0;
  for (int r = 0; r < NROOT; r++) {
    if ((m->root[r] == NULL) != (m->rootid[r] < 0)) fail("root mismatch", r, m->rootid[r]);
    if (!m->root[r]) continue;
    m->stack[n] = m->rootid[r];
    m->rstack[n++] = m->root[r];
  }
  while (n) {
    n--;
    int id = m->stack[n];
    mmb_obj *o = m->rstack[n];
    if (m->seen[id]) continue;
    m->seen[id] = 1;
    reached++;
    const mobj *mo = &m->obj[id];
    if (obj_id(o, mo->nslots) != (uint64_t)id)
      fail("object identity", id, (long)obj_id(o, mo->nslots));
    for (unsigned s = 0; s < mo->nslots; s++) {
      mmb_obj *t = mmb_obj_get(o, s);
      if ((t == NULL) != (mo->edge[s] < 0)) fail("slot mismatch", id, s);
      if (!t) continue;
      m->stack[n] = mo->edge[s];
      m->rstack[n++] = t;
    }
  }
  return reached;
}

static void check_counts(model *m, int reached) {
  mmb_graph_counts c;
  m->g->counts(&c);
  if (m->exact ? c.live != (uint64_t)reached : c.live < (uint64_t)reached)
    fail("live count after collect", (long)c.live, reached);
}

static void run_model(const mmb_allocator *a, int exact, const uint8_t *data, size_t size) {
  model *m = calloc(1, sizeof *m);
  if (!m) return;
  if (a->init() != 0) fail("init", 0, 0);
  if (a->tune) {
    uint8_t cfg = size ? data[0] : 0;
    if (a == &mmb_alloc_gc) {
      a->tune("min_bytes", (double)(cfg & 0x3f) * 64.0);
      a->tune("growth", 0.1 + (double)(cfg >> 6) * 0.5);
    } else {
      a->tune("cc_buffer", 1.0 + (double)(cfg & 0x1f));
    }
  }
  m->g = a->graph;
  m->exact = exact;
  const struct mmb_graph_ops *g = m->g;
  for (int r = 0; r < NROOT; r++) {
    m->rootid[r] = -1;
    g->add_root(&m->root[r]);
  }
  size_t i = size ? 1 : 0;
  while (i < size) {
    uint8_t op = data[i++];
    uint8_t b1 = i < size ? data[i++] : 0;
    uint8_t b2 = i < size ? data[i++] : 0;
    int r1 = b1 % NROOT, r2 = b2 % NROOT;
    unsigned s = (unsigned)(b1 >> 3) % MAXSLOT;
    switch (op % 6) {
    case 0: { /* new object into root r1 */
      if (m->nobj == MAXOBJ) break;
      unsigned ns = 1 + (unsigned)(b2 >> 3) % MAXSLOT;
      mmb_obj *o = g->new_obj(ns, PAYLOAD);
      if (!o) fail("new_obj", m->nobj, 0);
      int id = m->nobj++;
      fill_obj(o, ns, (uint64_t)id);
      m->obj[id].nslots = ns;
      for (unsigned k = 0; k < MAXSLOT; k++) m->obj[id].edge[k] = -1;
      mmb_obj *old = m->root[r1];
      m->root[r1] = o;
      m->rootid[r1] = id;
      g->drop(old);
      break;
    }
    case 1: /* slot s of root r1's object := root r2's object (or NULL) */
    case 2: {
      int id = m->rootid[r1];
      if (id < 0) break;
      s %= m->obj[id].nslots;
      mmb_obj *v = (op % 6) == 2 ? NULL : m->root[r2];
      g->store(m->root[r1], s, v);
      m->obj[id].edge[s] = (op % 6) == 2 ? -1 : m->rootid[r2];
      break;
    }
    case 3: /* drop root r1 */
      g->drop(m->root[r1]);
      m->root[r1] = NULL;
      m->rootid[r1] = -1;
      break;
    case 4: { /* root r2 := slot s of root r1's object */
      int id = m->rootid[r1];
      if (id < 0) break;
      s %= m->obj[id].nslots;
      mmb_obj *v = mmb_obj_get(m->root[r1], s);
      if (v) g->retain(v);
      mmb_obj *old = m->root[r2];
      m->root[r2] = v;
      m->rootid[r2] = m->obj[id].edge[s];
      g->release(old);
      break;
    }
    default: { /* collect and check everything */
      g->collect();
      check_counts(m, check(m));
      break;
    }
    }
  }
  g->collect();
  check_counts(m, check(m));
  for (int r = 0; r < NROOT; r++) {
    g->drop(m->root[r]);
    m->root[r] = NULL;
    m->rootid[r] = -1;
    g->remove_root(&m->root[r]);
  }
  g->collect();
  check_counts(m, 0);
  if (a->thread_detach) a->thread_detach();
  if (a->fini) a->fini();
  free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  run_model(&mmb_alloc_gc, 1, data, size);
  run_model(&mmb_alloc_rc_cc, 1, data, size);
  run_model(&mmb_alloc_rc, 0, data, size);
  return 0;
}
