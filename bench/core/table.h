/* mmbench — the project's one CSV reader and writer. Reading (RFC 4180): a
 * whole file into an in-memory table of strings (rows × columns), columns
 * looked up by header name. Writing: one field at a time, quoted when needed
 * (mmb_csv_field into a buffer, mmb_csv_fput to a stream).
 *
 * Used by `mmbench report`, `mmbench compare` and the runner's --resume.
 * Rules: the first record is the header; fields may be double-quoted (a quote
 * inside is doubled) and may then hold commas and newlines; records end with
 * LF or CRLF; blank lines are skipped; a UTF-8 byte-order mark is ignored.
 * Every record must have as many fields as the header, except that a last
 * record with no line end that is incomplete (fewer fields, or an open quote)
 * is taken as a row cut short by a killed writer: it is dropped and reported
 * by mmb_table_dropped_tail(). An empty field means "not measured". */
#ifndef MMB_TABLE_H
#define MMB_TABLE_H

#include <stddef.h>
#include <stdio.h>

typedef struct mmb_table mmb_table; /* opaque */

/* Parse len bytes of CSV text. 0 and *out (free with mmb_table_free), or a
 * negative errno with a one-line message in err (may be NULL):
 * -EINVAL malformed (empty header, quote error, row of the wrong width; the
 * message names the line), -ENOMEM. */
int mmb_table_parse(const char *text, size_t len, mmb_table **out, char *err, size_t errlen);

/* Read and parse a file. As mmb_table_parse, plus -errno of open/read
 * (-ENOENT, -EACCES, -EISDIR, ...), with the path in the message. */
int mmb_table_read(const char *path, mmb_table **out, char *err, size_t errlen);

void mmb_table_free(mmb_table *t); /* NULL is fine */

/* Data rows (the header excluded) and columns. */
size_t mmb_table_rows(const mmb_table *t);
size_t mmb_table_cols(const mmb_table *t);

/* Header name of column col, or NULL past the end. */
const char *mmb_table_name(const mmb_table *t, size_t col);

/* Index of the column named name (exact match), or -1. */
int mmb_table_col(const mmb_table *t, const char *name);

/* Field text of (row, col); "" when col < 0 or either index is out of range,
 * so the result of mmb_table_col can be passed unchecked. Never NULL. */
const char *mmb_table_get(const mmb_table *t, size_t row, int col);

/* The field as a number: 1 and *v when it holds a decimal number (spaces
 * around it allowed), 0 when it is empty or the column is absent ("not
 * measured": *v untouched), -EINVAL when it holds something else. */
int mmb_table_num(const mmb_table *t, size_t row, int col, double *v);

/* The field as a number, or NAN when it is empty, absent or not a number. */
double mmb_table_numv(const mmb_table *t, size_t row, int col);

/* 1-based line of the input where data row row starts (for messages). */
size_t mmb_table_line(const mmb_table *t, size_t row);

/* 1 when an incomplete last record (no line end) was dropped, else 0. */
int mmb_table_dropped_tail(const mmb_table *t);

/* Bytes of the input up to the end of the last complete record: a writer
 * that appends (--resume) truncates the file to this length first. */
size_t mmb_table_valid_bytes(const mmb_table *t);

/* ---------------------------------------------------------------------------
 * Writing
 * ------------------------------------------------------------------------- */
/* Append one CSV field (quoted when it holds , " CR or LF; a comma before
 * it unless first) to buf at *used; never writes past len (truncates). */
void mmb_csv_field(char *buf, size_t len, size_t *used, const char *field, int first);

/* The same to a stream. */
void mmb_csv_fput(FILE *f, const char *field, int first);

#endif
