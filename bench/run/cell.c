/* mmbench — a cell in one process (see cell.h). */
#define _GNU_SOURCE
#include "cell.h"

#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <sched.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"

/* ---------------------------------------------------------------------------
 * Clocks and resource usage
 * ------------------------------------------------------------------------- */
static uint64_t now_ns(clockid_t clk) {
  struct timespec ts;
  clock_gettime(clk, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

long mmb_rss_kb(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  long size = 0, resident = 0;
  if (!f) return -1;
  if (fscanf(f, "%ld %ld", &size, &resident) != 2) resident = -1;
  fclose(f);
  return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* The region's memory: VmHWM (the high-water mark of RSS, which writing 5
 * to /proc/self/clear_refs resets to the RSS of the moment), in KiB, or -1. */
static long vm_hwm_kb(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kb = -1;
  if (!f) return -1;
  while (fgets(line, sizeof line, f))
    if (strncmp(line, "VmHWM:", 6) == 0 && sscanf(line + 6, "%ld", &kb) != 1) kb = -1;
  fclose(f);
  return kb;
}

int mmb_reset_hwm(void) {
  int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -errno;
  int rc = write(fd, "5", 1) == 1 ? 0 : -errno;
  close(fd);
  return rc;
}

long mmb_region_peak_kb(void) { return vm_hwm_kb(); }

/* CPUs this process may run on (its affinity, so pinning counts). */
static int usable_cpus(void) {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return CPU_COUNT(&set);
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
}

/* ---------------------------------------------------------------------------
 * Worker threads
 *
 * Every worker attaches to the allocator and opens its counters, then meets
 * the timing thread at `ready`. Only then does the timing thread reset the
 * memory high-water mark, take the baselines and the start time, and
 * release everybody through `start`: thread start-up, attaching and opening
 * counters are outside the region. The workers stop at `stop`.
 *
 * When every worker has a CPU of its own (threads <= usable CPUs), the
 * release is a spin instead of a barrier: each worker spins on `go` and the
 * timing thread takes the start time and sets it once all are spinning. A
 * barrier's wake-up can queue two woken workers on one CPU until the next
 * scheduler tick; on a 2-vCPU machine that made one 2-thread repetition in
 * seven run its workers one after the other (twice the wall time), 6 of 40
 * processes of a plain two-thread program against 0 of 40 with the spin.
 * ------------------------------------------------------------------------- */
typedef struct cell_run {
  const mmb_cell_spec *spec;
  mmb_ctx *ctx;
  mmb_counters *counters;
  pthread_barrier_t ready;   /* workers + timer thread: all set up */
  pthread_barrier_t start;   /* workers + timer thread */
  pthread_barrier_t stop;    /* workers + timer thread */
  pthread_barrier_t workers; /* workers only: ctx->thread_barrier */
  int spin;                  /* release by spinning on go, not through start */
  atomic_int spinning;       /* workers spinning on go */
  atomic_int go;             /* set by the timing thread: the region starts */
  uint64_t ops[MMB_MAX_THREADS];
  uint64_t cpu_ns[MMB_MAX_THREADS];  /* each worker's own CPU time in the region */
  uint64_t life_ns[MMB_MAX_THREADS]; /* each worker's CPU time from its start to its end */
} cell_run;

typedef struct worker_arg {
  cell_run *run;
  int tid;
} worker_arg;

static void workers_barrier(mmb_ctx *ctx) {
  cell_run *run = ctx->harness;
  pthread_barrier_wait(&run->workers);
}

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

/* The timing thread's side of the release (see above): the start time, then
 * the workers go. */
static uint64_t release_workers(cell_run *run, int threads) {
  if (!run->spin) {
    uint64_t t0 = now_ns(CLOCK_MONOTONIC);
    pthread_barrier_wait(&run->start);
    return t0;
  }
  while (atomic_load(&run->spinning) < threads) sched_yield();
  uint64_t t0 = now_ns(CLOCK_MONOTONIC);
  atomic_store_explicit(&run->go, 1, memory_order_release);
  return t0;
}

static void *worker_main(void *p) {
  worker_arg *wa = p;
  cell_run *run = wa->run;
  const mmb_allocator *a = run->spec->alloc;
  if (a->thread_attach) a->thread_attach();
  mmb_thread_counters *tc = mmb_counters_thread_open(run->counters);
  pthread_barrier_wait(&run->ready);
  if (run->spin) {
    atomic_fetch_add(&run->spinning, 1);
    while (!atomic_load_explicit(&run->go, memory_order_acquire)) cpu_relax();
  } else {
    pthread_barrier_wait(&run->start);
  }
  mmb_counters_thread_start(tc);
  uint64_t c0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
  run->ops[wa->tid] = run->spec->workload->run(run->ctx, wa->tid);
  run->cpu_ns[wa->tid] = now_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
  mmb_counters_thread_stop(tc);
  pthread_barrier_wait(&run->stop);
  mmb_counters_thread_close(run->counters, tc);
  if (a->thread_detach) a->thread_detach();
  run->life_ns[wa->tid] = now_ns(CLOCK_THREAD_CPUTIME_ID);
  return NULL;
}

/* A 1-thread cell on the main thread: the same protocol as a worker's (its
 * counters opened before, started and stopped around the work, its own CPU
 * clock), with no barrier to pass: the clock holds only the work. */
static void main_region(cell_run *run, mmb_thread_counters *tc, uint64_t *t0, uint64_t *t1) {
  mmb_counters_thread_start(tc);
  uint64_t c0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
  *t0 = now_ns(CLOCK_MONOTONIC);
  run->ops[0] = run->spec->workload->run(run->ctx, 0);
  *t1 = now_ns(CLOCK_MONOTONIC);
  run->cpu_ns[0] = now_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
  mmb_counters_thread_stop(tc);
}

static void notify(int fd, const char *what) {
  if (fd < 0) return;
  ssize_t rc = write(fd, what, strlen(what));
  (void)rc;
}

/* ---------------------------------------------------------------------------
 * The cell
 * ------------------------------------------------------------------------- */
/* The workers' CPUs from "3,7,..." (each one this process may run on). The
 * count, or -1 with the record failed (status error, and why). */
static int worker_cpus(const char *list, int *cpus, mmb_record *rec) {
  cpu_set_t mine;
  CPU_ZERO(&mine);
  if (sched_getaffinity(0, sizeof mine, &mine) != 0) CPU_ZERO(&mine);
  int n = 0;
  for (const char *s = list; *s && n < MMB_MAX_THREADS;) {
    char *end;
    long c = strtol(s, &end, 10);
    if (end == s || c < 0 || c >= CPU_SETSIZE || (*end && *end != ',')) {
      mmb_record_fail(rec, MMB_ST_ERROR, "worker CPUs '%s' are not a comma list of CPU numbers",
                      list);
      return -1;
    }
    if (!CPU_ISSET((int)c, &mine)) {
      mmb_record_fail(rec, MMB_ST_ERROR,
                      "worker CPU %ld is not one this process may run on (placement from another "
                      "machine's topology?)",
                      c);
      return -1;
    }
    cpus[n++] = (int)c;
    s = *end ? end + 1 : end;
  }
  return n;
}

static void set_ru(mmb_record *rec, const char *name, long after, long before) {
  mmb_record_set_u64(rec, name, (uint64_t)(after - before));
}

/* Threads and allocator usable for this workload. 0, or -1 with the
 * record failed. */
static int cell_check(const mmb_cell_spec *spec, mmb_record *rec) {
  const mmb_workload *w = spec->workload;
  const mmb_allocator *a = spec->alloc;
  int threads = spec->threads;
  if (threads < 1 || threads > MMB_MAX_THREADS) {
    mmb_record_fail(rec, MMB_ST_ERROR, "threads must be 1..%d", MMB_MAX_THREADS);
    return -1;
  }
  if (threads < w->min_threads || (w->max_threads && threads > w->max_threads)) {
    mmb_record_fail(rec, MMB_ST_ERROR, "%s runs with %d..%d threads, not %d", w->name,
                    w->min_threads, w->max_threads ? w->max_threads : MMB_MAX_THREADS, threads);
    return -1;
  }
  if (a->unavailable) {
    mmb_record_fail(rec, MMB_ST_ERROR, "allocator %s unavailable: %s", a->name, a->unavailable);
    return -1;
  }
  return 0;
}

/* The workload's context: allocator, parameters, threads, seed, touch. */
static void ctx_init(mmb_ctx *ctx, const mmb_cell_spec *spec, const mmb_allocator *a) {
  const mmb_workload *w = spec->workload;
  memset(ctx, 0, sizeof *ctx);
  ctx->alloc = a;
  for (int i = 0; i < MMB_MAX_PARAMS; i++) {
    ctx->p[i] = spec->params.v[i];
    ctx->str[i] = spec->params.s[i];
  }
  ctx->threads = spec->threads;
  ctx->seed = spec->seed;
  int touch_idx = mmb_workload_param_index(w, "touch");
  ctx->touch = spec->verify     ? MMB_TOUCH_VERIFY
               : touch_idx >= 0 ? (int)spec->params.v[touch_idx]
                                : MMB_TOUCH_WORD;
  ctx->thread_barrier = workers_barrier;
  for (int i = 0; i < MMB_MAX_FIGS; i++) ctx->fig[i] = NAN;
}

/* What the region measured, as mmb_cell_execute took it. */
typedef struct region_figures {
  uint64_t wall, cpu, other, ops;
  long peak_rss, base_rss, cg_peak, final_rss; /* kB, -1: not known */
  struct rusage ru0, ru1;                      /* before and after the region */
} region_figures;

/* The record of a region: time, memory, faults, checksum. */
static void record_region(mmb_record *rec, const region_figures *f, const mmb_ctx *ctx,
                          const mmb_allocator *a, int threads) {
  mmb_record_set_u64(rec, "wall_ns", f->wall);
  mmb_record_set_u64(rec, "cpu_ns", f->cpu + f->other);
  mmb_record_set_u64(rec, "cpu_other_ns", f->other);
  mmb_record_set_u64(rec, "ops", f->ops);
  mmb_record_set_f(rec, "ns_per_op", f->ops ? (double)f->wall / (double)f->ops : 0.0);
  mmb_record_set_u64(rec, "oversubscribed", threads > usable_cpus());
  /* Memory of the region: the high-water mark since the region started (or,
   * where clear_refs is unavailable, the process's lifetime peak, which
   * leaves base_rss_kb and rss_per_live empty) */
  if (f->peak_rss >= 0 && f->base_rss >= 0) {
    mmb_record_set_u64(rec, "peak_rss_kb", (uint64_t)f->peak_rss);
    mmb_record_set_u64(rec, "base_rss_kb", (uint64_t)f->base_rss);
    if (ctx->live_bytes > 0)
      mmb_record_set_f(rec, "rss_per_live",
                       (double)(f->peak_rss > f->base_rss ? f->peak_rss - f->base_rss : 0) *
                           1024.0 / (double)ctx->live_bytes);
  } else {
    mmb_record_set_u64(rec, "peak_rss_kb", (uint64_t)f->ru1.ru_maxrss);
  }
  if (f->cg_peak >= 0) mmb_record_set_u64(rec, "cgroup_peak_kb", (uint64_t)f->cg_peak);
  set_ru(rec, "minflt", f->ru1.ru_minflt, f->ru0.ru_minflt);
  set_ru(rec, "majflt", f->ru1.ru_majflt, f->ru0.ru_majflt);
  set_ru(rec, "nvcsw", f->ru1.ru_nvcsw, f->ru0.ru_nvcsw);
  set_ru(rec, "nivcsw", f->ru1.ru_nivcsw, f->ru0.ru_nivcsw);
  mmb_record_set_u64(rec, "live_bytes", ctx->live_bytes);
  if (f->final_rss >= 0) mmb_record_set_u64(rec, "final_rss_kb", (uint64_t)f->final_rss);
  char sum[24];
  snprintf(sum, sizeof sum, "%016llx", (unsigned long long)ctx->checksum);
  mmb_record_set(rec, "checksum", sum);
  mmb_alloc_stats st;
  memset(&st, 0, sizeof st);
  if (a->stats && a->stats(&st) == 0 && (a->caps & MMB_CAP_GRAPH))
    mmb_record_set_u64(rec, "reclaimed", st.reclaimed);
}

/* The figures the workload declares and reported (workload.h). */
static void record_figures(mmb_record *rec, const mmb_workload *w, const mmb_ctx *ctx) {
  for (int i = 0; i < mmb_workload_nfigs(w) && i < MMB_MAX_FIGS; i++)
    if (!isnan(ctx->fig[i])) mmb_record_set_f(rec, w->figures[i].name, ctx->fig[i]);
}

/* The allocator set up for the cell, attached to this thread (setup and
 * verify run on it). 0, or -1 with the record failed. */
static int alloc_start(const mmb_allocator *a, int threads, mmb_record *rec) {
  /* An allocator that runs threads of its own (Boehm's parallel markers)
   * may size them to the cell; the others ignore the key. */
  if (a->tune) (void)a->tune("threads", (double)threads);
  if (a->init) {
    int rc = a->init();
    if (rc != 0) {
      mmb_record_fail(rec, MMB_ST_ERROR, "allocator %s failed to initialise: %s", a->name,
                      strerror(-rc));
      return -1;
    }
  }
  if (a->thread_attach) a->thread_attach();
  return 0;
}

/* The cell's barriers: workers and the timing thread meet at ready, start
 * and stop; the workers alone at workers (ctx->thread_barrier). */
static void barriers_init(cell_run *run, int threads) {
  pthread_barrier_init(&run->ready, NULL, (unsigned)threads + 1);
  pthread_barrier_init(&run->start, NULL, (unsigned)threads + 1);
  pthread_barrier_init(&run->stop, NULL, (unsigned)threads + 1);
  pthread_barrier_init(&run->workers, NULL, (unsigned)threads);
}

/* After the region: the cgroup's watch, the counters and the barriers go. */
static void region_close(cell_run *run, mmb_cgroup_cell *cg) {
  mmb_cgroup_cell_close(cg);
  mmb_counters_cell_close(run->counters);
  pthread_barrier_destroy(&run->ready);
  pthread_barrier_destroy(&run->start);
  pthread_barrier_destroy(&run->stop);
  pthread_barrier_destroy(&run->workers);
}

/* This thread onto CPU cpu alone. */
static void pin_self(int cpu) {
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(cpu, &one);
  sched_setaffinity(0, sizeof one, &one);
}

/* Workers started..threads-1 created (on cpus when placed). The count of
 * workers there are (threads, unless a creation failed). */
static int start_workers(cell_run *run, worker_arg *args, pthread_t *tids, int started, int threads,
                         const int *cpus, int ncpus) {
  for (; started < threads; started++) {
    args[started] = (worker_arg){run, started};
    /* placed workers start on their CPU: the affinity is set before the
     * thread exists, far from the region */
    pthread_attr_t attr, *ap = NULL;
    if (ncpus > 0 && pthread_attr_init(&attr) == 0) {
      cpu_set_t one;
      CPU_ZERO(&one);
      CPU_SET(cpus[started % ncpus], &one);
      pthread_attr_setaffinity_np(&attr, sizeof one, &one);
      ap = &attr;
    }
    int prc = pthread_create(&tids[started], ap, worker_main, &args[started]);
    if (ap) pthread_attr_destroy(ap);
    if (prc != 0) break;
  }
  return started;
}

/* Operations and CPU of the region into f, from the workers' counts and the
 * process's and this thread's CPU clocks (p0, p1; m0, m1). */
static void region_cpu(const cell_run *run, int threads, uint64_t p0, uint64_t p1, uint64_t m0,
                       uint64_t m1, region_figures *f) {
  /* CPU time of the region: each worker's own clock over its run(), plus
   * the CPU of every other thread of the process meanwhile (threads a
   * workload starts inside the region, a collector's helper threads): the
   * process's total between p0 and p1 (exact: all workers have exited)
   * less this thread's and the workers' whole lives (on the main thread:
   * less this thread's, which holds the work; no worker lives). */
  uint64_t ops = 0, cpu = 0, lives = 0;
  for (int i = 0; i < threads; i++)
    ops += run->ops[i], cpu += run->cpu_ns[i], lives += run->life_ns[i];
  uint64_t spent = p1 - p0, mine = m1 - m0;
  uint64_t other = spent > mine + lives ? spent - mine - lives : 0;
  f->ops = ops;
  f->cpu = cpu;
  f->other = other;
}

/* The cell's record: the region's figures, the workload's, the counters'
 * (and the latencies'), and a failed verification (bad). */
static void record_cell(mmb_record *rec, const mmb_cell_spec *spec, const mmb_ctx *ctx,
                        const mmb_allocator *a, mmb_counters *counters, const region_figures *f,
                        int bad) {
  record_region(rec, f, ctx, a, spec->threads);
  record_figures(rec, spec->workload, ctx);
  mmb_counters_cell_report(counters, f->ops, rec);
  if (spec->counters.latency_every) mmb_latency_report(rec);
  if (bad)
    mmb_record_fail(rec, MMB_ST_CORRUPT, "%s",
                    ctx->reason[0] ? ctx->reason : "verification failed");
}

/* The measured region of a set-up cell and its record: counters and the
 * memory watch opened, workers started (or the main thread), the region
 * (release_workers .. stop), then the figures, the workload's verification
 * and the record. */
static void region(cell_run *run, const mmb_allocator *a, worker_arg *args, pthread_t *tids,
                   const int *cpus, int ncpus, mmb_record *rec) {
  const mmb_cell_spec *spec = run->spec;
  const mmb_workload *w = spec->workload;
  int threads = spec->threads;
  run->counters = mmb_counters_cell_open(&spec->counters);
  mmb_cgroup_cell cg;
  mmb_cgroup_cell_open(&cg);
  barriers_init(run, threads);
  /* Process CPU time and this thread's, before any worker exists: with only
   * this thread running, the process clock is exact (it lags only for
   * threads running on other CPUs). */
  uint64_t p0 = now_ns(CLOCK_PROCESS_CPUTIME_ID), m0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
  int on_main = threads == 1 && !spec->worker_thread, started = on_main ? threads : 0;
  if (on_main && ncpus > 0) pin_self(cpus[0]); /* placed: the main thread works on its CPU */
  mmb_thread_counters *main_tc = on_main ? mmb_counters_thread_open_main(run->counters) : NULL;
  started = start_workers(run, args, tids, started, threads, cpus, ncpus);
  if (started < threads) {
    /* Cannot release a partial barrier safely: report and leave. */
    mmb_record_fail(rec, MMB_ST_ERROR, "could not create %d threads (made %d)", threads, started);
    fflush(stdout);
    _exit(3);
  }

  if (!on_main) pthread_barrier_wait(&run->ready); /* every worker attached, counters open */
  int hwm_rc = mmb_reset_hwm();
  long base_rss = mmb_rss_kb();
  mmb_cgroup_cell_reset(&cg);
  struct rusage ru0, ru1;
  getrusage(RUSAGE_SELF, &ru0);
  notify(spec->notify_fd, "start\n");
  mmb_counters_region_start(run->counters);
  uint64_t t0, t1;
  if (on_main) {
    main_region(run, main_tc, &t0, &t1);
  } else {
    t0 = release_workers(run, threads);
    pthread_barrier_wait(&run->stop);
    t1 = now_ns(CLOCK_MONOTONIC);
  }
  mmb_counters_region_stop(run->counters);
  if (on_main) mmb_counters_thread_close(run->counters, main_tc);
  long peak_rss = hwm_rc == 0 ? mmb_region_peak_kb() : -1;
  long cg_peak = mmb_cgroup_cell_peak_kb(&cg);
  notify(spec->notify_fd, "end\n");
  getrusage(RUSAGE_SELF, &ru1);
  long final_rss = mmb_rss_kb();
  for (int i = 0; i < threads && !on_main; i++) pthread_join(tids[i], NULL);
  uint64_t p1 = now_ns(CLOCK_PROCESS_CPUTIME_ID), m1 = now_ns(CLOCK_THREAD_CPUTIME_ID);

  region_figures f = {.wall = t1 - t0,
                      .peak_rss = peak_rss,
                      .base_rss = base_rss,
                      .cg_peak = cg_peak,
                      .final_rss = final_rss,
                      .ru0 = ru0,
                      .ru1 = ru1};
  region_cpu(run, threads, p0, p1, m0, m1, &f);
  int bad = w->verify ? w->verify(run->ctx) : 0;
  record_cell(rec, spec, run->ctx, a, run->counters, &f, bad);
  region_close(run, &cg);
}

int mmb_cell_execute(const mmb_cell_spec *spec, mmb_record *rec) {
  const mmb_workload *w = spec->workload;
  const mmb_allocator *a = spec->alloc;
  int threads = spec->threads;
  mmb_record_init(rec, MMB_ST_OK);
  if (cell_check(spec, rec) != 0) return -1;
  int cpus[MMB_MAX_THREADS], ncpus = 0;
  if (spec->cpus && *spec->cpus && (ncpus = worker_cpus(spec->cpus, cpus, rec)) < 0) return 0;
  if (spec->counters.latency_every) a = mmb_latency_wrap(a, spec->counters.latency_every);

  mmb_ctx ctx;
  ctx_init(&ctx, spec, a);

  if (alloc_start(a, threads, rec) != 0) return 0;

  int rc = 0;
  cell_run *run = calloc(1, sizeof *run);
  worker_arg *args = calloc((size_t)threads, sizeof *args);
  pthread_t *tids = calloc((size_t)threads, sizeof *tids);
  if (!run || !args || !tids) {
    mmb_record_fail(rec, MMB_ST_ERROR, "out of memory preparing the cell");
    rc = -1;
    goto freed;
  }
  run->spec = spec;
  run->ctx = &ctx;
  run->spin = threads <= usable_cpus() && (ncpus == 0 || ncpus >= threads);
  ctx.harness = run;

  if (w->setup && w->setup(&ctx) != 0) {
    mmb_record_fail(rec, MMB_ST_ERROR, "setup failed: %s",
                    ctx.reason[0] ? ctx.reason : "no reason");
    goto out;
  }
  region(run, a, args, tids, cpus, ncpus, rec);
out:
  if (w->teardown) w->teardown(&ctx);
  if (a->thread_detach) a->thread_detach();
  if (a->fini) a->fini();
freed:
  free(run), free(args), free(tids);
  return rc;
}
