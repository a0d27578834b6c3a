/* mmbench tests — the CSV reader (bench/table.c): RFC-4180 quoting, line
 * ends, column lookup, empty vs 0 vs text, a row cut short at the end, and
 * malformed input refused with the line named; and the field writer
 * (mmb_csv_field) quoting what needs it. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "table.h"

static mmb_table *parse(const char *text, int *rc, char *err, size_t errlen) {
  mmb_table *t = NULL;
  *rc = mmb_table_parse(text, strlen(text), &t, err, errlen);
  return t;
}

static void test_basic(void) {
  char err[256];
  int rc;
  mmb_table *t = parse("workload,params,threads,ns_per_op,cycles\n"
                       "malloc-free,size=64;n=10,1,21.5,\n"
                       "null,n=1,2,0,12345\n",
                       &rc, err, sizeof err);
  CHECKF(rc == 0 && t, "rc %d: %s", rc, err);
  if (!t) return;
  CHECK(mmb_table_rows(t) == 2);
  CHECK(mmb_table_cols(t) == 5);
  CHECK(strcmp(mmb_table_name(t, 3), "ns_per_op") == 0);
  CHECK(mmb_table_name(t, 5) == NULL);
  CHECK(mmb_table_col(t, "threads") == 2);
  CHECK(mmb_table_col(t, "nope") == -1);
  CHECK(strcmp(mmb_table_get(t, 0, 1), "size=64;n=10") == 0);
  CHECK(strcmp(mmb_table_get(t, 1, 0), "null") == 0);
  /* Out of range and absent columns read as "". */
  CHECK(strcmp(mmb_table_get(t, 2, 0), "") == 0);
  CHECK(strcmp(mmb_table_get(t, 0, -1), "") == 0);
  CHECK(strcmp(mmb_table_get(t, 0, 99), "") == 0);
  /* Numbers: empty = not measured (0), a real 0 is a number (1). */
  double v = -1;
  CHECK(mmb_table_num(t, 0, 3, &v) == 1 && v == 21.5);
  v = -1;
  CHECK(mmb_table_num(t, 0, 4, &v) == 0 && v == -1);
  CHECK(mmb_table_num(t, 1, 3, &v) == 1 && v == 0);
  CHECK(mmb_table_num(t, 1, 4, &v) == 1 && v == 12345);
  CHECK(mmb_table_num(t, 0, 0, &v) == -EINVAL);
  CHECK(mmb_table_num(t, 0, mmb_table_col(t, "absent"), &v) == 0);
  CHECK(isnan(mmb_table_numv(t, 0, 4)));
  CHECK(isnan(mmb_table_numv(t, 0, 0)));
  CHECK(mmb_table_numv(t, 1, 2) == 2);
  CHECK(mmb_table_line(t, 0) == 2 && mmb_table_line(t, 1) == 3);
  CHECK(!mmb_table_dropped_tail(t));
  mmb_table_free(t);
}

static void test_quoting(void) {
  char err[256];
  int rc;
  /* Quoted commas, doubled quotes, an embedded newline, CRLF ends, BOM. */
  const char *text = "\xef\xbb\xbf"
                     "a,b,c\r\n"
                     "\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n"
                     "\"\",plain, 7 \r\n";
  mmb_table *t = parse(text, &rc, err, sizeof err);
  CHECKF(rc == 0 && t, "rc %d: %s", rc, err);
  if (!t) return;
  CHECK(mmb_table_col(t, "a") == 0); /* the BOM is not part of the name */
  CHECK(mmb_table_rows(t) == 2);
  CHECK(strcmp(mmb_table_get(t, 0, 0), "x,y") == 0);
  CHECK(strcmp(mmb_table_get(t, 0, 1), "say \"hi\"") == 0);
  CHECK(strcmp(mmb_table_get(t, 0, 2), "two\nlines") == 0);
  CHECK(strcmp(mmb_table_get(t, 1, 0), "") == 0);
  CHECK(strcmp(mmb_table_get(t, 1, 1), "plain") == 0);
  double v;
  CHECK(mmb_table_num(t, 1, 2, &v) == 1 && v == 7); /* spaces around a number */
  CHECK(mmb_table_line(t, 1) == 4);                 /* the quoted newline counts */
  mmb_table_free(t);
}

static void test_tail_and_blank(void) {
  char err[256];
  int rc;
  /* A last row cut short by a killed writer is dropped, not an error. */
  const char *cut = "a,b,c\n1,2,3\n\n4,5";
  mmb_table *t = parse(cut, &rc, err, sizeof err);
  CHECKF(rc == 0 && t, "rc %d: %s", rc, err);
  if (t) {
    CHECK(mmb_table_rows(t) == 1);
    CHECK(mmb_table_dropped_tail(t));
    CHECK(mmb_table_valid_bytes(t) == strlen("a,b,c\n1,2,3\n\n"));
    mmb_table_free(t);
  }
  /* ... also inside an open quote. */
  t = parse("a,b\n1,\"unfinished", &rc, err, sizeof err);
  CHECK(rc == 0 && t && mmb_table_rows(t) == 0 && mmb_table_dropped_tail(t));
  mmb_table_free(t);
  /* A complete last row without a line end is kept. */
  t = parse("a,b\n1,2", &rc, err, sizeof err);
  CHECK(rc == 0 && t && mmb_table_rows(t) == 1 && !mmb_table_dropped_tail(t));
  if (t) CHECK(mmb_table_valid_bytes(t) == 7);
  mmb_table_free(t);
  /* Header only. */
  t = parse("a,b\n", &rc, err, sizeof err);
  CHECK(rc == 0 && t && mmb_table_rows(t) == 0 && mmb_table_cols(t) == 2);
  mmb_table_free(t);
}

static void test_malformed(void) {
  char err[256];
  int rc;
  mmb_table *t = parse("a,b,c\n1,2,3\n1,2\n4,5,6\n", &rc, err, sizeof err);
  CHECK(rc == -EINVAL && !t);
  CHECKF(strstr(err, "line 3") != NULL, "message '%s' names no line", err);
  t = parse("a,b\n1,2,3\n", &rc, err, sizeof err);
  CHECK(rc == -EINVAL && !t);
  t = parse("a,b\n\"x\"y,2\n", &rc, err, sizeof err);
  CHECK(rc == -EINVAL && !t && strstr(err, "quote"));
  t = parse("", &rc, err, sizeof err);
  CHECK(rc == -EINVAL && !t);
  t = parse("a,,c\n", &rc, err, sizeof err);
  CHECK(rc == -EINVAL && !t && strstr(err, "no name"));
}

static void test_read(void) {
  char err[512];
  mmb_table *t = NULL;
  int rc = mmb_table_read("/nonexistent/runs.csv", &t, err, sizeof err);
  CHECK(rc == -ENOENT && !t && strstr(err, "/nonexistent/runs.csv"));
  rc = mmb_table_read("/", &t, err, sizeof err);
  CHECK(rc == -EISDIR && !t);
  char path[] = "/tmp/mmb_table_XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  if (fd < 0) return;
  /* Bigger than one read buffer. */
  FILE *f = fdopen(fd, "w");
  fputs("k,v\n", f);
  for (int i = 0; i < 20000; i++) fprintf(f, "key%d,%d\n", i, i);
  fclose(f);
  rc = mmb_table_read(path, &t, err, sizeof err);
  CHECKF(rc == 0 && t, "%s", err);
  if (t) {
    CHECK(mmb_table_rows(t) == 20000);
    CHECK(mmb_table_numv(t, 19999, 1) == 19999);
    CHECK(strcmp(mmb_table_get(t, 12345, 0), "key12345") == 0);
  }
  mmb_table_free(t);
  unlink(path);
}

static void test_csv_field(void) {
  char buf[256];
  size_t u = 0;
  mmb_csv_field(buf, sizeof buf, &u, "plain", 1);
  mmb_csv_field(buf, sizeof buf, &u, "a,b", 0);
  mmb_csv_field(buf, sizeof buf, &u, "say \"hi\"", 0);
  mmb_csv_field(buf, sizeof buf, &u, "", 0);
  CHECKF(strcmp(buf, "plain,\"a,b\",\"say \"\"hi\"\"\",") == 0, "%s", buf);
}

int main(void) {
  test_basic();
  test_quoting();
  test_tail_and_blank();
  test_malformed();
  test_read();
  test_csv_field();
  return mmb_test_exit();
}
