/* mmbench — workload descriptor.
 *
 * A workload is a const mmb_workload with a parameter table. Parsing, range
 * checks and --help all come from that table. Work is a fixed amount, seeded,
 * and the checksum it produces must be identical under every allocator. */
#ifndef MMB_WORKLOAD_H
#define MMB_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "allocator.h"

/* ---------------------------------------------------------------------------
 * Parameters
 * ------------------------------------------------------------------------- */
typedef enum mmb_param_type {
  MMB_P_INT = 0,  /* integer; accepts K/M/G suffixes (powers of 1024) */
  MMB_P_ENUM = 1, /* one of choices[]; value is the index */
  MMB_P_STR = 2,  /* free text (e.g. a file path); value in ctx->str[] */
} mmb_param_type;

enum {
  MMB_PF_WORK = 1u << 0,  /* an amount of work: --scale multiplies it */
  MMB_PF_LIST = 1u << 1,  /* STR: "a,b" sweeps over a and b (no value holds a comma) */
  MMB_PF_BYTES = 1u << 2, /* INT: a size in bytes (figures label their axis so) */
};

/* Facts about a workload the harness, report and recipes read (flags). */
enum {
  MMB_WF_THROUGHPUT = 1u << 0, /* figures read as operations per second, not ns/op */
  MMB_WF_FLOOR = 1u << 1,      /* has a floor: also runs under the `floor` allocator */
  MMB_WF_SCALING = 1u << 2,    /* presets run it at their multi-thread counts (1,2,4) */
};

typedef struct mmb_param {
  const char *name;
  mmb_param_type type;
  long long def, min, max;    /* INT: default and range; ENUM: default index */
  const char *const *choices; /* ENUM: NULL-terminated names */
  const char *def_str;        /* STR: default ("" allowed) */
  unsigned flags;             /* MMB_PF_* */
  const char *help;
} mmb_param;

/* The common `touch` parameter: what the measured region does with every
 * block besides allocating and freeing it. A workload that has it ends its
 * parameter table with MMB_PARAM_TOUCH (parsing, checks and help come from
 * the table as for any parameter); the harness sets ctx->touch from it. */
enum {
  MMB_TOUCH_WORD = 0,   /* write the first word at allocation, read it before free */
  MMB_TOUCH_FULL = 1,   /* write every byte at allocation, read the first word */
  MMB_TOUCH_NONE = 2,   /* no access: the allocator's calls alone */
  MMB_TOUCH_VERIFY = 3, /* not a choice: the untimed verification repetition
                         * (full pattern at allocation, full check before free) */
};
extern const char *const mmb_touch_names[]; /* "word", "full", "none", NULL */
#define MMB_PARAM_TOUCH                                                                            \
  {                                                                                                \
    .name = "touch", .type = MMB_P_ENUM, .def = MMB_TOUCH_WORD, .choices = mmb_touch_names,        \
    .help = "per block: word (first word written, read before free), full (every byte "            \
            "written), none"                                                                       \
  }

/* A figure a workload reports about its own run (the share of remote frees
 * it caused, whether its objects shared a cache line): the workload lists
 * them in its descriptor (mmb_workload.figures) and sets ctx->fig[i] for
 * figures[i]. Each becomes a runs.csv column of that name (empty on rows of
 * workloads that do not report it) and a row of the harness's metric table
 * (unit, direction, label): declaring it here is all it takes. */
typedef struct mmb_figure {
  const char *name; /* runs.csv column: "remote_free_frac" (not a fixed column's name) */
  const char *unit; /* "x" (a ratio), "" (a count or a 0/1 flag), "ns", "B", "kB" */
  int better;       /* -1 lower is better, +1 higher is better, 0 neither */
  const char *help; /* for people: "share of frees of blocks another thread allocated" */
} mmb_figure;
#define MMB_MAX_FIGS 4 /* figures one workload reports at most */

#define MMB_MAX_PARAMS 16
#define MMB_MAX_THREADS 256
#define MMB_DEFERRED_LIMIT (4ull << 30) /* see mmb_workload.deferred_bytes */

/* ---------------------------------------------------------------------------
 * Context handed to every call of a workload in the child
 * ------------------------------------------------------------------------- */
typedef struct mmb_ctx {
  const mmb_allocator *alloc;      /* the allocator under test */
  long long p[MMB_MAX_PARAMS];     /* parameter values, in table order */
  const char *str[MMB_MAX_PARAMS]; /* STR parameter values */
  int threads;                     /* worker threads (>= 1) */
  uint64_t seed;                   /* same for every allocator */
  int touch;                       /* MMB_TOUCH_*: the touch parameter, or VERIFY */
  void *state;                     /* owned by the workload */

  /* Filled by the workload (verify at the latest). */
  uint64_t checksum;        /* identical under every correct allocator */
  uint64_t live_bytes;      /* requested bytes it keeps live at the peak */
  char reason[200];         /* why verify failed / setup refused */
  double fig[MMB_MAX_FIGS]; /* fig[i]: the descriptor's figures[i]; NAN (as the harness
                             * sets them) = not reported */

  /* Filled by the harness, usable by workloads that phase their work. */
  void (*thread_barrier)(struct mmb_ctx *ctx); /* all workers meet here */
  void *harness;                               /* private to the harness */
} mmb_ctx;

/* ---------------------------------------------------------------------------
 * The descriptor
 * ------------------------------------------------------------------------- */
typedef struct mmb_workload {
  const char *name;        /* "churn-random" */
  const char *family;      /* "churn" */
  const char *description; /* one line */
  const char *follows;     /* paper / benchmark it follows ("" = own) */
  const mmb_param *params; /* table, terminated by an entry with name NULL */
  unsigned needs;          /* MMB_CAP_* the allocator must have */
  int min_threads;         /* at least this many threads (1 usually) */
  int max_threads;         /* at most (0 = any) */
  /* Sweep used by the default / full presets when -p does not say
   * otherwise: "size=16,256,4096;variant=stack,heap" ("" = defaults). */
  const char *sweep;
  unsigned flags; /* MMB_WF_* */
  /* Name of the parameter that sets a managed heap's growth factor (the
   * report draws time against peak RSS over its values), or NULL. */
  const char *heap_growth_param;
  /* Name of the parameter that names the recorded program whose trace the
   * workload replays (the program's workload has that name), or NULL: the
   * report sets such cells beside the program's own. */
  const char *replays;
  /* Name of the parameter that names the recorded program whose fitted
   * model the workload draws from, or NULL: the report sets such cells
   * beside the program's and its replay's. */
  const char *models;
  /* What it reports about its own run besides the harness's figures
   * (terminated by an entry with name NULL; ctx->fig[i] is figures[i];
   * at most MMB_MAX_FIGS), or NULL. */
  const mmb_figure *figures;

  /* Bytes it allocates in all when frees never return memory (an allocator
   * without MMB_CAP_FREE, such as the bump arena): the plan runs it there
   * only when this is at most MMB_DEFERRED_LIMIT. NULL = it needs frees. */
  uint64_t (*deferred_bytes)(const long long *p, int threads);

  /* 0 when the measured region calls no allocator at these parameters (a
   * stack variant, or data set up once): the plan then measures the point
   * under one allocator only. NULL = it always uses the allocator. */
  int (*uses_allocator)(const long long *p);

  /* Checked by the plan before anything runs (may be NULL): 0 = fine;
   * -1 = bad input, msg says why (the run stops, exit 2); 1 = the point
   * cannot run here, msg is the skip reason; 2 = it runs, and msg is a note
   * the run prints (a damaged input used up to the damage). s[] are the STR
   * values. */
  int (*check)(const long long *p, char *const *s, char *msg, size_t len);
  /* The one thread count a point runs at when -t does not say (may be
   * NULL; 0 = the preset's list): a replayed trace's own. */
  int (*threads_for)(const long long *p, char *const *s);

  /* Untimed. 0, or -1 with ctx->reason set (recorded as error). */
  int (*setup)(mmb_ctx *ctx);
  /* Timed: run by every worker thread tid in [0, threads). Returns the
   * operations this thread did. Must not print. */
  uint64_t (*run)(mmb_ctx *ctx, int tid);
  /* Untimed. 0 = correct; -1 with ctx->reason = corrupt. Sets checksum. */
  int (*verify)(mmb_ctx *ctx);
  /* Untimed, may be NULL. Frees what setup made. */
  void (*teardown)(mmb_ctx *ctx);

  /* A real program (workloads/program.h): the runner execs it with the
   * allocator preloaded instead of running the calls above. NULL = none. */
  const struct mmb_program *program;
} mmb_workload;

/* ---------------------------------------------------------------------------
 * Registry (workloads/registry.c)
 * ------------------------------------------------------------------------- */
/* Each family file (workloads/<family>.c) exports one NULL-terminated array
 * mmb_family_<family>[]; registry.c lists the families. */
extern const mmb_workload *const mmb_family_basic[];
extern const mmb_workload *const mmb_family_stack_heap[];
extern const mmb_workload *const mmb_family_churn[];
extern const mmb_workload *const mmb_family_threads[];
extern const mmb_workload *const mmb_family_threads_sharing[]; /* threads_sharing.c */
extern const mmb_workload *const mmb_family_alignment[];
extern const mmb_workload *const mmb_family_graph[];
extern const mmb_workload *const mmb_family_trace[];
extern const mmb_workload *const mmb_family_models[]; /* empirical.c */

/* The i-th workload over all families (NULL past the end). */
const mmb_workload *mmb_workload_at(int i);
const mmb_workload *mmb_workload_find(const char *name);
/* Index of parameter name in w->params, or -1. */
int mmb_workload_param_index(const mmb_workload *w, const char *name);
int mmb_workload_nparams(const mmb_workload *w);
/* Figures w declares (0 when figures is NULL). */
int mmb_workload_nfigs(const mmb_workload *w);
/* The i-th distinct figure (by name, first declaration) over the built-in
 * families in registry order, or NULL past the end: the runs.csv columns
 * after the harness's fixed ones. Programs report their own metrics
 * (program.h) and declare none. */
const mmb_figure *mmb_figure_at(int i);

#endif
