/* mmbench — the machine's CPU topology as the run may use it: sockets, NUMA
 * nodes (CPUs, memory), cores and SMT siblings, caches, the CPUs this
 * process is allowed (affinity) and its cgroup CPU quota. Read from a sysfs
 * root ("/" on a real machine; tests give a fake tree). Used by meta.json,
 * the thread sweep and thread placement. */
#ifndef MMB_TOPOLOGY_H
#define MMB_TOPOLOGY_H

#include <cjson/cJSON.h>
#include <stddef.h>

#define MMB_TOPO_MAX_CPUS 4096

typedef struct mmb_topo_cpu {
  int id;       /* logical CPU number */
  int socket;   /* physical_package_id */
  int core;     /* core_id (unique only within its socket) */
  int node;     /* NUMA node, 0 when the machine shows none */
  int smt_rank; /* position among its SMT siblings: 0 = the core's first thread */
  int allowed;  /* in the run's affinity */
} mmb_topo_cpu;

typedef struct mmb_topo_node {
  int id;
  char cpus[256]; /* cpulist */
  long mem_kb;    /* MemTotal, -1 unknown */
} mmb_topo_node;

typedef struct mmb_topo_cache {
  int level;
  char type[16];     /* Data, Instruction, Unified */
  long size_kb;      /* one instance */
  int instances;     /* distinct shared_cpu_list values */
  char shared[1024]; /* those lists, separated by ' ' (truncated on huge machines) */
} mmb_topo_cache;

typedef struct mmb_topology {
  char root[1024];
  int ncpus; /* online CPUs */
  mmb_topo_cpu *cpu;
  int nsockets, ncores, smt; /* smt = largest sibling set */
  mmb_topo_node node[64];
  int nnodes;
  mmb_topo_cache cache[8];
  int ncaches;
  char allowed[1024]; /* the allowed CPUs as a cpulist */
  int nallowed;
  int quota_cpus;     /* cgroup cpu.max rounded up, 0 = no quota */
  char quota_src[64]; /* where it came from ("" none) */
  int usable;         /* CPUs the run may use: allowed, capped by the quota */
} mmb_topology;

/* Read the topology under root ("/" = this machine; NULL = $MMB_SYSFS_ROOT
 * when set, else "/"). allowed: a cpulist to use as the affinity, or NULL =
 * this process's affinity (on a fake root: every online CPU). 0, or -1 with
 * a one-line reason in err (unreadable or malformed tree, no CPU allowed).
 * Free with mmb_topology_free. */
int mmb_topology_read(const char *root, const char *allowed, mmb_topology *t, char *err,
                      size_t errlen);
/* Restrict the allowed CPUs to a cpulist (the run's --pin). 0, or -1 with
 * err when no allowed CPU is left. */
int mmb_topology_restrict(mmb_topology *t, const char *cpulist, char *err, size_t errlen);
void mmb_topology_free(mmb_topology *t);

/* The topology as meta.json's "topology" object. */
cJSON *mmb_topology_json(const mmb_topology *t);
/* One line that two runs share exactly when their machines' shapes match
 * (sockets, cores, SMT, nodes, usable CPUs, last-level cache). */
void mmb_topology_signature(const mmb_topology *t, char *buf, size_t len);

/* The start of a small file (a sysfs or procfs value) into buf (len bytes),
 * trailing newlines and spaces removed. 0, or -1 when unreadable. */
int mmb_read_small(const char *path, char *buf, size_t len);

/* Parse a cpulist ("0-3,8,10-11") into ids (sorted as written). The count,
 * or -1 when malformed or more than max. */
int mmb_cpulist_parse(const char *text, int *ids, int max);
/* Format ids as a cpulist with ranges. */
void mmb_cpulist_format(const int *ids, int n, char *buf, size_t len);

#endif
