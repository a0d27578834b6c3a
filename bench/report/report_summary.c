/* mmbench — the overview at the top of report.html (section#summary): two
 * heat maps of allocators × cells (time and peak RSS relative to the
 * baseline, drawn as inline SVG so they need neither gnuplot nor a network),
 * a table of the fastest and leanest allocator per family, and a box of
 * what went wrong with links to the rows of the full table. When there is
 * nothing to draw (no ok cell, one allocator) it says so in words. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "html.h"
#include "metrics.h"
#include "noisy.h"
#include "shift.h"
#include "report.h"
#include "xalloc.h"

#define H(text) mmb_html_text(f, text)

/* ------------------------------------------------------------------------
 * Colour scale: diverging blue (lower than the baseline: better) – grey –
 * red (higher: worse), ColorBrewer RdBu ends, colour-blind safe; log2 of
 * the ratio clamped to ±1 (0.5× … 2×).
 * ---------------------------------------------------------------------- */
static const int LOW[3] = {0x21, 0x66, 0xac}, MID[3] = {0xf2, 0xf2, 0xf2},
                 HIGH[3] = {0xb2, 0x18, 0x2b};

static void ratio_colour(double ratio, char *buf, size_t len) {
  double t = log2(ratio);
  if (t > 1) t = 1;
  if (t < -1) t = -1;
  const int *end = t < 0 ? LOW : HIGH;
  double a = fabs(t);
  a = 0.2 + 0.8 * a; /* a cell that differs is always visibly tinted */
  int rgb[3];
  for (int i = 0; i < 3; i++) rgb[i] = (int)lround(MID[i] + (end[i] - MID[i]) * a);
  snprintf(buf, len, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
}

static void fmt_ratio(double r, char *buf, size_t len) {
  if (r >= 10 || r < 0.1)
    snprintf(buf, len, "%.3g×", r);
  else
    snprintf(buf, len, "%.2f×", r);
}

/* ------------------------------------------------------------------------
 * Heat map
 * ---------------------------------------------------------------------- */
/* A column: one workload, parameter point and thread count. */
typedef struct hcol {
  int wl, pidx, threads;
} hcol;

static int is_failed(const mmb_rcell *c) { return mmb_status_failed(c->status); }

/* A heat map's layout: its columns and rows and where they are drawn. */
typedef struct hmap {
  hcol *cols;        /* the columns, in cell order */
  int *rows;         /* the allocator index of each row */
  int nc, nr;        /* how many columns and rows */
  int left, top, ch; /* label margin, band height, row height (px) */
  double cw;         /* column width (px) */
} hmap;

static int same_point(const hcol *col, const mmb_rcell *c) {
  return col->wl == c->wl && col->pidx == c->pidx && col->threads == c->threads;
}

/* Columns: groups with at least one cell that ran (ok or failed); counts
 * in *single the points that ran under one allocator only. */
static void heat_columns(const mmb_rmodel *m, hmap *h, int *single) {
  for (size_t k = 0; k < m->ncells; k++) {
    const mmb_rcell *c = &m->cells[k];
    if (c->status == MMB_ST_SKIPPED) continue;
    if (h->nc && same_point(&h->cols[h->nc - 1], c)) continue;
    int seen = 0; /* cells are sorted, but be safe */
    for (int j = 0; j < h->nc && !seen; j++) seen = same_point(&h->cols[j], c);
    /* A point that ran under one allocator only (its region calls none)
     * has nothing to compare: it would be a column of hatching. */
    int ran = 0;
    for (size_t q = 0; q < m->ncells; q++) {
      const mmb_rcell *o = &m->cells[q];
      ran += o->wl == c->wl && o->pidx == c->pidx && o->threads == c->threads &&
             o->status != MMB_ST_SKIPPED && !mmb_is_floor(o->allocator);
    }
    if (!seen && ran >= 2)
      h->cols[h->nc++] = (hcol){c->wl, c->pidx, c->threads};
    else if (!seen)
      (*single)++;
  }
}

/* Rows: the allocators (but the floor) with a cell that ran. */
static void heat_rows(const mmb_rmodel *m, hmap *h) {
  for (size_t a = 0; a < m->nallocs; a++) {
    if (mmb_is_floor(m->allocs[a])) continue; /* shown in each cell's tip instead */
    int any = 0;
    for (size_t k = 0; k < m->ncells && !any; k++)
      any = m->cells[k].alloc == (int)a && m->cells[k].status != MMB_ST_SKIPPED;
    if (any) h->rows[h->nr++] = (int)a;
  }
}

/* Geometry, the svg's opening, the hatching behind it and the allocator
 * labels: left labels, family band on top, workload names below. */
static void heat_open(FILE *f, const mmb_rmodel *m, hmap *h, int rss, const char *id) {
  h->left = 96, h->top = 34, h->ch = 16;
  h->cw = (1180.0 - h->left) / (h->nc ? h->nc : 1);
  if (h->cw > 30) h->cw = 30;
  if (h->cw < 5) h->cw = 5;
  int longest = 0;
  for (size_t w = 0; w < m->nworks; w++)
    if ((int)strlen(m->works[w].name) > longest) longest = (int)strlen(m->works[w].name);
  int bottom = 12 + longest * 6;
  int width = h->left + (int)ceil(h->cw * h->nc) + 10, height = h->top + h->nr * h->ch + bottom;
  fprintf(f,
          "<svg id=\"%s\" class=\"heat\" role=\"img\" width=\"%d\" height=\"%d\" "
          "viewBox=\"0 0 %d %d\" "
          "font-family=\"system-ui,sans-serif\" font-size=\"11\">\n",
          id, width, height, width, height);
  fprintf(f, "<title>%s of each cell relative to the baseline allocator</title>\n",
          rss ? "Peak RSS" : "Time per operation");
  fputs("<defs><pattern id=\"hatch-", f);
  fputs(id, f);
  fputs("\" width=\"4\" height=\"4\" patternUnits=\"userSpaceOnUse\" "
        "patternTransform=\"rotate(45)\"><rect width=\"4\" height=\"4\" fill=\"#fff\"/>"
        "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"4\" stroke=\"#ccc\" stroke-width=\"1.5\"/>"
        "</pattern></defs>\n",
        f);
  fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"url(#hatch-%s)\"/>\n",
          h->left, h->top, h->cw * h->nc, h->nr * h->ch, id);
  for (int r = 0; r < h->nr; r++) {
    fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", h->left - 6,
            h->top + r * h->ch + 12);
    H(m->allocs[h->rows[r]]);
    fputs("</text>\n", f);
  }
}

/* The band and name of the family of columns j..k-1, and the names of
 * their workloads under the map. */
static void heat_family(FILE *f, const mmb_rmodel *m, const hmap *h, int j, int k) {
  const char *fam = m->works[h->cols[j].wl].family;
  double x0 = h->left + j * h->cw, x1 = h->left + k * h->cw;
  int top = h->top;
  fprintf(f,
          "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#0072B2\" "
          "stroke-width=\"2\"/>",
          x0 + 1, top - 4, x1 - 1, top - 4);
  if (x1 - x0 >= 28)
    fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#0072B2\">", (x0 + x1) / 2,
            top - 9);
  else
    fprintf(f,
            "<text x=\"%.1f\" y=\"%d\" fill=\"#0072B2\" font-size=\"9\" "
            "transform=\"rotate(-30 %.1f %d)\">",
            x0, top - 9, x0, top - 9);
  H(fam);
  fputs("</text>", f);
  if (k < h->nc || j > 0)
    fprintf(f,
            "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#fff\" "
            "stroke-width=\"2\"/>\n",
            x1, top, x1, top + h->nr * h->ch);
  for (int q = j; q < k;) {
    int wl = h->cols[q].wl, e = q;
    while (e < k && h->cols[e].wl == wl) e++;
    double cx = h->left + (q + e) / 2.0 * h->cw;
    int y = top + h->nr * h->ch + 6;
    fprintf(f,
            "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"end\" "
            "dominant-baseline=\"middle\" transform=\"rotate(-90 %.1f %d)\">",
            cx, y, cx, y);
    H(m->works[wl].name);
    fputs("</text>", f);
    q = e;
  }
  fputc('\n', f);
}

/* Family bands and workload names, one family of adjacent columns at a time. */
static void heat_families(FILE *f, const mmb_rmodel *m, const hmap *h) {
  for (int j = 0; j < h->nc;) {
    const char *fam = m->works[h->cols[j].wl].family;
    int k = j;
    while (k < h->nc && strcmp(m->works[h->cols[k].wl].family, fam) == 0) k++;
    heat_family(f, m, h, j, k);
    j = k;
  }
}

/* The colour and hover text of cell k (its ratio to the baseline, or why
 * there is none). */
static void heat_tip(const mmb_rmodel *m, const mmb_roverview *ov, size_t k, int rss, char *fill,
                     size_t flen, char *tip, size_t tlen) {
  const mmb_rcell *c = &m->cells[k];
  const mmb_rcmp *x = &ov->cmp[k];
  const mmb_rratio *rr = rss ? &x->rss : &x->time;
  char label[256], r1[32], r2[32], r3[32];
  mmb_rep_cell_label(m, c, 1, label, sizeof label);
  int is_base = x->base == (int)k;
  if (is_failed(c)) {
    snprintf(fill, flen, "#333333");
    snprintf(tip, tlen, "%s %s · %s: %s%s%s", c->workload, label, c->allocator,
             mmb_status_name(c->status), c->reason[0] ? ": " : "", c->reason);
  } else if (rr->have && !is_base) {
    if (rr->differs) ratio_colour(rr->ratio, fill, flen);
    fmt_ratio(rr->ratio, r1, sizeof r1);
    fmt_ratio(rr->lo, r2, sizeof r2);
    fmt_ratio(rr->hi, r3, sizeof r3);
    const char *why = rr->differs     ? ""
                      : !rr->callable ? ": not called (fewer than 3 repetitions a side)"
                      : rr->too_small ? ": too small to matter (< 3 % or < 256 KiB)"
                                      : ": no difference";
    snprintf(tip, tlen,
             "%s %s · %s: %s %s's [%s – %s] (%.1f %% exact interval, %d vs %d "
             "repetitions)%s",
             c->workload, label, c->allocator, r1, m->cells[x->base].allocator, r2, r3,
             100 * rr->level, rr->na, rr->nb, why);
  } else if (is_base) {
    snprintf(tip, tlen, "%s %s · %s: the baseline", c->workload, label, c->allocator);
  } else {
    snprintf(fill, flen, "#ffffff");
    snprintf(tip, tlen, "%s %s · %s: no ratio (%s)", c->workload, label, c->allocator,
             x->base < 0 ? "the baseline has no value here" : "no value");
  }
  if (!rss && x->extra.have && !is_failed(c)) {
    const mmb_rexcess *e = &x->extra;
    char fl[32], ex[32], el[32], eh[32];
    mmb_rep_fmt_si(e->floor, "ns", fl, sizeof fl);
    mmb_rep_fmt_si(e->excess, "ns", ex, sizeof ex);
    mmb_rep_fmt_si(e->lo, "ns", el, sizeof el);
    mmb_rep_fmt_si(e->hi, "ns", eh, sizeof eh);
    size_t n = strlen(tip);
    snprintf(tip + n, tlen - n,
             "; the same loop under a minimal allocator (floor) takes %s/op, %.0f %% of this "
             "cell: %s/op over it [%s – %s] (%.1f %%)%s",
             fl, e->floor_pct, ex, el, eh, 100 * e->level,
             e->floor_pct > 100 ? " — this allocator is faster than the floor allocator here" : "");
  }
}

/* One cell's square (linked to its row of the table), with a cross when
 * it failed and a dot on the baseline's. */
static void heat_cell(FILE *f, const mmb_rmodel *m, const mmb_roverview *ov, const hmap *h,
                      size_t k, int rss) {
  const mmb_rcell *c = &m->cells[k];
  int col = -1, row = -1;
  for (int j = 0; j < h->nc && col < 0; j++)
    if (same_point(&h->cols[j], c)) col = j;
  for (int r = 0; r < h->nr && row < 0; r++)
    if (h->rows[r] == c->alloc) row = r;
  if (col < 0 || row < 0) return;
  double cw = h->cw, px = h->left + col * cw, py = h->top + row * h->ch;
  char fill[16] = "#f2f2f2", tip[1200];
  heat_tip(m, ov, k, rss, fill, sizeof fill, tip, sizeof tip);
  fprintf(f,
          "<a href=\"#c%zu\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" "
          "fill=\"%s\" stroke=\"#fff\" stroke-width=\"%s\"><title>",
          k, px, py, cw, h->ch, fill, cw >= 8 ? "1" : "0.5");
  H(tip);
  fputs("</title></rect>", f);
  if (is_failed(c))
    fprintf(f,
            "<text x=\"%.1f\" y=\"%.1f\" fill=\"#fff\" font-size=\"%d\" "
            "text-anchor=\"middle\" pointer-events=\"none\">×</text>",
            px + cw / 2, py + 12, cw >= 10 ? 12 : 9);
  else if (ov->cmp[k].base == (int)k)
    fprintf(f,
            "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"#666\" "
            "pointer-events=\"none\"/>",
            px + cw / 2, py + h->ch / 2.0, cw >= 8 ? 2.0 : 1.2);
  fputs("</a>\n", f);
}

/* One heat map (time, or peak RSS when rss) as an inline svg with the
 * given id; *single counts the points left out (one allocator only). */
static void heatmap(FILE *f, const mmb_rmodel *m, const mmb_roverview *ov, int rss, const char *id,
                    int *single) {
  hmap h = {.cols = mmb_xcalloc(m->ncells + 1, sizeof *h.cols, "the overview"),
            .rows = mmb_xcalloc(m->nallocs + 1, sizeof *h.rows, "the overview")};
  heat_columns(m, &h, single);
  heat_rows(m, &h);
  heat_open(f, m, &h, rss, id);
  heat_families(f, m, &h);
  for (size_t k = 0; k < m->ncells; k++)
    if (m->cells[k].status != MMB_ST_SKIPPED) heat_cell(f, m, ov, &h, k, rss);
  fputs("</svg>\n", f);
  free(h.cols);
  free(h.rows);
}

/* The level of the maps' intervals, in words: "97 %", or "90 %" with a
 * note when below 95 % (most_n repetitions a side). */
static void level_words(const mmb_roverview *ov, char *buf, size_t len) {
  if (ov->uncallable)
    snprintf(buf, len, "%s", "none: fewer than 3 repetitions a side, no difference is called");
  else
    snprintf(buf, len, "%.1f %% at %d repetitions a side%s", 100 * ov->ratio_level, ov->most_n,
             ov->ratio_level < 0.95 ? " (below 95 %: more repetitions give 95 %)" : "");
}

/* The legend under both heat maps (HTML, so it wraps). */
static void legend(FILE *f, const mmb_roverview *ov) {
  static const double ticks[] = {0.5, 0.71, 0.84, 1.19, 1.41, 2};
  fputs("<div class=\"legend\">", f);
  for (size_t i = 0; i < sizeof ticks / sizeof ticks[0]; i++) {
    char c[16], r[32];
    ratio_colour(ticks[i], c, sizeof c);
    fmt_ratio(ticks[i], r, sizeof r);
    fprintf(f, "<span><i style=\"background:%s\"></i>%s%s</span>", c,
            i == 0   ? "≤ "
            : i == 5 ? "≥ "
                     : "",
            r);
  }
  char lv[160];
  level_words(ov, lv, sizeof lv);
  fputs("<span id=\"legend-level\"><i style=\"background:#f2f2f2\"></i>no difference called: the "
        "exact interval of the ratio holds 1 (level ",
        f);
  H(lv);
  fprintf(f,
          "), fewer than %d repetitions a side, or a peak-RSS difference below %.0f&nbsp;%% or "
          "%.0f&nbsp;KiB</span>",
          MMB_MIN_REPS_CALL, 100 * MMB_RSS_MIN_REL, MMB_RSS_MIN_KB);
  fputs("<span><i style=\"background:#f2f2f2;text-align:center;line-height:12px\">•</i>"
        "baseline</span><span><i style=\"background:#333;color:#fff;text-align:center;"
        "line-height:12px\">×</i>failed</span><span><i class=\"hatch\"></i>not run "
        "(skipped)</span></div>\n",
        f);
}

/* ------------------------------------------------------------------------
 * Family table and warnings
 * ---------------------------------------------------------------------- */
static void best_cell(FILE *f, const mmb_rmodel *m, const mmb_rfamily *fam, const mmb_rbest *b) {
  fputs("<td>", f);
  if (b->alloc < 0 || fam->base < 0) {
    fputs("—</td>", f);
    return;
  }
  char r[32], lo[32], hi[32];
  fmt_ratio(b->ratio, r, sizeof r);
  fmt_ratio(b->lo, lo, sizeof lo);
  fmt_ratio(b->hi, hi, sizeof hi);
  fputs("<b>", f);
  H(m->allocs[b->alloc]);
  fputs("</b> ", f);
  if (b->alloc == fam->base) {
    fprintf(f, "(the baseline: no allocator beats it over the %d common cell%s)</td>", b->ncells,
            b->ncells == 1 ? "" : "s");
    return;
  }
  fputs(r, f);
  if (!isnan(b->level) && b->level > 0)
    fprintf(f, " <span class=\"ci\">[%s – %s] %.0f&nbsp;%%</span>", lo, hi, 100 * b->level);
  if (!b->callable)
    fputs(b->level < MMB_WIN_LEVEL
              ? " <span class=\"tag\">not called: too few common cells for a 90&nbsp;% "
                "interval</span>"
              : " <span class=\"tag\">not called: fewer than 3 repetitions a side</span>",
          f);
  else if (isnan(b->level) || (b->lo <= 1 && b->hi >= 1))
    fputs(" <span class=\"tag\">not different</span>", f);
  fprintf(f,
          "<br><span class=\"sub\">median of the ratios over %d common cell%s (of %d) that all "
          "%d ranked allocators ran; interval: order statistics of that median, exact level</span>",
          b->ncells, b->ncells == 1 ? "" : "s", b->ngroups, b->nranked);
  fputs("</td>", f);
}

static void family_table(FILE *f, const mmb_rmodel *m, const mmb_roverview *ov) {
  fputs("<table id=\"families\"><tr><th>family</th><th>cells: ok / noisy / failed / "
        "skipped for a reason</th><th>baseline</th><th>fastest (time ÷ baseline)</th><th>leanest "
        "(peak RSS "
        "÷ baseline)</th></tr>\n",
        f);
  for (size_t k = 0; k < ov->nfams; k++) {
    const mmb_rfamily *fam = &ov->fams[k];
    fputs("<tr><td><a href=\"#family-", f);
    H(fam->name);
    fputs("\">", f);
    H(fam->name);
    fprintf(f, "</a></td><td class=\"num\">%d / %d / %d / %d</td><td>", fam->ok, fam->noisy,
            fam->failed, fam->skipped);
    H(fam->base >= 0 ? m->allocs[fam->base] : "— (nothing measured)");
    fputs("</td>", f);
    best_cell(f, m, fam, &fam->fastest);
    best_cell(f, m, fam, &fam->leanest);
    fputs("</tr>\n", f);
  }
  fputs("</table>\n", f);
}

/* The noisy cells, against the machine's own noise where meta.json has it.
 * Returns 1 when it wrote an item, 0 when there is none. */
static int warn_noisy(FILE *f, const mmb_rmodel *m, const mmb_roverview *ov) {
  if (!ov->noisy) return 0;
  int measured = 0;
  for (size_t k = 0; k < m->ncells; k++)
    measured += m->cells[k].status == MMB_ST_OK && mmb_rep_stat(m, &m->cells[k], MMB_METRIC_TIME);
  fprintf(f,
          "<li id=\"w-noisy\">%d of %d measured cells (%.0f&nbsp;%%) are <b>noisy</b>: ", ov->noisy,
          measured, measured ? 100.0 * ov->noisy / measured : 0.0);
  if (ov->machine_cv > 0)
    fprintf(f,
            "their time varies more than the machine's own noise explains (the machine: CV "
            "<b id=\"machine-cv\">%.1f&nbsp;%%</b> between %d processes of a fixed loop, "
            "meta.json <code>noise</code>; one-sided chi-square test at %.0f&nbsp;%%: with %d "
            "repetitions a cell is flagged above CV %.1f&nbsp;%%). ",
            100 * ov->machine_cv, ov->noise_processes, 100 * MMB_NOISY_LEVEL, ov->most_n,
            100 * mmb_noisy_limit((size_t)ov->most_n, ov->machine_cv));
  else
    fputs("the coefficient of variation of their time exceeds the fixed 5&nbsp;%% (this run "
          "has no measurement of the machine's own noise in meta.json). ",
          f);
  fputs("<a href=\"?status=noisy#table\">Show them</a>.</li>\n", f);
  return 1;
}

/* Oversubscribed cells, the missing PMU and nonconforming allocators.
 * Returns how many items it wrote. */
static int warn_machine(FILE *f, const mmb_roverview *ov) {
  int n = 0;
  if (ov->oversub_cells) {
    fprintf(f,
            "<li id=\"w-oversub\">%d cells ran <b>more threads than CPUs</b> (threads %s on "
            "%d CPUs): their times include waiting for a CPU. They are marked ‡ in the "
            "table.</li>\n",
            ov->oversub_cells, ov->oversub_threads, ov->cpus);
    n++;
  }
  if (ov->pmu_note[0]) {
    fputs("<li id=\"w-pmu\">No hardware PMU: ", f);
    H(ov->pmu_note);
    fputs("; counter figures show software events (and simulated counts where run with "
          "--counters sim).</li>\n",
          f);
    n++;
  }
  if (ov->bad_allocs[0]) {
    fputs("<li id=\"w-nonconforming\"><b>Nonconforming allocators</b> (refused by the probe or "
          "with wrong results): ",
          f);
    H(ov->bad_allocs);
    fputs(".</li>\n", f);
    n++;
  }
  return n;
}

/* The failed cells, the first 12 linked to their rows. Returns 1 when it
 * wrote an item, 0 when none failed. */
static int warn_failed(FILE *f, const mmb_rmodel *m, const mmb_roverview *ov) {
  if (!ov->failed) return 0;
  fprintf(f,
          "<li id=\"w-failed\"><b>%d cell%s failed</b> (crash, timeout, corrupt result, "
          "error): ",
          ov->failed, ov->failed == 1 ? "" : "s");
  int shown = 0;
  for (size_t k = 0; k < m->ncells; k++) {
    const mmb_rcell *c = &m->cells[k];
    if (!is_failed(c)) continue;
    if (shown == 12) {
      fprintf(f, " and %d more (<a href=\"?status=failed#table\">all</a>)", ov->failed - 12);
      break;
    }
    char label[256];
    mmb_rep_cell_label(m, c, 1, label, sizeof label);
    fprintf(f, "%s<a href=\"#c%zu\">", shown ? ", " : "", k);
    H(c->workload);
    fputs(" ", f);
    if (strcmp(label, "default") != 0) {
      H(label);
      fputs(" ", f);
    }
    H(c->allocator);
    fputs(": ", f);
    H(mmb_status_name(c->status));
    fputs("</a>", f);
    shown++;
  }
  fputs(".</li>\n", f);
  return 1;
}

/* Figures that could not be drawn (no gnuplot, or gnuplot failed).
 * Returns 1 when it wrote an item, 0 when all were drawn. */
static int warn_figures(FILE *f, const mmb_gnuplot *gp, const mmb_rfigs *figs) {
  if (!gp->have) {
    fputs("<li id=\"noplots\">The figures could not be drawn: ", f);
    H(gp->why);
    fputs(". Their data is in <code>plots/data/</code>; the overview above needs no gnuplot."
          "</li>\n",
          f);
    return 1;
  }
  if (!figs->failed) return 0;
  fprintf(f,
          "<li id=\"w-figfailed\">%d of %zu figures could not be drawn (gnuplot failed; its "
          "messages are in <code>plots/data/*.log</code>).</li>\n",
          figs->failed, figs->n);
  return 1;
}

/* The box of what went wrong (or that nothing did). */
static void warnings(FILE *f, const mmb_rmodel *m, const mmb_roverview *ov, const mmb_gnuplot *gp,
                     const mmb_rfigs *figs) {
  fputs("<div id=\"warnings\" class=\"box\"><h3>What to keep in mind</h3><ul>\n", f);
  int n = warn_noisy(f, m, ov);
  n += warn_machine(f, ov);
  n += warn_failed(f, m, ov);
  n += warn_figures(f, gp, figs);
  for (int i = 0; i < m->nwarnings; i++) {
    fputs("<li>", f);
    H(m->warnings[i]);
    fputs("</li>\n", f);
    n++;
  }
  if (!n)
    fputs("<li id=\"w-none\">Nothing went wrong: every cell that ran finished cleanly and "
          "none is noisy.</li>\n",
          f);
  fputs("</ul>" MMB_HTML_IMGCHECK "</div>\n", f);
}

/* ------------------------------------------------------------------------
 * The section
 * ---------------------------------------------------------------------- */
const char mmb_rep_summary_css[] =
    "#summary .maps{display:flex;flex-wrap:wrap;gap:0 2em}#summary .maps h4{margin:.6em 0 .2em}\n"
    "svg.heat{max-width:100%;height:auto;display:block}\nsvg.heat a:hover rect{stroke:#000}\n"
    ".legend{font-size:.8em;display:flex;flex-wrap:wrap;gap:.3em 1em;margin:.3em 0 1em}\n"
    ".legend i{display:inline-block;width:14px;height:12px;margin-right:4px;vertical-align:"
    "-2px;border:1px solid #ccc;font-style:normal;font-size:10px}\n"
    ".legend i.hatch{background:repeating-linear-gradient(45deg,#fff 0 2px,#ccc 2px 3px)}\n"
    ".box{border:1px solid #e3c9b8;background:#fffaf6;padding:.2em 1em;margin:.8em 0}\n"
    ".box h3{margin:.4em 0;color:#8a3b00}.box li{margin:.2em 0}\n"
    "span.ci{color:#555;font-size:.9em}\n";

void mmb_rep_summary_html(FILE *f, const mmb_rmodel *m, const mmb_roverview *ov,
                          const mmb_gnuplot *gp, const mmb_rfigs *figs) {
  fputs("<section id=\"summary\"><h2>Overview</h2>\n", f);
  if (ov->ok == 0) {
    fprintf(f,
            "<p class=\"warn\" id=\"no-ok\">No cell ran cleanly (%d failed, %d skipped): "
            "there is nothing to compare. What went wrong is listed below.</p>\n",
            ov->failed, ov->skipped);
  } else if (ov->nmeasured_allocs < 2) {
    const char *only = "";
    for (size_t k = 0; k < m->ncells; k++)
      if (m->cells[k].status == MMB_ST_OK) {
        only = m->cells[k].allocator;
        break;
      }
    fputs("<p class=\"note\" id=\"one-alloc\">Only one allocator (<b>", f);
    H(only);
    fputs("</b>) was measured: there is no ratio to draw. Its medians are in the full table; "
          "run more allocators (-a) to compare.</p>\n",
          f);
  } else {
    char lv[160];
    level_words(ov, lv, sizeof lv);
    if (ov->uncallable)
      fprintf(f,
              "<p class=\"warn\" id=\"uncallable\">Fewer than %d repetitions a side: no "
              "difference can be called, nothing is coloured (run with -r %d or more).</p>\n",
              MMB_MIN_REPS_CALL, MMB_MIN_REPS_CALL);
    fprintf(f,
            "<p>Each square is one cell (workload, parameters, threads) of one allocator, "
            "coloured by its median relative to the baseline allocator of that cell "
            "(glibc, or manual where glibc does not run): <b style=\"color:#2166ac\">blue "
            "is lower</b> (faster, leaner), <b style=\"color:#b2182b\">red is higher</b>; "
            "grey where no difference is called: the exact distribution-free interval of "
            "the ratio (from all pairs of repetitions, level <span id=\"map-level\">%s</span>) "
            "holds 1, a side has fewer than %d repetitions, or a peak-RSS difference is too small "
            "to matter (below %.0f&nbsp;%% or %.0f&nbsp;KiB). Throughput workloads are "
            "compared by time per operation too (the inverse of their throughput ratio). "
            "Hover for the numbers, click for the row.</p>\n",
            lv, MMB_MIN_REPS_CALL, 100 * MMB_RSS_MIN_REL, MMB_RSS_MIN_KB);
    fputs("<div class=\"maps\"><div><h4>Time per operation ÷ baseline</h4>\n", f);
    int single = 0, dummy = 0;
    heatmap(f, m, ov, 0, "heat-time", &single);
    fputs("</div><div><h4>Peak RSS ÷ baseline</h4>\n", f);
    heatmap(f, m, ov, 1, "heat-rss", &dummy);
    fputs("</div></div>\n", f);
    legend(f, ov);
    if (single)
      fprintf(f,
              "<p class=\"sub\" id=\"single\">%d parameter point%s measured under one "
              "allocator only (the measured region calls none, e.g. stack variants) %s left "
              "out of the maps: %s in the full table.</p>\n",
              single, single == 1 ? "" : "s", single == 1 ? "is" : "are",
              single == 1 ? "it is" : "they are");
  }
  fputs("<h3>Per family</h3>\n", f);
  family_table(f, m, ov);
  warnings(f, m, ov, gp, figs);
  /* When the parser got here: the time to the overview, for the test. */
  fputs("</section>\n<script>document.getElementById('summary').setAttribute('data-ms', "
        "Math.round(performance.now()));</script>\n",
        f);
}
