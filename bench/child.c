/* mmbench — child processes (see child.h). */
#define _GNU_SOURCE
#include "child.h"

#include "cgroup.h"

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
  const mmb_allocator *lib = spec->base ? spec->base : spec->alloc;
  if (lib->kind == MMB_KIND_PRELOAD && lib->library && *lib->library)
    setenv("LD_PRELOAD", lib->library, 1);
  else
    unsetenv("LD_PRELOAD");
  for (int i = 0; i < spec->nsettings; i++) putenv(strdup(spec->settings[i]));
}

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
int mmb_child_run(char *const argv[], const mmb_alloc_spec *spec, const char *pin, double timeout,
                  mmb_child_io *io, mmb_timeline *tl, int *timed_out) {
  return mmb_child_run_cg(argv, spec, pin, NULL, timeout, io, tl, timed_out);
}

int mmb_child_run_cg(char *const argv[], const mmb_alloc_spec *spec, const char *pin,
                     const char *cgroup, double timeout, mmb_child_io *io, mmb_timeline *tl,
                     int *timed_out) {
  mmb_timeline none = {0};
  if (!tl) tl = &none;
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
    if (spec) apply_env(spec);
    unsetenv("MMB_CGROUP");
    int jr = cgroup ? mmb_cgroup_join(cgroup) : 0;
    if (jr != 0) dprintf(2, "mmbench: could not enter the memory cgroup %s: %s\n", cgroup, strerror(-jr));
    execv(argv[0], argv);
    dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  setpgid(pid, pid);
  close(res[1]);
  close(err[1]);
  struct pollfd fds[2] = {{res[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  double deadline = mmb_mono_s() + timeout, t_start = -1;
  int open_fds = 2;
  while (open_fds > 0) {
    double left = deadline - mmb_mono_s();
    if (left <= 0) {
      *timed_out = 1;
      kill(-pid, SIGKILL);
      break;
    }
    int wait_ms = tl->f && t_start >= 0 ? 10 : (int)fmin(left * 1000 + 1, 200);
    int n = poll(fds, 2, wait_ms);
    if (n < 0 && errno != EINTR) break;
    if (mmb_interrupted) {
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
        if (t_start < 0 && strstr(io->out, "start\n")) t_start = mmb_mono_s();
        if (strstr(io->out, "end\n")) t_start = -2; /* region over: stop sampling */
      } else {
        keep_tail(io->err, &io->err_len, sizeof io->err, buf, (size_t)got);
      }
    }
    if (tl->f && t_start >= 0) {
      long rss = child_rss_kb(pid);
      if (rss >= 0) fprintf(tl->f, "%s,%.1f,%ld\n", tl->key, (mmb_mono_s() - t_start) * 1000.0, rss);
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

