/* mmbench — family 'alignment': what alignment costs and what it buys.
 *
 * aligned-alloc  aligned_alloc / posix_memalign churn at one alignment
 *                (16 B ... 4 KiB, 2 MiB) with sizes 1x..4x the alignment,
 *                a window of live blocks: ns per alloc+free, RSS / live.
 * access         8-byte loads and stores at aligned, misaligned-in-a-line,
 *                line-splitting and page-splitting addresses: ns per access.
 * stride         one read-modify-write per block over many blocks placed at
 *                a 4 KiB stride, a staggered stride, or by malloc.
 * struct-layout  traversal of an array of structs whose fields are in a
 *                padding-heavy order, reordered, or packed. */
#include <stdlib.h>

#include "wl_util.h"

#define NOINLINE __attribute__((noinline))

enum { AL_OK = 0, AL_NULL, AL_MISALIGNED, AL_PATTERN, AL_SUM };

static uint64_t al_split(uint64_t total, int tid, int threads) {
  return (uint64_t)((__uint128_t)total * (uint64_t)tid / (uint64_t)threads);
}

static uint64_t al_key(uint64_t seed, uint64_t salt) {
  uint64_t x = seed ^ salt;
  return mmb_splitmix64(&x);
}

static int al_pow2(uint64_t x) { return x && !(x & (x - 1)); }

/* One 8-byte load / store of exactly one instruction at any address, which
 * the compiler may neither merge, hoist nor drop (and which is not a C access
 * through a misaligned pointer, so UBSan has nothing to say about it). */
static inline uint64_t al_ld(const unsigned char *p) {
  uint64_t v;
#if defined(__x86_64__)
  __asm__ volatile("movq (%1), %0" : "=r"(v) : "r"(p) : "memory");
#elif defined(__aarch64__)
  __asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(p) : "memory");
#else
  memcpy(&v, p, 8);
  mmb_escape((void *)p);
#endif
  return v;
}

static inline void al_st(unsigned char *p, uint64_t v) {
#if defined(__x86_64__)
  __asm__ volatile("movq %1, (%0)" : : "r"(p), "r"(v) : "memory");
#elif defined(__aarch64__)
  __asm__ volatile("str %1, [%0]" : : "r"(p), "r"(v) : "memory");
#else
  memcpy(p, &v, 8);
  mmb_escape(p);
#endif
}

static uint64_t rd64(const void *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

static void wr64(void *p, uint64_t v) { memcpy(p, &v, 8); }

/* Per-thread result slot (written only at the end of run or on failure). */
typedef struct al_thread {
  uint64_t sum, ops, peak_live;
  uint64_t tagsum; /* aligned-alloc: sum of the tags of the blocks freed */
  int bad;
  uint64_t bad_at;
  uintptr_t bad_ptr;
  size_t bad_size;
} al_thread;

/* ===========================================================================
 * aligned-alloc
 * ========================================================================= */
enum { AA_P_ALIGN, AA_P_LIVE, AA_P_N };

static const mmb_param aa_params[] = {
    {.name = "align",
     .flags = MMB_PF_BYTES,
     .def = 64,
     .min = 16,
     .max = 2 << 20,
     .help = "alignment in bytes (power of two, 16 ... 2M)"},
    {.name = "live",
     .flags = MMB_PF_BYTES,
     .def = 16 << 20,
     .min = 1,
     .max = 1LL << 36,
     .help = "bytes live per thread: live/(2.5*align) slots (4 .. a quarter of the pairs)"},
    {.name = "n",
     .def = 1200000,
     .min = 1,
     .max = 1LL << 40,
     .flags = MMB_PF_WORK,
     .help = "aligned_alloc+free pairs at align<=4K (larger: n*512/align)"},
    {0},
};

typedef struct aa_state {
  size_t align;
  uint64_t ops, key, window;
  unsigned char **slots; /* window slots per thread, thread after thread */
  al_thread t[MMB_MAX_THREADS];
} aa_state;

/* Work: at 2 MiB alignment a pair costs page faults over up to 8 MiB, some
 * 10^4 times a small pair, hence fewer pairs above 4 KiB. */
static uint64_t aa_ops(const long long *p) {
  uint64_t n = (uint64_t)p[AA_P_N], a = (uint64_t)p[AA_P_ALIGN];
  uint64_t k = a <= 4096 ? n : (uint64_t)((__uint128_t)n * 512 / a);
  return k ? k : 1;
}

/* Slots per thread: live / mean size, but at most a quarter of the thread's
 * pairs, so that scaled-down runs still churn rather than only fill and
 * drain (live_bytes reports what was really live). */
static uint64_t aa_window(const long long *p, int threads) {
  uint64_t w = (uint64_t)p[AA_P_LIVE] * 2 / (5 * (uint64_t)p[AA_P_ALIGN]);
  uint64_t cap = aa_ops(p) / (uint64_t)threads / 4;
  if (w > cap) w = cap;
  return w < 4 ? 4 : w;
}

/* Request i: size uniform in [align, 4*align], a multiple of 8. */
static size_t aa_size(const aa_state *s, uint64_t i) {
  uint64_t h = mmb_pattern_word(s->key, i);
  return s->align + 8 * (size_t)(h % (3 * s->align / 8 + 1));
}

/* Block i holds i in its first word (so a slot is just a pointer: the slot
 * table is RSS too, and at align 16 it would otherwise rival the blocks),
 * and a pattern word of i in its last word and in one word per 4 KiB page.
 * A full fill would dominate the cost at 2 MiB alignment (sizes up to
 * 8 MiB); touching every page keeps RSS meaningful (every page a block spans
 * becomes resident), and the end words catch overlapping blocks. */
static void aa_touch(unsigned char *p, size_t size, uint64_t tag) {
  wr64(p, tag);
  for (size_t off = 4096; off + 8 < size; off += 4096) wr64(p + off, mmb_pattern_word(tag, off));
  wr64(p + size - 8, mmb_pattern_word(tag, size));
}

/* The block's tag when it is intact (a tag in [lo, hi) and every pattern
 * word in place), else UINT64_MAX. */
static uint64_t aa_check(const aa_state *s, const unsigned char *p, uint64_t lo, uint64_t hi,
                         size_t *size) {
  uint64_t tag = rd64(p);
  if (tag < lo || tag >= hi) return UINT64_MAX;
  *size = aa_size(s, tag);
  for (size_t off = 4096; off + 8 < *size; off += 4096)
    if (rd64(p + off) != mmb_pattern_word(tag, off)) return UINT64_MAX;
  return rd64(p + *size - 8) == mmb_pattern_word(tag, *size) ? tag : UINT64_MAX;
}

static int aa_setup(mmb_ctx *ctx) {
  uint64_t align = (uint64_t)ctx->p[AA_P_ALIGN];
  if (!al_pow2(align)) {
    snprintf(ctx->reason, sizeof ctx->reason,
             "aligned-alloc: align must be a power of two, not %llu", (unsigned long long)align);
    return -1;
  }
  aa_state *s = calloc(1, sizeof *s);
  if (!s) return -1;
  ctx->state = s;
  s->align = (size_t)align;
  s->ops = aa_ops(ctx->p);
  s->key = al_key(ctx->seed, 0xa119);
  s->window = aa_window(ctx->p, ctx->threads);
  s->slots = calloc(s->window * (uint64_t)ctx->threads, sizeof *s->slots);
  if (!s->slots) {
    snprintf(ctx->reason, sizeof ctx->reason, "aligned-alloc: no memory for %llu slots",
             (unsigned long long)s->window);
    return -1;
  }
  return 0;
}

static uint64_t aa_run(mmb_ctx *ctx, int tid) {
  aa_state *s = ctx->state;
  al_thread *t = &s->t[tid];
  const mmb_allocator *a = ctx->alloc;
  const size_t align = s->align;
  const uint64_t window = s->window;
  unsigned char **slots = s->slots + window * (uint64_t)tid;
  uint64_t lo = al_split(s->ops, tid, ctx->threads), hi = al_split(s->ops, tid + 1, ctx->threads);
  uint64_t filled = 0, live = 0, peak = 0, sum = 0, tagsum = 0, i;
  size_t size;
  mmb_rng r;
  mmb_rng_seed(&r, ctx->seed, (uint64_t)tid);
  for (i = lo; i < hi; i++) {
    uint64_t k;
    if (filled < window) {
      k = filled++;
    } else {
      k = mmb_rng_below(&r, window);
      unsigned char *o = slots[k];
      uint64_t tag = aa_check(s, o, lo, i, &size);
      if (tag == UINT64_MAX) {
        t->bad = AL_PATTERN, t->bad_at = k;
        break;
      }
      sum += rd64(o + size - 8);
      tagsum += tag;
      live -= size;
      a->free(o, size);
      slots[k] = NULL;
    }
    size = aa_size(s, i);
    unsigned char *p = a->aligned_alloc(align, size);
    if (!p) {
      t->bad = AL_NULL, t->bad_at = i, t->bad_size = size;
      break;
    }
    if ((uintptr_t)p & (align - 1)) {
      t->bad = AL_MISALIGNED, t->bad_at = i, t->bad_ptr = (uintptr_t)p, t->bad_size = size;
      a->free(p, size);
      break;
    }
    aa_touch(p, size, i);
    slots[k] = p;
    live += size;
    if (live > peak) peak = live;
  }
  /* drain: every block still live is checked and freed */
  for (uint64_t k = 0; k < filled; k++) {
    unsigned char *o = slots[k];
    if (!o) continue;
    uint64_t tag = aa_check(s, o, lo, i, &size);
    if (tag == UINT64_MAX) {
      if (!t->bad) t->bad = AL_PATTERN, t->bad_at = k;
      continue; /* its size is unknown: leave it */
    }
    sum += rd64(o + size - 8);
    tagsum += tag;
    a->free(o, size);
    slots[k] = NULL;
  }
  t->sum = sum;
  t->tagsum = tagsum;
  t->ops = i - lo;
  t->peak_live = peak;
  return t->ops;
}

static int al_thread_reason(mmb_ctx *ctx, const char *w, int tid, const al_thread *t,
                            const char *call, size_t align) {
  switch (t->bad) {
  case AL_NULL:
    if (align)
      snprintf(ctx->reason, sizeof ctx->reason, "%s: thread %d: %s(%zu, %zu) returned NULL", w, tid,
               call, align, t->bad_size);
    else
      snprintf(ctx->reason, sizeof ctx->reason, "%s: thread %d: %s(%zu) returned NULL", w, tid,
               call, t->bad_size);
    break;
  case AL_MISALIGNED:
    snprintf(ctx->reason, sizeof ctx->reason,
             "%s: thread %d: %s(%zu, %zu) returned %#lx, not %zu-aligned", w, tid, call, align,
             t->bad_size, (unsigned long)t->bad_ptr, align);
    break;
  case AL_PATTERN:
    snprintf(ctx->reason, sizeof ctx->reason,
             "%s: thread %d: a block changed while live (slot / block %llu)", w, tid,
             (unsigned long long)t->bad_at);
    break;
  default:
    snprintf(ctx->reason, sizeof ctx->reason, "%s: thread %d: wrong values read back", w, tid);
    break;
  }
  return -1;
}

static int aa_verify(mmb_ctx *ctx) {
  aa_state *s = ctx->state;
  uint64_t total = 0, ops = 0, live = 0;
  for (int i = 0; i < ctx->threads; i++) {
    const al_thread *t = &s->t[i];
    if (t->bad) return al_thread_reason(ctx, "aligned-alloc", i, t, "aligned_alloc", s->align);
    /* every tag allocated was freed exactly once: a block handed out twice
     * shows up as one tag read twice and another never */
    uint64_t lo = al_split(s->ops, i, ctx->threads), k = t->ops;
    uint64_t tri = (k % 2 == 0) ? (k / 2) * (k - 1) : k * ((k - 1) / 2);
    if (t->tagsum != k * lo + tri) {
      snprintf(ctx->reason, sizeof ctx->reason,
               "aligned-alloc: thread %d: blocks overlapped (a live block was handed out again)",
               i);
      return -1;
    }
    total += t->sum;
    ops += t->ops;
    live += t->peak_live;
  }
  ctx->live_bytes = live; /* sum of the per-thread peaks of requested bytes */
  ctx->checksum = mmb_mix(mmb_mix(0, total), ops);
  return 0;
}

static void aa_teardown(mmb_ctx *ctx) {
  aa_state *s = ctx->state;
  if (!s) return;
  free(s->slots);
  free(s);
  ctx->state = NULL;
}

static uint64_t aa_deferred(const long long *p, int threads) {
  /* sizes are at most 4x align; the window fill is part of the ops */
  (void)threads;
  return aa_ops(p) * 4 * (uint64_t)p[AA_P_ALIGN];
}

static const mmb_workload wl_aligned_alloc = {
    .name = "aligned-alloc",
    .family = "alignment",
    .description = "aligned_alloc+free churn over a window of live blocks, sizes 1x-4x the "
                   "alignment: ns per pair and RSS / live bytes",
    .follows = "",
    .params = aa_params,
    .needs = MMB_CAP_ALIGNED,
    .min_threads = 1,
    .sweep = "align=16,64,4096,2097152",
    .deferred_bytes = aa_deferred,
    .setup = aa_setup,
    .run = aa_run,
    .verify = aa_verify,
    .teardown = aa_teardown,
};

/* ===========================================================================
 * access
 *
 * Each thread owns a 10-page buffer from aligned_alloc(4096). Four load
 * addresses at the same offset in pages 0-3 and four store addresses at that
 * offset in pages 5-8; a round is 4 loads then 4 stores (8 accesses). The
 * variant only moves that offset: 4032 (start of the page's last line),
 * 4033 (misaligned, inside the line), 4028 (straddles lines 62/63) or 4092
 * (straddles the page). All variants thus touch the same lines in the same
 * cache sets and see the same 4K aliasing between loads and stores; only the
 * split differs. Loads never read what a recent store wrote, so store-to-load
 * forwarding plays no part.
 * ========================================================================= */
static const char *const acc_variants[] = {"aligned", "misaligned", "line-split", "page-split",
                                           NULL};
static const size_t acc_offset[] = {4032, 4033, 4028, 4092};
enum { ACC_P_VARIANT, ACC_P_N };
#define ACC_PAGES 10
#define ACC_BYTES (ACC_PAGES * 4096)

static const mmb_param acc_params[] = {
    {.name = "variant",
     .type = MMB_P_ENUM,
     .def = 0,
     .choices = acc_variants,
     .help = "8-byte accesses aligned | inside a line | across lines | across pages"},
    {.name = "n",
     .def = 1000000000,
     .min = 8,
     .max = 1LL << 44,
     .flags = MMB_PF_WORK,
     .help = "accesses in all, half loads, half stores (page-split: n/16)"},
    {0},
};

typedef struct acc_state {
  size_t off;
  uint64_t rounds, key, expect; /* expect: sum of the 4 loads of a round */
  unsigned char *buf[MMB_MAX_THREADS];
  al_thread t[MMB_MAX_THREADS];
} acc_state;

static int acc_setup(mmb_ctx *ctx) {
  acc_state *s = calloc(1, sizeof *s);
  if (!s) return -1;
  ctx->state = s;
  s->off = acc_offset[ctx->p[ACC_P_VARIANT]];
  /* a page-splitting store costs 20-40 aligned ones (8 ns here): a 16th of
   * the accesses keeps that cell as long as the others */
  s->rounds = (uint64_t)ctx->p[ACC_P_N] / (ctx->p[ACC_P_VARIANT] == 3 ? 128 : 8);
  if (!s->rounds) s->rounds = 1;
  s->key = al_key(ctx->seed, 0xacce55);
  for (int i = 0; i < ctx->threads; i++) {
    unsigned char *b = ctx->alloc->aligned_alloc(4096, ACC_BYTES);
    al_thread *t = &s->t[i];
    if (!b) {
      t->bad = AL_NULL, t->bad_size = ACC_BYTES;
      continue;
    }
    s->buf[i] = b;
    if ((uintptr_t)b & 4095) {
      t->bad = AL_MISALIGNED, t->bad_ptr = (uintptr_t)b, t->bad_size = ACC_BYTES;
      continue;
    }
    mmb_pattern_fill(b, ACC_BYTES, s->key);
  }
  unsigned char ref[ACC_BYTES];
  mmb_pattern_fill(ref, ACC_BYTES, s->key);
  for (int pg = 0; pg < 4; pg++) s->expect += rd64(ref + pg * 4096 + s->off);
  ctx->live_bytes = (uint64_t)ACC_BYTES * (uint64_t)ctx->threads;
  return 0;
}

static NOINLINE uint64_t acc_loop(unsigned char *b, size_t off, uint64_t lo, uint64_t hi,
                                  uint64_t key) {
  unsigned char *l0 = b + off, *l1 = l0 + 4096, *l2 = l0 + 2 * 4096, *l3 = l0 + 3 * 4096;
  unsigned char *s0 = l0 + 5 * 4096, *s1 = s0 + 4096, *s2 = s0 + 2 * 4096, *s3 = s0 + 3 * 4096;
  uint64_t sum = 0;
  for (uint64_t r = lo; r < hi; r++) {
    uint64_t v0 = al_ld(l0), v1 = al_ld(l1), v2 = al_ld(l2), v3 = al_ld(l3);
    sum += (v0 + v1) + (v2 + v3);
    uint64_t w = key + r;
    al_st(s0, w);
    al_st(s1, w + 1);
    al_st(s2, w + 2);
    al_st(s3, w + 3);
  }
  return sum;
}

static uint64_t acc_run(mmb_ctx *ctx, int tid) {
  acc_state *s = ctx->state;
  al_thread *t = &s->t[tid];
  if (t->bad) return 0;
  uint64_t lo = al_split(s->rounds, tid, ctx->threads);
  uint64_t hi = al_split(s->rounds, tid + 1, ctx->threads);
  t->sum = acc_loop(s->buf[tid], s->off, lo, hi, s->key);
  t->ops = 8 * (hi - lo);
  return t->ops;
}

static int acc_verify(mmb_ctx *ctx) {
  acc_state *s = ctx->state;
  uint64_t total = 0;
  unsigned char ref[ACC_BYTES];
  for (int i = 0; i < ctx->threads; i++) {
    al_thread *t = &s->t[i];
    if (t->bad) return al_thread_reason(ctx, "access", i, t, "aligned_alloc", 4096);
    uint64_t lo = al_split(s->rounds, i, ctx->threads);
    uint64_t hi = al_split(s->rounds, i + 1, ctx->threads);
    if (t->sum != (hi - lo) * s->expect) {
      t->bad = AL_SUM;
      return al_thread_reason(ctx, "access", i, t, "", 0);
    }
    /* the whole buffer: pattern everywhere except the 4 stored words */
    mmb_pattern_fill(ref, ACC_BYTES, s->key);
    if (hi > lo)
      for (int q = 0; q < 4; q++)
        wr64(ref + (5 + q) * 4096 + s->off, s->key + (hi - 1) + (uint64_t)q);
    if (memcmp(ref, s->buf[i], ACC_BYTES) != 0) {
      snprintf(ctx->reason, sizeof ctx->reason, "access: thread %d: buffer contents changed", i);
      return -1;
    }
    total += t->sum;
  }
  ctx->checksum = mmb_mix(mmb_mix(0, total), s->rounds);
  return 0;
}

static void acc_teardown(mmb_ctx *ctx) {
  acc_state *s = ctx->state;
  if (!s) return;
  for (int i = 0; i < ctx->threads; i++)
    if (s->buf[i]) ctx->alloc->free(s->buf[i], ACC_BYTES);
  free(s);
  ctx->state = NULL;
}

static uint64_t acc_deferred(const long long *p, int threads) {
  (void)p;
  return (uint64_t)ACC_BYTES * (uint64_t)threads;
}

/* access and struct-layout allocate in setup only; stride's fixed layouts
 * too (only variant=malloc lets the allocator place the blocks). */
static int never_uses_allocator(const long long *p) {
  (void)p;
  return 0;
}

static const mmb_workload wl_access = {
    .name = "access",
    .family = "alignment",
    .description = "8-byte loads and stores at aligned, misaligned-in-a-line, line-splitting and "
                   "page-splitting addresses: ns per access",
    .follows = "",
    .params = acc_params,
    .needs = MMB_CAP_ALIGNED,
    .min_threads = 1,
    .sweep = "variant=aligned,misaligned,line-split,page-split",
    .uses_allocator = never_uses_allocator,
    .deferred_bytes = acc_deferred,
    .setup = acc_setup,
    .run = acc_run,
    .verify = acc_verify,
    .teardown = acc_teardown,
};

/* ===========================================================================
 * stride
 *
 * B blocks of S bytes per thread, each filled with its pattern in setup. A
 * round does one 8-byte read-modify-write at the start of every block. At a
 * 4096-byte stride the B lines fall into one L1 set (conflict misses once B
 * exceeds the ways) and a store and the next block's load share address bits
 * 0-11 (4K aliasing); a stride of 4096+64 spreads them over the sets. The
 * malloc variant lets the allocator under test place the blocks.
 * ========================================================================= */
static const char *const st_variants[] = {"4k", "staggered", "malloc", NULL};
enum { ST_4K, ST_STAGGERED, ST_MALLOC };
enum { ST_P_VARIANT, ST_P_BLOCKS, ST_P_SIZE, ST_P_N };

static const mmb_param st_params[] = {
    {.name = "variant",
     .type = MMB_P_ENUM,
     .def = ST_4K,
     .choices = st_variants,
     .help = "blocks at stride 4096*k | 4096*k+64 | wherever malloc puts them"},
    {.name = "blocks", .def = 64, .min = 2, .max = 1 << 20, .help = "blocks per thread"},
    {.name = "size",
     .flags = MMB_PF_BYTES,
     .def = 4096,
     .min = 64,
     .max = 1 << 20,
     .help = "bytes per block (multiple of 8; stride = size rounded up to 4096 [+64])"},
    {.name = "n",
     .def = 200000000,
     .min = 1,
     .max = 1LL << 44,
     .flags = MMB_PF_WORK,
     .help = "block accesses (read-modify-write of one word) in all"},
    {0},
};

typedef struct st_thread {
  unsigned char *region; /* 4k / staggered: one aligned block holding all */
  size_t region_bytes;
  unsigned char **blk;
} st_thread;

typedef struct st_state {
  int variant;
  size_t size, stride;
  uint64_t blocks, rounds, key;
  st_thread th[MMB_MAX_THREADS];
  al_thread t[MMB_MAX_THREADS];
} st_state;

static int st_setup(mmb_ctx *ctx) {
  size_t size = (size_t)ctx->p[ST_P_SIZE];
  if (size % 8) {
    snprintf(ctx->reason, sizeof ctx->reason, "stride: size must be a multiple of 8, not %zu",
             size);
    return -1;
  }
  st_state *s = calloc(1, sizeof *s);
  if (!s) return -1;
  ctx->state = s;
  s->variant = (int)ctx->p[ST_P_VARIANT];
  s->size = size;
  s->blocks = (uint64_t)ctx->p[ST_P_BLOCKS];
  s->rounds = (uint64_t)ctx->p[ST_P_N] / s->blocks;
  if (!s->rounds) s->rounds = 1;
  s->key = al_key(ctx->seed, 0x5791de);
  s->stride = (size + 4095) / 4096 * 4096 + (s->variant == ST_STAGGERED ? 64 : 0);
  const mmb_allocator *a = ctx->alloc;
  for (int i = 0; i < ctx->threads; i++) {
    st_thread *h = &s->th[i];
    al_thread *t = &s->t[i];
    h->blk = calloc(s->blocks, sizeof *h->blk);
    if (!h->blk) {
      snprintf(ctx->reason, sizeof ctx->reason, "stride: no memory for the block table");
      return -1;
    }
    if (s->variant != ST_MALLOC) {
      h->region_bytes = s->blocks * s->stride;
      h->region = a->aligned_alloc(4096, h->region_bytes);
      if (!h->region) {
        t->bad = AL_NULL, t->bad_size = h->region_bytes;
        continue;
      }
      if ((uintptr_t)h->region & 4095) {
        t->bad = AL_MISALIGNED, t->bad_ptr = (uintptr_t)h->region, t->bad_size = h->region_bytes;
        continue;
      }
      for (uint64_t b = 0; b < s->blocks; b++) h->blk[b] = h->region + b * s->stride;
    } else {
      for (uint64_t b = 0; b < s->blocks; b++) {
        h->blk[b] = a->malloc(size);
        if (!h->blk[b]) {
          t->bad = AL_NULL, t->bad_size = size;
          break;
        }
      }
      if (t->bad) continue;
    }
    /* every block filled with the pattern of its index (the same in every
     * thread, so the checksum does not depend on the thread count) */
    for (uint64_t b = 0; b < s->blocks; b++) mmb_pattern_fill(h->blk[b], size, s->key + b);
  }
  ctx->live_bytes = s->blocks * size * (uint64_t)ctx->threads;
  return 0;
}

static NOINLINE void st_loop(unsigned char *const *blk, uint64_t blocks, uint64_t rounds) {
  for (uint64_t r = 0; r < rounds; r++) {
    for (uint64_t b = 0; b < blocks; b++) {
      unsigned char *p = blk[b];
      al_st(p, al_ld(p) + 1);
    }
  }
}

static uint64_t st_run(mmb_ctx *ctx, int tid) {
  st_state *s = ctx->state;
  al_thread *t = &s->t[tid];
  if (t->bad) return 0;
  uint64_t lo = al_split(s->rounds, tid, ctx->threads);
  uint64_t hi = al_split(s->rounds, tid + 1, ctx->threads);
  st_loop(s->th[tid].blk, s->blocks, hi - lo);
  t->ops = (hi - lo) * s->blocks;
  return t->ops;
}

static int st_verify(mmb_ctx *ctx) {
  st_state *s = ctx->state;
  uint64_t incr = 0, pat = 0;
  size_t words = s->size / 8;
  for (int i = 0; i < ctx->threads; i++) {
    al_thread *t = &s->t[i];
    if (t->bad)
      return al_thread_reason(ctx, "stride", i, t,
                              s->variant == ST_MALLOC ? "malloc" : "aligned_alloc",
                              s->variant == ST_MALLOC ? 0 : 4096);
    uint64_t rounds =
        al_split(s->rounds, i + 1, ctx->threads) - al_split(s->rounds, i, ctx->threads);
    for (uint64_t b = 0; b < s->blocks; b++) {
      const unsigned char *p = s->th[i].blk[b];
      uint64_t tag = s->key + b;
      uint64_t w0 = rd64(p);
      int ok = w0 - mmb_pattern_word(tag, 0) == rounds;
      for (size_t j = 1; ok && j < words; j++) ok = rd64(p + 8 * j) == mmb_pattern_word(tag, j);
      if (!ok) {
        snprintf(ctx->reason, sizeof ctx->reason,
                 "stride: thread %d: block %llu does not hold its pattern (overlapping blocks?)", i,
                 (unsigned long long)b);
        return -1;
      }
      incr += w0 - mmb_pattern_word(tag, 0);
      if (i == 0) pat = mmb_mix(pat, rd64(p + 8 * (words - 1)));
    }
  }
  ctx->checksum = mmb_mix(mmb_mix(pat, incr), s->blocks);
  return 0;
}

static void st_teardown(mmb_ctx *ctx) {
  st_state *s = ctx->state;
  if (!s) return;
  for (int i = 0; i < ctx->threads; i++) {
    st_thread *h = &s->th[i];
    if (h->region) {
      ctx->alloc->free(h->region, h->region_bytes);
    } else if (h->blk) {
      for (uint64_t b = 0; b < s->blocks; b++)
        if (h->blk[b]) ctx->alloc->free(h->blk[b], s->size);
    }
    free(h->blk);
  }
  free(s);
  ctx->state = NULL;
}

static uint64_t st_deferred(const long long *p, int threads) {
  uint64_t stride = ((uint64_t)p[ST_P_SIZE] + 4095) / 4096 * 4096 + 64;
  return (uint64_t)p[ST_P_BLOCKS] * stride * (uint64_t)threads;
}

static int st_uses_allocator(const long long *p) { return p[ST_P_VARIANT] == ST_MALLOC; }

static const mmb_workload wl_stride = {
    .name = "stride",
    .family = "alignment",
    .description = "one read-modify-write per block over many blocks at a 4 KiB stride, a "
                   "staggered stride, or placed by malloc (4K aliasing, set conflicts)",
    .follows = "",
    .params = st_params,
    .needs = MMB_CAP_ALIGNED,
    .min_threads = 1,
    .sweep = "variant=4k,staggered,malloc",
    .uses_allocator = st_uses_allocator,
    .deferred_bytes = st_deferred,
    .setup = st_setup,
    .run = st_run,
    .verify = st_verify,
    .teardown = st_teardown,
};

/* ===========================================================================
 * struct-layout
 *
 * The same eight fields (three u64, a u32, a u16, three u8) in three layouts:
 * declaration order with padding after every small field (56 B), largest
 * first (40 B), and the first order packed (33 B, u64 fields misaligned).
 * Every layout holds the same values, so the checksum is the same for all.
 * ctx->live_bytes = elems x bytes per element.
 * ========================================================================= */
static const char *const sl_variants[] = {"padded", "reordered", "packed", NULL};
enum { SL_PADDED, SL_REORDERED, SL_PACKED };
enum { SL_P_VARIANT, SL_P_ELEMS, SL_P_PASSES };

static const mmb_param sl_params[] = {
    {.name = "variant",
     .type = MMB_P_ENUM,
     .def = SL_PADDED,
     .choices = sl_variants,
     .help = "field order: padding-heavy (56 B) | largest first (40 B) | packed (33 B)"},
    {.name = "elems", .def = 1 << 20, .min = 1, .max = 1 << 28, .help = "array elements"},
    {.name = "passes",
     .def = 60,
     .min = 1,
     .max = 1LL << 30,
     .flags = MMB_PF_WORK,
     .help = "traversals of the whole array"},
    {0},
};

#define SL_FIELDS_PADDED                                                                           \
  uint8_t flag;                                                                                    \
  uint64_t a;                                                                                      \
  uint8_t kind;                                                                                    \
  uint64_t b;                                                                                      \
  uint16_t count;                                                                                  \
  uint64_t c;                                                                                      \
  uint8_t mark;                                                                                    \
  uint32_t val;

typedef struct sl_padded {
  SL_FIELDS_PADDED
} sl_padded;

typedef struct sl_reordered {
  uint64_t a, b, c;
  uint32_t val;
  uint16_t count;
  uint8_t flag, kind, mark;
} sl_reordered;

typedef struct __attribute__((packed)) sl_packed {
  SL_FIELDS_PADDED
} sl_packed;

typedef struct sl_state {
  int variant;
  size_t elem_size;
  uint64_t elems, passes, key;
  void *arr;
  al_thread t[MMB_MAX_THREADS];
} sl_state;

static const size_t sl_sizes[] = {sizeof(sl_padded), sizeof(sl_reordered), sizeof(sl_packed)};

/* Field values of element i (and val before any pass). */
#define SL_INIT(e, h)                                                                              \
  do {                                                                                             \
    (e)->a = (h);                                                                                  \
    (e)->b = mmb_rotl((h), 17);                                                                    \
    (e)->c = ~(h);                                                                                 \
    (e)->val = (uint32_t)((h) >> 32);                                                              \
    (e)->count = (uint16_t)((h) >> 16);                                                            \
    (e)->flag = (uint8_t)((h) >> 8);                                                               \
    (e)->kind = (uint8_t)((h) >> 24);                                                              \
    (e)->mark = (uint8_t)((h) >> 56);                                                              \
  } while (0)

#define SL_CHECK(e, h, passes)                                                                     \
  ((e)->a == (h) && (e)->b == mmb_rotl((h), 17) && (e)->c == ~(h) &&                               \
   (e)->val == (uint32_t)((uint32_t)((h) >> 32) + (uint32_t)(passes) * (uint8_t)((h) >> 8)) &&     \
   (e)->count == (uint16_t)((h) >> 16) && (e)->flag == (uint8_t)((h) >> 8) &&                      \
   (e)->kind == (uint8_t)((h) >> 24) && (e)->mark == (uint8_t)((h) >> 56))

/* One traversal of [lo, hi): every field read, val updated. */
#define SL_PASS_FN(T)                                                                              \
  static NOINLINE uint64_t sl_pass_##T(T *e, uint64_t lo, uint64_t hi) {                           \
    uint64_t s = 0;                                                                                \
    for (uint64_t i = lo; i < hi; i++) {                                                           \
      T *x = &e[i];                                                                                \
      s += x->a + x->b * x->kind + (x->c ^ x->count) + x->flag + x->mark + x->val;                 \
      x->val += x->flag;                                                                           \
    }                                                                                              \
    return s;                                                                                      \
  }
SL_PASS_FN(sl_padded)
SL_PASS_FN(sl_reordered)
SL_PASS_FN(sl_packed)

static int sl_setup(mmb_ctx *ctx) {
  sl_state *s = calloc(1, sizeof *s);
  if (!s) return -1;
  ctx->state = s;
  s->variant = (int)ctx->p[SL_P_VARIANT];
  s->elem_size = sl_sizes[s->variant];
  s->elems = (uint64_t)ctx->p[SL_P_ELEMS];
  s->passes = (uint64_t)ctx->p[SL_P_PASSES];
  s->key = al_key(ctx->seed, 0x57c7);
  size_t bytes = s->elems * s->elem_size;
  s->arr = ctx->alloc->malloc(bytes);
  if (!s->arr) {
    s->t[0].bad = AL_NULL, s->t[0].bad_size = bytes;
    return 0;
  }
  for (uint64_t i = 0; i < s->elems; i++) {
    uint64_t h = mmb_pattern_word(s->key, i);
    switch (s->variant) {
    case SL_PADDED: SL_INIT((sl_padded *)s->arr + i, h); break;
    case SL_REORDERED: SL_INIT((sl_reordered *)s->arr + i, h); break;
    default: SL_INIT((sl_packed *)s->arr + i, h); break;
    }
  }
  ctx->live_bytes = bytes; /* elems x bytes per element */
  return 0;
}

static uint64_t sl_run(mmb_ctx *ctx, int tid) {
  sl_state *s = ctx->state;
  al_thread *t = &s->t[tid];
  if (s->t[0].bad) return 0;
  uint64_t lo = al_split(s->elems, tid, ctx->threads);
  uint64_t hi = al_split(s->elems, tid + 1, ctx->threads);
  uint64_t sum = 0;
  for (uint64_t k = 0; k < s->passes; k++) {
    switch (s->variant) {
    case SL_PADDED: sum += sl_pass_sl_padded(s->arr, lo, hi); break;
    case SL_REORDERED: sum += sl_pass_sl_reordered(s->arr, lo, hi); break;
    default: sum += sl_pass_sl_packed(s->arr, lo, hi); break;
    }
  }
  t->sum = sum;
  t->ops = s->passes * (hi - lo);
  return t->ops;
}

static int sl_verify(mmb_ctx *ctx) {
  sl_state *s = ctx->state;
  if (s->t[0].bad) return al_thread_reason(ctx, "struct-layout", 0, &s->t[0], "malloc", 0);
  for (uint64_t i = 0; i < s->elems; i++) {
    uint64_t h = mmb_pattern_word(s->key, i);
    int ok;
    switch (s->variant) {
    case SL_PADDED: ok = SL_CHECK((sl_padded *)s->arr + i, h, s->passes); break;
    case SL_REORDERED: ok = SL_CHECK((sl_reordered *)s->arr + i, h, s->passes); break;
    default: ok = SL_CHECK((sl_packed *)s->arr + i, h, s->passes); break;
    }
    if (!ok) {
      snprintf(ctx->reason, sizeof ctx->reason, "struct-layout: element %llu changed",
               (unsigned long long)i);
      return -1;
    }
  }
  uint64_t total = 0;
  for (int i = 0; i < ctx->threads; i++) total += s->t[i].sum;
  ctx->checksum = mmb_mix(mmb_mix(0, total), s->elems * s->passes);
  return 0;
}

static void sl_teardown(mmb_ctx *ctx) {
  sl_state *s = ctx->state;
  if (!s) return;
  if (s->arr) ctx->alloc->free(s->arr, s->elems * s->elem_size);
  free(s);
  ctx->state = NULL;
}

static uint64_t sl_deferred(const long long *p, int threads) {
  (void)threads;
  return (uint64_t)p[SL_P_ELEMS] * sl_sizes[p[SL_P_VARIANT]];
}

static const mmb_workload wl_struct_layout = {
    .name = "struct-layout",
    .family = "alignment",
    .description = "traverse an array of structs, fields padding-heavy (56 B) vs reordered "
                   "(40 B) vs packed (33 B); live_bytes/elems = bytes per element",
    .follows = "",
    .params = sl_params,
    .min_threads = 1,
    .sweep = "variant=padded,reordered,packed",
    .uses_allocator = never_uses_allocator,
    .deferred_bytes = sl_deferred,
    .setup = sl_setup,
    .run = sl_run,
    .verify = sl_verify,
    .teardown = sl_teardown,
};

const mmb_workload *const mmb_family_alignment[] = {&wl_aligned_alloc, &wl_access, &wl_stride,
                                                    &wl_struct_layout, NULL};
