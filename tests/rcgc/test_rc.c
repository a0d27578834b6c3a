/* mmbench tests — reference counting and cycle collection (rc.c, cc.c):
 * counts through set / put / take / retain / release, exact reclamation,
 * a 10-million-node list released without recursion, cycles leaked by plain
 * rc and reclaimed by rc+cc (exact numbers), the candidate buffer, live
 * objects intact after every cycle collection, shared objects. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "objgraph.h"
#include "rc.h"
#include "wl_util.h"

#define PAY 16

static mmb_obj *mk(unsigned nslots, uint64_t tag) {
  mmb_obj *o = mmb_rc_new(nslots, PAY);
  if (o) mmb_pattern_fill(mmb_obj_payload(o, nslots), PAY, tag);
  return o;
}
static int intact(mmb_obj *o, unsigned nslots, uint64_t tag) {
  return mmb_pattern_check(mmb_obj_payload(o, nslots), PAY, tag);
}
static mmb_graph_counts counts(void) {
  mmb_graph_counts c;
  mmb_rc_counts(&c);
  return c;
}

static void test_counts(void) {
  CHECK(mmb_rc_init(0, 0) == 0);
  mmb_obj *a = mk(2, 1), *b = mk(0, 2), *c = mk(0, 3);
  CHECK(a && b && c);
  CHECK(mmb_rc_count(a) == 1 && mmb_rc_count(b) == 1);
  CHECK(mmb_obj_get(a, 0) == NULL && mmb_obj_get(a, 1) == NULL);
  mmb_rc_store(a, 0, b); /* retains b */
  CHECK(mmb_rc_count(b) == 2);
  mmb_rc_put(a, 1, c); /* takes over our reference */
  CHECK(mmb_rc_count(c) == 1);
  mmb_rc_retain(b);
  CHECK(mmb_rc_count(b) == 3);
  mmb_rc_release(b);
  mmb_rc_release(b); /* our own reference: a still holds b */
  CHECK(mmb_rc_count(b) == 1 && counts().reclaimed == 0);
  CHECK(intact(b, 0, 2));
  mmb_obj *t = mmb_obj_take(a, 1); /* the reference moves out */
  CHECK(t == c && mmb_obj_get(a, 1) == NULL && mmb_rc_count(c) == 1);
  mmb_rc_store(a, 0, NULL); /* releases b: freed */
  CHECK(counts().reclaimed == 1 && counts().live == 2);
  mmb_rc_put(a, 0, t);
  mmb_rc_release(a); /* frees a and, through it, c */
  mmb_graph_counts k = counts();
  CHECK(k.allocated == 3 && k.reclaimed == 3 && k.live == 0);
  mmb_rc_release(NULL);
  mmb_rc_fini();
}

/* 10 million nodes, each holding the next: the last release frees them all
 * iteratively (a recursive release would overflow the stack). */
static void test_long_list(void) {
  const long n = 10 * 1000 * 1000;
  CHECK(mmb_rc_init(0, 0) == 0);
  mmb_obj *head = mmb_rc_new(1, 8);
  CHECK(head != NULL);
  mmb_obj *tail = head;
  for (long i = 1; i < n && tail; i++) {
    mmb_obj *o = mmb_rc_new(1, 8);
    if (!o) break;
    mmb_rc_put(tail, 0, o);
    tail = o;
  }
  CHECK(counts().live == (uint64_t)n);
  mmb_rc_release(head);
  mmb_graph_counts k = counts();
  CHECKF(k.live == 0 && k.reclaimed == (uint64_t)n, "live %llu reclaimed %llu",
         (unsigned long long)k.live, (unsigned long long)k.reclaimed);
  mmb_rc_fini();
}

/* Rings of k nodes: plain rc leaks them (then the test breaks them by hand),
 * rc+cc reclaims exactly their nodes. */
static mmb_obj *ring(unsigned k, uint64_t tag) {
  mmb_obj *first = mk(1, tag), *prev = first;
  for (unsigned j = 1; j < k; j++) {
    mmb_obj *o = mk(1, tag + j);
    mmb_rc_put(prev, 0, o);
    prev = o;
  }
  mmb_rc_store(prev, 0, first);
  return first;
}

static void test_cycles(void) {
  /* plain rc: nothing reclaimed */
  CHECK(mmb_rc_init(0, 0) == 0);
  mmb_obj *keep[10];
  for (int i = 0; i < 10; i++) {
    keep[i] = ring(5, 100u * (unsigned)i);
    mmb_rc_retain(keep[i]); /* a handle to break it later */
    mmb_rc_release(keep[i]);
  }
  CHECK(mmb_rc_collect_cycles() == 0);
  CHECK(counts().reclaimed == 0 && counts().live == 50);
  for (int i = 0; i < 10; i++) { /* break the ring: counting alone frees it */
    mmb_obj *n = keep[i];
    for (int j = 1; j < 5; j++) n = mmb_obj_get(n, 0);
    mmb_rc_store(n, 0, NULL);
    mmb_rc_release(keep[i]);
  }
  CHECK(counts().live == 0);
  mmb_rc_fini();

  /* rc+cc: every garbage ring reclaimed, a held ring and what hangs off a
   * garbage ring into live data left alone */
  CHECK(mmb_rc_init(1, 1000000) == 0);
  mmb_obj *held = ring(4, 9000);
  mmb_obj *leaf = mk(0, 777);
  for (int i = 0; i < 100; i++) {
    mmb_obj *r = ring(3 + (unsigned)i % 5, 1000u * (unsigned)i);
    mmb_obj *extra = mk(2, 5000u + (unsigned)i); /* hangs off the ring */
    mmb_rc_store(extra, 0, leaf);
    mmb_rc_store(extra, 1, held);
    /* ring node -> extra; node 0 has its slot taken: make a 2-slot head */
    mmb_obj *hub = mk(2, 6000u + (unsigned)i);
    mmb_rc_store(hub, 0, r);
    mmb_rc_put(hub, 1, extra);
    mmb_rc_store(mmb_obj_get(r, 0), 0, hub); /* r -> r.next -> hub -> r: a bigger cycle */
    mmb_rc_release(hub);
    mmb_rc_release(r);
  }
  /* Cutting each ring freed its nodes after r.next by counting alone; what
   * is left per iteration is the cycle r -> r.next -> hub -> r plus extra. */
  uint64_t by_count = 0;
  for (int i = 0; i < 100; i++) by_count += 1u + (unsigned)i % 5;
  CHECKF(counts().reclaimed == by_count, "freed by counting %llu, expected %llu",
         (unsigned long long)counts().reclaimed, (unsigned long long)by_count);
  uint64_t got = mmb_rc_collect_cycles();
  CHECKF(got == 400, "cycle collection reclaimed %llu, expected 400", (unsigned long long)got);
  CHECK(counts().reclaimed == by_count + 400);
  /* leaf: only our reference; held: ours and its ring's back edge */
  CHECK(mmb_rc_count(leaf) == 1 && mmb_rc_count(held) == 2);
  CHECK(intact(leaf, 0, 777));
  for (int j = 0; j < 4; j++) { /* the held ring is whole */
    CHECK(intact(held, 1, 9000u + (unsigned)j));
    held = mmb_obj_get(held, 0);
  }
  mmb_rc_release(leaf);
  CHECK(counts().live == 4); /* only the held ring */
  mmb_rc_retain(held);
  mmb_rc_release(held);
  mmb_rc_release(held); /* now garbage */
  CHECK(mmb_rc_collect_cycles() == 4);
  CHECK(counts().live == 0);
  mmb_rc_fini();
}

/* The buffer filling triggers collections by itself. */
static void test_buffer(void) {
  CHECK(mmb_rc_init(1, 8) == 0);
  for (int i = 0; i < 1000; i++) mmb_rc_release(ring(3, (uint64_t)i * 10));
  mmb_graph_counts k = counts();
  CHECKF(k.collections >= 100 && k.reclaimed >= 3000 - 3 * 8, "collections %llu reclaimed %llu",
         (unsigned long long)k.collections, (unsigned long long)k.reclaimed);
  mmb_rc_collect_cycles();
  CHECK(counts().reclaimed == 3000 && counts().live == 0);
  mmb_rc_fini();
}

/* Random private graphs: after every cycle collection each object the test
 * still references (directly or through slots) is intact and the live count
 * equals what the test can reach. The payload's first word is the index. */
#define NOBJ 400
static mmb_obj *objs[NOBJ]; /* the test's references (or NULL) */

static mmb_obj *mk_id(unsigned nslots, uint64_t id) {
  mmb_obj *o = mmb_rc_new(nslots, PAY);
  if (!o) return NULL;
  unsigned char *p = mmb_obj_payload(o, nslots);
  memcpy(p, &id, 8);
  mmb_pattern_fill(p + 8, PAY - 8, id ^ 0x77);
  return o;
}

static void test_random_graphs(void) {
  CHECK(mmb_rc_init(1, 64) == 0);
  mmb_rng r;
  mmb_rng_seed(&r, 7, 7);
  for (int i = 0; i < NOBJ; i++) objs[i] = mk_id(1 + (unsigned)mmb_rng_below(&r, 3), (uint64_t)i);
  static unsigned char seen[NOBJ];
  static mmb_obj *stack[NOBJ * 4 + NOBJ];
  for (int round = 0; round < 20; round++) {
    for (int e = 0; e < 300; e++) {
      int a = (int)mmb_rng_below(&r, NOBJ), b = (int)mmb_rng_below(&r, NOBJ);
      if (objs[a] && objs[b])
        mmb_rc_store(objs[a], (unsigned)mmb_rng_below(&r, mmb_rc_hdr_of(objs[a])->nslots), objs[b]);
    }
    for (int d = 0; d < 20; d++) { /* drop some of the test's references */
      int a = (int)mmb_rng_below(&r, NOBJ);
      mmb_rc_release(objs[a]);
      objs[a] = NULL;
    }
    mmb_rc_collect_cycles();
    memset(seen, 0, sizeof seen);
    uint64_t reach = 0;
    int bad = 0, n = 0;
    for (int i = 0; i < NOBJ; i++)
      if (objs[i]) stack[n++] = objs[i];
    while (n) {
      mmb_obj *o = stack[--n];
      unsigned ns = mmb_rc_hdr_of(o)->nslots;
      const unsigned char *p = mmb_obj_payload(o, ns);
      uint64_t id;
      memcpy(&id, p, 8);
      if (id >= NOBJ || !mmb_pattern_check(p + 8, PAY - 8, id ^ 0x77)) {
        bad++;
        continue;
      }
      if (seen[id]) continue;
      seen[id] = 1;
      reach++;
      for (unsigned s = 0; s < ns; s++)
        if (mmb_obj_get(o, s)) stack[n++] = mmb_obj_get(o, s);
    }
    CHECKF(bad == 0, "round %d: %d objects damaged", round, bad);
    CHECKF(counts().live == reach, "round %d: live %llu, reachable %llu", round,
           (unsigned long long)counts().live, (unsigned long long)reach);
  }
  for (int i = 0; i < NOBJ; i++) mmb_rc_release(objs[i]);
  mmb_rc_collect_cycles();
  CHECK(counts().live == 0);
  mmb_rc_fini();
}

/* Shared objects: atomic counts, outside cycle collection. */
static void test_shared(void) {
  CHECK(mmb_rc_init(1, 0) == 0);
  mmb_obj *a = mk(1, 1), *b = mk(1, 2);
  mmb_rc_store(a, 0, b);
  mmb_rc_store(b, 0, a);
  CHECK(mmb_rc_share(a) == 0);
  CHECK((mmb_rc_hdr_of(a)->flags & MMB_RC_SHARED) && (mmb_rc_hdr_of(b)->flags & MMB_RC_SHARED));
  mmb_rc_retain(b);
  CHECK(mmb_rc_count(b) == 3);
  mmb_rc_release(b);
  mmb_rc_release(b);
  mmb_rc_release(a); /* a shared cycle: not a candidate, not reclaimed */
  CHECK(mmb_rc_collect_cycles() == 0 && counts().live == 2);
  mmb_rc_store(b, 0, NULL); /* break it: counting frees both */
  CHECK(counts().live == 0);
  mmb_rc_fini();
}

/* MMB_CC_BUFFER and the buffer setting. */
static void test_env(void) {
  setenv("MMB_CC_BUFFER", "bogus", 1);
  CHECK(mmb_rc_init(1, 0) == -22);
  setenv("MMB_CC_BUFFER", "3", 1);
  CHECK(mmb_rc_init(1, 0) == 0 && mmb_rc_buffer_len == 3);
  unsetenv("MMB_CC_BUFFER");
  CHECK(mmb_rc_set_buffer(0) == -22);
  mmb_rc_fini();
}

int main(void) {
  test_counts();
  test_long_list();
  test_cycles();
  test_buffer();
  test_random_graphs();
  test_shared();
  test_env();
  return mmb_test_exit();
}
