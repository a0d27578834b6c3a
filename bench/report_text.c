/* mmbench — the plain-text summary `mmbench report` prints: one line per
 * cell with its median ns/op and 95 % CI, CV (noisy marked), throughput and
 * peak RSS, or its status and reason when it did not run cleanly. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "metrics.h"
#include "report.h"

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
  fprintf(out, "thr  %-8s %10s  %-23s %7s  %12s  %10s\n", "status", "ns/op", "95% CI", "CV",
          "throughput", "peak RSS");
  const char *last = NULL;
  int skipped = 0;
  for (size_t k = 0; k < m->ncells; k++) {
    const mmb_rcell *c = &m->cells[k];
    char label[256], med[32], lo[32], hi[32], ci[80], cv[32], thr[32], rss[32];
    if (strcmp(c->status, "skipped") == 0) {
      skipped++; /* impossible combinations: listed with reasons in report.html */
      continue;
    }
    mmb_rep_cell_label(m, c, 0, label, sizeof label);
    if (width_of(label) > 40) snprintf(label + 36, sizeof label - 36, "...");
    pad(out, last && strcmp(last, c->workload) == 0 ? "" : c->workload, ww + 2);
    last = c->workload;
    pad(out, label, wp + 2);
    pad(out, c->allocator, wa + 2);
    fprintf(out, "%3d  %-8s ", c->threads, c->status);
    const mmb_rstat *t = mmb_rep_stat(m, c, MMB_METRIC_TIME);
    if (!t) {
      fprintf(out, "%s\n", c->reason[0] ? c->reason : "no measurement");
      continue;
    }
    mmb_rep_fmt_si(t->median, "ns", med, sizeof med);
    mmb_rep_fmt_si(t->ci_lo, "ns", lo, sizeof lo);
    mmb_rep_fmt_si(t->ci_hi, "ns", hi, sizeof hi);
    snprintf(ci, sizeof ci, "[%s, %s]", lo, hi);
    if (isnan(t->cv)) snprintf(cv, sizeof cv, "-");
    else snprintf(cv, sizeof cv, "%.1f%%%s", t->cv * 100, t->noisy ? "!" : "");
    const mmb_rstat *tp = mmb_rep_stat(m, c, MMB_METRIC_THROUGHPUT), *r = mmb_rep_stat(m, c, MMB_METRIC_PEAK_RSS);
    if (tp) mmb_rep_fmt_si(tp->median, "op/s", thr, sizeof thr);
    else snprintf(thr, sizeof thr, "-");
    if (r) mmb_rep_fmt_kb(r->median, rss, sizeof rss);
    else snprintf(rss, sizeof rss, "-");
    rpad(out, med, 10);
    fputs("  ", out);
    pad(out, ci, 23);
    fputc(' ', out);
    rpad(out, cv, 7);
    fputs("  ", out);
    rpad(out, thr, 12);
    fputs("  ", out);
    rpad(out, rss, 10);
    if (strcmp(c->status, "ok") != 0)
      fprintf(out, "  (%d/%d ok: %s)", c->n, c->n_runs, c->reason);
    fputc('\n', out);
  }
  fputs("(CV marked ! is above 5 %: noisy)\n", out);
  if (skipped)
    fprintf(out, "(%d skipped cells not shown: their reasons are in runs.csv and report.html)\n", skipped);
}
