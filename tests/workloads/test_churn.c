/* mmbench tests — the churn workload family at tiny scale.
 *
 * Every workload of the family (every case below; the test fails if the
 * registry holds a workload without a case) runs under the glibc adapter
 * with threads 1 and 2 through mmb_cell_execute: status ok, the operation
 * count the work split promises, a checksum that is the same when the cell
 * is run again (independent of scheduling), the same under a second correct
 * allocator (blocks at other addresses), under every touch value, in the
 * verification repetition and, where the workload has a floor, under the
 * `floor` allocator (wt_run_case, workload_test.h). Broken allocators:
 * test_corrupt.c; the dist=file size reader: test_sizedist.c. */
#include "workload_test.h"

static const wt_case churn_cases[] = {
    {"churn-random", "window=64;n=4000", 0, 4000, 64, 0},
    {"churn-random", "dist=invsq;min=8;max=8192;window=64;n=4000", 0, 4000, 64, 0},
    {"churn-random", "dist=pow2;min=16;max=65536;window=32;n=2000", 0, 2000, 32, 0},
    {"churn-lifo", "batch=50;n=3000", 0, 3000, 0, 0},
    {"churn-fifo", "batch=50;n=3000", 0, 3000, 0, 0},
    /* capacity 4, 8, ... 512: 7 reallocs per vector; +4: 74 per vector */
    {"realloc-grow", "variant=double;len=300;k=4;n=12", 0, 12 * 7, 0, 0},
    {"realloc-grow", "variant=add;len=300;k=4;n=12", 0, 12 * 74, 0, 0},
    {"fragmentation", "n=4000;big=512", 0, -1, 0, 0},
    {"large", "min=64K;max=2M;slots=3;n=12", 0, 12, 3, 0},
    {NULL, NULL, 0, 0, 0, 0},
};

int main(void) {
  static const int tlist[] = {1, 2, 0};
  wt_run_family("churn", churn_cases, tlist, 6, 1);
  return mmb_test_exit();
}
