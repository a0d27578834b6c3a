/* mmbench — deterministic simulated counts (--counters sim): the child runs
 * under callgrind with instrumentation off at start, so setup runs at
 * near-native speed. Collection is on at start, per thread.
 *   cell open (timing thread, before the workers exist): instrumentation
 *     on, the timing thread's collection off;
 *   thread open (each worker): its collection off;
 *   region start (timing thread, every worker ready): all costs so far
 *     zeroed (the workers' start-up before their switch-off);
 *   around run() (each worker): its collection on, then off;
 *   region stop: instrumentation off (verification runs uninstrumented).
 * A thread started inside the region (larson's rounds) begins with
 * collection on and is counted, as are a collector's helper threads while
 * they work in the region. Callgrind follows thread switches only in
 * instrumented code, which is why every switch happens with it on.
 * Valgrind runs one thread at a time, so multi-threaded cells are
 * serialised. The parent reads the `totals:` line of the output file.
 *
 * Determinism: Ir, Dr and Dw repeat exactly run after run (same binary,
 * same input). Miss counts can differ by a few dozen between runs, because
 * which instrumented barrier code runs before a worker's collection starts
 * (and so the simulated cache's starting state) depends on real scheduling. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counters_int.h"
#include "mmb_config.h"

#if MMB_HAVE_VALGRIND
#include <valgrind/callgrind.h>
#endif

/* valgrind --tool=callgrind with the fixed cache geometry (not the host's,
 * so counts compare across machines), the output option and extra, into
 * prefix (NULL-terminated). Word count, or -ENOSPC. */
static int callgrind_prefix(const char *outopt, const char *const *extra, int nextra,
                            const char **prefix, int max) {
  static const char *const head[] = {MMB_VALGRIND_BIN,  "--tool=callgrind", "--quiet",
                                     "--cache-sim=yes", "--I1=" MMB_SIM_I1, "--D1=" MMB_SIM_D1,
                                     "--LL=" MMB_SIM_LL};
  int nhead = (int)(sizeof head / sizeof head[0]), n = 0;
  if (max < nhead + nextra + 2) return -ENOSPC;
  for (int i = 0; i < nhead; i++) prefix[n++] = head[i];
  for (int i = 0; i < nextra; i++) prefix[n++] = extra[i];
  prefix[n++] = outopt;
  prefix[n] = NULL;
  return n;
}

int mmb_sim_prefix(const char *out_file, const char **prefix, int max) {
  static char outopt[4200];
  static const char *const extra[] = {"--instr-atstart=no", "--collect-atstart=yes"};
  if (!out_file || !*out_file) return -EINVAL;
  snprintf(outopt, sizeof outopt, "--callgrind-out-file=%s", out_file);
  return callgrind_prefix(outopt, extra, 2, prefix, max);
}

void mmb_sim_cell_open(void) {
#if MMB_HAVE_VALGRIND
  CALLGRIND_START_INSTRUMENTATION;
  CALLGRIND_TOGGLE_COLLECT; /* on (from the start) -> off */
#endif
}

void mmb_sim_region_start(void) {
#if MMB_HAVE_VALGRIND
  CALLGRIND_ZERO_STATS;
#endif
}

void mmb_sim_region_stop(void) {
#if MMB_HAVE_VALGRIND
  CALLGRIND_STOP_INSTRUMENTATION;
#endif
}

void mmb_sim_thread_quiet(void) {
#if MMB_HAVE_VALGRIND
  CALLGRIND_TOGGLE_COLLECT; /* on (from the start) -> off */
#endif
}

void mmb_sim_thread_start(void) {
#if MMB_HAVE_VALGRIND
  CALLGRIND_TOGGLE_COLLECT;
#endif
}

void mmb_sim_thread_stop(void) {
#if MMB_HAVE_VALGRIND
  CALLGRIND_TOGGLE_COLLECT;
#endif
}

/* "events: Ir Dr ..." then, after the per-function costs, "totals: N N ..."
 * (older versions write "summary:"). */
int mmb_sim_parse(const char *file, char names[][16], uint64_t *vals, int max) {
  FILE *f = fopen(file, "r");
  if (!f) return -errno;
  char line[4096];
  int nnames = 0, nvals = -1;
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "events:", 7) == 0) {
      nnames = 0;
      for (char *tok = strtok(line + 7, " \t\n"); tok && nnames < max; tok = strtok(NULL, " \t\n"))
        snprintf(names[nnames++], 16, "%s", tok);
    } else if (strncmp(line, "totals:", 7) == 0 ||
               (nvals < 0 && strncmp(line, "summary:", 8) == 0)) {
      char *p = line + (line[0] == 't' ? 7 : 8);
      nvals = 0;
      for (char *tok = strtok(p, " \t\n"); tok && nvals < max; tok = strtok(NULL, " \t\n"))
        vals[nvals++] = strtoull(tok, NULL, 10);
    }
  }
  fclose(f);
  if (nnames == 0 || nvals < 0) return -EBADMSG;
  /* callgrind omits trailing zero columns */
  for (int i = nvals; i < nnames; i++) vals[i] = 0;
  return nnames;
}

const char *mmb_sim_version(void) {
  static char ver[64];
  static int done;
  if (done) return ver;
  done = 1;
#if MMB_HAVE_VALGRIND
  FILE *p = popen(MMB_VALGRIND_BIN " --version 2>/dev/null", "r");
  if (p) {
    if (fgets(ver, sizeof ver, p)) ver[strcspn(ver, "\n")] = 0;
    pclose(p);
  }
#endif
  return ver;
}

/* ---------------------------------------------------------------------------
 * Program cells: the whole program and every child it execs, instrumented
 * from the start, one output file per process (dir/callgrind.out.<pid>)
 * ------------------------------------------------------------------------- */
int mmb_sim_program_prefix(const char *dir, const char **prefix, int max) {
  static char outopt[4200];
  static const char *const extra[] = {"--trace-children=yes"};
  if (!dir || !*dir) return -EINVAL;
  snprintf(outopt, sizeof outopt, "--callgrind-out-file=%s/callgrind.out.%%p", dir);
  return callgrind_prefix(outopt, extra, 1, prefix, max);
}
