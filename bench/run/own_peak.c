/* mmbench — a program's own peak resident set (see own_peak.h). */
#define _GNU_SOURCE
#include "own_peak.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct tracee {
  pid_t pid, root; /* root -1: its root ended already */
  int started;     /* its first stop was seen */
} tracee;

typedef struct root_state {
  pid_t root;
  long peak_kb;
  int nproc, ended, status;
  struct rusage ru;
} root_state;

static tracee *tr;
static int ntr, cap_tr;
static root_state roots[8];
static int wake[2] = {-1, -1};

static void on_child(int sig) {
  (void)sig;
  int e = errno;
  ssize_t rc = write(wake[1], "c", 1);
  (void)rc;
  errno = e;
}

int mmb_own_peak_wakeup_fd(void) { return wake[0]; }

static root_state *root_of(pid_t root) {
  for (int i = 0; i < 8; i++)
    if (roots[i].root == root) return &roots[i];
  return NULL;
}

static int add_tracee(pid_t pid, pid_t root, int started) {
  if (ntr == cap_tr) {
    int cap = cap_tr ? cap_tr * 2 : 64;
    tracee *t = realloc(tr, (size_t)cap * sizeof *t);
    if (!t) return -1;
    tr = t, cap_tr = cap;
  }
  tr[ntr++] = (tracee){pid, root, started};
  return 0;
}

int mmb_own_peak_seize(pid_t pid) {
  if (wake[0] < 0) {
    if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0) return -errno;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_child;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGCHLD, &sa, NULL);
  }
  root_state *r = root_of(0);
  if (!r) return -EBUSY;
  long opts = PTRACE_O_TRACEEXIT | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
              PTRACE_O_EXITKILL;
  if (ptrace(PTRACE_SEIZE, pid, 0, (void *)opts) != 0) return -errno;
  if (add_tracee(pid, pid, 1) != 0) return -ENOMEM;
  *r = (root_state){.root = pid, .peak_kb = -1};
  return 0;
}

/* VmHWM of task pid in KiB (-1), and whether it leads its process. */
static long task_hwm_kb(pid_t pid, int *leader) {
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
  FILE *f = fopen(path, "r");
  long kb = -1, tgid = -1;
  if (!f) return -1;
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "Tgid:", 5) == 0) tgid = atol(line + 5);
    if (strncmp(line, "VmHWM:", 6) == 0) kb = atol(line + 6);
  }
  fclose(f);
  *leader = tgid == pid;
  return kb;
}

/* One wait status of tracee i: handled; 1 when it ended (then removed). */
static int handle(int i, int st, const struct rusage *ru) {
  pid_t pid = tr[i].pid, root = tr[i].root;
  root_state *r = root_of(root);
  if (WIFEXITED(st) || WIFSIGNALED(st)) {
    if (pid == root && r) r->ended = 1, r->status = st, r->ru = *ru;
    tr[i] = tr[--ntr];
    return 1;
  }
  if (!WIFSTOPPED(st)) return 0;
  int event = st >> 16, sig = WSTOPSIG(st), pass = 0;
  if (event == PTRACE_EVENT_EXIT) {
    int leader = 0;
    long kb = task_hwm_kb(pid, &leader);
    if (r && kb > r->peak_kb) r->peak_kb = kb;
    if (r && leader) r->nproc++;
  } else if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK ||
             event == PTRACE_EVENT_CLONE) {
    unsigned long child = 0;
    if (ptrace(PTRACE_GETEVENTMSG, pid, 0, &child) == 0 && child)
      add_tracee((pid_t)child, root, 0); /* its own first stop follows */
  } else if (event == 0 && !(sig == SIGSTOP && !tr[i].started)) {
    pass = sig; /* a signal for the program: delivered */
  }
  tr[i].started = 1;
  ptrace(PTRACE_CONT, pid, 0, (void *)(long)pass);
  return 0;
}

void mmb_own_peak_service(void) {
  char buf[64];
  if (wake[0] >= 0)
    while (read(wake[0], buf, sizeof buf) > 0) {
    }
  int again = 1;
  while (again) {
    again = 0;
    for (int i = 0; i < ntr; i++) {
      int st;
      struct rusage ru;
      pid_t got = wait4(tr[i].pid, &st, WNOHANG | __WALL, &ru);
      if (got == tr[i].pid) {
        if (handle(i, st, &ru)) i--;
        again = 1;
      } else if (got < 0 && errno == ECHILD) { /* gone (its parent reaped it) */
        tr[i--] = tr[--ntr];
      }
    }
  }
}

int mmb_own_peak_reap(pid_t root, struct rusage *ru, long *peak_kb, int *nproc) {
  root_state *r = root_of(root);
  if (!r) return -1;
  for (;;) {
    mmb_own_peak_service();
    if (r->ended) break;
    int traced = 0;
    for (int i = 0; i < ntr; i++) traced |= tr[i].pid == root;
    if (!traced) { /* reaped by somebody else: nothing to report */
      r->status = 0;
      memset(&r->ru, 0, sizeof r->ru);
      break;
    }
    struct pollfd pf = {wake[0], POLLIN, 0};
    poll(&pf, 1, 20);
  }
  /* what is left of its tree outlived it: still serviced (and reaped when
   * it ends), no longer counted */
  for (int i = 0; i < ntr; i++)
    if (tr[i].root == root) tr[i].root = -1;
  if (ru) *ru = r->ru;
  *peak_kb = r->peak_kb;
  *nproc = r->nproc;
  int st = r->status;
  memset(r, 0, sizeof *r);
  return st;
}
