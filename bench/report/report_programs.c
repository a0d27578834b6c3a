/* mmbench — the report's figure across the programs family: for every
 * program (one group each) the median wall time and the median peak RSS of
 * each allocator divided by glibc's in the same program, with the order-statistic interval
 * of the median on the same scale (bars.gp) — the view mimalloc-bench
 * gives, with statistics. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "metrics.h"
#include "report_fig.h"
#include "workload.h"

#define MAX_GROUPS 64

typedef struct pgroup {
  int wl, pidx;
  char label[200];
} pgroup;

/* A real program (its descriptor runs a program: workload.h `program`). */
static int is_program(const mmb_rwork *w) {
  const mmb_workload *d = mmb_workload_find(w->name);
  return d && d->program;
}

/* One glibc cell with the metric per (program, parameter point). */
static int collect(const mmb_rmodel *m, const char *metric, int base, pgroup *g, int max) {
  int n = 0;
  for (size_t wl = 0; wl < m->nworks; wl++) {
    const mmb_rwork *w = &m->works[wl];
    if (!is_program(w)) continue;
    for (size_t i = 0; i < w->ncells && n < max; i++) {
      const mmb_rcell *c = &m->cells[w->cells[i]];
      mmb_rstat st;
      if (c->alloc != base || !mmb_fig_metric(m, c, metric, &st) || st.median <= 0) continue;
      g[n].wl = (int)wl;
      g[n].pidx = c->pidx;
      snprintf(g[n].label, sizeof g[n].label, "%s%s%s", w->name, w->nvary ? " " : "",
               w->nvary ? c->params : "");
      n++;
    }
  }
  return n;
}

static const mmb_rcell *cell_of(const mmb_rmodel *m, const pgroup *g, int alloc) {
  return mmb_fig_cell_in(m, &m->works[g->wl], g->pidx, 1, alloc);
}

static const char *alloc_name(size_t i, void *p) { return ((const mmb_rmodel *)p)->allocs[i]; }

/* Each allocator's ratio to the baseline's median per program, a block per
 * allocator, into out; cells without a value into fails. Returns how many
 * those are. */
static int ratio_blocks(const mmb_rmodel *m, const char *metric, const pgroup *g, int ng,
                        const mmb_faset *as, int base, FILE *out, FILE *fails) {
  int S = as->n;
  int nfail = 0;
  for (int s = 0; s < S; s++) {
    int a = as->idx[s], rows = 0;
    fprintf(out, "%s# %s\n", s ? "\n\n" : "", m->allocs[a]);
    for (int i = 0; i < ng; i++) {
      double x = i * (S + 1) + s;
      const mmb_rcell *c = cell_of(m, &g[i], a), *bc = cell_of(m, &g[i], base);
      mmb_rstat st, bs;
      if (!c) continue;
      if (!mmb_fig_metric(m, c, metric, &st)) {
        fprintf(fails, "%g \"%s\"\n", x, mmb_status_name(c->status));
        nfail++;
        continue;
      }
      mmb_fig_metric(m, bc, metric, &bs);
      double y = st.median / bs.median, lo = st.ci_lo / bs.median, hi = st.ci_hi / bs.median;
      char lab[64];
      snprintf(lab, sizeof lab, "%.2f", y);
      fprintf(out, "%g %.6g %.6g %.6g \"%s\" %.6g\n", x, y, isnan(lo) ? y : lo, isnan(hi) ? y : hi,
              lab, isnan(hi) || hi < y ? y : hi);
      rows++;
    }
    if (!rows) fprintf(out, "NaN NaN NaN NaN \"\" NaN\n");
  }
  return nfail;
}

/* The x tics: each program's name under the middle of its group of S bars. */
static void program_xtics(const pgroup *g, int ng, int S, char *xt, size_t len) {
  size_t used = (size_t)snprintf(xt, len, "(");
  for (int i = 0; i < ng && used < len; i++) {
    char lab[256];
    mmb_fig_gp_label(g[i].label, lab, sizeof lab);
    used += (size_t)snprintf(xt + used, len - used, "%s\"%s\" %g", i ? ", " : "", lab,
                             i * (S + 1) + (S - 1) / 2.0);
  }
  if (used + 2 < len) snprintf(xt + used, len - used, ")");
}

static void overview(mmb_fctx *f, const char *metric, const char *kind, const char *what, int fmt) {
  const mmb_rmodel *m = f->m;
  int base = (int)mmb_baseline_pick(m->nallocs, alloc_name, NULL, (void *)m, 0);
  pgroup g[MAX_GROUPS];
  int ng = base < 0 ? 0 : collect(m, metric, base, g, MAX_GROUPS);
  if (ng < 2) return; /* one program: its own figure says it all */
  mmb_faset as = {.n = 0};
  for (int i = 0; i < ng; i++) {
    const mmb_rwork *w = &m->works[g[i].wl];
    for (size_t k = 0; k < w->ncells; k++) {
      const mmb_rcell *c = &m->cells[w->cells[k]];
      mmb_rstat st;
      if (c->pidx == g[i].pidx && mmb_fig_metric(m, c, metric, &st))
        mmb_fig_aset_add(&as, c->alloc);
    }
  }
  int S = as.n;
  char stem[64];
  snprintf(stem, sizeof stem, "programs-%s", kind);
  mmb_rfig *fig = mmb_fig_new(f, g[0].wl, kind, stem);
  snprintf(fig->title, sizeof fig->title, "programs: %s relative to glibc", what);
  FILE *out = mmb_fig_data_open(f, fig->name, ".dat"),
       *fails = mmb_fig_data_open(f, fig->name, "-fails.dat");
  if (!out || !fails) {
    if (out) fclose(out);
    if (fails) fclose(fails);
    return;
  }
  fprintf(out,
          "# mmbench programs overview: %s of each allocator / glibc's, per program\n"
          "# one block per allocator; columns: x value ci_lo ci_hi \"label\" label_y\n",
          what);
  fprintf(fails, "# program cells without a value: x \"status\"\n");
  int nfail = ratio_blocks(m, metric, g, ng, &as, base, out, fails);
  fclose(out);
  fclose(fails);
  (void)fmt;
  snprintf(
      fig->note, sizeof fig->note,
      "Bars: each allocator's median %s divided by glibc's median in the same program; error bars: "
      "its order-statistic interval of the median (level in the table) on the same scale (glibc's "
      "own spread is in its bar); labels: "
      "the ratio. "
      "Missing bars are skipped or failed cells (see the table).",
      what);
  char xt[8192];
  program_xtics(g, ng, S, xt, sizeof xt);
  mmb_gpvars v = {.len = 0};
  char path[4400], yl[128];
  int width = 260 + ng * (S + 1) * 18;
  mmb_fig_common_vars(f, &v, fig, width < 720 ? 720 : width > 2400 ? 2400 : width, 500);
  mmb_fig_data_path(f, fig->name, ".dat", path, sizeof path);
  mmb_gp_str(&v, "data", path);
  mmb_fig_data_path(f, fig->name, "-fails.dat", path, sizeof path);
  mmb_gp_str(&v, "fails", path);
  mmb_gp_num(&v, "nfail", nfail);
  mmb_fig_series_vars(m, &v, &as);
  mmb_gp_str(&v, "xticsdef", xt);
  mmb_gp_num(&v, "xmin", -1);
  mmb_gp_num(&v, "xmax", (double)ng * (S + 1) - 1);
  mmb_gp_num(&v, "rot", 30);
  mmb_gp_num(&v, "bmargin", 6.5);
  snprintf(yl, sizeof yl, "%s ÷ glibc's (lower is better)", what);
  mmb_gp_str(&v, "ylabel", yl);
  mmb_gp_num(&v, "refline", 1.0);
  mmb_fig_draw(f, fig, "bars.gp", &v);
}

void mmb_fig_programs(mmb_fctx *f) {
  overview(f, MMB_METRIC_TIME, "progtime", "wall time", FMT_NS);
  overview(f, MMB_METRIC_PEAK_RSS, "progrss", "peak RSS", FMT_KB);
}
