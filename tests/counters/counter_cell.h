/* mmbench tests — one cell run in process under glibc with counter options,
 * for the counter tests. */
#ifndef MMB_TEST_COUNTER_CELL_H
#define MMB_TEST_COUNTER_CELL_H

#include <string.h>

#include "cell.h"
#include "cli_util.h"

/* Run workload wname with params on threads under glibc, counting as co.
 * 0 with *rec ok, or -1. */
static inline int counter_cell(const char *wname, const char *params, int threads,
                               const mmb_counter_opts *co, mmb_record *rec) {
  mmb_cell_spec spec;
  char err[512];
  memset(&spec, 0, sizeof spec);
  spec.workload = mmb_workload_find(wname);
  spec.alloc = mmb_allocator_resolve("glibc", err, sizeof err);
  if (!spec.workload || !spec.alloc) return -1;
  mmb_pvals_defaults(spec.workload, &spec.params);
  if (mmb_params_parse(spec.workload, params, &spec.params, err, sizeof err) != 0) return -1;
  spec.threads = threads;
  spec.seed = 1;
  spec.counters = *co;
  spec.notify_fd = -1;
  int rc = mmb_cell_execute(&spec, rec);
  mmb_pvals_free(spec.workload, &spec.params);
  return rc == 0 && rec->status == MMB_ST_OK ? 0 : -1;
}

#endif
