/* mmbench — environment capture: host, kernel, compiler and library facts (meta.json). */
#define _GNU_SOURCE
#include "env.h"

#include <dlfcn.h>
#include <getopt.h>
#include <limits.h>
#include <linux/perf_event.h>
#include <gnu/libc-version.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "mmb_config.h"
#include "topology.h"

/* First line of a file, trimmed, or "" (unreadable files are facts too). */
static void read_line(const char *path, char *buf, size_t len) {
  buf[0] = 0;
  FILE *f = fopen(path, "r");
  if (!f) return;
  if (fgets(buf, (int)len, f)) buf[strcspn(buf, "\n")] = 0;
  fclose(f);
}

/* THP files show "always [madvise] never": keep the bracketed choice. */
static void bracketed(const char *path, char *buf, size_t len) {
  char line[256];
  read_line(path, line, sizeof line);
  char *l = strchr(line, '['), *r = l ? strchr(l, ']') : NULL;
  if (l && r)
    snprintf(buf, len, "%.*s", (int)(r - l - 1), l + 1);
  else
    snprintf(buf, len, "%s", line);
}

/* ---------------------------------------------------------------------------
 * CPU topology and counters: the one place that says what "cores" means
 * ------------------------------------------------------------------------- */
/* CPUs in a list such as "0-1,4". */
static int list_count(const char *s) {
  int n = 0;
  while (*s) {
    char *end;
    long a = strtol(s, &end, 10), b = a;
    if (end == s) break;
    if (*end == '-') {
      s = end + 1;
      b = strtol(s, &end, 10);
      if (end == s) break;
    }
    if (b >= a && b - a < 4096) n += (int)(b - a + 1);
    s = end;
    if (*s == ',') s++;
  }
  return n;
}

void mmb_env_host_facts(mmb_host_facts *h) {
  memset(h, 0, sizeof *h);
  long on = sysconf(_SC_NPROCESSORS_ONLN);
  h->cpus = on > 0 ? (int)on : 1;
  char sets[256][64];
  int nsets = 0, ok = 0;
  h->threads_per_core = 1;
  for (int cpu = 0; cpu < 4096 && nsets < 256; cpu++) {
    char path[128], buf[64];
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/online", cpu);
    if (mmb_read_small(path, buf, sizeof buf) == 0 && strcmp(buf, "0") == 0) continue;
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/topology/thread_siblings_list", cpu);
    if (mmb_read_small(path, buf, sizeof buf) != 0) {
      snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d", cpu);
      if (access(path, F_OK) != 0) break;
      continue;
    }
    ok = 1;
    int t = list_count(buf);
    if (t > h->threads_per_core) h->threads_per_core = t;
    int seen = 0;
    for (int i = 0; i < nsets; i++) seen |= strcmp(sets[i], buf) == 0;
    if (!seen) snprintf(sets[nsets++], sizeof sets[0], "%s", buf);
  }
  h->cores = ok ? nsets : -1;
  struct perf_event_attr a;
  memset(&a, 0, sizeof a);
  a.type = PERF_TYPE_HARDWARE;
  a.size = sizeof a;
  a.config = PERF_COUNT_HW_CPU_CYCLES;
  a.disabled = 1;
  a.exclude_kernel = 1;
  a.exclude_hv = 1;
  long fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
  h->pmu = fd >= 0;
  if (fd >= 0) close((int)fd);
  char buf[256];
  read_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", buf, sizeof buf);
  snprintf(h->governor, sizeof h->governor, "%s", buf[0] ? buf : "unavailable (no cpufreq)");
  bracketed("/sys/kernel/mm/transparent_hugepage/enabled", buf, sizeof buf);
  snprintf(h->thp, sizeof h->thp, "%s", buf);
}

static void cpu_facts(cJSON *host) {
  FILE *f = fopen("/proc/cpuinfo", "r");
  char line[512], model[256] = "unknown";
  if (f) {
    while (fgets(line, sizeof line, f)) {
      if (strncmp(line, "model name", 10) == 0 && strcmp(model, "unknown") == 0) {
        char *c = strchr(line, ':');
        if (c) snprintf(model, sizeof model, "%s", c + 2);
        model[strcspn(model, "\n")] = 0;
      }
    }
    fclose(f);
  }
  mmb_host_facts h;
  mmb_env_host_facts(&h);
  cJSON_AddStringToObject(host, "cpu_model", model);
  /* cores: physical cores (CPUs that are not SMT siblings of each other);
   * logical_cpus: online CPUs. -1 where sysfs has no topology. */
  cJSON_AddNumberToObject(host, "cores", h.cores);
  cJSON_AddNumberToObject(host, "threads_per_core", h.threads_per_core);
  cJSON_AddNumberToObject(host, "logical_cpus", h.cpus);
}

cJSON *mmb_env_loadavg(void) {
  double l[3] = {0, 0, 0};
  cJSON *a = cJSON_CreateArray();
  if (getloadavg(l, 3) == 3)
    for (int i = 0; i < 3; i++) cJSON_AddItemToArray(a, cJSON_CreateNumber(l[i]));
  return a;
}

void mmb_env_utc_now(char *buf, size_t len) {
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void git_facts(cJSON *root) {
  cJSON *git = cJSON_AddObjectToObject(root, "git");
  char cmd[1024], line[128] = "";
  snprintf(cmd, sizeof cmd, "git -C '%s' rev-parse HEAD 2>/dev/null", MMB_SOURCE_DIR);
  FILE *p = popen(cmd, "r");
  if (p) {
    if (!fgets(line, sizeof line, p)) line[0] = 0;
    pclose(p);
  }
  line[strcspn(line, "\n")] = 0;
  cJSON_AddStringToObject(git, "commit", line[0] ? line : "unknown");
  int dirty = 0;
  snprintf(cmd, sizeof cmd, "git -C '%s' status --porcelain --untracked-files=no 2>/dev/null",
           MMB_SOURCE_DIR);
  p = popen(cmd, "r");
  if (p) {
    dirty = fgets(line, sizeof line, p) != NULL;
    pclose(p);
  }
  cJSON_AddBoolToObject(git, "dirty", dirty);
}

/* ---------------------------------------------------------------------------
 * Debian packages of the allocators' libraries
 * ------------------------------------------------------------------------- */
/* First line of a command's output into out; 0 when there was one. */
static int command_line(const char *cmd, char *out, size_t len) {
  out[0] = 0;
  FILE *p = popen(cmd, "r");
  if (!p) return -1;
  if (!fgets(out, (int)len, p)) out[0] = 0;
  int st = pclose(p);
  out[strcspn(out, "\n")] = 0;
  return st == 0 && out[0] ? 0 : -1;
}

/* The package dpkg lists for file, into pkg (with its ":arch"). */
static int owner_of(const char *file, char *pkg, size_t len) {
  if (strchr(file, '\'') || strpbrk(file, "*?[")) return -1; /* not a plain path for the shell */
  char cmd[PATH_MAX + 64], line[PATH_MAX + 128];
  snprintf(cmd, sizeof cmd, "dpkg-query -S '%s' 2>/dev/null", file);
  if (command_line(cmd, line, sizeof line) != 0) return -1;
  char *colon = strstr(line, ": "); /* "libtbbmalloc2:amd64: /usr/lib/..." */
  const char *comma = strchr(line, ',');
  if (!colon || (comma && comma < colon)) return -1; /* a path two packages share */
  snprintf(pkg, len, "%.*s", (int)(colon - line), line);
  return 0;
}

int mmb_env_package(const char *path, char *pkg, size_t plen, char *ver, size_t vlen) {
  pkg[0] = ver[0] = 0;
  char file[PATH_MAX], real[PATH_MAX], alt[PATH_MAX], owner[256];
  Dl_info info;
  if (!path || !*path)
    path = dladdr((void *)gnu_get_libc_version, &info) && info.dli_fname ? info.dli_fname : "";
  snprintf(file, sizeof file, "%s", path);
  if (!*file) return -1;
  /* dpkg knows a file by the path its package ships it at: as named, as
   * resolved, and across the merged /usr (/lib/... and /usr/lib/...) */
  const char *tries[3] = {file, realpath(file, real) ? real : file, alt};
  const char *base = tries[1];
  if (strncmp(base, "/usr/", 5) == 0)
    snprintf(alt, sizeof alt, "%s", base + 4);
  else
    snprintf(alt, sizeof alt, "/usr%s", base);
  int found = -1;
  for (int i = 0; i < 3 && found != 0; i++) found = owner_of(tries[i], owner, sizeof owner);
  if (found != 0) return -1;
  char cmd[400];
  snprintf(cmd, sizeof cmd, "dpkg-query -W -f='${Version}' '%s' 2>/dev/null", owner);
  if (command_line(cmd, ver, vlen) != 0) return -1;
  owner[strcspn(owner, ":")] = 0; /* the architecture is the host's */
  snprintf(pkg, plen, "%s", owner);
  return 0;
}

cJSON *mmb_env_capture(void) {
  cJSON *root = cJSON_CreateObject();
  git_facts(root);
  cJSON *build = cJSON_AddObjectToObject(root, "build");
  cJSON_AddStringToObject(build, "version", MMB_VERSION);
  cJSON_AddStringToObject(build, "compiler", MMB_C_COMPILER);
  cJSON_AddStringToObject(build, "flags", MMB_C_FLAGS);
  cJSON_AddStringToObject(build, "type", MMB_BUILD_TYPE);
  cJSON_AddStringToObject(build, "sanitize", MMB_SANITIZE);

  cJSON *host = cJSON_AddObjectToObject(root, "host");
  char buf[256];
  gethostname(buf, sizeof buf);
  buf[sizeof buf - 1] = 0;
  cJSON_AddStringToObject(host, "hostname", buf);
  struct utsname u;
  if (uname(&u) == 0) {
    snprintf(buf, sizeof buf, "%s %s %s", u.sysname, u.release, u.machine);
    cJSON_AddStringToObject(host, "kernel", buf);
  }
  cpu_facts(host);
  mmb_topology topo;
  char why[512];
  if (mmb_topology_read(NULL, NULL, &topo, why, sizeof why) == 0) {
    cJSON_AddItemToObject(host, "topology", mmb_topology_json(&topo));
    mmb_topology_free(&topo);
  } else {
    cJSON *tj = cJSON_AddObjectToObject(host, "topology");
    cJSON_AddStringToObject(tj, "unreadable", why);
  }
  read_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", buf, sizeof buf);
  cJSON_AddStringToObject(host, "governor", buf[0] ? buf : "unavailable (no cpufreq)");
  bracketed("/sys/kernel/mm/transparent_hugepage/enabled", buf, sizeof buf);
  cJSON_AddStringToObject(host, "thp", buf);
  read_line("/proc/sys/kernel/randomize_va_space", buf, sizeof buf);
  cJSON_AddStringToObject(host, "aslr", buf);
  read_line("/proc/sys/kernel/perf_event_paranoid", buf, sizeof buf);
  cJSON_AddStringToObject(host, "perf_event_paranoid", buf);
  cJSON_AddNumberToObject(host, "memory_kb",
                          (double)sysconf(_SC_PHYS_PAGES) * (double)(sysconf(_SC_PAGESIZE) / 1024));
  cJSON_AddItemToObject(host, "loadavg_start", mmb_env_loadavg());
  cJSON_AddStringToObject(root, "glibc", gnu_get_libc_version());
  return root;
}
