/* mmbench tests — what the measured region covers, with workloads made for
 * it and run through mmb_cell_execute:
 *   - CPU time (cpu_ns) and the task-clock counter include threads that a
 *     worker starts inside the region;
 *   - CPU burnt in setup and verification is outside;
 *   - the region's memory: a large setup peak is not the region's peak
 *     (VmHWM reset at the region's start), the baseline is recorded, and
 *     the region's own growth is seen;
 *   - the oversubscribed mark follows threads vs usable CPUs;
 *   - Boehm's parallel markers are limited to the cell's thread count;
 *   - a 1-thread cell works on the main thread with no other thread ever
 *     created (glibc's single-thread state), unless worker_thread asks for
 *     a thread beside it; its CPU time and region are still the work's. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/single_threaded.h>
#include <unistd.h>
#include <dirent.h>
#include <time.h>

#include "../check.h"
#include "cell.h"
#include "cli_util.h"
#include "counters_int.h"
#include "params.h"

#define MS 1000000ull

static uint64_t thread_cpu_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Spin until this thread has used ns of CPU (not wall) time. */
static void burn(uint64_t ns) {
  uint64_t t0 = thread_cpu_ns();
  volatile uint64_t x = 0;
  while (thread_cpu_ns() - t0 < ns) x++;
}

/* ---- spawner: each worker starts two threads that burn 120 ms each ---- */
static void *spin_thread(void *arg) {
  (void)arg;
  burn(120 * MS);
  return NULL;
}

static uint64_t spawn_run(mmb_ctx *ctx, int tid) {
  (void)ctx, (void)tid;
  pthread_t th[2];
  int made = 0;
  for (; made < 2; made++)
    if (pthread_create(&th[made], NULL, spin_thread, NULL) != 0) break;
  for (int i = 0; i < made; i++) pthread_join(th[i], NULL);
  return (uint64_t)made;
}

static const mmb_param no_params[] = {{0}};
static const mmb_workload wl_spawner = {.name = "test-spawner",
                                        .family = "test",
                                        .description = "threads started in the region",
                                        .params = no_params,
                                        .min_threads = 1,
                                        .run = spawn_run};

/* ---- busy setup and verification, a short region ---- */
static int busy_setup(mmb_ctx *ctx) {
  (void)ctx;
  burn(150 * MS);
  return 0;
}
static uint64_t short_run(mmb_ctx *ctx, int tid) {
  (void)ctx, (void)tid;
  burn(10 * MS);
  return 1;
}
static int busy_verify(mmb_ctx *ctx) {
  (void)ctx;
  burn(150 * MS);
  return 0;
}
static const mmb_workload wl_busy_outside = {.name = "test-busy-outside",
                                             .family = "test",
                                             .description = "CPU outside the region",
                                             .params = no_params,
                                             .min_threads = 1,
                                             .setup = busy_setup,
                                             .run = short_run,
                                             .verify = busy_verify};

/* ---- memory: 64 MiB touched and unmapped in setup, `grow` MiB in the region ---- */
static size_t grow_mib;
static void *grown;

static int mem_setup(mmb_ctx *ctx) {
  (void)ctx;
  size_t len = 64u << 20;
  char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return -1;
  memset(p, 1, len);
  munmap(p, len);
  return 0;
}
static uint64_t mem_run(mmb_ctx *ctx, int tid) {
  (void)tid;
  size_t len = grow_mib << 20;
  grown = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (grown == MAP_FAILED) return 0;
  memset(grown, 1, len);
  ctx->live_bytes = len;
  return 1;
}
static void mem_teardown(mmb_ctx *ctx) {
  (void)ctx;
  if (grown && grown != MAP_FAILED) munmap(grown, grow_mib << 20);
  grown = NULL;
}
static const mmb_workload wl_mem = {.name = "test-mem",
                                    .family = "test",
                                    .description = "setup peak, region growth",
                                    .params = no_params,
                                    .min_threads = 1,
                                    .max_threads = 1,
                                    .setup = mem_setup,
                                    .run = mem_run,
                                    .teardown = mem_teardown};

/* ---- where the work runs: on the main thread, single-threaded? ---- */
static int seen_main, seen_single;
static uint64_t where_run(mmb_ctx *ctx, int tid) {
  (void)ctx, (void)tid;
  seen_main = (pid_t)syscall(SYS_gettid) == getpid();
  seen_single = __libc_single_threaded;
  burn(20 * MS);
  return 1;
}
static const mmb_workload wl_where = {.name = "test-where",
                                      .family = "test",
                                      .description = "which thread works",
                                      .params = no_params,
                                      .min_threads = 1,
                                      .setup = busy_setup,
                                      .run = where_run,
                                      .verify = busy_verify};

static int worker_thread; /* run_cell: spec.worker_thread */
static int task_count(void);

static int run_cell(const mmb_workload *w, int threads, const char *counters, mmb_record *rec) {
  mmb_cell_spec spec;
  char err[512];
  memset(&spec, 0, sizeof spec);
  spec.workload = w;
  spec.alloc = mmb_allocator_resolve("glibc", err, sizeof err);
  if (!spec.alloc) return -1;
  spec.threads = threads;
  spec.seed = 1;
  spec.notify_fd = -1;
  spec.worker_thread = worker_thread;
  if (mmb_counters_parse(&spec.counters, counters, counters[0] == 'h' ? "task-clock" : "", "", err,
                         sizeof err) != 0)
    return -1;
  int rc = mmb_cell_execute(&spec, rec);
  return rc == 0 && rec->status == MMB_ST_OK ? 0 : -1;
}

static double num(const mmb_record *r, const char *name) {
  double v;
  return mmb_record_num(r, name, &v) ? v : -1.0;
}

static void test_cpu(void) {
  mmb_record r;
  /* 2 workers x 2 threads x 120 ms; the workers themselves only wait */
  CHECK(run_cell(&wl_spawner, 2, "hw", &r) == 0);
  double cpu = num(&r, "cpu_ns"), other = num(&r, "cpu_other_ns"), tc = num(&r, "task-clock");
  printf("spawner: cpu_ns %.0f, cpu_other_ns %.0f, task-clock %.0f (4 x 120 ms started inside)\n",
         cpu, other, tc);
  CHECKF(cpu >= 0.95 * 480 * MS && cpu < 1.3 * 480 * MS, "cpu_ns %.0f for 480 ms of CPU", cpu);
  CHECKF(other >= 0.95 * 480 * MS, "cpu_other_ns %.0f", other);
  if (tc >= 0) /* software counters may be denied: then the column is empty */
    CHECKF(tc >= 0.95 * 480 * MS && tc < 1.3 * 480 * MS, "task-clock %.0f for 480 ms of CPU", tc);

  /* 150 ms in setup and 150 ms in verification stay outside */
  CHECK(run_cell(&wl_busy_outside, 1, "off", &r) == 0);
  cpu = num(&r, "cpu_ns");
  printf("busy outside: cpu_ns %.0f (10 ms inside)\n", cpu);
  CHECKF(cpu >= 9.5 * MS && cpu < 60 * MS, "cpu_ns %.0f for a 10 ms region", cpu);
}

static void test_memory(void) {
  mmb_record r;
  grow_mib = 1;
  CHECK(run_cell(&wl_mem, 1, "off", &r) == 0);
  double peak = num(&r, "peak_rss_kb"), base = num(&r, "base_rss_kb");
  printf("memory, 1 MiB in the region after a 64 MiB setup peak: base %.0f KiB, peak %.0f KiB\n",
         base, peak);
  CHECKF(base > 0 && peak >= base, "base %.0f peak %.0f", base, peak);
  CHECKF(peak - base >= 1000 && peak - base < 3 * 1024, "region growth %.0f KiB for 1 MiB",
         peak - base);
  CHECKF(peak < base + 32 * 1024, "peak %.0f KiB carries the setup's 64 MiB", peak);
  double rpl = num(&r, "rss_per_live");
  CHECKF(rpl >= 0.97 && rpl < 3.0, "rss_per_live %.3f for 1 MiB touched", rpl);

  grow_mib = 48;
  CHECK(run_cell(&wl_mem, 1, "off", &r) == 0);
  peak = num(&r, "peak_rss_kb"), base = num(&r, "base_rss_kb");
  printf("memory, 48 MiB in the region: base %.0f KiB, peak %.0f KiB\n", base, peak);
  CHECKF(peak - base >= 47 * 1024 && peak - base < 52 * 1024, "region growth %.0f KiB for 48 MiB",
         peak - base);
  CHECK(mmb_record_get(&r, "cgroup_peak_kb") == NULL); /* not in a cgroup of its own: empty */
}

static void test_oversubscribed(void) {
  cpu_set_t set;
  CHECK(sched_getaffinity(0, sizeof set, &set) == 0);
  int cpus = CPU_COUNT(&set);
  mmb_record r;
  CHECK(run_cell(&wl_busy_outside, 1, "off", &r) == 0);
  CHECK(num(&r, "oversubscribed") == 0);
  if (cpus + 1 <= MMB_MAX_THREADS) {
    CHECK(run_cell(&wl_busy_outside, cpus + 1, "off", &r) == 0);
    CHECKF(num(&r, "oversubscribed") == 1, "%d threads on %d CPUs", cpus + 1, cpus);
  }
}

/* Threads of this process now. */
static int task_count(void) {
  DIR *d = opendir("/proc/self/task");
  struct dirent *e;
  int n = 0;
  if (!d) return -1;
  while ((e = readdir(d)))
    if (e->d_name[0] != '.') n++;
  closedir(d);
  return n;
}

static void test_boehm_markers(void) {
  const mmb_allocator *b = mmb_allocator_find("boehm");
  if (!b || b->unavailable) {
    printf("boehm not built: marker check skipped\n");
    return;
  }
  mmb_cell_spec spec;
  memset(&spec, 0, sizeof spec);
  spec.workload = mmb_workload_find("binary-trees");
  spec.alloc = b;
  spec.threads = 1;
  spec.seed = 1;
  spec.notify_fd = -1;
  char err[256];
  mmb_pvals_defaults(spec.workload, &spec.params);
  CHECK(mmb_params_parse(spec.workload, "depth=12;lived=12;iterations=2", &spec.params, err,
                         sizeof err) == 0);
  mmb_record r;
  CHECK(mmb_cell_execute(&spec, &r) == 0 && r.status == MMB_ST_OK);
  /* Left running: this thread and marker helpers; a 1-thread cell has none
   * (Boehm would start one per extra CPU). */
  int tasks = task_count();
  printf("boehm: %d thread(s) after a 1-thread cell, cpu_other_ns %.0f\n", tasks,
         num(&r, "cpu_other_ns"));
  CHECKF(tasks == 1, "%d threads: Boehm's markers were not limited to the cell's 1 thread", tasks);
  mmb_pvals_free(spec.workload, &spec.params);
}

/* First of all: glibc's single-thread state ends at the first thread made. */
static void test_main_thread(void) {
  mmb_record r;
  CHECK(__libc_single_threaded); /* nothing made a thread yet */
  CHECK(run_cell(&wl_where, 1, "hw", &r) == 0);
  double cpu = num(&r, "cpu_ns"), wall = num(&r, "wall_ns"), tc = num(&r, "task-clock");
  printf("t=1 on the main thread: main %d, single-threaded %d, cpu_ns %.0f, wall_ns %.0f, "
         "task-clock %.0f (20 ms of work, 150 ms in setup and in verify)\n",
         seen_main, seen_single, cpu, wall, tc);
  CHECK(seen_main == 1 && seen_single == 1);
  CHECK(task_count() == 1);
  CHECKF(cpu >= 19 * MS && cpu < 60 * MS, "cpu_ns %.0f for 20 ms of work", cpu);
  CHECKF(wall >= 19 * MS && wall < 1000 * MS, "wall_ns %.0f for 20 ms of work", wall);
  if (tc >= 0) CHECKF(tc >= 19 * MS && tc < 60 * MS, "task-clock %.0f for 20 ms", tc);
  worker_thread = 1;
  CHECK(run_cell(&wl_where, 1, "off", &r) == 0);
  worker_thread = 0;
  printf("t=1 on a worker thread: main %d, single-threaded %d\n", seen_main, seen_single);
  CHECK(seen_main == 0 && seen_single == 0);
}

int main(void) {
  test_main_thread();
  test_cpu();
  test_memory();
  test_oversubscribed();
  test_boehm_markers(); /* last: Boehm initialises once per process */
  return mmb_test_exit();
}
