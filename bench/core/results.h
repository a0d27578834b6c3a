/* mmbench — writing a results folder: runs.csv rows appended and flushed
 * one at a time, files replaced atomically, summary.csv from runs.csv. */
#ifndef MMB_RESULTS_H
#define MMB_RESULTS_H

#include <stddef.h>

#include "record.h"
#include "runs.h"
#include "table.h"

/* Write text to dir/name through a temporary file and rename. 0 or -errno. */
int mmb_write_atomic(const char *dir, const char *name, const char *text);

/* Append a whole line (with its newline) to path in one write and flush it
 * to the disk. 0 or -errno. */
int mmb_append_line(const char *path, const char *line);

/* "results/<prefix><UTC stamp>-<host>" into buf: a new results folder name. */
void mmb_results_default_dir(char *buf, size_t len, const char *prefix);

/* The text of summary.csv for a runs.csv read by mmb_runs_read: one row per cell and
 * metric (metrics.h lists which, counter columns follow), statistics over
 * the ok repetitions. Malloc'd; NULL only when out of memory. The cell
 * counts go to the optional counts (ok, noisy, failed, skipped). */
typedef struct mmb_cell_counts {
  int cells, ok, noisy, failed, skipped;
  int over;          /* ok cells that ran more threads than CPUs */
  size_t most_n;     /* the most repetitions of a cell */
  double machine_cv; /* the machine noise the flag was judged against (NAN: fixed 5 %) */
} mmb_cell_counts;
char *mmb_summary_csv(const mmb_runs *runs, mmb_cell_counts *counts);
/* The same with the rows of a cell split by the value of group_col (a
 * merged folder's `host` or `host_kind`: machines are never pooled unless
 * asked), which then ends each row. group_col NULL or absent: as above. */
char *mmb_summary_csv_by(const mmb_runs *runs, const char *group_col, mmb_cell_counts *counts);

/* The same with the noisy flag judged against the machine's own noise
 * machine_cv (meta.json "noise"; NAN: the fixed MMB_NOISY_CV), see noisy.h. */
char *mmb_summary_csv_noise(const mmb_runs *runs, const char *group_col, double machine_cv,
                            mmb_cell_counts *counts);

/* The machine's noise CV recorded in dir/meta.json ("noise": {"cv"}), or
 * NAN when absent (older folders). */
double mmb_meta_noise_cv(const char *dir);

/* Read runs.csv in dir and write summary.csv (atomically). Prints one line
 * of cell counts to stdout when print is set. 0, or -1 with err. */
int mmb_write_summary(const char *dir, int print, char *err, size_t errlen);
/* The same, grouped as mmb_summary_csv_by. */
int mmb_write_summary_by(const char *dir, const char *group_col, int print, char *err,
                         size_t errlen);

#endif
