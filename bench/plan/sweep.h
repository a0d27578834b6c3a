/* mmbench — thread counts that follow the machine: `-t auto` and the
 * presets' scaling sweeps, resolved against the CPUs the run may use. */
#ifndef MMB_SWEEP_H
#define MMB_SWEEP_H

#include <stddef.h>

#include "topology.h"

/* 1, 2, 4, ... up to usable, then usable itself when it is not a power of
 * two, then 2 x usable when over (the oversubscribed point); each capped at
 * MMB_MAX_THREADS. The count of values written to out (at most max). */
int mmb_sweep_auto(int usable, int over, int *out, int max);

/* A thread list: numbers, with the token `auto` standing for the counts
 * above. user = the list came from -t, where `auto` must stand alone.
 * The result is sorted and without duplicates when `auto` is present, in
 * the order written otherwise. The count, or -1 with a one-line message. */
int mmb_sweep_threads(const char *list, int user, const mmb_topology *t, int over, int *out,
                      int max, char *err, size_t errlen);

/* Why auto gives what it gives: "2 usable CPUs (affinity 0-1, no cgroup
 * CPU quota)". */
void mmb_sweep_explain(const mmb_topology *t, char *buf, size_t len);

#endif
