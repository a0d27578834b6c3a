/* mmbench tests — recipes (bench/recipe.c): every shipped recipe parses and
 * its selectors resolve; the format's details (continuations, labels, where,
 * tolerances, run options); the verdict rule on its boundaries; the checks
 * evaluated on fixture results built to PASS, FAIL and be INCONCLUSIVE
 * (summary.csv only, and with runs.csv); preconditions on made-up hosts;
 * each malformed recipe in bad/ refused with one line naming file:line.
 *
 * usage: test_recipe RECIPES_DIR FIXTURES_DIR BAD_DIR */
#define _GNU_SOURCE
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "recipe.h"

static mmb_recipe *parse(const char *text, char *err, size_t len) {
  mmb_recipe *r = NULL;
  if (mmb_recipe_parse(text, strlen(text), "t.recipe", &r, err, len) != 0) return NULL;
  return r;
}

/* ---------------------------------------------------------------------------
 * Shipped recipes
 * ------------------------------------------------------------------------- */
static void test_shipped(const char *dir) {
  static const char *const want[] = {"cycles",        "regions",   "passive-false-sharing",
                                     "arena-blowup",  "larson",    "gc-time-space",
                                     "stack-vs-heap", "alignment", NULL};
  int found[8] = {0}, n = 0;
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
    CHECKF(mmb_recipe_validate(r, 1.0, 0, err, sizeof err) == 0, "%s", err);
    CHECKF(mmb_recipe_validate(r, 0.01, 2, err, sizeof err) == 0, "at scale 0.01: %s", err);
    CHECKF(r->claim[0] && r->source[0] && r->nchecks > 0 && r->nruns > 0, "%s: incomplete", path);
    for (int i = 0; want[i]; i++) found[i] |= strcmp(r->name, want[i]) == 0;
    mmb_recipe_free(r);
  }
  if (d) closedir(d);
  CHECKF(n >= 8, "only %d recipes in %s", n, dir);
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
      "figure: time larson\n"
      "require: cores >= 2\n"
      "require: pmu\n"
      "run: -w larson -a 'glibc,glibc[MALLOC_ARENA_MAX=1]' --threads=2 -r 3 --keep-going\n"
      "where: workload=larson threads=2\n"
      "expect: speed up: ratio(ops_per_s, allocator=glibc / allocator=glibc[MALLOC_ARENA_MAX=1]) "
      ">= 1.2\n"
      "expect: median( peak_rss_kb * 1024 / live_bytes , allocator=glibc threads=2) == 2 +- 10%\n"
      "expect: median(ns_per_op, allocator=glibc) == 3 \xc2\xb1 0.5\n";
  mmb_recipe *r = parse(text, err, sizeof err);
  CHECKF(r != NULL, "%s", err);
  if (!r) return;
  CHECK(strcmp(r->name, "t-1") == 0);
  CHECKF(strcmp(r->claim, "one sentence continued.") == 0, "claim '%s'", r->claim);
  CHECK(strcmp(r->source, "a paper") == 0);
  CHECK(strcmp(r->figure, "time") == 0 && strcmp(r->figure_workload, "larson") == 0);
  CHECK(r->nrequires == 2 && r->requires[0].kind == MMB_RECIPE_REQ_CORES && r->requires[0].n == 2);
  CHECK(r->requires[1].kind == MMB_RECIPE_REQ_PMU);
  CHECK(r->nruns == 1);
  /* --threads=2 is normalised to -t 2; quotes are removed */
  CHECKF(r->runs[0].argc == 9, "argc %d", r->runs[0].argc);
  CHECK(strcmp(r->runs[0].argv[3], "glibc,glibc[MALLOC_ARENA_MAX=1]") == 0);
  CHECK(strcmp(r->runs[0].argv[4], "-t") == 0 && strcmp(r->runs[0].argv[5], "2") == 0);
  CHECK(r->nchecks == 3);
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
  CHECKF(mmb_recipe_validate(r, 1, 0, err, sizeof err) == 0, "%s", err);

  /* run arguments: the scale multiplies the preset's (default 0.25), reps replace */
  char args[64][256];
  int n = mmb_recipe_run_args(r, 0, 0.5, 7, args, 64, err, sizeof err);
  CHECKF(n > 0, "%s", err);
  int scale_at = -1, reps_at = -1, old_reps = 0;
  for (int i = 0; i < n; i++) {
    if (strcmp(args[i], "--scale") == 0) scale_at = i;
    if (strcmp(args[i], "-r") == 0) {
      reps_at = i;
      old_reps += strcmp(args[i + 1], "3") == 0;
    }
  }
  CHECK(scale_at >= 0 && strcmp(args[scale_at + 1], "0.125") == 0);
  CHECK(reps_at >= 0 && strcmp(args[reps_at + 1], "7") == 0 && old_reps == 0);
  mmb_run_opts o;
  CHECK(mmb_recipe_run_opts(r, 0, 0.5, 7, &o, err, sizeof err) == 0);
  CHECK(o.reps == 7 && o.scale == 0.125 && o.keep_going && strcmp(o.threads, "2") == 0);
  mmb_recipe_free(r);

  /* an explicit --scale is multiplied */
  r = parse("name: s\nclaim: c\nsource: s\nrun: -w cycles -a rc -t 1 --scale 0.5\n"
            "expect: median(reclaimed, workload=cycles) == 0\n",
            err, sizeof err);
  CHECKF(r != NULL, "%s", err);
  if (r) {
    n = mmb_recipe_run_args(r, 0, 0.1, 0, args, 64, err, sizeof err);
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
 * Checks on fixture results
 * ------------------------------------------------------------------------- */
static void eval_case(const char *fixtures, const char *recipe, const char *cas,
                      const mmb_verdict *want, int nwant, mmb_verdict want_all,
                      const char *why_has) {
  char path[4096], err[2048];
  snprintf(path, sizeof path, "%s/%s", fixtures, recipe);
  mmb_recipe *r = NULL;
  CHECKF(mmb_recipe_load(path, &r, err, sizeof err) == 0, "%s", err);
  if (!r) return;
  CHECKF(mmb_recipe_validate(r, 1, 0, err, sizeof err) == 0, "%s", err);
  CHECK(r->nchecks == nwant);
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/%s", fixtures, cas);
  const char *dirs[1] = {dir};
  mmb_recipe_results rs;
  CHECKF(mmb_recipe_results_load(&rs, dirs, 1, err, sizeof err) == 0, "%s", err);
  mmb_recipe_result res[MMB_RECIPE_MAX_CHECKS];
  mmb_verdict all = mmb_recipe_eval(r, &rs, res);
  CHECKF(all == want_all, "%s: recipe verdict %s, expected %s", cas, mmb_verdict_name(all),
         mmb_verdict_name(want_all));
  int why_found = why_has == NULL;
  for (int k = 0; k < nwant && k < r->nchecks; k++) {
    CHECKF(res[k].verdict == want[k], "%s check %d: %s (measured %s; %s), expected %s", cas, k + 1,
           mmb_verdict_name(res[k].verdict), res[k].measured, res[k].why,
           mmb_verdict_name(want[k]));
    CHECKF((res[k].verdict == MMB_PASS) == (res[k].why[0] == 0), "%s check %d: why '%s'", cas,
           k + 1, res[k].why);
    if (why_has && strstr(res[k].why, why_has)) why_found = 1;
    if (res[k].verdict != MMB_INCONCLUSIVE || !isnan(res[k].value))
      CHECKF(res[k].lo <= res[k].value && res[k].value <= res[k].hi,
             "%s check %d: %g not in [%g, %g]", cas, k + 1, res[k].value, res[k].lo, res[k].hi);
  }
  CHECKF(why_found, "%s: no reason mentions '%s'", cas, why_has);
  mmb_recipe_results_free(&rs);
  mmb_recipe_free(r);
}

static void test_fixtures(const char *fx) {
  const mmb_verdict P = MMB_PASS, F = MMB_FAIL, I = MMB_INCONCLUSIVE;
  eval_case(fx, "larson.recipe", "pass", (mmb_verdict[]){P, P, P}, 3, P, NULL);
  eval_case(fx, "larson.recipe", "fail", (mmb_verdict[]){F, F, F}, 3, F, "no value of the 95% CI");
  eval_case(fx, "larson.recipe", "inconclusive", (mmb_verdict[]){I, I, I}, 3, I, "straddles");
  eval_case(fx, "larson.recipe", "crash", (mmb_verdict[]){I, I, P}, 3, I, "crash");
  eval_case(fx, "larson.recipe", "missing", (mmb_verdict[]){I, I, P}, 3, I, "no cell");
  eval_case(fx, "cycles.recipe", "runs-pass", (mmb_verdict[]){P, P, P, P}, 4, P, NULL);
  eval_case(fx, "cycles.recipe", "runs-fail", (mmb_verdict[]){F, P, F, F}, 4, F, "meets");

  /* the exact figures: the ratio of medians and its CI from the cells' CIs */
  char path[4096], dir[4096], err[1024];
  snprintf(path, sizeof path, "%s/larson.recipe", fx);
  snprintf(dir, sizeof dir, "%s/pass", fx);
  mmb_recipe *r = NULL;
  const char *dirs[1] = {dir};
  mmb_recipe_results rs;
  if (mmb_recipe_load(path, &r, err, sizeof err) == 0 &&
      mmb_recipe_results_load(&rs, dirs, 1, err, sizeof err) == 0) {
    mmb_recipe_result res;
    mmb_recipe_eval_check(r, 0, &rs, &res);
    CHECKF(fabs(res.value - 2.0) < 1e-9, "ratio %g", res.value);
    CHECKF(fabs(res.lo - 1.9 / 1.05) < 1e-9 && fabs(res.hi - 2.1 / 0.95) < 1e-9, "CI [%g, %g]",
           res.lo, res.hi);
    CHECK(res.n[0] == 5 && res.n[1] == 5);
    mmb_recipe_results_free(&rs);
  }
  mmb_recipe_free(r);
  /* with runs.csv the ratio's CI is the bootstrap one: inside the cells' CI ratio */
  snprintf(path, sizeof path, "%s/cycles.recipe", fx);
  snprintf(dir, sizeof dir, "%s/runs-pass", fx);
  r = NULL;
  if (mmb_recipe_load(path, &r, err, sizeof err) == 0 &&
      mmb_recipe_results_load(&rs, dirs, 1, err, sizeof err) == 0) {
    mmb_recipe_result res;
    mmb_recipe_eval_check(r, 2, &rs, &res);
    CHECKF(fabs(res.value - 2.0) < 1e-9, "ratio %g", res.value);
    CHECKF(res.lo >= 190.0 / 102 - 1e-9 && res.hi <= 210.0 / 98 + 1e-9 && res.lo < res.hi,
           "CI [%g, %g]", res.lo, res.hi);
    mmb_recipe_eval_check(r, 0, &rs, &res);
    CHECK(res.value == 0 && res.lo == 0 && res.hi == 0 && res.n[0] == 5);
    mmb_recipe_results_free(&rs);
  }
  mmb_recipe_free(r);
  /* a folder that is not a results folder */
  snprintf(dir, sizeof dir, "%s/no-such-case", fx);
  CHECK(mmb_recipe_results_load(&rs, dirs, 1, err, sizeof err) != 0 && strstr(err, "summary.csv"));
}

/* ---------------------------------------------------------------------------
 * Preconditions
 * ------------------------------------------------------------------------- */
static void test_requires(void) {
  char err[1024], why[512];
  mmb_recipe *r =
      parse("name: q\nclaim: c\nsource: s\nrequire: cores>=2\nrequire: no-smt\n"
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
  r = parse("name: q\nclaim: c\nsource: s\nrequire: pmu\nrequire: cpus>=3\n"
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
  /* this machine's facts are plausible */
  mmb_host_facts me;
  mmb_host_facts_probe(&me);
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
      rc = mmb_recipe_validate(r, 1, 0, err, sizeof err);
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
  if (argc != 4) {
    fprintf(stderr, "usage: test_recipe RECIPES_DIR FIXTURES_DIR BAD_DIR\n");
    return 2;
  }
  test_shipped(argv[1]);
  test_format();
  test_decide();
  test_fixtures(argv[2]);
  test_requires();
  test_bad(argv[3]);
  return mmb_test_exit();
}
