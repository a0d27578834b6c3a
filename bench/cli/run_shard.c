/* mmbench — sharded runs: submission, resubmission, one shard (see
 * run_shard.h). */
#define _GNU_SOURCE
#include "run_shard.h"
#include "cli_util.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "files.h"
#include "merge.h"
#include "results.h"
#include "shard.h"

static int exists(const char *dir, const char *name) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return access(path, F_OK) == 0;
}

int mmb_run_is_sharded(const char *dir) { return exists(dir, "shards.json"); }

int mmb_run_shard_of(const char *dir, char *top, size_t toplen, int *k, int *n) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/shard.json", dir);
  char *text = mmb_read_file(path, NULL);
  if (!text) return 0;
  cJSON *j = cJSON_Parse(text);
  free(text);
  cJSON *jk = cJSON_GetObjectItem(j, "shard"), *jn = cJSON_GetObjectItem(j, "shards");
  int ok = cJSON_IsNumber(jk) && cJSON_IsNumber(jn);
  if (ok) *k = jk->valueint, *n = jn->valueint;
  cJSON_Delete(j);
  snprintf(top, toplen, "%s/../..", dir);
  return ok;
}

/* The files a submission writes into a new folder, removed when it fails. */
static void undo_new(const char *dir, int made) {
  static const char *const names[] = {"plan.json", "shards.csv", "shards.json", "slurm/jobs.json",
                                      NULL};
  char path[PATH_MAX];
  for (int i = 0; names[i]; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    unlink(path);
  }
  snprintf(path, sizeof path, "%s/shards", dir);
  rmdir(path);
  snprintf(path, sizeof path, "%s/slurm", dir);
  rmdir(path);
  if (made) rmdir(dir);
}

static int need_sbatch(const char *cmd) {
  if (mmb_slurm_have("sbatch")) return 0;
  fprintf(stderr,
          "mmbench %s: --slurm needs sbatch on the PATH (install the Slurm client, e.g. Debian's "
          "slurm-client, or run the shards yourself with --shard K/N)\n",
          cmd);
  return 2;
}

int mmb_run_slurm_new(const char *dir, const mmb_run_opts *o, const mmb_plan *plan, int nshards,
                      const mmb_slurm_opts *so) {
  char err[1024];
  if (need_sbatch("run")) return 2;
  if (mmb_slurm_check(so, err, sizeof err) != 0) return mmb_usage_error("run", err);
  if (exists(dir, "plan.json") || exists(dir, "runs.csv")) {
    fprintf(
        stderr,
        "mmbench run: %s already holds results; use --resume %s --slurm to continue it, or another "
        "-o DIR\n",
        dir, dir);
    return 2;
  }
  mmb_shard_map map;
  if (mmb_shard_map_from_plan(plan, nshards, &map, err, sizeof err) != 0)
    return mmb_usage_error("run", err);
  struct stat sb;
  int made = stat(dir, &sb) != 0;
  int rc = mmb_mkdirs(dir);
  if (rc != 0) {
    fprintf(
        stderr,
        "mmbench run: cannot create %s: %s (choose a writable -o DIR on a file system every node "
        "sees)\n",
        dir, strerror(-rc));
    mmb_shard_map_free(&map);
    return 2;
  }
  char *pj = mmb_run_opts_to_json(o), shards[PATH_MAX];
  rc = mmb_write_atomic(dir, "plan.json", pj);
  free(pj);
  snprintf(shards, sizeof shards, "%s/shards", dir);
  if (rc == 0 && mmb_shard_map_write(dir, &map, err, sizeof err) != 0)
    rc = -1;
  else if (rc != 0)
    snprintf(err, sizeof err, "cannot write into %s: %s", dir, strerror(-rc));
  if (rc == 0 && mkdir(shards, 0755) != 0 && errno != EEXIST)
    snprintf(err, sizeof err, "cannot create %s: %s", shards, strerror(errno)), rc = -1;
  int *list = malloc((size_t)nshards * sizeof *list);
  for (int k = 0; k < nshards; k++) list[k] = k + 1;
  char job[64];
  if (rc == 0 &&
      mmb_slurm_submit(dir, so, list, nshards, nshards, job, sizeof job, err, sizeof err) != 0)
    rc = -1;
  free(list);
  if (rc != 0) {
    fprintf(stderr, "mmbench run: %s\n", err);
    undo_new(dir, made);
    mmb_shard_map_free(&map);
    return 2;
  }
  printf("submitted job %s: %d array tasks, one per shard of %zu cells x %d reps, into %s/shards/\n"
         "follow it:  mmbench status %s   (or: squeue -j %s)\n"
         "the last task merges; by hand at any time:  mmbench merge %s\n"
         "rerun what failed:  mmbench run --resume %s --slurm\n",
         job, nshards, map.keys.n, map.reps, dir, dir, job, dir, dir);
  mmb_shard_map_free(&map);
  return 0;
}

int mmb_run_shard_preview(const mmb_plan *plan, int nshards) {
  char err[512];
  mmb_shard_map map;
  if (mmb_shard_map_from_plan(plan, nshards, &map, err, sizeof err) != 0)
    return mmb_usage_error("run", err);
  double *load = calloc((size_t)nshards, sizeof *load), lo = 1e300, hi = 0;
  int *cells = calloc((size_t)nshards, sizeof *cells), clo = 1 << 30, chi = 0;
  for (size_t i = 0; i < map.keys.n; i++)
    load[map.owner[i] - 1] += map.cost[i], cells[map.owner[i] - 1]++;
  for (int k = 0; k < nshards; k++) {
    if (load[k] < lo) lo = load[k];
    if (load[k] > hi) hi = load[k];
    if (cells[k] < clo) clo = cells[k];
    if (cells[k] > chi) chi = cells[k];
  }
  printf("%d shards: %d to %d cells each, expected cost %.4g to %.4g (largest / smallest %.3f)\n",
         nshards, clo, chi, lo, hi, lo > 0 ? hi / lo : 0);
  free(load);
  free(cells);
  mmb_shard_map_free(&map);
  return 0;
}

int mmb_run_slurm_resume(const char *dir, const mmb_slurm_opts *so) {
  char err[2048];
  if (need_sbatch("run")) return 2;
  if (mmb_slurm_check(so, err, sizeof err) != 0) return mmb_usage_error("run", err);
  mmb_merge_opts mo = {0};
  mmb_merge_result res;
  int rc = mmb_merge(dir, &mo, &res, err, sizeof err);
  if (rc != 0) {
    fprintf(stderr, "mmbench run: cannot resume %s: %s\n", dir, err);
    return 2;
  }
  char(*states)[32] = calloc((size_t)res.nshards, sizeof *states);
  mmb_slurm_states(dir, res.nshards, states, NULL);
  int *list = malloc((size_t)res.nshards * sizeof *list), n = 0, active = 0;
  for (int k = 1; k <= res.nshards; k++) {
    if (mmb_merge_shard_complete(&res, k)) continue;
    if (mmb_slurm_active(states[k - 1]))
      active++;
    else
      list[n++] = k;
  }
  if (n == 0) {
    if (active)
      printf("nothing to resubmit: the %d unfinished shard%s still queued or running (mmbench "
             "status %s)\n",
             active, active == 1 ? " is" : "s are", dir);
    else
      printf("nothing to resubmit: every shard of %s is done (merge: mmbench merge %s)\n", dir,
             dir);
  } else {
    char job[64];
    rc = mmb_slurm_submit(dir, so, list, n, res.nshards, job, sizeof job, err, sizeof err);
    if (rc != 0)
      fprintf(stderr, "mmbench run: %s\n", err);
    else {
      printf("submitted job %s: %d shard%s of %d (", job, n, n == 1 ? "" : "s", res.nshards);
      for (int i = 0; i < n && i < 20; i++) printf("%s%d", i ? "," : "", list[i]);
      printf("%s), each running only its missing repetitions\nfollow it:  mmbench status %s\n",
             n > 20 ? ",..." : "", dir);
    }
  }
  free(list);
  free(states);
  mmb_merge_result_free(&res);
  return rc;
}

/* ---------------------------------------------------------------------------
 * One shard
 * ------------------------------------------------------------------------- */
static int same_plan(const char *top, const mmb_run_opts *o, char *err, size_t errlen) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/plan.json", top);
  char *text = mmb_read_file(path, NULL);
  mmb_run_opts stored;
  int rc = text ? mmb_run_opts_from_json(text, &stored, err, errlen) : -1;
  free(text);
  if (rc != 0 || !mmb_run_opts_same(o, &stored)) {
    snprintf(err, errlen,
             "%s holds another plan than these options: run its shards with --resume %s "
             "--shard K/N, or choose another -o DIR",
             top, top);
    return -1;
  }
  return 0;
}

/* Thread counts that follow the machine (-t auto, the presets' scaling
 * sweeps) are resolved on the node a shard lands on; the shard list was
 * made where the run was submitted. A node that resolves them otherwise
 * stops with both sweeps named. 1 when they differ (err set). */
static int sweep_differs(const mmb_plan *plan, const mmb_shard_map *m, char *err, size_t errlen) {
  unsigned char here[MMB_MAX_THREADS + 1] = {0}, listed[MMB_MAX_THREADS + 1] = {0};
  for (int i = 0; i < plan->ncells; i++)
    if (plan->cells[i].threads >= 0 && plan->cells[i].threads <= MMB_MAX_THREADS)
      here[plan->cells[i].threads] = 1;
  for (size_t i = 0; i < m->keys.n; i++)
    if (m->keys.threads[i] >= 0 && m->keys.threads[i] <= MMB_MAX_THREADS)
      listed[m->keys.threads[i]] = 1;
  if (memcmp(here, listed, sizeof here) == 0) return 0;
  char a[256] = "", b[256] = "";
  for (int t = 0; t <= MMB_MAX_THREADS; t++) {
    size_t ua = strlen(a), ub = strlen(b);
    if (here[t]) snprintf(a + ua, sizeof a - ua, "%s%d", ua ? "," : "", t);
    if (listed[t]) snprintf(b + ub, sizeof b - ub, "%s%d", ub ? "," : "", t);
  }
  snprintf(err, errlen,
           "this node's CPUs give thread counts %s, the shard list was made for %s: submit "
           "from a node of the shards' kind, or give -t a fixed list",
           a, b);
  return 1;
}

int mmb_run_shard_prepare(const char *top, const mmb_run_opts *o, int k, int n, mmb_plan *plan,
                          mmb_shard_task *t, char *err, size_t errlen) {
  memset(t, 0, sizeof *t);
  snprintf(t->top, sizeof t->top, "%s", top);
  t->k = k, t->n = n;
  if (!mmb_run_is_sharded(top)) {
    if (exists(top, "plan.json") || exists(top, "runs.csv")) {
      snprintf(err, errlen, "%s holds an unsharded run: use another -o DIR for --shard K/N", top);
      return 2;
    }
    mmb_shard_map map;
    if (mmb_shard_map_from_plan(plan, n, &map, err, errlen) != 0) return 2;
    int rc = mmb_mkdirs(top);
    char *pj = mmb_run_opts_to_json(o);
    if (rc == 0) rc = mmb_write_atomic(top, "plan.json", pj);
    free(pj);
    if (rc == 0 && mmb_shard_map_write(top, &map, err, errlen) != 0)
      rc = -1;
    else if (rc != 0)
      snprintf(err, errlen, "cannot write into %s: %s (choose a writable -o DIR)", top,
               strerror(-rc));
    mmb_shard_map_free(&map);
    if (rc != 0) return 2;
  } else if (same_plan(top, o, err, errlen) != 0) {
    return 2;
  }
  mmb_shard_map map;
  if (mmb_shard_map_load(top, &map, err, errlen) != 0) return 2;
  if (map.nshards != n) {
    snprintf(err, errlen, "%s is split into %d shards: use --shard K/%d with K in 1..%d", top,
             map.nshards, map.nshards, map.nshards);
    mmb_shard_map_free(&map);
    return 2;
  }
  memcpy(t->plan_hash, map.plan_hash, sizeof t->plan_hash);
  if (sweep_differs(plan, &map, err, errlen)) {
    mmb_shard_map_free(&map);
    return 2;
  }
  int rc = mmb_shard_filter_plan(plan, &map, k, err, errlen);
  mmb_shard_map_free(&map);
  if (rc != 0) return 2;
  if (plan->ncells == 0) {
    snprintf(err, errlen, "shard %d/%d of %s has no cells", k, n, top);
    return 2;
  }
  char host[128], name[300];
  mmb_shard_host(host, sizeof host);
  snprintf(name, sizeof name, "%d-%s", k, host);
  snprintf(t->dir, sizeof t->dir, "%s/shards/%s", top, name);
  t->exists = exists(t->dir, "runs.csv");
  /* the same shard begun on another host: its rows count as done */
  char sdir[PATH_MAX];
  snprintf(sdir, sizeof sdir, "%s/shards", top);
  DIR *d = opendir(sdir);
  struct dirent *e;
  int no = 0;
  t->others = calloc(1, sizeof *t->others);
  while (d && (e = readdir(d))) {
    char *end;
    if (strtol(e->d_name, &end, 10) != k || *end != '-' || strcmp(e->d_name, name) == 0) continue;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s/runs.csv", sdir, e->d_name);
    if (access(path, R_OK) != 0) continue;
    char **more = realloc(t->others, (size_t)(no + 2) * sizeof *t->others);
    if (!more) break;
    t->others = more;
    t->others[no++] = strdup(path);
    t->others[no] = NULL;
  }
  if (d) closedir(d);
  return 0;
}

int mmb_run_shard_mark(const mmb_shard_task *t) {
  char host[128], text[512];
  mmb_shard_host(host, sizeof host);
  snprintf(text, sizeof text,
           "{\n  \"shard\": %d,\n  \"shards\": %d,\n  \"plan\": \"%s\",\n  \"host\": \"%s\"\n}\n",
           t->k, t->n, t->plan_hash, host);
  return mmb_write_atomic(t->dir, "shard.json", text);
}

void mmb_run_shard_finish(const mmb_shard_task *t, int quiet) {
  char err[2048];
  mmb_merge_opts mo = {0};
  mmb_merge_result res;
  if (mmb_merge(t->top, &mo, &res, err, sizeof err) != 0) {
    fprintf(stderr, "mmbench run: shard %d/%d done; not merging: %s\n", t->k, t->n, err);
    return;
  }
  int done = res.cells_done == res.cells;
  mmb_merge_result_free(&res);
  if (!done) {
    if (!quiet)
      fprintf(stderr, "mmbench run: shard %d/%d done; others still running (mmbench status %s)\n",
              t->k, t->n, t->top);
    return;
  }
  fprintf(stderr, "mmbench run: shard %d/%d was the last one: merging %s\n", t->k, t->n, t->top);
  char *argv[] = {"merge", "--quiet", (char *)t->top, NULL};
  mmb_cmd_merge(3, argv);
}

void mmb_run_shard_free(mmb_shard_task *t) {
  for (int i = 0; t->others && t->others[i]; i++) free(t->others[i]);
  free(t->others);
  t->others = NULL;
}
