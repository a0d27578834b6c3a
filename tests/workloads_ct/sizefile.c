/* mmbench tests — churn-random dist=file: the size,weight CSV reader.
 *
 * The committed example file works; a file with one size gives exactly
 * window * size live bytes (so the sizes really come from the file); comments,
 * a header, spaces, CRLF and zero weights are accepted; weights shape the
 * draw; a missing file and malformed files make setup fail (status `error`)
 * with a one-line reason naming the file and the problem. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <unistd.h>

#include "ct_util.h"
#include "mmb_config.h"

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

static ct_result with_file(const char *path, const char *extra) {
  char params[1024];
  snprintf(params, sizeof params, "dist=file;file=%s;%s", path, extra);
  return ct_cell(&mmb_alloc_glibc, "churn-random", params, 1);
}

static void expect_ok_live(const char *name, const char *text, double live) {
  const char *path = write_file(name, text);
  ct_result r = with_file(path, "window=50;n=500");
  CHECKF(strcmp(r.status, "ok") == 0, "%s: %s %s", name, r.status, r.reason);
  CHECKF(r.live == live, "%s: live_bytes %.0f, expected %.0f", name, r.live, live);
}

static void expect_error(const char *name, const char *path, const char *what) {
  ct_result r = with_file(path, "window=8;n=100");
  CHECKF(strcmp(r.status, "error") == 0, "%s: status %s, expected error", name, r.status);
  CHECKF(strstr(r.reason, what) != NULL, "%s: reason '%s' should say '%s'", name, r.reason, what);
  CHECKF(strstr(r.reason, path) != NULL, "%s: reason '%s' should name %s", name, r.reason, path);
  CHECKF(!strchr(r.reason, '\n'), "%s: reason is not one line", name);
}

static void expect_bad(const char *name, const char *text, const char *what) {
  expect_error(name, write_file(name, text), what);
}

int main(void) {
  CHECK(mkdtemp(dir) != NULL);

  /* the committed example */
  ct_result ex = with_file(MMB_SOURCE_DIR "/workloads/data/sizes-example.csv", "window=200;n=5000");
  CHECKF(strcmp(ex.status, "ok") == 0, "example file: %s %s", ex.status, ex.reason);
  CHECK(ex.live > 0);

  /* sizes come from the file, exactly */
  expect_ok_live("one.csv", "100,1\n", 50 * 100);
  expect_ok_live("forms.csv",
                 "# comment line\n size , weight \n\n32, 1 # trailing comment\r\n64 ,0\r\n",
                 50 * 32);

  /* weights shape the draw: 3:1 between 16 and 1024 bytes -> mean 268 */
  const char *w31 = write_file("w31.csv", "16,3\n1024,1\n");
  ct_result r = with_file(w31, "window=4000;n=1");
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
  r = ct_cell(&mmb_alloc_glibc, "churn-random", "dist=file;window=8;n=10", 1);
  CHECKF(strcmp(r.status, "error") == 0 && strstr(r.reason, "dist=file needs file=PATH"),
         "no file: %s %s", r.status, r.reason);
  /* other distributions ignore the file */
  r = ct_cell(&mmb_alloc_glibc, "churn-random", "dist=uniform;file=/nonexistent;window=8;n=10", 1);
  CHECKF(strcmp(r.status, "ok") == 0, "uniform with a file: %s %s", r.status, r.reason);

  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
  return mmb_test_exit();
}
