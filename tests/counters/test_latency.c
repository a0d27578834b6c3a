/* mmbench tests — latency histograms and the sampling wrapper: bucket
 * boundaries are contiguous and at most 1/16 wide, known inputs give known
 * percentiles, and the wrapper samples exactly every K-th call of an armed
 * worker thread (never setup calls outside the region). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "counters_int.h"

static mmb_lat_hist h, h2;

static void test_buckets(void) {
  uint64_t lo, hi, prev_hi = 0;
  int bad = 0;
  for (int b = 0; b < MMB_LAT_NB; b++) {
    mmb_lat_bucket_range(b, &lo, &hi);
    if (b > 0 && lo != prev_hi + 1) bad++;                         /* contiguous */
    if (mmb_lat_bucket(lo) != b || mmb_lat_bucket(hi) != b) bad++; /* consistent */
    if (lo >= 16 && (double)(hi - lo + 1) / (double)lo > 1.0 / 16 + 1e-12) bad++;
    prev_hi = hi;
  }
  CHECKF(bad == 0, "%d bucket inconsistencies", bad);
  for (uint64_t v = 0; v < 16; v++) CHECK(mmb_lat_bucket(v) == (int)v); /* exact below 16 ns */
  CHECK(mmb_lat_bucket(UINT64_MAX) == MMB_LAT_NB - 1);
  CHECK(mmb_lat_bucket(1ull << 45) == MMB_LAT_NB - 1);
}

static void test_quantiles(void) {
  memset(&h, 0, sizeof h);
  CHECK(mmb_lat_hist_quantile(&h, 0.5) == 0);                 /* empty */
  for (uint64_t v = 1; v <= 10; v++) mmb_lat_hist_add(&h, v); /* exact region */
  CHECK(h.n == 10 && h.max == 10);
  CHECK(mmb_lat_hist_quantile(&h, 0.5) == 5);
  CHECK(mmb_lat_hist_quantile(&h, 0.9) == 9);
  CHECK(mmb_lat_hist_quantile(&h, 0.99) == 10);
  CHECK(mmb_lat_hist_quantile(&h, 0.0) == 1);
  CHECK(mmb_lat_hist_quantile(&h, 1.0) == 10);

  /* 1..1000: nearest rank q*1000, within the bucket's half width */
  memset(&h, 0, sizeof h);
  for (uint64_t v = 1000; v >= 1; v--) mmb_lat_hist_add(&h, v); /* order does not matter */
  const double qs[] = {0.5, 0.9, 0.99, 0.999};
  for (int i = 0; i < 4; i++) {
    uint64_t exact = (uint64_t)(qs[i] * 1000 + 0.5), got = mmb_lat_hist_quantile(&h, qs[i]);
    double rel = (double)(got > exact ? got - exact : exact - got) / (double)exact;
    CHECKF(rel <= 1.0 / 32 + 1e-9, "q%.3f: %llu vs %llu", qs[i], (unsigned long long)got,
           (unsigned long long)exact);
  }
  /* rank 990 holds 990, in the bucket [960, 991]: its midpoint */
  CHECK(mmb_lat_hist_quantile(&h, 0.99) == 975);

  /* a tail: 990 fast calls and 10 slow ones */
  memset(&h, 0, sizeof h);
  for (int i = 0; i < 990; i++) mmb_lat_hist_add(&h, 100);
  for (int i = 0; i < 9; i++) mmb_lat_hist_add(&h, 10000);
  mmb_lat_hist_add(&h, 123456);
  uint64_t lo, hi;
  mmb_lat_bucket_range(mmb_lat_bucket(100), &lo, &hi);
  CHECK(lo <= 100 && 100 <= hi);
  CHECK(mmb_lat_hist_quantile(&h, 0.5) == lo + (hi - lo) / 2);
  CHECK(mmb_lat_hist_quantile(&h, 0.99) == lo + (hi - lo) / 2); /* rank 990 is still fast */
  uint64_t p999 = mmb_lat_hist_quantile(&h, 0.999);             /* rank 999: slow */
  CHECKF(p999 >= 10000 * 15 / 16 && p999 <= 10000 * 17 / 16, "p999 %llu", (unsigned long long)p999);
  CHECK(mmb_lat_hist_quantile(&h, 1.0) == 123456); /* max exact */

  /* merge = adding everything to one histogram */
  memset(&h2, 0, sizeof h2);
  mmb_lat_hist_add(&h2, 1ull << 50); /* beyond the range: last bucket, max exact */
  mmb_lat_hist_merge(&h2, &h);
  CHECK(h2.n == 1001 && h2.max == 1ull << 50);
  CHECK(mmb_lat_hist_quantile(&h2, 0.5) == mmb_lat_hist_quantile(&h, 0.5));
  CHECK(mmb_lat_hist_quantile(&h2, 1.0) == 1ull << 50);
}

/* A fake allocator over libc, counting its calls. */
static int n_malloc, n_free;
static void *f_malloc(size_t s) {
  n_malloc++;
  return malloc(s);
}
static void f_free(void *p, size_t s) {
  (void)s;
  n_free++;
  free(p);
}
static const mmb_allocator fake = {.name = "fake", .malloc = f_malloc, .free = f_free};

static void test_wrapper(void) {
  CHECK(mmb_latency_wrap(&fake, 0) == &fake); /* off: the allocator itself */
  const mmb_allocator *a = mmb_latency_wrap(&fake, 10);
  CHECK(a != &fake && strcmp(a->name, "fake") == 0 && a->calloc == NULL && a->malloc != f_malloc);

  mmb_counter_opts o;
  char err[256];
  CHECK(mmb_counters_parse(&o, "off", "", "10", err, sizeof err) == 0);
  mmb_counters *c = mmb_counters_cell_open(&o);
  CHECK(c != NULL);
  for (int i = 0; i < 50; i++) a->free(a->malloc(32), 32); /* setup: not armed, not sampled */
  mmb_thread_counters *t = mmb_counters_thread_open(c);
  mmb_counters_thread_start(t);
  for (int i = 0; i < 1000; i++) a->free(a->malloc(32), 32);
  mmb_counters_thread_stop(t);
  for (int i = 0; i < 50; i++) a->free(a->malloc(32), 32); /* verify: not sampled */
  mmb_counters_thread_close(c, t);
  CHECK(n_malloc == 1100 && n_free == 1100); /* every call reached the allocator */

  mmb_record rec;
  mmb_record_init(&rec, MMB_ST_OK);
  mmb_counters_cell_report(c, 1000, &rec);
  mmb_latency_report(&rec);
  double v = 0, p50 = 0, p99 = 0, mx = 0;
  CHECKF(mmb_record_num(&rec, "lat_samples", &v) && v == 200, "samples %s",
         mmb_record_get(&rec, "lat_samples"));
  CHECK(mmb_record_num(&rec, "lat_malloc_p50_ns", &p50) &&
        mmb_record_num(&rec, "lat_malloc_p99_ns", &p99) &&
        mmb_record_num(&rec, "lat_malloc_max_ns", &mx));
  CHECK(p50 <= p99 && p99 <= mx && mx < 1e9);
  CHECK(mmb_record_get(&rec, "lat_free_p999_ns") != NULL);
  CHECK(mmb_record_get(&rec, "task-clock") == NULL); /* counters off: no counter columns */
  mmb_counters_cell_close(c);

  /* every = 1, and a thread that never ran in the region: no columns at all */
  a = mmb_latency_wrap(&fake, 1);
  c = mmb_counters_cell_open(&o);
  t = mmb_counters_thread_open(c);
  mmb_counters_thread_close(c, t);
  mmb_record_init(&rec, MMB_ST_OK);
  mmb_latency_report(&rec);
  CHECK(mmb_record_get(&rec, "lat_malloc_p50_ns") == NULL); /* empty, never 0 */
  CHECK(mmb_record_num(&rec, "lat_samples", &v) && v == 0);
  mmb_counters_cell_close(c);

  const char *clk;
  double per_ns, over;
  mmb_lat_clock_info(&clk, &per_ns, &over);
  CHECK((strcmp(clk, "tsc") == 0 || strcmp(clk, "monotonic") == 0) && per_ns > 0 && over >= 0 &&
        over < 10000);
}

int main(void) {
  test_buckets();
  test_quantiles();
  test_wrapper();
  return mmb_test_exit();
}
