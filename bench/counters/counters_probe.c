/* mmbench — what counts here: the once-per-run probe of every selected
 * event (the "counters" object of meta.json, and one terminal note when
 * hardware events are unavailable), and `mmbench list events`. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "counters_int.h"
#include "mmb_config.h"

static void add_latency(cJSON *root, const mmb_counter_opts *o) {
  if (!o->latency_every) return;
  const char *clk;
  double per_ns, over;
  mmb_lat_clock_info(&clk, &per_ns, &over);
  cJSON *l = cJSON_AddObjectToObject(root, "latency");
  cJSON_AddNumberToObject(l, "every", o->latency_every);
  cJSON_AddStringToObject(l, "clock", clk);
  cJSON_AddNumberToObject(l, "ticks_per_ns", per_ns);
  cJSON_AddNumberToObject(l, "timer_overhead_ns", over);
  cJSON_AddStringToObject(
      l, "sampled",
      "every K-th allocating call (malloc, calloc, realloc, aligned_alloc) and every "
      "K-th free of each worker thread, measured region only; the timer's "
      "back-to-back cost is subtracted");
}

static void probe_hw(const mmb_counter_opts *o, cJSON *root, int quiet) {
  char names[MMB_CNT_MAX][MMB_CNT_NAME];
  int n = mmb_cnt_split(o->events, names, MMB_CNT_MAX);
  const char *pmu = mmb_pe_pmu_name();
  if (pmu)
    cJSON_AddStringToObject(root, "pmu", pmu);
  else
    cJSON_AddNullToObject(root, "pmu");
  char pmus[512];
  mmb_pe_pmus(pmus, sizeof pmus);
  cJSON *pl = cJSON_AddArrayToObject(root, "pmus_present");
  for (char *save = NULL, *tok = strtok_r(pmus, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
    cJSON_AddItemToArray(pl, cJSON_CreateString(tok));
  cJSON_AddBoolToObject(root, "hardware_pmu_visible", mmb_pe_hw_visible());
  cJSON_AddNumberToObject(root, "perf_event_paranoid", mmb_pe_paranoid());
  cJSON_AddStringToObject(root, "libpfm4", MMB_HAVE_PFM ? "yes" : "no (builtin generic names)");
  cJSON_AddStringToObject(root, "scope",
                          "per worker thread, enabled around run() only, summed over threads; "
                          "hardware events user level, software events user+kernel where allowed");
  cJSON_AddStringToObject(root, "grouping",
                          "hardware events in groups of 2 in selection order (split when the PMU "
                          "refuses), software events in one group; counts scaled by time "
                          "enabled/running (counters_running_frac)");
  cJSON *ev = cJSON_AddObjectToObject(root, "events");
  int hw_ok = 0, hw_bad = 0, sw_bad = 0;
  char bad_names[400] = "", first_reason[200] = "";
  for (int i = 0; i < n; i++) {
    mmb_pe_status st;
    mmb_pe_probe_event(names[i], &st);
    cJSON *e = cJSON_AddObjectToObject(ev, names[i]);
    cJSON_AddStringToObject(e, "status", st.status);
    cJSON_AddNumberToObject(e, "errno", st.err);
    cJSON_AddStringToObject(e, "reason", st.reason);
    cJSON_AddStringToObject(e, "kind", (st.flags & MMB_PE_SOFTWARE) ? "software" : "hardware");
    if (st.ok) cJSON_AddStringToObject(e, "privilege", st.plm);
    cJSON_AddStringToObject(e, "encoding", st.encoding);
    int hw = !(st.flags & MMB_PE_SOFTWARE);
    if (st.ok) {
      hw_ok += hw;
      continue;
    }
    if (hw)
      hw_bad++;
    else
      sw_bad++;
    size_t u = strlen(bad_names);
    if (u < sizeof bad_names - 64)
      snprintf(bad_names + u, sizeof bad_names - u, "%s%s", u ? ", " : "", names[i]);
    if (!first_reason[0]) snprintf(first_reason, sizeof first_reason, "%s", st.reason);
  }
  cJSON_AddBoolToObject(root, "hardware_opened", hw_ok > 0);
  if ((hw_bad || sw_bad) && !quiet)
    fprintf(stderr,
            "mmbench: note: %d counter event%s cannot be counted here (%s): %s; their columns stay "
            "empty%s; details under \"counters\" in meta.json\n",
            hw_bad + sw_bad, hw_bad + sw_bad > 1 ? "s" : "", bad_names, first_reason,
            hw_bad && !sw_bad ? ", software events are recorded" : "");
}

void mmb_counters_probe(const mmb_counter_opts *o, char *json, size_t len, int quiet) {
  cJSON *root = cJSON_CreateObject();
  const char *mode = o->mode == MMB_COUNTERS_HW    ? "hw"
                     : o->mode == MMB_COUNTERS_SIM ? "sim"
                                                   : "off";
  cJSON_AddStringToObject(root, "mode", mode);
  if (o->mode == MMB_COUNTERS_HW) {
    probe_hw(o, root, quiet);
  } else if (o->mode == MMB_COUNTERS_SIM) {
    cJSON_AddStringToObject(root, "tool", "callgrind --cache-sim=yes");
    cJSON_AddStringToObject(root, "valgrind", MMB_VALGRIND_BIN);
    cJSON_AddStringToObject(root, "valgrind_version", mmb_sim_version());
    cJSON_AddStringToObject(root, "caches",
                            "I1=" MMB_SIM_I1 " D1=" MMB_SIM_D1 " LL=" MMB_SIM_LL
                            " (size,assoc,line; fixed, not the host's)");
    cJSON_AddStringToObject(root, "deterministic",
                            "sim_Ir, sim_Dr, sim_Dw exact run after run; miss counts may vary by a "
                            "few dozen with thread scheduling");
    cJSON_AddBoolToObject(root, "hardware_opened", 0);
    cJSON_AddStringToObject(root, "scope",
                            "instrumentation on between the start and stop barriers, collection "
                            "per worker thread around run(); setup and verification excluded");
    cJSON_AddStringToObject(root, "note",
                            "valgrind runs one thread at a time (threads serialised); D1/LL "
                            "misses are of callgrind's simulated caches, not this CPU's");
    cJSON_AddStringToObject(root, "slowdown",
                            "about 50-150x inside the measured region (malloc-free: 1.2-3.5 us "
                            "per pair instead of 8-25 ns) plus ~0.5 s of valgrind start-up per "
                            "cell; ns_per_op and wall_ns of sim runs are not native timings");
  }
  add_latency(root, o);
  char *text = cJSON_PrintUnformatted(root);
  if (text && strlen(text) < len)
    snprintf(json, len, "%s", text);
  else
    snprintf(json, len, "{\"mode\":\"%s\",\"error\":\"probe text did not fit\"}", mode);
  free(text);
  cJSON_Delete(root);
}

/* ---------------------------------------------------------------------------
 * mmbench list events
 * ------------------------------------------------------------------------- */
static void print_open(const char *name, const char *equiv, const char *desc, void *arg) {
  (void)arg;
  mmb_pe_status st;
  mmb_pe_probe_event(name, &st);
  printf("  %-26s %-38s %s%s\n", name, equiv && *equiv ? equiv : desc,
         st.ok ? "opens" : "no: ", st.ok ? "" : st.reason);
}

static void print_core(const char *name, const char *desc, void *arg) {
  int *count = arg;
  (void)desc;
  printf("%s%s", (*count)++ % 3 ? "  " : "\n  ", name);
}

int mmb_list_events(void) {
  const char *pmu = mmb_pe_pmu_name();
  char pmus[512];
  mmb_pe_pmus(pmus, sizeof pmus);
  printf("libpfm4: %s; PMUs present: %s\n",
         MMB_HAVE_PFM ? "yes" : "no (builtin generic names only)",
         pmus[0]        ? pmus
         : MMB_HAVE_PFM ? "none"
                        : "unknown without libpfm4");
  printf("default (core) PMU: %s\n", pmu ? pmu
                                     : mmb_pe_hw_visible()
                                         ? "none known to libpfm4 (the kernel shows one)"
                                         : "none: no hardware PMU visible (virtual machine?)");
  printf("perf_event_paranoid: %d\n\n", mmb_pe_paranoid());

  printf("event sets (--events SET, or a comma list of names and sets):\n");
  for (int i = 0; mmb_counters_set_name(i); i++)
    printf("  %-9s %s\n", mmb_counters_set_name(i),
           mmb_counters_set_events(mmb_counters_set_name(i)));

  printf("\ngeneric perf events (names are case-insensitive):\n");
  printf("  %-26s %-38s %s\n", "name", MMB_HAVE_PFM ? "libpfm4 encoding" : "meaning", "here");
  mmb_pe_each_generic(print_open, NULL);

  if (pmu) {
    int count = 0;
    printf("\n%s events (use as %s::EVENT[:UMASK]; `showevtinfo` from libpfm4 lists umasks):", pmu,
           pmu);
    mmb_pe_each_core(print_core, &count);
    printf("\n");
  }
  printf("\nAn event that does not open leaves its column empty; the reason is in meta.json.\n");
  return 0;
}
