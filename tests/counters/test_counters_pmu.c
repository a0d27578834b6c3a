/* mmbench tests — the hardware-counter path (libpfm4 encoding, groups,
 * perf_event_open, enable / disable around the region, reads with time
 * enabled / running, scaling, inheritance by threads born in the region,
 * per-operation figures, IPC) in real cells. CTest preloads the PMU stand-in
 * (pmu_standin.c): where no PMU counts, it serves the hardware events and
 * every value is checked against its known truth; where a real PMU counts,
 * the stand-in steps aside and the same modes check what holds on real
 * hardware. Modes:
 *   default    every default hardware event fills its column and per-op
 *              column; scaled = raw x enabled / running; running share shown
 *   multiplex  8 hardware events on 4 counters: every column within 0.1 % of
 *              the truth, counters_running_frac as set
 *   ratio      cycles + instructions and references + misses from one group
 *              each; IPC and the miss ratio exact
 *   threads    larson: threads created inside the region are counted
 *   refused    an event refused at open: its columns empty, the reason in the
 *              probe (stand-in only)
 *   split      groups refused with EINVAL are split; every event still counts
 *              (stand-in only) */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "../check.h"
#include "cell.h"
#include "cli_util.h"
#include "counter_cell.h"
#include "counters_int.h"
#include "pmu_standin.h"

#define SKIP 77

static int standin; /* 1: the stand-in serves hardware events here */
static char logpath[256];

static const char *const hw_default[] = {
    "cycles",           "instructions", "cache-references", "cache-misses", "L1-dcache-load-misses",
    "dTLB-load-misses", "branch-misses"};
#define NHW (sizeof hw_default / sizeof hw_default[0])

static int run_cell(const char *wname, const char *params, int threads, const mmb_counter_opts *co,
                    mmb_record *rec) {
  if (logpath[0]) fclose(fopen(logpath, "w")); /* the log of this cell only */
  return counter_cell(wname, params, threads, co, rec);
}

static double num(const mmb_record *r, const char *name) {
  double v;
  return mmb_record_num(r, name, &v) ? v : -1.0;
}

static double rate(const char *event) {
  for (size_t i = 0; i < MMB_STANDIN_NRATES; i++)
    if (strcmp(mmb_standin_rates[i].name, event) == 0) return mmb_standin_rates[i].per_ns;
  return MMB_STANDIN_OTHER;
}

static void opts(mmb_counter_opts *o, const char *events) {
  char err[512];
  CHECKF(mmb_counters_parse(o, "hw", events, "", err, sizeof err) == 0, "%s", err);
}

/* The stand-in's log, summed: Σ raw x enabled / running of event's reads;
 * number of its reads; of its opens with leader (NULL: any) and errno. */
static double log_scaled(const char *event, int *reads) {
  FILE *f = fopen(logpath, "r");
  double sum = 0;
  *reads = 0;
  char line[512], ev[64];
  unsigned long long ns, raw, en, run;
  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "read event=%63s ns=%llu raw=%llu enabled=%llu running=%llu", ev, &ns, &raw,
               &en, &run) == 5 &&
        strcmp(ev, event) == 0 && run > 0) {
      sum += (double)raw * (double)en / (double)run;
      ++*reads;
    }
  if (f) fclose(f);
  return sum;
}

static int log_opens(const char *event, const char *leader, int err) {
  FILE *f = fopen(logpath, "r");
  int n = 0, tid, fd, e;
  char line[512], ev[64], ld[64];
  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "open tid=%d event=%63s leader=%63s fd=%d errno=%d", &tid, ev, ld, &fd, &e) ==
            5 &&
        strcmp(ev, event) == 0 && (!leader || strcmp(ld, leader) == 0) && e == err)
      n++;
  if (f) fclose(f);
  return n;
}

/* Every listed hardware event has its column and per-op column; with the
 * stand-in each is within tol of rate x task-clock. */
static void check_filled(const mmb_record *r, const char *const *ev, size_t n, double tol) {
  double tc = num(r, "task-clock"), ops = num(r, "ops");
  CHECKF(tc > 0 && ops > 0, "task-clock %g ops %g", tc, ops);
  for (size_t i = 0; i < n; i++) {
    char per[96];
    snprintf(per, sizeof per, "%s_per_op", ev[i]);
    double v = num(r, ev[i]), p = num(r, per);
    CHECKF(v >= 0 && p >= 0, "%s = %s, %s = %s", ev[i], mmb_record_get(r, ev[i]), per,
           mmb_record_get(r, per));
    /* (runs.csv keeps 6 significant digits of a per-op figure) */
    CHECKF(fabs(p - v / ops) <= 1e-5 * (p + 1e-9), "%s %g per op, %g / %g ops", ev[i], p, v, ops);
    if (!standin) continue;
    double truth = rate(ev[i]) * tc;
    CHECKF(fabs(v / truth - 1) < tol, "%s %.0f, truth %.0f (%.4f %% off)", ev[i], v, truth,
           100 * (v / truth - 1));
  }
}

static void standin_env(const char *counters, const char *running, const char *refuse) {
  setenv("MMB_STANDIN_COUNTERS", counters, 1);
  if (running)
    setenv("MMB_STANDIN_RUNNING", running, 1);
  else
    unsetenv("MMB_STANDIN_RUNNING");
  if (refuse)
    setenv("MMB_STANDIN_REFUSE", refuse, 1);
  else
    unsetenv("MMB_STANDIN_REFUSE");
}

static void test_default(void) {
  mmb_counter_opts o;
  mmb_record r;
  opts(&o, "default");
  standin_env("4", NULL, NULL);
  CHECK(run_cell("malloc-free", "n=8000000", 1, &o, &r) == 0);
  check_filled(&r, hw_default, NHW, 1e-3);
  double frac = num(&r, "counters_running_frac"), ipc = num(&r, "ipc");
  CHECKF(frac > 0 && frac <= 1, "counters_running_frac %g", frac);
  CHECKF(ipc > 0.02 && ipc < 10, "ipc %g", ipc);
  if (!standin) return;
  /* 7 hardware events on 4 counters: each ran 4/7 of the region */
  CHECKF(fabs(frac - 4.0 / 7) < 1e-6, "counters_running_frac %g, expected 4/7", frac);
  for (size_t i = 0; i < NHW; i++) {
    int reads = 0;
    double scaled = log_scaled(hw_default[i], &reads), v = num(&r, hw_default[i]);
    CHECKF(reads == 1 && fabs(v - scaled) <= 1 + 1e-9 * v,
           "%s: column %.0f, raw x enabled / running %.1f (%d reads)", hw_default[i], v, scaled,
           reads);
  }
}

static void test_multiplex(void) {
  static const char *const ev[] = {"cycles",       "instructions",    "cache-references",
                                   "cache-misses", "L1-dcache-loads", "L1-dcache-load-misses",
                                   "LLC-loads",    "LLC-load-misses"};
  mmb_counter_opts o;
  mmb_record r;
  opts(&o, "cache,task-clock");
  standin_env("4", NULL, NULL);
  CHECK(run_cell("malloc-free", "n=8000000", 1, &o, &r) == 0);
  check_filled(&r, ev, 8, 1e-3);
  double frac = num(&r, "counters_running_frac");
  CHECKF(frac > 0 && frac <= 1, "counters_running_frac %g", frac);
  if (!standin) return;
  CHECKF(fabs(frac - 0.5) < 1e-6, "8 events on 4 counters: running frac %g, expected 0.5", frac);
  /* a set share per group: the cycles group ran a quarter, the rest 3/4 */
  standin_env("4", "cycles=0.25,cache-references=0.75,L1-dcache-loads=0.75,LLC-loads=0.75", NULL);
  CHECK(run_cell("malloc-free", "n=8000000", 1, &o, &r) == 0);
  check_filled(&r, ev, 8, 1e-3);
  frac = num(&r, "counters_running_frac");
  CHECKF(fabs(frac - 0.25) < 1e-6, "running frac %g, expected 0.25 (the cycles group)", frac);
  /* each event's own share (<event>_running), as perf stat prints it: both
   * events of a group share their group's */
  static const struct {
    const char *col;
    double want;
  } share[] = {{"cycles_running", 0.25},           {"instructions_running", 0.25},
               {"cache-references_running", 0.75}, {"cache-misses_running", 0.75},
               {"L1-dcache-loads_running", 0.75},  {"LLC-load-misses_running", 0.75}};
  for (size_t i = 0; i < sizeof share / sizeof share[0]; i++)
    CHECKF(fabs(num(&r, share[i].col) - share[i].want) < 1e-6, "%s %g, expected %g", share[i].col,
           num(&r, share[i].col), share[i].want);
  /* enough counters: nothing multiplexed */
  standin_env("8", NULL, NULL);
  CHECK(run_cell("malloc-free", "n=2000000", 1, &o, &r) == 0);
  CHECKF(num(&r, "counters_running_frac") == 1.0, "running frac %g with 8 counters",
         num(&r, "counters_running_frac"));
}

static void test_ratio(void) {
  mmb_counter_opts o;
  mmb_record r;
  opts(&o, "default");
  standin_env("4", NULL, NULL);
  CHECK(run_cell("malloc-free", "n=8000000", 2, &o, &r) == 0);
  double ipc = num(&r, "ipc"), c = num(&r, "cycles"), in = num(&r, "instructions"),
         ref = num(&r, "cache-references"), mis = num(&r, "cache-misses");
  CHECKF(c > 0 && in > 0 && fabs(ipc - in / c) < 1e-5 * ipc, "ipc %g, %g / %g", ipc, in, c);
  if (!standin) {
    CHECKF(ipc > 0.02 && ipc < 10, "ipc %g", ipc);
    return;
  }
  CHECKF(fabs(ipc - 1.5) < 1e-6, "ipc %.9f, exactly 1.5 from one group", ipc);
  CHECKF(fabs(mis / ref / 0.2 - 1) < 1e-5, "misses / references %.9f, exactly 0.2", mis / ref);
  /* the plan and both workers opened each pair as one group, never apart */
  CHECKF(log_opens("instructions", "cycles", 0) == 3 && log_opens("instructions", "-", 0) == 0,
         "instructions led by cycles in %d threads, alone in %d",
         log_opens("instructions", "cycles", 0), log_opens("instructions", "-", 0));
  CHECKF(log_opens("cache-misses", "cache-references", 0) == 3 &&
             log_opens("cache-misses", "-", 0) == 0,
         "cache-misses led by cache-references in %d threads",
         log_opens("cache-misses", "cache-references", 0));
}

static void test_threads(void) {
  mmb_counter_opts o;
  mmb_record r;
  opts(&o, "cycles,instructions,task-clock");
  standin_env("4", NULL, NULL);
  /* each worker runs its share in 10 threads it creates one after another */
  CHECK(run_cell("larson", "n=4000000;round=200000;slots=1000", 2, &o, &r) == 0);
  double c = num(&r, "cycles"), cpu = num(&r, "cpu_ns"), other = num(&r, "cpu_other_ns");
  /* the work runs in the threads born in the region, not in the workers */
  CHECKF(other > 0.5 * cpu, "cpu_other_ns %g of cpu_ns %g", other, cpu);
  if (standin)
    CHECKF(c / rate("cycles") > 0.85 * cpu && c / rate("cycles") < 1.15 * cpu + 2e6,
           "cycles %.0f = %.0f ns at 3 GHz, cpu_ns %.0f", c, c / rate("cycles"), cpu);
  else
    CHECKF(c / cpu > 0.2 && c / cpu < 7, "cycles %.0f over %.0f ns of CPU", c, cpu);
  if (standin) check_filled(&r, (const char *const[]){"cycles", "instructions"}, 2, 1e-3);
}

/* The probe's entry of one event. */
static void probe(const mmb_counter_opts *o, const char *event, char *status, int *err,
                  char *reason, size_t rlen, int *hw_opened) {
  static char json[16384];
  mmb_counters_probe(o, json, sizeof json, 1);
  cJSON *j = cJSON_Parse(json);
  cJSON *e = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "events"), event);
  cJSON *s = cJSON_GetObjectItem(e, "status"), *n = cJSON_GetObjectItem(e, "errno"),
        *rs = cJSON_GetObjectItem(e, "reason");
  snprintf(status, 32, "%s", cJSON_IsString(s) ? s->valuestring : "?");
  *err = cJSON_IsNumber(n) ? n->valueint : -1;
  snprintf(reason, rlen, "%s", cJSON_IsString(rs) ? rs->valuestring : "");
  *hw_opened = cJSON_IsTrue(cJSON_GetObjectItem(j, "hardware_opened"));
  cJSON_Delete(j);
}

static int test_refused(void) {
  if (!standin) {
    printf("a real PMU counts here: refusals cannot be staged\n");
    return SKIP;
  }
  mmb_counter_opts o;
  mmb_record r;
  opts(&o, "default");
  standin_env("4", NULL, "cache-misses=EOPNOTSUPP,dTLB-load-misses=EACCES,branch-misses=ENOENT");
  static const struct {
    const char *ev, *status;
    int err;
    const char *says;
  } want[] = {{"cache-misses", "unsupported", 95, "not supported"},
              {"dTLB-load-misses", "denied", 13, "perf_event_paranoid"},
              {"branch-misses", "unsupported", 2, "not supported"}};
  for (size_t i = 0; i < 3; i++) {
    char st[32], reason[256];
    int e, hw;
    probe(&o, want[i].ev, st, &e, reason, sizeof reason, &hw);
    CHECKF(strcmp(st, want[i].status) == 0 && e == want[i].err && strstr(reason, want[i].says),
           "%s: %s errno %d '%s'", want[i].ev, st, e, reason);
    CHECK(hw); /* the others opened */
  }
  CHECK(run_cell("malloc-free", "n=4000000", 1, &o, &r) == 0);
  for (size_t i = 0; i < 3; i++) {
    char per[96];
    snprintf(per, sizeof per, "%s_per_op", want[i].ev);
    CHECKF(!mmb_record_get(&r, want[i].ev) && !mmb_record_get(&r, per), "%s = %s, expected empty",
           want[i].ev, mmb_record_get(&r, want[i].ev));
  }
  static const char *const ok[] = {"cycles", "instructions", "cache-references",
                                   "L1-dcache-load-misses"};
  check_filled(&r, ok, 4, 1e-3);
  CHECK(num(&r, "ipc") > 0 && num(&r, "task-clock") > 0);
  /* 4 hardware events left on 4 counters: none multiplexed */
  CHECKF(num(&r, "counters_running_frac") == 1.0, "running frac %g",
         num(&r, "counters_running_frac"));
  return mmb_test_exit();
}

static int test_split(void) {
  if (!standin) {
    printf("a real PMU counts here: a group refusal cannot be staged\n");
    return SKIP;
  }
  mmb_counter_opts o;
  mmb_record r;
  opts(&o, "default");
  standin_env("1", NULL, NULL); /* one counter: every pair refused (EINVAL) */
  CHECK(run_cell("malloc-free", "n=8000000", 1, &o, &r) == 0);
  CHECKF(log_opens("instructions", "cycles", 22) >= 1, "the pair was refused %d times",
         log_opens("instructions", "cycles", 22));
  CHECKF(log_opens("instructions", "-", 0) >= 1 && log_opens("instructions", "cycles", 0) == 0,
         "instructions then opened alone");
  check_filled(&r, hw_default, NHW, 1e-3);
  CHECKF(fabs(num(&r, "counters_running_frac") - 1.0 / 7) < 1e-6, "running frac %g, expected 1/7",
         num(&r, "counters_running_frac"));
  return mmb_test_exit();
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "default";
  int (*active)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "mmb_standin_active");
  standin = active && active();
  mmb_pe_status st;
  mmb_pe_probe_event("cycles", &st); /* the suite's own probe decides */
  if (!st.ok) {
    mmb_pe_status tc;
    mmb_pe_probe_event("task-clock", &tc);
    if (!tc.ok) {
      printf("perf events blocked here (%s): nothing can be counted\n", tc.reason);
      return SKIP;
    }
    fprintf(stderr, "cycles do not open (%s) although %s\n", st.reason,
            active ? "the PMU stand-in is preloaded" : "task-clock does (preload the stand-in)");
    return 1;
  }
  printf("hardware events: %s\n", standin ? "PMU stand-in (exact checks)" : "real PMU");
  if (standin) {
    snprintf(logpath, sizeof logpath, "/tmp/mmb-standin-%d.log", (int)getpid());
    setenv("MMB_STANDIN_LOG", logpath, 1);
  }
  int rc = -1;
  if (strcmp(mode, "default") == 0)
    test_default();
  else if (strcmp(mode, "multiplex") == 0)
    test_multiplex();
  else if (strcmp(mode, "ratio") == 0)
    test_ratio();
  else if (strcmp(mode, "threads") == 0)
    test_threads();
  else if (strcmp(mode, "refused") == 0)
    rc = test_refused();
  else if (strcmp(mode, "split") == 0)
    rc = test_split();
  else {
    fprintf(stderr, "usage: test_counters_pmu default|multiplex|ratio|threads|refused|split\n");
    return 2;
  }
  if (logpath[0]) unlink(logpath);
  return rc >= 0 ? rc : mmb_test_exit();
}
