/* mmbench tests — the churn and threads workload families at tiny scale.
 *
 * usage: test_workloads_ct_run churn|threads
 *
 * Every workload of the family (every case below; the test fails if the
 * registry holds a workload without a case) runs under the glibc adapter
 * with threads 1, 2 (and 4 for the threads family) through mmb_cell_execute:
 * status ok, the operation count the work split promises, a checksum that is
 * the same when the cell is run again (independent of scheduling), the same
 * under a second correct allocator defined here (blocks at other addresses),
 * and the same for every thread count where the workload promises it.
 * Workloads with a touch parameter give that checksum under every touch
 * value and in the verification repetition; those with a floor give it
 * under the `floor` allocator. */
#include <stdlib.h>

#include "ct_util.h"

extern const mmb_allocator mmb_alloc_floor;

/* A correct allocator that places blocks 32 bytes into libc blocks: other
 * addresses and neighbours than glibc's, same results expected. */
#define OFF 32
static void *off_malloc(size_t n) {
  unsigned char *p = malloc(n + OFF);
  return p ? p + OFF : NULL; /* cppcheck-suppress memleak ; freed by off_free */
}
static void off_free(void *p, size_t n) {
  (void)n;
  if (p) free((unsigned char *)p - OFF);
}
static void *off_realloc(void *p, size_t old, size_t n) {
  (void)old;
  unsigned char *q = realloc(p ? (unsigned char *)p - OFF : NULL, n + OFF);
  return q ? q + OFF : NULL; /* cppcheck-suppress memleak ; freed by off_free */
}
static const mmb_allocator off_alloc = {
    .name = "offset",
    .description = "test: libc blocks shifted by 32 bytes",
    .kind = MMB_KIND_INPROC,
    .caps = MMB_CAP_MALLOC,
    .malloc = off_malloc,
    .free = off_free,
    .realloc = off_realloc,
};

typedef struct ct_case {
  const char *w, *params;
  int same_across_threads;       /* the workload promises one checksum for all T */
  long ops_base, ops_per_thread; /* expected ops = base + per_thread * T; base < 0: any */
} ct_case;

static const ct_case churn_cases[] = {
    {"churn-random", "window=64;n=4000", 0, 4000, 64},
    {"churn-random", "dist=invsq;min=8;max=8192;window=64;n=4000", 0, 4000, 64},
    {"churn-random", "dist=pow2;min=16;max=65536;window=32;n=2000", 0, 2000, 32},
    {"churn-lifo", "batch=50;n=3000", 0, 3000, 0},
    {"churn-fifo", "batch=50;n=3000", 0, 3000, 0},
    /* capacity 4, 8, ... 512: 7 reallocs per vector; +4: 74 per vector */
    {"realloc-grow", "variant=double;len=300;k=4;n=12", 0, 12 * 7, 0},
    {"realloc-grow", "variant=add;len=300;k=4;n=12", 0, 12 * 74, 0},
    {"fragmentation", "n=4000;big=512", 0, -1, 0},
    {"large", "min=64K;max=2M;slots=3;n=12", 0, 12, 3},
    {NULL, NULL, 0, 0, 0},
};

static const ct_case threads_cases[] = {
    {"thread-local", "batch=100;n=2000", 1, 2000, 0},
    {"larson", "slots=50;round=300;n=3000", 0, 3000, 0},
    {"producer-consumer", "batch=16;queue=4;n=3000", 1, 3000, 0},
    {"cache-thrash", "reps=50;n=200", 1, 200, 0},
    {"cache-scratch", "reps=50;n=200", 1, 200, 0},
    {"blowup", "n=2000;keep=8", 0, 0, 2000 * 2},
    {NULL, NULL, 0, 0, 0},
};

static void run_case(const ct_case *c, const int *tlist) {
  const mmb_workload *w = mmb_workload_find(c->w);
  CHECKF(w != NULL, "%s is not registered", c->w);
  if (!w) return;
  char first[32] = "";
  int maxt = 0;
  for (int i = 0; tlist[i]; i++) {
    int t = tlist[i];
    if (t < w->min_threads) continue;
    ct_result r = ct_cell(&mmb_alloc_glibc, c->w, c->params, t);
    CHECKF(strcmp(r.status, "ok") == 0, "%s [%s] t=%d: %s: %s", c->w, c->params, t, r.status,
           r.reason);
    CHECKF(r.checksum[0] != '\0', "%s [%s] t=%d: no checksum", c->w, c->params, t);
    CHECKF(r.live > 0, "%s [%s] t=%d: live_bytes not set", c->w, c->params, t);
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
    ct_result again = ct_cell(&mmb_alloc_glibc, c->w, c->params, t);
    CHECKF(strcmp(again.checksum, r.checksum) == 0, "%s [%s] t=%d: rerun checksum %s != %s", c->w,
           c->params, t, again.checksum, r.checksum);

    /* another correct allocator: same checksum */
    ct_result o = ct_cell(&off_alloc, c->w, c->params, t);
    CHECKF(strcmp(o.status, "ok") == 0 && strcmp(o.checksum, r.checksum) == 0,
           "%s [%s] t=%d: offset allocator gave %s %s, glibc %s", c->w, c->params, t, o.status,
           o.checksum, r.checksum);
    if (mmb_workload_param_index(w, "touch") >= 0) {
      static const char *const touches[] = {"full", "none"};
      for (int k = 0; k < 2; k++) {
        char p[512];
        snprintf(p, sizeof p, "%s;touch=%s", c->params, touches[k]);
        ct_result x = ct_cell(&mmb_alloc_glibc, c->w, p, t);
        CHECKF(strcmp(x.status, "ok") == 0 && strcmp(x.checksum, r.checksum) == 0,
               "%s [%s] t=%d: touch=%s gave %s %s, word %s", c->w, c->params, t, touches[k],
               x.status, x.checksum, r.checksum);
      }
      ct_verify = 1;
      ct_result v = ct_cell(&mmb_alloc_glibc, c->w, c->params, t);
      ct_verify = 0;
      CHECKF(strcmp(v.status, "ok") == 0 && strcmp(v.checksum, r.checksum) == 0,
             "%s [%s] t=%d: verification repetition gave %s %s, timed %s", c->w, c->params, t,
             v.status, v.checksum, r.checksum);
    }
    if (w->flags & MMB_WF_FLOOR) {
      ct_result f = ct_cell(&mmb_alloc_floor, c->w, c->params, t);
      CHECKF(strcmp(f.status, "ok") == 0 && strcmp(f.checksum, r.checksum) == 0,
             "%s [%s] t=%d: floor allocator gave %s %s, glibc %s", c->w, c->params, t, f.status,
             f.checksum, r.checksum);
      ct_verify = 1;
      f = ct_cell(&mmb_alloc_floor, c->w, c->params, t);
      ct_verify = 0;
      CHECKF(strcmp(f.status, "ok") == 0 && strcmp(f.checksum, r.checksum) == 0,
             "%s [%s] t=%d: floor allocator, verification repetition: %s %s (%s)", c->w, c->params,
             t, f.status, f.checksum, f.reason);
    }
    maxt = t;
  }
  CHECKF(maxt > 0, "%s: no thread count ran", c->w);
}

/* An allocator that gives every block a cache line of its own: cache-scratch
 * must say that its objects never shared one. */
static void *line_malloc(size_t n) { return aligned_alloc(64, (n + 63) & ~(size_t)63); }
static void line_free(void *p, size_t n) {
  (void)n;
  free(p);
}
static const mmb_allocator line_alloc = {
    .name = "line",
    .description = "test: a cache line per block",
    .kind = MMB_KIND_INPROC,
    .caps = MMB_CAP_MALLOC,
    .malloc = line_malloc,
    .free = line_free,
};

/* The figures larson and cache-scratch report about their own runs. */
static void check_figures(void) {
  /* 10 thread lifetimes of 300 frees over 50 slots: each frees about 50 *
   * (1 - e^-6) blocks an earlier thread (or setup) made: about 1/6 */
  ct_result r = ct_cell(&mmb_alloc_glibc, "larson", "slots=50;round=300;n=3000", 1);
  CHECKF(r.remote_free_frac > 0.14 && r.remote_free_frac < 0.18,
         "larson: remote_free_frac %.3f, expected about 0.166", r.remote_free_frac);
  /* one lifetime: only the blocks setup made are another thread's */
  r = ct_cell(&mmb_alloc_glibc, "larson", "slots=50;round=3000;n=3000", 1);
  CHECKF(r.remote_free_frac > 0.012 && r.remote_free_frac < 0.0167,
         "larson, one lifetime: remote_free_frac %.4f, expected just under 50/3000",
         r.remote_free_frac);
  r = ct_cell(&mmb_alloc_glibc, "cache-scratch", "reps=5;n=20", 2);
  CHECKF(r.shared_line == 1, "cache-scratch under glibc: shared_line %.0f, expected 1",
         r.shared_line);
  r = ct_cell(&line_alloc, "cache-scratch", "reps=5;n=20", 2);
  CHECKF(strcmp(r.status, "ok") == 0 && r.shared_line == 0,
         "cache-scratch, a line per block: %s, shared_line %.0f, expected ok and 0", r.status,
         r.shared_line);
  r = ct_cell(&mmb_alloc_glibc, "thread-local", "batch=100;n=2000", 2);
  CHECKF(r.remote_free_frac < 0 && r.shared_line < 0, "thread-local reports no larson figures");
}

int main(int argc, char **argv) {
  const char *family = argc > 1 ? argv[1] : "churn";
  static const int t_churn[] = {1, 2, 0}, t_threads[] = {1, 2, 4, 0};
  const ct_case *cases = strcmp(family, "threads") == 0 ? threads_cases : churn_cases;
  const int *tlist = strcmp(family, "threads") == 0 ? t_threads : t_churn;

  /* every workload of the family has a case */
  const mmb_workload *w;
  int n = 0;
  for (int i = 0; (w = mmb_workload_at(i)); i++) {
    if (strcmp(w->family, family) != 0) continue;
    n++;
    int found = 0;
    for (const ct_case *c = cases; c->w; c++) found |= strcmp(c->w, w->name) == 0;
    CHECKF(found, "workload %s of family %s has no test case", w->name, family);
    CHECKF(w->description && *w->description && w->follows && w->sweep,
           "%s: description, follows and sweep must be set", w->name);
  }
  CHECKF(n == 6, "family %s has %d workloads, expected 6", family, n);

  for (const ct_case *c = cases; c->w; c++) run_case(c, tlist);
  if (strcmp(family, "threads") == 0) check_figures();
  return mmb_test_exit();
}
