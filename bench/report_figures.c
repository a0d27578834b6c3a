/* mmbench — the report's figures: which ones a results folder calls for,
 * their gnuplot data files in DIR/plots/data/ (readable, with a header
 * comment), and the SVG + PNG drawn from them by the gnuplot scripts in
 * scripts/.
 *
 * Per workload: time (or throughput) bars normalised to the baseline,
 * peak RSS, RSS ÷ live bytes, counters per operation, thread scaling, sweeps
 * of a numeric parameter (log–log), RSS over time, latency percentiles, and
 * the time–space trade-off of a heap-growth sweep. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "files.h"
#include "metrics.h"
#include "report.h"
#include "stats.h"

typedef struct fctx {
  const mmb_rmodel *m;
  const mmb_gnuplot *gp;
  mmb_rfigs *figs;
  char plots[4096]; /* DIR/plots */
  char data[4096];  /* DIR/plots/data */
} fctx;

/* A group of bars: one parameter point and thread count of a workload. */
typedef struct group {
  int pidx, threads;
  char label[200];
} group;

/* The allocators present in a set of cells, in model order. */
typedef struct aset {
  int idx[64];
  int n;
} aset;

enum { FMT_NS, FMT_OPS, FMT_KB, FMT_X, FMT_NUM };

/* ------------------------------------------------------------------------
 * Small helpers
 * ---------------------------------------------------------------------- */
static void fmt_value(double v, int fmt, char *buf, size_t len) {
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

static void gp_label(const char *text, char *buf, size_t len) {
  snprintf(buf, len, "%s", text);
  for (char *p = buf; *p; p++)
    if (*p == '"' || *p == '\\') *p = '\'';
}

static mmb_rfig *fig_new(fctx *f, int wl, const char *kind, const char *stem) {
  mmb_rfigs *figs = f->figs;
  if (figs->n == figs->cap) {
    size_t cap = figs->cap ? figs->cap * 2 : 32;
    mmb_rfig *v = realloc(figs->v, cap * sizeof *v);
    if (!v) abort();
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

static FILE *data_open(fctx *f, const char *name, const char *suffix) {
  char path[4400];
  snprintf(path, sizeof path, "%s/%s%s", f->data, name, suffix);
  return fopen(path, "w");
}

static void data_path(fctx *f, const char *name, const char *suffix, char *buf, size_t len) {
  snprintf(buf, len, "%s/%s%s", f->data, name, suffix);
}

static void common_vars(fctx *f, mmb_gpvars *v, const mmb_rfig *g, int width, int height) {
  char out[4400];
  snprintf(out, sizeof out, "%s/%s", f->plots, g->name);
  mmb_gp_str(v, "out", out);
  mmb_gp_str(v, "title", g->title);
  mmb_gp_str(v, "caption", f->m->caption);
  mmb_gp_num(v, "width", width);
  mmb_gp_num(v, "height", height);
}

/* names, colors, patterns, points of a set of allocators. */
static void series_vars(const mmb_rmodel *m, mmb_gpvars *v, const aset *as) {
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

static void draw(fctx *f, mmb_rfig *g, const char *script, const mmb_gpvars *v) {
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

static void aset_add(aset *as, int a) {
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
static int groups_of(const mmb_rmodel *m, const mmb_rwork *w, group **out) {
  group *g = NULL;
  int n = 0;
  for (size_t i = 0; i < w->ncells; i++) {
    const mmb_rcell *c = &m->cells[w->cells[i]];
    if (n && g[n - 1].pidx == c->pidx && g[n - 1].threads == c->threads) continue;
    g = realloc(g, (size_t)(n + 1) * sizeof *g);
    if (!g) abort();
    g[n].pidx = c->pidx;
    g[n].threads = c->threads;
    mmb_rep_cell_label(m, c, 1, g[n].label, sizeof g[n].label);
    n++;
  }
  *out = g;
  return n;
}

static const mmb_rcell *cell_in(const mmb_rmodel *m, const mmb_rwork *w, int pidx, int threads,
                                int alloc) {
  for (size_t i = 0; i < w->ncells; i++) {
    const mmb_rcell *c = &m->cells[w->cells[i]];
    if (c->pidx == pidx && c->threads == threads && c->alloc == alloc) return c;
  }
  return NULL;
}

static aset allocs_of(const mmb_rmodel *m, const mmb_rwork *w) {
  aset as = {.n = 0};
  for (size_t i = 0; i < w->ncells; i++) aset_add(&as, m->cells[w->cells[i]].alloc);
  return as;
}

/* Baseline allocator of a workload: glibc, else manual, else the first. */
static int baseline_of(const mmb_rmodel *m, const mmb_rwork *w, const char *metric) {
  static const char *const pref[] = {"glibc", "manual", NULL};
  for (int p = 0; pref[p]; p++) {
    for (size_t i = 0; i < w->ncells; i++) {
      const mmb_rcell *c = &m->cells[w->cells[i]];
      if (strcmp(c->allocator, pref[p]) == 0 && mmb_rep_stat(m, c, metric)) return c->alloc;
    }
  }
  for (size_t i = 0; i < w->ncells; i++)
    if (mmb_rep_stat(m, &m->cells[w->cells[i]], metric)) return m->cells[w->cells[i]].alloc;
  return -1;
}

/* Statistics of num/den over the ok repetitions of a cell (from runs.csv). */
static int ratio_stat(const mmb_rmodel *m, const mmb_rcell *c, const char *num,
                      const char *den, mmb_rstat *s) {
  memset(s, 0, sizeof *s);
  int cn = mmb_table_col(m->runs, num), cd = mmb_table_col(m->runs, den),
      cs = mmb_table_col(m->runs, "status");
  if (cn < 0 || cd < 0 || c->nrows == 0) return 0;
  double *v = calloc(c->nrows, sizeof *v);
  if (!v) abort();
  size_t n = 0;
  for (size_t r = 0; r < c->nrows; r++) {
    size_t row = c->rows[r];
    double a, b;
    if (strcmp(mmb_table_get(m->runs, row, cs), "ok") != 0) continue;
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
static int metric_of(const mmb_rmodel *m, const mmb_rcell *c, const char *metric,
                     mmb_rstat *out) {
  if (strncmp(metric, "perop:", 6) == 0) return ratio_stat(m, c, metric + 6, "ops", out);
  if (strncmp(metric, "sim_", 4) == 0) return ratio_stat(m, c, metric, "ops", out);
  const mmb_rstat *s = mmb_rep_stat(m, c, metric);
  if (!s || isnan(s->median)) return 0;
  *out = *s;
  return 1;
}

static int is_number(const char *s, double *v) {
  char *end;
  if (!*s) return 0;
  *v = strtod(s, &end);
  return *end == 0 && isfinite(*v);
}

/* ------------------------------------------------------------------------
 * Bars (time, memory, counters panels)
 * ---------------------------------------------------------------------- */
typedef struct barspec {
  const char *metric; /* summary metric (or sim_X) */
  int normalise;      /* divide by the baseline's median in the same group */
  int fmt;            /* FMT_*: the absolute value written above each bar */
  double scale;       /* plotted value = median * scale (when not normalised) */
} barspec;

typedef struct barlayout {
  group *g;
  int ng;
  aset as;
  double xmin, xmax;
  int rot;
  double bmargin; /* character rows under the axis: labels and caption */
  char xtics[8192];
} barlayout;

static int bar_width(const barlayout *L) {
  int w = 260 + L->ng * (L->as.n + 1) * 18;
  return w < 720 ? 720 : w > 2400 ? 2400 : w;
}

static void bar_layout(const mmb_rmodel *m, const mmb_rwork *w, barlayout *L) {
  L->ng = groups_of(m, w, &L->g);
  L->as = allocs_of(m, w);
  int S = L->as.n;
  L->xmin = -1;
  L->xmax = (double)L->ng * (S + 1) - 1;
  size_t used = 0, longest = 0;
  used += (size_t)snprintf(L->xtics, sizeof L->xtics, "(");
  for (int i = 0; i < L->ng; i++) {
    char lab[256];
    gp_label(L->g[i].label, lab, sizeof lab);
    if (strlen(lab) > longest) longest = strlen(lab);
    int k = snprintf(L->xtics + used, sizeof L->xtics - used, "%s\"%s\" %g", i ? ", " : "", lab,
                     i * (S + 1) + (S - 1) / 2.0);
    if (k < 0 || (size_t)k >= sizeof L->xtics - used) break;
    used += (size_t)k;
  }
  if (used + 2 < sizeof L->xtics) snprintf(L->xtics + used, sizeof L->xtics - used, ")");
  /* Rotate the group labels when they are wider than their group. */
  double group_px = (double)(bar_width(L) - 260) / (L->ng ? L->ng : 1);
  L->rot = (L->ng > 1 && (double)longest * 7.0 > group_px * 0.9) ? 30 : 0;
  L->bmargin = L->rot ? 3.5 + 0.3 * (double)longest : 3.5;
}

/* Writes the blocks of bars.gp; the cells without a value go to fails.
 * Returns the number of bars with a value. */
static int write_bars(const mmb_rmodel *m, const mmb_rwork *w, const barlayout *L,
                      const barspec *b, int base, FILE *out, FILE *fails, int *nfail) {
  int S = L->as.n, bars = 0;
  for (int s = 0; s < S; s++) {
    int a = L->as.idx[s], rows = 0;
    fprintf(out, "%s# %s\n", s ? "\n\n" : "", m->allocs[a]);
    for (int gi = 0; gi < L->ng; gi++) {
      const mmb_rcell *c = cell_in(m, w, L->g[gi].pidx, L->g[gi].threads, a);
      if (!c) continue;
      double x = gi * (S + 1) + s;
      mmb_rstat st;
      if (!metric_of(m, c, b->metric, &st)) {
        if (fails && strcmp(c->status, "ok") != 0) {
          fprintf(fails, "%g \"%s\"\n", x, c->status);
          (*nfail)++;
        }
        continue;
      }
      double div = 1.0 / b->scale;
      if (b->normalise) {
        const mmb_rcell *bc = cell_in(m, w, L->g[gi].pidx, L->g[gi].threads, base);
        mmb_rstat bs;
        if (!bc || !metric_of(m, bc, b->metric, &bs) || bs.median == 0) {
          if (fails) {
            fprintf(fails, "%g \"no %s value\"\n", x, m->allocs[base]);
            (*nfail)++;
          }
          continue;
        }
        div = bs.median;
      }
      char lab[64];
      fmt_value(st.median, b->fmt, lab, sizeof lab);
      if (st.n_runs > st.n && st.n > 0) {
        size_t l = strlen(lab);
        snprintf(lab + l, sizeof lab - l, " (%d/%d ok)", st.n, st.n_runs);
      }
      double y = st.median / div, lo = st.ci_lo / div, hi = st.ci_hi / div;
      double ly = isnan(hi) || hi < y ? y : hi;
      fprintf(out, "%g %.6g %.6g %.6g \"%s\" %.6g\n", x, y, isnan(lo) ? y : lo,
              isnan(hi) ? y : hi, lab, ly);
      rows++;
      bars++;
    }
    if (!rows) fprintf(out, "NaN NaN NaN NaN \"\" NaN\n"); /* keep block numbering */
  }
  return bars;
}

static void bars_figure(fctx *f, int wl, const char *kind, const barspec *b, const char *title,
                        const char *ylabel, double refline) {
  const mmb_rmodel *m = f->m;
  const mmb_rwork *w = &m->works[wl];
  barlayout L;
  bar_layout(m, w, &L);
  int base = b->normalise ? baseline_of(m, w, b->metric) : -1;
  if (b->normalise && base < 0) {
    free(L.g);
    return; /* nothing measured */
  }
  char stem[256];
  snprintf(stem, sizeof stem, "%s-%s", kind, w->name);
  mmb_rfig *g = fig_new(f, wl, kind, stem);
  snprintf(g->title, sizeof g->title, "%s: %s%s%s", w->name, title,
           b->normalise ? " relative to " : "", b->normalise ? m->allocs[base] : "");
  FILE *out = data_open(f, g->name, ".dat"), *fails = data_open(f, g->name, "-fails.dat");
  if (!out || !fails) {
    if (out) fclose(out);
    if (fails) fclose(fails);
    free(L.g);
    return;
  }
  char yl[256];
  snprintf(yl, sizeof yl, ylabel, base >= 0 ? m->allocs[base] : "");
  fprintf(out, "# mmbench %s bars of workload %s: %s\n# one block per allocator; columns: x "
               "value ci_lo ci_hi \"label\" label_y\n",
          kind, w->name, yl);
  fprintf(fails, "# cells of %s without a value: x \"status\"\n", w->name);
  int nfail = 0;
  int bars = write_bars(m, w, &L, b, base, out, fails, &nfail);
  fclose(out);
  fclose(fails);
  if (bars == 0 && nfail == 0) {
    f->figs->n--; /* nothing to draw */
    free(L.g);
    return;
  }
  if (b->normalise && base >= 0)
    snprintf(g->note, sizeof g->note, "Bars: median of each cell divided by %s's median in the "
             "same group; error bars: 95 %% CI of the median (same scale); labels: absolute "
             "median.", m->allocs[base]);
  mmb_gpvars v = {.len = 0};
  char path[4400];
  common_vars(f, &v, g, bar_width(&L), L.rot ? 500 : 440);
  data_path(f, g->name, ".dat", path, sizeof path);
  mmb_gp_str(&v, "data", path);
  data_path(f, g->name, "-fails.dat", path, sizeof path);
  mmb_gp_str(&v, "fails", path);
  mmb_gp_num(&v, "nfail", nfail);
  series_vars(m, &v, &L.as);
  mmb_gp_str(&v, "xticsdef", L.xtics);
  mmb_gp_num(&v, "xmin", L.xmin);
  mmb_gp_num(&v, "xmax", L.xmax);
  mmb_gp_num(&v, "rot", L.rot);
  mmb_gp_num(&v, "bmargin", L.bmargin);
  mmb_gp_str(&v, "ylabel", yl);
  mmb_gp_num(&v, "refline", refline);
  draw(f, g, "bars.gp", &v);
  free(L.g);
}

/* ------------------------------------------------------------------------
 * Counters
 * ---------------------------------------------------------------------- */
static int is_counter_metric(const char *name) {
  size_t n = strlen(name);
  if (strncmp(name, "lat_", 4) == 0 || strcmp(name, MMB_METRIC_TIME) == 0) return 0;
  return strcmp(name, "ipc") == 0 || (n > 7 && strcmp(name + n - 7, "_per_op") == 0) ||
         strncmp(name, "sim_", 4) == 0;
}

static void counter_title(const char *metric, char *buf, size_t len) {
  size_t n = strlen(metric);
  if (strcmp(metric, "ipc") == 0) snprintf(buf, len, "IPC");
  else if (strncmp(metric, "perop:", 6) == 0) snprintf(buf, len, "%s/op", metric + 6);
  else if (n > 7 && strcmp(metric + n - 7, "_per_op") == 0)
    snprintf(buf, len, "%.*s/op", (int)(n - 7), metric);
  else snprintf(buf, len, "%s/op", metric);
}

/* Break text into lines of at most width characters at spaces; returns the
 * number of lines (0 for empty text). */
static int wrap(const char *text, size_t width, char *buf, size_t len) {
  size_t n = snprintf(buf, len, "%s", text) < 0 ? 0 : strlen(buf), start = 0, last = 0;
  int lines = n ? 1 : 0;
  for (size_t i = 0; i < n; i++) {
    if (buf[i] == ' ') last = i;
    if (i - start >= width && last > start) {
      buf[last] = '\n';
      start = last + 1;
      lines++;
    }
  }
  return lines;
}

static int metric_measured_in(const mmb_rmodel *m, const mmb_rwork *w, const char *metric) {
  mmb_rstat s;
  for (size_t i = 0; i < w->ncells; i++)
    if (metric_of(m, &m->cells[w->cells[i]], metric, &s)) return 1;
  return 0;
}

/* The sentence naming the counters this machine did not measure, and why. */
static void counters_note(const mmb_rmodel *m, char *buf, size_t len) {
  buf[0] = 0;
  const cJSON *events = m->meta ? cJSON_GetObjectItemCaseSensitive(
                                      cJSON_GetObjectItemCaseSensitive(m->meta, "counters"),
                                      "events")
                                : NULL;
  char names[1024] = "", reasons[1024] = "";
  int nn = 0;
  const cJSON *e;
  if (cJSON_IsObject(events)) {
    cJSON_ArrayForEach(e, events) {
      const cJSON *st = cJSON_GetObjectItemCaseSensitive(e, "status");
      if (cJSON_IsString(st) && strcmp(st->valuestring, "ok") == 0) continue;
      const cJSON *why = cJSON_GetObjectItemCaseSensitive(e, "reason");
      snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", nn++ ? ", " : "",
               e->string);
      if (cJSON_IsString(why) && why->valuestring[0] && !strstr(reasons, why->valuestring))
        snprintf(reasons + strlen(reasons), sizeof reasons - strlen(reasons), "%s%s",
                 reasons[0] ? "; " : "", why->valuestring);
    }
  }
  /* Counter columns that are empty everywhere, when meta.json names none. */
  if (nn == 0) {
    for (size_t i = 0; i < m->nmetrics; i++) {
      const char *name = m->metrics[i];
      if (!is_counter_metric(name) && strncmp(name, "lat_", 4) == 0) continue;
      if (!is_counter_metric(name)) continue;
      int any = 0;
      for (size_t w = 0; w < m->nworks && !any; w++) any = metric_measured_in(m, &m->works[w], name);
      if (!any)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", nn++ ? ", " : "",
                 name);
    }
  }
  if (nn == 0) return;
  snprintf(buf, len, "Not measured on this machine: %s (%s)", names,
           reasons[0] ? reasons : "no reason recorded");
}

static void counters_figure(fctx *f, int wl) {
  const mmb_rmodel *m = f->m;
  const mmb_rwork *w = &m->works[wl];
  /* Panels, each measured in this workload: IPC; then per event that
   * meta.json lists, its <event>_per_op column or else its total divided by
   * the operations; then other *_per_op columns; then the simulated
   * (valgrind) counts per operation. */
  char panels[32][96];
  int np = 0;
#define ADD_PANEL(name)                                                                      \
  do {                                                                                       \
    int dup_ = 0;                                                                            \
    for (int q_ = 0; q_ < np; q_++) dup_ |= strcmp(panels[q_], (name)) == 0;                 \
    if (!dup_ && np < 32 && metric_measured_in(m, w, (name)))                                \
      snprintf(panels[np++], sizeof panels[0], "%s", (name));                                \
  } while (0)
  if (mmb_rep_metric(m, "ipc") >= 0) ADD_PANEL("ipc");
  const cJSON *events = m->meta ? cJSON_GetObjectItemCaseSensitive(
                                      cJSON_GetObjectItemCaseSensitive(m->meta, "counters"),
                                      "events")
                                : NULL;
  const cJSON *e;
  if (cJSON_IsObject(events)) {
    cJSON_ArrayForEach(e, events) {
      char name[96];
      snprintf(name, sizeof name, "%.80s_per_op", e->string);
      int before = np;
      if (mmb_rep_metric(m, name) >= 0) ADD_PANEL(name);
      if (np == before && mmb_table_col(m->runs, e->string) >= 0) {
        snprintf(name, sizeof name, "perop:%.80s", e->string);
        ADD_PANEL(name);
      }
    }
  }
  for (size_t i = 0; i < m->nmetrics; i++) {
    const char *name = m->metrics[i];
    size_t n = strlen(name);
    if (n > 7 && strcmp(name + n - 7, "_per_op") == 0 && strcmp(name, MMB_METRIC_TIME) != 0)
      ADD_PANEL(name);
  }
  for (size_t i = 0; i < m->nmetrics; i++)
    if (strncmp(m->metrics[i], "sim_", 4) == 0) ADD_PANEL(m->metrics[i]);
#undef ADD_PANEL
  if (np == 0) return;
  barlayout L;
  bar_layout(m, w, &L);
  char stem[256];
  snprintf(stem, sizeof stem, "counters-%s", w->name);
  mmb_rfig *g = fig_new(f, wl, "counters", stem);
  snprintf(g->title, sizeof g->title, "%s: counters per operation", w->name);
  snprintf(g->data, sizeof g->data, "plots/data/%s-1.dat", g->name);
  char words[2048] = "";
  for (int k = 0; k < np; k++) {
    char suffix[32], t[128], wd[128];
    snprintf(suffix, sizeof suffix, "-%d.dat", k + 1);
    FILE *out = data_open(f, g->name, suffix);
    if (!out) {
      free(L.g);
      f->figs->n--;
      return;
    }
    counter_title(panels[k], t, sizeof t);
    fprintf(out, "# mmbench counters of workload %s: %s per allocator\n# one block per "
                 "allocator; columns: x value ci_lo ci_hi \"label\" label_y\n",
            w->name, t);
    barspec b = {panels[k], 0, FMT_NUM, 1.0};
    int nfail = 0;
    write_bars(m, w, &L, &b, -1, out, NULL, &nfail);
    fclose(out);
    mmb_rep_gp_word(t, wd, sizeof wd);
    snprintf(words + strlen(words), sizeof words - strlen(words), "%s%s", k ? " " : "", wd);
  }
  snprintf(g->note, sizeof g->note, "%s", f->figs->counters_note);
  mmb_gpvars v = {.len = 0};
  char prefix[4400];
  common_vars(f, &v, g, bar_width(&L), 140 + 205 * np + (L.rot ? 60 * np : 0));
  snprintf(prefix, sizeof prefix, "%s/%s-", f->data, g->name);
  mmb_gp_str(&v, "prefix", prefix);
  mmb_gp_num(&v, "npanels", np);
  mmb_gp_str(&v, "panels", words);
  series_vars(m, &v, &L.as);
  mmb_gp_str(&v, "xticsdef", L.xtics);
  mmb_gp_num(&v, "xmin", L.xmin);
  mmb_gp_num(&v, "xmax", L.xmax);
  mmb_gp_num(&v, "rot", L.rot);
  /* The note wrapped to the figure's width (about 6.5 px a character). */
  char note[600];
  int lines = wrap(f->figs->counters_note, (size_t)(bar_width(&L) / 6.5), note, sizeof note);
  mmb_gp_text(&v, "note", note);
  mmb_gp_num(&v, "notelines", lines);
  draw(f, g, "counters.gp", &v);
  free(L.g);
}

/* ------------------------------------------------------------------------
 * Lines: thread scaling, sweeps, timelines, latency
 * ---------------------------------------------------------------------- */
typedef struct linefig {
  const char *kind, *xlabel, *ylabel, *style, *xticsdef;
  int logx, logy, errors;
  double refline;
  int width, height;
} linefig;

static void lines_draw(fctx *f, mmb_rfig *g, const aset *as, const char *dashes,
                       const char *names_override, const linefig *lf) {
  mmb_gpvars v = {.len = 0};
  char path[4400];
  common_vars(f, &v, g, lf->width ? lf->width : 760, lf->height ? lf->height : 460);
  data_path(f, g->name, ".dat", path, sizeof path);
  mmb_gp_str(&v, "data", path);
  series_vars(f->m, &v, as);
  if (names_override) mmb_gp_str(&v, "names", names_override);
  mmb_gp_str(&v, "dashes", dashes);
  mmb_gp_str(&v, "xlabel", lf->xlabel);
  mmb_gp_str(&v, "ylabel", lf->ylabel);
  mmb_gp_num(&v, "logx", lf->logx);
  mmb_gp_num(&v, "logy", lf->logy);
  mmb_gp_num(&v, "errors", lf->errors);
  mmb_gp_str(&v, "style", lf->style);
  mmb_gp_str(&v, "xticsdef", lf->xticsdef ? lf->xticsdef : "");
  mmb_gp_num(&v, "bmargin", 4.5);
  mmb_gp_num(&v, "refline", lf->refline);
  draw(f, g, "lines.gp", &v);
}

static void ones(char *buf, size_t len, int n) {
  buf[0] = 0;
  for (int i = 0; i < n; i++) snprintf(buf + strlen(buf), len - strlen(buf), "%s1", i ? " " : "");
}

/* Thread scaling: throughput against threads, one figure per parameter
 * point. */
static void scaling_figures(fctx *f, int wl) {
  const mmb_rmodel *m = f->m;
  const mmb_rwork *w = &m->works[wl];
  if (!w->threads_vary) return;
  int maxp = 0;
  for (size_t i = 0; i < w->ncells; i++)
    if (m->cells[w->cells[i]].pidx > maxp) maxp = m->cells[w->cells[i]].pidx;
  for (int p = 0; p <= maxp; p++) {
    const mmb_rcell *first = NULL;
    int threads[64], nt = 0;
    aset as = {.n = 0};
    for (size_t i = 0; i < w->ncells; i++) {
      const mmb_rcell *c = &m->cells[w->cells[i]];
      if (c->pidx != p) continue;
      if (!first) first = c;
      if (mmb_rep_stat(m, c, MMB_METRIC_THROUGHPUT)) aset_add(&as, c->alloc);
      int seen = 0;
      for (int k = 0; k < nt; k++) seen |= threads[k] == c->threads;
      if (!seen && nt < 64) threads[nt++] = c->threads;
    }
    if (!first || nt < 2) continue;
    char label[200], stem[300];
    mmb_rep_cell_label(m, first, 0, label, sizeof label);
    snprintf(stem, sizeof stem, "scaling-%s%s%s", w->name, w->nvary ? "-" : "",
             w->nvary ? label : "");
    mmb_rfig *g = fig_new(f, wl, "scaling", stem);
    snprintf(g->title, sizeof g->title, "%s: thread scaling%s%s", w->name, w->nvary ? ", " : "",
             w->nvary ? label : "");
    FILE *out = data_open(f, g->name, ".dat");
    if (!out) {
      f->figs->n--;
      continue;
    }
    fprintf(out, "# mmbench thread scaling of %s (%s): one block per allocator; columns: "
                 "threads Mop/s ci_lo ci_hi\n", w->name, label);
    int points = 0;
    for (int s = 0; s < as.n; s++) {
      fprintf(out, "%s# %s\n", s ? "\n\n" : "", m->allocs[as.idx[s]]);
      int rows = 0;
      for (int k = 0; k < nt; k++) {
        const mmb_rcell *c = cell_in(m, w, p, threads[k], as.idx[s]);
        const mmb_rstat *st = c ? mmb_rep_stat(m, c, MMB_METRIC_THROUGHPUT) : NULL;
        if (!st) continue;
        fprintf(out, "%d %.6g %.6g %.6g\n", threads[k], st->median / 1e6, st->ci_lo / 1e6,
                st->ci_hi / 1e6);
        rows++;
        points++;
      }
      if (!rows) fprintf(out, "NaN NaN NaN NaN\n");
    }
    fclose(out);
    if (!points) {
      f->figs->n--;
      continue;
    }
    /* threads in ascending order for the tics */
    for (int a = 1; a < nt; a++)
      for (int b = a; b > 0 && threads[b - 1] > threads[b]; b--) {
        int t = threads[b];
        threads[b] = threads[b - 1];
        threads[b - 1] = t;
      }
    char tics[512] = "(";
    for (int k = 0; k < nt; k++)
      snprintf(tics + strlen(tics), sizeof tics - strlen(tics), "%s%d", k ? ", " : "", threads[k]);
    strncat(tics, ")", sizeof tics - strlen(tics) - 1);
    char dashes[256];
    ones(dashes, sizeof dashes, as.n);
    snprintf(g->note, sizeof g->note, "Throughput: operations of all threads per second of "
             "wall time (median, 95 %% CI); flat lines mean no scaling.");
    linefig lf = {.kind = "scaling", .xlabel = "threads", .ylabel = "throughput (Mop/s)",
                  .style = "linespoints", .xticsdef = tics, .logx = 1, .errors = 1,
                  .refline = NAN};
    lines_draw(f, g, &as, dashes, NULL, &lf);
  }
}

/* Sweeps of a numeric parameter: ns/op against it, log–log, one figure per
 * point of the other parameters and thread count. */

/* What identifies one sweep figure of cell c: its values of every varying
 * parameter but the swept one (index k), and its thread count when that
 * varies, e.g. "variant=heap t=2". */
static void sweep_rest(const mmb_rwork *w, int k, const mmb_rcell *c, char *rest, size_t len) {
  rest[0] = 0;
  for (int j = 0; j < w->nvary; j++) {
    if (j == k) continue;
    char v[128];
    mmb_rep_param(c->params, w->vary[j], v, sizeof v);
    snprintf(rest + strlen(rest), len - strlen(rest), "%s%s=%s", rest[0] ? " " : "", w->vary[j], v);
  }
  if (w->threads_vary)
    snprintf(rest + strlen(rest), len - strlen(rest), "%st=%d", rest[0] ? " " : "", c->threads);
}

static void sweep_figures(fctx *f, int wl, const char *skip_key) {
  const mmb_rmodel *m = f->m;
  const mmb_rwork *w = &m->works[wl];
  for (int k = 0; k < w->nvary; k++) {
    const char *key = w->vary[k];
    if (skip_key && strcmp(key, skip_key) == 0) continue;
    /* Numeric in every cell, with at least three values. */
    double vals[256];
    int nv = 0, numeric = 1;
    for (size_t i = 0; i < w->ncells && numeric; i++) {
      char v[128];
      double x;
      mmb_rep_param(m->cells[w->cells[i]].params, key, v, sizeof v);
      if (!is_number(v, &x) || x <= 0) {
        numeric = 0;
        break;
      }
      int seen = 0;
      for (int j = 0; j < nv; j++) seen |= vals[j] == x;
      if (!seen && nv < 256) vals[nv++] = x;
    }
    if (!numeric || nv < 3) continue;
    /* Figures: the distinct "rest" = other params + threads. */
    char **rests = NULL;
    int nrest = 0;
    for (size_t i = 0; i < w->ncells; i++) {
      const mmb_rcell *c = &m->cells[w->cells[i]];
      char rest[512];
      sweep_rest(w, k, c, rest, sizeof rest);
      int seen = 0;
      for (int j = 0; j < nrest; j++) seen |= strcmp(rests[j], rest) == 0;
      if (!seen) {
        char **more = realloc(rests, (size_t)(nrest + 1) * sizeof *rests);
        if (!more || !(more[nrest] = strdup(rest))) abort();
        rests = more;
        nrest++;
      }
    }
    for (int r = 0; r < nrest; r++) {
      char stem[700];
      snprintf(stem, sizeof stem, "sweep-%s-%s%s%s", w->name, key, rests[r][0] ? "-" : "",
               rests[r]);
      mmb_rfig *g = fig_new(f, wl, "sweep", stem);
      snprintf(g->title, sizeof g->title, "%s: time per operation vs %s%s%s", w->name, key,
               rests[r][0] ? ", " : "", rests[r]);
      FILE *out = data_open(f, g->name, ".dat");
      if (!out) {
        f->figs->n--;
        continue;
      }
      fprintf(out, "# mmbench sweep of %s over %s (%s): one block per allocator; columns: %s "
                   "ns/op ci_lo ci_hi\n", w->name, key, rests[r], key);
      aset as = {.n = 0}; /* the allocators with a value somewhere in the sweep */
      for (size_t i = 0; i < w->ncells; i++)
        if (mmb_rep_stat(m, &m->cells[w->cells[i]], MMB_METRIC_TIME))
          aset_add(&as, m->cells[w->cells[i]].alloc);
      int points = 0;
      for (int s = 0; s < as.n; s++) {
        fprintf(out, "%s# %s\n", s ? "\n\n" : "", m->allocs[as.idx[s]]);
        /* Cells of this allocator in the sweep, by the swept value. */
        int rows = 0;
        double xs[256];
        const mmb_rstat *sts[256];
        for (size_t i = 0; i < w->ncells; i++) {
          const mmb_rcell *c = &m->cells[w->cells[i]];
          if (c->alloc != as.idx[s]) continue;
          char rest[512];
          sweep_rest(w, k, c, rest, sizeof rest);
          if (strcmp(rest, rests[r]) != 0) continue;
          const mmb_rstat *st = mmb_rep_stat(m, c, MMB_METRIC_TIME);
          char v[128];
          mmb_rep_param(c->params, key, v, sizeof v);
          double x;
          if (!st || !is_number(v, &x) || rows >= 256) continue;
          int at = rows++;
          while (at > 0 && xs[at - 1] > x) { /* insertion by x */
            xs[at] = xs[at - 1];
            sts[at] = sts[at - 1];
            at--;
          }
          xs[at] = x;
          sts[at] = st;
        }
        for (int i = 0; i < rows; i++)
          fprintf(out, "%.10g %.6g %.6g %.6g\n", xs[i], sts[i]->median, sts[i]->ci_lo,
                  sts[i]->ci_hi);
        if (!rows) fprintf(out, "NaN NaN NaN NaN\n");
        points += rows;
      }
      fclose(out);
      if (!points) {
        f->figs->n--;
        continue;
      }
      char xl[200], dashes[256];
      int bytes = strstr(key, "size") || strstr(key, "align") || strstr(key, "bytes");
      snprintf(xl, sizeof xl, "%s%s (log scale)", key, bytes ? " in bytes" : "");
      ones(dashes, sizeof dashes, as.n);
      snprintf(g->note, sizeof g->note, "Median ns per operation (95 %% CI) at each %s; "
               "both axes logarithmic.", key);
      linefig lf = {.kind = "sweep", .xlabel = xl, .ylabel = "time per operation (ns, log scale)",
                    .style = "linespoints", .logx = 1, .logy = 1, .errors = 1, .refline = NAN};
      lines_draw(f, g, &as, dashes, NULL, &lf);
    }
    for (int r = 0; r < nrest; r++) free(rests[r]);
    free(rests);
  }
}

/* RSS over time (timeline.csv), one figure per parameter point and thread
 * count that has samples. */
static void timeline_figures(fctx *f, int wl) {
  const mmb_rmodel *m = f->m;
  const mmb_rwork *w = &m->works[wl];
  if (!m->timeline) return;
  int ct = mmb_table_col(m->timeline, "t_ms"), cr = mmb_table_col(m->timeline, "rss_kb");
  group *gs;
  int ng = groups_of(m, w, &gs);
  for (int gi = 0; gi < ng; gi++) {
    aset as = {.n = 0};
    size_t most = 0; /* a line needs a few samples: short cells have one */
    for (size_t i = 0; i < w->ncells; i++) {
      const mmb_rcell *c = &m->cells[w->cells[i]];
      if (c->pidx == gs[gi].pidx && c->threads == gs[gi].threads && c->ntrows) {
        aset_add(&as, c->alloc);
        if (c->ntrows > most) most = c->ntrows;
      }
    }
    if (as.n == 0 || most < 3) continue;
    int labelled = w->nvary || w->threads_vary;
    char stem[400];
    snprintf(stem, sizeof stem, "timeline-%s%s%s", w->name, labelled ? "-" : "",
             labelled ? gs[gi].label : "");
    mmb_rfig *g = fig_new(f, wl, "timeline", stem);
    snprintf(g->title, sizeof g->title, "%s: RSS over time%s%s", w->name, labelled ? ", " : "",
             labelled ? gs[gi].label : "");
    FILE *out = data_open(f, g->name, ".dat");
    if (!out) {
      f->figs->n--;
      continue;
    }
    fprintf(out, "# mmbench RSS over time of %s (%s), repetition 0: one block per allocator; "
                 "columns: t_ms rss_MiB NaN NaN\n", w->name, gs[gi].label);
    for (int s = 0; s < as.n; s++) {
      const mmb_rcell *c = cell_in(m, w, gs[gi].pidx, gs[gi].threads, as.idx[s]);
      fprintf(out, "%s# %s\n", s ? "\n\n" : "", m->allocs[as.idx[s]]);
      int rows = 0;
      for (size_t i = 0; c && i < c->ntrows; i++) {
        double t = mmb_table_numv(m->timeline, c->trows[i], ct),
               r = mmb_table_numv(m->timeline, c->trows[i], cr);
        if (isnan(t) || isnan(r)) continue;
        fprintf(out, "%.6g %.6g NaN NaN\n", t, r / 1024.0);
        rows++;
      }
      if (!rows) fprintf(out, "NaN NaN NaN NaN\n");
    }
    fclose(out);
    char dashes[256];
    ones(dashes, sizeof dashes, as.n);
    snprintf(g->note, sizeof g->note, "Resident set size sampled by the runner during the first "
             "repetition, from the start of the measured region.");
    linefig lf = {.kind = "timeline", .xlabel = "time since the start of the measured region (ms)",
                  .ylabel = "RSS (MiB)", .style = "steps", .refline = NAN};
    lines_draw(f, g, &as, dashes, NULL, &lf);
  }
  free(gs);
}

/* Latency percentiles: lat_<op>_p<digits>_ns and lat_<op>_max_ns. */
typedef struct latcol {
  char op[32];
  double pct; /* 100 = max */
  const char *metric;
} latcol;

static int parse_lat(const char *name, latcol *lc) {
  size_t n = strlen(name);
  if (strncmp(name, "lat_", 4) != 0 || n < 10 || strcmp(name + n - 3, "_ns") != 0) return 0;
  const char *body = name + 4;
  const char *us = strrchr(body, '_'); /* the _ns */
  if (!us) return 0;
  /* the percentile part is between the last-but-one '_' and "_ns" */
  const char *p = us - 1;
  while (p > body && *p != '_') p--;
  if (p <= body) return 0;
  size_t oplen = (size_t)(p - body);
  if (oplen == 0 || oplen >= sizeof lc->op) return 0;
  char pct[32];
  size_t pl = (size_t)(us - p - 1);
  if (pl == 0 || pl >= sizeof pct) return 0;
  memcpy(pct, p + 1, pl);
  pct[pl] = 0;
  memcpy(lc->op, body, oplen);
  lc->op[oplen] = 0;
  lc->metric = name;
  if (strcmp(pct, "max") == 0) {
    lc->pct = 100;
    return 1;
  }
  if (pct[0] != 'p' || !pct[1]) return 0;
  char digits[32];
  size_t d = 0;
  for (const char *s = pct + 1; *s && d + 2 < sizeof digits; s++)
    if ((*s >= '0' && *s <= '9') || *s == '.') digits[d++] = *s;
    else if (*s != '_') return 0;
  digits[d] = 0;
  if (strchr(digits, '.')) lc->pct = atof(digits);
  else if (d > 2) { /* p999 = 99.9, p9999 = 99.99 */
    char fixed[40];
    snprintf(fixed, sizeof fixed, "%.2s.%s", digits, digits + 2);
    lc->pct = atof(fixed);
  } else lc->pct = atof(digits);
  return lc->pct > 0 && lc->pct < 100;
}

static double lat_x(double pct, double maxx) {
  return pct >= 100 ? maxx : -log10(1 - pct / 100.0);
}

static void latency_figures(fctx *f, int wl) {
  const mmb_rmodel *m = f->m;
  const mmb_rwork *w = &m->works[wl];
  latcol cols[64];
  int nc = 0;
  for (size_t i = 0; i < m->nmetrics && nc < 64; i++)
    if (parse_lat(m->metrics[i], &cols[nc]) && metric_measured_in(m, w, m->metrics[i])) nc++;
  if (nc == 0) return;
  /* ops in first-seen order; percentiles sorted */
  char ops[8][32];
  int nops = 0;
  double pcts[32];
  int np = 0;
  for (int i = 0; i < nc; i++) {
    int seen = 0;
    for (int k = 0; k < nops; k++) seen |= strcmp(ops[k], cols[i].op) == 0;
    if (!seen && nops < 8) memcpy(ops[nops++], cols[i].op, sizeof ops[0]);
    seen = 0;
    for (int k = 0; k < np; k++) seen |= pcts[k] == cols[i].pct;
    if (!seen && np < 32) pcts[np++] = cols[i].pct;
  }
  for (int a = 1; a < np; a++)
    for (int b = a; b > 0 && pcts[b - 1] > pcts[b]; b--) {
      double t = pcts[b];
      pcts[b] = pcts[b - 1];
      pcts[b - 1] = t;
    }
  double maxx = 0;
  for (int k = 0; k < np; k++)
    if (pcts[k] < 100 && lat_x(pcts[k], 0) > maxx) maxx = lat_x(pcts[k], 0);
  maxx += 1;
  char tics[1024] = "(";
  for (int k = 0; k < np; k++) {
    char lab[32];
    if (pcts[k] >= 100) snprintf(lab, sizeof lab, "max");
    else snprintf(lab, sizeof lab, "p%g", pcts[k]);
    snprintf(tics + strlen(tics), sizeof tics - strlen(tics), "%s\"%s\" %.6g", k ? ", " : "",
             lab, lat_x(pcts[k], maxx));
  }
  strncat(tics, ")", sizeof tics - strlen(tics) - 1);

  group *gs;
  int ng = groups_of(m, w, &gs);
  for (int gi = 0; gi < ng; gi++) {
    aset as = {.n = 0};
    for (size_t i = 0; i < w->ncells; i++) {
      const mmb_rcell *c = &m->cells[w->cells[i]];
      if (c->pidx != gs[gi].pidx || c->threads != gs[gi].threads) continue;
      for (int k = 0; k < nc; k++)
        if (mmb_rep_stat(m, c, cols[k].metric)) {
          aset_add(&as, c->alloc);
          break;
        }
    }
    if (as.n == 0) continue;
    int labelled = w->nvary || w->threads_vary;
    char stem[400];
    snprintf(stem, sizeof stem, "latency-%s%s%s", w->name, labelled ? "-" : "",
             labelled ? gs[gi].label : "");
    mmb_rfig *g = fig_new(f, wl, "latency", stem);
    snprintf(g->title, sizeof g->title, "%s: latency percentiles%s%s", w->name,
             labelled ? ", " : "", labelled ? gs[gi].label : "");
    FILE *out = data_open(f, g->name, ".dat");
    if (!out) {
      f->figs->n--;
      continue;
    }
    fprintf(out, "# mmbench sampled call latency of %s (%s): one block per allocator and call; "
                 "columns: percentile_position ns NaN NaN (median over repetitions)\n",
            w->name, gs[gi].label);
    /* series = allocator x op; styles from the allocator, dash from the op */
    aset sas = {.n = 0};
    char names[4096] = "", dashes[512] = "";
    int ns = 0;
    for (int s = 0; s < as.n; s++) {
      const mmb_rcell *c = cell_in(m, w, gs[gi].pidx, gs[gi].threads, as.idx[s]);
      for (int o = 0; o < nops; o++) {
        fprintf(out, "%s# %s %s\n", ns ? "\n\n" : "", m->allocs[as.idx[s]], ops[o]);
        int rows = 0;
        for (int k = 0; k < np; k++) {
          for (int q = 0; q < nc; q++) {
            if (cols[q].pct != pcts[k] || strcmp(cols[q].op, ops[o]) != 0) continue;
            const mmb_rstat *st = c ? mmb_rep_stat(m, c, cols[q].metric) : NULL;
            if (!st) continue;
            fprintf(out, "%.6g %.6g NaN NaN\n", lat_x(pcts[k], maxx), st->median);
            rows++;
          }
        }
        if (!rows) fprintf(out, "NaN NaN NaN NaN\n");
        char wd[256];
        mmb_rep_gp_word(m->allocs[as.idx[s]], wd, sizeof wd);
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s:%s", ns ? " " : "",
                 wd, ops[o]);
        snprintf(dashes + strlen(dashes), sizeof dashes - strlen(dashes), "%s%d", ns ? " " : "",
                 o + 1);
        if (sas.n < 64) sas.idx[sas.n++] = as.idx[s];
        ns++;
      }
    }
    fclose(out);
    snprintf(g->note, sizeof g->note, "Sampled latency of single calls (median over "
             "repetitions of each percentile); solid: %s, dashed: %s.", ops[0],
             nops > 1 ? ops[1] : "-");
    linefig lf = {.kind = "latency", .xlabel = "percentile", .ylabel = "latency (ns, log scale)",
                  .style = "linespoints", .xticsdef = tics, .logy = 1, .refline = NAN};
    lines_draw(f, g, &sas, dashes, names, &lf);
  }
  free(gs);
}

/* ------------------------------------------------------------------------
 * Heap-growth sweep: time vs peak RSS
 * ---------------------------------------------------------------------- */
#define GROWTH_KEY "growth"

static int has_growth_sweep(const mmb_rwork *w) {
  for (int k = 0; k < w->nvary; k++)
    if (strcmp(w->vary[k], GROWTH_KEY) == 0) return 1;
  return 0;
}

static void tradeoff_figure(fctx *f, int wl) {
  const mmb_rmodel *m = f->m;
  const mmb_rwork *w = &m->works[wl];
  /* One figure per thread count (other parameters are expected fixed). */
  int threads[16], nt = 0;
  for (size_t i = 0; i < w->ncells; i++) {
    int t = m->cells[w->cells[i]].threads, seen = 0;
    for (int k = 0; k < nt; k++) seen |= threads[k] == t;
    if (!seen && nt < 16) threads[nt++] = t;
  }
  for (int ti = 0; ti < nt; ti++) {
    aset as = {.n = 0};
    int mi = -1;
    for (size_t i = 0; i < w->ncells; i++) {
      const mmb_rcell *c = &m->cells[w->cells[i]];
      if (c->threads != threads[ti] || !mmb_rep_stat(m, c, MMB_METRIC_TIME)) continue; /* measured only */
      aset_add(&as, c->alloc);
      if (strcmp(c->allocator, "manual") == 0) mi = c->alloc;
    }
    /* The baseline: the median over manual's cells of their medians. */
    double bt = NAN, br = NAN;
    if (mi >= 0) {
      double vt[256], vr[256];
      size_t n = 0;
      for (size_t i = 0; i < w->ncells && n < 256; i++) {
        const mmb_rcell *c = &m->cells[w->cells[i]];
        const mmb_rstat *t = mmb_rep_stat(m, c, MMB_METRIC_TIME), *r = mmb_rep_stat(m, c, MMB_METRIC_PEAK_RSS);
        if (c->alloc != mi || c->threads != threads[ti] || !t || !r) continue;
        vt[n] = t->median;
        vr[n++] = r->median;
      }
      if (n) {
        mmb_summary s;
        mmb_summarize(vt, n, &s);
        bt = s.median;
        mmb_summarize(vr, n, &s);
        br = s.median;
      }
    }
    int rel = !isnan(bt) && bt > 0 && br > 0;
    char stem[300];
    snprintf(stem, sizeof stem, "heapsweep-%s%s", w->name, nt > 1 ? "-t" : "");
    if (nt > 1) snprintf(stem + strlen(stem), sizeof stem - strlen(stem), "%d", threads[ti]);
    mmb_rfig *g = fig_new(f, wl, "heapsweep", stem);
    snprintf(g->title, sizeof g->title, "%s: time vs peak RSS over the heap growth factor%s",
             w->name, nt > 1 ? "" : "");
    if (nt > 1)
      snprintf(g->title + strlen(g->title), sizeof g->title - strlen(g->title), ", t=%d",
               threads[ti]);
    FILE *out = data_open(f, g->name, ".dat");
    if (!out) {
      f->figs->n--;
      continue;
    }
    fprintf(out, "# mmbench heap-growth sweep of %s: one block per allocator; columns: %s %s "
                 "\"growth\"\n", w->name, rel ? "peak_rss/manual" : "peak_rss_MiB",
            rel ? "ns_per_op/manual" : MMB_METRIC_TIME);
    int points = 0;
    for (int s = 0; s < as.n; s++) {
      fprintf(out, "%s# %s\n", s ? "\n\n" : "", m->allocs[as.idx[s]]);
      double xs[256], ys[256], gv[256];
      int rows = 0;
      for (size_t i = 0; i < w->ncells && rows < 256; i++) {
        const mmb_rcell *c = &m->cells[w->cells[i]];
        if (c->alloc != as.idx[s] || c->threads != threads[ti]) continue;
        const mmb_rstat *t = mmb_rep_stat(m, c, MMB_METRIC_TIME), *r = mmb_rep_stat(m, c, MMB_METRIC_PEAK_RSS);
        char v[64];
        double gval;
        mmb_rep_param(c->params, GROWTH_KEY, v, sizeof v);
        if (!t || !r || !is_number(v, &gval)) continue;
        int at = rows++;
        while (at > 0 && gv[at - 1] > gval) {
          xs[at] = xs[at - 1];
          ys[at] = ys[at - 1];
          gv[at] = gv[at - 1];
          at--;
        }
        xs[at] = rel ? r->median / br : r->median / 1024.0;
        ys[at] = rel ? t->median / bt : t->median;
        gv[at] = gval;
      }
      int is_base = as.idx[s] == mi && rel; /* its points sit at (1, 1): no labels */
      for (int i = 0; i < rows; i++) {
        if (is_base) fprintf(out, "%.6g %.6g \"\"\n", xs[i], ys[i]);
        else fprintf(out, "%.6g %.6g \"%g\"\n", xs[i], ys[i], gv[i]);
      }
      if (!rows) fprintf(out, "NaN NaN \"\"\n");
      points += rows;
    }
    fclose(out);
    if (!points) {
      f->figs->n--;
      continue;
    }
    snprintf(g->note, sizeof g->note, "Each point is one heap growth factor (its label); "
             "%s Lower left is better.", rel ? "both axes relative to manual (explicit frees), "
             "dashed lines at 1." : "");
    mmb_gpvars v = {.len = 0};
    char path[4400];
    common_vars(f, &v, g, 760, 480);
    data_path(f, g->name, ".dat", path, sizeof path);
    mmb_gp_str(&v, "data", path);
    series_vars(m, &v, &as);
    mmb_gp_str(&v, "xlabel", rel ? "peak RSS ÷ manual's" : "peak RSS (MiB)");
    mmb_gp_str(&v, "ylabel", rel ? "time per operation ÷ manual's" : "time per operation (ns)");
    mmb_gp_num(&v, "refx", rel ? 1 : NAN);
    mmb_gp_num(&v, "refy", rel ? 1 : NAN);
    mmb_gp_num(&v, "bmargin", 4.5);
    draw(f, g, "tradeoff.gp", &v);
  }
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
  fctx f = {.m = m, .gp = gp, .figs = figs};
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
  counters_note(m, figs->counters_note, sizeof figs->counters_note);

  for (size_t wl = 0; wl < m->nworks; wl++) {
    const mmb_rwork *w = &m->works[wl];
    if (w->throughput) {
      barspec b = {MMB_METRIC_THROUGHPUT, 1, FMT_OPS, 1.0};
      bars_figure(&f, (int)wl, "time", &b, "throughput",
                  "throughput ÷ %s's (higher is better)", 1.0);
    } else {
      barspec b = {MMB_METRIC_TIME, 1, FMT_NS, 1.0};
      bars_figure(&f, (int)wl, "time", &b, "time per operation",
                  "ns per op ÷ %s's (lower is better)", 1.0);
    }
    if (any_metric(m, w, MMB_METRIC_PEAK_RSS)) {
      barspec b = {MMB_METRIC_PEAK_RSS, 0, FMT_KB, 1.0 / 1024.0};
      bars_figure(&f, (int)wl, "rss", &b, "peak RSS", "peak RSS (MiB)%s", NAN);
    }
    if (any_metric(m, w, MMB_METRIC_RSS_LIVE)) {
      barspec b = {MMB_METRIC_RSS_LIVE, 0, FMT_X, 1.0};
      bars_figure(&f, (int)wl, "rsslive", &b, "peak RSS ÷ live bytes",
                  "peak RSS ÷ bytes kept live (1 = no overhead)%s", 1.0);
    }
    counters_figure(&f, (int)wl);
    scaling_figures(&f, (int)wl);
    int growth = has_growth_sweep(w);
    sweep_figures(&f, (int)wl, growth ? GROWTH_KEY : NULL);
    timeline_figures(&f, (int)wl);
    latency_figures(&f, (int)wl);
    if (growth) tradeoff_figure(&f, (int)wl);
  }
  return 0;
}

void mmb_rep_figs_free(mmb_rfigs *figs) {
  free(figs->v);
  memset(figs, 0, sizeof *figs);
}
