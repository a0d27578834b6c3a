/* mmbench tests — a recipe's results are read by the core runs.csv reader
 * (bench/core/runs.h) and judged on its typed rows: rounds are (batch, rep)
 * over every batch folder, values by metric name (derived ones such as
 * ops_per_s too), a failed cell is named with its status word and reason
 * (an empty word as "not ok"), a selector that matches two cells or none
 * gets no verdict, and a runs.csv the reader refuses (a missing rep or key
 * column, a threads field that is not a number) is a one-line error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "recipe.h"

static char root[] = "/tmp/mmb-recipe-results-XXXXXX";

static const char recipe_text[] = "name: t\n"
                                  "claim: a is fast.\n"
                                  "source: none\n"
                                  "published: qualitative: README: a is fast\n"
                                  "differs: nothing\n"
                                  "run: -w larson -a glibc,jemalloc -t 1\n"
                                  "expect: median(ns_per_op, allocator=glibc) <= 20\n"
                                  "expect: median(ops_per_s, allocator=glibc) >= 5e7\n"
                                  "expect: median(ns_per_op, allocator=jemalloc) <= 20\n"
                                  "expect: median(ns_per_op, workload=larson) <= 20\n"
                                  "expect: median(ns_per_op, allocator=mimalloc) <= 20\n";

static const char header[] = "workload,params,allocator,threads,rep,status,reason,wall_ns,ops,"
                             "ns_per_op\n";

/* DIR/sub/runs.csv with the given rows (after the header unless own). */
static void put(const char *sub, const char *head, const char *rows) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", root, sub);
  mkdir(path, 0755);
  snprintf(path, sizeof path, "%s/%s/runs.csv", root, sub);
  FILE *f = fopen(path, "w");
  if (!f) return;
  fputs(head, f);
  fputs(rows, f);
  fclose(f);
}

/* Seven rounds per batch: glibc ok (10 or 11 ns per op, ~1e8 op/s), jemalloc
 * ok but in round 3, which has b_status. */
static void batch(const char *sub, const char *b_status, const char *b_reason) {
  char rows[4096] = "";
  size_t u = 0;
  for (int rep = 0; rep < 7; rep++) {
    u += (size_t)snprintf(rows + u, sizeof rows - u, "larson,x=1,glibc,1,%d,ok,,%d,100,%d\n", rep,
                          1000 + rep, 10 + rep % 2);
    u += (size_t)snprintf(rows + u, sizeof rows - u, "larson,x=1,jemalloc,1,%d,%s,%s,,,\n", rep,
                          rep == 3 ? b_status : "ok", rep == 3 ? b_reason : "");
  }
  put(sub, header, rows);
}

static mmb_recipe *recipe(void) {
  char err[1024];
  mmb_recipe *r = NULL;
  CHECKF(mmb_recipe_parse(recipe_text, strlen(recipe_text), "t.recipe", &r, err, sizeof err) == 0,
         "%s", err);
  return r;
}

static void test_batches(const mmb_recipe *r) {
  char err[1024];
  batch("b1", "crash", "killed by signal 11");
  batch("b2", "ok", "");
  mmb_recipe_results rs;
  CHECKF(mmb_recipe_results_load(&rs, r, root, err, sizeof err) == 0, "%s", err);
  CHECK(rs.n == 2 && rs.batch[0] == 0 && rs.batch[1] == 1 && rs.runs[0].nrows == 14);
  mmb_recipe_result res[MMB_RECIPE_MAX_CHECKS];
  mmb_recipe_eval(r, &rs, 0, 1, res);
  /* 14 rounds over two batches; 10 and 11 ns alternate: the median is 10 */
  CHECKF(res[0].verdict == MMB_PASS && res[0].rounds == 14 && res[0].batches == 2 &&
             res[0].value == 10,
         "%s: %s (%d rounds)", mmb_verdict_name(res[0].verdict), res[0].why, res[0].rounds);
  /* ops_per_s derived from ops and wall_ns (~1e8) */
  CHECKF(res[1].verdict == MMB_PASS && res[1].value > 9e7 && res[1].value < 1.01e8, "%g %s",
         res[1].value, res[1].why);
  /* the crashed repetition withholds b's verdict and is named with its reason */
  CHECKF(res[2].verdict == MMB_INCONCLUSIVE && res[2].kind == MMB_WHY_CELL &&
             strstr(res[2].why,
                    "larson x=1 jemalloc t=1 is crash in 1 of 14 repetitions: killed by signal 11"),
         "%s", res[2].why);
  CHECKF(res[3].verdict == MMB_INCONCLUSIVE &&
             strstr(res[3].why, "matches more than one cell of the results"),
         "%s", res[3].why);
  CHECKF(res[4].verdict == MMB_INCONCLUSIVE && strstr(res[4].why, "no cell of the results"), "%s",
         res[4].why);
  mmb_recipe_results_free(&rs);

  /* an empty status word is no status: "not ok" */
  batch("b2", "", "");
  CHECKF(mmb_recipe_results_load(&rs, r, root, err, sizeof err) == 0, "%s", err);
  mmb_recipe_eval(r, &rs, 0, 1, res);
  CHECKF(res[2].verdict == MMB_INCONCLUSIVE && strstr(res[2].why, "is crash in 2 of 14"), "%s",
         res[2].why);
  mmb_recipe_results_free(&rs);
  batch("b1", "", "");
  CHECKF(mmb_recipe_results_load(&rs, r, root, err, sizeof err) == 0, "%s", err);
  mmb_recipe_eval(r, &rs, 0, 1, res);
  CHECKF(strstr(res[2].why, "is not ok in 2 of 14 repetitions") != NULL, "%s", res[2].why);
  mmb_recipe_results_free(&rs);
}

static void test_refused(const mmb_recipe *r) {
  char err[1024];
  mmb_recipe_results rs;
  put("b2", "workload,params,allocator,threads,status,reason\n", "larson,x=1,glibc,1,ok,\n");
  CHECK(mmb_recipe_results_load(&rs, r, root, err, sizeof err) != 0);
  CHECKF(strstr(err, "b2/runs.csv has no 'rep' column") && !strchr(err, '\n'), "%s", err);
  put("b2", "workload,params,threads,rep,status,reason\n", "larson,x=1,1,0,ok,\n");
  CHECK(mmb_recipe_results_load(&rs, r, root, err, sizeof err) != 0);
  CHECKF(strstr(err, "b2/runs.csv has no column 'allocator'"), "%s", err);
  put("b2", header, "larson,x=1,glibc,one,0,ok,,1000,100,10\n");
  CHECK(mmb_recipe_results_load(&rs, r, root, err, sizeof err) != 0);
  CHECKF(strstr(err, "b2/runs.csv line 2: threads 'one' is not a number"), "%s", err);
}

int main(void) {
  if (!mkdtemp(root)) return 1;
  mmb_recipe *r = recipe();
  if (r) {
    test_batches(r);
    test_refused(r);
    mmb_recipe_free(r);
  }
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", root);
  return mmb_test_exit();
}
