/* mmbench tests — per-thread use of `arena` and `arena-pool` through their
 * adapters, written to run under ThreadSanitizer: threads allocate from
 * their own heaps, hand blocks to other threads, which check and free them
 * (remote frees for arena-pool); threads exit and new ones adopt their
 * heaps; reset and stats run after the joins. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "allocator.h"
#include "arena_test_util.h"
#include "check.h"

enum { THREADS = 4, PER_THREAD = 20000, QCAP = 1024 };

typedef struct queue {
  pthread_mutex_t lock;
  pthread_cond_t cond;
  t_block item[QCAP];
  uint64_t tag[QCAP];
  int head, count, closed;
} queue;

static void q_push(queue *q, t_block b, uint64_t tag) {
  pthread_mutex_lock(&q->lock);
  while (q->count == QCAP) pthread_cond_wait(&q->cond, &q->lock);
  int i = (q->head + q->count++) % QCAP;
  q->item[i] = b;
  q->tag[i] = tag;
  pthread_cond_broadcast(&q->cond);
  pthread_mutex_unlock(&q->lock);
}

static int q_pop(queue *q, t_block *b, uint64_t *tag) {
  pthread_mutex_lock(&q->lock);
  while (q->count == 0 && !q->closed) pthread_cond_wait(&q->cond, &q->lock);
  int ok = q->count > 0;
  if (ok) {
    *b = q->item[q->head];
    *tag = q->tag[q->head];
    q->head = (q->head + 1) % QCAP;
    q->count--;
    pthread_cond_broadcast(&q->cond);
  }
  pthread_mutex_unlock(&q->lock);
  return ok;
}

static const mmb_allocator *A;
static queue Q = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, {{0}}, {0}, 0, 0, 0};
static pthread_mutex_t bad_lock = PTHREAD_MUTEX_INITIALIZER;
static int bad;

static void *producer(void *arg) {
  uint64_t seed = (uint64_t)(uintptr_t)arg * 7919 + 1;
  A->thread_attach();
  for (int i = 0; i < PER_THREAD; i++) {
    size_t size = 1 + t_rand(&seed) % 300;
    if (i % 997 == 0) size = 70000 + i; /* large blocks for arena-pool */
    char *p = A->malloc(size);
    if (!p) {
      pthread_mutex_lock(&bad_lock);
      bad++;
      pthread_mutex_unlock(&bad_lock);
      continue;
    }
    uint64_t tag = seed ^ (uint64_t)i;
    t_fill(p, size < 64 ? size : 64, tag);
    q_push(&Q, (t_block){p, size}, tag);
    /* and some thread-local churn */
    char *t = A->malloc(48);
    if (t) {
      memset(t, 1, 48);
      A->free(t, 48);
    }
  }
  A->thread_detach();
  return NULL;
}

static void *consumer(void *arg) {
  (void)arg;
  A->thread_attach();
  t_block b;
  uint64_t tag;
  int n = 0;
  while (q_pop(&Q, &b, &tag)) {
    if (!t_check(b.p, b.size < 64 ? b.size : 64, tag)) n++;
    A->free(b.p, b.size); /* a remote free */
  }
  if (n) {
    pthread_mutex_lock(&bad_lock);
    bad += n;
    pthread_mutex_unlock(&bad_lock);
  }
  A->thread_detach();
  return NULL;
}

/* One round: THREADS/2 producers, THREADS/2 consumers. */
static void round_trip(void) {
  pthread_t t[THREADS];
  Q.closed = 0;
  for (int i = 0; i < THREADS; i++)
    CHECK(pthread_create(&t[i], NULL, i % 2 ? consumer : producer, (void *)(uintptr_t)i) == 0);
  for (int i = 0; i < THREADS; i += 2) pthread_join(t[i], NULL);
  pthread_mutex_lock(&Q.lock);
  Q.closed = 1;
  pthread_cond_broadcast(&Q.cond);
  pthread_mutex_unlock(&Q.lock);
  for (int i = 1; i < THREADS; i += 2) pthread_join(t[i], NULL);
}

static void run(const char *name) {
  A = mmb_allocator_find(name);
  CHECK(A != NULL);
  if (!A) return;
  CHECK(A->init() == 0);
  A->thread_attach();
  bad = 0;
  mmb_alloc_stats st1, st3;
  round_trip();
  CHECK(A->stats(&st1) == 0);
  for (int r = 0; r < 2; r++) round_trip(); /* new threads adopt the orphans */
  CHECK(A->stats(&st3) == 0);
  CHECKF(bad == 0, "%s: %d blocks failed or were corrupted", name, bad);
  if (A->caps & MMB_CAP_FREE) {
    /* everything was freed; memory was reused across rounds */
    CHECKF(st3.requested == 0, "%s: %llu bytes still counted live", name,
           (unsigned long long)st3.requested);
    CHECKF(st3.reserved <= st1.reserved + ((uint64_t)8 << 20),
           "%s: reserved grew from %llu to %llu over rounds", name,
           (unsigned long long)st1.reserved, (unsigned long long)st3.reserved);
  } else {
    CHECK(st3.requested > st1.requested); /* regions keep everything */
  }
  A->reset();
  mmb_alloc_stats st4;
  CHECK(A->stats(&st4) == 0);
  /* at most THREADS + 1 heaps exist (orphans were adopted), each keeping
   * at most the default retain */
  CHECKF(st4.reserved <= (uint64_t)(THREADS + 1) * (4u << 20), "%s: %llu reserved after reset",
         name, (unsigned long long)st4.reserved);
  CHECK(st4.requested == 0);
  A->thread_detach();
  A->fini();
}

int main(void) {
  run("arena");
  run("arena-pool");
  return mmb_test_exit();
}
