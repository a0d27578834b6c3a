/* mmbench tests — shard_sim: synthetic sharded runs for the scale
 * simulation and the merge tests.
 *   shard_sim gen DIR CELLS SHARDS REPS [HOSTS]
 *       a sharded run of CELLS synthetic cells split by mmb_shard_assign into
 *       SHARDS shard folders (each with shard.json, meta.json, runs.csv of
 *       REPS repetitions per cell), spread over HOSTS host names (default 1);
 *       prints the time to build the cell list and to assign the shards.
 *   shard_sim plan DIR SHARDS WORKLOADS ALLOCATORS THREADS [K=V...]
 *       a REAL plan, as `mmbench run -w -a -t -p... --floor off --slurm
 *       --shards SHARDS -o DIR` makes it: expanded (mmb_plan_build), split
 *       (mmb_shard_map_from_plan) twice to check the split is the same,
 *       written (plan.json, shards.csv, shards.json), read back and narrowed
 *       to shard 1 as every array task does; prints each phase's wall time,
 *       the CPU time of it all (both splits included) and the peak RSS
 *       (getrusage).
 *   shard_sim measure CMD ARGS...
 *       runs CMD, prints its wall time and peak RSS (wait4 rusage). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "files.h"
#include "plan.h"
#include "results.h"
#include "shard.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int gen(const char *dir, long cells, int shards, int reps, int hosts) {
  if (mmb_mkdirs(dir) != 0) return perror(dir), 1;
  const char *plan = "{\n  \"synthetic\": true\n}\n";
  if (mmb_write_atomic(dir, "plan.json", plan) != 0) return perror("plan.json"), 1;
  static const char *const allocs[] = {"glibc", "jemalloc", "mimalloc", "arena-pool"};
  double t0 = now_s();
  mmb_shard_map m;
  memset(&m, 0, sizeof m);
  m.nshards = shards;
  m.reps = reps;
  for (long i = 0; i < cells; i++) {
    char params[64];
    snprintf(params, sizeof params, "size=%ld;n=%ld", 16 + (i / 4) % 4096, 1000 + i / 16384);
    /* costs spread over two orders of magnitude, deterministic */
    double cost = reps * (1.0 + (double)((i * 7919) % 100));
    if (mmb_shard_map_add(&m, "malloc-free", params, allocs[i % 4], 1 + (int)((i / 16384) % 4),
                          cost) != 0)
      return 1;
  }
  double t1 = now_s();
  if (mmb_shard_assign(m.cost, m.keys.n, shards, m.owner) != 0) return 1;
  double t2 = now_s();
  char err[512];
  if (mmb_shard_map_write(dir, &m, err, sizeof err) != 0) return fprintf(stderr, "%s\n", err), 1;
  double t3 = now_s();
  char hash[17];
  mmb_hash_hex(plan, strlen(plan), hash);
  /* loads: the largest and smallest shard's expected cost */
  double *load = calloc((size_t)shards, sizeof *load), lo = 1e300, hi = 0;
  for (size_t i = 0; i < m.keys.n; i++) load[m.owner[i] - 1] += m.cost[i];
  for (int k = 0; k < shards; k++)
    lo = load[k] < lo ? load[k] : lo, hi = load[k] > hi ? load[k] : hi;
  free(load);
  char path[4096];
  snprintf(path, sizeof path, "%s/shards", dir);
  mkdir(path, 0755);
  FILE **out = calloc((size_t)shards, sizeof *out);
  for (int k = 1; k <= shards; k++) {
    char host[32], sdir[4096], text[1024];
    snprintf(host, sizeof host, "node%02d", (k - 1) % hosts);
    snprintf(sdir, sizeof sdir, "%s/shards/%d-%s", dir, k, host);
    mkdir(sdir, 0755);
    snprintf(text, sizeof text,
             "{\"shard\": %d, \"shards\": %d, \"plan\": \"%s\", \"host\": \"%s\"}\n", k, shards,
             hash, host);
    mmb_write_atomic(sdir, "shard.json", text);
    snprintf(
        text, sizeof text,
        "{\"started\": \"2026-01-01T00:00:00Z\", \"finished\": \"2026-01-01T01:00:00Z\", "
        "\"glibc\": \"2.36\",\n"
        " \"host\": {\"hostname\": \"%s\", \"cpu_model\": \"Synthetic CPU %d\", \"cores\": 64,\n"
        "  \"threads_per_core\": 2, \"kernel\": \"Linux 6.1\"},\n"
        " \"allocators\": {\"glibc\": {\"version\": \"2.36\"}}}\n",
        host, (k - 1) % hosts % 2);
    mmb_write_atomic(sdir, "meta.json", text);
    snprintf(path, sizeof path, "%s/runs.csv", sdir);
    out[k - 1] = fopen(path, "w");
    if (!out[k - 1]) return perror(path), 1;
    fprintf(out[k - 1],
            "workload,params,allocator,threads,rep,status,reason,wall_ns,cpu_ns,ops,ns_per_op,"
            "peak_rss_kb,minflt,majflt,nvcsw,nivcsw,live_bytes,final_rss_kb,rss_per_live,checksum,"
            "reclaimed,task-clock,page-faults\n");
  }
  /* repetitions interleaved inside a shard, as the runner writes them */
  for (int r = 0; r < reps; r++)
    for (size_t i = 0; i < m.keys.n; i++) {
      double ns = 10.0 + (double)(i % 97) + r * 0.25;
      fprintf(out[m.owner[i] - 1],
              "%s,%s,%s,%d,%d,ok,,%.0f,%.0f,1000000,%.4g,%zu,120,0,1,2,65536,%zu,1.25,%016zx,,%.0f,"
              "120\n",
              m.keys.workload[i], m.keys.params[i], m.keys.allocator[i], m.keys.threads[i], r,
              ns * 1e6, ns * 1e6, ns, 2048 + i % 512, 2048 + i % 256, i * 2654435761u, ns * 1e6);
    }
  for (int k = 0; k < shards; k++) fclose(out[k]);
  free(out);
  printf("cells=%zu shards=%d reps=%d build_s=%.4f assign_s=%.4f write_list_s=%.4f "
         "load_max_over_min=%.4f\n",
         m.keys.n, shards, reps, t1 - t0, t2 - t1, t3 - t2, hi / lo);
  mmb_shard_map_free(&m);
  return 0;
}

static int measure(char **argv) {
  double t0 = now_s();
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open("/dev/null", O_WRONLY);
    if (fd >= 0) dup2(fd, 1);
    execvp(argv[0], argv);
    _exit(127);
  }
  int st;
  struct rusage ru;
  if (wait4(pid, &st, 0, &ru) < 0) return perror("wait4"), 1;
  double t1 = now_s();
  printf("status=%d wall_s=%.3f user_s=%.3f sys_s=%.3f maxrss_kb=%ld\n",
         WIFEXITED(st) ? WEXITSTATUS(st) : -1, t1 - t0,
         (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6,
         (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6, ru.ru_maxrss);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

static int real_plan(char **argv, int argc) {
  const char *dir = argv[0];
  int shards = atoi(argv[1]);
  mmb_run_opts o;
  mmb_run_opts_init(&o);
  snprintf(o.workloads, sizeof o.workloads, "%s", argv[2]);
  snprintf(o.allocators, sizeof o.allocators, "%s", argv[3]);
  snprintf(o.threads, sizeof o.threads, "%s", argv[4]);
  snprintf(o.floor, sizeof o.floor, "off");
  for (int i = 5; i < argc && o.nparams < 16; i++)
    snprintf(o.params[o.nparams++], sizeof o.params[0], "%s", argv[i]);
  char err[1024];
  mmb_plan plan;
  double t0 = now_s();
  if (mmb_plan_build(&o, &plan, err, sizeof err) != 0) return fprintf(stderr, "plan: %s\n", err), 2;
  double t1 = now_s();
  mmb_shard_map m, again;
  if (mmb_shard_map_from_plan(&plan, shards, &m, err, sizeof err) != 0)
    return fprintf(stderr, "split: %s\n", err), 2;
  double t2 = now_s();
  if (mmb_shard_map_from_plan(&plan, shards, &again, err, sizeof err) != 0)
    return fprintf(stderr, "split: %s\n", err), 2;
  int same =
      m.keys.n == again.keys.n && memcmp(m.owner, again.owner, m.keys.n * sizeof *m.owner) == 0;
  mmb_shard_map_free(&again);
  double t3 = now_s();
  char *pj = mmb_run_opts_to_json(&o);
  int rc = mmb_mkdirs(dir);
  if (rc == 0) rc = mmb_write_atomic(dir, "plan.json", pj);
  free(pj);
  if (rc != 0 || mmb_shard_map_write(dir, &m, err, sizeof err) != 0)
    return fprintf(stderr, "write %s: %s\n", dir, rc ? strerror(-rc) : err), 1;
  double t4 = now_s();
  mmb_shard_map loaded;
  if (mmb_shard_map_load(dir, &loaded, err, sizeof err) != 0)
    return fprintf(stderr, "load: %s\n", err), 1;
  int ncells = plan.ncells;
  rc = mmb_shard_filter_plan(&plan, &loaded, 1, err, sizeof err);
  double t5 = now_s();
  if (rc != 0) return fprintf(stderr, "filter: %s\n", err), 1;
  int lo = 1 << 30, hi = 0, *count = calloc((size_t)shards, sizeof *count);
  for (size_t i = 0; i < m.keys.n; i++) count[m.owner[i] - 1]++;
  for (int k = 0; k < shards; k++) {
    if (count[k] < lo) lo = count[k];
    if (count[k] > hi) hi = count[k];
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("cells=%d shards=%d shard_cells=%d..%d shard1=%d same_split=%d plan_s=%.3f split_s=%.3f "
         "write_s=%.3f task_s=%.3f cpu_s=%.3f maxrss_kb=%ld\n",
         ncells, shards, lo, hi, plan.ncells, same, t1 - t0, t2 - t1, t4 - t3, t5 - t4,
         (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + (double)ru.ru_stime.tv_sec +
             ru.ru_stime.tv_usec * 1e-6,
         ru.ru_maxrss);
  free(count);
  mmb_shard_map_free(&loaded);
  mmb_shard_map_free(&m);
  mmb_plan_free(&plan);
  return same ? 0 : 1;
}

int main(int argc, char **argv) {
  if (argc >= 6 && strcmp(argv[1], "gen") == 0)
    return gen(argv[2], atol(argv[3]), atoi(argv[4]), atoi(argv[5]), argc > 6 ? atoi(argv[6]) : 1);
  if (argc >= 3 && strcmp(argv[1], "measure") == 0) return measure(argv + 2);
  if (argc >= 7 && strcmp(argv[1], "plan") == 0) return real_plan(argv + 2, argc - 2);
  fprintf(stderr, "usage: shard_sim gen DIR CELLS SHARDS REPS [HOSTS] | shard_sim plan DIR SHARDS "
                  "WORKLOADS ALLOCATORS THREADS [K=V...] | shard_sim measure CMD ARGS...\n");
  return 2;
}
