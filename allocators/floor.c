/* mmbench — `floor`: the cheapest allocator that can serve a workload's
 * operation sequence, to measure the harness's floor.
 *
 * A cell under `floor` runs exactly the operations, bookkeeping and touches
 * of the same cell under a real allocator; only malloc and free cost next to
 * nothing, so its ns/op is the part of every allocator's figure that is not
 * the allocator (summary.csv: floor_ns_per_op).
 *
 * Per thread: a LIFO free list per size class (the link in the block's first
 * word, as in most allocators), refilled by bumping through 4 MiB chunks
 * from mmap, one class per chunk (a bigger request gets a chunk of its own).
 * A chunk is aligned to its size and starts with its class, so free finds
 * the class from the pointer alone (one load from a line that stays in
 * cache) and needs no size: workloads may keep bare pointers, as with a
 * malloc (MMB_CAP_UNSIZED_FREE). malloc is a pop (or a bump), free a push:
 * no lock, no atomic, no per-block header, no statistics. A block freed by
 * another thread joins the freeing thread's list (correct, as blocks are
 * only reused, never returned). A thread's lists outlive it: thread_detach
 * (or the thread's first call after another detached) hands them over to
 * the next thread, so rounds of short-lived threads (larson) reuse memory.
 * Memory is never returned to the system (the process ends after a cell).
 * Classes: 16-byte steps up to 1 KiB, then powers of two up to 1 TiB. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "allocator.h"

#define FL_SMALL 1024u             /* 16-byte classes up to here */
#define FL_NSMALL (FL_SMALL / 16u) /* classes 1 .. 64 */
#define FL_MAXLOG 40               /* largest block: 1 TiB */
#define FL_NCLASS (FL_NSMALL + 1 + FL_MAXLOG)
#define FL_CHUNK ((size_t)4 << 20)
#define FL_HEAD 64 /* chunk header: the class, then blocks from here */
#define FL_ORPHANS 1024
#define TLS __attribute__((tls_model("initial-exec"))) __thread

typedef struct fl_heap {
  void *head[FL_NCLASS];                           /* free lists */
  unsigned char *bump[FL_NCLASS], *end[FL_NCLASS]; /* each class's current chunk */
} fl_heap;

static TLS fl_heap heap;

/* Heaps of threads that detached, adopted by the next ones. */
static pthread_mutex_t orphan_mu = PTHREAD_MUTEX_INITIALIZER;
static fl_heap orphans[FL_ORPHANS];
static int norphans;

static inline unsigned fl_class(size_t n) {
  if (n <= FL_SMALL) return n ? (unsigned)((n + 15) >> 4) : 1u;
  unsigned lg = 64u - (unsigned)__builtin_clzll((unsigned long long)(n - 1));
  return FL_NSMALL + (lg - 10u);
}

static inline size_t fl_class_size(unsigned c) {
  return c <= FL_NSMALL ? (size_t)c << 4 : (size_t)1 << (c - FL_NSMALL + 10u);
}

/* The class of a block: from the header of the chunk it lies in. */
static inline unsigned fl_class_of(const void *p) {
  return *(const unsigned *)((uintptr_t)p & ~(uintptr_t)(FL_CHUNK - 1));
}

/* A chunk of bytes (a multiple of FL_CHUNK) aligned to FL_CHUNK, its header
 * holding class c; NULL when the system has no memory. */
static unsigned char *fl_map(size_t bytes, unsigned c) {
  size_t over = bytes + FL_CHUNK;
  unsigned char *m =
      mmap(NULL, over, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (m == MAP_FAILED) return NULL;
  uintptr_t a = ((uintptr_t)m + FL_CHUNK - 1) & ~(uintptr_t)(FL_CHUNK - 1);
  unsigned char *chunk = (unsigned char *)a;
  if (chunk > m) munmap(m, (size_t)(chunk - m));
  size_t tail = (size_t)(m + over - (chunk + bytes));
  if (tail) munmap(chunk + bytes, tail);
  *(unsigned *)chunk = c;
  return chunk;
}

static __attribute__((noinline)) void *fl_refill(unsigned c, size_t cs) {
  if (cs >= FL_CHUNK / 4) { /* a chunk of its own */
    size_t bytes = (cs + FL_HEAD + FL_CHUNK - 1) & ~(FL_CHUNK - 1);
    if (bytes < cs) return NULL;
    unsigned char *m = fl_map(bytes, c);
    return m ? m + FL_HEAD : NULL;
  }
  unsigned char *m = fl_map(FL_CHUNK, c);
  if (!m) return NULL;
  heap.bump[c] = m + FL_HEAD + cs;
  heap.end[c] = m + FL_CHUNK;
  return m + FL_HEAD;
}

static void *fl_malloc(size_t n) {
  if (n > ((size_t)1 << FL_MAXLOG)) {
    errno = ENOMEM;
    return NULL;
  }
  unsigned c = fl_class(n);
  void *p = heap.head[c];
  if (p) {
    heap.head[c] = *(void **)p;
    return p;
  }
  size_t cs = fl_class_size(c);
  if ((size_t)(heap.end[c] - heap.bump[c]) >= cs) {
    p = heap.bump[c];
    heap.bump[c] += cs;
    return p;
  }
  return fl_refill(c, cs);
}

static void fl_free(void *p, size_t n) {
  (void)n; /* the chunk knows the class */
  if (!p) return;
  unsigned c = fl_class_of(p);
  *(void **)p = heap.head[c];
  heap.head[c] = p;
}

static void *fl_calloc(size_t n, size_t size) {
  size_t bytes;
  if (__builtin_mul_overflow(n, size, &bytes)) {
    errno = ENOMEM;
    return NULL;
  }
  void *p = fl_malloc(bytes);
  if (p) memset(p, 0, bytes);
  return p;
}

static void *fl_realloc(void *p, size_t old, size_t n) {
  if (p && fl_class_of(p) == fl_class(n)) return p;
  void *q = fl_malloc(n);
  if (q && p) {
    memcpy(q, p, old < n ? old : n);
    fl_free(p, old);
  }
  return q;
}

static void fl_attach(void) {
  pthread_mutex_lock(&orphan_mu);
  if (norphans > 0) {
    heap = orphans[--norphans];
  }
  pthread_mutex_unlock(&orphan_mu);
}

static void fl_detach(void) {
  pthread_mutex_lock(&orphan_mu);
  if (norphans < FL_ORPHANS) orphans[norphans++] = heap;
  pthread_mutex_unlock(&orphan_mu);
  memset(&heap, 0, sizeof heap);
}

static const char *fl_version(void) { return "mmbench-floor 1"; }

const mmb_allocator mmb_alloc_floor = {
    .name = "floor",
    .description = "the harness floor: per-thread LIFO size-class lists, bump chunks, no locks",
    .kind = MMB_KIND_INPROC,
    .caps = MMB_CAP_FREE | MMB_CAP_REALLOC | MMB_CAP_THREADS | MMB_CAP_UNSIZED_FREE,
    .library = "",
    .thread_attach = fl_attach,
    .thread_detach = fl_detach,
    .malloc = fl_malloc,
    .free = fl_free,
    .calloc = fl_calloc,
    .realloc = fl_realloc,
    .version = fl_version,
};
