/* mmbench — `mmbench compare A B [-o OUTDIR]`: the cells two results
 * folders share, each with the ratio B/A of its medians (ns/op and peak
 * RSS), a 95 % bootstrap CI of the ratio and a Mann–Whitney significance
 * mark, its p-value adjusted (Benjamini–Hochberg) over every cell compared,
 * from the per-repetition values in runs.csv. Writes a text table
 * (also printed), a CSV, and bar plots of the ratios sorted by change;
 * refuses two runs with no cell in common; warns when the environments
 * (meta.json) differ. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_util.h"
#include "commands.h"
#include "options.h"
#include "files.h"
#include "metrics.h"
#include "report.h"
#include "stats.h"
#include "xalloc.h"

#define SIGNIFICANT_P 0.05
#define PLOT_MAX_CELLS 60 /* bars in compare-time/-rss.svg */
/* p-values of all cells of one metric form one family, adjusted together */
#define ADJUST MMB_ADJ_BH

/* ------------------------------------------------------------------------
 * One run: the results folder as the report loads it
 * ---------------------------------------------------------------------- */
typedef struct side {
  char status[24]; /* ok, or the first failing status (skipped wins) */
  const char *reason;
  int nrows;
  double *t, *r; /* ok values of ns_per_op and peak_rss_kb */
  size_t nt, nr;
} side;

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
      crss = mmb_table_col(t, MMB_METRIC_PEAK_RSS);
  memset(s, 0, sizeof *s);
  snprintf(s->status, sizeof s->status, "%s", mmb_status_name(c->status));
  s->reason = c->reason;
  s->nrows = (int)c->nrows;
  s->t = mmb_xcalloc(c->nrows + 1, sizeof *s->t, "the comparison");
  s->r = mmb_xcalloc(c->nrows + 1, sizeof *s->r, "the comparison");
  for (size_t k = 0; k < c->nrows; k++) {
    size_t row = c->rows[k];
    if (strcmp(mmb_table_get(t, row, cs), "ok") != 0) continue;
    double v;
    if (mmb_table_num(t, row, cn, &v) == 1) s->t[s->nt++] = v;
    if (mmb_table_num(t, row, crss, &v) == 1) s->r[s->nr++] = v;
  }
}

/* ------------------------------------------------------------------------
 * The joined cells
 * ---------------------------------------------------------------------- */
typedef struct ratio {
  int have;
  double ma, mb, ratio, lo, hi, p;
  double p_adj; /* adjusted for the family of cells (ADJUST) */
  int sig;      /* p_adj < SIGNIFICANT_P */
} ratio;

typedef struct jcell {
  const char *workload, *params, *allocator; /* in A's table */
  int threads;
  side a, b;
  ratio t, r; /* ns_per_op, peak_rss_kb */
  char label[400];
} jcell;

static double median_of(const double *v, size_t n) {
  double *c = mmb_xmalloc((n ? n : 1) * sizeof *c, "the comparison");
  memcpy(c, v, n * sizeof *c);
  mmb_summary s;
  mmb_summarize(c, n, &s);
  free(c);
  return s.median;
}

static void compute_ratio(const double *a, size_t na, const double *b, size_t nb, ratio *out) {
  memset(out, 0, sizeof *out);
  if (!na || !nb) return;
  out->ma = median_of(a, na);
  out->mb = median_of(b, nb);
  if (!(out->ma > 0)) return;
  out->have = 1;
  out->ratio = out->mb / out->ma;
  mmb_ratio_ci(a, na, b, nb, &out->lo, &out->hi);
  out->p = mmb_mann_whitney_p(a, na, b, nb);
  out->p_adj = out->p;
  out->sig = 0; /* set by adjust_family */
}

/* Adjust the p-values of one metric over every cell that has a ratio, and
 * mark the significant ones. Returns the size of the family. */
static size_t adjust_family(jcell *c, size_t n, int rss) {
  double *p = mmb_xcalloc(n, sizeof *p, "the comparison"),
         *q = mmb_xcalloc(n, sizeof *q, "the comparison");
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    ratio *r = rss ? &c[i].r : &c[i].t;
    p[i] = r->have ? r->p : NAN;
    m += r->have != 0;
  }
  if (mmb_p_adjust(p, n, ADJUST, q) != 0)
    mmb_out_of_memory(n * sizeof(size_t), "the p-value adjustment");
  for (size_t i = 0; i < n; i++) {
    ratio *r = rss ? &c[i].r : &c[i].t;
    if (!r->have) continue;
    r->p_adj = q[i];
    r->sig = q[i] < SIGNIFICANT_P;
  }
  free(p);
  free(q);
  return m;
}

static int cmp_change(const void *x, const void *y) {
  const jcell *a = x, *b = y;
  if (a->t.have != b->t.have) return a->t.have ? -1 : 1;
  if (a->t.have && a->t.ratio != b->t.ratio) return a->t.ratio > b->t.ratio ? -1 : 1;
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
static void fmt_ratio(const ratio *r, char *val, char *ci, char *p, size_t len) {
  if (!r->have) {
    snprintf(val, len, "-");
    snprintf(ci, len, "-");
    snprintf(p, len, "-");
    return;
  }
  snprintf(val, len, "%.3f%s", r->ratio, r->sig ? "*" : "");
  snprintf(ci, len, "[%.3f, %.3f]", r->lo, r->hi);
  snprintf(p, len, "%.2g/%.2g", r->p, r->p_adj);
}

static void text_table(FILE *out, const jcell *c, size_t n, const run *a, const run *b,
                       const char *envdiff) {
  char ca[300], cb[300];
  run_caption(a, ca, sizeof ca);
  run_caption(b, cb, sizeof cb);
  fprintf(out,
          "mmbench compare: ratio B/A of the medians per cell (below 1: B is lower)\n"
          "  A = %s\n  B = %s\n",
          ca, cb);
  if (envdiff[0]) fprintf(out, "  environments differ: %s\n", envdiff);
  int lw = 5;
  for (size_t i = 0; i < n; i++)
    if ((int)strlen(c[i].label) > lw) lw = (int)strlen(c[i].label);
  if (lw > 60) lw = 60;
  fprintf(out, "%-*s  %10s %10s  %-8s %-18s %-15s  %-8s %-18s\n", lw, "cell", "A ns/op", "B ns/op",
          "B/A", "95% CI", "p/adjusted p", "RSS B/A", "95% CI");
  for (size_t i = 0; i < n; i++) {
    char va[32], vb[32], r1[32], ci1[64], p1[32], r2[32], ci2[64], p2[32];
    fmt_ratio(&c[i].t, r1, ci1, p1, 32);
    fmt_ratio(&c[i].r, r2, ci2, p2, 32);
    if (c[i].t.have) {
      mmb_rep_fmt_si(c[i].t.ma, "ns", va, sizeof va);
      mmb_rep_fmt_si(c[i].t.mb, "ns", vb, sizeof vb);
    } else {
      snprintf(va, sizeof va, "%s", c[i].a.status);
      snprintf(vb, sizeof vb, "%s", c[i].b.status);
    }
    fprintf(out, "%-*.*s  %10s %10s  %-8s %-18s %-15s  %-8s %-18s", lw, lw, c[i].label, va, vb, r1,
            ci1, p1, r2, ci2);
    if (strcmp(c[i].a.status, "ok") != 0 || strcmp(c[i].b.status, "ok") != 0)
      fprintf(out, "  A %s, B %s", c[i].a.status, c[i].b.status);
    fputc('\n', out);
  }
  size_t fam = 0;
  for (size_t i = 0; i < n; i++) fam += c[i].t.have != 0;
  fprintf(out,
          "* = significant: %s-adjusted p < %.2f over the %zu cells compared (false discovery "
          "rate %.0f %%; RSS adjusted as its own family); p = Mann-Whitney U over the "
          "repetitions of the cell alone; CI = 95 %% bootstrap interval of the ratio (nominal: "
          "with few repetitions it covers less)\n",
          mmb_p_adjust_name(ADJUST), SIGNIFICANT_P, fam, SIGNIFICANT_P * 100);
  /* The smallest p the test gives at these repetition counts (every B
   * above every A): when a lone change cannot reach the corrected level,
   * say so rather than let "not significant" read as "no change". */
  size_t na = 0, nb = 0;
  for (size_t i = 0; i < n; i++)
    if (c[i].t.have && (!na || c[i].a.nt + c[i].b.nt > na + nb)) na = c[i].a.nt, nb = c[i].b.nt;
  if (fam > 1 && na && nb) {
    double *x = mmb_xmalloc((na + nb) * sizeof *x, "the comparison");
    for (size_t i = 0; i < na + nb; i++) x[i] = (double)i;
    double pmin = mmb_mann_whitney_p(x, na, x + na, nb);
    free(x);
    if (pmin >= SIGNIFICANT_P / (double)fam)
      fprintf(out,
              "note: with %zu and %zu repetitions the smallest p is %.2g, above %.2g, the level a "
              "change in a single cell needs among %zu: only changes shared by many cells can show "
              "as significant; more repetitions (-r) lower that floor\n",
              na, nb, pmin, SIGNIFICANT_P / (double)fam, fam);
  }
}

static void csv_num(FILE *f, int have, double v) {
  if (have && !isnan(v))
    fprintf(f, ",%.10g", v);
  else
    fputs(",", f);
}

static int write_csv(const char *path, const jcell *c, size_t n) {
  FILE *f = fopen(path, "w");
  if (!f) return -1;
  fputs("workload,params,allocator,threads,status_a,status_b,n_a,n_b,median_a,median_b,ratio,"
        "ratio_lo,ratio_hi,p,significant,rss_median_a,rss_median_b,rss_ratio,rss_ratio_lo,"
        "rss_ratio_hi,rss_p,rss_significant,p_adj,rss_p_adj\n",
        f);
  for (size_t i = 0; i < n; i++) {
    mmb_csv_fput(f, c[i].workload, 1);
    mmb_csv_fput(f, c[i].params, 0);
    mmb_csv_fput(f, c[i].allocator, 0);
    fprintf(f, ",%d,%s,%s,%zu,%zu", c[i].threads, c[i].a.status, c[i].b.status, c[i].a.nt,
            c[i].b.nt);
    const ratio *rs[2] = {&c[i].t, &c[i].r};
    for (int k = 0; k < 2; k++) {
      const ratio *r = rs[k];
      csv_num(f, r->have, r->ma);
      csv_num(f, r->have, r->mb);
      csv_num(f, r->have, r->ratio);
      csv_num(f, r->have, r->lo);
      csv_num(f, r->have, r->hi);
      csv_num(f, r->have, r->p);
      if (r->have)
        fprintf(f, ",%d", r->sig);
      else
        fputs(",", f);
    }
    csv_num(f, c[i].t.have, c[i].t.p_adj);
    csv_num(f, c[i].r.have, c[i].r.p_adj);
    fputc('\n', f);
  }
  return fclose(f);
}

/* Bar plot of one ratio, cells sorted by that ratio. Returns 1 drawn. */
static int ratio_plot(const mmb_gnuplot *gp, const char *outdir, const char *name, jcell *c,
                      size_t n, int rss, const char *title, const char *xlabel,
                      const char *caption) {
  /* Cells with this ratio, sorted by it (largest first). */
  size_t *idx = mmb_xcalloc(n, sizeof *idx, "the comparison"), m = 0;
  for (size_t i = 0; i < n; i++)
    if ((rss ? c[i].r : c[i].t).have) idx[m++] = i;
  for (size_t i = 1; i < m; i++)
    for (size_t j = i; j > 0; j--) {
      double x = (rss ? c[idx[j - 1]].r : c[idx[j - 1]].t).ratio,
             y = (rss ? c[idx[j]].r : c[idx[j]].t).ratio;
      if (x >= y) break;
      size_t t = idx[j];
      idx[j] = idx[j - 1];
      idx[j - 1] = t;
    }
  /* A labelled bar per cell stays readable up to a few dozen cells: beyond,
   * the largest increases and decreases (compare.html draws every cell). */
  char full_title[300];
  snprintf(full_title, sizeof full_title, "%s", title);
  if (m > PLOT_MAX_CELLS) {
    size_t half = PLOT_MAX_CELLS / 2;
    memmove(idx + half, idx + m - half, half * sizeof *idx);
    snprintf(full_title, sizeof full_title, "%s: the %d largest changes of %zu", title,
             PLOT_MAX_CELLS, m);
    m = PLOT_MAX_CELLS;
  }
  title = full_title;
  char path[4400];
  snprintf(path, sizeof path, "%s/data/%s.dat", outdir, name);
  FILE *f = fopen(path, "w");
  if (!f) {
    free(idx);
    return 0;
  }
  fprintf(f,
          "# mmbench compare: %s; blocks: significant increase, significant decrease, not "
          "significant; columns: y ratio ci_lo ci_hi \"label\" label_x\n",
          title);
  double xmin = 1, xmax = 1;
  char *tics = mmb_xcalloc(1, 64 + m * 440, "the comparison");
  strcat(tics, "(");
  for (int block = 0; block < 3; block++) {
    int rows = 0;
    fprintf(f, "%s# %s\n", block ? "\n\n" : "",
            block == 0   ? "higher in B"
            : block == 1 ? "lower in B"
                         : "not significant");
    for (size_t k = 0; k < m; k++) {
      const ratio *r = rss ? &c[idx[k]].r : &c[idx[k]].t;
      int b = !r->sig ? 2 : r->ratio > 1 ? 0 : 1;
      if (b != block) continue;
      double lo = isnan(r->lo) ? r->ratio : r->lo, hi = isnan(r->hi) ? r->ratio : r->hi;
      double lx = hi > r->ratio ? hi : r->ratio;
      fprintf(f, "%zu %.6g %.6g %.6g \"%.3f×%s\" %.6g\n", k + 1, r->ratio, lo, hi, r->ratio,
              r->sig ? " *" : "", lx);
      if (lo < xmin) xmin = lo;
      if (r->ratio < xmin) xmin = r->ratio;
      if (lx > xmax) xmax = lx;
      rows++;
    }
    if (!rows) fprintf(f, "NaN NaN NaN NaN \"\" NaN\n");
  }
  fclose(f);
  for (size_t k = 0; k < m; k++) {
    char lab[440];
    snprintf(lab, sizeof lab, "%s", c[idx[k]].label);
    for (char *p = lab; *p; p++)
      if (*p == '"' || *p == '\\') *p = '\'';
    sprintf(tics + strlen(tics), "%s\"%s\" %zu", k ? ", " : "", lab, k + 1);
  }
  strcat(tics, ")");
  int drawn = 0;
  if (gp->have && m > 0) {
    mmb_gpvars v = {.len = 0};
    char out[4400], log[4400];
    snprintf(out, sizeof out, "%s/%s", outdir, name);
    snprintf(log, sizeof log, "%s/data/%s.log", outdir, name);
    mmb_gp_str(&v, "out", out);
    mmb_gp_str(&v, "title", title);
    mmb_gp_str(&v, "caption", caption);
    mmb_gp_num(&v, "width", 960);
    mmb_gp_num(&v, "height", 150 + 22 * (double)m);
    mmb_gp_num(&v, "bmargin", 4.5);
    mmb_gp_str(&v, "data", path);
    mmb_gp_str(&v, "yticsdef", tics);
    mmb_gp_num(&v, "ncells", (double)m);
    mmb_gp_str(&v, "xlabel", xlabel);
    xmin /= 1.25;
    xmax *= 1.6;
    mmb_gp_num(&v, "xmin", xmin);
    mmb_gp_num(&v, "xmax", xmax);
    /* Readable tics on the log axis: the usual ratios within the range. */
    static const double nice[] = {0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 0.67, 0.8, 0.9, 1,
                                  1.1,  1.25, 1.5,  2,   3,   4,    5,   10,   20,  50,  100};
    char xt[512] = "(";
    int nt = 0;
    for (size_t k = 0; k < sizeof nice / sizeof nice[0]; k++)
      if (nice[k] >= xmin && nice[k] <= xmax)
        snprintf(xt + strlen(xt), sizeof xt - strlen(xt), "%s%g", nt++ ? ", " : "", nice[k]);
    strncat(xt, ")", sizeof xt - strlen(xt) - 1);
    mmb_gp_str(&v, "xticsdef", nt ? xt : "autofreq");
    if (mmb_gp_run(gp, "ratios.gp", &v, out, log) == 0)
      drawn = 1;
    else
      fprintf(stderr, "mmbench compare: gnuplot failed on %s.svg; its messages are in %s\n", name,
              log);
  }
  free(tics);
  free(idx);
  return drawn;
}

/* compare.html: the joined cells handed to report_compare.c. */
static void copy_ratio(const ratio *r, mmb_cratio *out) {
  out->have = r->have;
  out->ma = r->ma;
  out->mb = r->mb;
  out->ratio = r->ratio;
  out->lo = r->lo;
  out->hi = r->hi;
  out->p = r->p;
  out->p_adj = r->p_adj;
  out->sig = r->sig;
}

static void copy_counts(const side *a, const side *b, int rss, mmb_cratio *out) {
  out->na = (int)(rss ? a->nr : a->nt);
  out->nb = (int)(rss ? b->nr : b->nt);
}

static int write_page(const char *outdir, const jcell *c, size_t n, const char *ca, const char *cb,
                      const char *envdiff, int drawn_time, int drawn_rss, char *err,
                      size_t errlen) {
  mmb_ccell *v = mmb_xcalloc(n + 1, sizeof *v, "the comparison");
  for (size_t i = 0; i < n; i++) {
    v[i].label = c[i].label;
    v[i].workload = c[i].workload;
    v[i].allocator = c[i].allocator;
    v[i].status_a = c[i].a.status;
    v[i].status_b = c[i].b.status;
    copy_ratio(&c[i].t, &v[i].t);
    copy_ratio(&c[i].r, &v[i].r);
    copy_counts(&c[i].a, &c[i].b, 0, &v[i].t);
    copy_counts(&c[i].a, &c[i].b, 1, &v[i].r);
  }
  mmb_cpage pg = {.caption_a = ca,
                  .caption_b = cb,
                  .envdiff = envdiff,
                  .method = mmb_p_adjust_name(ADJUST),
                  .alpha = SIGNIFICANT_P,
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
  const char *out;
} compare_args;

static const mmb_option rows[] = {{"out", 'o', MMB_OPT_STRING, MMB_OPT_PTR(compare_args, out),
                                   .value = "OUTDIR", .help = "where to write the outputs"},
                                  {NULL}};
const mmb_optspec mmb_compare_options = {
    .command = "compare",
    .usage = "[-o OUTDIR] A B",
    .about = "\nCompares two results folders cell by cell (a cell = workload, parameters,\n"
             "allocator, threads): for every cell both have, the ratio B/A of the medians of\n"
             "ns/op and of peak RSS, a 95 % bootstrap interval of the ratio, and whether the\n"
             "change is significant (Mann-Whitney U p, Benjamini-Hochberg-adjusted over all\n"
             "cells compared, < 0.05: false discovery rate 5 %). Prints a table sorted by\n"
             "change and writes to OUTDIR (default B/compare-vs-<name of A>):\n"
             "  compare.html (overview first: B/A of every cell, sorted, significant ones\n"
             "  coloured; then the figures and the full table), compare.txt, compare.csv,\n"
             "  compare-time.svg/.png, compare-rss.svg/.png\n",
    .rows = rows,
    .stop_at_argument = 1,
};

int mmb_cmd_compare(int argc, char **argv) {
  compare_args o = {0};
  int next;
  int prc = mmb_opts_parse(&mmb_compare_options, &o, argc, argv, &next, NULL);
  if (prc >= 0) return prc;
  const char *outdir = o.out;
  /* Options may also follow the folders. */
  const char *dirs[2];
  int nd = 0;
  for (int i = next; i < argc; i++) {
    if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--out") == 0) && i + 1 < argc) {
      outdir = argv[++i];
      continue;
    }
    if (nd == 2)
      return mmb_usage_error("compare", "takes two results folders: mmbench compare A B");
    dirs[nd++] = argv[i];
  }
  if (nd != 2) return mmb_usage_error("compare", "needs two results folders: mmbench compare A B");

  char err[5200];
  run a, b;
  if (load_run(dirs[0], &a, err, sizeof err)) return mmb_usage_error("compare", err);
  if (load_run(dirs[1], &b, err, sizeof err)) {
    free_run(&a);
    return mmb_usage_error("compare", err);
  }

  /* Join: every cell of A (report order) that B has too. */
  jcell *cells = NULL;
  size_t n = 0;
  cells = mmb_xcalloc(a.m.ncells + 1, sizeof *cells, "the comparison");
  for (size_t i = 0; i < a.m.ncells; i++) {
    const mmb_rcell *ca = &a.m.cells[i];
    const mmb_rcell *cb = mmb_rep_find(&b.m, ca->workload, ca->params, ca->allocator, ca->threads);
    if (!cb || ca->nrows == 0 || cb->nrows == 0) continue;
    jcell *x = &cells[n++];
    x->workload = ca->workload;
    x->params = ca->params;
    x->allocator = ca->allocator;
    x->threads = ca->threads;
    take_cell(&a, ca, &x->a);
    take_cell(&b, cb, &x->b);
    compute_ratio(x->a.t, x->a.nt, x->b.t, x->b.nt, &x->t);
    compute_ratio(x->a.r, x->a.nr, x->b.r, x->b.nr, &x->r);
  }
  int rc = 0;
  if (n == 0) {
    snprintf(err, sizeof err,
             "%s and %s share no cell (workload, params, allocator, threads): "
             "nothing to compare (compare two runs of overlapping matrices)",
             dirs[0], dirs[1]);
    rc = mmb_usage_error("compare", err);
    goto out;
  }
  adjust_family(cells, n, 0);
  adjust_family(cells, n, 1);
  qsort(cells, n, sizeof *cells, cmp_change);
  make_labels(cells, n);

  char envdiff[4096];
  env_diff(&a, &b, envdiff, sizeof envdiff);
  if (envdiff[0])
    fprintf(stderr,
            "mmbench compare: warning: the environments differ (%s): the ratios mix "
            "the change under test with these\n",
            envdiff);

  /* Output folder. */
  char defdir[4400], path[4600], slug[200];
  if (!outdir) {
    char base[256];
    mmb_rep_basename(a.dir, base, sizeof base);
    mmb_rep_slug(base, slug, sizeof slug);
    snprintf(defdir, sizeof defdir, "%s/compare-vs-%s", dirs[1], slug);
    outdir = defdir;
  }
  snprintf(path, sizeof path, "%s/data", outdir);
  int mk = mmb_mkdirs(path);
  if (mk) {
    snprintf(err, sizeof err, "cannot create %s: %s (give a writable folder with -o)", path,
             strerror(-mk));
    rc = mmb_usage_error("compare", err);
    goto out;
  }
  char ra[PATH_MAX], rb[PATH_MAX];
  if (realpath(dirs[0], ra) && realpath(dirs[1], rb) && strcmp(ra, rb) == 0)
    fprintf(stderr, "mmbench compare: note: A and B are the same folder (%s): every ratio is 1\n",
            ra);
  snprintf(path, sizeof path, "%s/compare.txt", outdir);
  FILE *txt = fopen(path, "w");
  if (!txt) {
    snprintf(err, sizeof err, "cannot write %s: %s (give a writable folder with -o)", path,
             strerror(errno));
    rc = mmb_usage_error("compare", err);
    goto out;
  }
  text_table(txt, cells, n, &a, &b, envdiff);
  fclose(txt);
  snprintf(path, sizeof path, "%s/compare.csv", outdir);
  if (write_csv(path, cells, n)) {
    snprintf(err, sizeof err, "cannot write %s: %s", path, strerror(errno));
    rc = mmb_usage_error("compare", err);
    goto out;
  }
  text_table(stdout, cells, n, &a, &b, envdiff);

  mmb_gnuplot gp;
  mmb_gp_find(&gp);
  char ca[300], cb[300], caption[700];
  run_caption(&a, ca, sizeof ca);
  run_caption(&b, cb, sizeof cb);
  snprintf(caption, sizeof caption, "mmbench compare · A = %s · B = %s", ca, cb);
  int drawn_t = ratio_plot(
      &gp, outdir, "compare-time", cells, n, 0, "B/A: time per operation, cells sorted by change",
      "median ns/op of B ÷ median of A (log scale; below 1: B is faster)", caption);
  int drawn_r =
      ratio_plot(&gp, outdir, "compare-rss", cells, n, 1, "B/A: peak RSS, cells sorted by change",
                 "median peak RSS of B ÷ median of A (log scale; below 1: B uses less)", caption);
  int drawn = drawn_t + drawn_r;
  if (write_page(outdir, cells, n, ca, cb, envdiff, drawn_t, drawn_r, err, sizeof err)) {
    rc = mmb_usage_error("compare", err);
    goto out;
  }
  if (!gp.have) fprintf(stderr, "mmbench compare: no plots: %s\n", gp.why);
  printf("compare: %zu cells in common; report: %s/compare.html (table, CSV%s beside it)\n", n,
         outdir, drawn ? " and plots" : "");
out:
  for (size_t k = 0; k < n; k++) {
    free(cells[k].a.t), free(cells[k].a.r), free(cells[k].b.t), free(cells[k].b.r);
  }
  free(cells);
  free_run(&a);
  free_run(&b);
  return rc;
}
