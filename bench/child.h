/* mmbench — child processes: mmbench re-executed with an allocator
 * injected (LD_PRELOAD and its [settings]), its result descriptor (3) and
 * stderr collected, RSS sampled while it is in its measured region, killed
 * with its whole process group at the timeout or on interruption. */
#ifndef MMB_CHILD_H
#define MMB_CHILD_H

#include <signal.h>
#include <stdio.h>

#include "cli_util.h"

typedef struct mmb_child_io {
  char out[16384]; /* what the child wrote on descriptor 3 (its tail) */
  size_t out_len;
  char err[1024];  /* the tail of its stderr */
  size_t err_len;
} mmb_child_io;

typedef struct mmb_timeline {
  FILE *f;         /* NULL: do not sample */
  const char *key; /* CSV fields written before t_ms,rss_kb */
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

#endif
