/* mmbench — the sharded side of `mmbench run`: --slurm (write the plan and
 * the shard list, submit a job array), --resume DIR --slurm (resubmit the
 * shards that are not done), --shard K/N (run one shard into
 * DIR/shards/<K>-<host>/ and merge when it was the last one). */
#ifndef MMB_RUN_SHARD_H
#define MMB_RUN_SHARD_H

#include <limits.h>
#include <stddef.h>

#include "plan.h"
#include "slurm.h"

/* 1 when dir holds a sharded run (shards.json). */
int mmb_run_is_sharded(const char *dir);

/* Shard folder dir (shard.json): its run folder into top and K, N. 1 when
 * dir is a shard folder, else 0. */
int mmb_run_shard_of(const char *dir, char *top, size_t toplen, int *k, int *n);

/* -n with --slurm / --shard: how the plan splits into nshards (cells and
 * expected cost per shard). Exit status (2 when it cannot split). */
int mmb_run_shard_preview(const mmb_plan *plan, int nshards);

/* run --slurm into a new folder dir: plan.json, shards.csv, shards.json,
 * then the job array. Exit status (0, or 2 with nothing left behind). */
int mmb_run_slurm_new(const char *dir, const mmb_run_opts *o, const mmb_plan *plan, int nshards,
                      const mmb_slurm_opts *so);

/* run --resume DIR --slurm: submit the shards that are neither done nor
 * pending/running. Exit status. */
int mmb_run_slurm_resume(const char *dir, const mmb_slurm_opts *so);

typedef struct mmb_shard_task {
  char top[PATH_MAX]; /* the sharded run's folder */
  char dir[PATH_MAX]; /* top/shards/<K>-<host> */
  int k, n;
  int exists;    /* dir already holds rows: resume it */
  char **others; /* runs.csv of the same shard on other hosts (NULL-terminated) */
  char plan_hash[17];
} mmb_shard_task;

/* Narrow plan to shard k of n of top (fresh: top may be new, its plan.json
 * and shard list are written when absent; otherwise they must match o).
 * 0, or 2 with a one-line message in err. */
int mmb_run_shard_prepare(const char *top, const mmb_run_opts *o, int k, int n, mmb_plan *plan,
                          mmb_shard_task *t, char *err, size_t errlen);
/* shard.json into the task's folder. 0 or -errno. */
int mmb_run_shard_mark(const mmb_shard_task *t);
/* After the shard ran: merge when every shard is done. */
void mmb_run_shard_finish(const mmb_shard_task *t, int quiet);
void mmb_run_shard_free(mmb_shard_task *t);

#endif
