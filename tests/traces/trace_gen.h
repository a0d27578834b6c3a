/* mmbench tests — writing trace files by hand (format: trace_format.h), so
 * tests can make traces no program would: frees of unknown pointers, newer
 * versions, cut files, and many threads with frees across them whose order
 * is known. One chunk per thread. All static. */
#ifndef MMB_TRACE_GEN_H
#define MMB_TRACE_GEN_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_format.h"

#define TG_THREADS 16

typedef struct tg_thread {
  unsigned char *buf;
  size_t len, cap;
  uint32_t records;
  uint64_t seq, ptr; /* previous record's seq and non-NULL pointer */
} tg_thread;

typedef struct tg {
  tg_thread th[TG_THREADS];
  uint64_t seq;   /* global order */
  uint64_t calls; /* allocator calls written */
} tg;

static void tg_init(tg *g) { memset(g, 0, sizeof *g); }

static void tg_free_all(tg *g) {
  for (int i = 0; i < TG_THREADS; i++) free(g->th[i].buf);
  memset(g, 0, sizeof *g);
}

static unsigned char *tg_room(tg_thread *t) {
  if (t->len + MMB_TRACE_MAX_RECORD > t->cap) {
    t->cap = t->cap ? 2 * t->cap : 4096;
    t->buf = realloc(t->buf, t->cap);
    if (!t->buf) abort();
  }
  return t->buf + t->len;
}

static unsigned char *tg_head(tg *g, tg_thread *t, int op, int variant) {
  unsigned char *p = tg_room(t);
  uint64_t seq = ++g->seq;
  *p++ = (unsigned char)(op | variant << 4);
  p = mmb_tv_put(p, seq - t->seq);
  t->seq = seq;
  return p;
}

static unsigned char *tg_ptr(tg_thread *t, unsigned char *p, uint64_t v) {
  if (!v) return mmb_tv_put(p, 0);
  p = mmb_tv_put(p, mmb_tv_zig((int64_t)(v - t->ptr)) + 1);
  t->ptr = v;
  return p;
}

static void tg_done(tg *g, tg_thread *t, unsigned char *end, int call) {
  t->len = (size_t)(end - t->buf);
  t->records++;
  g->calls += call;
}

static void tg_malloc(tg *g, int th, uint64_t size, uint64_t ptr) {
  tg_thread *t = &g->th[th];
  unsigned char *p = tg_head(g, t, MMB_TOP_MALLOC, 0);
  p = mmb_tv_put(p, size);
  tg_done(g, t, tg_ptr(t, p, ptr), 1);
}

static void tg_calloc(tg *g, int th, uint64_t n, uint64_t size, uint64_t ptr) {
  tg_thread *t = &g->th[th];
  unsigned char *p = tg_head(g, t, MMB_TOP_CALLOC, 0);
  p = mmb_tv_put(p, n);
  p = mmb_tv_put(p, size);
  tg_done(g, t, tg_ptr(t, p, ptr), 1);
}

static void tg_aligned(tg *g, int th, int variant, uint64_t align, uint64_t size, uint64_t ptr) {
  tg_thread *t = &g->th[th];
  unsigned char *p = tg_head(g, t, MMB_TOP_ALIGNED, variant);
  p = mmb_tv_put(p, align);
  p = mmb_tv_put(p, size);
  tg_done(g, t, tg_ptr(t, p, ptr), 1);
}

static void tg_free(tg *g, int th, uint64_t ptr) {
  tg_thread *t = &g->th[th];
  unsigned char *p = tg_head(g, t, MMB_TOP_FREE, 0);
  tg_done(g, t, tg_ptr(t, p, ptr), 1);
}

static void tg_realloc(tg *g, int th, uint64_t old, uint64_t size, uint64_t ptr) {
  tg_thread *t = &g->th[th];
  unsigned char *p = tg_head(g, t, MMB_TOP_REALLOC, 0);
  uint64_t seq2 = ++g->seq;
  p = mmb_tv_put(p, seq2 - t->seq);
  t->seq = seq2;
  p = tg_ptr(t, p, old);
  p = mmb_tv_put(p, size);
  tg_done(g, t, tg_ptr(t, p, ptr), 1);
}

static void tg_usable(tg *g, int th, uint64_t ptr, uint64_t result) {
  tg_thread *t = &g->th[th];
  unsigned char *p = tg_head(g, t, MMB_TOP_USABLE, 0);
  p = tg_ptr(t, p, ptr);
  tg_done(g, t, mmb_tv_put(p, result), 1);
}

static void put_le(unsigned char *p, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; i++) p[i] = (unsigned char)(v >> (8 * i));
}

/* The whole file in memory (malloc'ed; *len its size), header version as
 * given. */
static unsigned char *tg_image(const tg *g, uint32_t version, size_t *len) {
  size_t n = MMB_TRACE_HEADER_BYTES;
  for (int i = 0; i < TG_THREADS; i++)
    if (g->th[i].records) n += MMB_TRACE_CHUNK_HEADER_BYTES + g->th[i].len;
  unsigned char *d = calloc(1, n);
  if (!d) abort();
  memcpy(d, MMB_TRACE_MAGIC, 8);
  put_le(d + MMB_TH_VERSION, version, 4);
  put_le(d + MMB_TH_HBYTES, MMB_TRACE_HEADER_BYTES, 4);
  put_le(d + MMB_TH_IMAGES, 1, 4);
  put_le(d + MMB_TH_PID, 4242, 8);
  size_t off = MMB_TRACE_HEADER_BYTES;
  for (int i = 0; i < TG_THREADS; i++) {
    const tg_thread *t = &g->th[i];
    if (!t->records) continue;
    unsigned char *c = d + off;
    put_le(c + MMB_TC_MAGIC, MMB_TRACE_CHUNK_MAGIC, 4);
    put_le(c + MMB_TC_THREAD, (uint64_t)i, 4);
    put_le(c + MMB_TC_CAPACITY, t->len, 4);
    put_le(c + MMB_TC_USED, t->len, 4);
    put_le(c + MMB_TC_RECORDS, t->records, 4);
    memcpy(c + MMB_TRACE_CHUNK_HEADER_BYTES, t->buf, t->len);
    off += MMB_TRACE_CHUNK_HEADER_BYTES + t->len;
  }
  *len = n;
  return d;
}

/* Write data[0, len) to path: 0 or -1. */
static int tg_write_bytes(const char *path, const unsigned char *data, size_t len) {
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  int ok = fwrite(data, 1, len, f) == len;
  return fclose(f) == 0 && ok ? 0 : -1;
}

static int tg_write(const tg *g, const char *path) {
  size_t len;
  unsigned char *d = tg_image(g, MMB_TRACE_VERSION, &len);
  int rc = tg_write_bytes(path, d, len);
  free(d);
  return rc;
}

/* A trace of `threads` threads and about `steps` calls: each step a thread
 * (chosen by a fixed generator) either frees or reallocs a block another
 * thread handed it, or allocates a new one and hands it to a thread. Freed
 * addresses are handed out again (LIFO), as a real allocator would. Every
 * kind of call appears. Returns the calls written. */
static uint64_t tg_mixed(tg *g, int threads, int steps) {
  enum { MAXLIVE = 4096 };
  uint64_t live_ptr[MAXLIVE], freed[MAXLIVE], x = 0x5eedull, next_addr = 0x100000;
  int owner[MAXLIVE], nlive = 0, nfreed = 0;
  for (int s = 0; s < steps; s++) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    int th = (int)((x >> 33) % (uint64_t)threads);
    uint64_t r = x >> 40;
    int mine = -1;
    for (int i = 0; i < nlive && mine < 0; i++)
      if (owner[i] == th) mine = i;
    if (mine >= 0 && (r % 3 != 0 || nlive == MAXLIVE)) {
      uint64_t p = live_ptr[mine];
      if (r % 5 == 0) { /* realloc: a new address, handed to another thread */
        uint64_t q = (next_addr += 4096);
        tg_realloc(g, th, p, 24 + r % 500, q);
        if (nfreed < MAXLIVE) freed[nfreed++] = p;
        live_ptr[mine] = q;
        owner[mine] = (int)((r >> 3) % (uint64_t)threads);
      } else {
        if (r % 7 == 0) tg_usable(g, th, p, 64);
        tg_free(g, th, p);
        if (nfreed < MAXLIVE) freed[nfreed++] = p;
        live_ptr[mine] = live_ptr[--nlive];
        owner[mine] = owner[nlive];
      }
    } else if (nlive < MAXLIVE) {
      uint64_t p = nfreed ? freed[--nfreed] : (next_addr += 4096);
      switch (r % 4) {
      case 0: tg_calloc(g, th, 3, 8 + r % 40, p); break;
      case 1: tg_aligned(g, th, (int)(r % MMB_TAL_COUNT), 64, 100 + r % 300, p); break;
      default: tg_malloc(g, th, 1 + r % 2000, p); break;
      }
      live_ptr[nlive] = p;
      owner[nlive++] = (int)((r >> 5) % (uint64_t)threads);
    }
  }
  return g->calls;
}

#endif
