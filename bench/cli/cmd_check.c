/* mmbench check-allocator — the conformance table of each allocator named,
 * each checked in a child with the allocator injected as in a cell, headed
 * by its version and (preloaded) the Debian package of its library. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_util.h"
#include "status.h"
#include "commands.h"
#include "env.h"
#include "options.h"
#include "runner.h"

static void print_table(const mmb_alloc_spec *spec, const mmb_probe_result *p) {
  char pkg[128] = "", pver[128] = "";
  if (spec->alloc->kind == MMB_KIND_PRELOAD && p->status == MMB_ST_OK)
    mmb_env_package(p->library[0] ? p->library : spec->alloc->library, pkg, sizeof pkg, pver,
                    sizeof pver);
  printf("%s%s%s%s%s%s%s\n", spec->text, p->version[0] ? "  version " : "", p->version,
         pkg[0] ? "  package " : "", pkg, pkg[0] ? " " : "", pver);
  printf("  %-24s %-6s %s\n", "check", "result", "detail");
  char *copy = strdup(p->checks), *save = NULL;
  for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char *name = line, *res = strchr(name, '\t'), *detail = NULL;
    if (!res) continue;
    *res++ = 0;
    detail = strchr(res, '\t');
    if (detail) *detail++ = 0;
    printf("  %-24s %-6s %s\n", name, res, detail ? detail : "");
  }
  free(copy);
  if (p->status == MMB_ST_OK && p->broken_caps)
    printf("  verdict: nonconforming for workloads that need %s%s%s — %s\n\n",
           p->broken_caps & MMB_CAP_ALIGNED ? "aligned allocation " : "",
           p->broken_caps & MMB_CAP_REALLOC ? "realloc " : "",
           p->broken_caps & MMB_CAP_THREADS ? "threads " : "", p->broken_reason);
  else
    printf("  verdict: %s%s%s\n\n", mmb_status_name(p->status), p->reason[0] ? " — " : "",
           p->reason);
}

static const mmb_option rows[] = {{.name = NULL}};
const mmb_optspec mmb_check_options = {
    .command = "check-allocator",
    .usage = "[ALLOCATOR...]",
    .about = "Checks malloc, calloc, realloc, free, aligned_alloc, posix_memalign, memalign and\n"
             "malloc_usable_size against C11/POSIX for each allocator (default: every available\n"
             "one), e.g. mmbench check-allocator preload:/path/libmymalloc.so\n",
    .after = "Exit status: 0 all conform, 1 one does not, 2 bad input.\n",
    .rows = rows,
};

int mmb_cmd_check(int argc, char **argv) {
  int next;
  int rc = mmb_opts_parse(&mmb_check_options, NULL, argc, argv, &next, NULL);
  if (rc >= 0) return rc;
  int n = argc - next;
  mmb_alloc_spec *specs = calloc((size_t)(n ? n : 64), sizeof *specs);
  char err[512];
  if (n == 0) {
    for (const mmb_allocator *const *a = mmb_allocators; *a; a++)
      if (!(*a)->unavailable) mmb_alloc_spec_parse((*a)->name, &specs[n++], err, sizeof err);
  } else {
    for (int i = 0; i < n; i++)
      if (mmb_alloc_spec_parse(argv[next + i], &specs[i], err, sizeof err) != 0) {
        free(specs);
        return mmb_usage_error("check-allocator", err);
      }
  }
  int bad = 0;
  mmb_probe_result *p = malloc(sizeof *p);
  for (int i = 0; i < n; i++) {
    mmb_probe_allocator(&specs[i], p);
    print_table(&specs[i], p);
    bad |= p->status != MMB_ST_OK || p->broken_caps;
  }
  free(p);
  free(specs);
  return bad ? 1 : 0;
}
