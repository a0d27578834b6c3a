/* mmbench — the report's bar figures: time (or throughput) per cell
 * normalised to the baseline allocator, peak RSS, RSS ÷ live bytes, and the
 * panels of counters per operation (bars.gp, counters.gp). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "metrics.h"
#include "report_fig.h"
#include "stats.h"
#include "text.h"

/* ------------------------------------------------------------------------
 * Bars (time, memory, counters panels)
 * ---------------------------------------------------------------------- */

typedef struct barlayout {
  mmb_fgroup *g;
  int ng;
  mmb_faset as;
  double xmin, xmax;
  int rot;
  double bmargin; /* character rows under the axis: labels and caption */
  char xtics[8192];
} barlayout;

static int bar_width(const barlayout *L) {
  int w = 260 + L->ng * (L->as.n + 1) * 18;
  return w < 720 ? 720 : w > 2400 ? 2400 : w;
}

static void bar_layout(const mmb_rmodel *m, const mmb_rwork *w, barlayout *L) {
  L->ng = mmb_fig_groups(m, w, &L->g);
  L->as = mmb_fig_allocs_of(m, w);
  int S = L->as.n;
  L->xmin = -1;
  L->xmax = (double)L->ng * (S + 1) - 1;
  size_t used = 0, longest = 0;
  used += (size_t)snprintf(L->xtics, sizeof L->xtics, "(");
  for (int i = 0; i < L->ng; i++) {
    char lab[256];
    mmb_fig_gp_label(L->g[i].label, lab, sizeof lab);
    if (strlen(lab) > longest) longest = strlen(lab);
    int k = snprintf(L->xtics + used, sizeof L->xtics - used, "%s\"%s\" %g", i ? ", " : "", lab,
                     i * (S + 1) + (S - 1) / 2.0);
    if (k < 0 || (size_t)k >= sizeof L->xtics - used) break;
    used += (size_t)k;
  }
  if (used + 2 < sizeof L->xtics) snprintf(L->xtics + used, sizeof L->xtics - used, ")");
  /* Rotate the mmb_fgroup labels when they are wider than their mmb_fgroup. */
  double group_px = (double)(bar_width(L) - 260) / (L->ng ? L->ng : 1);
  L->rot = (L->ng > 1 && (double)longest * 7.0 > group_px * 0.9) ? 30 : 0;
  L->bmargin = L->rot ? 3.5 + 0.3 * (double)longest : 3.5;
}

/* Writes the blocks of bars.gp; the cells without a value go to fails.
 * Returns the number of bars with a value. */
static int write_bars(const mmb_rmodel *m, const mmb_rwork *w, const barlayout *L,
                      const mmb_barspec *b, int base, FILE *out, FILE *fails, int *nfail) {
  int S = L->as.n, bars = 0;
  for (int s = 0; s < S; s++) {
    int a = L->as.idx[s], rows = 0;
    fprintf(out, "%s# %s\n", s ? "\n\n" : "", m->allocs[a]);
    for (int gi = 0; gi < L->ng; gi++) {
      const mmb_rcell *c = mmb_fig_cell_in(m, w, L->g[gi].pidx, L->g[gi].threads, a);
      if (!c) continue;
      double x = gi * (S + 1) + s;
      mmb_rstat st;
      if (!mmb_fig_metric(m, c, b->metric, &st)) {
        if (fails && c->status != MMB_ST_OK) {
          fprintf(fails, "%g \"%s\"\n", x, mmb_status_name(c->status));
          (*nfail)++;
        }
        continue;
      }
      double div = 1.0 / b->scale;
      if (b->normalise) {
        const mmb_rcell *bc = mmb_fig_cell_in(m, w, L->g[gi].pidx, L->g[gi].threads, base);
        mmb_rstat bs;
        if (!bc || !mmb_fig_metric(m, bc, b->metric, &bs) || bs.median == 0) {
          if (fails) {
            fprintf(fails, "%g \"no %s value\"\n", x, m->allocs[base]);
            (*nfail)++;
          }
          continue;
        }
        div = bs.median;
      }
      char lab[64];
      mmb_fig_fmt_value(st.median, b->fmt, lab, sizeof lab);
      if (st.n_runs > st.n && st.n > 0) {
        size_t l = strlen(lab);
        snprintf(lab + l, sizeof lab - l, " (%d/%d ok)", st.n, st.n_runs);
      }
      double y = st.median / div, lo = st.ci_lo / div, hi = st.ci_hi / div;
      double ly = isnan(hi) || hi < y ? y : hi;
      fprintf(out, "%g %.6g %.6g %.6g \"%s\" %.6g\n", x, y, isnan(lo) ? y : lo, isnan(hi) ? y : hi,
              lab, ly);
      rows++;
      bars++;
    }
    if (!rows) fprintf(out, "NaN NaN NaN NaN \"\" NaN\n"); /* keep block numbering */
  }
  return bars;
}

void mmb_fig_bars(mmb_fctx *f, int wl, const char *kind, const mmb_barspec *b, const char *title,
                  const char *ylabel, double refline) {
  const mmb_rmodel *m = f->m;
  const mmb_rwork *w = &m->works[wl];
  barlayout L;
  bar_layout(m, w, &L);
  int base = b->normalise ? mmb_fig_baseline(m, w, b->metric) : -1;
  if (b->normalise && base < 0) {
    free(L.g);
    return; /* nothing measured */
  }
  char stem[256];
  snprintf(stem, sizeof stem, "%s-%s", kind, w->name);
  mmb_rfig *g = mmb_fig_new(f, wl, kind, stem);
  snprintf(g->title, sizeof g->title, "%s: %s%s%s", w->name, title,
           b->normalise ? " relative to " : "", b->normalise ? m->allocs[base] : "");
  FILE *out = mmb_fig_data_open(f, g->name, ".dat"),
       *fails = mmb_fig_data_open(f, g->name, "-fails.dat");
  if (!out || !fails) {
    if (out) fclose(out);
    if (fails) fclose(fails);
    free(L.g);
    return;
  }
  char yl[256];
  snprintf(yl, sizeof yl, ylabel, base >= 0 ? m->allocs[base] : "");
  fprintf(out,
          "# mmbench %s bars of workload %s: %s\n# one block per allocator; columns: x "
          "value ci_lo ci_hi \"label\" label_y\n",
          kind, w->name, yl);
  fprintf(fails, "# cells of %s without a value: x \"status\"\n", w->name);
  int nfail = 0;
  int bars = write_bars(m, w, &L, b, base, out, fails, &nfail);
  fclose(out);
  fclose(fails);
  if (bars == 0 && nfail == 0) {
    f->figs->n--; /* nothing to mmb_fig_draw */
    free(L.g);
    return;
  }
  if (b->normalise && base >= 0)
    snprintf(g->note, sizeof g->note,
             "Bars: median of each cell divided by %s's median in the "
             "same mmb_fgroup; error bars: order-statistic interval of the median, level in the "
             "table (same scale); labels: absolute "
             "median.",
             m->allocs[base]);
  mmb_gpvars v = {.len = 0};
  char path[4400];
  mmb_fig_common_vars(f, &v, g, bar_width(&L), L.rot ? 500 : 440);
  mmb_fig_data_path(f, g->name, ".dat", path, sizeof path);
  mmb_gp_str(&v, "data", path);
  mmb_fig_data_path(f, g->name, "-fails.dat", path, sizeof path);
  mmb_gp_str(&v, "fails", path);
  mmb_gp_num(&v, "nfail", nfail);
  mmb_fig_series_vars(m, &v, &L.as);
  mmb_gp_str(&v, "xticsdef", L.xtics);
  mmb_gp_num(&v, "xmin", L.xmin);
  mmb_gp_num(&v, "xmax", L.xmax);
  mmb_gp_num(&v, "rot", L.rot);
  mmb_gp_num(&v, "bmargin", L.bmargin);
  mmb_gp_str(&v, "ylabel", yl);
  mmb_gp_num(&v, "refline", refline);
  mmb_fig_draw(f, g, "bars.gp", &v);
  free(L.g);
}

/* ------------------------------------------------------------------------
 * Counters
 * ---------------------------------------------------------------------- */
static int is_counter_metric(const char *name) {
  size_t n = strlen(name);
  if (strncmp(name, "lat_", 4) == 0 || strcmp(name, MMB_METRIC_TIME) == 0) return 0;
  return strcmp(name, "ipc") == 0 || (n > 7 && strcmp(name + n - 7, "_per_op") == 0) ||
         strncmp(name, "sim_", 4) == 0;
}

static void counter_title(const char *metric, char *buf, size_t len) {
  size_t n = strlen(metric);
  if (strcmp(metric, "ipc") == 0)
    snprintf(buf, len, "IPC");
  else if (strncmp(metric, "perop:", 6) == 0)
    snprintf(buf, len, "%s/op", metric + 6);
  else if (n > 7 && strcmp(metric + n - 7, "_per_op") == 0)
    snprintf(buf, len, "%.*s/op", (int)(n - 7), metric);
  else
    snprintf(buf, len, "%s/op", metric);
}

/* Break text into lines of at most width characters at spaces; returns the
 * number of lines (0 for empty text). */
static int wrap(const char *text, size_t width, char *buf, size_t len) {
  size_t n = snprintf(buf, len, "%s", text) < 0 ? 0 : strlen(buf), start = 0, last = 0;
  int lines = n ? 1 : 0;
  for (size_t i = 0; i < n; i++) {
    if (buf[i] == ' ') last = i;
    if (i - start >= width && last > start) {
      buf[last] = '\n';
      start = last + 1;
      lines++;
    }
  }
  return lines;
}

/* The sentence naming the counters this machine did not measure, and why. */
void mmb_fig_counters_note(const mmb_rmodel *m, char *buf, size_t len) {
  buf[0] = 0;
  const cJSON *events = m->meta
                            ? cJSON_GetObjectItemCaseSensitive(
                                  cJSON_GetObjectItemCaseSensitive(m->meta, "counters"), "events")
                            : NULL;
  char names[1024] = "", reasons[1024] = "";
  int nn = 0;
  const cJSON *e;
  if (cJSON_IsObject(events)) {
    cJSON_ArrayForEach(e, events) {
      const cJSON *st = cJSON_GetObjectItemCaseSensitive(e, "status");
      if (cJSON_IsString(st) && mmb_status_word_ok(st->valuestring)) continue;
      const cJSON *why = cJSON_GetObjectItemCaseSensitive(e, "reason");
      snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", nn++ ? ", " : "",
               e->string);
      if (cJSON_IsString(why) && why->valuestring[0] &&
          !mmb_list_has(reasons, ";", why->valuestring))
        snprintf(reasons + strlen(reasons), sizeof reasons - strlen(reasons), "%s%s",
                 reasons[0] ? "; " : "", why->valuestring);
    }
  }
  /* Counter columns that are empty everywhere, when meta.json names none. */
  if (nn == 0) {
    for (size_t i = 0; i < m->nmetrics; i++) {
      const char *name = m->metrics[i];
      if (!is_counter_metric(name) && strncmp(name, "lat_", 4) == 0) continue;
      if (!is_counter_metric(name)) continue;
      int any = 0;
      for (size_t w = 0; w < m->nworks && !any; w++)
        any = mmb_fig_measured_in(m, &m->works[w], name);
      if (!any)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", nn++ ? ", " : "",
                 name);
    }
  }
  if (nn == 0) return;
  snprintf(buf, len, "Not measured on this machine: %s (%s)", names,
           reasons[0] ? reasons : "no reason recorded");
}

/* The sentence saying which allocators' counts in workload w are estimates:
 * cells whose events shared the PMU (counters_running_frac < 1), scaled by
 * time enabled / running; "" when every count is whole. */
static void multiplexed_note(const mmb_rmodel *m, const mmb_rwork *w, char *buf, size_t len) {
  char names[256] = "", low_names[256] = "";
  double lo = 1.0;
  for (size_t i = 0; i < w->ncells; i++) {
    const mmb_rcell *c = &m->cells[w->cells[i]];
    double low = mmb_rep_counters_running(m, c);
    if (low >= 0.999) continue;
    if (low < lo) lo = low;
    mmb_list_add(names, sizeof names, c->allocator);
    if (low < MMB_COUNTERS_MIN_RUNNING) mmb_list_add(low_names, sizeof low_names, c->allocator);
  }
  buf[0] = 0;
  if (!names[0]) return;
  int n = snprintf(buf, len,
                   "Estimated (multiplexed: events ran %.0f%%+ of the region, counts scaled by "
                   "time enabled/running): %s",
                   100.0 * lo, names);
  if (low_names[0] && n > 0 && (size_t)n < len)
    snprintf(buf + n, len - (size_t)n, ". Below %.0f%% of the region (mostly estimate): %s",
             100.0 * MMB_COUNTERS_MIN_RUNNING, low_names);
}

/* The counter panels of workload w, each measured in it, into panels
 * (room for 32): IPC; then per event that meta.json lists, its
 * <event>_per_op column or else its total divided by the operations; then
 * other *_per_op columns; then the simulated (valgrind) counts per
 * operation. Returns how many. */
static int counter_panels(const mmb_rmodel *m, const mmb_rwork *w, char panels[32][96]) {
  int np = 0;
#define ADD_PANEL(name)                                                                            \
  do {                                                                                             \
    int dup_ = 0;                                                                                  \
    for (int q_ = 0; q_ < np; q_++) dup_ |= strcmp(panels[q_], (name)) == 0;                       \
    if (!dup_ && np < 32 && mmb_fig_measured_in(m, w, (name)))                                     \
      snprintf(panels[np++], sizeof panels[0], "%s", (name));                                      \
  } while (0)
  if (mmb_rep_metric(m, "ipc") >= 0) ADD_PANEL("ipc");
  const cJSON *events = m->meta
                            ? cJSON_GetObjectItemCaseSensitive(
                                  cJSON_GetObjectItemCaseSensitive(m->meta, "counters"), "events")
                            : NULL;
  const cJSON *e;
  if (cJSON_IsObject(events)) {
    cJSON_ArrayForEach(e, events) {
      char name[96];
      snprintf(name, sizeof name, "%.80s_per_op", e->string);
      int before = np;
      if (mmb_rep_metric(m, name) >= 0) ADD_PANEL(name);
      if (np == before && mmb_table_col(m->runs, e->string) >= 0) {
        snprintf(name, sizeof name, "perop:%.80s", e->string);
        ADD_PANEL(name);
      }
    }
  }
  for (size_t i = 0; i < m->nmetrics; i++) {
    const char *name = m->metrics[i];
    size_t n = strlen(name);
    if (n > 7 && strcmp(name + n - 7, "_per_op") == 0 && strcmp(name, MMB_METRIC_TIME) != 0)
      ADD_PANEL(name);
  }
  for (size_t i = 0; i < m->nmetrics; i++)
    if (strncmp(m->metrics[i], "sim_", 4) == 0) ADD_PANEL(m->metrics[i]);
#undef ADD_PANEL
  return np;
}

void mmb_fig_counters(mmb_fctx *f, int wl) {
  const mmb_rmodel *m = f->m;
  const mmb_rwork *w = &m->works[wl];
  char panels[32][96];
  int np = counter_panels(m, w, panels);
  if (np == 0) return;
  barlayout L;
  bar_layout(m, w, &L);
  char stem[256];
  snprintf(stem, sizeof stem, "counters-%s", w->name);
  mmb_rfig *g = mmb_fig_new(f, wl, "counters", stem);
  snprintf(g->title, sizeof g->title, "%s: counters per operation", w->name);
  snprintf(g->data, sizeof g->data, "plots/data/%s-1.dat", g->name);
  char words[2048] = "";
  for (int k = 0; k < np; k++) {
    char suffix[32], t[128], wd[128];
    snprintf(suffix, sizeof suffix, "-%d.dat", k + 1);
    FILE *out = mmb_fig_data_open(f, g->name, suffix);
    if (!out) {
      free(L.g);
      f->figs->n--;
      return;
    }
    counter_title(panels[k], t, sizeof t);
    fprintf(out,
            "# mmbench counters of workload %s: %s per allocator\n# one block per "
            "allocator; columns: x value ci_lo ci_hi \"label\" label_y\n",
            w->name, t);
    mmb_barspec b = {panels[k], 0, FMT_NUM, 1.0};
    int nfail = 0;
    write_bars(m, w, &L, &b, -1, out, NULL, &nfail);
    fclose(out);
    mmb_rep_gp_word(t, wd, sizeof wd);
    snprintf(words + strlen(words), sizeof words - strlen(words), "%s%s", k ? " " : "", wd);
  }
  char mux[400], both[1000];
  multiplexed_note(m, w, mux, sizeof mux);
  snprintf(both, sizeof both, "%s%s%s", f->figs->counters_note,
           f->figs->counters_note[0] && mux[0] ? ". " : "", mux);
  snprintf(g->note, sizeof g->note, "%.*s", (int)sizeof g->note - 1, both);
  mmb_gpvars v = {.len = 0};
  char prefix[4400];
  mmb_fig_common_vars(f, &v, g, bar_width(&L), 140 + 205 * np + (L.rot ? 60 * np : 0));
  snprintf(prefix, sizeof prefix, "%s/%s-", f->data, g->name);
  mmb_gp_str(&v, "prefix", prefix);
  mmb_gp_num(&v, "npanels", np);
  mmb_gp_str(&v, "panels", words);
  mmb_fig_series_vars(m, &v, &L.as);
  mmb_gp_str(&v, "xticsdef", L.xtics);
  mmb_gp_num(&v, "xmin", L.xmin);
  mmb_gp_num(&v, "xmax", L.xmax);
  mmb_gp_num(&v, "rot", L.rot);
  /* The note wrapped to the figure's width (about 6.5 px a character). */
  char note[1100];
  int lines = wrap(both, (size_t)(bar_width(&L) / 6.5), note, sizeof note);
  mmb_gp_text(&v, "note", note);
  mmb_gp_num(&v, "notelines", lines);
  mmb_fig_draw(f, g, "counters.gp", &v);
  free(L.g);
}
