/* mmbench — thread sweeps from the machine (see sweep.h). */
#include "sweep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "workload.h" /* MMB_MAX_THREADS */

static int add(int *out, int n, int max, int v) {
  if (v > MMB_MAX_THREADS) v = MMB_MAX_THREADS;
  for (int i = 0; i < n; i++)
    if (out[i] == v) return n;
  if (n < max) out[n++] = v;
  return n;
}

int mmb_sweep_auto(int usable, int over, int *out, int max) {
  int n = 0;
  if (usable < 1) usable = 1;
  for (int v = 1; v <= usable && v <= MMB_MAX_THREADS; v *= 2) n = add(out, n, max, v);
  n = add(out, n, max, usable);
  if (over) n = add(out, n, max, 2 * usable);
  return n;
}

static int cmp_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

int mmb_sweep_threads(const char *list, int user, const mmb_topology *t, int over, int *out,
                      int max, char *err, size_t errlen) {
  char *items[32];
  int k = mmb_split_list(list, items, 32);
  if (k < 0 || k > max) {
    snprintf(err, errlen,
             "-t needs a comma-separated list of thread counts such as 1,2,4, or auto, not '%s'",
             list);
    return -1;
  }
  int n = 0, any_auto = 0;
  for (int i = 0; i < k; i++) any_auto |= strcmp(items[i], "auto") == 0;
  if (any_auto && user && k > 1) {
    snprintf(err, errlen,
             "-t auto stands alone (it means 1, 2, 4, ... up to the CPUs this run may use): give "
             "-t auto or a list such as 1,2,4, not '%s'",
             list);
    mmb_free_list(items, k);
    return -1;
  }
  for (int i = 0; i < k; i++) {
    if (strcmp(items[i], "auto") == 0) {
      int a[64], na = mmb_sweep_auto(t ? t->usable : 1, over, a, 64);
      for (int j = 0; j < na; j++) n = add(out, n, max, a[j]);
      continue;
    }
    char *end;
    long v = strtol(items[i], &end, 10);
    if (end == items[i] || *end || v < 1 || v > MMB_MAX_THREADS) {
      snprintf(err, errlen, "thread count must be a whole number in 1..%d or auto, not '%s'",
               MMB_MAX_THREADS, items[i]);
      mmb_free_list(items, k);
      return -1;
    }
    if (any_auto)
      n = add(out, n, max, (int)v);
    else if (n < max)
      out[n++] = (int)v; /* a plain list stays as written */
  }
  mmb_free_list(items, k);
  if (any_auto) qsort(out, (size_t)n, sizeof *out, cmp_int);
  return n;
}

void mmb_sweep_explain(const mmb_topology *t, char *buf, size_t len) {
  if (!t) {
    snprintf(buf, len, "1 usable CPU (topology unknown)");
    return;
  }
  char quota[96];
  if (t->quota_cpus > 0)
    snprintf(quota, sizeof quota, "cgroup CPU quota %d CPUs", t->quota_cpus);
  else
    snprintf(quota, sizeof quota, "no cgroup CPU quota");
  char sig[256];
  mmb_topology_signature(t, sig, sizeof sig);
  snprintf(buf, len, "%d usable CPU%s (affinity %s, %s; machine: %s)", t->usable,
           t->usable == 1 ? "" : "s", t->allowed, quota, sig);
}
