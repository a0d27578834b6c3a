/* mmbench — the object-graph API shared by the managed adapters.
 *
 * One workload source runs unchanged under explicit free (`manual`),
 * reference counting (`rc`, `rc+cc`) and tracing (`gc`, `boehm`). An object
 * is nslots pointer slots followed by an untyped payload:
 *
 *     mmb_obj *o  ->  [slot 0][slot 1]...[slot n-1][payload bytes ...]
 *
 * Every adapter keeps that layout (headers, if any, live before o), so reading
 * a slot and finding the payload are inline loads with no call. Writing a slot
 * goes through the adapter (the write barrier of reference counting).
 *
 * The rules a workload follows so that it is correct under all five:
 *   - new_obj returns an object the caller holds one reference to.
 *   - store(o,i,v) stores v and takes a new reference to it; put(o,i,v) stores v
 *     and hands the caller's reference over (no count traffic). Both give up
 *     the reference the slot held before. mmb_obj_take(o,i) (inline) moves
 *     the slot's reference out to the caller and leaves the slot NULL.
 *   - drop(o): the caller is done with the reference it owns. Under `rc`
 *     the last reference going frees the object and releases its slots
 *     (iteratively). Under `gc` / `boehm` nothing happens: the object dies
 *     when it is no longer reachable from a root. Under `manual`
 *     (flags & MMB_GRAPH_EXPLICIT) drop(o) frees exactly o and nothing else;
 *     the program walks its structures and drops every object itself
 *     (explicit management: the program knows when to free).
 *   - retain(o) / release(o): an extra, counted reference (e.g. to a node of
 *     a shared structure while it is in use). Only counting adapters act on
 *     them; under `manual`, `gc` and `boehm` both do nothing.
 *   - Any pointer held outside the heap across a new_obj call (a local that
 *     must survive an allocation, a field of a malloc'ed struct) is registered
 *     with add_root(&var) first and remove_root(&var) when done. `gc` needs it
 *     (precise roots; roots are a per-thread stack: remove in LIFO order is
 *     O(1)); `boehm` needs it for locations outside the stack; counting and
 *     manual ignore it.
 *   - share(o): o and everything reachable from it will be retained / released
 *     by several threads: `rc` switches those objects to atomic counts and
 *     keeps them out of cycle collection. Slots of shared objects must not be
 *     written while several threads hold them (read-mostly graphs).
 *   - collect(): a full collection now (gc, boehm), cycle collection of the
 *     calling thread's candidates (rc+cc); nothing elsewhere.
 *
 * Threads: every thread calls the allocator's thread_attach / thread_detach
 * around its use. Objects are private to the thread that made them unless
 * shared. `gc` stops the world at allocation points: an attached thread
 * (other than the one that called init) must keep allocating, or call idle()
 * before it blocks or finishes its work (a workload's run ends with idle());
 * the thread that called init may use the layer only while no other thread
 * is attached or all are idle (setup and verification). */
#ifndef MMB_OBJGRAPH_H
#define MMB_OBJGRAPH_H

#include <stddef.h>
#include <stdint.h>

typedef struct mmb_obj mmb_obj; /* opaque: an object's slot array */

enum {
  MMB_GRAPH_EXPLICIT = 1u << 0,     /* drop frees exactly o; the program frees every object */
  MMB_GRAPH_COUNTED = 1u << 1,      /* reference counts: retain / drop matter */
  MMB_GRAPH_TRACED = 1u << 2,       /* a tracing collector: roots matter, drop is a no-op */
  MMB_GRAPH_CYCLES = 1u << 3,       /* garbage cycles are reclaimed (not plain rc) */
  MMB_GRAPH_CONSERVATIVE = 1u << 4, /* may keep some garbage alive (boehm): counts inexact */
};

/* Object counts since init, over the calling thread and the threads that
 * detached (exact for manual / rc / rc+cc / gc; boehm's live and reclaimed
 * are as of its last collect()). The allocator's stats() reports reclaimed
 * and collections from here; gc and boehm first run one last full
 * collection (stats is called after the measured region), so that
 * `reclaimed` covers all the garbage, as it does for manual and rc. */
typedef struct mmb_graph_counts {
  uint64_t allocated;   /* objects made by new_obj */
  uint64_t reclaimed;   /* objects freed (by drop, count zero, cycle or tracing collection) */
  uint64_t live;        /* allocated - reclaimed */
  uint64_t collections; /* tracing / cycle collections run */
} mmb_graph_counts;

struct mmb_graph_ops {
  unsigned flags; /* MMB_GRAPH_* */
  /* A new object with nslots NULL slots and payload bytes (contents
   * unspecified); the caller holds one reference. NULL on failure. */
  mmb_obj *(*new_obj)(unsigned nslots, size_t payload);
  void (*store)(mmb_obj *o, unsigned i, mmb_obj *v); /* v may be NULL */
  void (*put)(mmb_obj *o, unsigned i, mmb_obj *v);   /* consumes the caller's ref to v */
  void (*retain)(mmb_obj *o);
  void (*release)(mmb_obj *o); /* o may be NULL */
  void (*drop)(mmb_obj *o);    /* o may be NULL */
  void (*share)(mmb_obj *o);
  void (*add_root)(mmb_obj **loc);
  void (*remove_root)(mmb_obj **loc);
  void (*collect)(void);
  /* The calling thread is done with the heap for now (end of its work, or
   * about to block): it holds no unrooted references and touches no object
   * until its next new_obj / collect. `gc` stops waiting for it. */
  void (*idle)(void);
  void (*counts)(mmb_graph_counts *c);
  /* Collect after allocating factor x the live bytes (a tracing collector's
   * heap-growth policy): 0, or -EINVAL for a factor out of range. NULL =
   * the allocator has no such policy (manual, rc). */
  int (*set_heap_growth)(double factor);
};

/* Slot i of o (a borrowed pointer: take a reference with retain to keep it). */
static inline mmb_obj *mmb_obj_get(const mmb_obj *o, unsigned i) {
  return ((mmb_obj *const *)(const void *)o)[i];
}

/* Move slot i's reference to the caller; the slot becomes NULL. No barrier
 * is needed by any adapter (counts do not change; the collectors are not
 * incremental). */
static inline mmb_obj *mmb_obj_take(mmb_obj *o, unsigned i) {
  mmb_obj **slots = (mmb_obj **)(void *)o;
  mmb_obj *v = slots[i];
  slots[i] = NULL;
  return v;
}

/* The payload of an object made with nslots slots. */
static inline void *mmb_obj_payload(mmb_obj *o, unsigned nslots) {
  return (void *)((mmb_obj **)(void *)o + nslots);
}

/* Set n slots to NULL (adapters' new_obj; inline for the usual few). */
static inline void mmb_obj_clear_slots(mmb_obj **slots, unsigned n) {
  if (n <= 4) {
    switch (n) {
    case 4: slots[3] = NULL; /* fall through */
    case 3: slots[2] = NULL; /* fall through */
    case 2: slots[1] = NULL; /* fall through */
    case 1: slots[0] = NULL; /* fall through */
    default: break;
    }
    return;
  }
  for (unsigned i = 0; i < n; i++) slots[i] = NULL;
}

/* Bytes an object occupies as requested (slots + payload, no header). */
static inline size_t mmb_obj_bytes(unsigned nslots, size_t payload) {
  return (size_t)nslots * sizeof(mmb_obj *) + payload;
}

#endif
