/* mmbench tests — the facts workloads and allocators state about themselves
 * are consistent: names unique, parameter tables well formed (defaults in
 * range, enum defaults valid), a named heap-growth parameter exists, thread
 * ranges sane, a size in bytes flagged as such, a replayed parameter is a text parameter
 * (trace-replay's file), every allocator's heap-growth hook refuses a factor out of range and takes
 * one in range, every preloaded malloc the build found names a library that is there, one that it
 * did not find says how to get it. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "../check.h"
#include "allocator.h"
#include "objgraph.h"
#include "workload.h"

static void test_workloads(void) {
  int n = 0, replayers = 0;
  for (const mmb_workload *w; (w = mmb_workload_at(n)) != NULL; n++) {
    CHECKF(w->name && w->family && w->description && w->params, "workload %d lacks a field", n);
    for (int j = 0; j < n; j++)
      CHECKF(strcmp(mmb_workload_at(j)->name, w->name) != 0, "%s twice", w->name);
    CHECKF(w->min_threads >= 1 && (w->max_threads == 0 || w->max_threads >= w->min_threads),
           "%s: threads %d..%d", w->name, w->min_threads, w->max_threads);
    for (const mmb_param *p = w->params; p->name; p++) {
      if (p->type == MMB_P_INT)
        CHECKF(p->min <= p->def && p->def <= p->max, "%s: %s default %lld outside %lld..%lld",
               w->name, p->name, p->def, p->min, p->max);
      if (p->type == MMB_P_ENUM) {
        long long k = 0;
        while (p->choices && p->choices[k]) k++;
        CHECKF(p->def >= 0 && p->def < k, "%s: %s default index %lld of %lld", w->name, p->name,
               p->def, k);
      }
      CHECKF(p->help && *p->help, "%s: %s has no help", w->name, p->name);
      /* a size in bytes says so (figures label their axis by the flag) */
      CHECKF(!(p->flags & MMB_PF_BYTES) || p->type == MMB_P_INT, "%s: %s: bytes on a non-integer",
             w->name, p->name);
      static const char *const sized[] = {"size", "min", "max", "align", "payload", NULL};
      for (int k = 0; sized[k] && !w->program; k++)
        if (strcmp(p->name, sized[k]) == 0)
          CHECKF(p->flags & MMB_PF_BYTES, "%s: %s is a size in bytes without MMB_PF_BYTES", w->name,
                 p->name);
    }
    if (w->heap_growth_param) {
      int i = mmb_workload_param_index(w, w->heap_growth_param);
      CHECKF(i >= 0 && w->params[i].type == MMB_P_INT,
             "%s: heap-growth parameter '%s' is not an integer parameter", w->name,
             w->heap_growth_param);
      CHECKF(w->needs & MMB_CAP_GRAPH, "%s: a heap-growth parameter needs the graph API", w->name);
    }
    if (w->replays) {
      int i = mmb_workload_param_index(w, w->replays);
      CHECKF(i >= 0 && w->params[i].type == MMB_P_STR,
             "%s: replayed parameter '%s' is not a text parameter", w->name, w->replays);
      replayers++;
    }
    if (w->models) {
      int i = mmb_workload_param_index(w, w->models);
      CHECKF(i >= 0 && w->params[i].type == MMB_P_STR,
             "%s: model parameter '%s' is not a text parameter", w->name, w->models);
    }
    CHECKF(!w->program || (!w->replays && !w->models), "%s: a program that replays", w->name);
  }
  /* the report pairs a replay with its program by these facts (report_traces.c) */
  const mmb_workload *tr = mmb_workload_find("trace-replay");
  CHECK(tr && tr->replays && strcmp(tr->replays, "file") == 0 && !tr->program);
  CHECKF(replayers == 1, "%d workloads replay a program's trace, expected trace-replay", replayers);
  /* a program's size is its work, not bytes; malloc-free's is bytes */
  const mmb_workload *lt = mmb_workload_find("lua-trees"), *mf = mmb_workload_find("malloc-free");
  CHECK(lt && !(lt->params[mmb_workload_param_index(lt, "size")].flags & MMB_PF_BYTES));
  CHECK(mf && (mf->params[mmb_workload_param_index(mf, "size")].flags & MMB_PF_BYTES));
  const mmb_workload *em = mmb_workload_find("empirical");
  CHECK(em && em->models && strcmp(em->models, "model") == 0 && !em->replays);
  CHECKF(n >= 20, "only %d workloads registered: a family is missing from the registry", n);
}

static void test_allocators(void) {
  int growth_hooks = 0;
  for (int i = 0; mmb_allocators[i]; i++) {
    const mmb_allocator *a = mmb_allocators[i];
    CHECKF(mmb_allocator_find(a->name) == a, "%s not found by its name", a->name);
    CHECKF(((a->caps & MMB_CAP_GRAPH) != 0) == (a->graph != NULL), "%s: graph cap and ops disagree",
           a->name);
    if (a->kind == MMB_KIND_PRELOAD && strcmp(a->name, "glibc") != 0) {
      if (!a->unavailable)
        CHECKF(a->library && a->library[0] == '/' && access(a->library, R_OK) == 0,
               "%s: library '%s' is not a readable absolute path", a->name,
               a->library ? a->library : "(none)");
      else
        CHECKF(strstr(a->unavailable, "install "), "%s: unavailable without a package: %s", a->name,
               a->unavailable);
    }
    if (!a->graph || !a->graph->set_heap_growth || a->unavailable) continue;
    growth_hooks++;
    if (a->init && a->init() != 0) continue;
    CHECKF(a->graph->set_heap_growth(0.0) == -EINVAL, "%s accepts growth 0", a->name);
    CHECKF(a->graph->set_heap_growth(-1.0) == -EINVAL, "%s accepts growth -1", a->name);
    CHECKF(a->graph->set_heap_growth(1.0) == 0, "%s refuses growth 1.0", a->name);
    if (a->fini) a->fini();
  }
  CHECKF(growth_hooks >= 1, "no allocator offers a heap-growth policy");
}

int main(void) {
  test_workloads();
  test_allocators();
  return mmb_test_exit();
}
