/* mmbench tests — the trace reader and the trace-replay workload, in this
 * process (run under TSan too: the replay's cross-thread waits).
 *
 * usage: test_trace_replay WORKDIR
 *
 * - a mixed trace of 4 threads (frees and reallocs by other threads,
 *   calloc, every aligned function, malloc_usable_size) replays under glibc
 *   and under an allocator that places blocks elsewhere, on 1, 2, 3, 4 and 6
 *   workers, and under the floor allocator: status ok, one operation per call,
 *   and the same checksum everywhere;
 * - a broken allocator (blocks overlap) is caught as corrupt;
 * - a free of a pointer the trace never returned is refused, naming it,
 *   and replayed without it under unknown=skip;
 * - a cut trace replays up to the cut; wrong magic, a newer version and a
 *   missing file are refused by the plan's check and by setup. */
#include <stdlib.h>
#include <unistd.h>

#include "../workloads/workload_test.h"
#include "trace_gen.h"

/* The offset allocator (workloads/wt_allocators.c: blocks 32 bytes into libc
 * blocks, other addresses, same results) without a realloc of its own. */
static mmb_allocator offset_plain(void) {
  mmb_allocator a = wt_alloc_offset;
  a.description = "test: libc blocks shifted by 32 bytes (no realloc, calloc, aligned_alloc of "
                  "its own)";
  a.caps = MMB_CAP_FREE | MMB_CAP_THREADS;
  a.realloc = NULL;
  a.aligned_alloc = NULL;
  return a;
}

/* Broken: every block of up to 64 bytes is the same one. */
static unsigned char shared_block[64];
static void *bad_malloc(size_t n) { return n <= 64 ? shared_block : malloc(n); }
static void bad_free(void *p, size_t n) {
  (void)n;
  if (p != shared_block) free(p);
}
static const mmb_allocator bad_alloc = {
    .name = "overlap",
    .description = "test: small blocks overlap",
    .kind = MMB_KIND_INPROC,
    .caps = MMB_CAP_FREE,
    .malloc = bad_malloc,
    .free = bad_free,
};

extern const mmb_allocator mmb_alloc_floor;

static char dir[2048];

static void path_of(char *out, size_t len, const char *name) {
  snprintf(out, len, "%s/%s", dir, name);
}

static wt_result replay(const mmb_allocator *a, const char *file, const char *extra, int threads) {
  char params[4096];
  snprintf(params, sizeof params, "file=%s%s%s", file, *extra ? ";" : "", extra);
  return wt_cell(a, "trace-replay", params, threads);
}

static void test_mixed(void) {
  tg g;
  tg_init(&g);
  uint64_t calls = tg_mixed(&g, 4, 6000);
  char file[2100];
  path_of(file, sizeof file, "mixed.mmbt");
  CHECK(tg_write(&g, file) == 0);
  tg_free_all(&g);

  mmb_trace t;
  char err[600];
  CHECKF(mmb_trace_load(file, &t, err, sizeof err) == 0, "%s", err);
  uint64_t remote = 0;
  for (size_t i = 0; i < t.nev; i++)
    remote += t.ev[i].rel != MMB_TB_NONE && t.ev[i].op != MMB_TOP_USABLE;
  CHECKF(t.unknown == 0 && t.reborn == 0 && !t.damage[0], "unknown %llu reborn %llu damage '%s'",
         (unsigned long long)t.unknown, (unsigned long long)t.reborn, t.damage);
  CHECK(t.nthreads == 4);
  CHECK(remote > 100);
  mmb_trace_free(&t);

  wt_result base = replay(&mmb_alloc_glibc, file, "", 4);
  CHECKF(strcmp(base.status, "ok") == 0, "glibc t=4: %s %s", base.status, base.reason);
  CHECKF(base.ops == (double)calls, "ops %.0f, calls %llu", base.ops, (unsigned long long)calls);
  const int workers[] = {1, 2, 3, 4, 6};
  const mmb_allocator off_alloc = offset_plain();
  for (size_t i = 0; i < sizeof workers / sizeof *workers; i++) {
    wt_result r = replay(&mmb_alloc_glibc, file, "", workers[i]);
    CHECKF(strcmp(r.status, "ok") == 0 && strcmp(r.checksum, base.checksum) == 0 &&
               r.ops == base.ops,
           "glibc t=%d: %s %s checksum %s (want %s)", workers[i], r.status, r.reason, r.checksum,
           base.checksum);
    r = replay(&off_alloc, file, "touch=full", workers[i]);
    CHECKF(strcmp(r.status, "ok") == 0 && strcmp(r.checksum, base.checksum) == 0,
           "offset t=%d: %s %s checksum %s (want %s)", workers[i], r.status, r.reason, r.checksum,
           base.checksum);
  }
  wt_result fl = replay(&mmb_alloc_floor, file, "", 4);
  CHECKF(strcmp(fl.status, "ok") == 0 && strcmp(fl.checksum, base.checksum) == 0, "floor: %s %s",
         fl.status, fl.reason);
  wt_result bad = replay(&bad_alloc, file, "", 1);
  CHECKF(strcmp(bad.status, "corrupt") == 0, "overlapping allocator: %s %s", bad.status,
         bad.reason);
}

static void test_unknown_free(void) {
  tg g;
  tg_init(&g);
  tg_malloc(&g, 0, 100, 0x1000);
  tg_free(&g, 0, 0x2000); /* never returned */
  tg_malloc(&g, 0, 50, 0x3000);
  tg_free(&g, 0, 0x1000);
  char file[2100];
  path_of(file, sizeof file, "unknown.mmbt");
  CHECK(tg_write(&g, file) == 0);
  tg_free_all(&g);
  wt_result r = replay(&mmb_alloc_glibc, file, "", 1);
  CHECKF(strcmp(r.status, "error") == 0 && strstr(r.reason, "0x2000") &&
             strstr(r.reason, "not live") && strstr(r.reason, "unknown=skip"),
         "unknown free: %s %s", r.status, r.reason);
  r = replay(&mmb_alloc_glibc, file, "unknown=skip", 1);
  CHECKF(strcmp(r.status, "ok") == 0 && r.ops == 3, "unknown=skip: %s %s ops %.0f", r.status,
         r.reason, r.ops);
  /* the plan refuses it before running anything (exit 2), unless unknown=skip */
  const mmb_workload *w = mmb_workload_find("trace-replay");
  long long p[MMB_MAX_PARAMS] = {0};
  char *s[MMB_MAX_PARAMS] = {file};
  char msg[600];
  CHECKF(w && w->check(p, s, msg, sizeof msg) == -1 && strstr(msg, "0x2000"), "check: '%s'", msg);
  p[1] = 1; /* unknown=skip */
  CHECK(w && w->check(p, s, msg, sizeof msg) == 0);
}

static void test_cut_and_refused(void) {
  tg g;
  tg_init(&g);
  for (int i = 0; i < 100; i++) {
    tg_malloc(&g, 0, 32, 0x10000 + 64 * (uint64_t)i);
    tg_free(&g, 0, 0x10000 + 64 * (uint64_t)i);
  }
  size_t len;
  unsigned char *img = tg_image(&g, MMB_TRACE_VERSION, &len);
  tg_free_all(&g);
  char file[2100];
  path_of(file, sizeof file, "cut.mmbt");
  CHECK(tg_write_bytes(file, img, len - 101) == 0); /* about a third of the records lost */
  wt_result r = replay(&mmb_alloc_glibc, file, "", 1);
  CHECKF(strcmp(r.status, "ok") == 0 && r.ops > 100 && r.ops < 200, "cut: %s %s ops %.0f", r.status,
         r.reason, r.ops);
  mmb_trace t;
  char err[600];
  CHECK(mmb_trace_load(file, &t, err, sizeof err) == 0 && strstr(t.damage, "cut"));
  mmb_trace_free(&t);

  const mmb_workload *w = mmb_workload_find("trace-replay");
  CHECK(w && w->check);
  if (!w || !w->check) return;
  {
    long long p[MMB_MAX_PARAMS] = {0};
    char *s[MMB_MAX_PARAMS] = {file};
    char msg[600];
    CHECKF(w->check(p, s, msg, sizeof msg) == 2 && strstr(msg, "replayed up to the damage"),
           "cut: check says '%s'", msg);
  }
  struct {
    const char *name, *want;
    size_t cut;
    int magic, version;
  } cases[] = {
      {"magic.mmbt", "wrong magic", len, 1, MMB_TRACE_VERSION},
      {"newer.mmbt", "newer", len, 0, MMB_TRACE_VERSION + 1},
      {"short.mmbt", "truncated header", 40, 0, MMB_TRACE_VERSION},
      {"empty.mmbt", "empty", 0, 0, MMB_TRACE_VERSION},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    unsigned char *copy = malloc(len);
    memcpy(copy, img, len);
    if (cases[i].magic) copy[0] = 'X';
    put_le(copy + MMB_TH_VERSION, cases[i].version, 4);
    path_of(file, sizeof file, cases[i].name);
    CHECK(tg_write_bytes(file, copy, cases[i].cut) == 0);
    free(copy);
    wt_result c = replay(&mmb_alloc_glibc, file, "", 1);
    CHECKF(strcmp(c.status, "error") == 0 && strstr(c.reason, cases[i].want) &&
               strstr(c.reason, file),
           "%s: %s %s", cases[i].name, c.status, c.reason);
    long long p[MMB_MAX_PARAMS] = {0};
    char *s[MMB_MAX_PARAMS] = {file};
    char msg[600];
    CHECKF(w->check(p, s, msg, sizeof msg) == -1 && strstr(msg, cases[i].want),
           "%s: check says '%s'", cases[i].name, msg);
  }
  path_of(file, sizeof file, "headonly.mmbt"); /* a header and nothing else */
  CHECK(tg_write_bytes(file, img, MMB_TRACE_HEADER_BYTES) == 0);
  wt_result h = replay(&mmb_alloc_glibc, file, "", 1);
  CHECKF(strcmp(h.status, "error") == 0 && strstr(h.reason, "no allocator call"),
         "header only: %s %s", h.status, h.reason);
  free(img);
  long long p[MMB_MAX_PARAMS] = {0};
  char missing[2100], *s[MMB_MAX_PARAMS] = {missing};
  char msg[600];
  path_of(missing, sizeof missing, "no-such.mmbt");
  CHECK(w->check(p, s, msg, sizeof msg) == -1 && strstr(msg, "no-such.mmbt"));
  setenv("MMB_TRACE_DIR", dir, 1);
  snprintf(missing, sizeof missing, "no-such-name");
  CHECKF(w->check(p, s, msg, sizeof msg) == 1 && strstr(msg, "not recorded"), "named: '%s'", msg);
  snprintf(missing, sizeof missing, "mixed"); /* $MMB_TRACE_DIR/mixed.mmbt */
  CHECKF(w->check(p, s, msg, sizeof msg) == 0, "named mixed: '%s'", msg);
  /* without -t, a trace runs on as many workers as it had threads alive at once */
  CHECK(w->threads_for && w->threads_for(p, s) == 4);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s WORKDIR\n", argv[0]);
    return 2;
  }
  snprintf(dir, sizeof dir, "%s", argv[1]);
  test_mixed();
  test_unknown_free();
  test_cut_and_refused();
  return mmb_test_exit();
}
