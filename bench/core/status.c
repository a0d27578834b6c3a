/* mmbench — the status table (see status.h): one row per status, the only
 * place a status word is spelled or compared. */
#include "status.h"

#include <string.h>

static const mmb_status_info table[MMB_ST_COUNT] = {
    /* name, failed, measured, ran, wrong, css, exit, meaning */
    [MMB_ST_OK] = {"ok", 0, 1, 1, 0, "ok", MMB_EXIT_SUCCESS, "measured and verified"},
    [MMB_ST_CRASH] = {"crash", 1, 0, 1, 0, "bad", MMB_EXIT_FAILURE, "killed by a signal"},
    [MMB_ST_ERROR] = {"error", 1, 0, 1, 0, "bad", MMB_EXIT_FAILURE,
                      "non-zero exit, or the harness could not run it"},
    [MMB_ST_TIMEOUT] = {"timeout", 1, 0, 1, 0, "bad", MMB_EXIT_FAILURE,
                        "no result within the time limit (killed)"},
    [MMB_ST_CORRUPT] = {"corrupt", 1, 1, 1, 1, "bad", MMB_EXIT_FAILURE,
                        "its result failed verification"},
    [MMB_ST_SKIPPED] = {"skipped", 0, 0, 0, 0, "skipped", MMB_EXIT_NOTRUN,
                        "an impossible combination, not run"},
    [MMB_ST_INVALID] = {"invalid", 1, 0, 0, 0, "bad", MMB_EXIT_FAILURE,
                        "the allocator could not be injected, not run"},
    [MMB_ST_NONCONFORMING] = {"nonconforming", 1, 0, 0, 1, "bad", MMB_EXIT_FAILURE,
                              "the allocator failed conformance, not run"},
};

const mmb_status_info *mmb_status_info_of(mmb_status st) {
  return &table[(unsigned)st < MMB_ST_COUNT ? st : MMB_ST_ERROR];
}

const char *mmb_status_name(mmb_status st) { return mmb_status_info_of(st)->name; }

int mmb_status_parse(const char *name, mmb_status *st) {
  for (int i = 0; name && name[0] && i < MMB_ST_COUNT; i++)
    if (strcmp(name, table[i].name) == 0) {
      *st = (mmb_status)i;
      return 0;
    }
  return -1;
}

mmb_status mmb_status_of(const char *name) {
  mmb_status st;
  return mmb_status_parse(name, &st) == 0 ? st : MMB_ST_INVALID;
}

int mmb_status_is_ok(mmb_status st) { return st == MMB_ST_OK; }
int mmb_status_failed(mmb_status st) { return mmb_status_info_of(st)->failed; }
int mmb_status_measured(mmb_status st) { return mmb_status_info_of(st)->measured; }
int mmb_status_unrunnable(mmb_status st) { return !mmb_status_info_of(st)->ran; }
const char *mmb_status_css(mmb_status st) { return mmb_status_info_of(st)->css; }

mmb_status mmb_status_merge(mmb_status cell, mmb_status rep) {
  if (rep == MMB_ST_OK) return cell;
  if (cell == MMB_ST_OK || rep == MMB_ST_SKIPPED) return rep;
  return cell;
}

int mmb_status_word_ok(const char *word) {
  return word && strcmp(word, table[MMB_ST_OK].name) == 0;
}
