/* mmbench — arena-pool: the arena's OS layer plus size-class free lists.
 *
 * Blocks up to 64 KiB are rounded to one of 88 size classes (16-byte steps
 * up to 1 KiB, then four classes per power of two) and carved by a bump
 * pointer per class from 4 MiB segments; a freed block goes on its class's
 * free list and is handed out again before any new memory is carved, so
 * memory stays bounded under churn (freed memory is reused by its own class
 * until reset). Larger blocks, and alignments above 64 KiB, are mapped
 * directly and unmapped on free.
 *
 * Threads: a pool has one owner thread and takes no lock on its fast paths.
 * Any thread may free a block: a block of another pool is pushed onto that
 * pool's lock-free remote-free stack (one compare-and-swap), which the owner
 * drains when a class runs empty; large blocks are unmapped by whoever
 * frees them (under the owner's mutex, which guards only the large list).
 * Reset and destroy must run when no other thread uses the pool.
 */
#ifndef MMB_ARENA_POOL_H
#define MMB_ARENA_POOL_H

#include <stddef.h>
#include <stdint.h>

typedef struct mmb_pool mmb_pool_t;

typedef struct mmb_pool_stats_s {
  uint64_t requested; /* bytes of live blocks, as asked for */
  uint64_t reserved;  /* bytes mapped from the OS and held now */
  uint64_t chunks;    /* segments + large mappings held */
  uint64_t wasted;    /* live blocks' size-class / page rounding */
  uint64_t peak_reserved;
} mmb_pool_stats_t;

/* retain: bytes of segments kept mapped across reset. NULL with errno. */
mmb_pool_t *mmb_pool_create(size_t retain);
void mmb_pool_destroy(mmb_pool_t *pool);
/* Frees every block in O(segments + large blocks). */
void mmb_pool_reset(mmb_pool_t *pool);

/* NULL with errno = ENOMEM (EINVAL for a bad alignment) on failure. Size 0
 * returns a unique minimum-size block. */
void *mmb_pool_alloc(mmb_pool_t *pool, size_t size);
void *mmb_pool_calloc(mmb_pool_t *pool, size_t n, size_t size);
void *mmb_pool_aligned_alloc(mmb_pool_t *pool, size_t align, size_t size);
/* size: the size asked for (only statistics use it); p NULL is ignored.
 * pool: the calling thread's pool, whichever pool p came from. */
void mmb_pool_free(mmb_pool_t *pool, void *p, size_t size);
/* Keeps p when new_size fits its class (and not less than half); else
 * moves. p NULL = alloc; new_size 0 = a minimum-size block. */
void *mmb_pool_realloc(mmb_pool_t *pool, void *p, size_t old_size, size_t new_size);
/* Bytes usable at p. */
size_t mmb_pool_usable_size(const void *p);

/* ADDS the pool's figures into *st (zero it first). A pool counts the frees
 * it performs, so when blocks move between threads only the sum over all
 * pools is exact; peak_reserved is the largest single pool's peak. */
void mmb_pool_stats(const mmb_pool_t *pool, mmb_pool_stats_t *st);

#endif
