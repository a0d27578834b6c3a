/* mmbench tests — perf events in real cells.
 *   sw          software events give plausible values (task-clock between
 *               2 ns per operation and the region's wall time per thread,
 *               agreeing with the workers' CPU clocks, summed over threads;
 *               page faults match the region's minor faults)
 *   hw-absent   without a PMU: hardware events are reported unsupported with
 *               errno and a reason, and their columns stay empty (never 0)
 *   hw-present  with a PMU: cycles / instructions fill, IPC is plausible and
 *               instructions scale with the work
 * A mode whose precondition does not hold here exits 77 (CTest SKIP). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../check.h"
#include "cell.h"
#include "cli_util.h"
#include "counter_cell.h"
#include "counters_int.h"

#define SKIP 77

static int run_cell(const char *wname, const char *params, int threads, const mmb_counter_opts *co,
                    mmb_record *rec) {
  return counter_cell(wname, params, threads, co, rec);
}

static double num(const mmb_record *r, const char *name) {
  double v;
  return mmb_record_num(r, name, &v) ? v : -1.0;
}

/* The probe's status of one event ("ok", "unsupported", ...). */
static void probe_status(const mmb_counter_opts *o, const char *event, char *status, size_t len,
                         int *err, char *reason, size_t rlen, int *hw_opened) {
  static char json[16384];
  mmb_counters_probe(o, json, sizeof json, 1);
  cJSON *j = cJSON_Parse(json);
  snprintf(status, len, "?");
  if (!j) return;
  cJSON *e = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "events"), event);
  cJSON *s = cJSON_GetObjectItem(e, "status"), *n = cJSON_GetObjectItem(e, "errno"),
        *r = cJSON_GetObjectItem(e, "reason"), *h = cJSON_GetObjectItem(j, "hardware_opened");
  if (cJSON_IsString(s)) snprintf(status, len, "%s", s->valuestring);
  if (err && cJSON_IsNumber(n)) *err = n->valueint;
  if (reason && cJSON_IsString(r)) snprintf(reason, rlen, "%s", r->valuestring);
  if (hw_opened) *hw_opened = cJSON_IsTrue(h);
  cJSON_Delete(j);
}

static int test_sw(void) {
  mmb_counter_opts o;
  char err[512], st[32], reason[256] = "";
  CHECK(mmb_counters_parse(&o, "hw", "", "", err, sizeof err) == 0);
  probe_status(&o, "task-clock", st, sizeof st, NULL, reason, sizeof reason, NULL);
  mmb_record rec;
  if (strcmp(st, "ok") != 0) {
    /* perf events blocked entirely (container): honest empties, then skip */
    CHECK(run_cell("malloc-free", "n=100000", 1, &o, &rec) == 0);
    CHECK(mmb_record_get(&rec, "task-clock") == NULL && reason[0]);
    printf("software events unavailable here (%s): %s\n", st, reason);
    return mmb_test_failures ? 1 : SKIP;
  }
  /* one thread: task-clock is this worker's CPU time in the region */
  CHECK(run_cell("malloc-free", "n=300000", 1, &o, &rec) == 0);
  double tc = num(&rec, "task-clock"), wall = num(&rec, "wall_ns"), cpu = num(&rec, "cpu_ns");
  /* at least 2 ns per malloc/free pair, at most the region's wall time, and
   * the worker's own CPU clock read just inside the counted span agrees */
  CHECKF(tc >= 2.0 * 300000 && tc <= 1.05 * wall + 1e6, "task-clock %.0f, wall_ns %.0f", tc, wall);
  CHECKF(tc >= 0.9 * cpu && tc <= 1.15 * cpu + 1e6, "task-clock %.0f, cpu_ns %.0f", tc, cpu);
  CHECK(num(&rec, "page-faults") >= 0 && num(&rec, "context-switches") >= 0 &&
        num(&rec, "cpu-migrations") >= 0);
  double frac = num(&rec, "counters_running_frac");
  CHECK(frac > 0.99 && frac <= 1.0);
  CHECK(mmb_record_get(&rec, "task-clock_per_op") == NULL);

  /* two threads: summed over both workers */
  CHECK(run_cell("malloc-free", "n=400000", 2, &o, &rec) == 0);
  tc = num(&rec, "task-clock"), wall = num(&rec, "wall_ns"), cpu = num(&rec, "cpu_ns");
  CHECKF(tc >= 2.0 * 400000 && tc <= 2 * (1.05 * wall + 1e6),
         "2 threads: task-clock %.0f, wall_ns %.0f", tc, wall);
  CHECKF(tc >= 0.9 * cpu && tc <= 1.15 * cpu + 2e6,
         "2 threads: task-clock %.0f, cpu_ns %.0f (summed)", tc, cpu);

  /* fresh memory touched inside the region faults pages in: the worker's
   * page-faults match the process's minor faults over the region */
  CHECK(run_cell("large", "min=64K;max=4M;n=40", 1, &o, &rec) == 0);
  double pf = num(&rec, "page-faults"), minflt = num(&rec, "minflt");
  CHECKF(pf >= 200 && pf >= 0.9 * minflt - 50 && pf <= 1.1 * minflt + 50,
         "page-faults %.0f, minflt %.0f", pf, minflt);

  /* latency sampling in a real cell: every 10th call of each worker */
  CHECK(mmb_counters_parse(&o, "hw", "software", "10", err, sizeof err) == 0);
  CHECK(run_cell("malloc-free", "n=400000", 2, &o, &rec) == 0);
  CHECKF(num(&rec, "lat_samples") == 80000, "lat_samples %g", num(&rec, "lat_samples"));
  double p50 = num(&rec, "lat_free_p50_ns"), p99 = num(&rec, "lat_free_p99_ns"),
         mx = num(&rec, "lat_free_max_ns");
  CHECKF(p50 >= 0 && p50 <= p99 && p99 <= mx, "free p50 %g p99 %g max %g", p50, p99, mx);
  CHECK(num(&rec, "task-clock") > 0);
  return mmb_test_exit();
}

static int cycles_open(void) {
  mmb_pe_status st;
  mmb_pe_probe_event("cycles", &st);
  return st.ok;
}

static int test_hw_absent(void) {
  if (cycles_open()) {
    printf("a hardware PMU counts cycles here: nothing to check for its absence\n");
    return SKIP;
  }
  mmb_counter_opts o;
  char err[512], st[32], reason[256] = "";
  int e = 0, hw_opened = 1;
  CHECK(mmb_counters_parse(&o, "hw", "", "", err, sizeof err) == 0);
  probe_status(&o, "cycles", st, sizeof st, &e, reason, sizeof reason, &hw_opened);
  CHECKF(strcmp(st, "unsupported") == 0 || strcmp(st, "denied") == 0 || strcmp(st, "error") == 0,
         "status %s", st);
  CHECKF(e != 0 && reason[0] != 0, "errno %d reason '%s'", e, reason);
  CHECK(!hw_opened);
  printf("cycles: %s, errno %d: %s\n", st, e, reason);
  mmb_record rec;
  CHECK(run_cell("malloc-free", "n=100000", 1, &o, &rec) == 0);
  const char *hw[] = {"cycles",        "instructions",          "cache-references",
                      "cache-misses",  "L1-dcache-load-misses", "dTLB-load-misses",
                      "branch-misses", "cycles_per_op",         "ipc"};
  for (size_t i = 0; i < sizeof hw / sizeof hw[0]; i++)
    CHECKF(mmb_record_get(&rec, hw[i]) == NULL, "%s = %s, expected empty", hw[i],
           mmb_record_get(&rec, hw[i]));
  return mmb_test_exit();
}

static int test_hw_present(void) {
  if (!cycles_open()) {
    printf("no hardware PMU counts cycles here: hardware counts cannot be checked\n");
    return SKIP;
  }
  mmb_counter_opts o;
  char err[512];
  CHECK(mmb_counters_parse(&o, "hw", "cycles,instructions,branch-misses,task-clock", "", err,
                           sizeof err) == 0);
  mmb_record r1, r2;
  CHECK(run_cell("malloc-free", "n=200000", 1, &o, &r1) == 0);
  CHECK(run_cell("malloc-free", "n=400000", 1, &o, &r2) == 0);
  double c = num(&r1, "cycles"), in1 = num(&r1, "instructions"), in2 = num(&r2, "instructions");
  double ipc = num(&r1, "ipc"), per = num(&r1, "instructions_per_op"),
         frac = num(&r1, "counters_running_frac");
  CHECKF(c > 0 && in1 > 0, "cycles %.0f instructions %.0f", c, in1);
  CHECKF(ipc > 0.01 && ipc < 10, "ipc %g", ipc);
  CHECKF(per > 10 && per < 5000, "instructions/op %g", per);
  CHECKF(frac > 0 && frac <= 1.0, "running fraction %g", frac);
  CHECKF(in2 / in1 > 1.6 && in2 / in1 < 2.4, "instructions %.0f then %.0f for twice the work", in1,
         in2);
  return mmb_test_exit();
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "sw";
  if (strcmp(mode, "sw") == 0) return test_sw();
  if (strcmp(mode, "hw-absent") == 0) return test_hw_absent();
  if (strcmp(mode, "hw-present") == 0) return test_hw_present();
  fprintf(stderr, "usage: test_counters_hw sw|hw-absent|hw-present\n");
  return 2;
}
