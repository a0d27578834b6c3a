/* mmbench — Slurm job arrays (see slurm.h). */
#define _GNU_SOURCE
#include "slurm.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "env.h"
#include "files.h"
#include "results.h"

int mmb_slurm_have(const char *name) {
  const char *path = getenv("PATH");
  if (!path) return 0;
  char *copy = strdup(path), *save = NULL;
  int found = 0;
  for (char *d = strtok_r(copy, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", *d ? d : ".", name);
    struct stat sb;
    found = stat(p, &sb) == 0 && S_ISREG(sb.st_mode) && access(p, X_OK) == 0;
  }
  free(copy);
  return found;
}

int mmb_slurm_check(const mmb_slurm_opts *so, char *err, size_t errlen) {
  if (strspn(so->partition, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.,-") !=
      strlen(so->partition)) {
    snprintf(err, errlen, "--partition needs a partition name such as batch or gpu,batch, not '%s'",
             so->partition);
    return -1;
  }
  if (strspn(so->time, "0123456789:-") != strlen(so->time)) {
    snprintf(err, errlen,
             "--time needs a Slurm time limit such as 30, 2:00:00 or 1-12:00:00, not '%s'",
             so->time);
    return -1;
  }
  return 0;
}

/* Run argv, collecting stdout and stderr. Exit status, or -1. */
static int capture(char *const argv[], char *out, size_t outlen, char *errout, size_t errlen) {
  int po[2], pe[2];
  out[0] = errout[0] = 0;
  if (pipe(po) != 0) return -1;
  if (pipe(pe) != 0) {
    close(po[0]), close(po[1]);
    return -1;
  }
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    close(po[0]), close(po[1]), close(pe[0]), close(pe[1]);
    return -1;
  }
  if (pid == 0) {
    dup2(po[1], 1), dup2(pe[1], 2);
    close(po[0]), close(po[1]), close(pe[0]), close(pe[1]);
    execvp(argv[0], argv);
    fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  close(po[1]), close(pe[1]);
  int fds[2] = {po[0], pe[0]};
  char *bufs[2] = {out, errout};
  size_t lens[2] = {outlen, errlen}, used[2] = {0, 0};
  for (int i = 0; i < 2; i++) { /* the tools print little: stdout, then stderr */
    char tmp[4096];
    ssize_t n;
    while ((n = read(fds[i], tmp, sizeof tmp)) != 0) {
      if (n < 0) {
        if (errno == EINTR) continue;
        break;
      }
      size_t take = (size_t)n < lens[i] - 1 - used[i] ? (size_t)n : lens[i] - 1 - used[i];
      memcpy(bufs[i] + used[i], tmp, take);
      used[i] += take;
    }
    bufs[i][used[i]] = 0;
    close(fds[i]);
  }
  int st;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* 'text' for sh, with ' written as '\'' */
static void sh_quote(char *out, size_t len, const char *text) {
  size_t u = 0;
  if (u + 1 < len) out[u++] = '\'';
  for (const char *p = text; *p && u + 5 < len; p++) {
    if (*p == '\'')
      memcpy(out + u, "'\\''", 4), u += 4;
    else
      out[u++] = *p;
  }
  if (u + 1 < len) out[u++] = '\'';
  out[u] = 0;
}

/* "1-4" or "2,5,7" */
static void array_spec(char *out, size_t len, const int *shards, int n) {
  size_t u = 0;
  out[0] = 0;
  for (int i = 0; i < n && u < len; i++) {
    int j = i;
    while (j + 1 < n && shards[j + 1] == shards[j] + 1) j++;
    if (j > i)
      u += (size_t)snprintf(out + u, len - u, "%s%d-%d", u ? "," : "", shards[i], shards[j]);
    else
      u += (size_t)snprintf(out + u, len - u, "%s%d", u ? "," : "", shards[i]);
    i = j;
  }
}

static int record_job(const char *dir, const char *jobid, const int *shards, int n) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/slurm/jobs.json", dir);
  char *text = mmb_read_file(path, NULL);
  cJSON *jobs = text ? cJSON_Parse(text) : NULL;
  free(text);
  if (!cJSON_IsArray(jobs)) cJSON_Delete(jobs), jobs = cJSON_CreateArray();
  cJSON *j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "job", jobid);
  cJSON *s = cJSON_AddArrayToObject(j, "shards");
  for (int i = 0; i < n; i++) cJSON_AddItemToArray(s, cJSON_CreateNumber(shards[i]));
  char now[64];
  mmb_env_utc_now(now, sizeof now);
  cJSON_AddStringToObject(j, "submitted", now);
  cJSON_AddItemToArray(jobs, j);
  char *out = cJSON_Print(jobs);
  cJSON_Delete(jobs);
  snprintf(path, sizeof path, "%s/slurm", dir);
  int rc = mmb_write_atomic(path, "jobs.json", out);
  free(out);
  return rc;
}

int mmb_slurm_submit(const char *dir, const mmb_slurm_opts *so, const int *shards, int n,
                     int nshards, char *jobid, size_t idlen, char *err, size_t errlen) {
  char sdir[PATH_MAX], script[PATH_MAX], absdir[PATH_MAX];
  if (!realpath(dir, absdir)) {
    snprintf(err, errlen, "cannot resolve %s: %s", dir, strerror(errno));
    return 2;
  }
  snprintf(sdir, sizeof sdir, "%s/slurm", absdir);
  int made = mkdir(sdir, 0755) == 0;
  if (!made && errno != EEXIST) {
    snprintf(err, errlen, "cannot create %s: %s", sdir, strerror(errno));
    return 2;
  }
  char qexe[PATH_MAX * 2], qdir[PATH_MAX * 2], qout[PATH_MAX * 2], arr[4096], out[PATH_MAX];
  sh_quote(qexe, sizeof qexe, mmb_self_exe());
  sh_quote(qdir, sizeof qdir, absdir);
  snprintf(out, sizeof out, "%s/shard-%%a-job%%A.out", sdir);
  sh_quote(qout, sizeof qout, out);
  array_spec(arr, sizeof arr, shards, n);
  char text[16384];
  size_t u = (size_t)snprintf(
      text, sizeof text,
      "#!/bin/sh\n"
      "# mmbench: one array task per shard of the plan in %s.\n"
      "# Each task runs its shard into shards/<K>-<host>/; the last one to finish merges.\n"
      "#SBATCH --job-name=mmbench\n"
      "#SBATCH --array=%s\n"
      "#SBATCH --nodes=%d\n"
      "#SBATCH --ntasks=1\n"
      "#SBATCH --output=%s\n",
      absdir, arr, so->nodes_per_shard, out);
  if (so->exclusive) u += (size_t)snprintf(text + u, sizeof text - u, "#SBATCH --exclusive\n");
  if (so->partition[0])
    u += (size_t)snprintf(text + u, sizeof text - u, "#SBATCH --partition=%s\n", so->partition);
  if (so->time[0])
    u += (size_t)snprintf(text + u, sizeof text - u, "#SBATCH --time=%s\n", so->time);
  snprintf(text + u, sizeof text - u,
           "exec %s run --resume %s --shard \"$SLURM_ARRAY_TASK_ID/%d\"\n", qexe, qdir, nshards);
  int rc = mmb_write_atomic(sdir, "array.sh", text);
  snprintf(script, sizeof script, "%s/array.sh", sdir);
  if (rc != 0) {
    snprintf(err, errlen, "cannot write %s: %s", script, strerror(-rc));
    if (made) rmdir(sdir);
    return 2;
  }
  char *argv[] = {"sbatch", "--parsable", script, NULL};
  char sout[4096], serr[4096];
  int st = capture(argv, sout, sizeof sout, serr, sizeof serr);
  char id[64] = "";
  sscanf(sout, "%63[0-9]", id);
  if (st != 0 || !id[0]) {
    char line[512];
    mmb_last_line(serr[0] ? serr : sout, line, sizeof line);
    snprintf(err, errlen,
             "sbatch refused the job array: %s (fix the Slurm options: --partition, --time, "
             "--nodes-per-shard)",
             line[0] ? line : (st < 0 ? strerror(errno) : "no job id printed"));
    unlink(script);
    if (made) rmdir(sdir);
    return 2;
  }
  snprintf(jobid, idlen, "%s", id);
  if (record_job(absdir, id, shards, n) != 0)
    fprintf(stderr, "mmbench run: note: could not record job %s in %s/jobs.json\n", id, sdir);
  return 0;
}

/* Lines "JOBID_TASK|STATE" into states (task = shard). */
static void parse_states(const char *text, const char *job, int nshards, char (*states)[32]) {
  size_t jl = strlen(job);
  for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
    if (strncmp(l, job, jl) != 0 || l[jl] != '_') continue;
    const char *p = l + jl + 1;
    int k = atoi(p);
    const char *bar = strchr(p, '|');
    if (!bar || *p == '[' || k < 1 || k > nshards) continue;
    char st[32];
    size_t n = strcspn(bar + 1, " \n|");
    snprintf(st, sizeof st, "%.*s", (int)(n < 31 ? n : 31), bar + 1);
    snprintf(states[k - 1], 32, "%s", st);
  }
}

void mmb_slurm_states(const char *dir, int nshards, char (*states)[32], char (*jobs_of)[32]) {
  for (int k = 0; k < nshards; k++) {
    states[k][0] = 0;
    if (jobs_of) jobs_of[k][0] = 0;
  }
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/slurm/jobs.json", dir);
  char *text = mmb_read_file(path, NULL);
  cJSON *jobs = text ? cJSON_Parse(text) : NULL;
  free(text);
  cJSON *j;
  int have_sacct = mmb_slurm_have("sacct"), have_squeue = mmb_slurm_have("squeue");
  size_t cap = 1 << 20;
  char *out = malloc(cap), err[4096];
  cJSON_ArrayForEach(j, jobs) {
    cJSON *id = cJSON_GetObjectItem(j, "job"), *sh;
    if (!cJSON_IsString(id)) continue;
    cJSON_ArrayForEach(sh, cJSON_GetObjectItem(j, "shards")) {
      if (jobs_of && cJSON_IsNumber(sh) && sh->valueint >= 1 && sh->valueint <= nshards)
        snprintf(jobs_of[sh->valueint - 1], 32, "%s", id->valuestring);
    }
    /* accounting first (finished tasks), then the queue (what runs now) */
    if (have_sacct) {
      char *argv[] = {"sacct", "-n", "-P", "-X", "-j", id->valuestring, "-o", "JobID,State", NULL};
      if (capture(argv, out, cap, err, sizeof err) == 0)
        parse_states(out, id->valuestring, nshards, states);
    }
    if (have_squeue) {
      char *argv[] = {"squeue",        "-h", "-r",    "-t", "all", "-j",
                      id->valuestring, "-o", "%i|%T", NULL};
      if (capture(argv, out, cap, err, sizeof err) == 0)
        parse_states(out, id->valuestring, nshards, states);
    }
  }
  free(out);
  cJSON_Delete(jobs);
}

int mmb_slurm_active(const char *state) {
  static const char *const active[] = {"PENDING",  "RUNNING",  "CONFIGURING", "COMPLETING",
                                       "REQUEUED", "RESIZING", "SUSPENDED",   NULL};
  for (int i = 0; active[i]; i++)
    if (strcmp(state, active[i]) == 0) return 1;
  return 0;
}
