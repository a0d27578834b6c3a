/* mmbench — `mmbench compare A B [-o OUTDIR]` (or `--paired`: A and B run
 * interleaved in one run): the cells two results folders share, each with
 * B/A of ns/op and peak RSS, its interval and verdict from compare_judge.c
 * (Welch on log times with shared variances, a practical threshold, the
 * drift allowance), and the smallest change it could have called. Writes a
 * text table (also printed), a CSV, compare.html and bar plots of the
 * ratios (compare_plot.c); refuses two runs with no cell in common or from
 * different plans; warns when the environments (meta.json) differ. */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_util.h"
#include "commands.h"
#include "compare_cells.h"
#include "compare_judge.h"
#include "compare_paired.h"
#include "options.h"
#include "files.h"
#include "metrics.h"
#include "report.h"
#include "stats.h"
#include "xalloc.h"

/* ------------------------------------------------------------------------
 * One run: the results folder as the report loads it
 * ---------------------------------------------------------------------- */

typedef struct run {
  const char *dir;
  mmb_rmodel m;
  const struct cJSON *meta;
} run;

static int load_run(const char *dir, run *r, char *err, size_t errlen) {
  memset(r, 0, sizeof *r);
  r->dir = dir;
  if (mmb_rep_load(dir, &r->m, err, errlen)) return -1;
  r->meta = r->m.meta;
  return 0;
}

static void free_run(run *r) { mmb_rep_free(&r->m); }

/* The per-repetition values of cell c into s. */
static void take_cell(const run *r, const mmb_rcell *c, side *s) {
  const mmb_table *t = r->m.runs;
  int cs = mmb_table_col(t, "status"), cn = mmb_table_col(t, MMB_METRIC_TIME),
      crss = mmb_table_col(t, MMB_METRIC_PEAK_RSS), crep = mmb_table_col(t, "rep");
  memset(s, 0, sizeof *s);
  s->status = c->status;
  s->reason = c->reason;
  s->nrows = (int)c->nrows;
  s->t = mmb_xcalloc(c->nrows + 1, sizeof *s->t, "the comparison");
  s->r = mmb_xcalloc(c->nrows + 1, sizeof *s->r, "the comparison");
  s->trep = mmb_xcalloc(c->nrows + 1, sizeof *s->trep, "the comparison");
  s->rrep = mmb_xcalloc(c->nrows + 1, sizeof *s->rrep, "the comparison");
  for (size_t k = 0; k < c->nrows; k++) {
    size_t row = c->rows[k];
    if (mmb_status_of(mmb_table_get(t, row, cs)) != MMB_ST_OK) continue;
    int rep = crep >= 0 ? atoi(mmb_table_get(t, row, crep)) : (int)k;
    double v;
    if (mmb_table_num(t, row, cn, &v) == 1) s->trep[s->nt] = rep, s->t[s->nt++] = v;
    if (mmb_table_num(t, row, crss, &v) == 1) s->rrep[s->nr] = rep, s->r[s->nr++] = v;
  }
}

static void free_side(side *s) { free(s->t), free(s->r), free(s->trep), free(s->rrep); }

/* ------------------------------------------------------------------------
 * The joined cells (compare_cells.h)
 * ---------------------------------------------------------------------- */

/* The statistics of one metric: unpaired over all values, paired over
 * the rounds both sides have. */
static void cell_metric(const side *a, const side *b, int rss, const mmb_cmp_opts *o,
                        mmb_cmp_cell *out) {
  const double *va = rss ? a->r : a->t, *vb = rss ? b->r : b->t;
  const int *ra = rss ? a->rrep : a->trep, *rb = rss ? b->rrep : b->trep;
  size_t na = rss ? a->nr : a->nt, nb = rss ? b->nr : b->nt;
  if (!o->paired) {
    mmb_cmp_cell_stats(va, na, vb, nb, o, out);
    return;
  }
  double *pa = mmb_xcalloc(na + 1, sizeof *pa, "the comparison"),
         *pb = mmb_xcalloc(na + 1, sizeof *pb, "the comparison");
  size_t k = 0;
  for (size_t i = 0; i < na; i++)
    for (size_t j = 0; j < nb; j++)
      if (ra[i] == rb[j]) {
        pa[k] = va[i], pb[k++] = vb[j];
        break;
      }
  mmb_cmp_cell_stats(pa, k, pb, k, o, out);
  free(pa);
  free(pb);
}

static int cmp_change(const void *x, const void *y) {
  const jcell *a = x, *b = y;
  if (has(&a->t) != has(&b->t)) return has(&a->t) ? -1 : 1;
  if (has(&a->t) && a->t.ratio != b->t.ratio) return a->t.ratio > b->t.ratio ? -1 : 1;
  int c = strcmp(a->workload, b->workload);
  if (c) return c;
  c = strcmp(a->params, b->params);
  if (c) return c;
  c = strcmp(a->allocator, b->allocator);
  return c ? c : (a->threads > b->threads) - (a->threads < b->threads);
}

/* Labels: workload, the parameters that differ between the joined cells of
 * that workload, allocator, and the thread count when it varies. */
static void make_labels(jcell *c, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char lab[400];
    snprintf(lab, sizeof lab, "%s", c[i].workload);
    const char *p = c[i].params;
    while (p && *p) {
      const char *end = strchr(p, ';');
      size_t len = end ? (size_t)(end - p) : strlen(p);
      const char *eq = memchr(p, '=', len);
      if (eq) {
        char key[128], v[256];
        snprintf(key, sizeof key, "%.*s", (int)(eq - p), p);
        mmb_rep_param(c[i].params, key, v, sizeof v);
        int varies = 0;
        for (size_t j = 0; j < n && !varies; j++) {
          char w[256];
          if (strcmp(c[j].workload, c[i].workload) != 0) continue;
          mmb_rep_param(c[j].params, key, w, sizeof w);
          varies = strcmp(v, w) != 0;
        }
        if (varies) snprintf(lab + strlen(lab), sizeof lab - strlen(lab), " %s=%s", key, v);
      }
      p = end ? end + 1 : NULL;
    }
    snprintf(lab + strlen(lab), sizeof lab - strlen(lab), " %s", c[i].allocator);
    int tvar = 0;
    for (size_t j = 0; j < n; j++)
      if (strcmp(c[j].workload, c[i].workload) == 0 && c[j].threads != c[i].threads) tvar = 1;
    if (tvar) snprintf(lab + strlen(lab), sizeof lab - strlen(lab), " t=%d", c[i].threads);
    snprintf(c[i].label, sizeof c[i].label, "%s", lab);
  }
}

/* ------------------------------------------------------------------------
 * Environment differences
 * ---------------------------------------------------------------------- */
static void env_diff(const run *a, const run *b, char *out, size_t len) {
  static const char *const keys[] = {"host.hostname",  "host.cpu_model",
                                     "host.cores",     "host.threads_per_core",
                                     "host.kernel",    "host.governor",
                                     "host.thp",       "glibc",
                                     "build.compiler", "build.flags",
                                     "build.type",     "build.sanitize",
                                     "counters.mode",  NULL};
  out[0] = 0;
  if (!a->meta || !b->meta) return;
  for (int i = 0; keys[i]; i++) {
    char x[512], y[512];
    const char *sx = mmb_rep_meta_str(a->meta, keys[i], x, sizeof x),
               *sy = mmb_rep_meta_str(b->meta, keys[i], y, sizeof y);
    if (sx && sy && strcmp(sx, sy) != 0)
      snprintf(out + strlen(out), len - strlen(out), "%s%s '%s' vs '%s'", out[0] ? "; " : "",
               keys[i], sx, sy);
  }
  const cJSON *aa = cJSON_GetObjectItemCaseSensitive(a->meta, "allocators"),
              *ba = cJSON_GetObjectItemCaseSensitive(b->meta, "allocators");
  const cJSON *e;
  if (cJSON_IsObject(aa) && cJSON_IsObject(ba)) {
    cJSON_ArrayForEach(e, aa) {
      const cJSON *other = cJSON_GetObjectItemCaseSensitive(ba, e->string);
      const cJSON *va = cJSON_GetObjectItemCaseSensitive(e, "version"),
                  *vb = other ? cJSON_GetObjectItemCaseSensitive(other, "version") : NULL;
      if (cJSON_IsString(va) && cJSON_IsString(vb) && strcmp(va->valuestring, vb->valuestring))
        snprintf(out + strlen(out), len - strlen(out), "%s%s version '%s' vs '%s'",
                 out[0] ? "; " : "", e->string, va->valuestring, vb->valuestring);
    }
  }
}

static void run_caption(const run *r, char *buf, size_t len) {
  char host[128], date[64], commit[64], dirty[16], base[256];
  mmb_rep_basename(r->dir, base, sizeof base);
  const char *h = mmb_rep_meta_str(r->meta, "host.hostname", host, sizeof host);
  const char *d = mmb_rep_meta_str(r->meta, "started", date, sizeof date);
  const char *c = mmb_rep_meta_str(r->meta, "git.commit", commit, sizeof commit);
  const char *dt = mmb_rep_meta_str(r->meta, "git.dirty", dirty, sizeof dirty);
  snprintf(buf, len, "%s (%s, %.10s, commit %.12s%s)", base, h ? h : "unknown host",
           d ? d : "no date", c ? c : "unknown", dt && strcmp(dt, "yes") == 0 ? "+dirty" : "");
}

/* ------------------------------------------------------------------------
 * Outputs
 * ---------------------------------------------------------------------- */
static const char *verdict_text(mmb_cmp_verdict v) {
  switch (v) {
  case MMB_CMP_HIGHER: return "HIGHER";
  case MMB_CMP_LOWER: return "LOWER";
  case MMB_CMP_SAME: return "same";
  case MMB_CMP_UNSURE: return "unsure";
  case MMB_CMP_FEW: return "too few";
  default: return "-";
  }
}

static void fmt_ratio(const mmb_cmp_cell *r, char *val, char *ci, char *sens, size_t len) {
  snprintf(val, len, "-");
  snprintf(ci, len, "-");
  snprintf(sens, len, "-");
  if (!has(r)) return;
  snprintf(val, len, "%.3f", r->ratio);
  if (!r->tested) return;
  snprintf(ci, len, "[%.3f, %.3f]", r->lo, r->hi);
  snprintf(sens, len, "%.3f", r->sens);
}

static const char *design_name(const mmb_cmp_opts *o) {
  return o->paired ? "interleaved rounds, paired t on the log ratio of each round"
                   : "two separate runs, Welch t on log times";
}

/* How the variances were moderated, for the notes. */
static void moderation_text(const mmb_cmp_family *ft, const mmb_cmp_opts *o, char *buf,
                            size_t len) {
  if (o->own_variance)
    snprintf(buf, len, "each cell's own variance (--own-variance)");
  else if (ft->prior_df > 0)
    snprintf(buf, len,
             "variances moderated across the cells (empirical Bayes: %.1f degrees of freedom "
             "lent to each cell)",
             ft->prior_df);
  else
    snprintf(buf, len,
             "each cell's own variance (too few cells, or one without noise, to "
             "moderate)");
}

/* The notes under the table (method, counts, drift, too few repetitions),
 * each with the id the page gives its paragraph ("" for none). */
typedef struct notebuf {
  mmb_cnote v[8];
  size_t n;
} notebuf;

static void note_add(notebuf *nb, const char *id, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void note_add(notebuf *nb, const char *id, const char *fmt, ...) {
  if (nb->n >= sizeof nb->v / sizeof nb->v[0]) return;
  va_list ap;
  va_start(ap, fmt);
  int len = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *text = mmb_xmalloc((size_t)(len > 0 ? len : 0) + 1, "the comparison notes");
  va_start(ap, fmt);
  vsnprintf(text, (size_t)(len > 0 ? len : 0) + 1, fmt, ap);
  va_end(ap);
  nb->v[nb->n++] = (mmb_cnote){.id = id, .text = text};
}

static void notes_free(notebuf *nb) {
  for (size_t i = 0; i < nb->n; i++) free(nb->v[i].text);
  nb->n = 0;
}

static void notes_build(notebuf *nb, const mmb_cmp_family *ft, const mmb_cmp_opts *o) {
  double thr = o->threshold * 100;
  char mod[200], sens[64] = "";
  moderation_text(ft, o, mod, sizeof mod);
  if (!isnan(ft->sens_median))
    snprintf(sens, sizeof sens, " (median over the cells: %.3f)", ft->sens_median);
  note_add(nb, "method",
           "B/A = ratio of the geometric means of the repetitions (%s; %s); interval = its %.0f %% "
           "t interval. Called (HIGHER/LOWER): the change exceeds the practical threshold of "
           "%.0f %% (minimum-effect test) with a false discovery rate of %.0f %% "
           "(Benjamini-Hochberg over the %zu cells tested; peak RSS its own family). same: the "
           "interval lies within %.0f %%, no change that matters. unsure: not called, and the "
           "interval reaches beyond %.0f %%: could not tell. sensitivity: the smallest B/A (or "
           "its inverse) that cell could have called as the only change, at its noise and "
           "repetitions%s.",
           design_name(o), mod, (1 - o->alpha) * 100, thr, o->alpha * 100, ft->tested, thr, thr,
           sens);
  note_add(nb, "",
           "time: %zu higher, %zu lower, %zu same, %zu could not tell, %zu with too few "
           "repetitions",
           ft->higher, ft->lower, ft->same, ft->unsure, ft->few);
  if (ft->moved_together)
    note_add(nb, "drift",
             "note: most cells moved together: of the %zu cells tested, %zu moved (their "
             "interval excludes 1), %zu moved the same way and %zu agree with a common B/A of "
             "%.3f. %s",
             ft->tested, ft->consistent, ft->same_side, ft->holds, ft->shift,
             o->paired ? "The rounds were interleaved, so this is not drift between runs: it is "
                         "the change's effect on every cell."
             : ft->allowance
                 ? "Two separate runs cannot tell a change that affects every cell from drift "
                   "between the runs (load, frequency, placement): a cell is called only when it "
                   "differs both from no change and from that common shift (drift allowance; "
                   "--raw judges the raw ratio). --paired interleaves A and B and cancels drift."
                 : "Judged against the raw ratio (--raw): these calls may be drift between the "
                   "runs.");
  else if (!isnan(ft->shift))
    note_add(nb, "", "common shift (median B/A over the cells tested): %.3f; not applied (%s)",
             ft->shift,
             ft->tested < MMB_CMP_DRIFT_MIN_CELLS ? "too few cells to tell drift from a change"
             : fabs(log(ft->shift)) <= log1p(o->threshold)
                 ? "within the threshold"
                 : "fewer than two thirds of the cells moved with it: not a common move");
  if (ft->few)
    note_add(nb, "few",
             "note: %zu cell(s) have fewer than %d repetitions a side: no change can be called "
             "there (the noise of a cell cannot be estimated from fewer values); run with -r %d "
             "or more",
             ft->few, MMB_CMP_MIN_REPS, MMB_CMP_MIN_REPS);
}

static void notes(FILE *out, const mmb_cmp_family *ft, const mmb_cmp_opts *o) {
  notebuf nb = {.n = 0};
  notes_build(&nb, ft, o);
  for (size_t i = 0; i < nb.n; i++) fprintf(out, "%s\n", nb.v[i].text);
  notes_free(&nb);
}

static void text_table(FILE *out, const jcell *c, size_t n, const run *a, const run *b,
                       const char *envdiff, const mmb_cmp_family *ft, const mmb_cmp_opts *o) {
  char ca[300], cb[300];
  run_caption(a, ca, sizeof ca);
  run_caption(b, cb, sizeof cb);
  fprintf(out, "mmbench compare: B/A per cell (below 1: B is lower); %s\n  A = %s\n  B = %s\n",
          design_name(o), ca, cb);
  if (envdiff[0]) fprintf(out, "  environments differ: %s\n", envdiff);
  int lw = 5;
  for (size_t i = 0; i < n; i++)
    if ((int)strlen(c[i].label) > lw) lw = (int)strlen(c[i].label);
  if (lw > 60) lw = 60;
  char lev[32];
  snprintf(lev, sizeof lev, "%.0f%% interval", (1 - o->alpha) * 100);
  fprintf(out, "%-*s  %10s %10s  %-7s %-16s %-8s %-8s %-7s  %-7s %-16s %-8s\n", lw, "cell",
          "A ns/op", "B ns/op", "B/A", lev, "verdict", "adj. p", "sens.", "RSS B/A", lev,
          "verdict");
  for (size_t i = 0; i < n; i++) {
    char va[32], vb[32], r1[32], ci1[64], s1[32], r2[32], ci2[64], s2[32], pa[32] = "-";
    fmt_ratio(&c[i].t, r1, ci1, s1, 32);
    fmt_ratio(&c[i].r, r2, ci2, s2, 32);
    if (c[i].t.tested) snprintf(pa, sizeof pa, "%.2g", c[i].t.p_adj);
    if (has(&c[i].t)) {
      mmb_rep_fmt_si(c[i].t.ma, "ns", va, sizeof va);
      mmb_rep_fmt_si(c[i].t.mb, "ns", vb, sizeof vb);
    } else {
      snprintf(va, sizeof va, "%s", mmb_status_name(c[i].a.status));
      snprintf(vb, sizeof vb, "%s", mmb_status_name(c[i].b.status));
    }
    fprintf(out, "%-*.*s  %10s %10s  %-7s %-16s %-8s %-8s %-7s  %-7s %-16s %-8s", lw, lw,
            c[i].label, va, vb, r1, ci1, verdict_text(c[i].t.verdict), pa, s1, r2, ci2,
            verdict_text(c[i].r.verdict));
    if (c[i].a.status != MMB_ST_OK || c[i].b.status != MMB_ST_OK)
      fprintf(out, "  A %s, B %s", mmb_status_name(c[i].a.status), mmb_status_name(c[i].b.status));
    fputc('\n', out);
  }
  notes(out, ft, o);
}

static void csv_num(FILE *f, double v) {
  if (!isnan(v))
    fprintf(f, ",%.10g", v);
  else
    fputs(",", f);
}

static int write_csv(const char *path, const jcell *c, size_t n, const mmb_cmp_opts *o) {
  FILE *f = fopen(path, "w");
  if (!f) return -1;
  fputs("workload,params,allocator,threads,status_a,status_b,n_a,n_b", f);
  static const char *const cols[] = {
      "median_a", "median_b", "median_ratio", "ratio",       "ratio_lo",    "ratio_hi", "level",
      "p",        "p_adj",    "verdict",      "significant", "sensitivity", "mw_p"};
  for (int k = 0; k < 2; k++)
    for (size_t j = 0; j < sizeof cols / sizeof cols[0]; j++)
      fprintf(f, ",%s%s", k ? "rss_" : "", cols[j]);
  fputc('\n', f);
  for (size_t i = 0; i < n; i++) {
    mmb_csv_fput(f, c[i].workload, 1);
    mmb_csv_fput(f, c[i].params, 0);
    mmb_csv_fput(f, c[i].allocator, 0);
    fprintf(f, ",%d,%s,%s,%d,%d", c[i].threads, mmb_status_name(c[i].a.status),
            mmb_status_name(c[i].b.status), c[i].t.na, c[i].t.nb);
    const mmb_cmp_cell *rs[2] = {&c[i].t, &c[i].r};
    for (int k = 0; k < 2; k++) {
      const mmb_cmp_cell *r = rs[k];
      csv_num(f, r->ma);
      csv_num(f, r->mb);
      csv_num(f, r->median_ratio);
      csv_num(f, r->ratio);
      csv_num(f, r->tested ? r->lo : NAN);
      csv_num(f, r->tested ? r->hi : NAN);
      csv_num(f, r->tested ? 1 - o->alpha : NAN);
      csv_num(f, r->tested ? r->p : NAN);
      csv_num(f, r->tested ? r->p_adj : NAN);
      fprintf(f, ",%s", mmb_cmp_verdict_name(r->verdict));
      if (r->tested)
        fprintf(f, ",%d", called(r));
      else
        fputs(",", f);
      csv_num(f, r->tested ? r->sens : NAN);
      csv_num(f, r->mw_p);
    }
    fputc('\n', f);
  }
  return fclose(f);
}

/* compare.html: the joined cells handed to report_compare.c. */
static void copy_ratio(const mmb_cmp_cell *r, mmb_cratio *out) {
  out->have = has(r);
  out->tested = r->tested;
  out->ma = r->ma;
  out->mb = r->mb;
  out->ratio = r->ratio;
  out->lo = r->lo;
  out->hi = r->hi;
  out->p = r->p;
  out->p_adj = r->p_adj;
  out->sig = called(r);
  out->verdict = mmb_cmp_verdict_name(r->verdict);
  out->sens = r->sens;
  out->na = r->na;
  out->nb = r->nb;
}

static int write_page(const char *outdir, const jcell *c, size_t n, const char *ca, const char *cb,
                      const char *envdiff, int drawn_time, int drawn_rss, const mmb_cmp_opts *o,
                      const notebuf *nb, const mmb_cmp_family *ft, char *err, size_t errlen) {
  mmb_ccell *v = mmb_xcalloc(n + 1, sizeof *v, "the comparison");
  for (size_t i = 0; i < n; i++) {
    v[i].label = c[i].label;
    v[i].workload = c[i].workload;
    v[i].allocator = c[i].allocator;
    v[i].status_a = mmb_status_name(c[i].a.status);
    v[i].status_b = mmb_status_name(c[i].b.status);
    copy_ratio(&c[i].t, &v[i].t);
    copy_ratio(&c[i].r, &v[i].r);
  }
  mmb_cpage pg = {.caption_a = ca,
                  .caption_b = cb,
                  .envdiff = envdiff,
                  .method = mmb_p_adjust_name(MMB_ADJ_BH),
                  .alpha = o->alpha,
                  .threshold = o->threshold,
                  .design = design_name(o),
                  .notes = nb->v,
                  .nnotes = nb->n,
                  .moved_together = ft->moved_together,
                  .drawn_time = drawn_time,
                  .drawn_rss = drawn_rss};
  int rc = mmb_cmp_html_write(outdir, &pg, v, n, err, errlen);
  free(v);
  return rc;
}

/* ------------------------------------------------------------------------
 * The command
 * ---------------------------------------------------------------------- */
typedef struct compare_args {
  const char *out, *allocators, *b_allocators;
  double threshold; /* percent */
  int raw, own_variance, paired;
  char **a_env, **b_env, **pass; /* [argc] each */
  int na, nb, np;
} compare_args;

static int add_env(char **list, int *n, const char *arg, char *err, size_t errlen) {
  if (!strchr(arg, '=') || arg[0] == '=') {
    snprintf(err, errlen, "'%s' is not KEY=VALUE (e.g. GLIBC_TUNABLES=glibc.malloc.tcache_count=0)",
             arg);
    return -1;
  }
  list[(*n)++] = (char *)arg;
  return 0;
}
static int set_a_env(void *args, const char *arg, char *err, size_t errlen) {
  compare_args *o = args;
  return add_env(o->a_env, &o->na, arg, err, errlen);
}
static int set_b_env(void *args, const char *arg, char *err, size_t errlen) {
  compare_args *o = args;
  return add_env(o->b_env, &o->nb, arg, err, errlen);
}

/* The run options --paired hands to `mmbench run` (which checks them). */
static int pass_on(void *args, const char *opt, const char *arg) {
  compare_args *o = args;
  o->pass[o->np++] = (char *)opt;
  o->pass[o->np++] = (char *)arg;
  return 0;
}
#define PASS(fn, opt)                                                                              \
  static int fn(void *args, const char *arg, char *err, size_t errlen) {                           \
    (void)err, (void)errlen;                                                                       \
    return pass_on(args, opt, arg);                                                                \
  }
PASS(pass_workloads, "--workloads")
PASS(pass_threads, "--threads")
PASS(pass_reps, "--reps")
PASS(pass_param, "--param")
PASS(pass_scale, "--scale")
PASS(pass_seed, "--seed")
PASS(pass_warmup, "--warmup")
PASS(pass_timeout, "--timeout")
PASS(pass_pin, "--pin")
PASS(pass_touch, "--touch")
PASS(pass_preset, "--preset")
#undef PASS

#define RUNOPT(name, letter, val, fn, what)                                                        \
  {                                                                                                \
    name, letter, MMB_OPT_STRING, .value = val, .apply = fn, .group = 1,                           \
                                  .help = "(--paired) as `mmbench run` " what                      \
  }
static const mmb_option rows[] = {
    {"out", 'o', MMB_OPT_STRING, MMB_OPT_PTR(compare_args, out), .value = "OUTDIR",
     .help = "where to write the outputs (default: B/compare-vs-<name of A>; --paired:\n"
             "results/<UTC stamp>-paired, the run in OUTDIR/run)"},
    {"threshold", 0, MMB_OPT_DOUBLE, MMB_OPT_VAR(compare_args, threshold), -1, 99, .value = "PCT",
     .help = "practical threshold: changes within PCT % are never called (default 5)"},
    {"raw", 0, MMB_OPT_FLAG, MMB_OPT_VAR(compare_args, raw),
     .help = "judge the raw ratio even when most cells moved together"},
    {"own-variance", 0, MMB_OPT_FLAG, MMB_OPT_VAR(compare_args, own_variance),
     .help = "each cell's own variance only (default: moderated across the cells)"},
    {"paired", 0, MMB_OPT_FLAG, MMB_OPT_VAR(compare_args, paired),
     .help = "run A and B interleaved in one run, then compare round by round"},
    {"allocators", 'a', MMB_OPT_STRING, MMB_OPT_PTR(compare_args, allocators), .value = "LIST",
     .group = 1, .help = "(--paired) A's allocators"},
    {"b-allocators", 0, MMB_OPT_STRING, MMB_OPT_PTR(compare_args, b_allocators), .value = "LIST",
     .group = 1, .help = "(--paired) B's allocator for each -a item (default: the same)"},
    {"a-env", 0, MMB_OPT_STRING, .value = "K=V", .apply = set_a_env, .group = 1,
     .help = "(--paired) a setting exported to A's cells (repeatable)"},
    {"b-env", 0, MMB_OPT_STRING, .value = "K=V", .apply = set_b_env, .group = 1,
     .help = "(--paired) a setting exported to B's cells (repeatable)"},
    RUNOPT("workloads", 'w', "LIST", pass_workloads, "-w"),
    RUNOPT("threads", 't', "LIST", pass_threads, "-t"),
    RUNOPT("reps", 'r', "N", pass_reps, "-r"),
    RUNOPT("param", 'p', "K=V", pass_param, "-p (repeatable)"),
    RUNOPT("scale", 0, "F", pass_scale, "--scale"),
    RUNOPT("seed", 0, "N", pass_seed, "--seed"),
    RUNOPT("warmup", 0, "N", pass_warmup, "--warmup"),
    RUNOPT("timeout", 0, "SECONDS", pass_timeout, "--timeout"),
    RUNOPT("pin", 0, "CPUS", pass_pin, "--pin"),
    RUNOPT("touch", 0, "LIST", pass_touch, "--touch"),
    RUNOPT("preset", 0, "NAME", pass_preset, "--preset"),
    {.name = NULL}};
#undef RUNOPT

const mmb_optspec mmb_compare_options = {
    .command = "compare",
    .usage = "[OPTIONS] A B\n"
             "       mmbench compare --paired -a LIST [--a-env K=V] [--b-env K=V]\n"
             "                       [--b-allocators LIST] [run options] [-o OUTDIR]",
    .about = "\nCompares two results folders cell by cell (a cell = workload, parameters,\n"
             "allocator, threads): per cell B/A of ns/op and of peak RSS (ratio of the\n"
             "geometric means of the repetitions) with its 95 % t interval on log values, and\n"
             "a verdict: HIGHER / LOWER (called: the change exceeds the threshold, false\n"
             "discovery rate 5 % over the cells, Benjamini-Hochberg), same (the interval lies\n"
             "within the threshold), unsure (could not tell), too few (under 3 repetitions a\n"
             "side); and the cell's sensitivity, the smallest change it could have called.\n"
             "When most cells moved together (drift between two runs), a cell is called\n"
             "only when it also differs from that common shift. Writes compare.html,\n"
             "compare.txt, compare.csv, compare-time.svg/.png, compare-rss.svg/.png.\n\n"
             "--paired runs A and B itself, interleaved in one run (each round runs A's and\n"
             "B's configuration of a cell back to back, so drift cancels), then compares the\n"
             "rounds pairwise (paired t on log ratios). A = each -a allocator with the\n"
             "--a-env settings, B = the same (or the --b-allocators item) with --b-env; the\n"
             "settings are exported to the cell's process, e.g.\n"
             "  mmbench compare --paired -w malloc-free -a glibc -r 5 \\\n"
             "      --b-env GLIBC_TUNABLES=glibc.malloc.tcache_count=0\n",
    .rows = rows,
};

/* seed and scale of the plans (meta.json): cells of runs that differ there
 * measure different work. 0 same or unknown, -1 with err. */
static int plan_diff(const run *a, const run *b, char *err, size_t errlen) {
  static const char *const keys[] = {"plan.seed", "plan.scale", NULL};
  for (int i = 0; keys[i]; i++) {
    char x[128], y[128];
    const char *sx = mmb_rep_meta_str(a->meta, keys[i], x, sizeof x),
               *sy = mmb_rep_meta_str(b->meta, keys[i], y, sizeof y);
    if (sx && sy && strcmp(sx, sy) != 0) {
      snprintf(err, errlen,
               "%s and %s come from different plans (%s %s vs %s): their cells measure "
               "different work (compare runs with the same --seed and --scale)",
               a->dir, b->dir, keys[i], sx, sy);
      return -1;
    }
  }
  return 0;
}

/* Judge both metrics and render the notes of the time family. */
static int judge(jcell *cells, size_t n, const mmb_cmp_opts *o, mmb_cmp_family *ft,
                 mmb_cmp_family *fr) {
  mmb_cmp_cell *t = mmb_xcalloc(n + 1, sizeof *t, "the comparison"),
               *r = mmb_xcalloc(n + 1, sizeof *r, "the comparison");
  for (size_t i = 0; i < n; i++) {
    cell_metric(&cells[i].a, &cells[i].b, 0, o, &t[i]);
    cell_metric(&cells[i].a, &cells[i].b, 1, o, &r[i]);
  }
  int rc = mmb_cmp_judge(t, n, o, ft) || mmb_cmp_judge(r, n, o, fr);
  for (size_t i = 0; i < n; i++) cells[i].t = t[i], cells[i].r = r[i];
  free(t);
  free(r);
  return rc;
}

/* Everything one comparison holds; job_free releases it. */
typedef struct compare_job {
  compare_args ar;
  mmb_cmp_opts o;
  const char *dirs[2]; /* the folders given (argv) */
  int nd;              /* how many were given */
  unsigned given;      /* option groups given */
  const char *outdir;
  char defdir[4400], rundir[4600]; /* the default output folder; paired: its run */
  run a, b;
  mmb_paired_spec *ps; /* paired: A's and B's specs */
  jcell *cells;        /* the joined cells */
  size_t n;
  mmb_cmp_family ft, fr; /* the time and RSS families */
  char envdiff[4096];
  char err[5200];
} compare_job;

static void job_free(compare_job *j) {
  for (size_t k = 0; k < j->n; k++) free_side(&j->cells[k].a), free_side(&j->cells[k].b);
  free(j->cells);
  free_run(&j->a);
  free_run(&j->b);
  free(j->ps);
  free(j->ar.a_env);
  free(j->ar.b_env);
  free(j->ar.pass);
}

/* The usage error in j->err: its exit status. */
static int fail(const compare_job *j) { return mmb_usage_error("compare", j->err); }

/* The options into j->ar and j->o, the folders into j->dirs. -1 to go on,
 * else the exit status. */
static int parse_args(compare_job *j, int argc, char **argv) {
  int next = argc;
  int prc = mmb_opts_parse(&mmb_compare_options, &j->ar, argc, argv, &next, &j->given);
  if (prc >= 0) return prc;
  if (!(j->ar.threshold >= 0))
    return mmb_usage_error("compare", "--threshold: give a percentage from 0 to 99, e.g. 5");
  j->o.threshold = j->ar.threshold / 100;
  j->o.raw = j->ar.raw;
  j->o.own_variance = j->ar.own_variance;
  j->o.paired = j->ar.paired;
  j->outdir = j->ar.out;
  j->nd = argc - next;
  for (int i = 0; i < j->nd && i < 2; i++) j->dirs[i] = argv[next + i];
  return -1;
}

/* Two results folders, loaded, of one plan. 0, or the exit status. */
static int load_folders(compare_job *j) {
  if (j->given & 1)
    return mmb_usage_error("compare", "-a, -w, -t, -r, -p, --a-env, --b-env and the other run "
                                      "options need --paired (or compare two results folders)");
  if (j->nd != 2)
    return mmb_usage_error("compare", j->nd > 2 ? "takes two results folders: mmbench compare A B"
                                                : "needs two results folders: mmbench compare A B");
  if (load_run(j->dirs[0], &j->a, j->err, sizeof j->err)) return fail(j);
  if (load_run(j->dirs[1], &j->b, j->err, sizeof j->err) ||
      plan_diff(&j->a, &j->b, j->err, sizeof j->err))
    return fail(j);
  return 0;
}

/* --paired: no folder given, A's and B's specs built and checked. 0, or
 * the exit status. */
static int build_paired(compare_job *j) {
  if (j->nd) {
    snprintf(j->err, sizeof j->err,
             "--paired runs A and B itself: '%s' is not an option (results folders are "
             "compared without --paired)",
             j->dirs[0]);
    return fail(j);
  }
  j->ps = mmb_xcalloc(1, sizeof *j->ps, "the comparison");
  if (mmb_paired_build(j->ar.allocators, j->ar.b_allocators, j->ar.a_env, j->ar.na, j->ar.b_env,
                       j->ar.nb, j->ps, j->err, sizeof j->err))
    return fail(j);
  return 0;
}

/* The output folder: -o, else B/compare-vs-<name of A>, else (paired)
 * results/<UTC stamp>-paired. */
static void choose_outdir(compare_job *j) {
  if (j->outdir) return;
  if (!j->ar.paired) {
    char base[256], slug[200];
    mmb_rep_basename(j->a.dir, base, sizeof base);
    mmb_rep_slug(base, slug, sizeof slug);
    snprintf(j->defdir, sizeof j->defdir, "%s/compare-vs-%s", j->dirs[1], slug);
  } else {
    mmb_paired_default_out(j->defdir, sizeof j->defdir);
  }
  j->outdir = j->defdir;
}

/* --paired: run A and B interleaved into OUTDIR/run, loaded as both sides.
 * 0, or the exit status. */
static int run_paired(compare_job *j) {
  snprintf(j->rundir, sizeof j->rundir, "%s/run", j->outdir);
  int rc = mmb_paired_run(j->ps, j->rundir, j->ar.np, j->ar.pass);
  if (rc) return rc;
  if (load_run(j->rundir, &j->a, j->err, sizeof j->err) ||
      load_run(j->rundir, &j->b, j->err, sizeof j->err))
    return fail(j);
  return 0;
}

/* Join: every cell of A (report order) that B has too; paired: every
 * A-configuration cell with its B-configuration cell. 0, or the exit
 * status when they share none. */
static int join_cells(compare_job *j) {
  const run *a = &j->a, *b = &j->b;
  j->cells = mmb_xcalloc(a->m.ncells + 1, sizeof *j->cells, "the comparison");
  for (size_t i = 0; i < a->m.ncells; i++) {
    const mmb_rcell *ca = &a->m.cells[i], *cb = NULL;
    const char *label = ca->allocator;
    int k = j->ar.paired ? mmb_paired_partner(j->ps, ca->allocator) : -1;
    if (!j->ar.paired)
      cb = mmb_rep_find(&b->m, ca->workload, ca->params, ca->allocator, ca->threads);
    else if (k >= 0) {
      cb = mmb_rep_find(&b->m, ca->workload, ca->params, j->ps->b[k], ca->threads);
      label = j->ps->name[k];
    }
    if (!cb || ca->nrows == 0 || cb->nrows == 0) continue;
    jcell *x = &j->cells[j->n++];
    x->workload = ca->workload;
    x->params = ca->params;
    x->allocator = label;
    x->threads = ca->threads;
    take_cell(a, ca, &x->a);
    take_cell(b, cb, &x->b);
  }
  if (j->n > 0) return 0;
  snprintf(j->err, sizeof j->err,
           "%s and %s share no cell (workload, params, allocator, threads): "
           "nothing to compare (compare two runs of overlapping matrices)",
           a->dir, b->dir);
  return fail(j);
}

/* Judge both metrics, sort the cells by change, label them; the
 * environment differences (a warning between two separate runs). */
static void analyse(compare_job *j) {
  if (judge(j->cells, j->n, &j->o, &j->ft, &j->fr))
    mmb_out_of_memory(j->n * sizeof(double), "the comparison");
  qsort(j->cells, j->n, sizeof *j->cells, cmp_change);
  make_labels(j->cells, j->n);
  env_diff(&j->a, &j->b, j->envdiff, sizeof j->envdiff);
  if (j->envdiff[0] && !j->ar.paired)
    fprintf(stderr,
            "mmbench compare: warning: the environments differ (%s): the ratios mix "
            "the change under test with these\n",
            j->envdiff);
  if (j->ar.paired) j->envdiff[0] = 0;
}

/* OUTDIR/data/, compare.txt, compare.csv, and the table on stdout. 0, or
 * the exit status. */
static int write_tables(compare_job *j) {
  char path[4600];
  snprintf(path, sizeof path, "%s/data", j->outdir);
  int mk = mmb_mkdirs(path);
  if (mk) {
    snprintf(j->err, sizeof j->err, "cannot create %s: %s (give a writable folder with -o)", path,
             strerror(-mk));
    return fail(j);
  }
  char ra[PATH_MAX], rb[PATH_MAX];
  if (!j->ar.paired && realpath(j->dirs[0], ra) && realpath(j->dirs[1], rb) && strcmp(ra, rb) == 0)
    fprintf(stderr, "mmbench compare: note: A and B are the same folder (%s): every ratio is 1\n",
            ra);
  snprintf(path, sizeof path, "%s/compare.txt", j->outdir);
  FILE *txt = fopen(path, "w");
  if (!txt) {
    snprintf(j->err, sizeof j->err, "cannot write %s: %s (give a writable folder with -o)", path,
             strerror(errno));
    return fail(j);
  }
  text_table(txt, j->cells, j->n, &j->a, &j->b, j->envdiff, &j->ft, &j->o);
  fclose(txt);
  snprintf(path, sizeof path, "%s/compare.csv", j->outdir);
  if (write_csv(path, j->cells, j->n, &j->o)) {
    snprintf(j->err, sizeof j->err, "cannot write %s: %s", path, strerror(errno));
    return fail(j);
  }
  text_table(stdout, j->cells, j->n, &j->a, &j->b, j->envdiff, &j->ft, &j->o);
  return 0;
}

/* The plots and compare.html, then the closing line. 0, or the exit
 * status. */
static int write_report(compare_job *j) {
  notebuf nb = {.n = 0};
  notes_build(&nb, &j->ft, &j->o);

  mmb_gnuplot gp;
  mmb_gp_find(&gp);
  char ca[300], cb[300], caption[700];
  if (j->ar.paired) {
    mmb_paired_captions(j->ps, ca, cb, sizeof ca);
  } else {
    run_caption(&j->a, ca, sizeof ca);
    run_caption(&j->b, cb, sizeof cb);
  }
  snprintf(caption, sizeof caption, "mmbench compare · A = %s · B = %s", ca, cb);
  int drawn_t = mmb_compare_ratio_plot(
      &gp, j->outdir, "compare-time", j->cells, j->n, 0,
      "B/A: time per operation, cells sorted by change",
      "B/A of ns/op, geometric means (log scale; below 1: B is faster)", caption);
  int drawn_r = mmb_compare_ratio_plot(
      &gp, j->outdir, "compare-rss", j->cells, j->n, 1, "B/A: peak RSS, cells sorted by change",
      "B/A of peak RSS, geometric means (log scale; below 1: B uses less)", caption);
  int rc = write_page(j->outdir, j->cells, j->n, ca, cb, j->envdiff, drawn_t, drawn_r, &j->o, &nb,
                      &j->ft, j->err, sizeof j->err);
  notes_free(&nb);
  if (rc) return fail(j);
  if (!gp.have) fprintf(stderr, "mmbench compare: no plots: %s\n", gp.why);
  printf("compare: %zu cells in common; report: %s/compare.html (table, CSV%s beside it)\n", j->n,
         j->outdir, drawn_t + drawn_r ? " and plots" : "");
  return 0;
}

/* The steps in order; the exit status. */
static int compare(compare_job *j, int argc, char **argv) {
  int rc = parse_args(j, argc, argv);
  if (rc >= 0) return rc;
  if ((rc = j->ar.paired ? build_paired(j) : load_folders(j)) != 0) return rc;
  choose_outdir(j);
  if (j->ar.paired && (rc = run_paired(j)) != 0) return rc;
  if ((rc = join_cells(j)) != 0) return rc;
  analyse(j);
  if ((rc = write_tables(j)) != 0) return rc;
  return write_report(j);
}

int mmb_cmd_compare(int argc, char **argv) {
  compare_job j = {.ar = {.threshold = MMB_CMP_THRESHOLD * 100}, .o = {.alpha = MMB_CMP_ALPHA}};
  j.ar.a_env = mmb_xcalloc((size_t)argc + 1, sizeof *j.ar.a_env, "the comparison");
  j.ar.b_env = mmb_xcalloc((size_t)argc + 1, sizeof *j.ar.b_env, "the comparison");
  j.ar.pass = mmb_xcalloc(2 * (size_t)argc + 2, sizeof *j.ar.pass, "the comparison");
  int rc = compare(&j, argc, argv);
  job_free(&j);
  return rc;
}
