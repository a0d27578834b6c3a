/* mmbench tests — helpers for the churn / threads workload tests: run one
 * cell in this process through mmb_cell_execute and keep what the tests
 * look at. */
#ifndef MMB_CT_UTIL_H
#define MMB_CT_UTIL_H

#include <stdio.h>
#include <string.h>

#include "../check.h"
#include "cell.h"
#include "params.h"

extern const mmb_allocator mmb_alloc_glibc;

typedef struct ct_result {
  char status[16];
  char reason[256];
  char checksum[32];
  double ops, live, wall_ns;
  double remote_free_frac, shared_line; /* workload figures; NAN = not reported */
} ct_result;

#define CT_SEED 0x5eed2024ull

/* 1: run cells as the verification repetition (full patterns and checks). */
static int ct_verify;

/* Run workload wname with params (k=v;...) under a with threads threads. */
static ct_result ct_cell(const mmb_allocator *a, const char *wname, const char *params,
                         int threads) {
  ct_result r;
  memset(&r, 0, sizeof r);
  const mmb_workload *w = mmb_workload_find(wname);
  CHECKF(w != NULL, "workload %s is not registered", wname);
  if (!w) {
    snprintf(r.status, sizeof r.status, "missing");
    return r;
  }
  mmb_cell_spec spec;
  memset(&spec, 0, sizeof spec);
  spec.workload = w;
  spec.alloc = a;
  spec.threads = threads;
  spec.seed = CT_SEED;
  spec.counters.mode = MMB_COUNTERS_OFF;
  spec.notify_fd = -1;
  spec.verify = ct_verify;
  mmb_pvals_defaults(w, &spec.params);
  char err[512];
  if (mmb_params_parse(w, params, &spec.params, err, sizeof err) != 0) {
    CHECKF(0, "%s: bad test parameters '%s': %s", wname, params, err);
    snprintf(r.status, sizeof r.status, "badparams");
  } else {
    mmb_record rec;
    mmb_cell_execute(&spec, &rec);
    snprintf(r.status, sizeof r.status, "%s", mmb_status_name(rec.status));
    snprintf(r.reason, sizeof r.reason, "%s", rec.reason);
    const char *sum = mmb_record_get(&rec, "checksum");
    snprintf(r.checksum, sizeof r.checksum, "%s", sum ? sum : "");
    mmb_record_num(&rec, "ops", &r.ops);
    mmb_record_num(&rec, "live_bytes", &r.live);
    mmb_record_num(&rec, "wall_ns", &r.wall_ns);
    r.remote_free_frac = r.shared_line = -1;
    mmb_record_num(&rec, "remote_free_frac", &r.remote_free_frac);
    mmb_record_num(&rec, "shared_line", &r.shared_line);
  }
  mmb_pvals_free(w, &spec.params);
  return r;
}

#endif
