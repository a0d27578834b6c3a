/* mmbench — OUTDIR/compare.html for `mmbench compare A B`, read top down:
 * the overview (section#summary: counts of cells called higher or lower,
 * the same, or that could not tell, the notes on method, drift and
 * repetitions, a figure per metric of B/A of every cell sorted, with its
 * interval, called cells coloured, and the list of called changes with
 * their sensitivity), then the gnuplot figures with their labels, then the
 * full table (collapsed, with filters). The figures of the overview are
 * inline SVG: they need no gnuplot and no network. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "report.h"
#include "stats.h"
#include "xalloc.h"

#define H(text) mmb_html_text(f, text)

static const char css[] =
    "svg.curve{max-width:100%;height:auto;display:block}\n"
    "svg.curve a:hover circle{stroke:#000;stroke-width:1.5}\n"
    ".up{color:#b2182b;font-weight:600}.down{color:#2166ac;font-weight:600}\n"
    "tr.sig-up td.r{background:#fbe3e6}tr.sig-down td.r{background:#dde9f5}\n"
    "figure{margin:.5em 0}figure img{border:1px solid #eee}figcaption{font-size:.85em;color:#444}\n"
    ".counts{font-size:1.05em}\n";

static const char *change_of(const mmb_cratio *r) {
  if (!r->have) return "no ratio";
  return r->verdict;
}

static const mmb_cratio *pick(const mmb_ccell *c, int rss) { return rss ? &c->r : &c->t; }

/* Cells with a ratio of one metric, sorted by it (largest first). */
static size_t sorted(const mmb_ccell *c, size_t n, int rss, size_t *idx) {
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (pick(&c[i], rss)->have) idx[m++] = i;
  for (size_t i = 1; i < m; i++)
    for (size_t j = i; j > 0 && pick(&c[idx[j - 1]], rss)->ratio < pick(&c[idx[j]], rss)->ratio;
         j--) {
      size_t t = idx[j];
      idx[j] = idx[j - 1];
      idx[j - 1] = t;
    }
  return m;
}

/* The sorted ratios of one metric with their intervals, on a log axis. */
static void curve(FILE *f, const mmb_ccell *c, size_t n, int rss, const char *id,
                  const mmb_cpage *pg) {
  size_t *idx = mmb_xcalloc(n + 1, sizeof *idx, "the comparison page");
  size_t m = sorted(c, n, rss, idx);
  double ymin = 0.9, ymax = 1.1;
  for (size_t k = 0; k < m; k++) {
    const mmb_cratio *r = pick(&c[idx[k]], rss);
    double lo = isnan(r->lo) ? r->ratio : r->lo, hi = isnan(r->hi) ? r->ratio : r->hi;
    if (lo < ymin) ymin = lo;
    if (hi > ymax) ymax = hi;
    if (r->ratio < ymin) ymin = r->ratio;
    if (r->ratio > ymax) ymax = r->ratio;
  }
  if (ymin < 0.1) ymin = 0.1;
  if (ymax > 10) ymax = 10;
  ymin /= 1.05;
  ymax *= 1.05;
  int W = 1180, Hh = 300, left = 60, right = 10, top = 14, bottom = 30;
  double pw = W - left - right, ph = Hh - top - bottom;
  double step = pw / (double)(m ? m : 1);
#define Y(v) (top + ph * (log(ymax) - log(v)) / (log(ymax) - log(ymin)))
  fprintf(f,
          "<svg id=\"%s\" class=\"curve\" role=\"img\" width=\"%d\" height=\"%d\" "
          "viewBox=\"0 0 %d %d\" font-family=\"system-ui,sans-serif\" font-size=\"11\">\n",
          id, W, Hh, W, Hh);
  fprintf(f, "<title>B/A of %s per cell, sorted</title>\n",
          rss ? "peak RSS" : "time per operation");
  static const double nice[] = {0.1, 0.2,  0.25, 0.5, 0.67, 0.8, 0.9, 1,
                                1.1, 1.25, 1.5,  2,   3,    4,   5,   10};
  /* Ticks at usual ratios, 1 always, none closer than 14 px to another. */
  double drawn_y[32];
  int nd = 0;
  for (int pass = 0; pass < 2; pass++) {
    for (size_t k = 0; k < sizeof nice / sizeof nice[0]; k++) {
      if (nice[k] < ymin || nice[k] > ymax || (pass == 0) != (nice[k] == 1)) continue;
      double y = Y(nice[k]);
      int close = 0;
      for (int q = 0; q < nd; q++) close |= fabs(drawn_y[q] - y) < 14;
      if (close || nd == 32) continue;
      drawn_y[nd++] = y;
      fprintf(f,
              "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"%s/>"
              "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" dominant-baseline=\"middle\">"
              "%g×</text>\n",
              left, W - right, y, y, nice[k] == 1 ? "#555" : "#e4e4e4",
              nice[k] == 1 ? " stroke-dasharray=\"4 3\"" : "", left - 5, y, nice[k]);
    }
  }
  fprintf(f,
          "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%zu cells sorted by B/A (largest "
          "increase left); bars: %.0f %% interval</text>\n",
          left + (int)(pw / 2), Hh - 8, m, (1 - pg->alpha) * 100);
  double r0 = step >= 6 ? 3 : step >= 3 ? 2 : 1.4;
  for (size_t k = 0; k < m; k++) {
    const mmb_ccell *x = &c[idx[k]];
    const mmb_cratio *r = pick(x, rss);
    double lo = isnan(r->lo) ? r->ratio : r->lo, hi = isnan(r->hi) ? r->ratio : r->hi;
    double cx = left + step * (k + 0.5);
    const char *col = !r->sig ? "#9a9a9a" : r->ratio > 1 ? "#b2182b" : "#2166ac";
    double vy = Y(r->ratio < ymin ? ymin : r->ratio > ymax ? ymax : r->ratio);
    fprintf(f,
            "<a href=\"#k%zu\"><line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
            "stroke=\"%s\" stroke-width=\"%.1f\" opacity=\".6\"/><circle cx=\"%.1f\" "
            "cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"><title>",
            idx[k], cx, cx, Y(lo < ymin ? ymin : lo), Y(hi > ymax ? ymax : hi), col,
            step >= 4 ? 1.5 : 1.0, cx, vy, r->sig ? r0 + 0.6 : r0, col);
    char tip[700];
    if (r->tested)
      snprintf(tip, sizeof tip, "%s: B/A %.3f [%.3f – %.3f], %s, adjusted p %.2g, sensitivity %.3f",
               x->label, r->ratio, lo, hi, r->verdict, r->p_adj, r->sens);
    else
      snprintf(tip, sizeof tip, "%s: B/A %.3f (medians), too few repetitions to call", x->label,
               r->ratio);
    H(tip);
    fputs("</title></circle></a>\n", f);
  }
#undef Y
  fputs("</svg>\n", f);
  fprintf(f,
          "<p class=\"legend\"><b class=\"up\">●</b> called higher in B &nbsp; <b "
          "class=\"down\">●</b> called lower in B &nbsp; <b style=\"color:#9a9a9a\">●"
          "</b> not called (a change under %.0f %%, or %s-adjusted p ≥ %.2g)</p>\n",
          pg->threshold * 100, pg->method, pg->alpha);
  free(idx);
}

static void counts(FILE *f, const mmb_ccell *c, size_t n, int rss, const char *what) {
  int up = 0, down = 0, same = 0, unsure = 0, few = 0, k = 0;
  double logsum = 0;
  for (size_t i = 0; i < n; i++) {
    const mmb_cratio *r = pick(&c[i], rss);
    if (!r->have || !(r->ratio > 0)) continue;
    logsum += log(r->ratio);
    k++;
    if (!r->tested)
      few++;
    else if (r->sig)
      up += r->ratio > 1, down += r->ratio <= 1;
    else if (strcmp(r->verdict, "same") == 0)
      same++;
    else
      unsure++;
  }
  fprintf(f,
          "<li><b>%s</b>: <span class=\"up\">%d higher</span>, <span class=\"down\">%d lower"
          "</span>, %d the same (within the threshold), %d could not tell",
          what, up, down, same, unsure);
  if (few) fprintf(f, ", %d with too few repetitions to call", few);
  if (k)
    fprintf(f, "; over the %d cells B/A has a geometric mean of <b>%.3f×</b>", k, exp(logsum / k));
  fputs("</li>\n", f);
}

/* The notes of the text table (method, drift, repetitions), a paragraph
 * each, with the id the note carries. */
static void notes(FILE *f, const mmb_cpage *pg) {
  for (size_t i = 0; i < pg->nnotes; i++) {
    const mmb_cnote *n = &pg->notes[i];
    if (n->id && n->id[0])
      fprintf(f, "<p class=\"note\" id=\"%s\">", n->id);
    else
      fputs("<p class=\"note\">", f);
    H(n->text);
    fputs("</p>\n", f);
  }
}

/* The called changes of one metric, largest first. */
static void changes(FILE *f, const mmb_ccell *c, size_t n, int rss, const char *what) {
  size_t *idx = mmb_xcalloc(n + 1, sizeof *idx, "the comparison page");
  size_t m = sorted(c, n, rss, idx), shown = 0;
  fprintf(f, "<h4>Called changes of %s</h4>\n", what);
  for (size_t k = 0; k < m; k++) {
    const mmb_cratio *r = pick(&c[idx[k]], rss);
    if (!r->sig) continue;
    if (!shown)
      fputs("<table class=\"changes\"><tr><th>cell</th><th>B/A</th><th>interval</th>"
            "<th>adjusted p</th><th>sensitivity</th></tr>\n",
            f);
    fprintf(f, "<tr><td><a href=\"#k%zu\">", idx[k]);
    H(c[idx[k]].label);
    fprintf(f,
            "</a></td><td class=\"num %s\">%.3f×</td><td class=\"num\">%.3f – %.3f</td>"
            "<td class=\"num\">%.2g</td><td class=\"num\">%.3f×</td></tr>\n",
            r->ratio > 1 ? "up" : "down", r->ratio, r->lo, r->hi, r->p_adj, r->sens);
    shown++;
  }
  if (shown)
    fputs("</table>\n", f);
  else
    fputs("<p>None called (see the verdicts and sensitivities in the table).</p>\n", f);
  free(idx);
}

static void table(FILE *f, const mmb_ccell *c, size_t n) {
  fprintf(f,
          "<section id=\"results\"><h2>Full table</h2>\n<details id=\"table\"><summary>%zu "
          "cells in common — open the table</summary>\n",
          n);
  fputs("<div id=\"filters\" hidden><label>workload <select data-key=\"workload\"><option "
        "value=\"\">all</option></select></label><label>allocator <select data-key=\"allocator\">"
        "<option value=\"\">all</option></select></label><label>time change <select "
        "data-key=\"change\"><option value=\"\">all</option></select></label><span id=\"shown\">"
        "</span></div>\n",
        f);
  fputs("<div class=\"tablewrap\"><table id=\"ratios\"><thead><tr><th>cell</th><th>status A / B"
        "</th><th>A ns/op</th><th>B ns/op</th><th>B/A</th><th>interval</th><th>verdict</th>"
        "<th>adjusted p</th><th>sensitivity</th><th>RSS B/A</th><th>interval</th><th>verdict</th>"
        "</tr></thead><tbody>\n",
        f);
  for (size_t i = 0; i < n; i++) {
    const mmb_ccell *x = &c[i];
    const char *ch = change_of(&x->t);
    fprintf(f, "<tr id=\"k%zu\" class=\"%s\" data-change=\"%s\" data-workload=\"", i,
            !x->t.sig        ? ""
            : x->t.ratio > 1 ? "sig-up"
                             : "sig-down",
            ch);
    H(x->workload);
    fputs("\" data-allocator=\"", f);
    H(x->allocator);
    fputs("\"><td>", f);
    H(x->label);
    fputs("</td><td>", f);
    H(x->status_a);
    fputs(" / ", f);
    H(x->status_b);
    fputs("</td>", f);
    const mmb_cratio *rs[2] = {&x->t, &x->r};
    for (int k = 0; k < 2; k++) {
      const mmb_cratio *r = rs[k];
      if (k == 0) {
        char a[32] = "—", b[32] = "—";
        if (r->have) {
          mmb_rep_fmt_si(r->ma, "ns", a, sizeof a);
          mmb_rep_fmt_si(r->mb, "ns", b, sizeof b);
        }
        fprintf(f, "<td class=\"num\">%s</td><td class=\"num\">%s</td>", a, b);
      }
      if (!r->have) {
        fputs(k == 0 ? "<td>—</td><td>—</td><td>—</td><td>—</td><td>—</td>"
                     : "<td>—</td><td>—</td><td>—</td>",
              f);
        continue;
      }
      if (r->tested)
        fprintf(f, "<td class=\"num r\">%.3f%s</td><td class=\"num\">%.3f – %.3f</td>", r->ratio,
                r->sig ? "*" : "", r->lo, r->hi);
      else
        fprintf(f, "<td class=\"num r\">%.3f</td><td>—</td>", r->ratio);
      fprintf(f, "<td>%s</td>", r->verdict);
      if (k == 0 && r->tested)
        fprintf(f, "<td class=\"num\">%.2g</td><td class=\"num\">%.3f×</td>", r->p_adj, r->sens);
      else if (k == 0)
        fputs("<td>—</td><td>—</td>", f);
    }
    fputs("</tr>\n", f);
  }
  fputs("</tbody></table></div></details></section>\n", f);
}

int mmb_cmp_html_write(const char *outdir, const mmb_cpage *pg, const mmb_ccell *c, size_t n,
                       char *err, size_t errlen) {
  FILE *f = mmb_html_open(outdir, "compare.html", err, errlen);
  if (!f) return -1;
  mmb_html_head(f, "mmbench compare", css);
  fputs("<h1>mmbench compare</h1>\n<p class=\"sub\">A = ", f);
  H(pg->caption_a);
  fputs("<br>B = ", f);
  H(pg->caption_b);
  fputs("</p>\n<section id=\"summary\"><h2>Overview</h2>\n" MMB_HTML_IMGCHECK, f);
  if (pg->envdiff[0]) {
    fputs("<p class=\"warn\" id=\"envdiff\">The environments differ: ", f);
    H(pg->envdiff);
    fputs(". The ratios mix the change under test with these.</p>\n", f);
  }
  int any = 0;
  for (size_t i = 0; i < n; i++) any |= c[i].t.have || c[i].r.have;
  fprintf(
      f,
      "<ul class=\"counts\"><li>%zu cells in common (failed or skipped ones on either side have no "
      "ratio); %s; a change is called when it exceeds %.0f %% with a %s-adjusted p-value over "
      "the cells below %.2g.</li>\n",
      n, pg->design, pg->threshold * 100, pg->method, pg->alpha);
  counts(f, c, n, 0, "time per operation");
  counts(f, c, n, 1, "peak RSS");
  fputs("</ul>\n", f);
  notes(f, pg);
  if (!any) {
    fputs("<p class=\"warn\" id=\"no-ratio\">No cell has values on both sides (every shared "
          "cell failed or was skipped in A or B): there is no ratio to draw.</p>\n",
          f);
  } else {
    fputs("<h4>Time per operation: B ÷ A, every cell</h4>\n", f);
    curve(f, c, n, 0, "curve-time", pg);
    fputs("<h4>Peak RSS: B ÷ A, every cell</h4>\n", f);
    curve(f, c, n, 1, "curve-rss", pg);
    changes(f, c, n, 0, "time per operation");
    changes(f, c, n, 1, "peak RSS");
  }
  fputs("</section>\n<script>document.getElementById('summary').setAttribute('data-ms', "
        "Math.round(performance.now()));</script>\n<section id=\"figures\"><h2>Figures</h2>\n",
        f);
  const char *names[2] = {"compare-time", "compare-rss"};
  int drawn[2] = {pg->drawn_time, pg->drawn_rss};
  for (int k = 0; k < 2; k++) {
    if (drawn[k])
      fprintf(f,
              "<figure><a href=\"%s.svg\"><img class=\"fig\" src=\"%s.png\" alt=\"%s\"></a>"
              "<figcaption>B/A with cell labels, sorted by change. <a href=\"%s.svg\">SVG</a> · "
              "<a href=\"data/%s.dat\">data</a></figcaption></figure>\n",
              names[k], names[k], names[k], names[k], names[k]);
    else
      fprintf(f,
              "<p class=\"missing\">%s.svg was not drawn (no gnuplot, or no cell with a "
              "ratio); the overview above needs neither.</p>\n",
              names[k]);
  }
  fputs("</section>\n", f);
  table(f, c, n);
  fputs("<footer><p class=\"sub\">Written by mmbench compare; the same numbers are in "
        "<code>compare.csv</code> and <code>compare.txt</code>.</p></footer>\n",
        f);
  fprintf(f, "<script>\n%s</script>\n", mmb_html_imgcheck_js);
  mmb_html_foot(f, mmb_html_filter_js);
  return mmb_html_close(f, outdir, "compare.html", err, errlen);
}
