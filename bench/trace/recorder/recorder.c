/* mmbench — the trace recorder: a library preloaded into any program
 * (LD_PRELOAD, ahead of the malloc it records) that writes every malloc,
 * calloc, realloc, reallocarray, free, posix_memalign, aligned_alloc,
 * memalign, valloc, pvalloc and malloc_usable_size call, thread start, exit
 * and creation, and fork, to a trace file (format: workloads/recorded/trace_format.h).
 *
 * Set by `mmbench trace record` in the environment:
 *   MMB_TRACE_FILE      the trace file (fork children: FILE.<pid>)
 *   MMB_TRACE_PID       the recorded process (others are its children)
 *   MMB_TRACE_CHILDREN  own (children write FILE.<pid>) | none
 *
 * Rules it keeps:
 * - no malloc inside malloc: per-thread state is mmap'ed, records go
 *   straight into chunks of the file mapped shared (so what was written
 *   survives a kill without any flush), and a call made while the thread
 *   is inside the recorder passes through unrecorded;
 * - the real functions come from dlsym(RTLD_NEXT); the calloc dlsym itself
 *   makes is served from a static arena;
 * - a global order that is right across threads: a number from one atomic
 *   counter, taken after an allocation returns and before a free starts
 *   (realloc takes one before and one after), so a free is always numbered
 *   after the allocation that returned its pointer, and an allocation that
 *   gets a freed address back after that free;
 * - fork: the child drops the parent's chunk and writes its own file or
 *   nothing; exec: the new image appends to the same file as a new image. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "trace_format.h"

#define EXPORT __attribute__((visibility("default")))
#define TLS __thread __attribute__((tls_model("initial-exec")))

/* A thread's chunks grow from CHUNK_MIN to CHUNK_MAX bytes (header and
 * payload): short-lived threads take little room, busy ones few chunks. */
#define CHUNK_MIN (16u * 1024u)
#define CHUNK_MAX (1024u * 1024u)
#define PAGE 4096u

/* ---------------------------------------------------------------------------
 * Real functions and global state
 * ------------------------------------------------------------------------- */
static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void *(*real_reallocarray)(void *, size_t, size_t);
static void (*real_free)(void *);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);
static void *(*real_memalign)(size_t, size_t);
static void *(*real_valloc)(size_t);
static void *(*real_pvalloc)(size_t);
static size_t (*real_usable)(void *);
static int (*real_pthread_create)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

enum { ST_NEW = 0, ST_INIT = 1, ST_ON = 2, ST_OFF = 3 };
static _Atomic int g_state;
static int g_fd = -1;
static dev_t g_dev; /* the trace file: a program that closes or reuses our */
static ino_t g_ino; /* descriptor must not get records written elsewhere */
static uint32_t g_image;
static uint64_t g_end;                        /* file end: where the next chunk goes */
static atomic_flag g_lock = ATOMIC_FLAG_INIT; /* guards g_end and file growth */
static _Atomic uint64_t g_seq;                /* the global order */
static _Atomic uint32_t g_threads;            /* thread numbers handed out */
static int g_children_own = 1;
static char g_base[4096]; /* MMB_TRACE_FILE */
static pthread_key_t g_key;

typedef struct tstate {
  unsigned char *map; /* mapping holding the chunk (page-aligned) */
  size_t map_len;
  unsigned char *chunk;        /* chunk header inside map */
  uint32_t used, records, cap; /* payload bytes used, records, payload capacity */
  uint32_t next_bytes;         /* size of the next chunk */
  uint64_t seq, ptr;           /* previous record's seq and pointer field */
  uint32_t number;
} tstate;

static TLS tstate *tls_ts;
static TLS int tls_busy;              /* inside the recorder: pass through */
static TLS uint32_t tls_given_number; /* set by the thread trampoline: number + 1 */
static TLS uint32_t tls_parent;       /* creating thread + 1 (0 = unknown) */

/* ---------------------------------------------------------------------------
 * The early arena: calloc / malloc while dlsym resolves the real functions
 * ------------------------------------------------------------------------- */
static unsigned char early[64 * 1024] __attribute__((aligned(64)));
static _Atomic size_t early_used;

static void *early_alloc(size_t n) {
  n = (n + 63) & ~(size_t)63;
  size_t off = atomic_fetch_add(&early_used, n);
  return off + n <= sizeof early ? early + off : NULL;
}
static int is_early(const void *p) {
  return (const unsigned char *)p >= early && (const unsigned char *)p < early + sizeof early;
}

/* ---------------------------------------------------------------------------
 * Small helpers that never allocate
 * ------------------------------------------------------------------------- */
static void wr32(unsigned char *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}
static void wr64(unsigned char *p, uint64_t v) {
  wr32(p, (uint32_t)v);
  wr32(p + 4, (uint32_t)(v >> 32));
}
static uint32_t rd32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void lock(void) {
  while (atomic_flag_test_and_set_explicit(&g_lock, memory_order_acquire)) sched_yield();
}
static void unlock(void) { atomic_flag_clear_explicit(&g_lock, memory_order_release); }

/* dst = base "." decimal pid */
static void pid_path(char *dst, size_t len, const char *base, long pid) {
  size_t n = strlen(base);
  if (n + 24 > len) n = len - 24;
  memcpy(dst, base, n);
  char digits[24];
  int k = 0;
  do digits[k++] = (char)('0' + pid % 10), pid /= 10;
  while (pid);
  dst[n++] = '.';
  while (k) dst[n++] = digits[--k];
  dst[n] = 0;
}

static uint64_t parse_u64(const char *s) {
  uint64_t v = 0;
  while (s && *s >= '0' && *s <= '9') v = v * 10 + (uint64_t)(*s++ - '0');
  return v;
}

/* ---------------------------------------------------------------------------
 * The file
 * ------------------------------------------------------------------------- */
/* Open path as this process's trace: a new file, or (exec in the same
 * process) one more image in the file it already writes. 0 or -1. */
static int open_trace(const char *path, uint64_t ppid) {
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  unsigned char h[MMB_TRACE_HEADER_BYTES];
  struct stat st;
  uint64_t pid = (uint64_t)getpid();
  if (fstat(fd, &st) == 0 && st.st_size >= (off_t)sizeof h &&
      pread(fd, h, sizeof h, 0) == (ssize_t)sizeof h && memcmp(h, MMB_TRACE_MAGIC, 8) == 0 &&
      rd32(h + MMB_TH_VERSION) == MMB_TRACE_VERSION &&
      (rd32(h + MMB_TH_PID) | (uint64_t)rd32(h + MMB_TH_PID + 4) << 32) == pid) {
    g_image = rd32(h + MMB_TH_IMAGES);
    wr32(h + MMB_TH_IMAGES, g_image + 1);
    if (pwrite(fd, h + MMB_TH_IMAGES, 4, MMB_TH_IMAGES) != 4) goto fail;
    g_end = (uint64_t)st.st_size;
  } else {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    memset(h, 0, sizeof h);
    memcpy(h, MMB_TRACE_MAGIC, 8);
    wr32(h + MMB_TH_VERSION, MMB_TRACE_VERSION);
    wr32(h + MMB_TH_HBYTES, MMB_TRACE_HEADER_BYTES);
    wr32(h + MMB_TH_IMAGES, 1);
    wr64(h + MMB_TH_PID, pid);
    wr64(h + MMB_TH_PPID, ppid);
    wr64(h + MMB_TH_START, (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec);
    if (ftruncate(fd, 0) != 0 || pwrite(fd, h, sizeof h, 0) != (ssize_t)sizeof h) goto fail;
    g_image = 0;
    g_end = MMB_TRACE_HEADER_BYTES;
  }
  /* out of the way of programs that dup2 onto low descriptors */
  int high = fcntl(fd, F_DUPFD_CLOEXEC, 900);
  if (high >= 0) {
    close(fd);
    fd = high;
  }
  if (fstat(fd, &st) != 0) goto fail;
  g_dev = st.st_dev;
  g_ino = st.st_ino;
  g_fd = fd;
  return 0;
fail:
  close(fd);
  return -1;
}

/* Map a fresh chunk for ts (the old one is unmapped: its pages are the
 * file's). 0, or -1 (recording for this thread stops). */
static int new_chunk(tstate *ts) {
  if (ts->map) munmap(ts->map, ts->map_len);
  ts->map = ts->chunk = NULL;
  uint32_t bytes = ts->next_bytes < CHUNK_MIN ? CHUNK_MIN : ts->next_bytes;
  ts->next_bytes = bytes < CHUNK_MAX ? 2 * bytes : CHUNK_MAX;
  lock();
  uint64_t off = g_end;
  struct stat st;
  if (fstat(g_fd, &st) != 0 || st.st_dev != g_dev || st.st_ino != g_ino) { /* closed or replaced */
    unlock();
    return -1;
  }
  int rc = fallocate(g_fd, 0, (off_t)off, bytes);
  if (rc != 0 && (errno == EOPNOTSUPP || errno == ENOSYS))
    rc = ftruncate(g_fd, (off_t)(off + bytes));
  if (rc == 0) g_end = off + bytes;
  unlock();
  if (rc != 0) return -1;
  uint64_t base = off & ~(uint64_t)(PAGE - 1);
  size_t len = (size_t)(off + bytes - base);
  void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, g_fd, (off_t)base);
  if (m == MAP_FAILED) return -1;
  ts->map = m;
  ts->map_len = len;
  ts->chunk = (unsigned char *)m + (off - base);
  wr32(ts->chunk + MMB_TC_THREAD, ts->number);
  wr32(ts->chunk + MMB_TC_IMAGE, g_image);
  ts->cap = bytes - MMB_TRACE_CHUNK_HEADER_BYTES;
  wr32(ts->chunk + MMB_TC_CAPACITY, ts->cap);
  wr32(ts->chunk + MMB_TC_MAGIC, MMB_TRACE_CHUNK_MAGIC);
  ts->used = ts->records = 0;
  ts->seq = ts->ptr = 0;
  return 0;
}

/* Where the next record goes (room for the largest), or NULL. */
static unsigned char *reserve(tstate *ts) {
  if (!ts->chunk || ts->cap - ts->used < MMB_TRACE_MAX_RECORD) {
    if (new_chunk(ts) != 0) return NULL;
  }
  return ts->chunk + MMB_TRACE_CHUNK_HEADER_BYTES + ts->used;
}

/* The record [start, end) is complete: publish it (used first, then the
 * count, so a reader never decodes past what is written). */
static void commit(tstate *ts, unsigned char *end) {
  ts->used = (uint32_t)(end - (ts->chunk + MMB_TRACE_CHUNK_HEADER_BYTES));
  ts->records++;
  atomic_signal_fence(memory_order_seq_cst);
  wr32(ts->chunk + MMB_TC_USED, ts->used);
  atomic_signal_fence(memory_order_seq_cst);
  wr32(ts->chunk + MMB_TC_RECORDS, ts->records);
}

static uint64_t next_seq(void) {
  return atomic_fetch_add_explicit(&g_seq, 1, memory_order_relaxed) + 1;
}

/* Record head: op byte and the seq delta. */
static unsigned char *head(tstate *ts, unsigned char *p, int op, int variant, uint64_t seq) {
  *p++ = (unsigned char)(op | variant << 4);
  p = mmb_tv_put(p, seq - ts->seq);
  ts->seq = seq;
  return p;
}
static unsigned char *put_ptr(tstate *ts, unsigned char *p, const void *ptr) {
  uint64_t v = (uint64_t)(uintptr_t)ptr;
  if (!v) return mmb_tv_put(p, 0); /* NULL: one byte, the base stays */
  p = mmb_tv_put(p, mmb_tv_zig((int64_t)(v - ts->ptr)) + 1);
  ts->ptr = v;
  return p;
}

/* ---------------------------------------------------------------------------
 * Threads
 * ------------------------------------------------------------------------- */
static void record_simple(tstate *ts, int op, uint64_t a, int has_a, uint64_t b, int has_b);

static void thread_gone(void *arg) {
  tstate *ts = arg;
  int was = tls_busy;
  tls_busy = 1;
  record_simple(ts, MMB_TOP_THREAD_EXIT, 0, 0, 0, 0);
  if (ts->map) munmap(ts->map, ts->map_len);
  ts->map = ts->chunk = NULL; /* a later call in this thread maps a new chunk */
  ts->next_bytes = CHUNK_MIN;
  tls_busy = was;
}

static tstate *thread_new(void) {
  void *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) return NULL;
  tstate *ts = m;
  ts->number = tls_given_number ? tls_given_number - 1 : atomic_fetch_add(&g_threads, 1);
  tls_ts = ts;
  pthread_setspecific(g_key, ts);
  record_simple(ts, MMB_TOP_THREAD_START, (uint64_t)syscall(SYS_gettid), 1, tls_parent, 1);
  return ts;
}

/* ---------------------------------------------------------------------------
 * Start-up, fork
 * ------------------------------------------------------------------------- */
static void at_prepare(void);
static void at_parent(void) { unlock(); }
static void at_child(void);

#define RESOLVE(var, name) var = (__typeof__(var))dlsym(RTLD_NEXT, name)

static void init(void) {
  int expect = ST_NEW;
  if (!atomic_compare_exchange_strong(&g_state, &expect, ST_INIT)) {
    if (!tls_busy)
      while (atomic_load(&g_state) == ST_INIT) sched_yield();
    return;
  }
  tls_busy = 1;
  RESOLVE(real_malloc, "malloc");
  RESOLVE(real_calloc, "calloc");
  RESOLVE(real_realloc, "realloc");
  RESOLVE(real_reallocarray, "reallocarray");
  RESOLVE(real_free, "free");
  RESOLVE(real_posix_memalign, "posix_memalign");
  RESOLVE(real_aligned_alloc, "aligned_alloc");
  RESOLVE(real_memalign, "memalign");
  RESOLVE(real_valloc, "valloc");
  RESOLVE(real_pvalloc, "pvalloc");
  RESOLVE(real_usable, "malloc_usable_size");
  RESOLVE(real_pthread_create, "pthread_create");
  int state = ST_OFF;
  const char *path = getenv("MMB_TRACE_FILE");
  const char *children = getenv("MMB_TRACE_CHILDREN");
  g_children_own = !(children && strcmp(children, "none") == 0);
  if (real_malloc && real_free && real_calloc && real_realloc && path && *path &&
      strlen(path) + 24 < sizeof g_base) {
    memcpy(g_base, path, strlen(path) + 1);
    const char *root = getenv("MMB_TRACE_PID");
    uint64_t pid = (uint64_t)getpid();
    int opened = -1;
    if (!root || !*root) { /* preloaded by hand: this process is the root */
      char num[24];
      pid_path(num, sizeof num, "", (long)pid);
      setenv("MMB_TRACE_PID", num + 1, 1);
      opened = open_trace(g_base, (uint64_t)getppid());
    } else if (parse_u64(root) == pid) {
      opened = open_trace(g_base, (uint64_t)getppid());
    } else if (g_children_own) { /* a child that exec'd a program */
      char own[sizeof g_base];
      pid_path(own, sizeof own, g_base, (long)pid);
      opened = open_trace(own, (uint64_t)getppid());
    }
    if (opened == 0 && pthread_key_create(&g_key, thread_gone) == 0 &&
        pthread_atfork(at_prepare, at_parent, at_child) == 0)
      state = ST_ON;
  }
  tls_busy = 0;
  atomic_store(&g_state, state);
}

static void at_prepare(void) {
  lock(); /* the child must not inherit a half-grown file */
  if (atomic_load(&g_state) == ST_ON && tls_ts && !tls_busy) {
    tls_busy = 1;
    unlock();
    record_simple(tls_ts, MMB_TOP_FORK, 0, 0, 0, 0);
    lock();
    tls_busy = 0;
  }
}

static void at_child(void) {
  unlock();
  tstate *ts = tls_ts;
  if (ts) { /* the parent's chunk and state: never write to them here */
    if (ts->map) munmap(ts->map, ts->map_len);
    munmap(ts, PAGE);
    tls_ts = NULL;
  }
  if (atomic_load(&g_state) != ST_ON) return;
  if (g_fd >= 0) close(g_fd);
  g_fd = -1;
  atomic_store(&g_seq, 0);
  atomic_store(&g_threads, 0);
  tls_given_number = tls_parent = 0;
  if (!g_children_own) {
    atomic_store(&g_state, ST_OFF);
    return;
  }
  char own[sizeof g_base];
  pid_path(own, sizeof own, g_base, (long)getpid());
  if (open_trace(own, (uint64_t)getppid()) != 0) atomic_store(&g_state, ST_OFF);
}

/* The thread's state when this call is to be recorded (tls_busy is then
 * set: leave() clears it), else NULL. */
static inline tstate *enter(void) {
  if (tls_busy) return NULL;
  int s = atomic_load_explicit(&g_state, memory_order_acquire);
  if (s != ST_ON) {
    if (s == ST_NEW) init();
    if (atomic_load(&g_state) != ST_ON) return NULL;
  }
  tls_busy = 1;
  tstate *ts = tls_ts;
  if (!ts && !(ts = thread_new())) tls_busy = 0;
  return ts;
}
static inline void leave(void) { tls_busy = 0; }

/* Before the real functions are known: only the start-up path gets here. */
static void ensure_real(void) {
  if (!real_malloc && atomic_load(&g_state) == ST_NEW) init();
}

/* ---------------------------------------------------------------------------
 * Records
 * ------------------------------------------------------------------------- */
static void record_simple(tstate *ts, int op, uint64_t a, int has_a, uint64_t b, int has_b) {
  unsigned char *p = reserve(ts);
  if (!p) return;
  p = head(ts, p, op, 0, next_seq());
  if (has_a) p = mmb_tv_put(p, a);
  if (has_b) p = mmb_tv_put(p, b);
  commit(ts, p);
}

/* An allocation that returned r; its number is taken now, after the call. */
static void record_alloc(tstate *ts, int op, int variant, uint64_t a, int has_a, uint64_t size,
                         void *r) {
  uint64_t seq = next_seq();
  unsigned char *p = reserve(ts);
  if (!p) return;
  p = head(ts, p, op, variant, seq);
  if (has_a) p = mmb_tv_put(p, a);
  p = mmb_tv_put(p, size);
  p = put_ptr(ts, p, r);
  commit(ts, p);
}

/* ---------------------------------------------------------------------------
 * The interposed functions
 * ------------------------------------------------------------------------- */
EXPORT void *malloc(size_t n) {
  tstate *ts = enter();
  if (!ts) {
    ensure_real();
    return real_malloc ? real_malloc(n) : early_alloc(n);
  }
  void *r = real_malloc(n);
  record_alloc(ts, MMB_TOP_MALLOC, 0, 0, 0, n, r);
  leave();
  return r;
}

EXPORT void *calloc(size_t n, size_t size) {
  tstate *ts = enter();
  if (!ts) {
    ensure_real();
    if (real_calloc) return real_calloc(n, size);
    if (size && n > SIZE_MAX / size) return NULL;
    return early_alloc(n * size); /* static memory: already zero */
  }
  void *r = real_calloc(n, size);
  record_alloc(ts, MMB_TOP_CALLOC, 0, n, 1, size, r);
  leave();
  return r;
}

EXPORT void free(void *p) {
  if (is_early(p)) return;
  tstate *ts = enter();
  if (!ts) {
    ensure_real();
    if (real_free) real_free(p);
    return;
  }
  uint64_t seq = next_seq(); /* before the memory can be handed out again */
  unsigned char *w = reserve(ts);
  if (w) {
    w = head(ts, w, MMB_TOP_FREE, 0, seq);
    w = put_ptr(ts, w, p);
    commit(ts, w);
  }
  real_free(p);
  leave();
}

static void *do_realloc(void *p, size_t n, size_t m, int array) {
  size_t bytes = n;
  if (array && m && n > SIZE_MAX / m) {
    errno = ENOMEM;
    return NULL;
  }
  if (array) bytes = n * m;
  if (is_early(p)) { /* a start-up block moves to the real heap */
    void *r = malloc(bytes);
    if (r && p)
      memcpy(r, p,
             bytes < (size_t)(early + sizeof early - (unsigned char *)p)
                 ? bytes
                 : (size_t)(early + sizeof early - (unsigned char *)p));
    return r;
  }
  tstate *ts = enter();
  if (!ts) {
    ensure_real();
    if (array && real_reallocarray) return real_reallocarray(p, n, m);
    return real_realloc ? real_realloc(p, bytes) : NULL;
  }
  uint64_t seq = next_seq();
  void *r = array && real_reallocarray ? real_reallocarray(p, n, m) : real_realloc(p, bytes);
  uint64_t seq2 = next_seq();
  unsigned char *w = reserve(ts);
  if (w) {
    w = head(ts, w, MMB_TOP_REALLOC, 0, seq);
    w = mmb_tv_put(w, seq2 - seq);
    ts->seq = seq2;
    w = put_ptr(ts, w, p);
    w = mmb_tv_put(w, bytes);
    w = put_ptr(ts, w, r);
    commit(ts, w);
  }
  leave();
  return r;
}

EXPORT void *realloc(void *p, size_t n) { return do_realloc(p, n, 1, 0); }
EXPORT void *reallocarray(void *p, size_t n, size_t m) { return do_realloc(p, n, m, 1); }

EXPORT int posix_memalign(void **out, size_t align, size_t n) {
  tstate *ts = enter();
  if (!ts) {
    ensure_real();
    return real_posix_memalign ? real_posix_memalign(out, align, n) : ENOMEM;
  }
  int rc = real_posix_memalign(out, align, n);
  record_alloc(ts, MMB_TOP_ALIGNED, MMB_TAL_POSIX_MEMALIGN, align, 1, n, rc == 0 ? *out : NULL);
  leave();
  return rc;
}

#define ALIGNED_FN(name, variant, realfn, params, args, align_expr, size_expr)                     \
  EXPORT void *name params {                                                                       \
    tstate *ts = enter();                                                                          \
    if (!ts) {                                                                                     \
      ensure_real();                                                                               \
      return realfn ? realfn args : NULL;                                                          \
    }                                                                                              \
    void *r = realfn args;                                                                         \
    record_alloc(ts, MMB_TOP_ALIGNED, variant, align_expr, 1, size_expr, r);                       \
    leave();                                                                                       \
    return r;                                                                                      \
  }

ALIGNED_FN(aligned_alloc, MMB_TAL_ALIGNED_ALLOC, real_aligned_alloc, (size_t align, size_t n),
           (align, n), align, n)
ALIGNED_FN(memalign, MMB_TAL_MEMALIGN, real_memalign, (size_t align, size_t n), (align, n), align,
           n)
ALIGNED_FN(valloc, MMB_TAL_VALLOC, real_valloc, (size_t n), (n), PAGE, n)
ALIGNED_FN(pvalloc, MMB_TAL_PVALLOC, real_pvalloc, (size_t n), (n), PAGE, n)

EXPORT size_t malloc_usable_size(void *p) {
  if (is_early(p)) return 0;
  tstate *ts = enter();
  if (!ts) {
    ensure_real();
    return real_usable ? real_usable(p) : 0;
  }
  size_t r = real_usable(p);
  uint64_t seq = next_seq();
  unsigned char *w = reserve(ts);
  if (w) {
    w = head(ts, w, MMB_TOP_USABLE, 0, seq);
    w = put_ptr(ts, w, p);
    w = mmb_tv_put(w, r);
    commit(ts, w);
  }
  leave();
  return r;
}

/* ---------------------------------------------------------------------------
 * Thread creation: the child learns its number and its creator
 * ------------------------------------------------------------------------- */
typedef struct tramp {
  void *(*fn)(void *);
  void *arg;
  uint32_t number, parent;
} tramp;

static void *trampoline(void *x) {
  tramp t = *(tramp *)x;
  munmap(x, PAGE);
  tls_given_number = t.number + 1;
  tls_parent = t.parent + 1;
  return t.fn(t.arg);
}

EXPORT int pthread_create(pthread_t *th, const pthread_attr_t *attr, void *(*fn)(void *),
                          void *arg) {
  tstate *ts = enter();
  if (!ts) {
    ensure_real();
    if (!real_pthread_create) RESOLVE(real_pthread_create, "pthread_create");
    return real_pthread_create ? real_pthread_create(th, attr, fn, arg) : EAGAIN;
  }
  void *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) {
    leave();
    return real_pthread_create(th, attr, fn, arg);
  }
  tramp *t = m;
  t->fn = fn;
  t->arg = arg;
  t->number = atomic_fetch_add(&g_threads, 1);
  t->parent = ts->number;
  record_simple(ts, MMB_TOP_THREAD_CREATE, t->number, 1, 0, 0);
  leave();
  int rc = real_pthread_create(th, attr, trampoline, t);
  if (rc != 0) munmap(m, PAGE);
  return rc;
}
