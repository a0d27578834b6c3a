/* mmbench — shards: a plan's cells split into N disjoint parts balanced by
 * expected cost, written once as DIR/shards.csv + DIR/shards.json so that
 * every task (on any machine, under any scheduler) runs the same split, and
 * read back by `run --shard`, `merge` and `status`. */
#ifndef MMB_SHARD_H
#define MMB_SHARD_H

#include <stddef.h>
#include <stdint.h>

#include "cellmap.h"
#include "plan.h"

/* The cells of a sharded plan, each with its shard (1..nshards). */
typedef struct mmb_shard_map {
  int nshards;        /* N */
  int reps;           /* measured repetitions per runnable cell */
  mmb_cellmap keys;   /* the cells, in plan order */
  double *cost;       /* expected cost (arbitrary unit, reps included) */
  int *owner;         /* 1..nshards */
  char plan_hash[17]; /* of DIR/plan.json's text */
} mmb_shard_map;

/* 64-bit FNV-1a of len bytes, as 16 hex digits into out[17]. */
void mmb_hash_hex(const char *text, size_t len, char out[17]);

/* Expected cost of a plan cell: repetitions x the product of its work
 * parameters relative to their defaults x threads (1 for a skipped cell). */
double mmb_shard_cell_cost(const mmb_plan *plan, int cell);

/* Deterministic split: longest expected cost first, each cell to the least
 * loaded shard (ties: the lower cell index, the lower shard). owner[i] gets
 * 1..nshards. 0, or -ENOMEM. */
int mmb_shard_assign(const double *cost, size_t n, int nshards, int *owner);

/* A map of every plan cell, assigned to nshards. 0 or -1 with err. */
int mmb_shard_map_from_plan(const mmb_plan *plan, int nshards, mmb_shard_map *m, char *err,
                            size_t errlen);

/* Append a cell (for synthetic maps). 0 or -ENOMEM. */
int mmb_shard_map_add(mmb_shard_map *m, const char *w, const char *p, const char *a, int threads,
                      double cost);
void mmb_shard_map_free(mmb_shard_map *m);

/* Index of a cell, or -1. */
long mmb_shard_find(const mmb_shard_map *m, const char *w, const char *p, const char *a,
                    int threads);

/* DIR/shards.csv and DIR/shards.json (atomically). 0 or -1 with err. */
int mmb_shard_map_write(const char *dir, const mmb_shard_map *m, char *err, size_t errlen);
/* Read them back (and hash DIR/plan.json). 0, -ENOENT when DIR is not a
 * sharded run, or -1 with err. */
int mmb_shard_map_load(const char *dir, mmb_shard_map *m, char *err, size_t errlen);

/* "K/N" into *k, *n (1 <= K <= N <= 100000). 0 or -1. */
int mmb_shard_parse(const char *text, int *k, int *n);

/* Keep only the plan's cells of shard k (in their order). 0 or -1 with err
 * (a plan cell the map does not know: another plan). */
int mmb_shard_filter_plan(mmb_plan *plan, const mmb_shard_map *m, int k, char *err, size_t errlen);

/* This machine's short host name (up to the first dot) into buf. */
void mmb_shard_host(char *buf, size_t len);

#endif
