/* mmbench — merging shard folders (DIR/shards/<K>-<host>/) into one results
 * folder: every (cell, repetition) exactly once, a host column, nothing
 * pooled across machines unless asked. Also the counting behind `status`. */
#ifndef MMB_MERGE_H
#define MMB_MERGE_H

#include <stddef.h>

typedef struct mmb_merge_opts {
  int write;  /* 0: only check and count (status); 1: write the merged files */
  int pool;   /* summary per host kind (identical host facts) instead of per host */
  int report; /* write the report (plots/, report.html) after a merge */
  int quiet;
} mmb_merge_opts;

typedef struct mmb_merge_shard {
  int folders;              /* folders found for this shard */
  size_t cells, cells_done; /* its cells, and those with every repetition */
  size_t rows;              /* rows found */
  char hosts[256];          /* hosts of its folders, comma-separated */
} mmb_merge_shard;

typedef struct mmb_merge_result {
  int nshards, reps;
  mmb_merge_shard *shard; /* [nshards]: shard K at K-1 */
  size_t cells, cells_done, rows, rows_missing;
  int host_kinds; /* different kinds of machine among the folders */
} mmb_merge_result;

/* Check (and with o->write, merge) the shards of the sharded run in dir.
 * 0 done; 2 bad input (not a sharded run, a shard of another plan, a damaged
 * row, a repetition twice) with a one-line message in err and nothing
 * written; 1 an I/O failure (nothing replaced). res may be NULL. */
int mmb_merge(const char *dir, const mmb_merge_opts *o, mmb_merge_result *res, char *err,
              size_t errlen);
void mmb_merge_result_free(mmb_merge_result *res);

/* Shard k of dir is complete: every one of its cells has all repetitions. */
int mmb_merge_shard_complete(const mmb_merge_result *res, int k);

#endif
