/* mmbench tests — counter options: modes, event names and sets (bad names
 * rejected with a pointer to `mmbench list events`), latency values, the
 * columns each configuration adds, the child argument round trip, the
 * valgrind prefix and the parsing of a callgrind output file; the
 * software events the runner holds for a whole run (none unless hw). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "../check.h"
#include "counters_int.h"
#include "mmb_config.h"

static int has_col(const mmb_counter_opts *o, const char *name) {
  const char *cols[128];
  int n = mmb_counters_columns(o, cols, 128);
  for (int i = 0; i < n; i++)
    if (strcmp(cols[i], name) == 0) return 1;
  return 0;
}

static int ncols(const mmb_counter_opts *o) {
  const char *cols[128];
  return mmb_counters_columns(o, cols, 128);
}

static void test_modes(void) {
  mmb_counter_opts o;
  char err[512];
  CHECK(mmb_counters_parse(&o, NULL, NULL, NULL, err, sizeof err) == 0);
  CHECK(o.mode == MMB_COUNTERS_HW && o.latency_every == 0);
  CHECKF(strcmp(o.events, mmb_counters_set_events("default")) == 0, "events '%s'", o.events);
  CHECK(mmb_counters_parse(&o, "off", "", "0", err, sizeof err) == 0 && o.mode == MMB_COUNTERS_OFF);
  CHECK(ncols(&o) == 0);
  CHECK(mmb_counters_parse(&o, "bogus", "", "", err, sizeof err) == -1);
  CHECKF(strstr(err, "hw, sim or off") != NULL, "err '%s'", err);
  CHECK(mmb_counters_parse(&o, "off", "cycles", "", err, sizeof err) == -1);
  CHECK(mmb_counters_parse(&o, "sim", "", "5", err, sizeof err) == -1); /* latency under valgrind */
  int sim = mmb_counters_parse(&o, "sim", "", "", err, sizeof err);
  CHECK(sim == (MMB_HAVE_VALGRIND ? 0 : -1));
  if (sim == 0) CHECK(mmb_counters_parse(&o, "sim", "cycles", "", err, sizeof err) == -1);
}

static void test_events(void) {
  mmb_counter_opts o;
  char err[512];
  /* an unknown name: one line naming it and how to see valid ones */
  CHECK(mmb_counters_parse(&o, "hw", "cycles,no-such-event-xyz", "", err, sizeof err) == -1);
  CHECKF(strstr(err, "no-such-event-xyz") && strstr(err, "mmbench list events") &&
             !strchr(err, '\n'),
         "err '%s'", err);
  /* a misspelt one: the nearest names */
  CHECK(mmb_counters_parse(&o, "hw", "cylces", "", err, sizeof err) == -1);
  CHECKF(strstr(err, "nearest: cycles") && !strchr(err, '\n'), "err '%s'", err);
  CHECK(mmb_counters_parse(&o, "hw", "softwar", "", err, sizeof err) == -1);
  CHECKF(strstr(err, "nearest: software") != NULL, "err '%s'", err);
  CHECK(mmb_counters_parse(&o, "hw", "cycles;rm -rf", "", err, sizeof err) == -1);
  CHECK(mmb_counters_parse(&o, "hw", "a-very-long-event-name-that-does-not-fit-in-a-column", "",
                           err, sizeof err) == -1);
  /* sets expand, duplicates go, order is kept */
  CHECK(mmb_counters_parse(&o, "hw", "software", "", err, sizeof err) == 0);
  CHECKF(strcmp(o.events, "task-clock,page-faults,context-switches,cpu-migrations") == 0, "'%s'",
         o.events);
  CHECK(mmb_counters_parse(&o, "hw", " task-clock , software,task-clock", "", err, sizeof err) ==
        0);
  CHECKF(strcmp(o.events, "task-clock,page-faults,context-switches,cpu-migrations") == 0, "'%s'",
         o.events);
  CHECK(mmb_counters_parse(&o, "hw", "cycles,instructions,default", "", err, sizeof err) == 0);
  char names[MMB_CNT_MAX][MMB_CNT_NAME];
  CHECK(mmb_cnt_split(o.events, names, MMB_CNT_MAX) == 11);
  /* libpfm4 names are case-insensitive; the column keeps the user's spelling */
  if (MMB_HAVE_PFM) {
    CHECK(mmb_counters_parse(&o, "hw", "PERF_COUNT_HW_CPU_CYCLES,TASK-CLOCK", "", err,
                             sizeof err) == 0);
    CHECK(has_col(&o, "PERF_COUNT_HW_CPU_CYCLES") && has_col(&o, "TASK-CLOCK"));
  }
  /* a libpfm4 modifier with '=' keeps its name; its column turns '=' into '_' */
  if (MMB_HAVE_PFM) {
    CHECK(mmb_counters_parse(&o, "hw", "task-clock:u=1", "", err, sizeof err) == 0);
    CHECK(has_col(&o, "task-clock:u_1") && !has_col(&o, "task-clock:u=1"));
  }
  unsigned fl = 0;
  CHECK(mmb_pe_lookup("task-clock", &fl, err, sizeof err) == 0 && (fl & MMB_PE_SOFTWARE) &&
        (fl & MMB_PE_NONZERO));
  CHECK(mmb_pe_lookup("cycles", &fl, err, sizeof err) == 0 && !(fl & MMB_PE_SOFTWARE) &&
        (fl & MMB_PE_CYCLES));
  CHECK(mmb_pe_lookup("instructions", &fl, err, sizeof err) == 0 && (fl & MMB_PE_INSNS));
  CHECK(mmb_pe_lookup("page-faults", &fl, err, sizeof err) == 0 && !(fl & MMB_PE_NONZERO));
}

static void test_latency(void) {
  mmb_counter_opts o;
  char err[512];
  CHECK(mmb_counters_parse(&o, "off", "", "100", err, sizeof err) == 0 && o.latency_every == 100);
  CHECK(mmb_counters_parse(&o, "off", "", "on", err, sizeof err) == 0 && o.latency_every == 100);
  CHECK(mmb_counters_parse(&o, "off", "", "1", err, sizeof err) == 0 && o.latency_every == 1);
  CHECK(mmb_counters_parse(&o, "off", "", "off", err, sizeof err) == 0 && o.latency_every == 0);
  CHECK(mmb_counters_parse(&o, "off", "", "-3", err, sizeof err) == -1);
  CHECK(mmb_counters_parse(&o, "off", "", "ten", err, sizeof err) == -1);
  CHECK(mmb_counters_parse(&o, "off", "", "5x", err, sizeof err) == -1);
  CHECKF(strstr(err, "--latency") != NULL, "err '%s'", err);
}

static void test_columns(void) {
  mmb_counter_opts o;
  char err[512];
  CHECK(mmb_counters_parse(&o, "hw", "", "", err, sizeof err) == 0);
  CHECK(has_col(&o, "cycles") && has_col(&o, "task-clock") && has_col(&o, "dTLB-load-misses"));
  CHECK(has_col(&o, "cycles_per_op") && has_col(&o, "cache-misses_per_op"));
  CHECK(!has_col(&o, "task-clock_per_op")); /* per op for hardware events only */
  CHECK(has_col(&o, "ipc") && has_col(&o, "counters_running_frac"));
  CHECK(!has_col(&o, "lat_malloc_p50_ns") && !has_col(&o, "sim_Ir"));
  /* the share of the region each hardware event ran, as perf stat's % */
  CHECK(has_col(&o, "cycles_running") && has_col(&o, "branch-misses_running"));
  CHECK(!has_col(&o, "task-clock_running"));
  CHECK(ncols(&o) == 11 + 7 + 7 + 2);
  /* a column list that is too short is filled, not overrun */
  const char *few[3] = {0, 0, 0};
  CHECK(mmb_counters_columns(&o, few, 2) == 2 && few[2] == NULL);

  CHECK(mmb_counters_parse(&o, "hw", "software", "", err, sizeof err) == 0);
  CHECK(!has_col(&o, "ipc") && has_col(&o, "counters_running_frac") && ncols(&o) == 5);

  CHECK(mmb_counters_parse(&o, "off", "", "10", err, sizeof err) == 0);
  const char *lat[] = {"lat_malloc_p50_ns",  "lat_malloc_p90_ns", "lat_malloc_p99_ns",
                       "lat_malloc_p999_ns", "lat_malloc_max_ns", "lat_free_p50_ns",
                       "lat_free_p99_ns",    "lat_free_max_ns",   "lat_samples"};
  for (size_t i = 0; i < sizeof lat / sizeof lat[0]; i++) CHECKF(has_col(&o, lat[i]), "%s", lat[i]);
  CHECK(ncols(&o) == 11);

  if (MMB_HAVE_VALGRIND) {
    CHECK(mmb_counters_parse(&o, "sim", "", "", err, sizeof err) == 0);
    CHECK(has_col(&o, "sim_Ir") && has_col(&o, "sim_D1mr") && has_col(&o, "sim_DLmw") &&
          has_col(&o, "sim_Ir_per_op") && !has_col(&o, "cycles") && ncols(&o) == 8);
  }
}

static void test_arg(void) {
  mmb_counter_opts a, b;
  char err[512], buf[1200];
  const char *cases[][3] = {
      {"hw", "", ""}, {"hw", "software,cycles", "7"}, {"off", "", ""}, {"off", "", "3"}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    CHECK(mmb_counters_parse(&a, cases[i][0], cases[i][1], cases[i][2], err, sizeof err) == 0);
    mmb_counters_to_arg(&a, buf, sizeof buf);
    memset(&b, 0x5a, sizeof b);
    CHECKF(mmb_counters_from_arg(&b, buf) == 0, "arg '%s'", buf);
    CHECKF(a.mode == b.mode && a.latency_every == b.latency_every &&
               strcmp(a.events, b.events) == 0,
           "arg '%s'", buf);
  }
  CHECK(mmb_counters_from_arg(&b, "off") == 0 && b.mode == MMB_COUNTERS_OFF);
  CHECK(mmb_counters_from_arg(&b, "hw") == 0 && b.mode == MMB_COUNTERS_HW && b.events[0]);
  CHECK(mmb_counters_from_arg(&b, "hw;latency=x") == -1);
  CHECK(mmb_counters_from_arg(&b, "hw;what=1") == -1);
  CHECK(mmb_counters_from_arg(&b, "hw;events=nope-nope") == -1);
  CHECK(mmb_counters_from_arg(&b, "turbo") == -1);
}

static void test_sim_files(void) {
  mmb_counter_opts o;
  char err[512];
  const char *argv[32];
  CHECK(mmb_counters_parse(&o, "hw", "", "", err, sizeof err) == 0);
  CHECK(mmb_counters_exec_prefix(&o, "/tmp/x", argv, 32) == 0 && argv[0] == NULL);
  if (!MMB_HAVE_VALGRIND) return;
  CHECK(mmb_counters_parse(&o, "sim", "", "", err, sizeof err) == 0);
  int n = mmb_counters_exec_prefix(&o, "/tmp/some dir/out.cg", argv, 32);
  CHECK(n > 3 && argv[n] == NULL && strcmp(argv[0], MMB_VALGRIND_BIN) == 0);
  int found_out = 0, found_tool = 0;
  for (int i = 0; i < n; i++) {
    found_out |= strcmp(argv[i], "--callgrind-out-file=/tmp/some dir/out.cg") == 0;
    found_tool |= strcmp(argv[i], "--tool=callgrind") == 0;
  }
  CHECK(found_out && found_tool);
  CHECK(mmb_counters_exec_prefix(&o, "/tmp/x", argv, 3) < 0); /* no room: refused */

  /* a callgrind file: totals win over summary; missing columns stay empty */
  char path[] = "/tmp/mmb_cg_XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  FILE *f = fdopen(fd, "w");
  fprintf(f, "# callgrind format\nversion: 1\ncreator: callgrind-3.19.0\npositions: line\n"
             "events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw\nsummary: 0\n\nfl=(1) x.c\nfn=(1) f\n"
             "0 1000 200 100 1 2 3 1 2 3\n\ntotals: 4000 900 500 7 11 13 5 6 8\n");
  fclose(f);
  mmb_record rec;
  mmb_record_init(&rec, MMB_ST_OK);
  mmb_record_set_u64(&rec, "ops", 100);
  CHECK(mmb_counters_after_child(&o, path, &rec) == 0);
  double v;
  CHECK(mmb_record_num(&rec, "sim_Ir", &v) && v == 4000);
  CHECK(mmb_record_num(&rec, "sim_Dr", &v) && v == 900);
  CHECK(mmb_record_num(&rec, "sim_Dw", &v) && v == 500);
  CHECK(mmb_record_num(&rec, "sim_D1mr", &v) && v == 11);
  CHECK(mmb_record_num(&rec, "sim_D1mw", &v) && v == 13);
  CHECK(mmb_record_num(&rec, "sim_DLmr", &v) && v == 6);
  CHECK(mmb_record_num(&rec, "sim_DLmw", &v) && v == 8);
  CHECK(mmb_record_num(&rec, "sim_Ir_per_op", &v) && v == 40);
  CHECK(mmb_record_get(&rec, "sim_I1mr") == NULL);
  unlink(path);
  mmb_record rec2;
  mmb_record_init(&rec2, MMB_ST_OK);
  CHECK(mmb_counters_after_child(&o, "/nonexistent/mmb.cg", &rec2) < 0);
  CHECK(mmb_record_get(&rec2, "sim_Ir") == NULL); /* empty, never 0 */
}

/* The runner's held events: none for off and sim; for hw, where the kernel
 * opens software events at all (it does whenever a task-clock opens), one
 * of each type, every one a perf event descriptor, all closed on release. */
static void test_hold_hooks(void) {
  mmb_counter_opts o;
  char err[512];
  int fds[16];
  CHECK(mmb_counters_parse(&o, "off", NULL, NULL, err, sizeof err) == 0);
  CHECK(mmb_counters_hold_hooks(&o, fds, 16) == 0);
  CHECK(mmb_counters_parse(&o, "sim", NULL, NULL, err, sizeof err) == 0);
  CHECK(mmb_counters_hold_hooks(&o, fds, 16) == 0);
  CHECK(mmb_counters_parse(&o, "hw", NULL, NULL, err, sizeof err) == 0);
  int n = mmb_counters_hold_hooks(&o, fds, 16);
  CHECK(n >= 0 && n <= 16);
  int two[2], m = mmb_counters_hold_hooks(&o, two, 2); /* room respected */
  CHECK(m <= 2);
  mmb_counters_release_hooks(two, m);
  if (n == 0) {
    printf("# no software perf event opens here: nothing held\n");
    return;
  }
  CHECKF(n >= 5, "only %d software event types held", n);
  for (int i = 0; i < n; i++) {
    char path[64], link[128] = "";
    snprintf(path, sizeof path, "/proc/self/fd/%d", fds[i]);
    ssize_t l = readlink(path, link, sizeof link - 1);
    if (l > 0) link[l] = 0;
    CHECKF(strstr(link, "perf_event") != NULL, "fd %d is %s", fds[i], link);
  }
  mmb_counters_release_hooks(fds, n);
  for (int i = 0; i < n; i++) CHECK(fcntl(fds[i], F_GETFD) == -1);
}

int main(void) {
  test_hold_hooks();
  test_modes();
  test_events();
  test_latency();
  test_columns();
  test_arg();
  test_sim_files();
  return mmb_test_exit();
}
