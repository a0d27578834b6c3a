/* mmbench — the environment record: machine, kernel settings, build, git. */
#ifndef MMB_ENV_H
#define MMB_ENV_H

#include <cjson/cJSON.h>

/* This machine's CPU facts, the one definition used by meta.json and the
 * recipes' preconditions. */
typedef struct mmb_host_facts {
  int cpus;             /* online logical CPUs */
  int cores;            /* physical cores: CPUs that are not SMT siblings; -1 unreadable */
  int threads_per_core; /* largest SMT sibling set */
  int pmu;              /* a hardware cycles counter opens here */
  char governor[64];    /* cpufreq governor, or why there is none */
  char thp[32];         /* transparent huge pages: always / madvise / never */
} mmb_host_facts;

/* Fill *h from sysfs and perf_event_open. */
void mmb_env_host_facts(mmb_host_facts *h);

/* A new JSON object with host, build and git facts (see results/README.md). */
cJSON *mmb_env_capture(void);
/* "1.23 0.45 0.10" style load averages into a JSON array. */
cJSON *mmb_env_loadavg(void);
/* The Debian package that holds the library at path ("" = the C library
 * this process runs on) and that package's version, asked of dpkg-query.
 * Returns 0 with pkg ("libtbbmalloc2") and ver set, -1 when dpkg does not
 * know the file or is not there (both then ""). */
int mmb_env_package(const char *path, char *pkg, size_t plen, char *ver, size_t vlen);
/* Current UTC time as ISO-8601 into buf. */
void mmb_env_utc_now(char *buf, size_t len);

#endif
