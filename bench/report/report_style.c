/* mmbench — how the report looks: one fixed style per allocator (colour from
 * the Okabe–Ito colour-blind-safe palette, a fill pattern and a point type,
 * so an allocator looks the same in every figure), number formatting,
 * file-name slugs, gnuplot quoting. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report.h"

/* ------------------------------------------------------------------------
 * Allocator styles
 * ---------------------------------------------------------------------- */
/* Okabe & Ito (2008), "Color Universal Design": distinguishable with every
 * common colour-vision deficiency. Grey is the baseline of each kind. */
#define OI_BLACK "#000000"
#define OI_ORANGE "#E69F00"
#define OI_SKY "#56B4E9"
#define OI_GREEN "#009E73"
#define OI_YELLOW "#F0E442"
#define OI_BLUE "#0072B2"
#define OI_VERMILLION "#D55E00"
#define OI_PURPLE "#CC79A7"
#define GREY "#999999"
/* Paul Tol's colour-blind-safe "muted" set, for the allocators beyond eight */
#define TOL_INDIGO "#332288"
#define TOL_TEAL "#44AA99"
#define TOL_WINE "#882255"
#define TOL_ROSE "#CC6677"
#define TOL_OLIVE "#999933"

/* Registry names: every one has a colour of its own (Okabe–Ito, then Tol's
 * muted set), plus a fill pattern and a point type. */
static const struct {
  const char *name;
  mmb_rstyle style;
} fixed[] = {
    {"glibc", {GREY, 0, 5}},           {"jemalloc", {OI_ORANGE, 0, 7}},
    {"mimalloc", {OI_SKY, 0, 9}},      {"tcmalloc", {OI_GREEN, 0, 11}},
    {"scudo", {TOL_ROSE, 0, 14}},      {"tbbmalloc", {TOL_OLIVE, 0, 3}},
    {"arena", {OI_VERMILLION, 0, 13}}, {"arena-pool", {OI_BLUE, 0, 15}},
    {"manual", {TOL_INDIGO, 4, 4}},    {"rc", {OI_PURPLE, 0, 6}},
    {"rc+cc", {TOL_TEAL, 0, 8}},       {"gc", {OI_BLACK, 0, 10}},
    {"boehm", {TOL_WINE, 5, 12}},
};

static const char *const palette[] = {OI_ORANGE, OI_SKY,        OI_GREEN,  OI_YELLOW,
                                      OI_BLUE,   OI_VERMILLION, OI_PURPLE, OI_BLACK};

void mmb_rep_style(const char *allocator, mmb_rstyle *st) {
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
    if (strcmp(fixed[i].name, allocator) == 0) {
      *st = fixed[i].style;
      return;
    }
  }
  /* Variants and preloads: a stable hash (FNV-1a) into the palette, with a
   * hatch pattern so they do not look like a registry allocator. */
  uint32_t h = 2166136261u;
  for (const char *s = allocator; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
  snprintf(st->color, sizeof st->color, "%s", palette[h % 8]);
  st->pattern = 4 + (int)((h >> 8) % 3);
  st->point = 1 + (int)((h >> 12) % 14);
}

/* ------------------------------------------------------------------------
 * Numbers
 * ---------------------------------------------------------------------- */
static void fmt3(double v, char *buf, size_t len) {
  double a = fabs(v);
  if (a >= 100 || a == 0)
    snprintf(buf, len, "%.0f", v);
  else if (a >= 10)
    snprintf(buf, len, "%.1f", v);
  else if (a >= 1)
    snprintf(buf, len, "%.2f", v);
  else
    snprintf(buf, len, "%.3g", v);
}

void mmb_rep_fmt_si(double v, const char *unit, char *buf, size_t len) {
  if (isnan(v)) {
    snprintf(buf, len, "-");
    return;
  }
  /* ns: move up to µs, ms, s; others: k, M, G. */
  int is_ns = strcmp(unit, "ns") == 0;
  static const char *const time_units[] = {"ns", "µs", "ms", "s"};
  static const char *const prefixes[] = {"", "k", "M", "G", "T"};
  int i = 0;
  double a = fabs(v);
  if (is_ns) {
    while (a >= 1000 && i < 3) a /= 1000, v /= 1000, i++;
    char num[32];
    fmt3(v, num, sizeof num);
    snprintf(buf, len, "%s %s", num, time_units[i]);
  } else {
    while (a >= 1000 && i < 4) a /= 1000, v /= 1000, i++;
    char num[32];
    fmt3(v, num, sizeof num);
    snprintf(buf, len, "%s %s%s", num, prefixes[i], unit);
  }
}

void mmb_rep_fmt_kb(double kb, char *buf, size_t len) {
  if (isnan(kb)) {
    snprintf(buf, len, "-");
    return;
  }
  char num[32];
  if (kb >= 1024.0 * 1024.0) {
    fmt3(kb / (1024.0 * 1024.0), num, sizeof num);
    snprintf(buf, len, "%s GiB", num);
  } else if (kb >= 1024.0) {
    fmt3(kb / 1024.0, num, sizeof num);
    snprintf(buf, len, "%s MiB", num);
  } else {
    fmt3(kb, num, sizeof num);
    snprintf(buf, len, "%s KiB", num);
  }
}

/* ------------------------------------------------------------------------
 * Text
 * ---------------------------------------------------------------------- */
void mmb_rep_slug(const char *text, char *buf, size_t len) {
  size_t n = 0;
  int dash = 0;
  for (const char *s = text; *s && n + 1 < len; s++) {
    char c = *s;
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_') {
      buf[n++] = c;
      dash = 0;
    } else if (c == '+') {
      if (n + 2 < len) buf[n++] = 'p', buf[n++] = 'p';
      dash = 0;
    } else if (!dash && n > 0) {
      buf[n++] = '-';
      dash = 1;
    }
  }
  while (n > 0 && buf[n - 1] == '-') n--;
  if (n == 0 && len > 1) buf[n++] = 'x';
  buf[n] = 0;
}

void mmb_rep_gp_quote(const char *text, char *buf, size_t len) {
  size_t n = 0;
  for (const char *s = text; *s && n + 2 < len; s++) {
    if (*s == '\n' || *s == '\r') {
      buf[n++] = ' ';
      continue;
    }
    if (*s == '\'') buf[n++] = '\'';
    buf[n++] = *s;
  }
  buf[n] = 0;
}

void mmb_rep_gp_word(const char *text, char *buf, size_t len) {
  size_t n = 0;
  for (const char *s = text; *s && n + 1 < len; s++)
    buf[n++] = (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\'' || *s == '"') ? '_' : *s;
  if (n == 0 && len > 1) buf[n++] = '_';
  buf[n] = 0;
}

void mmb_rep_basename(const char *dir, char *buf, size_t len) {
  char real[PATH_MAX];
  const char *p = realpath(dir, real) ? real : dir;
  size_t n = strlen(p);
  while (n > 1 && p[n - 1] == '/') n--;
  size_t start = n;
  while (start > 0 && p[start - 1] != '/') start--;
  snprintf(buf, len, "%.*s", (int)(n - start), p + start);
}
