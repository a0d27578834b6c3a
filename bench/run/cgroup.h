/* mmbench — a memory cgroup of its own for every cell child, where the
 * runner may make one (root, with the memory controller on cgroup v1 or
 * v2): the cell resets the cgroup's high-water mark when its region starts
 * and reads it when the region ends (cgroup_peak_kb: the system's view,
 * page cache and kernel memory included). Where no cgroup can be made the
 * column stays empty and meta.json says why. */
#ifndef MMB_CGROUP_H
#define MMB_CGROUP_H

#include <limits.h>
#include <stddef.h>

#include <cjson/cJSON.h>

/* ---- runner side ---- */
typedef struct mmb_cgroup_info {
  int kind;              /* 0 = none, 1 = cgroup v1 memory, 2 = cgroup v2 */
  char parent[PATH_MAX]; /* where the cells' cgroups are made */
  char reason[300];      /* kind 0: why there is none */
} mmb_cgroup_info;

/* Find this process's memory cgroup and try to make (and remove) one below
 * it; MMB_CGROUP_PARENT names another parent folder, or "off". Fills *ci;
 * returns ci->kind. */
int mmb_cgroup_probe(mmb_cgroup_info *ci);
/* A fresh cgroup below ci->parent into dir. 0, or -1 with a one-line reason. */
int mmb_cgroup_make(const mmb_cgroup_info *ci, char *dir, size_t len, char *reason, size_t rlen);
/* Remove a cgroup made by mmb_cgroup_make once its processes are gone. 0 or -errno. */
int mmb_cgroup_remove(const char *dir);
/* In a forked child before exec: move this process into dir and, when that
 * worked, set MMB_CGROUP=dir for the cell. 0 or -errno. */
int mmb_cgroup_join(const char *dir);

/* The run's cgroup facts for meta.json: the probe, cells run in a cgroup,
 * cgroups that could not be made and the last reason. */
void mmb_cgroup_note_cell(int made, const char *reason);
cJSON *mmb_cgroup_json(const mmb_cgroup_info *ci);

/* ---- cell side ---- */
typedef struct mmb_cgroup_cell {
  int kind;  /* 0: not in a cgroup of its own */
  int fd;    /* v2: memory.peak, kept open (its reset is per descriptor) */
  int reset; /* the high-water mark was reset at the region's start */
  char dir[PATH_MAX];
} mmb_cgroup_cell;

/* From MMB_CGROUP (set by mmb_cgroup_join). */
void mmb_cgroup_cell_open(mmb_cgroup_cell *c);
/* Region start: reset the high-water mark to the current usage. */
void mmb_cgroup_cell_reset(mmb_cgroup_cell *c);
/* Region end: the high-water mark in KiB since the reset, or -1. */
long mmb_cgroup_cell_peak_kb(mmb_cgroup_cell *c);
void mmb_cgroup_cell_close(mmb_cgroup_cell *c);

#endif
