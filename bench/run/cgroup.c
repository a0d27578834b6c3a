/* mmbench — memory cgroups for cell children (see cgroup.h).
 *
 * Where: below the runner's own memory cgroup, found from /proc/self/cgroup
 * and /proc/self/mountinfo (a v1 hierarchy with the memory controller, else
 * the v2 hierarchy when its memory controller is on for children).
 * The peak: v1 memory.max_usage_in_bytes, reset by writing 0; v2
 * memory.peak, reset by writing to an open descriptor (Linux 6.12 and
 * later), whose later reads give the peak since that reset. */
#define _GNU_SOURCE
#include "cgroup.h"
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---------------------------------------------------------------------------
 * Small file helpers
 * ------------------------------------------------------------------------- */
static int write_file(const char *dir, const char *name, const char *text) {
  char path[PATH_MAX + 64];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -errno;
  ssize_t n = write(fd, text, strlen(text));
  int rc = n == (ssize_t)strlen(text) ? 0 : n < 0 ? -errno : -EIO;
  close(fd);
  return rc;
}

static int read_file(const char *dir, const char *name, char *buf, size_t len) {
  char path[PATH_MAX + 64];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -errno;
  ssize_t n = read(fd, buf, len - 1);
  int e = errno;
  close(fd);
  if (n < 0) return -e;
  buf[n] = 0;
  return 0;
}

static int file_exists(const char *dir, const char *name) {
  char path[PATH_MAX + 64];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return access(path, F_OK) == 0;
}

/* ---------------------------------------------------------------------------
 * Where this process's memory cgroup lives
 * ------------------------------------------------------------------------- */
/* The mount point and root of the hierarchy of fstype ("cgroup" with the
 * memory option, or "cgroup2"). 0 when found. */
static int find_mount(int v2, char *mnt, size_t mlen, char *root, size_t rlen) {
  FILE *f = fopen("/proc/self/mountinfo", "r");
  char line[4096];
  int found = -1;
  if (!f) return -1;
  while (found && fgets(line, sizeof line, f)) {
    char r[PATH_MAX], m[PATH_MAX];
    if (sscanf(line, "%*s %*s %*s %4095s %4095s", r, m) != 2) continue;
    const char *dash = strstr(line, " - ");
    if (!dash) continue;
    char fstype[64], source[256], opts[1024] = "";
    if (sscanf(dash + 3, "%63s %255s %1023s", fstype, source, opts) < 2) continue;
    if (v2 ? strcmp(fstype, "cgroup2") != 0 : strcmp(fstype, "cgroup") != 0) continue;
    if (!v2) {
      int mem = 0;
      for (char *save = NULL, *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save))
        mem |= strcmp(o, "memory") == 0;
      if (!mem) continue;
    }
    snprintf(mnt, mlen, "%s", m);
    snprintf(root, rlen, "%s", r);
    found = 0;
  }
  fclose(f);
  return found;
}

/* This process's path in the v1 memory hierarchy or in the v2 one. */
static int own_path(int v2, char *path, size_t len) {
  FILE *f = fopen("/proc/self/cgroup", "r");
  char line[4096];
  int found = -1;
  if (!f) return -1;
  while (found && fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = 0;
    char *c1 = strchr(line, ':');
    char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c2) continue;
    *c2 = 0;
    const char *ctrls = c1 + 1;
    int match = 0;
    if (v2) {
      match = strncmp(line, "0", 1) == 0 && c1 == line + 1 && !*ctrls;
    } else {
      char copy[256];
      snprintf(copy, sizeof copy, "%s", ctrls);
      for (char *save = NULL, *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save))
        match |= strcmp(o, "memory") == 0;
    }
    if (!match) continue;
    snprintf(path, len, "%s", c2 + 1);
    found = 0;
  }
  fclose(f);
  return found;
}

/* The directory of this process's cgroup in hierarchy v2 / v1. */
static int own_dir(int v2, char *dir, size_t len) {
  char mnt[PATH_MAX], root[PATH_MAX], path[PATH_MAX];
  if (find_mount(v2, mnt, sizeof mnt, root, sizeof root) != 0) return -1;
  if (own_path(v2, path, sizeof path) != 0) return -1;
  const char *rel = path;
  size_t rl = strlen(root);
  if (strcmp(root, "/") != 0 && strncmp(path, root, rl) == 0) rel = path + rl;
  snprintf(dir, len, "%s%s", mnt, strcmp(rel, "/") == 0 ? "" : rel);
  struct stat sb;
  return stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode) ? 0 : -1;
}

/* ---------------------------------------------------------------------------
 * Runner side
 * ------------------------------------------------------------------------- */
static unsigned cg_seq;
static int cg_made, cg_failed;
static char cg_last_reason[300];

int mmb_cgroup_make(const mmb_cgroup_info *ci, char *dir, size_t len, char *reason, size_t rlen) {
  if (ci->kind == 0) {
    snprintf(reason, rlen, "%s", ci->reason);
    return -1;
  }
  snprintf(dir, len, "%s/mmbench-%d-%u", ci->parent, (int)getpid(), cg_seq++);
  if (mkdir(dir, 0755) != 0) {
    snprintf(reason, rlen, "cannot make the memory cgroup %s: %s", dir, strerror(errno));
    return -1;
  }
  const char *peak = ci->kind == 1 ? "memory.max_usage_in_bytes" : "memory.peak";
  if (!file_exists(dir, peak)) {
    snprintf(reason, rlen, "%s has no %s", dir, peak);
    rmdir(dir);
    return -1;
  }
  return 0;
}

int mmb_cgroup_remove(const char *dir) {
  /* The child's exit is seen before its cgroup empties: retry briefly. */
  for (int i = 0; i < 200; i++) {
    if (rmdir(dir) == 0 || errno == ENOENT) return 0;
    if (errno != EBUSY) return -errno;
    struct timespec ts = {0, 5 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  return -EBUSY;
}

int mmb_cgroup_join(const char *dir) {
  char pid[32];
  snprintf(pid, sizeof pid, "%d\n", (int)getpid());
  int rc = write_file(dir, "cgroup.procs", pid);
  if (rc == 0)
    setenv("MMB_CGROUP", dir, 1);
  else
    unsetenv("MMB_CGROUP");
  return rc;
}

/* Remove the cgroups of runners that died without removing them (killed
 * with SIGKILL): mmbench-PID-N where no process PID is left. */
static void remove_stale(const char *parent) {
  DIR *d = opendir(parent);
  struct dirent *e;
  if (!d) return;
  while ((e = readdir(d))) {
    int pid;
    unsigned seq;
    char tail;
    if (sscanf(e->d_name, "mmbench-%d-%u%c", &pid, &seq, &tail) != 2 || pid <= 0) continue;
    if (kill(pid, 0) == 0 || errno != ESRCH) continue;
    char path[PATH_MAX + 300];
    snprintf(path, sizeof path, "%s/%s", parent, e->d_name);
    rmdir(path);
  }
  closedir(d);
}

int mmb_cgroup_probe(mmb_cgroup_info *ci) {
  memset(ci, 0, sizeof *ci);
  char dir[PATH_MAX], buf[256];
  const char *forced = getenv("MMB_CGROUP_PARENT");
  if (forced && *forced) {
    if (strcmp(forced, "off") == 0) {
      snprintf(ci->reason, sizeof ci->reason, "turned off (MMB_CGROUP_PARENT=off)");
      return 0;
    }
    snprintf(ci->parent, sizeof ci->parent, "%s", forced);
    ci->kind = file_exists(forced, "memory.max_usage_in_bytes") ? 1 : 2;
  } else if (own_dir(0, dir, sizeof dir) == 0) {
    ci->kind = 1;
    snprintf(ci->parent, sizeof ci->parent, "%s", dir);
  } else if (own_dir(1, dir, sizeof dir) == 0) {
    if (read_file(dir, "cgroup.subtree_control", buf, sizeof buf) != 0 ||
        !mmb_list_has(buf, " \n", "memory")) {
      /* Enabling it here fails where this cgroup holds processes (v2's
       * no-internal-processes rule) or we are not root: say so. */
      int rc = write_file(dir, "cgroup.subtree_control", "+memory");
      if (rc != 0) {
        snprintf(ci->reason, sizeof ci->reason,
                 "cgroup v2 at %s: the memory controller is not on for child cgroups and enabling "
                 "it failed (%s)",
                 dir, strerror(-rc));
        return 0;
      }
    }
    ci->kind = 2;
    snprintf(ci->parent, sizeof ci->parent, "%s", dir);
  } else {
    snprintf(ci->reason, sizeof ci->reason,
             "no memory cgroup hierarchy is mounted (neither cgroup v1 memory nor cgroup v2)");
    return 0;
  }
  char test[PATH_MAX + 64];
  if (mmb_cgroup_make(ci, test, sizeof test, ci->reason, sizeof ci->reason) != 0) {
    if (geteuid() != 0) {
      size_t u = strlen(ci->reason);
      snprintf(ci->reason + u, sizeof ci->reason - u, " (not root)");
    }
    ci->kind = 0;
    return 0;
  }
  mmb_cgroup_remove(test);
  remove_stale(ci->parent);
  return ci->kind;
}

void mmb_cgroup_note_cell(int made, const char *reason) {
  if (made) {
    cg_made++;
  } else {
    cg_failed++;
    if (reason) snprintf(cg_last_reason, sizeof cg_last_reason, "%s", reason);
  }
}

cJSON *mmb_cgroup_json(const mmb_cgroup_info *ci) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "status", ci->kind ? "ok" : "unavailable");
  cJSON_AddStringToObject(o, "hierarchy", ci->kind == 1 ? "v1" : ci->kind == 2 ? "v2" : "");
  cJSON_AddStringToObject(o, "parent", ci->parent);
  char prefix[64];
  snprintf(prefix, sizeof prefix, "mmbench-%d-", (int)getpid());
  cJSON_AddStringToObject(o, "prefix", ci->kind ? prefix : "");
  cJSON_AddStringToObject(o, "peak_file",
                          ci->kind == 1   ? "memory.max_usage_in_bytes"
                          : ci->kind == 2 ? "memory.peak"
                                          : "");
  cJSON_AddStringToObject(o, "reason", ci->kind ? "" : ci->reason);
  cJSON_AddNumberToObject(o, "cells_in_cgroup", cg_made);
  cJSON_AddNumberToObject(o, "cells_without", cg_failed);
  cJSON_AddStringToObject(o, "last_failure", cg_last_reason);
  return o;
}

/* ---------------------------------------------------------------------------
 * Cell side
 * ------------------------------------------------------------------------- */
void mmb_cgroup_cell_open(mmb_cgroup_cell *c) {
  memset(c, 0, sizeof *c);
  c->fd = -1;
  const char *dir = getenv("MMB_CGROUP");
  if (!dir || !*dir) return;
  snprintf(c->dir, sizeof c->dir, "%s", dir);
  if (file_exists(dir, "memory.max_usage_in_bytes")) {
    c->kind = 1;
  } else if (file_exists(dir, "memory.peak")) {
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/memory.peak", dir);
    c->fd = open(path, O_RDWR | O_CLOEXEC);
    c->kind = c->fd >= 0 ? 2 : 0;
  }
}

void mmb_cgroup_cell_reset(mmb_cgroup_cell *c) {
  if (c->kind == 1)
    c->reset = write_file(c->dir, "memory.max_usage_in_bytes", "0") == 0;
  else if (c->kind == 2)
    c->reset = write(c->fd, "reset\n", 6) == 6;
}

long mmb_cgroup_cell_peak_kb(mmb_cgroup_cell *c) {
  char buf[64];
  if (!c->kind || !c->reset) return -1; /* a lifetime peak is not the region's */
  if (c->kind == 1) {
    if (read_file(c->dir, "memory.max_usage_in_bytes", buf, sizeof buf) != 0) return -1;
  } else {
    ssize_t n = pread(c->fd, buf, sizeof buf - 1, 0);
    if (n <= 0) return -1;
    buf[n] = 0;
  }
  char *end;
  unsigned long long v = strtoull(buf, &end, 10);
  return end == buf ? -1 : (long)(v / 1024);
}

void mmb_cgroup_cell_close(mmb_cgroup_cell *c) {
  if (c->fd >= 0) close(c->fd);
  c->fd = -1;
  c->kind = 0;
}
