/* mmbench — counters over a whole process tree (program cells): every
 * selected perf event opened by the parent on the held child with inherit
 * and enable-on-exec, so the counts cover the program, its threads and its
 * children from exec to exit, and nothing of mmbench. Hardware events that
 * do not open leave their columns empty, as in a cell. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "counters_int.h"

struct mmb_counters_proc {
  int n;
  char names[MMB_CNT_MAX][MMB_CNT_NAME];
  unsigned flags[MMB_CNT_MAX];
  int fd[MMB_CNT_MAX];
};

mmb_counters_proc *mmb_counters_proc_open(const mmb_counter_opts *o, int pid) {
  if (!o || o->mode != MMB_COUNTERS_HW || !o->events[0]) return NULL;
  mmb_counters_proc *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->n = mmb_cnt_split(o->events, c->names, MMB_CNT_MAX);
  for (int i = 0; i < c->n; i++) {
    mmb_pe_lookup(c->names[i], &c->flags[i], NULL, 0);
    c->fd[i] = mmb_pe_open_process(c->names[i], pid);
  }
  return c;
}

void mmb_counters_proc_report(mmb_counters_proc *c, uint64_t ops, mmb_record *rec) {
  if (!c) return;
  double val[MMB_CNT_MAX], frac[MMB_CNT_MAX];
  int have[MMB_CNT_MAX];
  for (int i = 0; i < c->n; i++) {
    frac[i] = 1.0;
    have[i] = c->fd[i] >= 0 && mmb_pe_read_process(c->fd[i], &val[i], &frac[i]);
    if (have[i] && (c->flags[i] & MMB_PE_NONZERO) && val[i] < 0.5) have[i] = 0; /* suspect */
  }
  mmb_cnt_put(c->names, c->flags, val, frac, have, c->n, ops, rec);
}

void mmb_counters_proc_close(mmb_counters_proc *c) {
  if (!c) return;
  for (int i = 0; i < c->n; i++)
    if (c->fd[i] >= 0) close(c->fd[i]);
  free(c);
}

/* ---------------------------------------------------------------------------
 * SIM mode for programs
 * ------------------------------------------------------------------------- */
int mmb_counters_program_prefix(const mmb_counter_opts *o, const char *dir, const char **prefix,
                                int max) {
  if (!o || o->mode != MMB_COUNTERS_SIM) {
    if (max > 0) prefix[0] = NULL;
    return 0;
  }
  return mmb_sim_program_prefix(dir, prefix, max);
}

int mmb_counters_after_program(const mmb_counter_opts *o, const char *dir, uint64_t ops,
                               mmb_record *rec) {
  if (!o || o->mode != MMB_COUNTERS_SIM) return 0;
  DIR *d = opendir(dir);
  if (!d) return -1;
  char names[32][16], tnames[32][16];
  uint64_t vals[32], tot[32];
  int nt = 0, files = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (strncmp(e->d_name, "callgrind.out.", 14) != 0) continue;
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    int n = mmb_sim_parse(path, names, vals, 32);
    if (n <= 0) continue;
    files++;
    for (int i = 0; i < n; i++) {
      int k = 0;
      while (k < nt && strcmp(tnames[k], names[i]) != 0) k++;
      if (k == nt && nt < 32) snprintf(tnames[nt], 16, "%s", names[i]), tot[nt++] = 0;
      if (k < nt) tot[k] += vals[i];
    }
  }
  closedir(d);
  if (!files) return -1;
  for (int k = 0; k < nt; k++) {
    char col[32];
    snprintf(col, sizeof col, "sim_%s", tnames[k]);
    mmb_record_set_u64(rec, col, tot[k]);
    if (strcmp(tnames[k], "Ir") == 0 && ops)
      mmb_record_set_f(rec, "sim_Ir_per_op", (double)tot[k] / (double)ops);
  }
  return 0;
}
