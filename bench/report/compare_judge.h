/* mmbench — the judgement of `mmbench compare`: per cell the ratio B/A on
 * log times with its interval (t, with the variance moderated across the
 * cells: empirical Bayes, as limma does for many parallel small-sample
 * tests), a minimum-effect test against a practical threshold,
 * Benjamini–Hochberg over the cells, the common shift of the cells (drift)
 * and the sensitivity (the smallest change a cell could have shown). The
 * numbers only; cmd_compare.c prints them. */
#ifndef MMB_COMPARE_JUDGE_H
#define MMB_COMPARE_JUDGE_H

#include <stddef.h>

#include "stats.h"

#define MMB_CMP_MIN_REPS 3            /* fewer values a side: nothing is called */
#define MMB_CMP_THRESHOLD 0.05        /* default practical threshold: 5 % */
#define MMB_CMP_ALPHA 0.05            /* false discovery rate and 1 - interval level */
#define MMB_CMP_DRIFT_MIN_CELLS 6     /* fewer testable cells: no common shift is judged */
#define MMB_CMP_DRIFT_SHARE (2.0 / 3) /* "most cells": this share moved, with the shift */
#define MMB_CMP_DRIFT_SIDE 0.9        /* ... or this share on the shift's side of 1 */

typedef struct mmb_cmp_opts {
  double threshold; /* changes within [1/(1+t), 1+t] are never called */
  double alpha;     /* FDR of the calls; the interval is at 1 - alpha */
  int paired;       /* values are rounds: a[i] with b[i] */
  int raw;          /* judge the raw ratio even when most cells moved together */
  int own_variance; /* each cell's own variance only (no moderation across cells) */
} mmb_cmp_opts;

typedef enum mmb_cmp_verdict {
  MMB_CMP_NONE,   /* no values on one side */
  MMB_CMP_FEW,    /* fewer than MMB_CMP_MIN_REPS a side: nothing can be called */
  MMB_CMP_HIGHER, /* called: B higher than A by more than the threshold */
  MMB_CMP_LOWER,  /* called: B lower */
  MMB_CMP_SAME,   /* the interval lies inside the threshold band: no change that matters */
  MMB_CMP_UNSURE, /* not called, and the interval reaches beyond the band: could not tell */
} mmb_cmp_verdict;

typedef struct mmb_cmp_cell {
  int na, nb;           /* values a side (paired: rounds with both) */
  double ma, mb;        /* medians */
  double median_ratio;  /* mb / ma */
  mmb_shift own;        /* shift of log values (Welch or paired), the cell's own variance */
  mmb_shift sh;         /* the same with the moderated variance (what is judged) */
  int tested;           /* >= MMB_CMP_MIN_REPS a side and a finite shift */
  double ratio, lo, hi; /* exp(shift) and its (1 - alpha) interval */
  double p;             /* minimum-effect p (with the drift allowance when applied) */
  double p_adj;         /* Benjamini–Hochberg over the tested cells */
  double mw_p;          /* exact Mann–Whitney p of the cell (no threshold), for reference */
  double sens;          /* smallest ratio above 1 callable as the only change (lone cell) */
  mmb_cmp_verdict verdict;
} mmb_cmp_cell;

typedef struct mmb_cmp_family {
  size_t ncells, tested, higher, lower, same, unsure, few;
  double shift;       /* common shift: exp(median of the tested cells' log shifts) */
  size_t consistent;  /* tested cells whose interval holds the shift and excludes 1 */
  size_t holds;       /* tested cells whose interval holds the shift */
  size_t same_side;   /* tested cells whose B/A is on the shift's side of 1 */
  int moved_together; /* most cells moved together, beyond the threshold */
  int allowance;      /* ... and cells were judged against it too */
  double sens_median; /* median sensitivity over the tested cells */
  double prior_df;    /* moderation: degrees of freedom the cells lend each other (0: none) */
} mmb_cmp_family;

/* One cell from its values (paired: a[i] and b[i] are round i, na == nb).
 * Values <= 0 make the cell untested. */
void mmb_cmp_cell_stats(const double *a, size_t na, const double *b, size_t nb,
                        const mmb_cmp_opts *o, mmb_cmp_cell *out);
/* The family: common shift, p-values (with the allowance when most cells
 * moved together and the design is unpaired and !o->raw), BH, verdicts and
 * sensitivities. 0, or -1 when out of memory. */
int mmb_cmp_judge(mmb_cmp_cell *c, size_t n, const mmb_cmp_opts *o, mmb_cmp_family *fam);
const char *mmb_cmp_verdict_name(mmb_cmp_verdict v);

#endif
