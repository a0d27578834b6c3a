/* mmbench — Slurm: the batch script of a job array (one task per shard),
 * its submission with sbatch, and what squeue / sacct say about it. The
 * submissions of a run are listed in DIR/slurm/jobs.json. */
#ifndef MMB_SLURM_H
#define MMB_SLURM_H

#include <stddef.h>

typedef struct mmb_slurm_opts {
  char partition[128]; /* "" = the cluster's default */
  char time[64];       /* per array task, sbatch --time syntax; "" = the partition's */
  int nodes_per_shard; /* sbatch --nodes */
  int exclusive;       /* 1: --exclusive (no two shards share a node) */
} mmb_slurm_opts;

/* 1 when name is an executable file on the PATH. */
int mmb_slurm_have(const char *name);

/* Check the option values (partition and time characters). 0, or -1 with err. */
int mmb_slurm_check(const mmb_slurm_opts *so, char *err, size_t errlen);

/* Write DIR/slurm/array.sh for the given shards (1-based, count n) of a plan
 * of nshards, submit it, record the job in DIR/slurm/jobs.json and put its
 * id in jobid. 0; 2 when sbatch refused (its message in err) or the script
 * could not be written; the script is removed again on failure. */
int mmb_slurm_submit(const char *dir, const mmb_slurm_opts *so, const int *shards, int n,
                     int nshards, char *jobid, size_t idlen, char *err, size_t errlen);

/* Slurm's view of shard k (1-based) of the jobs recorded in dir: a state
 * such as PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, or ""
 * when neither squeue nor sacct know it. states has nshards entries of 32;
 * jobs_of (may be NULL) gets the id of the last job that ran each shard. */
void mmb_slurm_states(const char *dir, int nshards, char (*states)[32], char (*jobs_of)[32]);

/* Shards with a job still pending or running, per mmb_slurm_states. */
int mmb_slurm_active(const char *state);

#endif
