/* mmbench — measurement records and their one-line wire format. */
#include "record.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void copy_clean(char *dst, size_t len, const char *src) {
  size_t i = 0;
  for (; src && src[i] && i + 1 < len; i++) {
    char c = src[i];
    dst[i] = (c == '\t' || c == '\n' || c == '\r') ? ' ' : c;
  }
  dst[i] = 0;
}

void mmb_record_init(mmb_record *r, mmb_status status) {
  memset(r, 0, sizeof *r);
  r->status = status;
}

void mmb_record_clear_values(mmb_record *r) { r->n = 0; }

void mmb_record_fail(mmb_record *r, mmb_status status, const char *fmt, ...) {
  char buf[sizeof r->reason];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  r->status = status;
  copy_clean(r->reason, sizeof r->reason, buf);
}

void mmb_record_set(mmb_record *r, const char *name, const char *value) {
  int i;
  for (i = 0; i < r->n; i++)
    if (strcmp(r->f[i].name, name) == 0) break;
  if (i == r->n) {
    if (r->n == MMB_REC_MAX) return;
    r->n++;
    copy_clean(r->f[i].name, MMB_REC_NAME, name);
  }
  copy_clean(r->f[i].value, MMB_REC_VALUE, value);
}

void mmb_record_set_u64(mmb_record *r, const char *name, uint64_t v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
  mmb_record_set(r, name, buf);
}

void mmb_record_set_f(mmb_record *r, const char *name, double v) {
  char buf[48];
  snprintf(buf, sizeof buf, "%.6g", v);
  mmb_record_set(r, name, buf);
}

const char *mmb_record_get(const mmb_record *r, const char *name) {
  for (int i = 0; i < r->n; i++)
    if (strcmp(r->f[i].name, name) == 0) return r->f[i].value;
  return NULL;
}

int mmb_record_num(const mmb_record *r, const char *name, double *v) {
  const char *s = mmb_record_get(r, name);
  if (!s || !*s) return 0;
  char *end;
  double x = strtod(s, &end);
  if (*end) return 0;
  *v = x;
  return 1;
}

void mmb_record_encode(const mmb_record *r, char *buf, size_t len) {
  int used = snprintf(buf, len, "status=%s\treason=%s", mmb_status_name(r->status), r->reason);
  for (int i = 0; i < r->n && used > 0 && (size_t)used < len; i++)
    used += snprintf(buf + used, len - (size_t)used, "\t%s=%s", r->f[i].name, r->f[i].value);
}

int mmb_record_decode(mmb_record *r, const char *line) {
  mmb_record_init(r, MMB_ST_OK);
  char *copy = strdup(line), *save = NULL;
  int seen_status = 0;
  for (char *item = strtok_r(copy, "\t\n", &save); item; item = strtok_r(NULL, "\t\n", &save)) {
    char *eq = strchr(item, '=');
    if (!eq) continue;
    *eq = 0;
    if (strcmp(item, "status") == 0) {
      seen_status = mmb_status_parse(eq + 1, &r->status) == 0;
    } else if (strcmp(item, "reason") == 0) {
      copy_clean(r->reason, sizeof r->reason, eq + 1);
    } else {
      mmb_record_set(r, item, eq + 1);
    }
  }
  free(copy);
  return seen_status ? 0 : -1;
}
