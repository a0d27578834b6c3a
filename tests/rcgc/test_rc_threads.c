/* mmbench tests — the atomic variant of rc under several threads (run under
 * ThreadSanitizer too): threads retain and release nodes of a shared graph,
 * hang private records (with cycle collection on) onto them, and drop their
 * own references to shared objects so that whichever thread is last frees
 * them. Afterwards every shared count is exactly back to its structural
 * value and the objects that lost their last reference are gone. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "objgraph.h"
#include "rc.h"
#include "wl_util.h"

#define THREADS 4
#define NODES 64
#define EDGES 2
#define HANDOFF 256

static mmb_obj *table;            /* shared: slot i = node i */
static mmb_obj *handoff[HANDOFF]; /* shared objects, one reference per thread */
static int bad[THREADS];

static void *worker(void *arg) {
  int id = (int)(intptr_t)arg;
  mmb_rng r;
  mmb_rng_seed(&r, 99, (uint64_t)id);
  for (int i = 0; i < 20000; i++) {
    mmb_obj *n = mmb_obj_get(table, (unsigned)mmb_rng_below(&r, NODES));
    mmb_rc_retain(n);
    for (int s = 0; s < 4; s++) { /* walk, holding a reference to each node */
      mmb_obj *next = mmb_obj_get(n, (unsigned)mmb_rng_below(&r, EDGES));
      mmb_rc_retain(next);
      mmb_rc_release(n);
      n = next;
    }
    uint64_t idx;
    memcpy(&idx, mmb_obj_payload(n, EDGES), 8);
    if (idx >= NODES) bad[id]++;
    if (i % 8 == 0) { /* a private 2-cycle that points at the shared node */
      mmb_obj *a = mmb_rc_new(2, 8), *b = mmb_rc_new(1, 8);
      mmb_rc_store(a, 0, n);
      mmb_rc_put(a, 1, b);
      mmb_rc_store(b, 0, a);
      mmb_rc_release(a); /* garbage cycle: a candidate of this thread */
    }
    mmb_rc_release(n);
  }
  for (int i = 0; i < HANDOFF; i++) mmb_rc_release(handoff[i]);
  mmb_rc_thread_detach(); /* collects this thread's cycles, flushes counters */
  return NULL;
}

int main(void) {
  CHECK(mmb_rc_init(1, 100) == 0);
  table = mmb_rc_new(NODES, 0);
  for (uint64_t i = 0; i < NODES; i++) {
    mmb_obj *n = mmb_rc_new(EDGES, 8);
    memcpy(mmb_obj_payload(n, EDGES), &i, 8);
    mmb_rc_put(table, (unsigned)i, n);
  }
  unsigned indeg[NODES] = {0};
  for (unsigned i = 0; i < NODES; i++)
    for (unsigned e = 0; e < EDGES; e++) {
      unsigned t = (i * 7 + e * 13 + 1) % NODES;
      mmb_rc_store(mmb_obj_get(table, i), e, mmb_obj_get(table, t));
      indeg[t]++;
    }
  CHECK(mmb_rc_share(table) == 0);
  for (int i = 0; i < HANDOFF; i++) {
    handoff[i] = mmb_rc_new(1, 8);
    mmb_rc_store(handoff[i], 0, mmb_obj_get(table, (unsigned)i % NODES));
    CHECK(mmb_rc_share(handoff[i]) == 0);
    for (int t = 1; t < THREADS; t++) mmb_rc_retain(handoff[i]); /* one per thread */
  }
  mmb_graph_counts c0;
  mmb_rc_counts(&c0);

  pthread_t th[THREADS];
  for (int t = 0; t < THREADS; t++) pthread_create(&th[t], NULL, worker, (void *)(intptr_t)t);
  for (int t = 0; t < THREADS; t++) pthread_join(th[t], NULL);

  for (int t = 0; t < THREADS; t++) CHECK(bad[t] == 0);
  int wrong = 0;
  for (unsigned i = 0; i < NODES; i++)
    if (mmb_rc_count(mmb_obj_get(table, i)) != 1u + indeg[i]) wrong++;
  CHECKF(wrong == 0, "%d shared counts are off", wrong);
  mmb_graph_counts c;
  mmb_rc_counts(&c);
  /* the hand-off objects and every private cycle are gone */
  uint64_t cycles = (uint64_t)THREADS * (20000 / 8) * 2;
  CHECKF(c.live == 1 + NODES, "live %llu", (unsigned long long)c.live);
  CHECKF(c.reclaimed - c0.reclaimed == HANDOFF + cycles, "reclaimed %llu",
         (unsigned long long)(c.reclaimed - c0.reclaimed));
  for (unsigned i = 0; i < NODES; i++)
    for (unsigned e = 0; e < EDGES; e++) mmb_rc_store(mmb_obj_get(table, i), e, NULL);
  mmb_rc_release(table);
  mmb_rc_counts(&c);
  CHECK(c.live == 0);
  mmb_rc_fini();
  return mmb_test_exit();
}
