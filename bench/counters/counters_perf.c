/* mmbench — perf events: names encoded by libpfm4 (or, in a build without
 * it, a small builtin table of the generic perf names) into perf_event_attr,
 * opened per thread with perf_event_open, switched on and off around the
 * measured region, read with time enabled / running and scaled for
 * multiplexing. An event that does not open is kept with errno and a reason
 * instead of a number.
 *
 * Privilege levels: hardware events count user space only (PFM_PLM3), which
 * is what perf_event_paranoid <= 2 allows everywhere, so counts compare
 * across machines. Software events also count in the kernel where allowed,
 * because context switches and migrations happen there (user-only they read
 * 0); they fall back to user-only on EACCES / EPERM.
 *
 * Groups: hardware events go in groups of at most MMB_PE_GROUP events, in
 * selection order, so the default pairs (cycles + instructions, references +
 * misses) each come from one group and every group fits the PMU even when the
 * NMI watchdog holds a counter; a group the kernel refuses (EINVAL) is split.
 * Software events share one group (one ioctl).
 *
 * Inheritance: events are opened with inherit = 1, so a thread a worker
 * creates inside the region is counted with it (read() of an inherited
 * event returns the sum over the thread and its descendants, exited or
 * not). That rules out PERF_FORMAT_GROUP reads, so every event is read on
 * its own descriptor. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "counters_int.h"
#include "mmb_config.h"
#include "workload.h" /* MMB_MAX_THREADS */

#if MMB_HAVE_PFM
#include <perfmon/pfmlib_perf_event.h>
#else
#include <linux/perf_event.h>
#endif

#define MMB_PE_GROUP 2 /* hardware events per group */

/* ---------------------------------------------------------------------------
 * Encoding
 * ------------------------------------------------------------------------- */
typedef struct pe_enc {
  struct perf_event_attr attr;
  unsigned long open_flags; /* extra perf_event_open flags from libpfm4 */
  unsigned flags;           /* MMB_PE_* */
  int kernel;               /* counts kernel level too */
  char fq[160];             /* fully qualified name */
} pe_enc;

static unsigned classify(const struct perf_event_attr *a) {
  unsigned f = 0;
  if (a->type == PERF_TYPE_SOFTWARE) {
    f |= MMB_PE_SOFTWARE;
    if (a->config == PERF_COUNT_SW_CPU_CLOCK || a->config == PERF_COUNT_SW_TASK_CLOCK)
      f |= MMB_PE_NONZERO;
  } else if (a->type == PERF_TYPE_HARDWARE) {
    if (a->config == PERF_COUNT_HW_CPU_CYCLES) f |= MMB_PE_CYCLES | MMB_PE_NONZERO;
    if (a->config == PERF_COUNT_HW_INSTRUCTIONS) f |= MMB_PE_INSNS | MMB_PE_NONZERO;
    if (a->config == PERF_COUNT_HW_REF_CPU_CYCLES) f |= MMB_PE_NONZERO;
  }
  return f;
}

#if MMB_HAVE_PFM
static int pfm_ready;
static pthread_once_t pfm_once = PTHREAD_ONCE_INIT;
static void pfm_init_once(void) { pfm_ready = pfm_initialize() == PFM_SUCCESS; }

static int encode_plm(const char *name, int plm, pe_enc *e, char *err, size_t errlen) {
  pthread_once(&pfm_once, pfm_init_once);
  if (!pfm_ready) {
    snprintf(err, errlen, "libpfm4 failed to initialise: cannot encode '%s'", name);
    return -1;
  }
  memset(e, 0, sizeof *e);
  pfm_perf_encode_arg_t arg;
  memset(&arg, 0, sizeof arg);
  char *fstr = NULL;
  arg.attr = &e->attr;
  arg.fstr = &fstr;
  arg.size = sizeof arg;
  int rc = pfm_get_os_event_encoding(name, plm, PFM_OS_PERF_EVENT_EXT, &arg);
  if (rc != PFM_SUCCESS) {
    snprintf(err, errlen,
             "unknown event '%s' (libpfm4: %s); see the valid names with: mmbench list events",
             name, pfm_strerror(rc));
    return -1;
  }
  if (fstr) {
    snprintf(e->fq, sizeof e->fq, "%s", fstr);
    free(fstr);
  }
  e->open_flags = (unsigned long)arg.flags;
  e->kernel = (plm & PFM_PLM0) != 0;
  return 0;
}

static int encode(const char *name, int want_kernel, pe_enc *e, char *err, size_t errlen) {
  if (encode_plm(name, PFM_PLM3, e, err, errlen) != 0) return -1;
  if (e->attr.type == PERF_TYPE_SOFTWARE && want_kernel &&
      encode_plm(name, PFM_PLM3 | PFM_PLM0, e, err, errlen) != 0)
    return -1;
  e->flags = classify(&e->attr);
  return 0;
}
#else
/* Generic perf names (lowercase, as perf(1) spells them). */
#define HWC(c, op, res) ((c) | ((op) << 8) | ((res) << 16))
static const struct builtin {
  const char *name;
  unsigned type;
  unsigned long long config;
  const char *desc;
} builtins[] = {
    {"cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, "CPU cycles"},
    {"cpu-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, "CPU cycles"},
    {"instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, "retired instructions"},
    {"cache-references", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES, "cache accesses"},
    {"cache-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES, "cache misses"},
    {"branches", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS, "branch instructions"},
    {"branch-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES, "mispredicted branches"},
    {"ref-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_REF_CPU_CYCLES, "reference cycles"},
    {"L1-dcache-loads", PERF_TYPE_HW_CACHE,
     HWC(PERF_COUNT_HW_CACHE_L1D, PERF_COUNT_HW_CACHE_OP_READ, PERF_COUNT_HW_CACHE_RESULT_ACCESS),
     "L1 data cache loads"},
    {"L1-dcache-load-misses", PERF_TYPE_HW_CACHE,
     HWC(PERF_COUNT_HW_CACHE_L1D, PERF_COUNT_HW_CACHE_OP_READ, PERF_COUNT_HW_CACHE_RESULT_MISS),
     "L1 data cache load misses"},
    {"LLC-loads", PERF_TYPE_HW_CACHE,
     HWC(PERF_COUNT_HW_CACHE_LL, PERF_COUNT_HW_CACHE_OP_READ, PERF_COUNT_HW_CACHE_RESULT_ACCESS),
     "last level cache loads"},
    {"LLC-load-misses", PERF_TYPE_HW_CACHE,
     HWC(PERF_COUNT_HW_CACHE_LL, PERF_COUNT_HW_CACHE_OP_READ, PERF_COUNT_HW_CACHE_RESULT_MISS),
     "last level cache load misses"},
    {"dTLB-loads", PERF_TYPE_HW_CACHE,
     HWC(PERF_COUNT_HW_CACHE_DTLB, PERF_COUNT_HW_CACHE_OP_READ, PERF_COUNT_HW_CACHE_RESULT_ACCESS),
     "data TLB loads"},
    {"dTLB-load-misses", PERF_TYPE_HW_CACHE,
     HWC(PERF_COUNT_HW_CACHE_DTLB, PERF_COUNT_HW_CACHE_OP_READ, PERF_COUNT_HW_CACHE_RESULT_MISS),
     "data TLB load misses"},
    {"iTLB-load-misses", PERF_TYPE_HW_CACHE,
     HWC(PERF_COUNT_HW_CACHE_ITLB, PERF_COUNT_HW_CACHE_OP_READ, PERF_COUNT_HW_CACHE_RESULT_MISS),
     "instruction TLB load misses"},
    {"task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK, "thread CPU time (ns)"},
    {"cpu-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK, "CPU clock (ns)"},
    {"page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS, "page faults"},
    {"minor-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MIN, "minor page faults"},
    {"major-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MAJ, "major page faults"},
    {"context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, "context switches"},
    {"cpu-migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS, "CPU migrations"},
};
#define NBUILTINS (sizeof builtins / sizeof builtins[0])

static int encode(const char *name, int want_kernel, pe_enc *e, char *err, size_t errlen) {
  memset(e, 0, sizeof *e);
  for (size_t i = 0; i < NBUILTINS; i++) {
    if (strcasecmp(builtins[i].name, name) != 0) continue;
    e->attr.type = builtins[i].type;
    e->attr.config = builtins[i].config;
    e->kernel = want_kernel && builtins[i].type == PERF_TYPE_SOFTWARE;
    e->attr.exclude_kernel = !e->kernel;
    e->attr.exclude_hv = 1;
    snprintf(e->fq, sizeof e->fq, "builtin:type=%u,config=0x%llx", builtins[i].type,
             builtins[i].config);
    e->flags = classify(&e->attr);
    return 0;
  }
  snprintf(err, errlen,
           "unknown event '%s' (built without libpfm4: only the generic perf names); see the valid "
           "names with: mmbench list events",
           name);
  return -1;
}
#endif

int mmb_pe_lookup(const char *name, unsigned *flags, char *err, size_t errlen) {
  pe_enc e;
  if (encode(name, 0, &e, err, errlen) != 0) return -1;
  if (flags) *flags = e.flags;
  return 0;
}

/* ---------------------------------------------------------------------------
 * What this machine offers
 * ------------------------------------------------------------------------- */
int mmb_pe_paranoid(void) {
  FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
  int v = -99;
  if (!f) return v;
  if (fscanf(f, "%d", &v) != 1) v = -99;
  fclose(f);
  return v;
}

const char *mmb_pe_pmu_name(void) {
#if MMB_HAVE_PFM
  static char name[64];
  static int done;
  if (done) return name[0] ? name : NULL;
  pthread_once(&pfm_once, pfm_init_once);
  done = 1;
  if (!pfm_ready) return NULL;
  const char *core = NULL;
  pfm_pmu_t p;
  pfm_for_all_pmus(p) {
    pfm_pmu_info_t in;
    memset(&in, 0, sizeof in);
    in.size = sizeof in;
    if (pfm_get_pmu_info(p, &in) != PFM_SUCCESS || !in.is_present) continue;
    if (in.is_dfl) {
      snprintf(name, sizeof name, "%s", in.name);
      return name;
    }
    if (!core && in.type == PFM_PMU_TYPE_CORE) core = in.name;
  }
  if (core) snprintf(name, sizeof name, "%s", core);
  return name[0] ? name : NULL;
#else
  return NULL;
#endif
}

void mmb_pe_pmus(char *out, size_t len) {
  out[0] = 0;
  (void)len;
#if MMB_HAVE_PFM
  pthread_once(&pfm_once, pfm_init_once);
  if (!pfm_ready) return;
  pfm_pmu_t p;
  pfm_for_all_pmus(p) {
    pfm_pmu_info_t in;
    memset(&in, 0, sizeof in);
    in.size = sizeof in;
    if (pfm_get_pmu_info(p, &in) != PFM_SUCCESS || !in.is_present) continue;
    size_t u = strlen(out);
    snprintf(out + u, len - u, "%s%s", u ? "," : "", in.name);
  }
#endif
}

void mmb_pe_pmu_counters(int *gp, int *fixed) {
  *gp = *fixed = -1;
#if MMB_HAVE_PFM
  pthread_once(&pfm_once, pfm_init_once);
  if (!pfm_ready) return;
  pfm_pmu_t p;
  pfm_for_all_pmus(p) {
    pfm_pmu_info_t in;
    memset(&in, 0, sizeof in);
    in.size = sizeof in;
    if (pfm_get_pmu_info(p, &in) != PFM_SUCCESS || !in.is_present) continue;
    if (in.type != PFM_PMU_TYPE_CORE && !in.is_dfl) continue;
    *gp = in.num_cntrs, *fixed = in.num_fixed_cntrs;
    if (in.type == PFM_PMU_TYPE_CORE) return;
  }
#endif
}

int mmb_pe_hw_visible(void) {
  static const char *const dirs[] = {"/sys/bus/event_source/devices/cpu",
                                     "/sys/bus/event_source/devices/cpu_core",
                                     "/sys/bus/event_source/devices/cpu_atom"};
  if (mmb_pe_pmu_name()) return 1;
  for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
    if (access(dirs[i], F_OK) == 0) return 1;
  return 0;
}

void mmb_pe_each_generic(void (*fn)(const char *, const char *, const char *, void *), void *arg) {
#if MMB_HAVE_PFM
  pthread_once(&pfm_once, pfm_init_once);
  if (!pfm_ready) return;
  pfm_pmu_info_t in;
  memset(&in, 0, sizeof in);
  in.size = sizeof in;
  if (pfm_get_pmu_info(PFM_PMU_PERF_EVENT, &in) != PFM_SUCCESS || !in.is_present) return;
  for (int i = in.first_event; i != -1; i = pfm_get_event_next(i)) {
    pfm_event_info_t e;
    memset(&e, 0, sizeof e);
    e.size = sizeof e;
    if (pfm_get_event_info(i, PFM_OS_PERF_EVENT_EXT, &e) != PFM_SUCCESS) continue;
    if (!e.equiv || !*e.equiv) continue; /* the aliases are the names people type */
    char low[64];
    size_t k = 0;
    for (; e.name[k] && k + 1 < sizeof low; k++) low[k] = (char)tolower((unsigned char)e.name[k]);
    low[k] = 0;
    fn(low, e.equiv, e.desc ? e.desc : "", arg);
  }
#else
  for (size_t i = 0; i < NBUILTINS; i++) fn(builtins[i].name, "", builtins[i].desc, arg);
#endif
}

int mmb_pe_each_core(void (*fn)(const char *, const char *, void *), void *arg) {
#if MMB_HAVE_PFM
  const char *pmu = mmb_pe_pmu_name();
  if (!pmu) return 0;
  int count = 0;
  pfm_pmu_t p;
  pfm_for_all_pmus(p) {
    pfm_pmu_info_t in;
    memset(&in, 0, sizeof in);
    in.size = sizeof in;
    if (pfm_get_pmu_info(p, &in) != PFM_SUCCESS || !in.is_present || strcmp(in.name, pmu)) continue;
    for (int i = in.first_event; i != -1; i = pfm_get_event_next(i)) {
      pfm_event_info_t e;
      memset(&e, 0, sizeof e);
      e.size = sizeof e;
      if (pfm_get_event_info(i, PFM_OS_PERF_EVENT_EXT, &e) != PFM_SUCCESS) continue;
      char full[160];
      snprintf(full, sizeof full, "%s::%s", pmu, e.name);
      fn(full, e.desc ? e.desc : "", arg);
      count++;
    }
    break;
  }
  return count;
#else
  (void)fn, (void)arg;
  return 0;
#endif
}

int mmb_counters_hold_hooks(const mmb_counter_opts *o, int *fds, int max) {
  int n = 0;
  if (!o || o->mode != MMB_COUNTERS_HW) return 0;
  for (unsigned long long sw = 0; sw <= PERF_COUNT_SW_DUMMY && n < max; sw++) {
    struct perf_event_attr a;
    memset(&a, 0, sizeof a);
    a.type = PERF_TYPE_SOFTWARE;
    a.size = sizeof a;
    a.config = sw;
    a.disabled = 1;
    a.exclude_kernel = 1; /* allowed at perf_event_paranoid 2 */
    a.exclude_hv = 1;
    int fd =
        (int)syscall(__NR_perf_event_open, &a, 0 /* the runner */, -1, -1, PERF_FLAG_FD_CLOEXEC);
    if (fd >= 0) fds[n++] = fd;
  }
  return n;
}

void mmb_counters_release_hooks(const int *fds, int n) {
  for (int i = 0; i < n; i++) close(fds[i]);
}

/* ---------------------------------------------------------------------------
 * Opening, and why an event did not open
 * ------------------------------------------------------------------------- */
static int sys_open(pe_enc *e, int group_fd) {
  struct perf_event_attr a = e->attr;
  a.size = sizeof a;
  a.disabled = group_fd < 0; /* leaders start off; members follow their leader */
  a.inherit = 1;             /* threads the worker starts (inside the region) count too */
  a.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
  return (int)syscall(__NR_perf_event_open, &a, 0 /* this thread */, -1 /* any cpu */, group_fd,
                      e->open_flags | PERF_FLAG_FD_CLOEXEC);
}

static const char *status_of(int err) {
  switch (err) {
  case 0: return "ok";
  case ENOENT:
  case ENODEV:
  case EOPNOTSUPP:
  case ENOSYS: return "unsupported";
  case EACCES:
  case EPERM: return "denied";
  default: return "error";
  }
}

static void reason_of(int err, unsigned flags, char *buf, size_t len) {
  int sw = (flags & MMB_PE_SOFTWARE) != 0;
  int paranoid = mmb_pe_paranoid();
  switch (err) {
  case 0: buf[0] = 0; return;
  case ENOENT:
  case ENODEV:
  case EOPNOTSUPP:
    if (sw)
      snprintf(buf, len, "not supported by this kernel (%s)", strerror(err));
    else if (!mmb_pe_hw_visible())
      snprintf(buf, len, "no hardware PMU (virtual machine?)");
    else
      snprintf(buf, len, "not supported by the %s PMU (%s)",
               mmb_pe_pmu_name() ? mmb_pe_pmu_name() : "CPU", strerror(err));
    return;
  case EACCES:
  case EPERM:
    if (paranoid >= 3)
      snprintf(buf, len, "perf_event_paranoid=%d (unprivileged counting needs <= 2)", paranoid);
    else
      snprintf(buf, len, "perf_event_paranoid=%d, still denied (seccomp or container policy?)",
               paranoid);
    return;
  case ENOSYS: snprintf(buf, len, "perf_event_open not available (kernel or seccomp)"); return;
  case EINVAL: snprintf(buf, len, "the kernel rejected the encoding (EINVAL)"); return;
  case EBUSY: snprintf(buf, len, "counter busy (held by another tool)"); return;
  case EMFILE:
  case ENFILE: snprintf(buf, len, "too many open files"); return;
  default: snprintf(buf, len, "%s", strerror(err)); return;
  }
}

/* Open e in this thread (in group_fd's group, or leading when < 0); a
 * software event denied at kernel level is re-encoded user-only. */
static int open_event(const char *name, pe_enc *e, int group_fd) {
  int fd = sys_open(e, group_fd);
  if (fd < 0 && (errno == EACCES || errno == EPERM) && e->kernel) {
    pe_enc u;
    char err[256];
    if (encode(name, 0, &u, err, sizeof err) == 0) {
      fd = sys_open(&u, group_fd);
      if (fd >= 0) *e = u;
    }
  }
  return fd;
}

void mmb_pe_probe_event(const char *name, mmb_pe_status *st) {
  memset(st, 0, sizeof *st);
  pe_enc e;
  if (encode(name, 1, &e, st->reason, sizeof st->reason) != 0) {
    st->err = EINVAL;
    snprintf(st->status, sizeof st->status, "unknown");
    return;
  }
  st->flags = e.flags;
  snprintf(st->encoding, sizeof st->encoding, "%s", e.fq);
  int fd = open_event(name, &e, -1);
  st->err = fd < 0 ? errno : 0;
  if (fd >= 0) close(fd);
  st->ok = fd >= 0;
  snprintf(st->status, sizeof st->status, "%s", status_of(st->err));
  snprintf(st->plm, sizeof st->plm, "%s", e.kernel ? "uk" : "u");
  reason_of(st->err, e.flags, st->reason, sizeof st->reason);
}

/* ---------------------------------------------------------------------------
 * Per cell and per thread
 * ------------------------------------------------------------------------- */
typedef struct pe_ev {
  char name[MMB_CNT_NAME];
  pe_enc enc;
  int planned;   /* opened in the plan: threads open it */
  int leader;    /* index of its group leader (itself when leading) */
  char why[200]; /* why there is no result */
  double value;  /* scaled, summed over threads */
  uint64_t enabled, running;
  int threads_ok;
} pe_ev;

struct mmb_pe_thread {
  int n;
  int nlead;
  int fd[MMB_CNT_MAX];
  int lead[MMB_CNT_MAX]; /* fds of group leaders, in open order */
};

struct mmb_pe_cell {
  int n;
  int threads; /* threads that closed their set */
  pthread_mutex_t mu;
  pe_ev ev[MMB_CNT_MAX];
  /* Per-thread sets, preallocated: a worker never calls the allocator under
   * test on the harness's behalf (its first malloc stays in the region). */
  atomic_int nthr;
  mmb_pe_thread thr[MMB_MAX_THREADS];
};

mmb_pe_cell *mmb_pe_cell_open(char names[][MMB_CNT_NAME], int n) {
  mmb_pe_cell *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  pthread_mutex_init(&c->mu, NULL);
  c->n = n > MMB_CNT_MAX ? MMB_CNT_MAX : n;
  int fds[MMB_CNT_MAX];
  int hw_leader = -1, hw_members = 0, sw_leader = -1;
  for (int i = 0; i < c->n; i++) {
    pe_ev *v = &c->ev[i];
    fds[i] = -1;
    snprintf(v->name, sizeof v->name, "%s", names[i]);
    if (encode(v->name, 1, &v->enc, v->why, sizeof v->why) != 0) continue;
    int sw = (v->enc.flags & MMB_PE_SOFTWARE) != 0;
    int leader = sw ? sw_leader : (hw_members < MMB_PE_GROUP ? hw_leader : -1);
    int fd = open_event(v->name, &v->enc, leader >= 0 ? fds[leader] : -1);
    if (fd < 0 && leader >= 0) { /* the group would not fit: lead a new one */
      leader = -1;
      fd = open_event(v->name, &v->enc, -1);
    }
    if (fd < 0) {
      reason_of(errno, v->enc.flags, v->why, sizeof v->why);
      continue;
    }
    fds[i] = fd;
    v->planned = 1;
    if (leader < 0) {
      v->leader = i;
      if (sw)
        sw_leader = i;
      else
        hw_leader = i, hw_members = 1;
    } else {
      v->leader = leader;
      if (!sw) hw_members++;
    }
  }
  for (int i = c->n - 1; i >= 0; i--)
    if (fds[i] >= 0) close(fds[i]);
  return c;
}

mmb_pe_thread *mmb_pe_thread_open(mmb_pe_cell *c) {
  if (!c) return NULL;
  int slot = atomic_fetch_add(&c->nthr, 1);
  if (slot >= MMB_MAX_THREADS) return NULL;
  mmb_pe_thread *t = &c->thr[slot];
  t->n = c->n;
  t->nlead = 0;
  for (int i = 0; i < c->n; i++) {
    pe_ev *v = &c->ev[i];
    t->fd[i] = -1;
    if (!v->planned) continue;
    int group = v->leader == i ? -1 : t->fd[v->leader];
    pe_enc e = v->enc;
    t->fd[i] = open_event(v->name, &e, group);
    if (t->fd[i] >= 0 && group < 0) t->lead[t->nlead++] = t->fd[i];
  }
  return t;
}

void mmb_pe_thread_start(mmb_pe_thread *t) {
  if (!t) return;
  for (int k = 0; k < t->nlead; k++) ioctl(t->lead[k], PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP);
}

void mmb_pe_thread_stop(mmb_pe_thread *t) {
  if (!t) return;
  for (int k = t->nlead - 1; k >= 0; k--)
    ioctl(t->lead[k], PERF_EVENT_IOC_DISABLE, PERF_IOC_FLAG_GROUP);
}

void mmb_pe_thread_close(mmb_pe_cell *c, mmb_pe_thread *t) {
  if (!c) return;
  uint64_t buf[MMB_CNT_MAX][3];
  int got[MMB_CNT_MAX] = {0};
  for (int i = 0; t && i < t->n; i++) {
    if (t->fd[i] < 0) continue;
    got[i] = read(t->fd[i], buf[i], sizeof buf[i]) == (ssize_t)sizeof buf[i];
  }
  pthread_mutex_lock(&c->mu);
  c->threads++;
  for (int i = 0; t && i < t->n; i++) {
    pe_ev *v = &c->ev[i];
    if (!got[i]) continue;
    uint64_t val = buf[i][0], en = buf[i][1], run = buf[i][2];
    v->enabled += en;
    v->running += run;
    if (run == 0) continue; /* never on a counter: unknown, not 0 */
    v->value += run < en ? (double)val * ((double)en / (double)run) : (double)val;
    v->threads_ok++;
  }
  pthread_mutex_unlock(&c->mu);
  for (int i = 0; t && i < t->n; i++)
    if (t->fd[i] >= 0) close(t->fd[i]), t->fd[i] = -1;
}

int mmb_pe_result(const mmb_pe_cell *c, int i, double *value, double *frac) {
  if (!c || i < 0 || i >= c->n) return 0;
  const pe_ev *v = &c->ev[i];
  if (!v->planned) return 0;
  if (c->threads == 0 || v->threads_ok != c->threads || v->running == 0) return -1;
  *value = v->value;
  *frac = v->enabled ? (double)v->running / (double)v->enabled : 1.0;
  return 1;
}

const char *mmb_pe_why(const mmb_pe_cell *c, int i) {
  static __thread char buf[200];
  if (!c || i < 0 || i >= c->n) return "no such event";
  const pe_ev *v = &c->ev[i];
  if (!v->planned) return v->why;
  if (c->threads == 0) return "no thread counted";
  if (v->running == 0) return "never scheduled on a counter (PMU busy?)";
  if (v->threads_ok != c->threads) {
    snprintf(buf, sizeof buf, "counted in %d of %d threads", v->threads_ok, c->threads);
    return buf;
  }
  return "";
}

void mmb_pe_cell_close(mmb_pe_cell *c) {
  if (!c) return;
  pthread_mutex_destroy(&c->mu);
  free(c);
}

/* ---------------------------------------------------------------------------
 * A whole process tree (program cells): one event per fd, counting pid and
 * every thread and child it creates, switched on by its next exec
 * ------------------------------------------------------------------------- */
int mmb_pe_open_process(const char *name, int pid) {
  pe_enc e;
  char err[256];
  if (encode(name, 1, &e, err, sizeof err) != 0) return -ENOENT;
  for (int attempt = 0; attempt < 2; attempt++) {
    struct perf_event_attr a = e.attr;
    a.size = sizeof a;
    a.disabled = 1;
    a.enable_on_exec = 1;
    a.inherit = 1;
    a.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
    int fd =
        (int)syscall(__NR_perf_event_open, &a, pid, -1, -1, e.open_flags | PERF_FLAG_FD_CLOEXEC);
    if (fd >= 0) return fd;
    if ((errno != EACCES && errno != EPERM) || !e.kernel ||
        encode(name, 0, &e, err, sizeof err) != 0)
      return -errno;
  }
  return -EACCES;
}

int mmb_pe_read_process(int fd, double *value, double *frac) {
  uint64_t buf[3];
  if (read(fd, buf, sizeof buf) != (ssize_t)sizeof buf || buf[2] == 0) return 0;
  *value = buf[2] < buf[1] ? (double)buf[0] * ((double)buf[1] / (double)buf[2]) : (double)buf[0];
  *frac = buf[1] ? (double)buf[2] / (double)buf[1] : 1.0;
  return 1;
}
