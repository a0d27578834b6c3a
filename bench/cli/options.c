/* mmbench — command options from a table: getopt_long built from the rows,
 * each value checked against its kind, range or choices and stored, one-line
 * errors that name what would be right, and the --help text. */
#define _GNU_SOURCE
#include "options.h"

#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli_util.h"
#include "params.h"
#include "text.h"

#define MAX_ROWS 64
#define VAL_BASE 256 /* getopt value of row i without a letter: VAL_BASE + i */

static int nrows(const mmb_optspec *spec) {
  int n = 0;
  while (spec->rows[n].name) n++;
  return n;
}

/* "a, b or c" */
static void choice_text(const char *const *choices, char *buf, size_t len) {
  buf[0] = 0;
  for (int i = 0; choices[i]; i++) {
    size_t u = strlen(buf);
    snprintf(buf + u, len - u, "%s%s", i == 0 ? "" : choices[i + 1] ? ", " : " or ", choices[i]);
  }
}

static int is_choice(const char *const *choices, const char *s, size_t len) {
  for (int i = 0; choices[i]; i++)
    if (strlen(choices[i]) == len && strncmp(choices[i], s, len) == 0) return 1;
  return 0;
}

/* "-r/--reps" or "--seed": the option as the errors name it. */
static void display(const mmb_option *r, char *buf, size_t len) {
  if (r->letter)
    snprintf(buf, len, "-%c/--%s", r->letter, r->name);
  else
    snprintf(buf, len, "--%s", r->name);
}

static int store_text(const mmb_option *r, char *at, const char *arg, char *err, size_t errlen) {
  char opt[64];
  if (r->size == 0) {
    *(const char **)(void *)at = arg;
    return 0;
  }
  if (strlen(arg) >= r->size) {
    display(r, opt, sizeof opt);
    snprintf(err, errlen, "%s is too long (at most %zu characters)", opt, r->size - 1);
    return -1;
  }
  snprintf(at, r->size, "%s", arg);
  return 0;
}

/* The kind's checks of arg. 0, or -1 with a message naming what is right. */
static int check_kind(const mmb_option *r, const char *arg, long long *iv, double *dv, char *err,
                      size_t errlen) {
  char opt[64], valid[512];
  display(r, opt, sizeof opt);
  switch (r->kind) {
  case MMB_OPT_INT:
    if (mmb_parse_int(arg, iv) == 0 && *iv >= r->min && *iv <= r->max) return 0;
    snprintf(err, errlen, "%s needs a whole number in %lld..%lld, not '%s'", opt, r->min, r->max,
             arg);
    return -1;
  case MMB_OPT_DOUBLE: {
    char *end;
    *dv = strtod(arg, &end);
    if (end != arg && !*end && *dv > (double)r->min && *dv <= (double)r->max) return 0;
    snprintf(err, errlen, "%s needs a number in (%lld, %lld], not '%s'", opt, r->min, r->max, arg);
    return -1;
  }
  case MMB_OPT_CHOICE:
    if (is_choice(r->choices, arg, strlen(arg))) return 0;
    choice_text(r->choices, valid, sizeof valid);
    snprintf(err, errlen, "--%s must be %s, not '%.100s'", r->name, valid, arg);
    return -1;
  case MMB_OPT_LIST:
    if (!*arg) {
      char o[64];
      if (r->letter)
        snprintf(o, sizeof o, "-%c", r->letter);
      else
        snprintf(o, sizeof o, "--%s", r->name);
      snprintf(err, errlen, "%s is empty: give %s, or leave %s out for the default", o,
               r->example ? r->example : "a comma list", o);
      return -1;
    }
    for (const char *q = arg; r->choices && *q; q++) {
      size_t l = strcspn(q, ",");
      if (!is_choice(r->choices, q, l)) {
        choice_text(r->choices, valid, sizeof valid);
        snprintf(err, errlen, "--%s must be %s (or a comma list of them), not '%.*s'", r->name,
                 valid, (int)l, q);
        return -1;
      }
      q += l;
      if (!*q) break;
    }
    return 0;
  default: return 0;
  }
}

/* Check arg for row r and store it into args. 0, or -1 with a message. */
static int take(const mmb_option *r, void *args, const char *arg, char *err, size_t errlen) {
  long long iv = 0;
  double dv = 0;
  char *at = (char *)args + r->off;
  if (r->kind == MMB_OPT_FLAG) {
    if (r->apply) return r->apply(args, "", err, errlen);
    *(int *)(void *)at = 1;
    return 0;
  }
  if (check_kind(r, arg, &iv, &dv, err, errlen) != 0) return -1;
  if (r->check && r->check(arg, err, errlen) != 0) return -1;
  if (r->apply) return r->apply(args, arg, err, errlen);
  switch (r->kind) {
  case MMB_OPT_INT:
    if (r->size == sizeof(int))
      *(int *)(void *)at = (int)iv;
    else
      *(long long *)(void *)at = iv;
    return 0;
  case MMB_OPT_DOUBLE: *(double *)(void *)at = dv; return 0;
  default: return store_text(r, at, arg, err, errlen);
  }
}

/* The row nearest to an unknown long option, or NULL. */
static const mmb_option *nearest(const mmb_optspec *spec, const char *given) {
  const mmb_option *best = NULL;
  int bestd = 3;
  const char *name = given + strspn(given, "-");
  char buf[64];
  snprintf(buf, sizeof buf, "%.*s", (int)strcspn(name, "="), name);
  for (const mmb_option *r = spec->rows; r->name; r++) {
    int d = mmb_edit_distance(buf, r->name);
    if (d < bestd && 2 * d < (int)strlen(buf)) bestd = d, best = r;
  }
  return best;
}

static int unknown_option(const mmb_optspec *spec, const char *given) {
  char msg[1024];
  const mmb_option *near = nearest(spec, given);
  int n = nrows(spec);
  if (near) {
    snprintf(msg, sizeof msg, "unknown option '%s' (did you mean --%s? see: mmbench %s --help)",
             given, near->name, spec->command);
  } else if (n <= 8) {
    size_t u = (size_t)snprintf(msg, sizeof msg, "unknown option '%s' (valid: ", given);
    for (int i = 0; i < n && u < sizeof msg; i++)
      u += (size_t)snprintf(msg + u, sizeof msg - u, "--%s, ", spec->rows[i].name);
    if (u < sizeof msg) snprintf(msg + u, sizeof msg - u, "--help)");
  } else {
    snprintf(msg, sizeof msg, "unknown option '%s' (see: mmbench %s --help)", given, spec->command);
  }
  return mmb_usage_error(spec->command, msg);
}

int mmb_opts_parse(const mmb_optspec *spec, void *args, int argc, char **argv, int *next,
                   unsigned *given) {
  struct option lopts[2 * MAX_ROWS + 2];
  char shorts[3 * MAX_ROWS + 8] = "";
  size_t s = 0, nl = 0;
  int n = nrows(spec);
  if (spec->stop_at_argument) shorts[s++] = '+';
  shorts[s++] = ':';
  for (int i = 0; i < n && i < MAX_ROWS; i++) {
    const mmb_option *r = &spec->rows[i];
    int has_arg = r->kind == MMB_OPT_FLAG ? no_argument : required_argument;
    int val = r->letter ? r->letter : VAL_BASE + i;
    lopts[nl++] = (struct option){r->name, has_arg, NULL, val};
    if (r->alias) lopts[nl++] = (struct option){r->alias, has_arg, NULL, val};
    if (r->letter) {
      shorts[s++] = r->letter;
      if (has_arg == required_argument) shorts[s++] = ':';
    }
  }
  lopts[nl++] = (struct option){"help", no_argument, NULL, 'h'};
  lopts[nl] = (struct option){NULL, 0, NULL, 0};
  shorts[s++] = 'h';
  shorts[s] = 0;
  if (given) *given = 0;
  optind = 0; /* a fresh scan (GNU getopt), also after another command's */
  opterr = 0;
  int c;
  char err[1024], what[64];
  while ((c = getopt_long(argc, argv, shorts, lopts, NULL)) != -1) {
    if (c == 'h') {
      mmb_opts_help(spec, stdout);
      return 0;
    }
    if (c == '?') {
      if (optopt && optopt < VAL_BASE) {
        snprintf(what, sizeof what, "-%c", optopt);
        return unknown_option(spec, what);
      }
      return unknown_option(spec, argv[optind - 1]);
    }
    if (c == ':') {
      snprintf(err, sizeof err, "option %s needs a value", argv[optind - 1]);
      if (optopt >= VAL_BASE)
        snprintf(err, sizeof err, "option --%s needs a value", spec->rows[optopt - VAL_BASE].name);
      else if (optopt && argv[optind - 1][1] != '-')
        snprintf(err, sizeof err, "option -%c needs a value", optopt);
      return mmb_usage_error(spec->command, err);
    }
    const mmb_option *r = NULL;
    if (c >= VAL_BASE) r = &spec->rows[c - VAL_BASE];
    for (int i = 0; !r && i < n; i++)
      if (spec->rows[i].letter == c) r = &spec->rows[i];
    if (!r) return mmb_usage_error(spec->command, NULL);
    if (take(r, args, optarg, err, sizeof err) != 0) return mmb_usage_error(spec->command, err);
    if (given) *given |= r->group;
  }
  *next = optind;
  return -1;
}

/* ---------------------------------------------------------------------------
 * The tables' rules
 * ------------------------------------------------------------------------- */
static const mmb_option help_row = {.name = "help", .letter = 'h', .help = "this text"};

/* Row i of spec, the --help row after the last. */
static const mmb_option *row_at(const mmb_optspec *spec, int i) {
  return i < nrows(spec) ? &spec->rows[i] : &help_row;
}

static int row_check(const mmb_optspec *spec, const mmb_option *r, char *err, size_t errlen) {
  if (!r->help || !*r->help)
    snprintf(err, errlen, "%s --%s: no help text", spec->command, r->name);
  else if (r->kind != MMB_OPT_FLAG && (!r->value || !*r->value))
    snprintf(err, errlen, "%s --%s: takes a value but names none for --help", spec->command,
             r->name);
  else if (r->kind == MMB_OPT_CHOICE && (!r->choices || !r->choices[0]))
    snprintf(err, errlen, "%s --%s: a choice without choices", spec->command, r->name);
  else
    return 0;
  return -1;
}

/* 1 when rows a and b share a long name (or alias) or a letter. */
static int clash(const mmb_option *a, const mmb_option *b) {
  const char *na[] = {a->name, a->alias}, *nb[] = {b->name, b->alias};
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++)
      if (na[i] && nb[j] && strcmp(na[i], nb[j]) == 0) return 1;
  return a->letter && a->letter == b->letter;
}

int mmb_opts_check(const mmb_optspec *const *specs, char *err, size_t errlen) {
  const mmb_option *by_letter[128] = {0};
  const char *where[128] = {0};
  for (int s = 0; specs[s]; s++) {
    const mmb_optspec *spec = specs[s];
    int n = nrows(spec);
    if (n > MAX_ROWS) {
      snprintf(err, errlen, "%s: more than %d options", spec->command, MAX_ROWS);
      return -1;
    }
    for (int i = 0; i <= n; i++) {
      const mmb_option *r = row_at(spec, i);
      if (!r->name || row_check(spec, r, err, errlen) != 0) return -1;
      for (int j = 0; j < i; j++)
        if (clash(row_at(spec, j), r)) {
          snprintf(err, errlen, "%s: --%s and --%s share a name or a letter", spec->command,
                   row_at(spec, j)->name, r->name);
          return -1;
        }
      unsigned char l = (unsigned char)r->letter;
      if (!l) continue;
      if (l >= 128) {
        snprintf(err, errlen, "%s --%s: the letter is not ASCII", spec->command, r->name);
        return -1;
      }
      if (by_letter[l] && strcmp(by_letter[l]->name, r->name) != 0) {
        snprintf(err, errlen, "-%c is --%s in %s but --%s in %s", l, by_letter[l]->name, where[l],
                 r->name, spec->command);
        return -1;
      }
      by_letter[l] = r, where[l] = spec->command;
    }
  }
  return 0;
}

/* ---------------------------------------------------------------------------
 * --help
 * ------------------------------------------------------------------------- */
static void row_head(const mmb_option *r, char *buf, size_t len) {
  size_t u = (size_t)snprintf(buf, len, "  %c%c%s--%s", r->letter ? '-' : ' ',
                              r->letter ? r->letter : ' ', r->letter ? ", " : "  ", r->name);
  if (r->kind != MMB_OPT_FLAG && u < len)
    snprintf(buf + u, len - u, " %s", r->value ? r->value : "VALUE");
}

void mmb_opts_help(const mmb_optspec *spec, FILE *out) {
  fprintf(out, "usage: mmbench %s%s%s\n", spec->command, *spec->usage ? " " : "", spec->usage);
  if (spec->about && *spec->about) fprintf(out, "%s", spec->about);
  fprintf(out, "\noptions:\n");
  int n = nrows(spec), width = 0;
  char head[128];
  for (int i = 0; i <= n; i++) {
    row_head(row_at(spec, i), head, sizeof head);
    if ((int)strlen(head) > width) width = (int)strlen(head);
  }
  for (int i = 0; i <= n; i++) {
    const mmb_option *r = row_at(spec, i);
    row_head(r, head, sizeof head);
    const char *h = r->help ? r->help : "";
    int first = 1;
    do {
      size_t l = strcspn(h, "\n");
      fprintf(out, "%-*s  %.*s\n", width, first ? head : "", (int)l, h);
      h += l + (h[l] == '\n');
      first = 0;
    } while (*h);
    if (r->alias) fprintf(out, "%-*s  (also --%s)\n", width, "", r->alias);
  }
  if (spec->after && *spec->after) fprintf(out, "\n%s", spec->after);
}
