/* mmbench — the overview of a results folder (see report.h): each cell's
 * time and peak RSS relative to the baseline cell of the same workload,
 * parameters and thread count, with the exact distribution-free interval of
 * the ratio (stats/shift.h) and its level; its time over the floor; per
 * family the fastest and the leanest allocator (the median of its ratios
 * over the cells every ranked allocator ran, with the order-statistic
 * interval of that median and its exact level); and the run's counts and
 * warnings. report_summary.c draws it
 * in report.html, report_text.c prints it on the terminal. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "metrics.h"
#include "shift.h"
#include "report.h"
#include "stats.h"
#include "text.h"
#include "xalloc.h"

static void *xcalloc(size_t n, size_t size) { return mmb_xcalloc(n, size, "the overview"); }

/* The ok values of metric in cell c's runs.csv rows into v (room for
 * c->nrows); returns how many. */
static size_t ok_values(const mmb_rmodel *m, const mmb_rcell *c, const char *metric, double *v) {
  int cm = mmb_table_col(m->runs, metric);
  size_t n = 0;
  for (size_t r = 0; r < c->nrows; r++) {
    double x;
    if (m->loaded.rows[c->rows[r]].status != MMB_ST_OK) continue;
    if (mmb_table_num(m->runs, c->rows[r], cm, &x) == 1) v[n++] = x;
  }
  return n;
}

static void ratio_of(const mmb_rmodel *m, const mmb_rcell *c, const mmb_rcell *b,
                     const char *metric, int rss, mmb_rratio *out) {
  memset(out, 0, sizeof *out);
  const mmb_rstat *sc = mmb_rep_stat(m, c, metric), *sb = mmb_rep_stat(m, b, metric);
  if (!sc || !sb || !(sb->median > 0) || c->status != MMB_ST_OK) return;
  double *vc = xcalloc(c->nrows + 1, sizeof *vc), *vb = xcalloc(b->nrows + 1, sizeof *vb);
  size_t nc = ok_values(m, c, metric, vc), nb = ok_values(m, b, metric, vb);
  out->have = 1;
  out->ratio = sc->median / sb->median;
  out->lo = out->hi = out->ratio;
  out->level = 0;
  out->na = (int)nc, out->nb = (int)nb;
  if (c == b) {
    out->ratio = 1;
  } else if (nc && nb) {
    mmb_moses sh;
    if (mmb_moses_ci(vb, nb, vc, nc, 1, 0.95, &sh) == 0 && sh.have) {
      out->lo = sh.lo, out->hi = sh.hi, out->level = sh.level;
      out->callable = sh.callable;
    }
  }
  if (rss) /* a difference too small to matter (report.h) */
    out->too_small =
        fabs(out->ratio - 1) < MMB_RSS_MIN_REL || fabs(sc->median - sb->median) < MMB_RSS_MIN_KB;
  out->differs = c != b && out->callable && !out->too_small && (out->lo > 1 || out->hi < 1);
  free(vc);
  free(vb);
}

/* c's time over the floor cell of its point (report.h's mmb_rexcess). */
static void excess_of(const mmb_rmodel *m, const mmb_rcell *c, mmb_rexcess *out) {
  memset(out, 0, sizeof *out);
  if (c->status != MMB_ST_OK || mmb_is_floor(c->allocator)) return;
  const mmb_rcell *f = mmb_rep_find(m, c->workload, c->params, mmb_floor_name(), c->threads);
  const mmb_rstat *t = mmb_rep_stat(m, c, MMB_METRIC_TIME);
  if (!f || !t || !(t->median > 0)) return;
  double *vc = xcalloc(c->nrows + 1, sizeof *vc), *vf = xcalloc(f->nrows + 1, sizeof *vf);
  size_t nc = ok_values(m, c, MMB_METRIC_TIME, vc), nf = ok_values(m, f, MMB_METRIC_TIME, vf);
  mmb_moses sh;
  if (nc && nf && mmb_moses_ci(vf, nf, vc, nc, 0, 0.95, &sh) == 0 && sh.have) {
    double tmp[4096];
    double fm = nf <= 4096 ? mmb_median_of(vf, nf, tmp) : NAN;
    out->have = !isnan(fm);
    out->floor = fm;
    out->excess = sh.est;
    out->lo = sh.lo, out->hi = sh.hi, out->level = sh.level;
    out->floor_pct = 100 * fm / t->median;
  }
  free(vc);
  free(vf);
}

/* Baseline allocator of the cells of family fam (baseline.h's policy over
 * the cells with a time value). */
typedef struct famctx {
  const mmb_rmodel *m;
  const char *fam;
} famctx;

static const char *cell_alloc(size_t k, void *p) { return ((famctx *)p)->m->cells[k].allocator; }

static int cell_timed(size_t k, void *p) {
  const famctx *x = p;
  const mmb_rcell *c = &x->m->cells[k];
  return strcmp(x->m->works[c->wl].family, x->fam) == 0 && mmb_rep_stat(x->m, c, MMB_METRIC_TIME);
}

static int family_base(const mmb_rmodel *m, const char *fam) {
  famctx x = {m, fam};
  long k = mmb_baseline_pick(m->ncells, cell_alloc, cell_timed, &x, 1);
  return k < 0 ? -1 : m->cells[k].alloc;
}

/* The ratio of allocator a at the family's group g (the baseline cell's
 * index), or NULL. */
static const mmb_rratio *ratio_at(const mmb_rmodel *m, const mmb_roverview *ov,
                                  const mmb_rfamily *f, int sel, size_t a, int g) {
  for (size_t i = 0; i < m->ncells; i++) {
    const mmb_rcell *c = &m->cells[i];
    if (c->alloc != (int)a || ov->cmp[i].base != g || strcmp(m->works[c->wl].family, f->name))
      continue;
    const mmb_rratio *r = sel ? &ov->cmp[i].rss : &ov->cmp[i].time;
    return r->have && r->ratio > 0 ? r : NULL;
  }
  return NULL;
}

/* The best allocator of family f by the ratios sel (0 time, 1 rss), over
 * common cells only: the allocators compared on at least half of the
 * family's groups are ranked over the groups every one of them ran (the
 * one with the fewest groups is dropped while that leaves fewer than half),
 * by the median of their ratios there; its interval is the order-statistic
 * interval of that median over the cells, with its exact level. */
static void best_of(const mmb_rmodel *m, const mmb_roverview *ov, const mmb_rfamily *f, int sel,
                    mmb_rbest *best) {
  best->alloc = -1;
  best->ngroups = f->ngroups;
  int *groups = xcalloc(m->ncells + 1, sizeof *groups), ng = 0;
  for (size_t i = 0; i < m->ncells; i++)
    if (ov->cmp[i].base == (int)i && strcmp(m->works[m->cells[i].wl].family, f->name) == 0 &&
        m->cells[i].alloc == f->base)
      groups[ng++] = (int)i;
  int *cand = xcalloc(m->nallocs + 1, sizeof *cand),
      *cover = xcalloc(m->nallocs + 1, sizeof *cover);
  int nc = 0;
  for (size_t a = 0; a < m->nallocs; a++) {
    if (mmb_is_floor(m->allocs[a])) continue; /* a minimal allocator, not a contender */
    int k = 0;
    for (int g = 0; g < ng; g++) k += ratio_at(m, ov, f, sel, a, groups[g]) != NULL;
    if (k > 0 && 2 * k >= ng) cand[nc] = (int)a, cover[nc++] = k;
  }
  int *common = xcalloc((size_t)ng + 1, sizeof *common), ncom = 0;
  while (nc > 0) {
    ncom = 0;
    for (int g = 0; g < ng; g++) {
      int all = 1;
      for (int j = 0; j < nc && all; j++)
        all = ratio_at(m, ov, f, sel, (size_t)cand[j], groups[g]) != NULL;
      if (all) common[ncom++] = groups[g];
    }
    if (nc == 1 || 2 * ncom >= ng) break;
    int worst = 0;
    for (int j = 1; j < nc; j++)
      if (cover[j] < cover[worst]) worst = j;
    cand[worst] = cand[nc - 1], cover[worst] = cover[nc - 1];
    nc--;
  }
  double *lr = xcalloc((size_t)ng + 1, sizeof *lr);
  for (int j = 0; j < nc && ncom > 0; j++) {
    int callable = 1;
    for (int g = 0; g < ncom; g++) {
      const mmb_rratio *r = ratio_at(m, ov, f, sel, (size_t)cand[j], common[g]);
      lr[g] = r->ratio;
      callable &= r->callable || r == &ov->cmp[common[g]].time || r == &ov->cmp[common[g]].rss;
    }
    mmb_sort_doubles(lr, (size_t)ncom);
    double med = mmb_median_sorted(lr, (size_t)ncom);
    if (best->alloc >= 0 && !(med < best->ratio)) continue;
    best->alloc = cand[j];
    best->ratio = med;
    best->ncells = ncom;
    best->nranked = nc;
    best->callable = callable;
    if (ncom == 1) { /* one cell: its own exact ratio interval */
      const mmb_rratio *r = ratio_at(m, ov, f, sel, (size_t)cand[j], common[0]);
      best->lo = r->lo, best->hi = r->hi, best->level = r->level;
    } else {
      mmb_median_ci_at(lr, (size_t)ncom, 0.95, &best->lo, &best->hi);
      best->level = mmb_median_ci_level_at((size_t)ncom, 0.95);
    }
    /* a winner over a handful of cells has an interval of low level (2
     * cells: [min, max] at 50 %): never called below MMB_WIN_LEVEL */
    if (!(best->level >= MMB_WIN_LEVEL)) best->callable = 0;
  }
  free(lr);
  free(common);
  free(cand);
  free(cover);
  free(groups);
}

static int meta_int(const mmb_rmodel *m, const char *path) {
  char buf[64];
  const char *s = mmb_rep_meta_str(m->meta, path, buf, sizeof buf);
  return s ? atoi(s) : 0;
}

static void add_word(char *buf, size_t len, const char *word) { mmb_list_add(buf, len, word); }

/* The families, in model order, each with its baseline allocator. */
static void ov_families(const mmb_rmodel *m, mmb_roverview *ov) {
  ov->fams = xcalloc(m->nworks, sizeof *ov->fams);
  for (size_t w = 0; w < m->nworks; w++) {
    size_t f;
    for (f = 0; f < ov->nfams; f++)
      if (strcmp(ov->fams[f].name, m->works[w].family) == 0) break;
    if (f == ov->nfams) {
      ov->fams[ov->nfams].name = m->works[w].family;
      ov->fams[ov->nfams].base = family_base(m, m->works[w].family);
      ov->nfams++;
    }
  }
}

/* Counts cell c in the run's and its family's totals; marks its allocator
 * measured, or nonconforming when its results were wrong. */
static void count_cell(const mmb_rmodel *m, mmb_roverview *ov, mmb_rfamily *f, const mmb_rcell *c,
                       unsigned char *measured) {
  int ok = c->status == MMB_ST_OK;
  const mmb_rstat *t = mmb_rep_stat(m, c, MMB_METRIC_TIME);
  ov->cells++, f->cells++;
  if (ok)
    ov->ok++, f->ok++;
  else if (c->status == MMB_ST_SKIPPED)
    ov->skipped++, f->skipped++;
  else
    ov->failed++, f->failed++;
  if (ok && t && t->noisy) ov->noisy++, f->noisy++;
  if (ok && t && !mmb_is_floor(c->allocator)) measured[c->alloc] = 1;
  if (mmb_status_info_of(c->status)->wrong)
    add_word(ov->bad_allocs, sizeof ov->bad_allocs, c->allocator);
  if (ok && t && t->n > ov->most_n) ov->most_n = t->n;
}

/* Oversubscription of cell i (the runner's own column cover when it has
 * one, else threads against CPUs); adds its thread count to seen. */
static void cell_oversub(const mmb_rmodel *m, mmb_roverview *ov, size_t i, int cover, char *seen,
                         size_t len) {
  const mmb_rcell *c = &m->cells[i];
  int over = 0;
  if (cover >= 0) {
    for (size_t r = 0; r < c->nrows && !over; r++)
      over = mmb_table_numv(m->runs, c->rows[r], cover) == 1;
  } else if (ov->cpus > 0 && c->threads > ov->cpus) {
    over = 1;
  }
  if (!over || c->status == MMB_ST_SKIPPED) return;
  ov->cmp[i].oversub = 1;
  ov->oversub_cells++;
  char tw[16];
  snprintf(tw, sizeof tw, "%d", c->threads);
  add_word(seen, len, tw);
}

/* The baseline cell of cell c (same workload, parameters and threads under
 * its family's baseline allocator) and c's ratios to it. */
static void cell_base(const mmb_rmodel *m, mmb_rfamily *f, const mmb_rcell *c, mmb_rcmp *x) {
  x->base = -1;
  if (f->base < 0) return;
  const mmb_rcell *b = mmb_rep_find(m, c->workload, c->params, m->allocs[f->base], c->threads);
  if (!b || !mmb_rep_stat(m, b, MMB_METRIC_TIME)) return;
  x->base = (int)(b - m->cells);
  ratio_of(m, c, b, MMB_METRIC_TIME, 0, &x->time);
  ratio_of(m, c, b, MMB_METRIC_PEAK_RSS, 1, &x->rss);
  if (c == b) f->ngroups++;
}

/* Every cell: counted, its oversubscription, its floor excess, its
 * comparison with the baseline; then the measured allocators. */
static void ov_cells(const mmb_rmodel *m, mmb_roverview *ov) {
  int cover = mmb_table_col(m->runs, "oversubscribed");
  unsigned char *measured = xcalloc(m->nallocs, 1);
  char threads_seen[128] = "";
  for (size_t i = 0; i < m->ncells; i++) {
    const mmb_rcell *c = &m->cells[i];
    mmb_rfamily *f = NULL;
    for (size_t k = 0; k < ov->nfams; k++)
      if (strcmp(ov->fams[k].name, m->works[c->wl].family) == 0) f = &ov->fams[k];
    count_cell(m, ov, f, c, measured);
    cell_oversub(m, ov, i, cover, threads_seen, sizeof threads_seen);
    excess_of(m, c, &ov->cmp[i].extra);
    cell_base(m, f, c, &ov->cmp[i]);
  }
  snprintf(ov->oversub_threads, sizeof ov->oversub_threads, "%s", threads_seen);
  for (size_t a = 0; a < m->nallocs; a++) ov->nmeasured_allocs += measured[a];
  free(measured);
}

/* The machine's noise and the level of the maps' intervals. */
static void ov_noise(const mmb_rmodel *m, mmb_roverview *ov) {
  char nb[64];
  const char *ncv = mmb_rep_meta_str(m->meta, "noise.cv", nb, sizeof nb);
  ov->machine_cv = ncv && atof(ncv) > 0 ? atof(ncv) : NAN;
  ov->noise_processes = meta_int(m, "noise.processes");
  ov->ratio_level = mmb_moses_level((size_t)ov->most_n, (size_t)ov->most_n, 0.95);
  ov->uncallable = ov->most_n < MMB_MIN_REPS_CALL;
}

/* Allocators the probe refused (meta.json), added to the nonconforming. */
static void ov_refused(const mmb_rmodel *m, mmb_roverview *ov) {
  const cJSON *allocs = m->meta ? cJSON_GetObjectItemCaseSensitive(m->meta, "allocators") : NULL;
  const cJSON *e;
  if (!cJSON_IsObject(allocs)) return;
  cJSON_ArrayForEach(e, allocs) {
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(e, "status");
    if (cJSON_IsString(st) && mmb_status_of(st->valuestring) == MMB_ST_INVALID)
      add_word(ov->bad_allocs, sizeof ov->bad_allocs, e->string);
  }
}

/* Hardware counters: a note, with the first event's reason, when none
 * could be opened. */
static void ov_pmu(const mmb_rmodel *m, mmb_roverview *ov) {
  char buf[256];
  const char *hw = mmb_rep_meta_str(m->meta, "counters.hardware_opened", buf, sizeof buf);
  if (!hw || strcmp(hw, "no") != 0) return;
  const cJSON *ev = cJSON_GetObjectItemCaseSensitive(
      cJSON_GetObjectItemCaseSensitive(m->meta, "counters"), "events");
  const cJSON *e;
  const char *why = NULL;
  cJSON_ArrayForEach(e, ev) {
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(e, "reason");
    if (cJSON_IsString(r) && r->valuestring[0]) {
      why = r->valuestring;
      break;
    }
  }
  snprintf(ov->pmu_note, sizeof ov->pmu_note, "hardware counters were not available%s%s%s",
           why ? " (" : "", why ? why : "", why ? ")" : "");
}

void mmb_rep_overview(const mmb_rmodel *m, mmb_roverview *ov) {
  memset(ov, 0, sizeof *ov);
  ov->cmp = xcalloc(m->ncells, sizeof *ov->cmp);
  ov->cpus = meta_int(m, "host.logical_cpus");
  if (ov->cpus <= 0) ov->cpus = meta_int(m, "host.cores");
  ov_families(m, ov);
  ov_cells(m, ov);
  ov_noise(m, ov);
  for (size_t k = 0; k < ov->nfams; k++) { /* the fastest and leanest per family */
    mmb_rfamily *f = &ov->fams[k];
    f->fastest.alloc = f->leanest.alloc = -1;
    if (f->base < 0) continue;
    best_of(m, ov, f, 0, &f->fastest);
    best_of(m, ov, f, 1, &f->leanest);
  }
  ov_refused(m, ov);
  ov_pmu(m, ov);
}

void mmb_rep_overview_free(mmb_roverview *ov) {
  free(ov->cmp);
  free(ov->fams);
  memset(ov, 0, sizeof *ov);
}
