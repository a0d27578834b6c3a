/* mmbench — the folder of traces and models (see recorded_path.h). */
#include "recorded_path.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mmb_config.h"

int mmb_recorded_path(const char *name, const char *ext, char *out, size_t len) {
  if (strchr(name, '/') || strstr(name, ext)) {
    snprintf(out, len, "%s", name);
    return 0;
  }
  const char *dir = getenv("MMB_TRACE_DIR"), *xdg = getenv("XDG_CACHE_HOME"),
             *home = getenv("HOME");
  if (dir && *dir)
    snprintf(out, len, "%s/%s%s", dir, name, ext);
  else if (xdg && *xdg)
    snprintf(out, len, "%s/mmbench/traces/%s%s", xdg, name, ext);
  else
    snprintf(out, len, "%s/.cache/mmbench/traces/%s%s", home ? home : ".", name, ext);
  char shipped[4096];
  snprintf(shipped, sizeof shipped, "%s/workloads/data/%s%s", MMB_SOURCE_DIR, name, ext);
  if (access(out, F_OK) != 0 && access(shipped, R_OK) == 0) snprintf(out, len, "%s", shipped);
  return 1;
}
