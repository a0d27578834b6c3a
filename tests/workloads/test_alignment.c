/* mmbench tests — the alignment workload family (aligned-alloc, access,
 * stride, struct-layout).
 *
 * Every workload (every variant) runs at tiny scale under the glibc adapter
 * through mmb_cell_execute with 1 and 2 threads: status ok, and the same
 * checksum for both thread counts and, where the workload promises it, for
 * every variant. The figures they report are checked. Broken allocators
 * (wt_allocators.c: aligned_alloc returns misaligned pointers; a live block
 * handed out again; everything NULL) must be recorded as `corrupt` by the
 * workloads they affect, and leave the others ok. Bad parameters are
 * refused at setup (`error`). */
#include "workload_test.h"

static void test_ok_and_checksums(void) {
  /* aligned-alloc: per alignment, independent of the thread count */
  static const char *const aa16[] = {"align=16;live=2048;n=3001", NULL};
  static const char *const aa4k[] = {"align=4096;live=65536;n=301", NULL};
  static const char *const aa2m[] = {"align=2097152;live=1;n=53248", NULL};
  wt_same_checksum("aligned-alloc", aa16);
  wt_same_checksum("aligned-alloc", aa4k);
  wt_same_checksum("aligned-alloc", aa2m);

  /* access: per variant */
  static const char *const acc[][2] = {{"variant=aligned;n=8008", NULL},
                                       {"variant=misaligned;n=8008", NULL},
                                       {"variant=line-split;n=8008", NULL},
                                       {"variant=page-split;n=8008", NULL}};
  for (size_t i = 0; i < sizeof acc / sizeof acc[0]; i++) wt_same_checksum("access", acc[i]);

  /* stride: placement never changes the values */
  static const char *const st[] = {"variant=4k;blocks=16;size=128;n=528",
                                   "variant=staggered;blocks=16;size=128;n=528",
                                   "variant=malloc;blocks=16;size=128;n=528", NULL};
  wt_same_checksum("stride", st);

  /* struct-layout: layout never changes the values */
  static const char *const sl[] = {"variant=padded;elems=1001;passes=3",
                                   "variant=reordered;elems=1001;passes=3",
                                   "variant=packed;elems=1001;passes=3", NULL};
  wt_same_checksum("struct-layout", sl);
}

static void test_reported_figures(void) {
  /* bytes per element = live_bytes / elems */
  static const struct {
    const char *params;
    double bytes;
  } sl[] = {{"variant=padded;elems=1000;passes=1", 56},
            {"variant=reordered;elems=1000;passes=1", 40},
            {"variant=packed;elems=1000;passes=1", 33}};
  wt_result r;
  for (size_t i = 0; i < 3; i++) {
    r = wt_cell(&mmb_alloc_glibc, "struct-layout", sl[i].params, 1);
    CHECKF(r.live == 1000 * sl[i].bytes, "struct-layout [%s]: live %.0f, expected %.0f",
           sl[i].params, r.live, 1000 * sl[i].bytes);
  }
  /* aligned-alloc: the live bytes are those of the window */
  r = wt_cell(&mmb_alloc_glibc, "aligned-alloc", "align=64;live=16000;n=5000", 1);
  CHECKF(r.live >= 100 * 64 && r.live <= 100 * 256, "aligned-alloc live %.0f for 100 slots",
         r.live);
}

static void test_bad_params(void) {
  wt_expect_status(&mmb_alloc_glibc, "aligned-alloc", "align=48;n=10", "error", "power of two");
  wt_expect_status(&mmb_alloc_glibc, "stride", "size=100;n=10", "error", "multiple of 8");
}

static void test_misaligned(void) {
  const mmb_allocator *a = &wt_alloc_misaligned;
  wt_expect_status(a, "aligned-alloc", "align=64;live=4096;n=100", "corrupt", "not 64-aligned");
  wt_expect_status(a, "aligned-alloc", "align=4096;live=65536;n=100", "corrupt",
                   "not 4096-aligned");
  wt_expect_status(a, "access", "variant=aligned;n=800", "corrupt", "aligned");
  wt_expect_status(a, "access", "variant=page-split;n=800", "corrupt", "aligned");
  wt_expect_status(a, "stride", "variant=4k;blocks=8;size=64;n=80", "corrupt", "aligned");
  wt_expect_status(a, "stride", "variant=staggered;blocks=8;size=64;n=80", "corrupt", "aligned");
  /* workloads that only use malloc are unaffected */
  wt_expect_status(a, "stride", "variant=malloc;blocks=8;size=64;n=80", "ok", NULL);
  wt_expect_status(a, "struct-layout", "elems=100;passes=2", "ok", NULL);
}

static void test_dup(void) {
  const mmb_allocator *a = &wt_alloc_dup;
  wt_expect_status(a, "aligned-alloc", "align=64;live=4096;n=500", "corrupt", "overlap");
  wt_expect_status(a, "stride", "variant=malloc;blocks=8;size=64;n=80", "corrupt", "pattern");
}

static void test_null(void) {
  const mmb_allocator *a = &wt_alloc_null;
  wt_expect_status(a, "aligned-alloc", "align=64;live=4096;n=100", "corrupt", "NULL");
  wt_expect_status(a, "access", "n=800", "corrupt", "NULL");
  wt_expect_status(a, "stride", "variant=4k;blocks=8;size=64;n=80", "corrupt", "NULL");
  wt_expect_status(a, "stride", "variant=malloc;blocks=8;size=64;n=80", "corrupt", "NULL");
  wt_expect_status(a, "struct-layout", "elems=100;passes=2", "corrupt", "NULL");
}

int main(void) {
  wt_seed = 20240601;
  test_ok_and_checksums();
  test_reported_figures();
  test_bad_params();
  test_misaligned();
  test_dup();
  test_null();
  return mmb_test_exit();
}
