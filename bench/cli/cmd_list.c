/* mmbench list — workloads with their parameters, allocators with their
 * availability, presets. */
#include <stdio.h>
#include <string.h>

#include "cli_util.h"
#include "commands.h"
#include "counters.h"
#include "options.h"
#include "presets.h"
#include "program.h"
#include "workload.h"

static const char *kind_name(mmb_alloc_kind k) {
  return k == MMB_KIND_PRELOAD ? "preload" : k == MMB_KIND_INPROC ? "in-process" : "managed";
}

static void print_param(const mmb_param *p) {
  char range[160];
  if (p->type == MMB_P_ENUM) {
    range[0] = 0;
    for (int i = 0; p->choices[i]; i++) {
      size_t u = strlen(range);
      snprintf(range + u, sizeof range - u, "%s%s", i ? "|" : "", p->choices[i]);
    }
    printf("      %-12s %-10s %-24s %s\n", p->name, p->choices[p->def], range, p->help);
  } else if (p->type == MMB_P_STR) {
    printf("      %-12s %-10s %-24s %s\n", p->name, p->def_str && *p->def_str ? p->def_str : "\"\"",
           "text", p->help);
  } else {
    snprintf(range, sizeof range, "%lld..%lld%s", p->min, p->max,
             (p->flags & MMB_PF_WORK) ? " (work)" : "");
    printf("      %-12s %-10lld %-24s %s\n", p->name, p->def, range, p->help);
  }
}

static void print_workload(const mmb_workload *w, int verbose) {
  printf("  %-18s %-11s %s\n", w->name, w->family, w->description);
  if (!verbose) return;
  if (w->follows && *w->follows) printf("      follows: %s\n", w->follows);
  if (w->sweep && *w->sweep) printf("      preset sweep: %s\n", w->sweep);
  if (w->params && w->params[0].name)
    printf("      %-12s %-10s %-24s %s\n", "parameter", "default", "range", "meaning");
  for (int i = 0; w->params && w->params[i].name; i++) print_param(&w->params[i]);
}

static void list_workloads(int verbose) {
  printf("workloads (-w):\n");
  const mmb_workload *w;
  for (int i = 0; (w = mmb_workload_at(i)); i++) print_workload(w, verbose);
}

static void list_allocators(void) {
  printf("allocators (-a):\n");
  for (const mmb_allocator *const *a = mmb_allocators; *a; a++) {
    printf("  %-11s %-10s %-9s %s\n", (*a)->name, kind_name((*a)->kind),
           (*a)->unavailable ? "no" : "yes",
           (*a)->unavailable ? (*a)->unavailable : ((*a)->description ? (*a)->description : ""));
  }
  printf("  preload:/path/lib.so   any malloc replacement, injected with LD_PRELOAD\n"
         "  NAME[KEY=VALUE;...]    a variant with environment settings, e.g. "
         "glibc[MALLOC_ARENA_MAX=1]\n");
}

static int list_programs(void) {
  char err[600];
  if (mmb_programs_load(err, sizeof err) != 0) {
    fprintf(stderr, "mmbench list: %s\n", err);
    return 2;
  }
  printf("programs (-w NAME, -w programs, -w prog:PATH, -w 'cmd:COMMAND'):\n");
  printf("  %-14s %-16s %-10s %s\n", "name", "package", "installed", "what it runs");
  const mmb_workload *w;
  for (int i = 0; (w = mmb_program_workload_at(i)); i++)
    printf("  %-14s %-16s %-10s %s\n", w->name, w->program->package[0] ? w->program->package : "-",
           mmb_program_installed(w->program) ? "yes" : "no", w->description);
  return 0;
}

static void list_presets(void) {
  printf("presets (--preset):\n");
  for (const mmb_preset *p = mmb_presets; p->name; p++)
    printf("  %-8s %s\n", p->name, p->description);
}

static const mmb_option rows[] = {{.name = NULL}};
const mmb_optspec mmb_list_options = {
    .command = "list",
    .usage = "[workloads|allocators|presets|programs|events|WORKLOAD...]",
    .about = "Lists what can be run. With a workload name: its parameters in full.\n",
    .rows = rows,
};

int mmb_cmd_list(int argc, char **argv) {
  int next;
  int rc = mmb_opts_parse(&mmb_list_options, NULL, argc, argv, &next, NULL);
  if (rc >= 0) return rc;
  if (next == argc) {
    list_workloads(1);
    printf("\n");
    list_allocators();
    printf("\n");
    list_presets();
    return 0;
  }
  for (int i = next; i < argc; i++) {
    const char *what = argv[i];
    if (strcmp(what, "workloads") == 0)
      list_workloads(1);
    else if (strcmp(what, "allocators") == 0)
      list_allocators();
    else if (strcmp(what, "presets") == 0)
      list_presets();
    else if (strcmp(what, "programs") == 0) {
      int rc = list_programs();
      if (rc) return rc;
    } else if (strcmp(what, "events") == 0)
      return mmb_list_events();
    else {
      const mmb_workload *w = mmb_workload_find(what);
      if (!w) {
        char msg[256];
        snprintf(msg, sizeof msg,
                 "nothing called '%s' to list (valid: workloads, allocators, presets, programs, "
                 "events, or a workload name)",
                 what);
        return mmb_usage_error("list", msg);
      }
      print_workload(w, 1);
    }
  }
  return 0;
}
