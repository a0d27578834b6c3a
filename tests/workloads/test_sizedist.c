/* mmbench tests — size distributions (workloads/sizedist.c), directly and
 * through churn-random dist=file.
 *
 * The API: a table built from arrays draws every size with its weight's
 * share (zero weights never), the same sizes from the same seed, and knows
 * its largest size; a table with no entries, a size out of range, a
 * negative or non-finite weight or only zero weights is refused with a
 * one-line message and left empty; a loaded file gives the table the file
 * lists, and a malformed file the same message as through the workload.
 *
 * Through churn-random: the committed example file works; a file with one size gives exactly
 * window * size live bytes (so the sizes really come from the file); comments,
 * a header, spaces, CRLF and zero weights are accepted; weights shape the
 * draw; a missing file and malformed files make setup fail (status `error`)
 * with a one-line reason naming the file and the problem. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <unistd.h>

#include <math.h>

#include "mmb_config.h"
#include "sizedist.h"
#include "workload_test.h"

static char dir[] = "/tmp/mmb_ct_sizes_XXXXXX";

static const char *write_file(const char *name, const char *text) {
  static char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  CHECKF(f != NULL, "cannot write %s", path);
  if (f) {
    fputs(text, f);
    fclose(f);
  }
  return path;
}

static wt_result with_file(const char *path, const char *extra) {
  char params[1024];
  snprintf(params, sizeof params, "dist=file;file=%s;%s", path, extra);
  return wt_cell(&mmb_alloc_glibc, "churn-random", params, 1);
}

static void expect_ok_live(const char *name, const char *text, double live) {
  const char *path = write_file(name, text);
  wt_result r = with_file(path, "window=50;n=500");
  CHECKF(strcmp(r.status, "ok") == 0, "%s: %s %s", name, r.status, r.reason);
  CHECKF(r.live == live, "%s: live_bytes %.0f, expected %.0f", name, r.live, live);
}

static void expect_error(const char *name, const char *path, const char *what) {
  wt_result r = with_file(path, "window=8;n=100");
  CHECKF(strcmp(r.status, "error") == 0, "%s: status %s, expected error", name, r.status);
  CHECKF(strstr(r.reason, what) != NULL, "%s: reason '%s' should say '%s'", name, r.reason, what);
  CHECKF(strstr(r.reason, path) != NULL, "%s: reason '%s' should name %s", name, r.reason, path);
  CHECKF(!strchr(r.reason, '\n'), "%s: reason is not one line", name);
}

static void expect_bad(const char *name, const char *text, const char *what) {
  expect_error(name, write_file(name, text), what);
}

/* ---------------------------------------------------------------------------
 * The API
 * ------------------------------------------------------------------------- */
static void test_build_and_draw(void) {
  static const uint32_t sizes[] = {16, 100, 4096, 1 << 20};
  static const double weights[] = {1, 0, 6, 3}; /* shares 0.1, 0, 0.6, 0.3 */
  mmb_sizedist d;
  char err[256] = "";
  CHECKF(mmb_sizedist_build(&d, sizes, weights, 4, err, sizeof err) == 0, "build: %s", err);
  CHECK(d.n == 4);
  CHECKF(d.max == 1 << 20, "largest size %zu, expected %d", d.max, 1 << 20);
  enum { DRAWS = 200000 };
  size_t count[4] = {0};
  mmb_rng r, r2;
  mmb_rng_seed(&r, 42, 0);
  mmb_rng_seed(&r2, 42, 0);
  int same = 1, other = 0;
  for (int i = 0; i < DRAWS; i++) {
    size_t s = mmb_sizedist_draw(&d, &r);
    same &= s == mmb_sizedist_draw(&d, &r2);
    int k = s == 16 ? 0 : s == 100 ? 1 : s == 4096 ? 2 : s == 1 << 20 ? 3 : -1;
    if (k < 0)
      other++;
    else
      count[k]++;
  }
  CHECKF(same, "the same seed drew other sizes");
  CHECKF(other == 0, "%d draws gave a size not in the table", other);
  CHECKF(count[1] == 0, "a size of weight 0 was drawn %zu times", count[1]);
  for (int k = 0; k < 4; k++) {
    double want = weights[k] / 10 * DRAWS;
    CHECKF(fabs((double)count[k] - want) <= 0.02 * DRAWS, "size %u drawn %zu times, expected %.0f",
           sizes[k], count[k], want);
  }
  mmb_sizedist_free(&d);
  CHECK(d.n == 0 && d.size == NULL && d.thresh == NULL && d.alias == NULL);
  mmb_sizedist_free(&d); /* freeing an empty table is a no-op */
}

static void expect_build_error(const char *name, const uint32_t *sizes, const double *weights,
                               size_t n, const char *what) {
  mmb_sizedist d;
  char err[256] = "";
  int rc = mmb_sizedist_build(&d, sizes, weights, n, err, sizeof err);
  CHECKF(rc == -1, "%s: build returned %d, expected -1", name, rc);
  CHECKF(strstr(err, what) != NULL, "%s: message '%s' should say '%s'", name, err, what);
  CHECKF(err[0] && !strchr(err, '\n'), "%s: message is not one line", name);
  CHECKF(d.n == 0 && d.size == NULL && d.thresh == NULL, "%s: table not left empty", name);
}

static void test_build_errors(void) {
  static const uint32_t s2[] = {16, 32}, s0[] = {16, 0};
  static const uint32_t sbig[] = {16, (uint32_t)(MMB_SIZEDIST_MAX_SIZE + 1)};
  static const double w2[] = {1, 1}, wz[] = {0, 0}, wneg[] = {1, -1}, wnan[] = {1, NAN};
  static const double winf[] = {1e308, 1e308};
  expect_build_error("no entries", s2, w2, 0, "0 entries");
  expect_build_error("size 0", s0, w2, 2, "entry 1");
  expect_build_error("size too big", sbig, w2, 2, "entry 1");
  expect_build_error("negative weight", s2, wneg, 2, "entry 1");
  expect_build_error("NaN weight", s2, wnan, 2, "entry 1");
  expect_build_error("zero weights", s2, wz, 2, "every weight is 0");
  expect_build_error("weights overflow", s2, winf, 2, "sum is not finite");
}

static void test_load(void) {
  mmb_sizedist d;
  char err[512] = "";
  const char *path = write_file("load.csv", "size,weight\n24,1\n# c\n48 , 0\n8,2\n");
  CHECKF(mmb_sizedist_load(&d, path, err, sizeof err) == 0, "load: %s", err);
  CHECKF(d.n == 3 && d.size[0] == 24 && d.size[1] == 48 && d.size[2] == 8,
         "load: %zu entries, expected 24, 48, 8 in order", d.n);
  CHECKF(d.max == 24, "load: largest size of nonzero weight %zu, expected 24", d.max);
  mmb_sizedist_free(&d);

  /* the same message as churn-random gives for the same file */
  path = write_file("load-bad.csv", "16,1\n0,1\n");
  CHECK(mmb_sizedist_load(&d, path, err, sizeof err) == -1);
  wt_result r = with_file(path, "window=8;n=100");
  CHECKF(strstr(r.reason, err) != NULL, "reason '%s' should hold the reader's message '%s'",
         r.reason, err);
  CHECK(d.n == 0 && d.size == NULL);
}

int main(void) {
  CHECK(mkdtemp(dir) != NULL);

  /* the committed example */
  wt_result ex = with_file(MMB_SOURCE_DIR "/workloads/data/sizes-example.csv", "window=200;n=5000");
  CHECKF(strcmp(ex.status, "ok") == 0, "example file: %s %s", ex.status, ex.reason);
  CHECK(ex.live > 0);

  /* sizes come from the file, exactly */
  expect_ok_live("one.csv", "100,1\n", 50 * 100);
  expect_ok_live("forms.csv",
                 "# comment line\n size , weight \n\n32, 1 # trailing comment\r\n64 ,0\r\n",
                 50 * 32);

  /* weights shape the draw: 3:1 between 16 and 1024 bytes -> mean 268 */
  const char *w31 = write_file("w31.csv", "16,3\n1024,1\n");
  wt_result r = with_file(w31, "window=4000;n=1");
  double mean = r.live / 4000;
  CHECKF(strcmp(r.status, "ok") == 0 && mean > 268 * 0.9 && mean < 268 * 1.1,
         "3:1 weights: mean size %.1f, expected about 268 (%s)", mean, r.reason);
  const char *w13 = write_file("w13.csv", "16,1\n1024,3\n");
  r = with_file(w13, "window=4000;n=1");
  mean = r.live / 4000;
  CHECKF(strcmp(r.status, "ok") == 0 && mean > 772 * 0.9 && mean < 772 * 1.1,
         "1:3 weights: mean size %.1f, expected about 772 (%s)", mean, r.reason);

  /* missing and malformed files */
  expect_error("missing", "/nonexistent-mmb-dir/sizes.csv", "cannot open size file");
  expect_bad("letters.csv", "16,abc\n", "line 1: expected size,weight");
  expect_bad("zero-size.csv", "16,1\n0,1\n", "line 2: expected size,weight");
  expect_bad("negative.csv", "16,-1\n", "line 1: expected size,weight");
  expect_bad("three-fields.csv", "16,1,2\n", "line 1: expected size,weight");
  expect_bad("no-comma.csv", "16\n", "line 1: expected size,weight");
  expect_bad("too-big.csv", "2147483648,1\n", "line 1: expected size,weight");
  expect_bad("empty.csv", "", "has no size,weight lines");
  expect_bad("comments.csv", "# nothing here\n\n", "has no size,weight lines");
  expect_bad("all-zero.csv", "16,0\n32,0\n", "every weight is 0");

  /* dist=file without a file */
  r = wt_cell(&mmb_alloc_glibc, "churn-random", "dist=file;window=8;n=10", 1);
  CHECKF(strcmp(r.status, "error") == 0 && strstr(r.reason, "dist=file needs file=PATH"),
         "no file: %s %s", r.status, r.reason);
  /* other distributions ignore the file */
  r = wt_cell(&mmb_alloc_glibc, "churn-random", "dist=uniform;file=/nonexistent;window=8;n=10", 1);
  CHECKF(strcmp(r.status, "ok") == 0, "uniform with a file: %s %s", r.status, r.reason);

  test_build_and_draw();
  test_build_errors();
  test_load();

  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
  return mmb_test_exit();
}
