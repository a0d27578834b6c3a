/* mmbench — a program cell: one repetition of a real program (or of a
 * server driven by its client) with the allocator preloaded, measured from
 * the parent over its whole process tree, its output verified. The runner
 * calls this instead of re-executing mmbench for a program workload. */
#ifndef MMB_PROGRAM_CELL_H
#define MMB_PROGRAM_CELL_H

#include "child.h"
#include "counters.h"
#include "program.h"
#include "record.h"

typedef struct mmb_program_cell_spec {
  const mmb_program *prog;
  long long size;             /* {size} */
  const mmb_alloc_spec *spec; /* the allocator */
  const char *preload;        /* non-NULL: preload this instead of spec's library */
  const char *pin;            /* "" = anywhere */
  double timeout;             /* seconds */
  const mmb_counter_opts *counters;
  mmb_timeline *tl;   /* RSS over time (may be NULL) */
  const char *cgroup; /* a fresh memory cgroup for the measured process (NULL = none) */
} mmb_program_cell_spec;

/* Run it and fill rec: ok, or crash / timeout / error / corrupt with the
 * reason. Returns 0, or 1 when interrupted (rec not meaningful). */
int mmb_program_cell_run(const mmb_program_cell_spec *s, mmb_record *rec);

/* The runs.csv columns of the program metrics in the workloads (static
 * strings, each once). */
int mmb_program_metric_columns(const mmb_workload *const *ws, int nw, const char **cols, int max);

#endif
