/* mmbench tests — helpers shared by the workload family tests: run one cell
 * in this process through mmb_cell_execute and keep what the tests look at
 * (wt_cell), the checks every family test makes of its cells, and the
 * in-test allocators (correct ones at other addresses, broken ones) of
 * wt_allocators.c. */
#ifndef MMB_WORKLOAD_TEST_H
#define MMB_WORKLOAD_TEST_H

#include <stdio.h>
#include <string.h>

#include "../check.h"
#include "cell.h"
#include "params.h"

extern const mmb_allocator mmb_alloc_glibc;
extern const mmb_allocator mmb_alloc_floor;

/* wt_allocators.c: correct, blocks 32 bytes into libc blocks (other
 * addresses and neighbours than glibc's, same results expected) */
extern const mmb_allocator wt_alloc_offset;
/* wt_allocators.c: aligned_alloc returns pointers 8 bytes past the boundary */
extern const mmb_allocator wt_alloc_misaligned;
/* wt_allocators.c: every second request hands the previous block out again */
extern const mmb_allocator wt_alloc_dup;
/* wt_allocators.c: every request returns NULL */
extern const mmb_allocator wt_alloc_null;

typedef struct wt_result {
  char status[16];
  char reason[256];
  char checksum[32];
  double ops, live, wall_ns;
  double remote_free_frac, shared_line; /* workload figures; -1 = not reported */
} wt_result;

#define WT_SEED 0x5eed2024ull

/* The workload seed of the cells wt_cell runs. */
static uint64_t wt_seed = WT_SEED;
/* 1: run cells as the verification repetition (full patterns and checks). */
static int wt_verify;

/* Run workload wname with params (k=v;...) under a with threads threads. */
static inline wt_result wt_cell(const mmb_allocator *a, const char *wname, const char *params,
                                int threads) {
  wt_result r;
  memset(&r, 0, sizeof r);
  const mmb_workload *w = mmb_workload_find(wname);
  CHECKF(w != NULL, "workload %s is not registered", wname);
  if (!w) {
    snprintf(r.status, sizeof r.status, "missing");
    return r;
  }
  mmb_cell_spec spec;
  memset(&spec, 0, sizeof spec);
  spec.workload = w;
  spec.alloc = a;
  spec.threads = threads;
  spec.seed = wt_seed;
  spec.counters.mode = MMB_COUNTERS_OFF;
  spec.notify_fd = -1;
  spec.verify = wt_verify;
  mmb_pvals_defaults(w, &spec.params);
  char err[512];
  if (mmb_params_parse(w, params, &spec.params, err, sizeof err) != 0) {
    CHECKF(0, "%s: bad test parameters '%s': %s", wname, params, err);
    snprintf(r.status, sizeof r.status, "badparams");
  } else {
    mmb_record rec;
    mmb_cell_execute(&spec, &rec);
    snprintf(r.status, sizeof r.status, "%s", mmb_status_name(rec.status));
    snprintf(r.reason, sizeof r.reason, "%s", rec.reason);
    const char *sum = mmb_record_get(&rec, "checksum");
    snprintf(r.checksum, sizeof r.checksum, "%s", sum ? sum : "");
    mmb_record_num(&rec, "ops", &r.ops);
    mmb_record_num(&rec, "live_bytes", &r.live);
    mmb_record_num(&rec, "wall_ns", &r.wall_ns);
    r.remote_free_frac = r.shared_line = -1;
    mmb_record_num(&rec, "remote_free_frac", &r.remote_free_frac);
    mmb_record_num(&rec, "shared_line", &r.shared_line);
  }
  mmb_pvals_free(w, &spec.params);
  return r;
}

/* A group of configurations (NULL-terminated) that must all be ok under
 * glibc and share one checksum, each run with 1 and 2 threads. */
static inline void wt_same_checksum(const char *wname, const char *const *configs) {
  char first[32] = "";
  for (int i = 0; configs[i]; i++) {
    for (int t = 1; t <= 2; t++) {
      wt_result r = wt_cell(&mmb_alloc_glibc, wname, configs[i], t);
      CHECKF(strcmp(r.status, "ok") == 0, "%s [%s] threads=%d: %s %s", wname, configs[i], t,
             r.status, r.reason);
      CHECKF(r.checksum[0] != '\0', "%s [%s]: no checksum", wname, configs[i]);
      if (!first[0]) snprintf(first, sizeof first, "%s", r.checksum);
      CHECKF(strcmp(first, r.checksum) == 0, "%s [%s] threads=%d: checksum %s, expected %s", wname,
             configs[i], t, r.checksum, first);
    }
  }
}

/* One thread of wname [params] under a: the status expected and, unless
 * NULL, a part of the reason. */
static inline void wt_expect_status(const mmb_allocator *a, const char *wname, const char *params,
                                    const char *status, const char *reason_part) {
  wt_result r = wt_cell(a, wname, params, 1);
  CHECKF(strcmp(r.status, status) == 0, "%s [%s] under %s: status %s (%s), expected %s", wname,
         params, a->name, r.status, r.reason, status);
  if (reason_part)
    CHECKF(strstr(r.reason, reason_part) != NULL, "%s [%s] under %s: reason '%s' lacks '%s'", wname,
           params, a->name, r.reason, reason_part);
}

/* ---------------------------------------------------------------------------
 * A family's cases (test_churn.c, test_threads.c, test_basic.c)
 * ------------------------------------------------------------------------- */
typedef struct wt_case {
  const char *w, *params;
  int same_across_threads;       /* the workload promises one checksum for all T */
  long ops_base, ops_per_thread; /* expected ops = base + per_thread * T; base < 0: any */
  int no_live;                   /* the workload allocates nothing: no live bytes to check */
} wt_case;

/* Case c under glibc with every thread count of tlist (0-terminated) the
 * workload accepts: status ok, live bytes, the ops the work split promises,
 * a checksum that is the same when the cell is run again (independent of
 * scheduling), under wt_alloc_offset and, where the workload promises it,
 * for every thread count. Workloads with a touch parameter give it under
 * every touch value and in the verification repetition; those with a floor
 * give it under the `floor` allocator. */
static inline void wt_run_case(const wt_case *c, const int *tlist) {
  const mmb_workload *w = mmb_workload_find(c->w);
  CHECKF(w != NULL, "%s is not registered", c->w);
  if (!w) return;
  char first[32] = "";
  int maxt = 0;
  for (int i = 0; tlist[i]; i++) {
    int t = tlist[i];
    if (t < w->min_threads || (w->max_threads && t > w->max_threads)) continue;
    wt_result r = wt_cell(&mmb_alloc_glibc, c->w, c->params, t);
    CHECKF(strcmp(r.status, "ok") == 0, "%s [%s] t=%d: %s: %s", c->w, c->params, t, r.status,
           r.reason);
    CHECKF(r.checksum[0] != '\0', "%s [%s] t=%d: no checksum", c->w, c->params, t);
    CHECKF(r.live > 0 || c->no_live, "%s [%s] t=%d: live_bytes not set", c->w, c->params, t);
    if (c->ops_base >= 0) {
      double want = (double)c->ops_base + (double)c->ops_per_thread * t;
      CHECKF(r.ops == want, "%s [%s] t=%d: ops %.0f, expected %.0f", c->w, c->params, t, r.ops,
             want);
    } else {
      CHECKF(r.ops > 0, "%s [%s] t=%d: no ops", c->w, c->params, t);
    }
    if (!first[0]) snprintf(first, sizeof first, "%s", r.checksum);
    if (c->same_across_threads)
      CHECKF(strcmp(first, r.checksum) == 0, "%s [%s] t=%d: checksum %s differs from %s", c->w,
             c->params, t, r.checksum, first);

    /* the same cell again: scheduling must not change the checksum */
    wt_result again = wt_cell(&mmb_alloc_glibc, c->w, c->params, t);
    CHECKF(strcmp(again.checksum, r.checksum) == 0, "%s [%s] t=%d: rerun checksum %s != %s", c->w,
           c->params, t, again.checksum, r.checksum);

    /* another correct allocator: same checksum */
    wt_result o = wt_cell(&wt_alloc_offset, c->w, c->params, t);
    CHECKF(strcmp(o.status, "ok") == 0 && strcmp(o.checksum, r.checksum) == 0,
           "%s [%s] t=%d: offset allocator gave %s %s, glibc %s", c->w, c->params, t, o.status,
           o.checksum, r.checksum);
    if (mmb_workload_param_index(w, "touch") >= 0) {
      static const char *const touches[] = {"full", "none"};
      for (int k = 0; k < 2; k++) {
        char p[512];
        snprintf(p, sizeof p, "%s;touch=%s", c->params, touches[k]);
        wt_result x = wt_cell(&mmb_alloc_glibc, c->w, p, t);
        CHECKF(strcmp(x.status, "ok") == 0 && strcmp(x.checksum, r.checksum) == 0,
               "%s [%s] t=%d: touch=%s gave %s %s, word %s", c->w, c->params, t, touches[k],
               x.status, x.checksum, r.checksum);
      }
      wt_verify = 1;
      wt_result v = wt_cell(&mmb_alloc_glibc, c->w, c->params, t);
      wt_verify = 0;
      CHECKF(strcmp(v.status, "ok") == 0 && strcmp(v.checksum, r.checksum) == 0,
             "%s [%s] t=%d: verification repetition gave %s %s, timed %s", c->w, c->params, t,
             v.status, v.checksum, r.checksum);
    }
    if (w->flags & MMB_WF_FLOOR) {
      wt_result f = wt_cell(&mmb_alloc_floor, c->w, c->params, t);
      CHECKF(strcmp(f.status, "ok") == 0 && strcmp(f.checksum, r.checksum) == 0,
             "%s [%s] t=%d: floor allocator gave %s %s, glibc %s", c->w, c->params, t, f.status,
             f.checksum, r.checksum);
      wt_verify = 1;
      f = wt_cell(&mmb_alloc_floor, c->w, c->params, t);
      wt_verify = 0;
      CHECKF(strcmp(f.status, "ok") == 0 && strcmp(f.checksum, r.checksum) == 0,
             "%s [%s] t=%d: floor allocator, verification repetition: %s %s (%s)", c->w, c->params,
             t, f.status, f.checksum, f.reason);
    }
    maxt = t;
  }
  CHECKF(maxt > 0, "%s: no thread count ran", c->w);
}

/* Every workload the registry lists in family has a case in cases
 * (NULL-terminated) and its description and follows set (and its sweep,
 * when need_sweep); the family has nwant workloads. Then every case runs
 * (wt_run_case). */
static inline void wt_run_family(const char *family, const wt_case *cases, const int *tlist,
                                 int nwant, int need_sweep) {
  const mmb_workload *w;
  int n = 0;
  for (int i = 0; (w = mmb_workload_at(i)); i++) {
    if (strcmp(w->family, family) != 0) continue;
    n++;
    int found = 0;
    for (const wt_case *c = cases; c->w; c++) found |= strcmp(c->w, w->name) == 0;
    CHECKF(found, "workload %s of family %s has no test case", w->name, family);
    CHECKF(w->description && *w->description && w->follows && (w->sweep || !need_sweep),
           "%s: description, follows%s must be set", w->name, need_sweep ? " and sweep" : "");
  }
  CHECKF(n == nwant, "family %s has %d workloads, expected %d", family, n, nwant);
  for (const wt_case *c = cases; c->w; c++) wt_run_case(c, tlist);
}

#endif
