/* mmbench — program descriptors: a real program run as a workload.
 *
 * A descriptor is a small text file (workloads/programs/NAME.prog, or any
 * file a user names with -w prog:PATH) of `key = value` lines; `#` starts a
 * comment. The program runs in a fresh process with the allocator injected
 * by LD_PRELOAD; its output is checked, its process tree measured. Values
 * may use {dir} (the descriptor's folder), {tmp} (a fresh folder per run)
 * and {size} (the work parameter, scaled by the preset). */
#ifndef MMB_PROGRAM_H
#define MMB_PROGRAM_H

#include <limits.h>
#include <stddef.h>

#include "workload.h"

#define MMB_PROG_LIST 16   /* env, input, expect lines per descriptor */
#define MMB_PROG_METRICS 4 /* metric lines per descriptor */

typedef struct mmb_prog_metric {
  char name[40];   /* its runs.csv column */
  char regex[200]; /* POSIX extended; the first group is the number */
} mmb_prog_metric;

typedef struct mmb_program {
  char name[64];       /* workload name */
  char file[PATH_MAX]; /* the descriptor ("" for cmd:) */
  char dir[PATH_MAX];  /* {dir}: the descriptor's folder */
  char description[200];
  char package[64];          /* Debian package that provides it ("" = none) */
  char command[2048];        /* what is measured; with a server, the client */
  char server[2048];         /* "" = no server */
  char ready[300];           /* server readiness: "unix PATH" or "tcp PORT" */
  double ready_timeout;      /* seconds */
  char stdin_path[PATH_MAX]; /* "" = /dev/null */
  char cwd[PATH_MAX];        /* "" = {tmp} */
  int nenv, ninputs, nexpect, nmetrics;
  char env[MMB_PROG_LIST][256];
  char inputs[MMB_PROG_LIST][PATH_MAX]; /* must exist (after {dir}) */
  char expect[MMB_PROG_LIST][256];      /* a stdout line must contain each */
  mmb_prog_metric metrics[MMB_PROG_METRICS];
  int expect_exit;        /* exit status of a correct run */
  char crash_stderr[120]; /* a failed exit with this on stderr: a process of its tree crashed */
  int checksum;           /* 1: stdout's hash must match across allocators */
  double timeout;         /* seconds per run, 0 = the preset's */
  long long size;         /* full work for {size}; 0 = fixed work */
  long long size_min;     /* the smallest {size} that still works */
} mmb_program;

/* Parse the descriptor at path into p. 0, or -1 with one line in err:
 * "FILE:LINE: what is wrong (what would be right)". */
int mmb_program_parse(const char *path, mmb_program *p, char *err, size_t errlen);

/* A program for `-w 'cmd:COMMAND'`: exit status 0 is the only check. */
int mmb_program_from_command(const char *command, mmb_program *p, char *err, size_t errlen);

/* Split a command line into words (spaces separate; '...' and "..." group;
 * \ escapes inside "..."), replacing {dir}, {tmp}, {size}. Returns the word
 * count (argv NULL-terminated, heap copies), or -1 with err. */
int mmb_program_argv(const mmb_program *p, const char *line, const char *tmp, long long size,
                     char **argv, int max, char *err, size_t errlen);
void mmb_program_argv_free(char **argv);

/* Replace {dir}, {tmp}, {size} in text. */
void mmb_program_expand(const mmb_program *p, const char *text, const char *tmp, long long size,
                        char *out, size_t len);

/* Where the program's executable is: argv[0] of command (or of the server
 * when it has one) looked up in PATH into out. 0, or -1 when not found. */
int mmb_program_which(const mmb_program *p, int server, char *out, size_t len);

/* Why the program cannot run under the allocator named name with library
 * lib ("" = glibc's own malloc), or "" when it can: a program that links a
 * malloc of its own and calls its extended API (Debian's redis-server and
 * jemalloc's mallctl / nallocx / malloc_stats_print) is sound only under
 * that malloc. */
void mmb_program_tie(const mmb_program *p, const char *alloc_name, const char *lib, char *why,
                     size_t len);

/* ---------------------------------------------------------------------------
 * The programs family (workloads/programs.c)
 * ------------------------------------------------------------------------- */
/* The shipped descriptors: MMB_PROGRAMS_DIR, else the source tree's
 * workloads/programs. Loaded once; 0, or -1 with err (the first malformed
 * file). */
int mmb_programs_load(char *err, size_t errlen);
/* The i-th shipped program workload (NULL past the end or when none). */
const mmb_workload *mmb_program_workload_at(int i);
/* A workload for -w prog:PATH or -w cmd:COMMAND (made once per text, kept
 * for the process's life). NULL with err. */
const mmb_workload *mmb_program_workload_named(const char *text, char *err, size_t errlen);
/* 1 and *installed when a shipped program's command is found. */
int mmb_program_installed(const mmb_program *p);

#endif
