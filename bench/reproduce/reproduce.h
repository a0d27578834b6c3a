/* mmbench — what `mmbench reproduce` knows of one recipe once it ran
 * (cmd_reproduce.c), and the files written from it (reproduce_out.c:
 * verdicts.csv and reproduce.html). */
#ifndef MMB_REPRODUCE_H
#define MMB_REPRODUCE_H

#include <limits.h>

#include "env.h"
#include "recipe.h"

typedef struct mmb_outcome {
  mmb_recipe *r;
  mmb_verdict verdict;
  mmb_recipe_result res[MMB_RECIPE_MAX_CHECKS];
  char dirs[MMB_RECIPE_MAX_RUNS][PATH_MAX]; /* the folders with figures, relative to OUT */
  int ran;                                  /* the matrix ran (folders exist) */
  int run_error;                            /* a matrix could not run */
  int rounds, batches, budget;              /* rounds run, in batches; the round budget */
  char why[512];                            /* recipe-level reason (precondition, run error) */
  double seconds;
} mmb_outcome;

/* OUT/verdicts.csv: one row per check. 0 or -errno. */
int mmb_reproduce_write_csv(const char *out, const mmb_outcome *oc, int n);
/* OUT/reproduce.html: the verdict table, then each recipe with the paper's
 * number beside ours, its figures and links. 0 or -errno. */
int mmb_reproduce_write_html(const char *out, const mmb_outcome *oc, int n,
                             const mmb_host_facts *host, const char *started, double scale);

#endif
