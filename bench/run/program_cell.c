/* mmbench — a program cell (see program_cell.h). */
#define _GNU_SOURCE
#include "program_cell.h"
#include "inject_check.h"

#include <errno.h>
#include <limits.h>
#include <ftw.h>
#include <netinet/in.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_ARGS 128

/* ---------------------------------------------------------------------------
 * What the program writes on stdout: a hash of all of it, the expected
 * lines found, the metrics parsed, and its tail for a reason
 * ------------------------------------------------------------------------- */
typedef struct out_scan {
  const mmb_program *prog;
  regex_t rx[MMB_PROG_METRICS];
  int rx_ok[MMB_PROG_METRICS];
  int found[MMB_PROG_LIST];
  int have_metric[MMB_PROG_METRICS];
  double metric[MMB_PROG_METRICS];
  uint64_t hash;
  uint64_t bytes;
  char line[4096];
  size_t line_len;
  char tail[200];
} out_scan;

static void scan_line(out_scan *s) {
  s->line[s->line_len] = 0;
  for (int i = 0; i < s->prog->nexpect; i++)
    if (!s->found[i] && strstr(s->line, s->prog->expect[i])) s->found[i] = 1;
  for (int i = 0; i < s->prog->nmetrics; i++) {
    regmatch_t m[2];
    if (!s->rx_ok[i] || s->have_metric[i] || regexec(&s->rx[i], s->line, 2, m, 0) != 0 ||
        m[1].rm_so < 0)
      continue;
    char num[64];
    snprintf(num, sizeof num, "%.*s", (int)(m[1].rm_eo - m[1].rm_so), s->line + m[1].rm_so);
    char *end;
    double v = strtod(num, &end);
    if (end != num) s->metric[i] = v, s->have_metric[i] = 1;
  }
  if (s->line_len) snprintf(s->tail, sizeof s->tail, "%s", s->line);
  s->line_len = 0;
}

static void on_stdout(void *arg, const char *buf, size_t n) {
  out_scan *s = arg;
  for (size_t i = 0; i < n; i++) {
    s->hash = (s->hash ^ (unsigned char)buf[i]) * 0x100000001b3ull;
    if (buf[i] == '\n' || buf[i] == '\r')
      scan_line(s); /* \r: progress lines */
    else if (s->line_len + 1 < sizeof s->line)
      s->line[s->line_len++] = buf[i];
  }
  s->bytes += n;
}

static void scan_init(out_scan *s, const mmb_program *p) {
  memset(s, 0, sizeof *s);
  s->prog = p;
  s->hash = 0xcbf29ce484222325ull;
  for (int i = 0; i < p->nmetrics; i++)
    s->rx_ok[i] = regcomp(&s->rx[i], p->metrics[i].regex, REG_EXTENDED) == 0;
}

static void scan_free(out_scan *s) {
  for (int i = 0; i < s->prog->nmetrics; i++)
    if (s->rx_ok[i]) regfree(&s->rx[i]);
}

/* ---------------------------------------------------------------------------
 * The run's folder ({tmp})
 * ------------------------------------------------------------------------- */
static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb, (void)flag, (void)ftw;
  remove(path);
  return 0;
}

static void rm_tree(const char *dir) { nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS); }

/* ---------------------------------------------------------------------------
 * Server readiness
 * ------------------------------------------------------------------------- */
static int can_connect(const char *ready) {
  int fd = -1, ok = 0;
  if (strncmp(ready, "unix ", 5) == 0) {
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path, sizeof a.sun_path, "%s", ready + 5);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
  } else {
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)atoi(ready + 4)),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
  }
  if (fd >= 0) close(fd);
  return ok;
}

/* The high-water mark of the program's fresh cgroup (its whole tree, page
 * cache included) in KiB, or -1. */
static long cgroup_peak_kb(const char *dir) {
  static const char *const files[] = {"memory.peak", "memory.max_usage_in_bytes"};
  for (int i = 0; dir && i < 2; i++) {
    char path[PATH_MAX + 40];
    snprintf(path, sizeof path, "%s/%s", dir, files[i]);
    FILE *f = fopen(path, "r");
    unsigned long long v;
    if (!f) continue;
    int ok = fscanf(f, "%llu", &v) == 1;
    fclose(f);
    if (ok) return (long)(v / 1024);
  }
  return -1;
}

/* ---------------------------------------------------------------------------
 * The cell
 * ------------------------------------------------------------------------- */
static void set_usage(mmb_record *rec, const struct rusage *ru) {
  uint64_t cpu =
      (uint64_t)ru->ru_utime.tv_sec * 1000000000ull + (uint64_t)ru->ru_utime.tv_usec * 1000ull +
      (uint64_t)ru->ru_stime.tv_sec * 1000000000ull + (uint64_t)ru->ru_stime.tv_usec * 1000ull;
  mmb_record_set_u64(rec, "cpu_ns", cpu);
  mmb_record_set_u64(rec, "peak_rss_kb", (uint64_t)ru->ru_maxrss);
  mmb_record_set_u64(rec, "minflt", (uint64_t)ru->ru_minflt);
  mmb_record_set_u64(rec, "majflt", (uint64_t)ru->ru_majflt);
  mmb_record_set_u64(rec, "nvcsw", (uint64_t)ru->ru_nvcsw);
  mmb_record_set_u64(rec, "nivcsw", (uint64_t)ru->ru_nivcsw);
}

/* A status that is not a clean exit, as a failed record. 1 when it was. */
static int classify_exit(mmb_record *rec, const char *who, int status, int timed_out,
                         double timeout, int want_exit, const char *crash_text,
                         const mmb_child_io *io) {
  char tail[200];
  mmb_last_line(io->err, tail, sizeof tail);
  const char *sep = tail[0] ? ": " : "";
  const char *crashed = crash_text && *crash_text ? strstr(io->err, crash_text) : NULL;
  if (crashed && !timed_out && WIFEXITED(status) && WEXITSTATUS(status) != want_exit) {
    /* the program says a process of its tree died of a signal */
    const char *b = crashed, *e = crashed + strcspn(crashed, "\n");
    while (b > io->err && b[-1] != '\n') b--;
    mmb_record_fail(rec, MMB_ST_CRASH, "%sexit status %d after a crash in its process tree: %.*s",
                    who, WEXITSTATUS(status), (int)(e - b > 160 ? 160 : e - b), b);
  } else if (timed_out) {
    mmb_record_fail(rec, MMB_ST_TIMEOUT, "%sno exit within %.0f s (killed)", who, timeout);
  } else if (WIFSIGNALED(status)) {
    mmb_record_fail(rec, MMB_ST_CRASH, "%skilled by signal %d (%s)%s%s", who, WTERMSIG(status),
                    strsignal(WTERMSIG(status)), sep, tail);
  } else if (WIFEXITED(status) && WEXITSTATUS(status) != want_exit) {
    mmb_record_fail(rec, MMB_ST_ERROR, "%sexit status %d, not %d%s%s", who, WEXITSTATUS(status),
                    want_exit, sep, tail);
  } else {
    return 0;
  }
  return 1;
}

static int expand_list(const mmb_program *p, const char *tmp, long long size, char env[][300],
                       char **envp) {
  int n = 0;
  for (int i = 0; i < p->nenv; i++) {
    mmb_program_expand(p, p->env[i], tmp, size, env[n], sizeof env[n]);
    envp[n] = env[n];
    n++;
  }
  envp[n] = NULL;
  return n;
}

/* One run of a program cell: what the steps share, freed by run_free. */
typedef struct prog_run {
  const mmb_program_cell_spec *s;
  const mmb_program *p;
  mmb_record *rec;
  char tmp[PATH_MAX];
  char *argv[MAX_ARGS], *sargv[MAX_ARGS]; /* the program (the client, for a pair); the server */
  char env[MMB_PROG_LIST][300], *envp[MMB_PROG_LIST + 1];
  char in[PATH_MAX], cwd[PATH_MAX], out_path[PATH_MAX + 16];
  char simdir[PATH_MAX + 8];
  int npre;        /* words of the --counters sim prefix (0: none) */
  const char *lib; /* the library whose injection is checked, or NULL */
  int injected;    /* -2: nothing to check (nothing preloaded, or under valgrind) */
  out_scan scan;
  mmb_counters_proc *cnt;
  mmb_spawn_opts measured; /* how the measured process is started */
  mmb_child_io io, sio;
  struct rusage ru;
  mmb_proc proc, server;
  int interrupted;
} prog_run;

/* The folder, environment, argument lists (with the valgrind prefix for
 * --counters sim) and spawn options. 0, or -1 with the record failed. */
static int run_prepare(prog_run *r) {
  const mmb_program *p = r->p;
  const mmb_program_cell_spec *s = r->s;
  char why[300];
  const char *tmpdir = getenv("TMPDIR");
  snprintf(r->tmp, sizeof r->tmp, "%s/mmbench-prog-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
  if (!mkdtemp(r->tmp)) {
    mmb_record_fail(r->rec, MMB_ST_ERROR, "cannot make a folder for the run: %s", strerror(errno));
    r->tmp[0] = 0;
    return -1;
  }
  expand_list(p, r->tmp, s->size, r->env, r->envp);
  if (p->stdin_path[0]) mmb_program_expand(p, p->stdin_path, r->tmp, s->size, r->in, sizeof r->in);
  mmb_program_expand(p, p->cwd[0] ? p->cwd : r->tmp, r->tmp, s->size, r->cwd, sizeof r->cwd);
  if (mmb_program_argv(p, p->command, r->tmp, s->size, r->argv, MAX_ARGS, why, sizeof why) < 0 ||
      (p->server[0] &&
       mmb_program_argv(p, p->server, r->tmp, s->size, r->sargv, MAX_ARGS, why, sizeof why) < 0)) {
    mmb_record_fail(r->rec, MMB_ST_ERROR, "%s", why);
    return -1;
  }
  /* --counters sim: the measured program (or server) runs under callgrind */
  snprintf(r->simdir, sizeof r->simdir, "%s/.sim", r->tmp);
  const char *pre[32];
  r->npre = mmb_counters_program_prefix(s->counters, r->simdir, pre, 32);
  if (r->npre > 0) {
    mkdir(r->simdir, 0700);
    char **target = p->server[0] ? r->sargv : r->argv;
    int nt = 0;
    while (target[nt]) nt++;
    if (nt + r->npre >= MAX_ARGS) {
      mmb_record_fail(r->rec, MMB_ST_ERROR, "too many words with the valgrind prefix");
      return -1;
    }
    memmove(target + r->npre, target, (size_t)(nt + 1) * sizeof *target);
    for (int i = 0; i < r->npre; i++) target[i] = strdup(pre[i]);
  }
  r->lib = s->preload;
  if (!r->lib && s->spec) {
    const mmb_allocator *a = s->spec->base ? s->spec->base : s->spec->alloc;
    if (a->kind == MMB_KIND_PRELOAD && a->library && *a->library) r->lib = a->library;
  }
  /* stdout goes to a file, read after the exit: no pipe for the program to
   * wait on while it runs, as when it writes its output anywhere */
  snprintf(r->out_path, sizeof r->out_path, "%s/.stdout", r->tmp);
  r->measured = (mmb_spawn_opts){.spec = s->spec,
                                 .preload = s->preload,
                                 .env = r->envp,
                                 .pin = s->pin,
                                 .cwd = r->cwd,
                                 .stdin_path = r->in[0] ? r->in : NULL,
                                 .stdout_path = r->out_path,
                                 .hold = 1,
                                 .search_path = 1,
                                 .cgroup = s->cgroup,
                                 .own_peak = 1};
  return 0;
}

/* Start the measured process (held until its counters are open), then
 * check that the preloaded library reached it. 0, or -1 with the record
 * failed. */
static int start_measured(prog_run *r, char **av, const mmb_spawn_opts *o, mmb_proc *pr,
                          const char *what) {
  int rc = mmb_spawn(av, o, pr);
  if (rc != 0) {
    mmb_record_fail(r->rec, MMB_ST_ERROR, "cannot start %s%s: %s", what, av[0], strerror(-rc));
    return -1;
  }
  r->cnt = mmb_counters_proc_open(r->s->counters, pr->pid);
  mmb_proc_release(pr);
  if (r->lib && r->npre == 0) r->injected = mmb_inject_check(pr->pid, r->lib);
  return 0;
}

/* Wait until the server accepts connections. 0, or -1 with the record
 * failed (or r->interrupted). */
static int wait_ready(prog_run *r) {
  char ready[PATH_MAX + 8];
  mmb_program_expand(r->p, r->p->ready, r->tmp, r->s->size, ready, sizeof ready);
  double give_up = mmb_mono_s() + r->p->ready_timeout;
  int up = 0;
  while (!up && mmb_mono_s() < give_up && !mmb_interrupted && mmb_proc_alive(&r->server)) {
    up = can_connect(ready);
    if (!up) usleep(5000);
  }
  if (up) return 0;
  int alive = mmb_proc_alive(&r->server);
  int st = mmb_proc_stop(&r->server, 1, &r->sio, &r->ru);
  char tail[200];
  mmb_last_line(r->sio.err, tail, sizeof tail);
  if (mmb_interrupted)
    r->interrupted = 1;
  else if (!alive && WIFSIGNALED(st))
    mmb_record_fail(r->rec, MMB_ST_CRASH,
                    "the server was killed by signal %d (%s) before it was ready%s%s", WTERMSIG(st),
                    strsignal(WTERMSIG(st)), tail[0] ? ": " : "", tail);
  else if (!alive)
    mmb_record_fail(r->rec, MMB_ST_ERROR,
                    "the server exited (status %d) before it was ready at %s%s%s",
                    WIFEXITED(st) ? WEXITSTATUS(st) : -1, ready, tail[0] ? ": " : "", tail);
  else
    mmb_record_fail(r->rec, MMB_ST_ERROR, "the server was not ready at %s within %.0f s (killed)",
                    ready, r->p->ready_timeout);
  return -1;
}

/* A server (given the allocator) and its client (the fixed work, on
 * glibc's malloc, no cgroup). 0 when both ended well, else -1. */
static int run_pair(prog_run *r) {
  mmb_spawn_opts so = r->measured;
  so.stdin_path = NULL;
  so.stdout_path = NULL; /* the server's output: /dev/null */
  if (start_measured(r, r->sargv, &so, &r->server, "the server ") != 0 || wait_ready(r) != 0)
    return -1;
  mmb_spawn_opts co = r->measured;
  co.spec = NULL, co.preload = NULL, co.hold = 0, co.cgroup = NULL;
  int rc = mmb_spawn(r->argv, &co, &r->proc), timed_out = 0;
  if (rc != 0) {
    mmb_proc_stop(&r->server, 1, &r->sio, &r->ru);
    mmb_record_fail(r->rec, MMB_ST_ERROR, "cannot start the client %s: %s", r->argv[0],
                    strerror(-rc));
    return -1;
  }
  if (r->s->tl) r->s->tl->watch = r->server.pid;
  struct rusage cru;
  int status = mmb_proc_wait(&r->proc, r->s->timeout, &r->io, on_stdout, &r->scan, r->s->tl,
                             MMB_SAMPLE_ALWAYS, &cru, &timed_out);
  if (r->s->tl) r->s->tl->watch = 0;
  int server_alive = mmb_proc_alive(&r->server);
  int sst = mmb_proc_stop(&r->server, 5, &r->sio, &r->ru);
  if (mmb_interrupted) return r->interrupted = 1, -1;
  if (!server_alive &&
      classify_exit(r->rec, "the server: ", sst, 0, 0, 0, r->p->crash_stderr, &r->sio))
    return -1;
  if (!server_alive) {
    mmb_record_fail(r->rec, MMB_ST_ERROR, "the server exited during the run");
    return -1;
  }
  return classify_exit(r->rec, "the client: ", status, timed_out, r->s->timeout, r->p->expect_exit,
                       NULL, &r->io)
             ? -1
             : 0;
}

/* The program alone, given the allocator. 0 when it ended well, else -1. */
static int run_single(prog_run *r) {
  int timed_out = 0;
  if (start_measured(r, r->argv, &r->measured, &r->proc, "") != 0) return -1;
  int status = mmb_proc_wait(&r->proc, r->s->timeout, &r->io, on_stdout, &r->scan, r->s->tl,
                             MMB_SAMPLE_ALWAYS, &r->ru, &timed_out);
  if (mmb_interrupted) return r->interrupted = 1, -1;
  return classify_exit(r->rec, "", status, timed_out, r->s->timeout, r->p->expect_exit,
                       r->p->crash_stderr, &r->io)
             ? -1
             : 0;
}

/* After a good exit: the output, the measured values (the program's, the
 * server's for a pair), then the injection and the expected output. */
static void run_record(prog_run *r) {
  const mmb_program *p = r->p;
  mmb_record *rec = r->rec;
  FILE *outf = fopen(r->out_path, "r"); /* the output, checked after the exit */
  if (outf) {
    char buf[65536];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, outf)) > 0) on_stdout(&r->scan, buf, got);
    fclose(outf);
  }
  if (r->scan.line_len) scan_line(&r->scan);
  uint64_t wall = (uint64_t)((r->proc.t_end - r->proc.t_start) * 1e9);
  mmb_record_set_u64(rec, "wall_ns", wall);
  mmb_record_set_u64(rec, "ops", 1);
  mmb_record_set_f(rec, "ns_per_op", (double)wall);
  set_usage(rec, &r->ru);
  /* the peak of its own address spaces, read at each exit (own_peak.h); else
   * wait4's, which carries mmbench's image from before the exec */
  long own = r->p->server[0] ? r->server.own_peak_kb : r->proc.own_peak_kb;
  if (own > 0) mmb_record_set_u64(rec, "peak_rss_kb", (uint64_t)own);
  mmb_record_set_u64(rec, "peak_rss_own", own > 0);
  if (p->checksum) {
    char sum[24];
    snprintf(sum, sizeof sum, "%016llx", (unsigned long long)r->scan.hash);
    mmb_record_set(rec, "checksum", sum);
  }
  for (int i = 0; i < p->nmetrics; i++)
    if (r->scan.have_metric[i]) mmb_record_set_f(rec, p->metrics[i].name, r->scan.metric[i]);
  mmb_counters_proc_report(r->cnt, 1, rec);
  long cg_peak = cgroup_peak_kb(r->s->cgroup);
  if (cg_peak >= 0) mmb_record_set_u64(rec, "cgroup_peak_kb", (uint64_t)cg_peak);
  if (r->npre > 0) mmb_counters_after_program(r->s->counters, r->simdir, 1, rec);
  if (r->injected >= 0) mmb_record_set_u64(rec, "injected", (uint64_t)r->injected);
  if (r->injected == 0) {
    mmb_record_fail(rec, MMB_ST_INVALID,
                    "%s was not mapped in the program: LD_PRELOAD did not reach it", r->lib);
    return;
  }
  for (int i = 0; i < p->nexpect; i++)
    if (!r->scan.found[i]) {
      mmb_record_fail(rec, MMB_ST_CORRUPT, "no output line contains '%s' (last line: '%.80s')",
                      p->expect[i], r->scan.tail);
      return;
    }
  for (int i = 0; i < p->nmetrics; i++)
    if (!r->scan.have_metric[i]) {
      mmb_record_fail(rec, MMB_ST_CORRUPT, "metric %s: no output line matches /%s/",
                      p->metrics[i].name, p->metrics[i].regex);
      return;
    }
}

static void run_free(prog_run *r) {
  mmb_counters_proc_close(r->cnt);
  scan_free(&r->scan);
  mmb_program_argv_free(r->argv);
  mmb_program_argv_free(r->sargv);
  if (r->tmp[0]) rm_tree(r->tmp);
}

int mmb_program_cell_run(const mmb_program_cell_spec *s, mmb_record *rec) {
  prog_run *r = calloc(1, sizeof *r);
  mmb_record_init(rec, MMB_ST_OK);
  if (!r) {
    mmb_record_fail(rec, MMB_ST_ERROR, "out of memory for the run");
    return 0;
  }
  r->s = s, r->p = s->prog, r->rec = rec, r->injected = -2;
  scan_init(&r->scan, r->p);
  if (run_prepare(r) == 0 && (r->p->server[0] ? run_pair(r) : run_single(r)) == 0) run_record(r);
  int interrupted = r->interrupted;
  run_free(r);
  free(r);
  return interrupted;
}

int mmb_program_metric_columns(const mmb_workload *const *ws, int nw, const char **cols, int max) {
  int n = 0;
  if (nw > 0 && max > 0) cols[n++] = "injected"; /* 1: the preloaded library was mapped in it */
  /* 1: peak_rss_kb is the largest VmHWM of its processes at their exits; 0:
   * wait4's ru_maxrss (tracing not permitted) */
  if (nw > 0 && n < max) cols[n++] = "peak_rss_own";
  for (int i = 0; i < nw; i++) {
    const mmb_program *p = ws[i]->program;
    for (int k = 0; p && k < p->nmetrics && n < max; k++) {
      int dup = 0;
      for (int j = 0; j < n; j++) dup |= strcmp(cols[j], p->metrics[k].name) == 0;
      if (!dup) cols[n++] = p->metrics[k].name;
    }
  }
  return n;
}
