/* mmbench — thread placement orders (see place.h). */
#include "place.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const mmb_place_names[] = {"none", "compact", "spread", NULL};

int mmb_place_parse(const char *name) {
  for (int i = 0; mmb_place_names[i]; i++)
    if (strcmp(name, mmb_place_names[i]) == 0) return i;
  return -1;
}

/* Sort keys of one allowed CPU. */
typedef struct key {
  int id, k[5];
} key;

static int cmp_key(const void *a, const void *b) {
  const key *x = a, *y = b;
  for (int i = 0; i < 5; i++)
    if (x->k[i] != y->k[i]) return x->k[i] < y->k[i] ? -1 : 1;
  return 0;
}

int mmb_place_order(const mmb_topology *t, int place, int *out, int max) {
  if (place == MMB_PLACE_NONE) return 0;
  key *ks = calloc((size_t)t->ncpus, sizeof *ks);
  if (!ks) return 0;
  int n = 0;
  for (int i = 0; i < t->ncpus; i++) {
    const mmb_topo_cpu *c = &t->cpu[i];
    if (!c->allowed) continue;
    key *k = &ks[n++];
    k->id = c->id;
    if (place == MMB_PLACE_COMPACT) {
      int v[5] = {c->socket, c->node, c->core, c->smt_rank, c->id};
      memcpy(k->k, v, sizeof v);
      continue;
    }
    /* spread: first threads of cores before siblings; within a rank, the
     * k-th core of every node before the (k+1)-th; nodes alternate
     * sockets (a node's index within its socket, then the socket) */
    int round = 0, nidx = 0;
    for (int j = 0; j < t->ncpus; j++) {
      const mmb_topo_cpu *d = &t->cpu[j];
      round += d->allowed && d->node == c->node && d->smt_rank == c->smt_rank && d->id < c->id;
    }
    for (int j = 0; j < t->nnodes; j++) {
      int has = 0; /* node j holds a CPU of this socket */
      for (int q = 0; q < t->ncpus && !has; q++)
        has = t->cpu[q].node == t->node[j].id && t->cpu[q].socket == c->socket;
      nidx += has && t->node[j].id < c->node;
    }
    int v[5] = {c->smt_rank, round, nidx, c->socket, c->id};
    memcpy(k->k, v, sizeof v);
  }
  qsort(ks, (size_t)n, sizeof *ks, cmp_key);
  if (n > max) n = max;
  for (int i = 0; i < n; i++) out[i] = ks[i].id;
  free(ks);
  return n;
}

void mmb_place_workers(const mmb_topology *t, int place, int threads, char *buf, size_t len) {
  int order[MMB_TOPO_MAX_CPUS];
  int n = mmb_place_order(t, place, order, MMB_TOPO_MAX_CPUS);
  size_t u = 0;
  buf[0] = 0;
  for (int i = 0; n > 0 && i < threads && u < len; i++) {
    int w = snprintf(buf + u, len - u, "%s%d", i ? "," : "", order[i % n]);
    if (w < 0) break;
    u += (size_t)w;
  }
}

static int cmp_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

void mmb_place_set(const mmb_topology *t, int place, int threads, char *buf, size_t len) {
  int order[MMB_TOPO_MAX_CPUS];
  int n = mmb_place_order(t, place, order, MMB_TOPO_MAX_CPUS);
  if (threads < n) n = threads;
  qsort(order, (size_t)(n > 0 ? n : 0), sizeof *order, cmp_int);
  buf[0] = 0;
  if (n > 0) mmb_cpulist_format(order, n, buf, len);
}

cJSON *mmb_place_json(const mmb_topology *t, int place, const int *threads, int n) {
  cJSON *j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "place", mmb_place_names[place]);
  cJSON *w = cJSON_AddObjectToObject(j, "workers");
  cJSON *sets = cJSON_AddObjectToObject(j, "cpu_sets");
  for (int i = 0; i < n; i++) {
    char key[16], buf[4096];
    snprintf(key, sizeof key, "%d", threads[i]);
    mmb_place_workers(t, place, threads[i], buf, sizeof buf);
    cJSON_AddStringToObject(w, key, place == MMB_PLACE_NONE ? "scheduler" : buf);
    mmb_place_set(t, place, threads[i], buf, sizeof buf);
    cJSON_AddStringToObject(sets, key, place == MMB_PLACE_NONE ? t->allowed : buf);
  }
  return j;
}
