/* mmbench — command options as data: each command declares one table of
 * rows (long name, letter, kind, range or choices, where the value goes,
 * help); parsing, range and choice checks, the one-line errors and --help
 * all come from that table. */
#ifndef MMB_OPTIONS_H
#define MMB_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

typedef enum mmb_opt_kind {
  MMB_OPT_FLAG,   /* no value: sets the int at the target to 1 */
  MMB_OPT_INT,    /* whole number (K/M/G suffixes) in min..max; int or long long target */
  MMB_OPT_DOUBLE, /* number in (min, max]; double target */
  MMB_OPT_STRING, /* any text */
  MMB_OPT_LIST,   /* a comma list, not empty; each item one of choices when given */
  MMB_OPT_CHOICE, /* one of choices */
} mmb_opt_kind;

/* Where a value goes, as an offset into the command's argument struct. A
 * text kind with size 0 keeps a pointer to the argument (const char *);
 * with size > 0 it is copied into a char array of that size. */
#define MMB_OPT_VAR(type, field) .off = offsetof(type, field), .size = sizeof(((type *)0)->field)
#define MMB_OPT_PTR(type, field) .off = offsetof(type, field), .size = 0

typedef struct mmb_option {
  const char *name;           /* long name, --name */
  char letter;                /* short letter, or 0 */
  mmb_opt_kind kind;          /* what the value is */
  size_t off, size;           /* see MMB_OPT_VAR / MMB_OPT_PTR */
  long long min, max;         /* INT: inclusive range; DOUBLE: (min, max] */
  const char *const *choices; /* CHOICE, LIST: the values (NULL-terminated) */
  const char *value;          /* the value's name in --help: N, LIST, DIR */
  const char *help;           /* what it does; '\n' starts another help line */
  const char *example;        /* LIST: what to give, named when it is empty */
  const char *alias;          /* another long name accepted, or NULL */
  unsigned group;             /* bits reported when the option is given */
  /* Extra validation after the kind's own: 0, or -1 with a message. */
  int (*check)(const char *arg, char *err, size_t errlen);
  /* Stores the value itself instead of the kind's store: 0, or -1 with a
   * message. Gets the command's argument struct. */
  int (*apply)(void *args, const char *arg, char *err, size_t errlen);
} mmb_option;

typedef struct mmb_optspec {
  const char *command;    /* "run", "trace record": errors say "mmbench <command>:" */
  const char *usage;      /* after "usage: mmbench <command> " */
  const char *about;      /* text between the usage line and the options */
  const char *after;      /* text after the options, or NULL */
  const mmb_option *rows; /* ended by a row with name NULL; --help is added */
  int stop_at_argument;   /* 1: options end at the first argument (getopt's '+') */
  int hidden;             /* 1: an internal command (not in mmbench --help) */
} mmb_optspec;

/* Parse argv into args as spec says. Returns -1 to go on (*next: the
 * first argument that is not an option; *given: the groups of the options
 * given, may be NULL), or the exit status: 0 after printing --help, 2
 * after a one-line error on stderr. */
int mmb_opts_parse(const mmb_optspec *spec, void *args, int argc, char **argv, int *next,
                   unsigned *given);

/* The --help text of spec. */
void mmb_opts_help(const mmb_optspec *spec, FILE *out);

/* The tables' own rules: every row has a long name and help text (and a
 * value name when it takes a value, choices when it is a CHOICE); no two
 * rows of one command share a letter or a long name (--help, -h included);
 * a letter means the same long option in every command. 0, or -1 with the
 * first broken rule in err. */
int mmb_opts_check(const mmb_optspec *const *specs, char *err, size_t errlen);

/* Every command's option table, ended by NULL (cmd_options.c). */
extern const mmb_optspec *const mmb_optspecs[];

#endif
