/* mmbench — recipes (see recipe.h): the parser, the run-line options, the
 * matrix check, preconditions, and the evaluation of checks on a results
 * folder (summary.csv, and runs.csv for derived metrics and the bootstrap
 * CI of a ratio). */
#define _GNU_SOURCE
#include "recipe.h"

#include <ctype.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cli_util.h"
#include "params.h"
#include "presets.h"
#include "results.h"
#include "stats.h"
#include "workload.h"

#define MAX_LINE 4096
#define MAX_TEXT (256 * 1024) /* a recipe longer than this is refused */

/* ---------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------- */
typedef struct pctx {
  const char *file;
  char *err;
  size_t errlen;
} pctx;

__attribute__((format(printf, 3, 4))) static int perr(const pctx *p, int line, const char *fmt,
                                                      ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (p->err && p->errlen) snprintf(p->err, p->errlen, "%s:%d: %s", p->file, line, msg);
  return -EINVAL;
}

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t') s++;
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) s[--n] = 0;
  return s;
}

/* Copy with a length check: 0, or -1 when src does not fit. */
static int copy(char *dst, size_t len, const char *src) {
  size_t n = strlen(src);
  if (n >= len) return -1;
  memcpy(dst, src, n + 1);
  return 0;
}

/* A short, printable excerpt of text for messages. */
static void excerpt(const char *text, char *buf, size_t len) {
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

static int parse_number(const char *s, double *v) {
  char *end;
  errno = 0;
  if (!*s || isspace((unsigned char)*s)) return -1;
  *v = strtod(s, &end);
  if (end == s || *end || errno == ERANGE || !isfinite(*v)) return -1;
  return 0;
}

static int valid_name(const char *s) {
  if (!*s || !(islower((unsigned char)*s) || isdigit((unsigned char)*s))) return 0;
  for (; *s; s++)
    if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '.' || *s == '_' ||
          *s == '-'))
      return 0;
  return 1;
}

/* ---------------------------------------------------------------------------
 * Names the recipe may use
 * ------------------------------------------------------------------------- */
static const char *const figure_kinds[] = {"time",      "rss",   "rsslive",  "counters",
                                           "scaling",   "sweep", "timeline", "latency",
                                           "heapsweep", "none",  NULL};

static const char *const known_metrics[] = {"ns_per_op",
                                            "ops_per_s",
                                            "wall_ns",
                                            "cpu_ns",
                                            "ops",
                                            "peak_rss_kb",
                                            "rss_per_live",
                                            "final_rss_kb",
                                            "minflt",
                                            "majflt",
                                            "nvcsw",
                                            "nivcsw",
                                            "live_bytes",
                                            "reclaimed",
                                            "rep",
                                            "threads",
                                            "ipc",
                                            "counters_running_frac",
                                            NULL};

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

static int in_list(const char *const *list, const char *s) {
  for (int i = 0; list[i]; i++)
    if (strcmp(list[i], s) == 0) return 1;
  return 0;
}

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
static int parse_term(const pctx *p, int line, const char *tok, mmb_rsel *s) {
  char ex[80];
  excerpt(tok, ex, sizeof ex);
  const char *eq = strchr(tok, '=');
  if (!eq || eq == tok || !eq[1])
    return perr(p, line, "selector term '%s' is not KEY=VALUE (e.g. allocator=glibc threads=2)",
                ex);
  if (s->n == MMB_RECIPE_MAX_TERMS)
    return perr(p, line, "a selector has at most %d terms", MMB_RECIPE_MAX_TERMS);
  mmb_rterm *t = &s->t[s->n];
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

/* Whitespace-separated terms of text into s. */
static int parse_terms(const pctx *p, int line, char *text, mmb_rsel *s) {
  char *save = NULL;
  for (char *tok = strtok_r(text, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
    int rc = parse_term(p, line, tok, s);
    if (rc) return rc;
  }
  return 0;
}

/* Canonical params "k=v;k=v": the value of key into buf; 1 found. */
static int param_value(const char *params, const char *key, char *buf, size_t len) {
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

typedef struct cellkey {
  const char *workload, *params, *allocator;
  int threads;
  int run; /* 1-based */
} cellkey;

static int same_value(const char *a, const char *b) {
  if (strcmp(a, b) == 0) return 1;
  long long x, y;
  return mmb_parse_int(a, &x) == 0 && mmb_parse_int(b, &y) == 0 && x == y;
}

static int sel_match(const mmb_rsel *s, const cellkey *c) {
  for (int i = 0; i < s->n; i++) {
    const mmb_rterm *t = &s->t[i];
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
      if (!param_value(c->params, t->key, v, sizeof v) || !same_value(t->value, v)) return 0;
    }
  }
  return 1;
}

static void sel_text(const mmb_rsel *s, char *buf, size_t len) {
  size_t u = 0;
  buf[0] = 0;
  for (int i = 0; i < s->n && u < len; i++)
    u += (size_t)snprintf(buf + u, len - u, "%s%s=%s", i ? " " : "", s->t[i].key, s->t[i].value);
}

/* ---------------------------------------------------------------------------
 * Metrics
 * ------------------------------------------------------------------------- */
static int parse_metric(const pctx *p, int line, const char *text, mmb_rmetric *m) {
  memset(m, 0, sizeof *m);
  char buf[256];
  size_t j = 0;
  for (size_t i = 0; text[i]; i++)
    if (!isspace((unsigned char)text[i])) {
      if (j + 1 >= sizeof buf) return perr(p, line, "metric expression too long");
      buf[j++] = text[i];
    }
  buf[j] = 0;
  if (!buf[0]) return perr(p, line, "missing metric (e.g. ns_per_op, peak_rss_kb, reclaimed/ops)");
  if (copy(m->text, sizeof m->text, buf) != 0) return perr(p, line, "metric expression too long");
  const char *s = buf;
  char op = '*';
  for (;;) {
    if (m->n == MMB_RECIPE_MAX_FACTORS)
      return perr(p, line, "metric '%s' has more than %d factors", buf, MMB_RECIPE_MAX_FACTORS);
    size_t n = strcspn(s, "*/");
    if (n == 0 || n >= sizeof m->name[0])
      return perr(p, line, "metric '%s': expected a metric name or a number around '*' and '/'",
                  buf);
    char f[64];
    memcpy(f, s, n);
    f[n] = 0;
    m->op[m->n] = op;
    if (isdigit((unsigned char)f[0]) || f[0] == '.') {
      if (parse_number(f, &m->num[m->n]) != 0)
        return perr(p, line, "metric '%s': '%s' is not a number", buf, f);
      m->name[m->n][0] = 0;
    } else {
      for (const char *c = f; *c; c++)
        if (!(isalnum((unsigned char)*c) || *c == '_' || *c == '-' || *c == '.'))
          return perr(p, line, "metric '%s': '%s' is not a metric name (letters, digits, _ - .)",
                      buf, f);
      memcpy(m->name[m->n], f, n + 1);
    }
    m->n++;
    s += n;
    if (!*s) break;
    op = *s++;
  }
  return 0;
}

/* A metric name is known, or among the events named by the run lines. */
static int metric_known(const mmb_recipe *r, const char *name) {
  if (in_list(known_metrics, name) || in_list(known_counters, name)) return 1;
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

static int check_metric_names(const pctx *p, const mmb_recipe *r, const mmb_rcheck *c) {
  for (int i = 0; i < c->metric.n; i++) {
    const char *name = c->metric.name[i];
    if (!name[0] || metric_known(r, name)) continue;
    const char *best = NULL;
    int bestd = 4;
    for (int j = 0; known_metrics[j]; j++) {
      int d = mmb_edit_distance(name, known_metrics[j]);
      if (d < bestd) bestd = d, best = known_metrics[j];
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
static const char *const op_text[] = {">=", ">", "<=", "<", "=="};

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

static int parse_check(const pctx *p, int line, const char *value, mmb_rcheck *c) {
  memset(c, 0, sizeof *c);
  c->line = line;
  char buf[MAX_LINE];
  if (copy(buf, sizeof buf, value) != 0) return perr(p, line, "expect: line too long");
  char *s = trim(buf);
  if (!starts_func(s)) {
    char *colon = strchr(s, ':');
    if (!colon || !starts_func(colon + 1)) {
      char ex[80];
      excerpt(s, ex, sizeof ex);
      return perr(p, line,
                  "expect: '%s' is not a check (write ratio(METRIC, SEL / SEL) OP NUMBER or "
                  "median(METRIC, SEL) OP NUMBER, optionally after 'LABEL:')",
                  ex);
    }
    *colon = 0;
    char *label = trim(s);
    if (!*label)
      return perr(p, line, "expect: empty label before ':' (drop the ':' or name the check)");
    if (copy(c->label, sizeof c->label, label) != 0)
      return perr(p, line, "expect: label longer than %zu characters", sizeof c->label - 1);
    s = trim(colon + 1);
  }
  if (copy(c->text, sizeof c->text, s) != 0)
    return perr(p, line, "expect: check longer than %zu characters", sizeof c->text - 1);
  if (strncmp(s, "ratio", 5) == 0)
    c->func = MMB_RFUNC_RATIO, s += 5;
  else
    c->func = MMB_RFUNC_MEDIAN, s += 6;
  while (*s == ' ') s++;
  s++; /* '(' */
  /* the argument list ends at the ')' outside brackets */
  char *close = NULL;
  int depth = 0;
  for (char *q = s; *q; q++) {
    if (*q == '[')
      depth++;
    else if (*q == ']' && depth)
      depth--;
    else if (*q == ')' && !depth) {
      close = q;
      break;
    }
  }
  const char *fname = c->func == MMB_RFUNC_RATIO ? "ratio" : "median";
  if (!close)
    return perr(p, line, "%s(...): missing ')' (e.g. %s)", fname,
                c->func == MMB_RFUNC_RATIO
                    ? "ratio(ns_per_op, allocator=glibc / allocator=jemalloc) >= 1.2"
                    : "median(reclaimed, allocator=rc) == 0");
  *close = 0;
  char *comma = strchr(s, ',');
  if (!comma)
    return perr(p, line, "%s(...): needs 'METRIC, SELECTOR' inside the parentheses", fname);
  *comma = 0;
  int rc = parse_metric(p, line, s, &c->metric);
  if (rc) return rc;
  /* selectors: tokens, a lone '/' between two for a ratio */
  char *args = comma + 1, *save = NULL;
  int side = 0;
  for (char *tok = strtok_r(args, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
    if (strcmp(tok, "/") == 0) {
      if (c->func != MMB_RFUNC_RATIO)
        return perr(p, line, "median(...) takes one selector; '/' divides the two of ratio(...)");
      if (side == 1) return perr(p, line, "ratio(...): more than one '/' between selectors");
      if (c->sel[0].n == 0) return perr(p, line, "ratio(...): empty selector before '/'");
      side = 1;
      continue;
    }
    rc = parse_term(p, line, tok, &c->sel[side]);
    if (rc) return rc;
  }
  if (c->func == MMB_RFUNC_RATIO && side == 0)
    return perr(p, line,
                "ratio(...) needs two selectors separated by ' / ' (spaces around the '/')");
  if (c->func == MMB_RFUNC_RATIO && c->sel[1].n == 0)
    return perr(p, line, "ratio(...): empty selector after '/'");
  /* comparison */
  s = trim(close + 1);
  int op = -1;
  if (strncmp(s, ">=", 2) == 0)
    op = MMB_ROP_GE, s += 2;
  else if (strncmp(s, "<=", 2) == 0)
    op = MMB_ROP_LE, s += 2;
  else if (strncmp(s, "==", 2) == 0)
    op = MMB_ROP_EQ, s += 2;
  else if (*s == '>')
    op = MMB_ROP_GT, s++;
  else if (*s == '<')
    op = MMB_ROP_LT, s++;
  if (op < 0) {
    char ex[80];
    excerpt(s, ex, sizeof ex);
    return perr(p, line, "expected a comparison (>=, >, <=, <, ==) after %s(...), got '%s'", fname,
                ex);
  }
  c->op = (mmb_rop)op;
  s = trim(s);
  char *pm = strstr(s, "+-");
  char *pm2 = strstr(s, "\xc2\xb1"); /* ± */
  char *tol = NULL;
  if (pm2 && (!pm || pm2 < pm))
    *pm2 = 0, tol = pm2 + 2;
  else if (pm)
    *pm = 0, tol = pm + 2;
  char *num = trim(s);
  if (parse_number(num, &c->value) != 0) {
    char ex[80];
    excerpt(num, ex, sizeof ex);
    return perr(p, line, "threshold '%s' is not a number (e.g. >= 1.2)", ex);
  }
  if (tol) {
    if (c->op != MMB_ROP_EQ)
      return perr(p, line, "a tolerance '+- T' goes with '==' only (e.g. == 1 +- 5%%)");
    tol = trim(tol);
    size_t n = strlen(tol);
    if (n && tol[n - 1] == '%') {
      c->tol_pct = 1;
      tol[n - 1] = 0;
      tol = trim(tol);
    }
    if (parse_number(tol, &c->tol) != 0 || c->tol < 0) {
      char ex[80];
      excerpt(tol, ex, sizeof ex);
      return perr(p, line, "tolerance '%s' is not a number >= 0 (e.g. == 1 +- 0.05 or == 1 +- 5%%)",
                  ex);
    }
  }
  return 0;
}

/* ---------------------------------------------------------------------------
 * Preconditions
 * ------------------------------------------------------------------------- */
static int parse_require(const pctx *p, int line, const char *value, mmb_rrequire *q) {
  memset(q, 0, sizeof *q);
  q->line = line;
  char buf[128];
  size_t j = 0;
  for (size_t i = 0; value[i] && j + 1 < sizeof buf; i++)
    if (!isspace((unsigned char)value[i])) buf[j++] = value[i];
  buf[j] = 0;
  snprintf(q->text, sizeof q->text, "%s", buf);
  if (strcmp(buf, "no-smt") == 0) {
    q->kind = MMB_REQ_NO_SMT;
    return 0;
  }
  if (strcmp(buf, "pmu") == 0) {
    q->kind = MMB_REQ_PMU;
    return 0;
  }
  const char *rest = NULL;
  if (strncmp(buf, "cores>=", 7) == 0)
    q->kind = MMB_REQ_CORES, rest = buf + 7;
  else if (strncmp(buf, "cpus>=", 6) == 0)
    q->kind = MMB_REQ_CPUS, rest = buf + 6;
  long long v;
  if (rest && mmb_parse_int(rest, &v) == 0 && v >= 1 && v <= 4096) {
    q->n = (int)v;
    return 0;
  }
  char ex[80];
  excerpt(value, ex, sizeof ex);
  return perr(p, line,
              "require: '%s' is not a precondition (valid: cores>=N, cpus>=N, no-smt, pmu)", ex);
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

static int parse_run(const pctx *p, int line, const char *value, mmb_rrun *run) {
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
 * The parser
 * ------------------------------------------------------------------------- */
static const char *const keys[] = {"name", "claim", "source", "figure", "require",
                                   "run",  "where", "note",   "expect", NULL};

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
  char buf[MAX_LINE + 1];
  while (pos < len) {
    line++;
    size_t e = pos;
    while (e < len && text[e] != '\n') e++;
    size_t l = e - pos;
    if (l > MAX_LINE) {
      rc = perr(p, line, "line longer than %d characters", MAX_LINE);
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
      if (pl + sl + 2 > MAX_LINE) {
        rc = perr(p, line, "the '%s:' value is longer than %d characters", prev->key, MAX_LINE);
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
      rc = perr(p, line,
                "expected 'key: value', got '%s' (keys: name, claim, source, figure, require, "
                "run, where, note, expect; # starts a comment)",
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
        rc = perr(p, line,
                  "unknown key '%s' (did you mean '%s'? keys: name, claim, source, figure, "
                  "require, run, where, note, expect)",
                  s, best);
      else
        rc = perr(p, line,
                  "unknown key '%s' (keys: name, claim, source, figure, require, run, where, "
                  "note, expect)",
                  s);
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
  entry *v = NULL;
  int n = 0, last = 1;
  int rc = split_entries(&p, text, len, &v, &n, &last);
  int seen_name = 0, seen_claim = 0, seen_source = 0, seen_figure = 0, seen_where = 0,
      seen_note = 0;
  mmb_rsel where = {0};
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
        rc = parse_require(&p, e->line, e->value, &r->requires[r->nrequires++]);
    } else if (strcmp(e->key, "run") == 0) {
      if (r->nruns == MMB_RECIPE_MAX_RUNS)
        rc = perr(&p, e->line, "more than %d run: lines", MMB_RECIPE_MAX_RUNS);
      else
        rc = parse_run(&p, e->line, e->value, &r->runs[r->nruns++]);
    } else if (strcmp(e->key, "where") == 0) {
      if (seen_where) {
        rc = perr(&p, e->line,
                  "second 'where:' line (put every term on one; the first is on line %d)",
                  seen_where);
        break;
      }
      seen_where = e->line;
      char buf[MAX_LINE + 1];
      snprintf(buf, sizeof buf, "%s", e->value);
      rc = parse_terms(&p, e->line, buf, &where);
      if (!rc && where.n == 0)
        rc = perr(&p, e->line, "'where:' is empty (e.g. where: workload=larson)");
    } else if (strcmp(e->key, "expect") == 0) {
      if (r->nchecks == MMB_RECIPE_MAX_CHECKS)
        rc = perr(&p, e->line, "more than %d expect: lines", MMB_RECIPE_MAX_CHECKS);
      else
        rc = parse_check(&p, e->line, e->value, &r->checks[r->nchecks++]);
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
    else if (r->nruns == 0)
      rc = perr(&p, last, "no 'run:' line (the mmbench run options of the matrix)");
    else if (r->nchecks == 0)
      rc = perr(&p, last,
                "no 'expect:' line (e.g. expect: ratio(ns_per_op, allocator=glibc / "
                "allocator=jemalloc) >= 1.2)");
  }
  /* where terms, run= range, metric names */
  for (int k = 0; !rc && k < r->nchecks; k++) {
    mmb_rcheck *c = &r->checks[k];
    int sides = c->func == MMB_RFUNC_RATIO ? 2 : 1;
    for (int s = 0; !rc && s < sides; s++) {
      mmb_rsel *sel = &c->sel[s];
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
    if (!rc) rc = check_metric_names(&p, r, c);
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

/* ---------------------------------------------------------------------------
 * Run options
 * ------------------------------------------------------------------------- */
/* Whether a (normalised) run option takes a value. */
static int opt_has_value(const char *opt) { return strcmp(opt, "--keep-going") != 0; }

/* The effective scale of run line k: its --scale (or its preset's) times mul. */
static int run_scale(const pctx *p, const mmb_rrun *run, double mul, double *scale) {
  const char *preset = "default", *sc = NULL;
  for (int i = 0; i < run->argc; i++) {
    if (!opt_has_value(run->argv[i])) continue;
    if (i + 1 >= run->argc) break;
    if (strcmp(run->argv[i], "--preset") == 0) preset = run->argv[i + 1];
    if (strcmp(run->argv[i], "--scale") == 0) sc = run->argv[i + 1];
    i++;
  }
  double base;
  if (sc) {
    if (parse_number(sc, &base) != 0 || !(base > 0 && base <= 1000))
      return perr(p, run->line, "run: --scale needs a number in (0, 1000], not '%s'", sc);
  } else {
    const mmb_preset *pre = mmb_preset_find(preset);
    if (!pre)
      return perr(p, run->line, "run: unknown preset '%s' (valid: quick, default, full)", preset);
    base = pre->scale;
  }
  *scale = base * mul;
  if (!(*scale > 0 && *scale <= 1000))
    return perr(p, run->line, "run: the scale %g x %g is outside (0, 1000]", base, mul);
  return 0;
}

static int num_opt(const pctx *p, int line, const char *name, const char *v, double lo, double hi,
                   double *out) {
  if (parse_number(v, out) != 0 || *out < lo || *out > hi)
    return perr(p, line, "run: %s needs a number in [%g, %g], not '%s'", name, lo, hi, v);
  return 0;
}

int mmb_recipe_run_opts(const mmb_recipe *r, int k, double scale_mul, int reps, mmb_run_opts *o,
                        char *err, size_t errlen) {
  pctx p = {r->file, err, errlen};
  const mmb_rrun *run = &r->runs[k];
  mmb_run_opts_init(o);
  for (int i = 0; i < run->argc; i++) {
    const char *opt = run->argv[i];
    if (strcmp(opt, "--keep-going") == 0) {
      o->keep_going = 1;
      continue;
    }
    if (i + 1 >= run->argc) break;
    const char *v = run->argv[++i];
    double d;
    int bad = 0;
    if (strcmp(opt, "-w") == 0)
      bad = copy(o->workloads, sizeof o->workloads, v);
    else if (strcmp(opt, "-a") == 0)
      bad = copy(o->allocators, sizeof o->allocators, v);
    else if (strcmp(opt, "-t") == 0)
      bad = copy(o->threads, sizeof o->threads, v);
    else if (strcmp(opt, "-p") == 0) {
      if (o->nparams == 16) return perr(&p, run->line, "run: at most 16 -p options");
      bad = copy(o->params[o->nparams++], sizeof o->params[0], v);
    } else if (strcmp(opt, "-r") == 0) {
      if (num_opt(&p, run->line, "-r", v, 1, 1000000, &d)) return -1;
      o->reps = (int)d;
    } else if (strcmp(opt, "--warmup") == 0) {
      if (num_opt(&p, run->line, "--warmup", v, 0, 1000, &d)) return -1;
      o->warmup = (int)d;
    } else if (strcmp(opt, "--preset") == 0)
      bad = copy(o->preset, sizeof o->preset, v);
    else if (strcmp(opt, "--timeout") == 0) {
      if (num_opt(&p, run->line, "--timeout", v, 0.001, 86400, &d)) return -1;
      o->timeout = d;
    } else if (strcmp(opt, "--seed") == 0) {
      long long s;
      if (mmb_parse_int(v, &s) != 0 || s < 0)
        return perr(&p, run->line, "run: --seed needs a whole number >= 0, not '%s'", v);
      o->seed = (uint64_t)s;
    } else if (strcmp(opt, "--pin") == 0) {
      if (strspn(v, "0123456789,-") != strlen(v))
        return perr(&p, run->line, "run: --pin needs a CPU list such as 0 or 0-1, not '%s'", v);
      bad = copy(o->pin, sizeof o->pin, v);
    } else if (strcmp(opt, "--counters") == 0)
      bad = copy(o->counters, sizeof o->counters, v);
    else if (strcmp(opt, "--events") == 0)
      bad = copy(o->events, sizeof o->events, v);
    else if (strcmp(opt, "--latency") == 0)
      bad = copy(o->latency, sizeof o->latency, v);
    else if (strcmp(opt, "--scale") == 0)
      continue;
    if (bad) return perr(&p, run->line, "run: the value of %s is too long", opt);
  }
  if (run_scale(&p, run, scale_mul, &o->scale)) return -1;
  if (reps > 0) o->reps = reps;
  return 0;
}

int mmb_recipe_run_args(const mmb_recipe *r, int k, double scale_mul, int reps, char args[][256],
                        int max, char *err, size_t errlen) {
  pctx p = {r->file, err, errlen};
  const mmb_rrun *run = &r->runs[k];
  double scale;
  if (run_scale(&p, run, scale_mul, &scale)) return -1;
  int n = 0;
  for (int i = 0; i < run->argc; i++) {
    const char *opt = run->argv[i];
    int has_val = opt_has_value(opt);
    if (strcmp(opt, "--scale") == 0 || (reps > 0 && strcmp(opt, "-r") == 0)) {
      i += has_val;
      continue;
    }
    if (n + 2 > max) return perr(&p, run->line, "run: too many words");
    snprintf(args[n++], 256, "%s", opt);
    if (has_val && i + 1 < run->argc) snprintf(args[n++], 256, "%s", run->argv[++i]);
  }
  if (n + 4 > max) return perr(&p, run->line, "run: too many words");
  snprintf(args[n++], 256, "--scale");
  /* the shortest text that reads back as the same double */
  snprintf(args[n], 256, "%.15g", scale);
  if (strtod(args[n], NULL) != scale) snprintf(args[n], 256, "%.17g", scale);
  n++;
  if (reps > 0) {
    snprintf(args[n++], 256, "-r");
    snprintf(args[n++], 256, "%d", reps);
  }
  return n;
}

/* ---------------------------------------------------------------------------
 * The matrix check
 * ------------------------------------------------------------------------- */
typedef struct pcell {
  char workload[64], params[512], allocator[512];
  int threads, run;
} pcell;

static const char *differing_key(const pcell *a, const pcell *b) {
  if (a->run != b->run) return "run";
  if (strcmp(a->workload, b->workload) != 0) return "workload";
  if (strcmp(a->allocator, b->allocator) != 0) return "allocator";
  if (a->threads != b->threads) return "threads";
  /* the first parameter whose value differs */
  static char key[64];
  const char *s = a->params;
  while (*s) {
    const char *eq = strchr(s, '='), *end = strchr(s, ';');
    if (!eq) break;
    snprintf(key, sizeof key, "%.*s", (int)(eq - s), s);
    char va[512], vb[512];
    param_value(a->params, key, va, sizeof va);
    if (!param_value(b->params, key, vb, sizeof vb) || strcmp(va, vb) != 0) return key;
    if (!end) break;
    s = end + 1;
  }
  return "threads";
}

int mmb_recipe_validate(const mmb_recipe *r, double scale_mul, int reps, char *err, size_t errlen) {
  pctx p = {r->file, err, errlen};
  pcell *cells = NULL;
  int n = 0, cap = 0, rc = 0;
  for (int k = 0; k < r->nruns && !rc; k++) {
    mmb_run_opts o;
    if (mmb_recipe_run_opts(r, k, scale_mul, reps, &o, err, errlen) != 0) {
      rc = -1;
      break;
    }
    mmb_plan plan;
    char perrbuf[1024];
    if (mmb_plan_build(&o, &plan, perrbuf, sizeof perrbuf) != 0) {
      mmb_plan_free(&plan);
      rc = perr(&p, r->runs[k].line, "run: %s", perrbuf);
      break;
    }
    for (int i = 0; i < plan.ncells; i++) {
      if (n == cap) {
        cap = cap ? cap * 2 : 64;
        pcell *nc = realloc(cells, (size_t)cap * sizeof *cells);
        if (!nc) {
          rc = -ENOMEM;
          break;
        }
        cells = nc;
      }
      pcell *c = &cells[n++];
      snprintf(c->workload, sizeof c->workload, "%s", plan.cells[i].w->name);
      snprintf(c->params, sizeof c->params, "%s", plan.cells[i].params);
      snprintf(c->allocator, sizeof c->allocator, "%s", plan.allocs[plan.cells[i].alloc].text);
      c->threads = plan.cells[i].threads;
      c->run = k + 1;
    }
    mmb_plan_free(&plan);
  }
  for (int k = 0; k < r->nchecks && !rc; k++) {
    const mmb_rcheck *c = &r->checks[k];
    int sides = c->func == MMB_RFUNC_RATIO ? 2 : 1;
    for (int s = 0; s < sides && !rc; s++) {
      int first = -1, second = -1, count = 0;
      for (int i = 0; i < n; i++) {
        cellkey ck = {cells[i].workload, cells[i].params, cells[i].allocator, cells[i].threads,
                      cells[i].run};
        if (!sel_match(&c->sel[s], &ck)) continue;
        if (count == 0)
          first = i;
        else if (count == 1)
          second = i;
        count++;
      }
      char st[512];
      sel_text(&c->sel[s], st, sizeof st);
      if (count == 0)
        rc = perr(&p, c->line,
                  "selector '%s' matches no cell of the run: lines (check its workload, "
                  "allocator, threads and parameter values; see: mmbench run -n ...)",
                  st);
      else if (count > 1)
        rc = perr(&p, c->line,
                  "selector '%s' matches %d cells (e.g. %s %s t=%d and %s %s t=%d); add "
                  "a %s= term to pick one",
                  st, count, cells[first].allocator, cells[first].params, cells[first].threads,
                  cells[second].allocator, cells[second].params, cells[second].threads,
                  differing_key(&cells[first], &cells[second]));
    }
  }
  free(cells);
  return rc ? -1 : 0;
}

/* ---------------------------------------------------------------------------
 * Preconditions
 * ------------------------------------------------------------------------- */
static int read_small(const char *path, char *buf, size_t len) {
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  size_t n = fread(buf, 1, len - 1, f);
  fclose(f);
  buf[n] = 0;
  while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' ')) buf[--n] = 0;
  return 0;
}

/* CPUs in a list such as "0-1,4". */
static int list_count(const char *s) {
  int n = 0;
  while (*s) {
    char *end;
    long a = strtol(s, &end, 10), b = a;
    if (end == s) break;
    if (*end == '-') {
      s = end + 1;
      b = strtol(s, &end, 10);
      if (end == s) break;
    }
    if (b >= a && b - a < 4096) n += (int)(b - a + 1);
    s = end;
    if (*s == ',') s++;
  }
  return n;
}

void mmb_host_facts_probe(mmb_host_facts *h) {
  memset(h, 0, sizeof *h);
  long on = sysconf(_SC_NPROCESSORS_ONLN);
  h->cpus = on > 0 ? (int)on : 1;
  char sets[256][64];
  int nsets = 0, ok = 0;
  h->threads_per_core = 1;
  for (int cpu = 0; cpu < 4096 && nsets < 256; cpu++) {
    char path[128], buf[64];
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/online", cpu);
    if (read_small(path, buf, sizeof buf) == 0 && strcmp(buf, "0") == 0) continue;
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/topology/thread_siblings_list", cpu);
    if (read_small(path, buf, sizeof buf) != 0) {
      snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d", cpu);
      if (access(path, F_OK) != 0) break;
      continue;
    }
    ok = 1;
    int t = list_count(buf);
    if (t > h->threads_per_core) h->threads_per_core = t;
    int seen = 0;
    for (int i = 0; i < nsets; i++) seen |= strcmp(sets[i], buf) == 0;
    if (!seen) snprintf(sets[nsets++], sizeof sets[0], "%s", buf);
  }
  h->cores = ok ? nsets : -1;
  struct perf_event_attr a;
  memset(&a, 0, sizeof a);
  a.type = PERF_TYPE_HARDWARE;
  a.size = sizeof a;
  a.config = PERF_COUNT_HW_CPU_CYCLES;
  a.disabled = 1;
  a.exclude_kernel = 1;
  a.exclude_hv = 1;
  long fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
  h->pmu = fd >= 0;
  if (fd >= 0) close((int)fd);
}

int mmb_recipe_requires_met(const mmb_recipe *r, const mmb_host_facts *h, char *why, size_t len) {
  if (why && len) why[0] = 0;
  for (int i = 0; i < r->nrequires; i++) {
    const mmb_rrequire *q = &r->requires[i];
    switch (q->kind) {
    case MMB_REQ_CORES:
      if (h->cores < 0) {
        snprintf(why, len, "require %s: the CPU topology is unreadable (/sys/devices/system/cpu)",
                 q->text);
        return 0;
      }
      if (h->cores < q->n) {
        snprintf(why, len,
                 "require %s: this machine has %d core%s that are not SMT siblings (%d CPUs)",
                 q->text, h->cores, h->cores == 1 ? "" : "s", h->cpus);
        return 0;
      }
      break;
    case MMB_REQ_CPUS:
      if (h->cpus < q->n) {
        snprintf(why, len, "require %s: this machine has %d online CPU%s", q->text, h->cpus,
                 h->cpus == 1 ? "" : "s");
        return 0;
      }
      break;
    case MMB_REQ_NO_SMT:
      if (h->cores < 0 || h->threads_per_core > 1) {
        snprintf(why, len, "require no-smt: %s",
                 h->cores < 0 ? "the CPU topology is unreadable"
                              : "this machine runs SMT (threads per core > 1)");
        if (h->cores >= 0)
          snprintf(why, len, "require no-smt: this machine runs %d threads per core",
                   h->threads_per_core);
        return 0;
      }
      break;
    case MMB_REQ_PMU:
      if (!h->pmu) {
        snprintf(why, len,
                 "require pmu: no hardware cycle counter opens here (a VM without a PMU, or "
                 "perf_event_paranoid)");
        return 0;
      }
      break;
    }
  }
  return 1;
}

/* ---------------------------------------------------------------------------
 * Results
 * ------------------------------------------------------------------------- */
int mmb_rresults_load(mmb_rresults *rs, const char *const *dirs, int n, char *err, size_t errlen) {
  memset(rs, 0, sizeof *rs);
  if (n < 0 || n > MMB_RECIPE_MAX_RUNS) {
    snprintf(err, errlen, "%d results folders (1..%d)", n, MMB_RECIPE_MAX_RUNS);
    return -1;
  }
  for (int i = 0; i < n; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/summary.csv", dirs[i]);
    if (mmb_table_read(path, &rs->summary[i], err, errlen) != 0) {
      mmb_rresults_free(rs);
      return -1;
    }
    rs->n = i + 1;
    snprintf(path, sizeof path, "%s/runs.csv", dirs[i]);
    char e2[256];
    if (access(path, F_OK) == 0 && mmb_table_read(path, &rs->runs[i], e2, sizeof e2) != 0) {
      snprintf(err, errlen, "%s", e2);
      mmb_rresults_free(rs);
      return -1;
    }
    static const char *const need[] = {"workload", "params", "allocator", "threads", "metric",
                                       "status",   "median", "ci_lo",     "ci_hi",   NULL};
    for (int k = 0; need[k]; k++)
      if (mmb_table_col(rs->summary[i], need[k]) < 0) {
        snprintf(err, errlen,
                 "%s/summary.csv has no '%s' column (not a summary written by mmbench run)",
                 dirs[i], need[k]);
        mmb_rresults_free(rs);
        return -1;
      }
  }
  return 0;
}

void mmb_rresults_free(mmb_rresults *rs) {
  for (int i = 0; i < MMB_RECIPE_MAX_RUNS; i++) {
    mmb_table_free(rs->summary[i]);
    mmb_table_free(rs->runs[i]);
  }
  memset(rs, 0, sizeof *rs);
}

/* ---------------------------------------------------------------------------
 * Evaluation
 * ------------------------------------------------------------------------- */
const char *mmb_verdict_name(mmb_verdict v) {
  return v == MMB_PASS ? "PASS" : v == MMB_FAIL ? "FAIL" : "INCONCLUSIVE";
}

/* One side of a check: a cell and the metric measured on it. */
typedef struct side {
  int run;    /* index into rs */
  size_t row; /* a summary row of the cell */
  double median, lo, hi;
  double *vals; /* per-repetition values (runs.csv), heap; may be NULL */
  size_t nvals;
  int n;
} side;

static int row_is_cell(const mmb_table *t, size_t a, const mmb_table *u, size_t b) {
  static const char *const k[] = {"workload", "params", "allocator", "threads"};
  for (int i = 0; i < 4; i++)
    if (strcmp(mmb_table_get(t, a, mmb_table_col(t, k[i])),
               mmb_table_get(u, b, mmb_table_col(u, k[i]))) != 0)
      return 0;
  return 1;
}

static double row_metric(const mmb_table *t, size_t row, const char *name) {
  if (strcmp(name, "ops_per_s") == 0 && mmb_table_col(t, "ops_per_s") < 0) {
    double ops = mmb_table_numv(t, row, mmb_table_col(t, "ops"));
    double wall = mmb_table_numv(t, row, mmb_table_col(t, "wall_ns"));
    return wall > 0 ? ops / wall * 1e9 : NAN;
  }
  return mmb_table_numv(t, row, mmb_table_col(t, name));
}

static double metric_eval(const mmb_rmetric *m, const mmb_table *t, size_t row) {
  double v = 1;
  for (int i = 0; i < m->n; i++) {
    double f = m->name[i][0] ? row_metric(t, row, m->name[i]) : m->num[i];
    if (isnan(f)) return NAN;
    if (m->op[i] == '/') {
      if (f == 0) return NAN;
      v /= f;
    } else {
      v *= f;
    }
  }
  return v;
}

static void cell_desc(const mmb_table *t, size_t row, char *buf, size_t len) {
  snprintf(buf, len, "%s %s %s t=%s", mmb_table_get(t, row, mmb_table_col(t, "workload")),
           mmb_table_get(t, row, mmb_table_col(t, "params")),
           mmb_table_get(t, row, mmb_table_col(t, "allocator")),
           mmb_table_get(t, row, mmb_table_col(t, "threads")));
}

/* Resolve sel and measure metric on its cell. 0, or -1 with why. */
static int measure(const mmb_rcheck *c, int s, const mmb_rresults *rs, side *out, char *why,
                   size_t len) {
  memset(out, 0, sizeof *out);
  out->median = out->lo = out->hi = NAN;
  const mmb_rsel *sel = &c->sel[s];
  char st[512];
  sel_text(sel, st, sizeof st);
  int found = 0, frun = -1;
  size_t frow = 0;
  for (int i = 0; i < rs->n; i++) {
    const mmb_table *t = rs->summary[i];
    int cw = mmb_table_col(t, "workload"), cp = mmb_table_col(t, "params");
    int ca = mmb_table_col(t, "allocator"), ct = mmb_table_col(t, "threads");
    for (size_t r = 0; r < mmb_table_rows(t); r++) {
      cellkey k = {mmb_table_get(t, r, cw), mmb_table_get(t, r, cp), mmb_table_get(t, r, ca),
                   atoi(mmb_table_get(t, r, ct)), i + 1};
      if (!sel_match(sel, &k)) continue;
      if (found && frun == i && row_is_cell(t, frow, t, r)) continue;
      if (found) {
        snprintf(why, len, "selector '%s' matches more than one cell of the results", st);
        return -1;
      }
      found = 1, frun = i, frow = r;
    }
  }
  if (!found) {
    snprintf(why, len, "no cell of the results matches '%s'", st);
    return -1;
  }
  const mmb_table *t = rs->summary[frun];
  out->run = frun, out->row = frow;
  char cd[768];
  cell_desc(t, frow, cd, sizeof cd);
  const char *status = mmb_table_get(t, frow, mmb_table_col(t, "status"));
  const mmb_table *runs = rs->runs[frun];
  if (strcmp(status, "ok") != 0) {
    char reason[256] = "";
    for (size_t r = 0; runs && r < mmb_table_rows(runs); r++)
      if (row_is_cell(t, frow, runs, r) &&
          strcmp(mmb_table_get(runs, r, mmb_table_col(runs, "status")), "ok") != 0) {
        snprintf(reason, sizeof reason, ": %s",
                 mmb_table_get(runs, r, mmb_table_col(runs, "reason")));
        break;
      }
    snprintf(why, len, "cell %s is %s%s", cd, status[0] ? status : "not ok", reason);
    return -1;
  }
  /* per-repetition values from runs.csv */
  if (runs) {
    size_t nr = mmb_table_rows(runs);
    out->vals = malloc((nr + 1) * sizeof *out->vals);
    if (!out->vals) {
      snprintf(why, len, "out of memory");
      return -1;
    }
    int cs = mmb_table_col(runs, "status");
    for (size_t r = 0; r < nr; r++) {
      if (!row_is_cell(t, frow, runs, r) || strcmp(mmb_table_get(runs, r, cs), "ok") != 0) continue;
      double v = metric_eval(&c->metric, runs, r);
      if (!isnan(v)) out->vals[out->nvals++] = v;
    }
  }
  /* a plain metric: its summary row */
  if (c->metric.n == 1 && c->metric.name[0][0]) {
    int cm = mmb_table_col(t, "metric");
    for (size_t r = 0; r < mmb_table_rows(t); r++) {
      if (!row_is_cell(t, frow, t, r) || strcmp(mmb_table_get(t, r, cm), c->metric.name[0]) != 0)
        continue;
      double med = mmb_table_numv(t, r, mmb_table_col(t, "median"));
      if (isnan(med)) break;
      out->median = med;
      out->lo = mmb_table_numv(t, r, mmb_table_col(t, "ci_lo"));
      out->hi = mmb_table_numv(t, r, mmb_table_col(t, "ci_hi"));
      if (isnan(out->lo)) out->lo = med;
      if (isnan(out->hi)) out->hi = med;
      double n = mmb_table_numv(t, r, mmb_table_col(t, "n"));
      out->n = isnan(n) ? 1 : (int)n;
      return 0;
    }
  }
  if (out->nvals == 0) {
    snprintf(why, len, "metric %s is not measured on cell %s%s", c->metric.text, cd,
             runs ? "" : " (and no runs.csv to compute it from)");
    return -1;
  }
  double *tmp = malloc(out->nvals * sizeof *tmp);
  if (!tmp) {
    snprintf(why, len, "out of memory");
    return -1;
  }
  memcpy(tmp, out->vals, out->nvals * sizeof *tmp);
  mmb_summary sm;
  mmb_summarize(tmp, out->nvals, &sm);
  free(tmp);
  out->median = sm.median, out->lo = sm.ci_lo, out->hi = sm.ci_hi, out->n = (int)out->nvals;
  return 0;
}

mmb_verdict mmb_recipe_decide(const mmb_rcheck *c, double lo, double hi) {
  if (isnan(lo) || isnan(hi)) return MMB_INCONCLUSIVE;
  if (lo > hi) {
    double t = lo;
    lo = hi, hi = t;
  }
  double T = c->value;
  switch (c->op) {
  case MMB_ROP_GE: return lo >= T ? MMB_PASS : hi < T ? MMB_FAIL : MMB_INCONCLUSIVE;
  case MMB_ROP_GT: return lo > T ? MMB_PASS : hi <= T ? MMB_FAIL : MMB_INCONCLUSIVE;
  case MMB_ROP_LE: return hi <= T ? MMB_PASS : lo > T ? MMB_FAIL : MMB_INCONCLUSIVE;
  case MMB_ROP_LT: return hi < T ? MMB_PASS : lo >= T ? MMB_FAIL : MMB_INCONCLUSIVE;
  case MMB_ROP_EQ: {
    double d = c->tol_pct ? fabs(T) * c->tol / 100 : c->tol;
    d += 1e-9 * (fabs(T) > 1 ? fabs(T) : 1); /* rounding of exact values */
    if (lo >= T - d && hi <= T + d) return MMB_PASS;
    if (hi < T - d || lo > T + d) return MMB_FAIL;
    return MMB_INCONCLUSIVE;
  }
  }
  return MMB_INCONCLUSIVE;
}

void mmb_recipe_check_text(const mmb_rcheck *c, char *buf, size_t len) {
  if (c->label[0])
    snprintf(buf, len, "%s: %s", c->label, c->text);
  else
    snprintf(buf, len, "%s", c->text);
}

static void fmt_val(double v, char *buf, size_t len) {
  if (isnan(v))
    snprintf(buf, len, "-");
  else if (v == 0)
    snprintf(buf, len, "0");
  else if (fabs(v) >= 1e5 || fabs(v) < 1e-3)
    snprintf(buf, len, "%.3g", v);
  else if (fabs(v) >= 100)
    snprintf(buf, len, "%.0f", v);
  else
    snprintf(buf, len, "%.3g", v);
}

mmb_verdict mmb_recipe_eval_check(const mmb_recipe *r, int k, const mmb_rresults *rs,
                                  mmb_rcheck_result *out) {
  const mmb_rcheck *c = &r->checks[k];
  memset(out, 0, sizeof *out);
  out->value = out->lo = out->hi = NAN;
  out->verdict = MMB_INCONCLUSIVE;
  snprintf(out->measured, sizeof out->measured, "not measured");
  side a, b;
  memset(&b, 0, sizeof b);
  if (measure(c, 0, rs, &a, out->why, sizeof out->why) != 0) {
    free(a.vals);
    return out->verdict;
  }
  out->n[0] = a.n;
  if (c->func == MMB_RFUNC_MEDIAN) {
    out->value = a.median, out->lo = a.lo, out->hi = a.hi;
  } else {
    if (measure(c, 1, rs, &b, out->why, sizeof out->why) != 0) {
      free(a.vals);
      free(b.vals);
      return out->verdict;
    }
    out->n[1] = b.n;
    if (b.median == 0 || isnan(b.median)) {
      snprintf(out->why, sizeof out->why, "the denominator's median %s is 0", c->metric.text);
      free(a.vals);
      free(b.vals);
      return out->verdict;
    }
    out->value = a.median / b.median;
    if (a.nvals > 0 && b.nvals > 0) {
      /* bootstrap CI of median(a) / median(b) over the repetitions */
      mmb_ratio_ci(b.vals, b.nvals, a.vals, a.nvals, &out->lo, &out->hi);
    } else if (a.lo >= 0 && b.lo > 0) {
      /* the per-cell CIs combined (conservative) */
      out->lo = a.lo / b.hi;
      out->hi = a.hi / b.lo;
    }
    if (!isnan(out->lo) && out->lo > out->value) out->lo = out->value;
    if (!isnan(out->hi) && out->hi < out->value) out->hi = out->value;
  }
  free(a.vals);
  free(b.vals);
  char v[32], lo[32], hi[32];
  fmt_val(out->value, v, sizeof v);
  fmt_val(out->lo, lo, sizeof lo);
  fmt_val(out->hi, hi, sizeof hi);
  if (c->func == MMB_RFUNC_RATIO)
    snprintf(out->measured, sizeof out->measured, "%s [%s, %s] n=%d/%d", v, lo, hi, out->n[0],
             out->n[1]);
  else
    snprintf(out->measured, sizeof out->measured, "%s [%s, %s] n=%d", v, lo, hi, out->n[0]);
  out->verdict = mmb_recipe_decide(c, out->lo, out->hi);
  char t[32];
  fmt_val(c->value, t, sizeof t);
  switch (out->verdict) {
  case MMB_PASS: out->why[0] = 0; break;
  case MMB_FAIL:
    snprintf(out->why, sizeof out->why, "no value of the 95%% CI [%s, %s] meets %s %s%s", lo, hi,
             op_text[c->op], t, c->tol > 0 ? " (with its tolerance)" : "");
    break;
  case MMB_INCONCLUSIVE:
    if (isnan(out->lo) || isnan(out->hi))
      snprintf(out->why, sizeof out->why, "no confidence interval for the estimate");
    else
      snprintf(out->why, sizeof out->why,
               "the 95%% CI [%s, %s] straddles %s %s: more repetitions or a "
               "quieter machine",
               lo, hi, op_text[c->op], t);
    break;
  }
  return out->verdict;
}

mmb_verdict mmb_recipe_eval(const mmb_recipe *r, const mmb_rresults *rs, mmb_rcheck_result *out) {
  int fail = 0, pass = 0;
  for (int k = 0; k < r->nchecks; k++) {
    mmb_verdict v = mmb_recipe_eval_check(r, k, rs, &out[k]);
    fail += v == MMB_FAIL;
    pass += v == MMB_PASS;
  }
  return fail ? MMB_FAIL : pass == r->nchecks ? MMB_PASS : MMB_INCONCLUSIVE;
}
