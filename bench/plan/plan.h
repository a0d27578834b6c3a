/* mmbench — the plan: workloads x parameter points x allocators x threads,
 * expanded from the run options, with impossible combinations marked
 * skipped (and why). The options are stored in plan.json so that --resume
 * re-expands exactly the same cells. */
#ifndef MMB_PLAN_H
#define MMB_PLAN_H

#include <stdint.h>

#include "alloc_spec.h"
#include "counters.h"
#include "params.h"
#include "topology.h"
#include "workload.h"

/* --counters sim: the preset's scale is multiplied by this (unless --scale
 * is given), and its timeout by 10. */
#define MMB_SIM_SCALE 0.02

/* What the user asked for (all as text, as stored in plan.json). */
typedef struct mmb_run_opts {
  char preset[16];
  char workloads[1024];  /* comma list, "" = every workload */
  char allocators[2048]; /* comma list, "" = every available allocator */
  char threads[128];     /* comma list, "" = the preset's */
  char params[16][512];  /* -p key=v[,v...] */
  int nparams;
  int reps, warmup; /* -1 = the preset's */
  double scale;     /* < 0 = the preset's */
  double timeout;   /* <= 0 = the preset's */
  uint64_t seed;
  char counters[16], events[1024], latency[32];
  char pin[64];   /* CPU list for sched_setaffinity, "" = none */
  int keep_going; /* an allocator that fails its probe is recorded, not fatal */
  char floor[8];  /* auto | on | off: cells under `floor` (see mmb_plan.floor) */
  char t1[8];     /* main | thread: where a 1-thread cell works (mmb_cell_spec.worker_thread) */
  char place[16]; /* none | compact | spread: worker placement (place.h) */
} mmb_run_opts;

typedef struct mmb_cell_plan {
  const mmb_workload *w;
  mmb_pvals pv;
  char *params; /* canonical text (owned) */
  int alloc;    /* index into plan->allocs */
  int threads;
  uint64_t seed; /* same for every allocator */
  char *skip;    /* "" (shared), or owned: skipped, and why */
} mmb_cell_plan;

/* A combination that cannot exist (a workload that needs what the
 * allocator has not: the object-graph API under a plain malloc, a program
 * under an allocator with no preloadable build, ...): not a cell, never
 * recorded; -n lists it with its reason. */
typedef struct mmb_na_combo {
  const mmb_workload *w;
  char *params; /* owned */
  int alloc, threads;
  char *reason; /* owned */
} mmb_na_combo;

typedef struct mmb_plan {
  mmb_run_opts opts;
  const char *preset_name;
  int reps, warmup;
  double scale, timeout;
  mmb_counter_opts counters;
  mmb_alloc_spec *allocs;
  int nallocs;
  mmb_cell_plan *cells;
  int ncells;
  /* Index in allocs of the `floor` allocator the plan added (-1: none).
   * It gets one cell per (workload, params, threads) point of a workload
   * with MMB_WF_FLOOR, not one per allocator. */
  int floor;
  /* The CPUs the run may use (the process's affinity and --pin, the cgroup
   * quota): -t auto and the scaling sweeps follow them, placement picks
   * from them. threads_note says what was chosen and why (-n prints it). */
  mmb_topology topo;
  int place; /* MMB_PLACE_* */
  char threads_note[1024];
  mmb_na_combo *na; /* combinations that cannot exist, in plan order */
  int nna;
} mmb_plan;

void mmb_run_opts_init(mmb_run_opts *o);
/* Expand o into plan. 0, or -1 with a one-line message in err (unknown
 * names with the nearest one, bad values, impossible combinations). */
int mmb_plan_build(const mmb_run_opts *o, mmb_plan *plan, char *err, size_t errlen);
void mmb_plan_free(mmb_plan *plan);
/* Free what one cell owns (a cell dropped from a plan). */
void mmb_plan_cell_free(mmb_cell_plan *c);
/* Cells that are not skipped x reps. */
int mmb_plan_runs(const mmb_plan *plan);

/* plan.json: the options as JSON text (malloc'd), and back. */
char *mmb_run_opts_to_json(const mmb_run_opts *o);
int mmb_run_opts_from_json(const char *text, mmb_run_opts *o, char *err, size_t errlen);
/* 1 when two option sets describe the same matrix. */
int mmb_run_opts_same(const mmb_run_opts *a, const mmb_run_opts *b);

#endif
