/* mmbench — the cell key {workload, params, allocator, threads} and a hashed
 * map from keys to dense indices 0..n-1 in insertion order. Used wherever
 * rows are matched to cells: the runner's resume, shards, merge, status, the
 * report's loader and compare. */
#ifndef MMB_CELLMAP_H
#define MMB_CELLMAP_H

#include <stddef.h>

typedef struct mmb_cellmap {
  size_t n;                               /* cells */
  char **workload, **params, **allocator; /* owned copies, [n] */
  int *threads;                           /* [n] */
  size_t *slot;                           /* open-addressing table of index + 1 */
  size_t nslots, cap;
} mmb_cellmap;

/* Append a key (duplicates are kept; find returns the first). Its index
 * (0..n-1), or -ENOMEM. NULL strings count as "". */
long mmb_cellmap_add(mmb_cellmap *m, const char *w, const char *p, const char *a, int threads);

/* The index of a key, or -1. */
long mmb_cellmap_find(const mmb_cellmap *m, const char *w, const char *p, const char *a,
                      int threads);

/* The index of a key, added when absent; -ENOMEM. */
long mmb_cellmap_intern(mmb_cellmap *m, const char *w, const char *p, const char *a, int threads);

void mmb_cellmap_free(mmb_cellmap *m);

#endif
