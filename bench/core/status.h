/* mmbench — the status of a repetition, a cell or a probe: one enum and one
 * table (status.c) giving each status its runs.csv word, whether it is a
 * failure, whether its row keeps measured values, whether the cell ran at
 * all, its report class and its exit meaning. Every other file asks this
 * table instead of comparing status words.
 *
 * Adding a status: one row in status.c (and its enum value here). */
#ifndef MMB_STATUS_H
#define MMB_STATUS_H

typedef enum mmb_status {
  MMB_ST_OK = 0,        /* measured and verified */
  MMB_ST_CRASH,         /* killed by a signal */
  MMB_ST_ERROR,         /* non-zero exit, or the harness could not run it */
  MMB_ST_TIMEOUT,       /* no result within the time limit (killed) */
  MMB_ST_CORRUPT,       /* ran, but its result failed verification */
  MMB_ST_SKIPPED,       /* an impossible combination: never run */
  MMB_ST_INVALID,       /* the allocator could not be injected: never run */
  MMB_ST_NONCONFORMING, /* the allocator failed conformance: never run */
  MMB_ST_COUNT
} mmb_status;

/* What a status means for the exit status of a command that reports it. */
typedef enum mmb_status_exit {
  MMB_EXIT_SUCCESS, /* a result */
  MMB_EXIT_NOTRUN,  /* not a failure of the allocator or workload: not run by design */
  MMB_EXIT_FAILURE, /* a failure the user must look at */
} mmb_status_exit;

typedef struct mmb_status_info {
  const char *name;     /* the runs.csv / summary.csv / meta.json word */
  int failed;           /* counts as failed (not ok, not skipped) */
  int measured;         /* a runs.csv row keeps its measured values (ok, corrupt) */
  int ran;              /* the cell ran (0: skipped / invalid / nonconforming) */
  int wrong;            /* the allocator gave wrong results or broke its contract */
  const char *css;      /* report class: "ok", "skipped" or "bad" */
  mmb_status_exit exit; /* exit semantics */
  const char *meaning;  /* one line for people */
} mmb_status_info;

/* The table row of st (st out of range: the row of MMB_ST_ERROR). */
const mmb_status_info *mmb_status_info_of(mmb_status st);

/* The word of st ("ok", "crash", ...). */
const char *mmb_status_name(mmb_status st);

/* The status named name (exact word). 0 and *st, or -1 for an unknown or
 * empty name (*st untouched). */
int mmb_status_parse(const char *name, mmb_status *st);

/* The status named name, or MMB_ST_INVALID for an unknown or empty word
 * (a row whose status was lost counts as not valid, never as ok). */
mmb_status mmb_status_of(const char *name);

/* Predicates over the table. */
int mmb_status_is_ok(mmb_status st);       /* MMB_ST_OK */
int mmb_status_failed(mmb_status st);      /* a failure: crash, error, ..., nonconforming */
int mmb_status_measured(mmb_status st);    /* the row keeps measured values */
int mmb_status_unrunnable(mmb_status st);  /* the cell was never run */
const char *mmb_status_css(mmb_status st); /* "ok", "skipped" or "bad" */

/* The status of a cell from the statuses of its repetitions, fed one at a
 * time starting from MMB_ST_OK: the first failure names the cell, and a
 * repetition that was skipped wins over everything. */
mmb_status mmb_status_merge(mmb_status cell, mmb_status rep);

/* 1 when a status word read from meta.json (an allocator probe's or a
 * counter event's, whose other words are their own) is the ok word. */
int mmb_status_word_ok(const char *word);

#endif
