/* mmbench tests — the option tables (bench/cli/options.c): every command's
 * table obeys the rules (help text on every row, no shared letter or name
 * in a command, a letter means one option across commands), the checker
 * refuses tables that break them, and parsing from a table stores, checks
 * and refuses as the rows say. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "../check.h"
#include "commands.h"
#include "options.h"

typedef struct t_args {
  int flag, n;
  long long big;
  double x;
  const char *path;
  char buf[8], list[32], mode[8];
} t_args;

static const char *const modes[] = {"on", "off", NULL};

static const mmb_option t_rows[] = {
    {"flag", 'f', MMB_OPT_FLAG, MMB_OPT_VAR(t_args, flag), .help = "a flag", .group = 1},
    {"num", 'n', MMB_OPT_INT, MMB_OPT_VAR(t_args, n), 1, 10, .value = "N", .help = "1..10",
     .group = 2},
    {"big", 0, MMB_OPT_INT, MMB_OPT_VAR(t_args, big), 0, LLONG_MAX, .value = "N", .help = "big"},
    {"x", 0, MMB_OPT_DOUBLE, MMB_OPT_VAR(t_args, x), 0, 5, .value = "F", .help = "(0, 5]"},
    {"path", 'o', MMB_OPT_STRING, MMB_OPT_PTR(t_args, path), .value = "P", .help = "kept",
     .alias = "output"},
    {"buf", 0, MMB_OPT_STRING, MMB_OPT_VAR(t_args, buf), .value = "S", .help = "copied"},
    {"list", 'l', MMB_OPT_LIST, MMB_OPT_VAR(t_args, list), .value = "L", .help = "a list",
     .choices = modes},
    {"mode", 0, MMB_OPT_CHOICE, MMB_OPT_VAR(t_args, mode), .value = "M", .help = "on|off",
     .choices = modes},
    {.name = NULL}};
static const mmb_optspec t_spec = {.command = "t", .usage = "[OPTIONS] ARG", .rows = t_rows};

/* Parse a NULL-ended argument list; the status (-1 = go on). */
static int parse(t_args *a, unsigned *given, int *next, const char **args) {
  char *argv[32];
  int argc = 0;
  argv[argc++] = "t";
  for (int i = 0; args[i]; i++) argv[argc++] = (char *)args[i];
  argv[argc] = NULL;
  memset(a, 0, sizeof *a);
  return mmb_opts_parse(&t_spec, a, argc, argv, next, given);
}

static void test_parse(void) {
  t_args a;
  unsigned given;
  int next;
  CHECK(parse(&a, &given, &next,
              (const char *[]){"-f", "--num", "7", "--big", "9000000000", "--x", "2.5", "-o", "p",
                               "--buf", "abc", "-l", "on,off", "--mode", "off", "rest", NULL}) ==
        -1);
  CHECK(a.flag == 1 && a.n == 7 && a.big == 9000000000LL && a.x == 2.5);
  CHECK(a.path && strcmp(a.path, "p") == 0 && strcmp(a.buf, "abc") == 0);
  CHECK(strcmp(a.list, "on,off") == 0 && strcmp(a.mode, "off") == 0);
  CHECK(given == 3 && next == 16);
  CHECK(parse(&a, &given, &next, (const char *[]){"--output", "q", NULL}) == -1);
  CHECK(a.path && strcmp(a.path, "q") == 0 && given == 0);
  /* each refused with status 2 */
  const char *bad[][4] = {{"--num", "11"},
                          {"--num", "x"},
                          {"--x", "0"},
                          {"--x", "5.5"},
                          {"--buf", "8 chars!"},
                          {"-l", ""},
                          {"-l", "on,maybe"},
                          {"--mode", "half"},
                          {"--num"},
                          {"--bogus"},
                          {"-z"},
                          {"--nmu", "3"}};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    CHECKF(parse(&a, &given, &next, bad[i]) == 2, "%s %s", bad[i][0], bad[i][1] ? bad[i][1] : "");
  CHECK(parse(&a, &given, &next, (const char *[]){"--help", NULL}) == 0);
}

static void test_tables(void) {
  char err[512] = "";
  int rc = mmb_opts_check(mmb_optspecs, err, sizeof err);
  CHECKF(rc == 0, "%s", err);
  int n = 0;
  while (mmb_optspecs[n]) n++;
  CHECK(n == 13); /* every command, trace as record, info and model */
  /* the checker refuses what breaks a rule */
  static const mmb_option nohelp[] = {{"a", 'a', MMB_OPT_FLAG, .off = 0}, {.name = NULL}};
  static const mmb_option twice[] = {
      {"a", 'a', MMB_OPT_FLAG, .help = "x"}, {"b", 'a', MMB_OPT_FLAG, .help = "y"}, {.name = NULL}};
  static const mmb_option twice_name[] = {{"a", 0, MMB_OPT_FLAG, .help = "x"},
                                          {"b", 0, MMB_OPT_FLAG, .help = "y", .alias = "a"},
                                          {.name = NULL}};
  static const mmb_option helps[] = {{"help", 0, MMB_OPT_FLAG, .help = "x"}, {.name = NULL}};
  static const mmb_option novalue[] = {{"n", 0, MMB_OPT_INT, .help = "x"}, {.name = NULL}};
  static const mmb_option w1[] = {{"workloads", 'w', MMB_OPT_FLAG, .help = "x"}, {.name = NULL}};
  static const mmb_option w2[] = {{"width", 'w', MMB_OPT_FLAG, .help = "x"}, {.name = NULL}};
  const mmb_optspec s_nohelp = {.command = "x", .usage = "", .rows = nohelp},
                    s_twice = {.command = "x", .usage = "", .rows = twice},
                    s_twice_name = {.command = "x", .usage = "", .rows = twice_name},
                    s_helps = {.command = "x", .usage = "", .rows = helps},
                    s_novalue = {.command = "x", .usage = "", .rows = novalue},
                    s_w1 = {.command = "x", .usage = "", .rows = w1},
                    s_w2 = {.command = "y", .usage = "", .rows = w2};
  const mmb_optspec *one[][3] = {{&s_nohelp}, {&s_twice},   {&s_twice_name},
                                 {&s_helps},  {&s_novalue}, {&s_w1, &s_w2}};
  for (size_t i = 0; i < sizeof one / sizeof one[0]; i++)
    CHECKF(mmb_opts_check(one[i], err, sizeof err) == -1, "broken table %zu accepted", i);
  const mmb_optspec *fine[] = {&s_w1, &t_spec, NULL};
  CHECKF(mmb_opts_check(fine, err, sizeof err) == 0, "%s", err);
}

int main(void) {
  test_tables();
  test_parse();
  return mmb_test_exit();
}
