/* mmbench — helpers shared by the subcommands. */
#define _GNU_SOURCE
#include "cli_util.h"

#include <sched.h>
#include <unistd.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mmb_usage_error(const char *cmd, const char *msg) {
  if (msg)
    fprintf(stderr, "mmbench %s: %s\n", cmd, msg);
  else
    fprintf(stderr, "mmbench %s: invalid usage (see: mmbench %s --help)\n", cmd, cmd);
  return MMB_EXIT_USAGE;
}

int mmb_cpu_list_check(const char *text, char *err, size_t errlen) {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  int have = sched_getaffinity(0, sizeof allowed, &allowed) == 0;
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  char avail[256] = "";
  int first = -1, n = 0;
  for (int c = 0; c <= CPU_SETSIZE; c++) { /* the CPUs there are, as ranges */
    int in = c < CPU_SETSIZE && (have ? CPU_ISSET(c, &allowed) : c < online);
    if (in && first < 0) first = c;
    if (!in && first >= 0) {
      size_t u = strlen(avail);
      if (c - 1 > first)
        snprintf(avail + u, sizeof avail - u, "%s%d-%d", n ? "," : "", first, c - 1);
      else
        snprintf(avail + u, sizeof avail - u, "%s%d", n ? "," : "", first);
      n++;
      first = -1;
    }
  }
  if (!*text) {
    snprintf(err, errlen, "--pin needs a CPU list such as 0 or 0,1 or 0-1 (CPUs here: %s)", avail);
    return -1;
  }
  const char *p = text;
  while (*p) {
    char *end;
    long a = strtol(p, &end, 10), b = a;
    if (end == p) goto bad;
    if (*end == '-') {
      const char *q = end + 1;
      b = strtol(q, &end, 10);
      if (end == q || b < a) goto bad;
    }
    if (*end && *end != ',') goto bad;
    for (long c = a; c <= b; c++) {
      int in = c >= 0 && c < CPU_SETSIZE && (have ? CPU_ISSET((int)c, &allowed) : c < online);
      if (!in) {
        snprintf(err, errlen, "--pin %s: CPU %ld is not available on this machine (CPUs here: %s)",
                 text, c, avail);
        return -1;
      }
    }
    p = *end ? end + 1 : end;
    if (*end == ',' && !*p) goto bad;
  }
  return 0;
bad:
  snprintf(err, errlen,
           "--pin '%s' is not a CPU list: give numbers and ranges such as 0 or 0,1 "
           "or 0-1 (CPUs here: %s)",
           text, avail);
  return -1;
}
