/* mmbench tests — libFuzzer target for `arena` and `arena-pool`: the input
 * is a sequence of operations (alloc, aligned alloc, calloc, free, realloc,
 * reset) run on one arena and one pool against a shadow model of the live
 * blocks. Every new block is checked for alignment and against overlap with
 * every live block; block contents carry a pattern checked on free, realloc
 * and at the end. A violation aborts. Built with -fsanitize=fuzzer under
 * `make fuzz`, and with fuzz_replay.c as a plain test that replays
 * tests/arena/corpus/ in every build. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "arena_pool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_LIVE = 512, EDGE = 256 };

/* The model's own loops need no coverage feedback (and would dominate the
 * run time with it). */
#if defined(__clang__)
#define NOCOV __attribute__((no_sanitize("coverage")))
#else
#define NOCOV
#endif
#define ARENA_CAP ((uint64_t)32 << 20)
#define MAX_LIVE_BYTES ((size_t)24 << 20)

typedef struct shadow {
  char *p;
  size_t size;
  uint8_t tag;
  uint8_t pool; /* 0 arena, 1 pool */
} shadow;

typedef struct state {
  const uint8_t *in;
  size_t len, pos;
  mmb_arena_t *arena;
  mmb_pool_t *pool;
  shadow live[MAX_LIVE];
  int n;
  size_t live_bytes;
  uint8_t next_tag;
} state;

#define FAIL(...)                                                                                  \
  do {                                                                                             \
    fprintf(stderr, "fuzz_arena: " __VA_ARGS__);                                                   \
    fputc('\n', stderr);                                                                           \
    abort();                                                                                       \
  } while (0)

static unsigned get8(state *s) { return s->pos < s->len ? s->in[s->pos++] : 0; }
static unsigned get16(state *s) { return get8(s) | get8(s) << 8; }

/* A size: mostly small, sometimes up to 64 KiB, rarely up to 4 MiB. */
static size_t get_size(state *s) {
  unsigned k = get8(s);
  if (k < 160) return get8(s);
  if (k < 240) return get16(s);
  if (k < 254) return (size_t)get16(s) << 6;
  return k == 254 ? 0 : (size_t)1 << (get8(s) % 64); /* huge ones fail cleanly */
}

/* Pattern only on the first and last EDGE bytes: big blocks stay cheap. */
NOCOV static uint8_t pat(uint8_t tag, size_t i) { return (uint8_t)(tag * 37 + i * 11 + (i >> 9)); }
NOCOV static void fill(char *p, size_t n, uint8_t tag) {
  for (size_t i = 0; i < n && i < EDGE; i++) p[i] = (char)pat(tag, i);
  for (size_t i = n > EDGE ? (n - EDGE > EDGE ? n - EDGE : EDGE) : n; i < n; i++)
    p[i] = (char)pat(tag, i);
}
NOCOV static void check(const shadow *b, size_t n) {
  for (size_t i = 0; i < n && i < EDGE; i++)
    if ((uint8_t)b->p[i] != pat(b->tag, i))
      FAIL("block %p (%zu bytes) changed at %zu", (void *)b->p, b->size, i);
  if (n != b->size) return;
  for (size_t i = n > EDGE ? (n - EDGE > EDGE ? n - EDGE : EDGE) : n; i < n; i++)
    if ((uint8_t)b->p[i] != pat(b->tag, i))
      FAIL("block %p (%zu bytes) changed at %zu", (void *)b->p, b->size, i);
}

NOCOV static void check_new(state *s, const char *p, size_t size, size_t align, int skip) {
  if ((uintptr_t)p % (align < 16 ? 16 : align) != 0)
    FAIL("%p not aligned to %zu", (void *)p, align);
  uintptr_t a = (uintptr_t)p, ae = a + (size ? size : 1);
  for (int i = 0; i < s->n; i++) {
    if (i == skip) continue;
    uintptr_t b = (uintptr_t)s->live[i].p, be = b + (s->live[i].size ? s->live[i].size : 1);
    if (a < be && b < ae)
      FAIL("new block %p+%zu overlaps %p+%zu", (void *)p, size, (void *)s->live[i].p,
           s->live[i].size);
  }
}

/* The first and last 64 KiB are zero. */
NOCOV static int all_zero(const char *p, size_t n) {
  static const char zero[65536];
  size_t head = n < sizeof zero ? n : sizeof zero;
  size_t tail = n > 2 * sizeof zero ? sizeof zero : 0;
  return memcmp(p, zero, head) == 0 && (!tail || memcmp(p + n - tail, zero, tail) == 0);
}

static void add(state *s, char *p, size_t size, int pool) {
  shadow *b = &s->live[s->n++];
  *b = (shadow){p, size, s->next_tag++, (uint8_t)pool};
  s->live_bytes += size;
  fill(p, size, b->tag);
}

static void drop(state *s, int i) {
  s->live_bytes -= s->live[i].size;
  s->live[i] = s->live[--s->n];
}

/* NULL is allowed only for a huge request, or from the arena near its cap. */
static void expect_failure_ok(state *s, int pool, size_t size) {
  if (errno != ENOMEM && errno != EINVAL) FAIL("NULL with errno %d", errno);
  if (size >= ((size_t)1 << 40)) return; /* huge: failure expected */
  if (pool) FAIL("pool failed to allocate %zu bytes", size);
  mmb_arena_stats_t st;
  mmb_arena_stats(s->arena, &st);
  if (st.reserved + size < ARENA_CAP / 2)
    FAIL("arena ENOMEM at %llu reserved for %zu bytes", (unsigned long long)st.reserved, size);
}

static void op_alloc(state *s, int pool, int aligned, int zeroed) {
  size_t align = aligned ? (size_t)1 << (get8(s) % 22) : 16;
  size_t n = zeroed ? (size_t)get8(s) + 1 : 1;
  size_t size = get_size(s);
  if (s->n == MAX_LIVE || (size < ((size_t)1 << 40) && s->live_bytes + size * n > MAX_LIVE_BYTES))
    return;
  char *p;
  errno = 0;
  if (zeroed)
    p = pool ? mmb_pool_calloc(s->pool, n, size) : mmb_arena_calloc(s->arena, n, size);
  else if (aligned)
    p = pool ? mmb_pool_aligned_alloc(s->pool, align, size)
             : mmb_arena_aligned_alloc(s->arena, align, size);
  else
    p = pool ? mmb_pool_alloc(s->pool, size) : mmb_arena_alloc(s->arena, size);
  size_t total = size * n;
  if (zeroed && size && total / size != n) total = SIZE_MAX;
  if (!p) {
    expect_failure_ok(s, pool, total);
    return;
  }
  if (total > ((size_t)1 << 40)) FAIL("huge request %zu succeeded", total);
  if (zeroed && !all_zero(p, total)) FAIL("calloc block %p (%zu bytes) not zero", (void *)p, total);
  check_new(s, p, total, align, -1);
  if (pool && mmb_pool_usable_size(p) < total) FAIL("usable size below %zu", total);
  add(s, p, total, pool);
}

static void op_free(state *s) {
  if (!s->n) return;
  int i = (int)(get8(s) % (unsigned)s->n);
  check(&s->live[i], s->live[i].size);
  if (s->live[i].pool) mmb_pool_free(s->pool, s->live[i].p, s->live[i].size);
  drop(s, i);
}

static void op_realloc(state *s) {
  if (!s->n) return;
  int i = (int)(get8(s) % (unsigned)s->n);
  shadow *b = &s->live[i];
  size_t size = get_size(s);
  if (size < ((size_t)1 << 40) && s->live_bytes + size > MAX_LIVE_BYTES) return;
  errno = 0;
  char *p = b->pool ? mmb_pool_realloc(s->pool, b->p, b->size, size)
                    : mmb_arena_realloc(s->arena, b->p, b->size, size);
  if (!p) {
    expect_failure_ok(s, b->pool, size);
    check(b, b->size); /* the old block is untouched */
    return;
  }
  shadow moved = *b;
  moved.p = p;
  check(&moved, size < b->size ? size : b->size);
  check_new(s, p, size, 16, i);
  int pool = b->pool;
  drop(s, i);
  add(s, p, size, pool);
}

static void op_reset(state *s) {
  int pool = (int)(get8(s) & 1);
  for (int i = 0; i < s->n; i++) check(&s->live[i], s->live[i].size);
  if (pool)
    mmb_pool_reset(s->pool);
  else
    mmb_arena_reset(s->arena);
  for (int i = s->n - 1; i >= 0; i--)
    if (s->live[i].pool == pool) drop(s, i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static state s;
  memset(&s, 0, sizeof s);
  s.in = data;
  s.len = size;
  mmb_arena_config cfg = MMB_ARENA_CONFIG_DEFAULT;
  cfg.cap = ARENA_CAP;
  cfg.chunk_size = 64 << 10;
  cfg.retain = 1 << 20;
  s.arena = mmb_arena_create(&cfg);
  s.pool = mmb_pool_create(4 << 20);
  if (!s.arena || !s.pool) FAIL("create");
  while (s.pos < s.len) {
    unsigned op = get8(&s);
    switch (op % 10) {
    case 0:
    case 1: op_alloc(&s, op & 16 ? 1 : 0, 0, 0); break;
    case 2: op_alloc(&s, op & 16 ? 1 : 0, 1, 0); break;
    case 3: op_alloc(&s, op & 16 ? 1 : 0, 0, 1); break;
    case 4:
    case 5:
    case 6: op_free(&s); break;
    case 7:
    case 8: op_realloc(&s); break;
    case 9:
      if (op >= 200)
        op_reset(&s);
      else
        op_free(&s);
      break;
    }
  }
  for (int i = 0; i < s.n; i++) check(&s.live[i], s.live[i].size);
  /* statistics agree with the model */
  mmb_pool_stats_t ps = {0};
  mmb_pool_stats(s.pool, &ps);
  uint64_t pool_live = 0;
  for (int i = 0; i < s.n; i++)
    if (s.live[i].pool) pool_live += s.live[i].size;
  if (ps.requested != pool_live)
    FAIL("pool requested %llu, model %llu", (unsigned long long)ps.requested,
         (unsigned long long)pool_live);
  mmb_arena_stats_t as;
  mmb_arena_stats(s.arena, &as);
  if (as.reserved > ARENA_CAP) FAIL("arena above its cap: %llu", (unsigned long long)as.reserved);
  mmb_arena_destroy(s.arena);
  mmb_pool_destroy(s.pool);
  return 0;
}
