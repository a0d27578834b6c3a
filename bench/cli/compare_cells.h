/* mmbench — the cells `mmbench compare` joins from two runs: each side's
 * repetition values and the statistics of both metrics (cmd_compare.c), and
 * the bar plots of their ratios (compare_plot.c). */
#ifndef MMB_COMPARE_CELLS_H
#define MMB_COMPARE_CELLS_H

#include <math.h>
#include <stddef.h>

#include "compare_judge.h"
#include "report.h"
#include "status.h"

typedef struct side {
  mmb_status status; /* ok, or the first failing status (skipped wins) */
  const char *reason;
  int nrows;
  double *t, *r;    /* ok values of ns_per_op and peak_rss_kb */
  int *trep, *rrep; /* their repetitions (rounds) */
  size_t nt, nr;
} side;

typedef struct jcell {
  const char *workload, *params, *allocator; /* in A's table (paired: the -a name) */
  int threads;
  side a, b;
  mmb_cmp_cell t, r; /* ns_per_op, peak_rss_kb */
  char label[400];
} jcell;

/* The cell has this ratio (both sides measured). */
static inline int has(const mmb_cmp_cell *r) { return !isnan(r->ratio); }
/* The change is called (higher or lower). */
static inline int called(const mmb_cmp_cell *r) {
  return r->verdict == MMB_CMP_HIGHER || r->verdict == MMB_CMP_LOWER;
}

/* Bar plot of one ratio (rss: peak RSS, else time), cells sorted by it, at
 * most 60 bars: OUTDIR/data/NAME.dat and, with gnuplot, OUTDIR/NAME.svg and
 * .png. Returns 1 when drawn. */
int mmb_compare_ratio_plot(const mmb_gnuplot *gp, const char *outdir, const char *name, jcell *c,
                           size_t n, int rss, const char *title, const char *xlabel,
                           const char *caption);

#endif
