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
/* The input being parsed, where the parser is in it, and what it built. */
typedef struct parser {
  const char *text;
  size_t len, i, line; /* input, its length, the next byte, its 1-based line */
  builder b;           /* the fields so far */
  char *err;           /* where a message goes */
  size_t errlen;
} parser;

/* One record as read: where it starts and how it ended. */
typedef struct record {
  size_t line;    /* its first line */
  size_t first;   /* the index of its first field's offset */
  size_t buf;     /* the buffer's length at its start */
  size_t nf;      /* its fields */
  int ended;      /* it ended with a line end (not the end of input) */
  int open_quote; /* its last field's quote was never closed */
} record;

/* Whether the parser is at a line end (\n or \r\n); it must be in the input. */
static int at_eol(const parser *p) {
  return p->text[p->i] == '\n' ||
         (p->text[p->i] == '\r' && p->i + 1 < p->len && p->text[p->i + 1] == '\n');
}

/* A quoted field from its opening quote: doubled quotes are one; a closing
 * quote must end the field. Returns 0, -EINVAL or -ENOMEM. */
static int read_quoted(parser *p, int *open_quote) {
  p->i++;
  *open_quote = 1;
  while (p->i < p->len) {
    char c = p->text[p->i++];
    if (c == '"') {
      if (p->i < p->len && p->text[p->i] == '"') {
        p->i++;
      } else {
        *open_quote = 0;
        break;
      }
    }
    if (c == '\n') p->line++;
    int rc = put_char(&p->b, c);
    if (rc) return rc;
  }
  if (!*open_quote && p->i < p->len && p->text[p->i] != ',' && !at_eol(p))
    return fail(p->err, p->errlen, -EINVAL,
                "line %zu: text after a closing quote (a quote inside a quoted field "
                "must be doubled)",
                p->line);
  return 0;
}

/* One field, quoted or not, up to its comma or line end, NUL-terminated in
 * the buffer. Returns 0, -EINVAL or -ENOMEM. */
static int read_field(parser *p, int *open_quote) {
  int rc = put_off(&p->b, p->b.len);
  if (rc) return rc;
  if (p->i < p->len && p->text[p->i] == '"') {
    if ((rc = read_quoted(p, open_quote))) return rc;
  } else {
    while (p->i < p->len && p->text[p->i] != ',' && !at_eol(p))
      if ((rc = put_char(&p->b, p->text[p->i++]))) return rc;
  }
  return put_char(&p->b, 0);
}

/* One record: fields until an unquoted line end or the end of input.
 * Returns 0, -EINVAL or -ENOMEM. */
static int read_record(parser *p, record *r) {
  *r = (record){.line = p->line, .first = p->b.noff, .buf = p->b.len};
  for (;;) {
    int rc = read_field(p, &r->open_quote);
    if (rc) return rc;
    r->nf++;
    if (p->i >= p->len) return 0;
    if (p->text[p->i] == ',') {
      p->i++;
      continue;
    }
    p->i += p->text[p->i] == '\r' ? 2 : 1; /* line end */
    p->line++;
    r->ended = 1;
    return 0;
  }
}

/* The header: closed quotes and a name for every column. Returns 0 or
 * -EINVAL. */
static int check_header(parser *p, const record *r) {
  if (r->open_quote)
    return fail(p->err, p->errlen, -EINVAL, "line %zu: unterminated quote in the header", r->line);
  for (size_t f = 0; f < r->nf; f++)
    if (p->b.buf[p->b.off[r->first + f]] == 0)
      return fail(p->err, p->errlen, -EINVAL, "line %zu: header column %zu has no name", r->line,
                  f + 1);
  return 0;
}

/* A data row: closed quotes and as many fields as the header; records its
 * line. Returns 0, -EINVAL or -ENOMEM. */
static int check_row(parser *p, const record *r, size_t width) {
  if (r->open_quote)
    return fail(p->err, p->errlen, -EINVAL, "line %zu: unterminated quote", r->line);
  if (r->nf != width)
    return fail(p->err, p->errlen, -EINVAL, "line %zu: %zu fields where the header has %zu",
                r->line, r->nf, width);
  return put_line(&p->b, r->line);
}

/* The table that takes over the builder's arrays. Returns 0 or -ENOMEM. */
static int make_table(builder *b, size_t rows, size_t width, int dropped, size_t valid,
                      mmb_table **out) {
  mmb_table *t = calloc(1, sizeof *t);
  if (!t) return -ENOMEM;
  t->buf = b->buf;
  t->off = b->off;
  t->line = b->line;
  t->rows = rows;
  t->cols = width;
  t->dropped_tail = dropped;
  t->valid_bytes = valid;
  *out = t;
  return 0;
}

int mmb_table_parse(const char *text, size_t len, mmb_table **out, char *err, size_t errlen) {
  parser p = {.text = text, .len = len, .line = 1, .err = err, .errlen = errlen};
  size_t width = 0, rows = 0, valid = 0;
  int rc = 0, dropped = 0;
  *out = NULL;
  if (err && errlen) err[0] = 0;
  if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) p.i = 3;
  while (p.i < len) {
    if (at_eol(&p)) { /* blank line */
      p.i += text[p.i] == '\r' ? 2 : 1;
      p.line++;
      valid = p.i;
      continue;
    }
    record r;
    if ((rc = read_record(&p, &r))) break;
    if (width == 0) { /* the header: a record has at least one field */
      if ((rc = check_header(&p, &r))) break;
      width = r.nf;
      valid = p.i;
      continue;
    }
    if (!r.ended && (r.open_quote || r.nf < width)) { /* a last record cut short: drop it */
      p.b.noff = r.first;
      p.b.len = r.buf;
      dropped = 1;
      break;
    }
    if ((rc = check_row(&p, &r, width))) break;
    rows++;
    valid = p.i;
  }
  if (!rc && width == 0) rc = fail(err, errlen, -EINVAL, "no header line (the file is empty)");
  if (!rc) rc = make_table(&p.b, rows, width, dropped, valid, out);
  if (!rc) return 0;
  if (rc == -ENOMEM) fail(err, errlen, rc, "out of memory");
  free(p.b.buf);
  free(p.b.off);
  free(p.b.line);
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
