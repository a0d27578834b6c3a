/* mmbench tests — the topology reader, the thread sweep and placement on a
 * machine this test describes: a fake sysfs tree of 2 sockets x 8 cores x
 * 2 SMT threads (CPUs 0-15 the first threads, 16-31 their siblings, as
 * Linux numbers them) and 2 NUMA nodes, one per socket. Asserts:
 *   - sockets, cores, SMT, nodes (CPUs and memory), caches as written;
 *   - -t auto gives exactly 1,2,4,8,16,32 (and 64 with the oversubscribed
 *     point), follows a restricted affinity and a cgroup quota;
 *   - the exact worker CPUs of compact and spread at 4, 16 and 20 threads;
 *   - malformed trees, mixed `auto` lists and empty affinities are refused.
 * `test_topology --make-tree DIR` writes the tree for the CLI tests. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../check.h"
#include "place.h"
#include "sweep.h"
#include "topology.h"

static void put(const char *root, const char *rel, const char *text) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", root, rel);
  for (char *p = path + strlen(root) + 1; *p; p++)
    if (*p == '/') {
      *p = 0;
      mkdir(path, 0755);
      *p = '/';
    }
  FILE *f = fopen(path, "w");
  if (!f) {
    perror(path);
    exit(1);
  }
  fprintf(f, "%s\n", text);
  fclose(f);
}

static void make_tree(const char *root) {
  char rel[256], v[256];
  mkdir(root, 0755);
  put(root, "sys/devices/system/cpu/online", "0-31");
  put(root, "sys/devices/system/node/online", "0-1");
  for (int i = 0; i < 32; i++) {
    int j = i % 16, socket = j / 8, core = j % 8;
    snprintf(v, sizeof v, "%d", socket);
    snprintf(rel, sizeof rel, "sys/devices/system/cpu/cpu%d/topology/physical_package_id", i);
    put(root, rel, v);
    snprintf(v, sizeof v, "%d", core);
    snprintf(rel, sizeof rel, "sys/devices/system/cpu/cpu%d/topology/core_id", i);
    put(root, rel, v);
    snprintf(v, sizeof v, "%d,%d", j, j + 16);
    snprintf(rel, sizeof rel, "sys/devices/system/cpu/cpu%d/topology/thread_siblings_list", i);
    put(root, rel, v);
    static const char *const lv[] = {"1", "1", "2", "3"}, *const ty[] = {"Data", "Instruction",
                                                                         "Unified", "Unified"};
    static const char *const sz[] = {"32K", "32K", "1024K", "32M"};
    for (int x = 0; x < 4; x++) {
      char base[128];
      snprintf(base, sizeof base, "sys/devices/system/cpu/cpu%d/cache/index%d", i, x);
      snprintf(rel, sizeof rel, "%s/level", base), put(root, rel, lv[x]);
      snprintf(rel, sizeof rel, "%s/type", base), put(root, rel, ty[x]);
      snprintf(rel, sizeof rel, "%s/size", base), put(root, rel, sz[x]);
      if (x < 3)
        snprintf(v, sizeof v, "%d,%d", j, j + 16);
      else
        snprintf(v, sizeof v, "%d-%d,%d-%d", socket * 8, socket * 8 + 7, socket * 8 + 16,
                 socket * 8 + 23);
      snprintf(rel, sizeof rel, "%s/shared_cpu_list", base), put(root, rel, v);
    }
  }
  put(root, "sys/devices/system/node/node0/cpulist", "0-7,16-23");
  put(root, "sys/devices/system/node/node1/cpulist", "8-15,24-31");
  put(root, "sys/devices/system/node/node0/meminfo", "Node 0 MemTotal:       16777216 kB");
  put(root, "sys/devices/system/node/node1/meminfo", "Node 1 MemTotal:       16777216 kB");
}

static const char *auto_list(const mmb_topology *t, int over) {
  static char buf[256];
  int v[64], n = mmb_sweep_auto(t->usable, over, v, 64);
  mmb_cpulist_format(v, 0, buf, sizeof buf); /* clears */
  size_t u = 0;
  for (int i = 0; i < n; i++)
    u += (size_t)snprintf(buf + u, sizeof buf - u, "%s%d", i ? "," : "", v[i]);
  return buf;
}

static void expect_workers(const mmb_topology *t, int place, int threads, const char *want) {
  char got[1024];
  mmb_place_workers(t, place, threads, got, sizeof got);
  CHECKF(strcmp(got, want) == 0, "%s at %d threads: got %s, want %s", mmb_place_names[place],
         threads, got, want);
  printf("%-7s %2d threads: %s\n", mmb_place_names[place], threads, got);
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "--make-tree") == 0) {
    make_tree(argv[2]);
    return 0;
  }
  char root[] = "/tmp/mmb-topo-XXXXXX";
  if (!mkdtemp(root)) return perror("mkdtemp"), 1;
  make_tree(root);
  char err[1024];
  mmb_topology t;

  /* the machine as written */
  CHECKF(mmb_topology_read(root, NULL, &t, err, sizeof err) == 0, "%s", err);
  CHECK(t.ncpus == 32 && t.nsockets == 2 && t.ncores == 16 && t.smt == 2);
  CHECK(t.nnodes == 2 && strcmp(t.node[1].cpus, "8-15,24-31") == 0);
  CHECK(t.node[0].mem_kb == 16777216);
  CHECK(t.usable == 32 && strcmp(t.allowed, "0-31") == 0);
  int l1 = -1, l3 = -1;
  for (int i = 0; i < t.ncaches; i++) {
    if (t.cache[i].level == 1) l1 = i;
    if (t.cache[i].level == 3) l3 = i;
  }
  CHECK(t.ncaches == 3); /* L1d, L2, L3: instruction caches are left out */
  CHECK(l1 >= 0 && t.cache[l1].size_kb == 32 && t.cache[l1].instances == 16);
  CHECK(l3 >= 0 && t.cache[l3].size_kb == 32768 && t.cache[l3].instances == 2);
  CHECK(l3 >= 0 && strcmp(t.cache[l3].shared, "0-7,16-23 8-15,24-31") == 0);

  /* thread counts */
  printf("auto: %s\n", auto_list(&t, 0));
  CHECK(strcmp(auto_list(&t, 0), "1,2,4,8,16,32") == 0);
  CHECK(strcmp(auto_list(&t, 1), "1,2,4,8,16,32,64") == 0);
  int th[32];
  int n = mmb_sweep_threads("1,2,4,auto", 0, &t, 0, th, 32, err, sizeof err);
  CHECK(n == 6 && th[0] == 1 && th[2] == 4 && th[5] == 32);
  CHECK(mmb_sweep_threads("auto,3", 1, &t, 0, th, 32, err, sizeof err) < 0 &&
        strstr(err, "stands alone"));
  CHECK(mmb_sweep_threads("4,1", 1, &t, 0, th, 32, err, sizeof err) == 2 && th[0] == 4);
  CHECK(mmb_sweep_threads("two", 1, &t, 0, th, 32, err, sizeof err) < 0);

  /* placement */
  expect_workers(&t, MMB_PLACE_COMPACT, 4, "0,16,1,17");
  expect_workers(&t, MMB_PLACE_COMPACT, 16, "0,16,1,17,2,18,3,19,4,20,5,21,6,22,7,23");
  expect_workers(&t, MMB_PLACE_SPREAD, 4, "0,8,1,9");
  expect_workers(&t, MMB_PLACE_SPREAD, 16, "0,8,1,9,2,10,3,11,4,12,5,13,6,14,7,15");
  expect_workers(&t, MMB_PLACE_SPREAD, 20, "0,8,1,9,2,10,3,11,4,12,5,13,6,14,7,15,16,24,17,25");
  expect_workers(&t, MMB_PLACE_NONE, 4, "");
  char set[256];
  mmb_place_set(&t, MMB_PLACE_COMPACT, 4, set, sizeof set);
  CHECKF(strcmp(set, "0,1,16,17") == 0, "%s", set);
  mmb_place_set(&t, MMB_PLACE_SPREAD, 16, set, sizeof set);
  CHECKF(strcmp(set, "0-15") == 0, "%s", set);
  mmb_topology_free(&t);

  /* a restricted affinity (one socket's first threads) */
  CHECK(mmb_topology_read(root, "0-3", &t, err, sizeof err) == 0);
  CHECK(t.usable == 4 && strcmp(auto_list(&t, 0), "1,2,4") == 0);
  expect_workers(&t, MMB_PLACE_SPREAD, 4, "0,1,2,3");
  CHECK(mmb_topology_restrict(&t, "2", err, sizeof err) == 0 && t.usable == 1);
  CHECK(strcmp(auto_list(&t, 0), "1") == 0);
  CHECK(mmb_topology_restrict(&t, "9", err, sizeof err) < 0 && strstr(err, "leaves no CPU"));
  mmb_topology_free(&t);
  CHECK(mmb_topology_read(root, "40-41", &t, err, sizeof err) < 0 && strstr(err, "no CPU"));

  /* a cgroup quota of 5.5 CPUs: 6 usable, not a power of two */
  put(root, "sys/fs/cgroup/cpu.max", "550000 100000");
  CHECK(mmb_topology_read(root, NULL, &t, err, sizeof err) == 0);
  CHECK(t.quota_cpus == 6 && t.usable == 6 && strcmp(auto_list(&t, 0), "1,2,4,6") == 0);
  mmb_topology_free(&t);

  /* malformed trees */
  put(root, "sys/devices/system/cpu/cpu5/topology/core_id", "five");
  CHECK(mmb_topology_read(root, NULL, &t, err, sizeof err) < 0 && strstr(err, "cpu5/topology"));
  put(root, "sys/devices/system/cpu/online", "0-");
  CHECK(mmb_topology_read(root, NULL, &t, err, sizeof err) < 0 && strstr(err, "online"));
  CHECK(mmb_topology_read("/nonexistent-root", NULL, &t, err, sizeof err) < 0);

  /* cpulists */
  int ids[8] = {0, 1, 2, 5, 7, 8};
  char list[64];
  mmb_cpulist_format(ids, 6, list, sizeof list);
  CHECKF(strcmp(list, "0-2,5,7,8") == 0, "%s", list);
  CHECK(mmb_cpulist_parse("0-2,5", ids, 8) == 4 && ids[3] == 5);
  CHECK(mmb_cpulist_parse("3-1", ids, 8) < 0 && mmb_cpulist_parse("1,,2", ids, 8) < 0);

  char cmd[256];
  snprintf(cmd, sizeof cmd, "rm -rf %s", root);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", root);
  return mmb_test_exit();
}
