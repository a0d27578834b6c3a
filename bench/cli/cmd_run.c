/* mmbench run — options, validation before anything is written, the
 * results folder, then the runner. */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
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
#include "params.h"
#include "plan.h"
#include "results.h"
#include "run_shard.h"
#include "shard.h"
#include "runner.h"

static void usage(void) {
  printf("usage: mmbench run [OPTIONS]\n"
         "Runs workloads x allocators x threads, each repetition in a fresh process,\n"
         "into a results folder (runs.csv, summary.csv, meta.json, timeline.csv).\n\n"
         "  -w, --workloads LIST   workloads or families, comma-separated (default: all)\n"
         "  -a, --allocators LIST  allocators (default: every available one); also\n"
         "                         NAME[KEY=VALUE;...] and preload:/path/lib.so\n"
         "  -t, --threads LIST     thread counts, e.g. 1,2,4 (default: the preset's)\n"
         "  -p, --param K=V        set a workload parameter; K=V1,V2 sweeps (repeatable)\n"
         "      --touch LIST       word (default) | full | none, or a list to sweep: what the\n"
         "                         region does with each block (same as -p touch=LIST)\n"
         "      --floor MODE       auto (default: measure the harness floor of every workload\n"
         "                         that has one, under allocator `floor`) | on (every selected\n"
         "                         workload must have one) | off\n"
         "      --t1 WHERE         main (default: a 1-thread cell works on the process's main\n"
         "                         thread, no other thread alive, as a single-threaded program)\n"
         "                         | thread (on a worker thread beside the timing thread)\n"
         "  -r, --reps N           measured repetitions per cell (default: the preset's)\n"
         "      --warmup N         unrecorded repetitions per cell first\n"
         "      --scale F          multiply every work parameter (quick 0.05, default 0.25)\n"
         "      --preset NAME      quick | default | full (default: default)\n"
         "      --timeout SECONDS  per repetition; a child past it is killed (timeout)\n"
         "  -o, --out DIR          results folder (default: results/<UTC stamp>-<host>)\n"
         "      --resume DIR       run what is missing from DIR's plan\n"
         "      --seed N           workload seed (default 42)\n"
         "      --pin CPUS         pin every child to these CPUs, e.g. 0 or 0-1\n"
         "      --counters MODE    hw (default) | sim (valgrind: deterministic counts, 1/50 of\n"
         "                         the work unless --scale) | off\n"
         "      --events LIST      counter events by libpfm4 name, or a set: default, software,\n"
         "                         cache, tlb, branch (see: mmbench list events)\n"
         "      --latency K|on     time every K-th allocator call (on = every 100th)\n"
         "      --keep-going       record an allocator that fails its probe as invalid\n"
         "                         instead of stopping\n"
         "      --shard K/N        run only the K-th of N cost-balanced parts of the plan,\n"
         "                         into DIR/shards/K-<host>/ (-o DIR or --resume DIR)\n"
         "      --slurm            submit the plan as a Slurm job array, one task per shard\n"
         "                         (with --resume DIR: only the shards not done)\n"
         "      --shards N         shards for --slurm (default: 8, at most the cells)\n"
         "      --partition P      --time LIMIT  --nodes-per-shard N (default 1): sbatch options\n"
         "      --share-nodes      let shards share a node (default: --exclusive)\n"
         "  -n, --dry-run          print the plan (cells, skipped ones and why) and stop\n"
         "  -q, --quiet            no progress lines\n"
         "  -h, --help             this text\n");
}

static int number(const char *opt, const char *text, long long min, long long max, long long *out) {
  char msg[256];
  if (mmb_parse_int(text, out) != 0 || *out < min || *out > max) {
    snprintf(msg, sizeof msg, "%s needs a whole number in %lld..%lld, not '%s'", opt, min, max,
             text);
    return mmb_usage_error("run", msg);
  }
  return 0;
}

static int copy_opt(char *dst, size_t len, const char *opt, const char *text) {
  if (strlen(text) >= len) {
    char msg[128];
    snprintf(msg, sizeof msg, "%s is too long (at most %zu characters)", opt, len - 1);
    return mmb_usage_error("run", msg);
  }
  snprintf(dst, len, "%s", text);
  return 0;
}

/* -w, -a, -t: an empty list would silently mean "the default matrix". */
static int copy_list(char *dst, size_t len, const char *opt, const char *what, const char *text) {
  if (!*text) {
    char msg[200];
    snprintf(msg, sizeof msg, "%s is empty: give %s (e.g. %s), or leave %s out for the default",
             opt, what,
             strcmp(opt, "-t") == 0   ? "-t 1,2"
             : strcmp(opt, "-a") == 0 ? "-a glibc,jemalloc"
                                      : "-w malloc-free",
             opt);
    return mmb_usage_error("run", msg);
  }
  return copy_opt(dst, len, opt, text);
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

/* meta.json: command, preset, plan, environment, allocators, counters. */
static int write_meta(const char *dir, const mmb_plan *plan, const mmb_probe_result *probes,
                      const char *command, const char *counters_json, const char *started,
                      int finished) {
  cJSON *m = mmb_env_capture();
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
    cJSON_AddStringToObject(a, "version", probes[i].version);
    cJSON_AddStringToObject(a, "status", probes[i].status);
    cJSON_AddStringToObject(a, "reason", probes[i].reason);
    cJSON *set = cJSON_AddArrayToObject(a, "settings");
    for (int k = 0; k < plan->allocs[i].nsettings; k++)
      cJSON_AddItemToArray(set, cJSON_CreateString(plan->allocs[i].settings[k]));
  }
  cJSON_AddItemToObject(m, "cgroup", mmb_cgroup_json(mmb_runner_cgroup()));
  cJSON *cj = cJSON_Parse(counters_json);
  cJSON_AddItemToObject(m, "counters", cj ? cj : cJSON_CreateObject());
  cJSON *pl = cJSON_AddObjectToObject(m, "plan");
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
  char *text = cJSON_Print(m);
  cJSON_Delete(m);
  int rc = mmb_write_atomic(dir, "meta.json", text);
  free(text);
  return rc;
}

int mmb_cmd_run(int argc, char **argv) {
  static const struct option opts[] = {{"workloads", required_argument, 0, 'w'},
                                       {"allocators", required_argument, 0, 'a'},
                                       {"threads", required_argument, 0, 't'},
                                       {"param", required_argument, 0, 'p'},
                                       {"reps", required_argument, 0, 'r'},
                                       {"warmup", required_argument, 0, 'W'},
                                       {"scale", required_argument, 0, 'S'},
                                       {"preset", required_argument, 0, 'P'},
                                       {"timeout", required_argument, 0, 'T'},
                                       {"out", required_argument, 0, 'o'},
                                       {"resume", required_argument, 0, 'R'},
                                       {"seed", required_argument, 0, 's'},
                                       {"pin", required_argument, 0, 'c'},
                                       {"counters", required_argument, 0, 'C'},
                                       {"events", required_argument, 0, 'e'},
                                       {"latency", required_argument, 0, 'L'},
                                       {"keep-going", no_argument, 0, 'k'},
                                       {"quiet", no_argument, 0, 'q'},
                                       {"dry-run", no_argument, 0, 'n'},
                                       {"touch", required_argument, 0, 'U'},
                                       {"floor", required_argument, 0, 'F'},
                                       {"t1", required_argument, 0, 1008},
                                       {"shard", required_argument, 0, 1001},
                                       {"slurm", no_argument, 0, 1002},
                                       {"shards", required_argument, 0, 1003},
                                       {"partition", required_argument, 0, 1004},
                                       {"time", required_argument, 0, 1005},
                                       {"nodes-per-shard", required_argument, 0, 1006},
                                       {"share-nodes", no_argument, 0, 1007},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  mmb_run_opts o;
  mmb_run_opts_init(&o);
  const char *out = NULL, *resume = NULL;
  int c, explicit = 0, quiet = 0, dry = 0;
  int shard_k = 0, shard_n = 0, slurm = 0, nshards = 0, slurm_opt = 0;
  mmb_slurm_opts so = {.nodes_per_shard = 1, .exclusive = 1};
  long long v;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":w:a:t:p:r:o:qnh", opts, NULL)) != -1) {
    int rc = 0;
    if (c != 'o' && c != 'R' && c != 'q' && c != 'h' && c != 'n' && c < 1000) explicit = 1;
    switch (c) {
    case 'w':
      rc = copy_list(o.workloads, sizeof o.workloads, "-w",
                     "workload or family names (mmbench list)", optarg);
      break;
    case 'a':
      rc = copy_list(o.allocators, sizeof o.allocators, "-a", "allocator names (mmbench list)",
                     optarg);
      break;
    case 't': rc = copy_list(o.threads, sizeof o.threads, "-t", "thread counts", optarg); break;
    case 'p':
      if (o.nparams == 16) return mmb_usage_error("run", "at most 16 -p options");
      rc = copy_opt(o.params[o.nparams++], sizeof o.params[0], "-p", optarg);
      break;
    case 'U': {
      if (o.nparams == 16) return mmb_usage_error("run", "at most 16 -p options");
      for (const char *q = optarg; *q; q++) {
        size_t l = strcspn(q, ",");
        int known = 0;
        for (int i = 0; mmb_touch_names[i]; i++)
          known |= strlen(mmb_touch_names[i]) == l && strncmp(q, mmb_touch_names[i], l) == 0;
        if (!known) {
          char msg[256];
          snprintf(msg, sizeof msg,
                   "--touch must be word, full or none (or a comma list of them), not '%.*s'",
                   (int)l, q);
          return mmb_usage_error("run", msg);
        }
        q += l;
        if (!*q) break;
      }
      char kv[512];
      snprintf(kv, sizeof kv, "touch=%.400s", optarg);
      rc = copy_opt(o.params[o.nparams++], sizeof o.params[0], "--touch", kv);
      break;
    }
    case 'F':
      if (strcmp(optarg, "auto") != 0 && strcmp(optarg, "on") != 0 && strcmp(optarg, "off") != 0) {
        char msg[200];
        snprintf(msg, sizeof msg, "--floor must be auto, on or off, not '%.100s'", optarg);
        return mmb_usage_error("run", msg);
      }
      rc = copy_opt(o.floor, sizeof o.floor, "--floor", optarg);
      break;
    case 1008:
      if (strcmp(optarg, "main") != 0 && strcmp(optarg, "thread") != 0) {
        char msg[200];
        snprintf(msg, sizeof msg, "--t1 must be main or thread, not '%.100s'", optarg);
        return mmb_usage_error("run", msg);
      }
      explicit = 1;
      rc = copy_opt(o.t1, sizeof o.t1, "--t1", optarg);
      break;
    case 'r': rc = number("-r/--reps", optarg, 1, 1000000, &v), o.reps = (int)v; break;
    case 'W': rc = number("--warmup", optarg, 0, 1000, &v), o.warmup = (int)v; break;
    case 'S': {
      char *end;
      o.scale = strtod(optarg, &end);
      if (*end || !(o.scale > 0 && o.scale <= 1000))
        return mmb_usage_error("run", "--scale needs a number in (0, 1000], e.g. 0.1");
      break;
    }
    case 'P': rc = copy_opt(o.preset, sizeof o.preset, "--preset", optarg); break;
    case 'T': {
      char *end;
      o.timeout = strtod(optarg, &end);
      if (*end || !(o.timeout > 0 && o.timeout <= 86400))
        return mmb_usage_error("run", "--timeout needs seconds in (0, 86400], e.g. 60");
      break;
    }
    case 'o': out = optarg; break;
    case 'R': resume = optarg; break;
    case 's': rc = number("--seed", optarg, 0, LLONG_MAX, &v), o.seed = (uint64_t)v; break;
    case 'c': {
      char perr[512];
      if (mmb_cpu_list_check(optarg, perr, sizeof perr)) return mmb_usage_error("run", perr);
      rc = copy_opt(o.pin, sizeof o.pin, "--pin", optarg);
      break;
    }
    case 'C': rc = copy_opt(o.counters, sizeof o.counters, "--counters", optarg); break;
    case 'e': rc = copy_opt(o.events, sizeof o.events, "--events", optarg); break;
    case 'L': rc = copy_opt(o.latency, sizeof o.latency, "--latency", optarg); break;
    case 'k': o.keep_going = 1; break;
    case 'q': quiet = 1; break;
    case 'n': dry = 1; break;
    case 'h': usage(); return 0;
    case 1001:
      if (mmb_shard_parse(optarg, &shard_k, &shard_n) != 0) {
        char msg[200];
        snprintf(msg, sizeof msg,
                 "--shard needs K/N with 1 <= K <= N <= 100000, e.g. 2/4, not '%s'", optarg);
        return mmb_usage_error("run", msg);
      }
      break;
    case 1002: slurm = 1; break;
    case 1003:
      rc = number("--shards", optarg, 1, 100000, &v), nshards = (int)v, slurm_opt = 1;
      break;
    case 1004:
      rc = copy_opt(so.partition, sizeof so.partition, "--partition", optarg), slurm_opt = 1;
      break;
    case 1005: rc = copy_opt(so.time, sizeof so.time, "--time", optarg), slurm_opt = 1; break;
    case 1006:
      rc = number("--nodes-per-shard", optarg, 1, 100000, &v), so.nodes_per_shard = (int)v,
      slurm_opt = 1;
      break;
    case 1007: so.exclusive = 0, slurm_opt = 1; break;
    case ':': {
      char msg[128];
      snprintf(msg, sizeof msg, "option %s needs a value", argv[optind - 1]);
      return mmb_usage_error("run", msg);
    }
    default: {
      char msg[160];
      snprintf(msg, sizeof msg, "unknown option '%s' (see: mmbench run --help)", argv[optind - 1]);
      return mmb_usage_error("run", msg);
    }
    }
    if (rc) return rc;
  }
  if (optind < argc) {
    char msg[200];
    snprintf(msg, sizeof msg, "unexpected argument '%s' (lists are comma-separated: -w a,b)",
             argv[optind]);
    return mmb_usage_error("run", msg);
  }
  if (out && resume)
    return mmb_usage_error("run", "use either -o DIR (a new run) or --resume DIR, not both");
  if (slurm_opt && !slurm)
    return mmb_usage_error(
        "run",
        "--shards, --partition, --time, --nodes-per-shard and --share-nodes go with --slurm");
  if (slurm && shard_n)
    return mmb_usage_error("run",
                           "use --slurm (submits every shard) or --shard K/N (runs one), not both");
  if (shard_n && !out && !resume)
    return mmb_usage_error(
        "run", "--shard K/N needs the sharded run's folder: -o DIR (new) or --resume DIR");
  if (slurm && resume) {
    if (!mmb_run_is_sharded(resume)) {
      fprintf(stderr,
              "mmbench run: %s is not a sharded run (no shards.json); resume it without --slurm\n",
              resume);
      return 2;
    }
    return mmb_run_slurm_resume(resume, &so);
  }
  char shard_top[PATH_MAX];
  if (resume && !shard_n &&
      mmb_run_shard_of(resume, shard_top, sizeof shard_top, &shard_k, &shard_n))
    resume = shard_top; /* a shard folder: continue that shard of its run */
  if (resume && !shard_n && mmb_run_is_sharded(resume)) {
    fprintf(
        stderr,
        "mmbench run: %s is a sharded run: resume it with --resume %s --slurm, or one shard with "
        "--resume %s --shard K/N\n",
        resume, resume, resume);
    return 2;
  }

  char err[1024], dir[PATH_MAX];
  if (resume) {
    snprintf(dir, sizeof dir, "%s", resume);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/plan.json", dir);
    char *text = mmb_read_file(path, NULL);
    if (!text) {
      fprintf(
          stderr,
          "mmbench run: cannot resume %s: no plan.json there (%s); start a new run with -o DIR\n",
          dir, strerror(errno));
      return MMB_EXIT_USAGE;
    }
    mmb_run_opts stored;
    int rc = mmb_run_opts_from_json(text, &stored, err, sizeof err);
    free(text);
    if (rc != 0) {
      fprintf(stderr, "mmbench run: cannot resume %s: %s\n", dir, err);
      return MMB_EXIT_USAGE;
    }
    if (explicit) {
      o.keep_going = o.keep_going || stored.keep_going;
      if (!mmb_run_opts_same(&o, &stored)) {
        fprintf(stderr,
                "mmbench run: %s holds another plan than these options; run --resume %s alone "
                "to continue it, or -o NEWDIR for this plan\n",
                dir, dir);
        return MMB_EXIT_USAGE;
      }
    }
    o = stored;
  }

  mmb_plan plan;
  if (mmb_plan_build(&o, &plan, err, sizeof err) != 0) {
    fprintf(stderr, "mmbench run: %s\n", err);
    return MMB_EXIT_USAGE;
  }
  if (dry) {
    int skipped = 0;
    for (int i = 0; i < plan.ncells; i++) {
      const mmb_cell_plan *cp = &plan.cells[i];
      printf("%-18s %-40s %-22s t=%-3d %s\n", cp->w->name, cp->params, plan.allocs[cp->alloc].text,
             cp->threads, cp->skip[0] ? cp->skip : "run");
      skipped += cp->skip[0] != 0;
    }
    printf("%d cells (%d skipped) x %d reps = %d runs; timeout %.0f s each\n", plan.ncells, skipped,
           plan.reps, mmb_plan_runs(&plan), plan.timeout);
    int rc = slurm || shard_n
                 ? mmb_run_shard_preview(
                       &plan,
                       slurm ? (nshards ? nshards : (plan.ncells < 8 ? plan.ncells : 8)) : shard_n)
                 : 0;
    mmb_plan_free(&plan);
    return rc;
  }
  if (slurm) { /* a new sharded run, submitted as a job array */
    if (out)
      snprintf(dir, sizeof dir, "%s", out);
    else
      mmb_results_default_dir(dir, sizeof dir, "");
    int rc = mmb_run_slurm_new(dir, &o, &plan,
                               nshards ? nshards : (plan.ncells < 8 ? plan.ncells : 8), &so);
    mmb_plan_free(&plan);
    return rc;
  }
  mmb_shard_task task = {0};
  if (shard_n) { /* one shard: the plan narrowed, its own folder */
    if (mmb_run_shard_prepare(resume ? resume : out, &o, shard_k, shard_n, &plan, &task, err,
                              sizeof err) != 0) {
      fprintf(stderr, "mmbench run: %s\n", err);
      mmb_run_shard_free(&task);
      mmb_plan_free(&plan);
      return 2;
    }
    snprintf(dir, sizeof dir, "%s", task.dir);
    resume = task.exists ? task.dir : NULL;
    out = task.exists ? NULL : task.dir;
  }
  if (!resume) {
    if (out)
      snprintf(dir, sizeof dir, "%s", out);
    else
      mmb_results_default_dir(dir, sizeof dir, "");
    if (dir_has_results(dir)) {
      fprintf(stderr,
              "mmbench run: %s already holds results; use --resume %s to continue it, or another "
              "-o DIR\n",
              dir, dir);
      mmb_plan_free(&plan), mmb_run_shard_free(&task);
      return MMB_EXIT_USAGE;
    }
  }

  /* The folder: created (and checked writable) before the probes, removed
   * again if a probe refuses the run, so bad input leaves nothing behind. */
  if (!resume) {
    int rc = make_dir(dir);
    if (rc) {
      mmb_plan_free(&plan), mmb_run_shard_free(&task);
      return rc;
    }
  }
  /* Probe allocators before anything is written. */
  mmb_probe_result *probes = calloc((size_t)plan.nallocs, sizeof *probes);
  mmb_runner_probe(&plan, probes);
  for (int i = 0; i < plan.nallocs; i++) {
    if (strcmp(probes[i].status, "invalid") != 0) continue;
    if (!o.keep_going) {
      fprintf(stderr,
              "mmbench run: allocator %s is unusable: %s (fix it, drop it from -a, or pass "
              "--keep-going to record it as invalid)\n",
              plan.allocs[i].text, probes[i].reason);
      free(probes);
      mmb_plan_free(&plan), mmb_run_shard_free(&task);
      if (!resume) rmdir(dir);
      return MMB_EXIT_USAGE;
    }
    fprintf(stderr, "mmbench run: allocator %s recorded as invalid: %s\n", plan.allocs[i].text,
            probes[i].reason);
  }
  char counters_json[16384];
  mmb_counters_probe(&plan.counters, counters_json, sizeof counters_json, quiet);

  /* The folder. */
  if (!resume) {
    int rc;
    char *pj = mmb_run_opts_to_json(&o);
    char header[8192];
    size_t used = 0;
    const char *cols[128];
    int ncols = mmb_runner_columns(&plan, cols, 128);
    for (int i = 0; i < ncols; i++)
      mmb_csv_field(header, sizeof header - 1, &used, cols[i], i == 0);
    header[used++] = '\n';
    header[used] = 0;
    rc = mmb_write_atomic(dir, "plan.json", pj);
    if (rc == 0) rc = mmb_write_atomic(dir, "runs.csv", header);
    if (rc == 0)
      rc = mmb_write_atomic(dir, "timeline.csv",
                            "workload,params,allocator,threads,rep,t_ms,rss_kb\n");
    free(pj);
    if (rc == 0 && shard_n) rc = mmb_run_shard_mark(&task);
    if (rc != 0) {
      fprintf(stderr, "mmbench run: cannot write into %s: %s\n", dir, strerror(-rc));
      free(probes);
      mmb_plan_free(&plan), mmb_run_shard_free(&task);
      return MMB_EXIT_USAGE;
    }
  }
  char command[4096] = "mmbench";
  for (int i = 0; i < argc; i++) {
    size_t u = strlen(command);
    snprintf(command + u, sizeof command - u, " %s", argv[i]);
  }
  char started[64];
  mmb_env_utc_now(started, sizeof started);
  write_meta(dir, &plan, probes, command, counters_json, started, 0);
  if (!quiet && mmb_runner_cgroup()->kind == 0)
    fprintf(stderr,
            "mmbench: note: cells get no memory cgroup of their own (%s): cgroup_peak_kb stays "
            "empty; see \"cgroup\" in meta.json\n",
            mmb_runner_cgroup()->reason);
  if (!quiet)
    fprintf(stderr, "mmbench run: %d cells x %d reps (%d runs) into %s\n", plan.ncells, plan.reps,
            mmb_plan_runs(&plan), dir);
  int rc = mmb_runner_run_except(&plan, probes, dir, task.others, quiet);
  write_meta(dir, &plan, probes, command, counters_json, started, 1);
  if (mmb_write_summary(dir, !quiet && rc != 130, err, sizeof err) != 0) {
    fprintf(stderr, "mmbench run: %s\n", err);
    rc = rc ? rc : 1;
  }
  if (rc == 130) {
    fprintf(stderr,
            "mmbench run: interrupted; what ran is in %s. Continue with: mmbench run --resume %s\n",
            dir, dir);
  } else if (rc == 0) {
    if (strncmp(dir, "results/", 8) == 0) {
      unlink("results/latest");
      if (symlink(dir + 8, "results/latest") != 0) { /* a convenience only */
      }
    }
    printf("\nresults: %s\n", dir);
    if (shard_n) mmb_run_shard_finish(&task, quiet);
  }
  mmb_run_shard_free(&task);
  free(probes);
  mmb_plan_free(&plan);
  return rc;
}
