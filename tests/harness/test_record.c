/* mmbench tests — the record a child hands its parent (bench/record.c):
 * fields set and replaced, encoded on one line and decoded, failures with
 * their reason. */
#include <string.h>

#include "../check.h"
#include "record.h"

static void test_record(void) {
  mmb_record r, d;
  mmb_record_init(&r, MMB_ST_OK);
  mmb_record_set_u64(&r, "ops", 12345);
  mmb_record_set_f(&r, "ns_per_op", 1.5);
  mmb_record_set(&r, "note", "tab\there");
  mmb_record_set_u64(&r, "ops", 7); /* replaces */
  char line[8192];
  mmb_record_encode(&r, line, sizeof line);
  CHECK(strchr(line, '\n') == NULL);
  CHECK(mmb_record_decode(&d, line) == 0);
  CHECK(d.status == MMB_ST_OK);
  double v;
  CHECK(mmb_record_num(&d, "ops", &v) && v == 7);
  CHECK(mmb_record_num(&d, "ns_per_op", &v) && v == 1.5);
  CHECK(strcmp(mmb_record_get(&d, "note"), "tab here") == 0);
  CHECK(mmb_record_get(&d, "missing") == NULL);
  CHECK(mmb_record_decode(&d, "garbage") != 0);
  mmb_record_fail(&r, MMB_ST_CRASH, "signal %d", 11);
  mmb_record_encode(&r, line, sizeof line);
  CHECK(mmb_record_decode(&d, line) == 0 && d.status == MMB_ST_CRASH &&
        strcmp(d.reason, "signal 11") == 0);
}

int main(void) {
  test_record();
  return mmb_test_exit();
}
