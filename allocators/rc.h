/* mmbench — reference counting over the base malloc (rc.c, cycle collection
 * in cc.c).
 *
 * An object is a 16-byte header followed by the objgraph.h layout (slots, then
 * payload). The header holds the count, the number of pointer slots (the type
 * information: which words are references) and flags. Counts are plain
 * integers for objects private to one thread and atomic for objects marked
 * shared (mmb_rc_share). Releasing the last reference frees the object and
 * releases its slots iteratively (the dead header's count word links a
 * pending list), so a list of any length is freed without recursion.
 *
 * With cycle collection on (rc+cc) a release that leaves a count above zero
 * buffers the object as a candidate root; mmb_rc_collect_cycles runs
 * synchronous trial deletion (Bacon & Rajan, ECOOP 2001) over the calling
 * thread's candidates, also when the buffer fills. Shared objects are never
 * candidates and trial deletion does not enter them (a cycle through a shared
 * object is not reclaimed). Objects without slots cannot be on a cycle and
 * are never buffered. */
#ifndef MMB_RC_H
#define MMB_RC_H

#include <stddef.h>
#include <stdint.h>

#include "objgraph.h"

enum {
  MMB_RC_SHARED = 1u << 0,   /* atomic count; outside cycle collection */
  MMB_RC_BUFFERED = 1u << 1, /* in a candidate buffer (cc) */
};

enum { MMB_RC_BLACK = 0, MMB_RC_GRAY = 1, MMB_RC_WHITE = 2, MMB_RC_PURPLE = 3 };

typedef struct mmb_rc_hdr {
  union {
    uint64_t count;          /* references held */
    struct mmb_rc_hdr *link; /* once dead: next object in a pending list */
  } u;
  uint32_t nslots; /* pointer slots: the object's type information */
  uint8_t flags;   /* MMB_RC_* */
  uint8_t color;   /* cycle collection colour */
  uint16_t spare;
} mmb_rc_hdr;

/* Set by mmb_rc_init; read on the release path. */
extern int mmb_rc_cc_enabled;

static inline mmb_rc_hdr *mmb_rc_hdr_of(const mmb_obj *o) { return (mmb_rc_hdr *)(void *)o - 1; }
static inline mmb_obj *mmb_rc_obj_of(mmb_rc_hdr *h) { return (mmb_obj *)(void *)(h + 1); }
static inline mmb_obj **mmb_rc_slots(mmb_rc_hdr *h) { return (mmb_obj **)(void *)(h + 1); }

/* Out of line: the count reached zero / the object may root a garbage cycle. */
void mmb_rc_zero(mmb_rc_hdr *h);
void mmb_rc_possible_root(mmb_rc_hdr *h);

/* Take one more reference to o (not NULL). */
static inline void mmb_rc_retain(mmb_obj *o) {
  mmb_rc_hdr *h = mmb_rc_hdr_of(o);
  if (h->flags & MMB_RC_SHARED)
    __atomic_fetch_add(&h->u.count, 1, __ATOMIC_RELAXED);
  else
    h->u.count++;
}

/* Give one reference up (o may be NULL). */
static inline void mmb_rc_release(mmb_obj *o) {
  if (!o) return;
  mmb_rc_hdr *h = mmb_rc_hdr_of(o);
  if (h->flags & MMB_RC_SHARED) {
    if (__atomic_sub_fetch(&h->u.count, 1, __ATOMIC_ACQ_REL) == 0) mmb_rc_zero(h);
  } else if (--h->u.count == 0) {
    mmb_rc_zero(h);
  } else if (mmb_rc_cc_enabled && h->nslots && h->color != MMB_RC_PURPLE) {
    mmb_rc_possible_root(h);
  }
}

/* Configure before first use: cycle collection on or off, and the candidate
 * buffer length that triggers a cycle collection (0 = default 10000, env
 * MMB_CC_BUFFER). 0 or -EINVAL. */
int mmb_rc_init(int cycle_collection, size_t buffer_len);
void mmb_rc_fini(void);
int mmb_rc_set_buffer(size_t buffer_len);
/* Per thread: flush counters and collect this thread's candidates. */
void mmb_rc_thread_detach(void);

/* New object, count 1, slots NULL; NULL on failure (errno ENOMEM, or EINVAL
 * for more than 2^28 slots). */
mmb_obj *mmb_rc_new(unsigned nslots, size_t payload);
void mmb_rc_store(mmb_obj *o, unsigned i, mmb_obj *v); /* retains v, releases old */
void mmb_rc_put(mmb_obj *o, unsigned i, mmb_obj *v);   /* takes over the ref to v */
/* Mark o and everything reachable from it shared (atomic counts). Call while
 * a single thread holds the structure. 0 or -ENOMEM. */
int mmb_rc_share(mmb_obj *o);
static inline uint64_t mmb_rc_count(const mmb_obj *o) {
  return __atomic_load_n(&mmb_rc_hdr_of(o)->u.count, __ATOMIC_RELAXED);
}

/* Trial deletion over this thread's candidates; returns objects reclaimed. */
uint64_t mmb_rc_collect_cycles(void);

/* Counts over threads that detached plus the calling thread. */
void mmb_rc_counts(mmb_graph_counts *c);

/* The objgraph.h operations of rc / rc+cc (flags set by mmb_rc_init). */
extern const struct mmb_graph_ops mmb_rc_graph_ops, mmb_rc_cc_graph_ops;

/* ---- internal to rc.c / cc.c ------------------------------------------ */
typedef struct mmb_rc_thread {
  mmb_rc_hdr **roots; /* candidate buffer */
  size_t nroots, cap;
  mmb_rc_hdr **stack; /* traversal stack of the collector */
  size_t cap_stack;
  int depth; /* inside a release cascade or a collection */
  uint64_t allocated, freed, collections;
} mmb_rc_thread;
mmb_rc_thread *mmb_rc_self(void);
void mmb_rc_free_dead(mmb_rc_thread *t, mmb_rc_hdr *h); /* free one object */
extern size_t mmb_rc_buffer_len;

#endif
