/* mmbench — one measurement record: a status, a reason and named values.
 * The child sends it to the runner as one line `key=value<TAB>...`; the
 * runner writes it as a runs.csv row, looking each column up by name. */
#ifndef MMB_RECORD_H
#define MMB_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#define MMB_REC_MAX 160
#define MMB_REC_NAME 48
#define MMB_REC_VALUE 256

typedef struct mmb_record {
  mmb_status status; /* status.h: ok, crash, error, ... */
  char reason[256];  /* one line; empty when ok */
  int n;
  struct {
    char name[MMB_REC_NAME];
    char value[MMB_REC_VALUE];
  } f[MMB_REC_MAX];
} mmb_record;

void mmb_record_init(mmb_record *r, mmb_status status);
void mmb_record_fail(mmb_record *r, mmb_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Set (or replace) a value. Integers, doubles and text. */
void mmb_record_set(mmb_record *r, const char *name, const char *value);
void mmb_record_set_u64(mmb_record *r, const char *name, uint64_t v);
void mmb_record_set_f(mmb_record *r, const char *name, double v);
/* The value of name, or NULL. */
const char *mmb_record_get(const mmb_record *r, const char *name);
/* 1 and *v when name holds a number, else 0. */
int mmb_record_num(const mmb_record *r, const char *name, double *v);
/* Drop every measured value (a failed run keeps only status and reason). */
void mmb_record_clear_values(mmb_record *r);

/* Wire format: one line, no newline inside. len >= 4096 recommended. */
void mmb_record_encode(const mmb_record *r, char *buf, size_t len);
/* 0, or -1 when line is not a record (no status, or not a status word). */
int mmb_record_decode(mmb_record *r, const char *line);

#endif
