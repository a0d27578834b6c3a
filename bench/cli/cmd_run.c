/* mmbench run — options, validation before anything is written, the
 * results folder, then the runner. */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cli_util.h"
#include "commands.h"
#include "env.h"
#include "files.h"
#include "noise.h"
#include "params.h"
#include "options.h"
#include "place.h"
#include "plan.h"
#include "results.h"
#include "stats.h"
#include "run_shard.h"
#include "shard.h"
#include "runner.h"

/* ---------------------------------------------------------------------------
 * Options
 * ------------------------------------------------------------------------- */
typedef struct run_args {
  mmb_run_opts o;
  const char *out, *resume;
  int quiet, dry;
  int noise;            /* --noise N: calibration processes before and after */
  int shard_k, shard_n; /* --shard K/N (N = 0: not given) */
  int slurm, nshards, share_nodes;
  mmb_slurm_opts so;
} run_args;

enum {
  RUN_PLAN = 1,  /* the options that define the plan (a --resume must match them) */
  RUN_SLURM = 2, /* the options that go with --slurm */
};

/* -p K=V (and --touch): at most 16, each one row of o.params. */
static int add_param(run_args *a, const char *opt, const char *kv, char *err, size_t errlen) {
  if (a->o.nparams == 16) {
    snprintf(err, errlen, "at most 16 -p options");
    return -1;
  }
  if (strlen(kv) >= sizeof a->o.params[0]) {
    snprintf(err, errlen, "%s is too long (at most %zu characters)", opt,
             sizeof a->o.params[0] - 1);
    return -1;
  }
  snprintf(a->o.params[a->o.nparams++], sizeof a->o.params[0], "%s", kv);
  return 0;
}

static int set_param(void *args, const char *arg, char *err, size_t errlen) {
  return add_param(args, "-p", arg, err, errlen);
}

static int set_touch(void *args, const char *arg, char *err, size_t errlen) {
  char kv[512];
  snprintf(kv, sizeof kv, "touch=%.400s", arg);
  return add_param(args, "--touch", kv, err, errlen);
}

static int set_shard(void *args, const char *arg, char *err, size_t errlen) {
  run_args *a = args;
  if (mmb_shard_parse(arg, &a->shard_k, &a->shard_n) == 0) return 0;
  snprintf(err, errlen, "--shard needs K/N with 1 <= K <= N <= 100000, e.g. 2/4, not '%s'", arg);
  return -1;
}

static const char *const floor_modes[] = {"auto", "on", "off", NULL};
static const char *const t1_modes[] = {"main", "thread", NULL};
#define RUN_OPT(field) MMB_OPT_VAR(run_args, field)

static const mmb_option rows[] = {
    {"workloads", 'w', MMB_OPT_LIST, RUN_OPT(o.workloads), .value = "LIST", .group = RUN_PLAN,
     .help = "workloads or families, comma-separated (default: all)",
     .example = "workload or family names (e.g. -w malloc-free; see: mmbench list)"},
    {"allocators", 'a', MMB_OPT_LIST, RUN_OPT(o.allocators), .value = "LIST", .group = RUN_PLAN,
     .help = "allocators (default: every available one); also\n"
             "NAME[KEY=VALUE;...] and preload:/path/lib.so",
     .example = "allocator names (e.g. -a glibc,jemalloc; see: mmbench list)"},
    {"threads", 't', MMB_OPT_LIST, RUN_OPT(o.threads), .value = "LIST", .group = RUN_PLAN,
     .help = "thread counts, e.g. 1,2,4, or auto: 1,2,4,... up to the CPUs\n"
             "the run may use (affinity, --pin, cgroup quota) and that\n"
             "count (default: the preset's)",
     .example = "thread counts (e.g. -t 1,2)"},
    {"place", 0, MMB_OPT_CHOICE, RUN_OPT(o.place), .value = "P", .group = RUN_PLAN,
     .choices = mmb_place_names,
     .help = "none (default: the scheduler's choice) | compact (fill SMT\n"
             "siblings and one socket first) | spread (one thread per core,\n"
             "across sockets and NUMA nodes first): each worker's CPU"},
    {"param", 'p', MMB_OPT_STRING, .value = "K=V", .group = RUN_PLAN, .apply = set_param,
     .help = "set a workload parameter; K=V1,V2 sweeps (repeatable)"},
    {"touch", 0, MMB_OPT_LIST, .value = "LIST", .group = RUN_PLAN, .choices = mmb_touch_names,
     .apply = set_touch,
     .help = "word (default) | full | none, or a list to sweep: what the\n"
             "region does with each block (same as -p touch=LIST)"},
    {"floor", 0, MMB_OPT_CHOICE, RUN_OPT(o.floor), .value = "MODE", .group = RUN_PLAN,
     .choices = floor_modes,
     .help = "auto (default: measure the harness floor of every workload\n"
             "that has one, under allocator `floor`) | on (every selected\n"
             "workload must have one) | off"},
    {"t1", 0, MMB_OPT_CHOICE, RUN_OPT(o.t1), .value = "WHERE", .group = RUN_PLAN,
     .choices = t1_modes,
     .help = "main (default: a 1-thread cell works on the process's main\n"
             "thread, no other thread alive, as a single-threaded program)\n"
             "| thread (on a worker thread beside the timing thread)"},
    {"reps", 'r', MMB_OPT_INT, RUN_OPT(o.reps), 1, 1000000, .value = "N", .group = RUN_PLAN,
     .help = "measured repetitions per cell (default: the preset's)"},
    {"warmup", 0, MMB_OPT_INT, RUN_OPT(o.warmup), 0, 1000, .value = "N", .group = RUN_PLAN,
     .help = "unrecorded repetitions per cell first"},
    {"scale", 0, MMB_OPT_DOUBLE, RUN_OPT(o.scale), 0, 1000, .value = "F", .group = RUN_PLAN,
     .help = "multiply every work parameter (quick 0.05, default 0.25)"},
    {"preset", 0, MMB_OPT_STRING, RUN_OPT(o.preset), .value = "NAME", .group = RUN_PLAN,
     .help = "quick | default | full (default: default)"},
    {"timeout", 0, MMB_OPT_DOUBLE, RUN_OPT(o.timeout), 0, 86400, .value = "SECONDS",
     .group = RUN_PLAN, .help = "per repetition; a child past it is killed (timeout)"},
    {"out", 'o', MMB_OPT_STRING, MMB_OPT_PTR(run_args, out), .value = "DIR",
     .help = "results folder (default: results/<UTC stamp>-<host>)"},
    {"resume", 0, MMB_OPT_STRING, MMB_OPT_PTR(run_args, resume), .value = "DIR",
     .help = "run what is missing from DIR's plan"},
    {"seed", 0, MMB_OPT_INT, RUN_OPT(o.seed), 0, LLONG_MAX, .value = "N", .group = RUN_PLAN,
     .help = "workload seed (default 42)"},
    {"pin", 0, MMB_OPT_STRING, RUN_OPT(o.pin), .value = "CPUS", .group = RUN_PLAN,
     .check = mmb_cpu_list_check, .help = "pin every child to these CPUs, e.g. 0 or 0-1"},
    {"counters", 0, MMB_OPT_STRING, RUN_OPT(o.counters), .value = "MODE", .group = RUN_PLAN,
     .help = "hw (default) | sim (valgrind: deterministic counts, 1/50 of\n"
             "the work unless --scale) | off"},
    {"events", 0, MMB_OPT_STRING, RUN_OPT(o.events), .value = "LIST", .group = RUN_PLAN,
     .help = "counter events by libpfm4 name, or a set: default, software,\n"
             "cache, tlb, branch (see: mmbench list events)"},
    {"latency", 0, MMB_OPT_STRING, RUN_OPT(o.latency), .value = "K|on", .group = RUN_PLAN,
     .help = "time every K-th allocator call (on = every 100th)"},
    {"keep-going", 0, MMB_OPT_FLAG, RUN_OPT(o.keep_going), .group = RUN_PLAN,
     .help = "record an allocator that fails its probe as invalid\ninstead of stopping"},
    {"shard", 0, MMB_OPT_STRING, .value = "K/N", .apply = set_shard,
     .help = "run only the K-th of N cost-balanced parts of the plan,\n"
             "into DIR/shards/K-<host>/ (-o DIR or --resume DIR)"},
    {"slurm", 0, MMB_OPT_FLAG, RUN_OPT(slurm),
     .help = "submit the plan as a Slurm job array, one task per shard\n"
             "(with --resume DIR: only the shards not done)"},
    {"shards", 0, MMB_OPT_INT, RUN_OPT(nshards), 1, 100000, .value = "N", .group = RUN_SLURM,
     .help = "shards for --slurm (default: 8, at most the cells)"},
    {"partition", 0, MMB_OPT_STRING, RUN_OPT(so.partition), .value = "P", .group = RUN_SLURM,
     .help = "sbatch --partition"},
    {"time", 0, MMB_OPT_STRING, RUN_OPT(so.time), .value = "LIMIT", .group = RUN_SLURM,
     .help = "sbatch --time, per shard"},
    {"nodes-per-shard", 0, MMB_OPT_INT, RUN_OPT(so.nodes_per_shard), 1, 100000, .value = "N",
     .group = RUN_SLURM, .help = "sbatch --nodes (default 1)"},
    {"share-nodes", 0, MMB_OPT_FLAG, RUN_OPT(share_nodes), .group = RUN_SLURM,
     .help = "let shards share a node (default: --exclusive)"},
    {"noise", 0, MMB_OPT_INT, RUN_OPT(noise), 0, MMB_NOISE_MAX / 2, .value = "N",
     .help = "time a fixed loop in N fresh processes before the matrix and\n"
             "N after it: the machine's own noise, which the noisy flag is\n"
             "judged against (default 12; 0 = not measured: fixed 5 % CV)"},
    {"dry-run", 'n', MMB_OPT_FLAG, RUN_OPT(dry),
     .help = "print the plan (cells, skipped ones and why) and stop"},
    {"quiet", 'q', MMB_OPT_FLAG, RUN_OPT(quiet), .help = "no progress lines"},
    {.name = NULL}};

const mmb_optspec mmb_run_options = {
    .command = "run",
    .usage = "[OPTIONS]",
    .about = "Runs workloads x allocators x threads, each repetition in a fresh process,\n"
             "into a results folder (runs.csv, summary.csv, meta.json, timeline.csv).\n",
    .rows = rows,
};

/* Arguments and combinations. -1 to go on, or 2 after a one-line error. */
static int check_args(const run_args *a, unsigned given, int argc, char **argv, int next) {
  char msg[200];
  if (next < argc) {
    snprintf(msg, sizeof msg, "unexpected argument '%s' (lists are comma-separated: -w a,b)",
             argv[next]);
    return mmb_usage_error("run", msg);
  }
  if (a->out && a->resume)
    return mmb_usage_error("run", "use either -o DIR (a new run) or --resume DIR, not both");
  if ((given & RUN_SLURM) && !a->slurm)
    return mmb_usage_error(
        "run",
        "--shards, --partition, --time, --nodes-per-shard and --share-nodes go with --slurm");
  if (a->slurm && a->shard_n)
    return mmb_usage_error("run",
                           "use --slurm (submits every shard) or --shard K/N (runs one), not both");
  if (a->shard_n && !a->out && !a->resume)
    return mmb_usage_error(
        "run", "--shard K/N needs the sharded run's folder: -o DIR (new) or --resume DIR");
  return -1;
}

/* A results folder that does not exist yet (or is empty). 0 or 2. */
static int make_dir(const char *dir) {
  int rc = mmb_mkdirs(dir);
  if (rc != 0) {
    fprintf(stderr, "mmbench run: cannot create results folder %s: %s (choose a writable -o DIR)\n",
            dir, strerror(-rc));
    return MMB_EXIT_USAGE;
  }
  char probe[PATH_MAX];
  snprintf(probe, sizeof probe, "%s/.write-test", dir);
  FILE *f = fopen(probe, "w");
  if (!f) {
    fprintf(stderr,
            "mmbench run: results folder %s is not writable: %s (choose a writable -o DIR)\n", dir,
            strerror(errno));
    return MMB_EXIT_USAGE;
  }
  fclose(f);
  unlink(probe);
  return 0;
}

static int dir_has_results(const char *dir) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/runs.csv", dir);
  if (access(path, F_OK) == 0) return 1;
  snprintf(path, sizeof path, "%s/plan.json", dir);
  return access(path, F_OK) == 0;
}

/* meta.json's "plan": distinct workloads, allocators, threads; sizes. */
static void meta_plan(cJSON *pl, const mmb_plan *plan) {
  /* the distinct workloads and thread counts, in plan order: each cell is
   * compared with the few distinct values so far, not with every cell */
  cJSON *ws = cJSON_AddArrayToObject(pl, "workloads");
  const mmb_workload *wseen[256];
  int nws = 0;
  for (int i = 0; i < plan->ncells; i++) {
    const mmb_workload *w = plan->cells[i].w;
    int seen = nws > 0 && wseen[nws - 1] == w; /* cells of a workload are adjacent */
    for (int j = 0; j < nws && !seen; j++) seen = wseen[j] == w;
    if (seen) continue;
    if (nws < 256) wseen[nws++] = w;
    cJSON_AddItemToArray(ws, cJSON_CreateString(w->name));
  }
  cJSON *as = cJSON_AddArrayToObject(pl, "allocators");
  for (int i = 0; i < plan->nallocs; i++)
    cJSON_AddItemToArray(as, cJSON_CreateString(plan->allocs[i].text));
  cJSON *ts = cJSON_AddArrayToObject(pl, "threads");
  int tseen[MMB_MAX_THREADS + 1] = {0};
  for (int i = 0; i < plan->ncells; i++) {
    int t = plan->cells[i].threads;
    if (t < 0 || t > MMB_MAX_THREADS || tseen[t]) continue;
    tseen[t] = 1;
    cJSON_AddItemToArray(ts, cJSON_CreateNumber(t));
  }
  cJSON_AddNumberToObject(pl, "cells", plan->ncells);
  cJSON_AddNumberToObject(pl, "reps", plan->reps);
  cJSON_AddNumberToObject(pl, "warmup", plan->warmup);
  cJSON_AddNumberToObject(pl, "scale", plan->scale);
  cJSON_AddNumberToObject(pl, "timeout", plan->timeout);
  char seed[32];
  snprintf(seed, sizeof seed, "%llu", (unsigned long long)plan->opts.seed);
  cJSON_AddStringToObject(pl, "seed", seed);
}

/* meta.json: command, preset, plan, environment, allocators, counters. */
static int write_meta(const char *dir, const mmb_plan *plan, const mmb_probe_result *probes,
                      const char *command, const char *counters_json, const char *started,
                      int finished, cJSON *noise) {
  cJSON *m = mmb_env_capture();
  if (noise) cJSON_AddItemReferenceToObject(m, "noise", noise);
  cJSON_AddStringToObject(m, "command", command);
  cJSON_AddStringToObject(m, "preset", plan->preset_name);
  cJSON_AddStringToObject(m, "started", started);
  char now[64] = "";
  if (finished) mmb_env_utc_now(now, sizeof now);
  cJSON_AddStringToObject(m, "finished", now);
  cJSON *host = cJSON_GetObjectItem(m, "host");
  if (finished) cJSON_AddItemToObject(host, "loadavg_end", mmb_env_loadavg());
  cJSON *allocs = cJSON_AddObjectToObject(m, "allocators");
  for (int i = 0; i < plan->nallocs; i++) {
    cJSON *a = cJSON_AddObjectToObject(allocs, plan->allocs[i].text);
    const mmb_allocator *d = plan->allocs[i].alloc;
    cJSON_AddStringToObject(a, "kind",
                            d->kind == MMB_KIND_PRELOAD  ? "preload"
                            : d->kind == MMB_KIND_INPROC ? "inproc"
                                                         : "managed");
    cJSON_AddStringToObject(
        a, "library", probes[i].library[0] ? probes[i].library : (d->library ? d->library : ""));
    /* the Debian package of the library; its version stands in for a
     * library that does not report one (scudo, tbbmalloc) */
    char pkg[128] = "", pver[128] = "";
    const char *lib = probes[i].library[0] ? probes[i].library : (d->library ? d->library : "");
    if (d->kind == MMB_KIND_PRELOAD) mmb_env_package(lib, pkg, sizeof pkg, pver, sizeof pver);
    cJSON_AddStringToObject(a, "version", probes[i].version[0] ? probes[i].version : pver);
    cJSON_AddStringToObject(a, "package", pkg);
    cJSON_AddStringToObject(a, "package_version", pver);
    cJSON_AddStringToObject(a, "status", mmb_status_name(probes[i].status));
    cJSON_AddStringToObject(a, "reason", probes[i].reason);
    cJSON *set = cJSON_AddArrayToObject(a, "settings");
    for (int k = 0; k < plan->allocs[i].nsettings; k++)
      cJSON_AddItemToArray(set, cJSON_CreateString(plan->allocs[i].settings[k]));
  }
  cJSON_AddItemToObject(m, "cgroup", mmb_cgroup_json(mmb_runner_cgroup()));
  cJSON *cj = cJSON_Parse(counters_json);
  cJSON_AddItemToObject(m, "counters", cj ? cj : cJSON_CreateObject());
  meta_plan(cJSON_AddObjectToObject(m, "plan"), plan);
  /* the run's CPUs and each thread count's placement */
  int tseen[MMB_MAX_THREADS + 1] = {0}, tl[MMB_MAX_THREADS + 1], ntl = 0;
  for (int i = 0; i < plan->ncells; i++)
    if (plan->cells[i].threads >= 0 && plan->cells[i].threads <= MMB_MAX_THREADS)
      tseen[plan->cells[i].threads] = 1;
  for (int t = 0; t <= MMB_MAX_THREADS; t++)
    if (tseen[t]) tl[ntl++] = t;
  cJSON_ReplaceItemInObject(host, "topology", mmb_topology_json(&plan->topo));
  cJSON_AddItemToObject(m, "placement", mmb_place_json(&plan->topo, plan->place, tl, ntl));
  char *text = cJSON_Print(m);
  cJSON_Delete(m);
  int rc = mmb_write_atomic(dir, "meta.json", text);
  free(text);
  return rc;
}

/* ---------------------------------------------------------------------------
 * The command, step by step. Each step returns -1 to go on, or the exit
 * status; run_free is the one cleanup.
 * ------------------------------------------------------------------------- */
typedef struct run_ctx {
  run_args a;
  const char *out, *resume; /* as given, then as the shard task says */
  char dir[PATH_MAX];       /* the results folder */
  char resume_top[PATH_MAX];
  mmb_plan plan;
  int have_plan;
  mmb_shard_task task;
  mmb_probe_result *probes;
  int remove_dir; /* 1: the folder was made here and a probe refused the run */
  char counters_json[16384];
  mmb_noise before, after; /* the calibration (processes = 0: not measured) */
} run_ctx;

static void run_free(run_ctx *x) {
  if (x->remove_dir) rmdir(x->dir);
  free(x->probes);
  if (x->have_plan) mmb_plan_free(&x->plan);
  mmb_run_shard_free(&x->task);
}

/* The folder -o names, else results/<stamp>-<host>. */
static void out_dir(const char *out, char *dir, size_t len) {
  if (out)
    snprintf(dir, len, "%s", out);
  else
    mmb_results_default_dir(dir, len, "");
}

static int slurm_shards(const run_ctx *x) {
  if (x->a.nshards) return x->a.nshards;
  return x->plan.ncells < 8 ? x->plan.ncells : 8;
}

/* --resume DIR: a sharded run, one of its shards, or a plain folder whose
 * plan.json replaces the options (which must agree with it if given). */
static int load_resume(run_ctx *x, int explicit) {
  if (x->a.slurm) {
    if (!mmb_run_is_sharded(x->resume)) {
      fprintf(stderr,
              "mmbench run: %s is not a sharded run (no shards.json); resume it without --slurm\n",
              x->resume);
      return 2;
    }
    return mmb_run_slurm_resume(x->resume, &x->a.so);
  }
  if (!x->a.shard_n && mmb_run_shard_of(x->resume, x->resume_top, sizeof x->resume_top,
                                        &x->a.shard_k, &x->a.shard_n))
    x->resume = x->resume_top; /* a shard folder: continue that shard of its run */
  if (!x->a.shard_n && mmb_run_is_sharded(x->resume)) {
    fprintf(
        stderr,
        "mmbench run: %s is a sharded run: resume it with --resume %s --slurm, or one shard with "
        "--resume %s --shard K/N\n",
        x->resume, x->resume, x->resume);
    return 2;
  }
  char path[PATH_MAX + 16], err[1024];
  snprintf(path, sizeof path, "%s/plan.json", x->resume);
  char *text = mmb_read_file(path, NULL);
  if (!text) {
    fprintf(stderr,
            "mmbench run: cannot resume %s: no plan.json there (%s); start a new run with -o DIR\n",
            x->resume, strerror(errno));
    return MMB_EXIT_USAGE;
  }
  mmb_run_opts stored;
  int rc = mmb_run_opts_from_json(text, &stored, err, sizeof err);
  free(text);
  if (rc != 0) {
    fprintf(stderr, "mmbench run: cannot resume %s: %s\n", x->resume, err);
    return MMB_EXIT_USAGE;
  }
  if (explicit) {
    x->a.o.keep_going = x->a.o.keep_going || stored.keep_going;
    if (!mmb_run_opts_same(&x->a.o, &stored)) {
      fprintf(stderr,
              "mmbench run: %s holds another plan than these options; run --resume %s alone "
              "to continue it, or -o NEWDIR for this plan\n",
              x->resume, x->resume);
      return MMB_EXIT_USAGE;
    }
  }
  x->a.o = stored;
  return -1;
}

static int build_plan(run_ctx *x) {
  char err[1024];
  if (mmb_plan_build(&x->a.o, &x->plan, err, sizeof err) != 0) {
    fprintf(stderr, "mmbench run: %s\n", err);
    return MMB_EXIT_USAGE;
  }
  x->have_plan = 1;
  return -1;
}

/* -n: the plan, and the shards it would make. */
static int dry_run(const run_ctx *x) {
  const mmb_plan *plan = &x->plan;
  int skipped = 0;
  for (int i = 0; i < plan->ncells; i++) {
    const mmb_cell_plan *cp = &plan->cells[i];
    printf("%-18s %-40s %-22s t=%-3d %s\n", cp->w->name, cp->params, plan->allocs[cp->alloc].text,
           cp->threads, cp->skip[0] ? cp->skip : "run");
    skipped += cp->skip[0] != 0;
  }
  for (int i = 0; i < plan->nna; i++) {
    const mmb_na_combo *x = &plan->na[i];
    printf("%-18s %-40s %-22s t=%-3d n/a: %s\n", x->w->name, x->params, plan->allocs[x->alloc].text,
           x->threads, x->reason);
  }
  printf("%s\n", plan->threads_note);
  printf("%d cells (%d skipped) x %d reps = %d runs; timeout %.0f s each\n", plan->ncells, skipped,
         plan->reps, mmb_plan_runs(plan), plan->timeout);
  printf("%d cells planned: %d to run, %d skipped for a reason; %d combinations that cannot "
         "exist (n/a above) are not cells\n",
         plan->ncells, plan->ncells - skipped, skipped, plan->nna);
  if (!x->a.slurm && !x->a.shard_n) return 0;
  return mmb_run_shard_preview(plan, x->a.slurm ? slurm_shards(x) : x->a.shard_n);
}

/* The results folder: a shard's own, the resumed one, or a new one that
 * holds no results yet (made and checked writable here). */
static int choose_dir(run_ctx *x) {
  char err[1024];
  if (x->a.shard_n) { /* one shard: the plan narrowed, its own folder */
    if (mmb_run_shard_prepare(x->resume ? x->resume : x->out, &x->a.o, x->a.shard_k, x->a.shard_n,
                              &x->plan, &x->task, err, sizeof err) != 0) {
      fprintf(stderr, "mmbench run: %s\n", err);
      return 2;
    }
    snprintf(x->dir, sizeof x->dir, "%s", x->task.dir);
    x->resume = x->task.exists ? x->task.dir : NULL;
    x->out = x->task.exists ? NULL : x->task.dir;
  }
  if (x->resume) {
    snprintf(x->dir, sizeof x->dir, "%s", x->resume);
    return -1;
  }
  out_dir(x->out, x->dir, sizeof x->dir);
  if (dir_has_results(x->dir)) {
    fprintf(stderr,
            "mmbench run: %s already holds results; use --resume %s to continue it, or another "
            "-o DIR\n",
            x->dir, x->dir);
    return MMB_EXIT_USAGE;
  }
  /* created (and checked writable) before the probes, removed again if a
   * probe refuses the run, so bad input leaves nothing behind */
  int rc = make_dir(x->dir);
  return rc ? rc : -1;
}

/* Probe allocators and counters before anything is written. */
static int probe(run_ctx *x) {
  const mmb_plan *plan = &x->plan;
  x->probes = calloc((size_t)plan->nallocs, sizeof *x->probes);
  mmb_runner_probe(plan, x->probes);
  for (int i = 0; i < plan->nallocs; i++) {
    if (x->probes[i].status != MMB_ST_INVALID) continue;
    if (!x->a.o.keep_going) {
      fprintf(stderr,
              "mmbench run: allocator %s is unusable: %s (fix it, drop it from -a, or pass "
              "--keep-going to record it as invalid)\n",
              plan->allocs[i].text, x->probes[i].reason);
      x->remove_dir = !x->resume;
      return MMB_EXIT_USAGE;
    }
    fprintf(stderr, "mmbench run: allocator %s recorded as invalid: %s\n", plan->allocs[i].text,
            x->probes[i].reason);
  }
  mmb_counters_probe(&x->plan.counters, x->counters_json, sizeof x->counters_json, x->a.quiet);
  return -1;
}

/* A new folder's plan.json, runs.csv header and timeline.csv header. */
static int start_files(run_ctx *x) {
  if (x->resume) return -1;
  char *pj = mmb_run_opts_to_json(&x->a.o);
  char header[8192];
  size_t used = 0;
  const char *cols[128];
  int ncols = mmb_runner_columns(&x->plan, cols, 128);
  for (int i = 0; i < ncols; i++) mmb_csv_field(header, sizeof header - 1, &used, cols[i], i == 0);
  header[used++] = '\n';
  header[used] = 0;
  int rc = mmb_write_atomic(x->dir, "plan.json", pj);
  if (rc == 0) rc = mmb_write_atomic(x->dir, "runs.csv", header);
  if (rc == 0)
    rc = mmb_write_atomic(x->dir, "timeline.csv",
                          "workload,params,allocator,threads,rep,t_ms,rss_kb\n");
  free(pj);
  if (rc == 0 && x->a.shard_n) rc = mmb_run_shard_mark(&x->task);
  if (rc != 0) {
    fprintf(stderr, "mmbench run: cannot write into %s: %s\n", x->dir, strerror(-rc));
    return MMB_EXIT_USAGE;
  }
  return -1;
}

/* One calibration batch as JSON. */
static cJSON *noise_batch(const mmb_noise *b) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddNumberToObject(o, "cv", b->cv);
  cJSON_AddNumberToObject(o, "median_ns", b->median_ns);
  cJSON *ns = cJSON_AddArrayToObject(o, "ns");
  for (int i = 0; i < b->processes; i++) cJSON_AddItemToArray(ns, cJSON_CreateNumber(b->ns[i]));
  return o;
}

/* meta.json's "noise": the machine's process-to-process noise, the CV over
 * every calibration process before and after the matrix (drift between the
 * two is noise the interleaved cells see too); NULL when none was timed. */
static cJSON *noise_json(const run_ctx *x) {
  const mmb_noise *b = &x->before, *e = &x->after;
  if (b->processes < 2) return NULL;
  double v[2 * MMB_NOISE_MAX];
  size_t n = 0;
  for (int i = 0; i < b->processes; i++) v[n++] = b->ns[i];
  for (int i = 0; i < e->processes; i++) v[n++] = e->ns[i];
  mmb_summary s;
  mmb_summarize(v, n, &s);
  cJSON *o = cJSON_CreateObject();
  cJSON_AddNumberToObject(o, "cv", s.cv);
  cJSON_AddNumberToObject(o, "processes", (double)n);
  cJSON_AddNumberToObject(o, "median_ns", s.median);
  cJSON_AddNumberToObject(o, "min_ns", s.min);
  cJSON_AddStringToObject(o, "loop", mmb_noise_loop_text());
  cJSON_AddStringToObject(o, "when",
                          e->processes ? "before and after the matrix"
                                       : "before the matrix (the run did not finish)");
  cJSON_AddItemToObject(o, "before", noise_batch(b));
  if (e->processes) cJSON_AddItemToObject(o, "after", noise_batch(e));
  return o;
}

/* A calibration batch into *b (left empty, with a note, when it fails). */
static void calibrate(const run_ctx *x, mmb_noise *b, int quiet) {
  if (x->a.noise < 2) return;
  int rc = mmb_noise_measure((int)x->a.noise, 1.0, b);
  if (rc != 0) {
    memset(b, 0, sizeof *b);
    if (!quiet)
      fprintf(stderr,
              "mmbench run: note: the machine's noise could not be timed (%s): the noisy "
              "flag falls back to a CV above 5 %%\n",
              strerror(-rc));
  }
}

/* The runs, meta.json before and after, the summary; the exit status. */
static int execute(run_ctx *x, int argc, char **argv) {
  const int quiet = x->a.quiet;
  char command[4096] = "mmbench", started[64], err[1024];
  for (int i = 0; i < argc; i++) {
    size_t u = strlen(command);
    snprintf(command + u, sizeof command - u, " %s", argv[i]);
  }
  mmb_env_utc_now(started, sizeof started);
  calibrate(x, &x->before, quiet);
  cJSON *noise = noise_json(x);
  write_meta(x->dir, &x->plan, x->probes, command, x->counters_json, started, 0, noise);
  cJSON_Delete(noise);
  if (!quiet && mmb_runner_cgroup()->kind == 0)
    fprintf(stderr,
            "mmbench: note: cells get no memory cgroup of their own (%s): cgroup_peak_kb stays "
            "empty; see \"cgroup\" in meta.json\n",
            mmb_runner_cgroup()->reason);
  if (!quiet)
    fprintf(stderr, "mmbench run: %d cells x %d reps (%d runs) into %s\n", x->plan.ncells,
            x->plan.reps, mmb_plan_runs(&x->plan), x->dir);
  int rc = mmb_runner_run_except(&x->plan, x->probes, x->dir, x->task.others, quiet);
  if (rc != 130 && x->before.processes) calibrate(x, &x->after, quiet);
  noise = noise_json(x);
  write_meta(x->dir, &x->plan, x->probes, command, x->counters_json, started, 1, noise);
  cJSON_Delete(noise);
  if (mmb_write_summary(x->dir, !quiet && rc != 130, err, sizeof err) != 0) {
    fprintf(stderr, "mmbench run: %s\n", err);
    rc = rc ? rc : 1;
  }
  if (rc == 130) {
    fprintf(stderr,
            "mmbench run: interrupted; what ran is in %s. Continue with: mmbench run --resume %s\n",
            x->dir, x->dir);
  } else if (rc == 0) {
    if (strncmp(x->dir, "results/", 8) == 0) {
      unlink("results/latest");
      if (symlink(x->dir + 8, "results/latest") != 0) { /* a convenience only */
      }
    }
    printf("\nresults: %s\n", x->dir);
    if (x->a.shard_n) mmb_run_shard_finish(&x->task, quiet);
  }
  return rc;
}

int mmb_cmd_run(int argc, char **argv) {
  run_ctx *x = calloc(1, sizeof *x);
  if (!x) return 1;
  mmb_run_opts_init(&x->a.o);
  x->a.noise = 12;
  x->a.so = (mmb_slurm_opts){.nodes_per_shard = 1, .exclusive = 1};
  int next;
  unsigned given;
  int rc = mmb_opts_parse(&mmb_run_options, &x->a, argc, argv, &next, &given);
  if (rc < 0) rc = check_args(&x->a, given, argc, argv, next);
  if (x->a.share_nodes) x->a.so.exclusive = 0;
  x->out = x->a.out, x->resume = x->a.resume;
  if (rc < 0 && x->resume) rc = load_resume(x, (given & RUN_PLAN) != 0);
  if (rc < 0) rc = build_plan(x);
  if (rc < 0 && x->a.dry) rc = dry_run(x);
  if (rc < 0 && x->a.slurm) { /* a new sharded run, submitted as a job array */
    out_dir(x->out, x->dir, sizeof x->dir);
    rc = mmb_run_slurm_new(x->dir, &x->a.o, &x->plan, slurm_shards(x), &x->a.so);
  }
  if (rc < 0) rc = choose_dir(x);
  if (rc < 0) rc = probe(x);
  if (rc < 0) rc = start_files(x);
  if (rc < 0) rc = execute(x, argc, argv);
  run_free(x);
  free(x);
  return rc;
}
