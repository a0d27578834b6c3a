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

#define KEY_MAX 16 /* a key and its NUL */

typedef struct entry {
  int line;
  char key[KEY_MAX];
  char *value; /* heap */
} entry;

typedef struct entries { /* the text's entries, in order */
  entry *v;
  int n, cap;
} entries;

/* The entries' values and the array. */
static void entries_free(entries *es) {
  for (int i = 0; i < es->n; i++) free(es->v[i].value);
  free(es->v);
}

/* A once-only key's value into dst (len bytes); *seen: its line. */
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

/* Line `line` of the text at *pos into buf (NUL-terminated), *pos past it. */
static int read_line(const pctx *p, int line, const char *text, size_t len, size_t *pos,
                     char *buf) {
  size_t e = *pos;
  while (e < len && text[e] != '\n') e++;
  size_t l = e - *pos;
  if (l > MMB_RECIPE_MAX_LINE)
    return perr(p, line, "line longer than %d characters", MMB_RECIPE_MAX_LINE);
  memcpy(buf, text + *pos, l);
  buf[l] = 0;
  *pos = e + 1;
  if (memchr(buf, 0, l)) return perr(p, line, "a NUL byte in the text (recipes are plain text)");
  return 0;
}

/* An indented line s: appended to the previous entry's value with a space. */
static int continue_value(const pctx *p, int line, entries *es, const char *s) {
  if (es->n == 0)
    return perr(p, line,
                "indented line with no 'key:' line before it (indentation continues a value)");
  entry *prev = &es->v[es->n - 1];
  size_t pl = strlen(prev->value), sl = strlen(s);
  if (pl + sl + 2 > MMB_RECIPE_MAX_LINE)
    return perr(p, line, "the '%s:' value is longer than %d characters", prev->key,
                MMB_RECIPE_MAX_LINE);
  char *nv = realloc(prev->value, pl + sl + 2);
  if (!nv) return -ENOMEM;
  if (pl) nv[pl++] = ' ';
  memcpy(nv + pl, s, sl + 1);
  prev->value = nv;
  return 0;
}

/* The key of the `key: value` line s, cut at its ':' (*colon): 0, or why
 * it is no key of a recipe (the nearest key named). */
static int cut_key(const pctx *p, int line, char *s, char **colon) {
  *colon = strchr(s, ':');
  size_t kl = *colon ? (size_t)(*colon - s) : 0;
  int bad_key = !*colon || kl == 0 || kl >= KEY_MAX;
  for (size_t i = 0; !bad_key && i < kl; i++)
    bad_key = !(islower((unsigned char)s[i]) || s[i] == '-' || s[i] == '_');
  if (bad_key) {
    char ex[80];
    excerpt(s, ex, sizeof ex);
    return perr(p, line, "expected 'key: value', got '%s' (keys: " KEY_LIST "; # starts a comment)",
                ex);
  }
  **colon = 0;
  if (in_list(keys, s)) return 0;
  const char *best = NULL;
  int bestd = 3;
  for (int i = 0; keys[i]; i++) {
    int d = mmb_edit_distance(s, keys[i]);
    if (d < bestd) bestd = d, best = keys[i];
  }
  if (best)
    return perr(p, line, "unknown key '%s' (did you mean '%s'? keys: " KEY_LIST ")", s, best);
  return perr(p, line, "unknown key '%s' (keys: " KEY_LIST ")", s);
}

/* A `key: value` line s: a new entry. */
static int add_entry(const pctx *p, int line, entries *es, char *s) {
  char *colon;
  int rc = cut_key(p, line, s, &colon);
  if (rc) return rc;
  if (es->n == es->cap) {
    int nc = es->cap ? es->cap * 2 : 16;
    if (nc > 4096) return perr(p, line, "more than 4096 entries");
    entry *nv = realloc(es->v, (size_t)nc * sizeof *nv);
    if (!nv) return -ENOMEM;
    es->v = nv, es->cap = nc;
  }
  entry *en = &es->v[es->n];
  en->line = line;
  snprintf(en->key, sizeof en->key, "%s", s);
  en->value = strdup(trim(colon + 1));
  if (!en->value) return -ENOMEM;
  es->n++;
  return 0;
}

/* Split the text into entries (continuation lines joined with a space);
 * *last_line: the last line read (1 for an empty text). */
static int split_entries(const pctx *p, const char *text, size_t len, entries *es, int *last_line) {
  int line = 0, rc = 0;
  size_t pos = 0;
  if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) pos = 3; /* UTF-8 BOM */
  char buf[MMB_RECIPE_MAX_LINE + 1];
  while (!rc && pos < len) {
    line++;
    rc = read_line(p, line, text, len, &pos, buf);
    if (rc) break;
    int cont = buf[0] == ' ' || buf[0] == '\t';
    char *s = trim(buf);
    if (!*s || *s == '#') continue;
    rc = cont ? continue_value(p, line, es, s) : add_entry(p, line, es, s);
  }
  *last_line = line ? line : 1;
  return rc;
}

/* ---------------------------------------------------------------------------
 * The entries into the recipe
 * ------------------------------------------------------------------------- */
typedef struct seen_lines { /* the line of each once-only key (0: none yet) */
  int name, claim, source, figure, where, note, published, differs, budget, corrupt;
} seen_lines;

/* budget: its rounds, seconds and calibration (calibration defaults to
 * the smaller of the rounds and the default calibration). */
static int set_budget(const pctx *p, seen_lines *seen, const entry *e, mmb_recipe *r) {
  char tmp[256];
  int rc = set_once(p, &seen->budget, e, tmp, sizeof tmp);
  if (rc) return rc;
  r->budget.calibration = r->budget.rounds = 0;
  rc = parse_budget(p, e->line, tmp, &r->budget);
  if (!rc && r->budget.calibration == 0)
    r->budget.calibration = r->budget.rounds < MMB_RECIPE_DEFAULT_CALIBRATION
                                ? r->budget.rounds
                                : MMB_RECIPE_DEFAULT_CALIBRATION;
  return rc;
}

/* on-corrupt: fail or inconclusive. */
static int set_on_corrupt(const pctx *p, seen_lines *seen, const entry *e, mmb_recipe *r) {
  char tmp[64];
  int rc = set_once(p, &seen->corrupt, e, tmp, sizeof tmp);
  if (!rc && strcmp(tmp, "fail") != 0 && strcmp(tmp, "inconclusive") != 0)
    rc = perr(p, e->line, "on-corrupt: '%s' (valid: fail, inconclusive)", tmp);
  if (!rc) r->corrupt_fails = strcmp(tmp, "fail") == 0;
  return rc;
}

/* figure: KIND [WORKLOAD]. */
static int set_figure(const pctx *p, seen_lines *seen, const entry *e, mmb_recipe *r) {
  char fig[256];
  int rc = set_once(p, &seen->figure, e, fig, sizeof fig);
  if (rc) return rc;
  char *save = NULL, *kind = strtok_r(fig, " \t", &save), *wl = strtok_r(NULL, " \t", &save);
  char ex[80];
  if (!in_list(figure_kinds, kind)) {
    excerpt(kind, ex, sizeof ex);
    return perr(p, e->line,
                "unknown figure kind '%s' (valid: time, rss, rsslive, counters, scaling, "
                "sweep, timeline, latency, heapsweep, none; optionally a workload after it)",
                ex);
  }
  if (strtok_r(NULL, " \t", &save))
    return perr(p, e->line, "figure: expected KIND [WORKLOAD], e.g. figure: time larson");
  if (wl && strcmp(kind, "none") == 0) return perr(p, e->line, "figure: none takes no workload");
  if (wl && !mmb_workload_find(wl)) {
    excerpt(wl, ex, sizeof ex);
    return perr(p, e->line, "figure: unknown workload '%s' (see: mmbench list)", ex);
  }
  snprintf(r->figure, sizeof r->figure, "%s", kind);
  if (wl) snprintf(r->figure_workload, sizeof r->figure_workload, "%s", wl);
  return 0;
}

/* where: the terms added to every selector (one line). */
static int set_where(const pctx *p, seen_lines *seen, const entry *e, mmb_recipe_sel *where) {
  if (seen->where)
    return perr(p, e->line, "second 'where:' line (put every term on one; the first is on line %d)",
                seen->where);
  seen->where = e->line;
  char buf[MMB_RECIPE_MAX_LINE + 1];
  snprintf(buf, sizeof buf, "%s", e->value);
  int rc = mmb_recipe_parse_terms(p, e->line, buf, where);
  if (!rc && where->n == 0)
    rc = perr(p, e->line, "'where:' is empty (e.g. where: workload=larson)");
  return rc;
}

/* 0 while a repeatable key has room for one more of its max lines. */
static int room(const pctx *p, const entry *e, int n, int max) {
  return n == max ? perr(p, e->line, "more than %d %s: lines", max, e->key) : 0;
}

/* A repeatable line: require, run, control, condition, expect. */
static int add_repeated(const pctx *p, const entry *e, mmb_recipe *r) {
  int rc;
  if (strcmp(e->key, "require") == 0) {
    if (!(rc = room(p, e, r->nrequires, MMB_RECIPE_MAX_REQUIRES)))
      rc = mmb_recipe_parse_require(p, e->line, e->value, &r->requires[r->nrequires++]);
  } else if (strcmp(e->key, "run") == 0) {
    if (!(rc = room(p, e, r->nruns, MMB_RECIPE_MAX_RUNS)))
      rc = mmb_recipe_parse_run(p, e->line, e->value, &r->runs[r->nruns++]);
  } else if (strcmp(e->key, "control") == 0) {
    if (!(rc = room(p, e, r->ncontrols, MMB_RECIPE_MAX_CONTROLS)))
      rc = mmb_recipe_parse_check(p, e->line, e->value, &r->controls[r->ncontrols++]);
  } else if (strcmp(e->key, "condition") == 0) {
    if (!(rc = room(p, e, r->nconditions, MMB_RECIPE_MAX_CONDITIONS)))
      rc = mmb_recipe_parse_condition(p, e->line, e->value, r, r->nconditions++);
  } else { /* expect */
    if (!(rc = room(p, e, r->nchecks, MMB_RECIPE_MAX_CHECKS)))
      rc = mmb_recipe_parse_check(p, e->line, e->value, &r->checks[r->nchecks++]);
  }
  return rc;
}

/* One entry into r (the where: terms into *where). */
static int apply_entry(const pctx *p, seen_lines *seen, const entry *e, mmb_recipe *r,
                       mmb_recipe_sel *where) {
  const char *k = e->key;
  if (strcmp(k, "name") == 0) {
    int rc = set_once(p, &seen->name, e, r->name, sizeof r->name);
    if (!rc && !valid_name(r->name))
      rc = perr(p, e->line,
                "name '%s' must be lower-case letters, digits, '.', '_' or '-' (e.g. "
                "larson-throughput)",
                r->name);
    return rc;
  }
  if (strcmp(k, "claim") == 0) return set_once(p, &seen->claim, e, r->claim, sizeof r->claim);
  if (strcmp(k, "source") == 0) return set_once(p, &seen->source, e, r->source, sizeof r->source);
  if (strcmp(k, "published") == 0) {
    int rc = set_once(p, &seen->published, e, r->published, sizeof r->published);
    return rc ? rc : check_published(p, e->line, r->published, &r->pub);
  }
  if (strcmp(k, "differs") == 0)
    return set_once(p, &seen->differs, e, r->differs, sizeof r->differs);
  if (strcmp(k, "note") == 0) return set_once(p, &seen->note, e, r->note, sizeof r->note);
  if (strcmp(k, "budget") == 0) return set_budget(p, seen, e, r);
  if (strcmp(k, "on-corrupt") == 0) return set_on_corrupt(p, seen, e, r);
  if (strcmp(k, "figure") == 0) return set_figure(p, seen, e, r);
  if (strcmp(k, "where") == 0) return set_where(p, seen, e, where);
  return add_repeated(p, e, r);
}

/* The text's entries into r, in order; *last_line for messages about what
 * is missing. */
static int read_entries(const pctx *p, const char *text, size_t len, mmb_recipe *r,
                        seen_lines *seen, mmb_recipe_sel *where, int *last_line) {
  entries es = {.n = 0};
  int rc = split_entries(p, text, len, &es, last_line);
  for (int i = 0; !rc && i < es.n; i++) rc = apply_entry(p, seen, &es.v[i], r, where);
  entries_free(&es);
  return rc;
}

/* The lines every recipe has (after the last line, or at source:). */
static int check_complete(const pctx *p, const mmb_recipe *r, const seen_lines *seen, int last) {
  if (!seen->name) return perr(p, last, "no 'name:' line (e.g. name: larson)");
  if (!seen->claim)
    return perr(p, last, "no 'claim:' line (state the published claim in one sentence)");
  if (!seen->source) return perr(p, last, "no 'source:' line (the paper, section or figure)");
  if (!seen->published)
    return perr(p, seen->source,
                "source: without a published figure (add 'published: WHERE: the number and its "
                "conditions', e.g. 'published: abstract: 17%% slower with 3x the memory', or "
                "'published: unconfirmed: WHY')");
  if (!seen->differs)
    return perr(p, last,
                "no 'differs:' line (say how this workload differs from the paper's and how "
                "the threshold follows from the published number)");
  if (r->nruns == 0) return perr(p, last, "no 'run:' line (the mmbench run options of the matrix)");
  if (r->nchecks == 0)
    return perr(p, last,
                "no 'expect:' line (e.g. expect: ratio(ns_per_op, allocator=glibc / "
                "allocator=jemalloc) >= 1.2)");
  return 0;
}

/* The where: terms into a selector that lacks their key, and its run=
 * within the run lines. */
static int merge_where(const pctx *p, const mmb_recipe *r, int line, mmb_recipe_sel *sel,
                       const mmb_recipe_sel *where) {
  for (int i = 0; i < where->n; i++) {
    int has = 0;
    for (int j = 0; j < sel->n; j++) has |= strcmp(sel->t[j].key, where->t[i].key) == 0;
    if (has) continue;
    if (sel->n == MMB_RECIPE_MAX_TERMS)
      return perr(p, line, "a selector with the where: terms has more than %d terms",
                  MMB_RECIPE_MAX_TERMS);
    sel->t[sel->n++] = where->t[i];
  }
  for (int j = 0; j < sel->n; j++)
    if (strcmp(sel->t[j].key, "run") == 0 && atoi(sel->t[j].value) > r->nruns)
      return perr(p, line, "run=%s: the recipe has %d run: line%s", sel->t[j].value, r->nruns,
                  r->nruns == 1 ? "" : "s");
  return 0;
}

/* Every check, control and condition: the where: terms merged, then its
 * metric's names known and produced by the run lines. */
static int check_selectors(const pctx *p, mmb_recipe *r, const mmb_recipe_sel *where) {
  int rc = 0, nall = r->nchecks + r->ncontrols + r->nconditions;
  for (int k = 0; !rc && k < nall; k++) {
    mmb_recipe_check *c = k < r->nchecks ? &r->checks[k]
                          : k < r->nchecks + r->ncontrols
                              ? &r->controls[k - r->nchecks]
                              : &r->conditions[k - r->nchecks - r->ncontrols];
    int sides = c->func == MMB_RECIPE_RATIO ? 2 : 1;
    for (int s = 0; !rc && s < sides; s++) rc = merge_where(p, r, c->line, &c->sel[s], where);
    if (!rc) rc = mmb_recipe_check_metric_names(p, r, c);
    if (!rc) rc = mmb_recipe_check_metric_produced(p, r, c);
  }
  return rc;
}

/* at NAME: the conditions a check cites exist; each is cited. */
static int check_conditions(const pctx *p, mmb_recipe *r) {
  int rc = 0;
  for (int k = 0; !rc && k < r->nchecks + r->ncontrols; k++) {
    mmb_recipe_check *c = k < r->nchecks ? &r->checks[k] : &r->controls[k - r->nchecks];
    if (c->at_text[0]) rc = mmb_recipe_resolve_at(p, r, c);
  }
  for (int i = 0; !rc && i < r->nconditions; i++) {
    int used = 0;
    for (int k = 0; k < r->nchecks; k++)
      for (int j = 0; j < r->checks[k].nat; j++) used |= r->checks[k].at[j] == i;
    if (!used)
      rc = perr(p, r->conditions[i].line,
                "condition %s is cited by no expect: line (add 'at %s' after the threshold of "
                "the checks that hold at it, or drop the condition)",
                r->conditions[i].label, r->conditions[i].label);
  }
  return rc;
}

/* An empty recipe with the defaults (figure none, the default budget). */
static mmb_recipe *recipe_new(const char *file) {
  mmb_recipe *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  snprintf(r->file, sizeof r->file, "%s", file);
  snprintf(r->figure, sizeof r->figure, "none");
  r->budget.rounds = MMB_RECIPE_DEFAULT_ROUNDS;
  r->budget.seconds = MMB_RECIPE_DEFAULT_SECONDS;
  r->budget.calibration = MMB_RECIPE_DEFAULT_CALIBRATION;
  return r;
}

int mmb_recipe_parse(const char *text, size_t len, const char *file, mmb_recipe **out, char *err,
                     size_t errlen) {
  pctx p = {file ? file : "<recipe>", err, errlen};
  *out = NULL;
  if (err && errlen) err[0] = 0;
  if (len > MAX_TEXT) return perr(&p, 1, "recipe larger than %d bytes", MAX_TEXT);
  mmb_recipe *r = recipe_new(p.file);
  if (!r) return -ENOMEM;
  seen_lines seen = {.name = 0};
  mmb_recipe_sel where = {.n = 0};
  int last = 1;
  int rc = read_entries(&p, text, len, r, &seen, &where, &last);
  if (!rc) rc = check_complete(&p, r, &seen, last);
  if (!rc) rc = check_selectors(&p, r, &where);
  if (!rc) rc = check_conditions(&p, r);
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
