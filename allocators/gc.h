/* mmbench — a precise mark-sweep collector over the base malloc (gc.c).
 *
 * Heap: objects up to 2 KiB live in 64 KiB blocks obtained from malloc, one
 * size class (16-byte steps) per block, each object behind an 8-byte header
 * (number of pointer slots = the type information, size, mark and free
 * bits); bigger objects are malloc'ed one by one. Objects are 16-byte
 * aligned. Threads allocate from thread-local free lists refilled a block at
 * a time.
 *
 * Collection: roots are registered locations (a per-thread root stack);
 * marking follows only the slots (precise), with an explicit mark stack (no
 * recursion; a stack that cannot grow falls back to rescanning the heap).
 * Sweeping walks each block linearly and rebuilds its free list; empty
 * blocks beyond what the next cycle will allocate go back to malloc, as do
 * dead big objects.
 *
 * Heap-growth policy: a collection starts when the bytes allocated since the
 * last one exceed max(min_bytes, growth x live bytes after the last one).
 * growth defaults to MMB_GC_GROWTH_DEFAULT, overridden by the environment
 * variable MMB_GC_GROWTH at init and by mmb_gc_set_growth.
 *
 * Threads: each thread attaches; allocation is a safepoint where a thread
 * parks while another collects (stop the world). The thread that called
 * mmb_gc_init is never waited for: it may use the collector only while no
 * other thread is attached. An attached thread that blocks (waits for
 * others, or has finished its work) calls mmb_gc_idle first. */
#ifndef MMB_GC_H
#define MMB_GC_H

#include <stddef.h>
#include <stdint.h>

#include "objgraph.h"

/* The default follows a rule, not a benchmark: the heap-size factor of
 * Boehm's default, free-space divisor 3, which lets about 2 x traced bytes / 3
 * be allocated between collections (boehm_adapter.c maps growth x to the
 * divisor 2 / x). */
#define MMB_GC_GROWTH_DEFAULT (2.0 / 3.0)
#define MMB_GC_MIN_BYTES_DEFAULT ((size_t)1 << 20)

/* 0, -EINVAL for a bad MMB_GC_GROWTH / MMB_GC_MIN_BYTES, or -ENOMEM. */
int mmb_gc_init(void);
/* Frees every object still in the heap. */
void mmb_gc_fini(void);
int mmb_gc_set_growth(double factor);   /* 0 < factor <= 1000 */
int mmb_gc_set_min_bytes(double bytes); /* 0 <= bytes <= 2^40 */
double mmb_gc_growth(void);

void mmb_gc_thread_attach(void);
void mmb_gc_thread_detach(void); /* also forgets the thread's roots */
/* The calling thread stops touching the heap (it holds no unrooted
 * references) until its next allocation or collect(): collections do not
 * wait for it meanwhile. Call before blocking (e.g. at the end of run). */
void mmb_gc_idle(void);

mmb_obj *mmb_gc_new(unsigned nslots, size_t payload);
void mmb_gc_add_root(mmb_obj **loc);
void mmb_gc_remove_root(mmb_obj **loc);
void mmb_gc_collect(void);
void mmb_gc_counts(mmb_graph_counts *c);
/* Bytes (headers included) that survived the last collection. */
uint64_t mmb_gc_live_bytes(void);

extern const struct mmb_graph_ops mmb_gc_graph_ops;

#endif
