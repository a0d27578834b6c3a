/* mmbench — the CPU topology reader (see topology.h). Every file is read
 * relative to a sysfs root, so a test can describe a machine it does not
 * have. */
#define _GNU_SOURCE
#include "topology.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CPU_DIR "sys/devices/system/cpu"
#define NODE_DIR "sys/devices/system/node"
#define ROOT(t) ((t)->root[0] ? (t)->root : "/")

/* ---------------------------------------------------------------------------
 * cpulists
 * ------------------------------------------------------------------------- */
int mmb_cpulist_parse(const char *text, int *ids, int max) {
  int n = 0;
  const char *s = text;
  while (*s == ' ') s++;
  if (!*s) return -1;
  while (*s) {
    char *end;
    errno = 0;
    long a = strtol(s, &end, 10), b;
    if (end == s || a < 0 || a >= MMB_TOPO_MAX_CPUS || errno) return -1;
    b = a;
    if (*end == '-') {
      s = end + 1;
      b = strtol(s, &end, 10);
      if (end == s || b < a || b >= MMB_TOPO_MAX_CPUS) return -1;
    }
    for (long c = a; c <= b; c++) {
      if (n == max) return -1;
      ids[n++] = (int)c;
    }
    s = end;
    if (*s == ',') {
      s++;
      if (!*s) return -1;
    } else if (*s == '\n' || *s == ' ') {
      while (*s == '\n' || *s == ' ') s++;
      if (*s) return -1;
    } else if (*s) {
      return -1;
    }
  }
  return n;
}

void mmb_cpulist_format(const int *ids, int n, char *buf, size_t len) {
  size_t u = 0;
  buf[0] = 0;
  for (int i = 0; i < n && u < len; i++) {
    int j = i;
    while (j + 1 < n && ids[j + 1] == ids[j] + 1) j++;
    int w = j > i + 1 ? snprintf(buf + u, len - u, "%s%d-%d", u ? "," : "", ids[i], ids[j])
                      : snprintf(buf + u, len - u, "%s%d", u ? "," : "", ids[i]);
    if (w < 0) return;
    u += (size_t)w;
    if (j == i + 1) { /* a pair reads better as a,b */
      if (u < len) u += (size_t)snprintf(buf + u, len - u, ",%d", ids[j]);
    }
    i = j;
  }
}

/* ---------------------------------------------------------------------------
 * Files under the root
 * ------------------------------------------------------------------------- */
/* The file's text, trimmed, into buf; 0 or -1. */
static int rd(const mmb_topology *t, const char *rel, char *buf, size_t len) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", t->root, rel);
  return mmb_read_small(path, buf, len);
}

int mmb_read_small(const char *path, char *buf, size_t len) {
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  size_t n = fread(buf, 1, len - 1, f);
  fclose(f);
  buf[n] = 0;
  while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' ')) buf[--n] = 0;
  return 0;
}

static int rd_int(const mmb_topology *t, const char *rel, int *out) {
  char buf[64], *end;
  if (rd(t, rel, buf, sizeof buf) != 0) return -1;
  long v = strtol(buf, &end, 10);
  if (end == buf || *end) return -1;
  *out = (int)v;
  return 0;
}

/* Cache size "32K" / "1024K" / "32M" in KiB, or -1. */
static long size_kb(const char *s) {
  char *end;
  long v = strtol(s, &end, 10);
  if (end == s || v < 0) return -1;
  if (*end == 'K' || *end == 0) return v;
  if (*end == 'M') return v * 1024;
  if (*end == 'G') return v * 1024 * 1024;
  return -1;
}

static mmb_topo_cpu *cpu_of(const mmb_topology *t, int id) {
  for (int i = 0; i < t->ncpus; i++)
    if (t->cpu[i].id == id) return &t->cpu[i];
  return NULL;
}

/* ---------------------------------------------------------------------------
 * Parts of the tree
 * ------------------------------------------------------------------------- */
static int read_cpus(mmb_topology *t, int *ids, char *err, size_t errlen) {
  char buf[8192];
  int n;
  if (rd(t, CPU_DIR "/online", buf, sizeof buf) != 0 ||
      (n = mmb_cpulist_parse(buf, ids, MMB_TOPO_MAX_CPUS)) <= 0) {
    snprintf(err, errlen,
             "sysfs root %s: %s/online is unreadable or malformed (expected a CPU list such as "
             "0-3)",
             ROOT(t), CPU_DIR);
    return -1;
  }
  t->cpu = calloc((size_t)n, sizeof *t->cpu);
  if (!t->cpu) return snprintf(err, errlen, "out of memory reading the topology"), -1;
  t->ncpus = n;
  for (int i = 0; i < n; i++) {
    mmb_topo_cpu *c = &t->cpu[i];
    char rel[256], sib[1024];
    int sibs[256], ns;
    c->id = ids[i];
    snprintf(rel, sizeof rel, CPU_DIR "/cpu%d/topology/physical_package_id", c->id);
    int ok = rd_int(t, rel, &c->socket) == 0;
    snprintf(rel, sizeof rel, CPU_DIR "/cpu%d/topology/core_id", c->id);
    ok = ok && rd_int(t, rel, &c->core) == 0;
    snprintf(rel, sizeof rel, CPU_DIR "/cpu%d/topology/thread_siblings_list", c->id);
    ok = ok && rd(t, rel, sib, sizeof sib) == 0 && (ns = mmb_cpulist_parse(sib, sibs, 256)) > 0;
    if (!ok) {
      snprintf(err, errlen,
               "sysfs root %s: %s/cpu%d/topology is unreadable or malformed (expected "
               "physical_package_id, core_id and thread_siblings_list)",
               ROOT(t), CPU_DIR, c->id);
      return -1;
    }
    c->smt_rank = 0;
    for (int k = 0; k < ns; k++)
      if (sibs[k] == c->id) c->smt_rank = k;
    if (ns > t->smt) t->smt = ns;
  }
  /* sockets and cores: distinct ids and (socket, core) pairs */
  for (int i = 0; i < n; i++) {
    int s_new = 1, c_new = 1;
    for (int j = 0; j < i; j++) {
      s_new &= t->cpu[j].socket != t->cpu[i].socket;
      c_new &= !(t->cpu[j].socket == t->cpu[i].socket && t->cpu[j].core == t->cpu[i].core);
    }
    t->nsockets += s_new;
    t->ncores += c_new;
  }
  return 0;
}

static int read_nodes(mmb_topology *t, char *err, size_t errlen) {
  char buf[4096];
  int ids[1024], n = 0;
  if (rd(t, NODE_DIR "/online", buf, sizeof buf) == 0 &&
      (n = mmb_cpulist_parse(buf, ids, 1024)) < 0) {
    snprintf(err, errlen,
             "sysfs root %s: %s/online is malformed (expected a node list such as 0-1)", ROOT(t),
             NODE_DIR);
    return -1;
  }
  if (n <= 0) { /* no NUMA in the kernel: one node holding everything */
    t->nnodes = 1;
    t->node[0].id = 0;
    t->node[0].mem_kb = -1;
    snprintf(t->node[0].cpus, sizeof t->node[0].cpus, "all");
    return 0;
  }
  for (int i = 0; i < n && t->nnodes < 64; i++) {
    mmb_topo_node *nd = &t->node[t->nnodes++];
    char rel[256], line[256];
    int cpus[MMB_TOPO_MAX_CPUS], nc;
    nd->id = ids[i];
    nd->mem_kb = -1;
    snprintf(rel, sizeof rel, NODE_DIR "/node%d/cpulist", nd->id);
    if (rd(t, rel, buf, sizeof buf) != 0) {
      snprintf(err, errlen, "sysfs root %s: %s/node%d/cpulist is unreadable", ROOT(t), NODE_DIR,
               nd->id);
      return -1;
    }
    nc = buf[0] ? mmb_cpulist_parse(buf, cpus, MMB_TOPO_MAX_CPUS) : 0; /* memory-only node */
    if (nc < 0) {
      snprintf(err, errlen,
               "sysfs root %s: %s/node%d/cpulist is malformed (expected a CPU list such as 0-3)",
               ROOT(t), NODE_DIR, nd->id);
      return -1;
    }
    snprintf(nd->cpus, sizeof nd->cpus, "%s", buf);
    for (int k = 0; k < nc; k++) {
      mmb_topo_cpu *c = cpu_of(t, cpus[k]);
      if (c) c->node = nd->id;
    }
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/" NODE_DIR "/node%d/meminfo", t->root, nd->id);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f)) {
      char *m = strstr(line, "MemTotal:");
      if (m) nd->mem_kb = strtol(m + 9, NULL, 10);
    }
    if (f) fclose(f);
  }
  return 0;
}

/* Caches of the allowed CPUs: per (level, type), the size and the distinct
 * sharing lists. A machine without cache files has none recorded. */
static void read_caches(mmb_topology *t) {
  for (int i = 0; i < t->ncpus; i++) {
    if (!t->cpu[i].allowed) continue;
    for (int x = 0; x < 16; x++) {
      char rel[256], type[32], sz[32], shared[256];
      int level;
      snprintf(rel, sizeof rel, CPU_DIR "/cpu%d/cache/index%d/level", t->cpu[i].id, x);
      if (rd_int(t, rel, &level) != 0) break;
      snprintf(rel, sizeof rel, CPU_DIR "/cpu%d/cache/index%d/type", t->cpu[i].id, x);
      if (rd(t, rel, type, sizeof type) != 0 || strcmp(type, "Instruction") == 0) continue;
      snprintf(rel, sizeof rel, CPU_DIR "/cpu%d/cache/index%d/size", t->cpu[i].id, x);
      if (rd(t, rel, sz, sizeof sz) != 0) sz[0] = 0;
      snprintf(rel, sizeof rel, CPU_DIR "/cpu%d/cache/index%d/shared_cpu_list", t->cpu[i].id, x);
      if (rd(t, rel, shared, sizeof shared) != 0) snprintf(shared, sizeof shared, "?");
      mmb_topo_cache *c = NULL;
      for (int k = 0; k < t->ncaches; k++)
        if (t->cache[k].level == level && strcmp(t->cache[k].type, type) == 0) c = &t->cache[k];
      if (!c) {
        if (t->ncaches == 8) continue;
        c = &t->cache[t->ncaches++];
        c->level = level;
        snprintf(c->type, sizeof c->type, "%s", type);
        c->size_kb = size_kb(sz);
      }
      /* a new sharing list? (compared as whole words) */
      char word[260];
      snprintf(word, sizeof word, " %s ", shared);
      char padded[sizeof c->shared + 2];
      snprintf(padded, sizeof padded, " %s ", c->shared);
      if (strstr(padded, word)) continue;
      c->instances++;
      size_t u = strlen(c->shared);
      if (u + strlen(shared) + 2 < sizeof c->shared)
        snprintf(c->shared + u, sizeof c->shared - u, "%s%s", u ? " " : "", shared);
    }
  }
}

/* The CPUs allowed: the given list, this process's affinity (real root), or
 * every online CPU (fake root). */
static int read_allowed(mmb_topology *t, const char *allowed, int fake, char *err, size_t errlen) {
  if (allowed) {
    int *ids = malloc(MMB_TOPO_MAX_CPUS * sizeof *ids);
    int n = ids ? mmb_cpulist_parse(allowed, ids, MMB_TOPO_MAX_CPUS) : -1;
    if (n < 0) {
      free(ids);
      snprintf(err, errlen, "allowed CPUs '%s' is not a CPU list (expected e.g. 0-3)", allowed);
      return -1;
    }
    for (int i = 0; i < n; i++) {
      mmb_topo_cpu *c = cpu_of(t, ids[i]);
      if (c) c->allowed = 1;
    }
    free(ids);
  } else if (fake) {
    for (int i = 0; i < t->ncpus; i++) t->cpu[i].allowed = 1;
  } else {
    cpu_set_t set;
    CPU_ZERO(&set);
    int got = sched_getaffinity(0, sizeof set, &set) == 0;
    for (int i = 0; i < t->ncpus; i++)
      t->cpu[i].allowed = !got || (t->cpu[i].id < CPU_SETSIZE && CPU_ISSET(t->cpu[i].id, &set));
  }
  return 0;
}

/* cgroup v2 cpu.max "quota period" (or "max period"): CPUs, rounded up;
 * 0 = no quota. On "/" every level from the process's cgroup up. */
static int quota_of(const char *path) {
  FILE *f = fopen(path, "r");
  char q[32] = "";
  long period = 0;
  if (!f) return 0;
  int got = fscanf(f, "%31s %ld", q, &period);
  fclose(f);
  if (got != 2 || strcmp(q, "max") == 0 || period <= 0) return 0;
  long quota = strtol(q, NULL, 10);
  return quota > 0 ? (int)((quota + period - 1) / period) : 0;
}

static void read_quota(mmb_topology *t, int fake) {
  char path[PATH_MAX], cg[PATH_MAX] = "";
  if (fake) {
    snprintf(path, sizeof path, "%s/sys/fs/cgroup/cpu.max", t->root);
    t->quota_cpus = quota_of(path);
    if (t->quota_cpus) snprintf(t->quota_src, sizeof t->quota_src, "cpu.max");
    return;
  }
  FILE *f = fopen("/proc/self/cgroup", "r");
  char line[PATH_MAX], v1[PATH_MAX] = "";
  while (f && fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = 0;
    char *ctl = strchr(line, ':'), *p = ctl ? strchr(ctl + 1, ':') : NULL;
    if (strncmp(line, "0::", 3) == 0) snprintf(cg, sizeof cg, "%s", line + 3);
    if (p && (strncmp(ctl, ":cpu:", 5) == 0 || strncmp(ctl, ":cpu,", 5) == 0))
      snprintf(v1, sizeof v1, "%.*s/%s", (int)(p - ctl - 1), ctl + 1, p + 1);
  }
  if (f) fclose(f);
  if (v1[0]) { /* cgroup v1: cpu.cfs_quota_us / cpu.cfs_period_us of the cpu controller */
    char q[PATH_MAX + 64], per[PATH_MAX + 64];
    long quota = -1, period = 0;
    snprintf(q, sizeof q, "/sys/fs/cgroup/%s/cpu.cfs_quota_us", v1);
    snprintf(per, sizeof per, "/sys/fs/cgroup/%s/cpu.cfs_period_us", v1);
    FILE *a = fopen(q, "r"), *b = fopen(per, "r");
    if (a && fscanf(a, "%ld", &quota) != 1) quota = -1;
    if (b && fscanf(b, "%ld", &period) != 1) period = 0;
    if (a) fclose(a);
    if (b) fclose(b);
    if (quota > 0 && period > 0) {
      t->quota_cpus = (int)((quota + period - 1) / period);
      snprintf(t->quota_src, sizeof t->quota_src, "cpu.cfs_quota_us (cgroup v1)");
    }
  }
  for (;;) {
    snprintf(path, sizeof path, "/sys/fs/cgroup%s/cpu.max", strcmp(cg, "/") == 0 ? "" : cg);
    int q = quota_of(path);
    if (q > 0 && (t->quota_cpus == 0 || q < t->quota_cpus)) {
      t->quota_cpus = q;
      snprintf(t->quota_src, sizeof t->quota_src, "%.50s/cpu.max", cg);
    }
    char *slash = strrchr(cg, '/');
    if (!slash || slash == cg) {
      if (!cg[0] || strcmp(cg, "/") == 0) break;
      snprintf(cg, sizeof cg, "/");
      continue;
    }
    *slash = 0;
  }
}

static void settle(mmb_topology *t) {
  int ids[MMB_TOPO_MAX_CPUS], n = 0;
  for (int i = 0; i < t->ncpus; i++)
    if (t->cpu[i].allowed) ids[n++] = t->cpu[i].id;
  t->nallowed = n;
  mmb_cpulist_format(ids, n, t->allowed, sizeof t->allowed);
  t->usable = t->quota_cpus > 0 && t->quota_cpus < n ? t->quota_cpus : n;
}

int mmb_topology_read(const char *root, const char *allowed, mmb_topology *t, char *err,
                      size_t errlen) {
  memset(t, 0, sizeof *t);
  if (!root) root = getenv("MMB_SYSFS_ROOT");
  if (!root || !*root) root = "/";
  int fake = strcmp(root, "/") != 0;
  snprintf(t->root, sizeof t->root, "%s", fake ? root : "");
  int *ids = malloc(MMB_TOPO_MAX_CPUS * sizeof *ids);
  if (!ids) return snprintf(err, errlen, "out of memory reading the topology"), -1;
  int rc = read_cpus(t, ids, err, errlen);
  free(ids);
  if (rc == 0) rc = read_nodes(t, err, errlen);
  if (rc == 0) rc = read_allowed(t, allowed, fake, err, errlen);
  if (rc != 0) {
    mmb_topology_free(t);
    return -1;
  }
  read_quota(t, fake);
  read_caches(t);
  if (!fake) snprintf(t->root, sizeof t->root, "/");
  settle(t);
  if (t->nallowed == 0) {
    snprintf(err, errlen,
             "no CPU is allowed: the affinity (%s) shares no CPU with the online ones; run on "
             "CPUs this machine has",
             allowed ? allowed : "of this process");
    mmb_topology_free(t);
    return -1;
  }
  return 0;
}

int mmb_topology_restrict(mmb_topology *t, const char *cpulist, char *err, size_t errlen) {
  int ids[MMB_TOPO_MAX_CPUS];
  int n = mmb_cpulist_parse(cpulist, ids, MMB_TOPO_MAX_CPUS);
  if (n < 0) {
    snprintf(err, errlen, "'%s' is not a CPU list (expected e.g. 0-3)", cpulist);
    return -1;
  }
  int left = 0;
  for (int i = 0; i < t->ncpus; i++) {
    int in = 0;
    for (int k = 0; k < n && !in; k++) in = ids[k] == t->cpu[i].id;
    t->cpu[i].allowed &= in;
    left += t->cpu[i].allowed;
  }
  if (!left) {
    snprintf(err, errlen, "--pin %s leaves no CPU this run may use (allowed: %s)", cpulist,
             t->allowed);
    return -1;
  }
  settle(t);
  return 0;
}

void mmb_topology_free(mmb_topology *t) {
  free(t->cpu);
  t->cpu = NULL;
  t->ncpus = 0;
}

/* ---------------------------------------------------------------------------
 * meta.json
 * ------------------------------------------------------------------------- */
cJSON *mmb_topology_json(const mmb_topology *t) {
  cJSON *j = cJSON_CreateObject();
  char sig[256];
  mmb_topology_signature(t, sig, sizeof sig);
  cJSON_AddStringToObject(j, "signature", sig);
  cJSON_AddNumberToObject(j, "sockets", t->nsockets);
  cJSON_AddNumberToObject(j, "cores", t->ncores);
  cJSON_AddNumberToObject(j, "cpus", t->ncpus);
  cJSON_AddNumberToObject(j, "smt", t->smt);
  cJSON *nodes = cJSON_AddArrayToObject(j, "numa_nodes");
  for (int i = 0; i < t->nnodes; i++) {
    cJSON *n = cJSON_CreateObject();
    cJSON_AddNumberToObject(n, "id", t->node[i].id);
    cJSON_AddStringToObject(n, "cpus", t->node[i].cpus);
    if (t->node[i].mem_kb >= 0)
      cJSON_AddNumberToObject(n, "memory_kb", (double)t->node[i].mem_kb);
    else
      cJSON_AddNullToObject(n, "memory_kb");
    cJSON_AddItemToArray(nodes, n);
  }
  /* SMT siblings: the distinct sibling sets, as cpulists */
  cJSON *sib = cJSON_AddArrayToObject(j, "smt_siblings");
  for (int i = 0; i < t->ncpus; i++) {
    if (t->cpu[i].smt_rank != 0) continue;
    int ids[256], n = 0;
    for (int k = 0; k < t->ncpus && n < 256; k++)
      if (t->cpu[k].socket == t->cpu[i].socket && t->cpu[k].core == t->cpu[i].core)
        ids[n++] = t->cpu[k].id;
    char list[512];
    mmb_cpulist_format(ids, n, list, sizeof list);
    cJSON_AddItemToArray(sib, cJSON_CreateString(list));
  }
  cJSON *caches = cJSON_AddArrayToObject(j, "caches");
  for (int i = 0; i < t->ncaches; i++) {
    cJSON *c = cJSON_CreateObject();
    char name[16];
    snprintf(name, sizeof name, "L%d%s", t->cache[i].level,
             strcmp(t->cache[i].type, "Data") == 0 ? "d" : "");
    cJSON_AddStringToObject(c, "name", name);
    cJSON_AddNumberToObject(c, "size_kb", (double)t->cache[i].size_kb);
    cJSON_AddNumberToObject(c, "instances", t->cache[i].instances);
    cJSON_AddStringToObject(c, "shared_cpu_lists", t->cache[i].shared);
    cJSON_AddItemToArray(caches, c);
  }
  cJSON_AddStringToObject(j, "allowed_cpus", t->allowed);
  if (t->quota_cpus > 0) {
    cJSON_AddNumberToObject(j, "cgroup_quota_cpus", t->quota_cpus);
    cJSON_AddStringToObject(j, "cgroup_quota_from", t->quota_src);
  } else {
    cJSON_AddNullToObject(j, "cgroup_quota_cpus");
  }
  cJSON_AddNumberToObject(j, "usable_cpus", t->usable);
  if (t->root[0] && strcmp(t->root, "/") != 0) cJSON_AddStringToObject(j, "sysfs_root", t->root);
  return j;
}

void mmb_topology_signature(const mmb_topology *t, char *buf, size_t len) {
  long llc = -1;
  int llc_level = 0;
  for (int i = 0; i < t->ncaches; i++)
    if (t->cache[i].level > llc_level) llc_level = t->cache[i].level, llc = t->cache[i].size_kb;
  snprintf(buf, len,
           "%d sockets, %d cores, %d threads per core, %d NUMA nodes, %d usable CPUs, L%d %ld KiB",
           t->nsockets, t->ncores, t->smt, t->nnodes, t->usable, llc_level, llc);
}
