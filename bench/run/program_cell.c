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
    mmb_record_fail(rec, "crash", "%sexit status %d after a crash in its process tree: %.*s", who,
                    WEXITSTATUS(status), (int)(e - b > 160 ? 160 : e - b), b);
  } else if (timed_out) {
    mmb_record_fail(rec, "timeout", "%sno exit within %.0f s (killed)", who, timeout);
  } else if (WIFSIGNALED(status)) {
    mmb_record_fail(rec, "crash", "%skilled by signal %d (%s)%s%s", who, WTERMSIG(status),
                    strsignal(WTERMSIG(status)), sep, tail);
  } else if (WIFEXITED(status) && WEXITSTATUS(status) != want_exit) {
    mmb_record_fail(rec, "error", "%sexit status %d, not %d%s%s", who, WEXITSTATUS(status),
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

int mmb_program_cell_run(const mmb_program_cell_spec *s, mmb_record *rec) {
  const mmb_program *p = s->prog;
  mmb_record_init(rec, "ok");
  char tmp[PATH_MAX];
  const char *tmpdir = getenv("TMPDIR");
  snprintf(tmp, sizeof tmp, "%s/mmbench-prog-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
  if (!mkdtemp(tmp)) {
    mmb_record_fail(rec, "error", "cannot make a folder for the run: %s", strerror(errno));
    return 0;
  }
  char *argv[MAX_ARGS] = {0}, *sargv[MAX_ARGS] = {0}, why[300];
  char env[MMB_PROG_LIST][300], *envp[MMB_PROG_LIST + 1];
  char in[PATH_MAX] = "", cwd[PATH_MAX];
  expand_list(p, tmp, s->size, env, envp);
  if (p->stdin_path[0]) mmb_program_expand(p, p->stdin_path, tmp, s->size, in, sizeof in);
  mmb_program_expand(p, p->cwd[0] ? p->cwd : tmp, tmp, s->size, cwd, sizeof cwd);
  out_scan scan;
  scan_init(&scan, p);
  int interrupted = 0;
  mmb_counters_proc *cnt = NULL;
  if (mmb_program_argv(p, p->command, tmp, s->size, argv, MAX_ARGS, why, sizeof why) < 0 ||
      (p->server[0] &&
       mmb_program_argv(p, p->server, tmp, s->size, sargv, MAX_ARGS, why, sizeof why) < 0)) {
    mmb_record_fail(rec, "error", "%s", why);
    goto out;
  }
  /* --counters sim: the measured program (or server) runs under callgrind */
  char simdir[PATH_MAX + 8];
  snprintf(simdir, sizeof simdir, "%s/.sim", tmp);
  const char *pre[32];
  int npre = mmb_counters_program_prefix(s->counters, simdir, pre, 32);
  if (npre > 0) {
    mkdir(simdir, 0700);
    char **target = p->server[0] ? sargv : argv;
    int nt = 0;
    while (target[nt]) nt++;
    if (nt + npre >= MAX_ARGS) {
      mmb_record_fail(rec, "error", "too many words with the valgrind prefix");
      goto out;
    }
    memmove(target + npre, target, (size_t)(nt + 1) * sizeof *target);
    for (int i = 0; i < npre; i++) target[i] = strdup(pre[i]);
  }
  const char *lib = s->preload;
  if (!lib && s->spec) {
    const mmb_allocator *a = s->spec->base ? s->spec->base : s->spec->alloc;
    if (a->kind == MMB_KIND_PRELOAD && a->library && *a->library) lib = a->library;
  }
  int injected = -2; /* -2: nothing to check (nothing preloaded, or under valgrind) */
  /* stdout goes to a file, read after the exit: no pipe for the program to
   * wait on while it runs, as when it writes its output anywhere */
  char out_path[PATH_MAX + 16];
  snprintf(out_path, sizeof out_path, "%s/.stdout", tmp);
  mmb_spawn_opts measured = {.spec = s->spec,
                             .preload = s->preload,
                             .env = envp,
                             .pin = s->pin,
                             .cwd = cwd,
                             .stdin_path = in[0] ? in : NULL,
                             .stdout_path = out_path,
                             .hold = 1,
                             .search_path = 1,
                             .cgroup = s->cgroup,
                             .own_peak = 1};
  mmb_child_io io, sio;
  struct rusage ru;
  int timed_out = 0, status, rc;
  mmb_proc proc, server;
  memset(&sio, 0, sizeof sio);

  if (p->server[0]) {
    /* The server gets the allocator; its client is the fixed work. */
    mmb_spawn_opts so = measured;
    so.stdin_path = NULL;
    so.stdout_path = NULL; /* the server's output: /dev/null */
    if ((rc = mmb_spawn(sargv, &so, &server)) != 0) {
      mmb_record_fail(rec, "error", "cannot start the server %s: %s", sargv[0], strerror(-rc));
      goto out;
    }
    cnt = mmb_counters_proc_open(s->counters, server.pid);
    mmb_proc_release(&server);
    if (lib && npre == 0) injected = mmb_inject_check(server.pid, lib);
    char ready[PATH_MAX + 8];
    mmb_program_expand(p, p->ready, tmp, s->size, ready, sizeof ready);
    double give_up = mmb_mono_s() + p->ready_timeout;
    int up = 0;
    while (!up && mmb_mono_s() < give_up && !mmb_interrupted && mmb_proc_alive(&server)) {
      up = can_connect(ready);
      if (!up) usleep(5000);
    }
    if (!up) {
      int alive = mmb_proc_alive(&server);
      int st = mmb_proc_stop(&server, 1, &sio, &ru);
      char tail[200];
      mmb_last_line(sio.err, tail, sizeof tail);
      if (mmb_interrupted)
        interrupted = 1;
      else if (!alive && WIFSIGNALED(st))
        mmb_record_fail(rec, "crash",
                        "the server was killed by signal %d (%s) before it was ready%s%s",
                        WTERMSIG(st), strsignal(WTERMSIG(st)), tail[0] ? ": " : "", tail);
      else if (!alive)
        mmb_record_fail(rec, "error", "the server exited (status %d) before it was ready at %s%s%s",
                        WIFEXITED(st) ? WEXITSTATUS(st) : -1, ready, tail[0] ? ": " : "", tail);
      else
        mmb_record_fail(rec, "error", "the server was not ready at %s within %.0f s (killed)",
                        ready, p->ready_timeout);
      goto out;
    }
    mmb_spawn_opts co = measured;
    co.spec = NULL, co.preload = NULL, co.hold = 0,
    co.cgroup = NULL; /* the client: glibc's malloc, no cgroup */
    if ((rc = mmb_spawn(argv, &co, &proc)) != 0) {
      mmb_proc_stop(&server, 1, &sio, &ru);
      mmb_record_fail(rec, "error", "cannot start the client %s: %s", argv[0], strerror(-rc));
      goto out;
    }
    if (s->tl) s->tl->watch = server.pid;
    struct rusage cru;
    status = mmb_proc_wait(&proc, s->timeout, &io, on_stdout, &scan, s->tl, MMB_SAMPLE_ALWAYS, &cru,
                           &timed_out);
    if (s->tl) s->tl->watch = 0;
    int server_alive = mmb_proc_alive(&server);
    int sst = mmb_proc_stop(&server, 5, &sio, &ru);
    if (mmb_interrupted) {
      interrupted = 1;
      goto out;
    }
    if (!server_alive && classify_exit(rec, "the server: ", sst, 0, 0, 0, p->crash_stderr, &sio))
      goto out;
    if (!server_alive) {
      mmb_record_fail(rec, "error", "the server exited during the run");
      goto out;
    }
    if (classify_exit(rec, "the client: ", status, timed_out, s->timeout, p->expect_exit, NULL,
                      &io))
      goto out;
  } else {
    if ((rc = mmb_spawn(argv, &measured, &proc)) != 0) {
      mmb_record_fail(rec, "error", "cannot start %s: %s", argv[0], strerror(-rc));
      goto out;
    }
    cnt = mmb_counters_proc_open(s->counters, proc.pid);
    mmb_proc_release(&proc);
    if (lib && npre == 0) injected = mmb_inject_check(proc.pid, lib);
    status = mmb_proc_wait(&proc, s->timeout, &io, on_stdout, &scan, s->tl, MMB_SAMPLE_ALWAYS, &ru,
                           &timed_out);
    if (mmb_interrupted) {
      interrupted = 1;
      goto out;
    }
    if (classify_exit(rec, "", status, timed_out, s->timeout, p->expect_exit, p->crash_stderr, &io))
      goto out;
  }
  FILE *outf = fopen(out_path, "r"); /* the output, checked after the exit */
  if (outf) {
    char buf[65536];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, outf)) > 0) on_stdout(&scan, buf, got);
    fclose(outf);
  }
  if (scan.line_len) scan_line(&scan);

  /* measured values: the program's (the server's, for a pair) */
  uint64_t wall = (uint64_t)((proc.t_end - proc.t_start) * 1e9);
  mmb_record_set_u64(rec, "wall_ns", wall);
  mmb_record_set_u64(rec, "ops", 1);
  mmb_record_set_f(rec, "ns_per_op", (double)wall);
  set_usage(rec, &ru);
  /* the peak of its own address spaces, read at each exit (own_peak.h); else
   * wait4's, which carries mmbench's image from before the exec */
  long own = p->server[0] ? server.own_peak_kb : proc.own_peak_kb;
  if (own > 0) mmb_record_set_u64(rec, "peak_rss_kb", (uint64_t)own);
  mmb_record_set_u64(rec, "peak_rss_own", own > 0);
  if (p->checksum) {
    char sum[24];
    snprintf(sum, sizeof sum, "%016llx", (unsigned long long)scan.hash);
    mmb_record_set(rec, "checksum", sum);
  }
  for (int i = 0; i < p->nmetrics; i++)
    if (scan.have_metric[i]) mmb_record_set_f(rec, p->metrics[i].name, scan.metric[i]);
  mmb_counters_proc_report(cnt, 1, rec);
  long cg_peak = cgroup_peak_kb(s->cgroup);
  if (cg_peak >= 0) mmb_record_set_u64(rec, "cgroup_peak_kb", (uint64_t)cg_peak);
  if (npre > 0) mmb_counters_after_program(s->counters, simdir, 1, rec);

  /* injection, then the output */
  if (injected >= 0) mmb_record_set_u64(rec, "injected", (uint64_t)injected);
  if (injected == 0) {
    mmb_record_fail(rec, "invalid", "%s was not mapped in the program: LD_PRELOAD did not reach it",
                    lib);
    goto out;
  }
  for (int i = 0; i < p->nexpect; i++)
    if (!scan.found[i]) {
      mmb_record_fail(rec, "corrupt", "no output line contains '%s' (last line: '%.80s')",
                      p->expect[i], scan.tail);
      goto out;
    }
  for (int i = 0; i < p->nmetrics; i++)
    if (!scan.have_metric[i]) {
      mmb_record_fail(rec, "corrupt", "metric %s: no output line matches /%s/", p->metrics[i].name,
                      p->metrics[i].regex);
      goto out;
    }
out:
  mmb_counters_proc_close(cnt);
  scan_free(&scan);
  mmb_program_argv_free(argv);
  mmb_program_argv_free(sargv);
  rm_tree(tmp);
  return interrupted;
}

const char *mmb_program_preload(const mmb_alloc_spec *spec) {
  const mmb_allocator *a = spec->alloc;
  if (spec->base || a->kind == MMB_KIND_PRELOAD || !a->preload_library || !*a->preload_library)
    return NULL;
  return access(a->preload_library, R_OK) == 0 ? a->preload_library : NULL;
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

void mmb_program_skip_reason(const mmb_program *p, const mmb_alloc_spec *spec, char *why,
                             size_t len) {
  const mmb_allocator *a = spec->alloc;
  const char *lib = mmb_program_preload(spec);
  why[0] = 0;
  if (!mmb_program_installed(p)) {
    if (p->package[0])
      snprintf(why, len, "%s is not installed: apt-get install %s", p->name, p->package);
    else
      snprintf(why, len, "%s: its command is not found", p->name);
    return;
  }
  if (spec->base || (a->kind != MMB_KIND_PRELOAD && !lib)) {
    snprintf(why, len,
             "%s works inside mmbench only; a program gets its malloc by LD_PRELOAD, which %s has "
             "no build for",
             spec->text, spec->base ? spec->text : a->name);
    return;
  }
  if (!lib) lib = a->library;
  mmb_program_tie(p, a->name, lib, why, len);
}
