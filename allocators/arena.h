/* mmbench — arena: a bump-pointer region allocator.
 *
 * Design
 * - Chunks come from mmap. The first regular chunk is `chunk_size` bytes
 *   (default 1 MiB); each further one doubles, up to `chunk_max` (default
 *   64 MiB). Chunks of 2 MiB and more start on a 2 MiB boundary and are
 *   marked MADV_HUGEPAGE, so transparent huge pages can back them (with the
 *   default sizes they are whole multiples of 2 MiB; the 1 MiB first chunk
 *   keeps tiny arenas small). The chunk header sits in the chunk's first
 *   64 bytes (in the page before the data for strongly aligned blocks).
 * - Allocation bumps a pointer in the current chunk; sizes are rounded up
 *   to 16 bytes (every block is aligned to alignof(max_align_t)). The fast
 *   path is inline (mmb_arena_alloc below): two loads, a compare, two stores;
 *   no lock, no atomic. A request that does not fit goes to the out-of-line
 *   slow path: a request above a quarter of the next chunk size (or an
 *   aligned one above 4 KiB alignment that does not fit) gets a dedicated
 *   chunk of its own and the current chunk stays current; otherwise a new
 *   regular chunk is started and the old chunk's tail is abandoned (counted
 *   in `wasted`).
 * - Size 0 returns a unique 16-byte block. A size that cannot be mapped
 *   (above 2^46 bytes) returns NULL with errno = ENOMEM, without overflow.
 * - Aligned allocation: any power of two up to 1 GiB (2 MiB included);
 *   padding counts as wasted. A non-power-of-two alignment gives EINVAL.
 * - Individual free does not exist: memory comes back at reset / destroy.
 * - Reset is O(chunks): every chunk is munmap'ed except at most one, the
 *   largest not above `retain` bytes (default 4 MiB), which is kept mapped
 *   and reused so that short phases do not fault their pages in again.
 *   retain = 0 returns everything to the OS. The growth state is kept, so
 *   repeated phases of the same size soon fit in one chunk.
 * - Statistics cost the fast path nothing for sizes that are multiples of
 *   16: it only counts rounding bytes (`lost`); requested = used - lost.
 * - Cap: optional limit on bytes reserved from the OS (chunk mappings),
 *   either per arena (`cap`) or shared by several arenas (`budget`, checked
 *   with one atomic add per chunk, never per allocation). An allocation
 *   that would need a chunk past the cap returns NULL with errno = ENOMEM;
 *   near the cap, chunks shrink to what is left.
 * - Threads: an arena has one owner thread at a time and takes no locks.
 *   Per-thread use (the mmbench adapter, allocators/arena_adapter.c) gives
 *   every thread its own arena through a thread-local pointer; a block may
 *   be read, written and "freed" (a no-op) by any thread; only reset /
 *   destroy, done when no thread allocates, release it.
 */
#ifndef MMB_ARENA_H
#define MMB_ARENA_H

#include <stddef.h>
#include <stdint.h>

/* Opaque handle. */
typedef struct mmb_arena mmb_arena_t;

/* A cap shared by several arenas: bytes reserved from the OS by all of
 * them. Initialise with mmb_arena_budget_init; do not touch the fields. */
typedef struct mmb_arena_budget {
  _Atomic uint64_t used; /* bytes reserved now by the arenas using it */
  _Atomic uint64_t cap;  /* limit; 0 = none */
} mmb_arena_budget;

typedef struct mmb_arena_config {
  size_t chunk_size;        /* first regular chunk (rounded up to 64 KiB) */
  size_t chunk_max;         /* growth stops at this size */
  size_t retain;            /* at most this many bytes stay mapped across reset */
  uint64_t cap;             /* bytes reserved from the OS; 0 = no cap */
  mmb_arena_budget *budget; /* shared cap (overrides cap); NULL = own */
  int huge_pages;           /* nonzero: MADV_HUGEPAGE on chunks >= 2 MiB */
} mmb_arena_config;

#define MMB_ARENA_CHUNK_DEFAULT ((size_t)1 << 20)
#define MMB_ARENA_CHUNK_MAX_DEFAULT ((size_t)64 << 20)
#define MMB_ARENA_RETAIN_DEFAULT ((size_t)4 << 20)
#define MMB_ARENA_CONFIG_DEFAULT                                                                   \
  { MMB_ARENA_CHUNK_DEFAULT, MMB_ARENA_CHUNK_MAX_DEFAULT, MMB_ARENA_RETAIN_DEFAULT, 0, NULL, 1 }

typedef struct mmb_arena_stats_s {
  uint64_t requested;     /* bytes asked for since the last reset */
  uint64_t reserved;      /* bytes mapped from the OS and held now */
  uint64_t chunks;        /* chunks held now */
  uint64_t wasted;        /* bytes used up but not asked for: rounding, alignment
                             padding, abandoned chunk tails, page rounding */
  uint64_t peak_reserved; /* highest `reserved` since creation */
} mmb_arena_stats_t;

/* ---------------------------------------------------------------------------
 * Lifetime
 * ------------------------------------------------------------------------- */
/* A new empty arena (no chunk is mapped until the first allocation), or NULL
 * with errno set. cfg NULL = MMB_ARENA_CONFIG_DEFAULT. */
mmb_arena_t *mmb_arena_create(const mmb_arena_config *cfg);
/* Unmaps everything; a NULL arena is ignored. */
void mmb_arena_destroy(mmb_arena_t *a);
/* Releases every block at once in O(chunks); see the retain policy above. */
void mmb_arena_reset(mmb_arena_t *a);

/* ---------------------------------------------------------------------------
 * Allocation (NULL with errno = ENOMEM on failure)
 * ------------------------------------------------------------------------- */
void *mmb_arena_alloc_slow(mmb_arena_t *a, size_t size, size_t align);
/* align: a power of two (< 16 counts as 16); EINVAL otherwise. */
void *mmb_arena_aligned_alloc(mmb_arena_t *a, size_t align, size_t size);
/* Zeroed n*size bytes; NULL with ENOMEM when n*size overflows. */
void *mmb_arena_calloc(mmb_arena_t *a, size_t n, size_t size);
/* Grows in place when p is the last block, else copies old_size bytes into a
 * new block; shrinking returns p. p NULL = alloc. */
void *mmb_arena_realloc(mmb_arena_t *a, void *p, size_t old_size, size_t new_size);

/* Cap of an arena with its own budget (0 = none); -EINVAL if it shares one. */
int mmb_arena_set_cap(mmb_arena_t *a, uint64_t cap);
void mmb_arena_budget_init(mmb_arena_budget *b, uint64_t cap);
void mmb_arena_stats(const mmb_arena_t *a, mmb_arena_stats_t *st);

/* ---------------------------------------------------------------------------
 * Inline fast path. The arena starts with this window (layout exposed only
 * so that the common case compiles to a handful of instructions; treat it as
 * private).
 * ------------------------------------------------------------------------- */
typedef struct mmb_arena_window {
  char *cur;     /* next free byte, 16-aligned */
  char *end;     /* end of the current chunk; end - cur is a multiple of 16 */
  uint64_t lost; /* bytes used up but not asked for (requested = used - lost,
                    so that the fast path keeps no per-call counter) */
} mmb_arena_window;

/* The block if it fits in the current window, else NULL (errno untouched). */
static inline void *mmb_arena_try_alloc(mmb_arena_t *a, size_t size) {
  mmb_arena_window *w = (mmb_arena_window *)a;
  char *p = w->cur;
  size_t n = (size + 15) & ~(size_t)15;
  /* size - 1 < avail: false for size 0 and for any size that does not fit
   * (avail is a multiple of 16, so the rounded size fits too). */
  if (__builtin_expect(size - 1 < (size_t)(w->end - p), 1)) {
    w->cur = p + n;
    if (__builtin_expect(n != size, 0)) w->lost += n - size;
    if (!p) __builtin_unreachable(); /* a window is never at address 0 */
    return p;
  }
  return NULL;
}

/* size bytes aligned to 16, or NULL with errno = ENOMEM. */
static inline void *mmb_arena_alloc(mmb_arena_t *a, size_t size) {
  void *p = mmb_arena_try_alloc(a, size);
  return __builtin_expect(p != NULL, 1) ? p : mmb_arena_alloc_slow(a, size, 16);
}

/* ---------------------------------------------------------------------------
 * Cursor: the window copied into a local variable for a tight allocation
 * loop, so the compiler can keep it in registers (mmb_arena_alloc must
 * store the bump pointer back to memory on every call). Between open and
 * close, allocate from the arena only through the cursor.
 *
 *   mmb_arena_cursor c = mmb_arena_cursor_open(a);
 *   for (...) p = mmb_arena_cursor_alloc(a, &c, 32);
 *   mmb_arena_cursor_close(a, &c);
 * ------------------------------------------------------------------------- */
typedef struct mmb_arena_cursor {
  char *cur, *end;
  uint64_t lost;
} mmb_arena_cursor;

static inline mmb_arena_cursor mmb_arena_cursor_open(mmb_arena_t *a) {
  mmb_arena_window *w = (mmb_arena_window *)a;
  mmb_arena_cursor c = {w->cur, w->end, 0};
  return c;
}

static inline void mmb_arena_cursor_close(mmb_arena_t *a, mmb_arena_cursor *c) {
  mmb_arena_window *w = (mmb_arena_window *)a;
  w->cur = c->cur;
  w->lost += c->lost;
  c->lost = 0;
}

static inline void *mmb_arena_cursor_alloc(mmb_arena_t *a, mmb_arena_cursor *c, size_t size) {
  char *p = c->cur;
  size_t n = (size + 15) & ~(size_t)15;
  if (__builtin_expect(size - 1 < (size_t)(c->end - p), 1)) {
    c->cur = p + n;
    if (__builtin_expect(n != size, 0)) c->lost += n - size;
    return p;
  }
  /* Slow path: hand the window back, allocate, take the new one. */
  mmb_arena_cursor_close(a, c);
  void *q = mmb_arena_alloc_slow(a, size, 16);
  *c = mmb_arena_cursor_open(a);
  return q;
}

#endif
