/* mmbench — `mmbench trace info`: calls per function, threads, a size
 * histogram, peak live bytes and blocks, lifetimes (in calls and in bytes
 * allocated between a block's birth and its release), the share of frees
 * made by another thread than the allocating one, and what would keep the
 * trace from replaying. Text for people, --json for scripts. */
#include "trace_info.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NBUCKETS 48 /* size histogram: [2^(k-1), 2^k), bucket 0 = 0 bytes */
#define NFN (MMB_TOP_USABLE + MMB_TAL_COUNT)

typedef struct stats {
  uint64_t calls[NFN]; /* by function (aligned variants after USABLE) */
  uint64_t total_calls;
  uint64_t free_null, failed; /* free(NULL); allocations that returned NULL */
  uint64_t sizes[NBUCKETS];
  uint64_t live_bytes, live_blocks, peak_bytes, peak_blocks, allocated_bytes;
  uint64_t releases, remote_releases, live_at_end;
  uint64_t unknown_free, unknown_realloc, unknown_usable;
  uint64_t *life_calls, *life_bytes; /* per release */
  uint64_t thread_events[4];         /* start, exit, create, fork */
} stats;

static int fn_index(const mmb_trace_ev *e) {
  return e->op == MMB_TOP_ALIGNED ? MMB_TOP_USABLE + e->variant : e->op - 1;
}
/* Slot MMB_TOP_ALIGNED - 1 stays empty: aligned calls count by variant. */
static int fn_used(int i) { return i != MMB_TOP_ALIGNED - 1; }
static const char *fn_name(int i) {
  return i < MMB_TOP_USABLE ? mmb_trace_op_name(i + 1, 0)
                            : mmb_trace_op_name(MMB_TOP_ALIGNED, i - MMB_TOP_USABLE);
}

static int bucket(uint64_t size) {
  int b = 0;
  while (size && b < NBUCKETS - 1) size >>= 1, b++;
  return b;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

static uint64_t pct(const uint64_t *v, uint64_t n, double p) {
  if (!n) return 0;
  uint64_t i = (uint64_t)(p * (double)(n - 1) + 0.5);
  return v[i < n ? i : n - 1];
}

static int gather(const mmb_trace *t, stats *s) {
  memset(s, 0, sizeof *s);
  uint64_t nb = t->nblocks ? t->nblocks : 1;
  uint64_t *size = calloc(nb, sizeof *size), *born_call = calloc(nb, sizeof *born_call);
  uint64_t *born_bytes = calloc(nb, sizeof *born_bytes);
  uint32_t *born_thread = calloc(nb, sizeof *born_thread);
  unsigned char *live = calloc(nb, 1);
  s->life_calls = malloc(t->nev * sizeof *s->life_calls + 8);
  s->life_bytes = malloc(t->nev * sizeof *s->life_bytes + 8);
  int rc = -1;
  if (!size || !born_call || !born_bytes || !born_thread || !live || !s->life_calls ||
      !s->life_bytes)
    goto out;
  for (size_t i = 0; i < t->nev; i++) {
    const mmb_trace_ev *e = &t->ev[i];
    if (!mmb_trace_is_call(e)) {
      if (e->op >= MMB_TOP_THREAD_START && e->op <= MMB_TOP_FORK)
        s->thread_events[e->op - MMB_TOP_THREAD_START]++;
      continue;
    }
    s->calls[fn_index(e)]++;
    s->total_calls++;
    if (e->op == MMB_TOP_FREE && !e->ptr) s->free_null++;
    if (e->unknown) {
      if (e->op == MMB_TOP_FREE)
        s->unknown_free++;
      else if (e->op == MMB_TOP_REALLOC)
        s->unknown_realloc++;
      else
        s->unknown_usable++;
    }
    int allocates = e->op == MMB_TOP_MALLOC || e->op == MMB_TOP_CALLOC ||
                    e->op == MMB_TOP_ALIGNED || (e->op == MMB_TOP_REALLOC && e->size);
    if (allocates) s->sizes[bucket(e->size)]++;
    if (allocates && !e->ptr) s->failed++;
    if (e->rel != MMB_TB_NONE && e->op != MMB_TOP_USABLE && live[e->rel]) {
      uint32_t b = e->rel;
      s->life_calls[s->releases] = s->total_calls - born_call[b];
      s->life_bytes[s->releases] = s->allocated_bytes - born_bytes[b];
      s->releases++;
      s->remote_releases += born_thread[b] != e->thread;
      s->live_bytes -= size[b];
      s->live_blocks--;
      live[b] = 0;
    }
    if (e->born != MMB_TB_NONE) {
      uint32_t b = e->born;
      if (live[b]) { /* an address handed out again without a recorded free */
        s->live_bytes -= size[b];
        s->live_blocks--;
      }
      size[b] = e->size;
      born_call[b] = s->total_calls;
      born_bytes[b] = s->allocated_bytes;
      born_thread[b] = e->thread;
      live[b] = 1;
      s->allocated_bytes += e->size;
      s->live_bytes += e->size;
      s->live_blocks++;
      if (s->live_bytes > s->peak_bytes) s->peak_bytes = s->live_bytes;
      if (s->live_blocks > s->peak_blocks) s->peak_blocks = s->live_blocks;
    }
  }
  s->live_at_end = s->live_blocks;
  qsort(s->life_calls, s->releases, sizeof *s->life_calls, cmp_u64);
  qsort(s->life_bytes, s->releases, sizeof *s->life_bytes, cmp_u64);
  rc = 0;
out:
  free(size);
  free(born_call);
  free(born_bytes);
  free(born_thread);
  free(live);
  return rc;
}

/* What keeps the trace from replaying as recorded ("" = nothing). */
static void blockers(const stats *s, char *buf, size_t len) {
  buf[0] = 0;
  if (s->unknown_free || s->unknown_realloc)
    snprintf(
        buf, len,
        "%llu free(s) and %llu realloc(s) of a pointer that is not live (trace-replay refuses the "
        "trace; -p unknown=skip replays without those calls)",
        (unsigned long long)s->unknown_free, (unsigned long long)s->unknown_realloc);
}

static cJSON *to_json(const mmb_trace *t, const char *path, const stats *s) {
  cJSON *j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "file", path);
  cJSON_AddNumberToObject(j, "version", t->version);
  cJSON_AddNumberToObject(j, "bytes", (double)t->file_bytes);
  cJSON_AddNumberToObject(j, "bytes_per_call",
                          s->total_calls ? (double)t->file_bytes / (double)s->total_calls : 0);
  cJSON_AddNumberToObject(j, "pid", (double)t->pid);
  cJSON_AddNumberToObject(j, "images", t->images);
  cJSON_AddNumberToObject(j, "calls", (double)s->total_calls);
  cJSON *calls = cJSON_AddObjectToObject(j, "calls_by_function");
  for (int i = 0; i < NFN; i++)
    if (fn_used(i)) cJSON_AddNumberToObject(calls, fn_name(i), (double)s->calls[i]);
  cJSON_AddNumberToObject(j, "free_null", (double)s->free_null);
  cJSON_AddNumberToObject(j, "failed_allocations", (double)s->failed);
  uint32_t active = 0;
  for (uint32_t i = 0; i < t->nthreads; i++) active += t->th[i].calls > 0;
  cJSON *th = cJSON_AddObjectToObject(j, "threads");
  cJSON_AddNumberToObject(th, "seen", t->nthreads);
  cJSON_AddNumberToObject(th, "with_calls", active);
  cJSON_AddNumberToObject(th, "started", (double)s->thread_events[0]);
  cJSON_AddNumberToObject(th, "exited", (double)s->thread_events[1]);
  cJSON_AddNumberToObject(th, "created", (double)s->thread_events[2]);
  cJSON_AddNumberToObject(j, "forks", (double)s->thread_events[3]);
  cJSON *hist = cJSON_AddArrayToObject(j, "size_histogram");
  for (int b = 0; b < NBUCKETS; b++) {
    if (!s->sizes[b]) continue;
    cJSON *row = cJSON_CreateObject();
    cJSON_AddNumberToObject(row, "min", b ? (double)(1ull << (b - 1)) : 0);
    cJSON_AddNumberToObject(row, "max", b ? (double)((1ull << b) - 1) : 0);
    cJSON_AddNumberToObject(row, "count", (double)s->sizes[b]);
    cJSON_AddItemToArray(hist, row);
  }
  cJSON_AddNumberToObject(j, "allocated_bytes", (double)s->allocated_bytes);
  cJSON_AddNumberToObject(j, "peak_live_bytes", (double)s->peak_bytes);
  cJSON_AddNumberToObject(j, "peak_live_blocks", (double)s->peak_blocks);
  cJSON_AddNumberToObject(j, "live_at_end_blocks", (double)s->live_at_end);
  cJSON *life = cJSON_AddObjectToObject(j, "lifetimes");
  cJSON_AddNumberToObject(life, "released", (double)s->releases);
  const char *names[] = {"calls_median", "calls_p90", "calls_max",
                         "bytes_median", "bytes_p90", "bytes_max"};
  double ps[] = {0.5, 0.9, 1.0};
  for (int k = 0; k < 6; k++)
    cJSON_AddNumberToObject(
        life, names[k], (double)pct(k < 3 ? s->life_calls : s->life_bytes, s->releases, ps[k % 3]));
  cJSON_AddNumberToObject(j, "remote_free_share",
                          s->releases ? (double)s->remote_releases / (double)s->releases : 0);
  cJSON_AddNumberToObject(j, "unknown_frees", (double)s->unknown_free);
  cJSON_AddNumberToObject(j, "unknown_reallocs", (double)s->unknown_realloc);
  cJSON_AddNumberToObject(j, "unknown_usable_size", (double)s->unknown_usable);
  cJSON_AddNumberToObject(j, "addresses_reused_while_live", (double)t->reborn);
  cJSON_AddStringToObject(j, "damage", t->damage);
  char why[800];
  blockers(s, why, sizeof why);
  cJSON_AddBoolToObject(j, "replayable", why[0] == 0);
  cJSON_AddStringToObject(j, "replay_blockers", why);
  return j;
}

static void human(uint64_t v, char *buf, size_t len) {
  const char *unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double x = (double)v;
  int u = 0;
  while (x >= 1024 && u < 4) x /= 1024, u++;
  snprintf(buf, len, u ? "%.1f %s" : "%.0f %s", x, unit[u]);
}

int mmb_trace_info_print(const mmb_trace *t, const char *path, int json, FILE *out) {
  stats s;
  if (gather(t, &s) != 0) {
    free(s.life_calls);
    free(s.life_bytes);
    fprintf(stderr, "mmbench trace info: %s: out of memory\n", path);
    return 1;
  }
  cJSON *j = to_json(t, path, &s);
  if (json) {
    char *text = cJSON_Print(j);
    fprintf(out, "%s\n", text);
    free(text);
  } else {
    char a[32], b[32];
    fprintf(
        out,
        "%s: trace format %u, %llu bytes, %llu calls (%.1f bytes per call), %u process image(s)\n",
        path, t->version, (unsigned long long)t->file_bytes, (unsigned long long)s.total_calls,
        s.total_calls ? (double)t->file_bytes / (double)s.total_calls : 0.0, t->images);
    fprintf(out, "calls:");
    for (int i = 0; i < NFN; i++)
      if (s.calls[i]) fprintf(out, " %s %llu", fn_name(i), (unsigned long long)s.calls[i]);
    fprintf(out, "\n  free(NULL) %llu, allocations that returned NULL %llu\n",
            (unsigned long long)s.free_null, (unsigned long long)s.failed);
    uint32_t active = 0;
    for (uint32_t i = 0; i < t->nthreads; i++) active += t->th[i].calls > 0;
    fprintf(
        out,
        "threads: %u seen (%u with calls), %llu started, %llu exited, %llu created; forks %llu\n",
        t->nthreads, active, (unsigned long long)s.thread_events[0],
        (unsigned long long)s.thread_events[1], (unsigned long long)s.thread_events[2],
        (unsigned long long)s.thread_events[3]);
    fprintf(out, "sizes requested:\n");
    for (int k = 0; k < NBUCKETS; k++) {
      if (!s.sizes[k]) continue;
      human(k ? 1ull << (k - 1) : 0, a, sizeof a);
      human(k ? (1ull << k) - 1 : 0, b, sizeof b);
      fprintf(out, "  %10s .. %-10s %12llu\n", a, b, (unsigned long long)s.sizes[k]);
    }
    human(s.peak_bytes, a, sizeof a);
    human(s.allocated_bytes, b, sizeof b);
    fprintf(out, "live: peak %s in %llu blocks; %s allocated in all; %llu blocks live at the end\n",
            a, (unsigned long long)s.peak_blocks, b, (unsigned long long)s.live_at_end);
    fprintf(out,
            "lifetimes (%llu released): calls median %llu, p90 %llu, max %llu; bytes allocated "
            "meanwhile "
            "median %llu, p90 %llu, max %llu\n",
            (unsigned long long)s.releases, (unsigned long long)pct(s.life_calls, s.releases, 0.5),
            (unsigned long long)pct(s.life_calls, s.releases, 0.9),
            (unsigned long long)pct(s.life_calls, s.releases, 1),
            (unsigned long long)pct(s.life_bytes, s.releases, 0.5),
            (unsigned long long)pct(s.life_bytes, s.releases, 0.9),
            (unsigned long long)pct(s.life_bytes, s.releases, 1));
    fprintf(out, "frees by another thread: %.1f%% (%llu of %llu)\n",
            s.releases ? 100.0 * (double)s.remote_releases / (double)s.releases : 0.0,
            (unsigned long long)s.remote_releases, (unsigned long long)s.releases);
    if (s.unknown_usable || t->reborn)
      fprintf(
          out,
          "notes: %llu malloc_usable_size of a pointer that is not live, %llu addresses handed out "
          "again while live (a free the recorder did not see)\n",
          (unsigned long long)s.unknown_usable, (unsigned long long)t->reborn);
    char why[800];
    blockers(&s, why, sizeof why);
    if (t->damage[0]) fprintf(out, "damage: %s (replayed up to it)\n", t->damage);
    fprintf(out, "replay: %s%s\n", why[0] ? "blocked: " : "ok", why);
  }
  cJSON_Delete(j);
  free(s.life_calls);
  free(s.life_bytes);
  return 0;
}
