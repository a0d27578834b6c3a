/* mmbench — recipes: one published claim per small text file
 * (scripts/recipes/NAME.recipe), the matrix that tests it, and the checks that
 * decide PASS, FAIL or INCONCLUSIVE from the rounds of its results.
 *
 * Format: one `key: value` per line; `#` starts a comment line; a line that
 * starts with a space or a tab continues the previous value.
 *   name:      short name (a-z 0-9 . _ -), unique, used on the command line
 *   claim:     the claim in one sentence
 *   source:    where it was published (authors, title, venue, year)
 *   published: the source's own result: where it is (Table, Figure, Section,
 *              abstract, page, readme) and its number with its unit (17%,
 *              2.5x, 40 ns, ...) and the conditions; `qualitative: WHERE:
 *              ...` for a result stated without a number; or
 *              `unconfirmed: WHY` when no source could be quoted
 *   differs:   how the suite's workload differs from the paper's and how the
 *              expectation was derived from the published number
 *   figure:    KIND [WORKLOAD] of an `mmbench report` figure, or none
 *   require:   cores>=N (physical cores), cpus>=N, no-smt, pmu, thp=MODE,
 *              governor=NAME (repeatable)
 *   budget:    rounds=N [seconds=S] [calibration=C]: adaptive repetitions
 *   on-corrupt: fail | inconclusive (default): what a corrupt cell makes of
 *              the checks that read it
 *   run:       `mmbench run` options of one matrix (repeatable; -o, -r,
 *              --resume, --dry-run, --quiet are set by mmbench reproduce)
 *   where:     selector terms added to every selector that lacks that key
 *   note:      free text shown with the verdict (optional)
 *   control:   [LABEL:] CHECK (repeatable): a condition of the measurement
 *              itself (e.g. that 2 threads really ran on 2 cores), measured
 *              on a reference cell that no expect: reads; while a control
 *              does not PASS, no check gets a verdict
 *   condition: heap=Nx: ratio(peak_rss_kb, COLLECTOR / EXPLICIT) == N +- T
 *              (repeatable): the published condition a threshold holds at,
 *              measured in every round (here: the collector cell's peak
 *              memory over explicit management's on the same work). The
 *              checks that read the collector cell cite it (`at heap=Nx`)
 *              and get no verdict while it does not PASS.
 *   expect:    [LABEL:] CHECK [at CONDITION[,CONDITION]] (repeatable)
 * Checks:
 *   CHECK  := ratio(METRIC, SEL / SEL) OP NUMBER
 *           | median(METRIC, SEL) OP NUMBER
 *           | ... == NUMBER +- NUMBER[%]
 *   OP     := >= | > | <= | < | ==
 *   METRIC := TERM {( + | - ) TERM} (spaces around + and -), TERM := FACTOR
 *             {(*|/) FACTOR}, FACTOR a runs.csv column or a number;
 *             computed per repetition
 *   SEL    := KEY=VALUE ..., KEY one of workload, allocator, threads, run
 *             (1-based run: line) or a workload parameter; a selector must
 *             match exactly one cell of the matrix.
 *
 * Files: recipe_parse.c (the text), recipe_terms.c (selectors, metrics,
 * checks, run lines), recipe_run.c (run options, matrix check,
 * preconditions), recipe_eval.c (rounds, intervals, verdicts). */
#ifndef MMB_RECIPE_H
#define MMB_RECIPE_H

#include <stddef.h>

#include "env.h"
#include "plan.h"
#include "runs.h"
#include "table.h"

#define MMB_RECIPE_MAX_RUNS 8
#define MMB_RECIPE_MAX_ARGS 40
#define MMB_RECIPE_MAX_CHECKS 24
#define MMB_RECIPE_MAX_CONTROLS 4
#define MMB_RECIPE_MAX_CONDITIONS 8
#define MMB_RECIPE_MAX_AT 4 /* conditions one check cites */
#define MMB_RECIPE_MAX_REQUIRES 8
#define MMB_RECIPE_MAX_TERMS 10
#define MMB_RECIPE_MAX_FACTORS 6
#define MMB_RECIPE_MAX_FOLDERS 256 /* results folders: batches x run lines */

typedef struct mmb_recipe_term {
  char key[48];
  char value[200];
} mmb_recipe_term;

typedef struct mmb_recipe_sel {
  int n;
  mmb_recipe_term t[MMB_RECIPE_MAX_TERMS];
} mmb_recipe_sel;

typedef struct mmb_recipe_metric {
  int n;                                 /* factors */
  char name[MMB_RECIPE_MAX_FACTORS][64]; /* "" for a number */
  double num[MMB_RECIPE_MAX_FACTORS];
  char op[MMB_RECIPE_MAX_FACTORS]; /* before factor i: * / (same term) + - (new term) */
  char text[192];                  /* as written, spaces only around + and - */
} mmb_recipe_metric;

typedef enum mmb_recipe_op {
  MMB_RECIPE_GE,
  MMB_RECIPE_GT,
  MMB_RECIPE_LE,
  MMB_RECIPE_LT,
  MMB_RECIPE_EQ
} mmb_recipe_op;
typedef enum mmb_recipe_func { MMB_RECIPE_RATIO, MMB_RECIPE_MEDIAN } mmb_recipe_func;

typedef struct mmb_recipe_check {
  int line;
  char label[128]; /* "" when none */
  char text[512];  /* the check as written, without the label */
  mmb_recipe_func func;
  mmb_recipe_metric metric;
  mmb_recipe_sel sel[2]; /* sel[1] only for ratio; `where` terms merged in */
  mmb_recipe_op op;
  double value;
  double tol; /* == only: absolute tolerance (tol_pct: percent of value) */
  int tol_pct;
  int nat;                   /* conditions cited (`at NAME`) */
  int at[MMB_RECIPE_MAX_AT]; /* their indexes in mmb_recipe.conditions */
  char at_text[128];         /* as written after `at` */
} mmb_recipe_check;

typedef enum mmb_recipe_req_kind {
  MMB_RECIPE_REQ_CORES,
  MMB_RECIPE_REQ_CPUS,
  MMB_RECIPE_REQ_NO_SMT,
  MMB_RECIPE_REQ_PMU,
  MMB_RECIPE_REQ_THP,     /* transparent huge pages in this mode */
  MMB_RECIPE_REQ_GOVERNOR /* this cpufreq governor */
} mmb_recipe_req_kind;

typedef struct mmb_recipe_require {
  int line;
  mmb_recipe_req_kind kind;
  int n;          /* cores>=n, cpus>=n */
  char value[32]; /* thp=, governor= */
  char text[64];
} mmb_recipe_require;

typedef struct mmb_recipe_run {
  int line;
  int argc;
  char argv[MMB_RECIPE_MAX_ARGS][256]; /* the options, tokenised */
  char text[1024];                     /* as written */
} mmb_recipe_run;

/* The adaptive repetitions of a recipe (budget: line; defaults below). */
typedef struct mmb_recipe_budget {
  int rounds;      /* at most this many interleaved rounds in all */
  double seconds;  /* and stop adding rounds after this much wall time */
  int calibration; /* rounds of the calibration (two batches of half) */
} mmb_recipe_budget;

#define MMB_RECIPE_DEFAULT_ROUNDS 12
#define MMB_RECIPE_DEFAULT_SECONDS 60
#define MMB_RECIPE_DEFAULT_CALIBRATION 6

/* What published: holds: a number with its unit, a result stated without a
 * number (qualitative:), or nothing that could be quoted (unconfirmed:). */
typedef enum mmb_recipe_pub {
  MMB_PUB_NUMBER,
  MMB_PUB_QUALITATIVE,
  MMB_PUB_UNCONFIRMED
} mmb_recipe_pub;

typedef struct mmb_recipe {
  char file[512];
  char name[64];
  char claim[1024];
  char source[512];
  char published[1024];
  char differs[1024];
  char note[1024];
  char figure[16];          /* figure kind, or "none" */
  char figure_workload[64]; /* "" = every figure of that kind */
  int corrupt_fails;        /* on-corrupt: fail */
  mmb_recipe_pub pub;       /* what published: holds */
  mmb_recipe_budget budget;
  int nruns, nchecks, nrequires, ncontrols, nconditions;
  mmb_recipe_run runs[MMB_RECIPE_MAX_RUNS];
  mmb_recipe_check checks[MMB_RECIPE_MAX_CHECKS];
  mmb_recipe_check controls[MMB_RECIPE_MAX_CONTROLS];
  mmb_recipe_check conditions[MMB_RECIPE_MAX_CONDITIONS]; /* label = "heap=Nx" */
  mmb_recipe_require requires[MMB_RECIPE_MAX_REQUIRES];
} mmb_recipe;

/* ---------------------------------------------------------------------------
 * Reading recipes (recipe_parse.c)
 * ------------------------------------------------------------------------- */
/* Parse len bytes of recipe text; file names it in messages. 0 and *out
 * (free with mmb_recipe_free), or -EINVAL with one line "FILE:LINE: what is
 * wrong (what would be right)" in err, or -ENOMEM. Checks the syntax, the
 * names (workloads, parameters, metrics) and that every metric is produced
 * by the run lines, not the matrix. */
int mmb_recipe_parse(const char *text, size_t len, const char *file, mmb_recipe **out, char *err,
                     size_t errlen);
/* Read and parse a file (-errno of open/read with the path in err). */
int mmb_recipe_load(const char *path, mmb_recipe **out, char *err, size_t errlen);
void mmb_recipe_free(mmb_recipe *r); /* NULL is fine */

/* ---------------------------------------------------------------------------
 * Run lines and preconditions (recipe_run.c)
 * ------------------------------------------------------------------------- */
/* The run options of run line k with the work scaled by scale_mul (times
 * the line's --scale, or its preset's scale) and reps repetitions (>= 1).
 * 0, or -1 with "FILE:LINE: ..." in err. */
int mmb_recipe_run_opts(const mmb_recipe *r, int k, double scale_mul, int reps, mmb_run_opts *o,
                        char *err, size_t errlen);
/* The `mmbench run` arguments of run line k in the same way (after
 * "run", before -o): tokens written into args[] (max entries of 256 bytes).
 * Returns the count, or -1 with err. */
int mmb_recipe_run_args(const mmb_recipe *r, int k, double scale_mul, int reps, char args[][256],
                        int max, char *err, size_t errlen);

/* Expand every run line (as mmb_recipe_run_opts) and check that each
 * selector of each check matches exactly one cell, that no control reads a
 * cell an expect: reads, that each condition can be created by its cells
 * (a heap multiple needs a collector with a heap-growth setting on a
 * workload with a heap-growth parameter, against an explicit manager), and
 * that every check reading a condition's cell cites it. 0, or -1 with
 * "FILE:LINE: ..." in err. */
int mmb_recipe_validate(const mmb_recipe *r, double scale_mul, char *err, size_t errlen);

/* 1 when every require: line holds on h; else 0 and why (the first that
 * does not, with the measured fact). */
int mmb_recipe_requires_met(const mmb_recipe *r, const mmb_host_facts *h, char *why, size_t len);

/* ---------------------------------------------------------------------------
 * Evaluating checks on rounds (recipe_eval.c)
 * ------------------------------------------------------------------------- */
typedef enum mmb_verdict { MMB_PASS = 0, MMB_FAIL = 1, MMB_INCONCLUSIVE = 2 } mmb_verdict;
const char *mmb_verdict_name(mmb_verdict v); /* "PASS", "FAIL", "INCONCLUSIVE" */

/* Why a check is INCONCLUSIVE (MMB_WHY_NONE for PASS and FAIL). */
typedef enum mmb_recipe_why {
  MMB_WHY_NONE,
  MMB_WHY_STRADDLE,   /* the interval straddles the threshold: more rounds may help */
  MMB_WHY_RESOLUTION, /* the effect is below what this machine resolves in the budget */
  MMB_WHY_CELL,       /* a cell failed, is missing or its metric is unmeasured */
  MMB_WHY_HOST,       /* a precondition or control does not hold, or the matrix did not run */
  MMB_WHY_CONDITION   /* the run did not create the published condition the check cites */
} mmb_recipe_why;

/* The runs.csv of every results folder of one recipe: folder i holds run
 * line run[i] (1-based) of batch batch[i] (0-based, in time order). A round
 * is one repetition of one batch: (batch, rep). */
typedef struct mmb_recipe_results {
  int n;
  int run[MMB_RECIPE_MAX_FOLDERS];
  int batch[MMB_RECIPE_MAX_FOLDERS];
  mmb_runs runs[MMB_RECIPE_MAX_FOLDERS]; /* read by the core reader (core/runs.h) */
} mmb_recipe_results;

void mmb_recipe_results_init(mmb_recipe_results *rs);
/* Add DIR/runs.csv as run line run of batch batch. 0, or -1 with err. */
int mmb_recipe_results_add(mmb_recipe_results *rs, const char *dir, int run, int batch, char *err,
                           size_t errlen);
/* Every batch under dir as mmbench reproduce writes them: dir/bN[/runK]
 * (N from 1; runK when the recipe has several run lines), or dir itself
 * (one batch). 0, or -1 with err. */
int mmb_recipe_results_load(mmb_recipe_results *rs, const mmb_recipe *r, const char *dir, char *err,
                            size_t errlen);
void mmb_recipe_results_free(mmb_recipe_results *rs);

typedef struct mmb_recipe_result {
  mmb_verdict verdict;
  mmb_recipe_why kind;  /* why INCONCLUSIVE */
  double value, lo, hi; /* estimate and its interval, drift included (NaN: none) */
  double ci_level;      /* the interval's exact coverage for exchangeable rounds */
  double ci_target;     /* the level each look needs: 1 - 0.05 / looks */
  double spread;        /* one round's noise: 1.4826 x MAD within batches (log, or absolute) */
  double drift;         /* between batches beyond that noise (log, or absolute) */
  int rounds;           /* rounds behind the figure */
  int batches;
  char measured[160];  /* "1.43 [1.31, 1.52] 12 rounds" */
  char why[400];       /* what decided a FAIL or an INCONCLUSIVE */
  char condition[600]; /* the condition as measured: cited conditions, controls, cores used */
} mmb_recipe_result;

/* The looks at the data a budget allows, fixed in advance: one after the
 * calibration, then one after each batch that doubles the rounds (at most
 * budget rounds in all). Each look judges at level 1 - 0.05 / looks
 * (Bonferroni), so that the chance that any look errs stays below 5 %. */
int mmb_recipe_looks(int calibration, int budget);

/* Decide check k on the rounds of rs, the data looked at for one of looks
 * planned looks (>= 1). The figure of a round is the check's metric on its
 * cell (median) or the quotient of its two cells measured in the same
 * round (ratio); the estimate is the median of the round figures; the
 * interval the order-statistic interval of that median whose exact
 * coverage for exchangeable rounds is at least 1 - 0.05 / looks (ci_level
 * says how much), widened by the drift between batches. PASS when the
 * whole interval meets the expectation, FAIL when none of it does,
 * INCONCLUSIVE otherwise (or a cell is missing, failed or unmeasured; a
 * corrupt cell FAILs with on-corrupt: fail). With max_rounds > 0 (the
 * calibration), a check whose distance to its threshold is below what
 * max_rounds rounds can resolve is INCONCLUSIVE (MMB_WHY_RESOLUTION). The
 * conditions the check cites and the recipe's controls are decided first:
 * a condition that FAILs makes the check INCONCLUSIVE (MMB_WHY_CONDITION),
 * a control that FAILs too (MMB_WHY_HOST), one still open makes it
 * INCONCLUSIVE (MMB_WHY_STRADDLE: more rounds). out->condition holds what
 * was measured of them either way. */
mmb_verdict mmb_recipe_eval_check(const mmb_recipe *r, int k, const mmb_recipe_results *rs,
                                  int max_rounds, int looks, mmb_recipe_result *out);
/* Every check into out[r->nchecks]; the recipe's verdict: FAIL when any
 * check fails, PASS when all pass, else INCONCLUSIVE. */
mmb_verdict mmb_recipe_eval(const mmb_recipe *r, const mmb_recipe_results *rs, int max_rounds,
                            int looks, mmb_recipe_result *out);

/* Decide "value in [lo, hi] OP threshold" as the checks do (exposed for
 * tests). */
mmb_verdict mmb_recipe_decide(const mmb_recipe_check *c, double lo, double hi);

/* The expectation as one line of text ("LABEL: CHECK" or "CHECK"). */
void mmb_recipe_check_text(const mmb_recipe_check *c, char *buf, size_t len);

/* The text of a why (verdicts.csv): "", "straddles", "resolution", "cell",
 * "host", "condition". */
const char *mmb_recipe_why_name(mmb_recipe_why w);

#endif
