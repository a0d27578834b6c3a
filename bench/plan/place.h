/* mmbench — thread placement: which CPU each worker of a cell runs on.
 * none leaves it to the scheduler; compact fills a core's SMT siblings,
 * then the next core of the same node and socket; spread puts one thread
 * on each core, alternating sockets and NUMA nodes, before any sibling. */
#ifndef MMB_PLACE_H
#define MMB_PLACE_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "topology.h"

enum { MMB_PLACE_NONE, MMB_PLACE_COMPACT, MMB_PLACE_SPREAD };

extern const char *const mmb_place_names[]; /* by enum value, NULL-terminated */

/* The enum value of a name, or -1. */
int mmb_place_parse(const char *name);

/* The allowed CPUs in the order workers take them. The count (at most
 * max); 0 under MMB_PLACE_NONE. */
int mmb_place_order(const mmb_topology *t, int place, int *out, int max);

/* Worker i's CPU for i < threads, comma-separated in worker order (wrapping
 * round when threads exceed the allowed CPUs); "" under none. */
void mmb_place_workers(const mmb_topology *t, int place, int threads, char *buf, size_t len);

/* The distinct CPUs of those workers as a cpulist (a program cell's set);
 * "" under none. */
void mmb_place_set(const mmb_topology *t, int place, int threads, char *buf, size_t len);

/* meta.json's "placement": the policy and, per thread count, each
 * worker's CPU (and a program cell's set). */
cJSON *mmb_place_json(const mmb_topology *t, int place, const int *threads, int n);

#endif
