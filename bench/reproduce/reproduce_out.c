/* mmbench — the files `mmbench reproduce` writes from its outcomes (see
 * reproduce.h): verdicts.csv, one row per check, and reproduce.html, the
 * verdict table with the paper's number beside ours and each recipe's
 * figures. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "files.h"
#include "html.h"
#include "reproduce.h"
#include "results.h"

static int name_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---------------------------------------------------------------------------
 * verdicts.csv and reproduce.html
 * ------------------------------------------------------------------------- */
static void fmt_num(double v, char *buf, size_t len) {
  if (isnan(v))
    buf[0] = 0;
  else
    snprintf(buf, len, "%.6g", v);
}

int mmb_reproduce_write_csv(const char *out, const mmb_outcome *oc, int n) {
  size_t cap = 1 << 16, used = 0;
  char *text = malloc(cap);
  if (!text) return -ENOMEM;
  used = (size_t)snprintf(
      text, cap,
      "recipe,claim,source,published,check,expectation,value,ci_lo,ci_hi,ci_level,spread,drift,"
      "rounds,batches,measured,verdict,recipe_verdict,why,reason,condition\n");
  for (int i = 0; i < n; i++) {
    const mmb_recipe *r = oc[i].r;
    for (int k = 0; k < r->nchecks; k++) {
      const mmb_recipe_result *res = &oc[i].res[k];
      char line[12288], num[64], exp[700];
      size_t lu = 0;
      mmb_csv_field(line, sizeof line, &lu, r->name, 1);
      mmb_csv_field(line, sizeof line, &lu, r->claim, 0);
      mmb_csv_field(line, sizeof line, &lu, r->source, 0);
      mmb_csv_field(line, sizeof line, &lu, r->published, 0);
      snprintf(num, sizeof num, "%d", k + 1);
      mmb_csv_field(line, sizeof line, &lu, num, 0);
      mmb_recipe_check_text(&r->checks[k], exp, sizeof exp);
      mmb_csv_field(line, sizeof line, &lu, exp, 0);
      double f[] = {res->value, res->lo, res->hi, res->ci_level, res->spread, res->drift};
      for (int q = 0; q < 6; q++) {
        fmt_num(q >= 3 && isnan(res->value) ? NAN : f[q], num, sizeof num);
        mmb_csv_field(line, sizeof line, &lu, num, 0);
      }
      int cnt[] = {res->rounds, res->batches};
      for (int q = 0; q < 2; q++) {
        snprintf(num, sizeof num, "%d", cnt[q]);
        mmb_csv_field(line, sizeof line, &lu, num, 0);
      }
      mmb_csv_field(line, sizeof line, &lu, res->measured, 0);
      mmb_csv_field(line, sizeof line, &lu, mmb_verdict_name(res->verdict), 0);
      mmb_csv_field(line, sizeof line, &lu, mmb_verdict_name(oc[i].verdict), 0);
      mmb_csv_field(line, sizeof line, &lu, mmb_recipe_why_name(res->kind), 0);
      mmb_csv_field(line, sizeof line, &lu, res->why, 0);
      mmb_csv_field(line, sizeof line, &lu, res->condition[0] ? res->condition : oc[i].why, 0);
      if (used + lu + 2 > cap) {
        cap = (cap + lu) * 2;
        char *nt = realloc(text, cap);
        if (!nt) {
          free(text);
          return -ENOMEM;
        }
        text = nt;
      }
      memcpy(text + used, line, lu);
      used += lu;
      text[used++] = '\n';
      text[used] = 0;
    }
  }
  int rc = mmb_write_atomic(out, "verdicts.csv", text);
  free(text);
  return rc;
}

static const char *verdict_class(mmb_verdict v) {
  return v == MMB_PASS ? "pass" : v == MMB_FAIL ? "fail" : "inc";
}

/* The figures of the recipe's kind in OUT/dir/plots (file stems). */
static int find_figures(const char *out, const char *dir, const mmb_recipe *r, char names[][256],
                        int max) {
  if (strcmp(r->figure, "none") == 0) return 0;
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/%s/plots", out, dir);
  char *files[512];
  int n = 0;
  DIR *d = opendir(path);
  if (!d) return 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 512) {
    size_t l = strlen(e->d_name);
    if (l < 5 || strcmp(e->d_name + l - 4, ".svg") != 0) continue;
    char prefix[160];
    snprintf(prefix, sizeof prefix, "%s-%s", r->figure, r->figure_workload);
    size_t pl = strlen(prefix);
    if (strncmp(e->d_name, prefix, pl) != 0) continue;
    if (r->figure_workload[0] && e->d_name[pl] != '-' && e->d_name[pl] != '.') continue;
    files[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(files, (size_t)n, sizeof *files, name_cmp);
  int k = 0;
  for (int i = 0; i < n; i++) {
    if (k < max) snprintf(names[k++], 256, "%s", files[i]);
    free(files[i]);
  }
  return k;
}

/* open, text (escaped), close. */
static void tagged(FILE *f, const char *open, const char *text, const char *close) {
  fputs(open, f);
  mmb_html_text(f, text);
  fputs(close, f);
}

/* The page's head, the host and the count of each verdict with the rule
 * that gives it. */
static void write_intro(FILE *f, const mmb_outcome *oc, int n, const mmb_host_facts *host,
                        const char *started, double scale) {
  char hostname[256] = "";
  gethostname(hostname, sizeof hostname - 1);
  struct utsname u;
  uname(&u);
  int cnt[3] = {0, 0, 0};
  for (int i = 0; i < n; i++) cnt[oc[i].verdict]++;
  /* the page's own rules, after the shared style sheet */
  mmb_html_head(f, "mmbench reproduce",
                "table{width:100%}td.v b{white-space:nowrap}\n"
                ".pass{color:#0a6b2d}.fail{color:#b00020}.inc{color:#8a6d00}\n"
                "img{border:1px solid #ddd;margin:.5em 0}.why{color:#555;font-size:90%}\n");
  fputs("<h1>Reproducing published results</h1>\n", f);
  tagged(f, "<p>Host <b>", hostname, "");
  fprintf(f,
          "</b> (%s %s), %d CPUs, %d cores that are not SMT siblings, hardware PMU: %s, "
          "transparent huge pages: %s, governor: %s. Started ",
          u.sysname, u.release, host->cpus, host->cores, host->pmu ? "yes" : "no",
          host->thp[0] ? host->thp : "unavailable", host->governor);
  mmb_html_text(f, started);
  fprintf(f, "; work scale &times;%g.</p>\n", scale);
  fprintf(f,
          "<p><span class=\"pass\">%d PASS</span>, <span class=\"fail\">%d FAIL</span>, "
          "<span class=\"inc\">%d INCONCLUSIVE</span> of %d recipes. Each figure is the median of "
          "its rounds (one round: every cell of the matrix once, interleaved); the interval is the "
          "order-statistic interval of that median whose exact coverage (for exchangeable "
          "rounds, shown beside it) is at least 1&nbsp;&minus;&nbsp;5&nbsp;%% divided by the "
          "looks the budget plans, widened by the drift between batches (at least 2&nbsp;%% for "
          "timings). PASS: the whole interval meets the "
          "expectation; FAIL: none of it does; INCONCLUSIVE: it straddles the threshold when the "
          "round budget is spent, the effect is below what this machine resolves, a precondition "
          "does not hold here, or a cell failed. "
          "Numbers are <a href=\"verdicts.csv\">in verdicts.csv</a>.</p>\n",
          cnt[MMB_PASS], cnt[MMB_FAIL], cnt[MMB_INCONCLUSIVE], n);
}

/* One row of the verdict table: check k of o (the recipe's own cells,
 * spanning its checks, on its first). */
static void write_check_row(FILE *f, const mmb_outcome *o, int k) {
  const mmb_recipe *r = o->r;
  const mmb_recipe_result *res = &o->res[k];
  fputs("<tr>", f);
  if (k == 0) {
    fprintf(f, "<td rowspan=\"%d\"><a href=\"#%s\">", r->nchecks, r->name);
    mmb_html_text(f, r->name);
    fprintf(f, "</a><br><span class=\"%s\">%s</span></td><td rowspan=\"%d\">",
            verdict_class(o->verdict), mmb_verdict_name(o->verdict), r->nchecks);
    mmb_html_text(f, r->claim);
    fprintf(f, "</td><td rowspan=\"%d\">", r->nchecks);
    mmb_html_text(f, r->published);
    tagged(f, "<div class=\"why\">", r->source, "</div></td>");
  }
  char exp[700];
  mmb_recipe_check_text(&r->checks[k], exp, sizeof exp);
  tagged(f, "<td><code>", exp, "</code></td><td>");
  mmb_html_text(f, res->measured);
  fprintf(f, "</td><td class=\"v %s\"><b>%s</b>", verdict_class(res->verdict),
          mmb_verdict_name(res->verdict));
  if (res->why[0]) tagged(f, "<div class=\"why\">", res->why, "</div>");
  if (res->verdict != MMB_PASS && (res->condition[0] || o->why[0]))
    tagged(f, "<div class=\"why\">condition: ", res->condition[0] ? res->condition : o->why,
           "</div>");
  fputs("</td></tr>\n", f);
}

/* The verdict table: one row per check. */
static void write_table(FILE *f, const mmb_outcome *oc, int n) {
  fputs("<table>\n<tr><th>recipe</th><th>claim</th><th>published</th><th>expectation</th>"
        "<th>measured here [interval] coverage rounds</th><th>verdict</th></tr>\n",
        f);
  for (int i = 0; i < n; i++)
    for (int k = 0; k < oc[i].r->nchecks; k++) write_check_row(f, &oc[i], k);
  fputs("</table>\n", f);
}

/* A recipe's heading, claim, the paper's number beside ours, its rounds,
 * controls, note and recipe-level reason. */
static void write_recipe_text(FILE *f, const mmb_outcome *o) {
  const mmb_recipe *r = o->r;
  fprintf(f, "<h2 id=\"%s\">", r->name);
  mmb_html_text(f, r->name);
  fprintf(f, " &mdash; <span class=\"%s\">%s</span></h2>\n<p>", verdict_class(o->verdict),
          mmb_verdict_name(o->verdict));
  mmb_html_text(f, r->claim);
  tagged(f, "<br><i>", r->source, "</i></p>\n<p><b>Published:</b> ");
  mmb_html_text(f, r->published);
  tagged(f, "</p>\n<p><b>Here:</b> ", r->differs, "");
  fprintf(f, "</p>\n<p>%d round%s in %d batch%s (budget: %d rounds, %.0f s), %.0f s.</p>\n",
          o->rounds, o->rounds == 1 ? "" : "s", o->batches, o->batches == 1 ? "" : "es", o->budget,
          r->budget.seconds, o->seconds);
  for (int k = 0; k < r->ncontrols; k++) {
    char text[700];
    mmb_recipe_check_text(&r->controls[k], text, sizeof text);
    tagged(f, k == 0 ? "<p><b>Controls</b> (no verdict unless they hold): <code>" : "; <code>",
           text, "</code>");
    if (k + 1 == r->ncontrols) fputs("</p>\n", f);
  }
  if (r->note[0]) tagged(f, "<p>", r->note, "</p>\n");
  if (o->why[0]) tagged(f, "<p class=\"why\">", o->why, "</p>\n");
}

/* A recipe's run lines with links to their reports, its log and recipe,
 * then its figures. */
static void write_recipe_runs(FILE *f, const char *out, const mmb_outcome *o) {
  const mmb_recipe *r = o->r;
  fputs("<ul>\n", f);
  for (int k = 0; k < r->nruns; k++) {
    tagged(f, "<li><code>mmbench run ", r->runs[k].text, "</code>");
    if (o->ran)
      fprintf(f,
              " &rarr; <a href=\"%s/report.html\">report</a>, <a "
              "href=\"%s/summary.csv\">summary.csv</a>",
              o->dirs[k], o->dirs[k]);
    fputs("</li>\n", f);
  }
  fprintf(f,
          "<li><a href=\"%s.log\">log</a>, <a href=\"recipes/%s.recipe\">recipe</a></li>\n</ul>\n",
          r->name, r->name);
  for (int k = 0; o->ran && k < r->nruns; k++) {
    char names[16][256];
    int nf = find_figures(out, o->dirs[k], r, names, 16);
    for (int j = 0; j < nf; j++) {
      fprintf(f, "<div><a href=\"%s/plots/%s\"><img src=\"%s/plots/%s\" alt=\"", o->dirs[k],
              names[j], o->dirs[k], names[j]);
      tagged(f, "", names[j], "\"></a></div>\n");
    }
  }
}

int mmb_reproduce_write_html(const char *out, const mmb_outcome *oc, int n,
                             const mmb_host_facts *host, const char *started, double scale) {
  char err[512];
  FILE *f = mmb_html_open(out, "reproduce.html", err, sizeof err);
  if (!f) return -EIO;
  write_intro(f, oc, n, host, started, scale);
  write_table(f, oc, n);
  for (int i = 0; i < n; i++) {
    write_recipe_text(f, &oc[i]);
    write_recipe_runs(f, out, &oc[i]);
  }
  mmb_html_foot(f, NULL);
  return mmb_html_close(f, out, "reproduce.html", err, sizeof err) == 0 ? 0 : -EIO;
}
