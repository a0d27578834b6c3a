/* mmbench — a merged folder measured on several machines, split per
 * machine for the report (see merge_hosts.c). */
#ifndef MMB_MERGE_HOSTS_H
#define MMB_MERGE_HOSTS_H

#include <stddef.h>

/* Group the rows of DIR/runs.csv by group_col ("host" or "host_kind"); with
 * two groups or more, write DIR/hosts/<group>/ (runs.csv, timeline.csv,
 * summary.csv, meta.json) for each, replacing an earlier split. Returns the
 * number of groups (names in groups, at most max), or -1 with err. */
int mmb_merge_split_hosts(const char *dir, const char *group_col, char groups[][64], int max,
                          char *err, size_t errlen);

/* DIR/hosts/<group> (the group's name made safe for a path) into buf. */
void mmb_merge_host_dir(const char *dir, const char *group, char *buf, size_t len);

/* DIR/report.html: an index of the per-machine reports. 0 or -errno. */
int mmb_merge_host_index(const char *dir, const char *group_col, char groups[][64], int ng);

#endif
