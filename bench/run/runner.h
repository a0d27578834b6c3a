/* mmbench — the runner: probes allocators, then runs every (cell,
 * repetition) of a plan in a fresh child process, interleaving repetitions,
 * enforcing the timeout, and appending each record to runs.csv as it
 * arrives. */
#ifndef MMB_RUNNER_H
#define MMB_RUNNER_H

#include "plan.h"
#include "status.h"

typedef struct mmb_probe_result {
  mmb_status status; /* ok, invalid, nonconforming or skipped */
  char reason[256];
  char version[128];
  char library[512];
  unsigned broken_caps; /* MMB_CAP_* that failed conformance (status ok) */
  char broken_reason[200];
  char checks[8192]; /* conformance: "name<TAB>result<TAB>detail" lines */
} mmb_probe_result;

/* Probe one allocator in a child (injection check, version, conformance). */
void mmb_probe_allocator(const mmb_alloc_spec *spec, mmb_probe_result *p);

/* Probe every allocator of the plan in a child, as a cell would inject it.
 * probes has plan->nallocs entries. */
void mmb_runner_probe(const mmb_plan *plan, mmb_probe_result *probes);

/* Run the plan into dir (which exists and holds plan.json and the runs.csv
 * header). Rows already in runs.csv (resume) are not run again. Returns 0
 * when the matrix completed, 130 when interrupted, 1 on an I/O failure. */
int mmb_runner_run(const mmb_plan *plan, const mmb_probe_result *probes, const char *dir,
                   int quiet);
/* The same, also skipping the rows found in the runs.csv files listed in
 * done_elsewhere (NULL-terminated, may be NULL): a shard resumed on another
 * host runs only what its earlier folder lacks. */
int mmb_runner_run_except(const mmb_plan *plan, const mmb_probe_result *probes, const char *dir,
                          char *const *done_elsewhere, int quiet);

/* Where the cells' memory cgroups go, probed on first use (kind 0 and a
 * reason when none can be made). */
const struct mmb_cgroup_info *mmb_runner_cgroup(void);

/* Every column of runs.csv for this plan (fixed ones, then counters). */
int mmb_runner_columns(const mmb_plan *plan, const char **cols, int max);

#endif
