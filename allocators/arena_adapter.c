/* mmbench — adapters for the project's own allocators: `arena` (bump
 * regions, allocators/arena.h) and `arena-pool` (size-class pools,
 * allocators/arena_pool.h).
 *
 * Thread policy (both): every thread allocates from its own arena / pool,
 * reached through a thread-local pointer; the fast paths take no lock and no
 * atomic. A thread gets its arena at thread_attach or at its first call;
 * at thread_detach or thread exit the arena becomes an orphan, which the
 * next attaching thread adopts, so the number of arenas stays at the number
 * of threads alive at once and blocks stay valid after their thread exits.
 * A block freed by another thread: `arena` ignores every free; `arena-pool`
 * pushes it onto the owner's lock-free remote-free stack (see arena_pool.h).
 * reset, stats and fini visit every arena under a mutex and must run when no
 * other thread allocates (the harness calls them after joining workers).
 *
 * Settings (environment, read by init; `arena[MMB_ARENA_CAP=1G]`):
 *   MMB_ARENA_CAP        cap on bytes mapped by all arenas together (arena)
 *   MMB_ARENA_CHUNK      first chunk size (arena)
 *   MMB_ARENA_CHUNK_MAX  largest regular chunk (arena)
 *   MMB_ARENA_RETAIN     bytes kept mapped across reset per arena (both)
 *   MMB_ARENA_THP        1 = MADV_HUGEPAGE on chunks (arena); off by default:
 *                        huge-page faults cost a no-reuse run 7x (210 vs 29 ns/op
 *                        for malloc-free 64 B on the reference VM)
 * Sizes take a K, M, G or T suffix (powers of 1024). set("cap", bytes) sets
 * the arena's cap at run time. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "allocator.h"
#include "arena_internal.h"
#include "mmb_config.h"

#define MAX_HEAPS 1024 /* arenas (pools) alive at once: threads alive at once */
#define TLS __attribute__((tls_model("initial-exec"))) __thread

static const char *version(void) { return "mmbench-arena 1"; }

/* Parses "123", "64K", "1.5G", "2MiB" into bytes. 0 or -EINVAL. */
static int parse_size(const char *s, uint64_t *out) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (end == s || errno || !(v >= 0)) return -EINVAL;
  double mult = 1;
  switch (*end) {
  case 'k':
  case 'K':
    mult = 1024.0;
    end++;
    break;
  case 'm':
  case 'M':
    mult = 1024.0 * 1024;
    end++;
    break;
  case 'g':
  case 'G':
    mult = 1024.0 * 1024 * 1024;
    end++;
    break;
  case 't':
  case 'T':
    mult = 1024.0 * 1024 * 1024 * 1024;
    end++;
    break;
  default: break;
  }
  if (mult > 1 && *end == 'i') end++;
  if (*end == 'B' || *end == 'b') end++;
  if (*end) return -EINVAL;
  v *= mult;
  if (v >= 18446744073709551616.0) return -EINVAL;
  *out = (uint64_t)v;
  return 0;
}

/* Reads variable name into *out when set. 0 or -EINVAL. */
static int env_size(const char *name, uint64_t *out) {
  const char *s = getenv(name);
  if (!s) return 0;
  return parse_size(s, out);
}

/* ---------------------------------------------------------------------------
 * A registry of per-thread heaps, shared by both adapters
 * ------------------------------------------------------------------------- */
typedef struct heap_registry {
  pthread_mutex_t lock;
  pthread_once_t once;
  pthread_key_t key;      /* value: the heap, so thread exit orphans it */
  void *heaps[MAX_HEAPS]; /* every heap alive */
  unsigned char orphan[MAX_HEAPS];
  int n;
  void *(*create)(void); /* a new heap, or NULL */
} heap_registry;

static int registry_index(heap_registry *r, void *h) {
  for (int i = 0; i < r->n; i++)
    if (r->heaps[i] == h) return i;
  return -1;
}

static void registry_orphan(heap_registry *r, void *h) {
  pthread_mutex_lock(&r->lock);
  int i = registry_index(r, h);
  if (i >= 0) r->orphan[i] = 1;
  pthread_mutex_unlock(&r->lock);
}

/* An orphan heap, or a new one; NULL (errno = ENOMEM) when none can be had. */
static void *registry_attach(heap_registry *r) {
  void *h = NULL;
  pthread_mutex_lock(&r->lock);
  for (int i = 0; i < r->n && !h; i++)
    if (r->orphan[i]) {
      r->orphan[i] = 0;
      h = r->heaps[i];
    }
  if (!h && r->n < MAX_HEAPS && (h = r->create()) != NULL) {
    r->heaps[r->n] = h;
    r->orphan[r->n] = 0;
    r->n++;
  }
  pthread_mutex_unlock(&r->lock);
  if (h)
    pthread_setspecific(r->key, h);
  else
    errno = ENOMEM;
  return h;
}

static void registry_detach(heap_registry *r, void *h) {
  pthread_setspecific(r->key, NULL);
  registry_orphan(r, h);
}

/* Calls fn on every heap, under the lock. */
static void registry_each(heap_registry *r, void (*fn)(void *heap, void *arg), void *arg) {
  pthread_mutex_lock(&r->lock);
  for (int i = 0; i < r->n; i++) fn(r->heaps[i], arg);
  pthread_mutex_unlock(&r->lock);
}

/* Destroys every heap (fini). */
static void registry_clear(heap_registry *r, void (*destroy)(void *heap)) {
  pthread_mutex_lock(&r->lock);
  for (int i = 0; i < r->n; i++) destroy(r->heaps[i]);
  r->n = 0;
  pthread_mutex_unlock(&r->lock);
}

/* ===========================================================================
 * arena
 * ========================================================================= */
static struct mmb_arena dummy_arena; /* empty window: every call takes the slow path */
static TLS mmb_arena_t *tls_arena = &dummy_arena;
static mmb_arena_budget arena_budget; /* zero: nothing used, no cap */
static mmb_arena_config arena_cfg = MMB_ARENA_CONFIG_DEFAULT;

static void *arena_create_heap(void) {
  mmb_arena_config cfg = arena_cfg;
  cfg.budget = &arena_budget;
  return mmb_arena_create(&cfg);
}

static heap_registry arena_reg = {
    .lock = PTHREAD_MUTEX_INITIALIZER, .once = PTHREAD_ONCE_INIT, .create = arena_create_heap};

/* Thread exit: later destructors of this thread get a fresh arena. */
static void arena_thread_exit(void *h) {
  tls_arena = &dummy_arena;
  registry_orphan(&arena_reg, h);
}
static void arena_once(void) { pthread_key_create(&arena_reg.key, arena_thread_exit); }

static mmb_arena_t *arena_mine(void) {
  mmb_arena_t *a = tls_arena;
  if (MMB_LIKELY(a != &dummy_arena)) return a;
  pthread_once(&arena_reg.once, arena_once);
  a = registry_attach(&arena_reg);
  if (a) tls_arena = a;
  return a;
}

static int arena_init(void) {
  mmb_arena_config cfg = MMB_ARENA_CONFIG_DEFAULT;
  uint64_t cap = 0, chunk = cfg.chunk_size, chunk_max = cfg.chunk_max, retain = cfg.retain, thp = 0;
  if (env_size("MMB_ARENA_CAP", &cap) || env_size("MMB_ARENA_CHUNK", &chunk) ||
      env_size("MMB_ARENA_CHUNK_MAX", &chunk_max) || env_size("MMB_ARENA_RETAIN", &retain) ||
      env_size("MMB_ARENA_THP", &thp))
    return -EINVAL;
  if (chunk < 4096 || chunk > ((uint64_t)1 << 40) || chunk_max > ((uint64_t)1 << 40))
    return -EINVAL;
  cfg.chunk_size = (size_t)chunk;
  cfg.chunk_max = (size_t)chunk_max;
  cfg.retain = (size_t)retain;
  cfg.huge_pages = thp != 0;
  pthread_once(&arena_reg.once, arena_once);
  pthread_mutex_lock(&arena_reg.lock);
  arena_cfg = cfg;
  /* Only the cap: arenas that still exist keep their share of `used`. */
  atomic_store_explicit(&arena_budget.cap, cap, memory_order_relaxed);
  pthread_mutex_unlock(&arena_reg.lock);
  return 0;
}

static void arena_destroy_heap(void *h) { mmb_arena_destroy(h); }

static void arena_fini(void) {
  pthread_once(&arena_reg.once, arena_once);
  registry_clear(&arena_reg, arena_destroy_heap);
  tls_arena = &dummy_arena;
  pthread_setspecific(arena_reg.key, NULL);
}

static void arena_attach(void) { (void)arena_mine(); }

static void arena_detach(void) {
  mmb_arena_t *a = tls_arena;
  if (a == &dummy_arena) return;
  tls_arena = &dummy_arena;
  registry_detach(&arena_reg, a);
}

static __attribute__((noinline)) void *arena_malloc_slow(size_t size) {
  mmb_arena_t *a = arena_mine();
  return a ? mmb_arena_alloc_slow(a, size, 16) : NULL;
}

/* The fast path of arena.h on the thread's arena: the dummy arena's window
 * is empty, so a thread's first call attaches it. */
static void *arena_malloc(size_t size) {
  void *p = mmb_arena_try_alloc(tls_arena, size);
  return MMB_LIKELY(p != NULL) ? p : arena_malloc_slow(size);
}

static void arena_free(void *p, size_t size) { (void)p, (void)size; }

static void *arena_calloc(size_t n, size_t size) {
  mmb_arena_t *a = arena_mine();
  return a ? mmb_arena_calloc(a, n, size) : NULL;
}

static void *arena_realloc(void *p, size_t old_size, size_t new_size) {
  mmb_arena_t *a = arena_mine();
  return a ? mmb_arena_realloc(a, p, old_size, new_size) : NULL;
}

static void *arena_aligned(size_t align, size_t size) {
  mmb_arena_t *a = arena_mine();
  return a ? mmb_arena_aligned_alloc(a, align, size) : NULL;
}

static void arena_reset_one(void *h, void *arg) {
  (void)arg;
  mmb_arena_reset(h);
}
static void arena_reset(void) { registry_each(&arena_reg, arena_reset_one, NULL); }

static void arena_stats_one(void *h, void *arg) {
  mmb_alloc_stats *st = arg;
  mmb_arena_stats_t s;
  mmb_arena_stats(h, &s);
  st->requested += s.requested;
  st->reserved += s.reserved;
  st->chunks += s.chunks;
  st->wasted += s.wasted;
}
static int arena_stats(mmb_alloc_stats *st) {
  memset(st, 0, sizeof *st);
  registry_each(&arena_reg, arena_stats_one, st);
  return 0;
}

static int arena_set(const char *key, double value) {
  if (strcmp(key, "cap") != 0 || !(value >= 0) || value >= 18446744073709551616.0) return -EINVAL;
  atomic_store_explicit(&arena_budget.cap, (uint64_t)value, memory_order_relaxed);
  return 0;
}

const mmb_allocator mmb_alloc_arena = {
    .name = "arena",
    .description = "bump-pointer regions per thread: free is a no-op, reset releases all",
    .kind = MMB_KIND_INPROC,
    .caps = MMB_CAP_ALIGNED | MMB_CAP_RESET | MMB_CAP_THREADS | MMB_CAP_REALLOC | MMB_CAP_STATS |
            MMB_CAP_CAPPED,
    .library = "",
    .init = arena_init,
    .fini = arena_fini,
    .thread_attach = arena_attach,
    .thread_detach = arena_detach,
    .malloc = arena_malloc,
    .free = arena_free,
    .calloc = arena_calloc,
    .realloc = arena_realloc,
    .aligned_alloc = arena_aligned,
    .reset = arena_reset,
    .stats = arena_stats,
    .version = version,
    .tune = arena_set,
};

/* ===========================================================================
 * arena-pool
 * ========================================================================= */
static struct mmb_pool dummy_pool; /* empty lists, owns nothing: slow paths */
static TLS mmb_pool_t *tls_pool = &dummy_pool;
static size_t pool_retain = MMB_ARENA_RETAIN_DEFAULT;

static void *pool_create_heap(void) { return mmb_pool_create(pool_retain); }
static heap_registry pool_reg = {
    .lock = PTHREAD_MUTEX_INITIALIZER, .once = PTHREAD_ONCE_INIT, .create = pool_create_heap};

static void pool_thread_exit(void *h) {
  tls_pool = &dummy_pool;
  registry_orphan(&pool_reg, h);
}
static void pool_once(void) { pthread_key_create(&pool_reg.key, pool_thread_exit); }

static mmb_pool_t *pool_mine(void) {
  mmb_pool_t *p = tls_pool;
  if (MMB_LIKELY(p != &dummy_pool)) return p;
  pthread_once(&pool_reg.once, pool_once);
  p = registry_attach(&pool_reg);
  if (p) tls_pool = p;
  return p;
}

static int pool_init(void) {
  uint64_t retain = MMB_ARENA_RETAIN_DEFAULT;
  if (env_size("MMB_ARENA_RETAIN", &retain)) return -EINVAL;
  pthread_once(&pool_reg.once, pool_once);
  pthread_mutex_lock(&pool_reg.lock);
  pool_retain = (size_t)retain;
  pthread_mutex_unlock(&pool_reg.lock);
  return 0;
}

static void pool_destroy_heap(void *h) { mmb_pool_destroy(h); }

static void pool_fini(void) {
  pthread_once(&pool_reg.once, pool_once);
  registry_clear(&pool_reg, pool_destroy_heap);
  tls_pool = &dummy_pool;
  pthread_setspecific(pool_reg.key, NULL);
}

static void pool_attach(void) { (void)pool_mine(); }

static void pool_detach(void) {
  mmb_pool_t *p = tls_pool;
  if (p == &dummy_pool) return;
  tls_pool = &dummy_pool;
  registry_detach(&pool_reg, p);
}

static __attribute__((noinline)) void *pool_malloc_slow(size_t size) {
  mmb_pool_t *p = pool_mine();
  return p ? mmb_pool_alloc_slow(p, size) : NULL;
}

/* The pool fast paths on the thread's pool: the dummy pool has no free
 * blocks and owns nothing, so a thread's first call attaches it. */
static void *pool_malloc(size_t size) {
  void *p = mmb_pool_try_alloc(tls_pool, size);
  return MMB_LIKELY(p != NULL) ? p : pool_malloc_slow(size);
}

static __attribute__((noinline)) void pool_free_slow(void *p, size_t size) {
  /* Without a pool of our own (MAX_HEAPS threads alive) the block leaks. */
  mmb_pool_t *pool = pool_mine();
  if (pool) mmb_pool_free(pool, p, size);
}

static void pool_free(void *p, size_t size) {
  if (MMB_UNLIKELY(p == NULL)) return;
  if (MMB_LIKELY(mmb_pool_try_free(tls_pool, p, size))) return;
  pool_free_slow(p, size);
}

static void *pool_calloc(size_t n, size_t size) {
  mmb_pool_t *p = pool_mine();
  return p ? mmb_pool_calloc(p, n, size) : NULL;
}

static void *pool_realloc(void *ptr, size_t old_size, size_t new_size) {
  mmb_pool_t *p = pool_mine();
  return p ? mmb_pool_realloc(p, ptr, old_size, new_size) : NULL;
}

static void *pool_aligned(size_t align, size_t size) {
  mmb_pool_t *p = pool_mine();
  return p ? mmb_pool_aligned_alloc(p, align, size) : NULL;
}

static void pool_reset_one(void *h, void *arg) {
  (void)arg;
  mmb_pool_reset(h);
}
static void pool_reset(void) { registry_each(&pool_reg, pool_reset_one, NULL); }

static void pool_stats_one(void *h, void *arg) {
  mmb_pool_stats_t *st = arg;
  mmb_pool_stats(h, st);
}
static int pool_stats(mmb_alloc_stats *st) {
  mmb_pool_stats_t s;
  memset(&s, 0, sizeof s);
  registry_each(&pool_reg, pool_stats_one, &s);
  memset(st, 0, sizeof *st);
  st->requested = s.requested;
  st->reserved = s.reserved;
  st->chunks = s.chunks;
  st->wasted = s.wasted;
  return 0;
}

const mmb_allocator mmb_alloc_arena_pool = {
    .name = "arena-pool",
    .description = "per-thread size-class free lists over arena segments; large blocks mmap'ed",
    .kind = MMB_KIND_INPROC,
    .caps = MMB_CAP_MALLOC | MMB_CAP_RESET | MMB_CAP_STATS,
    .library = "",
    .preload_library = MMB_ARENA_POOL_PRELOAD, /* programs: allocators/preload/ */
    .init = pool_init,
    .fini = pool_fini,
    .thread_attach = pool_attach,
    .thread_detach = pool_detach,
    .malloc = pool_malloc,
    .free = pool_free,
    .calloc = pool_calloc,
    .realloc = pool_realloc,
    .aligned_alloc = pool_aligned,
    .reset = pool_reset,
    .stats = pool_stats,
    .version = version,
};
