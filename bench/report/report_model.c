/* mmbench — the results-folder model behind `mmbench report`: runs.csv (the
 * ground truth: cells, statuses, reasons), summary.csv (statistics per cell
 * and metric; computed from runs.csv when absent), timeline.csv and
 * meta.json, with cells ordered by workload family, parameters, threads and
 * allocator. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "baseline.h"
#include "files.h"
#include "results.h"
#include "runs.h"
#include "metrics.h"
#include "report.h"
#include "stats.h"
#include "workload.h"
#include "xalloc.h"

/* ------------------------------------------------------------------------
 * Small helpers
 * ---------------------------------------------------------------------- */
static void *xcalloc(size_t n, size_t size) { return mmb_xcalloc(n, size, "the report"); }

static void *xrealloc(void *p, size_t size) { return mmb_xrealloc(p, size, "the report"); }

static char *xstrdup(const char *s) { return mmb_xstrdup(s ? s : "", "the report"); }

static void push_size(size_t **v, size_t *n, size_t x) {
  if ((*n & (*n - 1)) == 0) *v = xrealloc(*v, (*n ? *n * 2 : 4) * sizeof **v);
  (*v)[(*n)++] = x;
}

static void warn(mmb_rmodel *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(mmb_rmodel *m, const char *fmt, ...) {
  if (m->nwarnings >= (int)(sizeof m->warnings / sizeof m->warnings[0])) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(m->warnings[m->nwarnings++], sizeof m->warnings[0], fmt, ap);
  va_end(ap);
}

static int path_join(char *buf, size_t len, const char *dir, const char *name) {
  int n = snprintf(buf, len, "%s/%s", dir, name);
  return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* ------------------------------------------------------------------------
 * Cell lookup while loading: the core cell map, whose indices are those of
 * m->cells until organise() sorts them
 * ---------------------------------------------------------------------- */
static int cell_is(const mmb_rcell *c, const char *w, const char *p, const char *a, int t) {
  return c->threads == t && strcmp(c->workload, w) == 0 && strcmp(c->params, p) == 0 &&
         strcmp(c->allocator, a) == 0;
}

/* Index of the cell of key k of map (a runs or summary map), created when
 * absent. */
static size_t cell_get(mmb_rmodel *m, mmb_cellmap *map, const mmb_cellmap *from, size_t k) {
  long i = mmb_cellmap_intern(map, from->workload[k], from->params[k], from->allocator[k],
                              from->threads[k]);
  if (i < 0) mmb_out_of_memory(0, "the report");
  if ((size_t)i < m->ncells) return (size_t)i;
  if ((m->ncells & (m->ncells - 1)) == 0)
    m->cells = xrealloc(m->cells, (m->ncells ? m->ncells * 2 : 4) * sizeof *m->cells);
  mmb_rcell *c = &m->cells[m->ncells];
  memset(c, 0, sizeof *c);
  c->workload = xstrdup(from->workload[k]);
  c->params = xstrdup(from->params[k]);
  c->allocator = xstrdup(from->allocator[k]);
  c->threads = from->threads[k];
  c->reason = xstrdup("");
  c->status = MMB_ST_OK;
  return m->ncells++;
}

/* ------------------------------------------------------------------------
 * Metrics
 * ---------------------------------------------------------------------- */
static int add_metric(mmb_rmodel *m, const char *name) {
  for (size_t i = 0; i < m->nmetrics; i++)
    if (strcmp(m->metrics[i], name) == 0) return (int)i;
  m->metrics = xrealloc(m->metrics, (m->nmetrics + 1) * sizeof *m->metrics);
  m->metrics[m->nmetrics] = xstrdup(name);
  return (int)m->nmetrics++;
}

int mmb_rep_metric(const mmb_rmodel *m, const char *name) {
  for (size_t i = 0; i < m->nmetrics; i++)
    if (strcmp(m->metrics[i], name) == 0) return (int)i;
  return -1;
}

const mmb_rcell *mmb_rep_find(const mmb_rmodel *m, const char *workload, const char *params,
                              const char *allocator, int threads) {
  for (size_t w = 0; w < m->nworks; w++) {
    if (strcmp(m->works[w].name, workload) != 0) continue;
    for (size_t i = 0; i < m->works[w].ncells; i++) {
      const mmb_rcell *c = &m->cells[m->works[w].cells[i]];
      if (cell_is(c, workload, params, allocator, threads)) return c;
    }
  }
  return NULL;
}

double mmb_rep_floor(const mmb_rmodel *m, const mmb_rcell *c) {
  const mmb_rstat *own = mmb_rep_stat(m, c, MMB_METRIC_FLOOR); /* summary.csv's column */
  if (own) return own->median;
  const mmb_rcell *f = mmb_rep_find(m, c->workload, c->params, mmb_floor_name(), c->threads);
  const mmb_rstat *t = f ? mmb_rep_stat(m, f, MMB_METRIC_TIME) : NULL;
  return t ? t->median : NAN;
}

double mmb_rep_counters_running(const mmb_rmodel *m, const mmb_rcell *c) {
  int col = mmb_table_col(m->runs, "counters_running_frac");
  double low = 1, v;
  for (size_t r = 0; col >= 0 && r < c->nrows; r++)
    if (mmb_table_num(m->runs, c->rows[r], col, &v) == 1 && v < low) low = v;
  return low;
}

double mmb_rep_scaling_eff(const mmb_rmodel *m, const mmb_rcell *c) {
  if (!m->works[c->wl].scaling || c->threads < 1) return NAN;
  const mmb_rcell *one = mmb_rep_find(m, c->workload, c->params, c->allocator, 1);
  const mmb_rstat *s1 = one ? mmb_rep_stat(m, one, MMB_METRIC_THROUGHPUT) : NULL,
                  *st = mmb_rep_stat(m, c, MMB_METRIC_THROUGHPUT);
  if (!s1 || !st || !(s1->median > 0)) return NAN;
  return st->median / s1->median / c->threads;
}

const mmb_rstat *mmb_rep_stat(const mmb_rmodel *m, const mmb_rcell *c, const char *name) {
  int k = mmb_rep_metric(m, name);
  if (k < 0 || !c->stat || !c->stat[k].have) return NULL;
  return &c->stat[k];
}

/* Statistics from summary.csv (the file's table taken over). 0, or -1 with
 * err. */
static int load_summary(mmb_rmodel *m, mmb_cellmap *map, mmb_table *table, char *err,
                        size_t errlen) {
  char what[4200];
  snprintf(what, sizeof what, "%s/summary.csv", m->dir);
  if (mmb_sumrows_from_table(table, what, &m->sum, err, errlen) != 0) return -1;
  m->summary = m->sum.table;
  const mmb_sumrows *t = &m->sum;
  /* floor_ns_per_op is a column (the same on every row of a cell): it
   * becomes the cell's floor metric, read from its ns_per_op row */
  for (size_t r = 0; r < t->nrows; r++) add_metric(m, t->rows[r].metric);
  if (t->has_floor) add_metric(m, MMB_METRIC_FLOOR);
  for (size_t k = 0; k < m->ncells; k++) m->cells[k].stat = xcalloc(m->nmetrics, sizeof(mmb_rstat));
  for (size_t r = 0; r < t->nrows; r++) {
    const mmb_sum_row *row = &t->rows[r];
    size_t before = m->ncells;
    size_t k = cell_get(m, map, &t->cells, row->cell);
    if (m->ncells != before) { /* a cell only summary.csv has */
      m->cells[k].stat = xcalloc(m->nmetrics, sizeof(mmb_rstat));
      if (row->has_status) m->cells[k].status = row->status;
    }
    mmb_rstat *s = &m->cells[k].stat[mmb_rep_metric(m, row->metric)];
    s->n = row->n;
    s->n_runs = row->n_runs;
    s->median = row->median;
    s->have = !isnan(s->median);
    s->min = row->min;
    s->max = row->max;
    s->mean = row->mean;
    s->stddev = row->stddev;
    s->cv = row->cv;
    s->ci_lo = row->ci_lo;
    s->ci_hi = row->ci_hi;
    s->ci_level = row->ci_level;
    s->noisy = row->noisy;
    if (!isnan(row->floor) && strcmp(row->metric, MMB_METRIC_TIME) == 0) {
      mmb_rstat *f = &m->cells[k].stat[mmb_rep_metric(m, MMB_METRIC_FLOOR)];
      f->median = f->min = f->max = f->mean = f->ci_lo = f->ci_hi = row->floor;
      f->stddev = f->cv = NAN;
      f->have = 1;
      f->n = f->n_runs = s->n;
    }
  }
  return 0;
}

/* ------------------------------------------------------------------------
 * meta.json
 * ---------------------------------------------------------------------- */
static cJSON *meta_at(const cJSON *meta, const char *path) {
  char key[128];
  const cJSON *node = meta;
  while (node && *path) {
    size_t n = strcspn(path, ".");
    if (n >= sizeof key) return NULL;
    memcpy(key, path, n);
    key[n] = 0;
    node = cJSON_IsObject(node) ? cJSON_GetObjectItemCaseSensitive(node, key) : NULL;
    path += n + (path[n] == '.');
  }
  return (cJSON *)node;
}

const char *mmb_rep_meta_str(const struct cJSON *meta, const char *path, char *buf, size_t len) {
  const cJSON *n = meta ? meta_at(meta, path) : NULL;
  if (!n || cJSON_IsNull(n)) return NULL;
  if (cJSON_IsString(n)) {
    snprintf(buf, len, "%s", n->valuestring);
  } else if (cJSON_IsBool(n)) {
    snprintf(buf, len, "%s", cJSON_IsTrue(n) ? "yes" : "no");
  } else if (cJSON_IsNumber(n)) {
    snprintf(buf, len, "%.10g", n->valuedouble);
  } else if (cJSON_IsArray(n)) {
    size_t used = 0;
    buf[0] = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, n) {
      char one[128] = "";
      if (cJSON_IsNumber(e))
        snprintf(one, sizeof one, "%.10g", e->valuedouble);
      else if (cJSON_IsString(e))
        snprintf(one, sizeof one, "%s", e->valuestring);
      int k = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", one);
      if (k < 0 || (size_t)k >= len - used) break;
      used += (size_t)k;
    }
  } else {
    return NULL;
  }
  return buf;
}

static void load_meta(mmb_rmodel *m) {
  char path[4096];
  if (path_join(path, sizeof path, m->dir, "meta.json")) return;
  char *text = mmb_read_file(path, NULL);
  if (!text) {
    warn(m, "meta.json is missing: no environment summary, figures carry no machine or date");
    return;
  }
  m->meta = cJSON_Parse(text);
  free(text);
  if (!m->meta || !cJSON_IsObject(m->meta)) {
    cJSON_Delete(m->meta);
    m->meta = NULL;
    warn(m, "meta.json is not a JSON object: environment summary left out");
  }
}

static void make_caption(mmb_rmodel *m) {
  char host[128], cpu[192], date[64];
  const char *h = mmb_rep_meta_str(m->meta, "host.hostname", host, sizeof host);
  const char *c = mmb_rep_meta_str(m->meta, "host.cpu_model", cpu, sizeof cpu);
  const char *d = mmb_rep_meta_str(m->meta, "started", date, sizeof date);
  char when[64] = "";
  if (d) { /* 2024-05-14T10:00:00Z -> 2024-05-14 10:00 UTC */
    snprintf(when, sizeof when, "%.10s", d);
    if (strlen(d) >= 16 && d[10] == 'T') snprintf(when, sizeof when, "%.10s %.5s UTC", d, d + 11);
  }
  char base[256];
  mmb_rep_basename(m->dir, base, sizeof base);
  snprintf(m->caption, sizeof m->caption, "mmbench · %s · %s · %s", h ? h : "unknown host",
           c ? c : "unknown CPU", when[0] ? when : base);
}

/* ------------------------------------------------------------------------
 * Parameters
 * ---------------------------------------------------------------------- */
int mmb_rep_param(const char *params, const char *key, char *buf, size_t len) {
  size_t klen = strlen(key);
  const char *p = params;
  while (p && *p) {
    const char *end = strchr(p, ';');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    if (n > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
      snprintf(buf, len, "%.*s", (int)(n - klen - 1), p + klen + 1);
      return 1;
    }
    p = end ? end + 1 : NULL;
  }
  if (len) buf[0] = 0;
  return 0;
}

/* Keys of canonical params, in order, appended to keys[] (deduplicated). */
static void param_keys(const char *params, char ***keys, int *n) {
  const char *p = params;
  while (p && *p) {
    const char *end = strchr(p, ';');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    const char *eq = memchr(p, '=', len);
    if (eq) {
      size_t kl = (size_t)(eq - p);
      int dup = 0;
      for (int i = 0; i < *n; i++)
        if (strlen((*keys)[i]) == kl && strncmp((*keys)[i], p, kl) == 0) dup = 1;
      if (!dup) {
        *keys = xrealloc(*keys, (size_t)(*n + 1) * sizeof **keys);
        (*keys)[*n] = strndup(p, kl);
        if (!(*keys)[*n]) mmb_out_of_memory(kl + 1, "the report");
        (*n)++;
      }
    }
    p = end ? end + 1 : NULL;
  }
}

void mmb_rep_cell_label(const mmb_rmodel *m, const mmb_rcell *c, int with_threads, char *buf,
                        size_t len) {
  const mmb_rwork *w = &m->works[c->wl];
  size_t used = 0;
  buf[0] = 0;
  for (int i = 0; i < w->nvary && used < len; i++) {
    char v[256];
    mmb_rep_param(c->params, w->vary[i], v, sizeof v);
    int k = snprintf(buf + used, len - used, "%s%s=%s", used ? " " : "", w->vary[i], v);
    if (k < 0) break;
    used += (size_t)k;
  }
  if (with_threads && w->threads_vary && used < len)
    snprintf(buf + used, len - used, "%st=%d", used ? " " : "", c->threads);
  if (!buf[0]) snprintf(buf, len, "default");
}

/* ------------------------------------------------------------------------
 * Ordering
 * ---------------------------------------------------------------------- */
static const mmb_rmodel *sort_model; /* qsort has no context argument */

static int cmp_cells(const void *a, const void *b) {
  const mmb_rcell *x = a, *y = b;
  const mmb_rwork *wx = &sort_model->works[x->wl], *wy = &sort_model->works[y->wl];
  if (wx->order != wy->order) return wx->order < wy->order ? -1 : 1;
  int c = strcmp(wx->name, wy->name);
  if (c) return c;
  if (x->pidx != y->pidx) return x->pidx < y->pidx ? -1 : 1;
  if (x->threads != y->threads) return x->threads < y->threads ? -1 : 1;
  return (x->alloc > y->alloc) - (x->alloc < y->alloc);
}

static int add_alloc(mmb_rmodel *m, const char *name) {
  for (size_t i = 0; i < m->nallocs; i++)
    if (strcmp(m->allocs[i], name) == 0) return (int)i;
  m->allocs = xrealloc(m->allocs, (m->nallocs + 1) * sizeof *m->allocs);
  m->allocs[m->nallocs] = xstrdup(name);
  return (int)m->nallocs++;
}

/* Allocators: the plan's order first, only those that have cells; then
 * every cell's allocator index. */
static void order_allocs(mmb_rmodel *m) {
  const cJSON *plan = m->meta ? meta_at(m->meta, "plan.allocators") : NULL;
  const cJSON *e;
  if (cJSON_IsArray(plan)) {
    cJSON_ArrayForEach(e, plan) {
      if (!cJSON_IsString(e)) continue;
      for (size_t k = 0; k < m->ncells; k++)
        if (strcmp(m->cells[k].allocator, e->valuestring) == 0) {
          add_alloc(m, e->valuestring);
          break;
        }
    }
  }
  for (size_t k = 0; k < m->ncells; k++) m->cells[k].alloc = add_alloc(m, m->cells[k].allocator);
}

/* A new workload of that name, with its family, order and flags from the
 * registry of nreg workloads. Returns its index. */
static size_t add_work(mmb_rmodel *m, const char *name, int nreg) {
  size_t w = m->nworks;
  m->works = xrealloc(m->works, (m->nworks + 1) * sizeof *m->works);
  mmb_rwork *nw = &m->works[m->nworks++];
  memset(nw, 0, sizeof *nw);
  nw->name = xstrdup(name);
  const mmb_workload *d = mmb_workload_find(name);
  nw->family = d && d->family ? d->family : "other";
  nw->order = (nreg + 1) * 1000 + (int)w;
  for (int i = 0, fam_first = -1; d && i < nreg; i++) {
    const mmb_workload *x = mmb_workload_at(i);
    if (fam_first < 0 && x->family && strcmp(x->family, nw->family) == 0) fam_first = i;
    if (x == d) nw->order = fam_first * 1000 + i;
  }
  nw->throughput = d && (d->flags & MMB_WF_THROUGHPUT);
  nw->scaling = d && (d->flags & MMB_WF_SCALING);
  nw->growth_param = d ? d->heap_growth_param : NULL;
  return w;
}

/* Workloads: registry order, which keeps a family together; a family's
 * workloads stay together even when the registry lists them apart; those
 * the registry does not know come last, first seen first. Sets cell->wl. */
static void index_works(mmb_rmodel *m) {
  int nreg = 0;
  while (mmb_workload_at(nreg)) nreg++;
  for (size_t k = 0; k < m->ncells; k++) {
    mmb_rcell *c = &m->cells[k];
    size_t w;
    for (w = 0; w < m->nworks; w++)
      if (strcmp(m->works[w].name, c->workload) == 0) break;
    if (w == m->nworks) w = add_work(m, c->workload, nreg);
    c->wl = (int)w;
  }
}

/* Params first-seen index within the workload (runs.csv order). */
static void index_params(mmb_rmodel *m) {
  for (size_t w = 0; w < m->nworks; w++) {
    const char **seen = NULL;
    int nseen = 0;
    for (size_t k = 0; k < m->ncells; k++) {
      mmb_rcell *c = &m->cells[k];
      if (c->wl != (int)w) continue;
      int i;
      for (i = 0; i < nseen; i++)
        if (strcmp(seen[i], c->params) == 0) break;
      if (i == nseen) {
        seen = xrealloc(seen, (size_t)(nseen + 1) * sizeof *seen);
        seen[nseen++] = c->params;
      }
      c->pidx = i;
    }
    free(seen);
  }
}

/* Sort the workloads by order then name, remapping cell->wl. */
static void sort_works(mmb_rmodel *m) {
  size_t *perm = xcalloc(m->nworks, sizeof *perm); /* new position -> old index */
  for (size_t i = 0; i < m->nworks; i++) perm[i] = i;
  for (size_t i = 1; i < m->nworks; i++) { /* insertion sort: a few dozen */
    size_t x = perm[i], j = i;
    while (j > 0 && (m->works[perm[j - 1]].order > m->works[x].order ||
                     (m->works[perm[j - 1]].order == m->works[x].order &&
                      strcmp(m->works[perm[j - 1]].name, m->works[x].name) > 0))) {
      perm[j] = perm[j - 1];
      j--;
    }
    perm[j] = x;
  }
  mmb_rwork *nw = xcalloc(m->nworks, sizeof *nw);
  int *old2new = xcalloc(m->nworks, sizeof *old2new);
  for (size_t i = 0; i < m->nworks; i++) {
    nw[i] = m->works[perm[i]];
    old2new[perm[i]] = (int)i;
  }
  free(m->works);
  m->works = nw;
  for (size_t k = 0; k < m->ncells; k++) m->cells[k].wl = old2new[m->cells[k].wl];
  free(perm);
  free(old2new);
}

/* Sort the cells (their row lists move with them), then list each
 * workload's cells. */
static void sort_cells(mmb_rmodel *m) {
  sort_model = m;
  qsort(m->cells, m->ncells, sizeof *m->cells, cmp_cells);
  for (size_t k = 0; k < m->ncells; k++) {
    mmb_rwork *w = &m->works[m->cells[k].wl];
    push_size(&w->cells, &w->ncells, k);
  }
}

/* The parameters that vary over workload x's cells, and whether its
 * thread count does. */
static void find_varying(const mmb_rmodel *m, mmb_rwork *x) {
  char **keys = NULL;
  int nkeys = 0;
  for (size_t i = 0; i < x->ncells; i++) param_keys(m->cells[x->cells[i]].params, &keys, &nkeys);
  for (int k = 0; k < nkeys; k++) {
    char first[256], v[256];
    int varies = 0;
    for (size_t i = 0; i < x->ncells; i++) {
      mmb_rep_param(m->cells[x->cells[i]].params, keys[k], v, sizeof v);
      if (i == 0)
        snprintf(first, sizeof first, "%s", v);
      else if (strcmp(first, v) != 0)
        varies = 1;
    }
    if (varies) {
      x->vary = xrealloc(x->vary, (size_t)(x->nvary + 1) * sizeof *x->vary);
      x->vary[x->nvary++] = keys[k];
    } else {
      free(keys[k]);
    }
  }
  free(keys);
  for (size_t i = 1; i < x->ncells; i++)
    if (m->cells[x->cells[i]].threads != m->cells[x->cells[0]].threads) x->threads_vary = 1;
}

/* Workloads with their family and registry order; allocators in plan
 * order; every cell's indices; cells sorted; per-workload cell lists and
 * varying parameters. */
static void organise(mmb_rmodel *m) {
  order_allocs(m);
  index_works(m);
  index_params(m);
  sort_works(m);
  sort_cells(m);
  for (size_t w = 0; w < m->nworks; w++) find_varying(m, &m->works[w]);
}

/* ------------------------------------------------------------------------
 * Loading
 * ---------------------------------------------------------------------- */
static int load_runs(mmb_rmodel *m, mmb_cellmap *map) {
  const mmb_runs *t = &m->loaded;
  for (size_t r = 0; r < t->nrows; r++) {
    const mmb_run_row *row = &t->rows[r];
    size_t k = cell_get(m, map, &t->cells, row->cell); /* may move m->cells */
    mmb_rcell *c = &m->cells[k];
    push_size(&c->rows, &c->nrows, r);
    c->n_runs++;
    if (row->status == MMB_ST_OK) {
      c->n++;
      continue;
    }
    c->status = mmb_status_merge(c->status, row->status);
    if (!c->reason[0] && row->reason[0]) {
      free(c->reason);
      c->reason = xstrdup(row->reason);
    }
  }
  return 0;
}

/* timeline.csv (optional): RSS samples of repetition 0 of each cell. */
static void load_timeline(mmb_rmodel *m, const mmb_cellmap *map) {
  char path[4096], msg[512];
  if (path_join(path, sizeof path, m->dir, "timeline.csv")) return;
  struct stat st;
  if (stat(path, &st) != 0) return; /* optional */
  if (mmb_table_read(path, &m->timeline, msg, sizeof msg)) {
    warn(m, "timeline.csv left out: %s", msg);
    return;
  }
  const mmb_table *t = m->timeline;
  int cw = mmb_table_col(t, "workload"), cp = mmb_table_col(t, "params"),
      ca = mmb_table_col(t, "allocator"), ct = mmb_table_col(t, "threads"),
      crep = mmb_table_col(t, "rep"), ctm = mmb_table_col(t, "t_ms"),
      crss = mmb_table_col(t, "rss_kb");
  if (cw < 0 || cp < 0 || ca < 0 || ct < 0 || ctm < 0 || crss < 0) {
    warn(m, "timeline.csv left out: it needs the columns workload, params, allocator, threads, "
            "rep, t_ms, rss_kb");
    mmb_table_free(m->timeline);
    m->timeline = NULL;
    return;
  }
  for (size_t r = 0; r < mmb_table_rows(t); r++) {
    double th = mmb_table_numv(t, r, ct), rep = crep >= 0 ? mmb_table_numv(t, r, crep) : 0;
    if (isnan(th) || (crep >= 0 && rep != 0)) continue;
    long k = mmb_cellmap_find(map, mmb_table_get(t, r, cw), mmb_table_get(t, r, cp),
                              mmb_table_get(t, r, ca), (int)th);
    if (k < 0) continue; /* a timeline of a cell runs.csv does not have */
    push_size(&m->cells[k].trows, &m->cells[k].ntrows, (size_t)r);
  }
}

/* The cells' statistics: from summary.csv when it is there and usable,
 * else computed from runs.csv as the runner writes summary.csv (with a
 * warning). 0, or -1 with err when neither works. */
static int summary_of(mmb_rmodel *m, mmb_cellmap *map, char *err, size_t errlen) {
  char path[4096], msg[512];
  struct stat st;
  path_join(path, sizeof path, m->dir, "summary.csv");
  if (stat(path, &st) == 0) {
    mmb_table *st_table;
    if (mmb_table_read(path, &st_table, msg, sizeof msg)) {
      warn(m, "summary.csv unusable (%s): statistics computed from runs.csv", msg);
    } else if (load_summary(m, map, st_table, msg, sizeof msg)) {
      warn(m, "%s: statistics computed from runs.csv", msg);
      m->summary = NULL;
      for (size_t k = 0; k < m->ncells; k++) {
        free(m->cells[k].stat);
        m->cells[k].stat = NULL;
      }
      for (size_t i = 0; i < m->nmetrics; i++) free(m->metrics[i]);
      free(m->metrics);
      m->metrics = NULL;
      m->nmetrics = 0;
    }
  }
  if (!m->summary) {
    if (!m->nwarnings || !strstr(m->warnings[m->nwarnings - 1], "computed from runs.csv"))
      warn(m, "summary.csv is missing (the run did not finish?): statistics computed from "
              "runs.csv");
    m->summary_computed = 1;
    /* The same computation the runner writes summary.csv with. */
    char *text = mmb_summary_csv_noise(&m->loaded, NULL, mmb_meta_noise_cv(m->dir), NULL);
    if (!text) mmb_out_of_memory(0, "the summary"); /* NULL only when out of memory */
    mmb_table *st_table;
    int prc = mmb_table_parse(text, strlen(text), &st_table, msg, sizeof msg);
    free(text);
    if (prc || load_summary(m, map, st_table, msg, sizeof msg)) {
      snprintf(err, errlen, "cannot summarise %s/runs.csv: %s", m->dir, msg);
      return -1;
    }
  }
  return 0;
}

int mmb_rep_load(const char *dir, mmb_rmodel *m, char *err, size_t errlen) {
  memset(m, 0, sizeof *m);
  char path[4096], msg[512];
  struct stat st;
  mmb_cellmap map = {0};
  int rc = -1;
  m->dir = xstrdup(dir);
  size_t dl = strlen(m->dir);
  while (dl > 1 && m->dir[dl - 1] == '/') m->dir[--dl] = 0;

  if (stat(dir, &st) != 0) {
    snprintf(err, errlen,
             "results folder '%s' does not exist (give a folder written by "
             "mmbench run, e.g. results/<stamp>-<host>)",
             dir);
    goto out;
  }
  if (!S_ISDIR(st.st_mode)) {
    snprintf(err, errlen, "'%s' is not a folder (give a results folder written by mmbench run)",
             dir);
    goto out;
  }
  if (path_join(path, sizeof path, m->dir, "runs.csv")) {
    snprintf(err, errlen, "path too long: %s", dir);
    goto out;
  }
  if (stat(path, &st) != 0) {
    snprintf(err, errlen,
             "'%s' has no runs.csv: not a results folder (mmbench run -o DIR "
             "writes one)",
             dir);
    goto out;
  }
  if (mmb_runs_read(path, &m->loaded, msg, sizeof msg)) {
    snprintf(err, errlen, "cannot use runs.csv: %s", msg);
    goto out;
  }
  m->runs = m->loaded.table;
  if (mmb_table_dropped_tail(m->runs)) {
    m->dropped_tail = 1;
    warn(m, "runs.csv ends with a row cut short (the run was killed): that row is left out");
  }
  load_runs(m, &map);

  load_meta(m);
  if (summary_of(m, &map, err, errlen) != 0) goto out;
  load_timeline(m, &map);
  if (m->ncells == 0) {
    snprintf(err, errlen,
             "'%s/runs.csv' has no rows: nothing to report (run mmbench run "
             "--resume %s to finish the run)",
             m->dir, dir);
    goto out;
  }
  organise(m);
  make_caption(m);
  rc = 0;
out:
  mmb_cellmap_free(&map);
  if (rc) mmb_rep_free(m);
  return rc;
}

void mmb_rep_free(mmb_rmodel *m) {
  for (size_t k = 0; k < m->ncells; k++) {
    mmb_rcell *c = &m->cells[k];
    free(c->workload);
    free(c->params);
    free(c->allocator);
    free(c->reason);
    free(c->stat);
    free(c->rows);
    free(c->trows);
  }
  free(m->cells);
  for (size_t i = 0; i < m->nmetrics; i++) free(m->metrics[i]);
  free(m->metrics);
  for (size_t i = 0; i < m->nallocs; i++) free(m->allocs[i]);
  free(m->allocs);
  for (size_t w = 0; w < m->nworks; w++) {
    free(m->works[w].name);
    free(m->works[w].cells);
    for (int i = 0; i < m->works[w].nvary; i++) free(m->works[w].vary[i]);
    free(m->works[w].vary);
  }
  free(m->works);
  mmb_runs_free(&m->loaded);
  mmb_sumrows_free(&m->sum);
  mmb_table_free(m->timeline);
  cJSON_Delete(m->meta);
  free(m->dir);
  memset(m, 0, sizeof *m);
}
