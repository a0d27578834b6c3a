/* mmbench — allocation models: the text format, written and read.
 *
 * A model is a sequence of lines "keyword value..." (or "keyword name value
 * name value ..."), '#' starting a comment. The reader expects the lines in
 * the order the writer puts them; every error names the line, the field
 * and what would be right. See model_format.h and results/README.md. */
#define _GNU_SOURCE
#include "model_format.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const double mmb_model_q[MMB_MODEL_NQ] = {0,   0.01, 0.05, 0.1, 0.2,  0.3,  0.4, 0.5,
                                          0.6, 0.7,  0.8,  0.9, 0.95, 0.99, 1};

double mmb_model_quantile(const double *t, double u) {
  if (u <= 0) return t[0];
  for (int j = 0; j + 1 < MMB_MODEL_NQ; j++)
    if (u < mmb_model_q[j + 1]) {
      double f = (u - mmb_model_q[j]) / (mmb_model_q[j + 1] - mmb_model_q[j]);
      return t[j] + f * (t[j + 1] - t[j]);
    }
  return t[MMB_MODEL_NQ - 1];
}

/* ---------------------------------------------------------------------------
 * Writing
 * ------------------------------------------------------------------------- */
static void put_q(FILE *o, const char *key, const double *q) {
  fputs(key, o);
  for (int i = 0; i < MMB_MODEL_NQ; i++) fprintf(o, " %.6g", q[i]);
  fputc('\n', o);
}

int mmb_model_write(const mmb_model *m, FILE *o) {
  fprintf(o, "# mmbench allocation model (mmbench trace model); layout: results/README.md\n");
  fprintf(o, "mmbench-model %d\n", MMB_MODEL_VERSION);
  fprintf(o, "source %s\n", m->source[0] ? m->source : "-");
  fprintf(o, "allocations %llu\n", (unsigned long long)m->allocations);
  fprintf(o, "allocated_bytes %llu\n", (unsigned long long)m->allocated_bytes);
  fprintf(o, "peak_live_bytes %llu\n", (unsigned long long)m->peak_live_bytes);
  fprintf(o, "peak_live_blocks %llu\n", (unsigned long long)m->peak_live_blocks);
  fprintf(o, "live_at_end %llu\n", (unsigned long long)m->live_at_end);
  fprintf(o, "births calloc %llu aligned %llu realloc %llu\n", (unsigned long long)m->calloc_n,
          (unsigned long long)m->aligned_n, (unsigned long long)m->realloc_n);
  fprintf(o, "frees %llu remote %llu\n", (unsigned long long)m->frees,
          (unsigned long long)m->remote);
  fprintf(o, "# alignment, aligned births with it\naligns %d\n", m->naligns);
  for (int i = 0; i < m->naligns; i++)
    fprintf(o, "align %llu %llu\n", (unsigned long long)m->align[i],
            (unsigned long long)m->align_n[i]);
  fprintf(o, "threads %d\n", m->nthreads);
  for (int i = 0; i < m->nthreads; i++)
    fprintf(o, "thread %d allocs %llu frees %llu remote %llu\n", i,
            (unsigned long long)m->th[i].allocs, (unsigned long long)m->th[i].frees,
            (unsigned long long)m->th[i].remote);
  fprintf(o, "# live heap: births done, live bytes, live blocks\nprofile %d\n", m->nprofile);
  for (int i = 0; i < m->nprofile; i++)
    fprintf(o, "at %llu %llu %llu\n", (unsigned long long)m->prof_at[i],
            (unsigned long long)m->prof_bytes[i], (unsigned long long)m->prof_blocks[i]);
  fprintf(
      o,
      "# lifetimes: quantiles at these points; phase P = births in 64th P of the run (phases "
      "without births left out); rare N: the N births of a class of at most %d listed, "
      "birth AT SIZE LIFE; lives V:N ... other:N after a phase: its freed ones' commonest exact "
      "lifetimes and how many had each, rest: the quantiles of the others; resized R:N ... other:N "
      "chained M of E after ended: the commonest ratios new size / old size of the class's "
      "reallocs, how many had each, and the others; of its blocks born by a realloc, E ended, M "
      "of them by a realloc\n",
      MMB_MODEL_RARE);
  put_q(o, "quantiles", mmb_model_q);
  fprintf(o, "classes %d\n", m->nclasses);
  for (int c = 0; c < m->nclasses; c++) {
    const mmb_model_class *k = &m->cls[c];
    fprintf(o, "class %llu %llu allocs %llu bytes %llu\n", (unsigned long long)k->lo,
            (unsigned long long)k->hi, (unsigned long long)k->allocs, (unsigned long long)k->bytes);
    fprintf(o, "sizes");
    for (int i = 0; i < k->nsizes; i++)
      fprintf(o, " %llu:%llu", (unsigned long long)k->size[i], (unsigned long long)k->size_n[i]);
    fprintf(o, " other:%llu\n", (unsigned long long)k->other_n);
    fprintf(o, "born calloc %llu aligned %llu realloc %llu\n", (unsigned long long)k->calloc_n,
            (unsigned long long)k->aligned_n, (unsigned long long)k->realloc_n);
    fprintf(o, "ended free %llu realloc %llu remote %llu\n", (unsigned long long)k->frees,
            (unsigned long long)k->realloc_out, (unsigned long long)k->remote);
    if (k->resized) {
      fprintf(o, "resized");
      for (int i = 0; i < k->nratios; i++)
        fprintf(o, " %.17g:%llu", k->ratio[i], (unsigned long long)k->ratio_n[i]);
      fprintf(o, " other:%llu chained %llu of %llu\n", (unsigned long long)k->ratio_other,
              (unsigned long long)k->chained, (unsigned long long)k->reborn_ends);
    }
    fprintf(o, "median allocs %.6g bytes %.6g\n", k->median_allocs, k->median_bytes);
    put_q(o, "life_bytes", k->life_bytes);
    for (int p = 0; p < MMB_MODEL_PHASES; p++) {
      if (!k->ph[p].allocs) continue; /* a phase not listed has no birth of the class */
      fprintf(o, "phase %d allocs %llu never %.6g end %.6g life", p,
              (unsigned long long)k->ph[p].allocs, k->ph[p].never, k->ph[p].end);
      for (int i = 0; i < MMB_MODEL_NQ; i++) fprintf(o, " %.6g", k->ph[p].life[i]);
      fputc('\n', o);
      if (!k->ph[p].nlives) continue;
      fprintf(o, "lives");
      for (int i = 0; i < k->ph[p].nlives; i++)
        fprintf(o, " %llu:%llu", (unsigned long long)k->ph[p].lives[i],
                (unsigned long long)k->ph[p].lives_n[i]);
      fprintf(o, " other:%llu\n", (unsigned long long)k->ph[p].lives_other);
      if (k->ph[p].lives_other) put_q(o, "rest", k->ph[p].rest);
    }
    fprintf(o, "rare %d\n", k->nrare);
    for (int i = 0; i < k->nrare; i++) {
      const mmb_model_rare *x = &k->rare[i];
      fprintf(o, "birth %llu %llu ", (unsigned long long)x->at, (unsigned long long)x->size);
      if (x->life == MMB_MODEL_LIFE_NEVER)
        fprintf(o, "never\n");
      else if (x->life == MMB_MODEL_LIFE_END)
        fprintf(o, "end\n");
      else
        fprintf(o, "%llu\n", (unsigned long long)x->life);
    }
  }
  fprintf(o, "end\n");
  return ferror(o) ? -1 : 0;
}

/* ---------------------------------------------------------------------------
 * Reading
 * ------------------------------------------------------------------------- */
#define MAXTOK 64

typedef struct rd {
  const char *p; /* next line */
  const char *name;
  int line;       /* number of the line in tok */
  char buf[4096]; /* the line */
  char *tok[MAXTOK];
  int ntok;
  char *err;
  size_t errlen;
} rd;

static int fail(rd *r, const char *fmt, ...) {
  char what[600];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  snprintf(r->err, r->errlen, "%s:%d: %s", r->name, r->line, what);
  return -1;
}

/* The next line that is neither blank nor a comment, split into tokens. 0,
 * or -1 at the end of the text (r->line past the last line). */
static int next_line(rd *r) {
  while (*r->p) {
    const char *e = strchr(r->p, '\n');
    size_t n = e ? (size_t)(e - r->p) : strlen(r->p);
    r->line++;
    size_t k = n < sizeof r->buf - 1 ? n : sizeof r->buf - 1;
    memcpy(r->buf, r->p, k);
    r->buf[k] = 0;
    r->p += n + (e != NULL);
    char *hash = strchr(r->buf, '#');
    if (hash) *hash = 0;
    r->ntok = 0;
    char *save = NULL;
    for (char *s = strtok_r(r->buf, " \t\r", &save); s && r->ntok < MAXTOK;
         s = strtok_r(NULL, " \t\r", &save))
      r->tok[r->ntok++] = s;
    if (r->ntok) return 0;
  }
  r->line++;
  r->ntok = 0;
  return -1;
}

/* The next line must start with key. */
static int expect(rd *r, const char *key, const char *form) {
  if (next_line(r) != 0) return fail(r, "the model ends early: expected '%s'", form);
  if (strcmp(r->tok[0], key) != 0) return fail(r, "expected '%s', found '%s'", form, r->tok[0]);
  return 0;
}

static int u64_at(rd *r, int i, const char *field, uint64_t *v) {
  if (i >= r->ntok) return fail(r, "missing %s (a whole number)", field);
  char *end;
  errno = 0;
  if (r->tok[i][0] == '-' || !(r->tok[i][0] >= '0' && r->tok[i][0] <= '9'))
    return fail(r, "%s must be a whole number >= 0, not '%s'", field, r->tok[i]);
  unsigned long long x = strtoull(r->tok[i], &end, 10);
  if (*end || errno) return fail(r, "%s must be a whole number >= 0, not '%s'", field, r->tok[i]);
  *v = x;
  return 0;
}

static int dbl_at(rd *r, int i, const char *field, double lo, double hi, double *v) {
  if (i >= r->ntok) return fail(r, "missing %s (a number in [%g, %g])", field, lo, hi);
  char *end;
  double x = strtod(r->tok[i], &end);
  if (*end || !isfinite(x) || x < lo || x > hi)
    return fail(r, "%s must be a number in [%g, %g], not '%s'", field, lo, hi, r->tok[i]);
  *v = x;
  return 0;
}

/* "key value" pairs from token i on: tok[i] must be keys[0], tok[i+1] its value ... */
static int pairs(rd *r, int i, const char *const *keys, uint64_t *const *vals, int n) {
  for (int k = 0; k < n; k++, i += 2) {
    if (i >= r->ntok) return fail(r, "missing '%s N'", keys[k]);
    if (strcmp(r->tok[i], keys[k]) != 0)
      return fail(r, "expected '%s N', found '%s'", keys[k], r->tok[i]);
    if (u64_at(r, i + 1, keys[k], vals[k]) != 0) return -1;
  }
  if (i < r->ntok) return fail(r, "unexpected '%s' at the end of the line", r->tok[i]);
  return 0;
}

static int one_u64(rd *r, const char *key, uint64_t *v) {
  if (expect(r, key, key) != 0 || u64_at(r, 1, key, v) != 0) return -1;
  if (r->ntok > 2) return fail(r, "unexpected '%s' after '%s N'", r->tok[2], key);
  return 0;
}

static int count_line(rd *r, const char *key, int max, int *n) {
  uint64_t v = 0;
  if (one_u64(r, key, &v) != 0) return -1;
  if (v > (uint64_t)max)
    return fail(r, "%s: at most %d, not %llu", key, max, (unsigned long long)v);
  *n = (int)v;
  return 0;
}

/* NQ quantile values from token i: non-decreasing, >= 0. */
static int quantiles(rd *r, int i, const char *field, double *q) {
  if (r->ntok - i != MMB_MODEL_NQ)
    return fail(r, "%s needs %d numbers (one per quantile point), found %d", field, MMB_MODEL_NQ,
                r->ntok - i < 0 ? 0 : r->ntok - i);
  for (int k = 0; k < MMB_MODEL_NQ; k++) {
    if (dbl_at(r, i + k, field, 0, 1e300, &q[k]) != 0) return -1;
    if (k && q[k] < q[k - 1])
      return fail(r, "%s must not decrease (%g after %g)", field, q[k], q[k - 1]);
  }
  return 0;
}

/* After phase p's line (format 3): "lives V:N ... other:N" and, when other
 * is not 0, "rest Q0 ... Q14", if the next line is one; ph->nlives stays 0
 * when it is not. */
static int parse_lives(rd *r, int p, mmb_model_phase *ph, uint64_t allocations) {
  const char *back = r->p;
  int back_line = r->line;
  if (next_line(r) != 0 || strcmp(r->tok[0], "lives") != 0) {
    r->p = back, r->line = back_line;
    return 0;
  }
  uint64_t sum = 0;
  int other = 0;
  for (int i = 1; i < r->ntok; i++) {
    char *colon = strchr(r->tok[i], ':'), *end;
    if (!colon) return fail(r, "lives: '%s' should be LIFETIME:COUNT or other:COUNT", r->tok[i]);
    *colon = 0;
    other = strcmp(r->tok[i], "other") == 0;
    unsigned long long v = other ? 0 : strtoull(r->tok[i], &end, 10);
    if (!other && (*end || !(r->tok[i][0] >= '0' && r->tok[i][0] <= '9')))
      return fail(r, "lives: '%s' is not a lifetime in births (a whole number)", r->tok[i]);
    unsigned long long n = strtoull(colon + 1, &end, 10);
    if (*end || !(colon[1] >= '0' && colon[1] <= '9'))
      return fail(r, "lives: '%s' is not a count (a whole number)", colon + 1);
    if (other) {
      if (i != r->ntok - 1) return fail(r, "lives: other:N must come last");
      ph->lives_other = n;
    } else {
      if (ph->nlives == MMB_MODEL_NLIVES)
        return fail(r, "lives: at most %d exact lifetimes a phase", MMB_MODEL_NLIVES);
      if (ph->nlives && v <= ph->lives[ph->nlives - 1])
        return fail(r, "lives: the lifetimes go up (%llu after %llu)", v,
                    (unsigned long long)ph->lives[ph->nlives - 1]);
      if (v >= allocations)
        return fail(r, "lives: lifetime %llu reaches past the last birth (below allocations %llu)",
                    v, (unsigned long long)allocations);
      if (!n) return fail(r, "lives: %llu:0; a listed lifetime has a count of at least 1", v);
      ph->lives[ph->nlives] = v;
      ph->lives_n[ph->nlives++] = n;
    }
    sum += n;
  }
  if (!other || !ph->nlives)
    return fail(r, "expected 'lives V:N ... other:N' (at least one lifetime, other:N last)");
  if (sum > ph->allocs)
    return fail(r, "lives: the counts add up to %llu, more than phase %d's allocs (%llu)",
                (unsigned long long)sum, p, (unsigned long long)ph->allocs);
  if (!ph->lives_other) return 0;
  return expect(r, "rest", "rest Q0 ... Q14 (the other lifetimes' quantiles, after other:N > 0)") !=
                 0
             ? -1
             : quantiles(r, 1, "rest", ph->rest);
}

/* Format 4: "resized R:N ... other:N chained M of E" after a class's "ended"
 * line, if the next line is one; k->resized stays 0 when it is not. */
static int parse_resized(rd *r, mmb_model_class *k) {
  const char *back = r->p;
  int back_line = r->line;
  if (next_line(r) != 0 || strcmp(r->tok[0], "resized") != 0) {
    r->p = back, r->line = back_line;
    return 0;
  }
  const char *form = "resized R:N ... other:N chained M of E";
  int nt = r->ntok - 4; /* the ratios and other:N; then chained M of E */
  if (nt < 2 || strcmp(r->tok[nt], "chained") != 0 || strcmp(r->tok[nt + 2], "of") != 0)
    return fail(r,
                "expected '%s' (the ratios may be none; chained: of the class's blocks born by "
                "a realloc, how many ended, M of them by a realloc)",
                form);
  if (u64_at(r, nt + 1, "chained M", &k->chained) != 0 ||
      u64_at(r, nt + 3, "chained ... of E", &k->reborn_ends) != 0)
    return -1;
  if (k->chained > k->reborn_ends || k->chained > k->realloc_out ||
      k->reborn_ends > k->frees + k->realloc_out)
    return fail(r,
                "resized: chained %llu of %llu; M <= E, M <= the class's ends by realloc (%llu), "
                "E <= its ends (%llu)",
                (unsigned long long)k->chained, (unsigned long long)k->reborn_ends,
                (unsigned long long)k->realloc_out,
                (unsigned long long)(k->frees + k->realloc_out));
  k->resized = 1;
  uint64_t sum = 0;
  int other = 0;
  for (int i = 1; i < nt; i++) {
    char *colon = strchr(r->tok[i], ':'), *end;
    if (!colon) return fail(r, "resized: '%s' should be RATIO:COUNT or other:COUNT", r->tok[i]);
    *colon = 0;
    other = strcmp(r->tok[i], "other") == 0;
    double v = 0;
    if (!other) {
      errno = 0;
      v = strtod(r->tok[i], &end);
      if (*end || errno || !(v > 0) || v > (double)MMB_MODEL_MAX_SIZE)
        return fail(r,
                    "resized: '%s' is not a ratio new size / old size (a number > 0, at most %llu)",
                    r->tok[i], MMB_MODEL_MAX_SIZE);
    }
    unsigned long long n = strtoull(colon + 1, &end, 10);
    if (*end || !(colon[1] >= '0' && colon[1] <= '9'))
      return fail(r, "resized: '%s' is not a count (a whole number)", colon + 1);
    if (other) {
      if (i != nt - 1) return fail(r, "resized: other:N must come after the ratios");
      k->ratio_other = n;
    } else {
      if (k->nratios == MMB_MODEL_NRATIOS)
        return fail(r, "resized: at most %d ratios a class", MMB_MODEL_NRATIOS);
      if (k->nratios && v <= k->ratio[k->nratios - 1])
        return fail(r, "resized: the ratios go up (%.17g after %.17g)", v,
                    k->ratio[k->nratios - 1]);
      if (!n) return fail(r, "resized: %.17g:0; a listed ratio has a count of at least 1", v);
      k->ratio[k->nratios] = v;
      k->ratio_n[k->nratios++] = n;
    }
    sum += n;
  }
  if (!other) return fail(r, "expected '%s' (other:N after the ratios)", form);
  if (sum != k->realloc_out)
    return fail(r,
                "resized: the counts add up to %llu, the class's blocks ended by realloc %llu "
                "times ('ended ... realloc N')",
                (unsigned long long)sum, (unsigned long long)k->realloc_out);
  return 0;
}

/* "rare N" and its N lines "birth AT SIZE LIFE" (LIFE: births, never or end). */
static int parse_rare(rd *r, const mmb_model *m, mmb_model_class *k) {
  if (count_line(r, "rare", MMB_MODEL_RARE, &k->nrare) != 0) return -1;
  if (k->nrare && (uint64_t)k->nrare != k->allocs)
    return fail(r, "rare %d: 0, or the class's allocs (%llu) when at most %d", k->nrare,
                (unsigned long long)k->allocs, MMB_MODEL_RARE);
  for (int i = 0; i < k->nrare; i++) {
    mmb_model_rare *x = &k->rare[i];
    if (expect(r, "birth", "birth AT SIZE LIFE") != 0 || u64_at(r, 1, "birth AT", &x->at) != 0 ||
        u64_at(r, 2, "birth SIZE", &x->size) != 0)
      return -1;
    if (r->ntok != 4) return fail(r, "expected 'birth AT SIZE LIFE' (LIFE: births, never or end)");
    if (x->at >= m->allocations || (i && x->at <= k->rare[i - 1].at))
      return fail(r, "birth %llu: AT goes up, below allocations (%llu)", (unsigned long long)x->at,
                  (unsigned long long)m->allocations);
    if (x->size < k->lo || x->size > k->hi)
      return fail(r, "birth: size %llu lies outside its class [%llu, %llu]",
                  (unsigned long long)x->size, (unsigned long long)k->lo,
                  (unsigned long long)k->hi);
    if (strcmp(r->tok[3], "never") == 0)
      x->life = MMB_MODEL_LIFE_NEVER;
    else if (strcmp(r->tok[3], "end") == 0)
      x->life = MMB_MODEL_LIFE_END;
    else if (u64_at(r, 3, "birth LIFE (births, never or end)", &x->life) != 0)
      return -1;
    else if (x->life >= m->allocations - x->at)
      return fail(r, "birth: lifetime %llu reaches past the last birth (at most %llu, or end)",
                  (unsigned long long)x->life, (unsigned long long)(m->allocations - x->at - 1));
  }
  return 0;
}

/* A class's `sizes` line: its exact sizes and the rest, adding up to its
 * allocs. 0, or -1 with the line's error. */
static int parse_sizes(rd *r, mmb_model_class *k) {
  if (expect(r, "sizes", "sizes S:N ... other:N") != 0) return -1;
  k->nsizes = 0;
  uint64_t sum = 0;
  for (int i = 1; i < r->ntok; i++) {
    char *colon = strchr(r->tok[i], ':');
    if (!colon) return fail(r, "sizes: '%s' should be SIZE:COUNT or other:COUNT", r->tok[i]);
    *colon = 0;
    int other = strcmp(r->tok[i], "other") == 0;
    char *end;
    unsigned long long s = other ? 0 : strtoull(r->tok[i], &end, 10);
    if (!other && (*end || r->tok[i][0] == '-' || !r->tok[i][0]))
      return fail(r, "sizes: '%s' is not a size in bytes", r->tok[i]);
    unsigned long long n = strtoull(colon + 1, &end, 10);
    if (*end || colon[1] == '-' || !colon[1])
      return fail(r, "sizes: '%s' is not a count", colon + 1);
    if (other) {
      if (i != r->ntok - 1) return fail(r, "sizes: other:N must come last");
      k->other_n = n;
    } else {
      if (s < k->lo || s > k->hi)
        return fail(r, "sizes: %llu lies outside its class [%llu, %llu]", s,
                    (unsigned long long)k->lo, (unsigned long long)k->hi);
      if (k->nsizes == MMB_MODEL_NSIZES)
        return fail(r, "sizes: at most %d exact sizes a class", MMB_MODEL_NSIZES);
      k->size[k->nsizes] = s;
      k->size_n[k->nsizes++] = n;
    }
    sum += n;
  }
  if (sum != k->allocs)
    return fail(r, "sizes: the counts add up to %llu, the class has allocs %llu",
                (unsigned long long)sum, (unsigned long long)k->allocs);
  return 0;
}

/* A class's `phase` lines (with their `lives`/`rest` lines from format 3),
 * up to the first line that is not one; format 1's sixteenths are read as
 * their four 64ths. 0, or -1 with the line's error. */
static int parse_phases(rd *r, mmb_model *m, mmb_model_class *k) {
  /* format 1: sixteenths, each read as its four 64ths (births shared out) */
  const int nph = m->version == 1 ? 16 : MMB_MODEL_PHASES, per = MMB_MODEL_PHASES / nph;
  uint64_t births = 0;
  for (int p = 0;; p++) {
    /* the phases with births, in order: up to the first line that is not one */
    const char *back = r->p;
    int back_line = r->line;
    if (next_line(r) != 0 || strcmp(r->tok[0], "phase") != 0) {
      r->p = back, r->line = back_line;
      break;
    }
    uint64_t idx;
    if (u64_at(r, 1, "phase number", &idx) != 0) return -1;
    if (idx < (uint64_t)p || idx >= (uint64_t)nph)
      return fail(r, "phase %llu: phases go up, from %d to %d", (unsigned long long)idx, p,
                  nph - 1);
    p = (int)idx;
    mmb_model_phase *ph = &k->ph[p * per];
    if (r->ntok < 9 || strcmp(r->tok[2], "allocs") != 0 || strcmp(r->tok[4], "never") != 0 ||
        strcmp(r->tok[6], "end") != 0 || strcmp(r->tok[8], "life") != 0)
      return fail(r, "expected 'phase %d allocs N never X end Y life Q0 ... Q14'", p);
    if (u64_at(r, 3, "phase allocs", &ph->allocs) != 0 ||
        dbl_at(r, 5, "never (a share)", 0, 1, &ph->never) != 0 ||
        dbl_at(r, 7, "end (a share)", 0, 1, &ph->end) != 0 ||
        quantiles(r, 9, "life", ph->life) != 0)
      return -1;
    if (ph->never + ph->end > 1 + 1e-6)
      return fail(r, "never + end must not exceed 1 (they are shares of the phase's births)");
    if (m->version >= 3 && parse_lives(r, p, ph, m->allocations) != 0) return -1;
    births += ph->allocs;
    for (int j = per - 1; j >= 0; j--) { /* format 1: its 64ths */
      k->ph[p * per + j] = *ph;
      k->ph[p * per + j].allocs =
          ph->allocs / (uint64_t)per + ((uint64_t)j < ph->allocs % (uint64_t)per);
    }
  }
  if (births != k->allocs)
    return fail(r, "the phases' allocs add up to %llu, the class has allocs %llu",
                (unsigned long long)births, (unsigned long long)k->allocs);
  return 0;
}

static int parse_class(rd *r, mmb_model *m, mmb_model_class *k) {
  if (expect(r, "class", "class LO HI allocs N bytes N") != 0) return -1;
  static const char *const ck[] = {"allocs", "bytes"};
  uint64_t *const cv[] = {&k->allocs, &k->bytes};
  if (u64_at(r, 1, "class LO", &k->lo) != 0 || u64_at(r, 2, "class HI", &k->hi) != 0 ||
      pairs(r, 3, ck, cv, 2) != 0)
    return -1;
  if (k->lo > k->hi || k->hi > MMB_MODEL_MAX_SIZE)
    return fail(r,
                "size class [%llu, %llu]: LO <= HI <= %llu bytes (the largest block the "
                "empirical workload serves)",
                (unsigned long long)k->lo, (unsigned long long)k->hi, MMB_MODEL_MAX_SIZE);
  if (parse_sizes(r, k) != 0) return -1;
  static const char *const bk[] = {"calloc", "aligned", "realloc"};
  uint64_t *const bv[] = {&k->calloc_n, &k->aligned_n, &k->realloc_n};
  if (expect(r, "born", "born calloc N aligned N realloc N") != 0 || pairs(r, 1, bk, bv, 3) != 0)
    return -1;
  if (k->calloc_n + k->aligned_n + k->realloc_n > k->allocs)
    return fail(r, "born: calloc + aligned + realloc exceed the class's allocs (%llu)",
                (unsigned long long)k->allocs);
  if (k->aligned_n && !m->naligns)
    return fail(r, "born: aligned births but the model lists no alignment ('align A N' lines)");
  static const char *const ek[] = {"free", "realloc", "remote"};
  uint64_t *const ev[] = {&k->frees, &k->realloc_out, &k->remote};
  if (expect(r, "ended", "ended free N realloc N remote N") != 0 || pairs(r, 1, ek, ev, 3) != 0)
    return -1;
  if (k->remote > k->frees) return fail(r, "ended: remote exceeds free");
  if (m->version >= 4 && parse_resized(r, k) != 0) return -1;
  if (expect(r, "median", "median allocs X bytes Y") != 0) return -1;
  if (r->ntok != 5 || strcmp(r->tok[1], "allocs") != 0 || strcmp(r->tok[3], "bytes") != 0)
    return fail(r, "expected 'median allocs X bytes Y'");
  if (dbl_at(r, 2, "median allocs", 0, 1e300, &k->median_allocs) != 0 ||
      dbl_at(r, 4, "median bytes", 0, 1e300, &k->median_bytes) != 0)
    return -1;
  if (expect(r, "life_bytes", "life_bytes Q0 ... Q14") != 0 ||
      quantiles(r, 1, "life_bytes", k->life_bytes) != 0)
    return -1;
  if (parse_phases(r, m, k) != 0) return -1;
  return m->version == 1 ? 0 : parse_rare(r, m, k); /* format 1 lists no births */
}

int mmb_model_parse(const char *text, const char *name, mmb_model *m, char *err, size_t errlen) {
  rd r = {.p = text, .name = name, .err = err, .errlen = errlen};
  memset(m, 0, sizeof *m);
  uint64_t v;
  if (expect(&r, "mmbench-model", "mmbench-model 4 (the first line of a model)") != 0 ||
      u64_at(&r, 1, "the format version", &v) != 0)
    return -1;
  if (v < 1 || v > MMB_MODEL_VERSION)
    return fail(&r,
                "model format %llu; this mmbench reads formats 1 to %d (make the model again: "
                "mmbench trace model)",
                (unsigned long long)v, MMB_MODEL_VERSION);
  m->version = (int)v;
  if (expect(&r, "source", "source NAME") != 0) return -1;
  snprintf(m->source, sizeof m->source, "%s", r.ntok > 1 ? r.tok[1] : "-");
  if (one_u64(&r, "allocations", &m->allocations) != 0 ||
      one_u64(&r, "allocated_bytes", &m->allocated_bytes) != 0 ||
      one_u64(&r, "peak_live_bytes", &m->peak_live_bytes) != 0 ||
      one_u64(&r, "peak_live_blocks", &m->peak_live_blocks) != 0 ||
      one_u64(&r, "live_at_end", &m->live_at_end) != 0)
    return -1;
  if (!m->allocations)
    return fail(&r, "allocations must be at least 1 (an empty run has no model)");
  static const char *const bk[] = {"calloc", "aligned", "realloc"};
  uint64_t *const bv[] = {&m->calloc_n, &m->aligned_n, &m->realloc_n};
  if (expect(&r, "births", "births calloc N aligned N realloc N") != 0 ||
      pairs(&r, 1, bk, bv, 3) != 0)
    return -1;
  static const char *const fk[] = {"remote"};
  uint64_t *const fv[] = {&m->remote};
  if (expect(&r, "frees", "frees N remote N") != 0 || u64_at(&r, 1, "frees", &m->frees) != 0 ||
      pairs(&r, 2, fk, fv, 1) != 0)
    return -1;
  if (count_line(&r, "aligns", MMB_MODEL_MAX_ALIGNS, &m->naligns) != 0) return -1;
  for (int i = 0; i < m->naligns; i++) {
    if (expect(&r, "align", "align A N") != 0 || u64_at(&r, 1, "alignment", &m->align[i]) != 0 ||
        u64_at(&r, 2, "count", &m->align_n[i]) != 0)
      return -1;
    uint64_t a = m->align[i];
    if (!a || (a & (a - 1)) || a > MMB_MODEL_MAX_ALIGN)
      return fail(&r,
                  "alignment %llu: a power of two from 1 to %d is what every allocator of the "
                  "suite can serve",
                  (unsigned long long)a, MMB_MODEL_MAX_ALIGN);
  }
  if (count_line(&r, "threads", MMB_MODEL_MAX_THREADS, &m->nthreads) != 0) return -1;
  if (!m->nthreads) return fail(&r, "threads must be at least 1");
  for (int i = 0; i < m->nthreads; i++) {
    static const char *const tk[] = {"allocs", "frees", "remote"};
    uint64_t *const tv[] = {&m->th[i].allocs, &m->th[i].frees, &m->th[i].remote};
    if (expect(&r, "thread", "thread I allocs N frees N remote N") != 0 ||
        u64_at(&r, 1, "thread number", &v) != 0)
      return -1;
    if (v != (uint64_t)i)
      return fail(&r, "expected thread %d, found thread %llu", i, (unsigned long long)v);
    if (pairs(&r, 2, tk, tv, 3) != 0) return -1;
  }
  if (count_line(&r, "profile", MMB_MODEL_NPROFILE, &m->nprofile) != 0) return -1;
  for (int i = 0; i < m->nprofile; i++)
    if (expect(&r, "at", "at BIRTHS BYTES BLOCKS") != 0 ||
        u64_at(&r, 1, "births", &m->prof_at[i]) != 0 ||
        u64_at(&r, 2, "live bytes", &m->prof_bytes[i]) != 0 ||
        u64_at(&r, 3, "live blocks", &m->prof_blocks[i]) != 0)
      return -1;
  double q[MMB_MODEL_NQ];
  if (expect(&r, "quantiles", "quantiles 0 0.01 ... 1") != 0 ||
      quantiles(&r, 1, "quantiles", q) != 0)
    return -1;
  for (int i = 0; i < MMB_MODEL_NQ; i++)
    if (fabs(q[i] - mmb_model_q[i]) > 1e-9)
      return fail(&r,
                  "quantile point %d is %g; this format's points are 0 0.01 0.05 0.1 ... 0.9 "
                  "0.95 0.99 1",
                  i, q[i]);
  if (count_line(&r, "classes", MMB_MODEL_MAX_CLASSES, &m->nclasses) != 0) return -1;
  if (!m->nclasses) return fail(&r, "classes must be at least 1");
  uint64_t births = 0;
  for (int c = 0; c < m->nclasses; c++) {
    if (parse_class(&r, m, &m->cls[c]) != 0) return -1;
    births += m->cls[c].allocs;
  }
  if (births != m->allocations)
    return fail(&r, "the classes' allocs add up to %llu, allocations says %llu",
                (unsigned long long)births, (unsigned long long)m->allocations);
  if (expect(&r, "end", "end (the last line of a model)") != 0) return -1;
  if (next_line(&r) == 0) return fail(&r, "text after 'end'");
  return 0;
}

int mmb_model_load(const char *path, mmb_model *m, char *err, size_t errlen) {
  FILE *f = fopen(path, "r");
  if (!f) {
    snprintf(err, errlen, "%s: cannot read the model: %s", path, strerror(errno));
    return -1;
  }
  size_t cap = 1 << 16, n = 0;
  char *text = malloc(cap);
  for (size_t got; text && (got = fread(text + n, 1, cap - n - 1, f)) > 0;) {
    n += got;
    if (n + 1 == cap) {
      char *g = cap < (64u << 20) ? realloc(text, cap * 2) : NULL;
      if (!g) {
        free(text);
        text = NULL;
        break;
      }
      text = g;
      cap *= 2;
    }
  }
  fclose(f);
  if (!text) {
    snprintf(err, errlen, "%s: too big for a model (or out of memory)", path);
    return -1;
  }
  text[n] = 0;
  int rc = mmb_model_parse(text, path, m, err, errlen);
  free(text);
  return rc;
}
