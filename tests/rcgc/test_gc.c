/* mmbench tests — the precise mark-sweep collector (gc.c): roots, exact
 * reclamation of garbage (cycles included), live objects intact after every
 * collection, a deep list marked without recursion, big objects, the growth
 * policy (collections happen when factor x live bytes were allocated) and
 * its settings, and stop-the-world with two allocating threads. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "gc.h"
#include "objgraph.h"
#include "wl_util.h"

static mmb_graph_counts counts(void) {
  mmb_graph_counts c;
  mmb_gc_counts(&c);
  return c;
}

static mmb_obj *mk(unsigned nslots, size_t payload, uint64_t tag) {
  mmb_obj *o = mmb_gc_new(nslots, payload);
  if (o) mmb_pattern_fill(mmb_obj_payload(o, nslots), payload, tag);
  return o;
}

static void test_roots(void) {
  CHECK(mmb_gc_init() == 0);
  mmb_obj *a = NULL, *b = NULL;
  mmb_gc_add_root(&a);
  mmb_gc_add_root(&b);
  a = mk(2, 24, 1);
  b = mk(1, 40, 2);
  mmb_obj *c = mk(0, 100, 3);
  mmb_gc_new(1, 8);               /* garbage from the start */
  ((mmb_obj **)(void *)a)[0] = c; /* stores need no barrier */
  mmb_gc_collect();
  CHECK(counts().reclaimed == 1 && counts().live == 3);
  CHECK(mmb_pattern_check(mmb_obj_payload(a, 2), 24, 1));
  CHECK(mmb_pattern_check(mmb_obj_payload(b, 1), 40, 2));
  CHECK(mmb_obj_get(a, 0) == c && mmb_pattern_check(mmb_obj_payload(c, 0), 100, 3));
  CHECK(mmb_obj_get(a, 1) == NULL && mmb_obj_get(b, 0) == NULL);
  /* a cycle reachable only from b, then not at all */
  mmb_obj *x = mk(1, 8, 10);
  mmb_gc_graph_ops.store(b, 0, x);
  mmb_obj *y = mk(1, 8, 11);
  mmb_gc_graph_ops.store(x, 0, y);
  mmb_gc_graph_ops.store(y, 0, x);
  mmb_gc_collect();
  CHECK(counts().live == 5);
  mmb_gc_remove_root(&b); /* b, x, y are garbage now */
  mmb_gc_collect();
  CHECK(counts().live == 2 && counts().reclaimed == 4);
  mmb_gc_remove_root(&a);
  mmb_gc_collect();
  mmb_graph_counts k = counts();
  CHECK(k.live == 0 && k.reclaimed == 6 && k.allocated == 6 && k.collections == 4);
  mmb_gc_fini();
}

/* A list of a million nodes is marked with the explicit stack. */
static void test_deep_list(void) {
  CHECK(mmb_gc_init() == 0);
  const long n = 1000 * 1000;
  mmb_obj *head = NULL;
  mmb_gc_add_root(&head);
  for (long i = 0; i < n; i++) {
    mmb_obj *o = mk(1, 8, (uint64_t)i);
    if (!o) break;
    ((mmb_obj **)(void *)o)[0] = head;
    head = o;
    if (i % 100000 == 0) mmb_gc_new(3, 64); /* some garbage among them */
  }
  mmb_gc_collect();
  CHECK(counts().live == (uint64_t)n);
  long i = n - 1, bad = 0;
  for (mmb_obj *o = head; o; o = mmb_obj_get(o, 0), i--)
    if (!mmb_pattern_check(mmb_obj_payload(o, 1), 8, (uint64_t)i)) bad++;
  CHECK(bad == 0 && i == -1);
  head = mmb_obj_get(head, 0); /* drop the first node */
  mmb_gc_collect();
  CHECK(counts().live == (uint64_t)n - 1);
  mmb_gc_remove_root(&head);
  mmb_gc_collect();
  CHECK(counts().live == 0);
  mmb_gc_fini();
}

/* Big objects (malloc'ed one by one) and every small size class. */
static void test_sizes(void) {
  CHECK(mmb_gc_init() == 0);
  static mmb_obj *keep[600];
  for (int i = 0; i < 600; i++) {
    keep[i] = NULL;
    mmb_gc_add_root(&keep[i]);
  }
  for (int round = 0; round < 3; round++) {
    for (int i = 0; i < 600; i++) {
      size_t payload = (size_t)i * 7 + (i % 3 == 0 ? 3000 : 0);
      mmb_obj *o = mk(1, payload, (uint64_t)(i * 3 + round));
      if (i % 2) keep[i] = o; /* odd ones live */
      CHECK(((uintptr_t)o & 15) == 0);
    }
    mmb_gc_collect();
    int bad = 0;
    for (int i = 1; i < 600; i += 2) {
      size_t payload = (size_t)i * 7 + (i % 3 == 0 ? 3000 : 0);
      if (!mmb_pattern_check(mmb_obj_payload(keep[i], 1), payload, (uint64_t)(i * 3 + round)))
        bad++;
    }
    CHECK(bad == 0 && counts().live == 300);
  }
  CHECK(counts().reclaimed == 300 * 3 + 300 * 2);
  for (int i = 599; i >= 0; i--) mmb_gc_remove_root(&keep[i]);
  mmb_gc_collect();
  CHECK(counts().live == 0);
  CHECK(mmb_gc_new(1u << 28, 0) == NULL);
  mmb_gc_fini();
}

/* Collect when the bytes allocated since the last collection exceed
 * growth x live bytes: about allocated / (growth x live) collections. */
static void test_growth(void) {
  CHECK(mmb_gc_init() == 0);
  CHECK(mmb_gc_set_min_bytes(0) == 0);
  CHECK(mmb_gc_set_growth(1.0) == 0);
  mmb_obj *live = NULL;
  mmb_gc_add_root(&live);
  live = mmb_gc_new(0, 4u << 20); /* 4 MiB live */
  mmb_gc_collect();
  uint64_t lb = mmb_gc_live_bytes();
  CHECK(lb >= (4u << 20) && lb < (4u << 20) + 4096);
  uint64_t c0 = counts().collections;
  for (int i = 0; i < (40 << 20) / 64; i++) mmb_gc_new(1, 48); /* 40 MiB of garbage */
  uint64_t n1 = counts().collections - c0;
  CHECKF(n1 >= 9 && n1 <= 11, "growth 1: %llu collections for 10x live", (unsigned long long)n1);
  CHECK(mmb_gc_set_growth(4.0) == 0);
  c0 = counts().collections;
  for (int i = 0; i < (40 << 20) / 64; i++) mmb_gc_new(1, 48);
  uint64_t n4 = counts().collections - c0;
  CHECKF(n4 >= 2 && n4 <= 3, "growth 4: %llu collections for 10x live", (unsigned long long)n4);
  CHECK(mmb_gc_set_growth(0) == -22 && mmb_gc_set_growth(-1) == -22 &&
        mmb_gc_set_min_bytes(-5) == -22);
  CHECK(mmb_gc_growth() == 4.0);
  mmb_gc_remove_root(&live);
  mmb_gc_fini();

  setenv("MMB_GC_GROWTH", "2.5", 1);
  CHECK(mmb_gc_init() == 0 && mmb_gc_growth() == 2.5);
  mmb_gc_fini();
  setenv("MMB_GC_GROWTH", "fast", 1);
  CHECK(mmb_gc_init() == -22);
  mmb_gc_fini();
  unsetenv("MMB_GC_GROWTH");
  CHECK(mmb_gc_init() == 0 && mmb_gc_growth() == MMB_GC_GROWTH_DEFAULT);
  mmb_gc_fini();
}

/* Two threads allocate trees under a small threshold: collections stop the
 * world at allocation; every tree is intact when walked; idle threads are
 * not waited for. */
static int walk(mmb_obj *n, int d, uint64_t tag) {
  if (!n) return 1;
  int bad = !mmb_pattern_check(mmb_obj_payload(n, 2), 16, tag);
  if (d > 0)
    bad += walk(mmb_obj_get(n, 0), d - 1, tag * 2) + walk(mmb_obj_get(n, 1), d - 1, tag * 2 + 1);
  return bad;
}
static void build(mmb_obj *n, int d, uint64_t tag) {
  mmb_pattern_fill(mmb_obj_payload(n, 2), 16, tag);
  if (d == 0) return;
  ((mmb_obj **)(void *)n)[0] = mk(2, 16, 0);
  ((mmb_obj **)(void *)n)[1] = mk(2, 16, 0);
  build(mmb_obj_get(n, 0), d - 1, tag * 2);
  build(mmb_obj_get(n, 1), d - 1, tag * 2 + 1);
}
static int thread_bad[2];
static void *worker(void *arg) {
  int id = (int)(intptr_t)arg;
  mmb_gc_thread_attach();
  mmb_obj *t = NULL;
  mmb_gc_add_root(&t);
  for (int i = 0; i < 200; i++) {
    t = mk(2, 16, 0);
    build(t, 8, (uint64_t)(id * 1000 + i + 1));
    thread_bad[id] += walk(t, 8, (uint64_t)(id * 1000 + i + 1));
  }
  mmb_gc_remove_root(&t);
  mmb_gc_idle();
  if (id == 0) { /* stay attached but idle for a while: must not block thread 1 */
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  mmb_gc_thread_detach();
  return NULL;
}

static void test_threads(void) {
  CHECK(mmb_gc_init() == 0);
  CHECK(mmb_gc_set_min_bytes(64 * 1024) == 0);
  mmb_gc_thread_attach(); /* the home thread, as the harness does */
  pthread_t th[2];
  for (int i = 0; i < 2; i++) pthread_create(&th[i], NULL, worker, (void *)(intptr_t)i);
  for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
  CHECK(thread_bad[0] == 0 && thread_bad[1] == 0);
  mmb_gc_collect();
  mmb_graph_counts k = counts();
  CHECKF(k.collections > 10 && k.live == 0 && k.reclaimed == k.allocated,
         "collections %llu live %llu", (unsigned long long)k.collections,
         (unsigned long long)k.live);
  mmb_gc_thread_detach();
  mmb_gc_fini();
}

int main(void) {
  test_roots();
  test_deep_list();
  test_sizes();
  test_growth();
  test_threads();
  return mmb_test_exit();
}
