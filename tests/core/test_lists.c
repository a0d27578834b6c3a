/* Unit tests of exact list handling (bench/core/text.c mmb_list_has) where
 * the harness used substring searches: a family name in a -w list
 * (plan.c) and a flag in /proc/cpuinfo (counters: mmb_cpuinfo_flag, the
 * latency counters' invariant TSC, the diagnosis's hypervisor) — a word that is only part of
 * an item is not in the list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../check.h"
#include "counters_int.h"
#include "text.h"

static void test_lists(void) {
  /* -w lists: the programs family, not a workload whose name holds it */
  CHECK(mmb_list_has("larson,programs", ",", "programs"));
  CHECK(!mmb_list_has("my-programs,larson", ",", "programs"));
  CHECK(!mmb_list_has("prog:/bin/programs", ",", "programs"));
  /* space-separated lists */
  CHECK(mmb_list_has("0-1 2-3", " ", "2-3"));
  CHECK(!mmb_list_has("0-1 12-3", " ", "2-3"));
  CHECK(!mmb_list_has("0,2", " ", "0"));
}

static void test_cpuinfo(void) {
  char path[] = "/tmp/mmb-cpuinfo-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  if (fd < 0) return;
  FILE *f = fdopen(fd, "w");
  fputs("processor\t: 0\nmodel name\t: a hypervisor_like CPU\n"
        "flags\t\t: fpu constant_tsc_x rdtscp\tnonstop_tsc hypervisor_y\n"
        "flags\t\t: constant_tsc hypervisor\n",
        f);
  fclose(f);
  CHECK(mmb_cpuinfo_flag(path, "rdtscp"));
  CHECK(mmb_cpuinfo_flag(path, "nonstop_tsc")); /* after a tab */
  CHECK(mmb_cpuinfo_flag(path, "fpu"));
  CHECK(!mmb_cpuinfo_flag(path, "constant_tsc")); /* only constant_tsc_x, first line */
  CHECK(!mmb_cpuinfo_flag(path, "hypervisor"));   /* hypervisor_y; model name not a flag */
  CHECK(!mmb_cpuinfo_flag(path, "tsc"));
  unlink(path);
  CHECK(!mmb_cpuinfo_flag(path, "fpu")); /* unreadable */
}

int main(void) {
  test_lists();
  test_cpuinfo();
  return mmb_test_exit();
}
