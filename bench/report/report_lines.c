/* mmbench — the report's line figures (lines.gp, tradeoff.gp): thread
 * scaling, sweeps of a numeric parameter, RSS over time, latency
 * percentiles, and time vs peak RSS over a heap-growth sweep. */
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
#include "workload.h"
#include "xalloc.h"

/* ------------------------------------------------------------------------
 * Lines: thread scaling, sweeps, timelines, latency
 * ---------------------------------------------------------------------- */
typedef struct linefig {
  const char *kind, *xlabel, *ylabel, *style, *xticsdef;
  const char *marks; /* vertical marks "x:label ..." (machine boundaries), or NULL */
  int logx, logy, errors, ideal;
  double refline;
  int width, height;
} linefig;

static void lines_draw(mmb_fctx *f, mmb_rfig *g, const mmb_faset *as, const char *dashes,
                       const char *names_override, const linefig *lf) {
  mmb_gpvars v = {.len = 0};
  char path[4400];
  mmb_fig_common_vars(f, &v, g, lf->width ? lf->width : 760, lf->height ? lf->height : 460);
  mmb_fig_data_path(f, g->name, ".dat", path, sizeof path);
  mmb_gp_str(&v, "data", path);
  mmb_fig_series_vars(f->m, &v, as);
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
  mmb_gp_str(&v, "marks", lf->marks ? lf->marks : "");
  mmb_gp_num(&v, "ideal", lf->ideal);
  mmb_fig_draw(f, g, "lines.gp", &v);
}

static void ones(char *buf, size_t len, int n) {
  buf[0] = 0;
  for (int i = 0; i < n; i++) snprintf(buf + strlen(buf), len - strlen(buf), "%s1", i ? " " : "");
}

/* A new figure whose data file is open in *out; NULL (the figure dropped)
 * when that file cannot be written. */
static mmb_rfig *fig_open(mmb_fctx *f, int wl, const char *kind, const char *stem, FILE **out) {
  mmb_rfig *g = mmb_fig_new(f, wl, kind, stem);
  *out = mmb_fig_data_open(f, g->name, ".dat");
  if (*out) return g;
  f->figs->n--;
  return NULL;
}

/* Closes a figure's data file and drops the figure when it has no point.
 * Returns 1 when the figure stays, 0 when dropped. */
static int fig_close(mmb_fctx *f, FILE *out, int points) {
  fclose(out);
  if (!points) f->figs->n--;
  return points > 0;
}

/* The comment that opens block s (an allocator's series) of a data file. */
static void block_head(FILE *out, int s, const char *name) {
  fprintf(out, "%s# %s\n", s ? "\n\n" : "", name);
}

/* A figure of one group (parameter point and thread count) of workload
 * wl: "<kind>-<workload>[-<group>]", titled "<workload>: <what>[, <group>]",
 * its data file open in *out. NULL when that file cannot be written. */
static mmb_rfig *group_fig(mmb_fctx *f, int wl, const char *kind, const char *what,
                           const mmb_fgroup *grp, FILE **out) {
  const mmb_rwork *w = &f->m->works[wl];
  int labelled = w->nvary || w->threads_vary;
  char stem[400];
  snprintf(stem, sizeof stem, "%s-%s%s%s", kind, w->name, labelled ? "-" : "",
           labelled ? grp->label : "");
  mmb_rfig *g = fig_open(f, wl, kind, stem, out);
  if (g)
    snprintf(g->title, sizeof g->title, "%s: %s%s%s", w->name, what, labelled ? ", " : "",
             labelled ? grp->label : "");
  return g;
}

/* The machine's boundaries on a thread axis, from meta.json's topology:
 * the cores of one socket (when there are several), all cores (when SMT
 * doubles them), the usable CPUs. "" when unrecorded. */
static void machine_marks(const mmb_rmodel *m, char *buf, size_t len, char *place, size_t plen) {
  char a[64], b[64], c[64], d[64];
  const char *so = mmb_rep_meta_str(m->meta, "host.topology.sockets", a, sizeof a);
  const char *co = mmb_rep_meta_str(m->meta, "host.topology.cores", b, sizeof b);
  const char *us = mmb_rep_meta_str(m->meta, "host.topology.usable_cpus", c, sizeof c);
  const char *pl = mmb_rep_meta_str(m->meta, "placement.place", d, sizeof d);
  snprintf(place, plen, "%s", pl ? pl : "");
  buf[0] = 0;
  int sockets = so ? atoi(so) : 0, cores = co ? atoi(co) : 0, usable = us ? atoi(us) : 0;
  size_t u = 0;
  if (sockets > 1 && cores > 0)
    u += (size_t)snprintf(buf + u, len - u, "%d:socket ", cores / sockets);
  if (cores > 0 && u < len) u += (size_t)snprintf(buf + u, len - u, "%d:cores ", cores);
  if (usable > 0 && usable != cores && u < len)
    u += (size_t)snprintf(buf + u, len - u, "%d:CPUs ", usable);
  if (u && u <= len) buf[u - 1] = 0;
}

/* Speedup over one thread (and efficiency, speedup / threads) of the cells
 * of one scaling figure; the figure speedup-<workload>[-point], drawn with
 * the ideal diagonal and the machine's boundaries. */
static void fig_speedup(mmb_fctx *f, int wl, int p, const mmb_faset *as, const int *threads, int nt,
                        const char *stem, const char *label, const char *tics, const char *marks,
                        const char *place) {
  const mmb_rmodel *m = f->m;
  const mmb_rwork *w = &m->works[wl];
  char name[320];
  snprintf(name, sizeof name, "speedup%s", stem + strlen("scaling"));
  FILE *out;
  mmb_rfig *g = fig_open(f, wl, "speedup", name, &out);
  if (!g) return;
  snprintf(g->title, sizeof g->title, "%s: speedup over 1 thread%s%s%s%s", w->name,
           w->nvary ? ", " : "", w->nvary ? label : "", place[0] ? ", place " : "", place);
  fprintf(out,
          "# mmbench speedup of %s (%s) over its 1-thread throughput: one block per allocator; "
          "columns: threads speedup NaN NaN efficiency\n",
          w->name, label);
  int points = 0;
  for (int s = 0; s < as->n; s++) {
    block_head(out, s, m->allocs[as->idx[s]]);
    const mmb_rcell *c1 = mmb_fig_cell_in(m, w, p, 1, as->idx[s]);
    const mmb_rstat *s1 = c1 ? mmb_rep_stat(m, c1, MMB_METRIC_THROUGHPUT) : NULL;
    int rows = 0;
    for (int k = 0; s1 && s1->median > 0 && k < nt; k++) {
      const mmb_rcell *c = mmb_fig_cell_in(m, w, p, threads[k], as->idx[s]);
      const mmb_rstat *st = c ? mmb_rep_stat(m, c, MMB_METRIC_THROUGHPUT) : NULL;
      if (!st) continue;
      double sp = st->median / s1->median;
      fprintf(out, "%d %.6g NaN NaN %.4f\n", threads[k], sp, sp / threads[k]);
      rows++, points++;
    }
    if (!rows) fprintf(out, "NaN NaN NaN NaN NaN\n");
  }
  if (!fig_close(f, out, points)) return;
  char dashes[256];
  ones(dashes, sizeof dashes, as->n);
  snprintf(g->note, sizeof g->note,
           "Speedup: throughput at N threads over the same allocator's at 1 thread (medians); "
           "the dotted diagonal is ideal scaling, efficiency = speedup / threads (the .dat "
           "file's last column). Vertical marks: cores of one socket, all cores, usable CPUs.");
  linefig lf = {.kind = "speedup",
                .xlabel = "threads",
                .ylabel = "speedup over 1 thread",
                .style = "linespoints",
                .xticsdef = tics,
                .marks = marks,
                .logx = 1,
                .ideal = 1,
                .refline = 1};
  lines_draw(f, g, as, dashes, NULL, &lf);
}

/* Thread scaling: throughput against threads, one figure per parameter
 * point. */
void mmb_fig_scaling(mmb_fctx *f, int wl) {
  const mmb_rmodel *m = f->m;
  const mmb_rwork *w = &m->works[wl];
  if (!w->threads_vary) return;
  int maxp = 0;
  for (size_t i = 0; i < w->ncells; i++)
    if (m->cells[w->cells[i]].pidx > maxp) maxp = m->cells[w->cells[i]].pidx;
  for (int p = 0; p <= maxp; p++) {
    const mmb_rcell *first = NULL;
    int threads[64], nt = 0;
    mmb_faset as = {.n = 0};
    for (size_t i = 0; i < w->ncells; i++) {
      const mmb_rcell *c = &m->cells[w->cells[i]];
      if (c->pidx != p) continue;
      if (!first) first = c;
      if (mmb_rep_stat(m, c, MMB_METRIC_THROUGHPUT)) mmb_fig_aset_add(&as, c->alloc);
      int seen = 0;
      for (int k = 0; k < nt; k++) seen |= threads[k] == c->threads;
      if (!seen && nt < 64) threads[nt++] = c->threads;
    }
    if (!first || nt < 2) continue;
    char label[200], stem[300];
    mmb_rep_cell_label(m, first, 0, label, sizeof label);
    snprintf(stem, sizeof stem, "scaling-%s%s%s", w->name, w->nvary ? "-" : "",
             w->nvary ? label : "");
    FILE *out;
    mmb_rfig *g = fig_open(f, wl, "scaling", stem, &out);
    if (!g) continue;
    char marks[256], place[32];
    machine_marks(m, marks, sizeof marks, place, sizeof place);
    snprintf(g->title, sizeof g->title, "%s: thread scaling%s%s%s%s", w->name, w->nvary ? ", " : "",
             w->nvary ? label : "", place[0] ? ", place " : "", place);
    fprintf(out,
            "# mmbench thread scaling of %s (%s): one block per allocator; columns: "
            "threads Mop/s ci_lo ci_hi\n",
            w->name, label);
    int points = 0;
    for (int s = 0; s < as.n; s++) {
      block_head(out, s, m->allocs[as.idx[s]]);
      int rows = 0;
      for (int k = 0; k < nt; k++) {
        const mmb_rcell *c = mmb_fig_cell_in(m, w, p, threads[k], as.idx[s]);
        const mmb_rstat *st = c ? mmb_rep_stat(m, c, MMB_METRIC_THROUGHPUT) : NULL;
        if (!st) continue;
        fprintf(out, "%d %.6g %.6g %.6g\n", threads[k], st->median / 1e6, st->ci_lo / 1e6,
                st->ci_hi / 1e6);
        rows++;
        points++;
      }
      if (!rows) fprintf(out, "NaN NaN NaN NaN\n");
    }
    if (!fig_close(f, out, points)) continue;
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
    snprintf(g->note, sizeof g->note,
             "Throughput: operations of all threads per second of "
             "wall time (median, order-statistic interval, level in the table); flat lines mean no "
             "scaling.");
    linefig lf = {.kind = "scaling",
                  .xlabel = "threads",
                  .ylabel = "throughput (Mop/s)",
                  .style = "linespoints",
                  .xticsdef = tics,
                  .marks = marks,
                  .logx = 1,
                  .errors = 1,
                  .refline = NAN};
    lines_draw(f, g, &as, dashes, NULL, &lf);
    if (threads[0] == 1) fig_speedup(f, wl, p, &as, threads, nt, stem, label, tics, marks, place);
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

/* Whether key is numeric and positive in every cell of w, with at least
 * three values. Returns 1 when it is, 0 when not. */
static int sweep_numeric(const mmb_rmodel *m, const mmb_rwork *w, const char *key) {
  double vals[256];
  int nv = 0;
  for (size_t i = 0; i < w->ncells; i++) {
    char v[128];
    double x;
    mmb_rep_param(m->cells[w->cells[i]].params, key, v, sizeof v);
    if (!mmb_fig_is_number(v, &x) || x <= 0) return 0;
    int seen = 0;
    for (int j = 0; j < nv; j++) seen |= vals[j] == x;
    if (!seen && nv < 256) vals[nv++] = x;
  }
  return nv >= 3;
}

/* The sweep figures of varying parameter k: the distinct "rest" (other
 * params + threads) in *rests. Returns how many. */
static int sweep_rests(const mmb_rmodel *m, const mmb_rwork *w, int k, char ***rests) {
  int nrest = 0;
  *rests = NULL;
  for (size_t i = 0; i < w->ncells; i++) {
    const mmb_rcell *c = &m->cells[w->cells[i]];
    char rest[512];
    sweep_rest(w, k, c, rest, sizeof rest);
    int seen = 0;
    for (int j = 0; j < nrest; j++) seen |= strcmp((*rests)[j], rest) == 0;
    if (!seen) {
      char **more = mmb_xrealloc(*rests, (size_t)(nrest + 1) * sizeof **rests, "the figures");
      more[nrest] = mmb_xstrdup(rest, "the figures");
      *rests = more;
      nrest++;
    }
  }
  return nrest;
}

/* One allocator's block of a sweep figure: its cells of that rest, by the
 * swept value (parameter k). Returns the rows written. */
static int sweep_block(FILE *out, const mmb_rmodel *m, const mmb_rwork *w, int k, const char *rest,
                       int alloc) {
  int rows = 0;
  double xs[256];
  const mmb_rstat *sts[256];
  for (size_t i = 0; i < w->ncells; i++) {
    const mmb_rcell *c = &m->cells[w->cells[i]];
    if (c->alloc != alloc) continue;
    char r[512];
    sweep_rest(w, k, c, r, sizeof r);
    if (strcmp(r, rest) != 0) continue;
    const mmb_rstat *st = mmb_rep_stat(m, c, MMB_METRIC_TIME);
    char v[128];
    mmb_rep_param(c->params, w->vary[k], v, sizeof v);
    double x;
    if (!st || !mmb_fig_is_number(v, &x) || rows >= 256) continue;
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
    fprintf(out, "%.10g %.6g %.6g %.6g\n", xs[i], sts[i]->median, sts[i]->ci_lo, sts[i]->ci_hi);
  if (!rows) fprintf(out, "NaN NaN NaN NaN\n");
  return rows;
}

/* One sweep figure: ns/op against parameter k at one rest. */
static void sweep_fig(mmb_fctx *f, int wl, int k, const char *rest) {
  const mmb_rmodel *m = f->m;
  const mmb_rwork *w = &m->works[wl];
  const char *key = w->vary[k];
  char stem[700];
  snprintf(stem, sizeof stem, "sweep-%s-%s%s%s", w->name, key, rest[0] ? "-" : "", rest);
  FILE *out;
  mmb_rfig *g = fig_open(f, wl, "sweep", stem, &out);
  if (!g) return;
  snprintf(g->title, sizeof g->title, "%s: time per operation vs %s%s%s", w->name, key,
           rest[0] ? ", " : "", rest);
  fprintf(out,
          "# mmbench sweep of %s over %s (%s): one block per allocator; columns: %s "
          "ns/op ci_lo ci_hi\n",
          w->name, key, rest, key);
  mmb_faset as = {.n = 0}; /* the allocators with a value somewhere in the sweep */
  for (size_t i = 0; i < w->ncells; i++)
    if (mmb_rep_stat(m, &m->cells[w->cells[i]], MMB_METRIC_TIME))
      mmb_fig_aset_add(&as, m->cells[w->cells[i]].alloc);
  int points = 0;
  for (int s = 0; s < as.n; s++) {
    block_head(out, s, m->allocs[as.idx[s]]);
    points += sweep_block(out, m, w, k, rest, as.idx[s]);
  }
  if (!fig_close(f, out, points)) return;
  char xl[200], dashes[256];
  const mmb_workload *d = mmb_workload_find(w->name);
  int pi = d ? mmb_workload_param_index(d, key) : -1;
  int bytes = pi >= 0 && (d->params[pi].flags & MMB_PF_BYTES);
  snprintf(xl, sizeof xl, "%s%s (log scale)", key, bytes ? " in bytes" : "");
  ones(dashes, sizeof dashes, as.n);
  snprintf(g->note, sizeof g->note,
           "Median ns per operation (interval of the median, level in the table) at each %s; "
           "both axes logarithmic.",
           key);
  linefig lf = {.kind = "sweep",
                .xlabel = xl,
                .ylabel = "time per operation (ns, log scale)",
                .style = "linespoints",
                .logx = 1,
                .logy = 1,
                .errors = 1,
                .refline = NAN};
  lines_draw(f, g, &as, dashes, NULL, &lf);
}

void mmb_fig_sweeps(mmb_fctx *f, int wl, const char *skip_key) {
  const mmb_rwork *w = &f->m->works[wl];
  for (int k = 0; k < w->nvary; k++) {
    const char *key = w->vary[k];
    if (skip_key && strcmp(key, skip_key) == 0) continue;
    if (!sweep_numeric(f->m, w, key)) continue;
    char **rests;
    int nrest = sweep_rests(f->m, w, k, &rests);
    for (int r = 0; r < nrest; r++) sweep_fig(f, wl, k, rests[r]);
    for (int r = 0; r < nrest; r++) free(rests[r]);
    free(rests);
  }
}

/* RSS over time (timeline.csv), one figure per parameter point and thread
 * count that has samples. */
void mmb_fig_timelines(mmb_fctx *f, int wl) {
  const mmb_rmodel *m = f->m;
  const mmb_rwork *w = &m->works[wl];
  if (!m->timeline) return;
  int ct = mmb_table_col(m->timeline, "t_ms"), cr = mmb_table_col(m->timeline, "rss_kb");
  mmb_fgroup *gs;
  int ng = mmb_fig_groups(m, w, &gs);
  for (int gi = 0; gi < ng; gi++) {
    mmb_faset as = {.n = 0};
    size_t most = 0; /* a line needs a few samples: short cells have one */
    for (size_t i = 0; i < w->ncells; i++) {
      const mmb_rcell *c = &m->cells[w->cells[i]];
      if (c->pidx == gs[gi].pidx && c->threads == gs[gi].threads && c->ntrows) {
        mmb_fig_aset_add(&as, c->alloc);
        if (c->ntrows > most) most = c->ntrows;
      }
    }
    if (as.n == 0 || most < 3) continue;
    FILE *out;
    mmb_rfig *g = group_fig(f, wl, "timeline", "RSS over time", &gs[gi], &out);
    if (!g) continue;
    fprintf(out,
            "# mmbench RSS over time of %s (%s), repetition 0: one block per allocator; "
            "columns: t_ms rss_MiB NaN NaN\n",
            w->name, gs[gi].label);
    for (int s = 0; s < as.n; s++) {
      const mmb_rcell *c = mmb_fig_cell_in(m, w, gs[gi].pidx, gs[gi].threads, as.idx[s]);
      block_head(out, s, m->allocs[as.idx[s]]);
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
    snprintf(g->note, sizeof g->note,
             "Resident set size sampled by the runner during the first "
             "repetition, from the start of the measured region.");
    linefig lf = {.kind = "timeline",
                  .xlabel = "time since the start of the measured region (ms)",
                  .ylabel = "RSS (MiB)",
                  .style = "steps",
                  .refline = NAN};
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
    if ((*s >= '0' && *s <= '9') || *s == '.')
      digits[d++] = *s;
    else if (*s != '_')
      return 0;
  digits[d] = 0;
  if (strchr(digits, '.'))
    lc->pct = atof(digits);
  else if (d > 2) { /* p999 = 99.9, p9999 = 99.99 */
    char fixed[40];
    snprintf(fixed, sizeof fixed, "%.2s.%s", digits, digits + 2);
    lc->pct = atof(fixed);
  } else
    lc->pct = atof(digits);
  return lc->pct > 0 && lc->pct < 100;
}

static double lat_x(double pct, double maxx) { return pct >= 100 ? maxx : -log10(1 - pct / 100.0); }

/* A workload's latency columns and the axis they share. */
typedef struct latset {
  latcol cols[64]; /* the measured latency metrics */
  int nc;
  char ops[8][32]; /* the calls, in first-seen order */
  int nops;
  double pcts[32]; /* the percentiles, sorted (100 = max) */
  int np;
  double maxx;     /* where max sits on the axis */
  char tics[1024]; /* the axis' tics, gnuplot's "(...)" */
} latset;

/* The latency metrics measured in workload w, their calls and sorted
 * percentiles. Returns how many metrics (0: no figure). */
static int lat_columns(const mmb_rmodel *m, const mmb_rwork *w, latset *ls) {
  for (size_t i = 0; i < m->nmetrics && ls->nc < 64; i++)
    if (parse_lat(m->metrics[i], &ls->cols[ls->nc]) && mmb_fig_measured_in(m, w, m->metrics[i]))
      ls->nc++;
  for (int i = 0; i < ls->nc; i++) {
    int seen = 0;
    for (int k = 0; k < ls->nops; k++) seen |= strcmp(ls->ops[k], ls->cols[i].op) == 0;
    if (!seen && ls->nops < 8) memcpy(ls->ops[ls->nops++], ls->cols[i].op, sizeof ls->ops[0]);
    seen = 0;
    for (int k = 0; k < ls->np; k++) seen |= ls->pcts[k] == ls->cols[i].pct;
    if (!seen && ls->np < 32) ls->pcts[ls->np++] = ls->cols[i].pct;
  }
  double *pcts = ls->pcts;
  for (int a = 1; a < ls->np; a++)
    for (int b = a; b > 0 && pcts[b - 1] > pcts[b]; b--) {
      double t = pcts[b];
      pcts[b] = pcts[b - 1];
      pcts[b - 1] = t;
    }
  return ls->nc;
}

/* The percentile axis: max one past the highest percentile, and a tic
 * per percentile. */
static void lat_axis(latset *ls) {
  ls->maxx = 0;
  for (int k = 0; k < ls->np; k++)
    if (ls->pcts[k] < 100 && lat_x(ls->pcts[k], 0) > ls->maxx) ls->maxx = lat_x(ls->pcts[k], 0);
  ls->maxx += 1;
  char *tics = ls->tics;
  snprintf(tics, sizeof ls->tics, "(");
  for (int k = 0; k < ls->np; k++) {
    char lab[32];
    if (ls->pcts[k] >= 100)
      snprintf(lab, sizeof lab, "max");
    else
      snprintf(lab, sizeof lab, "p%g", ls->pcts[k]);
    snprintf(tics + strlen(tics), sizeof ls->tics - strlen(tics), "%s\"%s\" %.6g", k ? ", " : "",
             lab, lat_x(ls->pcts[k], ls->maxx));
  }
  strncat(tics, ")", sizeof ls->tics - strlen(tics) - 1);
}

/* The rows of call op's series of cell c (NULL: none), by percentile.
 * Returns the rows written. */
static int lat_series(FILE *out, const mmb_rmodel *m, const mmb_rcell *c, const latset *ls,
                      const char *op) {
  int rows = 0;
  for (int k = 0; k < ls->np; k++) {
    for (int q = 0; q < ls->nc; q++) {
      if (ls->cols[q].pct != ls->pcts[k] || strcmp(ls->cols[q].op, op) != 0) continue;
      const mmb_rstat *st = c ? mmb_rep_stat(m, c, ls->cols[q].metric) : NULL;
      if (!st) continue;
      fprintf(out, "%.6g %.6g NaN NaN\n", lat_x(ls->pcts[k], ls->maxx), st->median);
      rows++;
    }
  }
  if (!rows) fprintf(out, "NaN NaN NaN NaN\n");
  return rows;
}

/* One latency figure of group grp: a series per allocator and call
 * (styles from the allocator, dash from the call). */
static void lat_fig(mmb_fctx *f, int wl, const latset *ls, const mmb_fgroup *grp) {
  const mmb_rmodel *m = f->m;
  const mmb_rwork *w = &m->works[wl];
  mmb_faset as = {.n = 0};
  for (size_t i = 0; i < w->ncells; i++) {
    const mmb_rcell *c = &m->cells[w->cells[i]];
    if (c->pidx != grp->pidx || c->threads != grp->threads) continue;
    for (int k = 0; k < ls->nc; k++)
      if (mmb_rep_stat(m, c, ls->cols[k].metric)) {
        mmb_fig_aset_add(&as, c->alloc);
        break;
      }
  }
  if (as.n == 0) return;
  FILE *out;
  mmb_rfig *g = group_fig(f, wl, "latency", "latency percentiles", grp, &out);
  if (!g) return;
  fprintf(out,
          "# mmbench sampled call latency of %s (%s): one block per allocator and call; "
          "columns: percentile_position ns NaN NaN (median over repetitions)\n",
          w->name, grp->label);
  mmb_faset sas = {.n = 0};
  char names[4096] = "", dashes[512] = "";
  int ns = 0;
  for (int s = 0; s < as.n; s++) {
    const mmb_rcell *c = mmb_fig_cell_in(m, w, grp->pidx, grp->threads, as.idx[s]);
    for (int o = 0; o < ls->nops; o++) {
      fprintf(out, "%s# %s %s\n", ns ? "\n\n" : "", m->allocs[as.idx[s]], ls->ops[o]);
      lat_series(out, m, c, ls, ls->ops[o]);
      char wd[256];
      mmb_rep_gp_word(m->allocs[as.idx[s]], wd, sizeof wd);
      snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s:%s", ns ? " " : "", wd,
               ls->ops[o]);
      snprintf(dashes + strlen(dashes), sizeof dashes - strlen(dashes), "%s%d", ns ? " " : "",
               o + 1);
      if (sas.n < 64) sas.idx[sas.n++] = as.idx[s];
      ns++;
    }
  }
  fclose(out);
  snprintf(g->note, sizeof g->note,
           "Sampled latency of single calls (median over "
           "repetitions of each percentile); solid: %s, dashed: %s.",
           ls->ops[0], ls->nops > 1 ? ls->ops[1] : "-");
  linefig lf = {.kind = "latency",
                .xlabel = "percentile",
                .ylabel = "latency (ns, log scale)",
                .style = "linespoints",
                .xticsdef = ls->tics,
                .logy = 1,
                .refline = NAN};
  lines_draw(f, g, &sas, dashes, names, &lf);
}

void mmb_fig_latency(mmb_fctx *f, int wl) {
  latset ls = {.nc = 0};
  if (!lat_columns(f->m, &f->m->works[wl], &ls)) return;
  lat_axis(&ls);
  mmb_fgroup *gs;
  int ng = mmb_fig_groups(f->m, &f->m->works[wl], &gs);
  for (int gi = 0; gi < ng; gi++) lat_fig(f, wl, &ls, &gs[gi]);
  free(gs);
}

/* ------------------------------------------------------------------------
 * Heap-growth sweep: time vs peak RSS
 * ---------------------------------------------------------------------- */
const char *mmb_fig_growth_key(const mmb_rwork *w) {
  if (!w->growth_param) return NULL;
  for (int k = 0; k < w->nvary; k++)
    if (strcmp(w->vary[k], w->growth_param) == 0) return w->growth_param;
  return NULL;
}

/* The baseline of a heap-growth figure at t threads: the median over
 * allocator mi's cells of their median time (*bt) and peak RSS (*br), NaN
 * when there is none. */
static void trade_base(const mmb_rmodel *m, const mmb_rwork *w, int mi, int t, double *bt,
                       double *br) {
  *bt = *br = NAN;
  if (mi < 0) return;
  double vt[256], vr[256];
  size_t n = 0;
  for (size_t i = 0; i < w->ncells && n < 256; i++) {
    const mmb_rcell *c = &m->cells[w->cells[i]];
    const mmb_rstat *ts = mmb_rep_stat(m, c, MMB_METRIC_TIME),
                    *r = mmb_rep_stat(m, c, MMB_METRIC_PEAK_RSS);
    if (c->alloc != mi || c->threads != t || !ts || !r) continue;
    vt[n] = ts->median;
    vr[n++] = r->median;
  }
  if (!n) return;
  mmb_summary s;
  mmb_summarize(vt, n, &s);
  *bt = s.median;
  mmb_summarize(vr, n, &s);
  *br = s.median;
}

/* A heap-growth figure's scale: relative to the baseline (rel), or absolute. */
typedef struct tradescale {
  int rel;       /* both axes relative to the baseline */
  double bt, br; /* the baseline's time and peak RSS */
  int base;      /* the baseline's allocator, or -1 */
} tradescale;

/* One allocator's block of a heap-growth figure at t threads: its points
 * (peak RSS, time) by growth factor, labelled but the baseline's. Returns
 * the rows written. */
static int trade_block(FILE *out, const mmb_rmodel *m, const mmb_rwork *w, const char *key,
                       int alloc, int t, const tradescale *sc) {
  double xs[256], ys[256], gv[256];
  int rows = 0;
  for (size_t i = 0; i < w->ncells && rows < 256; i++) {
    const mmb_rcell *c = &m->cells[w->cells[i]];
    if (c->alloc != alloc || c->threads != t) continue;
    const mmb_rstat *ts = mmb_rep_stat(m, c, MMB_METRIC_TIME),
                    *r = mmb_rep_stat(m, c, MMB_METRIC_PEAK_RSS);
    char v[64];
    double gval;
    mmb_rep_param(c->params, key, v, sizeof v);
    if (!ts || !r || !mmb_fig_is_number(v, &gval)) continue;
    int at = rows++;
    while (at > 0 && gv[at - 1] > gval) {
      xs[at] = xs[at - 1];
      ys[at] = ys[at - 1];
      gv[at] = gv[at - 1];
      at--;
    }
    xs[at] = sc->rel ? r->median / sc->br : r->median / 1024.0;
    ys[at] = sc->rel ? ts->median / sc->bt : ts->median;
    gv[at] = gval;
  }
  int is_base = alloc == sc->base && sc->rel; /* its points sit at (1, 1): no labels */
  for (int i = 0; i < rows; i++) {
    if (is_base)
      fprintf(out, "%.6g %.6g \"\"\n", xs[i], ys[i]);
    else
      fprintf(out, "%.6g %.6g \"%g\"\n", xs[i], ys[i], gv[i]);
  }
  if (!rows) fprintf(out, "NaN NaN \"\"\n");
  return rows;
}

/* Draws a heap-growth figure with tradeoff.gp. */
static void trade_draw(mmb_fctx *f, mmb_rfig *g, const mmb_faset *as, int rel) {
  snprintf(g->note, sizeof g->note,
           "Each point is one heap growth factor (its label); "
           "%s Lower left is better.",
           rel ? "both axes relative to manual (explicit frees), "
                 "dashed lines at 1."
               : "");
  mmb_gpvars v = {.len = 0};
  char path[4400];
  mmb_fig_common_vars(f, &v, g, 760, 480);
  mmb_fig_data_path(f, g->name, ".dat", path, sizeof path);
  mmb_gp_str(&v, "data", path);
  mmb_fig_series_vars(f->m, &v, as);
  mmb_gp_str(&v, "xlabel", rel ? "peak RSS ÷ manual's" : "peak RSS (MiB)");
  mmb_gp_str(&v, "ylabel", rel ? "time per operation ÷ manual's" : "time per operation (ns)");
  mmb_gp_num(&v, "refx", rel ? 1 : NAN);
  mmb_gp_num(&v, "refy", rel ? 1 : NAN);
  mmb_gp_num(&v, "bmargin", 4.5);
  mmb_fig_draw(f, g, "tradeoff.gp", &v);
}

/* One heap-growth figure at t threads (nt: how many thread counts). */
static void trade_fig(mmb_fctx *f, int wl, const char *key, int t, int nt) {
  const mmb_rmodel *m = f->m;
  const mmb_rwork *w = &m->works[wl];
  mmb_faset as = {.n = 0};
  tradescale sc = {.base = -1};
  for (size_t i = 0; i < w->ncells; i++) {
    const mmb_rcell *c = &m->cells[w->cells[i]];
    if (c->threads != t || !mmb_rep_stat(m, c, MMB_METRIC_TIME)) continue; /* measured only */
    mmb_fig_aset_add(&as, c->alloc);
    if (mmb_is_explicit_graph(c->allocator)) sc.base = c->alloc;
  }
  /* The baseline: the median over manual's cells of their medians. */
  trade_base(m, w, sc.base, t, &sc.bt, &sc.br);
  sc.rel = !isnan(sc.bt) && sc.bt > 0 && sc.br > 0;
  char stem[300];
  snprintf(stem, sizeof stem, "heapsweep-%s%s", w->name, nt > 1 ? "-t" : "");
  if (nt > 1) snprintf(stem + strlen(stem), sizeof stem - strlen(stem), "%d", t);
  FILE *out;
  mmb_rfig *g = fig_open(f, wl, "heapsweep", stem, &out);
  if (!g) return;
  snprintf(g->title, sizeof g->title, "%s: time vs peak RSS over the heap growth factor%s", w->name,
           nt > 1 ? "" : "");
  if (nt > 1)
    snprintf(g->title + strlen(g->title), sizeof g->title - strlen(g->title), ", t=%d", t);
  fprintf(out,
          "# mmbench heap-growth sweep of %s: one block per allocator; columns: %s %s "
          "\"%s\"\n",
          w->name, sc.rel ? "peak_rss/manual" : "peak_rss_MiB",
          sc.rel ? "ns_per_op/manual" : MMB_METRIC_TIME, key);
  int points = 0;
  for (int s = 0; s < as.n; s++) {
    block_head(out, s, m->allocs[as.idx[s]]);
    points += trade_block(out, m, w, key, as.idx[s], t, &sc);
  }
  if (fig_close(f, out, points)) trade_draw(f, g, &as, sc.rel);
}

/* Time vs peak RSS over the heap growth factor key: one figure per thread
 * count (other parameters are expected fixed). */
void mmb_fig_tradeoff(mmb_fctx *f, int wl, const char *key) {
  const mmb_rmodel *m = f->m;
  const mmb_rwork *w = &m->works[wl];
  int threads[16], nt = 0;
  for (size_t i = 0; i < w->ncells; i++) {
    int t = m->cells[w->cells[i]].threads, seen = 0;
    for (int k = 0; k < nt; k++) seen |= threads[k] == t;
    if (!seen && nt < 16) threads[nt++] = t;
  }
  for (int ti = 0; ti < nt; ti++) trade_fig(f, wl, key, threads[ti], nt);
}
