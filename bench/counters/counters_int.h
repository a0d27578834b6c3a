/* mmbench — private interface between the counter files: counters.c
 * (options, columns, dispatch), counters_perf.c (libpfm4 + perf_event_open),
 * counters_probe.c (meta.json probe, `mmbench list events`), counters_sim.c
 * (valgrind) and counters_latency.c (sampled call latencies). Not for other code;
 * tests include it to reach the histogram and the event table. */
#ifndef MMB_COUNTERS_INT_H
#define MMB_COUNTERS_INT_H

#include <stddef.h>
#include <stdint.h>

#include "counters.h"

#define MMB_CNT_MAX 24             /* events per selection */
#define MMB_CNT_NAME 41            /* event name + NUL; leaves room for "_per_op" */
#define MMB_CNT_RUNNING "_running" /* suffix of an event's share-of-region column */

/* ---------------------------------------------------------------------------
 * Event selection (counters.c)
 * ------------------------------------------------------------------------- */
/* The columns of n counts (counters.c): each counted event (have[i]) by its
 * name, per operation and with the share of the region it ran (frac[i],
 * `<event>_running`) for hardware events, ipc when cycles and instructions
 * both counted (one group: one scaling), and the smallest running fraction.
 * Cells and program cells write the same columns through it. */
void mmb_cnt_put(char names[][MMB_CNT_NAME], const unsigned *flags, const double *val,
                 const double *frac, const int *have, int n, uint64_t ops, mmb_record *rec);

/* Split a canonical comma list into names. Returns the count. */
int mmb_cnt_split(const char *list, char names[][MMB_CNT_NAME], int max);

/* 1 when the first flags line of a cpuinfo file (path; NULL =
 * /proc/cpuinfo) lists flag as a whole word ("constant_tsc" is not in
 * "constant_tsc_x"); 0 otherwise or when the file is unreadable
 * (counters_diag.c). */
int mmb_cpuinfo_flag(const char *path, const char *flag);
/* The events of a named set ("default", "software", ...), or NULL; the i-th
 * set's name (NULL past the end). */
const char *mmb_counters_set_events(const char *set);
const char *mmb_counters_set_name(int i);

/* ---------------------------------------------------------------------------
 * perf events (counters_perf.c)
 * ------------------------------------------------------------------------- */
enum {
  MMB_PE_SOFTWARE = 1u << 0, /* PERF_TYPE_SOFTWARE: kernel-counted, never multiplexed */
  MMB_PE_NONZERO = 1u << 1,  /* 0 is impossible over a busy region (cycles, task-clock) */
  MMB_PE_CYCLES = 1u << 2,   /* generic CPU cycles */
  MMB_PE_INSNS = 1u << 3,    /* generic retired instructions */
};

/* 0 and *flags (MMB_PE_*) when name encodes; else -1 with a one-line err. */
int mmb_pe_lookup(const char *name, unsigned *flags, char *err, size_t errlen);

/* The result of opening one event alone in this process. */
typedef struct mmb_pe_status {
  int ok;             /* 1 = opened */
  int err;            /* errno of perf_event_open (0 when ok) */
  unsigned flags;     /* MMB_PE_* */
  char status[16];    /* ok | unsupported | denied | error */
  char reason[200];   /* one line; "" when ok */
  char plm[4];        /* privilege levels counted: "u" or "uk" */
  char encoding[160]; /* libpfm4's fully qualified name, or the builtin one */
} mmb_pe_status;
void mmb_pe_probe_event(const char *name, mmb_pe_status *st);

/* What libpfm4 sees: the default (or first present core) PMU name, NULL when
 * none; whether a hardware PMU is visible at all; perf_event_paranoid (or
 * -99 when unreadable). */
const char *mmb_pe_pmu_name(void);
int mmb_pe_hw_visible(void);
int mmb_pe_paranoid(void);
/* Names of present PMUs into out (comma list). */
void mmb_pe_pmus(char *out, size_t len);
/* General-purpose and fixed counters of the core PMU libpfm4 knows; -1 when
 * it knows none. */
void mmb_pe_pmu_counters(int *gp, int *fixed);
/* Iterate generic perf events libpfm4 (or the builtin table) knows:
 * calls fn(name, equivalent, description) for each alias. */
void mmb_pe_each_generic(void (*fn)(const char *name, const char *equiv, const char *desc,
                                    void *arg),
                         void *arg);
/* Events of the default core PMU (name, description); 0 when none. */
int mmb_pe_each_core(void (*fn)(const char *name, const char *desc, void *arg), void *arg);

typedef struct mmb_pe_cell mmb_pe_cell;
typedef struct mmb_pe_thread mmb_pe_thread;
/* Encode the events and plan groups by opening them once in this thread. */
mmb_pe_cell *mmb_pe_cell_open(char names[][MMB_CNT_NAME], int n);
mmb_pe_thread *mmb_pe_thread_open(mmb_pe_cell *c);
void mmb_pe_thread_start(mmb_pe_thread *t); /* no allocation, no printing */
void mmb_pe_thread_stop(mmb_pe_thread *t);
void mmb_pe_thread_close(mmb_pe_cell *c, mmb_pe_thread *t); /* read, sum, close */
/* 1 and the scaled sum over threads for event i; 0 when it did not open
 * (see the probe); -1 when it opened but has no full count (mmb_pe_why).
 * *frac = time running / time enabled summed over threads. */
int mmb_pe_result(const mmb_pe_cell *c, int i, double *value, double *frac);
/* Why event i has no result ("" when it has one). */
const char *mmb_pe_why(const mmb_pe_cell *c, int i);
void mmb_pe_cell_close(mmb_pe_cell *c);

/* Program cells: open event name on process pid with inherit (its threads
 * and children) and enable-on-exec. fd, or -errno. */
int mmb_pe_open_process(const char *name, int pid);
/* 1 and the count scaled for multiplexing; 0 when it never ran. */
int mmb_pe_read_process(int fd, double *value, double *frac);

/* ---------------------------------------------------------------------------
 * Simulated counts under valgrind (counters_sim.c)
 * ------------------------------------------------------------------------- */
/* Simulated caches (size,associativity,line): fixed, typical x86-64. */
#define MMB_SIM_I1 "32768,8,64"
#define MMB_SIM_D1 "32768,8,64"
#define MMB_SIM_LL "8388608,16,64"
int mmb_sim_prefix(const char *out_file, const char **prefix, int max);
void mmb_sim_cell_open(void); /* timing thread, before the workers exist */
void mmb_sim_region_start(void);
void mmb_sim_region_stop(void);
void mmb_sim_thread_quiet(void); /* a thread of the harness: its collection off */
void mmb_sim_thread_start(void);
void mmb_sim_thread_stop(void);
/* Program cells: callgrind over the program and its children, files in dir. */
int mmb_sim_program_prefix(const char *dir, const char **prefix, int max);
/* Totals of the callgrind output file: names[i] / vals[i]. Count or -errno. */
int mmb_sim_parse(const char *file, char names[][16], uint64_t *vals, int max);
/* Valgrind's version line ("valgrind-3.19.0") or "". */
const char *mmb_sim_version(void);

/* ---------------------------------------------------------------------------
 * Latency histograms (counters_latency.c)
 * ------------------------------------------------------------------------- */
/* Log-linear buckets: exact below 16 ns, then 16 sub-buckets per power of
 * two (at most 6.25 % wide), up to 2^40 ns; larger values go to the last
 * bucket, the exact maximum is kept apart. */
#define MMB_LAT_SUB_BITS 4
#define MMB_LAT_MAX_EXP 39
#define MMB_LAT_NB ((MMB_LAT_MAX_EXP - 2) << MMB_LAT_SUB_BITS)

typedef struct mmb_lat_hist {
  uint64_t n;   /* samples */
  uint64_t max; /* largest sample, exact */
  uint64_t b[MMB_LAT_NB];
} mmb_lat_hist;

void mmb_lat_hist_add(mmb_lat_hist *h, uint64_t v);
void mmb_lat_hist_merge(mmb_lat_hist *dst, const mmb_lat_hist *src);
/* Nearest-rank quantile q in [0,1]: the midpoint of the bucket holding rank
 * ceil(q*n), never above the exact maximum. 0 when empty. */
uint64_t mmb_lat_hist_quantile(const mmb_lat_hist *h, double q);
/* Bucket index of v and the [lo, hi] range of bucket b. */
int mmb_lat_bucket(uint64_t v);
void mmb_lat_bucket_range(int b, uint64_t *lo, uint64_t *hi);

typedef struct mmb_lat_slot mmb_lat_slot;
/* In a worker thread before the region: its histogram slot (NULL when none). */
mmb_lat_slot *mmb_lat_thread_claim(void);
void mmb_lat_thread_arm(mmb_lat_slot *s); /* region start: sample this thread */
void mmb_lat_thread_disarm(void);         /* region end */
/* The clock chosen ("tsc" or "monotonic"), its rate and back-to-back cost. */
void mmb_lat_clock_info(const char **name, double *ticks_per_ns, double *overhead_ns);

#endif
