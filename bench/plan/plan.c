/* mmbench — plan expansion and plan.json (see plan.h). */
#include "plan.h"
#include "text.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "metrics.h"
#include "place.h"
#include "presets.h"
#include "program.h"
#include "sweep.h"

#define MAX_POINTS 64 /* values one parameter may sweep */
/* A matrix larger than this is refused: a cell takes about 0.5 KB while
 * planning and sharding (plan, shard list), so the limit holds that under
 * 1 GB; 1 000 shards of 1 000 cells each fit. */
#define MAX_CELLS 1000000

void mmb_run_opts_init(mmb_run_opts *o) {
  memset(o, 0, sizeof *o);
  snprintf(o->preset, sizeof o->preset, "default");
  o->reps = o->warmup = -1;
  o->scale = -1;
  o->timeout = 0;
  o->seed = 42;
  snprintf(o->counters, sizeof o->counters, "hw");
  snprintf(o->floor, sizeof o->floor, "auto");
  snprintf(o->t1, sizeof o->t1, "main");
  snprintf(o->place, sizeof o->place, "none");
}

/* ---------------------------------------------------------------------------
 * Names
 * ------------------------------------------------------------------------- */
static int unknown_workload(const char *name, char *err, size_t errlen) {
  const mmb_workload *w, *best = NULL;
  int bestd = 99;
  for (int i = 0; (w = mmb_workload_at(i)); i++) {
    int d = mmb_edit_distance(name, w->name);
    if (d < bestd) bestd = d, best = w;
  }
  if (best && bestd <= 3)
    snprintf(err, errlen, "unknown workload '%s' (did you mean '%s'? see: mmbench list workloads)",
             name, best->name);
  else
    snprintf(err, errlen, "unknown workload '%s' (see: mmbench list workloads)", name);
  return -1;
}

/* Workloads selected: names, or family names, or "all". */
static int select_workloads(const char *list, const mmb_workload **out, int max, char *err,
                            size_t errlen) {
  int n = 0;
  const mmb_workload *w;
  /* a malformed shipped program descriptor stops a run that would include it */
  if ((!*list || strcmp(list, "all") == 0 || mmb_list_has(list, ",", "programs")) &&
      mmb_programs_load(err, errlen) != 0)
    return -1;
  if (!*list || strcmp(list, "all") == 0) {
    for (int i = 0; (w = mmb_workload_at(i)) && n < max; i++) out[n++] = w;
    return n;
  }
  char *items[128];
  int k = mmb_split_list(list, items, 128);
  if (k < 0) {
    snprintf(err, errlen, "-w needs a comma-separated list of workload or family names, not '%s'",
             list);
    return -1;
  }
  for (int j = 0; j < k; j++) {
    int found = 0;
    if (strncmp(items[j], "prog:", 5) == 0 || strncmp(items[j], "cmd:", 4) == 0) {
      const mmb_workload *pw = mmb_program_workload_named(items[j], err, errlen);
      if (!pw) {
        mmb_free_list(items, k);
        return -1;
      }
      for (int m = 0; m < pw->program->nmetrics; m++)
        if (mmb_metric_find(pw->program->metrics[m].name)) {
          snprintf(err, errlen,
                   "%s: metric name '%s' is already a column of runs.csv (choose another)",
                   items[j], pw->program->metrics[m].name);
          mmb_free_list(items, k);
          return -1;
        }
      int dup = 0;
      for (int q = 0; q < n; q++) dup |= out[q] == pw;
      if (!dup && n < max) out[n++] = pw;
      continue;
    }
    for (int i = 0; (w = mmb_workload_at(i)); i++) {
      if (strcmp(w->name, items[j]) == 0 || strcmp(w->family, items[j]) == 0) {
        int dup = 0;
        for (int q = 0; q < n; q++) dup |= out[q] == w;
        if (!dup && n < max) out[n++] = w;
        found = 1;
      }
    }
    if (!found) {
      unknown_workload(items[j], err, errlen);
      mmb_free_list(items, k);
      return -1;
    }
  }
  mmb_free_list(items, k);
  return n;
}

static int select_allocators(const char *list, mmb_plan *plan, char *err, size_t errlen) {
  char *items[64];
  int k;
  if (!*list || strcmp(list, "all") == 0) {
    k = 0;
    for (const mmb_allocator *const *a = mmb_allocators; *a && k < 64; a++)
      if (!(*a)->unavailable) items[k++] = strdup((*a)->name);
  } else {
    k = mmb_split_list(list, items, 64);
    if (k < 0) {
      snprintf(err, errlen, "-a needs a comma-separated list of allocators, not '%s'", list);
      return -1;
    }
  }
  plan->allocs = calloc((size_t)k, sizeof *plan->allocs);
  for (int i = 0; i < k; i++) {
    if (mmb_alloc_spec_parse(items[i], &plan->allocs[i], err, errlen) != 0) {
      mmb_free_list(items, k);
      return -1;
    }
    for (int j = 0; j < i; j++)
      if (strcmp(plan->allocs[j].text, plan->allocs[i].text) == 0) {
        snprintf(err, errlen, "allocator '%s' is listed twice", items[i]);
        mmb_free_list(items, k);
        return -1;
      }
  }
  plan->nallocs = k;
  mmb_free_list(items, k);
  return 0;
}

/* ---------------------------------------------------------------------------
 * Parameter grids
 * ------------------------------------------------------------------------- */
typedef struct grid {
  int n[MMB_MAX_PARAMS];                  /* values per parameter */
  char *text[MMB_MAX_PARAMS][MAX_POINTS]; /* the values, as text */
} grid;

static void grid_free(grid *g) {
  for (int i = 0; i < MMB_MAX_PARAMS; i++)
    for (int j = 0; j < g->n[i]; j++) free(g->text[i][j]);
}

/* Set parameter idx's list from "v1,v2,..." after checking every value. */
static int grid_set(grid *g, const mmb_workload *w, int idx, const char *values, char *err,
                    size_t errlen) {
  const mmb_param *p = &w->params[idx];
  char *items[MAX_POINTS];
  int one = p->type == MMB_P_STR && !(p->flags & MMB_PF_LIST);
  int k = one ? 1 : mmb_split_list(values, items, MAX_POINTS);
  if (one) items[0] = strdup(values);
  if (k < 0) {
    snprintf(err, errlen,
             "workload '%s': parameter '%s' needs a value or a comma list of at most %d values",
             w->name, p->name, MAX_POINTS);
    return -1;
  }
  for (int j = 0; j < k; j++) {
    long long v;
    if (mmb_param_value(w, p, items[j], &v, err, errlen) != 0) {
      mmb_free_list(items, k);
      return -1;
    }
  }
  for (int j = 0; j < g->n[idx]; j++) free(g->text[idx][j]);
  for (int j = 0; j < k; j++) g->text[idx][j] = items[j];
  g->n[idx] = k;
  return 0;
}

static int grid_build(grid *g, const mmb_workload *w, const mmb_plan *plan, int use_sweep,
                      char *err, size_t errlen) {
  memset(g, 0, sizeof *g);
  if (use_sweep && w->sweep && *w->sweep) {
    char *copy = strdup(w->sweep), *save = NULL;
    for (char *it = strtok_r(copy, ";", &save); it; it = strtok_r(NULL, ";", &save)) {
      char *eq = strchr(it, '=');
      int idx = eq ? (*eq = 0, mmb_workload_param_index(w, it)) : -1;
      if (idx < 0 || grid_set(g, w, idx, eq + 1, err, errlen) != 0) {
        snprintf(err, errlen, "workload '%s': its preset sweep '%s' is invalid", w->name, w->sweep);
        free(copy);
        return -1;
      }
    }
    free(copy);
  }
  for (int i = 0; i < plan->opts.nparams; i++) {
    char kv[512];
    snprintf(kv, sizeof kv, "%s", plan->opts.params[i]);
    char *eq = strchr(kv, '=');
    *eq = 0;
    int idx = mmb_workload_param_index(w, kv);
    if (idx >= 0 && grid_set(g, w, idx, eq + 1, err, errlen) != 0) return -1;
  }
  return 0;
}

/* ---------------------------------------------------------------------------
 * Why a cell cannot run ("" when it can)
 * ------------------------------------------------------------------------- */
/* Memory an allocator without individual frees may hold: MMB_ARENA_CAP
 * when the variant sets one, else MMB_DEFERRED_LIMIT. */
static uint64_t deferred_limit(const mmb_alloc_spec *spec) {
  for (int i = 0; i < spec->nsettings; i++) {
    long long v;
    if (strncmp(spec->settings[i], "MMB_ARENA_CAP=", 14) == 0 &&
        mmb_parse_int(spec->settings[i] + 14, &v) == 0 && v > 0)
      return (uint64_t)v;
  }
  return MMB_DEFERRED_LIMIT;
}

/* Why the cell cannot run, or "" when it can. *na is set when the
 * combination cannot exist at all (not a cell: see mmb_na_combo) rather
 * than being skipped for a reason of this machine or this run. */
static void skip_reason(const mmb_workload *w, const mmb_pvals *pv, const mmb_alloc_spec *spec,
                        int threads, int all_allocators, char *out, size_t len, int *na) {
  const mmb_allocator *a = spec->alloc;
  out[0] = 0;
  *na = 0;
  if (w->program && !a->unavailable && threads <= 1) {
    mmb_program_skip_reason(w->program, spec, out, len);
    *na = out[0] && mmb_program_cannot_run(w->program, spec);
    return;
  }
  if (a->unavailable) {
    snprintf(out, len, "allocator %s unavailable: %s", a->name, a->unavailable);
  } else if (threads < w->min_threads) {
    snprintf(out, len, "%s needs at least %d threads", w->name, w->min_threads);
    *na = 1;
  } else if (w->max_threads && threads > w->max_threads) {
    snprintf(out, len, "%s runs at most %d threads", w->name, w->max_threads);
    *na = 1;
  } else if (mmb_is_floor(a->name) && !(w->flags & MMB_WF_FLOOR)) {
    snprintf(out, len, "%s has no floor (the floor allocator serves only workloads with one)",
             w->name);
    *na = 1;
  } else if ((w->needs & MMB_CAP_GRAPH) && !(a->caps & MMB_CAP_GRAPH)) {
    snprintf(out, len, "%s needs the object-graph API (manual, rc, rc+cc, gc, boehm); %s has none",
             w->name, a->name);
    *na = 1;
  } else if (!(w->needs & MMB_CAP_GRAPH) && (a->caps & MMB_CAP_BASE_MALLOC) && all_allocators) {
    snprintf(out, len,
             "%s passes malloc-level calls straight to the base malloc (the same as glibc here); "
             "name it in -a to measure it anyway",
             a->name);
  } else if (!(w->needs & MMB_CAP_GRAPH) && (!a->malloc || !a->free)) {
    snprintf(out, len, "%s offers only the object-graph API; %s needs malloc/free", a->name,
             w->name);
    *na = 1;
  } else if ((w->needs & ~a->caps) & ~(unsigned)MMB_CAP_FREE) {
    snprintf(out, len, "%s needs capabilities %s lacks (0x%x)", w->name, a->name,
             (w->needs & ~a->caps));
    *na = 1;
  } else if (threads > 1 && !(a->caps & MMB_CAP_THREADS)) {
    snprintf(out, len, "%s is single-threaded", a->name);
    *na = 1;
  } else if (!(a->caps & MMB_CAP_FREE) && !(w->needs & MMB_CAP_GRAPH)) {
    if (!w->deferred_bytes) {
      snprintf(out, len, "%s needs individual frees; %s frees only at a phase end", w->name,
               a->name);
      *na = 1;
    } else {
      uint64_t bytes = w->deferred_bytes(pv->v, threads), limit = deferred_limit(spec);
      if (bytes > limit)
        snprintf(out, len, "%s would hold %.2f GiB without reuse on %s (its cap: %.2f GiB)",
                 w->name, (double)bytes / (1u << 30), spec->text, (double)limit / (1u << 30));
    }
  }
}

/* The floor: one `floor` cell per point of every selected workload that has
 * one (--floor auto), required of every selected workload (on), or none
 * (off, or when -a names floor itself: then it is an allocator like any). */
static int add_floor(const mmb_run_opts *o, mmb_plan *plan, const mmb_workload *const *ws, int nw,
                     char *err, size_t errlen) {
  plan->floor = -1;
  if (strcmp(o->floor, "off") == 0) return 0;
  for (int i = 0; i < plan->nallocs; i++)
    if (mmb_is_floor(plan->allocs[i].alloc->name)) return 0;
  int any = 0;
  for (int j = 0; j < nw; j++) {
    if (ws[j]->flags & MMB_WF_FLOOR) {
      any = 1;
    } else if (strcmp(o->floor, "on") == 0) {
      char with[512] = "";
      const mmb_workload *w;
      for (int i = 0; (w = mmb_workload_at(i)); i++)
        if (w->flags & MMB_WF_FLOOR) {
          size_t u = strlen(with);
          snprintf(with + u, sizeof with - u, "%s%s", u ? ", " : "", w->name);
        }
      snprintf(err, errlen,
               "--floor on: workload '%s' has no floor (workloads with one: %s); use --floor auto "
               "or off",
               ws[j]->name, with);
      return -1;
    }
  }
  if (!any) return 0;
  mmb_alloc_spec *grown = realloc(plan->allocs, (size_t)(plan->nallocs + 1) * sizeof *grown);
  if (!grown) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  plan->allocs = grown;
  if (mmb_alloc_spec_parse(mmb_floor_name(), &plan->allocs[plan->nallocs], err, errlen) != 0)
    return -1;
  plan->floor = plan->nallocs++;
  return 0;
}

static uint64_t cell_seed(uint64_t seed, const char *wname, const char *params, int threads) {
  uint64_t h = seed ^ 0xcbf29ce484222325ull;
  for (const char *s = wname; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
  for (const char *s = params; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
  return (h ^ (uint64_t)threads) * 0x9e3779b97f4a7c15ull;
}

/* ---------------------------------------------------------------------------
 * Expansion
 * ------------------------------------------------------------------------- */
static char no_skip[1] = ""; /* the skip text of every cell that runs */

/* Set (or replace) a cell's skip text. 0, or -1 out of memory. */
static int set_skip(mmb_cell_plan *c, const char *why) {
  char *d = why[0] ? strdup(why) : no_skip;
  if (!d) return -1;
  if (c->skip && c->skip != no_skip) free(c->skip);
  c->skip = d;
  return 0;
}

void mmb_plan_cell_free(mmb_cell_plan *c) {
  mmb_pvals_free(c->w, &c->pv);
  free(c->params);
  if (c->skip != no_skip) free(c->skip);
  c->params = NULL;
  c->skip = no_skip;
}

/* Add the cell (w, pv, alloc, threads): 0 added, 1 a combination that
 * cannot exist (kept in plan->na, not a cell), -1 too many cells, -2 out
 * of memory. */
static int add_cell(mmb_plan *plan, int *cap, const mmb_workload *w, const mmb_pvals *pv, int alloc,
                    int threads) {
  if (plan->ncells == MAX_CELLS) return -1;
  char params[512], why[256];
  int na;
  mmb_params_format(w, pv, params, sizeof params);
  skip_reason(w, pv, &plan->allocs[alloc], threads,
              !*plan->opts.allocators || strcmp(plan->opts.allocators, "all") == 0, why, sizeof why,
              &na);
  if (na) {
    if ((plan->nna & (plan->nna - 1)) == 0) {
      mmb_na_combo *g = realloc(plan->na, (size_t)(plan->nna ? plan->nna * 2 : 16) * sizeof *g);
      if (!g) return -2;
      plan->na = g;
    }
    mmb_na_combo *x = &plan->na[plan->nna];
    x->w = w, x->alloc = alloc, x->threads = threads;
    x->params = strdup(params), x->reason = strdup(why);
    if (!x->params || !x->reason) {
      free(x->params), free(x->reason);
      return -2;
    }
    plan->nna++;
    return 1;
  }
  if (plan->ncells == *cap) {
    *cap = *cap ? *cap * 2 : 64;
    mmb_cell_plan *grown = realloc(plan->cells, (size_t)*cap * sizeof *plan->cells);
    if (!grown) return -2;
    plan->cells = grown;
  }
  mmb_cell_plan *c = &plan->cells[plan->ncells];
  memset(c, 0, sizeof *c);
  c->w = w;
  c->params = strdup(params);
  if (!c->params || set_skip(c, why) != 0) {
    free(c->params);
    return -2;
  }
  mmb_pvals_copy(w, &c->pv, pv);
  c->alloc = alloc;
  c->threads = threads;
  c->seed = cell_seed(plan->opts.seed, w->name, c->params, threads);
  plan->ncells++;
  return 0;
}

/* The thread counts: the user's (-t), the preset's, the preset's for
 * scaling workloads. */
typedef struct thread_sets {
  int user[32], nuser, pre[32], npre, mt[32], nmt;
} thread_sets;

/* The cells of one parameter point of w (work parameters already scaled):
 * one per thread count and allocator, skipped ones with their reason.
 * 0, or -1 with err. */
static int add_point(mmb_plan *plan, int *cap, const mmb_workload *w, const mmb_pvals *scaled,
                     const thread_sets *ts, char *err, size_t errlen) {
  static const int one[] = {1};
  const int *ths = ts->nuser                     ? ts->user
                   : w->program                  ? one
                   : (w->flags & MMB_WF_SCALING) ? ts->mt
                                                 : ts->pre;
  int nth = ts->nuser                     ? ts->nuser
            : w->program                  ? 1
            : (w->flags & MMB_WF_SCALING) ? ts->nmt
                                          : ts->npre;
  int indep = w->uses_allocator && !w->uses_allocator(scaled->v);
  char why[512] = "";
  int chk = w->check ? w->check(scaled->v, scaled->s, why, sizeof why) : 0;
  if (chk == 2) {
    fprintf(stderr, "mmbench: note: %s: %s\n", w->name, why);
    chk = 0;
  }
  if (chk < 0) {
    snprintf(err, errlen, "%s: %s", w->name, why);
    return -1;
  }
  int natural[1];
  if (!ts->nuser && chk == 0 && w->threads_for &&
      (natural[0] = w->threads_for(scaled->v, scaled->s)) > 0)
    ths = natural, nth = 1;
  for (int t = 0; t < nth; t++) {
    const char *measured_under = NULL;
    for (int a = 0; a < plan->nallocs; a++) {
      if (a == plan->floor && !(w->flags & MMB_WF_FLOOR)) continue;
      int added = add_cell(plan, cap, w, scaled, a, ths[t]);
      if (added == 1) continue; /* cannot exist: not a cell */
      if (added != 0) {
        if (added == -1)
          snprintf(err, errlen,
                   "the matrix has more than %d cells (the limit): narrow -w, -a, -t or -p",
                   MAX_CELLS);
        else
          snprintf(err, errlen,
                   "out of memory expanding the matrix at %d cells: narrow -w, -a, -t or -p",
                   plan->ncells);
        return -1;
      }
      mmb_cell_plan *c = &plan->cells[plan->ncells - 1];
      if (chk > 0 && !c->skip[0]) set_skip(c, why);
      if (!indep || c->skip[0]) continue;
      if (measured_under) {
        char once[256];
        snprintf(once, sizeof once,
                 "%s makes no allocator call in its measured region at these parameters: "
                 "measured once, under %s",
                 w->name, measured_under);
        set_skip(c, once);
      } else
        measured_under = plan->allocs[a].text;
    }
  }
  return 0;
}

/* Every parameter point of w's grid, its work parameters scaled (those the
 * user did not set), as cells. 0, or -1 with err. */
static int expand_workload(mmb_plan *plan, int *cap, const mmb_workload *w, int sweeps,
                           const thread_sets *ts, char *err, size_t errlen) {
  const mmb_run_opts *o = &plan->opts;
  grid g;
  int rc = grid_build(&g, w, plan, sweeps, err, errlen);
  int np = mmb_workload_nparams(w);
  int idx[MMB_MAX_PARAMS] = {0};
  while (rc == 0) {
    mmb_pvals pv;
    mmb_pvals_defaults(w, &pv);
    char text[2048] = "";
    for (int i = 0; i < np; i++) {
      if (!g.n[i]) continue;
      size_t u = strlen(text);
      snprintf(text + u, sizeof text - u, "%s%s=%s", u ? ";" : "", w->params[i].name,
               g.text[i][idx[i]]);
    }
    if (mmb_params_parse(w, text, &pv, err, errlen) != 0) {
      mmb_pvals_free(w, &pv);
      rc = -1;
      break;
    }
    mmb_pvals scaled;
    mmb_pvals_copy(w, &scaled, &pv);
    mmb_pvals_scale(w, &scaled, plan->scale);
    for (int i = 0; i < np; i++)
      for (int k = 0; k < o->nparams; k++) {
        size_t l = strlen(w->params[i].name);
        if (strncmp(o->params[k], w->params[i].name, l) == 0 && o->params[k][l] == '=')
          scaled.v[i] = pv.v[i];
      }
    rc = add_point(plan, cap, w, &scaled, ts, err, errlen);
    mmb_pvals_free(w, &pv);
    mmb_pvals_free(w, &scaled);
    int i = 0;
    for (; i < np; i++) {
      if (g.n[i] && ++idx[i] < g.n[i]) break;
      idx[i] = 0;
    }
    if (i == np) break;
  }
  grid_free(&g);
  return rc;
}

/* Every -p must name a parameter of some selected workload. 0, or -1. */
static int check_params(const mmb_run_opts *o, const mmb_workload *const *ws, int nw, char *err,
                        size_t errlen) {
  for (int i = 0; i < o->nparams; i++) {
    const char *eq = strchr(o->params[i], '=');
    if (!eq || eq == o->params[i]) {
      snprintf(err, errlen, "-p needs name=value (or name=v1,v2 to sweep), not '%s'", o->params[i]);
      return -1;
    }
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)(eq - o->params[i]), o->params[i]);
    int found = 0;
    for (int j = 0; j < nw; j++) found |= mmb_workload_param_index(ws[j], name) >= 0;
    if (!found) {
      snprintf(err, errlen,
               "-p %s: no selected workload has a parameter '%s' (see: mmbench list WORKLOAD)",
               o->params[i], name);
      return -1;
    }
  }
  return 0;
}

/* Repetitions, scale, timeout and counters: the options', else the
 * preset's. The preset, or NULL with err. */
static const mmb_preset *plan_settings(const mmb_run_opts *o, mmb_plan *plan, char *err,
                                       size_t errlen) {
  const mmb_preset *pre = mmb_preset_find(o->preset);
  if (!pre) {
    snprintf(err, errlen, "unknown preset '%s' (valid: quick, default, full)", o->preset);
    return NULL;
  }
  plan->preset_name = pre->name;
  plan->reps = o->reps >= 0 ? o->reps : pre->reps;
  plan->warmup = o->warmup >= 0 ? o->warmup : pre->warmup;
  plan->scale = o->scale > 0 ? o->scale : pre->scale;
  plan->timeout = o->timeout > 0 ? o->timeout : pre->timeout;
  if (plan->reps < 1) {
    snprintf(err, errlen, "-r/--reps must be at least 1");
    return NULL;
  }
  if (mmb_counters_parse(&plan->counters, o->counters, o->events, o->latency, err, errlen) != 0)
    return NULL;
  /* valgrind runs the region 85-150x slower: less work, more time */
  if (plan->counters.mode == MMB_COUNTERS_SIM) {
    if (o->scale <= 0) plan->scale *= MMB_SIM_SCALE;
    if (o->timeout <= 0) plan->timeout *= 10;
  }
  return pre;
}

/* The machine the threads follow: the topology (the sysfs root of
 * $MMB_SYSFS_ROOT in tests), narrowed by --pin, and the placement. */
static int thread_setup(const mmb_run_opts *o, mmb_plan *plan, char *err, size_t errlen) {
  plan->place = mmb_place_parse(o->place);
  if (plan->place < 0) {
    snprintf(err, errlen, "--place must be none, compact or spread, not '%s'", o->place);
    return -1;
  }
  char why[900];
  if (mmb_topology_read(NULL, NULL, &plan->topo, why, sizeof why) != 0) {
    snprintf(err, errlen, "%s", why);
    return -1;
  }
  if (*o->pin && mmb_topology_restrict(&plan->topo, o->pin, why, sizeof why) != 0) {
    snprintf(err, errlen, "%s", why);
    return -1;
  }
  return 0;
}

static void list_text(const int *v, int n, char *buf, size_t len) {
  size_t u = 0;
  buf[0] = 0;
  for (int i = 0; i < n && u < len; i++)
    u += (size_t)snprintf(buf + u, len - u, "%s%d", i ? "," : "", v[i]);
}

/* What -n prints about the thread counts: which, and why. */
static void threads_note(mmb_plan *plan, const mmb_preset *pre, const thread_sets *ts) {
  char why[600], a[160], b[160];
  mmb_sweep_explain(&plan->topo, why, sizeof why);
  size_t u = 0, len = sizeof plan->threads_note;
  char *out = plan->threads_note;
  if (ts->nuser) {
    list_text(ts->user, ts->nuser, a, sizeof a);
    u += (size_t)snprintf(out + u, len - u, "threads: %s (-t %s)", a, plan->opts.threads);
  } else {
    list_text(ts->pre, ts->npre, a, sizeof a);
    list_text(ts->mt, ts->nmt, b, sizeof b);
    u += (size_t)snprintf(out + u, len - u, "threads: %s; scaling workloads %s (preset %s: %s)", a,
                          b, pre->name, pre->threads_mt);
  }
  int over = 0;
  for (int i = 0; i < (ts->nuser ? ts->nuser : ts->nmt); i++)
    over |= (ts->nuser ? ts->user : ts->mt)[i] > plan->topo.usable;
  if (u < len)
    u += (size_t)snprintf(out + u, len - u, "%s; auto = %s; placement %s",
                          over ? ", counts above the usable CPUs run oversubscribed" : "", why,
                          mmb_place_names[plan->place]);
}

int mmb_plan_build(const mmb_run_opts *o, mmb_plan *plan, char *err, size_t errlen) {
  memset(plan, 0, sizeof *plan);
  plan->opts = *o;
  const mmb_preset *pre = plan_settings(o, plan, err, errlen);
  if (!pre) return -1;
  const mmb_workload *ws[256];
  int nw = select_workloads(o->workloads, ws, 256, err, errlen);
  if (nw < 0) return -1;
  if (select_allocators(o->allocators, plan, err, errlen) != 0) return -1;
  if (plan->nallocs == 0) {
    snprintf(err, errlen, "no allocator available to run (see: mmbench list allocators)");
    return -1;
  }
  if (add_floor(o, plan, ws, nw, err, errlen) != 0) return -1;
  if (thread_setup(o, plan, err, errlen) != 0) return -1;
  thread_sets ts = {.nuser = 0};
  if (*o->threads && (ts.nuser = mmb_sweep_threads(o->threads, 1, &plan->topo, pre->oversubscribe,
                                                   ts.user, 32, err, errlen)) < 0)
    return -1;
  ts.npre = mmb_sweep_threads(pre->threads, 0, &plan->topo, 0, ts.pre, 32, err, errlen);
  ts.nmt = mmb_sweep_threads(pre->threads_mt, 0, &plan->topo, pre->oversubscribe, ts.mt, 32, err,
                             errlen);
  if (ts.npre < 0 || ts.nmt < 0) return -1;
  threads_note(plan, pre, &ts);
  if (check_params(o, ws, nw, err, errlen) != 0) return -1;
  int cap = 0;
  for (int j = 0; j < nw; j++)
    if (expand_workload(plan, &cap, ws[j], pre->sweeps, &ts, err, errlen) != 0) return -1;
  if (plan->ncells == 0) {
    snprintf(err, errlen, "the matrix is empty");
    return -1;
  }
  return 0;
}

void mmb_plan_free(mmb_plan *plan) {
  mmb_topology_free(&plan->topo);
  for (int i = 0; i < plan->ncells; i++) mmb_plan_cell_free(&plan->cells[i]);
  free(plan->cells);
  for (int i = 0; i < plan->nna; i++) free(plan->na[i].params), free(plan->na[i].reason);
  free(plan->na);
  free(plan->allocs);
  memset(plan, 0, sizeof *plan);
}

int mmb_plan_runs(const mmb_plan *plan) {
  int n = 0;
  for (int i = 0; i < plan->ncells; i++) n += plan->cells[i].skip[0] ? 0 : plan->reps;
  return n;
}

/* ---------------------------------------------------------------------------
 * plan.json
 * ------------------------------------------------------------------------- */
char *mmb_run_opts_to_json(const mmb_run_opts *o) {
  cJSON *j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "preset", o->preset);
  cJSON_AddStringToObject(j, "workloads", o->workloads);
  cJSON_AddStringToObject(j, "allocators", o->allocators);
  cJSON_AddStringToObject(j, "threads", o->threads);
  cJSON *ps = cJSON_AddArrayToObject(j, "params");
  for (int i = 0; i < o->nparams; i++) cJSON_AddItemToArray(ps, cJSON_CreateString(o->params[i]));
  cJSON_AddNumberToObject(j, "reps", o->reps);
  cJSON_AddNumberToObject(j, "warmup", o->warmup);
  cJSON_AddNumberToObject(j, "scale", o->scale);
  cJSON_AddNumberToObject(j, "timeout", o->timeout);
  char seed[32];
  snprintf(seed, sizeof seed, "%llu", (unsigned long long)o->seed);
  cJSON_AddStringToObject(j, "seed", seed);
  cJSON_AddStringToObject(j, "counters", o->counters);
  cJSON_AddStringToObject(j, "events", o->events);
  cJSON_AddStringToObject(j, "latency", o->latency);
  cJSON_AddStringToObject(j, "pin", o->pin);
  cJSON_AddBoolToObject(j, "keep_going", o->keep_going);
  cJSON_AddStringToObject(j, "floor", o->floor);
  cJSON_AddStringToObject(j, "t1", o->t1);
  cJSON_AddStringToObject(j, "place", o->place);
  char *text = cJSON_Print(j);
  cJSON_Delete(j);
  return text;
}

static int get_str(cJSON *j, const char *key, char *dst, size_t len) {
  cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
  if (!cJSON_IsString(v) || strlen(v->valuestring) >= len) return -1;
  snprintf(dst, len, "%s", v->valuestring);
  return 0;
}

static int get_num(cJSON *j, const char *key, double *dst) {
  cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
  if (!cJSON_IsNumber(v)) return -1;
  *dst = v->valuedouble;
  return 0;
}

int mmb_run_opts_from_json(const char *text, mmb_run_opts *o, char *err, size_t errlen) {
  mmb_run_opts_init(o);
  cJSON *j = cJSON_Parse(text);
  double reps, warmup, scale, timeout;
  char seed[32];
  cJSON *ps = j ? cJSON_GetObjectItemCaseSensitive(j, "params") : NULL;
  if (!j || get_str(j, "preset", o->preset, sizeof o->preset) ||
      get_str(j, "workloads", o->workloads, sizeof o->workloads) ||
      get_str(j, "allocators", o->allocators, sizeof o->allocators) ||
      get_str(j, "threads", o->threads, sizeof o->threads) || get_num(j, "reps", &reps) ||
      get_num(j, "warmup", &warmup) || get_num(j, "scale", &scale) ||
      get_num(j, "timeout", &timeout) || get_str(j, "seed", seed, sizeof seed) ||
      get_str(j, "counters", o->counters, sizeof o->counters) ||
      get_str(j, "events", o->events, sizeof o->events) ||
      get_str(j, "latency", o->latency, sizeof o->latency) ||
      get_str(j, "pin", o->pin, sizeof o->pin) || !cJSON_IsArray(ps) ||
      cJSON_GetArraySize(ps) > 16) {
    snprintf(err, errlen,
             "plan.json is missing or damaged (expected the options of an mmbench run)");
    cJSON_Delete(j);
    return -1;
  }
  o->reps = (int)reps;
  o->warmup = (int)warmup;
  o->scale = scale;
  o->timeout = timeout;
  o->seed = strtoull(seed, NULL, 10);
  o->keep_going = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "keep_going"));
  if (get_str(j, "floor", o->floor, sizeof o->floor) != 0) /* older plans: auto */
    snprintf(o->floor, sizeof o->floor, "auto");
  if (get_str(j, "t1", o->t1, sizeof o->t1) != 0) /* older plans ran 1-thread cells beside */
    snprintf(o->t1, sizeof o->t1, "thread");
  if (get_str(j, "place", o->place, sizeof o->place) != 0) /* older plans: the scheduler's */
    snprintf(o->place, sizeof o->place, "none");
  cJSON *it;
  cJSON_ArrayForEach(it, ps) {
    if (!cJSON_IsString(it)) continue;
    snprintf(o->params[o->nparams++], sizeof o->params[0], "%s", it->valuestring);
  }
  cJSON_Delete(j);
  return 0;
}

int mmb_run_opts_same(const mmb_run_opts *a, const mmb_run_opts *b) {
  char *ja = mmb_run_opts_to_json(a), *jb = mmb_run_opts_to_json(b);
  int same = strcmp(ja, jb) == 0;
  free(ja);
  free(jb);
  return same;
}
