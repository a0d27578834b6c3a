/* mmbench — counters: option parsing and event sets, the columns a
 * configuration adds, the child's --counters argument, and the cell and
 * thread hooks, which dispatch to counters_perf.c (hw), counters_sim.c (valgrind) and
 * counters_latency.c (sampled call latencies). */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counters_int.h"
#include "mmb_config.h"
#include "workload.h" /* MMB_MAX_THREADS */

/* ---------------------------------------------------------------------------
 * Event sets
 * ------------------------------------------------------------------------- */
static const struct event_set {
  const char *name;
  const char *events;
} sets[] = {
    {"default",
     "cycles,instructions,cache-references,cache-misses,L1-dcache-load-misses,"
     "dTLB-load-misses,branch-misses,task-clock,page-faults,context-switches,cpu-migrations"},
    {"software", "task-clock,page-faults,context-switches,cpu-migrations"},
    {"cache", "cycles,instructions,cache-references,cache-misses,L1-dcache-loads,"
              "L1-dcache-load-misses,LLC-loads,LLC-load-misses"},
    {"tlb", "cycles,instructions,dTLB-loads,dTLB-load-misses,iTLB-load-misses"},
    {"branch", "cycles,instructions,branches,branch-misses"},
    {NULL, NULL},
};

const char *mmb_counters_set_name(int i) {
  return i >= 0 && i < (int)(sizeof sets / sizeof sets[0]) ? sets[i].name : NULL;
}

const char *mmb_counters_set_events(const char *set) {
  for (int i = 0; sets[i].name; i++)
    if (strcmp(sets[i].name, set) == 0) return sets[i].events;
  return NULL;
}

int mmb_cnt_split(const char *list, char names[][MMB_CNT_NAME], int max) {
  int n = 0;
  const char *p = list;
  while (*p && n < max) {
    while (*p == ',' || isspace((unsigned char)*p)) p++;
    size_t len = strcspn(p, ",");
    while (len && isspace((unsigned char)p[len - 1])) len--;
    if (len) {
      if (len >= MMB_CNT_NAME) len = MMB_CNT_NAME - 1;
      memcpy(names[n], p, len);
      names[n++][len] = 0;
    }
    p += strcspn(p, ",");
  }
  return n;
}

static int valid_chars(const char *s) {
  for (; *s; s++)
    if (!isalnum((unsigned char)*s) && !strchr("_-:.=", *s)) return 0;
  return 1;
}

/* ---------------------------------------------------------------------------
 * Nearest names, for an unknown event
 * ------------------------------------------------------------------------- */
/* Case-insensitive edit distance of a and b (names are short). */
static int distance(const char *a, const char *b) {
  int la = (int)strlen(a), lb = (int)strlen(b), row[MMB_CNT_NAME + 1];
  if (la > MMB_CNT_NAME || lb > MMB_CNT_NAME) return 1000;
  for (int j = 0; j <= lb; j++) row[j] = j;
  for (int i = 1; i <= la; i++) {
    int diag = row[0];
    row[0] = i;
    for (int j = 1; j <= lb; j++) {
      int up = row[j];
      int same = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]);
      int best = diag + !same;
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[lb];
}

typedef struct near3 {
  const char *typed;
  char name[3][MMB_CNT_NAME];
  int d[3];
} near3;

static void near_add(near3 *n, const char *name) {
  int d = distance(n->typed, name);
  for (int k = 0; k < 3; k++)
    if (n->name[k][0] && strcasecmp(n->name[k], name) == 0) return;
  for (int k = 0; k < 3; k++) {
    if (n->name[k][0] && d >= n->d[k]) continue;
    for (int m = 2; m > k; m--) {
      n->d[m] = n->d[m - 1];
      memcpy(n->name[m], n->name[m - 1], MMB_CNT_NAME);
    }
    n->d[k] = d;
    snprintf(n->name[k], MMB_CNT_NAME, "%s", name);
    return;
  }
}

static void near_generic(const char *name, const char *equiv, const char *desc, void *arg) {
  (void)equiv, (void)desc;
  near_add(arg, name);
}

/* "; nearest: a, b, c" for the names closest to typed (generic events and
 * set names), or "" when none is close. */
static void nearest(const char *typed, char *out, size_t len) {
  near3 n;
  memset(&n, 0, sizeof n);
  n.typed = typed;
  mmb_pe_each_generic(near_generic, &n);
  for (int i = 0; sets[i].name; i++) near_add(&n, sets[i].name);
  int limit = (int)strlen(typed) / 2 > 3 ? (int)strlen(typed) / 2 : 3;
  out[0] = 0;
  for (int k = 0; k < 3; k++) {
    if (!n.name[k][0] || n.d[k] > limit) continue;
    size_t u = strlen(out);
    snprintf(out + u, len - u, "%s%s", u ? ", " : "; nearest: ", n.name[k]);
  }
}

/* Expand set names, check and de-duplicate event names into out. */
static int expand_events(const char *in, char *out, size_t outlen, char *err, size_t errlen) {
  char names[MMB_CNT_MAX][MMB_CNT_NAME];
  int n = 0;
  const char *p = in && *in ? in : "default";
  out[0] = 0;
  while (*p) {
    while (*p == ',' || isspace((unsigned char)*p)) p++;
    size_t len = strcspn(p, ",");
    char tok[256];
    while (len && isspace((unsigned char)p[len - 1])) len--;
    if (len >= sizeof tok) {
      snprintf(err, errlen, "event name too long: '%.40s...'", p);
      return -1;
    }
    memcpy(tok, p, len);
    tok[len] = 0;
    p += strcspn(p, ",");
    if (!len) continue;
    const char *set = mmb_counters_set_events(tok);
    char sub[MMB_CNT_MAX][MMB_CNT_NAME];
    int m = 1;
    if (set) {
      m = mmb_cnt_split(set, sub, MMB_CNT_MAX);
    } else {
      if (len >= MMB_CNT_NAME || !valid_chars(tok)) {
        snprintf(err, errlen,
                 "bad event name '%s' (at most %d characters of A-Z a-z 0-9 _ - : . =); see: "
                 "mmbench list events",
                 tok, MMB_CNT_NAME - 1);
        return -1;
      }
      snprintf(sub[0], MMB_CNT_NAME, "%s", tok);
    }
    for (int i = 0; i < m; i++) {
      int dup = 0;
      for (int j = 0; j < n && !dup; j++) dup = strcmp(names[j], sub[i]) == 0;
      if (dup) continue;
      if (mmb_pe_lookup(sub[i], NULL, err, errlen) != 0) {
        char near[160];
        nearest(sub[i], near, sizeof near);
        size_t u = strlen(err);
        if (near[0] && u < errlen) snprintf(err + u, errlen - u, "%s", near);
        return -1;
      }
      if (n == MMB_CNT_MAX) {
        snprintf(err, errlen, "too many events (at most %d)", MMB_CNT_MAX);
        return -1;
      }
      snprintf(names[n++], MMB_CNT_NAME, "%s", sub[i]);
    }
  }
  for (int i = 0; i < n; i++) {
    size_t u = strlen(out);
    if (u + strlen(names[i]) + 2 > outlen) {
      snprintf(err, errlen, "event list too long");
      return -1;
    }
    snprintf(out + u, outlen - u, "%s%s", i ? "," : "", names[i]);
  }
  return 0;
}

/* ---------------------------------------------------------------------------
 * Options
 * ------------------------------------------------------------------------- */
int mmb_counters_parse(mmb_counter_opts *o, const char *mode, const char *events,
                       const char *latency, char *err, size_t errlen) {
  memset(o, 0, sizeof *o);
  int has_events = events && *events;
  if (!mode || !*mode || strcmp(mode, "hw") == 0 || strcmp(mode, "on") == 0)
    o->mode = MMB_COUNTERS_HW;
  else if (strcmp(mode, "off") == 0 || strcmp(mode, "none") == 0)
    o->mode = MMB_COUNTERS_OFF;
  else if (strcmp(mode, "sim") == 0)
    o->mode = MMB_COUNTERS_SIM;
  else {
    snprintf(err, errlen, "--counters must be hw, sim or off, not '%s'", mode);
    return -1;
  }
  if (!latency || !*latency || strcmp(latency, "0") == 0 || strcmp(latency, "off") == 0) {
    o->latency_every = 0;
  } else if (strcmp(latency, "on") == 0) {
    o->latency_every = 100;
  } else {
    char *end;
    errno = 0;
    unsigned long long k = strtoull(latency, &end, 10);
    if (errno || *end || end == latency || latency[0] == '-' || k < 1 || k > 1000000000ull) {
      snprintf(err, errlen,
               "--latency needs K >= 1 (time every K-th allocator call), 'on' (K=100) or 0/off, "
               "not '%s'",
               latency);
      return -1;
    }
    o->latency_every = (unsigned)k;
  }
  switch (o->mode) {
  case MMB_COUNTERS_OFF:
    if (has_events) {
      snprintf(err, errlen, "--events needs --counters hw (counters are off)");
      return -1;
    }
    return 0;
  case MMB_COUNTERS_SIM:
    if (!MMB_HAVE_VALGRIND) {
      snprintf(err, errlen,
               "--counters sim needs valgrind, not found at build time (install valgrind, re-run "
               "cmake)");
      return -1;
    }
    if (has_events && strcmp(events, "default") != 0) {
      snprintf(err, errlen,
               "--events selects perf events; --counters sim records callgrind's fixed set (Ir Dr "
               "Dw D1mr D1mw DLmr DLmw)");
      return -1;
    }
    if (o->latency_every) {
      snprintf(err, errlen,
               "--latency times calls, which valgrind distorts: use it with --counters hw or off, "
               "not sim");
      return -1;
    }
    return 0;
  case MMB_COUNTERS_HW: return expand_events(events, o->events, sizeof o->events, err, errlen);
  }
  return 0;
}

void mmb_counters_to_arg(const mmb_counter_opts *o, char *buf, size_t len) {
  const char *mode = o->mode == MMB_COUNTERS_HW    ? "hw"
                     : o->mode == MMB_COUNTERS_SIM ? "sim"
                                                   : "off";
  size_t u = (size_t)snprintf(buf, len, "%s", mode);
  if (o->latency_every && u < len)
    u += (size_t)snprintf(buf + u, len - u, ";latency=%u", o->latency_every);
  if (o->mode == MMB_COUNTERS_HW && o->events[0] && u < len)
    snprintf(buf + u, len - u, ";events=%s", o->events); /* last: the rest of the text */
}

int mmb_counters_from_arg(mmb_counter_opts *o, const char *arg) {
  char mode[16] = "", latency[24] = "";
  const char *events = "";
  const char *p = arg ? arg : "off";
  size_t len = strcspn(p, ";");
  if (len >= sizeof mode) return -1;
  memcpy(mode, p, len);
  mode[len] = 0;
  p += len;
  while (*p == ';') {
    p++;
    if (strncmp(p, "events=", 7) == 0) {
      events = p + 7;
      break;
    }
    len = strcspn(p, ";");
    if (strncmp(p, "latency=", 8) == 0 && len - 8 < sizeof latency) {
      memcpy(latency, p + 8, len - 8);
      latency[len - 8] = 0;
    } else {
      return -1;
    }
    p += len;
  }
  char err[256];
  return mmb_counters_parse(o, mode, events, latency, err, sizeof err) == 0 ? 0 : -1;
}

/* ---------------------------------------------------------------------------
 * Columns
 * ------------------------------------------------------------------------- */
/* The column of an event: its name, '=' (libpfm4 modifiers such as c=1)
 * turned into '_' because the record's wire format is key=value. */
static void column_of(const char *event, const char *suffix, char *out, size_t len) {
  snprintf(out, len, "%s%s", event, suffix);
  for (char *p = out; *p; p++)
    if (*p == '=') *p = '_';
}

static const char *const sim_cols[] = {"sim_Ir",   "sim_Dr",   "sim_Dw",  "sim_D1mr",
                                       "sim_D1mw", "sim_DLmr", "sim_DLmw"};
#define NSIM (int)(sizeof sim_cols / sizeof sim_cols[0])

static const char *const lat_cols[] = {
    "lat_malloc_p50_ns", "lat_malloc_p90_ns", "lat_malloc_p99_ns", "lat_malloc_p999_ns",
    "lat_malloc_max_ns", "lat_free_p50_ns",   "lat_free_p90_ns",   "lat_free_p99_ns",
    "lat_free_p999_ns",  "lat_free_max_ns",   "lat_samples"};

int mmb_counters_columns(const mmb_counter_opts *o, const char **cols, int max) {
  static char pool[3 * MMB_CNT_MAX][MMB_REC_NAME];
  int n = 0;
#define ADD(s)                                                                                     \
  do {                                                                                             \
    if (n < max) cols[n++] = (s);                                                                  \
  } while (0)
  if (o->mode == MMB_COUNTERS_HW) {
    char names[MMB_CNT_MAX][MMB_CNT_NAME];
    unsigned flags[MMB_CNT_MAX];
    int ne = mmb_cnt_split(o->events, names, MMB_CNT_MAX), have_c = 0, have_i = 0, np = 0;
    for (int i = 0; i < ne; i++) {
      flags[i] = 0;
      mmb_pe_lookup(names[i], &flags[i], NULL, 0);
      column_of(names[i], "", pool[np], MMB_REC_NAME);
      ADD(pool[np]);
      np++;
      have_c |= (flags[i] & MMB_PE_CYCLES) != 0;
      have_i |= (flags[i] & MMB_PE_INSNS) != 0;
    }
    for (int i = 0; i < ne; i++) {
      if (flags[i] & MMB_PE_SOFTWARE) continue;
      column_of(names[i], "_per_op", pool[np], MMB_REC_NAME);
      ADD(pool[np]);
      np++;
    }
    for (int i = 0; i < ne; i++) {
      if (flags[i] & MMB_PE_SOFTWARE) continue;
      column_of(names[i], MMB_CNT_RUNNING, pool[np], MMB_REC_NAME);
      ADD(pool[np]);
      np++;
    }
    if (have_c && have_i) ADD("ipc");
    if (ne) ADD("counters_running_frac");
  } else if (o->mode == MMB_COUNTERS_SIM) {
    for (int i = 0; i < NSIM; i++) ADD(sim_cols[i]);
    ADD("sim_Ir_per_op");
  }
  if (o->latency_every)
    for (size_t i = 0; i < sizeof lat_cols / sizeof lat_cols[0]; i++) ADD(lat_cols[i]);
#undef ADD
  return n;
}

/* ---------------------------------------------------------------------------
 * SIM mode, parent side
 * ------------------------------------------------------------------------- */
int mmb_counters_exec_prefix(const mmb_counter_opts *o, const char *out_file, const char **prefix,
                             int max) {
  if (o->mode != MMB_COUNTERS_SIM) {
    if (max > 0) prefix[0] = NULL;
    return 0;
  }
  return mmb_sim_prefix(out_file, prefix, max);
}

int mmb_counters_after_child(const mmb_counter_opts *o, const char *out_file, mmb_record *rec) {
  if (o->mode != MMB_COUNTERS_SIM) return 0;
  char names[32][16];
  uint64_t vals[32];
  int n = mmb_sim_parse(out_file, names, vals, 32);
  if (n < 0) return n; /* columns stay empty */
  uint64_t ir = 0;
  int have_ir = 0;
  for (int i = 0; i < n; i++) {
    char col[32];
    snprintf(col, sizeof col, "sim_%s", names[i]);
    for (int k = 0; k < NSIM; k++)
      if (strcmp(col, sim_cols[k]) == 0) mmb_record_set_u64(rec, col, vals[i]);
    if (strcmp(names[i], "Ir") == 0) ir = vals[i], have_ir = 1;
  }
  double ops;
  if (have_ir && mmb_record_num(rec, "ops", &ops) && ops > 0)
    mmb_record_set_f(rec, "sim_Ir_per_op", (double)ir / ops);
  return 0;
}

/* ---------------------------------------------------------------------------
 * Child side: cell and thread hooks
 * ------------------------------------------------------------------------- */
struct mmb_thread_counters {
  mmb_counter_mode mode;
  mmb_pe_thread *pe;
  mmb_lat_slot *lat;
};

struct mmb_counters {
  mmb_counter_opts o;
  int n;
  char names[MMB_CNT_MAX][MMB_CNT_NAME];
  unsigned flags[MMB_CNT_MAX];
  mmb_pe_cell *pe;
  /* Preallocated per-thread state: thread_open does not allocate, so a
   * worker's first call to the allocator under test stays in the region,
   * with counters on or off. */
  atomic_int nthr;
  mmb_thread_counters thr[MMB_MAX_THREADS];
};

mmb_counters *mmb_counters_cell_open(const mmb_counter_opts *o) {
  if (!o || (o->mode == MMB_COUNTERS_OFF && !o->latency_every)) return NULL;
  mmb_counters *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->o = *o;
  if (o->mode == MMB_COUNTERS_SIM) mmb_sim_cell_open();
  if (o->mode == MMB_COUNTERS_HW) {
    c->n = mmb_cnt_split(o->events, c->names, MMB_CNT_MAX);
    for (int i = 0; i < c->n; i++) mmb_pe_lookup(c->names[i], &c->flags[i], NULL, 0);
    c->pe = mmb_pe_cell_open(c->names, c->n);
  }
  return c;
}

mmb_thread_counters *mmb_counters_thread_open(mmb_counters *c) {
  if (!c) return NULL;
  int slot = atomic_fetch_add(&c->nthr, 1);
  if (slot >= MMB_MAX_THREADS) return NULL;
  mmb_thread_counters *t = &c->thr[slot];
  t->mode = c->o.mode;
  if (t->mode == MMB_COUNTERS_SIM) mmb_sim_thread_quiet();
  if (c->pe) t->pe = mmb_pe_thread_open(c->pe);
  if (c->o.latency_every) t->lat = mmb_lat_thread_claim();
  return t;
}

mmb_thread_counters *mmb_counters_thread_open_main(mmb_counters *c) {
  mmb_thread_counters *t = mmb_counters_thread_open(c);
  if (t && t->mode == MMB_COUNTERS_SIM) mmb_sim_thread_quiet(); /* back off, as since cell open */
  return t;
}

void mmb_counters_thread_start(mmb_thread_counters *t) {
  if (!t) return;
  if (t->lat) mmb_lat_thread_arm(t->lat);
  if (t->mode == MMB_COUNTERS_SIM) mmb_sim_thread_start();
  mmb_pe_thread_start(t->pe);
}

void mmb_counters_thread_stop(mmb_thread_counters *t) {
  if (!t) return;
  mmb_pe_thread_stop(t->pe);
  if (t->mode == MMB_COUNTERS_SIM) mmb_sim_thread_stop();
  if (t->lat) mmb_lat_thread_disarm();
}

void mmb_counters_thread_close(mmb_counters *c, mmb_thread_counters *t) {
  if (!t) return;
  if (c) mmb_pe_thread_close(c->pe, t->pe);
  t->pe = NULL;
}

void mmb_counters_region_start(mmb_counters *c) {
  if (c && c->o.mode == MMB_COUNTERS_SIM) mmb_sim_region_start();
}

void mmb_counters_region_stop(mmb_counters *c) {
  if (c && c->o.mode == MMB_COUNTERS_SIM) mmb_sim_region_stop();
}

void mmb_cnt_put(char names[][MMB_CNT_NAME], const unsigned *flags, const double *val,
                 const double *frac, const int *have, int n, uint64_t ops, mmb_record *rec) {
  int any = 0, ic = -1, ii = -1;
  double frac_min = 1.0;
  for (int i = 0; i < n; i++) {
    if (!have[i]) continue;
    any = 1;
    if (frac[i] < frac_min) frac_min = frac[i];
    if ((flags[i] & MMB_PE_CYCLES) && ic < 0) ic = i;
    if ((flags[i] & MMB_PE_INSNS) && ii < 0) ii = i;
    char col[MMB_REC_NAME];
    column_of(names[i], "", col, sizeof col);
    mmb_record_set_u64(rec, col, (uint64_t)(val[i] + 0.5));
    if (!(flags[i] & MMB_PE_SOFTWARE) && ops > 0) {
      column_of(names[i], "_per_op", col, sizeof col);
      mmb_record_set_f(rec, col, val[i] / (double)ops);
    }
    if (!(flags[i] & MMB_PE_SOFTWARE)) {
      column_of(names[i], MMB_CNT_RUNNING, col, sizeof col);
      mmb_record_set_f(rec, col, frac[i]);
    }
  }
  if (ic >= 0 && ii >= 0 && val[ic] > 0) mmb_record_set_f(rec, "ipc", val[ii] / val[ic]);
  if (any) mmb_record_set_f(rec, "counters_running_frac", frac_min);
}

void mmb_counters_cell_report(mmb_counters *c, uint64_t ops, mmb_record *rec) {
  if (!c || !c->pe) return;
  double val[MMB_CNT_MAX], frac[MMB_CNT_MAX];
  int have[MMB_CNT_MAX];
  for (int i = 0; i < c->n; i++) {
    frac[i] = 1.0;
    int r = mmb_pe_result(c->pe, i, &val[i], &frac[i]);
    have[i] = r == 1;
    if (r < 0) /* opened in the plan, yet no full count: say why once */
      fprintf(stderr, "mmbench cell: %s left empty: %s\n", c->names[i], mmb_pe_why(c->pe, i));
    if (have[i] && (c->flags[i] & MMB_PE_NONZERO) && val[i] < 0.5 && ops > 0) {
      fprintf(stderr,
              "mmbench cell: %s counted 0 over a busy measured region: suspect, left empty\n",
              c->names[i]);
      have[i] = 0;
    }
  }
  mmb_cnt_put(c->names, c->flags, val, frac, have, c->n, ops, rec);
}

void mmb_counters_cell_close(mmb_counters *c) {
  if (!c) return;
  mmb_pe_cell_close(c->pe);
  free(c);
}
