/* mmbench — the bar plots of `mmbench compare`: B/A of every joined cell,
 * sorted by change, as gnuplot data and SVG/PNG (compare_cells.h). */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare_cells.h"
#include "files.h"
#include "xalloc.h"

#define PLOT_MAX_CELLS 60 /* bars in compare-time/-rss.svg */

/* The ratio a plot draws: peak RSS or time. */
static const mmb_cmp_cell *metric_of(const jcell *c, int rss) { return rss ? &c->r : &c->t; }

/* The cells with this ratio, largest first (stable), into idx; how many. */
static size_t sort_by_ratio(const jcell *c, size_t n, int rss, size_t *idx) {
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (has(metric_of(&c[i], rss))) idx[m++] = i;
  for (size_t i = 1; i < m; i++)
    for (size_t j = i; j > 0; j--) {
      double x = metric_of(&c[idx[j - 1]], rss)->ratio, y = metric_of(&c[idx[j]], rss)->ratio;
      if (x >= y) break;
      size_t t = idx[j];
      idx[j] = idx[j - 1];
      idx[j - 1] = t;
    }
  return m;
}

/* A labelled bar per cell stays readable up to a few dozen cells: beyond,
 * the largest increases and decreases (compare.html draws every cell).
 * The title says so; the cells kept. */
static size_t keep_largest(size_t *idx, size_t m, const char *title, char *full, size_t len) {
  snprintf(full, len, "%s", title);
  if (m <= PLOT_MAX_CELLS) return m;
  size_t half = PLOT_MAX_CELLS / 2;
  memmove(idx + half, idx + m - half, half * sizeof *idx);
  snprintf(full, len, "%s: the %d largest changes of %zu", title, PLOT_MAX_CELLS, m);
  return PLOT_MAX_CELLS;
}

/* The plot's data file: blocks called increase, called decrease, not
 * called; the ratio range drawn into *xmin, *xmax. 0, or -1 unwritable. */
static int write_plot_data(const char *path, const char *title, const jcell *c, const size_t *idx,
                           size_t m, int rss, double *xmin, double *xmax) {
  FILE *f = fopen(path, "w");
  if (!f) return -1;
  fprintf(f,
          "# mmbench compare: %s; blocks: called increase, called decrease, not "
          "called; columns: y ratio ci_lo ci_hi \"label\" label_x\n",
          title);
  *xmin = 1, *xmax = 1;
  for (int block = 0; block < 3; block++) {
    int rows = 0;
    fprintf(f, "%s# %s\n", block ? "\n\n" : "",
            block == 0   ? "higher in B"
            : block == 1 ? "lower in B"
                         : "not called");
    for (size_t k = 0; k < m; k++) {
      const mmb_cmp_cell *r = metric_of(&c[idx[k]], rss);
      int b = !called(r) ? 2 : r->ratio > 1 ? 0 : 1;
      if (b != block) continue;
      double lo = isnan(r->lo) ? r->ratio : r->lo, hi = isnan(r->hi) ? r->ratio : r->hi;
      double lx = hi > r->ratio ? hi : r->ratio;
      fprintf(f, "%zu %.6g %.6g %.6g \"%.3f×%s\" %.6g\n", k + 1, r->ratio, lo, hi, r->ratio,
              called(r) ? " *" : "", lx);
      if (lo < *xmin) *xmin = lo;
      if (r->ratio < *xmin) *xmin = r->ratio;
      if (lx > *xmax) *xmax = lx;
      rows++;
    }
    if (!rows) fprintf(f, "NaN NaN NaN NaN \"\" NaN\n");
  }
  fclose(f);
  return 0;
}

/* gnuplot's ytics: the cells' labels at 1..m (allocated). */
static char *label_tics(const jcell *c, const size_t *idx, size_t m) {
  char *tics = mmb_xcalloc(1, 64 + m * 440, "the comparison");
  strcat(tics, "(");
  for (size_t k = 0; k < m; k++) {
    char lab[440];
    snprintf(lab, sizeof lab, "%s", c[idx[k]].label);
    for (char *p = lab; *p; p++)
      if (*p == '"' || *p == '\\') *p = '\'';
    sprintf(tics + strlen(tics), "%s\"%s\" %zu", k ? ", " : "", lab, k + 1);
  }
  strcat(tics, ")");
  return tics;
}

/* Readable tics on the log axis: the usual ratios within the range, or
 * "autofreq" when none is. */
static void ratio_tics(double xmin, double xmax, char *xt, size_t len) {
  static const double nice[] = {0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 0.67, 0.8, 0.9, 1,
                                1.1,  1.25, 1.5,  2,   3,   4,    5,   10,   20,  50,  100};
  int nt = 0;
  snprintf(xt, len, "(");
  for (size_t k = 0; k < sizeof nice / sizeof nice[0]; k++)
    if (nice[k] >= xmin && nice[k] <= xmax)
      snprintf(xt + strlen(xt), len - strlen(xt), "%s%g", nt++ ? ", " : "", nice[k]);
  strncat(xt, ")", len - strlen(xt) - 1);
  if (!nt) snprintf(xt, len, "autofreq");
}

/* What one bar plot shows. */
typedef struct plot_job {
  const char *outdir, *name, *title, *xlabel, *caption;
  const char *data, *tics; /* the data file, the ytics */
  size_t m;                /* cells drawn */
  double xmin, xmax;       /* the ratio range of the data */
} plot_job;

/* Draws OUTDIR/NAME.svg/.png with ratios.gp. Returns 1 drawn. */
static int draw_plot(const mmb_gnuplot *gp, const plot_job *p) {
  mmb_gpvars v = {.len = 0};
  char out[4400], log[4400], xt[512];
  snprintf(out, sizeof out, "%s/%s", p->outdir, p->name);
  snprintf(log, sizeof log, "%s/data/%s.log", p->outdir, p->name);
  mmb_gp_str(&v, "out", out);
  mmb_gp_str(&v, "title", p->title);
  mmb_gp_str(&v, "caption", p->caption);
  mmb_gp_num(&v, "width", 960);
  mmb_gp_num(&v, "height", 150 + 22 * (double)p->m);
  mmb_gp_num(&v, "bmargin", 4.5);
  mmb_gp_str(&v, "data", p->data);
  mmb_gp_str(&v, "yticsdef", p->tics);
  mmb_gp_num(&v, "ncells", (double)p->m);
  mmb_gp_str(&v, "xlabel", p->xlabel);
  double xmin = p->xmin / 1.25, xmax = p->xmax * 1.6;
  mmb_gp_num(&v, "xmin", xmin);
  mmb_gp_num(&v, "xmax", xmax);
  ratio_tics(xmin, xmax, xt, sizeof xt);
  mmb_gp_str(&v, "xticsdef", xt);
  if (mmb_gp_run(gp, "ratios.gp", &v, out, log) == 0) return 1;
  fprintf(stderr, "mmbench compare: gnuplot failed on %s.svg; its messages are in %s\n", p->name,
          log);
  return 0;
}

/* Bar plot of one ratio, cells sorted by that ratio. Returns 1 drawn. */
int mmb_compare_ratio_plot(const mmb_gnuplot *gp, const char *outdir, const char *name, jcell *c,
                           size_t n, int rss, const char *title, const char *xlabel,
                           const char *caption) {
  size_t *idx = mmb_xcalloc(n, sizeof *idx, "the comparison");
  char full_title[300], path[4400];
  size_t m = keep_largest(idx, sort_by_ratio(c, n, rss, idx), title, full_title, sizeof full_title);
  snprintf(path, sizeof path, "%s/data/%s.dat", outdir, name);
  plot_job p = {.outdir = outdir,
                .name = name,
                .title = full_title,
                .xlabel = xlabel,
                .caption = caption,
                .data = path,
                .m = m};
  int drawn = 0;
  if (write_plot_data(path, full_title, c, idx, m, rss, &p.xmin, &p.xmax) == 0) {
    char *tics = label_tics(c, idx, m);
    p.tics = tics;
    if (gp->have && m > 0) drawn = draw_plot(gp, &p);
    free(tics);
  }
  free(idx);
  return drawn;
}
