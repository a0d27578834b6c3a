/* mmbench — the terms of a recipe (see recipe.h): selectors and their
 * matching, metric expressions and the names they may use, expect: checks,
 * require: preconditions and run: lines. */
#define _GNU_SOURCE
#include "alloc_spec.h"
#include "text.h"
#include "metrics.h"
#include "params.h"
#include "recipe_int.h"
#include "workload.h"

/* ---------------------------------------------------------------------------
 * Names the recipe may use
 * ------------------------------------------------------------------------- */

static const char *const known_counters[] = {"cycles",
                                             "instructions",
                                             "cache-references",
                                             "cache-misses",
                                             "L1-dcache-load-misses",
                                             "dTLB-load-misses",
                                             "branch-misses",
                                             "task-clock",
                                             "page-faults",
                                             "context-switches",
                                             "cpu-migrations",
                                             NULL};

static const char *const fixed_keys[] = {"workload", "allocator", "threads", "run", NULL};

/* A parameter name of some registered workload. */
static int is_param(const char *key) {
  const mmb_workload *w;
  for (int i = 0; (w = mmb_workload_at(i)); i++)
    if (mmb_workload_param_index(w, key) >= 0) return 1;
  return 0;
}

/* The nearest selector key to key, for a suggestion ("" when none close). */
static const char *nearest_key(const char *key) {
  const char *best = "";
  int bestd = 3;
  for (int i = 0; fixed_keys[i]; i++) {
    int d = mmb_edit_distance(key, fixed_keys[i]);
    if (d < bestd) bestd = d, best = fixed_keys[i];
  }
  const mmb_workload *w;
  for (int i = 0; (w = mmb_workload_at(i)); i++)
    for (int j = 0; w->params && w->params[j].name; j++) {
      int d = mmb_edit_distance(key, w->params[j].name);
      if (d < bestd) bestd = d, best = w->params[j].name;
    }
  return best;
}

/* ---------------------------------------------------------------------------
 * Selectors
 * ------------------------------------------------------------------------- */
static int parse_term(const pctx *p, int line, const char *tok, mmb_recipe_sel *s) {
  char ex[80];
  excerpt(tok, ex, sizeof ex);
  const char *eq = strchr(tok, '=');
  if (!eq || eq == tok || !eq[1])
    return perr(p, line, "selector term '%s' is not KEY=VALUE (e.g. allocator=glibc threads=2)",
                ex);
  if (s->n == MMB_RECIPE_MAX_TERMS)
    return perr(p, line, "a selector has at most %d terms", MMB_RECIPE_MAX_TERMS);
  mmb_recipe_term *t = &s->t[s->n];
  size_t kl = (size_t)(eq - tok);
  if (kl >= sizeof t->key || copy(t->value, sizeof t->value, eq + 1) != 0)
    return perr(p, line, "selector term '%s' is too long", ex);
  memcpy(t->key, tok, kl);
  t->key[kl] = 0;
  for (int i = 0; i < s->n; i++)
    if (strcmp(s->t[i].key, t->key) == 0)
      return perr(p, line, "selector names '%s' twice (one value per key)", t->key);
  if (in_list(fixed_keys, t->key)) {
    if (strcmp(t->key, "workload") == 0) {
      if (!mmb_workload_find(t->value)) {
        const mmb_workload *w, *best = NULL;
        int bestd = 4;
        for (int i = 0; (w = mmb_workload_at(i)); i++) {
          int d = mmb_edit_distance(t->value, w->name);
          if (d < bestd) bestd = d, best = w;
        }
        char vx[80];
        excerpt(t->value, vx, sizeof vx);
        if (best)
          return perr(p, line, "unknown workload '%s' (did you mean '%s'? see: mmbench list)", vx,
                      best->name);
        return perr(p, line, "unknown workload '%s' (see: mmbench list)", vx);
      }
    } else if (strcmp(t->key, "allocator") == 0) {
      mmb_alloc_spec spec;
      char aerr[512];
      if (mmb_alloc_spec_parse(t->value, &spec, aerr, sizeof aerr) != 0)
        return perr(p, line, "allocator=%s: %s", t->value, aerr);
    } else {
      long long v;
      int max = strcmp(t->key, "run") == 0 ? MMB_RECIPE_MAX_RUNS : MMB_MAX_THREADS;
      if (mmb_parse_int(t->value, &v) != 0 || v < 1 || v > max) {
        char vx[80];
        excerpt(t->value, vx, sizeof vx);
        return perr(p, line, "%s=%s: needs a whole number in 1..%d", t->key, vx, max);
      }
    }
  } else if (!is_param(t->key)) {
    char kx[64];
    excerpt(t->key, kx, sizeof kx);
    const char *near = nearest_key(t->key);
    if (*near)
      return perr(p, line,
                  "unknown selector key '%s' (did you mean '%s'? keys: workload, allocator, "
                  "threads, run, or a workload parameter)",
                  kx, near);
    return perr(p, line,
                "unknown selector key '%s' (keys: workload, allocator, threads, run, or a "
                "workload parameter; see: mmbench list)",
                kx);
  }
  s->n++;
  return 0;
}

int mmb_recipe_parse_terms(const pctx *p, int line, char *text, mmb_recipe_sel *s) {
  char *save = NULL;
  for (char *tok = strtok_r(text, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
    int rc = parse_term(p, line, tok, s);
    if (rc) return rc;
  }
  return 0;
}

int mmb_recipe_param_value(const char *params, const char *key, char *buf, size_t len) {
  size_t kl = strlen(key);
  const char *s = params;
  while (*s) {
    const char *end = strchr(s, ';');
    size_t n = end ? (size_t)(end - s) : strlen(s);
    if (n > kl && strncmp(s, key, kl) == 0 && s[kl] == '=') {
      size_t vl = n - kl - 1;
      if (vl >= len) vl = len - 1;
      memcpy(buf, s + kl + 1, vl);
      buf[vl] = 0;
      return 1;
    }
    if (!end) break;
    s = end + 1;
  }
  return 0;
}

static int same_value(const char *a, const char *b) {
  if (strcmp(a, b) == 0) return 1;
  long long x, y;
  return mmb_parse_int(a, &x) == 0 && mmb_parse_int(b, &y) == 0 && x == y;
}

int mmb_recipe_sel_match(const mmb_recipe_sel *s, const mmb_recipe_cellkey *c) {
  for (int i = 0; i < s->n; i++) {
    const mmb_recipe_term *t = &s->t[i];
    if (strcmp(t->key, "workload") == 0) {
      if (strcmp(t->value, c->workload) != 0) return 0;
    } else if (strcmp(t->key, "allocator") == 0) {
      if (strcmp(t->value, c->allocator) != 0) return 0;
    } else if (strcmp(t->key, "threads") == 0) {
      if (atoi(t->value) != c->threads) return 0;
    } else if (strcmp(t->key, "run") == 0) {
      if (atoi(t->value) != c->run) return 0;
    } else {
      char v[512];
      if (!mmb_recipe_param_value(c->params, t->key, v, sizeof v) || !same_value(t->value, v))
        return 0;
    }
  }
  return 1;
}

void mmb_recipe_sel_text(const mmb_recipe_sel *s, char *buf, size_t len) {
  size_t u = 0;
  buf[0] = 0;
  for (int i = 0; i < s->n && u < len; i++)
    u += (size_t)snprintf(buf + u, len - u, "%s%s=%s", i ? " " : "", s->t[i].key, s->t[i].value);
}

/* ---------------------------------------------------------------------------
 * Metrics
 * ------------------------------------------------------------------------- */
static int parse_metric(const pctx *p, int line, const char *text, mmb_recipe_metric *m) {
  memset(m, 0, sizeof *m);
  /* " + " and " - " (with spaces: names such as cache-misses hold '-')
   * separate terms; inside a term, '*' and '/' without spaces */
  char buf[256], shown[256];
  size_t j = 0, k = 0;
  for (size_t i = 0; text[i]; i++) {
    char c = text[i];
    if (i > 0 && isspace((unsigned char)text[i - 1]) && (c == '+' || c == '-') &&
        (text[i + 1] == ' ' || text[i + 1] == '\t')) {
      if (j + 1 >= sizeof buf || k + 4 >= sizeof shown)
        return perr(p, line, "metric expression too long");
      buf[j++] = c == '+' ? '\x01' : '\x02';
      shown[k++] = ' ', shown[k++] = c, shown[k++] = ' ';
      continue;
    }
    if (isspace((unsigned char)c)) continue;
    if (j + 1 >= sizeof buf || k + 1 >= sizeof shown)
      return perr(p, line, "metric expression too long");
    buf[j++] = c;
    shown[k++] = c;
  }
  buf[j] = 0;
  shown[k] = 0;
  if (!buf[0]) return perr(p, line, "missing metric (e.g. ns_per_op, peak_rss_kb, reclaimed/ops)");
  if (copy(m->text, sizeof m->text, shown) != 0) return perr(p, line, "metric expression too long");
  const char *s = buf;
  char op = '*';
  for (;;) {
    if (m->n == MMB_RECIPE_MAX_FACTORS)
      return perr(p, line, "metric '%s' has more than %d factors", m->text, MMB_RECIPE_MAX_FACTORS);
    size_t n = strcspn(s, "*/\x01\x02");
    if (n == 0 || n >= sizeof m->name[0])
      return perr(p, line,
                  "metric '%s': expected a metric name or a number around '*', '/', ' + ' and "
                  "' - '",
                  m->text);
    char f[64];
    memcpy(f, s, n);
    f[n] = 0;
    m->op[m->n] = op;
    if (isdigit((unsigned char)f[0]) || f[0] == '.') {
      if (parse_number(f, &m->num[m->n]) != 0)
        return perr(p, line, "metric '%s': '%s' is not a number", m->text, f);
      m->name[m->n][0] = 0;
    } else {
      for (const char *c = f; *c; c++)
        if (!(isalnum((unsigned char)*c) || *c == '_' || *c == '-' || *c == '.'))
          return perr(p, line, "metric '%s': '%s' is not a metric name (letters, digits, _ - .)",
                      m->text, f);
      memcpy(m->name[m->n], f, n + 1);
    }
    m->n++;
    s += n;
    if (!*s) break;
    op = *s == '\x01' ? '+' : *s == '\x02' ? '-' : *s;
    s++;
  }
  return 0;
}

/* A metric name is known, or among the events named by the run lines. */
static int metric_known(const mmb_recipe *r, const char *name) {
  const mmb_metric *mt = mmb_metric_find(name);
  if ((mt && (mt->flags & MMB_COL_MEASURE)) || in_list(known_counters, name)) return 1;
  if (strncmp(name, "sim_", 4) == 0 || strncmp(name, "lat_", 4) == 0) return 1;
  char base[64];
  snprintf(base, sizeof base, "%s", name);
  size_t n = strlen(base);
  if (n > 7 && strcmp(base + n - 7, "_per_op") == 0) {
    base[n - 7] = 0;
    if (in_list(known_counters, base)) return 1;
  }
  for (int k = 0; k < r->nruns; k++)
    for (int i = 0; i + 1 < r->runs[k].argc; i++) {
      if (strcmp(r->runs[k].argv[i], "--events") != 0) continue;
      char *items[64];
      int ni = mmb_split_list(r->runs[k].argv[i + 1], items, 64);
      int found = 0;
      for (int j = 0; j < ni; j++)
        found |= strcmp(items[j], base) == 0 || strcmp(items[j], name) == 0;
      if (ni > 0) mmb_free_list(items, ni);
      if (found) return 1;
    }
  return 0;
}

int mmb_recipe_check_metric_names(const pctx *p, const mmb_recipe *r, const mmb_recipe_check *c) {
  for (int i = 0; i < c->metric.n; i++) {
    const char *name = c->metric.name[i];
    if (!name[0] || metric_known(r, name)) continue;
    const char *best = NULL;
    int bestd = 4;
    const mmb_metric *mt;
    for (int k = 0; (mt = mmb_metric_at(k)); k++) {
      if (!(mt->flags & MMB_COL_MEASURE)) continue;
      int d = mmb_edit_distance(name, mt->name);
      if (d < bestd) bestd = d, best = mt->name;
    }
    for (int j = 0; known_counters[j]; j++) {
      int d = mmb_edit_distance(name, known_counters[j]);
      if (d < bestd) bestd = d, best = known_counters[j];
    }
    if (best)
      return perr(p, c->line,
                  "unknown metric '%s' (did you mean '%s'? metrics: the columns of "
                  "summary.csv and runs.csv, or an event named with --events)",
                  name, best);
    return perr(p, c->line,
                "unknown metric '%s' (metrics: ns_per_op, ops_per_s, wall_ns, cpu_ns, ops, "
                "peak_rss_kb, rss_per_live, reclaimed, ..., or an event named with --events)",
                name);
  }
  return 0;
}

/* ---------------------------------------------------------------------------
 * Checks
 * ------------------------------------------------------------------------- */
const char *const mmb_recipe_op_text[] = {">=", ">", "<=", "<", "=="};

static int starts_func(const char *s) {
  while (*s == ' ') s++;
  for (const char *f = s; isalpha((unsigned char)*f); f++) {
    size_t n = (size_t)(f - s) + 1;
    if ((n == 5 && strncmp(s, "ratio", 5) == 0) || (n == 6 && strncmp(s, "median", 6) == 0)) {
      const char *q = f + 1;
      while (*q == ' ') q++;
      if (*q == '(') return 1;
    }
  }
  return 0;
}

/* An optional `LABEL:` before the check at *s into c->label, *s past it. */
static int cut_label(const pctx *p, int line, char **s, mmb_recipe_check *c) {
  if (starts_func(*s)) return 0;
  char *colon = strchr(*s, ':');
  if (!colon || !starts_func(colon + 1)) {
    char ex[80];
    excerpt(*s, ex, sizeof ex);
    return perr(p, line,
                "expect: '%s' is not a check (write ratio(METRIC, SEL / SEL) OP NUMBER or "
                "median(METRIC, SEL) OP NUMBER, optionally after 'LABEL:')",
                ex);
  }
  *colon = 0;
  char *label = trim(*s);
  if (!*label)
    return perr(p, line, "expect: empty label before ':' (drop the ':' or name the check)");
  if (copy(c->label, sizeof c->label, label) != 0)
    return perr(p, line, "expect: label longer than %zu characters", sizeof c->label - 1);
  *s = trim(colon + 1);
  return 0;
}

/* The ')' that ends the argument list at s (outside brackets), or NULL. */
static char *closing_paren(char *s) {
  int depth = 0;
  for (char *q = s; *q; q++) {
    if (*q == '[')
      depth++;
    else if (*q == ']' && depth)
      depth--;
    else if (*q == ')' && !depth)
      return q;
  }
  return NULL;
}

/* The arguments of c's function (s, cut at its ')'): METRIC, then the
 * selectors, a lone '/' between the two of a ratio. */
static int parse_args(const pctx *p, int line, const char *fname, char *s, mmb_recipe_check *c) {
  char *comma = strchr(s, ',');
  if (!comma)
    return perr(p, line, "%s(...): needs 'METRIC, SELECTOR' inside the parentheses", fname);
  *comma = 0;
  int rc = parse_metric(p, line, s, &c->metric);
  if (rc) return rc;
  char *args = comma + 1, *save = NULL;
  int side = 0;
  for (char *tok = strtok_r(args, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
    if (strcmp(tok, "/") == 0) {
      if (c->func != MMB_RECIPE_RATIO)
        return perr(p, line, "median(...) takes one selector; '/' divides the two of ratio(...)");
      if (side == 1) return perr(p, line, "ratio(...): more than one '/' between selectors");
      if (c->sel[0].n == 0) return perr(p, line, "ratio(...): empty selector before '/'");
      side = 1;
      continue;
    }
    rc = parse_term(p, line, tok, &c->sel[side]);
    if (rc) return rc;
  }
  if (c->func == MMB_RECIPE_RATIO && side == 0)
    return perr(p, line,
                "ratio(...) needs two selectors separated by ' / ' (spaces around the '/')");
  if (c->func == MMB_RECIPE_RATIO && c->sel[1].n == 0)
    return perr(p, line, "ratio(...): empty selector after '/'");
  return 0;
}

/* The comparison at *s into c->op, *s past it (two-character ones first). */
static int parse_op(const pctx *p, int line, const char *fname, char **s, mmb_recipe_check *c) {
  static const mmb_recipe_op order[] = {MMB_RECIPE_GE, MMB_RECIPE_LE, MMB_RECIPE_EQ, MMB_RECIPE_GT,
                                        MMB_RECIPE_LT};
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
    const char *t = mmb_recipe_op_text[order[i]];
    if (strncmp(*s, t, strlen(t)) == 0) {
      c->op = order[i];
      *s += strlen(t);
      return 0;
    }
  }
  char ex[80];
  excerpt(*s, ex, sizeof ex);
  return perr(p, line, "expected a comparison (>=, >, <=, <, ==) after %s(...), got '%s'", fname,
              ex);
}

/* `at NAME[,NAME]` at the end of s (the published conditions the threshold
 * holds at) into c->at_text, cut from s. */
static int cut_at(const pctx *p, int line, char *s, mmb_recipe_check *c) {
  char *at = strstr(s, " at ");
  if (!at) return 0;
  *at = 0;
  char *names = trim(at + 4);
  if (!*names) return perr(p, line, "'at' needs the name of a condition: line (e.g. at heap=5x)");
  if (copy(c->at_text, sizeof c->at_text, names) != 0)
    return perr(p, line, "'at %s': too long", names);
  return 0;
}

/* The threshold NUMBER [+- T[%]] (or ±) at s into c. */
static int parse_threshold(const pctx *p, int line, char *s, mmb_recipe_check *c) {
  char *pm = strstr(s, "+-");
  char *pm2 = strstr(s, "\xc2\xb1"); /* ± */
  char *tol = NULL;
  if (pm2 && (!pm || pm2 < pm))
    *pm2 = 0, tol = pm2 + 2;
  else if (pm)
    *pm = 0, tol = pm + 2;
  char *num = trim(s);
  char ex[80];
  if (parse_number(num, &c->value) != 0) {
    excerpt(num, ex, sizeof ex);
    return perr(p, line, "threshold '%s' is not a number (e.g. >= 1.2)", ex);
  }
  if (!tol) return 0;
  if (c->op != MMB_RECIPE_EQ)
    return perr(p, line, "a tolerance '+- T' goes with '==' only (e.g. == 1 +- 5%%)");
  tol = trim(tol);
  size_t n = strlen(tol);
  if (n && tol[n - 1] == '%') {
    c->tol_pct = 1;
    tol[n - 1] = 0;
    tol = trim(tol);
  }
  if (parse_number(tol, &c->tol) == 0 && c->tol >= 0) return 0;
  excerpt(tol, ex, sizeof ex);
  return perr(p, line, "tolerance '%s' is not a number >= 0 (e.g. == 1 +- 0.05 or == 1 +- 5%%)",
              ex);
}

int mmb_recipe_parse_check(const pctx *p, int line, const char *value, mmb_recipe_check *c) {
  memset(c, 0, sizeof *c);
  c->line = line;
  char buf[MMB_RECIPE_MAX_LINE];
  if (copy(buf, sizeof buf, value) != 0) return perr(p, line, "expect: line too long");
  char *s = trim(buf);
  int rc = cut_label(p, line, &s, c);
  if (rc) return rc;
  if (copy(c->text, sizeof c->text, s) != 0)
    return perr(p, line, "expect: check longer than %zu characters", sizeof c->text - 1);
  if (strncmp(s, "ratio", 5) == 0)
    c->func = MMB_RECIPE_RATIO, s += 5;
  else
    c->func = MMB_RECIPE_MEDIAN, s += 6;
  while (*s == ' ') s++;
  s++; /* '(' */
  char *close = closing_paren(s);
  const char *fname = c->func == MMB_RECIPE_RATIO ? "ratio" : "median";
  if (!close)
    return perr(p, line, "%s(...): missing ')' (e.g. %s)", fname,
                c->func == MMB_RECIPE_RATIO
                    ? "ratio(ns_per_op, allocator=glibc / allocator=jemalloc) >= 1.2"
                    : "median(reclaimed, allocator=rc) == 0");
  *close = 0;
  rc = parse_args(p, line, fname, s, c);
  if (rc) return rc;
  s = trim(close + 1);
  rc = parse_op(p, line, fname, &s, c);
  if (rc) return rc;
  s = trim(s);
  rc = cut_at(p, line, s, c);
  return rc ? rc : parse_threshold(p, line, s, c);
}

/* ---------------------------------------------------------------------------
 * Preconditions
 * ------------------------------------------------------------------------- */
int mmb_recipe_parse_require(const pctx *p, int line, const char *value, mmb_recipe_require *q) {
  memset(q, 0, sizeof *q);
  q->line = line;
  char buf[128];
  size_t j = 0;
  for (size_t i = 0; value[i] && j + 1 < sizeof buf; i++)
    if (!isspace((unsigned char)value[i])) buf[j++] = value[i];
  buf[j] = 0;
  snprintf(q->text, sizeof q->text, "%s", buf);
  if (strcmp(buf, "no-smt") == 0) {
    q->kind = MMB_RECIPE_REQ_NO_SMT;
    return 0;
  }
  if (strcmp(buf, "pmu") == 0) {
    q->kind = MMB_RECIPE_REQ_PMU;
    return 0;
  }
  if (strncmp(buf, "thp=", 4) == 0) {
    static const char *const modes[] = {"always", "madvise", "never", NULL};
    if (!in_list(modes, buf + 4))
      return perr(p, line, "require: thp=%s (valid: thp=always, thp=madvise, thp=never)", buf + 4);
    q->kind = MMB_RECIPE_REQ_THP;
    snprintf(q->value, sizeof q->value, "%s", buf + 4);
    return 0;
  }
  if (strncmp(buf, "governor=", 9) == 0 && buf[9]) {
    q->kind = MMB_RECIPE_REQ_GOVERNOR;
    snprintf(q->value, sizeof q->value, "%s", buf + 9);
    return 0;
  }
  const char *rest = NULL;
  if (strncmp(buf, "cores>=", 7) == 0)
    q->kind = MMB_RECIPE_REQ_CORES, rest = buf + 7;
  else if (strncmp(buf, "cpus>=", 6) == 0)
    q->kind = MMB_RECIPE_REQ_CPUS, rest = buf + 6;
  long long v;
  if (rest && mmb_parse_int(rest, &v) == 0 && v >= 1 && v <= 4096) {
    q->n = (int)v;
    return 0;
  }
  char ex[80];
  excerpt(value, ex, sizeof ex);
  return perr(p, line,
              "require: '%s' is not a precondition (valid: cores>=N, cpus>=N, no-smt, pmu, "
              "thp=MODE, governor=NAME)",
              ex);
}

/* ---------------------------------------------------------------------------
 * Run lines
 * ------------------------------------------------------------------------- */
typedef struct ropt {
  const char *s, *l;
  int arg;
} ropt;

static const ropt run_opts[] = {
    {"-w", "--workloads", 1}, {"-a", "--allocators", 1}, {"-t", "--threads", 1},
    {"-p", "--param", 1},     {"-r", "--reps", 1},       {NULL, "--warmup", 1},
    {NULL, "--scale", 1},     {NULL, "--preset", 1},     {NULL, "--timeout", 1},
    {NULL, "--seed", 1},      {NULL, "--pin", 1},        {NULL, "--counters", 1},
    {NULL, "--events", 1},    {NULL, "--latency", 1},    {NULL, "--keep-going", 0},
    {NULL, NULL, 0}};

static const char *const run_forbidden[] = {"-o", "--out",   "--resume", "-n",     "--dry-run",
                                            "-q", "--quiet", "-h",       "--help", NULL};

/* Split text into shell-like words ('...' and "..." quote). */
static int tokenize(const pctx *p, int line, const char *text, char out[][256], int max) {
  int n = 0;
  const char *s = text;
  for (;;) {
    while (*s == ' ' || *s == '\t') s++;
    if (!*s) break;
    if (n == max) return perr(p, line, "run: more than %d words", max);
    char word[256];
    size_t j = 0;
    while (*s && *s != ' ' && *s != '\t') {
      if (*s == '\'' || *s == '"') {
        char q = *s++;
        while (*s && *s != q) {
          if (j + 1 >= sizeof word) return perr(p, line, "run: a word longer than 255 characters");
          word[j++] = *s++;
        }
        if (!*s) return perr(p, line, "run: unterminated %c quote", q);
        s++;
        continue;
      }
      if (j + 1 >= sizeof word) return perr(p, line, "run: a word longer than 255 characters");
      word[j++] = *s++;
    }
    word[j] = 0;
    memcpy(out[n++], word, j + 1);
  }
  return n;
}

int mmb_recipe_parse_run(const pctx *p, int line, const char *value, mmb_recipe_run *run) {
  memset(run, 0, sizeof *run);
  run->line = line;
  if (copy(run->text, sizeof run->text, value) != 0)
    return perr(p, line, "run: line longer than %zu characters", sizeof run->text - 1);
  char(*w)[256] = calloc(MMB_RECIPE_MAX_ARGS, 256);
  if (!w) return -ENOMEM;
  int n = tokenize(p, line, value, w, MMB_RECIPE_MAX_ARGS);
  int rc = 0;
  if (n < 0) {
    rc = n;
    goto out;
  }
  if (n == 0) {
    rc = perr(p, line,
              "run: needs mmbench run options, e.g. run: -w larson -a glibc,jemalloc -t 2 -r 7");
    goto out;
  }
  for (int i = 0; i < n; i++) {
    char opt[256], *val = NULL;
    snprintf(opt, sizeof opt, "%s", w[i]);
    char *eq = strncmp(opt, "--", 2) == 0 ? strchr(opt, '=') : NULL;
    if (eq) *eq = 0, val = eq + 1;
    char ox[80];
    excerpt(opt, ox, sizeof ox);
    if (strcmp(opt, "-r") == 0 || strcmp(opt, "--reps") == 0) {
      rc = perr(p, line,
                "run: %s: repetitions come from the adaptive rounds (budget: rounds=N "
                "seconds=S); drop it",
                ox);
      goto out;
    }
    if (in_list(run_forbidden, opt)) {
      rc =
          perr(p, line,
               "run: %s is set by mmbench reproduce (the results go to OUT/<recipe>); drop it", ox);
      goto out;
    }
    const ropt *o = NULL;
    for (int k = 0; run_opts[k].l; k++)
      if ((run_opts[k].s && strcmp(opt, run_opts[k].s) == 0) || strcmp(opt, run_opts[k].l) == 0)
        o = &run_opts[k];
    if (!o) {
      if (opt[0] != '-')
        rc = perr(p, line,
                  "run: unexpected word '%s' (options only, e.g. -w larson -a glibc,jemalloc; "
                  "lists are comma-separated)",
                  ox);
      else
        rc = perr(p, line,
                  "run: unknown option '%s' (valid: -w, -a, -t, -p, -r, --warmup, --scale, "
                  "--preset, --timeout, --seed, --pin, --counters, --events, --latency, "
                  "--keep-going)",
                  ox);
      goto out;
    }
    if (run->argc + 2 > MMB_RECIPE_MAX_ARGS) {
      rc = perr(p, line, "run: more than %d words", MMB_RECIPE_MAX_ARGS);
      goto out;
    }
    snprintf(run->argv[run->argc++], 256, "%s", o->s ? o->s : o->l);
    if (!o->arg) {
      if (val) {
        rc = perr(p, line, "run: %s takes no value", o->l);
        goto out;
      }
      continue;
    }
    if (!val) {
      if (i + 1 >= n) {
        rc = perr(p, line, "run: option %s needs a value", ox);
        goto out;
      }
      val = w[++i];
    }
    if (!*val) {
      rc = perr(p, line, "run: option %s needs a non-empty value", ox);
      goto out;
    }
    snprintf(run->argv[run->argc++], 256, "%s", val);
  }
out:
  free(w);
  return rc;
}

/* ---------------------------------------------------------------------------
 * Metrics the run lines produce
 * ------------------------------------------------------------------------- */
/* The value of option name on run line k ("" when absent). */
static const char *run_option(const mmb_recipe_run *run, const char *name) {
  for (int i = 0; i + 1 < run->argc; i++)
    if (strcmp(run->argv[i], name) == 0) return run->argv[i + 1];
  return "";
}

/* The counter mode of a run line: its --counters, else hw. */
static const char *counter_mode(const mmb_recipe_run *run) {
  const char *m = run_option(run, "--counters");
  return *m ? m : "hw";
}

static int is_counter(const char *name) {
  if (in_list(known_counters, name) || strcmp(name, "ipc") == 0 ||
      strcmp(name, "counters_running_frac") == 0)
    return 1;
  size_t n = strlen(name);
  if (n > 7 && strcmp(name + n - 7, "_per_op") == 0) {
    char base[64];
    snprintf(base, sizeof base, "%.*s", (int)(n - 7), name);
    return in_list(known_counters, base);
  }
  return 0;
}

int mmb_recipe_check_metric_produced(const pctx *p, const mmb_recipe *r,
                                     const mmb_recipe_check *c) {
  /* the run lines the check can read: its run= term, else all of them */
  int only = 0;
  for (int s = 0; s < 2; s++)
    for (int i = 0; i < c->sel[s].n; i++)
      if (strcmp(c->sel[s].t[i].key, "run") == 0) only = atoi(c->sel[s].t[i].value);
  for (int i = 0; i < c->metric.n; i++) {
    const char *name = c->metric.name[i];
    if (!name[0]) continue;
    int sim = strncmp(name, "sim_", 4) == 0, lat = strncmp(name, "lat_", 4) == 0;
    int ctr = !sim && !lat && is_counter(name);
    const mmb_metric *mt = mmb_metric_find(name);
    if (mt && !(mt->flags & (MMB_COL_RUNS | MMB_COL_DERIVED)) && !ctr)
      return perr(p, c->line,
                  "metric '%s' is not produced by the run: lines (runs.csv has no such column "
                  "in this build; see results/README.md for the columns)",
                  name);
    if (!sim && !lat && !ctr) continue;
    int produced = 0;
    for (int k = 0; k < r->nruns; k++) {
      if (only && only != k + 1) continue;
      const mmb_recipe_run *run = &r->runs[k];
      if (sim) produced |= strcmp(counter_mode(run), "sim") == 0;
      if (lat) produced |= *run_option(run, "--latency") != 0;
      if (ctr) produced |= strcmp(counter_mode(run), "off") != 0;
    }
    if (produced) continue;
    if (sim)
      return perr(p, c->line,
                  "metric '%s' is not produced by the run: lines (sim_ metrics need "
                  "--counters sim on the run: line)",
                  name);
    if (lat)
      return perr(p, c->line,
                  "metric '%s' is not produced by the run: lines (lat_ metrics need --latency K "
                  "on the run: line)",
                  name);
    return perr(p, c->line,
                "metric '%s' is not produced by the run: lines (they run with --counters off; "
                "use --counters hw or sim)",
                name);
  }
  return 0;
}

/* ---------------------------------------------------------------------------
 * Published conditions
 * ------------------------------------------------------------------------- */
/* heap=Nx: N into *mult; 0, or -1 when name is not of that form. */
static int heap_multiple(const char *name, double *mult) {
  if (strncmp(name, "heap=", 5) != 0) return -1;
  char buf[32];
  size_t n = strlen(name + 5);
  if (n < 2 || n >= sizeof buf || name[5 + n - 1] != 'x') return -1;
  memcpy(buf, name + 5, n - 1);
  buf[n - 1] = 0;
  return parse_number(buf, mult);
}

int mmb_recipe_parse_condition(const pctx *p, int line, const char *value, mmb_recipe *r, int i) {
  mmb_recipe_check *c = &r->conditions[i];
  int rc = mmb_recipe_parse_check(p, line, value, c);
  if (rc) return rc;
  const char *form = "write condition: heap=Nx: ratio(peak_rss_kb, COLLECTOR CELL / EXPLICIT "
                     "CELL) == N +- T%, e.g. condition: heap=5x: ratio(peak_rss_kb, "
                     "allocator=gc growth=1200 / allocator=manual growth=1200) == 5 +- 20%";
  double mult;
  if (!c->label[0] || heap_multiple(c->label, &mult) != 0)
    return perr(p, line, "condition '%s' is not a known condition (%s)",
                c->label[0] ? c->label : c->text, form);
  if (!(mult > 1))
    return perr(p, line,
                "condition %s: a collector cannot run in %g times the memory explicit management "
                "needs (a heap multiple is above 1, e.g. heap=2x)",
                c->label, mult);
  if (c->at_text[0]) return perr(p, line, "condition %s: a condition cites no condition", c->label);
  if (c->func != MMB_RECIPE_RATIO || c->metric.n != 1 ||
      strcmp(c->metric.name[0], MMB_METRIC_PEAK_RSS) != 0 || c->op != MMB_RECIPE_EQ ||
      c->value != mult || c->tol <= 0)
    return perr(p, line,
                "condition %s: measured as the peak RSS of the collector cell over that "
                "of explicit management with a stated tolerance (%s)",
                c->label, form);
  for (int j = 0; j < i; j++)
    if (strcmp(r->conditions[j].label, c->label) == 0)
      return perr(p, line, "second condition %s (the first is on line %d)", c->label,
                  r->conditions[j].line);
  return 0;
}

int mmb_recipe_resolve_at(const pctx *p, const mmb_recipe *r, mmb_recipe_check *c) {
  char buf[128];
  snprintf(buf, sizeof buf, "%s", c->at_text);
  char *save = NULL;
  c->nat = 0;
  for (char *tok = strtok_r(buf, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
    int found = -1;
    for (int i = 0; i < r->nconditions; i++)
      if (strcmp(r->conditions[i].label, tok) == 0) found = i;
    if (found < 0) {
      double mult;
      if (heap_multiple(tok, &mult) == 0)
        return perr(p, c->line,
                    "the threshold cites %s but no condition: line creates it (add 'condition: "
                    "%s: ratio(peak_rss_kb, COLLECTOR CELL / EXPLICIT CELL) == %g +- 20%%' "
                    "measured on a cell of the run)",
                    tok, tok, mult);
      return perr(p, c->line,
                  "the threshold cites '%s', which is not a condition (conditions are "
                  "heap=Nx, defined by condition: lines)",
                  tok);
    }
    if (c->nat == MMB_RECIPE_MAX_AT)
      return perr(p, c->line, "a check cites at most %d conditions", MMB_RECIPE_MAX_AT);
    c->at[c->nat++] = found;
  }
  return 0;
}
