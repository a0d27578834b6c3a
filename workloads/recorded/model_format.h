/* mmbench — allocation models: a small text summary of a trace that the
 * `empirical` workload turns back into a seeded stream of allocator calls.
 *
 * `mmbench trace model` (bench/trace/model.c) fills an mmb_model from a trace
 * and writes it with mmb_model_write; the workload reads it with
 * mmb_model_load. Per size class (powers of two, as `trace info` buckets
 * them): allocations and bytes, the commonest exact sizes, how the blocks
 * were born (calloc, aligned, realloc) and how they ended (free, realloc,
 * free by another thread), and the lifetime distribution as quantiles, in
 * allocations (per 64th of the run by birth, with the shares never
 * freed and freed after the last birth) and in bytes allocated meanwhile; for a class of at most
 * MMB_MODEL_RARE births, every birth itself (when, its size, its lifetime), which the workload
 * replays at its place instead of drawing; per class and phase whose lifetimes sit mostly on a
 * few exact values, those values and their counts (format 3), which the workload deals out
 * evenly rather than at random; per class whose blocks are reallocated, the commonest ratios of
 * the new size to the old (format 4), which the workload applies to the block it reallocates. For
 * the run: totals, peak
 * live bytes, alignments, per-thread counts, and a live-heap profile. The layout is documented in
 * results/README.md ("Model files"). */
#ifndef MMB_MODEL_FORMAT_H
#define MMB_MODEL_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MMB_MODEL_VERSION 4
#define MMB_MODEL_NQ 15                 /* lifetime quantile points (mmb_model_q) */
#define MMB_MODEL_PHASES 64             /* lifetimes by 64th of the run (birth) */
#define MMB_MODEL_RARE 16               /* classes of at most this many births: each listed */
#define MMB_MODEL_NLIVES 8              /* exact lifetimes kept per class and phase */
#define MMB_MODEL_NPROFILE 32           /* live-heap profile points */
#define MMB_MODEL_NSIZES 8              /* exact sizes kept per class */
#define MMB_MODEL_NRATIOS 8             /* realloc new/old ratios kept per class */
#define MMB_MODEL_MAX_CLASSES 48        /* size classes: [2^(k-1), 2^k - 1] */
#define MMB_MODEL_MAX_ALIGNS 24         /* distinct alignments */
#define MMB_MODEL_MAX_THREADS 256       /* threads listed */
#define MMB_MODEL_MAX_ALIGN 65536       /* largest alignment the workload serves */
#define MMB_MODEL_MAX_SIZE (1ull << 30) /* largest block the workload serves */

extern const double mmb_model_q[MMB_MODEL_NQ]; /* 0, 0.01, 0.05, 0.1 ... 0.9, 0.95, 0.99, 1 */

typedef struct mmb_model_phase {
  uint64_t allocs;           /* births of the class in this phase */
  double never;              /* share of them never freed (live at the end) */
  double end;                /* share of them freed after the run's last birth */
  double life[MMB_MODEL_NQ]; /* lifetime quantiles of the freed ones, in allocations */
  /* format 3: when the freed ones' lifetimes sit mostly on a few exact values
   * (nlives > 0), those values and their counts, and the quantiles of the rest */
  int nlives;                         /* 0: none listed (draw from life) */
  uint64_t lives[MMB_MODEL_NLIVES];   /* exact lifetimes in births, going up */
  uint64_t lives_n[MMB_MODEL_NLIVES]; /* freed ones with each */
  uint64_t lives_other;               /* freed ones with another lifetime */
  double rest[MMB_MODEL_NQ];          /* their lifetime quantiles (when lives_other > 0) */
} mmb_model_phase;

#define MMB_MODEL_LIFE_NEVER UINT64_MAX     /* a rare birth never freed */
#define MMB_MODEL_LIFE_END (UINT64_MAX - 1) /* a rare birth freed after the last birth */

typedef struct mmb_model_rare {
  uint64_t at;   /* births before it in the run (0 .. allocations - 1) */
  uint64_t size; /* bytes requested */
  uint64_t life; /* lifetime in births, or MMB_MODEL_LIFE_NEVER / _END */
} mmb_model_rare;

typedef struct mmb_model_class {
  uint64_t lo, hi;                     /* sizes [lo, hi] bytes */
  uint64_t allocs, bytes;              /* births, bytes requested */
  int nsizes;                          /* exact sizes kept */
  uint64_t size[MMB_MODEL_NSIZES];     /* the commonest sizes */
  uint64_t size_n[MMB_MODEL_NSIZES];   /* their births */
  uint64_t other_n;                    /* births of other sizes (drawn uniform in [lo, hi]) */
  uint64_t calloc_n, aligned_n;        /* births by calloc, by an aligned call */
  uint64_t realloc_n;                  /* births by realloc of a live block */
  uint64_t frees, realloc_out, remote; /* ends: free, realloc, free by another thread */
  /* format 4: of the realloc_out, the commonest ratios new size / old size
   * (nratios may be 0), their counts, and the count of the others; of the
   * blocks born by a realloc, how many ended (freed or reallocated) and how
   * many of those by a realloc (a chain of reallocs) */
  int resized; /* 1: the above were in the model (format 4, a class with reallocs) */
  int nratios;
  double ratio[MMB_MODEL_NRATIOS];     /* going up */
  uint64_t ratio_n[MMB_MODEL_NRATIOS]; /* reallocs with each */
  uint64_t ratio_other;                /* reallocs with another ratio */
  uint64_t reborn_ends, chained;       /* ends of blocks born by realloc; of them by realloc */
  double median_allocs, median_bytes;  /* lifetime medians (all phases) */
  double life_bytes[MMB_MODEL_NQ];     /* lifetime quantiles, bytes allocated meanwhile */
  mmb_model_phase ph[MMB_MODEL_PHASES];
  int nrare;                           /* 0, or allocs (<= MMB_MODEL_RARE): births listed */
  mmb_model_rare rare[MMB_MODEL_RARE]; /* in order of birth */
} mmb_model_class;

typedef struct mmb_model_thread {
  uint64_t allocs, frees, remote; /* births, frees, frees of another thread's block */
} mmb_model_thread;

typedef struct mmb_model {
  int version;
  char source[256];             /* the trace it was made from (as named) */
  uint64_t allocations;         /* births in all (the run's length) */
  uint64_t allocated_bytes;     /* bytes requested in all */
  uint64_t peak_live_bytes;     /* live-heap peak, bytes */
  uint64_t peak_live_blocks;    /* live blocks at that peak */
  uint64_t live_at_end;         /* blocks never freed */
  uint64_t calloc_n, aligned_n; /* births by calloc, by aligned calls */
  uint64_t realloc_n;           /* births by realloc of a live block */
  uint64_t frees, remote;       /* frees; of them by another thread */
  int naligns;
  uint64_t align[MMB_MODEL_MAX_ALIGNS], align_n[MMB_MODEL_MAX_ALIGNS];
  int nthreads;
  mmb_model_thread th[MMB_MODEL_MAX_THREADS];
  int nprofile;
  uint64_t prof_at[MMB_MODEL_NPROFILE];     /* births done */
  uint64_t prof_bytes[MMB_MODEL_NPROFILE];  /* live bytes then */
  uint64_t prof_blocks[MMB_MODEL_NPROFILE]; /* live blocks then */
  int nclasses;
  mmb_model_class cls[MMB_MODEL_MAX_CLASSES];
} mmb_model;

/* Write m as text. 0, or -1 when the stream failed. */
int mmb_model_write(const mmb_model *m, FILE *out);

/* Read a model from text (name: for messages). 0, or -1 with a one-line
 * message "NAME:LINE: what is wrong (what would be right)" in err. */
int mmb_model_parse(const char *text, const char *name, mmb_model *m, char *err, size_t errlen);

/* The same from a file. */
int mmb_model_load(const char *path, mmb_model *m, char *err, size_t errlen);

/* Size class index of a size: 0 for 0 bytes, k for [2^(k-1), 2^k - 1]. */
static inline int mmb_model_class_of(uint64_t size) {
  int b = 0;
  while (size && b < MMB_MODEL_MAX_CLASSES - 1) size >>= 1, b++;
  return b;
}

/* Quantile u (0..1) of a table of MMB_MODEL_NQ values, linear between points. */
double mmb_model_quantile(const double *table, double u);

#endif
