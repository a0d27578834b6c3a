/* mmbench — program descriptors: parsing, command words, placeholders,
 * finding the executable (see program.h). */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "program.h"

/* ---------------------------------------------------------------------------
 * Placeholders and words
 * ------------------------------------------------------------------------- */
void mmb_program_expand(const mmb_program *p, const char *text, const char *tmp, long long size,
                        char *out, size_t len) {
  size_t u = 0;
  char num[32];
  snprintf(num, sizeof num, "%lld", size);
  while (*text && u + 1 < len) {
    const char *rep = NULL;
    size_t skip = 0;
    if (strncmp(text, "{dir}", 5) == 0)
      rep = p->dir, skip = 5;
    else if (strncmp(text, "{tmp}", 5) == 0)
      rep = tmp ? tmp : "{tmp}", skip = 5;
    else if (strncmp(text, "{size}", 6) == 0)
      rep = num, skip = 6;
    if (rep) {
      u += (size_t)snprintf(out + u, len - u, "%s", rep);
      if (u >= len) u = len - 1;
      text += skip;
    } else {
      out[u++] = *text++;
    }
  }
  out[u] = 0;
}

/* Split line into words; 0 words is allowed here. -1 on an open quote. */
static int split_words(const char *line, char **argv, int max, char *err, size_t errlen) {
  int n = 0;
  const char *s = line;
  char word[4096];
  for (;;) {
    while (*s == ' ' || *s == '\t') s++;
    if (!*s) break;
    size_t u = 0;
    while (*s && *s != ' ' && *s != '\t') {
      if (*s == '\'' || *s == '"') {
        char q = *s++;
        while (*s && *s != q) {
          if (q == '"' && *s == '\\' && s[1]) s++;
          if (u + 1 < sizeof word) word[u++] = *s;
          s++;
        }
        if (*s != q) {
          snprintf(err, errlen, "a quote (%c) is not closed", q);
          goto fail;
        }
        s++;
      } else {
        if (u + 1 < sizeof word) word[u++] = *s;
        s++;
      }
    }
    word[u] = 0;
    if (n + 1 >= max) {
      snprintf(err, errlen, "more than %d words", max - 1);
      goto fail;
    }
    argv[n++] = strdup(word);
  }
  argv[n] = NULL;
  return n;
fail:
  argv[n] = NULL;
  mmb_program_argv_free(argv);
  return -1;
}

void mmb_program_argv_free(char **argv) {
  for (int i = 0; argv && argv[i]; i++) free(argv[i]), argv[i] = NULL;
}

int mmb_program_argv(const mmb_program *p, const char *line, const char *tmp, long long size,
                     char **argv, int max, char *err, size_t errlen) {
  int n = split_words(line, argv, max, err, errlen);
  if (n <= 0) {
    if (n == 0) snprintf(err, errlen, "the command is empty");
    return -1;
  }
  for (int i = 0; i < n; i++) {
    char buf[4096];
    mmb_program_expand(p, argv[i], tmp, size, buf, sizeof buf);
    free(argv[i]);
    argv[i] = strdup(buf);
  }
  return n;
}

int mmb_program_which(const mmb_program *p, int server, char *out, size_t len) {
  char *argv[64], err[128];
  if (mmb_program_argv(p, server ? p->server : p->command, "/tmp", 1, argv, 64, err, sizeof err) <
      0)
    return -1;
  int found = -1;
  if (strchr(argv[0], '/')) {
    if (access(argv[0], X_OK) == 0) snprintf(out, len, "%s", argv[0]), found = 0;
  } else {
    const char *path = getenv("PATH");
    char *copy = strdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin"), *save = NULL;
    for (char *d = strtok_r(copy, ":", &save); d && found; d = strtok_r(NULL, ":", &save)) {
      char cand[PATH_MAX];
      snprintf(cand, sizeof cand, "%s/%s", *d ? d : ".", argv[0]);
      if (access(cand, X_OK) == 0) snprintf(out, len, "%s", cand), found = 0;
    }
    free(copy);
  }
  mmb_program_argv_free(argv);
  return found;
}

/* ---------------------------------------------------------------------------
 * The descriptor file
 * ------------------------------------------------------------------------- */
static const char *const keys_help =
    "name, description, package, command, server, ready, ready-timeout, stdin, cwd, env, input, "
    "expect, expect-exit, crash-stderr, checksum, metric, timeout, size, size-min";

static char *trim(char *s) {
  while (isspace((unsigned char)*s)) s++;
  size_t n = strlen(s);
  while (n && isspace((unsigned char)s[n - 1])) s[--n] = 0;
  return s;
}

static int put(char *dst, size_t len, const char *v) {
  if (strlen(v) >= len) return -1;
  snprintf(dst, len, "%s", v);
  return 0;
}

static int parse_seconds(const char *v, double *out) {
  char *end;
  errno = 0;
  double d = strtod(v, &end);
  if (errno || end == v || *trim(end) || !(d > 0 && d <= 86400)) return -1;
  *out = d;
  return 0;
}

static int parse_count(const char *v, long long lo, long long hi, long long *out) {
  char *end;
  errno = 0;
  long long n = strtoll(v, &end, 10);
  if (errno || end == v || *trim(end) || n < lo || n > hi) return -1;
  *out = n;
  return 0;
}

#define FAIL(...)                                                                                  \
  do {                                                                                             \
    char what_[400];                                                                               \
    snprintf(what_, sizeof what_, __VA_ARGS__);                                                    \
    snprintf(err, errlen, "%s:%d: %s", path, line, what_);                                         \
    goto fail;                                                                                     \
  } while (0)

/* name: letters, digits and - _ . + only. 0, or -1 with err. */
static int set_name(mmb_program *p, const char *path, int line, char *v, char *err, size_t errlen) {
  for (const char *c = v; *c; c++)
    if (!isalnum((unsigned char)*c) && !strchr("-_.+", *c))
      FAIL("name '%s' may hold only letters, digits and - _ . +", v);
  if (put(p->name, sizeof p->name, v))
    FAIL("name is longer than %zu characters", sizeof p->name - 1);
  return 0;
fail:
  return -1;
}

/* command or server (key): given once, its words split. 0, or -1 with err. */
static int set_command(mmb_program *p, const char *path, int line, const char *key, char *v,
                       char *err, size_t errlen) {
  char *dst = key[0] == 'c' ? p->command : p->server, *words[64];
  if (*dst) FAIL("'%s' is given twice (one %s line per descriptor)", key, key);
  if (put(dst, sizeof p->command, v))
    FAIL("%s is longer than %zu characters", key, sizeof p->command - 1);
  char why[200];
  if (split_words(v, words, 64, why, sizeof why) < 0) FAIL("%s: %s", key, why);
  mmb_program_argv_free(words);
  return 0;
fail:
  return -1;
}

/* ready: 'unix PATH' or 'tcp PORT'. 0, or -1 with err. */
static int set_ready(mmb_program *p, const char *path, int line, char *v, char *err,
                     size_t errlen) {
  long long port;
  if (strncmp(v, "unix ", 5) == 0 && *trim(v + 5))
    put(p->ready, sizeof p->ready, v);
  else if (strncmp(v, "tcp ", 4) == 0 && parse_count(v + 4, 1, 65535, &port) == 0)
    put(p->ready, sizeof p->ready, v);
  else
    FAIL("ready must be 'unix PATH' or 'tcp PORT', not '%s'", v);
  return 0;
fail:
  return -1;
}

/* env: one more KEY=VALUE, never LD_PRELOAD. 0, or -1 with err. */
static int set_env(mmb_program *p, const char *path, int line, char *v, char *err, size_t errlen) {
  char *eq = strchr(v, '=');
  if (!eq || eq == v) FAIL("env needs KEY=VALUE, not '%s'", v);
  if (p->nenv == MMB_PROG_LIST) FAIL("at most %d env lines", MMB_PROG_LIST);
  if (strncmp(v, "LD_PRELOAD=", 11) == 0)
    FAIL("env may not set LD_PRELOAD: the allocator is injected by mmbench (-a preload:PATH)");
  if (put(p->env[p->nenv++], sizeof p->env[0], v)) FAIL("env line too long");
  return 0;
fail:
  return -1;
}

/* checksum: 'stdout' or 'none'. 0, or -1 with err. */
static int set_checksum(mmb_program *p, const char *path, int line, char *v, char *err,
                        size_t errlen) {
  if (strcmp(v, "stdout") == 0)
    p->checksum = 1;
  else if (strcmp(v, "none") == 0)
    p->checksum = 0;
  else
    FAIL("checksum must be 'stdout' (its output is the same under every allocator) or 'none', "
         "not '%s'",
         v);
  return 0;
fail:
  return -1;
}

/* metric: one more NAME REGEX, the regex with a group around the number.
 * 0, or -1 with err. */
static int set_metric(mmb_program *p, const char *path, int line, char *v, char *err,
                      size_t errlen) {
  char *sp = v + strcspn(v, " \t");
  if (!*sp) FAIL("metric needs NAME REGEX (the regex's first group is the number), not '%s'", v);
  *sp++ = 0;
  char *re = trim(sp);
  if (p->nmetrics == MMB_PROG_METRICS) FAIL("at most %d metric lines", MMB_PROG_METRICS);
  for (const char *c = v; *c; c++)
    if (!isalnum((unsigned char)*c) && *c != '_')
      FAIL("metric name '%s' may hold only letters, digits and _", v);
  mmb_prog_metric *m = &p->metrics[p->nmetrics++];
  if (put(m->name, sizeof m->name, v) || put(m->regex, sizeof m->regex, re))
    FAIL("metric name or regex too long");
  regex_t rx;
  int rc = regcomp(&rx, re, REG_EXTENDED);
  if (rc != 0) {
    char why[160];
    regerror(rc, &rx, why, sizeof why);
    FAIL("metric %s: bad regular expression '%s': %s", m->name, re, why);
  }
  size_t groups = rx.re_nsub;
  regfree(&rx);
  if (groups < 1)
    FAIL("metric %s: the regex needs a group around the number, e.g. ([0-9.]+)", m->name);
  return 0;
fail:
  return -1;
}

/* One key = value line; 0, or -1 with err. */
static int set_key(mmb_program *p, const char *path, int line, const char *key, char *v, char *err,
                   size_t errlen) {
  if (!*v) FAIL("'%s' needs a value after '='", key);
  if (strcmp(key, "name") == 0) {
    return set_name(p, path, line, v, err, errlen);
  } else if (strcmp(key, "description") == 0) {
    put(p->description, sizeof p->description, v);
  } else if (strcmp(key, "package") == 0) {
    if (put(p->package, sizeof p->package, v)) FAIL("package name too long");
  } else if (strcmp(key, "command") == 0 || strcmp(key, "server") == 0) {
    return set_command(p, path, line, key, v, err, errlen);
  } else if (strcmp(key, "ready") == 0) {
    return set_ready(p, path, line, v, err, errlen);
  } else if (strcmp(key, "ready-timeout") == 0) {
    if (parse_seconds(v, &p->ready_timeout))
      FAIL("ready-timeout must be seconds in (0, 86400], not '%s'", v);
  } else if (strcmp(key, "stdin") == 0) {
    if (put(p->stdin_path, sizeof p->stdin_path, v)) FAIL("stdin path too long");
  } else if (strcmp(key, "cwd") == 0) {
    if (put(p->cwd, sizeof p->cwd, v)) FAIL("cwd path too long");
  } else if (strcmp(key, "env") == 0) {
    return set_env(p, path, line, v, err, errlen);
  } else if (strcmp(key, "input") == 0) {
    if (p->ninputs == MMB_PROG_LIST) FAIL("at most %d input lines", MMB_PROG_LIST);
    if (put(p->inputs[p->ninputs++], sizeof p->inputs[0], v)) FAIL("input path too long");
  } else if (strcmp(key, "expect") == 0) {
    if (p->nexpect == MMB_PROG_LIST) FAIL("at most %d expect lines", MMB_PROG_LIST);
    if (put(p->expect[p->nexpect++], sizeof p->expect[0], v)) FAIL("expect text too long");
  } else if (strcmp(key, "expect-exit") == 0) {
    long long st;
    if (parse_count(v, 0, 255, &st)) FAIL("expect-exit must be an exit status 0..255, not '%s'", v);
    p->expect_exit = (int)st;
  } else if (strcmp(key, "crash-stderr") == 0) {
    if (put(p->crash_stderr, sizeof p->crash_stderr, v)) FAIL("crash-stderr text too long");
  } else if (strcmp(key, "checksum") == 0) {
    return set_checksum(p, path, line, v, err, errlen);
  } else if (strcmp(key, "metric") == 0) {
    return set_metric(p, path, line, v, err, errlen);
  } else if (strcmp(key, "timeout") == 0) {
    if (parse_seconds(v, &p->timeout))
      FAIL("timeout must be seconds in (0, 86400], e.g. 60, not '%s'", v);
  } else if (strcmp(key, "size") == 0) {
    if (parse_count(v, 1, 1000000000000ll, &p->size))
      FAIL("size must be a whole number >= 1, not '%s'", v);
  } else if (strcmp(key, "size-min") == 0) {
    if (parse_count(v, 1, 1000000000000ll, &p->size_min))
      FAIL("size-min must be a whole number >= 1, not '%s'", v);
  } else {
    FAIL("unknown key '%s' (valid: %s)", key, keys_help);
  }
  return 0;
fail:
  return -1;
}

static void defaults(mmb_program *p) {
  memset(p, 0, sizeof *p);
  p->ready_timeout = 10;
}

int mmb_program_parse(const char *path, mmb_program *p, char *err, size_t errlen) {
  int line = 0;
  defaults(p);
  FILE *f = fopen(path, "r");
  if (!f) FAIL("cannot read it: %s (a program descriptor file is expected)", strerror(errno));
  snprintf(p->file, sizeof p->file, "%s", path);
  char *slash = strrchr(p->file, '/');
  if (slash)
    snprintf(p->dir, sizeof p->dir, "%.*s", (int)(slash - p->file), p->file);
  else
    snprintf(p->dir, sizeof p->dir, ".");
  if (p->dir[0] != '/') {
    char cwd[PATH_MAX], rel[PATH_MAX];
    snprintf(rel, sizeof rel, "%s", p->dir);
    if (getcwd(cwd, sizeof cwd)) snprintf(p->dir, sizeof p->dir, "%s/%s", cwd, rel);
  }
  const char *base = slash ? slash + 1 : p->file;
  snprintf(p->name, sizeof p->name, "%.*s", (int)strcspn(base, "."), base);
  char buf[4096];
  while (fgets(buf, sizeof buf, f)) {
    line++;
    if (!strchr(buf, '\n') && !feof(f)) {
      fclose(f);
      FAIL("line longer than %zu characters", sizeof buf - 2);
    }
    char *s = trim(buf);
    if (!*s || *s == '#') continue;
    char *eq = strchr(s, '=');
    if (!eq) {
      fclose(f);
      FAIL("expected 'key = value', not '%.60s'", s);
    }
    *eq = 0;
    char *key = trim(s), *val = trim(eq + 1);
    if (set_key(p, path, line, key, val, err, errlen) != 0) {
      fclose(f);
      return -1;
    }
  }
  fclose(f);
  line = 0; /* whole-file checks name no line */
  if (!p->command[0]) FAIL("no 'command = ...' line (the program to run is required)");
  if (p->server[0] && !p->ready[0])
    FAIL("a server needs 'ready = unix PATH' or 'ready = tcp PORT'");
  if (!p->server[0] && p->ready[0])
    FAIL("'ready' is for a server: add 'server = COMMAND' or drop it");
  int uses_size = strstr(p->command, "{size}") || strstr(p->server, "{size}");
  if (uses_size && !p->size) FAIL("the command uses {size} but there is no 'size = N' line");
  if (p->size && !uses_size) FAIL("'size = %lld' is set but no command uses {size}", p->size);
  if (p->size_min > p->size)
    FAIL("size-min (%lld) is larger than size (%lld)", p->size_min, p->size);
  if (!p->size_min) p->size_min = 1;
  for (int i = 0; i < p->ninputs; i++) {
    char full[PATH_MAX];
    mmb_program_expand(p, p->inputs[i], NULL, 1, full, sizeof full);
    if (access(full, R_OK) != 0)
      FAIL("input %s: %s (ship the file beside the descriptor)", full, strerror(errno));
  }
  if (p->stdin_path[0]) {
    char full[PATH_MAX];
    mmb_program_expand(p, p->stdin_path, NULL, 1, full, sizeof full);
    if (!strstr(p->stdin_path, "{tmp}") && access(full, R_OK) != 0)
      FAIL("stdin %s: %s", full, strerror(errno));
  }
  return 0;
fail:
  if (line == 0 && strncmp(err, path, strlen(path)) == 0) {
    /* "FILE:0: ..." reads badly: drop the line number */
    char *colon = strstr(err + strlen(path), ":0: ");
    if (colon) memmove(colon, colon + 2, strlen(colon + 2) + 1);
  }
  return -1;
}

int mmb_program_from_command(const char *command, mmb_program *p, char *err, size_t errlen) {
  defaults(p);
  char *words[64];
  if (split_words(command, words, 64, err, errlen) < 0) return -1;
  int n = 0;
  while (words[n]) n++;
  mmb_program_argv_free(words);
  if (n == 0) {
    snprintf(err, errlen, "-w cmd: needs a command, e.g. -w 'cmd:sort -n data.txt'");
    return -1;
  }
  if (strlen(command) >= sizeof p->command) {
    snprintf(err, errlen, "-w cmd: the command is longer than %zu characters",
             sizeof p->command - 1);
    return -1;
  }
  snprintf(p->command, sizeof p->command, "%s", command);
  snprintf(p->name, sizeof p->name, "cmd:%.59s", command);
  snprintf(p->description, sizeof p->description, "the command '%.150s'", command);
  char cwd[PATH_MAX];
  snprintf(p->dir, sizeof p->dir, "%s", getcwd(cwd, sizeof cwd) ? cwd : ".");
  snprintf(p->cwd, sizeof p->cwd, "%s", p->dir);
  p->size_min = 1;
  return 0;
}
