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

int mmb_edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 63 || lb > 63) return 99;
  int d[64][64];
  for (size_t i = 0; i <= la; i++) d[i][0] = (int)i;
  for (size_t j = 0; j <= lb; j++) d[0][j] = (int)j;
  for (size_t i = 1; i <= la; i++)
    for (size_t j = 1; j <= lb; j++) {
      int sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
      int del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
      d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
    }
  return d[la][lb];
}

int mmb_split_list(const char *text, char **items, int max) {
  int n = 0, depth = 0;
  const char *start = text;
  for (const char *p = text;; p++) {
    if (*p == '[') depth++;
    if (*p == ']' && depth > 0) depth--;
    if ((*p == ',' && depth == 0) || *p == 0) {
      size_t len = (size_t)(p - start);
      if (len == 0 || n == max) {
        mmb_free_list(items, n);
        return -1;
      }
      items[n] = strndup(start, len);
      n++;
      if (*p == 0) break;
      start = p + 1;
    }
  }
  return n;
}

void mmb_free_list(char **items, int n) {
  for (int i = 0; i < n; i++) free(items[i]);
}

static void allocator_names(char *buf, size_t len) {
  buf[0] = 0;
  for (const mmb_allocator *const *a = mmb_allocators; *a; a++) {
    size_t used = strlen(buf);
    snprintf(buf + used, len - used, "%s%s", a == mmb_allocators ? "" : ", ", (*a)->name);
  }
}

static const mmb_allocator *find_base(const char *name, char *err, size_t errlen) {
  if (strncmp(name, "preload:", 8) == 0) {
    if (!name[8]) {
      snprintf(err, errlen,
               "allocator 'preload:' needs a library path, e.g. preload:/usr/lib/libfoo.so");
      return NULL;
    }
    return mmb_allocator_preload_custom(name + 8);
  }
  const mmb_allocator *a = mmb_allocator_find(name);
  if (a) return a;
  const char *best = NULL;
  int bestd = 99;
  for (const mmb_allocator *const *p = mmb_allocators; *p; p++) {
    int d = mmb_edit_distance(name, (*p)->name);
    if (d < bestd) bestd = d, best = (*p)->name;
  }
  char names[512];
  allocator_names(names, sizeof names);
  if (best && bestd <= 3)
    snprintf(err, errlen,
             "unknown allocator '%s' (did you mean '%s'? valid: %s, preload:/path/lib.so)", name,
             best, names);
  else
    snprintf(err, errlen, "unknown allocator '%s' (valid: %s, preload:/path/lib.so)", name, names);
  return NULL;
}

int mmb_alloc_spec_parse(const char *text, mmb_alloc_spec *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  if (strlen(text) >= sizeof out->text) {
    snprintf(err, errlen, "allocator spec too long (at most %zu characters)", sizeof out->text - 1);
    return -1;
  }
  snprintf(out->text, sizeof out->text, "%s", text);
  char base[512];
  snprintf(base, sizeof base, "%s", text);
  char *br = strchr(base, '[');
  if (br) {
    size_t len = strlen(br);
    if (br[len - 1] != ']') {
      snprintf(err, errlen,
               "allocator '%s': settings must be closed with ']', e.g. glibc[MALLOC_ARENA_MAX=1]",
               text);
      return -1;
    }
    br[len - 1] = 0;
    *br = 0;
    char *save = NULL;
    for (char *kv = strtok_r(br + 1, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
      char *eq = strchr(kv, '=');
      if (!eq || eq == kv) {
        snprintf(err, errlen,
                 "allocator '%s': setting '%s' must be KEY=VALUE (several separated by ';')", text,
                 kv);
        return -1;
      }
      for (char *k = kv; k < eq; k++)
        if (!(*k == '_' || (*k >= 'A' && *k <= 'Z') || (*k >= 'a' && *k <= 'z') ||
              (*k >= '0' && *k <= '9'))) {
          snprintf(err, errlen, "allocator '%s': '%.*s' is not an environment variable name", text,
                   (int)(eq - kv), kv);
          return -1;
        }
      if (out->nsettings == MMB_MAX_SETTINGS) {
        snprintf(err, errlen, "allocator '%s': at most %d settings", text, MMB_MAX_SETTINGS);
        return -1;
      }
      snprintf(out->settings[out->nsettings++], sizeof out->settings[0], "%s", kv);
    }
  }
  char *at = strncmp(base, "preload:", 8) == 0 ? NULL : strchr(base, '@');
  if (at) {
    *at = 0;
    out->base = find_base(at + 1, err, errlen);
    if (!out->base) return -1;
    if (out->base->kind != MMB_KIND_PRELOAD) {
      snprintf(err, errlen,
               "allocator '%s': after '@' comes a malloc to layer over (glibc, jemalloc, mimalloc, "
               "tcmalloc, scudo, tbbmalloc, preload:PATH), not '%s'",
               text, at + 1);
      return -1;
    }
  }
  out->alloc = find_base(base, err, errlen);
  if (out->alloc && out->base && out->alloc->kind == MMB_KIND_PRELOAD) {
    snprintf(err, errlen,
             "allocator '%s': only in-process and managed allocators can be layered with '@'",
             text);
    return -1;
  }
  return out->alloc ? 0 : -1;
}

const mmb_allocator *mmb_allocator_resolve(const char *text, char *err, size_t errlen) {
  mmb_alloc_spec spec;
  if (mmb_alloc_spec_parse(text, &spec, err, errlen) != 0) return NULL;
  return spec.alloc;
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
