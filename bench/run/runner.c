/* mmbench — the runner (see runner.h). */
#define _GNU_SOURCE
#include "runner.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "child.h"
#include "metrics.h"
#include "place.h"
#include "program_cell.h"
#include "results.h"
#include "runs.h"
#include "cellmap.h"
#include "table.h"

#define MAX_COLS 192

int mmb_runner_columns(const mmb_plan *plan, const char **cols, int max) {
  int n = 0;
  n += mmb_metric_run_columns(cols, max);
  n += mmb_counters_columns(&plan->counters, cols + n, max - n);
  const mmb_workload *ws[256];
  int nw = 0;
  for (int i = 0; i < plan->ncells && nw < 256; i++) {
    int seen = 0;
    for (int j = 0; j < nw; j++) seen |= ws[j] == plan->cells[i].w;
    if (!seen && plan->cells[i].w->program) ws[nw++] = plan->cells[i].w;
  }
  n += mmb_program_metric_columns(ws, nw, cols + n, max - n);
  return n;
}

/* ---------------------------------------------------------------------------
 * Allocator probes
 * ------------------------------------------------------------------------- */
static void probe_fail(mmb_probe_result *p, mmb_status status, const char *reason) {
  p->status = status;
  snprintf(p->reason, sizeof p->reason, "%s", reason);
}

void mmb_probe_allocator(const mmb_alloc_spec *spec, mmb_probe_result *p) {
  memset(p, 0, sizeof *p);
  if (spec->alloc->unavailable) return probe_fail(p, MMB_ST_SKIPPED, spec->alloc->unavailable);
  if (spec->base && spec->base->unavailable)
    return probe_fail(p, MMB_ST_SKIPPED, spec->base->unavailable);
  const char *lib = (spec->base ? spec->base : spec->alloc)->library;
  if (lib && *lib && access(lib, R_OK) != 0) {
    char why[300];
    snprintf(why, sizeof why, "%s: %s", lib, strerror(errno));
    return probe_fail(p, MMB_ST_INVALID, why);
  }
  char *argv[] = {(char *)mmb_self_exe(), "probe", "--conformance", (char *)spec->text, NULL};
  mmb_child_io io;
  int timed_out;
  int st = mmb_child_run(argv, spec, "", 60, &io, NULL, &timed_out);
  mmb_record rec;
  char *line = strstr(io.out, "status=");
  char why[300];
  if (timed_out) {
    probe_fail(p, MMB_ST_INVALID, "the probe hung for 60 s");
  } else if (WIFSIGNALED(st)) {
    char tail[200];
    mmb_last_line(io.err, tail, sizeof tail);
    snprintf(why, sizeof why, "the probe was killed by signal %d (%s)%s%s", WTERMSIG(st),
             strsignal(WTERMSIG(st)), tail[0] ? ": " : "", tail);
    probe_fail(p, MMB_ST_INVALID, why);
  } else if (!line || mmb_record_decode(&rec, line) != 0) {
    char tail[200];
    mmb_last_line(io.err, tail, sizeof tail);
    snprintf(why, sizeof why, "the probe failed (%s)", tail[0] ? tail : "no output");
    probe_fail(p, MMB_ST_INVALID, why);
  } else {
    probe_fail(p, rec.status, rec.reason);
    const char *v = mmb_record_get(&rec, "version");
    snprintf(p->version, sizeof p->version, "%s", v ? v : "");
    double caps;
    if (mmb_record_num(&rec, "broken_caps", &caps)) p->broken_caps = (unsigned)caps;
    const char *br = mmb_record_get(&rec, "broken_reason");
    snprintf(p->broken_reason, sizeof p->broken_reason, "%s", br ? br : "");
    const char *l = mmb_record_get(&rec, "library");
    snprintf(p->library, sizeof p->library, "%s", l ? l : "");
  }
  /* the check lines before the record */
  size_t n = line ? (size_t)(line - io.out) : strlen(io.out);
  snprintf(p->checks, sizeof p->checks, "%.*s", (int)n, io.out);
}

void mmb_runner_probe(const mmb_plan *plan, mmb_probe_result *probes) {
  for (int i = 0; i < plan->nallocs; i++) mmb_probe_allocator(&plan->allocs[i], &probes[i]);
}

/* ---------------------------------------------------------------------------
 * Memory cgroups (probed once per run)
 * ------------------------------------------------------------------------- */
static mmb_cgroup_info cg_info;
static int cg_probed;

const mmb_cgroup_info *mmb_runner_cgroup(void) {
  if (!cg_probed) mmb_cgroup_probe(&cg_info);
  cg_probed = 1;
  return &cg_info;
}

/* ---------------------------------------------------------------------------
 * The matrix
 * ------------------------------------------------------------------------- */
typedef struct run_state {
  const mmb_plan *plan;
  const mmb_probe_result *probes;
  const char *dir;
  char runs_path[PATH_MAX], timeline_path[PATH_MAX];
  const char *cols[MAX_COLS];
  int ncols;
  unsigned char *done; /* [cell * reps + rep] */
  char (*sum)[24];     /* reference checksum per work group ("" = none yet) */
  int *sum_cell;       /* per work group: the cell whose run gave the reference */
  int *group;          /* per cell: the cell whose sum its work group uses */
  mmb_cellmap cells;   /* (workload, params, allocator, threads) -> cell */
  int total, finished;
  double t0, last_print;
  int tty, quiet;
} run_state;

/* Hash indexes of the plan's cells, so a resume or a large plan is not
 * quadratic: by key, and by work group (cells that must give the same
 * checksum: same workload, params, threads; one cell of each group holds
 * the group's reference checksum). 0, or -1 out of memory. */
static int index_cells(run_state *st) {
  const mmb_plan *plan = st->plan;
  mmb_cellmap work;
  memset(&work, 0, sizeof work);
  memset(&st->cells, 0, sizeof st->cells);
  st->group = malloc(((size_t)plan->ncells + 1) * sizeof *st->group);
  int rc = st->group ? 0 : -1;
  for (int i = 0; rc == 0 && i < plan->ncells; i++) {
    const mmb_cell_plan *c = &plan->cells[i];
    if (mmb_cellmap_add(&st->cells, c->w->name, c->params, plan->allocs[c->alloc].text,
                        c->threads) < 0 ||
        mmb_cellmap_add(&work, c->w->name, c->params, "", c->threads) < 0)
      rc = -1;
  }
  /* a key listed more than once is always found at the same entry */
  for (int i = 0; rc == 0 && i < plan->ncells; i++) {
    const mmb_cell_plan *c = &plan->cells[i];
    st->group[i] = (int)mmb_cellmap_find(&work, c->w->name, c->params, "", c->threads);
  }
  mmb_cellmap_free(&work);
  return rc;
}

static int key_cell(const run_state *st, const char *w, const char *params, const char *alloc,
                    int threads) {
  return (int)mmb_cellmap_find(&st->cells, w, params, alloc, threads);
}

/* The reference checksum of a cell's work group. */
static const char *group_sum(const run_state *st, int cell) { return st->sum[st->group[cell]]; }

static void remember_checksum(run_state *st, int cell, const char *sum) {
  char *ref = st->sum[st->group[cell]];
  if (!ref[0]) snprintf(ref, sizeof st->sum[0], "%s", sum), st->sum_cell[st->group[cell]] = cell;
}

/* Read rows already present (resume); truncate a row cut short. A path
 * other than our runs.csv (the same shard begun elsewhere) is only read. */
static int load_existing(run_state *st, const char *path, char *err, size_t errlen) {
  mmb_runs t;
  int own = strcmp(path, st->runs_path) == 0;
  if (mmb_runs_read(path, &t, err, errlen) != 0) return -1;
  size_t valid = mmb_table_valid_bytes(t.table);
  struct stat sb;
  if (own && stat(st->runs_path, &sb) == 0 && (size_t)sb.st_size > valid) {
    if (truncate(st->runs_path, (off_t)valid) != 0) {
      snprintf(err, errlen, "cannot repair %s: %s", st->runs_path, strerror(errno));
      mmb_runs_free(&t);
      return -1;
    }
    fprintf(stderr, "mmbench: dropped a row cut short at the end of runs.csv\n");
  }
  int cc = mmb_runs_col(&t, "checksum");
  for (size_t r = 0; r < t.nrows; r++) {
    const mmb_run_row *row = &t.rows[r];
    size_t k = row->cell;
    int cell = key_cell(st, t.cells.workload[k], t.cells.params[k], t.cells.allocator[k],
                        t.cells.threads[k]);
    if (cell < 0 || row->rep < 0 || row->rep >= st->plan->reps) {
      snprintf(err, errlen, "%s line %zu belongs to another plan: cannot resume", path,
               mmb_table_line(t.table, r));
      mmb_runs_free(&t);
      return -1;
    }
    st->done[cell * st->plan->reps + row->rep] = 1;
    if (row->status == MMB_ST_OK) remember_checksum(st, cell, mmb_table_get(t.table, r, cc));
  }
  mmb_runs_free(&t);
  return 0;
}

static int write_row(run_state *st, const mmb_cell_plan *c, int rep, const mmb_record *rec) {
  char line[16384], num[32];
  size_t used = 0;
  /* a failed row carries no measurement; injected (0 on an invalid row) is
   * what was checked, not measured */
  int ok = mmb_status_measured(rec->status);
  for (int i = 0; i < st->ncols; i++) {
    const char *name = st->cols[i], *v = "";
    if (strcmp(name, "workload") == 0)
      v = c->w->name;
    else if (strcmp(name, "params") == 0)
      v = c->params;
    else if (strcmp(name, "allocator") == 0)
      v = st->plan->allocs[c->alloc].text;
    else if (strcmp(name, "threads") == 0)
      snprintf(num, sizeof num, "%d", c->threads), v = num;
    else if (strcmp(name, "rep") == 0)
      snprintf(num, sizeof num, "%d", rep), v = num;
    else if (strcmp(name, "status") == 0)
      v = mmb_status_name(rec->status);
    else if (strcmp(name, "reason") == 0)
      v = rec->reason;
    else if ((ok || strcmp(name, "injected") == 0) && mmb_record_get(rec, name))
      v = mmb_record_get(rec, name);
    mmb_csv_field(line, sizeof line - 1, &used, v, i == 0);
  }
  line[used++] = '\n';
  line[used] = 0;
  int rc = mmb_append_line(st->runs_path, line);
  if (rc != 0) fprintf(stderr, "mmbench: cannot append to %s: %s\n", st->runs_path, strerror(-rc));
  return rc;
}

static void progress(run_state *st, const mmb_cell_plan *c, mmb_status what) {
  double el = mmb_mono_s() - st->t0;
  double eta = st->finished ? el / st->finished * (st->total - st->finished) : 0;
  char line[512];
  if (st->quiet) return;
  snprintf(line, sizeof line, "[%d/%d] %s %s %s t=%d %s  elapsed %.0fs  eta %.0fs", st->finished,
           st->total, c->w->name, c->params, st->plan->allocs[c->alloc].text, c->threads,
           mmb_status_name(what), el, eta);
  if (st->tty) {
    fprintf(stderr, "\r\033[K%.*s", 150, line);
  } else if (what != MMB_ST_OK || el - st->last_print >= 10 || st->finished == st->total) {
    fprintf(stderr, "%s\n", line); /* plain lines: failures, and every 10 s */
    st->last_print = el;
  }
}

/* The record a child left (or why there is none). */
static void child_record(int status, int timed_out, const mmb_child_io *io, double timeout,
                         mmb_record *out) {
  mmb_record rec;
  char tail[200];
  mmb_last_line(io->err, tail, sizeof tail);
  const char *line = strstr(io->out, "status=");
  if (status == -1) {
    mmb_record_init(&rec, MMB_ST_ERROR);
    mmb_record_fail(&rec, MMB_ST_ERROR, "could not start the child: %s", strerror(errno));
  } else if (timed_out) {
    mmb_record_init(&rec, MMB_ST_TIMEOUT);
    mmb_record_fail(&rec, MMB_ST_TIMEOUT, "no result within %.0f s (killed)", timeout);
  } else if (WIFSIGNALED(status)) {
    mmb_record_init(&rec, MMB_ST_CRASH);
    mmb_record_fail(&rec, MMB_ST_CRASH, "killed by signal %d (%s)%s%s", WTERMSIG(status),
                    strsignal(WTERMSIG(status)), tail[0] ? ": " : "", tail);
  } else if (!line || mmb_record_decode(&rec, line) != 0) {
    mmb_record_init(&rec, MMB_ST_ERROR);
    mmb_record_fail(&rec, MMB_ST_ERROR, "exit status %d without a result%s%s", WEXITSTATUS(status),
                    tail[0] ? ": " : "", tail);
  } else if (WEXITSTATUS(status) != 0) {
    mmb_record_fail(&rec, MMB_ST_ERROR, "exit status %d after its result%s%s", WEXITSTATUS(status),
                    tail[0] ? ": " : "", tail);
  }
  *out = rec;
}

/* Run one repetition (rep < 0: warm-up, not recorded). */

/* An ok record's checksum against the one the same work gave under another
 * allocator (or its verification repetition): a difference makes the record
 * corrupt; the first checksum of the work becomes the reference. */
static void check_checksum(run_state *st, int cell, mmb_record *rec) {
  if (rec->status != MMB_ST_OK) return;
  const char *sum = mmb_record_get(rec, "checksum");
  int from = st->sum_cell[st->group[cell]];
  const mmb_cell_plan *c = &st->plan->cells[cell];
  if (sum && group_sum(st, cell)[0] && strcmp(sum, group_sum(st, cell)) != 0 && from == cell)
    mmb_record_fail(rec, MMB_ST_CORRUPT, "checksum %s differs from %s, its %s repetition's", sum,
                    group_sum(st, cell),
                    mmb_workload_param_index(c->w, "touch") >= 0 ? "verification" : "first");
  else if (sum && group_sum(st, cell)[0] && strcmp(sum, group_sum(st, cell)) != 0)
    mmb_record_fail(rec, MMB_ST_CORRUPT, "checksum %s differs from %s of the same work under %s",
                    sum, group_sum(st, cell), st->plan->allocs[st->plan->cells[from].alloc].text);
  else if (sum)
    remember_checksum(st, cell, sum);
}

/* The command line of one repetition's child (`mmbench cell ...`, behind
 * valgrind's under --counters sim), with the strings it points at. */
typedef struct child_cmd {
  char threads[16], seed[32], counters[1200], sim_out[PATH_MAX], cpus[4096], cpuset[1024];
  const char *argv[64];
} child_cmd;

static void child_command(const run_state *st, int cell, int rep, child_cmd *k) {
  const mmb_plan *plan = st->plan;
  const mmb_cell_plan *c = &plan->cells[cell];
  const mmb_alloc_spec *spec = &plan->allocs[c->alloc];
  snprintf(k->threads, sizeof k->threads, "%d", c->threads);
  snprintf(k->seed, sizeof k->seed, "%llu", (unsigned long long)c->seed);
  mmb_counters_to_arg(&plan->counters, k->counters, sizeof k->counters);
  /* callgrind's output is kept (sim/) for callgrind_annotate */
  snprintf(k->sim_out, sizeof k->sim_out, "%s/sim/%s-%d-%s-t%d-r%d.callgrind", st->dir, c->w->name,
           cell, spec->text[0] == 'p' ? "preload" : spec->text, c->threads, rep);
  for (char *q = k->sim_out + strlen(st->dir) + 5; *q; q++)
    if (*q == '/' || *q == '[' || *q == ']' || *q == ';' || *q == '=' || *q == '@') *q = '_';
  if (plan->counters.mode == MMB_COUNTERS_SIM) {
    char simdir[PATH_MAX];
    snprintf(simdir, sizeof simdir, "%s/sim", st->dir);
    mkdir(simdir, 0755);
  }
  int n = mmb_counters_exec_prefix(&plan->counters, k->sim_out, k->argv, 32);
  const char *rest[] = {(char *)mmb_self_exe(),
                        "cell",
                        "--workload",
                        c->w->name,
                        "--params",
                        c->params,
                        "--allocator",
                        spec->text,
                        "--threads",
                        k->threads,
                        "--seed",
                        k->seed,
                        "--fd",
                        "3",
                        "--notify",
                        "--counters",
                        k->counters,
                        NULL,
                        NULL,
                        NULL};
  mmb_place_workers(&plan->topo, plan->place, c->threads, k->cpus, sizeof k->cpus);
  mmb_place_set(&plan->topo, plan->place, c->threads, k->cpuset, sizeof k->cpuset);
  if (k->cpus[0]) rest[17] = "--cpus", rest[18] = k->cpus; /* each worker on its CPU */
  for (int i = 0; rest[i]; i++) k->argv[n++] = rest[i];
  if (c->threads == 1 && strcmp(plan->opts.t1, "thread") == 0) k->argv[n++] = "--worker-thread";
  k->argv[n] = NULL;
}

/* The RSS-over-time samples of a timed repetition go to timeline.csv under
 * its key (every timed repetition alike; warm-ups: none). */
static void timeline_open(const run_state *st, const mmb_cell_plan *c, const char *alloc, int rep,
                          mmb_timeline *tl, char *key, size_t keylen) {
  memset(tl, 0, sizeof *tl);
  if (rep < 0) return;
  size_t u = 0;
  mmb_csv_field(key, keylen, &u, c->w->name, 1);
  mmb_csv_field(key, keylen, &u, c->params, 0);
  mmb_csv_field(key, keylen, &u, alloc, 0);
  snprintf(key + u, keylen - u, ",%d,%d", c->threads, rep);
  tl->key = key;
  tl->f = fopen(st->timeline_path, "a");
}

/* One repetition measured into rec, in its own memory cgroup where one can
 * be made (else an empty column): a program by the program cell, from
 * here; anything else by a child `mmbench cell`. 1 when the run must stop
 * (interrupted, or the program cell says so), else 0. */
static int measure(const run_state *st, const mmb_cell_plan *c, const child_cmd *k,
                   mmb_timeline *tl, mmb_record *rec) {
  const mmb_plan *plan = st->plan;
  const mmb_alloc_spec *spec = &plan->allocs[c->alloc];
  char cg[PATH_MAX + 64], cg_why[300];
  int in_cg = mmb_cgroup_make(mmb_runner_cgroup(), cg, sizeof cg, cg_why, sizeof cg_why) == 0;
  mmb_cgroup_note_cell(in_cg, in_cg ? NULL : cg_why);
  int stop = 0, status = 0, timed_out = 0;
  mmb_child_io io;
  if (c->w->program) {
    const mmb_program *prog = c->w->program;
    mmb_program_cell_spec ps = {
        .prog = prog,
        .size = prog->size ? c->pv.v[0] : 0,
        .spec = spec,
        .preload = mmb_program_preload(spec),
        .pin = k->cpuset[0] ? k->cpuset : plan->opts.pin, /* the cell's CPU set */
        .timeout = prog->timeout > 0 && plan->opts.timeout <= 0 ? prog->timeout : plan->timeout,
        .counters = &plan->counters,
        .tl = tl,
        .cgroup = in_cg ? cg : NULL,
    };
    stop = mmb_program_cell_run(&ps, rec);
  } else {
    status = mmb_child_run_cg((char *const *)k->argv, spec, plan->opts.pin, in_cg ? cg : NULL,
                              plan->timeout, &io, tl, &timed_out);
  }
  if (in_cg && mmb_cgroup_remove(cg) != 0)
    fprintf(stderr, "mmbench: could not remove the memory cgroup %s\n", cg);
  if (tl->f) fclose(tl->f);
  if (stop || mmb_interrupted) return 1;
  if (!c->w->program) child_record(status, timed_out, &io, plan->timeout, rec);
  return 0;
}

static int run_one(run_state *st, int cell, int rep) {
  const mmb_plan *plan = st->plan;
  const mmb_cell_plan *c = &plan->cells[cell];
  child_cmd k;
  child_command(st, cell, rep, &k);
  mmb_timeline tl;
  char key[2048];
  timeline_open(st, c, plan->allocs[c->alloc].text, rep, &tl, key, sizeof key);
  mmb_record rec;
  if (measure(st, c, &k, &tl, &rec)) return 1;
  if (rec.status == MMB_ST_OK) mmb_counters_after_child(&plan->counters, k.sim_out, &rec);
  mmb_record_set(&rec, "place", mmb_place_names[plan->place]);
  if (rep < 0 && plan->counters.mode == MMB_COUNTERS_SIM)
    unlink(k.sim_out); /* warm-ups leave nothing */
  check_checksum(st, cell, &rec);
  if (rep < 0) return 0;
  st->done[cell * plan->reps + rep] = 1;
  st->finished++;
  progress(st, c, rec.status);
  return write_row(st, c, rep, &rec) == 0 ? 0 : -1;
}

/* The verification repetition of a cell: run untimed before its timed
 * repetitions, with every block filled with its full pattern and checked in
 * full (touch VERIFY), so that the timed repetitions need no such checks.
 * It is not a row of its own: when it passes, its checksum becomes the
 * reference of the work; when it fails (corrupt, crash, timeout, error),
 * the cell gets one row with that status and the reason, and its timed
 * repetitions are not run. 0 = passed, 1 = failed, -1 = I/O error. */
static int verify_cell(run_state *st, int cell) {
  const mmb_plan *plan = st->plan;
  const mmb_cell_plan *c = &plan->cells[cell];
  const mmb_alloc_spec *spec = &plan->allocs[c->alloc];
  char threads[16], seed[32];
  snprintf(threads, sizeof threads, "%d", c->threads);
  snprintf(seed, sizeof seed, "%llu", (unsigned long long)c->seed);
  const char *argv[] = {mmb_self_exe(), "cell",        "--workload", c->w->name,  "--params",
                        c->params,      "--allocator", spec->text,   "--threads", threads,
                        "--seed",       seed,          "--fd",       "3",         "--counters",
                        "off",          "--verify",    NULL,         NULL};
  if (c->threads == 1 && strcmp(plan->opts.t1, "thread") == 0)
    argv[sizeof argv / sizeof *argv - 2] = "--worker-thread";
  mmb_child_io io;
  int timed_out;
  int status = mmb_child_run((char *const *)argv, spec, plan->opts.pin, plan->timeout, &io, NULL,
                             &timed_out);
  if (mmb_interrupted) return 0;
  mmb_record rec;
  child_record(status, timed_out, &io, plan->timeout, &rec);
  check_checksum(st, cell, &rec);
  if (rec.status == MMB_ST_OK) return 0;
  char reason[sizeof rec.reason];
  snprintf(reason, sizeof reason, "%s", rec.reason);
  mmb_record_fail(&rec, rec.status, "%.200s (verification repetition)", reason);
  mmb_record_clear_values(&rec);
  int first = 1;
  for (int r = 0; r < plan->reps; r++) {
    unsigned char *d = &st->done[cell * plan->reps + r];
    if (*d) first = 0;
    if (!*d) st->finished++;
    *d = 1;
  }
  progress(st, c, rec.status);
  if (!first) return 1; /* resumed: its row is there already */
  return write_row(st, c, 0, &rec) == 0 ? 1 : -1;
}

static int all_done(const run_state *st, int cell) {
  for (int r = 0; r < st->plan->reps; r++)
    if (!st->done[cell * st->plan->reps + r]) return 0;
  return 1;
}

static int record_unrunnable(run_state *st, int cell, mmb_status status, const char *reason) {
  if (st->done[cell * st->plan->reps]) return 0;
  mmb_record rec;
  mmb_record_init(&rec, status);
  mmb_record_fail(&rec, status, "%s", reason);
  st->done[cell * st->plan->reps] = 1;
  return write_row(st, &st->plan->cells[cell], 0, &rec);
}

/* The allocator passed its core checks but fails one this cell relies on. */
static int cell_broken(const mmb_cell_plan *c, const mmb_probe_result *p) {
  unsigned need = c->w->needs | (c->threads > 1 ? MMB_CAP_THREADS : 0);
  return (p->broken_caps & need) != 0;
}

static int runnable(const mmb_cell_plan *c, const mmb_probe_result *p) {
  return !c->skip[0] && p->status == MMB_ST_OK && !cell_broken(c, p);
}

int mmb_runner_run(const mmb_plan *plan, const mmb_probe_result *probes, const char *dir,
                   int quiet) {
  return mmb_runner_run_except(plan, probes, dir, NULL, quiet);
}

int mmb_runner_run_except(const mmb_plan *plan, const mmb_probe_result *probes, const char *dir,
                          char *const *done_elsewhere, int quiet) {
  run_state st;
  memset(&st, 0, sizeof st);
  st.plan = plan;
  st.probes = probes;
  st.dir = dir;
  snprintf(st.runs_path, sizeof st.runs_path, "%s/runs.csv", dir);
  snprintf(st.timeline_path, sizeof st.timeline_path, "%s/timeline.csv", dir);
  st.ncols = mmb_runner_columns(plan, st.cols, MAX_COLS);
  st.done = calloc((size_t)plan->ncells * (size_t)plan->reps, 1);
  st.sum = calloc((size_t)plan->ncells + 1, sizeof *st.sum);
  st.sum_cell = calloc((size_t)plan->ncells + 1, sizeof *st.sum_cell);
  st.tty = isatty(2);
  st.quiet = quiet;
  char err[512];
  int bad = 0;
  if (!st.done || !st.sum || !st.sum_cell || index_cells(&st) != 0)
    bad = 1, snprintf(err, sizeof err, "out of memory for a plan of %d cells", plan->ncells);
  if (!bad) bad = load_existing(&st, st.runs_path, err, sizeof err);
  for (int i = 0; !bad && done_elsewhere && done_elsewhere[i]; i++)
    bad = load_existing(&st, done_elsewhere[i], err, sizeof err);
  if (bad) {
    fprintf(stderr, "mmbench run: %s\n", err);
    free(st.done), free(st.sum), free(st.sum_cell), free(st.group);
    mmb_cellmap_free(&st.cells);
    return 2;
  }
  mmb_child_catch_signals();
  int hooks[16], nhooks = mmb_counters_hold_hooks(&plan->counters, hooks, 16); /* counters.h */

  int rc = 0;
  /* cells that cannot run: one row each, with the reason */
  for (int i = 0; i < plan->ncells && rc == 0; i++) {
    const mmb_cell_plan *c = &plan->cells[i];
    const mmb_probe_result *p = &probes[c->alloc];
    if (c->skip[0])
      rc = record_unrunnable(&st, i, MMB_ST_SKIPPED, c->skip);
    else if (p->status != MMB_ST_OK)
      rc = record_unrunnable(&st, i, p->status, p->reason);
    else if (cell_broken(c, p))
      rc = record_unrunnable(&st, i, MMB_ST_NONCONFORMING, p->broken_reason);
  }
  for (int i = 0; i < plan->ncells; i++) {
    const mmb_cell_plan *c = &plan->cells[i];
    if (!runnable(c, &probes[c->alloc])) continue;
    for (int r = 0; r < plan->reps; r++) st.total += !st.done[i * plan->reps + r];
  }
  st.t0 = mmb_mono_s();
  /* the verification repetition of every cell that still has repetitions
   * to run, for workloads with a touch parameter (the others check their
   * blocks in every repetition) */
  for (int i = 0; i < plan->ncells && rc == 0 && !mmb_interrupted; i++) {
    const mmb_cell_plan *c = &plan->cells[i];
    if (!runnable(c, &probes[c->alloc]) || mmb_workload_param_index(c->w, "touch") < 0) continue;
    int left = 0;
    for (int r = 0; r < plan->reps; r++) left += !st.done[i * plan->reps + r];
    if (left && verify_cell(&st, i) < 0) rc = -1;
  }
  /* warm-up rounds, then repetitions interleaved across cells */
  for (int r = -plan->warmup; r < plan->reps && rc == 0 && !mmb_interrupted; r++) {
    for (int i = 0; i < plan->ncells && rc == 0 && !mmb_interrupted; i++) {
      const mmb_cell_plan *c = &plan->cells[i];
      if (!runnable(c, &probes[c->alloc])) continue;
      if (r >= 0 && st.done[i * plan->reps + r]) continue;
      if (r < 0 && st.total == 0) continue;
      if (r < 0 && all_done(&st, i)) continue; /* e.g. its verification failed */
      rc = run_one(&st, i, r);
    }
  }
  if (st.tty && !quiet) fprintf(stderr, "\n");
  free(st.done);
  free(st.sum);
  free(st.sum_cell);
  free(st.group);
  mmb_cellmap_free(&st.cells);
  mmb_counters_release_hooks(hooks, nhooks);
  if (mmb_interrupted) return 130;
  return rc == 0 ? 0 : 1;
}
