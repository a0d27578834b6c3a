/* mmbench — the workload registry: every family, in listing order, then
 * the programs read from workloads/programs/ (programs.c). */
#include <string.h>

#include "program.h"
#include "workload.h"

const char *const mmb_touch_names[] = {"word", "full", "none", NULL};

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

int mmb_workload_nfigs(const mmb_workload *w) {
  int n = 0;
  while (w->figures && w->figures[n].name) n++;
  return n;
}

/* The first declaration of the figure name among the built-in workloads
 * before family f, workload k, figure j (exclusive), or NULL. */
static int declared_before(const char *name, size_t f, size_t k, int j) {
  for (size_t g = 0; g <= f; g++)
    for (size_t q = 0; families[g][q] && (g < f || q <= k); q++) {
      const mmb_workload *w = families[g][q];
      int nf = mmb_workload_nfigs(w), end = g == f && q == k ? j : nf;
      for (int i = 0; i < end; i++)
        if (strcmp(w->figures[i].name, name) == 0) return 1;
    }
  return 0;
}

const mmb_figure *mmb_figure_at(int i) {
  if (i < 0) return NULL;
  for (size_t f = 0; f < sizeof families / sizeof families[0]; f++)
    for (size_t k = 0; families[f][k]; k++) {
      const mmb_workload *w = families[f][k];
      for (int j = 0; j < mmb_workload_nfigs(w); j++)
        if (!declared_before(w->figures[j].name, f, k, j) && i-- == 0) return &w->figures[j];
    }
  return NULL;
}
