/* mmbench tests — broken allocators under the churn and threads workloads.
 *
 * A small pool allocator defined here (a static pool, size-class free lists,
 * one mutex) runs in four modes:
 *   sound     correct: every workload is ok with glibc's checksum, so what
 *             the other modes trigger comes from the injected fault;
 *   overlap   every 7th malloc (the 2nd, 9th, …) hands out again the block
 *             this thread got last, while it is still live;
 *   scribble  a block reused from a free list gets 8 bytes of garbage at its
 *             start at this thread's next allocator call (a stale free-list
 *             link written into a block already handed out);
 *   nomem     malloc returns NULL after a number of calls.
 * Each must be recorded as `corrupt` with a one-line reason wherever it can
 * be observed, by the verification repetition (cell spec verify = 1). It cannot be observed, and is
 * not asked for, where a thread never has two blocks live at once: cache-thrash (both faults) and
 * cache-scratch (scribble; its overlap shows in the objects made in setup).
 * Fragmentation never reuses a freed block for a later size (no scribble),
 * nor does large at these sizes, which also make fewer calls than nomem
 * lets through. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "workload_test.h"

/* ---------------------------------------------------------------------------
 * The pool allocator
 * ------------------------------------------------------------------------- */
enum { SOUND = 0, OVERLAP, SCRIBBLE, NOMEM };
static const char *const mode_names[] = {"sound", "overlap", "scribble", "nomem"};

#define POOL_BYTES (96u << 20)
#define GRAIN 16
#define NCLASS 300

static unsigned char pool[POOL_BYTES] __attribute__((aligned(4096)));
static uint16_t refs[POOL_BYTES / GRAIN]; /* live references per block */
static void *freel[NCLASS];
static size_t bump;
static unsigned long calls;
static int mode;
static unsigned long nomem_after = 100;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local unsigned char *last; /* block this thread got last */
static _Thread_local size_t last_cap;
static _Thread_local unsigned char *victim; /* reused block, to scribble on */

static size_t class_size(size_t n) {
  if (n == 0) n = 1;
  if (n <= 4096) return (n + GRAIN - 1) & ~(size_t)(GRAIN - 1);
  size_t c = 8192;
  while (c < n) c <<= 1;
  return c;
}
static int class_index(size_t c) {
  if (c <= 4096) return (int)(c / GRAIN);
  int i = 257;
  for (size_t x = 8192; x < c; x <<= 1) i++;
  return i;
}
static size_t ref_index(const void *p) { return (size_t)((const unsigned char *)p - pool) / GRAIN; }

static void pool_reset(void) {
  pthread_mutex_lock(&mu);
  memset(refs, 0, sizeof refs);
  memset(freel, 0, sizeof freel);
  bump = 0;
  calls = 0;
  last = NULL;
  victim = NULL;
  pthread_mutex_unlock(&mu);
}

/* Called with mu held at every allocator call of this thread. */
static void maybe_scribble(const void *except) {
  if (mode == SCRIBBLE && victim && victim != except && refs[ref_index(victim)] > 0)
    memcpy(victim, "\xde\xad\xbe\xef\xfe\xed\xfa\xce", 8);
  victim = NULL;
}

static void *pool_get(size_t n) {
  if (mode == NOMEM && calls > nomem_after) return NULL;
  if (mode == OVERLAP && calls % 7 == 2 && last && refs[ref_index(last)] > 0 && n <= last_cap) {
    refs[ref_index(last)]++;
    return last;
  }
  size_t c = class_size(n);
  int ci = class_index(c);
  unsigned char *p = freel[ci];
  if (p) {
    void *next;
    memcpy(&next, p, sizeof next);
    freel[ci] = next;
    if (mode == SCRIBBLE) victim = p;
  } else {
    if (c > POOL_BYTES - bump) return NULL;
    p = pool + bump;
    bump += c;
  }
  refs[ref_index(p)] = 1;
  last = p;
  last_cap = c;
  return p;
}

static void pool_put(void *p, size_t n) {
  uint16_t *r = &refs[ref_index(p)];
  if (*r == 0) return;  /* not live: ignore */
  if (--*r > 0) return; /* handed out twice: still referenced */
  int ci = class_index(class_size(n));
  void *next = freel[ci];
  memcpy(p, &next, sizeof next);
  freel[ci] = p;
}

static int b_init(void) {
  pool_reset();
  return 0;
}
static void *b_malloc(size_t n) {
  pthread_mutex_lock(&mu);
  calls++;
  maybe_scribble(NULL);
  void *p = pool_get(n);
  pthread_mutex_unlock(&mu);
  return p;
}
static void b_free(void *p, size_t n) {
  pthread_mutex_lock(&mu);
  maybe_scribble(p);
  if (p) pool_put(p, n);
  pthread_mutex_unlock(&mu);
}
static void *b_realloc(void *p, size_t old, size_t n) {
  pthread_mutex_lock(&mu);
  calls++;
  maybe_scribble(p);
  unsigned char *q = pool_get(n);
  if (q && p) {
    memmove(q, p, old < n ? old : n);
    pool_put(p, old);
  }
  pthread_mutex_unlock(&mu);
  return q;
}

static const mmb_allocator broken = {
    .name = "broken",
    .description = "test: pool allocator with injectable faults",
    .kind = MMB_KIND_INPROC,
    .caps = MMB_CAP_MALLOC,
    .init = b_init,
    .malloc = b_malloc,
    .free = b_free,
    .realloc = b_realloc,
};

/* ---------------------------------------------------------------------------
 * Cases: which faults each workload must catch
 * ------------------------------------------------------------------------- */
typedef struct bcase {
  const char *w, *params;
  int threads;
  int overlap, scribble, nomem; /* 1 = must be recorded corrupt */
} bcase;

static const bcase cases[] = {
    {"churn-random", "window=64;n=4000", 1, 1, 1, 1},
    {"churn-random", "dist=invsq;min=8;max=8192;window=64;n=4000", 1, 1, 1, 1},
    {"churn-lifo", "batch=50;n=3000", 1, 1, 1, 1},
    {"churn-fifo", "batch=50;n=3000", 1, 1, 1, 1},
    {"realloc-grow", "variant=double;len=300;k=4;n=24", 1, 1, 1, 1},
    {"realloc-grow", "variant=add;len=300;k=4;n=24", 1, 1, 1, 1},
    {"fragmentation", "n=4000;big=512", 1, 1, 0, 1},
    {"large", "min=64K;max=2M;slots=3;n=40", 1, 1, 0, 0},
    {"thread-local", "batch=100;n=2000", 1, 1, 1, 1},
    {"thread-local", "batch=100;n=2000", 2, 1, 1, 1},
    {"larson", "slots=50;round=300;n=3000", 1, 1, 1, 1},
    {"larson", "slots=50;round=300;n=3000", 2, 1, 1, 1},
    {"producer-consumer", "batch=16;queue=4;n=3000", 2, 1, 1, 1},
    {"producer-consumer", "batch=16;queue=4;n=3000", 4, 1, 1, 1},
    {"cache-thrash", "reps=50;n=200", 2, 0, 0, 1},
    {"cache-scratch", "reps=50;n=200", 2, 1, 0, 1},
    {"blowup", "n=2000;keep=8", 1, 1, 1, 1},
    {"blowup", "n=2000;keep=8", 2, 1, 1, 1},
    {NULL, NULL, 0, 0, 0, 0},
};

int main(void) {
  /* the verification repetition is what must catch them (the timed
   * repetitions touch one word per block) */
  wt_verify = 1;
  for (const bcase *c = cases; c->w; c++) {
    wt_result ref = wt_cell(&mmb_alloc_glibc, c->w, c->params, c->threads);
    CHECKF(strcmp(ref.status, "ok") == 0, "%s [%s] t=%d under glibc: %s %s", c->w, c->params,
           c->threads, ref.status, ref.reason);
    for (int m = SOUND; m <= NOMEM; m++) {
      int expect = m == OVERLAP    ? c->overlap
                   : m == SCRIBBLE ? c->scribble
                   : m == NOMEM    ? c->nomem
                                   : 0;
      if (m != SOUND && !expect) continue;
      mode = m;
      wt_result r = wt_cell(&broken, c->w, c->params, c->threads);
      if (m == SOUND) {
        CHECKF(strcmp(r.status, "ok") == 0 && strcmp(r.checksum, ref.checksum) == 0,
               "%s [%s] t=%d, sound pool: %s %s checksum %s, glibc %s", c->w, c->params, c->threads,
               r.status, r.reason, r.checksum, ref.checksum);
        continue;
      }
      CHECKF(strcmp(r.status, "corrupt") == 0, "%s [%s] t=%d, %s: status %s (%s), expected corrupt",
             c->w, c->params, c->threads, mode_names[m], r.status, r.reason);
      CHECKF(r.reason[0] && !strchr(r.reason, '\n'), "%s, %s: reason must be one line: '%s'", c->w,
             mode_names[m], r.reason);
      const char *word = m == NOMEM ? "returned NULL" : "changed";
      CHECKF(strstr(r.reason, word) != NULL, "%s, %s: reason '%s' should say '%s'", c->w,
             mode_names[m], r.reason, word);
    }
  }
  mode = SOUND;
  return mmb_test_exit();
}
