/* mmbench — the report's "programs and their replays" section: for every
 * program that the same run also replayed from its trace (a workload whose
 * descriptor names the parameter it replays, `replays`: trace-replay
 * file=NAME), each allocator's time relative to glibc
 * measured both ways, side by side, and how far the two agree: the ranking
 * (Spearman's rank correlation, 1 = same order) and the largest gap between
 * the ratios. Both wall time and CPU time are compared (CPU time is the
 * steadier one on a busy machine). A replay times only the allocator calls
 * (and the touches), so its ratios are sharper than the program's;
 * "predicts" is what the replay says the program's ratio should be if only
 * those calls changed: (program_base - replay_base + replay_X) / program_base.
 * Where the same run also ran a workload on the program's model (descriptor
 * `models`: empirical model=NAME), its ratios stand beside them, with the rank correlation of
 * program and model, and how the model's stream agrees with the trace
 * (peak live bytes, size-class histogram, lifetime medians).
 * A cell counts when it has a median, even if some repetitions failed.
 * HTML for report.html, text for the terminal summary. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "empirical.h"
#include "html.h"
#include "model.h"
#include "report.h"
#include "stats.h"
#include "workload.h"

#define MAXA 32
enum { WALL, CPU, NMETRIC };
static const char *const metric_names[NMETRIC] = {"wall_ns", "cpu_ns"};
static const char *const metric_labels[NMETRIC] = {"wall time", "CPU time"};

typedef struct pair_row {
  const char *alloc;
  double prog[NMETRIC], replay[NMETRIC]; /* medians, ns (NAN: not measured) */
  double model[NMETRIC];                 /* the empirical workload's (NAN: not run) */
} pair_row;

typedef struct pair {
  const char *name; /* program (= trace) name */
  char prog_params[256], replay_params[256];
  pair_row rows[MAXA];
  int n, base;                       /* rows; index of glibc (or the first) */
  double rho[NMETRIC], gap[NMETRIC]; /* rank correlation; largest |replay / program ratio - 1| */
  const char *gap_alloc[NMETRIC];
  double rho_model[NMETRIC]; /* rank correlation program vs model (NAN: too few) */
  int has_model;
} pair;

/* Median of a metric over the cell's ok repetitions: wall time from
 * summary.csv, CPU time from its runs.csv rows (summary.csv has no CPU). */
static double median_of(const mmb_rmodel *m, const mmb_rcell *c, int metric) {
  if (metric == WALL) {
    const mmb_rstat *s = mmb_rep_stat(m, c, metric_names[metric]);
    return s && s->have ? s->median : NAN;
  }
  int cv = mmb_table_col(m->runs, metric_names[metric]);
  double v[256];
  size_t n = 0;
  for (size_t i = 0; i < c->nrows && n < 256; i++) {
    double x = mmb_table_numv(m->runs, c->rows[i], cv);
    if (m->loaded.rows[c->rows[i]].status == MMB_ST_OK && !isnan(x)) v[n++] = x;
  }
  mmb_summary s;
  mmb_summarize(v, n, &s); /* NAN when n is 0 */
  return s.median;
}

/* Ranks (1 = fastest, ties averaged) of v[0..n). */
static void ranks(const double *v, int n, double *r) {
  for (int i = 0; i < n; i++) {
    int less = 0, same = 0;
    for (int j = 0; j < n; j++) less += v[j] < v[i], same += v[j] == v[i];
    r[i] = less + (same + 1) / 2.0;
  }
}

/* Rank correlation of the program's figures with the replay's (model = 0)
 * or the model's (model = 1), over the allocators that have both. */
static double spearman(const pair *p, int mt, int model) {
  double a[MAXA], b[MAXA], ra[MAXA], rb[MAXA];
  int n = 0;
  for (int i = 0; i < p->n; i++) {
    a[n] = p->rows[i].prog[mt], b[n] = model ? p->rows[i].model[mt] : p->rows[i].replay[mt];
    if (isnan(a[n]) || isnan(b[n])) {
      if (!model) return NAN;
      continue;
    }
    n++;
  }
  if (n < 3) return NAN;
  ranks(a, n, ra);
  ranks(b, n, rb);
  double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
  for (int i = 0; i < n; i++) ma += ra[i] / n, mb += rb[i] / n;
  for (int i = 0; i < n; i++) {
    sab += (ra[i] - ma) * (rb[i] - mb);
    saa += (ra[i] - ma) * (ra[i] - ma);
    sbb += (rb[i] - mb) * (rb[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / sqrt(saa * sbb) : NAN;
}

static double ratio(const pair *p, int i, int mt, int replay) {
  const pair_row *r = &p->rows[i], *b = &p->rows[p->base];
  return replay ? r->replay[mt] / b->replay[mt] : r->prog[mt] / b->prog[mt];
}

static double model_ratio(const pair *p, int i, int mt) {
  return p->rows[i].model[mt] / p->rows[p->base].model[mt];
}

/* The cell of a workload drawing from program name's model (descriptor
 * `models`: empirical model=NAME) under alloc (1 thread, touch=word). */
static const mmb_rcell *model_cell(const mmb_rmodel *m, const char *name, const char *alloc) {
  for (size_t i = 0; i < m->ncells; i++) {
    const mmb_rcell *r = &m->cells[i];
    char v[256], touch[16];
    if (r->threads != 1 || strcmp(r->allocator, alloc) != 0) continue;
    const mmb_workload *d = mmb_workload_find(r->workload);
    if (!d || !d->models || !mmb_rep_param(r->params, d->models, v, sizeof v) ||
        strcmp(v, name) != 0)
      continue;
    if (mmb_rep_param(r->params, "touch", touch, sizeof touch) && strcmp(touch, "word") != 0)
      continue;
    return r;
  }
  return NULL;
}

static double predicts(const pair *p, int i, int mt) {
  const pair_row *b = &p->rows[p->base];
  return (b->prog[mt] - b->replay[mt] + p->rows[i].replay[mt]) / b->prog[mt];
}

static const char *row_alloc(size_t i, void *p) { return ((const pair *)p)->rows[i].alloc; }

/* The pairs of the model (at most max): 1 thread, touch=word, not floor. */
static int find_pairs(const mmb_rmodel *m, pair *out, int max) {
  int np = 0;
  for (size_t i = 0; i < m->ncells && np < max; i++) {
    const mmb_rcell *r = &m->cells[i];
    char file[256], touch[16];
    if (r->threads != 1 || mmb_is_floor(r->allocator)) continue;
    const mmb_workload *d = mmb_workload_find(r->workload);
    if (!d || !d->replays || !mmb_rep_param(r->params, d->replays, file, sizeof file)) continue;
    if (mmb_rep_param(r->params, "touch", touch, sizeof touch) && strcmp(touch, "word") != 0)
      continue;
    pair *p = NULL;
    for (int k = 0; k < np; k++)
      if (strcmp(out[k].name, file) == 0 && strcmp(out[k].replay_params, r->params) == 0)
        p = &out[k];
    if (!p) {
      /* the program: the workload the replayed parameter names, 1 thread,
       * first params seen */
      const mmb_rcell *pc = NULL;
      for (size_t j = 0; j < m->ncells && !pc; j++)
        if (strcmp(m->cells[j].workload, file) == 0 && m->cells[j].threads == 1) pc = &m->cells[j];
      if (!pc) continue;
      p = &out[np++];
      memset(p, 0, sizeof *p);
      p->name = pc->workload;
      snprintf(p->prog_params, sizeof p->prog_params, "%s", pc->params);
      snprintf(p->replay_params, sizeof p->replay_params, "%s", r->params);
    }
    const mmb_rcell *pc = mmb_rep_find(m, p->name, p->prog_params, r->allocator, 1);
    if (!pc || p->n == MAXA) continue;
    pair_row row = {.alloc = r->allocator};
    const mmb_rcell *mc = model_cell(m, file, r->allocator);
    for (int mt = 0; mt < NMETRIC; mt++) {
      row.prog[mt] = median_of(m, pc, mt);
      row.replay[mt] = median_of(m, r, mt);
      row.model[mt] = mc ? median_of(m, mc, mt) : NAN;
    }
    if (mc) p->has_model = 1;
    if (isnan(row.prog[WALL]) || isnan(row.replay[WALL])) continue;
    p->rows[p->n++] = row;
  }
  for (int k = 0; k < np; k++) {
    pair *p = &out[k];
    long b = mmb_baseline_pick((size_t)p->n, row_alloc, NULL, p, 0);
    p->base = b < 0 ? 0 : (int)b;
    for (int mt = 0; mt < NMETRIC; mt++) {
      p->rho[mt] = p->n >= 3 ? spearman(p, mt, 0) : NAN;
      p->rho_model[mt] = p->has_model ? spearman(p, mt, 1) : NAN;
      p->gap[mt] = 0;
      p->gap_alloc[mt] = NULL;
      for (int i = 0; i < p->n && p->n > 1; i++) {
        double g = fabs(ratio(p, i, mt, 1) / ratio(p, i, mt, 0) - 1);
        if (!isnan(g) && g >= p->gap[mt]) p->gap[mt] = g, p->gap_alloc[mt] = p->rows[i].alloc;
      }
    }
  }
  return np;
}

static void verdict(const pair *p, int mt, char *buf, size_t len) {
  char rho[80] = "too few allocators for a rank correlation";
  if (!isnan(p->rho[mt]))
    snprintf(rho, sizeof rho, "rank correlation %.2f (%s)", p->rho[mt],
             p->rho[mt] > 0.999  ? "the same order"
             : p->rho[mt] >= 0.8 ? "nearly the same order"
                                 : "a different order");
  snprintf(buf, len, "%s: %s; ratios to %s differ by at most %.0f%% (%s)", metric_labels[mt], rho,
           p->rows[p->base].alloc, 100 * p->gap[mt], p->gap_alloc[mt] ? p->gap_alloc[mt] : "-");
}

static void model_verdict(const pair *p, int mt, char *buf, size_t len) {
  if (isnan(p->rho_model[mt]))
    snprintf(buf, len, "%s: too few allocators with a model cell for a rank correlation",
             metric_labels[mt]);
  else
    snprintf(buf, len, "%s: program vs model rank correlation %.2f (replay: %.2f)",
             metric_labels[mt], p->rho_model[mt], p->rho[mt]);
}

/* How the model's stream agrees with its trace (one line; "" when the
 * model cannot be read here). */
static void fidelity(const char *name, char *buf, size_t len) {
  char path[4096], err[700];
  buf[0] = 0;
  mmb_empirical_model_path(name, path, sizeof path);
  mmb_model *m = malloc(sizeof *m);
  mmb_model_fit f;
  if (!m || mmb_model_load(path, m, err, sizeof err) != 0 ||
      mmb_model_fit_check(m, 42, &f, err, sizeof err) != 0) {
    free(m);
    return;
  }
  snprintf(buf, len,
           "model vs trace (%s): peak live bytes %.2f× the trace's (%.1f MiB); size-class "
           "histogram total variation distance %.3f; lifetime medians of the %d main classes "
           "differ by at most %.0f%% (class from %llu bytes); realloc share %.3f vs %.3f",
           path, f.peak_ratio, (double)m->peak_live_bytes / 1048576.0, f.tvd, f.classes_compared,
           100 * f.median_gap, (unsigned long long)f.median_gap_lo, f.realloc_share[1],
           f.realloc_share[0]);
  free(m);
}

static void cell3(FILE *f, double a, double b, double c) {
  if (isnan(a) || isnan(b) || isnan(c))
    fputs("<td>-</td><td>-</td><td>-</td>", f);
  else
    fprintf(f, "<td>%.2f</td><td>%.2f</td><td>%.2f</td>", a, b, c);
}

void mmb_rep_traces_html(FILE *f, const mmb_rmodel *m) {
  pair pairs[16];
  int np = find_pairs(m, pairs, 16);
  if (!np) return;
  fputs("<h2 id=\"traces\">Programs and their replays</h2>\n<p>Each program run directly under "
        "each malloc, and its recorded allocation trace replayed (<code>trace-replay</code>) under "
        "the same allocators: medians relative to the baseline. A replay times only the allocator "
        "calls, so its ratios are sharper; <i>predicts</i> is the program's ratio if only those "
        "calls changed.</p>\n",
        f);
  for (int k = 0; k < np; k++) {
    const pair *p = &pairs[k];
    char v[300];
    fputs("<h3>", f);
    mmb_html_text(f, p->name);
    fputs(
        "</h3>\n<table><tr><th rowspan=\"2\">allocator</th><th colspan=\"4\">wall time</th>"
        "<th colspan=\"4\">CPU time</th></tr>\n<tr><th>program</th><th>replay</th><th>predicts</th>"
        "<th>model</th><th>program</th><th>replay</th><th>predicts</th><th>model</th></tr>\n",
        f);
    for (int i = 0; i < p->n; i++) {
      fputs("<tr><td>", f);
      mmb_html_text(f, p->rows[i].alloc);
      fputs("</td>", f);
      for (int mt = 0; mt < NMETRIC; mt++) {
        cell3(f, ratio(p, i, mt, 0), ratio(p, i, mt, 1), predicts(p, i, mt));
        double mr = model_ratio(p, i, mt);
        if (isnan(mr))
          fputs("<td>-</td>", f);
        else
          fprintf(f, "<td>%.2f</td>", mr);
      }
      fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
    for (int mt = 0; mt < NMETRIC; mt++) {
      verdict(p, mt, v, sizeof v);
      fputs("<p>", f);
      mmb_html_text(f, v);
      fputs(".</p>\n", f);
    }
    if (!p->has_model) continue;
    char fid[1200];
    for (int mt = 0; mt < NMETRIC; mt++) {
      model_verdict(p, mt, v, sizeof v);
      fputs("<p>", f);
      mmb_html_text(f, v);
      fputs(".</p>\n", f);
    }
    fidelity(p->name, fid, sizeof fid);
    if (fid[0]) {
      fputs("<p>", f);
      mmb_html_text(f, fid);
      fputs(".</p>\n", f);
    }
  }
}

void mmb_rep_traces_text(const mmb_rmodel *m, FILE *out) {
  pair pairs[16];
  int np = find_pairs(m, pairs, 16);
  for (int k = 0; k < np; k++) {
    const pair *p = &pairs[k];
    char v[300];
    fprintf(out,
            "\n%s: program vs its replayed trace, ÷ %s (replay predicts: the program's ratio if "
            "only the allocator calls changed)\n",
            p->name, p->rows[p->base].alloc);
    fprintf(out, "  %-12s %-41s %s\n", "", "wall: program  replay  predicts   model",
            "CPU: program  replay  predicts   model");
    for (int i = 0; i < p->n; i++) {
      fprintf(out, "  %-12s", p->rows[i].alloc);
      for (int mt = 0; mt < NMETRIC; mt++)
        fprintf(out, "       %7.2f %7.2f %9.2f %7.2f", ratio(p, i, mt, 0), ratio(p, i, mt, 1),
                predicts(p, i, mt), model_ratio(p, i, mt));
      fputc('\n', out);
    }
    for (int mt = 0; mt < NMETRIC; mt++) {
      verdict(p, mt, v, sizeof v);
      fprintf(out, "  %s\n", v);
    }
    if (!p->has_model) continue;
    char fid[1200];
    for (int mt = 0; mt < NMETRIC; mt++) {
      model_verdict(p, mt, v, sizeof v);
      fprintf(out, "  %s\n", v);
    }
    fidelity(p->name, fid, sizeof fid);
    if (fid[0]) fprintf(out, "  %s\n", fid);
  }
}
