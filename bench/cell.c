/* mmbench — a cell in one process (see cell.h). */
#define _GNU_SOURCE
#include "cell.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cli_util.h"

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

/* ---------------------------------------------------------------------------
 * Worker threads
 * ------------------------------------------------------------------------- */
typedef struct cell_run {
  const mmb_cell_spec *spec;
  mmb_ctx *ctx;
  mmb_counters *counters;
  pthread_barrier_t start;   /* workers + timer thread */
  pthread_barrier_t stop;    /* workers + timer thread */
  pthread_barrier_t workers; /* workers only: ctx->thread_barrier */
  uint64_t ops[MMB_MAX_THREADS];
  uint64_t cpu_ns[MMB_MAX_THREADS]; /* each worker's own CPU time in the region */
} cell_run;

typedef struct worker_arg {
  cell_run *run;
  int tid;
} worker_arg;

static void workers_barrier(mmb_ctx *ctx) {
  cell_run *run = ctx->harness;
  pthread_barrier_wait(&run->workers);
}

static void *worker_main(void *p) {
  worker_arg *wa = p;
  cell_run *run = wa->run;
  const mmb_allocator *a = run->spec->alloc;
  if (a->thread_attach) a->thread_attach();
  mmb_thread_counters *tc = mmb_counters_thread_open(run->counters);
  pthread_barrier_wait(&run->start);
  mmb_counters_thread_start(tc);
  uint64_t c0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
  run->ops[wa->tid] = run->spec->workload->run(run->ctx, wa->tid);
  run->cpu_ns[wa->tid] = now_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
  mmb_counters_thread_stop(tc);
  pthread_barrier_wait(&run->stop);
  mmb_counters_thread_close(run->counters, tc);
  if (a->thread_detach) a->thread_detach();
  return NULL;
}

static void notify(int fd, const char *what) {
  if (fd < 0) return;
  ssize_t rc = write(fd, what, strlen(what));
  (void)rc;
}

/* ---------------------------------------------------------------------------
 * The cell
 * ------------------------------------------------------------------------- */
static void set_ru(mmb_record *rec, const char *name, long after, long before) {
  mmb_record_set_u64(rec, name, (uint64_t)(after - before));
}

int mmb_cell_execute(const mmb_cell_spec *spec, mmb_record *rec) {
  const mmb_workload *w = spec->workload;
  const mmb_allocator *a = spec->alloc;
  int threads = spec->threads;
  mmb_record_init(rec, "ok");
  if (threads < 1 || threads > MMB_MAX_THREADS) {
    mmb_record_fail(rec, "error", "threads must be 1..%d", MMB_MAX_THREADS);
    return -1;
  }
  if (threads < w->min_threads || (w->max_threads && threads > w->max_threads)) {
    mmb_record_fail(rec, "error", "%s runs with %d..%d threads, not %d", w->name, w->min_threads,
                    w->max_threads ? w->max_threads : MMB_MAX_THREADS, threads);
    return -1;
  }
  if (a->unavailable) {
    mmb_record_fail(rec, "error", "allocator %s unavailable: %s", a->name, a->unavailable);
    return -1;
  }
  if (spec->counters.latency_every) a = mmb_latency_wrap(a, spec->counters.latency_every);

  mmb_ctx ctx;
  memset(&ctx, 0, sizeof ctx);
  ctx.alloc = a;
  for (int i = 0; i < MMB_MAX_PARAMS; i++) {
    ctx.p[i] = spec->params.v[i];
    ctx.str[i] = spec->params.s[i];
  }
  ctx.threads = threads;
  ctx.seed = spec->seed;
  int touch_idx = mmb_workload_param_index(w, "touch");
  ctx.touch = spec->verify ? MMB_TOUCH_VERIFY
              : touch_idx >= 0 ? (int)spec->params.v[touch_idx]
                               : MMB_TOUCH_WORD;
  ctx.thread_barrier = workers_barrier;

  if (a->init) {
    int rc = a->init();
    if (rc != 0) {
      mmb_record_fail(rec, "error", "allocator %s failed to initialise: %s", a->name,
                      strerror(-rc));
      return 0;
    }
  }
  if (a->thread_attach) a->thread_attach(); /* setup and verify run on this thread */

  cell_run *run = calloc(1, sizeof *run);
  worker_arg *args = calloc((size_t)threads, sizeof *args);
  pthread_t *tids = calloc((size_t)threads, sizeof *tids);
  if (!run || !args || !tids) {
    mmb_record_fail(rec, "error", "out of memory preparing the cell");
    free(run), free(args), free(tids);
    return -1;
  }
  run->spec = spec;
  run->ctx = &ctx;
  ctx.harness = run;

  if (w->setup && w->setup(&ctx) != 0) {
    mmb_record_fail(rec, "error", "setup failed: %s", ctx.reason[0] ? ctx.reason : "no reason");
    goto out;
  }
  run->counters = mmb_counters_cell_open(&spec->counters);
  pthread_barrier_init(&run->start, NULL, (unsigned)threads + 1);
  pthread_barrier_init(&run->stop, NULL, (unsigned)threads + 1);
  pthread_barrier_init(&run->workers, NULL, (unsigned)threads);
  int started = 0;
  for (; started < threads; started++) {
    args[started] = (worker_arg){run, started};
    if (pthread_create(&tids[started], NULL, worker_main, &args[started]) != 0) break;
  }
  if (started < threads) {
    /* Cannot release a partial barrier safely: report and leave. */
    mmb_record_fail(rec, "error", "could not create %d threads (made %d)", threads, started);
    fflush(stdout);
    _exit(3);
  }

  struct rusage ru0, ru1;
  getrusage(RUSAGE_SELF, &ru0);
  notify(spec->notify_fd, "start\n");
  mmb_counters_region_start(run->counters);
  uint64_t t0 = now_ns(CLOCK_MONOTONIC);
  pthread_barrier_wait(&run->start);
  pthread_barrier_wait(&run->stop);
  uint64_t t1 = now_ns(CLOCK_MONOTONIC);
  mmb_counters_region_stop(run->counters);
  notify(spec->notify_fd, "end\n");
  getrusage(RUSAGE_SELF, &ru1);
  long final_rss = mmb_rss_kb();
  for (int i = 0; i < threads; i++) pthread_join(tids[i], NULL);

  /* CPU time: the sum of the workers' own clocks (the process clock lags
   * for threads running on other CPUs until they are descheduled) */
  uint64_t ops = 0, cpu = 0;
  for (int i = 0; i < threads; i++) ops += run->ops[i], cpu += run->cpu_ns[i];
  int bad = w->verify ? w->verify(&ctx) : 0;

  mmb_record_set_u64(rec, "wall_ns", t1 - t0);
  mmb_record_set_u64(rec, "cpu_ns", cpu);
  mmb_record_set_u64(rec, "ops", ops);
  mmb_record_set_f(rec, "ns_per_op", ops ? (double)(t1 - t0) / (double)ops : 0.0);
  mmb_record_set_u64(rec, "peak_rss_kb", (uint64_t)ru1.ru_maxrss);
  set_ru(rec, "minflt", ru1.ru_minflt, ru0.ru_minflt);
  set_ru(rec, "majflt", ru1.ru_majflt, ru0.ru_majflt);
  set_ru(rec, "nvcsw", ru1.ru_nvcsw, ru0.ru_nvcsw);
  set_ru(rec, "nivcsw", ru1.ru_nivcsw, ru0.ru_nivcsw);
  mmb_record_set_u64(rec, "live_bytes", ctx.live_bytes);
  if (final_rss >= 0) mmb_record_set_u64(rec, "final_rss_kb", (uint64_t)final_rss);
  if (ctx.live_bytes > 0)
    mmb_record_set_f(rec, "rss_per_live", (double)ru1.ru_maxrss * 1024.0 / (double)ctx.live_bytes);
  char sum[24];
  snprintf(sum, sizeof sum, "%016llx", (unsigned long long)ctx.checksum);
  mmb_record_set(rec, "checksum", sum);
  mmb_alloc_stats st;
  memset(&st, 0, sizeof st);
  if (a->stats && a->stats(&st) == 0 && (a->caps & MMB_CAP_GRAPH))
    mmb_record_set_u64(rec, "reclaimed", st.reclaimed);
  mmb_counters_cell_report(run->counters, ops, rec);
  if (spec->counters.latency_every) mmb_latency_report(rec);
  if (bad) mmb_record_fail(rec, "corrupt", "%s", ctx.reason[0] ? ctx.reason : "verification failed");

  mmb_counters_cell_close(run->counters);
  pthread_barrier_destroy(&run->start);
  pthread_barrier_destroy(&run->stop);
  pthread_barrier_destroy(&run->workers);
out:
  if (w->teardown) w->teardown(&ctx);
  if (a->thread_detach) a->thread_detach();
  if (a->fini) a->fini();
  free(run), free(args), free(tids);
  return 0;
}
