/* mmbench — reading a recipe (see recipe.h): the text split into
 * `key: value` entries, each key's value checked, the where: terms merged
 * into the selectors, and the metrics checked against the run lines. */
#define _GNU_SOURCE
#include "text.h"
#include "recipe_int.h"
#include "workload.h"

#define MAX_TEXT (256 * 1024) /* a recipe longer than this is refused */

static const char *const figure_kinds[] = {"time",      "rss",   "rsslive",  "counters",
                                           "scaling",   "sweep", "timeline", "latency",
                                           "heapsweep", "none",  NULL};

/* ---------------------------------------------------------------------------
 * The parser
 * ------------------------------------------------------------------------- */
static const char *const keys[] = {
    "name",       "claim", "source", "published", "differs", "figure",  "require",   "budget",
    "on-corrupt", "run",   "where",  "note",      "expect",  "control", "condition", NULL};
#define KEY_LIST                                                                                   \
  "name, claim, source, published, differs, figure, require, budget, on-corrupt, run, where, "     \
  "note, expect, control, condition"

/* ---------------------------------------------------------------------------
 * published: and budget:
 * ------------------------------------------------------------------------- */
/* A number with its unit at s (s at a digit, not inside a word): "17%",
 * "2.5x", "2.5 times", "40 ns", "4 MiB". Names such as "197.parser", years
 * and figure numbers carry no unit and do not count. */
static int number_with_unit(const char *text, const char *s) {
  if (s > text && (isalnum((unsigned char)s[-1]) || s[-1] == '.' || s[-1] == '_')) return 0;
  while (isdigit((unsigned char)*s) || *s == ',') s++;
  if (*s == '.' && isdigit((unsigned char)s[1])) {
    s++;
    while (isdigit((unsigned char)*s)) s++;
  }
  if (isalpha((unsigned char)*s) && *s != 'x') {
    /* a unit glued to the number: 40ns, 4MiB */
  } else if (*s == 'x' || *s == '%') {
    return !isalnum((unsigned char)s[1]);
  } else if (strncmp(s, "\xc3\x97", 2) == 0) { /* × */
    return 1;
  }
  while (*s == ' ' || *s == '-') s++;
  static const char *const units[] = {"%",      "x",    "times", "fold", "percent", "ns",
                                      "us",     "ms",   "s",     "B",    "KB",      "KiB",
                                      "kB",     "MB",   "MiB",   "GB",   "GiB",     "bytes",
                                      "cycles", "op/s", "ops/s", "MB/s", NULL};
  for (int i = 0; units[i]; i++) {
    size_t n = strlen(units[i]);
    if (strncmp(s, units[i], n) == 0 && !isalnum((unsigned char)s[n])) return 1;
  }
  return 0;
}

static const char *const pub_where[] = {"Table",    "Figure",   "Fig.",         "Section",
                                        "abstract", "Abstract", "page",         "p. ",
                                        "readme",   "README",   "Introduction", NULL};

static int located(const char *text) {
  for (int i = 0; pub_where[i]; i++)
    if (strstr(text, pub_where[i])) return 1;
  return 0;
}

/* A published result names where it is and holds a number with its unit,
 * or says it is qualitative (where, and what it states), or that no
 * source could be quoted and why. */
static int check_published(const pctx *p, int line, const char *text, mmb_recipe_pub *kind) {
  if (strncmp(text, "unconfirmed:", 12) == 0) {
    *kind = MMB_PUB_UNCONFIRMED;
    const char *why = text + 12;
    while (*why == ' ') why++;
    if (strlen(why) >= 10) return 0;
    return perr(p, line,
                "published: unconfirmed: needs the reason (what was searched, why no number), "
                "e.g. 'unconfirmed: the abstract gives no number and the full text was not "
                "available'");
  }
  if (strncmp(text, "qualitative:", 12) == 0) {
    *kind = MMB_PUB_QUALITATIVE;
    if (located(text + 12)) return 0;
    return perr(p, line,
                "published: qualitative: names no table, figure, section or page (write where "
                "the result is stated, e.g. 'qualitative: abstract: \"...\"')");
  }
  *kind = MMB_PUB_NUMBER;
  int loc = located(text), number = 0;
  for (const char *s = text; *s && !number; s++)
    number = isdigit((unsigned char)*s) && number_with_unit(text, s);
  if (loc && number) return 0;
  char ex[80];
  excerpt(text, ex, sizeof ex);
  return perr(p, line,
              "published: '%s' %s (write where the result is and its number with its unit, e.g. "
              "'abstract: with three times as much memory the collector runs 17%% slower'; "
              "'qualitative: WHERE: ...' for a result stated without a number; or "
              "'unconfirmed: WHY')",
              ex,
              loc ? "holds no number with a unit (%, x, times, ns, MiB, ...)"
                  : "names no table, figure, section or page");
}

/* budget: rounds=N [seconds=S] [calibration=C] */
static int parse_budget(const pctx *p, int line, const char *value, mmb_recipe_budget *b) {
  char buf[256];
  if (copy(buf, sizeof buf, value) != 0) return perr(p, line, "budget: too long");
  char *save = NULL;
  int seen_rounds = 0;
  for (char *tok = strtok_r(buf, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
    char *eq = strchr(tok, '=');
    double v;
    char ex[80];
    excerpt(tok, ex, sizeof ex);
    if (!eq || parse_number(eq + 1, &v) != 0)
      return perr(p, line,
                  "budget: '%s' is not KEY=NUMBER (e.g. budget: rounds=12 seconds=60 "
                  "calibration=4)",
                  ex);
    *eq = 0;
    if (strcmp(tok, "rounds") == 0) {
      if (!(v >= 1 && v <= 10000 && v == floor(v)))
        return perr(p, line,
                    "budget: rounds=%g: an adaptive budget needs a whole number of rounds in "
                    "1..10000 (e.g. rounds=12)",
                    v);
      b->rounds = (int)v, seen_rounds = 1;
    } else if (strcmp(tok, "seconds") == 0) {
      if (!(v > 0 && v <= 86400))
        return perr(p, line,
                    "budget: seconds=%g: an adaptive budget needs a time in (0, 86400] "
                    "(e.g. seconds=60)",
                    v);
      b->seconds = v;
    } else if (strcmp(tok, "calibration") == 0) {
      if (!(v >= 2 && v <= 1000 && v == floor(v)))
        return perr(p, line,
                    "budget: calibration=%g: needs a whole number of rounds >= 2 (two "
                    "batches of at least one round)",
                    v);
      b->calibration = (int)v;
    } else {
      return perr(p, line, "budget: unknown key '%s' (valid: rounds, seconds, calibration)", ex);
    }
  }
  if (!seen_rounds)
    return perr(p, line, "budget: needs rounds=N (e.g. budget: rounds=12 seconds=60)");
  if (b->calibration > b->rounds)
    return perr(p, line, "budget: calibration=%d is more than rounds=%d", b->calibration,
                b->rounds);
  return 0;
}

typedef struct entry {
  int line;
  char key[16];
  char *value; /* heap */
} entry;

static int set_once(const pctx *p, int *seen, const entry *e, char *dst, size_t len) {
  if (*seen)
    return perr(p, e->line, "second '%s:' line (a recipe has one; the first is on line %d)", e->key,
                *seen);
  *seen = e->line;
  if (!*e->value) return perr(p, e->line, "'%s:' is empty", e->key);
  if (copy(dst, len, e->value) != 0)
    return perr(p, e->line, "'%s:' is longer than %zu characters", e->key, len - 1);
  return 0;
}

/* Split the text into entries (continuation lines joined with a space). */
static int split_entries(const pctx *p, const char *text, size_t len, entry **out, int *nout,
                         int *last_line) {
  entry *v = NULL;
  int n = 0, cap = 0, line = 0, rc = 0;
  size_t pos = 0;
  if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) pos = 3; /* UTF-8 BOM */
  char buf[MMB_RECIPE_MAX_LINE + 1];
  while (pos < len) {
    line++;
    size_t e = pos;
    while (e < len && text[e] != '\n') e++;
    size_t l = e - pos;
    if (l > MMB_RECIPE_MAX_LINE) {
      rc = perr(p, line, "line longer than %d characters", MMB_RECIPE_MAX_LINE);
      break;
    }
    memcpy(buf, text + pos, l);
    buf[l] = 0;
    pos = e + 1;
    if (memchr(buf, 0, l)) {
      rc = perr(p, line, "a NUL byte in the text (recipes are plain text)");
      break;
    }
    int cont = buf[0] == ' ' || buf[0] == '\t';
    char *s = trim(buf);
    if (!*s || *s == '#') continue;
    if (cont) {
      if (n == 0) {
        rc = perr(p, line,
                  "indented line with no 'key:' line before it (indentation continues a value)");
        break;
      }
      entry *prev = &v[n - 1];
      size_t pl = strlen(prev->value), sl = strlen(s);
      if (pl + sl + 2 > MMB_RECIPE_MAX_LINE) {
        rc = perr(p, line, "the '%s:' value is longer than %d characters", prev->key,
                  MMB_RECIPE_MAX_LINE);
        break;
      }
      char *nv = realloc(prev->value, pl + sl + 2);
      if (!nv) {
        rc = -ENOMEM;
        break;
      }
      if (pl) nv[pl++] = ' ';
      memcpy(nv + pl, s, sl + 1);
      prev->value = nv;
      continue;
    }
    char *colon = strchr(s, ':');
    size_t kl = colon ? (size_t)(colon - s) : 0;
    int bad_key = !colon || kl == 0 || kl >= sizeof v[0].key;
    for (size_t i = 0; !bad_key && i < kl; i++)
      bad_key = !(islower((unsigned char)s[i]) || s[i] == '-' || s[i] == '_');
    if (bad_key) {
      char ex[80];
      excerpt(s, ex, sizeof ex);
      rc = perr(p, line, "expected 'key: value', got '%s' (keys: " KEY_LIST "; # starts a comment)",
                ex);
      break;
    }
    *colon = 0;
    if (!in_list(keys, s)) {
      const char *best = NULL;
      int bestd = 3;
      for (int i = 0; keys[i]; i++) {
        int d = mmb_edit_distance(s, keys[i]);
        if (d < bestd) bestd = d, best = keys[i];
      }
      if (best)
        rc = perr(p, line, "unknown key '%s' (did you mean '%s'? keys: " KEY_LIST ")", s, best);
      else
        rc = perr(p, line, "unknown key '%s' (keys: " KEY_LIST ")", s);
      break;
    }
    if (n == cap) {
      int nc = cap ? cap * 2 : 16;
      if (nc > 4096) {
        rc = perr(p, line, "more than 4096 entries");
        break;
      }
      entry *nvv = realloc(v, (size_t)nc * sizeof *v);
      if (!nvv) {
        rc = -ENOMEM;
        break;
      }
      v = nvv, cap = nc;
    }
    entry *en = &v[n];
    en->line = line;
    snprintf(en->key, sizeof en->key, "%s", s);
    en->value = strdup(trim(colon + 1));
    if (!en->value) {
      rc = -ENOMEM;
      break;
    }
    n++;
  }
  *out = v;
  *nout = n;
  *last_line = line ? line : 1;
  return rc;
}

int mmb_recipe_parse(const char *text, size_t len, const char *file, mmb_recipe **out, char *err,
                     size_t errlen) {
  pctx p = {file ? file : "<recipe>", err, errlen};
  *out = NULL;
  if (err && errlen) err[0] = 0;
  if (len > MAX_TEXT) return perr(&p, 1, "recipe larger than %d bytes", MAX_TEXT);
  mmb_recipe *r = calloc(1, sizeof *r);
  if (!r) return -ENOMEM;
  snprintf(r->file, sizeof r->file, "%s", p.file);
  snprintf(r->figure, sizeof r->figure, "none");
  r->budget.rounds = MMB_RECIPE_DEFAULT_ROUNDS;
  r->budget.seconds = MMB_RECIPE_DEFAULT_SECONDS;
  r->budget.calibration = MMB_RECIPE_DEFAULT_CALIBRATION;
  entry *v = NULL;
  int n = 0, last = 1;
  int rc = split_entries(&p, text, len, &v, &n, &last);
  int seen_name = 0, seen_claim = 0, seen_source = 0, seen_figure = 0, seen_where = 0,
      seen_note = 0, seen_published = 0, seen_differs = 0, seen_budget = 0, seen_corrupt = 0;
  mmb_recipe_sel where = {0};
  for (int i = 0; !rc && i < n; i++) {
    const entry *e = &v[i];
    if (strcmp(e->key, "name") == 0) {
      rc = set_once(&p, &seen_name, e, r->name, sizeof r->name);
      if (!rc && !valid_name(r->name))
        rc = perr(&p, e->line,
                  "name '%s' must be lower-case letters, digits, '.', '_' or '-' (e.g. "
                  "larson-throughput)",
                  r->name);
    } else if (strcmp(e->key, "claim") == 0) {
      rc = set_once(&p, &seen_claim, e, r->claim, sizeof r->claim);
    } else if (strcmp(e->key, "source") == 0) {
      rc = set_once(&p, &seen_source, e, r->source, sizeof r->source);
    } else if (strcmp(e->key, "published") == 0) {
      rc = set_once(&p, &seen_published, e, r->published, sizeof r->published);
      if (!rc) rc = check_published(&p, e->line, r->published, &r->pub);
    } else if (strcmp(e->key, "differs") == 0) {
      rc = set_once(&p, &seen_differs, e, r->differs, sizeof r->differs);
    } else if (strcmp(e->key, "budget") == 0) {
      char tmp[256];
      rc = set_once(&p, &seen_budget, e, tmp, sizeof tmp);
      if (!rc) {
        r->budget.calibration = r->budget.rounds = 0;
        rc = parse_budget(&p, e->line, tmp, &r->budget);
        if (!rc && r->budget.calibration == 0)
          r->budget.calibration = r->budget.rounds < MMB_RECIPE_DEFAULT_CALIBRATION
                                      ? r->budget.rounds
                                      : MMB_RECIPE_DEFAULT_CALIBRATION;
      }
    } else if (strcmp(e->key, "on-corrupt") == 0) {
      char tmp[64];
      rc = set_once(&p, &seen_corrupt, e, tmp, sizeof tmp);
      if (!rc && strcmp(tmp, "fail") != 0 && strcmp(tmp, "inconclusive") != 0)
        rc = perr(&p, e->line, "on-corrupt: '%s' (valid: fail, inconclusive)", tmp);
      if (!rc) r->corrupt_fails = strcmp(tmp, "fail") == 0;
    } else if (strcmp(e->key, "note") == 0) {
      rc = set_once(&p, &seen_note, e, r->note, sizeof r->note);
    } else if (strcmp(e->key, "figure") == 0) {
      char fig[256];
      rc = set_once(&p, &seen_figure, e, fig, sizeof fig);
      if (rc) break;
      char *save = NULL, *kind = strtok_r(fig, " \t", &save), *wl = strtok_r(NULL, " \t", &save);
      if (!in_list(figure_kinds, kind)) {
        char ex[80];
        excerpt(kind, ex, sizeof ex);
        rc = perr(&p, e->line,
                  "unknown figure kind '%s' (valid: time, rss, rsslive, counters, scaling, "
                  "sweep, timeline, latency, heapsweep, none; optionally a workload after it)",
                  ex);
      } else if (strtok_r(NULL, " \t", &save)) {
        rc = perr(&p, e->line, "figure: expected KIND [WORKLOAD], e.g. figure: time larson");
      } else if (wl && (strcmp(kind, "none") == 0 || !mmb_workload_find(wl))) {
        char ex[80];
        excerpt(wl, ex, sizeof ex);
        rc = strcmp(kind, "none") == 0
                 ? perr(&p, e->line, "figure: none takes no workload")
                 : perr(&p, e->line, "figure: unknown workload '%s' (see: mmbench list)", ex);
      } else {
        snprintf(r->figure, sizeof r->figure, "%s", kind);
        if (wl) snprintf(r->figure_workload, sizeof r->figure_workload, "%s", wl);
      }
    } else if (strcmp(e->key, "require") == 0) {
      if (r->nrequires == MMB_RECIPE_MAX_REQUIRES)
        rc = perr(&p, e->line, "more than %d require: lines", MMB_RECIPE_MAX_REQUIRES);
      else
        rc = mmb_recipe_parse_require(&p, e->line, e->value, &r->requires[r->nrequires++]);
    } else if (strcmp(e->key, "run") == 0) {
      if (r->nruns == MMB_RECIPE_MAX_RUNS)
        rc = perr(&p, e->line, "more than %d run: lines", MMB_RECIPE_MAX_RUNS);
      else
        rc = mmb_recipe_parse_run(&p, e->line, e->value, &r->runs[r->nruns++]);
    } else if (strcmp(e->key, "where") == 0) {
      if (seen_where) {
        rc = perr(&p, e->line,
                  "second 'where:' line (put every term on one; the first is on line %d)",
                  seen_where);
        break;
      }
      seen_where = e->line;
      char buf[MMB_RECIPE_MAX_LINE + 1];
      snprintf(buf, sizeof buf, "%s", e->value);
      rc = mmb_recipe_parse_terms(&p, e->line, buf, &where);
      if (!rc && where.n == 0)
        rc = perr(&p, e->line, "'where:' is empty (e.g. where: workload=larson)");
    } else if (strcmp(e->key, "control") == 0) {
      if (r->ncontrols == MMB_RECIPE_MAX_CONTROLS)
        rc = perr(&p, e->line, "more than %d control: lines", MMB_RECIPE_MAX_CONTROLS);
      else
        rc = mmb_recipe_parse_check(&p, e->line, e->value, &r->controls[r->ncontrols++]);
    } else if (strcmp(e->key, "condition") == 0) {
      if (r->nconditions == MMB_RECIPE_MAX_CONDITIONS)
        rc = perr(&p, e->line, "more than %d condition: lines", MMB_RECIPE_MAX_CONDITIONS);
      else
        rc = mmb_recipe_parse_condition(&p, e->line, e->value, r, r->nconditions++);
    } else if (strcmp(e->key, "expect") == 0) {
      if (r->nchecks == MMB_RECIPE_MAX_CHECKS)
        rc = perr(&p, e->line, "more than %d expect: lines", MMB_RECIPE_MAX_CHECKS);
      else
        rc = mmb_recipe_parse_check(&p, e->line, e->value, &r->checks[r->nchecks++]);
    }
  }
  for (int i = 0; i < n; i++) free(v[i].value);
  free(v);
  if (!rc) {
    if (!seen_name)
      rc = perr(&p, last, "no 'name:' line (e.g. name: larson)");
    else if (!seen_claim)
      rc = perr(&p, last, "no 'claim:' line (state the published claim in one sentence)");
    else if (!seen_source)
      rc = perr(&p, last, "no 'source:' line (the paper, section or figure)");
    else if (!seen_published)
      rc = perr(&p, seen_source,
                "source: without a published figure (add 'published: WHERE: the number and its "
                "conditions', e.g. 'published: abstract: 17%% slower with 3x the memory', or "
                "'published: unconfirmed: WHY')");
    else if (!seen_differs)
      rc = perr(&p, last,
                "no 'differs:' line (say how this workload differs from the paper's and how "
                "the threshold follows from the published number)");
    else if (r->nruns == 0)
      rc = perr(&p, last, "no 'run:' line (the mmbench run options of the matrix)");
    else if (r->nchecks == 0)
      rc = perr(&p, last,
                "no 'expect:' line (e.g. expect: ratio(ns_per_op, allocator=glibc / "
                "allocator=jemalloc) >= 1.2)");
  }
  /* where terms, run= range, metric names (checks, then controls) */
  int nall = r->nchecks + r->ncontrols + r->nconditions;
  for (int k = 0; !rc && k < nall; k++) {
    mmb_recipe_check *c = k < r->nchecks ? &r->checks[k]
                          : k < r->nchecks + r->ncontrols
                              ? &r->controls[k - r->nchecks]
                              : &r->conditions[k - r->nchecks - r->ncontrols];
    int sides = c->func == MMB_RECIPE_RATIO ? 2 : 1;
    for (int s = 0; !rc && s < sides; s++) {
      mmb_recipe_sel *sel = &c->sel[s];
      for (int i = 0; !rc && i < where.n; i++) {
        int has = 0;
        for (int j = 0; j < sel->n; j++) has |= strcmp(sel->t[j].key, where.t[i].key) == 0;
        if (has) continue;
        if (sel->n == MMB_RECIPE_MAX_TERMS)
          rc = perr(&p, c->line, "a selector with the where: terms has more than %d terms",
                    MMB_RECIPE_MAX_TERMS);
        else
          sel->t[sel->n++] = where.t[i];
      }
      for (int j = 0; !rc && j < sel->n; j++)
        if (strcmp(sel->t[j].key, "run") == 0 && atoi(sel->t[j].value) > r->nruns)
          rc = perr(&p, c->line, "run=%s: the recipe has %d run: line%s", sel->t[j].value, r->nruns,
                    r->nruns == 1 ? "" : "s");
    }
    if (!rc) rc = mmb_recipe_check_metric_names(&p, r, c);
    if (!rc) rc = mmb_recipe_check_metric_produced(&p, r, c);
  }
  /* at NAME: the conditions a check cites exist; each is cited */
  for (int k = 0; !rc && k < r->nchecks + r->ncontrols; k++) {
    mmb_recipe_check *c = k < r->nchecks ? &r->checks[k] : &r->controls[k - r->nchecks];
    if (c->at_text[0]) rc = mmb_recipe_resolve_at(&p, r, c);
  }
  for (int i = 0; !rc && i < r->nconditions; i++) {
    int used = 0;
    for (int k = 0; k < r->nchecks; k++)
      for (int j = 0; j < r->checks[k].nat; j++) used |= r->checks[k].at[j] == i;
    if (!used)
      rc = perr(&p, r->conditions[i].line,
                "condition %s is cited by no expect: line (add 'at %s' after the threshold of "
                "the checks that hold at it, or drop the condition)",
                r->conditions[i].label, r->conditions[i].label);
  }
  if (rc) {
    free(r);
    return rc == -ENOMEM ? -ENOMEM : -EINVAL;
  }
  *out = r;
  return 0;
}

int mmb_recipe_load(const char *path, mmb_recipe **out, char *err, size_t errlen) {
  *out = NULL;
  FILE *f = fopen(path, "rb");
  if (!f) {
    int e = errno;
    snprintf(err, errlen, "%s: cannot open: %s", path, strerror(e));
    return -e;
  }
  char *buf = malloc(MAX_TEXT + 2);
  if (!buf) {
    fclose(f);
    return -ENOMEM;
  }
  size_t n = fread(buf, 1, MAX_TEXT + 1, f);
  int e = ferror(f) ? errno : 0;
  fclose(f);
  if (e) {
    free(buf);
    snprintf(err, errlen, "%s: cannot read: %s", path, strerror(e));
    return -e;
  }
  int rc = mmb_recipe_parse(buf, n, path, out, err, errlen);
  free(buf);
  return rc;
}

void mmb_recipe_free(mmb_recipe *r) { free(r); }
