/* mmbench — the programs family: a workload per descriptor shipped in
 * workloads/programs/, and the ones a user names with -w prog:PATH or
 * -w 'cmd:COMMAND' (see program.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmb_config.h"
#include "program.h"

#define MAX_PROGRAMS 64

typedef struct prog_entry {
  mmb_program prog;
  mmb_workload w;
  mmb_param params[2];
  char help[120];
  char canon[PATH_MAX]; /* realpath of the descriptor ("" for cmd:) */
  char *name;           /* the workload's name */
} prog_entry;

static prog_entry *shipped[MAX_PROGRAMS];
static int nshipped, loaded, load_failed;
static char load_err[600];

static prog_entry *user[MAX_PROGRAMS];
static int nuser;

static prog_entry *make_entry(const mmb_program *p, const char *name) {
  prog_entry *e = calloc(1, sizeof *e);
  if (!e) return NULL;
  e->prog = *p;
  e->name = strdup(name);
  if (p->file[0] && !realpath(p->file, e->canon))
    snprintf(e->canon, sizeof e->canon, "%s", p->file);
  if (p->size) {
    snprintf(e->help, sizeof e->help, "work: the program's {size} (full work %lld)", p->size);
    e->params[0] = (mmb_param){.name = "size",
                               .type = MMB_P_INT,
                               .def = p->size,
                               .min = p->size_min,
                               .max = p->size * 1000,
                               .flags = MMB_PF_WORK,
                               .help = e->help};
  }
  e->w = (mmb_workload){
      .name = e->name,
      .family = "programs",
      .description = e->prog.description[0] ? e->prog.description : e->prog.command,
      .follows = e->prog.package,
      .params = e->params,
      .min_threads = 1,
      .max_threads = 1,
      .sweep = "",
      .program = &e->prog,
  };
  return e;
}

static const char *programs_dir(void) {
  const char *env = getenv("MMB_PROGRAMS_DIR");
  return env && *env ? env : MMB_SOURCE_DIR "/workloads/programs";
}

static int is_descriptor(const struct dirent *d) {
  size_t n = strlen(d->d_name);
  return d->d_name[0] != '.' && n > 5 && strcmp(d->d_name + n - 5, ".prog") == 0;
}

int mmb_programs_load(char *err, size_t errlen) {
  if (loaded) {
    if (load_failed) snprintf(err, errlen, "%s", load_err);
    return load_failed ? -1 : 0;
  }
  loaded = 1;
  struct dirent **list = NULL;
  const char *dir = programs_dir();
  int n = scandir(dir, &list, is_descriptor, alphasort);
  if (n < 0) return 0; /* no folder: no shipped programs */
  for (int i = 0; i < n; i++) {
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, list[i]->d_name);
    mmb_program p;
    if (!load_failed && mmb_program_parse(path, &p, load_err, sizeof load_err) != 0)
      load_failed = 1;
    for (int j = 0; j < nshipped && !load_failed; j++)
      if (strcmp(shipped[j]->name, p.name) == 0) {
        snprintf(load_err, sizeof load_err,
                 "%s: name '%s' is already used by %s (give it another name = line)", path, p.name,
                 shipped[j]->prog.file);
        load_failed = 1;
      }
    if (!load_failed && nshipped < MAX_PROGRAMS && mmb_workload_find(p.name)) {
      snprintf(load_err, sizeof load_err,
               "%s: name '%s' is a built-in workload (give it another name = line)", path, p.name);
      load_failed = 1;
    }
    if (!load_failed && nshipped < MAX_PROGRAMS) {
      prog_entry *e = make_entry(&p, p.name);
      if (e) shipped[nshipped++] = e;
    }
    free(list[i]);
  }
  free(list);
  if (load_failed) {
    for (int i = 0; i < nshipped; i++) free(shipped[i]->name), free(shipped[i]);
    nshipped = 0;
    snprintf(err, errlen, "%s", load_err);
    return -1;
  }
  return 0;
}

const mmb_workload *mmb_program_workload_at(int i) {
  char err[8];
  mmb_programs_load(err, sizeof err);
  return i >= 0 && i < nshipped ? &shipped[i]->w : NULL;
}

int mmb_program_installed(const mmb_program *p) {
  char exe[PATH_MAX];
  if (mmb_program_which(p, 0, exe, sizeof exe) != 0) return 0;
  return !p->server[0] || mmb_program_which(p, 1, exe, sizeof exe) == 0;
}

const mmb_workload *mmb_program_workload_named(const char *text, char *err, size_t errlen) {
  for (int i = 0; i < nuser; i++)
    if (strcmp(user[i]->name, text) == 0 ||
        (user[i]->prog.file[0] && strncmp(text, "prog:", 5) == 0 &&
         strcmp(user[i]->prog.file, text + 5) == 0))
      return &user[i]->w;
  if (nuser == MAX_PROGRAMS) {
    snprintf(err, errlen, "at most %d prog:/cmd: workloads in one run", MAX_PROGRAMS);
    return NULL;
  }
  mmb_program p;
  prog_entry *e;
  if (strncmp(text, "cmd:", 4) == 0) {
    if (mmb_program_from_command(text + 4, &p, err, errlen) != 0) return NULL;
    char exe[PATH_MAX];
    if (mmb_program_which(&p, 0, exe, sizeof exe) != 0) {
      char *argv[64];
      mmb_program_argv(&p, p.command, "/tmp", 1, argv, 64, err, errlen);
      snprintf(err, errlen, "-w %s: command '%s' not found (give its path, or install it)", text,
               argv[0] ? argv[0] : "");
      mmb_program_argv_free(argv);
      return NULL;
    }
    e = make_entry(&p, text);
  } else if (strncmp(text, "prog:", 5) == 0) {
    if (mmb_program_parse(text + 5, &p, err, errlen) != 0) return NULL;
    char canon[PATH_MAX];
    if (!realpath(p.file, canon)) snprintf(canon, sizeof canon, "%s", p.file);
    char lerr[8];
    mmb_programs_load(lerr, sizeof lerr);
    for (int i = 0; i < nshipped; i++)
      if (strcmp(shipped[i]->canon, canon) == 0) return &shipped[i]->w;
    const mmb_workload *same = mmb_workload_find(p.name);
    for (int i = 0; i < nuser && !same; i++)
      if (strcmp(user[i]->name, p.name) == 0) same = &user[i]->w;
    if (same) {
      snprintf(err, errlen, "%s: name '%s' is already a workload (give it another name = line)",
               p.file, p.name);
      return NULL;
    }
    char exe[PATH_MAX];
    if (!p.package[0] && !mmb_program_installed(&p)) {
      snprintf(err, errlen,
               "%s: the command of '%s' is not found (give its path, or add a package = line so it "
               "is recorded as skipped)",
               p.file, p.name);
      return NULL;
    }
    (void)exe;
    e = make_entry(&p, p.name);
  } else {
    snprintf(err, errlen, "'%s' is not prog:PATH or cmd:COMMAND", text);
    return NULL;
  }
  if (!e) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  user[nuser++] = e;
  return &e->w;
}
