/* mmbench tests — the command-line helpers (bench/cli_util.c): list
 * splitting that respects brackets, edit distance for suggestions, and
 * allocator specs (NAME[KEY=VALUE;...], preload:PATH) with their errors. */
#include <string.h>

#include "../check.h"
#include "cli_util.h"

static void test_cli_util(void) {
  char *items[8];
  int n = mmb_split_list("glibc,jemalloc[MALLOC_CONF=narenas:1,tcache:false],x", items, 8);
  CHECK(n == 3);
  if (n == 3) CHECK(strcmp(items[1], "jemalloc[MALLOC_CONF=narenas:1,tcache:false]") == 0);
  mmb_free_list(items, n > 0 ? n : 0);
  CHECK(mmb_split_list("a,,b", items, 8) == -1);
  CHECK(mmb_split_list("a,", items, 8) == -1);
  CHECK(mmb_edit_distance("jemaloc", "jemalloc") == 1);
  mmb_alloc_spec spec;
  char err[512];
  CHECK(mmb_alloc_spec_parse("glibc[MALLOC_ARENA_MAX=1;MALLOC_TOP_PAD_=0]", &spec, err,
                             sizeof err) == 0);
  CHECK(spec.nsettings == 2 && strcmp(spec.settings[0], "MALLOC_ARENA_MAX=1") == 0);
  CHECK(mmb_alloc_spec_parse("jemaloc", &spec, err, sizeof err) != 0 &&
        strstr(err, "did you mean 'jemalloc'"));
  CHECK(mmb_alloc_spec_parse("glibc[X", &spec, err, sizeof err) != 0);
  CHECK(mmb_alloc_spec_parse("glibc[1X=2]", &spec, err, sizeof err) == 0); /* digits are allowed */
  CHECK(mmb_alloc_spec_parse("glibc[A-B=2]", &spec, err, sizeof err) != 0);
  CHECK(mmb_alloc_spec_parse("preload:/x/y.so", &spec, err, sizeof err) == 0 &&
        strcmp(spec.alloc->library, "/x/y.so") == 0);
}

int main(void) {
  test_cli_util();
  return mmb_test_exit();
}
