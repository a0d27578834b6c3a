/* mmbench — allocation traces: the binary format and its reader.
 *
 * A trace file is a 64-byte header followed by chunks. Each chunk holds the
 * records of one thread of one process image, in that thread's call order;
 * records are varint-coded relative to the previous record of the chunk, so
 * a chunk decodes on its own. The recorder (bench/recorder/) maps
 * chunks of the file shared and writes records straight into them, so what
 * was written survives the program being killed. The layout is documented
 * in results/README.md ("Trace files").
 *
 * The reader (trace_format.c) loads a whole file into an event array sorted
 * by the global order and resolves addresses to block identities. It never
 * allocates through the allocator under test beyond plain malloc in setup. */
#ifndef MMB_TRACE_FORMAT_H
#define MMB_TRACE_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------------------
 * On-disk layout (little-endian)
 * ------------------------------------------------------------------------- */
#define MMB_TRACE_MAGIC "MMBTRACE" /* 8 bytes at offset 0 */
#define MMB_TRACE_VERSION 1u
#define MMB_TRACE_HEADER_BYTES 64u
#define MMB_TRACE_CHUNK_MAGIC 0x4b43544du /* "MTCK" */
#define MMB_TRACE_CHUNK_HEADER_BYTES 32u
#define MMB_TRACE_MAX_RECORD 64u /* bytes one record can take at most */

/* File header fields (byte offsets). */
enum {
  MMB_TH_MAGIC = 0,   /* char[8] */
  MMB_TH_VERSION = 8, /* u32 */
  MMB_TH_HBYTES = 12, /* u32: header size (64) */
  MMB_TH_IMAGES = 16, /* u32: process images that wrote (exec adds one) */
  MMB_TH_FLAGS = 20,  /* u32: reserved, 0 */
  MMB_TH_PID = 24,    /* u64: recorded process */
  MMB_TH_PPID = 32,   /* u64: its parent (a fork child: the recorded parent) */
  MMB_TH_START = 40,  /* u64: start, ns since the epoch */
};

/* Chunk header fields (byte offsets from the chunk start). */
enum {
  MMB_TC_MAGIC = 0,     /* u32 MMB_TRACE_CHUNK_MAGIC */
  MMB_TC_THREAD = 4,    /* u32: thread number in its image (0 = first) */
  MMB_TC_IMAGE = 8,     /* u32: process image (0 = first, exec adds one) */
  MMB_TC_CAPACITY = 12, /* u32: payload bytes the chunk spans */
  MMB_TC_USED = 16,     /* u32: payload bytes holding complete records */
  MMB_TC_RECORDS = 20,  /* u32: complete records */
};

/* Record operations: low 4 bits of a record's first byte; the high 4 bits
 * carry the variant (aligned: which function). Fields follow as varints:
 *   MALLOC   seq size ptr          CALLOC  seq n size ptr
 *   REALLOC  seq seq2 old size ptr FREE    seq ptr
 *   ALIGNED  seq align size ptr    USABLE  seq ptr result
 *   THREAD_START seq ostid parent+1 (0 = unknown)
 *   THREAD_EXIT  seq               THREAD_CREATE seq child
 *   FORK         seq
 * seq: delta from the previous record's seq in the chunk (the first: from
 * 0); seq2: delta from seq (realloc takes one number before the call and one
 * after); ptr and old: zigzag delta from the previous non-NULL pointer of the
 * chunk, plus one; 0 is NULL (and leaves the previous pointer as it was). */
enum {
  MMB_TOP_MALLOC = 1,
  MMB_TOP_CALLOC = 2,
  MMB_TOP_REALLOC = 3,
  MMB_TOP_FREE = 4,
  MMB_TOP_ALIGNED = 5,
  MMB_TOP_USABLE = 6,
  MMB_TOP_THREAD_START = 7,
  MMB_TOP_THREAD_EXIT = 8,
  MMB_TOP_THREAD_CREATE = 9,
  MMB_TOP_FORK = 10,
  MMB_TOP_COUNT = 11,
};
/* ALIGNED variants */
enum {
  MMB_TAL_POSIX_MEMALIGN = 0,
  MMB_TAL_ALIGNED_ALLOC = 1,
  MMB_TAL_MEMALIGN = 2,
  MMB_TAL_VALLOC = 3,
  MMB_TAL_PVALLOC = 4,
  MMB_TAL_COUNT = 5,
};

/* Varint and zigzag coding, shared by the recorder and the reader. */
static inline unsigned char *mmb_tv_put(unsigned char *p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = (unsigned char)(v | 0x80);
    v >>= 7;
  }
  *p++ = (unsigned char)v;
  return p;
}
static inline uint64_t mmb_tv_zig(int64_t v) {
  return ((uint64_t)v << 1) ^ (0 - ((uint64_t)v >> 63));
}
static inline int64_t mmb_tv_unzig(uint64_t v) { return (int64_t)(v >> 1) ^ -(int64_t)(v & 1); }

/* ---------------------------------------------------------------------------
 * The reader
 * ------------------------------------------------------------------------- */
#define MMB_TB_NONE 0xffffffffu /* no block */

typedef struct mmb_trace_ev {
  uint64_t key;    /* global order: image << 48 | seq */
  uint64_t key2;   /* realloc: the order of its result; else = key */
  uint64_t ptr;    /* result pointer (allocations), freed pointer (free), usable: pointer */
  uint64_t old;    /* realloc: the pointer passed in */
  uint64_t size;   /* requested bytes (calloc: n * size); usable: the result */
  uint64_t arg;    /* calloc: n; aligned: alignment; start: OS tid; create: child */
  uint32_t thread; /* thread index in the file (over all images) */
  uint32_t rel;    /* block released (free, realloc), MMB_TB_NONE if none / unknown */
  uint32_t born;   /* block the result is (allocations, realloc), MMB_TB_NONE if none */
  uint32_t births; /* for rel: how many results of that block came before */
  uint8_t op;      /* MMB_TOP_* */
  uint8_t variant; /* aligned: MMB_TAL_* */
  uint8_t unknown; /* 1: releases / asks about a pointer that is not live */
  uint8_t reborn;  /* 1: the result was already live (a free went unrecorded) */
} mmb_trace_ev;

typedef struct mmb_trace_thread {
  uint32_t image, number; /* as recorded */
  uint64_t ostid;         /* from THREAD_START (0 = none recorded) */
  uint64_t calls;         /* allocator calls */
  int started, exited;    /* THREAD_START / THREAD_EXIT seen */
} mmb_trace_thread;

typedef struct mmb_trace {
  uint32_t version, images;
  uint64_t pid, ppid, start_ns;
  uint64_t file_bytes, chunks;
  mmb_trace_ev *ev; /* sorted by key */
  size_t nev;
  mmb_trace_thread *th;
  uint32_t nthreads;
  uint32_t nblocks; /* distinct block identities */
  uint64_t unknown; /* events with unknown = 1 */
  uint64_t reborn;  /* events with reborn = 1 */
  char damage[256]; /* "" or what was cut off / skipped, one line */
} mmb_trace;

/* Load and index a trace held in memory. 0, or -1 with a one-line reason in
 * err (wrong magic, newer version, corrupt chunk...). A file cut short is
 * loaded up to the damage and described in t->damage. */
int mmb_trace_parse(const unsigned char *data, size_t len, mmb_trace *t, char *err, size_t errlen);

/* The same from a file: err names the file. */
int mmb_trace_load(const char *path, mmb_trace *t, char *err, size_t errlen);

void mmb_trace_free(mmb_trace *t);

/* Only the header of the file at path: readable, the magic, a version this
 * reader knows. 0, or -1 with a one-line reason naming the file. */
int mmb_trace_check_header(const char *path, char *err, size_t errlen);

/* Most threads with allocator calls alive at once (a thread lives from its
 * first record to its exit record, or to the end). */
uint32_t mmb_trace_peak_threads(const mmb_trace *t);

/* "malloc", "calloc", ... (aligned: by variant). */
const char *mmb_trace_op_name(int op, int variant);

/* 1 when ev is an allocator call (not a thread / fork event). */
static inline int mmb_trace_is_call(const mmb_trace_ev *e) {
  return e->op >= MMB_TOP_MALLOC && e->op <= MMB_TOP_USABLE;
}

#endif
