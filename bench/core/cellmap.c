/* mmbench — cell keys and their hashed map (see cellmap.h). */
#include "cellmap.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t fnv(uint64_t h, const void *data, size_t len) {
  const unsigned char *p = data;
  for (size_t i = 0; i < len; i++) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

static uint64_t key_hash(const char *w, const char *p, const char *a, int threads) {
  uint64_t h = 1469598103934665603ull;
  h = fnv(h, w, strlen(w) + 1);
  h = fnv(h, p, strlen(p) + 1);
  h = fnv(h, a, strlen(a) + 1);
  return fnv(h, &threads, sizeof threads);
}

static int same(const mmb_cellmap *m, size_t i, const char *w, const char *p, const char *a,
                int threads) {
  return m->threads[i] == threads && strcmp(m->workload[i], w) == 0 &&
         strcmp(m->params[i], p) == 0 && strcmp(m->allocator[i], a) == 0;
}

/* Insert index i into the table (which has room). */
static void put(mmb_cellmap *m, size_t i) {
  size_t s =
      key_hash(m->workload[i], m->params[i], m->allocator[i], m->threads[i]) & (m->nslots - 1);
  while (m->slot[s]) s = (s + 1) & (m->nslots - 1);
  m->slot[s] = i + 1;
}

/* Keep the table at most half full. 0 or -ENOMEM. */
static int rehash(mmb_cellmap *m, size_t want) {
  if (want * 2 <= m->nslots) return 0;
  size_t ns = m->nslots ? m->nslots : 16;
  while (ns < want * 2) ns *= 2;
  size_t *slot = calloc(ns, sizeof *slot);
  if (!slot) return -ENOMEM;
  free(m->slot);
  m->slot = slot;
  m->nslots = ns;
  for (size_t i = 0; i < m->n; i++) put(m, i);
  return 0;
}

static int grow(mmb_cellmap *m) {
  if (m->n < m->cap) return 0;
  size_t cap = m->cap ? m->cap * 2 : 16;
  char **w = realloc(m->workload, cap * sizeof *w);
  if (!w) return -ENOMEM;
  m->workload = w;
  char **p = realloc(m->params, cap * sizeof *p);
  if (!p) return -ENOMEM;
  m->params = p;
  char **a = realloc(m->allocator, cap * sizeof *a);
  if (!a) return -ENOMEM;
  m->allocator = a;
  int *t = realloc(m->threads, cap * sizeof *t);
  if (!t) return -ENOMEM;
  m->threads = t;
  m->cap = cap;
  return 0;
}

long mmb_cellmap_add(mmb_cellmap *m, const char *w, const char *p, const char *a, int threads) {
  w = w ? w : "", p = p ? p : "", a = a ? a : "";
  if (grow(m) != 0 || rehash(m, m->n + 1) != 0) return -ENOMEM;
  size_t i = m->n;
  m->workload[i] = strdup(w);
  m->params[i] = strdup(p);
  m->allocator[i] = strdup(a);
  if (!m->workload[i] || !m->params[i] || !m->allocator[i]) {
    free(m->workload[i]), free(m->params[i]), free(m->allocator[i]);
    return -ENOMEM;
  }
  m->threads[i] = threads;
  m->n = i + 1;
  put(m, i);
  return (long)i;
}

long mmb_cellmap_find(const mmb_cellmap *m, const char *w, const char *p, const char *a,
                      int threads) {
  if (!m->slot) return -1;
  w = w ? w : "", p = p ? p : "", a = a ? a : "";
  size_t s = key_hash(w, p, a, threads) & (m->nslots - 1);
  long found = -1;
  for (; m->slot[s]; s = (s + 1) & (m->nslots - 1)) {
    size_t i = m->slot[s] - 1;
    if (same(m, i, w, p, a, threads) && (found < 0 || (long)i < found)) found = (long)i;
  }
  return found;
}

long mmb_cellmap_intern(mmb_cellmap *m, const char *w, const char *p, const char *a, int threads) {
  long i = mmb_cellmap_find(m, w, p, a, threads);
  return i >= 0 ? i : mmb_cellmap_add(m, w, p, a, threads);
}

void mmb_cellmap_free(mmb_cellmap *m) {
  for (size_t i = 0; i < m->n; i++) free(m->workload[i]), free(m->params[i]), free(m->allocator[i]);
  free(m->workload), free(m->params), free(m->allocator), free(m->threads), free(m->slot);
  memset(m, 0, sizeof *m);
}
