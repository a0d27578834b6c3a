/* mmbench — `mmbench env --counters`: what this machine offers for counting
 * and, where hardware events do not open, the reason and what to change. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "counters_int.h"
#include "text.h"

/* An integer from a /proc file, or -99 when unreadable. */
static int read_int(const char *path) {
  FILE *f = fopen(path, "r");
  int v = -99;
  if (!f) return v;
  if (fscanf(f, "%d", &v) != 1) v = -99;
  fclose(f);
  return v;
}

/* 1 when /proc/cpuinfo lists the hypervisor flag (running in a VM). */
static int in_vm(void) { return mmb_cpuinfo_flag(NULL, "hypervisor"); }

int mmb_cpuinfo_flag(const char *path, const char *flag) {
  FILE *f = fopen(path ? path : "/proc/cpuinfo", "r");
  if (!f) return 0;
  char line[8192];
  int has = 0;
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "flags", 5) != 0) continue;
    const char *colon = strchr(line, ':');
    has = colon && mmb_list_has(colon + 1, " \t\n", flag);
    break;
  }
  fclose(f);
  return has;
}

/* 1 when this process looks containerised (docker, podman, systemd-nspawn). */
static int in_container(void) {
  if (access("/.dockerenv", F_OK) == 0 || access("/run/.containerenv", F_OK) == 0) return 1;
  const char *c = getenv("container");
  return c && *c;
}

/* The advice for a hardware event that did not open. */
static const char *advice(const mmb_pe_status *st, int paranoid, int vm, int container) {
  if (st->err == EACCES || st->err == EPERM) {
    if (container)
      return "the container forbids perf_event_open: run it with --cap-add PERFMON (or "
             "SYS_ADMIN) and a seccomp profile that allows perf_event_open";
    if (paranoid > 2)
      return "lower the restriction: sysctl kernel.perf_event_paranoid=2 (or 1), or run as root";
    return "run as root or grant CAP_PERFMON";
  }
  if (st->err == ENOENT || st->err == EOPNOTSUPP || st->err == ENODEV) {
    if (vm)
      return "this is a virtual machine without a virtual PMU: enable PMU passthrough in the "
             "hypervisor (KVM/QEMU: -cpu host with the vPMU on; cloud: a bare-metal or "
             "PMU-enabled instance type), or run on bare metal";
    return "the kernel has no driver for this CPU's PMU (check dmesg for 'Performance Events')";
  }
  return "see the reason above";
}

int mmb_counters_diagnose(FILE *out) {
  int paranoid = mmb_pe_paranoid(), nmi = read_int("/proc/sys/kernel/nmi_watchdog");
  int vm = in_vm(), container = in_container();
  const char *pmu = mmb_pe_pmu_name();
  char pmus[512];
  mmb_pe_pmus(pmus, sizeof pmus);
  int gp = -1, fixed = -1;
  mmb_pe_pmu_counters(&gp, &fixed);
  fprintf(out, "PMU (libpfm4):          %s%s%s%s\n", pmu ? pmu : "none",
          pmus[0] ? " (present: " : "", pmus, pmus[0] ? ")" : "");
  if (gp >= 0)
    fprintf(out,
            "counters:               %d general-purpose, %d fixed (as libpfm4 knows the CPU)\n", gp,
            fixed);
  else
    fprintf(out, "counters:               unknown (no core PMU known to libpfm4)\n");
  fprintf(out, "perf_event_paranoid:    %d%s\n", paranoid,
          paranoid == -99 ? " (unreadable)"
          : paranoid > 2  ? " (only root may count)"
          : paranoid == 2 ? " (user-level counting of own processes)"
                          : " (kernel-level counting allowed)");
  fprintf(out, "NMI watchdog:           %s\n",
          nmi == 1   ? "on (it holds one hardware counter: sysctl kernel.nmi_watchdog=0 frees it)"
          : nmi == 0 ? "off"
                     : "unknown");
  fprintf(out, "virtual machine:        %s\n", vm ? "yes (hypervisor flag)" : "no");
  fprintf(out, "container:              %s\n", container ? "yes" : "no");
  fprintf(out, "default events:\n");
  char names[MMB_CNT_MAX][MMB_CNT_NAME];
  int n = mmb_cnt_split(mmb_counters_set_events("default"), names, MMB_CNT_MAX);
  int hw_ok = 0, hw_n = 0;
  mmb_pe_status first_bad;
  int have_bad = 0;
  for (int i = 0; i < n; i++) {
    mmb_pe_status st;
    mmb_pe_probe_event(names[i], &st);
    int hw = !(st.flags & MMB_PE_SOFTWARE);
    hw_n += hw;
    hw_ok += hw && st.ok;
    if (hw && !st.ok && !have_bad) first_bad = st, have_bad = 1;
    fprintf(out, "  %-22s %-8s %-11s %s\n", names[i], hw ? "hardware" : "software", st.status,
            st.ok ? st.encoding : st.reason);
  }
  if (hw_ok == hw_n) {
    fprintf(out, "verdict: hardware counters work here (%d of %d events open)\n", hw_ok, hw_n);
    return 0;
  }
  fprintf(out, "verdict: %d of %d hardware events open; first refusal: %s\n", hw_ok, hw_n,
          have_bad ? first_bad.reason : "?");
  if (have_bad) fprintf(out, "to change: %s\n", advice(&first_bad, paranoid, vm, container));
  fprintf(out, "software events and valgrind counts (--counters sim) work without a PMU\n");
  return 1;
}
