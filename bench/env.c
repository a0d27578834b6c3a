/* mmbench — environment capture: host, kernel, compiler and library facts (meta.json). */
#define _GNU_SOURCE
#include "env.h"

#include <getopt.h>
#include <gnu/libc-version.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cli_util.h"
#include "commands.h"
#include "mmb_config.h"

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
  if (l && r) snprintf(buf, len, "%.*s", (int)(r - l - 1), l + 1);
  else snprintf(buf, len, "%s", line);
}

static void cpu_facts(cJSON *host) {
  FILE *f = fopen("/proc/cpuinfo", "r");
  char line[512], model[256] = "unknown";
  int logical = 0;
  if (f) {
    while (fgets(line, sizeof line, f)) {
      if (strncmp(line, "model name", 10) == 0 && strcmp(model, "unknown") == 0) {
        char *c = strchr(line, ':');
        if (c) snprintf(model, sizeof model, "%s", c + 2);
        model[strcspn(model, "\n")] = 0;
      }
      if (strncmp(line, "processor", 9) == 0) logical++;
    }
    fclose(f);
  }
  cJSON_AddStringToObject(host, "cpu_model", model);
  cJSON_AddNumberToObject(host, "cores", (double)sysconf(_SC_NPROCESSORS_ONLN));
  char sib[128];
  read_line("/sys/devices/system/cpu/cpu0/topology/thread_siblings_list", sib, sizeof sib);
  int tpc = 1;
  for (char *p = sib; *p; p++) tpc += (*p == ',');
  if (strchr(sib, '-')) {
    int a = 0, b = 0;
    if (sscanf(sib, "%d-%d", &a, &b) == 2) tpc = b - a + 1;
  }
  cJSON_AddNumberToObject(host, "threads_per_core", sib[0] ? tpc : 1);
  cJSON_AddNumberToObject(host, "logical_cpus", logical);
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
  snprintf(cmd, sizeof cmd, "git -C '%s' status --porcelain --untracked-files=no 2>/dev/null", MMB_SOURCE_DIR);
  p = popen(cmd, "r");
  if (p) {
    dirty = fgets(line, sizeof line, p) != NULL;
    pclose(p);
  }
  cJSON_AddBoolToObject(git, "dirty", dirty);
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
  read_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", buf, sizeof buf);
  cJSON_AddStringToObject(host, "governor", buf[0] ? buf : "unavailable (no cpufreq)");
  bracketed("/sys/kernel/mm/transparent_hugepage/enabled", buf, sizeof buf);
  cJSON_AddStringToObject(host, "thp", buf);
  read_line("/proc/sys/kernel/randomize_va_space", buf, sizeof buf);
  cJSON_AddStringToObject(host, "aslr", buf);
  read_line("/proc/sys/kernel/perf_event_paranoid", buf, sizeof buf);
  cJSON_AddStringToObject(host, "perf_event_paranoid", buf);
  cJSON_AddNumberToObject(host, "memory_kb", (double)sysconf(_SC_PHYS_PAGES) * (double)(sysconf(_SC_PAGESIZE) / 1024));
  cJSON_AddItemToObject(host, "loadavg_start", mmb_env_loadavg());
  cJSON_AddStringToObject(root, "glibc", gnu_get_libc_version());
  return root;
}
