/* mmbench tests — the threads workload family at tiny scale.
 *
 * Every workload of the family (every case below; the test fails if the
 * registry holds a workload without a case) runs under the glibc adapter
 * with threads 1, 2 and 4 through mmb_cell_execute: status ok, the operation
 * count the work split promises, a checksum that is the same when the cell
 * is run again (independent of scheduling), the same under a second correct
 * allocator (blocks at other addresses), the same for every thread count
 * where the workload promises it, under every touch value and in the
 * verification repetition (wt_run_case, workload_test.h). Then the figures
 * larson and cache-scratch report about their own runs. Broken allocators:
 * test_corrupt.c. */
#include <stdlib.h>

#include "workload_test.h"

static const wt_case threads_cases[] = {
    {"thread-local", "batch=100;n=2000", 1, 2000, 0, 0},
    {"larson", "slots=50;round=300;n=3000", 0, 3000, 0, 0},
    {"producer-consumer", "batch=16;queue=4;n=3000", 1, 3000, 0, 0},
    {"cache-thrash", "reps=50;n=200", 1, 200, 0, 0},
    {"cache-scratch", "reps=50;n=200", 1, 200, 0, 0},
    {"blowup", "n=2000;keep=8", 0, 0, 2000 * 2, 0},
    {NULL, NULL, 0, 0, 0, 0},
};

/* An allocator that gives every block a cache line of its own: cache-scratch
 * must say that its objects never shared one. */
static void *line_malloc(size_t n) { return aligned_alloc(64, (n + 63) & ~(size_t)63); }
static void line_free(void *p, size_t n) {
  (void)n;
  free(p);
}
static const mmb_allocator line_alloc = {
    .name = "line",
    .description = "test: a cache line per block",
    .kind = MMB_KIND_INPROC,
    .caps = MMB_CAP_MALLOC,
    .malloc = line_malloc,
    .free = line_free,
};

/* The figures larson and cache-scratch report about their own runs. */
static void check_figures(void) {
  /* 10 thread lifetimes of 300 frees over 50 slots: each frees about 50 *
   * (1 - e^-6) blocks an earlier thread (or setup) made: about 1/6 */
  wt_result r = wt_cell(&mmb_alloc_glibc, "larson", "slots=50;round=300;n=3000", 1);
  CHECKF(r.remote_free_frac > 0.14 && r.remote_free_frac < 0.18,
         "larson: remote_free_frac %.3f, expected about 0.166", r.remote_free_frac);
  /* one lifetime: only the blocks setup made are another thread's */
  r = wt_cell(&mmb_alloc_glibc, "larson", "slots=50;round=3000;n=3000", 1);
  CHECKF(r.remote_free_frac > 0.012 && r.remote_free_frac < 0.0167,
         "larson, one lifetime: remote_free_frac %.4f, expected just under 50/3000",
         r.remote_free_frac);
  r = wt_cell(&mmb_alloc_glibc, "cache-scratch", "reps=5;n=20", 2);
  CHECKF(r.shared_line == 1, "cache-scratch under glibc: shared_line %.0f, expected 1",
         r.shared_line);
  r = wt_cell(&line_alloc, "cache-scratch", "reps=5;n=20", 2);
  CHECKF(strcmp(r.status, "ok") == 0 && r.shared_line == 0,
         "cache-scratch, a line per block: %s, shared_line %.0f, expected ok and 0", r.status,
         r.shared_line);
  r = wt_cell(&mmb_alloc_glibc, "thread-local", "batch=100;n=2000", 2);
  CHECKF(r.remote_free_frac < 0 && r.shared_line < 0, "thread-local reports no larson figures");
}

int main(void) {
  static const int tlist[] = {1, 2, 4, 0};
  wt_run_family("threads", threads_cases, tlist, 6, 1);
  check_figures();
  return mmb_test_exit();
}
