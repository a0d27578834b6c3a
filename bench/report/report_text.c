/* mmbench — the plain-text summary `mmbench report` prints: one line per
 * cell with its median ns/op, the floor of its point (the same loop under a
 * minimal allocator, floor_ns_per_op), the order-statistic interval of the
 * median with its exact level, CV (noisy marked), throughput and peak RSS,
 * or its status and reason when it did not run cleanly. */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "metrics.h"
#include "noisy.h"
#include "report.h"
#include "shift.h"
#include "stats.h"

static int width_of(const char *s) {
  int n = 0; /* display columns: count UTF-8 lead bytes only */
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80) n++;
  return n;
}

static void pad(FILE *out, const char *s, int w) {
  fputs(s, out);
  for (int n = width_of(s); n < w; n++) fputc(' ', out);
}

static void rpad(FILE *out, const char *s, int w) {
  for (int n = width_of(s); n < w; n++) fputc(' ', out);
  fputs(s, out);
}

/* The figures of cell c's row of the full table (time, floor, interval,
 * CV, throughput, peak RSS), or the reason there are none. Returns 0 when
 * there were figures (the line goes on), 1 when the line is done. */
static int text_row_figures(const mmb_rmodel *m, const mmb_rcell *c, FILE *out) {
  char med[32], lo[32], hi[32], ci[80], cv[32], thr[32], rss[32];
  const mmb_rstat *t = mmb_rep_stat(m, c, MMB_METRIC_TIME);
  if (!t) {
    fprintf(out, "%s\n", c->reason[0] ? c->reason : "no measurement");
    return 1;
  }
  mmb_rep_fmt_si(t->median, "ns", med, sizeof med);
  mmb_rep_fmt_si(t->ci_lo, "ns", lo, sizeof lo);
  mmb_rep_fmt_si(t->ci_hi, "ns", hi, sizeof hi);
  double lvl = !isnan(t->ci_level) ? t->ci_level : mmb_median_ci_level((size_t)t->n);
  if (t->n < 2 || isnan(t->ci_lo))
    snprintf(ci, sizeof ci, "none (1 rep)");
  else
    snprintf(ci, sizeof ci, "[%s, %s] %.1f%%", lo, hi, 100 * lvl);
  if (isnan(t->cv) || t->n < 2)
    snprintf(cv, sizeof cv, "-");
  else
    snprintf(cv, sizeof cv, "%.1f%%%s", t->cv * 100, t->noisy ? "!" : "");
  const mmb_rstat *tp = mmb_rep_stat(m, c, MMB_METRIC_THROUGHPUT),
                  *r = mmb_rep_stat(m, c, MMB_METRIC_PEAK_RSS);
  if (tp)
    mmb_rep_fmt_si(tp->median, "op/s", thr, sizeof thr);
  else
    snprintf(thr, sizeof thr, "-");
  if (r)
    mmb_rep_fmt_kb(r->median, rss, sizeof rss);
  else
    snprintf(rss, sizeof rss, "-");
  rpad(out, med, 10);
  char fl[32] = "-";
  double fv = mmb_rep_floor(m, c);
  if (!isnan(fv)) mmb_rep_fmt_si(fv, "ns", fl, sizeof fl);
  fputc(' ', out);
  rpad(out, fl, 8);
  fputs("  ", out);
  pad(out, ci, 29);
  fputc(' ', out);
  rpad(out, cv, 7);
  fputs("  ", out);
  rpad(out, thr, 12);
  fputs("  ", out);
  rpad(out, rss, 10);
  return 0;
}

/* The legend under the full table. */
static void text_legend(const mmb_rmodel *m, int skipped, FILE *out) {
  double mcv = NAN;
  char nb[64];
  const char *ncv = mmb_rep_meta_str(m->meta, "noise.cv", nb, sizeof nb);
  if (ncv && atof(ncv) > 0) mcv = atof(ncv);
  if (mcv > 0)
    fprintf(out,
            "(CV marked ! is noisy: above what the machine's own noise (CV %.1f %%, meta.json "
            "noise) explains, one-sided chi-square test at 95 %%;\n",
            100 * mcv);
  else
    fputs("(CV marked ! is noisy: above the fixed 5 % (no machine noise in meta.json);\n", out);
  fputs(" CI: order-statistic interval of the median, its exact level beside it;\n"
        " floor: the same loop under a minimal allocator (summary.csv's floor_ns_per_op): what\n"
        " an allocator costs beyond the cheapest one is ns/op - floor, which can be negative)\n",
        out);
  if (skipped)
    fprintf(out, "(%d skipped cells not shown: their reasons are in runs.csv and report.html)\n",
            skipped);
}

void mmb_rep_text(const mmb_rmodel *m, FILE *out) {
  int ww = 8, wp = 10, wa = 9;
  for (size_t k = 0; k < m->ncells; k++) {
    const mmb_rcell *c = &m->cells[k];
    char label[256];
    mmb_rep_cell_label(m, c, 0, label, sizeof label);
    if (width_of(c->workload) > ww) ww = width_of(c->workload);
    if (width_of(label) > wp) wp = width_of(label);
    if (width_of(c->allocator) > wa) wa = width_of(c->allocator);
  }
  if (wp > 40) wp = 40;
  pad(out, "workload", ww + 2);
  pad(out, "parameters", wp + 2);
  pad(out, "allocator", wa + 2);
  fprintf(out, "thr  %-8s %10s %8s  %-29s %7s  %12s  %10s\n", "status", "ns/op", "floor",
          "CI of median (level)", "CV", "throughput", "peak RSS");
  const char *last = NULL;
  int skipped = 0;
  for (size_t k = 0; k < m->ncells; k++) {
    const mmb_rcell *c = &m->cells[k];
    char label[256];
    if (c->status == MMB_ST_SKIPPED) {
      skipped++; /* impossible combinations: listed with reasons in report.html */
      continue;
    }
    mmb_rep_cell_label(m, c, 0, label, sizeof label);
    if (width_of(label) > 40) snprintf(label + 36, sizeof label - 36, "...");
    pad(out, last && strcmp(last, c->workload) == 0 ? "" : c->workload, ww + 2);
    last = c->workload;
    pad(out, label, wp + 2);
    pad(out, c->allocator, wa + 2);
    fprintf(out, "%3d  %-8s ", c->threads, mmb_status_name(c->status));
    if (text_row_figures(m, c, out)) continue;
    if (c->status != MMB_ST_OK) fprintf(out, "  (%d/%d ok: %s)", c->n, c->n_runs, c->reason);
    fputc('\n', out);
  }
  text_legend(m, skipped, out);
}

/* ------------------------------------------------------------------------
 * The one-screen summary
 * ---------------------------------------------------------------------- */
static void best_text(const mmb_rmodel *m, const mmb_rfamily *fam, const mmb_rbest *b, char *buf,
                      size_t len) {
  if (b->alloc < 0 || fam->base < 0) {
    snprintf(buf, len, "-");
  } else if (b->alloc == fam->base) {
    snprintf(buf, len, "%s (the baseline, %d cell%s)", m->allocs[b->alloc], b->ncells,
             b->ncells == 1 ? "" : "s");
  } else if (isnan(b->level) || !(b->level > 0)) {
    snprintf(buf, len, "%s %.2fx (%d cell%s, no interval)%s", m->allocs[b->alloc], b->ratio,
             b->ncells, b->ncells == 1 ? "" : "s", b->callable ? "" : " ~");
  } else {
    snprintf(buf, len, "%s %.2fx [%.2f-%.2f] %.1f%% %d cell%s%s", m->allocs[b->alloc], b->ratio,
             b->lo, b->hi, 100 * b->level, b->ncells, b->ncells == 1 ? "" : "s",
             !b->callable || (b->lo <= 1 && b->hi >= 1) ? " ~" : "");
  }
}

void mmb_rep_brief(const mmb_rmodel *m, const mmb_roverview *ov, FILE *out) {
  char base[256];
  mmb_rep_basename(m->dir, base, sizeof base);
  fprintf(out, "\n%s: %d cells planned: %d ok (%d noisy), %d failed, %d skipped for a reason\n",
          base, ov->cells, ov->ok, ov->noisy, ov->failed, ov->skipped);
  if (ov->ok && ov->uncallable)
    fprintf(out, "! fewer than %d repetitions a side: no difference can be called\n",
            MMB_MIN_REPS_CALL);
  if (ov->ok == 0) {
    fputs("No cell ran cleanly: nothing to compare.\n", out);
  } else if (ov->nmeasured_allocs < 2) {
    fputs("Only one allocator was measured: no ratio to show (medians: --text).\n", out);
  } else {
    int wf = 6, wb = 8, wt = 26;
    char t[160];
    for (size_t k = 0; k < ov->nfams; k++) {
      const mmb_rfamily *f = &ov->fams[k];
      if (width_of(f->name) > wf) wf = width_of(f->name);
      if (f->base >= 0 && width_of(m->allocs[f->base]) > wb) wb = width_of(m->allocs[f->base]);
      best_text(m, f, &f->fastest, t, sizeof t);
      if (width_of(t) > wt) wt = width_of(t);
    }
    pad(out, "family", wf + 2);
    pad(out, "baseline", wb + 2);
    pad(out, "fastest (time / baseline)", wt + 2);
    fputs("leanest (peak RSS / baseline)\n", out);
    for (size_t k = 0; k < ov->nfams; k++) {
      const mmb_rfamily *f = &ov->fams[k];
      pad(out, f->name, wf + 2);
      pad(out, f->base >= 0 ? m->allocs[f->base] : "-", wb + 2);
      best_text(m, f, &f->fastest, t, sizeof t);
      pad(out, t, wt + 2);
      best_text(m, f, &f->leanest, t, sizeof t);
      fprintf(out, "%s\n", t);
    }
    fputs("(median of the ratios over the cells every ranked allocator ran, with the\n"
          " order-statistic interval of that median and its exact level; ~ = not called\n"
          " different from the baseline: the interval holds 1, its level is below 90 %,\n"
          " or there are fewer than 3 repetitions a side)\n",
          out);
  }
  int measured = 0;
  for (size_t k = 0; k < m->ncells; k++)
    measured += m->cells[k].status == MMB_ST_OK && mmb_rep_stat(m, &m->cells[k], MMB_METRIC_TIME);
  if (ov->machine_cv > 0)
    fprintf(out,
            "%s %d of %d measured cells are noisy: CV above what the machine's own noise explains "
            "(machine: CV %.1f %% over %d processes of a fixed loop; with %d repetitions the "
            "limit is CV %.1f %%)\n",
            ov->noisy ? "!" : " ", ov->noisy, measured, 100 * ov->machine_cv, ov->noise_processes,
            ov->most_n, 100 * mmb_noisy_limit((size_t)ov->most_n, ov->machine_cv));
  else if (ov->noisy)
    fprintf(out,
            "! %d of %d measured cells are noisy (CV above the fixed 5 %%: the run has no "
            "measurement of the machine's own noise)\n",
            ov->noisy, measured);
  if (ov->oversub_cells)
    fprintf(out, "! %d cells ran more threads than CPUs (threads %s on %d CPUs)\n",
            ov->oversub_cells, ov->oversub_threads, ov->cpus);
  if (ov->pmu_note[0]) fprintf(out, "! %s\n", ov->pmu_note);
  if (ov->bad_allocs[0]) fprintf(out, "! nonconforming allocators: %s\n", ov->bad_allocs);
  if (ov->failed) {
    fprintf(out, "! %d cell%s failed:", ov->failed, ov->failed == 1 ? "" : "s");
    int shown = 0;
    for (size_t k = 0; k < m->ncells && shown < 4; k++) {
      const mmb_rcell *c = &m->cells[k];
      if (!mmb_status_failed(c->status)) continue;
      char label[256];
      mmb_rep_cell_label(m, c, 1, label, sizeof label);
      fprintf(out, "%s %s %s %s: %s", shown ? "," : "", c->workload,
              strcmp(label, "default") ? label : "", c->allocator, mmb_status_name(c->status));
      shown++;
    }
    fprintf(out, "%s\n", ov->failed > shown ? ", ..." : "");
  }
  fprintf(out, "full tables: mmbench report --text %s\n", m->dir);
}
