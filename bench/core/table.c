/* mmbench — RFC-4180 CSV reader into an in-memory table of strings.
 * Every field is copied, NUL-terminated, into one buffer; the table keeps the
 * offset of each field (header first, then rows × cols). */
#include "table.h"

#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct mmb_table {
  char *buf;          /* every field, NUL-terminated, back to back */
  size_t *off;        /* (rows + 1) * cols offsets into buf; row 0 = header */
  size_t *line;       /* 1-based input line where each data row starts */
  size_t rows, cols;  /* data rows, columns */
  int dropped_tail;   /* an incomplete last record was dropped */
  size_t valid_bytes; /* input bytes up to the end of the last complete record */
};

/* ------------------------------------------------------------------------
 * Growable arrays used while parsing
 * ---------------------------------------------------------------------- */
typedef struct builder {
  char *buf;
  size_t len, cap;
  size_t *off;
  size_t noff, capoff;
  size_t *line;
  size_t nline, capline;
} builder;

static int grow(void **p, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return 0;
  size_t n = *cap ? *cap : 64;
  while (n < need) n *= 2;
  void *q = realloc(*p, n * elem);
  if (!q) return -ENOMEM;
  *p = q;
  *cap = n;
  return 0;
}

static int put_char(builder *b, char c) {
  if (grow((void **)&b->buf, &b->cap, b->len + 1, 1)) return -ENOMEM;
  b->buf[b->len++] = c;
  return 0;
}

static int put_off(builder *b, size_t off) {
  if (grow((void **)&b->off, &b->capoff, b->noff + 1, sizeof *b->off)) return -ENOMEM;
  b->off[b->noff++] = off;
  return 0;
}

static int put_line(builder *b, size_t line) {
  if (grow((void **)&b->line, &b->capline, b->nline + 1, sizeof *b->line)) return -ENOMEM;
  b->line[b->nline++] = line;
  return 0;
}

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t errlen, int rc, const char *fmt, ...) {
  if (err && errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return rc;
}

/* ------------------------------------------------------------------------
 * Parsing
 * ---------------------------------------------------------------------- */
int mmb_table_parse(const char *text, size_t len, mmb_table **out, char *err, size_t errlen) {
  builder b = {0};
  size_t i = 0, line = 1, width = 0, rows = 0;
  int rc = 0, dropped = 0;
  size_t valid = 0;
  *out = NULL;
  if (err && errlen) err[0] = 0;
  if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) i = 3;

  while (i < len) {
    /* One record: fields until an unquoted line end or the end of input. */
    size_t rec_line = line, rec_first = b.noff, rec_buf = b.len, nf = 0;
    int ended = 0, open_quote = 0;
    if (text[i] == '\n' || (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')) {
      i += text[i] == '\r' ? 2 : 1; /* blank line */
      line++;
      valid = i;
      continue;
    }
    for (;;) {
      if ((rc = put_off(&b, b.len))) goto out;
      nf++;
      if (i < len && text[i] == '"') {
        i++;
        open_quote = 1;
        while (i < len) {
          char c = text[i++];
          if (c == '"') {
            if (i < len && text[i] == '"') {
              i++;
            } else {
              open_quote = 0;
              break;
            }
          }
          if (c == '\n') line++;
          if ((rc = put_char(&b, c))) goto out;
        }
        if (!open_quote && i < len && text[i] != ',' && text[i] != '\n' &&
            !(text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')) {
          rc = fail(err, errlen, -EINVAL,
                    "line %zu: text after a closing quote (a quote inside a quoted field "
                    "must be doubled)",
                    line);
          goto out;
        }
      } else {
        while (i < len && text[i] != ',' && text[i] != '\n' &&
               !(text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')) {
          if ((rc = put_char(&b, text[i++]))) goto out;
        }
      }
      if ((rc = put_char(&b, 0))) goto out;
      if (i >= len) break;
      if (text[i] == ',') {
        i++;
        continue;
      }
      i += text[i] == '\r' ? 2 : 1; /* line end */
      line++;
      ended = 1;
      break;
    }

    if (rows == 0 && b.nline == 0 && width == 0) {
      /* The header. */
      if (open_quote) {
        rc = fail(err, errlen, -EINVAL, "line %zu: unterminated quote in the header", rec_line);
        goto out;
      }
      for (size_t f = 0; f < nf; f++) {
        if (b.buf[b.off[rec_first + f]] == 0) {
          rc = fail(err, errlen, -EINVAL, "line %zu: header column %zu has no name", rec_line,
                    f + 1);
          goto out;
        }
      }
      width = nf;
      valid = i;
      continue;
    }
    if (!ended && (open_quote || nf < width)) {
      /* A last record cut short: drop it. */
      b.noff = rec_first;
      b.len = rec_buf;
      dropped = 1;
      break;
    }
    if (open_quote) {
      rc = fail(err, errlen, -EINVAL, "line %zu: unterminated quote", rec_line);
      goto out;
    }
    if (nf != width) {
      rc = fail(err, errlen, -EINVAL, "line %zu: %zu fields where the header has %zu", rec_line, nf,
                width);
      goto out;
    }
    if ((rc = put_line(&b, rec_line))) goto out;
    rows++;
    valid = i;
  }
  if (width == 0) {
    rc = fail(err, errlen, -EINVAL, "no header line (the file is empty)");
    goto out;
  }

  mmb_table *t = calloc(1, sizeof *t);
  if (!t) {
    rc = -ENOMEM;
    goto out;
  }
  t->buf = b.buf;
  t->off = b.off;
  t->line = b.line;
  t->rows = rows;
  t->cols = width;
  t->dropped_tail = dropped;
  t->valid_bytes = valid;
  *out = t;
  return 0;
out:
  if (rc == -ENOMEM) fail(err, errlen, rc, "out of memory");
  free(b.buf);
  free(b.off);
  free(b.line);
  return rc;
}

int mmb_table_read(const char *path, mmb_table **out, char *err, size_t errlen) {
  *out = NULL;
  size_t len;
  char *text = mmb_read_file(path, &len);
  if (!text) {
    int e = errno;
    if (e == EISDIR) return fail(err, errlen, -e, "%s is a directory, not a CSV file", path);
    return fail(err, errlen, -e, "cannot read %s: %s", path, strerror(e));
  }
  char msg[256] = "";
  int rc = mmb_table_parse(text, len, out, msg, sizeof msg);
  free(text);
  if (rc) return fail(err, errlen, rc, "%s: %s", path, msg);
  return 0;
}

void mmb_table_free(mmb_table *t) {
  if (!t) return;
  free(t->buf);
  free(t->off);
  free(t->line);
  free(t);
}

/* ------------------------------------------------------------------------
 * Access
 * ---------------------------------------------------------------------- */
size_t mmb_table_rows(const mmb_table *t) { return t->rows; }
size_t mmb_table_cols(const mmb_table *t) { return t->cols; }

const char *mmb_table_name(const mmb_table *t, size_t col) {
  return col < t->cols ? t->buf + t->off[col] : NULL;
}

int mmb_table_col(const mmb_table *t, const char *name) {
  for (size_t c = 0; c < t->cols; c++)
    if (strcmp(t->buf + t->off[c], name) == 0) return (int)c;
  return -1;
}

const char *mmb_table_get(const mmb_table *t, size_t row, int col) {
  if (col < 0 || (size_t)col >= t->cols || row >= t->rows) return "";
  return t->buf + t->off[(row + 1) * t->cols + (size_t)col];
}

int mmb_table_num(const mmb_table *t, size_t row, int col, double *v) {
  const char *s = mmb_table_get(t, row, col);
  while (*s == ' ' || *s == '\t') s++;
  if (*s == 0) return 0;
  char *end;
  errno = 0;
  double x = strtod(s, &end);
  if (end == s) return -EINVAL;
  while (*end == ' ' || *end == '\t') end++;
  if (*end) return -EINVAL;
  if (isnan(x)) return 0; /* "nan": nothing was measured */
  *v = x;
  return 1;
}

double mmb_table_numv(const mmb_table *t, size_t row, int col) {
  double v;
  return mmb_table_num(t, row, col, &v) == 1 ? v : NAN;
}

size_t mmb_table_line(const mmb_table *t, size_t row) { return row < t->rows ? t->line[row] : 0; }

int mmb_table_dropped_tail(const mmb_table *t) { return t->dropped_tail; }

size_t mmb_table_valid_bytes(const mmb_table *t) { return t->valid_bytes; }

/* ---------------------------------------------------------------------------
 * Writing
 * ------------------------------------------------------------------------- */
static int needs_quotes(const char *field) { return strpbrk(field, ",\"\n\r") != NULL; }

void mmb_csv_field(char *buf, size_t len, size_t *used, const char *field, int first) {
  size_t u = *used;
  if (len == 0) return;
  if (!first && u + 1 < len) buf[u++] = ',';
  int quote = needs_quotes(field);
  if (quote && u + 1 < len) buf[u++] = '"';
  for (const char *p = field; *p && u + 2 < len; p++) {
    if (*p == '"') buf[u++] = '"';
    buf[u++] = *p;
  }
  if (quote && u + 1 < len) buf[u++] = '"';
  buf[u < len ? u : len - 1] = 0;
  *used = u;
}

void mmb_csv_fput(FILE *f, const char *field, int first) {
  if (!first) fputc(',', f);
  if (!needs_quotes(field)) {
    fputs(field, f);
    return;
  }
  fputc('"', f);
  for (const char *p = field; *p; p++) {
    if (*p == '"') fputc('"', f);
    fputc(*p, f);
  }
  fputc('"', f);
}
