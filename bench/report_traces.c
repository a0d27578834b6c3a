/* mmbench — the report's "programs and their replays" section: for every
 * program of the programs family that the same run also replayed from its
 * trace (trace-replay file=NAME), each allocator's time relative to glibc
 * measured both ways, side by side, and how far the two agree: the ranking
 * (Spearman's rank correlation, 1 = same order) and the largest gap between
 * the ratios. A replay times only the allocator calls (and the touches), so
 * its ratios are sharper than the program's; "predicts" is what the replay
 * says the program's ratio should be if only those calls changed:
 * (program_base - replay_base + replay_X) / program_base.
 * HTML for report.html, text for the terminal summary. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "report.h"

#define MAXA 32

typedef struct pair_row {
  const char *alloc;
  double prog, replay; /* median wall ns */
} pair_row;

typedef struct pair {
  const char *name; /* program (= trace) name */
  char prog_params[256], replay_params[256];
  pair_row rows[MAXA];
  int n, base;     /* rows; index of glibc (or the first) */
  double rho, gap; /* rank correlation; largest |replay ratio / program ratio - 1| */
  const char *gap_alloc;
} pair;

static double median_wall(const mmb_rmodel *m, const mmb_rcell *c) {
  if (strcmp(c->status, "ok") != 0) return NAN;
  const mmb_rstat *s = mmb_rep_stat(m, c, "wall_ns");
  return s && s->have ? s->median : NAN;
}

/* Ranks (1 = fastest, ties averaged) of v[0..n). */
static void ranks(const double *v, int n, double *r) {
  for (int i = 0; i < n; i++) {
    int less = 0, same = 0;
    for (int j = 0; j < n; j++) less += v[j] < v[i], same += v[j] == v[i];
    r[i] = less + (same + 1) / 2.0;
  }
}

static double spearman(const pair *p) {
  double a[MAXA], b[MAXA], ra[MAXA], rb[MAXA];
  for (int i = 0; i < p->n; i++) a[i] = p->rows[i].prog, b[i] = p->rows[i].replay;
  ranks(a, p->n, ra);
  ranks(b, p->n, rb);
  double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
  for (int i = 0; i < p->n; i++) ma += ra[i] / p->n, mb += rb[i] / p->n;
  for (int i = 0; i < p->n; i++) {
    sab += (ra[i] - ma) * (rb[i] - mb);
    saa += (ra[i] - ma) * (ra[i] - ma);
    sbb += (rb[i] - mb) * (rb[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / sqrt(saa * sbb) : NAN;
}

/* The pairs of the model (at most max): 1 thread, touch=word, no floor. */
static int find_pairs(const mmb_rmodel *m, pair *out, int max) {
  int np = 0;
  for (size_t i = 0; i < m->ncells && np < max; i++) {
    const mmb_rcell *r = &m->cells[i];
    char file[256], floor[16], touch[16];
    if (strcmp(r->workload, "trace-replay") != 0 || r->threads != 1 ||
        strcmp(r->allocator, "floor") == 0)
      continue;
    if (!mmb_rep_param(r->params, "file", file, sizeof file)) continue;
    if (mmb_rep_param(r->params, "floor", floor, sizeof floor) && strcmp(floor, "0") != 0) continue;
    if (mmb_rep_param(r->params, "touch", touch, sizeof touch) && strcmp(touch, "word") != 0)
      continue;
    pair *p = NULL;
    for (int k = 0; k < np; k++)
      if (strcmp(out[k].name, file) == 0 && strcmp(out[k].replay_params, r->params) == 0)
        p = &out[k];
    if (!p) {
      /* the program cells: the workload named like the trace, 1 thread, first params seen */
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
    double a = pc ? median_wall(m, pc) : NAN, b = median_wall(m, r);
    if (isnan(a) || isnan(b) || p->n == MAXA) continue;
    p->rows[p->n++] = (pair_row){r->allocator, a, b};
  }
  for (int k = 0; k < np; k++) {
    pair *p = &out[k];
    p->base = 0;
    for (int i = 0; i < p->n; i++)
      if (strcmp(p->rows[i].alloc, "glibc") == 0) p->base = i;
    p->rho = p->n >= 3 ? spearman(p) : NAN;
    p->gap = 0;
    p->gap_alloc = NULL;
    for (int i = 0; i < p->n && p->n > 1; i++) {
      double rp = p->rows[i].prog / p->rows[p->base].prog,
             rr = p->rows[i].replay / p->rows[p->base].replay;
      double g = fabs(rr / rp - 1);
      if (g >= p->gap) p->gap = g, p->gap_alloc = p->rows[i].alloc;
    }
  }
  return np;
}

static double predicts(const pair *p, int i) {
  const pair_row *b = &p->rows[p->base];
  return (b->prog - b->replay + p->rows[i].replay) / b->prog;
}

static void verdict(const pair *p, char *buf, size_t len) {
  char rho[64] = "too few allocators for a rank correlation";
  if (!isnan(p->rho))
    snprintf(rho, sizeof rho, "rank correlation %.2f (%s)", p->rho,
             p->rho > 0.999  ? "the same order"
             : p->rho >= 0.8 ? "nearly the same order"
                             : "a different order");
  snprintf(buf, len, "%s; ratios to %s differ by at most %.0f%% (%s)", rho, p->rows[p->base].alloc,
           100 * p->gap, p->gap_alloc ? p->gap_alloc : "-");
}

void mmb_rep_traces_html(FILE *f, const mmb_rmodel *m) {
  pair pairs[16];
  int np = find_pairs(m, pairs, 16);
  if (!np) return;
  fputs("<h2 id=\"traces\">Programs and their replays</h2>\n<p>Each program run directly under "
        "each malloc, "
        "and its recorded allocation trace replayed (<code>trace-replay</code>) under the same "
        "allocators: "
        "time relative to the first column's baseline, medians of wall time.</p>\n",
        f);
  for (int k = 0; k < np; k++) {
    const pair *p = &pairs[k];
    char v[256], a[32], b[32];
    fputs("<h3>", f);
    mmb_html_text(f, p->name);
    fputs("</h3>\n<table><tr><th>allocator</th><th>program</th><th>÷ base</th><th>replay</th><th>÷ "
          "base</th><th>replay predicts for the program</th></tr>\n",
          f);
    for (int i = 0; i < p->n; i++) {
      const pair_row *r = &p->rows[i];
      mmb_rep_fmt_si(r->prog * 1e-9, "s", a, sizeof a);
      mmb_rep_fmt_si(r->replay * 1e-9, "s", b, sizeof b);
      fputs("<tr><td>", f);
      mmb_html_text(f, r->alloc);
      fprintf(f, "</td><td>%s</td><td>%.2f</td><td>%s</td><td>%.2f</td><td>%.2f</td></tr>\n", a,
              r->prog / p->rows[p->base].prog, b, r->replay / p->rows[p->base].replay,
              predicts(p, i));
    }
    verdict(p, v, sizeof v);
    fputs("</table>\n<p>", f);
    mmb_html_text(f, v);
    fputs(".</p>\n", f);
  }
}

void mmb_rep_traces_text(const mmb_rmodel *m, FILE *out) {
  pair pairs[16];
  int np = find_pairs(m, pairs, 16);
  for (int k = 0; k < np; k++) {
    const pair *p = &pairs[k];
    char v[256];
    fprintf(out, "\n%s: program vs its replayed trace (wall time ÷ %s)\n", p->name,
            p->rows[p->base].alloc);
    for (int i = 0; i < p->n; i++)
      fprintf(out,
              "  %-12s program %5.2f   replay %5.2f   (replay predicts %5.2f for the program)\n",
              p->rows[i].alloc, p->rows[i].prog / p->rows[p->base].prog,
              p->rows[i].replay / p->rows[p->base].replay, predicts(p, i));
    verdict(p, v, sizeof v);
    fprintf(out, "  %s\n", v);
  }
}
