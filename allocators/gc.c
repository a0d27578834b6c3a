/* mmbench — precise mark-sweep collector over the base malloc: heap lists,
 * roots, stop-the-world at allocation, marking, sweeping, growth policy.
 * See gc.h. */
#include "gc.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MARK_BIT 0x80000000u
#define FREE_BIT 0x40000000u
#define SIZE_MASK 0x3fffffffu
#define SIZE_MAX_OBJ SIZE_MASK

#define BLOCK_BYTES ((size_t)64 * 1024)
#define GRAN 16
#define SMALL_MAX 2048 /* header included */
#define NCLASS (SMALL_MAX / GRAN + 1)

/* Every object: nslots pointer slots and a payload follow the header. */
typedef struct gc_hdr {
  uint32_t nslots; /* pointer slots: the object's type information */
  uint32_t bits;   /* size after the header | MARK_BIT | FREE_BIT */
} gc_hdr;

/* A block of one size class; objects start at data, stride bytes apart. A
 * free object's first word after the header links the free list. */
typedef struct block {
  struct block *next_all;   /* every small block in the heap */
  struct block *next_avail; /* blocks with free objects no thread holds */
  gc_hdr *free;             /* free objects not handed to a thread */
  uint32_t cls, stride, nobj, pad;
} block;
#define BLOCK_DATA(b)                                                                              \
  ((char *)(b) + ((sizeof(block) + GRAN - 1) / GRAN * GRAN) + GRAN - sizeof(gc_hdr))

/* A big object, malloc'ed on its own. */
typedef struct large {
  struct large *next;
  gc_hdr h; /* the object follows, 16-byte aligned */
} large;

/* One per thread that used the collector; kept until fini. */
typedef struct gc_thread {
  struct gc_thread *next;
  mmb_obj ***roots; /* registered root locations (a stack) */
  size_t nroots, cap;
  uint64_t pending;   /* bytes allocated, not yet added to g.since */
  uint64_t allocated; /* objects made (written by the owner, read by stats) */
  int active;         /* attached, and waited for by a collection */
  int idle;           /* attached but idle (mmb_gc_idle): not waited for */
  int home;           /* the thread that called init */
  gc_hdr *fl[NCLASS]; /* thread-local free lists */
} gc_thread;

static struct {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  pthread_t home;
  unsigned gen; /* bumped by init / fini: stale thread records are ignored */
  gc_thread *threads;
  int stw; /* a collection wants the world stopped (atomic) */
  int n_active, n_parked;
  uint64_t since;      /* bytes allocated since the last collection (atomic) */
  uint64_t threshold;  /* collect when since exceeds this (atomic) */
  uint64_t flush;      /* thread-local bytes batched before touching since */
  uint64_t live_bytes; /* after the last collection */
  double growth;
  uint64_t min_bytes;
  uint64_t collections, reclaimed;
  block *blocks;        /* all small blocks */
  block *avail[NCLASS]; /* blocks with free objects, per class */
  block *empty;         /* blocks with no object in use */
  size_t nempty;
  large *larges;
  gc_hdr **mstack; /* mark stack */
  size_t mcap, mn;
  int overflow;
} g = {.mu = PTHREAD_MUTEX_INITIALIZER,
       .cv = PTHREAD_COND_INITIALIZER,
       .growth = MMB_GC_GROWTH_DEFAULT,
       .min_bytes = MMB_GC_MIN_BYTES_DEFAULT};

static void free_heap(void);

static __thread gc_thread *tls_self;
static __thread unsigned tls_gen;

static inline gc_hdr *hdr_of(mmb_obj *o) { return (gc_hdr *)(void *)o - 1; }
static inline mmb_obj **slots_of(gc_hdr *h) { return (mmb_obj **)(void *)(h + 1); }

/* ---------------------------------------------------------------------------
 * Policy
 * ------------------------------------------------------------------------- */
static void set_threshold(void) {
  double t = g.growth * (double)g.live_bytes;
  uint64_t th = t > (double)g.min_bytes ? (uint64_t)t : g.min_bytes;
  __atomic_store_n(&g.threshold, th, __ATOMIC_RELAXED);
  uint64_t fl = th / 16;
  if (fl > 64 * 1024) fl = 64 * 1024;
  __atomic_store_n(&g.flush, fl, __ATOMIC_RELAXED);
}

int mmb_gc_set_growth(double factor) {
  if (!(factor > 0.0 && factor <= 1000.0)) return -EINVAL;
  pthread_mutex_lock(&g.mu);
  g.growth = factor;
  set_threshold();
  pthread_mutex_unlock(&g.mu);
  return 0;
}

int mmb_gc_set_min_bytes(double bytes) {
  if (!(bytes >= 0.0 && bytes <= 1099511627776.0)) return -EINVAL;
  pthread_mutex_lock(&g.mu);
  g.min_bytes = (uint64_t)bytes;
  set_threshold();
  pthread_mutex_unlock(&g.mu);
  return 0;
}

double mmb_gc_growth(void) { return g.growth; }

static int env_double(const char *name, int (*apply)(double)) {
  const char *s = getenv(name);
  if (!s || !*s) return 0;
  char *end;
  double v = strtod(s, &end);
  if (*end || !isfinite(v)) return -EINVAL;
  return apply(v);
}

int mmb_gc_init(void) {
  pthread_mutex_lock(&g.mu);
  g.home = pthread_self();
  g.gen++;
  free_heap();
  g.threads = NULL;
  g.n_active = g.n_parked = 0;
  __atomic_store_n(&g.stw, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&g.since, 0, __ATOMIC_RELAXED);
  g.live_bytes = 0;
  g.growth = MMB_GC_GROWTH_DEFAULT;
  g.min_bytes = MMB_GC_MIN_BYTES_DEFAULT;
  g.collections = g.reclaimed = 0;
  g.overflow = 0;
  g.mn = 0;
  if (!g.mstack) {
    g.mstack = malloc(4096 * sizeof *g.mstack);
    g.mcap = g.mstack ? 4096 : 0;
  }
  set_threshold();
  pthread_mutex_unlock(&g.mu);
  if (!g.mstack) return -ENOMEM;
  if (env_double("MMB_GC_GROWTH", mmb_gc_set_growth) != 0) return -EINVAL;
  if (env_double("MMB_GC_MIN_BYTES", mmb_gc_set_min_bytes) != 0) return -EINVAL;
  return 0;
}

static void free_heap(void) {
  for (block *b = g.blocks; b;) {
    block *n = b->next_all;
    free(b);
    b = n;
  }
  for (block *b = g.empty; b;) {
    block *n = b->next_all;
    free(b);
    b = n;
  }
  for (large *l = g.larges; l;) {
    large *n = l->next;
    free(l);
    l = n;
  }
  g.blocks = g.empty = NULL;
  g.larges = NULL;
  g.nempty = 0;
  memset(g.avail, 0, sizeof g.avail);
}

void mmb_gc_fini(void) {
  pthread_mutex_lock(&g.mu);
  free_heap();
  gc_thread *t = g.threads;
  while (t) {
    gc_thread *next = t->next;
    free(t->roots);
    free(t);
    t = next;
  }
  g.threads = NULL;
  g.gen++;
  free(g.mstack);
  g.mstack = NULL;
  g.mcap = g.mn = 0;
  pthread_mutex_unlock(&g.mu);
  tls_self = NULL;
}

/* ---------------------------------------------------------------------------
 * Threads and stopping the world
 * ------------------------------------------------------------------------- */
static gc_thread *self_slow(void) {
  gc_thread *t = calloc(1, sizeof *t);
  if (!t) return NULL;
  pthread_mutex_lock(&g.mu);
  t->home = pthread_equal(pthread_self(), g.home);
  t->next = g.threads;
  g.threads = t;
  tls_self = t;
  tls_gen = g.gen;
  pthread_mutex_unlock(&g.mu);
  return t;
}

static inline gc_thread *self(void) {
  if (tls_self && tls_gen == g.gen) return tls_self;
  return self_slow();
}

/* Wait, counted as parked, while a collection runs. Under g.mu. */
static void park_locked(gc_thread *t) {
  if (t->active) {
    g.n_parked++;
    pthread_cond_broadcast(&g.cv);
  }
  while (g.stw) pthread_cond_wait(&g.cv, &g.mu);
  if (t->active) g.n_parked--;
}

static void safepoint(gc_thread *t) {
  pthread_mutex_lock(&g.mu);
  park_locked(t);
  pthread_mutex_unlock(&g.mu);
}

void mmb_gc_thread_attach(void) {
  gc_thread *t = self();
  if (!t) return;
  pthread_mutex_lock(&g.mu);
  while (g.stw) pthread_cond_wait(&g.cv, &g.mu);
  if (!t->active && !t->home) {
    t->active = 1;
    g.n_active++;
  }
  pthread_mutex_unlock(&g.mu);
}

void mmb_gc_idle(void) {
  gc_thread *t = self();
  if (!t) return;
  pthread_mutex_lock(&g.mu);
  if (t->active) {
    t->active = 0;
    t->idle = 1;
    g.n_active--;
    pthread_cond_broadcast(&g.cv);
  }
  pthread_mutex_unlock(&g.mu);
}

/* Back from idle: wait out a collection in progress, then count again. */
static void resume(gc_thread *t) {
  pthread_mutex_lock(&g.mu);
  while (g.stw) pthread_cond_wait(&g.cv, &g.mu);
  if (t->idle) {
    t->idle = 0;
    t->active = 1;
    g.n_active++;
  }
  pthread_mutex_unlock(&g.mu);
}

void mmb_gc_thread_detach(void) {
  gc_thread *t = self();
  if (!t) return;
  pthread_mutex_lock(&g.mu);
  /* A collection may be scanning this thread's roots: wait it out. */
  park_locked(t);
  if (t->active) {
    t->active = 0;
    g.n_active--;
    pthread_cond_broadcast(&g.cv);
  }
  t->idle = 0;
  t->nroots = 0;
  __atomic_fetch_add(&g.since, t->pending, __ATOMIC_RELAXED);
  t->pending = 0;
  pthread_mutex_unlock(&g.mu);
}

/* ---------------------------------------------------------------------------
 * Marking
 * ------------------------------------------------------------------------- */
/* Grey objects wait on the mark stack unmarked; an object is marked when it
 * is taken off. Objects taken off pass through a small FIFO after a
 * prefetch of their header, so that the miss on an object overlaps with
 * the scanning of the ones before it (prefetch on grey). */
#define PREFETCH_DEPTH 8

static inline void mark_push(gc_hdr *h) {
  if (g.mn == g.mcap) {
    size_t ncap = g.mcap ? 2 * g.mcap : 4096;
    gc_hdr **bigger = realloc(g.mstack, ncap * sizeof *bigger);
    if (!bigger) {
      g.overflow = 1; /* not pushed: found again by the rescan */
      return;
    }
    g.mstack = bigger;
    g.mcap = ncap;
  }
  g.mstack[g.mn++] = h;
}

static inline void scan_obj(gc_hdr *h) {
  mmb_obj **slots = slots_of(h);
  for (uint32_t i = 0; i < h->nslots; i++)
    if (slots[i]) mark_push(hdr_of(slots[i]));
}

static void drain(void) {
  gc_hdr *fifo[PREFETCH_DEPTH];
  unsigned head = 0, n = 0;
  for (;;) {
    while (n < PREFETCH_DEPTH && g.mn) {
      gc_hdr *h = g.mstack[--g.mn];
      __builtin_prefetch(h, 1);
      fifo[(head + n++) % PREFETCH_DEPTH] = h;
    }
    if (!n) return;
    gc_hdr *h = fifo[head];
    head = (head + 1) % PREFETCH_DEPTH;
    n--;
    if (h->bits & MARK_BIT) continue;
    h->bits |= MARK_BIT;
    scan_obj(h);
  }
}

static inline int marked_live(const gc_hdr *h) {
  return (h->bits & (MARK_BIT | FREE_BIT)) == MARK_BIT;
}

static void push_roots(void) {
  for (gc_thread *t = g.threads; t; t = t->next)
    for (size_t i = 0; i < t->nroots; i++) {
      mmb_obj *o = *t->roots[i];
      if (o) mark_push(hdr_of(o));
    }
}

/* A push that failed (the stack could not grow) leaves an object unmarked
 * that is a root or a child of a marked object: the rescan pushes those
 * again. The stack never shrinks below its initial size, so every round
 * makes progress. */
static void mark_all(void) {
  push_roots();
  drain();
  while (g.overflow) {
    g.overflow = 0;
    push_roots();
    drain();
    for (block *b = g.blocks; b; b = b->next_all) {
      char *p = BLOCK_DATA(b);
      for (uint32_t i = 0; i < b->nobj; i++, p += b->stride)
        if (marked_live((gc_hdr *)(void *)p)) {
          scan_obj((gc_hdr *)(void *)p);
          drain();
        }
    }
    for (large *l = g.larges; l; l = l->next)
      if (marked_live(&l->h)) {
        scan_obj(&l->h);
        drain();
      }
  }
}

/* ---------------------------------------------------------------------------
 * Sweeping
 * ------------------------------------------------------------------------- */
static inline void link_free(gc_hdr *h, gc_hdr *next) { *(gc_hdr **)(void *)(h + 1) = next; }
static inline gc_hdr *next_free(gc_hdr *h) { return *(gc_hdr **)(void *)(h + 1); }

static void sweep_all(void) {
  uint64_t live = 0, freed = 0;
  /* Thread-local free lists are given back: the block scan finds them. */
  for (gc_thread *t = g.threads; t; t = t->next) memset(t->fl, 0, sizeof t->fl);
  memset(g.avail, 0, sizeof g.avail);
  block **pb = &g.blocks;
  block *b;
  while ((b = *pb)) {
    gc_hdr *fl = NULL;
    uint32_t nfree = 0;
    char *base = BLOCK_DATA(b);
    /* Backwards, pushing in front: the free list runs in address order. */
    for (uint32_t i = b->nobj; i-- > 0;) {
      gc_hdr *h = (gc_hdr *)(void *)(base + (size_t)i * b->stride);
      uint32_t bits = h->bits;
      if (bits & FREE_BIT) {
      } else if (bits & MARK_BIT) {
        h->bits = bits & ~MARK_BIT;
        continue;
      } else {
        h->bits = FREE_BIT;
        freed++;
      }
      link_free(h, fl);
      fl = h;
      nfree++;
    }
    live += (uint64_t)(b->nobj - nfree) * b->stride;
    if (nfree == b->nobj) { /* empty: off the heap list */
      *pb = b->next_all;
      b->next_all = g.empty;
      g.empty = b;
      g.nempty++;
      continue;
    }
    b->free = fl;
    if (fl) {
      b->next_avail = g.avail[b->cls];
      g.avail[b->cls] = b;
    }
    pb = &b->next_all;
  }
  large **pl = &g.larges;
  large *l;
  while ((l = *pl)) {
    if (l->h.bits & MARK_BIT) {
      l->h.bits &= ~MARK_BIT;
      live += sizeof(large) + (l->h.bits & SIZE_MASK);
      pl = &l->next;
    } else {
      *pl = l->next;
      free(l);
      freed++;
    }
  }
  g.live_bytes = live;
  g.reclaimed += freed;
}

/* Keep the empty blocks the next cycle will use; give the rest back. */
static void trim_empty(void) {
  uint64_t keep = __atomic_load_n(&g.threshold, __ATOMIC_RELAXED) / BLOCK_BYTES + 1;
  while (g.nempty > keep) {
    block *b = g.empty;
    g.empty = b->next_all;
    g.nempty--;
    free(b);
  }
}

/* Under g.mu with every other attached thread parked. */
static void collect_locked(void) {
  mark_all();
  sweep_all();
  g.collections++;
  __atomic_store_n(&g.since, 0, __ATOMIC_RELAXED);
  set_threshold();
  trim_empty();
}

static void collect_request(gc_thread *t) {
  pthread_mutex_lock(&g.mu);
  if (g.stw) { /* someone else is collecting: that serves us too */
    park_locked(t);
    pthread_mutex_unlock(&g.mu);
    return;
  }
  __atomic_store_n(&g.stw, 1, __ATOMIC_RELAXED);
  int others = g.n_active - (t->active ? 1 : 0);
  while (g.n_parked < others) {
    pthread_cond_wait(&g.cv, &g.mu);
    others = g.n_active - (t->active ? 1 : 0);
  }
  collect_locked();
  __atomic_store_n(&g.stw, 0, __ATOMIC_RELAXED);
  pthread_cond_broadcast(&g.cv);
  pthread_mutex_unlock(&g.mu);
}

void mmb_gc_collect(void) {
  gc_thread *t = self();
  if (!t) return;
  if (t->idle) resume(t);
  collect_request(t);
}

/* ---------------------------------------------------------------------------
 * Allocation and roots
 * ------------------------------------------------------------------------- */
/* A free list of class cls for thread t: from a swept block, an empty
 * block or a new one. NULL when malloc fails. */
static gc_hdr *refill(unsigned cls) {
  pthread_mutex_lock(&g.mu);
  gc_hdr *fl = NULL;
  block *b = g.avail[cls];
  if (b) {
    g.avail[cls] = b->next_avail;
    fl = b->free;
    b->free = NULL;
  } else {
    b = g.empty;
    if (b) {
      g.empty = b->next_all;
      g.nempty--;
    } else {
      b = malloc(BLOCK_BYTES);
    }
    if (b) {
      b->cls = cls;
      b->stride = cls * GRAN;
      b->nobj = (uint32_t)((BLOCK_BYTES - (size_t)(BLOCK_DATA(b) - (char *)b)) / b->stride);
      b->free = NULL;
      char *base = BLOCK_DATA(b);
      for (uint32_t i = b->nobj; i-- > 0;) {
        gc_hdr *h = (gc_hdr *)(void *)(base + (size_t)i * b->stride);
        h->bits = FREE_BIT;
        link_free(h, fl);
        fl = h;
      }
      b->next_all = g.blocks;
      g.blocks = b;
    }
  }
  pthread_mutex_unlock(&g.mu);
  return fl;
}

static gc_hdr *alloc_large(size_t size) {
  large *l = malloc(sizeof(large) + size);
  if (!l) return NULL;
  pthread_mutex_lock(&g.mu);
  l->next = g.larges;
  g.larges = l;
  pthread_mutex_unlock(&g.mu);
  return &l->h;
}

mmb_obj *mmb_gc_new(unsigned nslots, size_t payload) {
  gc_thread *t = self();
  if (!t) return NULL;
  if (nslots > (1u << 27) || mmb_obj_bytes(nslots, payload) > SIZE_MAX_OBJ) {
    errno = EINVAL;
    return NULL;
  }
  uint32_t size = (uint32_t)mmb_obj_bytes(nslots, payload);
  size_t need = sizeof(gc_hdr) + size;
  unsigned cls = need <= SMALL_MAX ? (unsigned)((need + GRAN - 1) / GRAN) : 0;
  if (__builtin_expect(__atomic_load_n(&g.stw, __ATOMIC_RELAXED) | t->idle, 0)) {
    if (t->idle)
      resume(t);
    else
      safepoint(t);
  }
  t->pending += cls ? cls * GRAN : sizeof(large) + size;
  if (t->pending >= __atomic_load_n(&g.flush, __ATOMIC_RELAXED)) {
    uint64_t since = __atomic_add_fetch(&g.since, t->pending, __ATOMIC_RELAXED);
    t->pending = 0;
    if (since >= __atomic_load_n(&g.threshold, __ATOMIC_RELAXED)) collect_request(t);
  }
  gc_hdr *h;
  for (int attempt = 0;; attempt++) {
    if (cls) {
      h = t->fl[cls];
      if (!h) h = t->fl[cls] = refill(cls);
      if (h) t->fl[cls] = next_free(h);
    } else {
      h = alloc_large(size);
    }
    if (h || attempt) break;
    collect_request(t); /* out of memory: collect once and retry */
  }
  if (!h) {
    errno = ENOMEM;
    return NULL;
  }
  h->nslots = nslots;
  h->bits = size;
  mmb_obj_clear_slots((mmb_obj **)(void *)(h + 1), nslots);
  __atomic_store_n(&t->allocated, t->allocated + 1, __ATOMIC_RELAXED);
  return (mmb_obj *)(void *)(h + 1);
}

void mmb_gc_add_root(mmb_obj **loc) {
  gc_thread *t = self();
  if (!t) return;
  if (t->nroots == t->cap) {
    size_t ncap = t->cap ? 2 * t->cap : 64;
    /* Growing under g.mu: a collector may be reading the array. */
    pthread_mutex_lock(&g.mu);
    mmb_obj ***bigger = realloc(t->roots, ncap * sizeof *bigger);
    if (bigger) {
      t->roots = bigger;
      t->cap = ncap;
    }
    pthread_mutex_unlock(&g.mu);
    if (!bigger) return;
  }
  t->roots[t->nroots++] = loc;
}

void mmb_gc_remove_root(mmb_obj **loc) {
  gc_thread *t = self();
  if (!t) return;
  if (t->nroots && t->roots[t->nroots - 1] == loc) { /* LIFO: the usual case */
    t->nroots--;
    return;
  }
  for (size_t i = t->nroots; i-- > 0;) {
    if (t->roots[i] != loc) continue;
    memmove(&t->roots[i], &t->roots[i + 1], (t->nroots - i - 1) * sizeof *t->roots);
    t->nroots--;
    return;
  }
}

/* ---------------------------------------------------------------------------
 * Figures and objgraph.h operations
 * ------------------------------------------------------------------------- */
void mmb_gc_counts(mmb_graph_counts *c) {
  pthread_mutex_lock(&g.mu);
  c->allocated = 0;
  for (gc_thread *t = g.threads; t; t = t->next)
    c->allocated += __atomic_load_n(&t->allocated, __ATOMIC_RELAXED);
  c->reclaimed = g.reclaimed;
  c->collections = g.collections;
  pthread_mutex_unlock(&g.mu);
  c->live = c->allocated - c->reclaimed;
}

uint64_t mmb_gc_live_bytes(void) {
  pthread_mutex_lock(&g.mu);
  uint64_t v = g.live_bytes;
  pthread_mutex_unlock(&g.mu);
  return v;
}

static void op_store(mmb_obj *o, unsigned i, mmb_obj *v) { ((mmb_obj **)(void *)o)[i] = v; }
static void op_nothing(mmb_obj *o) { (void)o; }

const struct mmb_graph_ops mmb_gc_graph_ops = {
    .flags = MMB_GRAPH_TRACED | MMB_GRAPH_CYCLES,
    .new_obj = mmb_gc_new,
    .store = op_store,
    .put = op_store,
    .retain = op_nothing,
    .release = op_nothing,
    .drop = op_nothing,
    .share = op_nothing,
    .add_root = mmb_gc_add_root,
    .remove_root = mmb_gc_remove_root,
    .collect = mmb_gc_collect,
    .idle = mmb_gc_idle,
    .counts = mmb_gc_counts,
    .set_heap_growth = mmb_gc_set_growth,
};
