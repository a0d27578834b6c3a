/* mmbench — shards of a plan (see shard.h). */
#define _GNU_SOURCE
#include "shard.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "files.h"
#include "results.h"
#include "table.h"
#include "xalloc.h"

/* ---------------------------------------------------------------------------
 * Hashing
 * ------------------------------------------------------------------------- */
static uint64_t fnv_init(void) { return 1469598103934665603ull; }

static uint64_t fnv(uint64_t h, const char *p, size_t len) {
  for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
  return h;
}

void mmb_hash_hex(const char *text, size_t len, char out[17]) {
  snprintf(out, 17, "%016llx", (unsigned long long)fnv(fnv_init(), text, len));
}

/* ---------------------------------------------------------------------------
 * Cost and assignment
 * ------------------------------------------------------------------------- */
double mmb_shard_cell_cost(const mmb_plan *plan, int cell) {
  const mmb_cell_plan *c = &plan->cells[cell];
  if (c->skip[0]) return 1;
  double work = 1;
  for (int i = 0; c->w->params[i].name && i < MMB_MAX_PARAMS; i++) {
    const mmb_param *p = &c->w->params[i];
    if (p->type != MMB_P_INT || !(p->flags & MMB_PF_WORK)) continue;
    double v = (double)(c->pv.v[i] > 0 ? c->pv.v[i] : 1), d = (double)(p->def > 0 ? p->def : 1);
    work *= v / d;
  }
  /* a fixed part per repetition: the fresh process, the probe of its result */
  return plan->reps * (1.0 + 10.0 * work * c->threads);
}

typedef struct load_item {
  double load;
  int shard;
} load_item;

static int lighter(const load_item *a, const load_item *b) {
  return a->load < b->load || (a->load == b->load && a->shard < b->shard);
}

static void heap_down(load_item *h, int n, int i) {
  for (;;) {
    int l = 2 * i + 1, r = l + 1, m = i;
    if (l < n && lighter(&h[l], &h[m])) m = l;
    if (r < n && lighter(&h[r], &h[m])) m = r;
    if (m == i) return;
    load_item t = h[i];
    h[i] = h[m], h[m] = t, i = m;
  }
}

typedef struct order_item {
  double cost;
  size_t idx;
} order_item;

static int by_cost_desc(const void *pa, const void *pb) {
  const order_item *a = pa, *b = pb;
  if (a->cost != b->cost) return a->cost > b->cost ? -1 : 1;
  return a->idx < b->idx ? -1 : a->idx > b->idx;
}

int mmb_shard_assign(const double *cost, size_t n, int nshards, int *owner) {
  order_item *ord = malloc((n + 1) * sizeof *ord);
  load_item *heap = malloc((size_t)nshards * sizeof *heap);
  if (!ord || !heap) {
    free(ord), free(heap);
    return -ENOMEM;
  }
  for (size_t i = 0; i < n; i++) ord[i].cost = cost[i], ord[i].idx = i;
  qsort(ord, n, sizeof *ord, by_cost_desc);
  /* shards in index order have equal (zero) loads: already a heap */
  for (int s = 0; s < nshards; s++) heap[s].load = 0, heap[s].shard = s;
  for (size_t i = 0; i < n; i++) {
    owner[ord[i].idx] = heap[0].shard + 1;
    heap[0].load += ord[i].cost;
    heap_down(heap, nshards, 0);
  }
  free(ord);
  free(heap);
  return 0;
}

/* ---------------------------------------------------------------------------
 * The map
 * ------------------------------------------------------------------------- */
int mmb_shard_map_add(mmb_shard_map *m, const char *w, const char *p, const char *a, int threads,
                      double cost) {
  size_t n = m->keys.n;
  if ((n & (n - 1)) == 0) { /* grow at powers of two */
    size_t cap = n ? n * 2 : 16;
    double *nc = realloc(m->cost, cap * sizeof *nc);
    if (!nc) return -ENOMEM;
    m->cost = nc;
    int *no = realloc(m->owner, cap * sizeof *no);
    if (!no) return -ENOMEM;
    m->owner = no;
  }
  if (mmb_cellmap_add(&m->keys, w, p, a, threads) < 0) return -ENOMEM;
  m->cost[n] = cost;
  m->owner[n] = 0;
  return 0;
}

long mmb_shard_find(const mmb_shard_map *m, const char *w, const char *p, const char *a,
                    int threads) {
  return mmb_cellmap_find(&m->keys, w, p, a, threads);
}

void mmb_shard_map_free(mmb_shard_map *m) {
  mmb_cellmap_free(&m->keys);
  free(m->cost), free(m->owner);
  memset(m, 0, sizeof *m);
}

int mmb_shard_map_from_plan(const mmb_plan *plan, int nshards, mmb_shard_map *m, char *err,
                            size_t errlen) {
  memset(m, 0, sizeof *m);
  if (nshards > plan->ncells) {
    snprintf(
        err, errlen,
        "%d shards for a plan of %d cells: use at most %d shards (a shard is at least one cell)",
        nshards, plan->ncells, plan->ncells);
    return -1;
  }
  m->nshards = nshards;
  m->reps = plan->reps;
  for (int i = 0; i < plan->ncells; i++) {
    const mmb_cell_plan *c = &plan->cells[i];
    if (mmb_shard_map_add(m, c->w->name, c->params, plan->allocs[c->alloc].text, c->threads,
                          mmb_shard_cell_cost(plan, i)) != 0) {
      snprintf(err, errlen, "out of memory");
      mmb_shard_map_free(m);
      return -1;
    }
  }
  if (mmb_shard_assign(m->cost, m->keys.n, nshards, m->owner) != 0) {
    snprintf(err, errlen, "out of memory");
    mmb_shard_map_free(m);
    return -1;
  }
  return 0;
}

/* ---------------------------------------------------------------------------
 * shards.csv / shards.json
 * ------------------------------------------------------------------------- */
int mmb_shard_map_write(const char *dir, const mmb_shard_map *m, char *err, size_t errlen) {
  size_t cap = 4096 + m->keys.n * 128, used = 0;
  char *out = malloc(cap);
  if (!out) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  used = (size_t)snprintf(out, cap, "workload,params,allocator,threads,shard,cost\n");
  for (size_t i = 0; i < m->keys.n; i++) {
    char line[4096], num[64];
    size_t lu = 0;
    mmb_csv_field(line, sizeof line, &lu, m->keys.workload[i], 1);
    mmb_csv_field(line, sizeof line, &lu, m->keys.params[i], 0);
    mmb_csv_field(line, sizeof line, &lu, m->keys.allocator[i], 0);
    snprintf(num, sizeof num, ",%d,%d,%.6g\n", m->keys.threads[i], m->owner[i], m->cost[i]);
    if (used + lu + strlen(num) + 1 > cap) {
      cap = (cap + lu + 64) * 2;
      char *n = realloc(out, cap);
      if (!n) {
        free(out);
        snprintf(err, errlen, "out of memory");
        return -1;
      }
      out = n;
    }
    memcpy(out + used, line, lu);
    used += lu;
    used += (size_t)snprintf(out + used, cap - used, "%s", num);
  }
  int rc = mmb_write_atomic(dir, "shards.csv", out);
  free(out);
  if (rc == 0) {
    char json[256];
    snprintf(json, sizeof json, "{\n  \"shards\": %d,\n  \"reps\": %d,\n  \"cells\": %zu\n}\n",
             m->nshards, m->reps, m->keys.n);
    rc = mmb_write_atomic(dir, "shards.json", json);
  }
  if (rc != 0) snprintf(err, errlen, "cannot write the shard list into %s: %s", dir, strerror(-rc));
  return rc ? -1 : 0;
}

int mmb_shard_map_load(const char *dir, mmb_shard_map *m, char *err, size_t errlen) {
  memset(m, 0, sizeof *m);
  char path[4096];
  snprintf(path, sizeof path, "%s/shards.json", dir);
  char *text = mmb_read_file(path, NULL);
  if (!text) {
    snprintf(err, errlen, "%s is not a sharded run (no shards.json: %s)", dir, strerror(errno));
    return -ENOENT;
  }
  cJSON *j = cJSON_Parse(text);
  free(text);
  cJSON *n = cJSON_GetObjectItem(j, "shards"), *r = cJSON_GetObjectItem(j, "reps"),
        *c = cJSON_GetObjectItem(j, "cells");
  if (!cJSON_IsNumber(n) || !cJSON_IsNumber(r) || !cJSON_IsNumber(c) || n->valueint < 1 ||
      r->valueint < 1) {
    snprintf(err, errlen, "%s is damaged (needs numbers shards, reps, cells)", path);
    cJSON_Delete(j);
    return -1;
  }
  m->nshards = n->valueint;
  m->reps = r->valueint;
  size_t want = (size_t)c->valuedouble;
  cJSON_Delete(j);

  snprintf(path, sizeof path, "%s/plan.json", dir);
  size_t len;
  text = mmb_read_file(path, &len);
  if (!text) {
    snprintf(err, errlen, "%s is damaged: no plan.json (%s)", dir, strerror(errno));
    return -1;
  }
  mmb_hash_hex(text, len, m->plan_hash);
  free(text);

  snprintf(path, sizeof path, "%s/shards.csv", dir);
  mmb_table *t;
  if (mmb_table_read(path, &t, err, errlen) != 0) return -1;
  int cw = mmb_table_col(t, "workload"), cp = mmb_table_col(t, "params"),
      ca = mmb_table_col(t, "allocator"), ct = mmb_table_col(t, "threads"),
      cs = mmb_table_col(t, "shard"), cc = mmb_table_col(t, "cost");
  int rc = 0;
  if (cw < 0 || cp < 0 || ca < 0 || ct < 0 || cs < 0 || mmb_table_rows(t) != want) {
    snprintf(err, errlen,
             "%s is damaged (expected %zu cells with workload,params,allocator,threads,shard)",
             path, want);
    rc = -1;
  }
  for (size_t i = 0; rc == 0 && i < mmb_table_rows(t); i++) {
    double th, sh, cost = 1;
    if (mmb_table_num(t, i, ct, &th) != 1 || mmb_table_num(t, i, cs, &sh) != 1 || sh < 1 ||
        sh > m->nshards) {
      snprintf(err, errlen, "%s line %zu is damaged (threads and a shard in 1..%d expected)", path,
               mmb_table_line(t, i), m->nshards);
      rc = -1;
      break;
    }
    mmb_table_num(t, i, cc, &cost);
    if (mmb_shard_map_add(m, mmb_table_get(t, i, cw), mmb_table_get(t, i, cp),
                          mmb_table_get(t, i, ca), (int)th, cost) != 0) {
      snprintf(err, errlen, "out of memory");
      rc = -1;
      break;
    }
    m->owner[m->keys.n - 1] = (int)sh;
  }
  mmb_table_free(t);
  if (rc != 0) mmb_shard_map_free(m);
  return rc;
}

/* ---------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------- */
int mmb_shard_parse(const char *text, int *k, int *n) {
  char *end;
  errno = 0;
  if (!text || *text < '0' || *text > '9') return -1;
  long kk = strtol(text, &end, 10);
  if (errno || *end != '/' || end[1] < '0' || end[1] > '9') return -1;
  long nn = strtol(end + 1, &end, 10);
  if (errno || *end || nn < 1 || nn > 100000 || kk < 1 || kk > nn) return -1;
  *k = (int)kk;
  *n = (int)nn;
  return 0;
}

int mmb_shard_filter_plan(mmb_plan *plan, const mmb_shard_map *m, int k, char *err, size_t errlen) {
  int kept = 0;
  if ((size_t)plan->ncells != m->keys.n) {
    snprintf(err, errlen,
             "the plan has %d cells and the shard list %zu: the folder holds another plan",
             plan->ncells, m->keys.n);
    return -1;
  }
  for (int i = 0; i < plan->ncells; i++) {
    mmb_cell_plan *c = &plan->cells[i];
    if (mmb_shard_find(m, c->w->name, c->params, plan->allocs[c->alloc].text, c->threads) < 0) {
      snprintf(err, errlen,
               "cell %s %s %s t=%d is not in the shard list: the folder holds another plan",
               c->w->name, c->params, plan->allocs[c->alloc].text, c->threads);
      return -1;
    }
  }
  for (int i = 0; i < plan->ncells; i++) {
    mmb_cell_plan *c = &plan->cells[i];
    long idx = mmb_shard_find(m, c->w->name, c->params, plan->allocs[c->alloc].text, c->threads);
    if (m->owner[idx] != k) {
      mmb_plan_cell_free(c);
      continue;
    }
    if (kept != i) plan->cells[kept] = *c;
    kept++;
  }
  plan->ncells = kept;
  return 0;
}

void mmb_shard_host(char *buf, size_t len) {
  char host[256] = "";
  if (gethostname(host, sizeof host) != 0 || !host[0]) snprintf(host, sizeof host, "unknown");
  host[sizeof host - 1] = 0;
  char *dot = strchr(host, '.');
  if (dot) *dot = 0;
  for (char *p = host; *p; p++)
    if (*p == '/' || *p == ' ') *p = '_';
  snprintf(buf, len, "%s", host);
}
