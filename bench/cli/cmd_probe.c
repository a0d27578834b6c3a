/* mmbench probe (internal) — run in a child with the allocator injected
 * exactly as a cell would be: checks that a preloaded library really
 * provides malloc, and reports the version the library gives itself. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_util.h"
#include "status.h"
#include "commands.h"
#include "conformance.h"
#include "record.h"

/* 1 when paths a and b are the same file. */
static int same_file(const char *a, const char *b) {
  struct stat sa, sb;
  return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static void check_preload(const mmb_allocator *a, mmb_record *rec) {
  if (!a->library || !*a->library) return;
  void *h = dlopen(a->library, RTLD_NOW | RTLD_NOLOAD);
  if (!h) {
    /* not loaded by LD_PRELOAD: find out why with a real dlopen */
    h = dlopen(a->library, RTLD_NOW | RTLD_LOCAL);
    const char *why = h ? "it loads, but LD_PRELOAD did not inject it" : dlerror();
    mmb_record_fail(rec, MMB_ST_INVALID, "%s could not be preloaded: %s", a->library,
                    why ? why : "unknown");
    return;
  }
  dlclose(h);
  Dl_info info;
  void *sym = dlsym(RTLD_DEFAULT, "malloc");
  if (!sym || !dladdr(sym, &info) || !info.dli_fname || !same_file(info.dli_fname, a->library)) {
    mmb_record_fail(rec, MMB_ST_INVALID, "%s does not define malloc (malloc resolves to %s)",
                    a->library, sym && info.dli_fname ? info.dli_fname : "nothing");
    return;
  }
  mmb_record_set(rec, "library", info.dli_fname);
}

static const char *const result_names[] = {"pass", "FAIL", "warn", "n/a"};

/* Conformance: one line per check, then the verdict in rec. */
static void conformance(const mmb_allocator *a, FILE *out, mmb_record *rec) {
  mmb_check checks[MMB_MAX_CHECKS];
  int failed;
  int n = mmb_conformance_run(a, checks, &failed);
  const mmb_check *core = NULL, *cap = NULL;
  unsigned broken = 0;
  for (int i = 0; i < n; i++) {
    fprintf(out, "%s\t%s\t%s\n", checks[i].name, result_names[checks[i].result], checks[i].detail);
    if (checks[i].result != MMB_CHECK_FAIL) continue;
    if (!checks[i].caps && !core) core = &checks[i];
    if (checks[i].caps && !cap) cap = &checks[i];
    broken |= checks[i].caps;
  }
  if (core) {
    mmb_record_fail(rec, MMB_ST_NONCONFORMING, "fails %s: %s (%d of %d checks failed)", core->name,
                    core->detail, failed, n);
  } else if (cap) {
    /* usable, but not for workloads that need the broken capability */
    mmb_record_set_u64(rec, "broken_caps", broken);
    char why[200];
    snprintf(why, sizeof why, "fails %s: %s", cap->name, cap->detail);
    mmb_record_set(rec, "broken_reason", why);
  }
}

int mmb_cmd_probe(int argc, char **argv) {
  int check = argc == 3 && strcmp(argv[1], "--conformance") == 0;
  if ((argc != 2 && !check) || strcmp(argv[1], "--help") == 0) {
    printf("usage: mmbench probe [--conformance] ALLOCATOR\nInternal: checks an allocator in a "
           "child, as the runner injects it.\n");
    return argc == 2 ? 0 : MMB_EXIT_USAGE;
  }
  char err[512];
  mmb_alloc_spec spec;
  if (mmb_alloc_spec_parse(argv[argc - 1], &spec, err, sizeof err) != 0)
    return mmb_usage_error("probe", err);
  const mmb_allocator *a = spec.alloc;
  /* the runner reads descriptor 3; by hand, stdout */
  FILE *out = fcntl(3, F_GETFD) != -1 ? fdopen(3, "w") : stdout;
  if (!out) out = stdout;
  mmb_record rec;
  mmb_record_init(&rec, MMB_ST_OK);
  if (a->unavailable) mmb_record_fail(&rec, MMB_ST_SKIPPED, "%s", a->unavailable);
  if (rec.status == MMB_ST_OK && (spec.base || a->kind == MMB_KIND_PRELOAD))
    check_preload(spec.base ? spec.base : a, &rec);
  if (rec.status == MMB_ST_OK) {
    int rc = a->init ? a->init() : 0;
    if (rc != 0) {
      mmb_record_fail(&rec, MMB_ST_INVALID, "%s failed to initialise (%s)", a->name, strerror(-rc));
    } else {
      if (a->thread_attach) a->thread_attach();
      void *p = a->malloc ? a->malloc(100) : NULL;
      if (a->malloc && !p)
        mmb_record_fail(&rec, MMB_ST_INVALID, "%s: malloc(100) returned NULL", a->name);
      if (p) a->free(p, 100);
      if (check && rec.status == MMB_ST_OK) conformance(a, out, &rec);
      const char *v = a->version ? a->version() : NULL;
      mmb_record_set(&rec, "version", v ? v : "");
      if (a->thread_detach) a->thread_detach();
      if (a->fini) a->fini();
    }
  }
  char line[4096];
  mmb_record_encode(&rec, line, sizeof line);
  fprintf(out, "%s\n", line);
  fflush(out);
  return 0;
}
