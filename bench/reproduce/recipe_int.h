/* mmbench — what the recipe files share inside (recipe_parse.c,
 * recipe_terms.c, recipe_run.c, recipe_eval.c); not for other callers. */
#ifndef MMB_RECIPE_INT_H
#define MMB_RECIPE_INT_H

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recipe.h"

#define MMB_RECIPE_MAX_LINE 4096

/* ---------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------- */
typedef struct pctx { /* where messages go */
  const char *file;
  char *err;
  size_t errlen;
} pctx;

__attribute__((format(printf, 3, 4))) static inline int perr(const pctx *p, int line,
                                                             const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (p->err && p->errlen) snprintf(p->err, p->errlen, "%s:%d: %s", p->file, line, msg);
  return -EINVAL;
}

static inline char *trim(char *s) {
  while (*s == ' ' || *s == '\t') s++;
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) s[--n] = 0;
  return s;
}

/* Copy with a length check: 0, or -1 when src does not fit. */
static inline int copy(char *dst, size_t len, const char *src) {
  size_t n = strlen(src);
  if (n >= len) return -1;
  memcpy(dst, src, n + 1);
  return 0;
}

/* A short, printable excerpt of text for messages. */
static inline void excerpt(const char *text, char *buf, size_t len) {
  size_t j = 0;
  for (size_t i = 0; text[i] && j + 4 < len; i++) {
    unsigned char c = (unsigned char)text[i];
    buf[j++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    if (i >= 60) {
      buf[j++] = '.', buf[j++] = '.', buf[j++] = '.';
      break;
    }
  }
  buf[j] = 0;
}

static inline int parse_number(const char *s, double *v) {
  char *end;
  errno = 0;
  if (!*s || isspace((unsigned char)*s)) return -1;
  *v = strtod(s, &end);
  if (end == s || *end || errno == ERANGE || !isfinite(*v)) return -1;
  return 0;
}

static inline int valid_name(const char *s) {
  if (!*s || !(islower((unsigned char)*s) || isdigit((unsigned char)*s))) return 0;
  for (; *s; s++)
    if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '.' || *s == '_' ||
          *s == '-'))
      return 0;
  return 1;
}

static inline int in_list(const char *const *list, const char *s) {
  for (int i = 0; list[i]; i++)
    if (strcmp(list[i], s) == 0) return 1;
  return 0;
}

/* ---------------------------------------------------------------------------
 * recipe_terms.c
 * ------------------------------------------------------------------------- */
/* Whitespace-separated KEY=VALUE terms of text (modified) into s. */
int mmb_recipe_parse_terms(const pctx *p, int line, char *text, mmb_recipe_sel *s);
/* One expect: value into c (where: terms are merged by the parser). */
int mmb_recipe_parse_check(const pctx *p, int line, const char *value, mmb_recipe_check *c);
/* One condition: value (NAME: CHECK) into r->conditions[i]. */
int mmb_recipe_parse_condition(const pctx *p, int line, const char *value, mmb_recipe *r, int i);
/* c->at_text's names into c->at[] (each a condition of r). */
int mmb_recipe_resolve_at(const pctx *p, const mmb_recipe *r, mmb_recipe_check *c);
int mmb_recipe_parse_require(const pctx *p, int line, const char *value, mmb_recipe_require *q);
int mmb_recipe_parse_run(const pctx *p, int line, const char *value, mmb_recipe_run *run);
/* Every metric name of c is known: a runs.csv column or an event of --events. */
int mmb_recipe_check_metric_names(const pctx *p, const mmb_recipe *r, const mmb_recipe_check *c);
/* Every metric of c is produced by the run lines (sim_ needs --counters
 * sim, lat_ needs --latency, counters need counters on). */
int mmb_recipe_check_metric_produced(const pctx *p, const mmb_recipe *r, const mmb_recipe_check *c);

/* A cell as the selectors see it. */
typedef struct mmb_recipe_cellkey {
  const char *workload, *params, *allocator;
  int threads;
  int run; /* 1-based */
} mmb_recipe_cellkey;

int mmb_recipe_sel_match(const mmb_recipe_sel *s, const mmb_recipe_cellkey *c);
void mmb_recipe_sel_text(const mmb_recipe_sel *s, char *buf, size_t len);
/* Canonical params "k=v;k=v": the value of key into buf; 1 found. */
int mmb_recipe_param_value(const char *params, const char *key, char *buf, size_t len);

extern const char *const mmb_recipe_op_text[]; /* ">=", ">", "<=", "<", "==" */

#endif
