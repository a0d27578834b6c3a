/* mmbench tests — `mmbench trace record|info` end to end, and the replay of
 * a recorded program under every allocator.
 *
 * usage: test_trace_cli MMBENCH TPROG WORKDIR
 *
 * TPROG (tests/traces/tprog.c) makes a known number of calls per function
 * on 4 threads, with frees by another thread and a fork. Recorded, `trace
 * info --json` must report exactly those calls over what the C library
 * adds (TPROG baseline: the same threads and fork, no calls of its own);
 * the fork child's trace holds its 5 + 5 calls; --children none writes no
 * child trace; a program that execs keeps both images; a killed program's
 * trace is still read. The trace replays under every malloc-level allocator
 * on 1 and 4 workers with one checksum. Bad input to the trace commands and
 * to run: exit 2, a one-line message naming what is wrong, nothing written. */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../check.h"
#include "files.h"
#include "table.h"

static const char *mmbench, *tprog, *work;

/* Run a shell command line; its exit status (-1 if it did not exit). The
 * stderr of the command goes to WORK/stderr.txt. */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...) {
  char cmd[8192], line[8400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof cmd, fmt, ap);
  va_end(ap);
  snprintf(line, sizeof line, "%s 2>%s/stderr.txt", cmd, work);
  int st = system(line);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *last_stderr(void) {
  char path[4096];
  size_t len;
  snprintf(path, sizeof path, "%s/stderr.txt", work);
  char *t = mmb_read_file(path, &len);
  return t ? t : strdup("");
}

static int exists(const char *path) { return access(path, F_OK) == 0; }

/* `mmbench trace info --json FILE`, parsed (NULL on failure). */
static cJSON *info(const char *file) {
  char out[4096];
  snprintf(out, sizeof out, "%s/info.json", work);
  if (sh("%s trace info --json %s >%s", mmbench, file, out) != 0) return NULL;
  size_t len;
  char *text = mmb_read_file(out, &len);
  cJSON *j = text ? cJSON_Parse(text) : NULL;
  free(text);
  return j;
}

static double num(const cJSON *j, const char *a, const char *b) {
  const cJSON *x = cJSON_GetObjectItemCaseSensitive(j, a);
  if (b) x = cJSON_GetObjectItemCaseSensitive(x, b);
  return cJSON_IsNumber(x) ? x->valuedouble : -1;
}

/* The one file named PREFIX.<digits> in dir (into out): 1 if exactly one. */
static int child_trace(const char *dir, const char *prefix, char *out, size_t len) {
  DIR *d = opendir(dir);
  struct dirent *e;
  int n = 0;
  size_t pl = strlen(prefix);
  while (d && (e = readdir(d))) {
    if (strncmp(e->d_name, prefix, pl) == 0 && e->d_name[pl] == '.' && e->d_name[pl + 1] >= '0' &&
        e->d_name[pl + 1] <= '9') {
      snprintf(out, len, "%s/%s", dir, e->d_name);
      n++;
    }
  }
  if (d) closedir(d);
  return n == 1;
}

static const struct {
  const char *fn;
  int calls;
} own[] = {
    {"malloc", 100 + 3 * 200},
    {"calloc", 50},
    {"realloc", 20 + 3 * 10},
    {"free", 300 + 3 + 300 + 100 + 50 + 1 + 15},
    {"posix_memalign", 5},
    {"aligned_alloc", 4},
    {"memalign", 3},
    {"valloc", 2},
    {"pvalloc", 1},
    {"malloc_usable_size", 7},
};

static void test_counts(void) {
  char full[4096], base[4096], dir[4096], child[4096];
  snprintf(dir, sizeof dir, "%s/own", work);
  mkdir(dir, 0755);
  snprintf(full, sizeof full, "%s/t1.mmbt", dir);
  snprintf(base, sizeof base, "%s/t0.mmbt", work);
  CHECK(sh("%s trace record -o %s -- %s", mmbench, full, tprog) == 0);
  CHECK(sh("%s trace record --children none -o %s -- %s baseline", mmbench, base, tprog) == 0);
  cJSON *j1 = info(full), *j0 = info(base);
  CHECK(j1 && j0);
  if (!j1 || !j0) return;
  for (size_t i = 0; i < sizeof own / sizeof *own; i++) {
    double got = num(j1, "calls_by_function", own[i].fn) - num(j0, "calls_by_function", own[i].fn);
    CHECKF(got == own[i].calls, "%s: %.0f calls over the baseline, want %d", own[i].fn, got,
           own[i].calls);
  }
  CHECKF(num(j1, "threads", "with_calls") == 4, "threads with calls %.0f",
         num(j1, "threads", "with_calls"));
  CHECK(num(j1, "threads", "created") == 3 && num(j1, "forks", NULL) == 1);
  double remote1 = num(j1, "remote_free_share", NULL) * num(j1, "lifetimes", "released");
  double remote0 = num(j0, "remote_free_share", NULL) * num(j0, "lifetimes", "released");
  CHECKF(remote1 - remote0 > 299.5 && remote1 - remote0 < 300.5,
         "frees by another thread: %.1f over the baseline", remote1 - remote0);
  CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j1, "replayable")));
  CHECKF(num(j1, "bytes_per_call", NULL) <= 16, "%.1f bytes per call",
         num(j1, "bytes_per_call", NULL));
  /* the fork child: its own file with its 5 + 5 calls; none with --children none */
  CHECK(child_trace(dir, "t1.mmbt", child, sizeof child));
  cJSON *jc = info(child);
  CHECKF(jc && num(jc, "calls_by_function", "malloc") == 5 &&
             num(jc, "calls_by_function", "free") == 5,
         "child trace %s", child);
  cJSON_Delete(jc);
  CHECK(!child_trace(work, "t0.mmbt", child, sizeof child));

  /* the recorded trace under every malloc-level allocator */
  double calls =
      num(j1, "calls", NULL) - num(j1, "free_null", NULL) - num(j1, "failed_allocations", NULL);
  char out[4096], runs[4200], err[300];
  snprintf(out, sizeof out, "%s/replay", work);
  CHECK(sh("%s run -w trace-replay -p file=%s -a "
           "glibc,jemalloc,mimalloc,tcmalloc,arena-pool,rc,rc+cc,boehm "
           "-t 1,4 -r 1 --counters off -q -o %s",
           mmbench, full, out) == 0);
  snprintf(runs, sizeof runs, "%s/runs.csv", out);
  mmb_table *t = NULL;
  CHECKF(mmb_table_read(runs, &t, err, sizeof err) == 0, "%s", err);
  int cs = mmb_table_col(t, "status"), cr = mmb_table_col(t, "reason"),
      cc = mmb_table_col(t, "checksum");
  int ca = mmb_table_col(t, "allocator"), co = mmb_table_col(t, "ops");
  const char *sum = NULL;
  int ok = 0;
  for (size_t r = 0; t && r < mmb_table_rows(t); r++) {
    const char *status = mmb_table_get(t, r, cs), *a = mmb_table_get(t, r, ca);
    if (strcmp(status, "skipped") == 0 && strstr(mmb_table_get(t, r, cr), "unavailable")) continue;
    CHECKF(strcmp(status, "ok") == 0, "%s: %s %s", a, status, mmb_table_get(t, r, cr));
    CHECKF(mmb_table_numv(t, r, co) == calls, "%s: ops %s, want %.0f", a, mmb_table_get(t, r, co),
           calls);
    if (!sum) sum = mmb_table_get(t, r, cc);
    CHECKF(strcmp(sum, mmb_table_get(t, r, cc)) == 0, "%s: checksum %s, first %s", a,
           mmb_table_get(t, r, cc), sum);
    ok++;
  }
  CHECKF(ok >= 12, "%d replays ran", ok);
  mmb_table_free(t);
  cJSON_Delete(j1);
  cJSON_Delete(j0);
}

static void test_exec_and_kill(void) {
  char file[4096];
  snprintf(file, sizeof file, "%s/exec.mmbt", work);
  CHECK(sh("%s trace record -o %s -- sh -c 'exec %s'", mmbench, file, tprog) == 0);
  cJSON *j = info(file);
  CHECKF(j && num(j, "images", NULL) >= 2 && num(j, "calls_by_function", "posix_memalign") == 5,
         "exec: images %.0f", j ? num(j, "images", NULL) : -1);
  cJSON_Delete(j);
  snprintf(file, sizeof file, "%s/killed.mmbt", work);
  CHECK(sh("%s trace record -o %s -- sh -c 'x=$(echo a b c); kill -KILL $$'", mmbench, file) ==
        128 + 9);
  j = info(file);
  CHECKF(j && num(j, "calls", NULL) > 0, "killed program: trace unreadable");
  cJSON_Delete(j);
}

static void expect_bad(const char *what, int rc, const char *want, const char *not_written) {
  char *err = last_stderr();
  size_t lines = 0;
  for (char *p = err; *p; p++) lines += *p == '\n';
  CHECKF(rc == 2 && lines == 1 && strstr(err, want),
         "%s: exit %d, stderr '%s' (want one line with '%s')", what, rc, err, want);
  if (not_written) CHECKF(!exists(not_written), "%s: %s was written", what, not_written);
  free(err);
}

static void test_bad_input(void) {
  char f[4096], g[4096];
  snprintf(f, sizeof f, "%s/bad.mmbt", work);
  unlink(f);
  expect_bad("info of a missing file", sh("%s trace info %s", mmbench, f), "bad.mmbt", NULL);
  CHECK(sh("printf 'hello world, not a trace at all..............................................' "
           ">%s",
           f) == 0);
  expect_bad("info of a wrong magic", sh("%s trace info %s", mmbench, f), "wrong magic", NULL);
  CHECK(
      sh("printf 'MMBTRACE\\011\\000\\000\\000\\100\\000\\000\\000' >%s; head -c 52 /dev/zero >>%s",
         f, f) == 0);
  expect_bad("info of a newer version", sh("%s trace info %s", mmbench, f), "newer", NULL);
  expect_bad("run of a newer version",
             sh("%s run -w trace-replay -p file=%s -o %s/run-bad", mmbench, f, work), "newer",
             NULL);
  snprintf(g, sizeof g, "%s/run-bad", work);
  CHECK(!exists(g));
  CHECK(sh(": >%s", f) == 0);
  expect_bad("info of an empty file", sh("%s trace info %s", mmbench, f), "empty", NULL);
  snprintf(g, sizeof g, "%s/never.mmbt", work);
  unlink(g);
  expect_bad("record of a missing command",
             sh("%s trace record -o %s -- /no/such/program", mmbench, g), "/no/such/program", g);
  expect_bad("record of a name not on PATH",
             sh("%s trace record -o %s -- no-such-program-x", mmbench, g), "no-such-program-x", g);
  expect_bad("record into an unwritable place",
             sh("%s trace record -o /no/such/dir/t.mmbt -- true", mmbench), "/no/such/dir/t.mmbt",
             NULL);
  expect_bad("record without -o", sh("%s trace record -- true", mmbench), "-o", NULL);
  expect_bad("record without a command", sh("%s trace record -o %s", mmbench, g), "command", g);
  expect_bad("record with a bad --children",
             sh("%s trace record --children maybe -o %s -- true", mmbench, g), "own or none", g);
  expect_bad("record under a non-malloc",
             sh("%s trace record --under rc -o %s -- true", mmbench, g), "preloaded", g);
  expect_bad("an unknown subcommand", sh("%s trace frobnicate", mmbench), "record, info", NULL);
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s MMBENCH TPROG WORKDIR\n", argv[0]);
    return 2;
  }
  mmbench = argv[1];
  tprog = argv[2];
  work = argv[3];
  char prep[8400];
  snprintf(prep, sizeof prep, "rm -rf '%s' && mkdir -p '%s'", work, work);
  if (system(prep) != 0) return 1;
  test_counts();
  test_exec_and_kill();
  test_bad_input();
  return mmb_test_exit();
}
