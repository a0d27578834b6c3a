/* mmbench — the presets. Scales are set so that the default preset covers
 * every family and allocator within about 15 minutes on 2 cores. */
#include "presets.h"

#include <string.h>

const mmb_preset mmb_presets[] = {
    {"quick", "smoke run: defaults only, 1/20 of the work, 3 reps, threads 1,2", 3, 0, 0.05, "1,2",
     "1,2", 0, 0, 60},
    {"default",
     "make bench: sweeps, 1/4 of the work, 5 reps, threads 1,2 (scaling workloads 1,2,4 and "
     "1,2,4,... up to the usable CPUs)",
     5, 0, 0.25, "1,2", "1,2,4,auto", 0, 1, 120},
    {"full",
     "papers: sweeps, full work, 10 reps, threads 1,2,4 (scaling workloads also up to the usable "
     "CPUs and 2x them, oversubscribed)",
     10, 1, 1.0, "1,2,4", "1,2,4,auto", 1, 1, 600},
    {0},
};

const mmb_preset *mmb_preset_find(const char *name) {
  for (const mmb_preset *p = mmb_presets; p->name; p++)
    if (strcmp(p->name, name) == 0) return p;
  return 0;
}
