/* mmbench — presets: named matrices (quick for tests, default for
 * `make bench`, full for papers). */
#ifndef MMB_PRESETS_H
#define MMB_PRESETS_H

typedef struct mmb_preset {
  const char *name;
  const char *description;
  int reps;               /* measured repetitions per cell */
  int warmup;             /* unrecorded repetitions per cell, first */
  double scale;           /* multiplies every work parameter */
  const char *threads;    /* thread counts for most workloads */
  const char *threads_mt; /* for scaling workloads; `auto` adds 1, 2, 4, ... the usable CPUs */
  int oversubscribe;      /* auto also adds 2 x the usable CPUs (marked oversubscribed) */
  int sweeps;             /* use each workload's sweep */
  double timeout;         /* seconds per cell */
} mmb_preset;

extern const mmb_preset mmb_presets[]; /* terminated by name NULL */
const mmb_preset *mmb_preset_find(const char *name);

#endif
