/* mmbench tests — the stack-heap and alignment workload families.
 *
 * Every workload (every variant) runs at tiny scale under the glibc adapter
 * through mmb_cell_execute with 1 and 2 threads: status ok, and the same
 * checksum for both thread counts and, where the workload promises it, for
 * every variant. Three broken allocators defined here (aligned_alloc returns
 * misaligned pointers; malloc hands a live block out again; everything
 * returns NULL) must be recorded as `corrupt` by the workloads they affect,
 * and leave the others ok. Bad parameters are refused at setup (`error`). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cell.h"
#include "../check.h"
#include "params.h"

extern const mmb_allocator mmb_alloc_glibc;

/* ---------------------------------------------------------------------------
 * Running a cell
 * ------------------------------------------------------------------------- */
typedef struct result {
  char status[16];
  char reason[256];
  char checksum[32];
  double ops, live;
} result;

static result cell(const mmb_allocator *a, const char *wname, const char *params, int threads) {
  result r;
  memset(&r, 0, sizeof r);
  const mmb_workload *w = mmb_workload_find(wname);
  CHECKF(w != NULL, "workload %s not registered", wname);
  if (!w) return r;
  mmb_cell_spec spec;
  memset(&spec, 0, sizeof spec);
  spec.workload = w;
  spec.alloc = a;
  spec.threads = threads;
  spec.seed = 20240601;
  spec.counters.mode = MMB_COUNTERS_OFF;
  spec.notify_fd = -1;
  mmb_pvals_defaults(w, &spec.params);
  char err[512];
  int rc = mmb_params_parse(w, params, &spec.params, err, sizeof err);
  CHECKF(rc == 0, "%s: %s", wname, err);
  if (rc == 0) {
    mmb_record rec;
    mmb_cell_execute(&spec, &rec);
    snprintf(r.status, sizeof r.status, "%s", mmb_status_name(rec.status));
    snprintf(r.reason, sizeof r.reason, "%s", rec.reason);
    const char *sum = mmb_record_get(&rec, "checksum");
    snprintf(r.checksum, sizeof r.checksum, "%s", sum ? sum : "");
    mmb_record_num(&rec, "ops", &r.ops);
    mmb_record_num(&rec, "live_bytes", &r.live);
  }
  mmb_pvals_free(w, &spec.params);
  return r;
}

/* A group of configurations that must all be ok and share one checksum,
 * each run with 1 and 2 threads. */
static void same_checksum(const char *wname, const char *const *configs) {
  char first[32] = "";
  for (int i = 0; configs[i]; i++) {
    for (int t = 1; t <= 2; t++) {
      result r = cell(&mmb_alloc_glibc, wname, configs[i], t);
      CHECKF(strcmp(r.status, "ok") == 0, "%s [%s] threads=%d: %s %s", wname, configs[i], t,
             r.status, r.reason);
      CHECKF(r.checksum[0] != '\0', "%s [%s]: no checksum", wname, configs[i]);
      if (!first[0]) snprintf(first, sizeof first, "%s", r.checksum);
      CHECKF(strcmp(first, r.checksum) == 0, "%s [%s] threads=%d: checksum %s, expected %s", wname,
             configs[i], t, r.checksum, first);
    }
  }
}

static void expect_status(const mmb_allocator *a, const char *wname, const char *params,
                          const char *status, const char *reason_part) {
  result r = cell(a, wname, params, 1);
  CHECKF(strcmp(r.status, status) == 0, "%s [%s] under %s: status %s (%s), expected %s", wname,
         params, a->name, r.status, r.reason, status);
  if (reason_part)
    CHECKF(strstr(r.reason, reason_part) != NULL, "%s [%s] under %s: reason '%s' lacks '%s'", wname,
           params, a->name, r.reason, reason_part);
}

/* ---------------------------------------------------------------------------
 * Broken allocators
 * ------------------------------------------------------------------------- */
/* misaligned: malloc is fine; aligned_alloc returns an address 8 bytes past
 * an align boundary. Every block keeps the libc pointer 16 bytes before it. */
static void put_raw(unsigned char *at, unsigned char *raw) {
  uintptr_t u = (uintptr_t)raw;
  memcpy(at, &u, sizeof u);
}

static void *mis_malloc(size_t size) {
  unsigned char *raw = malloc(size + 16);
  if (!raw) return NULL;
  put_raw(raw, raw);
  return raw + 16;
}

static void *mis_aligned(size_t align, size_t size) {
  unsigned char *raw = malloc(size + align + 32);
  if (!raw) return NULL;
  uintptr_t u = ((uintptr_t)raw + 24 + align - 1) & ~(uintptr_t)(align - 1);
  unsigned char *p = (unsigned char *)u + 8;
  put_raw(p - 16, raw);
  return p;
}

static void mis_free(void *p, size_t size) {
  (void)size;
  if (!p) return;
  uintptr_t u;
  memcpy(&u, (unsigned char *)p - 16, sizeof u);
  free((void *)u);
}

static const mmb_allocator alloc_misaligned = {
    .name = "test-misaligned",
    .description = "aligned_alloc returns pointers 8 bytes past the boundary",
    .kind = MMB_KIND_INPROC,
    .caps = MMB_CAP_FREE | MMB_CAP_ALIGNED | MMB_CAP_THREADS,
    .malloc = mis_malloc,
    .free = mis_free,
    .aligned_alloc = mis_aligned,
};

/* dup: a bump allocator whose every second request returns the previous
 * block again (when it is big and aligned enough) while it is still live.
 * free is a no-op, so handing a block out twice never becomes a double free. */
#define DUP_CAP (512u << 20)
static unsigned char *dup_base;
static size_t dup_used, dup_last_size;
static unsigned char *dup_last;
static unsigned dup_calls;
static pthread_mutex_t dup_lock = PTHREAD_MUTEX_INITIALIZER;

static int dup_init(void) {
  if (!dup_base) {
    void *m = mmap(NULL, DUP_CAP, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) return -12;
    dup_base = m;
  }
  dup_used = 0;
  dup_last = NULL;
  dup_calls = 0;
  return 0;
}

static void *dup_aligned(size_t align, size_t size) {
  unsigned char *p = NULL;
  pthread_mutex_lock(&dup_lock);
  if (++dup_calls % 2 == 0 && dup_last && size <= dup_last_size &&
      ((uintptr_t)dup_last & (align - 1)) == 0) {
    p = dup_last;
  } else {
    size_t off = (dup_used + align - 1) & ~(align - 1);
    if (off + size <= DUP_CAP) {
      p = dup_base + off;
      dup_used = off + size;
      dup_last = p;
      dup_last_size = size;
    }
  }
  pthread_mutex_unlock(&dup_lock);
  return p;
}

static void *dup_malloc(size_t size) { return dup_aligned(16, size); }
static void dup_free(void *p, size_t size) { (void)p, (void)size; }

static const mmb_allocator alloc_dup = {
    .name = "test-dup",
    .description = "hands a live block out a second time",
    .kind = MMB_KIND_INPROC,
    .caps = MMB_CAP_FREE | MMB_CAP_ALIGNED | MMB_CAP_THREADS,
    .init = dup_init,
    .malloc = dup_malloc,
    .free = dup_free,
    .aligned_alloc = dup_aligned,
};

/* null: every request fails. */
static void *null_malloc(size_t size) {
  (void)size;
  return NULL;
}
static void *null_aligned(size_t align, size_t size) {
  (void)align, (void)size;
  return NULL;
}
static void null_free(void *p, size_t size) { (void)p, (void)size; }

static const mmb_allocator alloc_null = {
    .name = "test-null",
    .description = "returns NULL",
    .kind = MMB_KIND_INPROC,
    .caps = MMB_CAP_FREE | MMB_CAP_ALIGNED | MMB_CAP_THREADS,
    .malloc = null_malloc,
    .free = null_free,
    .aligned_alloc = null_aligned,
};

/* ---------------------------------------------------------------------------
 * Tests
 * ------------------------------------------------------------------------- */
static void test_ok_and_checksums(void) {
  /* scratch: every variant computes the same values */
  static const char *const sc64[] = {"variant=stack;size=64;n=2001", "variant=vla;size=64;n=2001",
                                     "variant=heap;size=64;n=2001", "variant=reuse;size=64;n=2001",
                                     NULL};
  same_checksum("scratch", sc64);
  static const char *const sc24[] = {"variant=stack;size=24;n=999", "variant=vla;size=24;n=999",
                                     "variant=heap;size=24;n=999", "variant=reuse;size=24;n=999",
                                     NULL};
  same_checksum("scratch", sc24); /* not a power of two: stack uses the 32-byte function */
  static const char *const sc4k[] = {
      "variant=stack;size=4096;n=48016", "variant=vla;size=4096;n=48016",
      "variant=heap;size=4096;n=48016", "variant=reuse;size=4096;n=48016", NULL};
  same_checksum("scratch", sc4k);
  static const char *const sc64k[] = {"variant=stack;size=65536;n=65536",
                                      "variant=heap;size=65536;n=65536", NULL};
  same_checksum("scratch", sc64k);

  /* recursion: every variant computes the same values */
  static const char *const rc64[] = {"variant=stack;frame=64;depth=37;n=3737",
                                     "variant=heap;frame=64;depth=37;n=3737",
                                     "variant=frames;frame=64;depth=37;n=3737", NULL};
  same_checksum("recursion", rc64);
  static const char *const rc1k[] = {"variant=stack;frame=1024;depth=40;n=3200",
                                     "variant=heap;frame=1024;depth=40;n=3200",
                                     "variant=frames;frame=1024;depth=40;n=3200", NULL};
  same_checksum("recursion", rc1k);

  /* aligned-alloc: per alignment, independent of the thread count */
  static const char *const aa16[] = {"align=16;live=2048;n=3001", NULL};
  static const char *const aa4k[] = {"align=4096;live=65536;n=301", NULL};
  static const char *const aa2m[] = {"align=2097152;live=1;n=53248", NULL};
  same_checksum("aligned-alloc", aa16);
  same_checksum("aligned-alloc", aa4k);
  same_checksum("aligned-alloc", aa2m);

  /* access: per variant */
  static const char *const acc[][2] = {{"variant=aligned;n=8008", NULL},
                                       {"variant=misaligned;n=8008", NULL},
                                       {"variant=line-split;n=8008", NULL},
                                       {"variant=page-split;n=8008", NULL}};
  for (size_t i = 0; i < sizeof acc / sizeof acc[0]; i++) same_checksum("access", acc[i]);

  /* stride: placement never changes the values */
  static const char *const st[] = {"variant=4k;blocks=16;size=128;n=528",
                                   "variant=staggered;blocks=16;size=128;n=528",
                                   "variant=malloc;blocks=16;size=128;n=528", NULL};
  same_checksum("stride", st);

  /* struct-layout: layout never changes the values */
  static const char *const sl[] = {"variant=padded;elems=1001;passes=3",
                                   "variant=reordered;elems=1001;passes=3",
                                   "variant=packed;elems=1001;passes=3", NULL};
  same_checksum("struct-layout", sl);
}

static void test_reported_figures(void) {
  result r = cell(&mmb_alloc_glibc, "scratch", "variant=heap;size=64;n=2001", 2);
  CHECKF(r.ops == 2001, "scratch ops %.0f, expected 2001", r.ops);
  CHECKF(r.live == 128, "scratch heap live_bytes %.0f, expected 2 x 64", r.live);
  r = cell(&mmb_alloc_glibc, "scratch", "variant=heap;size=8192;n=12800", 1);
  CHECKF(r.ops == 100, "scratch at 8 KiB: ops %.0f, expected n*64/size = 100", r.ops);
  r = cell(&mmb_alloc_glibc, "recursion", "variant=frames;frame=64;depth=37;n=3737", 1);
  CHECKF(r.ops == 3737, "recursion ops %.0f, expected 101 descents x 37", r.ops);
  /* bytes per element = live_bytes / elems */
  static const struct {
    const char *params;
    double bytes;
  } sl[] = {{"variant=padded;elems=1000;passes=1", 56},
            {"variant=reordered;elems=1000;passes=1", 40},
            {"variant=packed;elems=1000;passes=1", 33}};
  for (size_t i = 0; i < 3; i++) {
    r = cell(&mmb_alloc_glibc, "struct-layout", sl[i].params, 1);
    CHECKF(r.live == 1000 * sl[i].bytes, "struct-layout [%s]: live %.0f, expected %.0f",
           sl[i].params, r.live, 1000 * sl[i].bytes);
  }
  /* aligned-alloc: the live bytes are those of the window */
  r = cell(&mmb_alloc_glibc, "aligned-alloc", "align=64;live=16000;n=5000", 1);
  CHECKF(r.live >= 100 * 64 && r.live <= 100 * 256, "aligned-alloc live %.0f for 100 slots",
         r.live);
}

static void test_bad_params(void) {
  expect_status(&mmb_alloc_glibc, "scratch", "size=100;n=10", "error", "multiple of 8");
  expect_status(&mmb_alloc_glibc, "recursion", "frame=100;n=10", "error", "power of two");
  expect_status(&mmb_alloc_glibc, "recursion", "variant=stack;frame=16384;depth=100000;n=10",
                "error", "thread stack");
  expect_status(&mmb_alloc_glibc, "aligned-alloc", "align=48;n=10", "error", "power of two");
  expect_status(&mmb_alloc_glibc, "stride", "size=100;n=10", "error", "multiple of 8");
}

static void test_misaligned(void) {
  const mmb_allocator *a = &alloc_misaligned;
  expect_status(a, "aligned-alloc", "align=64;live=4096;n=100", "corrupt", "not 64-aligned");
  expect_status(a, "aligned-alloc", "align=4096;live=65536;n=100", "corrupt", "not 4096-aligned");
  expect_status(a, "access", "variant=aligned;n=800", "corrupt", "aligned");
  expect_status(a, "access", "variant=page-split;n=800", "corrupt", "aligned");
  expect_status(a, "stride", "variant=4k;blocks=8;size=64;n=80", "corrupt", "aligned");
  expect_status(a, "stride", "variant=staggered;blocks=8;size=64;n=80", "corrupt", "aligned");
  /* workloads that only use malloc are unaffected */
  expect_status(a, "stride", "variant=malloc;blocks=8;size=64;n=80", "ok", NULL);
  expect_status(a, "struct-layout", "elems=100;passes=2", "ok", NULL);
  expect_status(a, "scratch", "variant=heap;size=64;n=100", "ok", NULL);
}

static void test_dup(void) {
  const mmb_allocator *a = &alloc_dup;
  expect_status(a, "recursion", "variant=frames;frame=64;depth=20;n=200", "corrupt", "changed");
  expect_status(a, "aligned-alloc", "align=64;live=4096;n=500", "corrupt", "overlap");
  expect_status(a, "stride", "variant=malloc;blocks=8;size=64;n=80", "corrupt", "pattern");
  /* only one block live at a time: nothing to overlap, nothing wrong */
  expect_status(a, "scratch", "variant=heap;size=64;n=100", "ok", NULL);
  expect_status(a, "recursion", "variant=stack;frame=64;depth=20;n=200", "ok", NULL);
}

static void test_null(void) {
  const mmb_allocator *a = &alloc_null;
  expect_status(a, "scratch", "variant=heap;size=64;n=100", "corrupt", "NULL");
  expect_status(a, "scratch", "variant=reuse;size=64;n=100", "corrupt", "NULL");
  expect_status(a, "recursion", "variant=heap;frame=64;depth=20;n=200", "corrupt", "NULL");
  expect_status(a, "recursion", "variant=frames;frame=64;depth=20;n=200", "corrupt", "NULL");
  expect_status(a, "aligned-alloc", "align=64;live=4096;n=100", "corrupt", "NULL");
  expect_status(a, "access", "n=800", "corrupt", "NULL");
  expect_status(a, "stride", "variant=4k;blocks=8;size=64;n=80", "corrupt", "NULL");
  expect_status(a, "stride", "variant=malloc;blocks=8;size=64;n=80", "corrupt", "NULL");
  expect_status(a, "struct-layout", "elems=100;passes=2", "corrupt", "NULL");
  /* the stack variants never call the allocator */
  expect_status(a, "scratch", "variant=stack;size=64;n=100", "ok", NULL);
  expect_status(a, "scratch", "variant=vla;size=64;n=100", "ok", NULL);
  expect_status(a, "recursion", "variant=stack;frame=64;depth=20;n=200", "ok", NULL);
}

int main(void) {
  test_ok_and_checksums();
  test_reported_figures();
  test_bad_params();
  test_misaligned();
  test_dup();
  test_null();
  return mmb_test_exit();
}
