/* mmbench tests — the stack-heap workload family (scratch, recursion).
 *
 * Every workload (every variant) runs at tiny scale under the glibc adapter
 * through mmb_cell_execute with 1 and 2 threads: status ok, and the same
 * checksum for both thread counts and for every variant (each computes the
 * same values). The figures they report are checked. Broken allocators
 * (wt_allocators.c: a live block handed out again; everything NULL) must be
 * recorded as `corrupt` where they affect the workload, and the stack
 * variants, which never call the allocator, stay ok. Bad parameters are
 * refused at setup (`error`). */
#include "workload_test.h"

static void test_ok_and_checksums(void) {
  /* scratch: every variant computes the same values */
  static const char *const sc64[] = {"variant=stack;size=64;n=2001", "variant=vla;size=64;n=2001",
                                     "variant=heap;size=64;n=2001", "variant=reuse;size=64;n=2001",
                                     NULL};
  wt_same_checksum("scratch", sc64);
  static const char *const sc24[] = {"variant=stack;size=24;n=999", "variant=vla;size=24;n=999",
                                     "variant=heap;size=24;n=999", "variant=reuse;size=24;n=999",
                                     NULL};
  wt_same_checksum("scratch", sc24); /* not a power of two: stack uses the 32-byte function */
  static const char *const sc4k[] = {
      "variant=stack;size=4096;n=48016", "variant=vla;size=4096;n=48016",
      "variant=heap;size=4096;n=48016", "variant=reuse;size=4096;n=48016", NULL};
  wt_same_checksum("scratch", sc4k);
  static const char *const sc64k[] = {"variant=stack;size=65536;n=65536",
                                      "variant=heap;size=65536;n=65536", NULL};
  wt_same_checksum("scratch", sc64k);

  /* recursion: every variant computes the same values */
  static const char *const rc64[] = {"variant=stack;frame=64;depth=37;n=3737",
                                     "variant=heap;frame=64;depth=37;n=3737",
                                     "variant=frames;frame=64;depth=37;n=3737", NULL};
  wt_same_checksum("recursion", rc64);
  static const char *const rc1k[] = {"variant=stack;frame=1024;depth=40;n=3200",
                                     "variant=heap;frame=1024;depth=40;n=3200",
                                     "variant=frames;frame=1024;depth=40;n=3200", NULL};
  wt_same_checksum("recursion", rc1k);
}

static void test_reported_figures(void) {
  wt_result r = wt_cell(&mmb_alloc_glibc, "scratch", "variant=heap;size=64;n=2001", 2);
  CHECKF(r.ops == 2001, "scratch ops %.0f, expected 2001", r.ops);
  CHECKF(r.live == 128, "scratch heap live_bytes %.0f, expected 2 x 64", r.live);
  r = wt_cell(&mmb_alloc_glibc, "scratch", "variant=heap;size=8192;n=12800", 1);
  CHECKF(r.ops == 100, "scratch at 8 KiB: ops %.0f, expected n*64/size = 100", r.ops);
  r = wt_cell(&mmb_alloc_glibc, "recursion", "variant=frames;frame=64;depth=37;n=3737", 1);
  CHECKF(r.ops == 3737, "recursion ops %.0f, expected 101 descents x 37", r.ops);
}

static void test_bad_params(void) {
  wt_expect_status(&mmb_alloc_glibc, "scratch", "size=100;n=10", "error", "multiple of 8");
  wt_expect_status(&mmb_alloc_glibc, "recursion", "frame=100;n=10", "error", "power of two");
  wt_expect_status(&mmb_alloc_glibc, "recursion", "variant=stack;frame=16384;depth=100000;n=10",
                   "error", "thread stack");
}

static void test_broken(void) {
  /* misaligned aligned_alloc: scratch only uses malloc */
  wt_expect_status(&wt_alloc_misaligned, "scratch", "variant=heap;size=64;n=100", "ok", NULL);

  const mmb_allocator *a = &wt_alloc_dup;
  wt_expect_status(a, "recursion", "variant=frames;frame=64;depth=20;n=200", "corrupt", "changed");
  /* only one block live at a time: nothing to overlap, nothing wrong */
  wt_expect_status(a, "scratch", "variant=heap;size=64;n=100", "ok", NULL);
  wt_expect_status(a, "recursion", "variant=stack;frame=64;depth=20;n=200", "ok", NULL);

  a = &wt_alloc_null;
  wt_expect_status(a, "scratch", "variant=heap;size=64;n=100", "corrupt", "NULL");
  wt_expect_status(a, "scratch", "variant=reuse;size=64;n=100", "corrupt", "NULL");
  wt_expect_status(a, "recursion", "variant=heap;frame=64;depth=20;n=200", "corrupt", "NULL");
  wt_expect_status(a, "recursion", "variant=frames;frame=64;depth=20;n=200", "corrupt", "NULL");
  /* the stack variants never call the allocator */
  wt_expect_status(a, "scratch", "variant=stack;size=64;n=100", "ok", NULL);
  wt_expect_status(a, "scratch", "variant=vla;size=64;n=100", "ok", NULL);
  wt_expect_status(a, "recursion", "variant=stack;frame=64;depth=20;n=200", "ok", NULL);
}

int main(void) {
  wt_seed = 20240601;
  test_ok_and_checksums();
  test_reported_figures();
  test_bad_params();
  test_broken();
  return mmb_test_exit();
}
