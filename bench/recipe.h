/* mmbench — recipes: one published claim per small text file
 * (scripts/recipes/NAME.recipe), the matrix that tests it, and the checks that
 * decide PASS, FAIL or INCONCLUSIVE from a results folder.
 *
 * Format: one `key: value` per line; `#` starts a comment line; a line that
 * starts with a space or a tab continues the previous value.
 *   name:    short name (a-z 0-9 . _ -), unique, used on the command line
 *   claim:   the claim in one sentence
 *   source:  where it was published (paper, section or figure)
 *   figure:  KIND [WORKLOAD] of an existing `mmbench report` figure
 *            (time, rss, rsslive, counters, scaling, sweep, timeline,
 *            latency, heapsweep), or none
 *   require: cores>=N (cores that are not SMT siblings), cpus>=N, no-smt,
 *            pmu (repeatable)
 *   run:     `mmbench run` options of one matrix (repeatable; -o, --resume,
 *            --dry-run, --quiet are set by mmbench reproduce)
 *   where:   selector terms added to every selector that lacks that key
 *   note:    free text shown with the verdict (optional)
 *   expect:  [LABEL:] CHECK (repeatable)
 * Checks:
 *   CHECK  := ratio(METRIC, SEL / SEL) OP NUMBER
 *           | median(METRIC, SEL) OP NUMBER
 *           | ... == NUMBER +- NUMBER[%]
 *   OP     := >= | > | <= | < | ==
 *   METRIC := FACTOR {(*|/) FACTOR}, FACTOR a summary.csv metric, a runs.csv
 *             column, or a number; computed per repetition, then the median
 *   SEL    := KEY=VALUE ..., KEY one of workload, allocator, threads, run
 *             (1-based run: line) or a workload parameter; a selector must
 *             match exactly one cell of the matrix. */
#ifndef MMB_RECIPE_H
#define MMB_RECIPE_H

#include <stddef.h>

#include "plan.h"
#include "table.h"

#define MMB_RECIPE_MAX_RUNS 8
#define MMB_RECIPE_MAX_ARGS 40
#define MMB_RECIPE_MAX_CHECKS 24
#define MMB_RECIPE_MAX_REQUIRES 8
#define MMB_RECIPE_MAX_TERMS 10
#define MMB_RECIPE_MAX_FACTORS 6

typedef struct mmb_rterm {
  char key[48];
  char value[200];
} mmb_rterm;

typedef struct mmb_rsel {
  int n;
  mmb_rterm t[MMB_RECIPE_MAX_TERMS];
} mmb_rsel;

typedef struct mmb_rmetric {
  int n;                                 /* factors */
  char name[MMB_RECIPE_MAX_FACTORS][64]; /* "" for a number */
  double num[MMB_RECIPE_MAX_FACTORS];
  char op[MMB_RECIPE_MAX_FACTORS]; /* op[i] combines factor i (op[0] = '*') */
  char text[192];                  /* as written, spaces removed */
} mmb_rmetric;

typedef enum mmb_rop { MMB_ROP_GE, MMB_ROP_GT, MMB_ROP_LE, MMB_ROP_LT, MMB_ROP_EQ } mmb_rop;
typedef enum mmb_rfunc { MMB_RFUNC_RATIO, MMB_RFUNC_MEDIAN } mmb_rfunc;

typedef struct mmb_rcheck {
  int line;
  char label[128]; /* "" when none */
  char text[512];  /* the check as written, without the label */
  mmb_rfunc func;
  mmb_rmetric metric;
  mmb_rsel sel[2]; /* sel[1] only for ratio; `where` terms merged in */
  mmb_rop op;
  double value;
  double tol; /* == only: absolute tolerance (tol_pct: percent of value) */
  int tol_pct;
} mmb_rcheck;

typedef enum mmb_rreq_kind {
  MMB_REQ_CORES,
  MMB_REQ_CPUS,
  MMB_REQ_NO_SMT,
  MMB_REQ_PMU
} mmb_rreq_kind;

typedef struct mmb_rrequire {
  int line;
  mmb_rreq_kind kind;
  int n; /* cores>=n, cpus>=n */
  char text[64];
} mmb_rrequire;

typedef struct mmb_rrun {
  int line;
  int argc;
  char argv[MMB_RECIPE_MAX_ARGS][256]; /* the options, tokenised */
  char text[1024];                     /* as written */
} mmb_rrun;

typedef struct mmb_recipe {
  char file[512];
  char name[64];
  char claim[1024];
  char source[512];
  char note[1024];
  char figure[16];          /* figure kind, or "none" */
  char figure_workload[64]; /* "" = every figure of that kind */
  int nruns, nchecks, nrequires;
  mmb_rrun runs[MMB_RECIPE_MAX_RUNS];
  mmb_rcheck checks[MMB_RECIPE_MAX_CHECKS];
  mmb_rrequire requires[MMB_RECIPE_MAX_REQUIRES];
} mmb_recipe;

/* ---------------------------------------------------------------------------
 * Reading recipes
 * ------------------------------------------------------------------------- */
/* Parse len bytes of recipe text; file names it in messages. 0 and *out
 * (free with mmb_recipe_free), or -EINVAL with one line "FILE:LINE: what is
 * wrong (what would be right)" in err, or -ENOMEM. Checks the syntax and
 * the names (workloads, parameters, metrics), not the matrix. */
int mmb_recipe_parse(const char *text, size_t len, const char *file, mmb_recipe **out, char *err,
                     size_t errlen);
/* Read and parse a file (-errno of open/read with the path in err). */
int mmb_recipe_load(const char *path, mmb_recipe **out, char *err, size_t errlen);
void mmb_recipe_free(mmb_recipe *r); /* NULL is fine */

/* The run options of run line k with the work scaled by scale_mul (times
 * the line's --scale, or its preset's scale) and, when reps > 0, the
 * repetitions replaced. 0, or -1 with "FILE:LINE: ..." in err. */
int mmb_recipe_run_opts(const mmb_recipe *r, int k, double scale_mul, int reps, mmb_run_opts *o,
                        char *err, size_t errlen);
/* The `mmbench run` arguments of run line k in the same way (after
 * "run", before -o): tokens written into args[] (max entries of 256 bytes).
 * Returns the count, or -1 with err. */
int mmb_recipe_run_args(const mmb_recipe *r, int k, double scale_mul, int reps, char args[][256],
                        int max, char *err, size_t errlen);

/* Expand every run line (as mmb_recipe_run_opts) and check that each
 * selector of each check matches exactly one cell. 0, or -1 with
 * "FILE:LINE: ..." in err. */
int mmb_recipe_validate(const mmb_recipe *r, double scale_mul, int reps, char *err, size_t errlen);

/* ---------------------------------------------------------------------------
 * Preconditions
 * ------------------------------------------------------------------------- */
typedef struct mmb_host_facts {
  int cpus;             /* online logical CPUs */
  int cores;            /* distinct cores (CPUs that are not SMT siblings) */
  int threads_per_core; /* largest SMT sibling set */
  int pmu;              /* a hardware cycles counter opens */
} mmb_host_facts;

/* This machine's facts (sysfs topology, perf_event_open). */
void mmb_host_facts_probe(mmb_host_facts *h);
/* 1 when every require: line holds on h; else 0 and why (the first that
 * does not, with the measured fact). */
int mmb_recipe_requires_met(const mmb_recipe *r, const mmb_host_facts *h, char *why, size_t len);

/* ---------------------------------------------------------------------------
 * Evaluating checks on results
 * ------------------------------------------------------------------------- */
typedef enum mmb_verdict { MMB_PASS = 0, MMB_FAIL = 1, MMB_INCONCLUSIVE = 2 } mmb_verdict;
const char *mmb_verdict_name(mmb_verdict v); /* "PASS", "FAIL", "INCONCLUSIVE" */

/* The results of one recipe: one folder per run line. */
typedef struct mmb_rresults {
  int n;
  mmb_table *summary[MMB_RECIPE_MAX_RUNS];
  mmb_table *runs[MMB_RECIPE_MAX_RUNS]; /* NULL when runs.csv is absent */
} mmb_rresults;

/* Load DIR/summary.csv (required) and DIR/runs.csv (optional) of n folders,
 * in run-line order. 0, or -1 with err. */
int mmb_rresults_load(mmb_rresults *rs, const char *const *dirs, int n, char *err, size_t errlen);
void mmb_rresults_free(mmb_rresults *rs);

typedef struct mmb_rcheck_result {
  mmb_verdict verdict;
  double value, lo, hi; /* estimate and its 95 % CI (NaN: not measured) */
  int n[2];             /* repetitions behind each side */
  char measured[160];   /* "1.43 (CI 1.31-1.52)" */
  char why[320];        /* what decided a FAIL or an INCONCLUSIVE */
} mmb_rcheck_result;

/* Decide check k: PASS when the whole CI satisfies it, FAIL when none of
 * the CI does, INCONCLUSIVE when the CI straddles the threshold or a cell
 * is missing, failed or unmeasured. */
mmb_verdict mmb_recipe_eval_check(const mmb_recipe *r, int k, const mmb_rresults *rs,
                                  mmb_rcheck_result *out);
/* Every check into out[r->nchecks]; the recipe's verdict: FAIL when any
 * check fails, PASS when all pass, else INCONCLUSIVE. */
mmb_verdict mmb_recipe_eval(const mmb_recipe *r, const mmb_rresults *rs, mmb_rcheck_result *out);

/* Decide "value in [lo, hi] OP threshold" as the checks do (exposed for
 * tests). */
mmb_verdict mmb_recipe_decide(const mmb_rcheck *c, double lo, double hi);

/* The expectation as one line of text ("LABEL: CHECK" or "CHECK"). */
void mmb_recipe_check_text(const mmb_rcheck *c, char *buf, size_t len);

#endif
