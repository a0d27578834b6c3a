/* mmbench — arena internals shared by arena.c, arena_pool.c and
 * arena_adapter.c: the OS layer, the arena layout, and the pool's layout and
 * inline fast paths. Not a public header. */
#ifndef MMB_ARENA_INTERNAL_H
#define MMB_ARENA_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "arena_pool.h"

#define MMB_LIKELY(x) __builtin_expect(!!(x), 1)
#define MMB_UNLIKELY(x) __builtin_expect(!!(x), 0)

#define MMB_PAGE ((size_t)4096)
#define MMB_HUGE ((size_t)2 << 20)
/* Largest request either allocator accepts (well below any overflow). */
#define MMB_MAX_REQUEST ((size_t)1 << 46)

static inline size_t mmb_align_up(size_t n, size_t a) { return (n + a - 1) & ~(a - 1); }

/* ---------------------------------------------------------------------------
 * OS layer (arena.c)
 * ------------------------------------------------------------------------- */
/* Maps size bytes (a multiple of the page size) so that base + offset is a
 * multiple of align (a power of two); huge: MADV_HUGEPAGE. NULL on failure. */
void *mmb_os_map(size_t size, size_t align, size_t offset, int huge);
void mmb_os_unmap(void *p, size_t size);

/* ---------------------------------------------------------------------------
 * Arena layout (arena.c)
 * ------------------------------------------------------------------------- */
typedef struct arena_chunk {
  struct arena_chunk *next; /* all chunks of the arena, newest regular first */
  size_t size;              /* bytes mapped, header included */
} arena_chunk;
#define ARENA_CHUNK_HDR ((size_t)64) /* data starts this far into a chunk */

struct mmb_arena {
  mmb_arena_window w;       /* must stay first: the inline fast path */
  arena_chunk *current;     /* chunk holding the window (NULL = none yet) */
  arena_chunk *chunks;      /* every chunk held */
  size_t next_size;         /* size of the next regular chunk */
  size_t chunk_min;         /* configured first chunk */
  size_t chunk_max;         /* growth limit */
  size_t retain;            /* reset keeps at most one chunk of this size */
  int huge;                 /* MADV_HUGEPAGE on chunks >= 2 MiB */
  mmb_arena_budget *budget; /* &own or a shared one */
  mmb_arena_budget own;
  uint64_t reserved;      /* bytes mapped now */
  uint64_t peak_reserved; /* highest reserved */
  uint64_t nchunks;       /* chunks held */
  uint64_t closed;        /* data bytes used up in chunks other than current */
};

/* ---------------------------------------------------------------------------
 * Pool layout (arena_pool.c)
 *
 * Memory comes in 4 MiB segments aligned to 4 MiB. A segment is cut into
 * 64 units of 64 KiB; unit 0 holds the header, and each span of units holds
 * blocks of one size class, carved by a per-class bump pointer. A per-unit
 * class table in the header lets free find a block's class from its address.
 * Large blocks (> 64 KiB, or alignment > 64 KiB) are their own mapping whose
 * 4 MiB-aligned base holds a header. In both cases the header of block p is
 * at (p - 1) rounded down to 4 MiB, since p is never a mapping's base and
 * always lies in its first 4 MiB.
 * ------------------------------------------------------------------------- */
#define POOL_SEG_SHIFT 22
#define POOL_SEG ((size_t)1 << POOL_SEG_SHIFT)
#define POOL_UNIT_SHIFT 16
#define POOL_UNIT ((size_t)1 << POOL_UNIT_SHIFT)
#define POOL_UNITS (POOL_SEG / POOL_UNIT)
#define POOL_SMALL_MAX ((size_t)64 << 10) /* largest class */
#define POOL_FAST_MAX 1024                /* classes 0..63: 16-byte steps */
#define POOL_NFAST 64
#define POOL_NCLASS 88

enum { POOL_KIND_SEG = 1, POOL_KIND_LARGE = 2 };

typedef struct pool_seg {
  struct mmb_pool *fast_owner; /* owning pool (the free fast path's test) */
  uint32_t kind;               /* POOL_KIND_SEG */
  uint32_t used_units;         /* units handed to spans, header included */
  struct pool_seg *next;
  uint8_t cls[POOL_UNITS]; /* class of each unit's blocks */
} pool_seg;

typedef struct pool_large {
  struct mmb_pool *fast_owner; /* always NULL: large frees take the slow path */
  uint32_t kind;               /* POOL_KIND_LARGE */
  uint32_t unused;
  struct mmb_pool *owner; /* pool whose list holds it (under its lock) */
  char *map_base;         /* the mapping (not always the header) */
  size_t map_size;        /* bytes mapped, header included */
  size_t usable;          /* bytes usable in the block */
  struct pool_large *prev, *next;
} pool_large;

typedef struct pool_bump {
  char *cur, *end;
} pool_bump;

extern const uint32_t mmb_pool_class_size[POOL_NCLASS];

struct mmb_pool {
  void *free[POOL_NCLASS]; /* per-class free lists (owner only) */
  int64_t requested;       /* bytes asked for, minus bytes freed by this thread */
  int64_t class_bytes;     /* class sizes of those blocks (for `wasted`) */
  pool_bump bump[POOL_NCLASS];
  pool_seg *segs;   /* segments, newest first */
  int64_t reserved; /* bytes mapped (segments + large), signed: a large
                       block freed by another thread is subtracted there */
  int64_t nchunks;  /* segments + large blocks, same convention */
  uint64_t peak_reserved;
  size_t retain;        /* reset keeps this many bytes of segments */
  pthread_mutex_t lock; /* guards `large` (taken only for large blocks) */
  pool_large *large;    /* large blocks owned */
  /* Blocks freed by other threads: a lock-free stack, drained by the owner
   * when a class runs empty and at reset. Own cache line. */
  _Alignas(64) _Atomic(void *) remote;
  char pad[64 - sizeof(void *)];
};

void *mmb_pool_alloc_slow(mmb_pool_t *pool, size_t size);
void mmb_pool_free_slow(mmb_pool_t *pool, void *p, size_t size);

static inline pool_seg *pool_header_of(const void *p) {
  return (pool_seg *)(((uintptr_t)p - 1) & ~(uintptr_t)(POOL_SEG - 1));
}

/* Fast paths: a small size with a non-empty free list (else NULL), a free
 * by the owner (else 0); the callers fall back to the slow paths. */
static inline void *mmb_pool_try_alloc(mmb_pool_t *pool, size_t size) {
  if (MMB_LIKELY(size - 1 < POOL_FAST_MAX)) {
    size_t c = (size - 1) >> 4;
    void *p = pool->free[c];
    if (MMB_LIKELY(p != NULL)) {
      pool->free[c] = *(void **)p;
      pool->requested += (int64_t)size;
      pool->class_bytes += (int64_t)((c + 1) << 4);
      return p;
    }
  }
  return NULL;
}

static inline int mmb_pool_try_free(mmb_pool_t *pool, void *p, size_t size) {
  pool_seg *s = pool_header_of(p);
  if (MMB_LIKELY(s->fast_owner == pool)) {
    unsigned c = s->cls[((uintptr_t)p - (uintptr_t)s) >> POOL_UNIT_SHIFT];
    *(void **)p = pool->free[c];
    pool->free[c] = p;
    pool->requested -= (int64_t)size;
    pool->class_bytes -= (int64_t)mmb_pool_class_size[c];
    return 1;
  }
  return 0;
}

static inline void *mmb_pool_alloc_inline(mmb_pool_t *pool, size_t size) {
  void *p = mmb_pool_try_alloc(pool, size);
  return MMB_LIKELY(p != NULL) ? p : mmb_pool_alloc_slow(pool, size);
}

static inline void mmb_pool_free_inline(mmb_pool_t *pool, void *p, size_t size) {
  if (MMB_UNLIKELY(p == NULL)) return;
  if (MMB_LIKELY(mmb_pool_try_free(pool, p, size))) return;
  mmb_pool_free_slow(pool, p, size);
}

#endif
