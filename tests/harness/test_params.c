/* mmbench tests — workload parameters (bench/params.c): integers with size
 * suffixes, parsing k=v lists against a parameter table with its errors,
 * the canonical text, and scaling of work parameters. */
#include <string.h>

#include "../check.h"
#include "params.h"

static const char *const colours[] = {"red", "green", NULL};
static const mmb_param tparams[] = {
    {.name = "size", .def = 64, .min = 1, .max = 1 << 20, .help = "bytes"},
    {.name = "colour", .type = MMB_P_ENUM, .def = 1, .choices = colours, .help = "c"},
    {.name = "file", .type = MMB_P_STR, .def_str = "", .help = "path"},
    {.name = "n", .def = 1000, .min = 1, .max = 1000000, .flags = MMB_PF_WORK, .help = "work"},
    {0},
};
static const mmb_workload tw = {.name = "t", .family = "f", .params = tparams};

static void test_params(void) {
  long long v;
  CHECK(mmb_parse_int("64", &v) == 0 && v == 64);
  CHECK(mmb_parse_int("4K", &v) == 0 && v == 4096);
  CHECK(mmb_parse_int("2MiB", &v) == 0 && v == 2 << 20);
  CHECK(mmb_parse_int("1g", &v) == 0 && v == 1 << 30);
  CHECK(mmb_parse_int("-3", &v) == 0 && v == -3);
  CHECK(mmb_parse_int("abc", &v) != 0);
  CHECK(mmb_parse_int("4Q", &v) != 0);
  CHECK(mmb_parse_int("", &v) != 0);
  CHECK(mmb_parse_int("99999999999999999999", &v) != 0);
  CHECK(mmb_parse_int("9000000000G", &v) != 0); /* overflow */

  mmb_pvals pv;
  char err[256], text[256];
  mmb_pvals_defaults(&tw, &pv);
  mmb_params_format(&tw, &pv, text, sizeof text);
  CHECKF(strcmp(text, "size=64;colour=green;file=;n=1000") == 0, "%s", text);
  CHECK(mmb_params_parse(&tw, "size=4K;colour=red;file=/x.csv", &pv, err, sizeof err) == 0);
  mmb_params_format(&tw, &pv, text, sizeof text);
  CHECKF(strcmp(text, "size=4096;colour=red;file=/x.csv;n=1000") == 0, "%s", text);
  CHECK(mmb_params_parse(&tw, "size=0", &pv, err, sizeof err) != 0 && strstr(err, "1..1048576"));
  CHECK(mmb_params_parse(&tw, "colour=blue", &pv, err, sizeof err) != 0 &&
        strstr(err, "red|green"));
  CHECK(mmb_params_parse(&tw, "shape=round", &pv, err, sizeof err) != 0 &&
        strstr(err, "no parameter 'shape'"));
  CHECK(mmb_params_parse(&tw, "size", &pv, err, sizeof err) != 0);
  mmb_pvals_scale(&tw, &pv, 0.25);
  CHECK(pv.v[3] == 250 && pv.v[0] == 4096); /* only work parameters scale */
  mmb_pvals_scale(&tw, &pv, 1e-9);
  CHECK(pv.v[3] == 1); /* clamped to the minimum */
  mmb_pvals_free(&tw, &pv);
}

int main(void) {
  test_params();
  return mmb_test_exit();
}
