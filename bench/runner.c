/* mmbench — the runner (see runner.h). */
#define _GNU_SOURCE
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "results.h"
#include "table.h"

#define MAX_COLS 128

static volatile sig_atomic_t interrupted;

static void on_signal(int sig) {
  (void)sig;
  interrupted = 1;
}

static double mono_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int mmb_runner_columns(const mmb_plan *plan, const char **cols, int max) {
  int n = 0;
  for (int i = 0; mmb_run_columns[i] && n < max; i++) cols[n++] = mmb_run_columns[i];
  n += mmb_counters_columns(&plan->counters, cols + n, max - n);
  return n;
}

/* ---------------------------------------------------------------------------
 * Child processes
 * ------------------------------------------------------------------------- */
typedef struct child_io {
  char out[16384]; /* what the child wrote on the result descriptor */
  size_t out_len;
  char err[1024];  /* the tail of its stderr */
  size_t err_len;
} child_io;

static void keep_tail(char *buf, size_t *len, size_t cap, const char *data, size_t n) {
  if (n >= cap - 1) {
    data += n - (cap - 1);
    n = cap - 1;
  }
  if (*len + n >= cap) {
    size_t drop = *len + n - (cap - 1);
    memmove(buf, buf + drop, *len - drop);
    *len -= drop;
  }
  memcpy(buf + *len, data, n);
  *len += n;
  buf[*len] = 0;
}

/* Last non-empty line of the child's stderr, for the reason column. */
static void last_line(const char *text, char *out, size_t len) {
  const char *end = text + strlen(text);
  while (end > text && (end[-1] == '\n' || end[-1] == ' ')) end--;
  const char *start = end;
  while (start > text && start[-1] != '\n') start--;
  snprintf(out, len, "%.*s", (int)(end - start), start);
}

static void apply_pin(const char *pin) {
  if (!*pin) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  char *copy = strdup(pin), *save = NULL;
  for (char *it = strtok_r(copy, ",", &save); it; it = strtok_r(NULL, ",", &save)) {
    int a, b;
    if (sscanf(it, "%d-%d", &a, &b) == 2)
      for (int c = a; c <= b; c++) CPU_SET(c, &set);
    else
      CPU_SET(atoi(it), &set);
  }
  free(copy);
  sched_setaffinity(0, sizeof set, &set);
}

/* Environment for the allocator: LD_PRELOAD and its [settings]. */
static void apply_env(const mmb_alloc_spec *spec) {
  if (spec->alloc->kind == MMB_KIND_PRELOAD && spec->alloc->library && *spec->alloc->library)
    setenv("LD_PRELOAD", spec->alloc->library, 1);
  else
    unsetenv("LD_PRELOAD");
  for (int i = 0; i < spec->nsettings; i++) putenv(strdup(spec->settings[i]));
}

typedef struct timeline {
  FILE *f;          /* NULL: not sampling */
  const char *key;  /* workload,params,allocator,threads,rep fields, CSV-ready */
} timeline;

static long child_rss_kb(pid_t pid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/statm", (int)pid);
  FILE *f = fopen(path, "r");
  long size, res;
  if (!f) return -1;
  int ok = fscanf(f, "%ld %ld", &size, &res) == 2;
  fclose(f);
  return ok ? res * (sysconf(_SC_PAGESIZE) / 1024) : -1;
}

/* Spawn argv with the allocator's environment; collect its output until it
 * exits or the timeout passes. Returns the wait status, or -1 when it could
 * not start; *timed_out set when it was killed for time. */
static int spawn(char *const argv[], const mmb_alloc_spec *spec, const char *pin, double timeout,
                 child_io *io, timeline *tl, int *timed_out) {
  int res[2], err[2];
  memset(io, 0, sizeof *io);
  *timed_out = 0;
  if (pipe2(res, O_CLOEXEC) != 0) return -1;
  if (pipe2(err, O_CLOEXEC) != 0) {
    close(res[0]), close(res[1]);
    return -1;
  }
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) {
    close(res[0]), close(res[1]), close(err[0]), close(err[1]);
    return -1;
  }
  if (pid == 0) {
    setpgid(0, 0);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    dup2(res[1], 3);
    dup2(err[1], 2);
    int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) dup2(devnull, 1), dup2(devnull, 0);
    apply_pin(pin);
    apply_env(spec);
    execv(argv[0], argv);
    dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  setpgid(pid, pid);
  close(res[1]);
  close(err[1]);
  struct pollfd fds[2] = {{res[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  double deadline = mono_s() + timeout, t_start = -1;
  int open_fds = 2;
  while (open_fds > 0) {
    double left = deadline - mono_s();
    if (left <= 0) {
      *timed_out = 1;
      kill(-pid, SIGKILL);
      break;
    }
    int wait_ms = tl->f && t_start >= 0 ? 10 : (int)fmin(left * 1000 + 1, 200);
    int n = poll(fds, 2, wait_ms);
    if (n < 0 && errno != EINTR) break;
    if (interrupted) {
      kill(-pid, SIGKILL);
      break;
    }
    for (int i = 0; i < 2; i++) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[4096];
      ssize_t got = read(fds[i].fd, buf, sizeof buf);
      if (got <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        open_fds--;
        continue;
      }
      if (i == 0) {
        keep_tail(io->out, &io->out_len, sizeof io->out, buf, (size_t)got);
        if (t_start < 0 && strstr(io->out, "start\n")) t_start = mono_s();
        if (strstr(io->out, "end\n")) t_start = -2; /* region over: stop sampling */
      } else {
        keep_tail(io->err, &io->err_len, sizeof io->err, buf, (size_t)got);
      }
    }
    if (tl->f && t_start >= 0) {
      long rss = child_rss_kb(pid);
      if (rss >= 0) fprintf(tl->f, "%s,%.1f,%ld\n", tl->key, (mono_s() - t_start) * 1000.0, rss);
    }
  }
  for (int i = 0; i < 2; i++)
    if (fds[i].fd >= 0) close(fds[i].fd);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  kill(-pid, SIGKILL); /* anything the child left behind in its group */
  return status;
}

/* ---------------------------------------------------------------------------
 * Allocator probes
 * ------------------------------------------------------------------------- */
static char self_exe[PATH_MAX];

static void find_self(void) {
  if (self_exe[0]) return;
  ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
  self_exe[n > 0 ? n : 0] = 0;
}

void mmb_runner_probe(const mmb_plan *plan, mmb_probe_result *probes) {
  find_self();
  for (int i = 0; i < plan->nallocs; i++) {
    const mmb_alloc_spec *spec = &plan->allocs[i];
    mmb_probe_result *p = &probes[i];
    memset(p, 0, sizeof *p);
    if (spec->alloc->unavailable) {
      snprintf(p->status, sizeof p->status, "skipped");
      snprintf(p->reason, sizeof p->reason, "%s", spec->alloc->unavailable);
      continue;
    }
    if (spec->alloc->library && *spec->alloc->library && access(spec->alloc->library, R_OK) != 0) {
      snprintf(p->status, sizeof p->status, "invalid");
      snprintf(p->reason, sizeof p->reason, "%s: %s", spec->alloc->library, strerror(errno));
      continue;
    }
    char *argv[] = {self_exe, "probe", (char *)spec->text, NULL};
    child_io io;
    timeline tl = {0};
    int timed_out;
    char *saved = getenv("LD_PRELOAD") ? strdup(getenv("LD_PRELOAD")) : NULL;
    int st = spawn(argv, spec, "", 30, &io, &tl, &timed_out);
    (void)saved;
    free(saved);
    char *line = strstr(io.out, "status=");
    mmb_record rec;
    if (timed_out) {
      snprintf(p->status, sizeof p->status, "invalid");
      snprintf(p->reason, sizeof p->reason, "the probe hung for 30 s");
    } else if (WIFSIGNALED(st)) {
      snprintf(p->status, sizeof p->status, "invalid");
      snprintf(p->reason, sizeof p->reason, "the probe was killed by signal %d (%s)", WTERMSIG(st),
               strsignal(WTERMSIG(st)));
    } else if (!line || mmb_record_decode(&rec, line) != 0) {
      char tail[200];
      last_line(io.err, tail, sizeof tail);
      snprintf(p->status, sizeof p->status, "invalid");
      snprintf(p->reason, sizeof p->reason, "the probe failed (%s)", tail[0] ? tail : "no output");
    } else {
      snprintf(p->status, sizeof p->status, "%s", rec.status);
      snprintf(p->reason, sizeof p->reason, "%s", rec.reason);
      const char *v = mmb_record_get(&rec, "version");
      snprintf(p->version, sizeof p->version, "%s", v ? v : "");
      const char *l = mmb_record_get(&rec, "library");
      snprintf(p->library, sizeof p->library, "%s", l ? l : "");
    }
  }
}

/* ---------------------------------------------------------------------------
 * The matrix
 * ------------------------------------------------------------------------- */
typedef struct run_state {
  const mmb_plan *plan;
  const mmb_probe_result *probes;
  const char *dir;
  char runs_path[PATH_MAX], timeline_path[PATH_MAX];
  const char *cols[MAX_COLS];
  int ncols;
  unsigned char *done;   /* [cell * reps + rep] */
  char (*sum)[24];       /* reference checksum per cell ("" = none yet) */
  int total, finished;
  double t0, last_print;
  int tty;
} run_state;

static int key_cell(const mmb_plan *plan, const char *w, const char *params, const char *alloc,
                    int threads) {
  for (int i = 0; i < plan->ncells; i++) {
    const mmb_cell_plan *c = &plan->cells[i];
    if (c->threads == threads && strcmp(c->w->name, w) == 0 && strcmp(c->params, params) == 0 &&
        strcmp(plan->allocs[c->alloc].text, alloc) == 0)
      return i;
  }
  return -1;
}

/* Cells that must give the same checksum: same workload, params, threads. */
static int same_work(const mmb_cell_plan *a, const mmb_cell_plan *b) {
  return a->w == b->w && a->threads == b->threads && strcmp(a->params, b->params) == 0;
}

static void remember_checksum(run_state *st, int cell, const char *sum) {
  for (int i = 0; i < st->plan->ncells; i++)
    if (same_work(&st->plan->cells[i], &st->plan->cells[cell]) && !st->sum[i][0])
      snprintf(st->sum[i], sizeof st->sum[i], "%s", sum);
}

/* Read rows already present (resume); truncate a row cut short. */
static int load_existing(run_state *st, char *err, size_t errlen) {
  mmb_table *t;
  if (mmb_table_read(st->runs_path, &t, err, errlen) != 0) return -1;
  size_t valid = mmb_table_valid_bytes(t);
  struct stat sb;
  if (stat(st->runs_path, &sb) == 0 && (size_t)sb.st_size > valid) {
    if (truncate(st->runs_path, (off_t)valid) != 0) {
      snprintf(err, errlen, "cannot repair %s: %s", st->runs_path, strerror(errno));
      mmb_table_free(t);
      return -1;
    }
    fprintf(stderr, "mmbench: dropped a row cut short at the end of runs.csv\n");
  }
  int cw = mmb_table_col(t, "workload"), cp = mmb_table_col(t, "params"),
      ca = mmb_table_col(t, "allocator"), ct = mmb_table_col(t, "threads"),
      cr = mmb_table_col(t, "rep"), cs = mmb_table_col(t, "status"),
      cc = mmb_table_col(t, "checksum");
  for (size_t r = 0; r < mmb_table_rows(t); r++) {
    int cell = key_cell(st->plan, mmb_table_get(t, r, cw), mmb_table_get(t, r, cp),
                        mmb_table_get(t, r, ca), atoi(mmb_table_get(t, r, ct)));
    int rep = atoi(mmb_table_get(t, r, cr));
    if (cell < 0 || rep < 0 || rep >= st->plan->reps) {
      snprintf(err, errlen, "%s line %zu belongs to another plan: cannot resume", st->runs_path,
               mmb_table_line(t, r));
      mmb_table_free(t);
      return -1;
    }
    st->done[cell * st->plan->reps + rep] = 1;
    if (strcmp(mmb_table_get(t, r, cs), "ok") == 0) remember_checksum(st, cell, mmb_table_get(t, r, cc));
  }
  mmb_table_free(t);
  return 0;
}

static int write_row(run_state *st, const mmb_cell_plan *c, int rep, const mmb_record *rec) {
  char line[16384], num[32];
  size_t used = 0;
  int ok = strcmp(rec->status, "ok") == 0 || strcmp(rec->status, "corrupt") == 0;
  for (int i = 0; i < st->ncols; i++) {
    const char *name = st->cols[i], *v = "";
    if (strcmp(name, "workload") == 0) v = c->w->name;
    else if (strcmp(name, "params") == 0) v = c->params;
    else if (strcmp(name, "allocator") == 0) v = st->plan->allocs[c->alloc].text;
    else if (strcmp(name, "threads") == 0) snprintf(num, sizeof num, "%d", c->threads), v = num;
    else if (strcmp(name, "rep") == 0) snprintf(num, sizeof num, "%d", rep), v = num;
    else if (strcmp(name, "status") == 0) v = rec->status;
    else if (strcmp(name, "reason") == 0) v = rec->reason;
    else if (ok && mmb_record_get(rec, name)) v = mmb_record_get(rec, name);
    mmb_csv_field(line, sizeof line - 1, &used, v, i == 0);
  }
  line[used++] = '\n';
  line[used] = 0;
  int rc = mmb_append_line(st->runs_path, line);
  if (rc != 0) fprintf(stderr, "mmbench: cannot append to %s: %s\n", st->runs_path, strerror(-rc));
  return rc;
}

static void progress(run_state *st, const mmb_cell_plan *c, const char *what) {
  double el = mono_s() - st->t0;
  double eta = st->finished ? el / st->finished * (st->total - st->finished) : 0;
  char line[512];
  snprintf(line, sizeof line, "[%d/%d] %s %s %s t=%d %s  elapsed %.0fs  eta %.0fs", st->finished,
           st->total, c->w->name, c->params, st->plan->allocs[c->alloc].text, c->threads, what, el, eta);
  if (st->tty) {
    fprintf(stderr, "\r\033[K%.*s", 150, line);
  } else if (strcmp(what, "ok") != 0 || el - st->last_print >= 10 || st->finished == st->total) {
    fprintf(stderr, "%s\n", line); /* plain lines: failures, and every 10 s */
    st->last_print = el;
  }
}

/* Run one repetition (rep < 0: warm-up, not recorded). */
static int run_one(run_state *st, int cell, int rep) {
  const mmb_plan *plan = st->plan;
  const mmb_cell_plan *c = &plan->cells[cell];
  const mmb_alloc_spec *spec = &plan->allocs[c->alloc];
  char threads[16], seed[32], counters[1200], sim_out[PATH_MAX];
  snprintf(threads, sizeof threads, "%d", c->threads);
  snprintf(seed, sizeof seed, "%llu", (unsigned long long)c->seed);
  mmb_counters_to_arg(&plan->counters, counters, sizeof counters);
  snprintf(sim_out, sizeof sim_out, "%s/.sim-%d.out", st->dir, getpid());
  const char *argv[64];
  int n = mmb_counters_exec_prefix(&plan->counters, sim_out, argv, 32);
  const char *rest[] = {self_exe, "cell", "--workload", c->w->name, "--params", c->params,
                        "--allocator", spec->text, "--threads", threads, "--seed", seed,
                        "--fd", "3", "--notify", "--counters", counters, NULL};
  for (int i = 0; rest[i]; i++) argv[n++] = rest[i];
  argv[n] = NULL;

  timeline tl = {0};
  char key[2048];
  if (rep == 0) {
    size_t u = 0;
    mmb_csv_field(key, sizeof key, &u, c->w->name, 1);
    mmb_csv_field(key, sizeof key, &u, c->params, 0);
    mmb_csv_field(key, sizeof key, &u, spec->text, 0);
    snprintf(key + u, sizeof key - u, ",%d,%d", c->threads, rep);
    tl.key = key;
    tl.f = fopen(st->timeline_path, "a");
  }
  child_io io;
  int timed_out;
  int status = spawn((char *const *)argv, spec, plan->opts.pin, plan->timeout, &io, &tl, &timed_out);
  if (tl.f) fclose(tl.f);
  if (interrupted) return 1;

  mmb_record rec;
  char tail[200];
  last_line(io.err, tail, sizeof tail);
  char *line = strstr(io.out, "status=");
  if (status == -1) {
    mmb_record_init(&rec, "error");
    mmb_record_fail(&rec, "error", "could not start the child: %s", strerror(errno));
  } else if (timed_out) {
    mmb_record_init(&rec, "timeout");
    mmb_record_fail(&rec, "timeout", "no result within %.0f s (killed)", plan->timeout);
  } else if (WIFSIGNALED(status)) {
    mmb_record_init(&rec, "crash");
    mmb_record_fail(&rec, "crash", "killed by signal %d (%s)%s%s", WTERMSIG(status),
                    strsignal(WTERMSIG(status)), tail[0] ? ": " : "", tail);
  } else if (!line || mmb_record_decode(&rec, line) != 0) {
    mmb_record_init(&rec, "error");
    mmb_record_fail(&rec, "error", "exit status %d without a result%s%s", WEXITSTATUS(status),
                    tail[0] ? ": " : "", tail);
  } else if (WEXITSTATUS(status) != 0) {
    mmb_record_fail(&rec, "error", "exit status %d after its result%s%s", WEXITSTATUS(status),
                    tail[0] ? ": " : "", tail);
  }
  if (strcmp(rec.status, "ok") == 0) mmb_counters_after_child(&plan->counters, sim_out, &rec);
  unlink(sim_out);
  if (strcmp(rec.status, "ok") == 0) {
    const char *sum = mmb_record_get(&rec, "checksum");
    if (sum && st->sum[cell][0] && strcmp(sum, st->sum[cell]) != 0)
      mmb_record_fail(&rec, "corrupt", "checksum %s differs from %s of the same work under another allocator",
                      sum, st->sum[cell]);
    else if (sum)
      remember_checksum(st, cell, sum);
  }
  if (rep < 0) return 0;
  st->done[cell * plan->reps + rep] = 1;
  st->finished++;
  progress(st, c, rec.status);
  return write_row(st, c, rep, &rec) == 0 ? 0 : -1;
}

static int record_unrunnable(run_state *st, int cell, const char *status, const char *reason) {
  if (st->done[cell * st->plan->reps]) return 0;
  mmb_record rec;
  mmb_record_init(&rec, status);
  mmb_record_fail(&rec, status, "%s", reason);
  st->done[cell * st->plan->reps] = 1;
  return write_row(st, &st->plan->cells[cell], 0, &rec);
}

int mmb_runner_run(const mmb_plan *plan, const mmb_probe_result *probes, const char *dir) {
  find_self();
  run_state st;
  memset(&st, 0, sizeof st);
  st.plan = plan;
  st.probes = probes;
  st.dir = dir;
  snprintf(st.runs_path, sizeof st.runs_path, "%s/runs.csv", dir);
  snprintf(st.timeline_path, sizeof st.timeline_path, "%s/timeline.csv", dir);
  st.ncols = mmb_runner_columns(plan, st.cols, MAX_COLS);
  st.done = calloc((size_t)plan->ncells * (size_t)plan->reps, 1);
  st.sum = calloc((size_t)plan->ncells, sizeof *st.sum);
  st.tty = isatty(2);
  char err[512];
  if (load_existing(&st, err, sizeof err) != 0) {
    fprintf(stderr, "mmbench run: %s\n", err);
    free(st.done), free(st.sum);
    return 2;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);

  int rc = 0;
  /* cells that cannot run: one row each, with the reason */
  for (int i = 0; i < plan->ncells && rc == 0; i++) {
    const mmb_cell_plan *c = &plan->cells[i];
    const mmb_probe_result *p = &probes[c->alloc];
    if (c->skip[0]) rc = record_unrunnable(&st, i, "skipped", c->skip);
    else if (strcmp(p->status, "ok") != 0) rc = record_unrunnable(&st, i, p->status, p->reason);
  }
  for (int i = 0; i < plan->ncells; i++) {
    const mmb_cell_plan *c = &plan->cells[i];
    if (c->skip[0] || strcmp(probes[c->alloc].status, "ok") != 0) continue;
    for (int r = 0; r < plan->reps; r++) st.total += !st.done[i * plan->reps + r];
  }
  st.t0 = mono_s();
  /* warm-up rounds, then repetitions interleaved across cells */
  for (int r = -plan->warmup; r < plan->reps && rc == 0 && !interrupted; r++) {
    for (int i = 0; i < plan->ncells && rc == 0 && !interrupted; i++) {
      const mmb_cell_plan *c = &plan->cells[i];
      if (c->skip[0] || strcmp(probes[c->alloc].status, "ok") != 0) continue;
      if (r >= 0 && st.done[i * plan->reps + r]) continue;
      if (r < 0 && st.total == 0) continue;
      rc = run_one(&st, i, r);
    }
  }
  if (st.tty) fprintf(stderr, "\n");
  free(st.done);
  free(st.sum);
  if (interrupted) return 130;
  return rc == 0 ? 0 : 1;
}
