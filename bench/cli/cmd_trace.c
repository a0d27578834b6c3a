/* mmbench — `mmbench trace record|info`: record a program's allocator calls
 * into a trace file (the recording library, bench/recorder/, preloaded
 * over the system malloc or any preloaded allocator), and describe a trace
 * (bench/trace_info.c). Replaying is the trace-replay workload. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli_util.h"
#include "commands.h"
#include "options.h"
#include "trace_format.h"
#include "model.h"
#include "trace_info.h"

#define RECORDER_LIB "libmmbtrace.so"

static void usage(FILE *out) {
  fprintf(out, "usage: mmbench trace record -o FILE [OPTIONS] -- COMMAND [ARGS...]\n"
               "       mmbench trace info [--json] FILE\n"
               "       mmbench trace model TRACE -o MODEL | --check MODEL\n"
               "Record a program's allocator calls; describe a trace. Replay one with\n"
               "  mmbench run -w trace-replay -p file=FILE -a ALLOCATORS\n");
}

/* ---------------------------------------------------------------------------
 * Finding the pieces
 * ------------------------------------------------------------------------- */
/* The recording library: $MMB_TRACE_LIB, else next to this executable. */
static int recorder_path(char *out, size_t len) {
  const char *env = getenv("MMB_TRACE_LIB");
  if (env && *env) {
    snprintf(out, len, "%s", env);
  } else {
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return -1;
    exe[n] = 0;
    snprintf(out, len, "%s/%s", dirname(exe), RECORDER_LIB);
  }
  return access(out, R_OK) == 0 ? 0 : -1;
}

/* 0 when cmd can be executed (a path, or a name found on PATH). */
static int executable(const char *cmd) {
  if (strchr(cmd, '/')) {
    struct stat st;
    return stat(cmd, &st) == 0 && S_ISREG(st.st_mode) && access(cmd, X_OK) == 0 ? 0 : -1;
  }
  const char *path = getenv("PATH");
  if (!path) path = "/usr/local/bin:/usr/bin:/bin";
  char dir[PATH_MAX + 256];
  for (const char *p = path; *p;) {
    const char *e = strchr(p, ':');
    size_t l = e ? (size_t)(e - p) : strlen(p);
    snprintf(dir, sizeof dir, "%.*s/%s", (int)(l ? l : 1), l ? p : ".", cmd);
    struct stat st;
    if (stat(dir, &st) == 0 && S_ISREG(st.st_mode) && access(dir, X_OK) == 0) return 0;
    p += l + (e != NULL);
  }
  return -1;
}

/* ---------------------------------------------------------------------------
 * Compaction: the recorder leaves each chunk at its full capacity (it is
 * mapped before it is filled); rewrite the file with every chunk cut to
 * what it holds. Counts records and threads on the way.
 * ------------------------------------------------------------------------- */
static uint32_t get32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static void put32(unsigned char *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}

typedef struct compact_stats {
  uint64_t records, bytes;
} compact_stats;

static int compact(const char *path, compact_stats *cs, char *err, size_t errlen) {
  memset(cs, 0, sizeof *cs);
  size_t len;
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, errlen, "%s: cannot read the trace back: %s", path, strerror(errno));
    return -1;
  }
  fseek(f, 0, SEEK_END);
  long flen = ftell(f);
  fseek(f, 0, SEEK_SET);
  len = flen > 0 ? (size_t)flen : 0;
  unsigned char *d = malloc(len ? len : 1);
  if (!d || fread(d, 1, len, f) != len) {
    fclose(f);
    free(d);
    snprintf(err, errlen, "%s: cannot read the trace back", path);
    return -1;
  }
  fclose(f);
  if (len < MMB_TRACE_HEADER_BYTES || memcmp(d, MMB_TRACE_MAGIC, 8) != 0) {
    free(d);
    snprintf(err, errlen,
             "%s: no trace was written (%zu bytes): the program made no allocator call the "
             "recorder saw, "
             "or did not load it (a static or setuid program?)",
             path, len);
    return -1;
  }
  size_t w = MMB_TRACE_HEADER_BYTES, off = MMB_TRACE_HEADER_BYTES;
  while (off + MMB_TRACE_CHUNK_HEADER_BYTES <= len) {
    unsigned char *c = d + off;
    if (get32(c + MMB_TC_MAGIC) != MMB_TRACE_CHUNK_MAGIC) break;
    uint32_t cap = get32(c + MMB_TC_CAPACITY), used = get32(c + MMB_TC_USED);
    if (used > cap || off + MMB_TRACE_CHUNK_HEADER_BYTES + used > len) break;
    cs->records += get32(c + MMB_TC_RECORDS);
    put32(c + MMB_TC_CAPACITY, used);
    memmove(d + w, c, MMB_TRACE_CHUNK_HEADER_BYTES + used);
    w += MMB_TRACE_CHUNK_HEADER_BYTES + used;
    off += MMB_TRACE_CHUNK_HEADER_BYTES + (size_t)cap;
  }
  if (off < len) w += 0; /* damaged tail: dropped (trace info would report it the same way) */
  char tmp[PATH_MAX + 16];
  snprintf(tmp, sizeof tmp, "%s.compact", path);
  f = fopen(tmp, "wb");
  int ok = f && fwrite(d, 1, w, f) == w;
  if (f) ok &= fclose(f) == 0;
  free(d);
  if (!ok || rename(tmp, path) != 0) {
    unlink(tmp);
    snprintf(err, errlen, "%s: cannot rewrite the trace compactly (left as recorded)", path);
    return -1;
  }
  cs->bytes = w;
  return 0;
}

/* Compact the fork children's traces (FILE.<pid>) written since start;
 * returns how many there are. */
static int compact_children(const char *abs, time_t start) {
  char dirbuf[PATH_MAX], basebuf[PATH_MAX];
  snprintf(dirbuf, sizeof dirbuf, "%s", abs);
  snprintf(basebuf, sizeof basebuf, "%s", abs);
  const char *dir = dirname(dirbuf), *base = basename(basebuf);
  size_t bl = strlen(base);
  DIR *d = opendir(dir);
  int n = 0;
  if (!d) return 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    const char *s = e->d_name;
    if (strncmp(s, base, bl) != 0 || s[bl] != '.' || !s[bl + 1] ||
        strspn(s + bl + 1, "0123456789") != strlen(s + bl + 1))
      continue;
    char path[2 * PATH_MAX + 2], err[PATH_MAX + 200];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, s);
    if (stat(path, &st) != 0 || st.st_mtime < start) continue;
    compact_stats cs;
    if (compact(path, &cs, err, sizeof err) == 0) n++;
  }
  closedir(d);
  return n;
}

/* ---------------------------------------------------------------------------
 * record
 * ------------------------------------------------------------------------- */
static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct record_args {
  const char *out, *under, *children;
} record_args;

static const char *const children_modes[] = {"own", "none", NULL};
static const mmb_option record_rows[] = {
    {"out", 'o', MMB_OPT_STRING, MMB_OPT_PTR(record_args, out), .value = "FILE", .alias = "output",
     .help = "the trace (a fork child writes FILE.<pid>, see --children)"},
    {"under", 0, MMB_OPT_STRING, MMB_OPT_PTR(record_args, under), .value = "ALLOC",
     .help = "record over this preloaded malloc (default: glibc)"},
    {"children", 0, MMB_OPT_CHOICE, MMB_OPT_PTR(record_args, children), .value = "MODE",
     .choices = children_modes,
     .help = "own: fork children record to FILE.<pid>; none: not at all"},
    {.name = NULL}};
const mmb_optspec mmb_trace_record_options = {
    .command = "trace record",
    .usage = "-o FILE [--under ALLOC] [--children own|none] -- COMMAND [ARGS...]",
    .about = "Runs COMMAND with the recording library preloaded and writes every malloc, calloc,\n"
             "realloc, free, posix_memalign, aligned_alloc, memalign, valloc, pvalloc and\n"
             "malloc_usable_size call, with its thread and a global order, to FILE.\n",
    .after = "Exits with COMMAND's exit status (128+N when killed by signal N); 2 on bad input.\n",
    .rows = record_rows,
    .stop_at_argument = 1,
};

/* One recording: the command, the trace file, what is preloaded. */
typedef struct recording {
  const char *out, *children; /* -o FILE, --children MODE */
  char **argv;                /* the command and its arguments */
  mmb_alloc_spec spec;        /* --under */
  char abs[PATH_MAX];         /* the trace file, absolute (the program may chdir) */
  char preload[2 * PATH_MAX + 2];
} recording;

/* --under ALLOC: an available preloaded malloc, parsed into spec. 0, or -1
 * with msg. */
static int check_under(const char *under, mmb_alloc_spec *spec, char *msg, size_t len) {
  char err[512];
  if (mmb_alloc_spec_parse(under, spec, err, sizeof err) != 0) {
    snprintf(msg, len, "--under: %s", err);
    return -1;
  }
  if (spec->alloc->kind != MMB_KIND_PRELOAD || spec->base) {
    snprintf(msg, len,
             "--under %s: only a preloaded malloc can be recorded under (glibc, jemalloc, "
             "mimalloc, tcmalloc, preload:PATH)",
             under);
    return -1;
  }
  if (spec->alloc->unavailable) {
    snprintf(msg, len, "--under %s: unavailable: %s", under, spec->alloc->unavailable);
    return -1;
  }
  return 0;
}

/* Checks the arguments, finds the recording library and creates the
 * (empty) trace file. 0, or -1 with msg. */
static int record_prepare(const record_args *a, int argc, char **argv, int next, recording *r,
                          char *msg, size_t len) {
  r->out = a->out;
  r->children = a->children;
  if (!a->out || !*a->out) {
    snprintf(msg, len, "missing -o FILE (where the trace goes)");
    return -1;
  }
  if (next >= argc) {
    snprintf(msg, len,
             "missing the command to record (mmbench trace record -o FILE -- COMMAND ARGS...)");
    return -1;
  }
  if (check_under(a->under, &r->spec, msg, len)) return -1;
  r->argv = argv + next;
  const char *cmd = r->argv[0];
  if (executable(cmd) != 0) {
    snprintf(msg, len, "%s: cannot execute (not an executable file%s)", cmd,
             strchr(cmd, '/') ? "" : " on PATH");
    return -1;
  }
  char lib[PATH_MAX];
  if (recorder_path(lib, sizeof lib) != 0) {
    snprintf(msg, len,
             "the recording library %s is missing (build it: make build; or set MMB_TRACE_LIB)",
             lib);
    return -1;
  }
  int fd = open(r->out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    snprintf(msg, len, "%s: cannot write the trace: %s", r->out, strerror(errno));
    return -1;
  }
  close(fd);
  if (!realpath(r->out, r->abs)) snprintf(r->abs, sizeof r->abs, "%s", r->out);
  const char *ul = r->spec.alloc->library;
  snprintf(r->preload, sizeof r->preload, "%s%s%s", lib, ul && *ul ? ":" : "", ul && *ul ? ul : "");
  return 0;
}

/* In the fork child: the recorder's environment, then the command; on
 * failure its errno goes up the pipe. */
_Noreturn static void exec_recorded(const recording *r, int sync_fd) {
  char num[32];
  snprintf(num, sizeof num, "%ld", (long)getpid());
  setenv("MMB_TRACE_FILE", r->abs, 1);
  setenv("MMB_TRACE_PID", num, 1);
  setenv("MMB_TRACE_CHILDREN", r->children, 1);
  for (int i = 0; i < r->spec.nsettings; i++) putenv(strdup(r->spec.settings[i]));
  setenv("LD_PRELOAD", r->preload, 1);
  execvp(r->argv[0], r->argv);
  int e = errno;
  if (write(sync_fd, &e, sizeof e) < 0) _exit(127);
  _exit(127);
}

/* Runs the command under the recorder and waits for it (^C goes to the
 * program; this process stays to tidy the trace): its wait status, its
 * wall-clock start and its duration. 0, or -1 with msg (the trace file
 * removed once it could have been started). */
static int record_run(const recording *r, int *status, time_t *wall0, double *secs, char *msg,
                      size_t len) {
  int sync[2];
  if (pipe2(sync, O_CLOEXEC) != 0) {
    snprintf(msg, len, "cannot create a pipe");
    return -1;
  }
  double t0 = now_s();
  *wall0 = time(NULL);
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    unlink(r->out);
    snprintf(msg, len, "cannot fork");
    return -1;
  }
  if (pid == 0) {
    close(sync[0]);
    exec_recorded(r, sync[1]);
  }
  close(sync[1]);
  int exec_errno = 0;
  ssize_t got = read(sync[0], &exec_errno, sizeof exec_errno);
  close(sync[0]);
  struct sigaction ign = {.sa_handler = SIG_IGN}, old_int, old_term;
  sigaction(SIGINT, &ign, &old_int);
  sigaction(SIGTERM, &ign, &old_term);
  *status = 0;
  while (waitpid(pid, status, 0) < 0 && errno == EINTR) {
  }
  *secs = now_s() - t0;
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);
  if (got == (ssize_t)sizeof exec_errno) {
    unlink(r->out);
    snprintf(msg, len, "%s: cannot execute: %s", r->argv[0], strerror(exec_errno));
    return -1;
  }
  return 0;
}

/* Compacts the traces written and says what was recorded. The program's
 * exit status (128+N killed by signal N), or 1 when the trace is bad. */
static int record_finish(const recording *r, int status, time_t wall0, double secs) {
  int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  int nchildren = strcmp(r->children, "own") == 0 ? compact_children(r->abs, wall0) : 0;
  compact_stats cs;
  char err[512];
  if (compact(r->out, &cs, err, sizeof err) != 0) {
    fprintf(stderr, "mmbench trace record: %s\n", err);
    return rc ? rc : 1;
  }
  fprintf(stderr,
          "mmbench trace record: %s: %llu records in %llu bytes (%.1f bytes per record), %.2f s; "
          "%s %d\n",
          r->out, (unsigned long long)cs.records, (unsigned long long)cs.bytes,
          cs.records ? (double)(cs.bytes - MMB_TRACE_HEADER_BYTES) / (double)cs.records : 0.0, secs,
          WIFEXITED(status) ? "program exited with status" : "program killed by signal",
          WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
  if (nchildren)
    fprintf(stderr, "mmbench trace record: %d fork child(ren) recorded to %s.<pid>\n", nchildren,
            r->out);
  return rc;
}

static int cmd_record(int argc, char **argv) {
  record_args a = {.under = "glibc", .children = "own"};
  int next;
  int prc = mmb_opts_parse(&mmb_trace_record_options, &a, argc, argv, &next, NULL);
  if (prc >= 0) return prc;
  recording r = {.out = NULL};
  char msg[PATH_MAX + 300];
  int status;
  time_t wall0;
  double secs;
  if (record_prepare(&a, argc, argv, next, &r, msg, sizeof msg) != 0 ||
      record_run(&r, &status, &wall0, &secs, msg, sizeof msg) != 0)
    return mmb_usage_error("trace record", msg);
  return record_finish(&r, status, wall0, secs);
}

/* ---------------------------------------------------------------------------
 * info
 * ------------------------------------------------------------------------- */
typedef struct info_args {
  int json;
} info_args;

static const mmb_option info_rows[] = {
    {"json", 0, MMB_OPT_FLAG, MMB_OPT_VAR(info_args, json), .help = "the description as JSON"},
    {.name = NULL}};
const mmb_optspec mmb_trace_info_options = {
    .command = "trace info",
    .usage = "[--json] FILE",
    .about = "Calls per function, threads, sizes, peak live bytes and blocks, lifetimes, frees by\n"
             "another thread, and what would keep the trace from replaying.\n",
    .rows = info_rows,
};

static int cmd_info(int argc, char **argv) {
  info_args a = {0};
  int next;
  int prc = mmb_opts_parse(&mmb_trace_info_options, &a, argc, argv, &next, NULL);
  if (prc >= 0) return prc;
  int json = a.json;
  if (next != argc - 1) return mmb_usage_error("trace info", "needs exactly one trace FILE");
  mmb_trace t;
  char err[600];
  if (mmb_trace_load(argv[next], &t, err, sizeof err) != 0)
    return mmb_usage_error("trace info", err);
  int rc = mmb_trace_info_print(&t, argv[next], json, stdout);
  mmb_trace_free(&t);
  return rc;
}

/* ---------------------------------------------------------------------------
 * model
 * ------------------------------------------------------------------------- */
static void print_fit(const mmb_model *m, const mmb_model_fit *f, FILE *out) {
  fprintf(out, "%s: stream vs trace (%llu births, 1 thread)\n", m->source,
          (unsigned long long)m->allocations);
  fprintf(out, "  peak live bytes: stream / trace %.3f (trace %llu)\n", f->peak_ratio,
          (unsigned long long)m->peak_live_bytes);
  fprintf(out, "  size-class histogram: total variation distance %.4f\n", f->tvd);
  fprintf(out, "  lifetime medians (births), %d classes with >= 1%% of births and >= 20 ends:\n",
          f->classes_compared);
  for (int c = 0; c < m->nclasses; c++)
    if (!isnan(f->gap[c]))
      fprintf(out, "    %8llu..%-8llu trace %10.1f  stream differs by %5.1f%%\n",
              (unsigned long long)m->cls[c].lo, (unsigned long long)m->cls[c].hi,
              m->cls[c].median_allocs, 100 * f->gap[c]);
  fprintf(out,
          "  shares of births (trace / stream): realloc %.4f / %.4f, calloc %.4f / %.4f, "
          "aligned %.4f / %.4f\n",
          f->realloc_share[0], f->realloc_share[1], f->calloc_share[0], f->calloc_share[1],
          f->aligned_share[0], f->aligned_share[1]);
  if (m->version >= 4)
    fprintf(out,
            "  reallocs at a ratio new / old size the model lists (trace / stream): %.4f / %.4f\n",
            f->ratio_share[0], f->ratio_share[1]);
}

typedef struct model_args {
  const char *out, *check;
  unsigned long long seed;
} model_args;

/* --seed: any 64-bit seed. */
static int set_model_seed(void *args, const char *arg, char *err, size_t errlen) {
  char *end;
  errno = 0;
  ((model_args *)args)->seed = strtoull(arg, &end, 10);
  if (end != arg && !*end && !errno) return 0;
  snprintf(err, errlen, "--seed must be a whole number, not '%s'", arg);
  return -1;
}

static const mmb_option model_rows[] = {
    {"out", 'o', MMB_OPT_STRING, MMB_OPT_PTR(model_args, out), .value = "MODEL", .alias = "output",
     .help = "where the model goes (written whole, or not at all)"},
    {"check", 0, MMB_OPT_STRING, MMB_OPT_PTR(model_args, check), .value = "MODEL",
     .help = "instead: generate MODEL's stream (its own length, one thread), model it\n"
             "again and print how the two agree: peak live bytes, the size-class\n"
             "histogram's total variation distance, lifetime medians per class"},
    {"seed", 0, MMB_OPT_STRING, .value = "N", .apply = set_model_seed,
     .help = "the stream's seed for --check (default 42)"},
    {.name = NULL}};
const mmb_optspec mmb_trace_model_options = {
    .command = "trace model",
    .usage = "TRACE -o MODEL | --check MODEL [--seed N]",
    .about = "Writes a small text model of TRACE: per size class the births, the commonest sizes,\n"
             "calloc / aligned / realloc shares and lifetime quantiles (in births and in bytes\n"
             "allocated meanwhile); the live-heap profile, alignments and per-thread counts. The\n"
             "empirical workload turns it into a stream (mmbench run -w empirical -p "
             "model=MODEL).\n",
    .after = "Exit 2 on bad input.\n",
    .rows = model_rows,
};

static int cmd_model(int argc, char **argv) {
  model_args a = {.seed = 42};
  int next;
  int prc = mmb_opts_parse(&mmb_trace_model_options, &a, argc, argv, &next, NULL);
  if (prc >= 0) return prc;
  const char *out = a.out, *check = a.check;
  unsigned long long seed = a.seed;
  char msg[PATH_MAX + 800], err[PATH_MAX + 600];
  if (check) {
    if (next != argc) return mmb_usage_error("trace model", "--check takes only the MODEL");
    mmb_model *m = malloc(sizeof *m);
    if (!m) return 1;
    mmb_model_fit f;
    if (mmb_model_load(check, m, err, sizeof err) != 0) {
      free(m);
      return mmb_usage_error("trace model", err);
    }
    int rc = mmb_model_fit_check(m, seed, &f, err, sizeof err);
    if (rc == 0)
      print_fit(m, &f, stdout);
    else
      fprintf(stderr, "mmbench trace model: %s\n", err);
    free(m);
    return rc ? 1 : 0;
  }
  if (next != argc - 1)
    return mmb_usage_error("trace model", "needs exactly one TRACE (and -o MODEL)");
  if (!out || !*out)
    return mmb_usage_error("trace model", "missing -o MODEL (where the model goes)");
  const char *path = argv[next];
  mmb_trace t;
  if (mmb_trace_load(path, &t, err, sizeof err) != 0) return mmb_usage_error("trace model", err);
  mmb_model *m = malloc(sizeof *m);
  if (!m) {
    mmb_trace_free(&t);
    return 1;
  }
  char base[PATH_MAX];
  snprintf(base, sizeof base, "%s", path);
  int rc = mmb_model_build(&t, basename(base), m, err, sizeof err);
  char damage[sizeof t.damage];
  snprintf(damage, sizeof damage, "%s", t.damage);
  mmb_trace_free(&t);
  if (rc != 0) {
    free(m);
    if (rc > 0) return mmb_usage_error("trace model", err);
    fprintf(stderr, "mmbench trace model: %s\n", err);
    return 1;
  }
  if (damage[0])
    fprintf(stderr, "mmbench trace model: note: %s: %s; modelled up to the damage\n", path, damage);
  /* all or nothing: a temporary file renamed into place */
  char tmp[PATH_MAX + 16];
  snprintf(tmp, sizeof tmp, "%s.part", out);
  FILE *f = fopen(tmp, "w");
  if (!f) {
    free(m);
    snprintf(msg, sizeof msg, "%s: cannot write the model: %s", out, strerror(errno));
    return mmb_usage_error("trace model", msg);
  }
  int ok = mmb_model_write(m, f) == 0;
  ok &= fclose(f) == 0;
  free(m);
  if (!ok || rename(tmp, out) != 0) {
    unlink(tmp);
    snprintf(msg, sizeof msg, "%s: cannot write the model", out);
    fprintf(stderr, "mmbench trace model: %s\n", msg);
    return 1;
  }
  return 0;
}

int mmb_cmd_trace(int argc, char **argv) {
  if (argc < 2) return mmb_usage_error("trace", "missing subcommand: record, info or model");
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    usage(stdout);
    return 0;
  }
  if (strcmp(argv[1], "record") == 0) return cmd_record(argc - 1, argv + 1);
  if (strcmp(argv[1], "info") == 0) return cmd_info(argc - 1, argv + 1);
  if (strcmp(argv[1], "model") == 0) return cmd_model(argc - 1, argv + 1);
  char msg[300];
  snprintf(msg, sizeof msg, "unknown subcommand '%s' (valid: record, info, model)", argv[1]);
  return mmb_usage_error("trace", msg);
}
