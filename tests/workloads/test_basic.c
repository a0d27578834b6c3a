/* mmbench tests — the basic workload family (null, malloc-free, region).
 *
 * Every workload of the family (every case below; the test fails if the
 * registry holds a workload without a case) runs at tiny scale under the
 * glibc adapter through mmb_cell_execute with the thread counts it accepts
 * (region: 1): status ok, the operation count promised, a checksum that is
 * the same when run again and under a second correct allocator, under every
 * touch value, in the verification repetition and under `floor`
 * (wt_run_case, workload_test.h). Then: the checksums are the same under
 * the arena allocators too (region then releases by reset), region's limit
 * (variant=raw) gives the checksum of the allocator runs, and verify
 * catches a corrupted result — a block handed out twice changes region's
 * words, NULL from malloc is reported — while null, which makes no
 * allocator call, stays ok under either. */
#include "workload_test.h"

extern const mmb_allocator mmb_alloc_arena, mmb_alloc_arena_pool;

static const wt_case basic_cases[] = {
    {"null", "n=4000", 0, 4000, 0, 1},
    {"malloc-free", "size=64;n=4000", 0, 4000, 0, 0},
    {"malloc-free", "size=5;n=3000", 0, 3000, 0, 0}, /* below a word: the byte-wise touch */
    {"region", "size=32;n=500;rounds=7", 0, 7 * 500, 0, 0},
    {"region", "variant=raw;size=256;n=300;rounds=5", 0, 5 * 300, 0, 0},
    {NULL, NULL, 0, 0, 0, 0},
};

/* The same checksum under glibc, arena and arena-pool (the last two have a
 * reset, which region uses instead of one free per object). */
static void test_other_allocators(void) {
  static const mmb_allocator *const others[] = {&mmb_alloc_arena, &mmb_alloc_arena_pool};
  for (const wt_case *c = basic_cases; c->w; c++) {
    wt_result g = wt_cell(&mmb_alloc_glibc, c->w, c->params, 1);
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
      wt_result o = wt_cell(others[i], c->w, c->params, 1);
      CHECKF(strcmp(o.status, "ok") == 0 && strcmp(o.checksum, g.checksum) == 0,
             "%s [%s] under %s: %s %s checksum %s, glibc %s", c->w, c->params, others[i]->name,
             o.status, o.reason, o.checksum, g.checksum);
    }
  }
}

static void test_checksum_facts(void) {
  /* region: the limit writes and samples the same words as the allocator runs */
  wt_result a = wt_cell(&mmb_alloc_glibc, "region", "variant=alloc;size=64;n=400;rounds=3", 1);
  wt_result raw = wt_cell(&mmb_alloc_glibc, "region", "variant=raw;size=64;n=400;rounds=3", 1);
  CHECKF(strcmp(a.status, "ok") == 0 && strcmp(a.checksum, raw.checksum) == 0,
         "region: alloc %s %s, raw %s", a.status, a.checksum, raw.checksum);
  /* ...and depends on the work: another round count, another checksum */
  wt_result more = wt_cell(&mmb_alloc_glibc, "region", "variant=alloc;size=64;n=400;rounds=4", 1);
  CHECKF(strcmp(more.checksum, a.checksum) != 0, "region: 3 and 4 rounds give one checksum %s",
         a.checksum);
  /* malloc-free: the checksum is the blocks' tags, not their size */
  wt_result s16 = wt_cell(&mmb_alloc_glibc, "malloc-free", "size=16;n=2000", 2);
  wt_result s4k = wt_cell(&mmb_alloc_glibc, "malloc-free", "size=4096;n=2000", 2);
  CHECKF(strcmp(s16.checksum, s4k.checksum) == 0, "malloc-free: size 16 gives %s, 4096 %s",
         s16.checksum, s4k.checksum);
  /* null: the seed, not the allocator, makes the checksum */
  wt_result n1 = wt_cell(&mmb_alloc_glibc, "null", "n=1000", 1);
  wt_seed++;
  wt_result n2 = wt_cell(&mmb_alloc_glibc, "null", "n=1000", 1);
  wt_seed--;
  CHECKF(strcmp(n1.checksum, n2.checksum) != 0, "null: two seeds give one checksum %s",
         n1.checksum);
}

/* Verify must turn a corrupted result into `corrupt` with a one-line reason. */
static void test_verify_catches(void) {
  const mmb_allocator *dup = &wt_alloc_dup, *null = &wt_alloc_null;
  /* every second object is the previous one again: its word is overwritten */
  wt_expect_status(dup, "region", "size=32;n=500;rounds=2", "corrupt", "did not keep their words");
  wt_expect_status(null, "region", "size=32;n=500;rounds=2", "corrupt", "returned NULL");
  wt_expect_status(null, "malloc-free", "size=64;n=100", "corrupt", "malloc(64) returned NULL");
  wt_verify = 1;
  wt_expect_status(null, "malloc-free", "size=64;n=100", "corrupt", "returned NULL");
  wt_verify = 0;
  /* no allocator call, nothing to corrupt */
  wt_expect_status(null, "null", "n=100", "ok", NULL);
  wt_expect_status(dup, "null", "n=100", "ok", NULL);
  /* the limit never calls the allocator either */
  wt_expect_status(null, "region", "variant=raw;size=32;n=500;rounds=2", "ok", NULL);
  wt_result r = wt_cell(dup, "region", "size=32;n=500;rounds=2", 1);
  CHECKF(r.reason[0] && !strchr(r.reason, '\n'), "region under dup: reason not one line: '%s'",
         r.reason);
}

int main(void) {
  static const int tlist[] = {1, 2, 0};
  wt_run_family("basic", basic_cases, tlist, 3, 0);
  test_other_allocators();
  test_checksum_facts();
  test_verify_catches();
  return mmb_test_exit();
}
