/* mmbench — DIR/report.html: one self-contained page that works offline
 * (inline style and script, figures referenced relatively), read top down:
 * the overview (report_summary.c), the figures by family, the full table of
 * medians (collapsed, with filters by workload, allocator and status in a
 * little plain JavaScript; without it the table simply opens in full), and
 * the environment. The script also marks figures that fail to load, for
 * readers and for the headless-browser test. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline.h"
#include "metrics.h"
#include "html.h"
#include "report.h"
#include "stats.h"

#define H(text) mmb_html_text(f, text)

static const char style[] =
    "tr.bad td{background:#fdf0e8}tr.skipped td{background:#f4f4f4;color:#666}\n"
    ".st{font-weight:600}.st-ok{color:#009E73}.st-bad{color:#D55E00}.st-skipped{color:#777}\n"
    ".noisy{background:#fff6d5}\n"
    ".figs{display:flex;flex-wrap:wrap;gap:1em}\n"
    "figure{margin:0;flex:1 1 520px;min-width:0;max-width:100%}figure img{max-width:100%;"
    "height:auto;border:1px solid #eee}\n"
    "figcaption{font-size:.85em;color:#444}figure.wide{flex-basis:100%}\n"
    "td.params{max-width:24em}td.params code{word-break:break-word}\n"
    "td.nw{white-space:nowrap}td.notes{min-width:14em;max-width:30em}\n"
    "img.broken{outline:3px solid #D55E00}\n";

static const char *meta(const mmb_rmodel *m, const char *path, char *buf, size_t len) {
  const char *s = mmb_rep_meta_str(m->meta, path, buf, len);
  return s && *s ? s : "—";
}

static void env_row(FILE *f, const char *name, const char *value) {
  fputs("<tr><th>", f);
  H(name);
  fputs("</th><td>", f);
  H(value);
  fputs("</td></tr>\n", f);
}

/* The allocators of meta.json, a row each (kind, version, Debian package,
 * library, probe status). */
static void allocator_table(FILE *f, const mmb_rmodel *m) {
  const cJSON *allocs = cJSON_GetObjectItemCaseSensitive(m->meta, "allocators");
  if (cJSON_IsObject(allocs)) {
    fputs("<h4>Allocators</h4><table><tr><th>name</th><th>kind</th><th>version</th>"
          "<th>Debian package</th><th>library</th><th>status</th></tr>\n",
          f);
    const cJSON *e;
    cJSON_ArrayForEach(e, allocs) {
      fputs("<tr><td>", f);
      H(e->string);
      static const char *const keys[] = {"kind", "version", "package", "library", NULL};
      for (int k = 0; keys[k]; k++) {
        fputs("</td><td>", f);
        const cJSON *pn = cJSON_GetObjectItemCaseSensitive(e, "package"),
                    *pv = cJSON_GetObjectItemCaseSensitive(e, "package_version");
        if (strcmp(keys[k], "package") == 0 && cJSON_IsString(pn) && cJSON_IsString(pv) &&
            pn->valuestring[0]) {
          char pkg[300]; /* "libtbbmalloc2 2021.8.0-2+deb12u1" */
          snprintf(pkg, sizeof pkg, "%s %s", pn->valuestring, pv->valuestring);
          H(pkg);
          continue;
        }
        /* allocator names may hold dots: look the key up directly */
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, keys[k]);
        H(cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : "—");
      }
      const cJSON *st = cJSON_GetObjectItemCaseSensitive(e, "status");
      const cJSON *why = cJSON_GetObjectItemCaseSensitive(e, "reason");
      fputs("</td><td>", f);
      H(cJSON_IsString(st) ? st->valuestring : "—");
      if (cJSON_IsString(why) && why->valuestring[0]) {
        fputs(": ", f);
        H(why->valuestring);
      }
      fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
  }
}

static void environment(FILE *f, const mmb_rmodel *m) {
  char a[512], b[512], c[512], d[512], line[2200];
  fputs("<section id=\"env\"><h2>Environment</h2>\n", f);
  if (!m->meta) {
    fputs("<p class=\"warn\">meta.json is missing or unreadable: no environment record.</p>"
          "</section>\n",
          f);
    return;
  }
  fputs("<table>\n", f);
  env_row(f, "Command", meta(m, "command", a, sizeof a));
  env_row(f, "Preset", meta(m, "preset", a, sizeof a));
  snprintf(line, sizeof line, "%s → %s", meta(m, "started", a, sizeof a),
           meta(m, "finished", b, sizeof b));
  env_row(f, "Started → finished", line);
  const char *dirty = mmb_rep_meta_str(m->meta, "git.dirty", b, sizeof b);
  snprintf(line, sizeof line, "%s%s", meta(m, "git.commit", a, sizeof a),
           dirty && strcmp(dirty, "yes") == 0 ? " (with uncommitted changes)" : "");
  env_row(f, "Git commit", line);
  snprintf(line, sizeof line, "%s, %s, flags %s%s%s", meta(m, "build.compiler", a, sizeof a),
           meta(m, "build.type", b, sizeof b), meta(m, "build.flags", c, sizeof c),
           mmb_rep_meta_str(m->meta, "build.sanitize", d, sizeof d) && d[0] ? ", sanitizer " : "",
           mmb_rep_meta_str(m->meta, "build.sanitize", d, sizeof d) ? d : "");
  env_row(f, "Build", line);
  env_row(f, "Host", meta(m, "host.hostname", a, sizeof a));
  env_row(f, "Kernel", meta(m, "host.kernel", a, sizeof a));
  snprintf(line, sizeof line, "%s — %s cores, %s thread(s) per core",
           meta(m, "host.cpu_model", a, sizeof a), meta(m, "host.cores", b, sizeof b),
           meta(m, "host.threads_per_core", c, sizeof c));
  env_row(f, "CPU", line);
  snprintf(line, sizeof line, "governor %s, THP %s, ASLR %s, perf_event_paranoid %s",
           meta(m, "host.governor", a, sizeof a), meta(m, "host.thp", b, sizeof b),
           meta(m, "host.aslr", c, sizeof c), meta(m, "host.perf_event_paranoid", d, sizeof d));
  env_row(f, "System settings", line);
  snprintf(line, sizeof line, "%s → %s", meta(m, "host.loadavg_start", a, sizeof a),
           meta(m, "host.loadavg_end", b, sizeof b));
  env_row(f, "Load average (1, 5, 15 min)", line);
  env_row(f, "glibc", meta(m, "glibc", a, sizeof a));
  const char *hw = mmb_rep_meta_str(m->meta, "counters.hardware_opened", c, sizeof c);
  snprintf(line, sizeof line, "mode %s, PMU %s, hardware events %s",
           meta(m, "counters.mode", a, sizeof a), meta(m, "counters.pmu", b, sizeof b),
           hw ? (strcmp(hw, "yes") == 0 ? "opened" : "not available") : "—");
  env_row(f, "Counters", line);
  char seed[64], scale[64];
  snprintf(line, sizeof line,
           "workloads %s; allocators %s; threads %s; %s repetitions; seed %s; "
           "scale %s",
           meta(m, "plan.workloads", a, sizeof a), meta(m, "plan.allocators", b, sizeof b),
           meta(m, "plan.threads", c, sizeof c), meta(m, "plan.reps", d, sizeof d),
           meta(m, "plan.seed", seed, sizeof seed), meta(m, "plan.scale", scale, sizeof scale));
  env_row(f, "Plan", line);
  fputs("</table>\n", f);

  allocator_table(f, m);
  fputs("</section>\n", f);
}

static void num_cell(FILE *f, const char *text, const char *cls) {
  fprintf(f, "<td class=\"num%s%s\">", cls ? " " : "", cls ? cls : "");
  H(text);
  fputs("</td>", f);
}

/* Which optional columns the full table has. */
typedef struct tcols {
  int floor;   /* floor and over floor: a floor allocator ran */
  int levels;  /* summary.csv records the intervals' levels */
  int base;    /* RSS at start: the region's starting RSS was measured */
  int scaling; /* efficiency: some workload scales over threads */
} tcols;

static tcols table_cols(const mmb_rmodel *m) {
  tcols t = {.levels = mmb_table_col(m->summary, "ci_level") >= 0,
             .base = mmb_rep_metric(m, MMB_METRIC_BASE_RSS) >= 0};
  for (size_t k = 0; k < m->nallocs && !t.floor; k++) t.floor = mmb_is_floor(m->allocs[k]);
  for (size_t w = 0; w < m->nworks; w++) t.scaling |= m->works[w].scaling;
  return t;
}

/* The paragraph that says what the table's columns and marks mean. */
static void results_intro(FILE *f, const mmb_roverview *ov, const tcols *t) {
  char noisy_rule[400];
  if (ov->machine_cv > 0)
    snprintf(noisy_rule, sizeof noisy_rule,
             "a cell whose time varies more than the machine's own noise explains (CV %.1f&nbsp;%% "
             "between processes of a fixed loop; one-sided chi-square test at 95&nbsp;%%) is "
             "marked",
             100 * ov->machine_cv);
  else
    snprintf(noisy_rule, sizeof noisy_rule,
             "a cell whose CV exceeds the fixed 5&nbsp;%% (no machine noise in meta.json) is "
             "marked");
  fprintf(f,
          "<section id=\"results\"><h2>Full table</h2>\n<p>Median over the repetitions of "
          "each cell with its confidence interval (%s) and coefficient of variation "
          "(CV); %s <span class=\"tag\">noisy</span>, "
          "one with more threads than CPUs ‡. Cells that did not run cleanly show their "
          "status and the reason.%s%s Counts of a cell whose hardware events ran less than "
          "%.0f&nbsp;%% of its region are mostly scaled estimates: marked in its notes.</p>\n",
          t->levels ? "order statistics of the median, its exact coverage in brackets: with few "
                      "repetitions it is below 95&nbsp;%"
                    : "order statistics of the median, its exact coverage for its repetitions in "
                      "brackets",
          noisy_rule,
          t->floor ? " <i>floor</i> is the same loop under a minimal allocator (the cheapest "
                     "possible: a stack of freed blocks); <i>over floor</i> is ns/op − floor with "
                     "its exact interval: what this allocator costs beyond the minimal one "
                     "(negative where it is faster than it)."
                   : "",
          t->scaling ? " <i>efficiency</i> is the speedup over the same allocator's 1-thread "
                       "throughput divided by the threads (1 = linear scaling)."
                     : "",
          100 * MMB_COUNTERS_MIN_RUNNING);
}

/* The collapsed table's summary line, its filters and its header row. */
static void results_head(FILE *f, const mmb_rmodel *m, const mmb_roverview *ov, const tcols *t) {
  if (m->summary_computed)
    fputs("<p class=\"note\">summary.csv is missing: these statistics were computed from "
          "runs.csv.</p>\n",
          f);
  fprintf(f,
          "<details id=\"table\"><summary>%d cells: %d ok (%d noisy), %d failed, %d skipped "
          "for a reason"
          " — open the table</summary>\n",
          ov->cells, ov->ok, ov->noisy, ov->failed, ov->skipped);
  fputs("<div id=\"filters\" hidden><label>workload <select data-key=\"workload\"><option "
        "value=\"\">all</option></select></label><label>allocator <select data-key=\"allocator\">"
        "<option value=\"\">all</option></select></label><label>status <select data-key=\"status\" "
        "data-extra=\"noisy failed\"><option value=\"\">all</option></select></label><span "
        "id=\"shown\"></span></div>\n",
        f);
  fprintf(f,
          "<div class=\"tablewrap\"><table id=\"medians\"><thead><tr><th>workload</th>"
          "<th>parameters</th><th>allocator</th><th>threads</th><th>status</th><th>ok reps</th>"
          "<th>ns/op</th>%s<th>CI of median (level)</th><th>CV</th><th>throughput</th>%s"
          "<th>peak RSS</th>%s<th>RSS ÷ live</th><th>notes</th></tr></thead><tbody>\n",
          t->floor ? "<th>floor</th><th>over floor</th>" : "",
          t->scaling ? "<th>efficiency</th>" : "", t->base ? "<th>RSS at start</th>" : "");
}

/* A row's opening (its id and filter keys) and its first cells: workload,
 * parameters, allocator, threads, status, ok repetitions. */
static void row_ident(FILE *f, const mmb_roverview *ov, const mmb_rcell *c, size_t k, int noisy) {
  const char *css = mmb_status_css(c->status);
  fprintf(f, "<tr id=\"c%zu\" class=\"%s\" data-noisy=\"%d\" data-status=\"", k, css, noisy);
  H(mmb_status_name(c->status));
  fputs("\" data-workload=\"", f);
  H(c->workload);
  fputs("\" data-allocator=\"", f);
  H(c->allocator);
  fputs("\"><td class=\"nw\">", f);
  H(c->workload);
  fputs("</td><td class=\"params\"><code>", f);
  for (const char *p = c->params; *p; p++) { /* let long parameter lists wrap */
    char one[2] = {*p, 0};
    H(one);
    if (*p == ';') fputs("<wbr>", f);
  }
  fputs("</code></td><td class=\"nw\">", f);
  H(c->allocator);
  fprintf(f, "</td><td class=\"num\">%d%s</td><td class=\"st st-%s\">", c->threads,
          ov->cmp[k].oversub ? " ‡" : "", css);
  H(mmb_status_name(c->status));
  fprintf(f, "</td><td class=\"num\">%d/%d</td>", c->n, c->n_runs);
}

/* The floor and over-floor cells of cell k. */
static void row_floor(FILE *f, const mmb_rmodel *m, const mmb_roverview *ov, size_t k) {
  const mmb_rcell *c = &m->cells[k];
  double fl = mmb_rep_floor(m, c);
  char buf[64], ex[160] = "—", el[32], eh[32];
  if (!isnan(fl) && !mmb_is_floor(c->allocator))
    mmb_rep_fmt_si(fl, "ns", buf, sizeof buf);
  else
    snprintf(buf, sizeof buf, "—");
  num_cell(f, buf, NULL);
  const mmb_rexcess *e = &ov->cmp[k].extra;
  if (e->have) {
    mmb_rep_fmt_si(e->excess, "ns", buf, sizeof buf);
    mmb_rep_fmt_si(e->lo, "ns", el, sizeof el);
    mmb_rep_fmt_si(e->hi, "ns", eh, sizeof eh);
    snprintf(ex, sizeof ex, "%s [%s – %s] (%.1f %%)%s", buf, el, eh, 100 * e->level,
             e->floor_pct > 100 ? " faster than the floor" : "");
  }
  num_cell(f, ex, NULL);
}

/* The time cells of cell k: ns/op, floor and over floor, its interval, CV. */
static void row_time(FILE *f, const mmb_rmodel *m, const mmb_roverview *ov, const tcols *tc,
                     size_t k, const mmb_rstat *t, int noisy) {
  char buf[64], lo[64], hi[64], ci[160];
  if (t) {
    mmb_rep_fmt_si(t->median, "ns", buf, sizeof buf);
    mmb_rep_fmt_si(t->ci_lo, "ns", lo, sizeof lo);
    mmb_rep_fmt_si(t->ci_hi, "ns", hi, sizeof hi);
    double lvl = !isnan(t->ci_level) ? t->ci_level : mmb_median_ci_level((size_t)t->n);
    if (t->n < 2 || isnan(t->ci_lo))
      snprintf(ci, sizeof ci, "— (one repetition: no interval)");
    else
      snprintf(ci, sizeof ci, "%s – %s (%.1f %%)", lo, hi, lvl * 100);
  } else {
    snprintf(buf, sizeof buf, "—");
    snprintf(ci, sizeof ci, "—");
  }
  num_cell(f, buf, noisy ? "noisy" : NULL);
  if (tc->floor) row_floor(f, m, ov, k);
  num_cell(f, ci, noisy ? "noisy" : NULL);
  if (t && !isnan(t->cv))
    snprintf(buf, sizeof buf, "%.1f %%", t->cv * 100);
  else
    snprintf(buf, sizeof buf, "—");
  fprintf(f, "<td class=\"num%s\">", noisy ? " noisy" : "");
  H(buf);
  if (noisy) fputs("<span class=\"tag\">noisy</span>", f);
  fputs("</td>", f);
}

/* A cell of a size in KiB (the median of s), or a dash without one. */
static void kb_cell(FILE *f, const mmb_rstat *s) {
  char buf[64];
  if (s)
    mmb_rep_fmt_kb(s->median, buf, sizeof buf);
  else
    snprintf(buf, sizeof buf, "—");
  num_cell(f, buf, NULL);
}

/* The throughput, efficiency and memory cells of cell c. */
static void row_rest(FILE *f, const mmb_rmodel *m, const tcols *tc, const mmb_rcell *c) {
  const mmb_rstat *thr = mmb_rep_stat(m, c, MMB_METRIC_THROUGHPUT),
                  *rl = mmb_rep_stat(m, c, MMB_METRIC_RSS_LIVE);
  char buf[64];
  if (thr)
    mmb_rep_fmt_si(thr->median, "op/s", buf, sizeof buf);
  else
    snprintf(buf, sizeof buf, "—");
  num_cell(f, buf, NULL);
  if (tc->scaling) {
    double eff = mmb_rep_scaling_eff(m, c);
    if (isnan(eff))
      snprintf(buf, sizeof buf, "—");
    else
      snprintf(buf, sizeof buf, "%.2f", eff);
    num_cell(f, buf, NULL);
  }
  kb_cell(f, mmb_rep_stat(m, c, MMB_METRIC_PEAK_RSS));
  if (tc->base) kb_cell(f, mmb_rep_stat(m, c, MMB_METRIC_BASE_RSS));
  if (rl)
    snprintf(buf, sizeof buf, "%.2f×", rl->median);
  else
    snprintf(buf, sizeof buf, "—");
  num_cell(f, buf, NULL);
}

/* The notes cell (repetitions not ok, the reason, counters' coverage) and
 * the row's end. */
static void row_notes(FILE *f, const mmb_rmodel *m, const mmb_rcell *c) {
  fputs("<td class=\"notes\">", f);
  if (c->status != MMB_ST_OK && c->n > 0)
    fprintf(f, "%d of %d repetitions not ok: ", c->n_runs - c->n, c->n_runs);
  H(c->reason);
  double run = mmb_rep_counters_running(m, c);
  if (run < MMB_COUNTERS_MIN_RUNNING)
    fprintf(f,
            "%s<span class=\"tag lowcount\">counters ran %.0f %% of the region: estimates"
            "</span>",
            c->reason[0] ? " " : "", 100 * run);
  fputs("</td></tr>\n", f);
}

/* The full table: every cell's medians, intervals and notes, one row each. */
static void results(FILE *f, const mmb_rmodel *m, const mmb_roverview *ov) {
  tcols tc = table_cols(m);
  results_intro(f, ov, &tc);
  results_head(f, m, ov, &tc);
  for (size_t k = 0; k < m->ncells; k++) {
    const mmb_rcell *c = &m->cells[k];
    const mmb_rstat *t = mmb_rep_stat(m, c, MMB_METRIC_TIME);
    int noisy = c->status == MMB_ST_OK && t && t->noisy;
    row_ident(f, ov, c, k, noisy);
    row_time(f, m, ov, &tc, k, t, noisy);
    row_rest(f, m, &tc, c);
    row_notes(f, m, c);
  }
  fputs("</tbody></table></div></details></section>\n", f);
}

static int file_exists(const char *dir, const char *name, const char *ext) {
  char p[4400];
  snprintf(p, sizeof p, "%s/plots/%s%s", dir, name, ext);
  return access(p, R_OK) == 0;
}

static void figure(FILE *f, const mmb_rmodel *m, const mmb_gnuplot *gp, const mmb_rfig *g) {
  int wide = strcmp(g->kind, "time") == 0;
  fprintf(f, "<figure id=\"fig-%s\" class=\"%s\" data-kind=\"%s\">", g->name, wide ? "wide" : "",
          g->kind);
  /* The page shows the PNG and links the SVG: a few hundred gnuplot SVGs
   * in one page take a browser seconds to render, the PNGs a fraction. */
  if (g->produced && file_exists(m->dir, g->name, ".png")) {
    fprintf(f, "<a href=\"plots/%s.svg\"><img class=\"fig\" src=\"plots/%s.png\" alt=\"", g->name,
            g->name);
    H(g->title);
    fputs("\"></a>", f);
  } else {
    fputs("<div class=\"missing\">Figure not drawn: ", f);
    H(gp->have ? "gnuplot failed on it (see the .log next to its data file)" : gp->why);
    fputs(". Its data is in <a href=\"", f);
    H(g->data);
    fputs("\"><code>", f);
    H(g->data);
    fputs("</code></a>.</div>", f);
  }
  fputs("<figcaption><b>", f);
  H(g->title);
  fputs(".</b> ", f);
  H(g->note);
  fputs(" ", f);
  H(m->caption);
  fputs(". ", f);
  if (g->produced) fprintf(f, "<a href=\"plots/%s.svg\">SVG</a> · ", g->name);
  fputs("<a href=\"", f);
  H(g->data);
  fputs("\">data</a></figcaption></figure>\n", f);
}

static void figures(FILE *f, const mmb_rmodel *m, const mmb_gnuplot *gp, const mmb_rfigs *figs) {
  fputs("<section id=\"figures\"><h2>Figures</h2>\n", f);
  fputs("<p>Colours are fixed per allocator in every figure (Okabe–Ito palette, colour-blind "
        "safe). Each figure is also available as PNG, and its numbers as a gnuplot data file."
        "</p>\n",
        f);
  const char *family = NULL;
  for (size_t wl = 0; wl < m->nworks; wl++) {
    const mmb_rwork *w = &m->works[wl];
    if (!family || strcmp(family, w->family) != 0) {
      family = w->family;
      fputs("<h3 id=\"family-", f);
      H(family);
      fputs("\">Family: ", f);
      H(family);
      fputs("</h3>\n", f);
    }
    fputs("<h4 id=\"wl-", f);
    H(w->name);
    fputs("\">", f);
    H(w->name);
    fputs("</h4>\n<div class=\"figs\">\n", f);
    int nfig = 0, counters = 0;
    for (size_t i = 0; i < figs->n; i++) {
      if (figs->v[i].wl != (int)wl) continue;
      figure(f, m, gp, &figs->v[i]);
      nfig++;
      counters |= strcmp(figs->v[i].kind, "counters") == 0;
    }
    fputs("</div>\n", f);
    if (!nfig)
      fputs("<p class=\"note\">No cell of this workload has a measurement to plot.</p>\n", f);
    if (!counters) {
      fputs("<p class=\"note counters-note\">Counters: ", f);
      H(figs->counters_note[0] ? figs->counters_note
                               : "not measured on this machine (no counter columns in runs.csv)");
      fputs(".</p>\n", f);
    }
  }
  fputs("</section>\n", f);
}

int mmb_rep_html_write(const mmb_rmodel *m, const mmb_roverview *ov, const mmb_gnuplot *gp,
                       const mmb_rfigs *figs, char *err, size_t errlen) {
  FILE *f = mmb_html_open(m->dir, "report.html", err, errlen);
  if (!f) return -1;
  char base[512], title[600];
  mmb_rep_basename(m->dir, base, sizeof base);
  snprintf(title, sizeof title, "mmbench report — %s", base);
  char css[4096];
  snprintf(css, sizeof css, "%s%s", style, mmb_rep_summary_css);
  mmb_html_head(f, title, css);
  fputs("<h1>mmbench report</h1>\n<p class=\"sub\">", f);
  H(base);
  fputs(" · ", f);
  H(m->caption);
  fputs("</p>\n", f);
  mmb_rep_summary_html(f, m, ov, gp, figs);
  /* Contents */
  fputs("<nav><b>Contents:</b> <a href=\"#summary\">Overview</a> <a href=\"#figures\">Figures"
        "</a> —",
        f);
  const char *family = NULL;
  for (size_t wl = 0; wl < m->nworks; wl++) {
    if (family && strcmp(family, m->works[wl].family) == 0) continue;
    family = m->works[wl].family;
    fputs(" <a href=\"#family-", f);
    H(family);
    fputs("\">", f);
    H(family);
    fputs("</a>", f);
  }
  fputs(" — <a href=\"#results\">Full table</a> <a href=\"#env\">Environment</a></nav>\n", f);
  mmb_rep_traces_html(f, m);
  figures(f, m, gp, figs);
  results(f, m, ov);
  environment(f, m);
  fputs("<footer><p class=\"sub\">Written by mmbench report from <code>runs.csv</code>, "
        "<code>summary.csv</code>, <code>timeline.csv</code> and <code>meta.json</code> of this "
        "folder.</p></footer>\n",
        f);
  fprintf(f, "<script>\n%s</script>\n", mmb_html_imgcheck_js);
  mmb_html_foot(f, mmb_html_filter_js);
  return mmb_html_close(f, m->dir, "report.html", err, errlen);
}
