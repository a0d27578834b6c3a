/* mmbench — child processes, the one place that spawns them: mmbench
 * re-executed as a cell, or a program, with an allocator injected
 * (LD_PRELOAD and its [settings]); its result descriptor (3), stdout and
 * stderr collected; RSS of its process tree sampled; its resource usage
 * taken from wait4; killed with its whole process group at the timeout or
 * on interruption. */
#ifndef MMB_CHILD_H
#define MMB_CHILD_H

#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "alloc_spec.h"

typedef struct mmb_child_io {
  char out[16384]; /* what the child wrote on descriptor 3 (its tail) */
  size_t out_len;
  char err[1024]; /* the tail of its stderr */
  size_t err_len;
} mmb_child_io;

typedef struct mmb_timeline {
  FILE *f;         /* NULL: do not sample */
  const char *key; /* CSV fields written before t_ms,rss_kb */
  pid_t watch;     /* > 0: sample this process's tree instead of the waited child's */
} mmb_timeline;

/* Set by SIGINT / SIGTERM once mmb_child_catch_signals ran. */
extern volatile sig_atomic_t mmb_interrupted;
void mmb_child_catch_signals(void);

/* Absolute path of the running mmbench (for re-execution). */
const char *mmb_self_exe(void);

/* Monotonic seconds. */
double mmb_mono_s(void);

/* Run argv with spec's environment (spec may be NULL) pinned to pin ("" =
 * anywhere). Returns the wait status, or -1 when it could not start;
 * *timed_out is set when it was killed for time. tl may be NULL. */
int mmb_child_run(char *const argv[], const mmb_alloc_spec *spec, const char *pin, double timeout,
                  mmb_child_io *io, mmb_timeline *tl, int *timed_out);

/* The same, with the child moved into the memory cgroup dir (NULL = none)
 * before it executes: the cell then finds the cgroup in MMB_CGROUP. */
int mmb_child_run_cg(char *const argv[], const mmb_alloc_spec *spec, const char *pin,
                     const char *cgroup, double timeout, mmb_child_io *io, mmb_timeline *tl,
                     int *timed_out);

/* Last non-empty line of text, for a reason column. */
void mmb_last_line(const char *text, char *out, size_t len);

/* ---------------------------------------------------------------------------
 * The general form: spawn, then wait
 * ------------------------------------------------------------------------- */
typedef struct mmb_spawn_opts {
  const mmb_alloc_spec *spec; /* allocator injected; NULL = none (LD_PRELOAD removed) */
  const char *preload;        /* non-NULL: preload this library instead of spec's */
  char *const *env;           /* extra KEY=VALUE, NULL-terminated (may be NULL) */
  const char *pin;            /* CPU list, NULL or "" = anywhere */
  const char *cwd;            /* NULL = the parent's */
  const char *stdin_path;     /* NULL = /dev/null */
  int result_fd;              /* 1: a pipe on the child's descriptor 3 */
  int out_pipe;               /* 1: stdout to a pipe, else /dev/null (or stdout_path) */
  const char *stdout_path;    /* non-NULL: stdout to this new file (not with out_pipe) */
  int hold;                   /* 1: the child waits for mmb_proc_release to exec */
  int search_path;            /* 1: argv[0] is looked up in PATH */
  const char *cgroup;         /* memory cgroup to join before exec (NULL = none) */
  int own_peak;               /* 1 (with hold): trace its tree for its own peak (own_peak.h) */
} mmb_spawn_opts;

typedef struct mmb_proc {
  pid_t pid;
  int fd[3];        /* read ends: descriptor 3, stdout, stderr (-1 = none) */
  int go;           /* hold: the write end the child waits on */
  double t_start;   /* monotonic seconds at fork (or release) */
  double t_end;     /* when it was reaped */
  int traced;       /* own_peak: its tree is traced */
  long own_peak_kb; /* after reaping, traced: the largest VmHWM of its processes at exit (-1) */
  int own_nproc;    /* ... and how many processes exited */
} mmb_proc;

/* Start argv in its own process group. 0, or -errno. */
int mmb_spawn(char *const argv[], const mmb_spawn_opts *o, mmb_proc *p);
/* hold: let the child exec now (the clock starts here). */
void mmb_proc_release(mmb_proc *p);

/* Called with each chunk the child writes on stdout (may be NULL). */
typedef void (*mmb_out_fn)(void *arg, const char *buf, size_t n);

enum {
  MMB_SAMPLE_MARKED = 0, /* RSS sampled between "start" and "end" on descriptor 3 */
  MMB_SAMPLE_ALWAYS = 1, /* RSS of the whole process tree sampled from the start */
};

/* Collect the child's output until it exits or the timeout passes (then its
 * group is killed); reap it. Returns the wait status; *ru (may be NULL) is
 * its resource usage with its reaped descendants; *timed_out set when it
 * was killed for time. tl may be NULL; sample is MMB_SAMPLE_*. */
int mmb_proc_wait(mmb_proc *p, double timeout, mmb_child_io *io, mmb_out_fn on_out, void *arg,
                  mmb_timeline *tl, int sample, struct rusage *ru, int *timed_out);

/* Stop a child that runs in the background (a server): SIGTERM, up to
 * grace seconds, then SIGKILL to its group; reap it. Returns the wait
 * status and *ru. */
int mmb_proc_stop(mmb_proc *p, double grace, mmb_child_io *io, struct rusage *ru);

/* 1 while the child has not exited (it is not reaped). */
int mmb_proc_alive(mmb_proc *p);

/* Resident KiB of pid and every descendant, -1 when pid is gone. */
long mmb_tree_rss_kb(pid_t pid);

#endif
