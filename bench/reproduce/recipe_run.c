/* mmbench — a recipe's run lines (see recipe.h): the `mmbench run`
 * options and arguments of each, the matrix check (every selector picks
 * exactly one cell), and the preconditions on this machine's facts. */
#define _GNU_SOURCE
#include <unistd.h>

#include "objgraph.h"
#include "metrics.h"
#include "params.h"
#include "presets.h"
#include "recipe_int.h"
#include "workload.h"

/* ---------------------------------------------------------------------------
 * Run options
 * ------------------------------------------------------------------------- */
/* Whether a (normalised) run option takes a value. */
static int opt_has_value(const char *opt) { return strcmp(opt, "--keep-going") != 0; }

/* The effective scale of run line k: its --scale (or its preset's) times mul. */
static int run_scale(const pctx *p, const mmb_recipe_run *run, double mul, double *scale) {
  const char *preset = "default", *sc = NULL;
  for (int i = 0; i < run->argc; i++) {
    if (!opt_has_value(run->argv[i])) continue;
    if (i + 1 >= run->argc) break;
    if (strcmp(run->argv[i], "--preset") == 0) preset = run->argv[i + 1];
    if (strcmp(run->argv[i], "--scale") == 0) sc = run->argv[i + 1];
    i++;
  }
  double base;
  if (sc) {
    if (parse_number(sc, &base) != 0 || !(base > 0 && base <= 1000))
      return perr(p, run->line, "run: --scale needs a number in (0, 1000], not '%s'", sc);
  } else {
    const mmb_preset *pre = mmb_preset_find(preset);
    if (!pre)
      return perr(p, run->line, "run: unknown preset '%s' (valid: quick, default, full)", preset);
    base = pre->scale;
  }
  *scale = base * mul;
  if (!(*scale > 0 && *scale <= 1000))
    return perr(p, run->line, "run: the scale %g x %g is outside (0, 1000]", base, mul);
  return 0;
}

static int num_opt(const pctx *p, int line, const char *name, const char *v, double lo, double hi,
                   double *out) {
  if (parse_number(v, out) != 0 || *out < lo || *out > hi)
    return perr(p, line, "run: %s needs a number in [%g, %g], not '%s'", name, lo, hi, v);
  return 0;
}

int mmb_recipe_run_opts(const mmb_recipe *r, int k, double scale_mul, int reps, mmb_run_opts *o,
                        char *err, size_t errlen) {
  pctx p = {r->file, err, errlen};
  const mmb_recipe_run *run = &r->runs[k];
  mmb_run_opts_init(o);
  for (int i = 0; i < run->argc; i++) {
    const char *opt = run->argv[i];
    if (strcmp(opt, "--keep-going") == 0) {
      o->keep_going = 1;
      continue;
    }
    if (i + 1 >= run->argc) break;
    const char *v = run->argv[++i];
    double d;
    int bad = 0;
    if (strcmp(opt, "-w") == 0)
      bad = copy(o->workloads, sizeof o->workloads, v);
    else if (strcmp(opt, "-a") == 0)
      bad = copy(o->allocators, sizeof o->allocators, v);
    else if (strcmp(opt, "-t") == 0)
      bad = copy(o->threads, sizeof o->threads, v);
    else if (strcmp(opt, "-p") == 0) {
      if (o->nparams == 16) return perr(&p, run->line, "run: at most 16 -p options");
      bad = copy(o->params[o->nparams++], sizeof o->params[0], v);
    } else if (strcmp(opt, "-r") == 0) {
      if (num_opt(&p, run->line, "-r", v, 1, 1000000, &d)) return -1;
      o->reps = (int)d;
    } else if (strcmp(opt, "--warmup") == 0) {
      if (num_opt(&p, run->line, "--warmup", v, 0, 1000, &d)) return -1;
      o->warmup = (int)d;
    } else if (strcmp(opt, "--preset") == 0)
      bad = copy(o->preset, sizeof o->preset, v);
    else if (strcmp(opt, "--timeout") == 0) {
      if (num_opt(&p, run->line, "--timeout", v, 0.001, 86400, &d)) return -1;
      o->timeout = d;
    } else if (strcmp(opt, "--seed") == 0) {
      long long s;
      if (mmb_parse_int(v, &s) != 0 || s < 0)
        return perr(&p, run->line, "run: --seed needs a whole number >= 0, not '%s'", v);
      o->seed = (uint64_t)s;
    } else if (strcmp(opt, "--pin") == 0) {
      if (strspn(v, "0123456789,-") != strlen(v))
        return perr(&p, run->line, "run: --pin needs a CPU list such as 0 or 0-1, not '%s'", v);
      bad = copy(o->pin, sizeof o->pin, v);
    } else if (strcmp(opt, "--counters") == 0)
      bad = copy(o->counters, sizeof o->counters, v);
    else if (strcmp(opt, "--events") == 0)
      bad = copy(o->events, sizeof o->events, v);
    else if (strcmp(opt, "--latency") == 0)
      bad = copy(o->latency, sizeof o->latency, v);
    else if (strcmp(opt, "--scale") == 0)
      continue;
    if (bad) return perr(&p, run->line, "run: the value of %s is too long", opt);
  }
  if (run_scale(&p, run, scale_mul, &o->scale)) return -1;
  if (reps > 0) o->reps = reps;
  return 0;
}

int mmb_recipe_run_args(const mmb_recipe *r, int k, double scale_mul, int reps, char args[][256],
                        int max, char *err, size_t errlen) {
  pctx p = {r->file, err, errlen};
  const mmb_recipe_run *run = &r->runs[k];
  double scale;
  if (run_scale(&p, run, scale_mul, &scale)) return -1;
  int n = 0;
  for (int i = 0; i < run->argc; i++) {
    const char *opt = run->argv[i];
    int has_val = opt_has_value(opt);
    if (strcmp(opt, "--scale") == 0 || (reps > 0 && strcmp(opt, "-r") == 0)) {
      i += has_val;
      continue;
    }
    if (n + 2 > max) return perr(&p, run->line, "run: too many words");
    snprintf(args[n++], 256, "%s", opt);
    if (has_val && i + 1 < run->argc) snprintf(args[n++], 256, "%s", run->argv[++i]);
  }
  if (n + 4 > max) return perr(&p, run->line, "run: too many words");
  snprintf(args[n++], 256, "--scale");
  /* the shortest text that reads back as the same double */
  snprintf(args[n], 256, "%.15g", scale);
  if (strtod(args[n], NULL) != scale) snprintf(args[n], 256, "%.17g", scale);
  n++;
  if (reps > 0) {
    snprintf(args[n++], 256, "-r");
    snprintf(args[n++], 256, "%d", reps);
  }
  return n;
}

/* ---------------------------------------------------------------------------
 * The matrix check
 * ------------------------------------------------------------------------- */
typedef struct pcell {
  char workload[64], params[512], allocator[512];
  int threads, run;
  int heap_growth; /* the allocator sets a heap size and the workload has a growth parameter */
  int collector;   /* the allocator sets a heap size (a collector) */
  const char *growth_param;
} pcell;

static const char *differing_key(const pcell *a, const pcell *b) {
  if (a->run != b->run) return "run";
  if (strcmp(a->workload, b->workload) != 0) return "workload";
  if (strcmp(a->allocator, b->allocator) != 0) return "allocator";
  if (a->threads != b->threads) return "threads";
  /* the first parameter whose value differs */
  static char key[64];
  const char *s = a->params;
  while (*s) {
    const char *eq = strchr(s, '='), *end = strchr(s, ';');
    if (!eq) break;
    snprintf(key, sizeof key, "%.*s", (int)(eq - s), s);
    char va[512], vb[512];
    mmb_recipe_param_value(a->params, key, va, sizeof va);
    if (!mmb_recipe_param_value(b->params, key, vb, sizeof vb) || strcmp(va, vb) != 0) return key;
    if (!end) break;
    s = end + 1;
  }
  return "threads";
}

static void cell_text(const pcell *c, char *buf, size_t len) {
  snprintf(buf, len, "%s %s %s t=%d", c->workload, c->params, c->allocator, c->threads);
}

/* What each kind of line may read: a control never a cell an expect reads
 * (it would turn a failure of the allocator under test into no verdict); a
 * heap condition a collector's cell against an explicit manager's on the
 * same workload; a check that reads a condition's collector cell cites it,
 * and a check that cites one reads its cell. hit[k][s]: the cell of side s
 * of check k (expects, controls, conditions in that order; -1: none). */
/* No control reads a cell an expect: judges (a control on the allocator
 * under test would turn its failure into no verdict). */
static int controls_apart(const pctx *p, const mmb_recipe *r, const pcell *cells, int (*hit)[2]) {
  int nc = r->nchecks, nk = r->ncontrols;
  char ct[700];
  for (int k = 0; k < nk; k++) {
    const mmb_recipe_check *c = &r->controls[k];
    for (int s = 0; s < 2; s++) {
      int ci = hit[nc + k][s];
      if (ci < 0) continue;
      for (int e = 0; e < nc; e++)
        if (hit[e][0] == ci || hit[e][1] == ci) {
          cell_text(&cells[ci], ct, sizeof ct);
          return perr(p, c->line,
                      "control reads %s, a cell the expect: on line %d judges: a control on the "
                      "allocator under test turns its failure into no verdict; measure the "
                      "condition on a reference cell no expect: reads (e.g. add a run: line "
                      "-w null -a glibc with the same -t and control on workload=null)",
                      ct, r->checks[e].line);
        }
    }
  }
  return 0;
}

/* Each condition's first cell is a collector at a swept heap size, its
 * second explicit management of the same workload. */
static int conditions_valid(const pctx *p, const mmb_recipe *r, const pcell *cells, int (*hit)[2]) {
  int nc = r->nchecks, nk = r->ncontrols;
  char ct[700];
  for (int i = 0; i < r->nconditions; i++) {
    const mmb_recipe_check *c = &r->conditions[i];
    const pcell *col = &cells[hit[nc + nk + i][0]], *ex = &cells[hit[nc + nk + i][1]];
    cell_text(col, ct, sizeof ct);
    if (!col->collector)
      return perr(p, c->line,
                  "condition %s on %s: allocator %s sets no heap size, so the run cannot create "
                  "a heap multiple with it; the collector cell comes first (gc or boehm, e.g. "
                  "allocator=gc growth=400)",
                  c->label, ct, col->allocator);
    if (!col->growth_param)
      return perr(p, c->line,
                  "condition %s on %s: workload %s has no heap-growth parameter, so every cell "
                  "runs at the collector's default heap; use a workload that sweeps it (e.g. "
                  "heap-sweep with -p growth=...)",
                  c->label, ct, col->workload);
    if (ex->collector || strcmp(ex->workload, col->workload) != 0) {
      char et[700];
      cell_text(ex, et, sizeof et);
      return perr(p, c->line,
                  "condition %s: the reference %s is not explicit management of the same "
                  "workload; the second cell is manual (or a malloc) on %s",
                  c->label, et, col->workload);
    }
  }
  return 0;
}

/* A check cites exactly the conditions measured on the cells it reads, and
 * a collector's cell at a swept heap size only at a measured heap multiple. */
static int checks_cite(const pctx *p, const mmb_recipe *r, const pcell *cells, int (*hit)[2]) {
  int nc = r->nchecks, nk = r->ncontrols;
  char ct[700];
  for (int e = 0; e < nc; e++) {
    const mmb_recipe_check *c = &r->checks[e];
    for (int j = 0; j < c->nat; j++) {
      int want = hit[nc + nk + c->at[j]][0];
      if (hit[e][0] != want && hit[e][1] != want) {
        cell_text(&cells[want], ct, sizeof ct);
        return perr(p, c->line,
                    "the threshold cites %s, which is measured on %s (condition on line %d), a "
                    "cell this check does not read; cite the condition of the cell it reads",
                    r->conditions[c->at[j]].label, ct, r->conditions[c->at[j]].line);
      }
    }
    for (int i = 0; i < r->nconditions; i++) {
      int want = hit[nc + nk + i][0], cited = 0;
      for (int j = 0; j < c->nat; j++) cited |= c->at[j] == i;
      if (!cited && (hit[e][0] == want || hit[e][1] == want)) {
        cell_text(&cells[want], ct, sizeof ct);
        return perr(p, c->line,
                    "this check reads %s, the cell of condition %s (line %d), but its threshold "
                    "does not cite it; add 'at %s' after the threshold",
                    ct, r->conditions[i].label, r->conditions[i].line, r->conditions[i].label);
      }
    }
    /* a collector's cell at a swept heap size is judged at a measured heap multiple */
    for (int s = 0; s < 2; s++) {
      int ci = hit[e][s];
      if (ci < 0 || !cells[ci].heap_growth) continue;
      int covered = 0;
      for (int i = 0; i < r->nconditions; i++) covered |= hit[nc + nk + i][0] == ci;
      if (!covered) {
        cell_text(&cells[ci], ct, sizeof ct);
        return perr(p, c->line,
                    "this check reads %s, a collector at a heap size set by %s, without a "
                    "measured heap multiple; add 'condition: heap=Nx: ratio(peak_rss_kb, "
                    "COLLECTOR CELL / EXPLICIT CELL) == N +- T%%' and cite it with 'at heap=Nx'",
                    ct, cells[ci].growth_param);
      }
    }
  }
  return 0;
}

static int check_roles(const pctx *p, const mmb_recipe *r, const pcell *cells, int (*hit)[2]) {
  if (controls_apart(p, r, cells, hit)) return -1;
  if (conditions_valid(p, r, cells, hit)) return -1;
  return checks_cite(p, r, cells, hit);
}

int mmb_recipe_validate(const mmb_recipe *r, double scale_mul, char *err, size_t errlen) {
  pctx p = {r->file, err, errlen};
  pcell *cells = NULL;
  int n = 0, cap = 0, rc = 0;
  for (int k = 0; k < r->nruns && !rc; k++) {
    mmb_run_opts o;
    if (mmb_recipe_run_opts(r, k, scale_mul, 1, &o, err, errlen) != 0) {
      rc = -1;
      break;
    }
    mmb_plan plan;
    char perrbuf[1024];
    if (mmb_plan_build(&o, &plan, perrbuf, sizeof perrbuf) != 0) {
      mmb_plan_free(&plan);
      rc = perr(&p, r->runs[k].line, "run: %s", perrbuf);
      break;
    }
    for (int i = 0; i < plan.ncells; i++) {
      if (n == cap) {
        cap = cap ? cap * 2 : 64;
        pcell *nc = realloc(cells, (size_t)cap * sizeof *cells);
        if (!nc) {
          rc = -ENOMEM;
          break;
        }
        cells = nc;
      }
      pcell *c = &cells[n++];
      snprintf(c->workload, sizeof c->workload, "%s", plan.cells[i].w->name);
      snprintf(c->params, sizeof c->params, "%s", plan.cells[i].params);
      snprintf(c->allocator, sizeof c->allocator, "%s", plan.allocs[plan.cells[i].alloc].text);
      c->threads = plan.cells[i].threads;
      c->run = k + 1;
      const mmb_allocator *a = plan.allocs[plan.cells[i].alloc].alloc;
      c->collector = a && (a->caps & MMB_CAP_GRAPH) && a->graph && a->graph->set_heap_growth;
      c->growth_param = plan.cells[i].w->heap_growth_param;
      c->heap_growth = c->collector && c->growth_param;
    }
    mmb_plan_free(&plan);
  }
  int nall = r->nchecks + r->ncontrols + r->nconditions;
  int(*hit)[2] = calloc((size_t)nall + 1, sizeof *hit); /* the cell of each side */
  if (!hit) rc = -ENOMEM;
  for (int k = 0; k < nall && !rc; k++) {
    const mmb_recipe_check *c = k < r->nchecks ? &r->checks[k]
                                : k < r->nchecks + r->ncontrols
                                    ? &r->controls[k - r->nchecks]
                                    : &r->conditions[k - r->nchecks - r->ncontrols];
    int sides = c->func == MMB_RECIPE_RATIO ? 2 : 1;
    hit[k][1] = -1;
    for (int s = 0; s < sides && !rc; s++) {
      int first = -1, second = -1, count = 0;
      for (int i = 0; i < n; i++) {
        mmb_recipe_cellkey ck = {cells[i].workload, cells[i].params, cells[i].allocator,
                                 cells[i].threads, cells[i].run};
        if (!mmb_recipe_sel_match(&c->sel[s], &ck)) continue;
        if (count == 0)
          first = i;
        else if (count == 1)
          second = i;
        count++;
      }
      char st[512];
      mmb_recipe_sel_text(&c->sel[s], st, sizeof st);
      if (count == 0)
        rc = perr(&p, c->line,
                  "selector '%s' matches no cell of the run: lines (check its workload, "
                  "allocator, threads and parameter values; see: mmbench run -n ...)",
                  st);
      else if (count > 1)
        rc = perr(&p, c->line,
                  "selector '%s' matches %d cells (e.g. %s %s t=%d and %s %s t=%d); add "
                  "a %s= term to pick one",
                  st, count, cells[first].allocator, cells[first].params, cells[first].threads,
                  cells[second].allocator, cells[second].params, cells[second].threads,
                  differing_key(&cells[first], &cells[second]));
      hit[k][s] = first;
    }
  }
  if (!rc) rc = check_roles(&p, r, cells, hit);
  free(hit);
  free(cells);
  return rc ? -1 : 0;
}

/* ---------------------------------------------------------------------------
 * Preconditions
 * ------------------------------------------------------------------------- */
int mmb_recipe_requires_met(const mmb_recipe *r, const mmb_host_facts *h, char *why, size_t len) {
  if (why && len) why[0] = 0;
  for (int i = 0; i < r->nrequires; i++) {
    const mmb_recipe_require *q = &r->requires[i];
    switch (q->kind) {
    case MMB_RECIPE_REQ_CORES:
      if (h->cores < 0) {
        snprintf(why, len, "require %s: the CPU topology is unreadable (/sys/devices/system/cpu)",
                 q->text);
        return 0;
      }
      if (h->cores < q->n) {
        snprintf(why, len,
                 "require %s: this machine has %d core%s that are not SMT siblings (%d CPUs)",
                 q->text, h->cores, h->cores == 1 ? "" : "s", h->cpus);
        return 0;
      }
      break;
    case MMB_RECIPE_REQ_CPUS:
      if (h->cpus < q->n) {
        snprintf(why, len, "require %s: this machine has %d online CPU%s", q->text, h->cpus,
                 h->cpus == 1 ? "" : "s");
        return 0;
      }
      break;
    case MMB_RECIPE_REQ_NO_SMT:
      if (h->cores < 0 || h->threads_per_core > 1) {
        snprintf(why, len, "require no-smt: %s",
                 h->cores < 0 ? "the CPU topology is unreadable"
                              : "this machine runs SMT (threads per core > 1)");
        if (h->cores >= 0)
          snprintf(why, len, "require no-smt: this machine runs %d threads per core",
                   h->threads_per_core);
        return 0;
      }
      break;
    case MMB_RECIPE_REQ_THP:
      if (strcmp(h->thp, q->value) != 0) {
        snprintf(why, len, "require %s: transparent huge pages are '%s' here", q->text,
                 h->thp[0] ? h->thp : "unavailable");
        return 0;
      }
      break;
    case MMB_RECIPE_REQ_GOVERNOR:
      if (strcmp(h->governor, q->value) != 0) {
        snprintf(why, len, "require %s: the cpufreq governor is '%s' here", q->text, h->governor);
        return 0;
      }
      break;
    case MMB_RECIPE_REQ_PMU:
      if (!h->pmu) {
        snprintf(why, len,
                 "require pmu: no hardware cycle counter opens here (a VM without a PMU, or "
                 "perf_event_paranoid)");
        return 0;
      }
      break;
    }
  }
  return 1;
}
