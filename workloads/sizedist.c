/* mmbench — empirical size distributions (sizedist.h): the size,weight CSV
 * reader and the alias tables the draws use. */
#include "sizedist.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void mmb_sizedist_free(mmb_sizedist *d) {
  free(d->size);
  free(d->thresh);
  free(d->alias);
  memset(d, 0, sizeof *d);
}

/* Walker / Vose alias tables for O(1) draws from the weights. 0, or -1 when
 * out of memory. */
static int build_alias(mmb_sizedist *d, const double *w, double total) {
  size_t n = d->n;
  double *p = malloc(n * sizeof *p);
  uint32_t *small = malloc(n * sizeof *small), *large = malloc(n * sizeof *large);
  d->thresh = malloc(n * sizeof *d->thresh);
  d->alias = malloc(n * sizeof *d->alias);
  if (!p || !small || !large || !d->thresh || !d->alias) {
    free(p), free(small), free(large);
    return -1;
  }
  size_t ns = 0, nl = 0;
  for (size_t i = 0; i < n; i++) {
    p[i] = w[i] * (double)n / total;
    if (p[i] < 1.0)
      small[ns++] = (uint32_t)i;
    else
      large[nl++] = (uint32_t)i;
  }
  while (ns && nl) {
    uint32_t l = small[--ns], g = large[--nl];
    d->thresh[l] = (uint64_t)(p[l] * 0x1.0p64);
    d->alias[l] = g;
    p[g] = (p[g] + p[l]) - 1.0;
    if (p[g] < 1.0)
      small[ns++] = g;
    else
      large[nl++] = g;
  }
  while (nl) { /* probability 1: always itself */
    uint32_t g = large[--nl];
    d->thresh[g] = UINT64_MAX;
    d->alias[g] = g;
  }
  while (ns) { /* rounding leftovers: also 1 */
    uint32_t l = small[--ns];
    d->thresh[l] = UINT64_MAX;
    d->alias[l] = l;
  }
  free(p), free(small), free(large);
  return 0;
}

/* Finish d from its n sizes (d->size, already owned by d) and weights w:
 * the weights' sum checked, the alias tables built, the largest size with a
 * nonzero weight found. `what` names the source in messages. 0, or -1 with
 * err (d then freed). */
static int finish(mmb_sizedist *d, size_t n, const double *w, const char *what, char *err,
                  size_t errlen) {
  double total = 0;
  for (size_t i = 0; i < n; i++) total += w[i];
  d->n = n;
  int rc = 0;
  if (!(total > 0)) {
    snprintf(err, errlen, "%s: every weight is 0", what);
    rc = -1;
  } else if (!isfinite(total)) {
    snprintf(err, errlen, "%s: weights too large (sum is not finite)", what);
    rc = -1;
  } else if (build_alias(d, w, total) != 0) {
    snprintf(err, errlen, "%s: out of memory", what);
    rc = -1;
  }
  d->max = 0;
  for (size_t i = 0; rc == 0 && i < n; i++)
    if (w[i] > 0 && d->size[i] > d->max) d->max = d->size[i];
  if (rc != 0) mmb_sizedist_free(d);
  return rc;
}

static int valid_entry(unsigned long long size, double weight) {
  return size >= 1 && size <= MMB_SIZEDIST_MAX_SIZE && isfinite(weight) && weight >= 0;
}

int mmb_sizedist_build(mmb_sizedist *d, const uint32_t *sizes, const double *weights, size_t n,
                       char *err, size_t errlen) {
  memset(d, 0, sizeof *d);
  if (n == 0 || n > MMB_SIZEDIST_MAX_ENTRIES) {
    snprintf(err, errlen, "size table: %zu entries, expected 1..%u", n, MMB_SIZEDIST_MAX_ENTRIES);
    return -1;
  }
  for (size_t i = 0; i < n; i++)
    if (!valid_entry(sizes[i], weights[i])) {
      snprintf(err, errlen,
               "size table entry %zu: size %u, weight %g (expected size 1..%llu, "
               "weight >= 0)",
               i, sizes[i], weights[i], MMB_SIZEDIST_MAX_SIZE);
      return -1;
    }
  d->size = malloc(n * sizeof *d->size);
  if (!d->size) {
    snprintf(err, errlen, "size table: out of memory");
    return -1;
  }
  memcpy(d->size, sizes, n * sizeof *d->size);
  return finish(d, n, weights, "size table", err, errlen);
}

/* ---------------------------------------------------------------------------
 * The CSV reader
 * ------------------------------------------------------------------------- */
static void trim(char **s) {
  char *b = *s, *e;
  while (*b == ' ' || *b == '\t' || *b == '\r' || *b == '\n') b++;
  e = b + strlen(b);
  while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n')) *--e = 0;
  *s = b;
}

/* Parse "size,weight". 0 on success. */
static int parse_size_line(char *line, uint64_t *size, double *weight) {
  char *end;
  if (*line < '0' || *line > '9') return -1;
  errno = 0;
  unsigned long long sz = strtoull(line, &end, 10);
  if (errno || end == line) return -1;
  while (*end == ' ' || *end == '\t') end++;
  if (*end != ',') return -1;
  char *wtext = end + 1;
  while (*wtext == ' ' || *wtext == '\t') wtext++;
  if (!*wtext || *wtext == '-') return -1;
  errno = 0;
  double w = strtod(wtext, &end);
  if (errno || end == wtext) return -1;
  while (*end == ' ' || *end == '\t') end++;
  if (*end) return -1;
  if (!valid_entry(sz, w)) return -1;
  *size = sz;
  *weight = w;
  return 0;
}

/* The first data line is a header when it reads size,weight (any case,
 * spaces anywhere). */
static int is_header(const char *s) {
  char hdr[32];
  size_t k = 0;
  for (const char *c = s; *c && k + 1 < sizeof hdr; c++)
    if (*c != ' ' && *c != '\t') hdr[k++] = *c;
  hdr[k] = 0;
  return strcasecmp(hdr, "size,weight") == 0;
}

/* Read f's lines into d->size and *w (grown as needed, d->n set). 0, or -1
 * with err. */
static int read_lines(mmb_sizedist *d, double **w, FILE *f, const char *path, char *err,
                      size_t errlen) {
  char *line = NULL;
  size_t cap = 0, n = 0, room = 0;
  long lineno = 0;
  int rc = 0, seen_data = 0;
  while (getline(&line, &cap, f) >= 0) {
    lineno++;
    char *hash = strchr(line, '#');
    if (hash) *hash = 0;
    char *s = line;
    trim(&s);
    if (!*s) continue;
    if (!seen_data) {
      seen_data = 1;
      if (is_header(s)) continue;
    }
    uint64_t size;
    double weight;
    if (parse_size_line(s, &size, &weight) != 0) {
      snprintf(err, errlen,
               "size file '%s' line %ld: expected size,weight (size 1..%llu, weight >= 0), "
               "got '%.40s'",
               path, lineno, MMB_SIZEDIST_MAX_SIZE, s);
      rc = -1;
      break;
    }
    if (n == MMB_SIZEDIST_MAX_ENTRIES) {
      snprintf(err, errlen, "size file '%s': more than %u entries", path, MMB_SIZEDIST_MAX_ENTRIES);
      rc = -1;
      break;
    }
    if (n == room) {
      room = room ? room * 2 : 64;
      double *nw = realloc(*w, room * sizeof **w);
      uint32_t *ns = realloc(d->size, room * sizeof *ns);
      if (nw) *w = nw;
      if (ns) d->size = ns;
      if (!nw || !ns) {
        snprintf(err, errlen, "size file '%s': out of memory", path);
        rc = -1;
        break;
      }
    }
    d->size[n] = (uint32_t)size;
    (*w)[n++] = weight;
  }
  if (rc == 0 && ferror(f)) {
    snprintf(err, errlen, "cannot read size file '%s': %s", path, strerror(errno));
    rc = -1;
  }
  if (rc == 0 && n == 0) {
    snprintf(err, errlen, "size file '%s' has no size,weight lines", path);
    rc = -1;
  }
  free(line);
  d->n = n;
  return rc;
}

int mmb_sizedist_load(mmb_sizedist *d, const char *path, char *err, size_t errlen) {
  memset(d, 0, sizeof *d);
  FILE *f = fopen(path, "r");
  if (!f) {
    snprintf(err, errlen, "cannot open size file '%s': %s", path, strerror(errno));
    return -1;
  }
  double *w = NULL;
  int rc = read_lines(d, &w, f, path, err, errlen);
  fclose(f);
  if (rc == 0) {
    char what[4200]; /* a path as long as PATH_MAX fits */
    snprintf(what, sizeof what, "size file '%s'", path);
    rc = finish(d, d->n, w, what, err, errlen);
  } else {
    mmb_sizedist_free(d);
  }
  free(w);
  return rc;
}
