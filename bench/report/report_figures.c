/* mmbench — the report's figures: which ones a results folder calls for,
 * their gnuplot data files in DIR/plots/data/ (readable, with a header
 * comment), and the helpers the figure files share (report_fig.h). The
 * figures themselves are drawn in report_bars.c and report_lines.c by the
 * gnuplot scripts in scripts/.
 *
 * Per workload: time (or throughput) bars normalised to the baseline,
 * peak RSS, RSS ÷ live bytes, counters per operation, thread scaling, sweeps
 * of a numeric parameter (log–log), RSS over time, latency percentiles, and
 * the time–space trade-off of a heap-growth sweep. */
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "baseline.h"
#include "metrics.h"
#include "report_fig.h"
#include "stats.h"
#include "files.h"
#include "xalloc.h"

/* ------------------------------------------------------------------------
 * Small helpers
 * ---------------------------------------------------------------------- */
void mmb_fig_fmt_value(double v, int fmt, char *buf, size_t len) {
  switch (fmt) {
  case FMT_NS: mmb_rep_fmt_si(v, "ns", buf, len); break;
  case FMT_OPS: mmb_rep_fmt_si(v, "op/s", buf, len); break;
  case FMT_KB: mmb_rep_fmt_kb(v, buf, len); break;
  case FMT_X: snprintf(buf, len, "%.2f×", v); break;
  default: mmb_rep_fmt_si(v, "", buf, len); break;
  }
  /* gnuplot reads the label as a double-quoted string. */
  for (char *p = buf; *p; p++)
    if (*p == '"') *p = '\'';
}

void mmb_fig_gp_label(const char *text, char *buf, size_t len) {
  snprintf(buf, len, "%s", text);
  for (char *p = buf; *p; p++)
    if (*p == '"' || *p == '\\') *p = '\'';
}

mmb_rfig *mmb_fig_new(mmb_fctx *f, int wl, const char *kind, const char *stem) {
  mmb_rfigs *figs = f->figs;
  if (figs->n == figs->cap) {
    size_t cap = figs->cap ? figs->cap * 2 : 32;
    mmb_rfig *v = mmb_xrealloc(figs->v, cap * sizeof *v, "the figures");
    figs->v = v;
    figs->cap = cap;
  }
  mmb_rfig *g = &figs->v[figs->n++];
  memset(g, 0, sizeof *g);
  g->wl = wl;
  snprintf(g->kind, sizeof g->kind, "%s", kind);
  char slug[160];
  mmb_rep_slug(stem, slug, sizeof slug);
  /* Unique among the figures so far (slugs of different cells can meet). */
  snprintf(g->name, sizeof g->name, "%s", slug);
  for (int k = 2;; k++) {
    int clash = 0;
    for (size_t i = 0; i + 1 < figs->n; i++)
      if (strcmp(figs->v[i].name, g->name) == 0) clash = 1;
    if (!clash) break;
    snprintf(g->name, sizeof g->name, "%.140s-%d", slug, k);
  }
  snprintf(g->data, sizeof g->data, "plots/data/%s.dat", g->name);
  return g;
}

FILE *mmb_fig_data_open(mmb_fctx *f, const char *name, const char *suffix) {
  char path[4400];
  snprintf(path, sizeof path, "%s/%s%s", f->data, name, suffix);
  return fopen(path, "w");
}

void mmb_fig_data_path(mmb_fctx *f, const char *name, const char *suffix, char *buf, size_t len) {
  snprintf(buf, len, "%s/%s%s", f->data, name, suffix);
}

void mmb_fig_common_vars(mmb_fctx *f, mmb_gpvars *v, const mmb_rfig *g, int width, int height) {
  char out[4400];
  snprintf(out, sizeof out, "%s/%s", f->plots, g->name);
  mmb_gp_str(v, "out", out);
  mmb_gp_str(v, "title", g->title);
  mmb_gp_str(v, "caption", f->m->caption);
  mmb_gp_num(v, "width", width);
  mmb_gp_num(v, "height", height);
}

/* names, colors, patterns, points of a set of allocators. */
void mmb_fig_series_vars(const mmb_rmodel *m, mmb_gpvars *v, const mmb_faset *as) {
  char names[4096] = "", colors[1024] = "", patterns[512] = "", points[512] = "";
  for (int i = 0; i < as->n; i++) {
    const char *a = m->allocs[as->idx[i]];
    mmb_rstyle st;
    mmb_rep_style(a, &st);
    char w[256], num[16];
    mmb_rep_gp_word(a, w, sizeof w);
    if (i) {
      strncat(names, " ", sizeof names - strlen(names) - 1);
      strncat(colors, " ", sizeof colors - strlen(colors) - 1);
      strncat(patterns, " ", sizeof patterns - strlen(patterns) - 1);
      strncat(points, " ", sizeof points - strlen(points) - 1);
    }
    strncat(names, w, sizeof names - strlen(names) - 1);
    strncat(colors, st.color, sizeof colors - strlen(colors) - 1);
    snprintf(num, sizeof num, "%d", st.pattern);
    strncat(patterns, num, sizeof patterns - strlen(patterns) - 1);
    snprintf(num, sizeof num, "%d", st.point);
    strncat(points, num, sizeof points - strlen(points) - 1);
  }
  mmb_gp_str(v, "names", names);
  mmb_gp_str(v, "colors", colors);
  mmb_gp_str(v, "patterns", patterns);
  mmb_gp_str(v, "points", points);
  mmb_gp_num(v, "n", as->n);
}

void mmb_fig_draw(mmb_fctx *f, mmb_rfig *g, const char *script, const mmb_gpvars *v) {
  if (!f->gp->have) return;
  char out[4400], log[4400];
  snprintf(out, sizeof out, "%s/%s", f->plots, g->name);
  snprintf(log, sizeof log, "%s/%s.log", f->data, g->name);
  if (mmb_gp_run(f->gp, script, v, out, log) == 0) {
    g->produced = 1;
  } else {
    f->figs->failed++;
    fprintf(stderr, "mmbench report: gnuplot failed on %s.svg (%s); its messages are in %s\n",
            g->name, script, log);
  }
}

void mmb_fig_aset_add(mmb_faset *as, int a) {
  for (int i = 0; i < as->n; i++)
    if (as->idx[i] == a) return;
  if (as->n < (int)(sizeof as->idx / sizeof as->idx[0])) as->idx[as->n++] = a;
  for (int i = as->n - 1; i > 0 && as->idx[i - 1] > as->idx[i]; i--) { /* keep model order */
    int t = as->idx[i];
    as->idx[i] = as->idx[i - 1];
    as->idx[i - 1] = t;
  }
}

/* The groups of workload w (cells are sorted by params, then threads). */
int mmb_fig_groups(const mmb_rmodel *m, const mmb_rwork *w, mmb_fgroup **out) {
  mmb_fgroup *g = NULL;
  int n = 0;
  for (size_t i = 0; i < w->ncells; i++) {
    const mmb_rcell *c = &m->cells[w->cells[i]];
    if (n && g[n - 1].pidx == c->pidx && g[n - 1].threads == c->threads) continue;
    g = mmb_xrealloc(g, (size_t)(n + 1) * sizeof *g, "the figures");
    g[n].pidx = c->pidx;
    g[n].threads = c->threads;
    mmb_rep_cell_label(m, c, 1, g[n].label, sizeof g[n].label);
    n++;
  }
  *out = g;
  return n;
}

const mmb_rcell *mmb_fig_cell_in(const mmb_rmodel *m, const mmb_rwork *w, int pidx, int threads,
                                 int alloc) {
  for (size_t i = 0; i < w->ncells; i++) {
    const mmb_rcell *c = &m->cells[w->cells[i]];
    if (c->pidx == pidx && c->threads == threads && c->alloc == alloc) return c;
  }
  return NULL;
}

mmb_faset mmb_fig_allocs_of(const mmb_rmodel *m, const mmb_rwork *w) {
  mmb_faset as = {.n = 0};
  for (size_t i = 0; i < w->ncells; i++) mmb_fig_aset_add(&as, m->cells[w->cells[i]].alloc);
  return as;
}

/* Baseline allocator of a workload (baseline.h's policy over its cells
 * with a value of metric). */
typedef struct basectx {
  const mmb_rmodel *m;
  const mmb_rwork *w;
  const char *metric;
} basectx;

static const char *base_name(size_t i, void *p) {
  const basectx *x = p;
  return x->m->cells[x->w->cells[i]].allocator;
}

static int base_usable(size_t i, void *p) {
  const basectx *x = p;
  return mmb_rep_stat(x->m, &x->m->cells[x->w->cells[i]], x->metric) != NULL;
}

int mmb_fig_baseline(const mmb_rmodel *m, const mmb_rwork *w, const char *metric) {
  basectx x = {m, w, metric};
  long i = mmb_baseline_pick(w->ncells, base_name, base_usable, &x, 1);
  return i < 0 ? -1 : m->cells[w->cells[i]].alloc;
}

/* Statistics of num/den over the ok repetitions of a cell (from runs.csv). */
static int ratio_stat(const mmb_rmodel *m, const mmb_rcell *c, const char *num, const char *den,
                      mmb_rstat *s) {
  memset(s, 0, sizeof *s);
  int cn = mmb_table_col(m->runs, num), cd = mmb_table_col(m->runs, den);
  if (cn < 0 || cd < 0 || c->nrows == 0) return 0;
  double *v = mmb_xcalloc(c->nrows, sizeof *v, "the figures");
  size_t n = 0;
  for (size_t r = 0; r < c->nrows; r++) {
    size_t row = c->rows[r];
    double a, b;
    if (m->loaded.rows[row].status != MMB_ST_OK) continue;
    if (mmb_table_num(m->runs, row, cn, &a) != 1 || mmb_table_num(m->runs, row, cd, &b) != 1 ||
        b == 0)
      continue;
    v[n++] = a / b;
  }
  if (n) {
    mmb_summary sum;
    mmb_summarize(v, n, &sum);
    s->have = 1;
    s->n = (int)n;
    s->n_runs = (int)c->nrows;
    s->median = sum.median;
    s->ci_lo = sum.ci_lo;
    s->ci_hi = sum.ci_hi;
    s->cv = sum.cv;
  }
  free(v);
  return s->have;
}

/* A metric of a cell: a summary metric, or a count per operation computed
 * per repetition from runs.csv: "perop:<column>" and the sim_* totals. */
int mmb_fig_metric(const mmb_rmodel *m, const mmb_rcell *c, const char *metric, mmb_rstat *out) {
  if (strncmp(metric, "perop:", 6) == 0) return ratio_stat(m, c, metric + 6, "ops", out);
  if (strncmp(metric, "sim_", 4) == 0) return ratio_stat(m, c, metric, "ops", out);
  const mmb_rstat *s = mmb_rep_stat(m, c, metric);
  if (!s || isnan(s->median)) return 0;
  *out = *s;
  return 1;
}

int mmb_fig_is_number(const char *s, double *v) {
  char *end;
  if (!*s) return 0;
  *v = strtod(s, &end);
  return *end == 0 && isfinite(*v);
}

int mmb_fig_measured_in(const mmb_rmodel *m, const mmb_rwork *w, const char *metric) {
  mmb_rstat s;
  for (size_t i = 0; i < w->ncells; i++)
    if (mmb_fig_metric(m, &m->cells[w->cells[i]], metric, &s)) return 1;
  return 0;
}

/* ------------------------------------------------------------------------
 * All figures
 * ---------------------------------------------------------------------- */
static int any_metric(const mmb_rmodel *m, const mmb_rwork *w, const char *metric) {
  for (size_t i = 0; i < w->ncells; i++)
    if (mmb_rep_stat(m, &m->cells[w->cells[i]], metric)) return 1;
  return 0;
}

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n > k && strcmp(s + n - k, suffix) == 0;
}

/* Remove the regular files of dir ending in either suffix. */
static void remove_old(const char *dir, const char *s1, const char *s2) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!ends_with(e->d_name, s1) && !ends_with(e->d_name, s2)) continue;
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISREG(st.st_mode)) unlink(path);
  }
  closedir(d);
}

int mmb_rep_figures(const mmb_rmodel *m, const mmb_gnuplot *gp, mmb_rfigs *figs, char *err,
                    size_t errlen) {
  memset(figs, 0, sizeof *figs);
  mmb_fctx f = {.m = m, .gp = gp, .figs = figs};
  snprintf(f.plots, sizeof f.plots, "%s/plots", m->dir);
  snprintf(f.data, sizeof f.data, "%s/plots/data", m->dir);
  int rc = mmb_mkdirs(f.data);
  if (rc) {
    snprintf(err, errlen, "cannot create %s: %s (the results folder must be writable)", f.data,
             strerror(-rc));
    return -1;
  }
  /* Figures of an earlier report of this folder go: the set may differ. */
  remove_old(f.plots, ".svg", ".png");
  remove_old(f.data, ".dat", ".log");
  mmb_fig_counters_note(m, figs->counters_note, sizeof figs->counters_note);

  for (size_t wl = 0; wl < m->nworks; wl++) {
    const mmb_rwork *w = &m->works[wl];
    if (w->throughput) {
      mmb_barspec b = {MMB_METRIC_THROUGHPUT, 1, FMT_OPS, 1.0};
      mmb_fig_bars(&f, (int)wl, "time", &b, "throughput", "throughput ÷ %s's (higher is better)",
                   1.0);
    } else {
      mmb_barspec b = {MMB_METRIC_TIME, 1, FMT_NS, 1.0};
      mmb_fig_bars(&f, (int)wl, "time", &b, "time per operation",
                   "ns per op ÷ %s's (lower is better)", 1.0);
    }
    if (any_metric(m, w, MMB_METRIC_PEAK_RSS)) {
      mmb_barspec b = {MMB_METRIC_PEAK_RSS, 0, FMT_KB, 1.0 / 1024.0};
      mmb_fig_bars(&f, (int)wl, "rss", &b, "peak RSS", "peak RSS (MiB)%s", NAN);
    }
    if (any_metric(m, w, MMB_METRIC_RSS_LIVE)) {
      mmb_barspec b = {MMB_METRIC_RSS_LIVE, 0, FMT_X, 1.0};
      mmb_fig_bars(&f, (int)wl, "rsslive", &b, "peak RSS ÷ live bytes",
                   "peak RSS ÷ bytes kept live (1 = no overhead)%s", 1.0);
    }
    mmb_fig_counters(&f, (int)wl);
    mmb_fig_scaling(&f, (int)wl);
    const char *growth = mmb_fig_growth_key(w);
    mmb_fig_sweeps(&f, (int)wl, growth);
    mmb_fig_timelines(&f, (int)wl);
    mmb_fig_latency(&f, (int)wl);
    if (growth) mmb_fig_tradeoff(&f, (int)wl, growth);
  }
  mmb_fig_programs(&f);
  return 0;
}

void mmb_rep_figs_free(mmb_rfigs *figs) {
  free(figs->v);
  memset(figs, 0, sizeof *figs);
}
