/* mmbench — one cell in one process: allocator init, untimed setup, worker
 * threads released together by a barrier, the measured region, verification.
 * The runner re-executes mmbench as `mmbench cell ...` in a fresh child for
 * every (cell, repetition); tests call mmb_cell_execute directly. */
#ifndef MMB_CELL_H
#define MMB_CELL_H

#include <stdint.h>

#include "counters.h"
#include "params.h"
#include "record.h"
#include "workload.h"

typedef struct mmb_cell_spec {
  const mmb_workload *workload;
  mmb_pvals params;
  const mmb_allocator *alloc;
  int threads;
  uint64_t seed;
  mmb_counter_opts counters;
  /* 0 (default): a 1-thread cell runs its work on this thread, the process's
   * main thread, with no other thread ever created (glibc's main arena and
   * single-thread paths, as a single-threaded program gets); 1: on a worker
   * thread beside this one, as cells with more threads do. */
  int worker_thread;
  int notify_fd;    /* >= 0: write "start\n" / "end\n" around the region */
  int verify;       /* the verification repetition: ctx->touch = MMB_TOUCH_VERIFY */
  const char *cpus; /* worker i runs on CPU item i of this comma list (place.h); NULL = any */
} mmb_cell_spec;

/* Run the cell in this process and fill rec (status ok, corrupt or error,
 * with the measured values). Returns 0 when the cell ran (whatever its
 * status), -1 when it could not start. */
int mmb_cell_execute(const mmb_cell_spec *spec, mmb_record *rec);

/* `mmbench cell` (internal): run one cell and write the record line to the
 * result descriptor. Exit status 0 when a record was written. */
int mmb_cmd_cell(int argc, char **argv);

/* Reset this process's RSS high-water mark (VmHWM) to its current RSS by
 * writing 5 to /proc/self/clear_refs. 0 or -errno. */
int mmb_reset_hwm(void);
/* VmHWM in KiB (the peak since the last reset), or -1. */
long mmb_region_peak_kb(void);

/* Resident set size of this process now, in KiB (from /proc/self/statm). */
long mmb_rss_kb(void);

#endif
