/* Unit tests of the baseline policy and the floor (bench/core/baseline.c)
 * and of exact list handling (bench/core/text.c): glibc, else manual, else
 * the first measured allocator that is not the floor; `rc` stays listed
 * beside `rc+cc`, `glibc` beside `glibc[...]`. */
#include <string.h>

#include "../check.h"
#include "baseline.h"
#include "text.h"

typedef struct cands {
  const char *name[8];
  int usable[8];
} cands;

static const char *name_of(size_t i, void *p) { return ((cands *)p)->name[i]; }
static int usable_of(size_t i, void *p) { return ((cands *)p)->usable[i]; }

int main(void) {
  CHECK(mmb_is_floor("floor") && !mmb_is_floor("floor2") && !mmb_is_floor("glibc"));
  CHECK(!mmb_is_floor(NULL) && mmb_is_floor(mmb_floor_name()));
  CHECK(mmb_baseline_rank("glibc") == 0 && mmb_baseline_rank("manual") == 1);
  CHECK(mmb_baseline_rank("glibc[MALLOC_ARENA_MAX=1]") == -1 && mmb_baseline_rank("rc") == -1);
  CHECK(mmb_is_explicit_graph("manual") && !mmb_is_explicit_graph("rc"));

  cands c = {{"jemalloc", "manual", "glibc", "rc"}, {1, 1, 1, 1}};
  CHECK(mmb_baseline_pick(4, name_of, usable_of, &c, 1) == 2); /* glibc wins wherever it is */
  c.usable[2] = 0;
  CHECK(mmb_baseline_pick(4, name_of, usable_of, &c, 1) == 1); /* glibc unmeasured: manual */
  c.usable[1] = 0;
  CHECK(mmb_baseline_pick(4, name_of, usable_of, &c, 1) == 0);  /* neither: the first */
  CHECK(mmb_baseline_pick(4, name_of, usable_of, &c, 0) == -1); /* no fallback asked */
  cands f = {{"floor", "glibc[MALLOC_ARENA_MAX=1]", "rc"}, {1, 1, 1}};
  CHECK(mmb_baseline_pick(3, name_of, usable_of, &f, 1) == 1); /* never the floor */
  CHECK(mmb_baseline_pick(3, name_of, NULL, &f, 0) == -1);
  cands g = {{"manual", "glibc"}, {1, 1}};
  CHECK(mmb_baseline_pick(2, name_of, NULL, &g, 0) == 1);

  /* lists: whole items only */
  char buf[64] = "";
  CHECK(mmb_list_add(buf, sizeof buf, "rc+cc") == 1);
  CHECK(mmb_list_add(buf, sizeof buf, "rc") == 1); /* a part of rc+cc is not rc */
  CHECK(mmb_list_add(buf, sizeof buf, "rc") == 0);
  CHECK(mmb_list_add(buf, sizeof buf, "glibc[MALLOC_ARENA_MAX=1]") == 1);
  CHECK(mmb_list_add(buf, sizeof buf, "glibc") == 1);
  CHECKF(strcmp(buf, "rc+cc, rc, glibc[MALLOC_ARENA_MAX=1], glibc") == 0, "%s", buf);
  CHECK(mmb_list_has(buf, ",", "glibc") && mmb_list_has(buf, ",", "rc"));
  CHECK(!mmb_list_has(buf, ",", "cc") && !mmb_list_has(buf, ",", "MALLOC_ARENA_MAX=1"));
  char small[8] = "";
  CHECK(mmb_list_add(small, sizeof small, "abc") == 1);
  CHECK(mmb_list_add(small, sizeof small, "defgh") == 0 && strcmp(small, "abc") == 0);
  CHECK(mmb_list_has("cpu io memory\n", " \n", "memory") && !mmb_list_has("cpu io", " \n", "c"));
  return mmb_test_exit();
}
