/* mmbench — the workload registry: every family, in listing order, then
 * the programs read from workloads/programs/ (programs.c). */
#include <string.h>

#include "program.h"
#include "workload.h"

const char *const mmb_touch_names[] = {"word", "full", "none", NULL};
const char *const mmb_fig_names[] = {"remote_free_frac", "shared_line", NULL};

static const mmb_workload *const *const families[] = {
    mmb_family_basic,   mmb_family_stack_heap,      mmb_family_churn,
    mmb_family_threads, mmb_family_threads_sharing, mmb_family_alignment,
    mmb_family_graph,   mmb_family_trace,           mmb_family_models,
};

const mmb_workload *mmb_workload_at(int i) {
  if (i < 0) return NULL;
  for (size_t f = 0; f < sizeof families / sizeof families[0]; f++) {
    for (const mmb_workload *const *w = families[f]; *w; w++)
      if (i-- == 0) return *w;
  }
  return mmb_program_workload_at(i); /* then the programs family */
}

const mmb_workload *mmb_workload_find(const char *name) {
  const mmb_workload *w;
  for (int i = 0; (w = mmb_workload_at(i)); i++)
    if (strcmp(w->name, name) == 0) return w;
  return NULL;
}

int mmb_workload_nparams(const mmb_workload *w) {
  int n = 0;
  while (w->params && w->params[n].name) n++;
  return n;
}

int mmb_workload_param_index(const mmb_workload *w, const char *name) {
  for (int i = 0; w->params && w->params[i].name; i++)
    if (strcmp(w->params[i].name, name) == 0) return i;
  return -1;
}
