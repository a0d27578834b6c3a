/* mmbench — allocator adapter descriptor.
 *
 * Every allocator the suite can measure is one const mmb_allocator. Workloads
 * only ever allocate through these function pointers, so every allocator runs
 * the same workload code. General-purpose mallocs (kind PRELOAD) are injected
 * into the child with LD_PRELOAD and reached through the plain libc entry
 * points; the project's own allocators and Boehm (INPROC / MANAGED) are
 * chosen inside the child. */
#ifndef MMB_ALLOCATOR_H
#define MMB_ALLOCATOR_H

#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------------------
 * Kinds and capabilities
 * ------------------------------------------------------------------------- */
typedef enum mmb_alloc_kind {
  MMB_KIND_PRELOAD = 0, /* malloc replacement injected with LD_PRELOAD */
  MMB_KIND_INPROC = 1,  /* the project's own allocator, chosen in the child */
  MMB_KIND_MANAGED = 2, /* rc / gc / boehm / manual: offers the graph API */
} mmb_alloc_kind;

enum {
  MMB_CAP_FREE = 1u << 0,        /* individual free reuses memory */
  MMB_CAP_ALIGNED = 1u << 1,     /* aligned_alloc for powers of two */
  MMB_CAP_REALLOC = 1u << 2,     /* realloc keeps contents */
  MMB_CAP_RESET = 1u << 3,       /* reset() releases everything at once */
  MMB_CAP_THREADS = 1u << 4,     /* may be used from several threads */
  MMB_CAP_GRAPH = 1u << 5,       /* offers mmb_graph_ops (object graphs) */
  MMB_CAP_STATS = 1u << 6,       /* stats() reports figures */
  MMB_CAP_CAPPED = 1u << 7,      /* has a memory cap: big workloads may not fit */
  MMB_CAP_BASE_MALLOC = 1u << 8, /* malloc-level calls go straight to the base malloc */
  /* malloc and free are the C library's, by name (a preloaded malloc): hot
   * loops may call malloc() and free() directly, as a program does, instead
   * of through the entry points below (mmb_al_malloc in workloads/wl_util.h).
   * A descriptor that wraps the entry points must clear it. */
  MMB_CAP_LIBC = 1u << 9,
  /* free ignores its size argument: a workload may keep bare pointers
   * (every MMB_CAP_LIBC allocator; floor) */
  MMB_CAP_UNSIZED_FREE = 1u << 10,
};
#define MMB_CAP_MALLOC (MMB_CAP_FREE | MMB_CAP_ALIGNED | MMB_CAP_REALLOC | MMB_CAP_THREADS)

/* Figures an allocator reports about itself (all in bytes unless named). */
typedef struct mmb_alloc_stats {
  uint64_t requested;   /* bytes asked for by callers */
  uint64_t reserved;    /* bytes obtained from the OS and still held */
  uint64_t chunks;      /* OS chunks / regions held */
  uint64_t wasted;      /* bytes lost to alignment and size-class rounding */
  uint64_t collections; /* GC collections run (managed kinds) */
  uint64_t reclaimed;   /* objects reclaimed (managed kinds) */
} mmb_alloc_stats;

struct mmb_graph_ops; /* allocators/objgraph.h */

/* ---------------------------------------------------------------------------
 * The descriptor
 * ------------------------------------------------------------------------- */
typedef struct mmb_allocator {
  const char *name;        /* as typed on the command line: "jemalloc" */
  const char *description; /* one line for `mmbench list` */
  mmb_alloc_kind kind;
  unsigned caps;           /* MMB_CAP_* */
  const char *library;     /* PRELOAD: shared object to preload ("" = none) */
  const char *unavailable; /* non-NULL: why it cannot run on this build */
  /* INPROC: a build of it that LD_PRELOAD can give a real program (the
   * programs family); NULL or "" = none. */
  const char *preload_library;

  /* Called once in the child before setup. 0 or a negative errno. */
  int (*init)(void);
  /* Called once in the child after verification (may be NULL). */
  void (*fini)(void);
  /* Called by every worker thread before / after it uses the allocator. */
  void (*thread_attach)(void);
  void (*thread_detach)(void);

  void *(*malloc)(size_t size);
  /* size is the size originally requested (sized free); p may be NULL. */
  void (*free)(void *p, size_t size);
  void *(*calloc)(size_t n, size_t size);
  void *(*realloc)(void *p, size_t old_size, size_t new_size);
  /* align: a power of two >= sizeof(void*). NULL on failure. */
  void *(*aligned_alloc)(size_t align, size_t size);
  /* End of a phase: everything allocated since init may be released. */
  void (*reset)(void);
  /* 0 and fills *st, or -ENOTSUP. */
  int (*stats)(mmb_alloc_stats *st);
  /* Version string as the library reports it (may be NULL). */
  const char *(*version)(void);
  /* Tuning knob by name (tests, fuzzing; the cell passes "threads", the
   * cell's thread count, before init): 0, -EINVAL for an unknown key or a
   * bad value (may be NULL). */
  int (*tune)(const char *key, double value);

  const struct mmb_graph_ops *graph; /* MMB_CAP_GRAPH only */
} mmb_allocator;

/* ---------------------------------------------------------------------------
 * Registry (allocators/registry.c)
 * ------------------------------------------------------------------------- */
extern const mmb_allocator *const mmb_allocators[]; /* NULL-terminated */

/* The descriptor named name (without any [settings] suffix), or NULL. */
const mmb_allocator *mmb_allocator_find(const char *name);

/* A PRELOAD descriptor for preload:PATH (heap-allocated, lives forever). */
const mmb_allocator *mmb_allocator_preload_custom(const char *path);

#endif
