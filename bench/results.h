/* mmbench — writing a results folder: runs.csv rows appended and flushed
 * one at a time, files replaced atomically, summary.csv from runs.csv. */
#ifndef MMB_RESULTS_H
#define MMB_RESULTS_H

#include <stddef.h>

#include "record.h"

/* The fixed leading columns of runs.csv, in order (NULL-terminated). */
extern const char *const mmb_run_columns[];

/* Append one CSV field (quoted when needed) to buf at *used. */
void mmb_csv_field(char *buf, size_t len, size_t *used, const char *field, int first);

/* Write text to dir/name through a temporary file and rename. 0 or -errno. */
int mmb_write_atomic(const char *dir, const char *name, const char *text);

/* Append a whole line (with its newline) to path in one write and flush it
 * to the disk. 0 or -errno. */
int mmb_append_line(const char *path, const char *line);

/* "results/<prefix><UTC stamp>-<host>" into buf: a new results folder name. */
void mmb_results_default_dir(char *buf, size_t len, const char *prefix);

/* Read runs.csv in dir and write summary.csv (atomically). Prints a short
 * table of medians to stdout when print is set. 0, or -1 with err. */
int mmb_write_summary(const char *dir, int print, char *err, size_t errlen);
/* The same, with the rows of a cell split by the value of group_col (a
 * merged folder's `host` or `host_kind`), which then ends each summary row.
 * group_col NULL or absent: as mmb_write_summary. */
int mmb_write_summary_by(const char *dir, const char *group_col, int print, char *err, size_t errlen);

#endif
