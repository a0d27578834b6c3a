/* mmbench — arena-pool: size-class free lists over 4 MiB segments, large
 * blocks mapped directly, lock-free remote frees. The layout is described in
 * arena_internal.h, the policy in arena_pool.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>

#include "arena_internal.h"

const uint32_t mmb_pool_class_size[POOL_NCLASS] = {
    16,    32,    48,    64,    80,    96,    112,   128,   144,   160,   176,  192,   208,
    224,   240,   256,   272,   288,   304,   320,   336,   352,   368,   384,  400,   416,
    432,   448,   464,   480,   496,   512,   528,   544,   560,   576,   592,  608,   624,
    640,   656,   672,   688,   704,   720,   736,   752,   768,   784,   800,  816,   832,
    848,   864,   880,   896,   912,   928,   944,   960,   976,   992,   1008, 1024,  1280,
    1536,  1792,  2048,  2560,  3072,  3584,  4096,  5120,  6144,  7168,  8192, 10240, 12288,
    14336, 16384, 20480, 24576, 28672, 32768, 40960, 49152, 57344, 65536,
};

/* ---------------------------------------------------------------------------
 * Size classes
 * ------------------------------------------------------------------------- */
/* Class of a size in 1..POOL_SMALL_MAX. */
static size_t class_of(size_t size) {
  if (size <= POOL_FAST_MAX) return (size - 1) >> 4;
  size_t s = size - 1;
  unsigned b = 63u - (unsigned)__builtin_clzl(s); /* 10..15 */
  return POOL_NFAST + (b - 10) * 4 + ((s >> (b - 2)) & 3);
}

/* Units of 64 KiB in one span of class c: room for at least 8 blocks. */
static size_t span_units(size_t c) {
  size_t bytes = (size_t)mmb_pool_class_size[c] * 8;
  size_t units = (bytes + POOL_UNIT - 1) >> POOL_UNIT_SHIFT;
  return units ? units : 1;
}

static void note_reserved(mmb_pool_t *pool, int64_t delta, int64_t chunks) {
  pool->reserved += delta;
  pool->nchunks += chunks;
  if (pool->reserved > 0 && (uint64_t)pool->reserved > pool->peak_reserved)
    pool->peak_reserved = (uint64_t)pool->reserved;
}

/* ---------------------------------------------------------------------------
 * Segments and spans
 * ------------------------------------------------------------------------- */
static pool_seg *seg_new(mmb_pool_t *pool) {
  pool_seg *s = mmb_os_map(POOL_SEG, POOL_SEG, 0, 0);
  if (!s) return NULL;
  s->fast_owner = pool;
  s->kind = POOL_KIND_SEG;
  s->used_units = 1; /* unit 0: this header */
  s->next = pool->segs;
  pool->segs = s;
  note_reserved(pool, (int64_t)POOL_SEG, 1);
  return s;
}

/* Points class c's bump window at a fresh span. */
static int span_new(mmb_pool_t *pool, size_t c) {
  size_t k = span_units(c);
  pool_seg *s = pool->segs;
  if (!s || s->used_units + k > POOL_UNITS) {
    /* The old segment's unused units are never touched: they cost address
     * space only. */
    s = seg_new(pool);
    if (!s) return -ENOMEM;
  }
  size_t first = s->used_units;
  for (size_t u = first; u < first + k; u++) s->cls[u] = (uint8_t)c;
  s->used_units += (uint32_t)k;
  size_t cs = mmb_pool_class_size[c];
  char *base = (char *)s + (first << POOL_UNIT_SHIFT);
  pool->bump[c].cur = base;
  pool->bump[c].end = base + ((k << POOL_UNIT_SHIFT) / cs) * cs;
  return 0;
}

/* ---------------------------------------------------------------------------
 * Remote frees
 * ------------------------------------------------------------------------- */
static void push_remote(mmb_pool_t *owner, void *p) {
  void *head = atomic_load_explicit(&owner->remote, memory_order_relaxed);
  do {
    *(void **)p = head;
  } while (!atomic_compare_exchange_weak_explicit(&owner->remote, &head, p, memory_order_release,
                                                  memory_order_relaxed));
}

static void drain_remote(mmb_pool_t *pool) {
  void *p = atomic_exchange_explicit(&pool->remote, NULL, memory_order_acquire);
  while (p) {
    void *next = *(void **)p;
    pool_seg *s = pool_header_of(p);
    unsigned c = s->cls[((uintptr_t)p - (uintptr_t)s) >> POOL_UNIT_SHIFT];
    *(void **)p = pool->free[c];
    pool->free[c] = p;
    p = next;
  }
}

/* ---------------------------------------------------------------------------
 * Allocation
 * ------------------------------------------------------------------------- */
static void *alloc_class(mmb_pool_t *pool, size_t c) {
  void *p = pool->free[c];
  if (!p && atomic_load_explicit(&pool->remote, memory_order_relaxed)) {
    drain_remote(pool);
    p = pool->free[c];
  }
  if (p) {
    pool->free[c] = *(void **)p;
    return p;
  }
  size_t cs = mmb_pool_class_size[c];
  pool_bump *b = &pool->bump[c];
  if ((size_t)(b->end - b->cur) < cs && span_new(pool, c) != 0) {
    errno = ENOMEM;
    return NULL;
  }
  p = b->cur;
  b->cur += cs;
  return p;
}

/* A mapping of its own: header at the 4 MiB boundary below the block. */
static void *alloc_large(mmb_pool_t *pool, size_t size, size_t align) {
  if (size > MMB_MAX_REQUEST) {
    errno = ENOMEM;
    return NULL;
  }
  if (align < 64) align = 64;
  size_t off = align; /* >= sizeof(pool_large), a multiple of 64 */
  size_t map_size = mmb_align_up(off + size, MMB_PAGE);
  char *base = mmb_os_map(map_size, align > POOL_SEG ? align : POOL_SEG, 0, 0);
  if (!base) {
    errno = ENOMEM;
    return NULL;
  }
  char *p = base + off;
  pool_large *h = (pool_large *)pool_header_of(p);
  h->fast_owner = NULL;
  h->kind = POOL_KIND_LARGE;
  h->owner = pool;
  h->map_base = base;
  h->map_size = map_size;
  h->usable = map_size - off;
  h->prev = NULL;
  pthread_mutex_lock(&pool->lock);
  h->next = pool->large;
  if (h->next) h->next->prev = h;
  pool->large = h;
  pthread_mutex_unlock(&pool->lock);
  note_reserved(pool, (int64_t)map_size, 1);
  pool->requested += (int64_t)size;
  pool->class_bytes += (int64_t)(map_size - off);
  return p;
}

void *mmb_pool_alloc_slow(mmb_pool_t *pool, size_t size) {
  if (size > POOL_SMALL_MAX) return alloc_large(pool, size, 16);
  size_t c = class_of(size ? size : 1);
  void *p = alloc_class(pool, c);
  if (p) {
    pool->requested += (int64_t)size;
    pool->class_bytes += (int64_t)mmb_pool_class_size[c];
  }
  return p;
}

void *mmb_pool_alloc(mmb_pool_t *pool, size_t size) { return mmb_pool_alloc_inline(pool, size); }

void *mmb_pool_calloc(mmb_pool_t *pool, size_t n, size_t size) {
  size_t total;
  if (__builtin_mul_overflow(n, size, &total)) {
    errno = ENOMEM;
    return NULL;
  }
  void *p = mmb_pool_alloc_inline(pool, total);
  if (p && total <= POOL_SMALL_MAX) memset(p, 0, total); /* large ones are fresh */
  return p;
}

void *mmb_pool_aligned_alloc(mmb_pool_t *pool, size_t align, size_t size) {
  if (align == 0 || (align & (align - 1)) != 0 || align > ((size_t)1 << 30)) {
    errno = EINVAL;
    return NULL;
  }
  if (align <= 16) return mmb_pool_alloc_inline(pool, size);
  size_t want = size > align ? size : align;
  if (want <= POOL_SMALL_MAX) {
    /* Power-of-two classes are aligned to their size: spans start on a
     * 64 KiB boundary and blocks follow each other. */
    size_t cs = (size_t)1 << (64 - __builtin_clzl(want - 1));
    size_t c = class_of(cs);
    void *p = alloc_class(pool, c);
    if (p) {
      pool->requested += (int64_t)size;
      pool->class_bytes += (int64_t)cs;
    }
    return p;
  }
  return alloc_large(pool, size, align);
}

/* ---------------------------------------------------------------------------
 * Free
 * ------------------------------------------------------------------------- */
void mmb_pool_free_slow(mmb_pool_t *pool, void *p, size_t size) {
  pool_seg *s = pool_header_of(p);
  if (s->kind == POOL_KIND_LARGE) {
    pool_large *h = (pool_large *)s;
    mmb_pool_t *owner = h->owner;
    pthread_mutex_lock(&owner->lock);
    if (h->prev)
      h->prev->next = h->next;
    else
      owner->large = h->next;
    if (h->next) h->next->prev = h->prev;
    pthread_mutex_unlock(&owner->lock);
    size_t map_size = h->map_size;
    note_reserved(pool, -(int64_t)map_size, -1);
    pool->requested -= (int64_t)size;
    pool->class_bytes -= (int64_t)h->usable;
    mmb_os_unmap(h->map_base, map_size);
    return;
  }
  /* A small block of another pool. */
  unsigned c = s->cls[((uintptr_t)p - (uintptr_t)s) >> POOL_UNIT_SHIFT];
  pool->requested -= (int64_t)size;
  pool->class_bytes -= (int64_t)mmb_pool_class_size[c];
  push_remote(s->fast_owner, p);
}

void mmb_pool_free(mmb_pool_t *pool, void *p, size_t size) { mmb_pool_free_inline(pool, p, size); }

size_t mmb_pool_usable_size(const void *p) {
  pool_seg *s = pool_header_of(p);
  if (s->kind == POOL_KIND_LARGE) {
    return ((pool_large *)s)->usable;
  }
  return mmb_pool_class_size[s->cls[((uintptr_t)p - (uintptr_t)s) >> POOL_UNIT_SHIFT]];
}

void *mmb_pool_realloc(mmb_pool_t *pool, void *p, size_t old_size, size_t new_size) {
  if (!p) return mmb_pool_alloc_inline(pool, new_size);
  size_t cap = mmb_pool_usable_size(p);
  if (new_size <= cap && new_size > cap / 2) {
    pool->requested += (int64_t)new_size - (int64_t)old_size;
    return p;
  }
  void *q = mmb_pool_alloc_inline(pool, new_size);
  if (!q) return NULL;
  size_t n = old_size <= cap ? old_size : cap;
  memcpy(q, p, n < new_size ? n : new_size);
  mmb_pool_free_inline(pool, p, old_size);
  return q;
}

/* ---------------------------------------------------------------------------
 * Lifetime and statistics
 * ------------------------------------------------------------------------- */
mmb_pool_t *mmb_pool_create(size_t retain) {
  mmb_pool_t *pool = mmb_os_map(mmb_align_up(sizeof(mmb_pool_t), MMB_PAGE), MMB_PAGE, 0, 0);
  if (!pool) {
    errno = ENOMEM;
    return NULL;
  }
  memset(pool, 0, sizeof *pool);
  atomic_init(&pool->remote, NULL);
  int rc = pthread_mutex_init(&pool->lock, NULL);
  if (rc != 0) {
    mmb_os_unmap(pool, mmb_align_up(sizeof(mmb_pool_t), MMB_PAGE));
    errno = rc;
    return NULL;
  }
  pool->retain = retain;
  return pool;
}

/* Unmaps the large blocks and the segments beyond `keep` bytes; the kept
 * segments come back empty. */
static void release(mmb_pool_t *pool, size_t keep) {
  (void)atomic_exchange_explicit(&pool->remote, NULL, memory_order_acquire);
  pthread_mutex_lock(&pool->lock);
  pool_large *h = pool->large;
  pool->large = NULL;
  pthread_mutex_unlock(&pool->lock);
  while (h) {
    pool_large *next = h->next;
    mmb_os_unmap(h->map_base, h->map_size);
    h = next;
  }
  size_t kept = 0;
  pool_seg **link = &pool->segs;
  while (*link) {
    pool_seg *s = *link;
    if ((kept + 1) * POOL_SEG <= keep) {
      kept++;
      s->used_units = 1;
      memset(s->cls, 0, sizeof s->cls);
      link = &s->next;
    } else {
      *link = s->next;
      mmb_os_unmap(s, POOL_SEG);
    }
  }
  memset(pool->free, 0, sizeof pool->free);
  memset(pool->bump, 0, sizeof pool->bump);
  pool->requested = 0;
  pool->class_bytes = 0;
  pool->reserved = (int64_t)(kept * POOL_SEG);
  pool->nchunks = (int64_t)kept;
}

void mmb_pool_reset(mmb_pool_t *pool) { release(pool, pool->retain); }

void mmb_pool_destroy(mmb_pool_t *pool) {
  if (!pool) return;
  release(pool, 0);
  pthread_mutex_destroy(&pool->lock);
  mmb_os_unmap(pool, mmb_align_up(sizeof(mmb_pool_t), MMB_PAGE));
}

void mmb_pool_stats(const mmb_pool_t *pool, mmb_pool_stats_t *st) {
  /* Unsigned sums: a pool's negative share (frees of other pools' blocks)
   * cancels out in the total. */
  st->requested += (uint64_t)pool->requested;
  st->reserved += (uint64_t)pool->reserved;
  st->chunks += (uint64_t)pool->nchunks;
  st->wasted += (uint64_t)(pool->class_bytes - pool->requested);
  if (pool->peak_reserved > st->peak_reserved) st->peak_reserved = pool->peak_reserved;
}
