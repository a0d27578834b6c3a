/* mmbench — child processes (see child.h). */
#define _GNU_SOURCE
#include "child.h"

#include "cgroup.h"
#include "own_peak.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

volatile sig_atomic_t mmb_interrupted;

static void on_signal(int sig) {
  (void)sig;
  mmb_interrupted = 1;
}

void mmb_child_catch_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
}

double mmb_mono_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *mmb_self_exe(void) {
  static char self[PATH_MAX];
  if (!self[0]) {
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = 0;
  }
  return self;
}

/* ---------------------------------------------------------------------------
 * Child processes
 * ------------------------------------------------------------------------- */
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
void mmb_last_line(const char *text, char *out, size_t len) {
  const char *end = text + strlen(text);
  while (end > text && (end[-1] == '\n' || end[-1] == ' ')) end--;
  const char *start = end;
  while (start > text && start[-1] != '\n') start--;
  snprintf(out, len, "%.*s", (int)(end - start), start);
}

static void apply_pin(const char *pin) {
  if (!pin || !*pin) return;
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

static long statm_rss_kb(pid_t pid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/statm", (int)pid);
  FILE *f = fopen(path, "r");
  long size, res;
  if (!f) return -1;
  int ok = fscanf(f, "%ld %ld", &size, &res) == 2;
  fclose(f);
  return ok ? res * (sysconf(_SC_PAGESIZE) / 1024) : -1;
}

static long tree_rss(pid_t pid, int depth) {
  long own = statm_rss_kb(pid);
  if (own < 0 || depth > 16) return own;
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
  DIR *d = opendir(path);
  if (!d) return own;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char kids[128];
    snprintf(kids, sizeof kids, "/proc/%d/task/%s/children", (int)pid, e->d_name);
    FILE *f = fopen(kids, "r");
    if (!f) continue;
    int child;
    while (fscanf(f, "%d", &child) == 1) {
      long k = tree_rss((pid_t)child, depth + 1);
      if (k > 0) own += k;
    }
    fclose(f);
  }
  closedir(d);
  return own;
}

long mmb_tree_rss_kb(pid_t pid) { return tree_rss(pid, 0); }

/* Environment for the allocator: LD_PRELOAD and its [settings]. */
static void apply_env(const mmb_spawn_opts *o) {
  const mmb_alloc_spec *spec = o->spec;
  const char *lib = o->preload;
  if (!lib && spec) {
    const mmb_allocator *a = spec->base ? spec->base : spec->alloc;
    if (a->kind == MMB_KIND_PRELOAD && a->library && *a->library) lib = a->library;
  }
  if (lib && *lib)
    setenv("LD_PRELOAD", lib, 1);
  else
    unsetenv("LD_PRELOAD");
  if (spec)
    for (int i = 0; i < spec->nsettings; i++) putenv(strdup(spec->settings[i]));
  for (char *const *e = o->env; e && *e; e++) putenv(strdup(*e));
}

/* In the child after fork: descriptors, pinning, environment, exec. */
static void child_exec(char *const argv[], const mmb_spawn_opts *o, int res_w, int out_w, int err_w,
                       int go_r) {
  setpgid(0, 0);
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  signal(SIGPIPE, SIG_DFL);
  int devnull = open("/dev/null", O_RDWR);
  int in = o->stdin_path ? open(o->stdin_path, O_RDONLY) : devnull;
  if (in < 0) {
    dprintf(err_w, "cannot open %s: %s\n", o->stdin_path, strerror(errno));
    _exit(127);
  }
  int out = out_w >= 0 ? out_w : devnull;
  if (o->stdout_path && out_w < 0) {
    out = open(o->stdout_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (out < 0) {
      dprintf(err_w, "cannot write %s: %s\n", o->stdout_path, strerror(errno));
      _exit(127);
    }
  }
  dup2(in, 0);
  dup2(out, 1);
  dup2(err_w, 2);
  if (res_w >= 0) dup2(res_w, 3);
  if (o->pin) apply_pin(o->pin);
  if (o->cwd && chdir(o->cwd) != 0) {
    dprintf(2, "cannot enter %s: %s\n", o->cwd, strerror(errno));
    _exit(127);
  }
  if (go_r >= 0) { /* held until the parent set up what watches it */
    char c;
    while (read(go_r, &c, 1) < 0 && errno == EINTR) {
    }
  }
  apply_env(o);
  unsetenv("MMB_CGROUP");
  int jr = o->cgroup ? mmb_cgroup_join(o->cgroup) : 0;
  if (jr != 0)
    dprintf(2, "mmbench: could not enter the memory cgroup %s: %s\n", o->cgroup, strerror(-jr));
  if (o->search_path)
    execvp(argv[0], argv);
  else
    execv(argv[0], argv);
  dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
  _exit(127);
}

int mmb_spawn(char *const argv[], const mmb_spawn_opts *o, mmb_proc *p) {
  int pipes[3][2] = {{-1, -1}, {-1, -1}, {-1, -1}}, go[2] = {-1, -1};
  int want[3] = {o->result_fd, o->out_pipe, 1};
  memset(p, 0, sizeof *p);
  p->fd[0] = p->fd[1] = p->fd[2] = p->go = -1;
  int e = 0;
  for (int i = 0; i < 3 && !e; i++)
    if (want[i] && pipe2(pipes[i], O_CLOEXEC) != 0) e = errno;
  if (!e && o->hold && pipe2(go, O_CLOEXEC) != 0) e = errno;
  fflush(stdout);
  fflush(stderr);
  pid_t pid = e ? -1 : fork();
  if (pid < 0) {
    if (!e) e = errno;
    for (int i = 0; i < 3; i++) close(pipes[i][0]), close(pipes[i][1]);
    if (go[0] >= 0) close(go[0]), close(go[1]);
    return -e;
  }
  if (pid == 0) child_exec(argv, o, pipes[0][1], pipes[1][1], pipes[2][1], go[0]);
  setpgid(pid, pid);
  p->t_start = mmb_mono_s();
  p->pid = pid;
  p->own_peak_kb = -1;
  if (o->own_peak && o->hold) p->traced = mmb_own_peak_seize(pid) == 0;
  for (int i = 0; i < 3; i++) {
    if (pipes[i][1] >= 0) close(pipes[i][1]);
    p->fd[i] = pipes[i][0];
  }
  if (go[0] >= 0) close(go[0]);
  p->go = go[1];
  return 0;
}

void mmb_proc_release(mmb_proc *p) {
  if (p->go < 0) return;
  p->t_start = mmb_mono_s();
  ssize_t rc = write(p->go, "g", 1);
  (void)rc;
  close(p->go);
  p->go = -1;
}

int mmb_proc_alive(mmb_proc *p) {
  mmb_own_peak_service(); /* traced processes' stops: they may go on, or end here */
  siginfo_t si;
  memset(&si, 0, sizeof si);
  if (waitid(P_PID, (id_t)p->pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0) return 0;
  /* a tracee's stop is reported too: only an exit ends it */
  return si.si_pid == 0 ||
         (si.si_code != CLD_EXITED && si.si_code != CLD_KILLED && si.si_code != CLD_DUMPED);
}

static int reap(mmb_proc *p, struct rusage *ru) {
  int status = 0;
  struct rusage r;
  memset(&r, 0, sizeof r);
  if (p->traced)
    status = mmb_own_peak_reap(p->pid, &r, &p->own_peak_kb, &p->own_nproc);
  else
    while (wait4(p->pid, &status, 0, &r) < 0 && errno == EINTR) {
    }
  p->t_end = mmb_mono_s();
  if (ru) *ru = r;
  kill(-p->pid, SIGKILL); /* anything the child left behind in its group */
  for (int i = 0; i < 3; i++)
    if (p->fd[i] >= 0) close(p->fd[i]), p->fd[i] = -1;
  if (p->go >= 0) close(p->go), p->go = -1;
  return status;
}

int mmb_proc_wait(mmb_proc *p, double timeout, mmb_child_io *io, mmb_out_fn on_out, void *arg,
                  mmb_timeline *tl, int sample, struct rusage *ru, int *timed_out) {
  mmb_timeline none = {0};
  if (!tl) tl = &none;
  memset(io, 0, sizeof *io);
  *timed_out = 0;
  struct pollfd fds[4];
  int open_fds = 0;
  for (int i = 0; i < 3; i++) {
    fds[i] = (struct pollfd){p->fd[i], POLLIN, 0};
    open_fds += p->fd[i] >= 0;
  }
  fds[3] = (struct pollfd){mmb_own_peak_wakeup_fd(), POLLIN, 0}; /* -1: nothing traced */
  double deadline = mmb_mono_s() + timeout;
  double t_sample = sample == MMB_SAMPLE_ALWAYS ? p->t_start : -1;
  while (open_fds > 0) {
    double left = deadline - mmb_mono_s();
    if (left <= 0) {
      *timed_out = 1;
      kill(-p->pid, SIGKILL);
      break;
    }
    int wait_ms = tl->f && t_sample >= 0 ? 10 : (int)fmin(left * 1000 + 1, 200);
    int n = poll(fds, 4, wait_ms);
    if (n < 0 && errno != EINTR) break;
    mmb_own_peak_service(); /* traced trees' stops (its own, or a server's), so they go on */
    if (mmb_interrupted) {
      kill(-p->pid, SIGKILL);
      break;
    }
    for (int i = 0; i < 3; i++) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[8192];
      ssize_t got = read(fds[i].fd, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        close(fds[i].fd);
        p->fd[i] = fds[i].fd = -1;
        open_fds--;
        continue;
      }
      if (i == 0) {
        keep_tail(io->out, &io->out_len, sizeof io->out, buf, (size_t)got);
        if (sample == MMB_SAMPLE_MARKED && t_sample == -1 && strstr(io->out, "start\n"))
          t_sample = mmb_mono_s();
        if (sample == MMB_SAMPLE_MARKED && strstr(io->out, "end\n"))
          t_sample = -2; /* region over */
      } else if (i == 1) {
        if (on_out) on_out(arg, buf, (size_t)got);
      } else {
        keep_tail(io->err, &io->err_len, sizeof io->err, buf, (size_t)got);
      }
    }
    if (tl->f && t_sample >= 0) {
      pid_t who = tl->watch > 0 ? tl->watch : p->pid;
      long rss = sample == MMB_SAMPLE_ALWAYS ? mmb_tree_rss_kb(who) : statm_rss_kb(who);
      if (rss >= 0)
        fprintf(tl->f, "%s,%.1f,%ld\n", tl->key, (mmb_mono_s() - t_sample) * 1000.0, rss);
    }
  }
  return reap(p, ru);
}

int mmb_proc_stop(mmb_proc *p, double grace, mmb_child_io *io, struct rusage *ru) {
  kill(p->pid, SIGTERM);
  double deadline = mmb_mono_s() + grace;
  while (mmb_proc_alive(p) && mmb_mono_s() < deadline) {
    mmb_own_peak_service();       /* the signal passes through the tracer */
    for (int i = 1; i < 3; i++) { /* drain what it still writes */
      if (p->fd[i] < 0) continue;
      struct pollfd pf = {p->fd[i], POLLIN, 0};
      char buf[4096];
      if (poll(&pf, 1, 0) > 0) {
        ssize_t got = read(p->fd[i], buf, sizeof buf);
        if (got > 0 && i == 2) keep_tail(io->err, &io->err_len, sizeof io->err, buf, (size_t)got);
      }
    }
    usleep(2000);
  }
  if (mmb_proc_alive(p)) kill(-p->pid, SIGKILL);
  return reap(p, ru);
}

/* Spawn argv with the allocator's environment; collect its output until it
 * exits or the timeout passes. Returns the wait status, or -1 when it could
 * not start; *timed_out set when it was killed for time. */
int mmb_child_run(char *const argv[], const mmb_alloc_spec *spec, const char *pin, double timeout,
                  mmb_child_io *io, mmb_timeline *tl, int *timed_out) {
  return mmb_child_run_cg(argv, spec, pin, NULL, timeout, io, tl, timed_out);
}

int mmb_child_run_cg(char *const argv[], const mmb_alloc_spec *spec, const char *pin,
                     const char *cgroup, double timeout, mmb_child_io *io, mmb_timeline *tl,
                     int *timed_out) {
  mmb_spawn_opts o = {.spec = spec, .pin = pin, .result_fd = 1, .cgroup = cgroup};
  mmb_proc p;
  memset(io, 0, sizeof *io);
  *timed_out = 0;
  int rc = mmb_spawn(argv, &o, &p);
  if (rc != 0) {
    errno = -rc;
    return -1;
  }
  return mmb_proc_wait(&p, timeout, io, NULL, NULL, tl, MMB_SAMPLE_MARKED, NULL, timed_out);
}
