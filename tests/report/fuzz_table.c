/* mmbench tests — libFuzzer target for the CSV reader (bench/table.c).
 * Any input: no crash; when it parses, every field is readable, numbers are
 * classified, the valid prefix re-parses to the same table with no dropped
 * tail, and writing the table back with RFC-4180 quoting re-parses to the
 * same fields (round trip). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

#define REQUIRE(c)                                                                                 \
  do {                                                                                             \
    if (!(c)) {                                                                                    \
      fprintf(stderr, "fuzz_table: %s:%d: %s\n", __FILE__, __LINE__, #c);                          \
      abort();                                                                                     \
    }                                                                                              \
  } while (0)

static void append(char **buf, size_t *len, size_t *cap, const char *s, size_t n) {
  if (*len + n + 1 > *cap) {
    *cap = (*len + n + 1) * 2;
    *buf = realloc(*buf, *cap);
    REQUIRE(*buf);
  }
  memcpy(*buf + *len, s, n);
  *len += n;
}

/* A field, always quoted, quotes doubled. */
static void append_field(char **buf, size_t *len, size_t *cap, const char *f) {
  append(buf, len, cap, "\"", 1);
  for (const char *p = f; *p; p++) {
    if (*p == '"')
      append(buf, len, cap, "\"\"", 2);
    else
      append(buf, len, cap, p, 1);
  }
  append(buf, len, cap, "\"", 1);
}

static int same(const mmb_table *a, const mmb_table *b) {
  if (mmb_table_rows(a) != mmb_table_rows(b) || mmb_table_cols(a) != mmb_table_cols(b)) return 0;
  for (size_t c = 0; c < mmb_table_cols(a); c++)
    if (strcmp(mmb_table_name(a, c), mmb_table_name(b, c))) return 0;
  for (size_t r = 0; r < mmb_table_rows(a); r++)
    for (size_t c = 0; c < mmb_table_cols(a); c++)
      if (strcmp(mmb_table_get(a, r, (int)c), mmb_table_get(b, r, (int)c))) return 0;
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mmb_table *t = NULL;
  char err[256];
  int rc = mmb_table_parse((const char *)data, size, &t, err, sizeof err);
  if (rc) {
    REQUIRE(t == NULL && (rc == -EINVAL || rc == -ENOMEM) && err[0]);
    return 0;
  }
  REQUIRE(t && mmb_table_cols(t) > 0);
  REQUIRE(mmb_table_valid_bytes(t) <= size);
  for (size_t r = 0; r < mmb_table_rows(t); r++) {
    REQUIRE(mmb_table_line(t, r) >= 2);
    for (size_t c = 0; c < mmb_table_cols(t); c++) {
      double v;
      int k = mmb_table_num(t, r, (int)c, &v);
      REQUIRE(k == 1 || k == 0 || k == -EINVAL);
      REQUIRE(mmb_table_get(t, r, (int)c) != NULL);
    }
  }
  /* The valid prefix: the same table, nothing dropped. */
  mmb_table *p = NULL;
  REQUIRE(mmb_table_parse((const char *)data, mmb_table_valid_bytes(t), &p, err, sizeof err) == 0);
  REQUIRE(same(t, p) && !mmb_table_dropped_tail(p));
  mmb_table_free(p);
  /* Round trip through a writer that quotes every field. Fields holding a
   * NUL byte are cut there by the reader's C strings, so compare after that. */
  char *buf = NULL;
  size_t len = 0, cap = 0;
  for (size_t r = 0; r <= mmb_table_rows(t); r++) {
    for (size_t c = 0; c < mmb_table_cols(t); c++) {
      if (c) append(&buf, &len, &cap, ",", 1);
      append_field(&buf, &len, &cap, r ? mmb_table_get(t, r - 1, (int)c) : mmb_table_name(t, c));
    }
    append(&buf, &len, &cap, "\n", 1);
  }
  mmb_table *q = NULL;
  REQUIRE(mmb_table_parse(buf, len, &q, err, sizeof err) == 0);
  REQUIRE(same(t, q) && !mmb_table_dropped_tail(q));
  mmb_table_free(q);
  free(buf);
  mmb_table_free(t);
  return 0;
}
