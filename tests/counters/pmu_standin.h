/* mmbench tests — the PMU stand-in's contract (pmu_standin.c): what each
 * hardware event it serves counts per nanosecond of the thread's CPU time,
 * and the environment that steers it. The tests compute the exact truth
 * from the same table. */
#ifndef MMB_PMU_STANDIN_H
#define MMB_PMU_STANDIN_H

/* Environment:
 *   MMB_STANDIN_COUNTERS  general-purpose counters (default 4): a group of
 *                         more hardware events is refused with EINVAL, and
 *                         a thread with more hardware events than counters
 *                         is multiplexed (each runs counters/events of the
 *                         time it is enabled) unless MMB_STANDIN_RUNNING says
 *   MMB_STANDIN_RUNNING   share of time_enabled an event runs: "0.5" for
 *                         every hardware event, or "cycles=0.25,..." per
 *                         event (a group runs at its leader's share)
 *   MMB_STANDIN_REFUSE    "cache-misses=EOPNOTSUPP,dTLB-load-misses=EACCES":
 *                         perf_event_open of that event fails with that errno
 *                         (ENOENT, EOPNOTSUPP, EACCES, EINVAL)
 *   MMB_STANDIN_LOG       file: one line per open ("open tid=T event=E
 *                         leader=L fd=F errno=N") and per read ("read
 *                         event=E ns=N raw=R enabled=E running=R")
 *   MMB_STANDIN_FORCE     1: serve hardware events even where a real PMU
 *                         counts them (by default the stand-in steps aside
 *                         there, and the tests measure the real PMU)
 * mmb_standin_active() (exported) says whether it serves them here. */

/* Events per nanosecond of task-clock; raw events (PERF_TYPE_RAW) and any
 * generic event not listed count MMB_STANDIN_OTHER. */
static const struct mmb_standin_rate {
  const char *name;
  double per_ns;
} mmb_standin_rates[] = {
    {"cycles", 3.0},                 /* a 3 GHz core */
    {"instructions", 4.5},           /* IPC 1.5 */
    {"cache-references", 0.05},      /* */
    {"cache-misses", 0.01},          /* miss ratio 0.2 */
    {"branches", 0.9},               /* */
    {"branch-misses", 0.002},        /* */
    {"ref-cycles", 2.0},             /* */
    {"L1-dcache-loads", 1.5},        /* */
    {"L1-dcache-load-misses", 0.02}, /* */
    {"LLC-loads", 0.04},             /* */
    {"LLC-load-misses", 0.008},      /* */
    {"dTLB-loads", 1.4},             /* */
    {"dTLB-load-misses", 0.001},     /* */
    {"iTLB-load-misses", 0.0005},    /* */
};
#define MMB_STANDIN_OTHER 0.1
#define MMB_STANDIN_NRATES (sizeof mmb_standin_rates / sizeof mmb_standin_rates[0])

#endif
