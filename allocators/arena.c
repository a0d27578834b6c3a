/* mmbench — arena: chunks from mmap, bump allocation, O(chunks) reset.
 * The policy is described at the top of arena.h; the OS layer at the top of
 * this file is shared with arena_pool.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>

#include "arena_internal.h"

/* ---------------------------------------------------------------------------
 * OS layer
 * ------------------------------------------------------------------------- */
void *mmb_os_map(size_t size, size_t align, size_t offset, int huge) {
  if (align < MMB_PAGE) align = MMB_PAGE;
  size_t extra = align > MMB_PAGE ? align - MMB_PAGE : 0;
  if (size > MMB_MAX_REQUEST * 2 || offset >= size) return NULL;
  char *raw = mmap(NULL, size + extra, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return NULL;
  char *base = raw;
  if (extra) {
    uintptr_t want = ((uintptr_t)raw + offset + align - 1) & ~(uintptr_t)(align - 1);
    base = (char *)(want - offset);
    size_t head = (size_t)(base - raw);
    size_t tail = extra - head;
    if (head) munmap(raw, head);
    if (tail) munmap(base + size, tail);
  }
  if (huge && size >= MMB_HUGE) {
    /* Advice only: THP may be disabled, in which case this fails harmlessly. */
    (void)madvise(base, size, MADV_HUGEPAGE);
  }
  return base;
}

void mmb_os_unmap(void *p, size_t size) {
  if (p) munmap(p, size);
}

/* ---------------------------------------------------------------------------
 * Budget (cap)
 * ------------------------------------------------------------------------- */
void mmb_arena_budget_init(mmb_arena_budget *b, uint64_t cap) {
  atomic_init(&b->used, 0);
  atomic_init(&b->cap, cap);
}

/* Room left under the cap (UINT64_MAX when there is none). */
static uint64_t budget_left(mmb_arena_budget *b) {
  uint64_t cap = atomic_load_explicit(&b->cap, memory_order_relaxed);
  if (cap == 0) return UINT64_MAX;
  uint64_t used = atomic_load_explicit(&b->used, memory_order_relaxed);
  return used >= cap ? 0 : cap - used;
}

static int budget_take(mmb_arena_budget *b, uint64_t bytes) {
  uint64_t before = atomic_fetch_add_explicit(&b->used, bytes, memory_order_relaxed);
  uint64_t cap = atomic_load_explicit(&b->cap, memory_order_relaxed);
  if (cap != 0 && before + bytes > cap) {
    atomic_fetch_sub_explicit(&b->used, bytes, memory_order_relaxed);
    return -1;
  }
  return 0;
}

static void budget_give(mmb_arena_budget *b, uint64_t bytes) {
  atomic_fetch_sub_explicit(&b->used, bytes, memory_order_relaxed);
}

/* ---------------------------------------------------------------------------
 * Chunks
 * ------------------------------------------------------------------------- */
/* Maps a chunk of size bytes (a multiple of the page size) whose data area
 * starts aligned to align; NULL (errno = ENOMEM) past the cap or on failure. */
static arena_chunk *chunk_new(mmb_arena_t *a, size_t size, size_t align) {
  if (budget_take(a->budget, size) != 0) {
    errno = ENOMEM;
    return NULL;
  }
  size_t offset = 0;
  if (align > ARENA_CHUNK_HDR) {
    /* Put the header in the page before an aligned data area. */
    offset = MMB_PAGE;
  } else if (size >= MMB_HUGE) {
    align = MMB_HUGE; /* so that THP can back the whole chunk */
  }
  arena_chunk *c = mmb_os_map(size, align, offset, a->huge);
  if (!c) {
    budget_give(a->budget, size);
    errno = ENOMEM;
    return NULL;
  }
  c->size = size;
  c->next = a->chunks;
  a->chunks = c;
  a->reserved += size;
  a->nchunks++;
  if (a->reserved > a->peak_reserved) a->peak_reserved = a->reserved;
  return c;
}

static void chunk_free(mmb_arena_t *a, arena_chunk *c) {
  a->reserved -= c->size;
  a->nchunks--;
  budget_give(a->budget, c->size);
  mmb_os_unmap(c, c->size);
}

static char *chunk_data(arena_chunk *c) { return (char *)c + ARENA_CHUNK_HDR; }
static char *chunk_end(arena_chunk *c) { return (char *)c + c->size; }

/* Makes c the current chunk; the old window's bytes (tail included) become
 * used up. */
static void set_current(mmb_arena_t *a, arena_chunk *c) {
  if (a->current) {
    a->closed += (uint64_t)(chunk_end(a->current) - chunk_data(a->current));
    a->w.lost += (uint64_t)(a->w.end - a->w.cur); /* the abandoned tail */
  }
  a->current = c;
  a->w.cur = chunk_data(c);
  a->w.end = chunk_end(c);
}

/* ---------------------------------------------------------------------------
 * Lifetime
 * ------------------------------------------------------------------------- */
mmb_arena_t *mmb_arena_create(const mmb_arena_config *cfg) {
  static const mmb_arena_config defaults = MMB_ARENA_CONFIG_DEFAULT;
  if (!cfg) cfg = &defaults;
  size_t first = cfg->chunk_size ? cfg->chunk_size : MMB_ARENA_CHUNK_DEFAULT;
  size_t max = cfg->chunk_max ? cfg->chunk_max : MMB_ARENA_CHUNK_MAX_DEFAULT;
  if (first > ((size_t)1 << 40) || max > ((size_t)1 << 40)) {
    errno = EINVAL;
    return NULL;
  }
  first = mmb_align_up(first, (size_t)64 << 10);
  max = mmb_align_up(max, (size_t)64 << 10);
  if (max < first) max = first;
  size_t sz = mmb_align_up(sizeof(mmb_arena_t), MMB_PAGE);
  mmb_arena_t *a = mmb_os_map(sz, MMB_PAGE, 0, 0);
  if (!a) {
    errno = ENOMEM;
    return NULL;
  }
  memset(a, 0, sizeof *a);
  a->chunk_min = first;
  a->chunk_max = max;
  a->next_size = first;
  a->retain = cfg->retain;
  a->huge = cfg->huge_pages;
  mmb_arena_budget_init(&a->own, cfg->cap);
  a->budget = cfg->budget ? cfg->budget : &a->own;
  return a;
}

void mmb_arena_destroy(mmb_arena_t *a) {
  if (!a) return;
  arena_chunk *c = a->chunks;
  while (c) {
    arena_chunk *next = c->next;
    chunk_free(a, c);
    c = next;
  }
  mmb_os_unmap(a, mmb_align_up(sizeof(mmb_arena_t), MMB_PAGE));
}

void mmb_arena_reset(mmb_arena_t *a) {
  /* Keep the largest chunk that is not above `retain`. */
  arena_chunk *keep = NULL;
  for (arena_chunk *c = a->chunks; c; c = c->next)
    if (c->size <= a->retain && (!keep || c->size > keep->size)) keep = c;
  arena_chunk *c = a->chunks;
  while (c) {
    arena_chunk *next = c->next;
    if (c != keep) chunk_free(a, c);
    c = next;
  }
  a->chunks = keep;
  a->current = NULL;
  a->closed = 0;
  a->w.lost = 0;
  a->w.cur = a->w.end = NULL;
  if (keep) {
    keep->next = NULL;
    set_current(a, keep);
  }
}

/* ---------------------------------------------------------------------------
 * Allocation
 * ------------------------------------------------------------------------- */
/* A chunk of its own for one block of n bytes aligned to align. */
static void *alloc_dedicated(mmb_arena_t *a, size_t req, size_t n, size_t align) {
  size_t hdr = align > ARENA_CHUNK_HDR ? MMB_PAGE : ARENA_CHUNK_HDR;
  size_t size = mmb_align_up(hdr + n, MMB_PAGE);
  arena_chunk *c = chunk_new(a, size, align);
  if (!c) return NULL;
  a->closed += (uint64_t)(size - hdr); /* all used up: the block and its page rounding */
  a->w.lost += (uint64_t)(size - hdr - req);
  return (char *)c + hdr;
}

void *mmb_arena_alloc_slow(mmb_arena_t *a, size_t size, size_t align) {
  if (size > MMB_MAX_REQUEST) {
    errno = ENOMEM;
    return NULL;
  }
  size_t req = size;
  size_t n = mmb_align_up(size ? size : 1, 16); /* size 0: a unique pointer */
  if (align < 16) align = 16;

  /* Fits in the current window after padding? */
  if (a->current) {
    uintptr_t cur = (uintptr_t)a->w.cur;
    uintptr_t p = (cur + align - 1) & ~(uintptr_t)(align - 1);
    if (p <= (uintptr_t)a->w.end && n <= (uintptr_t)a->w.end - p) {
      a->w.lost += (p - cur) + (n - req);
      a->w.cur = (char *)(p + n);
      return (void *)p;
    }
  }

  /* Big or strongly aligned: a dedicated chunk; the window stays. */
  if (n > a->next_size / 4 || align > MMB_PAGE) {
    return alloc_dedicated(a, req, n, align);
  }

  /* A new regular chunk, shrunk to what the cap leaves if need be. */
  size_t size_next = a->next_size;
  size_t need = mmb_align_up(ARENA_CHUNK_HDR + n + align, MMB_PAGE);
  uint64_t left = budget_left(a->budget);
  if (left < size_next) {
    size_t fit = (size_t)(left & ~(uint64_t)(MMB_PAGE - 1));
    if (fit < need) {
      errno = ENOMEM;
      return NULL;
    }
    size_next = fit;
  }
  arena_chunk *c = chunk_new(a, size_next, 0);
  if (!c) return NULL;
  set_current(a, c);
  if (a->next_size < a->chunk_max) {
    a->next_size *= 2;
    if (a->next_size > a->chunk_max) a->next_size = a->chunk_max;
  }
  uintptr_t p = ((uintptr_t)a->w.cur + align - 1) & ~(uintptr_t)(align - 1);
  a->w.lost += (p - (uintptr_t)a->w.cur) + (n - req);
  a->w.cur = (char *)(p + n);
  return (void *)p;
}

void *mmb_arena_aligned_alloc(mmb_arena_t *a, size_t align, size_t size) {
  if (align == 0 || (align & (align - 1)) != 0 || align > ((size_t)1 << 30)) {
    errno = EINVAL;
    return NULL;
  }
  if (align <= 16) return mmb_arena_alloc(a, size);
  return mmb_arena_alloc_slow(a, size, align);
}

void *mmb_arena_calloc(mmb_arena_t *a, size_t n, size_t size) {
  size_t total;
  if (__builtin_mul_overflow(n, size, &total)) {
    errno = ENOMEM;
    return NULL;
  }
  arena_chunk *before = a->chunks;
  void *p = mmb_arena_alloc(a, total);
  /* A chunk mapped by this very call is still zero. */
  if (p &&
      !(a->chunks != before && (char *)p >= (char *)a->chunks && (char *)p < chunk_end(a->chunks)))
    memset(p, 0, total);
  return p;
}

void *mmb_arena_realloc(mmb_arena_t *a, void *p, size_t old_size, size_t new_size) {
  if (!p) return mmb_arena_alloc(a, new_size);
  if (new_size <= old_size) return p;
  char *q = p;
  size_t old_n = mmb_align_up(old_size ? old_size : 1, 16);
  /* The last block of the window grows in place when there is room. */
  if (a->current && q + old_n == a->w.cur && q >= chunk_data(a->current) &&
      new_size <= (size_t)(a->w.end - q)) {
    size_t new_n = mmb_align_up(new_size, 16);
    a->w.lost += (new_n - new_size) - (old_n - old_size); /* modulo 2^64 */
    a->w.cur = q + new_n;
    return p;
  }
  void *r = mmb_arena_alloc(a, new_size);
  if (r) memcpy(r, p, old_size);
  return r;
}

/* ---------------------------------------------------------------------------
 * Cap and statistics
 * ------------------------------------------------------------------------- */
int mmb_arena_set_cap(mmb_arena_t *a, uint64_t cap) {
  if (a->budget != &a->own) return -EINVAL;
  atomic_store_explicit(&a->own.cap, cap, memory_order_relaxed);
  return 0;
}

void mmb_arena_stats(const mmb_arena_t *a, mmb_arena_stats_t *st) {
  uint64_t used = a->closed;
  if (a->current) used += (uint64_t)(a->w.cur - chunk_data(a->current));
  st->requested = used - a->w.lost;
  st->reserved = a->reserved;
  st->chunks = a->nchunks;
  st->wasted = a->w.lost;
  st->peak_reserved = a->peak_reserved;
}
