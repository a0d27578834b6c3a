/* mmbench — counters around the measured region: hardware and software
 * events through libpfm4 / perf_event_open, simulated counts (valgrind),
 * and sampled call latencies. The cell calls the thread hooks; the runner
 * calls the parent-side hooks. */
#ifndef MMB_COUNTERS_H
#define MMB_COUNTERS_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "allocator.h"
#include "record.h"

typedef enum mmb_counter_mode {
  MMB_COUNTERS_OFF = 0, /* --counters off */
  MMB_COUNTERS_HW = 1,  /* --counters hw (default): perf events, degrading honestly */
  MMB_COUNTERS_SIM = 2, /* --counters sim: callgrind, deterministic */
} mmb_counter_mode;

typedef struct mmb_counter_opts {
  mmb_counter_mode mode;
  char events[1024];      /* comma-separated libpfm4 names or a set name; "" = default set */
  unsigned latency_every; /* 0 = no latency sampling; else time every k-th call */
} mmb_counter_opts;

/* ---- parent side (runner) ---- */

/* Parse --counters / --events / --latency into opts. 0, or -1 with err. */
int mmb_counters_parse(mmb_counter_opts *o, const char *mode, const char *events,
                       const char *latency, char *err, size_t errlen);
/* Column names this configuration adds to runs.csv (static strings). */
int mmb_counters_columns(const mmb_counter_opts *o, const char **cols, int max);
/* Encode the options for the child's command line, and decode them there. */
void mmb_counters_to_arg(const mmb_counter_opts *o, char *buf, size_t len);
int mmb_counters_from_arg(mmb_counter_opts *o, const char *arg);
/* SIM mode: argv prefix to run the child under (NULL-terminated, static
 * storage until the next call); out_file is where the tool writes. */
int mmb_counters_exec_prefix(const mmb_counter_opts *o, const char *out_file, const char **prefix,
                             int max);
/* SIM mode: after the child exited, add the simulated counts to rec. */
int mmb_counters_after_child(const mmb_counter_opts *o, const char *out_file, mmb_record *rec);
/* Probe events once per run; writes a JSON object text describing each
 * event's status into buf (for meta.json) and prints one terminal note
 * when hardware events are unavailable. */
void mmb_counters_probe(const mmb_counter_opts *o, char *json, size_t len, int quiet);

/* HW mode: hold, on the runner itself for the whole run, one disabled
 * task-bound event of every software type (up to max, into fds; returns
 * how many opened) and release them with mmb_counters_release_hooks. The
 * kernel switches its perf scheduling hooks and each software event's
 * hook on when the first such event of the machine opens and off when the
 * last closes, patching kernel text with interrupts to every CPU; with
 * fresh processes opening and closing their events, that happened at
 * random moments inside other cells' measured regions. Held, the hooks
 * stay on. 0 when counters are off or SIM, or nothing opened. */
int mmb_counters_hold_hooks(const mmb_counter_opts *o, int *fds, int max);
void mmb_counters_release_hooks(const int *fds, int n);

/* `mmbench list events`: what libpfm4 knows here and which events open.
 * Returns the exit status. */
int mmb_list_events(void);

/* ---- child side (cell) ---- */
typedef struct mmb_counters mmb_counters;               /* per cell */
typedef struct mmb_thread_counters mmb_thread_counters; /* per worker thread */

mmb_counters *mmb_counters_cell_open(const mmb_counter_opts *o);
/* In the worker thread, before the start barrier. May return NULL. */
mmb_thread_counters *mmb_counters_thread_open(mmb_counters *c);
/* The same for the timing thread itself, when a 1-thread cell works on it
 * (its --counters sim collection stays off until the region starts). */
mmb_thread_counters *mmb_counters_thread_open_main(mmb_counters *c);
/* Around the measured region, in the worker thread. Not allocating. */
void mmb_counters_thread_start(mmb_thread_counters *t);
void mmb_counters_thread_stop(mmb_thread_counters *t);
/* In the worker thread, after the region: read, add to the cell, close. */
void mmb_counters_thread_close(mmb_counters *c, mmb_thread_counters *t);
/* Whole-cell start/stop for modes that do not work per thread (SIM). */
void mmb_counters_region_start(mmb_counters *c);
void mmb_counters_region_stop(mmb_counters *c);
/* After the region: write the counts (and derived per-op values) to rec. */
void mmb_counters_cell_report(mmb_counters *c, uint64_t ops, mmb_record *rec);
void mmb_counters_cell_close(mmb_counters *c);

/* ---- a whole process tree (program cells), parent side ---- */
typedef struct mmb_counters_proc mmb_counters_proc;
/* Open the events on the held child pid (inherit, enable on exec), before
 * it is released. NULL when counters are off. */
mmb_counters_proc *mmb_counters_proc_open(const mmb_counter_opts *o, int pid);
/* SIM mode: argv prefix running a program and its children under
 * callgrind, one output file per process in dir (0 words when not SIM). */
int mmb_counters_program_prefix(const mmb_counter_opts *o, const char *dir, const char **prefix,
                                int max);
/* SIM mode: the totals of every process's file in dir, summed, into rec. */
int mmb_counters_after_program(const mmb_counter_opts *o, const char *dir, uint64_t ops,
                               mmb_record *rec);
/* After it was reaped: the counts into rec (per-op values over ops). */
void mmb_counters_proc_report(mmb_counters_proc *c, uint64_t ops, mmb_record *rec);
void mmb_counters_proc_close(mmb_counters_proc *c);

/* Latency sampling: an allocator whose malloc/free time every k-th call
 * into a per-thread histogram, and its report into rec. */
const mmb_allocator *mmb_latency_wrap(const mmb_allocator *a, unsigned every);
void mmb_latency_report(mmb_record *rec);

/* `mmbench env --counters`: the PMU, its counters, perf_event_paranoid, the
 * NMI watchdog, each default event opened alone, and what to change when
 * hardware events do not open. 0 when every hardware event opens, else 1. */
int mmb_counters_diagnose(FILE *out);

#endif
