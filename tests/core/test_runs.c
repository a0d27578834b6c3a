/* Unit tests of the runs.csv / summary.csv reader (bench/core/runs.c) over
 * a fixture with every status: typed rows and cells, values by metric
 * (derived ones too), the cell status, and one-line errors for a missing
 * column or a bad threads field. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "results.h"
#include "runs.h"

static const char runs_csv[] =
    "workload,params,allocator,threads,rep,status,reason,wall_ns,ops,ns_per_op\n"
    "w,a=1,glibc,1,0,ok,,1000,100,10\n"
    "w,a=1,glibc,1,1,ok,,2000,100,20\n"
    "w,a=1,rc,1,0,crash,killed by signal 11,,,\n"
    "w,a=1,rc,1,1,timeout,no result,,,\n"
    "w,a=1,rc,1,2,skipped,\"impossible, here\",,,\n"
    "w,a=1,floor,1,0,ok,,500,100,5\n"
    "w,a=1,x,2,0,error,exit 1,,,\n"
    "w,a=1,x,2,1,corrupt,bad checksum,900,100,9\n"
    "w,a=1,y,1,0,invalid,not preloaded,,,\n"
    "w,a=1,z,1,0,nonconforming,alignment,,,\n"
    "w,a=1,q,1,x,,,,,\n";

static int from_text(const char *text, mmb_runs *r, char *err, size_t len) {
  mmb_table *t;
  if (mmb_table_parse(text, strlen(text), &t, err, len) != 0) return -1;
  return mmb_runs_from_table(t, "F/runs.csv", r, err, len);
}

int main(void) {
  char err[512] = "";
  mmb_runs r;
  CHECKF(from_text(runs_csv, &r, err, sizeof err) == 0, "%s", err);
  CHECK(r.nrows == 11 && r.cells.n == 7);
  CHECK(r.rows[0].cell == r.rows[1].cell && r.rows[2].cell != r.rows[0].cell);
  CHECK(strcmp(r.cells.allocator[r.rows[2].cell], "rc") == 0 &&
        r.cells.threads[r.rows[6].cell] == 2);
  static const mmb_status want[] = {
      MMB_ST_OK,    MMB_ST_OK,      MMB_ST_CRASH,   MMB_ST_TIMEOUT,       MMB_ST_SKIPPED, MMB_ST_OK,
      MMB_ST_ERROR, MMB_ST_CORRUPT, MMB_ST_INVALID, MMB_ST_NONCONFORMING, MMB_ST_INVALID};
  for (size_t i = 0; i < 11; i++) CHECKF(r.rows[i].status == want[i], "row %zu", i);
  CHECK(r.rows[1].rep == 1 && r.rows[10].rep == -1);
  CHECK(strcmp(r.rows[4].reason, "impossible, here") == 0 && r.rows[0].reason[0] == 0);
  CHECK(mmb_runs_value(&r, 1, "ns_per_op") == 20);
  CHECK(fabs(mmb_runs_value(&r, 0, "ops_per_s") - 1e8) < 1); /* derived: ops / wall */
  CHECK(isnan(mmb_runs_value(&r, 2, "ns_per_op")) && isnan(mmb_runs_value(&r, 0, "cycles")));
  CHECK(mmb_runs_cell_status(&r, r.rows[0].cell) == MMB_ST_OK);
  CHECK(mmb_runs_cell_status(&r, r.rows[2].cell) == MMB_ST_SKIPPED); /* skipped wins */
  CHECK(mmb_runs_cell_status(&r, r.rows[6].cell) == MMB_ST_ERROR);   /* the first failure */

  /* the summary over it: statuses and counts, the floor column */
  mmb_cell_counts cnt;
  char *sum = mmb_summary_csv(&r, &cnt);
  CHECK(sum != NULL);
  CHECK(cnt.cells == 7 && cnt.ok == 2 && cnt.skipped == 1 && cnt.failed == 4);
  mmb_sumrows s;
  mmb_table *st;
  CHECK(mmb_table_parse(sum, strlen(sum), &st, err, sizeof err) == 0);
  CHECKF(mmb_sumrows_from_table(st, "F/summary.csv", &s, err, sizeof err) == 0, "%s", err);
  CHECK(s.cells.n == 7 && s.has_floor);
  int seen_glibc = 0;
  for (size_t i = 0; i < s.nrows; i++) {
    const mmb_sum_row *x = &s.rows[i];
    const char *a = s.cells.allocator[x->cell];
    if (strcmp(a, "glibc") == 0 && strcmp(x->metric, "ns_per_op") == 0) {
      seen_glibc = 1;
      CHECK(x->status == MMB_ST_OK && x->n == 2 && x->median == 15 && x->floor == 5);
    }
    if (strcmp(a, "rc") == 0) CHECK(x->status == MMB_ST_SKIPPED && x->n_runs == 3);
    if (strcmp(a, "x") == 0) CHECK(x->status == MMB_ST_ERROR);
  }
  CHECK(seen_glibc);
  mmb_sumrows_free(&s);
  free(sum);
  mmb_runs_free(&r);

  /* bad input: one line naming the file and what is wrong */
  CHECK(from_text("workload,params,allocator,rep,status\nw,,a,0,ok\n", &r, err, sizeof err) != 0);
  CHECKF(strstr(err, "F/runs.csv has no column 'threads'") && !strchr(err, '\n'), "%s", err);
  CHECK(r.rows == NULL && r.table == NULL);
  CHECK(from_text("workload,params,allocator,threads,rep\nw,,a,1,0\n", &r, err, sizeof err) != 0);
  CHECKF(strstr(err, "no column 'status'") != NULL, "%s", err);
  CHECK(from_text("workload,params,allocator,threads,status\nw,,a,1,ok\nw,,a,two,ok\n", &r, err,
                  sizeof err) != 0);
  CHECKF(strstr(err, "F/runs.csv line 3: threads 'two' is not a number") != NULL, "%s", err);
  CHECK(mmb_runs_read("/nonexistent/runs.csv", &r, err, sizeof err) < 0);
  CHECKF(strstr(err, "/nonexistent/runs.csv") != NULL, "%s", err);
  CHECK(mmb_table_parse("workload,params,allocator,threads,metric\n", 41, &st, err, sizeof err) ==
        0);
  CHECK(mmb_sumrows_from_table(st, "F/summary.csv", &s, err, sizeof err) != 0);
  CHECKF(strstr(err, "F/summary.csv has no column 'median'") != NULL, "%s", err);
  return mmb_test_exit();
}
