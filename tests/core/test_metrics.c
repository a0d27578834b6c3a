/* Unit tests of the metric table (bench/core/metrics.c) and the figures
 * workloads declare in their descriptors (workload.h mmb_figure): every
 * declared figure is a row of the table with its unit, direction and label,
 * a fixed runs.csv column after the harness's own (remote_free_frac and
 * shared_line last, in that order, as runs.csv has always had them), not
 * summarised; a figure's name is not a fixed column of the harness, two
 * workloads that report one figure declare it alike, and no workload
 * declares more than ctx->fig[] holds. */
#include <string.h>

#include "../check.h"
#include "metrics.h"
#include "workload.h"

/* The harness's own runs.csv columns: everything before the first figure. */
static int is_figure(const char *name) {
  const mmb_figure *f;
  for (int i = 0; (f = mmb_figure_at(i)); i++)
    if (strcmp(f->name, name) == 0) return 1;
  return 0;
}

static void check_declarations(void) {
  const mmb_workload *w;
  int nfigs = 0;
  for (int i = 0; (w = mmb_workload_at(i)); i++) {
    int n = mmb_workload_nfigs(w);
    CHECKF(n <= MMB_MAX_FIGS, "%s declares %d figures, ctx->fig holds %d", w->name, n,
           MMB_MAX_FIGS);
    for (int k = 0; k < n; k++) {
      const mmb_figure *f = &w->figures[k];
      nfigs++;
      CHECKF(f->unit && f->help && f->help[0], "%s: figure %s has no unit or help", w->name,
             f->name);
      CHECKF(f->better >= -1 && f->better <= 1, "%s: figure %s: better %d", w->name, f->name,
             f->better);
      /* the table's row for the name is this declaration (or an identical one) */
      const mmb_metric *m = mmb_metric_find(f->name);
      CHECKF(m && strcmp(m->unit, f->unit) == 0 && strcmp(m->label, f->help) == 0 &&
                 m->better == f->better,
             "%s: figure %s is declared differently elsewhere or clashes with a fixed column",
             w->name, f->name);
      CHECKF(m && (m->flags & MMB_COL_RUNS) && (m->flags & MMB_COL_MEASURE) &&
                 !(m->flags & (MMB_COL_KEY | MMB_COL_DERIVED)) && !m->summary,
             "figure %s: not a measured, unsummarised runs.csv column", f->name);
      CHECKF(!mmb_metric_is_summarised(f->name), "figure %s is summarised", f->name);
    }
  }
  CHECKF(nfigs >= 2, "the workloads declare %d figures, expected larson's and cache-scratch's",
         nfigs);
}

static void check_columns(void) {
  const char *cols[128];
  int n = mmb_metric_run_columns(cols, 128);
  CHECK(n > 10 && strcmp(cols[0], "workload") == 0);
  /* the figures come last, each once, after the harness's own columns */
  int first_fig = -1;
  for (int i = 0; i < n; i++) {
    if (is_figure(cols[i]) && first_fig < 0) first_fig = i;
    CHECKF(first_fig < 0 || is_figure(cols[i]), "fixed column %s after a figure", cols[i]);
    for (int j = 0; j < i; j++) CHECKF(strcmp(cols[i], cols[j]) != 0, "column %s twice", cols[i]);
  }
  CHECK(first_fig > 0 && strcmp(cols[first_fig - 1], "place") == 0);
  /* runs.csv as it always was: ..., place, remote_free_frac, shared_line */
  CHECKF(n == first_fig + 2 && strcmp(cols[first_fig], "remote_free_frac") == 0 &&
             strcmp(cols[first_fig + 1], "shared_line") == 0,
         "figure columns: %d from %s", n - first_fig, first_fig < n ? cols[first_fig] : "-");
  /* a figure's facts come from its declaration */
  CHECK(strcmp(mmb_metric_unit("remote_free_frac"), "x") == 0);
  CHECK(strcmp(mmb_metric_label("shared_line"),
               "handed-over objects shared a cache line (1) or never (0)") == 0);
  CHECK(!mmb_metric_is_timing("remote_free_frac"));
  /* which workload reports what */
  const mmb_workload *la = mmb_workload_find("larson"), *cs = mmb_workload_find("cache-scratch");
  CHECK(la && mmb_workload_nfigs(la) == 1 && strcmp(la->figures[0].name, "remote_free_frac") == 0);
  CHECK(cs && mmb_workload_nfigs(cs) == 1 && strcmp(cs->figures[0].name, "shared_line") == 0);
  CHECK(mmb_workload_nfigs(mmb_workload_find("thread-local")) == 0);
  /* the walk over the rows ends, and find agrees with it */
  const mmb_metric *m;
  int rows = 0;
  for (int i = 0; (m = mmb_metric_at(i)); i++, rows++) CHECK(mmb_metric_find(m->name) == m);
  CHECK(rows > n && mmb_metric_at(rows) == NULL && mmb_metric_at(-1) == NULL);
  CHECK(mmb_metric_find("no-such-metric") == NULL);
}

int main(void) {
  check_declarations();
  check_columns();
  return mmb_test_exit();
}
