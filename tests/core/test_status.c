/* Unit tests of the status table (bench/core/status.c): every status word
 * round-trips, unknown and empty words are refused, the predicates and the
 * cell merge rule (first failure names the cell, skipped wins). */
#include <string.h>

#include "../check.h"
#include "record.h"
#include "status.h"

int main(void) {
  /* every status: its word parses back to it, words are distinct */
  for (int i = 0; i < MMB_ST_COUNT; i++) {
    mmb_status st = MMB_ST_OK;
    const char *name = mmb_status_name((mmb_status)i);
    CHECKF(name && name[0], "status %d has no word", i);
    CHECKF(mmb_status_parse(name, &st) == 0 && st == (mmb_status)i, "%s does not round-trip", name);
    for (int j = 0; j < i; j++) CHECK(strcmp(name, mmb_status_name((mmb_status)j)) != 0);
  }
  /* the runs.csv words are the ones the suite has always written */
  static const char *const words[] = {"ok",      "crash",   "error",   "timeout",
                                      "corrupt", "skipped", "invalid", "nonconforming"};
  for (int i = 0; i < 8; i++) CHECKF(mmb_status_of(words[i]) == (mmb_status)i, "%s", words[i]);

  /* unknown, empty, near and differently-cased words are refused */
  mmb_status st = MMB_ST_CRASH;
  CHECK(mmb_status_parse("OK", &st) == -1 && st == MMB_ST_CRASH);
  CHECK(mmb_status_parse("", &st) == -1 && st == MMB_ST_CRASH);
  CHECK(mmb_status_parse(NULL, &st) == -1);
  CHECK(mmb_status_parse("ok ", &st) == -1);
  CHECK(mmb_status_parse("skip", &st) == -1);
  CHECK(mmb_status_of("") == MMB_ST_INVALID && mmb_status_of("bogus") == MMB_ST_INVALID);

  /* predicates */
  CHECK(mmb_status_is_ok(MMB_ST_OK) && !mmb_status_is_ok(MMB_ST_CORRUPT));
  CHECK(!mmb_status_failed(MMB_ST_OK) && !mmb_status_failed(MMB_ST_SKIPPED));
  for (int i = MMB_ST_CRASH; i < MMB_ST_COUNT; i++)
    if (i != MMB_ST_SKIPPED) CHECKF(mmb_status_failed((mmb_status)i), "%d not failed", i);
  CHECK(mmb_status_measured(MMB_ST_OK) && mmb_status_measured(MMB_ST_CORRUPT));
  CHECK(!mmb_status_measured(MMB_ST_CRASH) && !mmb_status_measured(MMB_ST_SKIPPED));
  CHECK(mmb_status_unrunnable(MMB_ST_SKIPPED) && mmb_status_unrunnable(MMB_ST_INVALID) &&
        mmb_status_unrunnable(MMB_ST_NONCONFORMING));
  CHECK(!mmb_status_unrunnable(MMB_ST_OK) && !mmb_status_unrunnable(MMB_ST_TIMEOUT));
  CHECK(strcmp(mmb_status_css(MMB_ST_OK), "ok") == 0);
  CHECK(strcmp(mmb_status_css(MMB_ST_SKIPPED), "skipped") == 0);
  CHECK(strcmp(mmb_status_css(MMB_ST_TIMEOUT), "bad") == 0);
  CHECK(mmb_status_info_of(MMB_ST_SKIPPED)->exit == MMB_EXIT_NOTRUN);
  CHECK(mmb_status_info_of(MMB_ST_CRASH)->exit == MMB_EXIT_FAILURE);
  CHECK(mmb_status_info_of(MMB_ST_CORRUPT)->wrong && !mmb_status_info_of(MMB_ST_CRASH)->wrong);
  CHECK(mmb_status_word_ok("ok") && !mmb_status_word_ok("unsupported"));

  /* the cell's status from its repetitions */
  CHECK(mmb_status_merge(MMB_ST_OK, MMB_ST_OK) == MMB_ST_OK);
  CHECK(mmb_status_merge(MMB_ST_OK, MMB_ST_CRASH) == MMB_ST_CRASH);
  CHECK(mmb_status_merge(MMB_ST_CRASH, MMB_ST_TIMEOUT) == MMB_ST_CRASH);
  CHECK(mmb_status_merge(MMB_ST_CRASH, MMB_ST_OK) == MMB_ST_CRASH);
  CHECK(mmb_status_merge(MMB_ST_CRASH, MMB_ST_SKIPPED) == MMB_ST_SKIPPED);

  /* records carry the enum on the wire as the word */
  mmb_record r, d;
  char line[4096];
  mmb_record_init(&r, MMB_ST_OK);
  mmb_record_fail(&r, MMB_ST_NONCONFORMING, "fails %s", "alignment");
  mmb_record_encode(&r, line, sizeof line);
  CHECK(strncmp(line, "status=nonconforming\t", 21) == 0);
  CHECK(mmb_record_decode(&d, line) == 0 && d.status == MMB_ST_NONCONFORMING);
  CHECK(mmb_record_decode(&d, "status=bogus\treason=x") == -1);
  return mmb_test_exit();
}
