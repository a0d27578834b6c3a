/* mmbench tests — shard units: K/N parsing, the cost-balanced assignment
 * (every cell once, deterministic, balanced within the largest cell), the
 * cell lookup. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shard.h"

static int fails;
#define CHECK(c)                                                                                   \
  do {                                                                                             \
    if (!(c)) fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #c), fails++;                \
  } while (0)

int main(void) {
  int k, n;
  CHECK(mmb_shard_parse("2/4", &k, &n) == 0 && k == 2 && n == 4);
  CHECK(mmb_shard_parse("1/1", &k, &n) == 0 && k == 1 && n == 1);
  const char *bad[] = {"0/4", "5/4", "x",        "1/0",  "2/4x", "-1/4", "/4",
                       "4/",  "",    "1/100001", " 1/2", "1/+2", NULL};
  for (int i = 0; bad[i]; i++) CHECK(mmb_shard_parse(bad[i], &k, &n) != 0);

  enum { CELLS = 10007, SHARDS = 37 };
  double *cost = malloc(CELLS * sizeof *cost), maxc = 0;
  int *a = malloc(CELLS * sizeof *a), *b = malloc(CELLS * sizeof *b);
  for (int i = 0; i < CELLS; i++) {
    cost[i] = 1 + (i * 7919) % 1000;
    if (cost[i] > maxc) maxc = cost[i];
  }
  CHECK(mmb_shard_assign(cost, CELLS, SHARDS, a) == 0);
  CHECK(mmb_shard_assign(cost, CELLS, SHARDS, b) == 0);
  CHECK(memcmp(a, b, CELLS * sizeof *a) == 0); /* deterministic */
  double load[SHARDS] = {0}, lo = 1e300, hi = 0;
  int count[SHARDS] = {0};
  for (int i = 0; i < CELLS; i++) {
    CHECK(a[i] >= 1 && a[i] <= SHARDS);
    if (a[i] < 1 || a[i] > SHARDS) continue;
    load[a[i] - 1] += cost[i];
    count[a[i] - 1]++;
  }
  for (int s = 0; s < SHARDS; s++) {
    lo = load[s] < lo ? load[s] : lo, hi = load[s] > hi ? load[s] : hi;
    CHECK(count[s] > 0);
  }
  CHECK(hi - lo <= maxc); /* greedy by largest cost: within one cell */
  /* a single very large cell gets a shard of its own */
  cost[5] = 1e9;
  CHECK(mmb_shard_assign(cost, CELLS, SHARDS, a) == 0);
  for (int i = 0; i < CELLS; i++) CHECK(i == 5 || a[i] != a[5]);

  mmb_shard_map m;
  memset(&m, 0, sizeof m);
  char p[32];
  for (int i = 0; i < 1000; i++) {
    snprintf(p, sizeof p, "n=%d", i);
    CHECK(mmb_shard_map_add(&m, "w", p, i % 2 ? "glibc" : "jemalloc", 1 + i % 3, 1) == 0);
  }
  for (int i = 0; i < 1000; i++) {
    snprintf(p, sizeof p, "n=%d", i);
    CHECK(mmb_shard_find(&m, "w", p, i % 2 ? "glibc" : "jemalloc", 1 + i % 3) == i);
    CHECK(mmb_shard_find(&m, "w", p, i % 2 ? "glibc" : "jemalloc", 4) == -1);
  }
  CHECK(mmb_shard_find(&m, "v", "n=1", "glibc", 2) == -1);
  mmb_shard_map_free(&m);
  free(cost), free(a), free(b);
  printf("%s\n", fails ? "FAILED" : "ok");
  return fails != 0;
}
