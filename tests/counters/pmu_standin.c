/* mmbench tests — a PMU stand-in, preloaded (LD_PRELOAD) into a test or an
 * `mmbench run` on a machine without a hardware PMU. It interposes syscall()
 * (the suite opens events with syscall(__NR_perf_event_open, ...)), read()
 * and close(): a hardware, hardware-cache or raw event is opened as the
 * kernel's task-clock in its place, with the caller's flags (disabled,
 * inherit, enable_on_exec, group leader), so enabling, disabling, inheritance
 * by new threads and reads stay the kernel's. A read turns the task-clock
 * nanoseconds into the event's count (pmu_standin.h: a fixed rate per ns;
 * group members use their leader's nanoseconds, as events of one group count
 * over the same intervals) and multiplexes: time_running is a set share of
 * time_enabled and the count is that share of the truth, so a reader that
 * scales count x enabled / running recovers the truth. Everything else
 * passes through. exec*() keep the stand-in in LD_PRELOAD so cells started
 * by `mmbench run` (whose environment sets LD_PRELOAD for the allocator)
 * get it too. Not part of the suite; built for tests only. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pmu_standin.h"

#define MAXFD 4096
#define NAMELEN 32

typedef struct standin_fd {
  int used;
  int leader;     /* fd of its group leader (itself when leading) */
  int owner;      /* thread (or process) counted */
  uint64_t rfmt;  /* read_format asked for */
  double per_ns;  /* count per task-clock ns */
  double running; /* share of time enabled it runs; < 0: automatic */
  char name[NAMELEN];
} standin_fd;

static standin_fd fds[MAXFD];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

typedef long (*syscall_fn)(long, ...);
typedef ssize_t (*read_fn)(int, void *, size_t);
typedef int (*close_fn)(int);
typedef int (*execve_fn)(const char *, char *const[], char *const[]);
typedef int (*execv_fn)(const char *, char *const[]);

static syscall_fn real_syscall(void) {
  static syscall_fn f;
  if (!f) f = (syscall_fn)dlsym(RTLD_NEXT, "syscall");
  return f;
}

static read_fn real_read(void) {
  static read_fn f;
  if (!f) f = (read_fn)dlsym(RTLD_NEXT, "read");
  return f;
}

static close_fn real_close(void) {
  static close_fn f;
  if (!f) f = (close_fn)dlsym(RTLD_NEXT, "close");
  return f;
}

/* ---------------------------------------------------------------------------
 * Settings from the environment
 * ------------------------------------------------------------------------- */
static int env_int(const char *name, int def) {
  const char *v = getenv(name);
  return v && *v ? atoi(v) : def;
}

/* The value of key in a "k=v,k=v" list into out; 1 when found. A list
 * without '=' is one value for every key. */
static int env_lookup(const char *var, const char *key, char *out, size_t len) {
  const char *v = getenv(var);
  if (!v || !*v) return 0;
  if (!strchr(v, '=')) {
    snprintf(out, len, "%s", v);
    return 1;
  }
  size_t kl = strlen(key);
  for (const char *p = v; *p;) {
    size_t n = strcspn(p, ",");
    if (n > kl && strncmp(p, key, kl) == 0 && p[kl] == '=') {
      snprintf(out, len, "%.*s", (int)(n - kl - 1), p + kl + 1);
      return 1;
    }
    p += n;
    if (*p == ',') p++;
  }
  return 0;
}

static int errno_named(const char *s) {
  if (strcmp(s, "ENOENT") == 0) return ENOENT;
  if (strcmp(s, "EOPNOTSUPP") == 0) return EOPNOTSUPP;
  if (strcmp(s, "EACCES") == 0) return EACCES;
  if (strcmp(s, "EINVAL") == 0) return EINVAL;
  return ENOENT;
}

static void logf_line(const char *fmt, ...) {
  const char *path = getenv("MMB_STANDIN_LOG");
  if (!path || !*path) return;
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n <= 0) return;
  if (n >= (int)sizeof buf) n = (int)sizeof buf - 1;
  int f = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (f < 0) return;
  ssize_t w = write(f, buf, (size_t)n);
  (void)w;
  real_close()(f);
}

/* ---------------------------------------------------------------------------
 * Which event an attr names
 * ------------------------------------------------------------------------- */
static const char *hw_names[] = {"cycles",
                                 "instructions",
                                 "cache-references",
                                 "cache-misses",
                                 "branches",
                                 "branch-misses",
                                 "bus-cycles",
                                 "stalled-cycles-frontend",
                                 "stalled-cycles-backend",
                                 "ref-cycles"};
static const char *cache_ids[] = {"L1-dcache", "L1-icache", "LLC", "dTLB",
                                  "iTLB",      "branch",    "node"};
static const char *cache_ops[] = {"load", "store", "prefetch"};

/* 1 and its name (perf's spelling) when attr is an event the stand-in serves. */
static int served(const struct perf_event_attr *a, char *name, size_t len) {
  uint64_t c = a->config & 0xffffffffu; /* the upper half names a hybrid PMU */
  if (a->type == PERF_TYPE_HARDWARE) {
    if (c < sizeof hw_names / sizeof hw_names[0])
      snprintf(name, len, "%s", hw_names[c]);
    else
      snprintf(name, len, "hw-0x%llx", (unsigned long long)c);
    return 1;
  }
  if (a->type == PERF_TYPE_HW_CACHE) {
    unsigned id = c & 0xff, op = (c >> 8) & 0xff, res = (c >> 16) & 0xff;
    if (id < 7 && op < 3 && res < 2)
      snprintf(name, len, "%s-%s%s", cache_ids[id], cache_ops[op], res ? "-misses" : "s");
    else
      snprintf(name, len, "cache-0x%llx", (unsigned long long)c);
    return 1;
  }
  if (a->type == PERF_TYPE_RAW) {
    snprintf(name, len, "raw-0x%llx", (unsigned long long)a->config);
    return 1;
  }
  return 0;
}

static double rate_of(const char *name) {
  for (size_t i = 0; i < MMB_STANDIN_NRATES; i++)
    if (strcmp(mmb_standin_rates[i].name, name) == 0) return mmb_standin_rates[i].per_ns;
  return MMB_STANDIN_OTHER;
}

/* ---------------------------------------------------------------------------
 * perf_event_open in the hardware event's place
 * ------------------------------------------------------------------------- */
static long standin_open(struct perf_event_attr *a, pid_t pid, int cpu, int group, unsigned long fl,
                         const char *name) {
  char v[32];
  int counters = env_int("MMB_STANDIN_COUNTERS", 4);
  int owner = pid > 0 ? pid : (int)real_syscall()(SYS_gettid);
  int err = 0;
  if (env_lookup("MMB_STANDIN_REFUSE", name, v, sizeof v)) err = errno_named(v);
  if (!err && (a->read_format &
               ~(uint64_t)(PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING)))
    err = EINVAL; /* only the formats the suite reads are served */
  pthread_mutex_lock(&mu);
  int lead = group >= 0 && group < MAXFD && fds[group].used ? fds[group].leader : -1;
  if (!err && lead >= 0) {
    int members = 0;
    for (int i = 0; i < MAXFD; i++) members += fds[i].used && fds[i].leader == lead;
    if (members + 1 > counters) err = EINVAL; /* the group cannot fit the PMU */
  }
  if (!err && counters < 1) err = EINVAL;
  long fd = -1;
  if (!err) {
    struct perf_event_attr t = *a;
    t.type = PERF_TYPE_SOFTWARE;
    t.config = PERF_COUNT_SW_TASK_CLOCK;
    t.config1 = t.config2 = 0;
    t.precise_ip = 0;
    t.exclude_kernel = 1;
    t.exclude_hv = 1;
    t.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
    fd = real_syscall()(SYS_perf_event_open, &t, pid, cpu, group, fl);
    if (fd < 0) err = errno;
  }
  if (fd >= 0 && fd < MAXFD) {
    standin_fd *s = &fds[fd];
    memset(s, 0, sizeof *s);
    s->used = 1;
    s->leader = lead >= 0 ? lead : (int)fd;
    s->owner = owner;
    s->rfmt = a->read_format;
    s->per_ns = rate_of(name);
    snprintf(s->name, sizeof s->name, "%s", name);
    const char *key = lead >= 0 ? fds[lead].name : name;
    s->running = env_lookup("MMB_STANDIN_RUNNING", key, v, sizeof v) ? atof(v) : -1.0;
    if (lead >= 0) s->running = fds[lead].running;
  }
  pthread_mutex_unlock(&mu);
  logf_line("open tid=%d event=%s leader=%s fd=%ld errno=%d\n", owner, name,
            lead >= 0 ? fds[lead].name : "-", fd, err);
  if (fd < 0) {
    errno = err;
    return -1;
  }
  return fd;
}

/* Whether the stand-in serves hardware events: not where the kernel counts
 * cycles itself (a real PMU is measured as it is), unless
 * MMB_STANDIN_FORCE=1. */
static int active = -1;
static pthread_once_t active_once = PTHREAD_ONCE_INIT;
static void decide(void) {
  const char *force = getenv("MMB_STANDIN_FORCE");
  if (force && strcmp(force, "1") == 0) {
    active = 1;
    return;
  }
  struct perf_event_attr a;
  memset(&a, 0, sizeof a);
  a.size = sizeof a;
  a.type = PERF_TYPE_HARDWARE;
  a.config = PERF_COUNT_HW_CPU_CYCLES;
  a.disabled = 1;
  a.exclude_kernel = 1;
  a.exclude_hv = 1;
  long fd = real_syscall()(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
  if (fd >= 0) real_close()((int)fd);
  active = fd < 0;
}

/* 1 when hardware events are served by the stand-in here (tests call it
 * through dlsym to know which they measure). */
int mmb_standin_active(void) {
  pthread_once(&active_once, decide);
  return active;
}

long syscall(long nr, ...) {
  va_list ap;
  va_start(ap, nr);
  long a1 = va_arg(ap, long), a2 = va_arg(ap, long), a3 = va_arg(ap, long), a4 = va_arg(ap, long),
       a5 = va_arg(ap, long), a6 = va_arg(ap, long);
  va_end(ap);
  if (nr == SYS_perf_event_open && a1 && mmb_standin_active()) {
    struct perf_event_attr *a = (struct perf_event_attr *)a1;
    char name[NAMELEN];
    if (served(a, name, sizeof name))
      return standin_open(a, (pid_t)a2, (int)a3, (int)a4, (unsigned long)a5, name);
  }
  return real_syscall()(nr, a1, a2, a3, a4, a5, a6);
}

/* ---------------------------------------------------------------------------
 * Reads: task-clock ns -> count, multiplexed
 * ------------------------------------------------------------------------- */
static double share_of(const standin_fd *s) {
  if (s->running >= 0) return s->running > 1 ? 1.0 : s->running;
  int counters = env_int("MMB_STANDIN_COUNTERS", 4), hw = 0;
  for (int i = 0; i < MAXFD; i++) hw += fds[i].used && fds[i].owner == s->owner;
  return hw > counters && counters > 0 ? (double)counters / hw : 1.0;
}

ssize_t read(int fd, void *buf, size_t len) {
  if (fd < 0 || fd >= MAXFD || !fds[fd].used) return real_read()(fd, buf, len);
  uint64_t own[3], lead[3];
  ssize_t n = real_read()(fd, own, sizeof own);
  if (n != (ssize_t)sizeof own) return n < 0 ? n : (errno = EIO, -1);
  pthread_mutex_lock(&mu);
  standin_fd s = fds[fd];
  double share = share_of(&s);
  pthread_mutex_unlock(&mu);
  uint64_t ns = own[0];
  if (s.leader != fd && fds[s.leader].used &&
      real_read()(s.leader, lead, sizeof lead) == (ssize_t)sizeof lead)
    ns = lead[0]; /* one group, one span: the ratio of its events is exact */
  double truth = (double)ns * s.per_ns;
  uint64_t en = own[1], run = (uint64_t)llround((double)en * share);
  if (en && !run && share > 0) run = 1;
  uint64_t raw = en ? (uint64_t)llround(truth * ((double)run / (double)en)) : 0;
  uint64_t out[3];
  size_t k = 0;
  out[k++] = raw;
  if (s.rfmt & PERF_FORMAT_TOTAL_TIME_ENABLED) out[k++] = en;
  if (s.rfmt & PERF_FORMAT_TOTAL_TIME_RUNNING) out[k++] = run;
  if (len < k * sizeof out[0]) {
    errno = ENOSPC;
    return -1;
  }
  memcpy(buf, out, k * sizeof out[0]);
  logf_line("read event=%s ns=%llu raw=%llu enabled=%llu running=%llu\n", s.name,
            (unsigned long long)ns, (unsigned long long)raw, (unsigned long long)en,
            (unsigned long long)run);
  return (ssize_t)(k * sizeof out[0]);
}

int close(int fd) {
  if (fd >= 0 && fd < MAXFD && fds[fd].used) {
    pthread_mutex_lock(&mu);
    fds[fd].used = 0;
    pthread_mutex_unlock(&mu);
  }
  return real_close()(fd);
}

/* ---------------------------------------------------------------------------
 * exec: stay preloaded
 * ------------------------------------------------------------------------- */
static void keep_preloaded(void) {
  Dl_info in;
  if (!dladdr((void *)keep_preloaded, &in) || !in.dli_fname) return;
  const char *cur = getenv("LD_PRELOAD");
  if (cur && strstr(cur, in.dli_fname)) return;
  char v[4096];
  snprintf(v, sizeof v, "%s%s%s", cur && *cur ? cur : "", cur && *cur ? ":" : "", in.dli_fname);
  setenv("LD_PRELOAD", v, 1);
}

int execv(const char *path, char *const argv[]) {
  keep_preloaded();
  return ((execv_fn)dlsym(RTLD_NEXT, "execv"))(path, argv);
}

int execvp(const char *file, char *const argv[]) {
  keep_preloaded();
  return ((execv_fn)dlsym(RTLD_NEXT, "execvp"))(file, argv);
}
