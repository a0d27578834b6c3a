/* mmbench — `mmbench compare --paired`: build A's and B's allocator specs
 * from the command line, check them before anything runs, and run them
 * interleaved through `mmbench run` (its rounds alternate A and B). */
#include "compare_paired.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_util.h"
#include "commands.h"

/* The loader's tunables (`ld.so --list-tunables`, glibc 2.33 on): 1 when
 * name is one, 0 when not, -1 when the loader gives no list. */
static int glibc_tunable_known(const char *name) {
  static const char *const loaders[] = {"/lib64/ld-linux-x86-64.so.2", "/lib/ld-linux-aarch64.so.1",
                                        "/lib/ld-linux-x86-64.so.2", NULL};
  for (int i = 0; loaders[i]; i++) {
    char cmd[256];
    snprintf(cmd, sizeof cmd, "%s --list-tunables 2>/dev/null", loaders[i]);
    FILE *p = popen(cmd, "r");
    if (!p) continue;
    char line[512];
    int lines = 0, found = 0;
    size_t len = strlen(name);
    while (fgets(line, sizeof line, p)) {
      lines++;
      if (strncmp(line, name, len) == 0 && line[len] == ':') found = 1;
    }
    pclose(p);
    if (lines) return found;
  }
  return -1;
}

/* One KEY=VALUE setting: a variable name, and known glibc tunables. */
static int check_setting(const char *kv, char *err, size_t errlen) {
  const char *eq = strchr(kv, '=');
  if (!eq || eq == kv) {
    snprintf(err, errlen,
             "setting '%s' must be KEY=VALUE, e.g. GLIBC_TUNABLES=glibc.malloc.tcache_count=0", kv);
    return -1;
  }
  if (strncmp(kv, "GLIBC_TUNABLES=", 15) != 0) return 0;
  char list[512];
  snprintf(list, sizeof list, "%s", eq + 1);
  char *save = NULL;
  for (char *t = strtok_r(list, ":", &save); t; t = strtok_r(NULL, ":", &save)) {
    char *teq = strchr(t, '=');
    if (!teq) {
      snprintf(err, errlen,
               "GLIBC_TUNABLES item '%s' must be NAME=VALUE, e.g. glibc.malloc.tcache_count=0", t);
      return -1;
    }
    *teq = 0;
    if (glibc_tunable_known(t) == 0) {
      snprintf(err, errlen,
               "unknown glibc tunable '%s' in %s (see: ld.so --list-tunables, e.g. "
               "glibc.malloc.tcache_count)",
               t, kv);
      return -1;
    }
  }
  return 0;
}

/* item plus settings: NAME[existing;K=V;...]. */
static int with_settings(const char *item, char *const *env, int n, char *out, size_t len,
                         char *err, size_t errlen) {
  char base[1024];
  snprintf(base, sizeof base, "%s", item);
  size_t bl = strlen(base);
  int open = bl && base[bl - 1] == ']' && strchr(base, '[');
  if (open) base[bl - 1] = 0;
  int used = snprintf(out, len, "%s", base);
  for (int i = 0; i < n; i++) {
    if (check_setting(env[i], err, errlen)) return -1;
    used += snprintf(out + used, used < (int)len ? len - (size_t)used : 0, "%s%s",
                     i == 0 && !open ? "[" : ";", env[i]);
  }
  if (open || n) used += snprintf(out + used, used < (int)len ? len - (size_t)used : 0, "]");
  if (used >= (int)len) {
    snprintf(err, errlen, "allocator spec for '%s' is too long", item);
    return -1;
  }
  return 0;
}

int mmb_paired_build(const char *allocs, const char *b_allocs, char *const *a_env, int na,
                     char *const *b_env, int nb, mmb_paired_spec *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  if (!allocs || !*allocs) {
    snprintf(err, errlen,
             "--paired needs the allocators of A with -a, e.g. -a glibc,jemalloc --b-env "
             "GLIBC_TUNABLES=glibc.malloc.tcache_count=0");
    return -1;
  }
  char *items[MMB_PAIRED_MAX], *bitems[MMB_PAIRED_MAX];
  int n = mmb_split_list(allocs, items, MMB_PAIRED_MAX), m = 0;
  if (n < 1) {
    snprintf(err, errlen, "-a: give 1 to %d allocators, comma-separated", MMB_PAIRED_MAX);
    return -1;
  }
  if (b_allocs) {
    m = mmb_split_list(b_allocs, bitems, MMB_PAIRED_MAX);
    if (m != n) {
      if (m > 0) mmb_free_list(bitems, m);
      mmb_free_list(items, n);
      snprintf(err, errlen, "--b-allocators needs as many items as -a (%d), one B per A", n);
      return -1;
    }
  }
  int rc = 0;
  for (int i = 0; i < n && rc == 0; i++) { /* every name first */
    mmb_alloc_spec spec;
    rc = mmb_alloc_spec_parse(items[i], &spec, err, errlen) ||
         (m && mmb_alloc_spec_parse(bitems[i], &spec, err, errlen));
  }
  for (int i = 0; i < n && rc == 0; i++) {
    snprintf(out->name[i], sizeof out->name[i], "%s", items[i]);
    rc = with_settings(items[i], a_env, na, out->a[i], sizeof out->a[i], err, errlen) ||
         with_settings(m ? bitems[i] : items[i], b_env, nb, out->b[i], sizeof out->b[i], err,
                       errlen);
    mmb_alloc_spec spec;
    if (!rc)
      rc = mmb_alloc_spec_parse(out->a[i], &spec, err, errlen) ||
           mmb_alloc_spec_parse(out->b[i], &spec, err, errlen);
    if (!rc && strcmp(out->a[i], out->b[i]) == 0) {
      snprintf(err, errlen,
               "A and B are the same configuration ('%s'): give --a-env, --b-env or "
               "--b-allocators so that they differ",
               out->a[i]);
      rc = -1;
    }
    for (int j = 0; j < i && !rc; j++)
      if (strcmp(out->a[i], out->a[j]) == 0) {
        snprintf(err, errlen, "-a names '%s' twice", items[i]);
        rc = -1;
      }
  }
  out->n = n;
  mmb_free_list(items, n);
  if (m) mmb_free_list(bitems, m);
  return rc ? -1 : 0;
}

int mmb_paired_run(const mmb_paired_spec *s, const char *rundir, int nargs, char *const *args) {
  size_t len = 16;
  for (int i = 0; i < s->n; i++) len += strlen(s->a[i]) + strlen(s->b[i]) + 2;
  char *list = calloc(1, len);
  char **argv = calloc((size_t)nargs + 10, sizeof *argv);
  if (!list || !argv) {
    free(list);
    free(argv);
    return 1;
  }
  for (int i = 0; i < s->n; i++)
    snprintf(list + strlen(list), len - strlen(list), "%s%s,%s", i ? "," : "", s->a[i], s->b[i]);
  int k = 0;
  argv[k++] = "run";
  argv[k++] = "--floor";
  argv[k++] = "off";
  for (int i = 0; i < nargs; i++) argv[k++] = args[i];
  argv[k++] = "-a";
  argv[k++] = list;
  argv[k++] = "--out";
  argv[k++] = (char *)rundir;
  argv[k] = NULL;
  int rc = mmb_cmd_run(k, argv);
  free(list);
  free(argv);
  return rc;
}

void mmb_paired_default_out(char *buf, size_t len) {
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(buf, len, "results/%Y%m%dT%H%M%SZ-paired", &tm);
}

int mmb_paired_partner(const mmb_paired_spec *s, const char *allocator) {
  for (int k = 0; k < s->n; k++)
    if (strcmp(allocator, s->a[k]) == 0) return k;
  return -1;
}

void mmb_paired_captions(const mmb_paired_spec *s, char *ca, char *cb, size_t len) {
  snprintf(ca, len, "%s", s->a[0]);
  snprintf(cb, len, "%s", s->b[0]);
  for (int k = 1; k < s->n; k++) {
    snprintf(ca + strlen(ca), len - strlen(ca), ", %s", s->a[k]);
    snprintf(cb + strlen(cb), len - strlen(cb), ", %s", s->b[k]);
  }
}
