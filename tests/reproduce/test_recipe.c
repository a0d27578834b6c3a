/* mmbench tests — recipes (bench/recipe_*.c): every shipped recipe parses,
 * quotes a published result and its selectors resolve; the format's details
 * (continuations, labels, where, tolerances, budget, run options); the
 * verdict rule on its boundaries; the rounds statistics (block bootstrap,
 * drift, resolution); the verdict on fixture results built to be
 * INCONCLUSIVE for a reason (crash, missing cell, straddle, drift) or to FAIL
 * on a corrupt cell; preconditions on made-up hosts; each malformed recipe
 * in bad/ refused with one line naming file:line.
 *
 * usage: test_recipe RECIPES_DIR FIXTURES_DIR BAD_DIR
 *        test_recipe --verdicts RECIPE_FILE FIXTURES_DIR
 *          (the recipe must judge FIXTURES_DIR/<name>/pass PASS, check by
 *          check, and FIXTURES_DIR/<name>/fail FAIL) */
#define _GNU_SOURCE
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "recipe.h"
#include "stats.h"

static mmb_recipe *parse(const char *text, char *err, size_t len) {
  mmb_recipe *r = NULL;
  if (mmb_recipe_parse(text, strlen(text), "t.recipe", &r, err, len) != 0) return NULL;
  return r;
}

/* ---------------------------------------------------------------------------
 * Shipped recipes
 * ------------------------------------------------------------------------- */
static void test_shipped(const char *dir) {
  static const char *const want[] = {"cycles",
                                     "regions",
                                     "regions-memory",
                                     "passive-false-sharing",
                                     "arena-blowup",
                                     "larson",
                                     "gc-time-space",
                                     "gc-vs-explicit",
                                     "stack-vs-heap",
                                     "alignment",
                                     "thread-scaling",
                                     "mimalloc-fastpath",
                                     "mimalloc-programs",
                                     NULL};
  int found[16] = {0}, n = 0;
  DIR *d = opendir(dir);
  CHECKF(d != NULL, "cannot open %s", dir);
  struct dirent *e;
  while (d && (e = readdir(d))) {
    size_t l = strlen(e->d_name);
    if (l < 8 || strcmp(e->d_name + l - 7, ".recipe") != 0) continue;
    char path[4096], err[2048];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    mmb_recipe *r = NULL;
    int rc = mmb_recipe_load(path, &r, err, sizeof err);
    CHECKF(rc == 0, "%s", err);
    if (rc) continue;
    n++;
    CHECKF(mmb_recipe_validate(r, 1.0, err, sizeof err) == 0, "%s", err);
    CHECKF(mmb_recipe_validate(r, 0.01, err, sizeof err) == 0, "at scale 0.01: %s", err);
    CHECKF(r->claim[0] && r->source[0] && r->published[0] && r->differs[0] && r->nchecks > 0 &&
               r->nruns > 0,
           "%s: incomplete", path);
    CHECKF(r->budget.rounds >= r->budget.calibration && r->budget.calibration >= 2 &&
               r->budget.seconds > 0,
           "%s: budget rounds=%d calibration=%d", path, r->budget.rounds, r->budget.calibration);
    for (int i = 0; want[i]; i++) found[i] |= strcmp(r->name, want[i]) == 0;
    mmb_recipe_free(r);
  }
  if (d) closedir(d);
  CHECKF(n >= 10, "only %d recipes in %s", n, dir);
  for (int i = 0; want[i]; i++) CHECKF(found[i], "no recipe named %s", want[i]);
}

/* ---------------------------------------------------------------------------
 * The format
 * ------------------------------------------------------------------------- */
static void test_format(void) {
  char err[1024];
  const char *text =
      "# a comment\n"
      "name: t-1\n"
      "claim: one\n"
      "  sentence\n"
      "\tcontinued.\n"
      "source: a paper\r\n"
      "published: Table 2: 1.5x at 4 threads\n"
      "differs: nothing\n"
      "budget: rounds=9 seconds=20\n"
      "on-corrupt: fail\n"
      "figure: time larson\n"
      "require: cores >= 2\n"
      "require: pmu\n"
      "run: -w larson -a 'glibc,glibc[MALLOC_ARENA_MAX=1]' --threads=2 --keep-going\n"
      "where: workload=larson threads=2\n"
      "expect: speed up: ratio(ops_per_s, allocator=glibc / allocator=glibc[MALLOC_ARENA_MAX=1]) "
      ">= 1.2\n"
      "expect: median( peak_rss_kb * 1024 / live_bytes , allocator=glibc threads=2) == 2 +- 10%\n"
      "expect: median(ns_per_op, allocator=glibc) == 3 \xc2\xb1 0.5\n"
      "expect: median(peak_rss_kb - live_bytes*0.75/1024 + 1, allocator=glibc) > 0\n"
      "expect: median(cache-misses/ops, allocator=glibc) > 0\n";
  mmb_recipe *r = parse(text, err, sizeof err);
  CHECKF(r != NULL, "%s", err);
  if (!r) return;
  CHECK(strcmp(r->name, "t-1") == 0);
  CHECKF(strcmp(r->claim, "one sentence continued.") == 0, "claim '%s'", r->claim);
  CHECK(strcmp(r->source, "a paper") == 0);
  CHECK(strcmp(r->figure, "time") == 0 && strcmp(r->figure_workload, "larson") == 0);
  CHECK(r->nrequires == 2 && r->requires[0].kind == MMB_RECIPE_REQ_CORES && r->requires[0].n == 2);
  CHECK(r->requires[1].kind == MMB_RECIPE_REQ_PMU);
  CHECK(strcmp(r->published, "Table 2: 1.5x at 4 threads") == 0);
  CHECK(r->budget.rounds == 9 && r->budget.seconds == 20 && r->budget.calibration == 6);
  CHECK(r->corrupt_fails == 1);
  CHECK(r->nruns == 1);
  /* --threads=2 is normalised to -t 2; quotes are removed */
  CHECKF(r->runs[0].argc == 7, "argc %d", r->runs[0].argc);
  CHECK(strcmp(r->runs[0].argv[3], "glibc,glibc[MALLOC_ARENA_MAX=1]") == 0);
  CHECK(strcmp(r->runs[0].argv[4], "-t") == 0 && strcmp(r->runs[0].argv[5], "2") == 0);
  CHECK(r->nchecks == 5);
  const mmb_recipe_check *c = &r->checks[0];
  CHECK(strcmp(c->label, "speed up") == 0);
  CHECK(c->func == MMB_RECIPE_RATIO && c->op == MMB_RECIPE_GE && c->value == 1.2);
  CHECK(c->sel[0].n == 3 && c->sel[1].n == 3); /* allocator + where's two terms */
  CHECK(strcmp(c->sel[1].t[0].value, "glibc[MALLOC_ARENA_MAX=1]") == 0);
  c = &r->checks[1];
  CHECK(c->label[0] == 0 && c->func == MMB_RECIPE_MEDIAN && c->op == MMB_RECIPE_EQ);
  CHECK(c->metric.n == 3 && strcmp(c->metric.name[0], "peak_rss_kb") == 0 &&
        c->metric.num[1] == 1024);
  CHECK(c->metric.op[2] == '/' && strcmp(c->metric.name[2], "live_bytes") == 0);
  CHECK(c->tol == 10 && c->tol_pct);
  CHECK(c->sel[0].n == 3); /* threads=2 given, workload added */
  c = &r->checks[2];
  CHECK(c->tol == 0.5 && !c->tol_pct && c->value == 3);
  c = &r->checks[3]; /* terms: ' - ' and ' + ' with spaces */
  CHECKF(c->metric.n == 5 && c->metric.op[1] == '-' && c->metric.op[2] == '*' &&
             c->metric.op[3] == '/' && c->metric.op[4] == '+' && c->metric.num[4] == 1,
         "n %d ops %.5s", c->metric.n, c->metric.op);
  CHECKF(strcmp(c->metric.text, "peak_rss_kb - live_bytes*0.75/1024 + 1") == 0, "'%s'",
         c->metric.text);
  c = &r->checks[4]; /* a '-' inside a name is not a minus */
  CHECK(c->metric.n == 2 && strcmp(c->metric.name[0], "cache-misses") == 0);
  CHECKF(mmb_recipe_validate(r, 1, err, sizeof err) == 0, "%s", err);

  /* run arguments: the scale multiplies the preset's (default 0.25), reps appended */
  char args[64][256];
  int n = mmb_recipe_run_args(r, 0, 0.5, 7, args, 64, err, sizeof err);
  CHECKF(n > 0, "%s", err);
  int scale_at = -1, reps_at = -1;
  for (int i = 0; i < n; i++) {
    if (strcmp(args[i], "--scale") == 0) scale_at = i;
    if (strcmp(args[i], "-r") == 0) reps_at = i;
  }
  CHECK(scale_at >= 0 && strcmp(args[scale_at + 1], "0.125") == 0);
  CHECK(reps_at >= 0 && strcmp(args[reps_at + 1], "7") == 0);
  mmb_run_opts o;
  CHECK(mmb_recipe_run_opts(r, 0, 0.5, 7, &o, err, sizeof err) == 0);
  CHECK(o.reps == 7 && o.scale == 0.125 && o.keep_going && strcmp(o.threads, "2") == 0);
  mmb_recipe_free(r);

  /* an explicit --scale is multiplied */
  r = parse("name: s\nclaim: c\nsource: s\npublished: unconfirmed: no number in the source\n"
            "differs: d\nrun: -w cycles -a rc -t 1 --scale 0.5\n"
            "expect: median(reclaimed, workload=cycles) == 0\n",
            err, sizeof err);
  CHECKF(r != NULL, "%s", err);
  if (r) {
    n = mmb_recipe_run_args(r, 0, 0.1, 1, args, 64, err, sizeof err);
    int ok = 0;
    for (int i = 0; i + 1 < n; i++)
      ok |= strcmp(args[i], "--scale") == 0 && strcmp(args[i + 1], "0.05") == 0;
    CHECK(ok);
    mmb_recipe_free(r);
  }
  /* an empty input, and a NUL byte */
  CHECK(mmb_recipe_parse("", 0, "e.recipe", &r, err, sizeof err) != 0 &&
        strstr(err, "e.recipe:1:"));
  CHECK(mmb_recipe_parse("name: a\0b\n", 10, "z.recipe", &r, err, sizeof err) != 0 &&
        strstr(err, "NUL"));
}

/* ---------------------------------------------------------------------------
 * The verdict rule
 * ------------------------------------------------------------------------- */
static void test_decide(void) {
  mmb_recipe_check c;
  memset(&c, 0, sizeof c);
  c.value = 1.2;
  c.op = MMB_RECIPE_GE;
  CHECK(mmb_recipe_decide(&c, 1.2, 1.5) == MMB_PASS);
  CHECK(mmb_recipe_decide(&c, 1.0, 1.19) == MMB_FAIL);
  CHECK(mmb_recipe_decide(&c, 1.1, 1.3) == MMB_INCONCLUSIVE);
  CHECK(mmb_recipe_decide(&c, NAN, 1.3) == MMB_INCONCLUSIVE);
  c.op = MMB_RECIPE_GT;
  CHECK(mmb_recipe_decide(&c, 1.2, 1.5) == MMB_INCONCLUSIVE);
  CHECK(mmb_recipe_decide(&c, 1.0, 1.2) == MMB_FAIL);
  CHECK(mmb_recipe_decide(&c, 1.21, 1.5) == MMB_PASS);
  c.op = MMB_RECIPE_LE;
  CHECK(mmb_recipe_decide(&c, 1.0, 1.2) == MMB_PASS);
  CHECK(mmb_recipe_decide(&c, 1.21, 1.3) == MMB_FAIL);
  CHECK(mmb_recipe_decide(&c, 1.1, 1.3) == MMB_INCONCLUSIVE);
  c.op = MMB_RECIPE_LT;
  CHECK(mmb_recipe_decide(&c, 1.0, 1.2) == MMB_INCONCLUSIVE);
  CHECK(mmb_recipe_decide(&c, 1.2, 1.3) == MMB_FAIL);
  CHECK(mmb_recipe_decide(&c, 1.0, 1.19) == MMB_PASS);
  c.op = MMB_RECIPE_EQ;
  c.value = 0;
  CHECK(mmb_recipe_decide(&c, 0, 0) == MMB_PASS);
  CHECK(mmb_recipe_decide(&c, 0, 1) == MMB_INCONCLUSIVE);
  CHECK(mmb_recipe_decide(&c, 0.5, 1) == MMB_FAIL);
  c.value = 1;
  c.tol = 10;
  c.tol_pct = 1;
  CHECK(mmb_recipe_decide(&c, 0.9, 1.1) == MMB_PASS);
  CHECK(mmb_recipe_decide(&c, 0.85, 1.05) == MMB_INCONCLUSIVE);
  CHECK(mmb_recipe_decide(&c, 1.11, 1.2) == MMB_FAIL);
  CHECK(mmb_recipe_decide(&c, 1.1, 0.9) == MMB_PASS); /* bounds in either order */
}

/* ---------------------------------------------------------------------------
 * Statistics over rounds
 * ------------------------------------------------------------------------- */
static void test_rounds_stats(void) {
  /* the order-statistic interval of stats/stats.c at a chosen level */
  double v[20], lo, hi;
  for (int i = 0; i < 20; i++) v[i] = i + 1;
  mmb_median_ci_at(v, 20, 0.95, &lo, &hi);
  double lv = mmb_median_ci_level_at(20, 0.95);
  CHECKF(lo == 6 && hi == 15 && lv >= 0.95 && lv < 0.99, "[%g, %g] %g", lo, hi, lv);
  /* a stricter level widens it */
  mmb_median_ci_at(v, 20, 1 - 0.05 / 3, &lo, &hi);
  CHECKF(lo == 5 && hi == 16 && mmb_median_ci_level_at(20, 1 - 0.05 / 3) >= 1 - 0.05 / 3,
         "[%g, %g]", lo, hi);
  /* too few values for the level: the range, with its real coverage */
  mmb_median_ci_at(v, 3, 0.95, &lo, &hi);
  CHECK(lo == 1 && hi == 3 && mmb_median_ci_level_at(3, 0.95) == 0.75);
  CHECK(mmb_median_ci_min_n(0.95) == 6 && mmb_median_ci_min_n(1 - 0.05 / 3) == 7);
  /* the looks a budget plans: calibration, then doubling up to the budget */
  CHECK(mmb_recipe_looks(6, 6) == 1);
  CHECK(mmb_recipe_looks(6, 20) == 3); /* 6, 12, 20 */
  CHECK(mmb_recipe_looks(6, 24) == 3); /* 6, 12, 24 */
  CHECK(mmb_recipe_looks(2, 2) == 1);
  CHECK(mmb_recipe_looks(6, 48) == 4);
}

/* ---------------------------------------------------------------------------
 * Verdicts on fixture results (tests/reproduce/make_fixtures.py)
 * ------------------------------------------------------------------------- */
static mmb_recipe *shipped(const char *recipes, const char *name) {
  char path[4096], err[2048];
  DIR *d = opendir(recipes);
  struct dirent *e;
  mmb_recipe *found = NULL;
  while (d && (e = readdir(d)) && !found) {
    size_t l = strlen(e->d_name);
    if (l < 8 || strcmp(e->d_name + l - 7, ".recipe") != 0) continue;
    snprintf(path, sizeof path, "%s/%s", recipes, e->d_name);
    mmb_recipe *r = NULL;
    if (mmb_recipe_load(path, &r, err, sizeof err) == 0 && strcmp(r->name, name) == 0)
      found = r;
    else
      mmb_recipe_free(r);
  }
  if (d) closedir(d);
  CHECKF(found != NULL, "no recipe %s in %s", name, recipes);
  return found;
}

/* Evaluate recipe r on FX/<name>/<cas>; the verdicts into res. */
static mmb_verdict eval_on(const mmb_recipe *r, const char *fx, const char *cas, int max_rounds,
                           mmb_recipe_result *res) {
  char dir[4096], err[2048];
  snprintf(dir, sizeof dir, "%s/%s/%s", fx, r->name, cas);
  mmb_recipe_results rs;
  int rc = mmb_recipe_results_load(&rs, r, dir, err, sizeof err);
  CHECKF(rc == 0, "%s", err);
  if (rc) return MMB_INCONCLUSIVE;
  mmb_verdict v = mmb_recipe_eval(r, &rs, max_rounds, 1, res);
  mmb_recipe_results_free(&rs);
  return v;
}

static void test_verdict_rule(const char *recipes, const char *fx) {
  mmb_recipe_result res[MMB_RECIPE_MAX_CHECKS];
  mmb_recipe *r = shipped(recipes, "cycles");
  if (r) {
    /* a corrupt cell under on-corrupt: fail */
    CHECK(r->corrupt_fails);
    CHECK(eval_on(r, fx, "corrupt", 0, res) == MMB_FAIL);
    CHECKF(res[1].verdict == MMB_FAIL && strstr(res[1].why, "corrupt in 2 of 6") &&
               strstr(res[1].why, "reclaimed 5 objects"),
           "%s", res[1].why);
    CHECK(res[0].verdict == MMB_PASS && res[2].verdict == MMB_PASS);
    /* the same data with on-corrupt: inconclusive */
    r->corrupt_fails = 0;
    CHECK(eval_on(r, fx, "corrupt", 0, res) == MMB_INCONCLUSIVE);
    CHECK(res[1].verdict == MMB_INCONCLUSIVE && res[1].kind == MMB_WHY_CELL);
    /* exact counts: the estimate, a zero-width interval, the rounds */
    r->corrupt_fails = 1;
    eval_on(r, fx, "pass", 0, res);
    CHECKF(res[0].value == 0 && res[0].lo == 0 && res[0].hi == 0 && res[0].rounds == 6 &&
               res[0].batches == 2,
           "%g [%g, %g] %d rounds %d batches", res[0].value, res[0].lo, res[0].hi, res[0].rounds,
           res[0].batches);
    CHECK(res[1].value == 1 && res[1].lo == 1 && res[1].hi == 1);
    mmb_recipe_free(r);
  }
  r = shipped(recipes, "larson");
  if (r) {
    CHECK(eval_on(r, fx, "crash", 0, res) == MMB_INCONCLUSIVE);
    CHECKF(res[0].kind == MMB_WHY_CELL && strstr(res[0].why, "crash in 2 of 6") &&
               strstr(res[0].why, "signal 11"),
           "%s", res[0].why);
    CHECK(res[1].kind == MMB_WHY_CELL);
    CHECK(eval_on(r, fx, "missing", 0, res) == MMB_INCONCLUSIVE);
    CHECKF(res[0].kind == MMB_WHY_CELL && strstr(res[0].why, "no cell"), "%s", res[0].why);
    /* rounds that straddle the threshold: more rounds may help ... */
    eval_on(r, fx, "straddle", 0, res);
    CHECKF(res[0].verdict == MMB_INCONCLUSIVE && res[0].kind == MMB_WHY_STRADDLE &&
               strstr(res[0].why, "straddles"),
           "%s", res[0].why);
    CHECKF(res[0].lo < 1 && res[0].hi > 1 && res[0].rounds == 6, "[%g, %g] %d", res[0].lo,
           res[0].hi, res[0].rounds);
    /* ... unless the effect is below what the budget can resolve */
    eval_on(r, fx, "straddle", 24, res);
    CHECKF(res[0].kind == MMB_WHY_RESOLUTION && strstr(res[0].why, "resolves about"), "%s (%s)",
           res[0].why, res[0].measured);
    /* the second batch 20 % slower: the drift widens the interval */
    mmb_recipe_result calm[MMB_RECIPE_MAX_CHECKS];
    eval_on(r, fx, "pass", 0, calm);
    eval_on(r, fx, "drift", 0, res);
    CHECKF(res[0].drift > 0.05 && calm[0].drift <= 0.021, "drift %g (calm %g)", res[0].drift,
           calm[0].drift);
    CHECKF(calm[0].spread > 0 && calm[0].spread < 0.05, "spread %g", calm[0].spread);
    /* 6 rounds, one look: [min, max], whose exact coverage is 1 - 2^-5 */
    CHECKF(fabs(calm[0].ci_level - 0.96875) < 1e-12 && calm[0].ci_target == 0.95, "%g",
           calm[0].ci_level);
    CHECKF(res[0].hi / res[0].lo > calm[0].hi / calm[0].lo, "[%g, %g] vs calm [%g, %g]", res[0].lo,
           res[0].hi, calm[0].lo, calm[0].hi);
    /* timings keep a drift floor even when the batches agree */
    CHECK(calm[0].drift >= 0.02 - 1e-12);
    CHECK(calm[0].lo <= calm[0].value && calm[0].value <= calm[0].hi);
    mmb_recipe_free(r);
  }
  /* a busy machine: the controls fail, no check gets a verdict */
  r = shipped(recipes, "thread-scaling");
  if (r) {
    CHECK(r->ncontrols == 2);
    CHECK(eval_on(r, fx, "busy", 0, res) == MMB_INCONCLUSIVE);
    CHECKF(res[0].kind == MMB_WHY_HOST && strstr(res[0].why, "does not hold") &&
               strstr(res[0].why, "reference 1 thread on a core"),
           "%s", res[0].why);
    /* the INCONCLUSIVE line carries what was measured of the condition */
    CHECKF(strstr(res[0].condition, "control reference 1 thread on a core: measured 0.3") &&
               strstr(res[0].condition, "(not met)") && strstr(res[0].condition, "cores"),
           "%s", res[0].condition);
    /* the figure is still measured and shown */
    CHECKF(!isnan(res[0].value) && res[0].value > 1.5 && strstr(res[0].measured, "(not judged)"),
           "%g %s", res[0].value, res[0].measured);
    CHECK(eval_on(r, fx, "pass", 0, res) == MMB_PASS);
    /* glibc's own 2-thread cell waits (1.1 cores) while the reference cells
     * ran on their cores: the failure to scale is a FAIL, not absorbed by a
     * control, and the line says how many cores glibc's cells kept busy */
    CHECK(eval_on(r, fx, "contended", 0, res) == MMB_FAIL);
    CHECKF(res[0].verdict == MMB_FAIL && strstr(res[0].condition, "glibc t=2: 1.10 cores") &&
               strstr(res[0].condition, "control reference 2 threads on 2 cores: measured 2"),
           "%s: %s", mmb_verdict_name(res[0].verdict), res[0].condition);
    CHECK(res[1].verdict == MMB_PASS);
    mmb_recipe_free(r);
  }
  /* the heap a check cites, measured: not created -> no verdict, with the
   * figure; created -> judged, the condition shown beside a FAIL */
  r = shipped(recipes, "gc-vs-explicit");
  if (r) {
    CHECK(r->nconditions == 3);
    CHECK(eval_on(r, fx, "heapless", 0, res) == MMB_INCONCLUSIVE);
    CHECKF(res[0].kind == MMB_WHY_CONDITION && strstr(res[0].why, "did not create heap=5x") &&
               strstr(res[0].why, "measured 2.") && strstr(res[0].measured, "(not judged)") &&
               strstr(res[0].condition, "at heap=5x: measured 2.") &&
               strstr(res[0].condition, "(not met)"),
           "%s | %s | %s", res[0].why, res[0].measured, res[0].condition);
    CHECKF(!isnan(res[0].value) && fabs(res[0].value - 0.75) < 0.05, "%g", res[0].value);
    CHECK(res[1].verdict == MMB_PASS && res[2].verdict == MMB_PASS);
    CHECK(eval_on(r, fx, "fail", 0, res) == MMB_FAIL);
    CHECKF(res[0].verdict == MMB_FAIL && strstr(res[0].condition, "at heap=5x: measured 4.9"), "%s",
           res[0].condition);
    mmb_recipe_free(r);
  }
  /* the looks are fixed in advance: 6 rounds with spread decide at one
   * planned look (95 %), not at the first of three (98.3 % needs 7) */
  r = shipped(recipes, "larson");
  if (r) {
    char dir[4096], err[2048];
    snprintf(dir, sizeof dir, "%s/larson/pass", fx);
    mmb_recipe_results rs;
    CHECKF(mmb_recipe_results_load(&rs, r, dir, err, sizeof err) == 0, "%s", err);
    CHECK(mmb_recipe_eval_check(r, 0, &rs, 0, 1, &res[0]) == MMB_PASS);
    CHECK(mmb_recipe_eval_check(r, 0, &rs, 0, 3, &res[0]) == MMB_INCONCLUSIVE);
    CHECKF(strstr(res[0].why, "at 98.3% (3 looks planned) needs 7 rounds") &&
               res[0].ci_target < 0.984,
           "%s", res[0].why);
    mmb_recipe_results_free(&rs);
    mmb_recipe_free(r);
  }
  /* fewer than 6 rounds with spread: no verdict yet */
  r = shipped(recipes, "regions");
  if (r) {
    char dir[4096], err[2048];
    snprintf(dir, sizeof dir, "%s/regions/pass/b1/run1", fx);
    mmb_recipe_results rs;
    mmb_recipe_results_init(&rs);
    CHECKF(mmb_recipe_results_add(&rs, dir, 1, 0, err, sizeof err) == 0, "%s", err);
    snprintf(dir, sizeof dir, "%s/regions/pass/b1/run2", fx);
    CHECKF(mmb_recipe_results_add(&rs, dir, 2, 0, err, sizeof err) == 0, "%s", err);
    mmb_recipe_eval_check(r, 0, &rs, 0, 1, &res[0]);
    CHECKF(res[0].verdict == MMB_INCONCLUSIVE && res[0].rounds == 3 &&
               strstr(res[0].why, "covers the median with only 75.0%") && res[0].ci_level == 0.75,
           "%s: %s", mmb_verdict_name(res[0].verdict), res[0].why);
    mmb_recipe_results_free(&rs);
    /* a folder that is not a results folder */
    snprintf(dir, sizeof dir, "%s/no-such-case", fx);
    CHECK(mmb_recipe_results_add(&rs, dir, 1, 0, err, sizeof err) != 0 && strstr(err, "runs.csv"));
    mmb_recipe_free(r);
  }
}

/* One shipped recipe: PASS on its pass fixture (every check), FAIL on its
 * fail fixture. */
static int test_verdicts(const char *file, const char *fx) {
  char err[2048];
  mmb_recipe *r = NULL;
  CHECKF(mmb_recipe_load(file, &r, err, sizeof err) == 0, "%s", err);
  if (!r) return mmb_test_exit();
  mmb_recipe_result res[MMB_RECIPE_MAX_CHECKS];
  mmb_verdict v = eval_on(r, fx, "pass", 0, res);
  CHECKF(v == MMB_PASS, "%s on its pass fixture: %s", r->name, mmb_verdict_name(v));
  for (int k = 0; k < r->nchecks; k++)
    CHECKF(res[k].verdict == MMB_PASS && res[k].rounds == 6, "%s check %d: %s %s (%s)", r->name,
           k + 1, mmb_verdict_name(res[k].verdict), res[k].measured, res[k].why);
  v = eval_on(r, fx, "fail", 0, res);
  CHECKF(v == MMB_FAIL, "%s on its fail fixture: %s", r->name, mmb_verdict_name(v));
  int fails = 0;
  for (int k = 0; k < r->nchecks; k++) {
    fails += res[k].verdict == MMB_FAIL;
    /* every FAIL and INCONCLUSIVE line says what was measured of its condition */
    if (res[k].verdict != MMB_PASS)
      CHECKF(res[k].condition[0], "%s check %d: %s without the measured condition", r->name, k + 1,
             mmb_verdict_name(res[k].verdict));
  }
  CHECK(fails >= 1);
  mmb_recipe_free(r);
  return mmb_test_exit();
}

/* ---------------------------------------------------------------------------
 * Preconditions
 * ------------------------------------------------------------------------- */
static void test_requires(void) {
  char err[1024], why[512];
  mmb_recipe *r =
      parse("name: q\nclaim: c\nsource: s\npublished: unconfirmed: none to quote here\n"
            "differs: d\nrequire: cores>=2\nrequire: no-smt\n"
            "run: -w cycles -a rc -t 1\nexpect: median(reclaimed, workload=cycles) == 0\n",
            err, sizeof err);
  CHECKF(r != NULL, "%s", err);
  if (!r) return;
  mmb_host_facts h = {.cpus = 2, .cores = 2, .threads_per_core = 1, .pmu = 0};
  CHECK(mmb_recipe_requires_met(r, &h, why, sizeof why) == 1 && why[0] == 0);
  h = (mmb_host_facts){.cpus = 2, .cores = 1, .threads_per_core = 2, .pmu = 1};
  CHECK(mmb_recipe_requires_met(r, &h, why, sizeof why) == 0 && strstr(why, "cores>=2") &&
        strstr(why, "1 core"));
  h = (mmb_host_facts){.cpus = 4, .cores = 2, .threads_per_core = 2, .pmu = 1};
  CHECK(mmb_recipe_requires_met(r, &h, why, sizeof why) == 0 && strstr(why, "no-smt"));
  h = (mmb_host_facts){.cpus = 2, .cores = -1, .threads_per_core = 1, .pmu = 1};
  CHECK(mmb_recipe_requires_met(r, &h, why, sizeof why) == 0 && strstr(why, "unreadable"));
  mmb_recipe_free(r);
  r = parse("name: q\nclaim: c\nsource: s\npublished: unconfirmed: none to quote here\n"
            "differs: d\nrequire: pmu\nrequire: cpus>=3\n"
            "run: -w cycles -a rc -t 1\nexpect: median(reclaimed, workload=cycles) == 0\n",
            err, sizeof err);
  CHECK(r != NULL);
  if (!r) return;
  h = (mmb_host_facts){.cpus = 4, .cores = 4, .threads_per_core = 1, .pmu = 0};
  CHECK(mmb_recipe_requires_met(r, &h, why, sizeof why) == 0 && strstr(why, "pmu"));
  h.pmu = 1;
  CHECK(mmb_recipe_requires_met(r, &h, why, sizeof why) == 1);
  h.cpus = 2;
  CHECK(mmb_recipe_requires_met(r, &h, why, sizeof why) == 0 && strstr(why, "cpus>=3"));
  mmb_recipe_free(r);
  r = parse("name: q\nclaim: c\nsource: s\npublished: unconfirmed: none to quote here\n"
            "differs: d\nrequire: thp=never\nrequire: governor=performance\n"
            "run: -w cycles -a rc -t 1\nexpect: median(reclaimed, workload=cycles) == 0\n",
            err, sizeof err);
  CHECKF(r != NULL, "%s", err);
  if (r) {
    h = (mmb_host_facts){.cpus = 2, .cores = 2, .threads_per_core = 1, .pmu = 0};
    snprintf(h.thp, sizeof h.thp, "never");
    snprintf(h.governor, sizeof h.governor, "performance");
    CHECK(mmb_recipe_requires_met(r, &h, why, sizeof why) == 1);
    snprintf(h.thp, sizeof h.thp, "always");
    CHECK(mmb_recipe_requires_met(r, &h, why, sizeof why) == 0 && strstr(why, "'always'"));
    snprintf(h.thp, sizeof h.thp, "never");
    snprintf(h.governor, sizeof h.governor, "unavailable (no cpufreq)");
    CHECK(mmb_recipe_requires_met(r, &h, why, sizeof why) == 0 && strstr(why, "governor"));
    mmb_recipe_free(r);
  }
  CHECK(parse("name: q\nclaim: c\nsource: s\npublished: unconfirmed: none to quote here\n"
              "differs: d\nrequire: thp=sometimes\n"
              "run: -w cycles -a rc -t 1\nexpect: median(reclaimed, workload=cycles) == 0\n",
              err, sizeof err) == NULL &&
        strstr(err, "t.recipe:6: require: thp=sometimes (valid: thp=always"));
  /* this machine's facts are plausible */
  mmb_host_facts me;
  mmb_env_host_facts(&me);
  CHECK(me.cpus >= 1 && me.threads_per_core >= 1 &&
        (me.cores == -1 || (me.cores >= 1 && me.cores <= me.cpus)));
}

/* ---------------------------------------------------------------------------
 * Malformed recipes: each file's first line is
 *   # expect-error: LINE: TEXT
 * and loading (with the matrix check) must fail with one line
 * "PATH:LINE: ..." that contains TEXT.
 * ------------------------------------------------------------------------- */
static void test_bad(const char *dir) {
  DIR *d = opendir(dir);
  CHECKF(d != NULL, "cannot open %s", dir);
  int n = 0;
  struct dirent *e;
  while (d && (e = readdir(d))) {
    size_t l = strlen(e->d_name);
    if (l < 8 || strcmp(e->d_name + l - 7, ".recipe") != 0) continue;
    char path[4096], err[2048], first[512] = "";
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    FILE *f = fopen(path, "r");
    if (f && fgets(first, sizeof first, f)) first[strcspn(first, "\n")] = 0;
    if (f) fclose(f);
    int line = 0, off = 0;
    CHECKF(sscanf(first, "# expect-error: %d: %n", &line, &off) == 1 && off > 0,
           "%s: no expect-error line", path);
    const char *want = first + off;
    n++;
    mmb_recipe *r = NULL;
    int rc = mmb_recipe_load(path, &r, err, sizeof err);
    if (rc == 0) {
      rc = mmb_recipe_validate(r, 1, err, sizeof err);
      mmb_recipe_free(r);
    }
    CHECKF(rc != 0, "%s was accepted", path);
    if (rc == 0) continue;
    char prefix[4200];
    snprintf(prefix, sizeof prefix, "%s:%d: ", path, line);
    CHECKF(strncmp(err, prefix, strlen(prefix)) == 0, "%s: message '%s' does not start with '%s'",
           e->d_name, err, prefix);
    CHECKF(strstr(err, want) != NULL, "%s: message '%s' lacks '%s'", e->d_name, err, want);
    CHECKF(strchr(err, '\n') == NULL, "%s: message has several lines", e->d_name);
  }
  if (d) closedir(d);
  CHECKF(n >= 10, "only %d malformed recipes in %s", n, dir);
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "--verdicts") == 0) return test_verdicts(argv[2], argv[3]);
  if (argc != 4) {
    fprintf(stderr, "usage: test_recipe RECIPES_DIR FIXTURES_DIR BAD_DIR\n"
                    "       test_recipe --verdicts RECIPE_FILE FIXTURES_DIR\n");
    return 2;
  }
  test_shipped(argv[1]);
  test_format();
  test_decide();
  test_rounds_stats();
  test_verdict_rule(argv[1], argv[2]);
  test_requires();
  test_bad(argv[3]);
  return mmb_test_exit();
}
