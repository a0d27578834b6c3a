/* mmbench — allocation traces: the reader (format in trace_format.h).
 *
 * Decodes every chunk into events, sorts them by the global order (image,
 * then the recorder's sequence number) and resolves addresses to block
 * identities: a block is born when an allocation returns its address and
 * released by the free or realloc that passes that address in. A realloc
 * releases at its first number and is born again (same identity) at its
 * second, so an address that another thread frees and this realloc gets
 * back in between is never mistaken for a live one. */
#define _GNU_SOURCE
#include "trace_format.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_CHUNK_PAYLOAD (1u << 30)

static uint32_t rd32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t rd64(const unsigned char *p) {
  return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* One varint from [*p, end): 0, or -1 when cut short or longer than 64 bits. */
static int get_varint(const unsigned char **p, const unsigned char *end, uint64_t *out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*p >= end) return -1;
    unsigned char b = *(*p)++;
    if (shift == 63 && b > 1) return -1;
    v |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *out = v;
      return 0;
    }
  }
  return -1;
}

const char *mmb_trace_op_name(int op, int variant) {
  static const char *const ops[MMB_TOP_COUNT] = {"?",
                                                 "malloc",
                                                 "calloc",
                                                 "realloc",
                                                 "free",
                                                 "aligned",
                                                 "malloc_usable_size",
                                                 "thread-start",
                                                 "thread-exit",
                                                 "thread-create",
                                                 "fork"};
  static const char *const al[MMB_TAL_COUNT] = {"posix_memalign", "aligned_alloc", "memalign",
                                                "valloc", "pvalloc"};
  if (op == MMB_TOP_ALIGNED && variant >= 0 && variant < MMB_TAL_COUNT) return al[variant];
  return op > 0 && op < MMB_TOP_COUNT ? ops[op] : "?";
}

/* ---------------------------------------------------------------------------
 * Growing arrays
 * ------------------------------------------------------------------------- */
static int grow(void **arr, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return 0;
  size_t n = *cap ? *cap : 256;
  while (n < need) n *= 2;
  void *p = realloc(*arr, n * elem);
  if (!p) return -1;
  *arr = p;
  *cap = n;
  return 0;
}

static int thread_index(mmb_trace *t, size_t *cap, uint32_t image, uint32_t number, uint32_t *out) {
  for (uint32_t i = t->nthreads; i-- > 0;)
    if (t->th[i].image == image && t->th[i].number == number) {
      *out = i;
      return 0;
    }
  if (grow((void **)&t->th, cap, t->nthreads + 1, sizeof *t->th) != 0) return -1;
  memset(&t->th[t->nthreads], 0, sizeof *t->th);
  t->th[t->nthreads].image = image;
  t->th[t->nthreads].number = number;
  *out = t->nthreads++;
  return 0;
}

/* ---------------------------------------------------------------------------
 * Decoding one chunk's payload
 * ------------------------------------------------------------------------- */
/* A pointer field: 0 is NULL, else zigzag delta + 1 from *prev. */
static uint64_t get_ptr(uint64_t v, uint64_t *prev) {
  if (!v) return 0;
  return *prev += (uint64_t)mmb_tv_unzig(v - 1);
}

/* Decode up to nrec records from [p, end). Returns the records decoded;
 * *bad set when a record is malformed (the rest of the chunk is dropped). */
static size_t decode_chunk(mmb_trace *t, size_t *cap, const unsigned char *p,
                           const unsigned char *end, uint32_t nrec, uint32_t image, uint32_t thread,
                           int *bad) {
  uint64_t seq = 0, prev = 0;
  size_t done = 0;
  *bad = 0;
  while (done < nrec && p < end) {
    mmb_trace_ev e;
    memset(&e, 0, sizeof e);
    e.thread = thread;
    e.rel = e.born = MMB_TB_NONE;
    unsigned char head = *p++;
    e.op = head & 15;
    e.variant = head >> 4;
    uint64_t d, v[4] = {0};
    int nf,
        ok = get_varint(&p, end, &d) == 0 && d >= 1 && d < (1ull << 47) && seq + d < (1ull << 48);
    if (!ok) goto bad;
    seq += d;
    e.key = e.key2 = (uint64_t)image << 48 | seq;
    switch (e.op) {
    case MMB_TOP_MALLOC: nf = 2; break;       /* size ptr */
    case MMB_TOP_CALLOC: nf = 3; break;       /* n size ptr */
    case MMB_TOP_REALLOC: nf = 4; break;      /* seq2 old size ptr */
    case MMB_TOP_FREE: nf = 1; break;         /* ptr */
    case MMB_TOP_ALIGNED: nf = 3; break;      /* align size ptr */
    case MMB_TOP_USABLE: nf = 2; break;       /* ptr result */
    case MMB_TOP_THREAD_START: nf = 2; break; /* ostid parent */
    case MMB_TOP_THREAD_EXIT: nf = 0; break;
    case MMB_TOP_THREAD_CREATE: nf = 1; break; /* child */
    case MMB_TOP_FORK: nf = 0; break;
    default: goto bad;
    }
    if (e.op != MMB_TOP_ALIGNED && e.variant) goto bad;
    if (e.op == MMB_TOP_ALIGNED && e.variant >= MMB_TAL_COUNT) goto bad;
    for (int i = 0; i < nf; i++)
      if (get_varint(&p, end, &v[i]) != 0) goto bad;
    switch (e.op) {
    case MMB_TOP_MALLOC:
      e.size = v[0];
      e.ptr = get_ptr(v[1], &prev);
      break;
    case MMB_TOP_CALLOC:
      e.arg = v[0];
      e.size = v[0] * v[1];
      if (v[0] && e.size / v[0] != v[1]) e.size = UINT64_MAX; /* overflowed: the call failed */
      e.ptr = get_ptr(v[2], &prev);
      break;
    case MMB_TOP_REALLOC:
      if (v[0] < 1 || v[0] >= (1ull << 48) - seq) goto bad;
      e.key2 = e.key + v[0];
      e.arg = get_ptr(v[1], &prev);
      e.size = v[2];
      e.ptr = get_ptr(v[3], &prev);
      seq += v[0];
      break;
    case MMB_TOP_FREE: e.ptr = get_ptr(v[0], &prev); break;
    case MMB_TOP_ALIGNED:
      e.arg = v[0];
      e.size = v[1];
      e.ptr = get_ptr(v[2], &prev);
      break;
    case MMB_TOP_USABLE:
      e.ptr = get_ptr(v[0], &prev);
      e.size = v[1];
      break;
    case MMB_TOP_THREAD_START:
      e.arg = v[0];
      t->th[thread].ostid = v[0];
      t->th[thread].started = 1;
      break;
    case MMB_TOP_THREAD_EXIT: t->th[thread].exited = 1; break;
    case MMB_TOP_THREAD_CREATE: e.arg = v[0]; break;
    default: break;
    }
    if (mmb_trace_is_call(&e)) t->th[thread].calls++;
    if (grow((void **)&t->ev, cap, t->nev + 1, sizeof *t->ev) != 0) {
      *bad = 2;
      return done;
    }
    t->ev[t->nev++] = e;
    done++;
  }
  return done;
bad:
  *bad = 1;
  return done;
}

/* ---------------------------------------------------------------------------
 * Address -> block map: open addressing, linear probing, backward-shift
 * deletion. Key 0 is never stored (NULL is no block).
 * ------------------------------------------------------------------------- */
typedef struct amap {
  uint64_t *key;
  uint32_t *val;
  size_t mask, used;
} amap;

static size_t amap_slot(const amap *m, uint64_t k) {
  uint64_t h = k * 0x9e3779b97f4a7c15ull;
  return (size_t)(h >> 20) & m->mask;
}

static int amap_init(amap *m, size_t n) {
  m->mask = n - 1;
  m->used = 0;
  m->key = calloc(n, sizeof *m->key);
  m->val = calloc(n, sizeof *m->val);
  return m->key && m->val ? 0 : -1;
}

static void amap_free(amap *m) {
  free(m->key);
  free(m->val);
  memset(m, 0, sizeof *m);
}

static int amap_put(amap *m, uint64_t k, uint32_t v);

static int amap_grow(amap *m) {
  amap n;
  if (amap_init(&n, (m->mask + 1) * 2) != 0) {
    amap_free(&n);
    return -1;
  }
  for (size_t i = 0; i <= m->mask; i++)
    if (m->key[i]) amap_put(&n, m->key[i], m->val[i]);
  amap_free(m);
  *m = n;
  return 0;
}

/* Insert or replace: 0 (1 when k was there already), -1 out of memory. */
static int amap_put(amap *m, uint64_t k, uint32_t v) {
  if (2 * (m->used + 1) > m->mask + 1 && amap_grow(m) != 0) return -1;
  size_t i = amap_slot(m, k);
  while (m->key[i] && m->key[i] != k) i = (i + 1) & m->mask;
  int had = m->key[i] == k;
  m->key[i] = k;
  m->val[i] = v;
  m->used += !had;
  return had;
}

static int amap_get(const amap *m, uint64_t k, uint32_t *v) {
  size_t i = amap_slot(m, k);
  while (m->key[i]) {
    if (m->key[i] == k) {
      *v = m->val[i];
      return 1;
    }
    i = (i + 1) & m->mask;
  }
  return 0;
}

static void amap_del(amap *m, uint64_t k) {
  size_t i = amap_slot(m, k);
  while (m->key[i] && m->key[i] != k) i = (i + 1) & m->mask;
  if (!m->key[i]) return;
  m->key[i] = 0;
  m->used--;
  for (size_t j = (i + 1) & m->mask; m->key[j]; j = (j + 1) & m->mask) {
    size_t home = amap_slot(m, m->key[j]);
    /* move j back into the hole at i when its home is not in (i, j] */
    if (((j - home) & m->mask) >= ((j - i) & m->mask)) {
      m->key[i] = m->key[j];
      m->val[i] = m->val[j];
      m->key[j] = 0;
      i = j;
    }
  }
}

static void amap_clear(amap *m) {
  memset(m->key, 0, (m->mask + 1) * sizeof *m->key);
  m->used = 0;
}

/* ---------------------------------------------------------------------------
 * Resolution: events in key order; realloc results wait in a small heap
 * until their second number comes up.
 * ------------------------------------------------------------------------- */
typedef struct pending {
  uint64_t key2;
  size_t ev;
} pending;

typedef struct resolver {
  mmb_trace *t;
  amap map;
  uint32_t *births; /* per block: results so far */
  size_t births_cap;
  pending *heap;
  size_t nheap, heap_cap;
} resolver;

static int heap_push(resolver *r, uint64_t key2, size_t ev) {
  if (grow((void **)&r->heap, &r->heap_cap, r->nheap + 1, sizeof *r->heap) != 0) return -1;
  size_t i = r->nheap++;
  while (i && r->heap[(i - 1) / 2].key2 > key2) {
    r->heap[i] = r->heap[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  r->heap[i] = (pending){key2, ev};
  return 0;
}

static pending heap_pop(resolver *r) {
  pending top = r->heap[0], last = r->heap[--r->nheap];
  size_t i = 0;
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= r->nheap) break;
    if (c + 1 < r->nheap && r->heap[c + 1].key2 < r->heap[c].key2) c++;
    if (r->heap[c].key2 >= last.key2) break;
    r->heap[i] = r->heap[c];
    i = c;
  }
  if (r->nheap) r->heap[i] = last;
  return top;
}

/* The result of ev becomes live as block b (a new one when b is NONE). */
static int birth(resolver *r, mmb_trace_ev *e, uint32_t b) {
  if (b == MMB_TB_NONE) {
    if (r->t->nblocks == MMB_TB_NONE - 1) return -1;
    b = r->t->nblocks++;
    if (grow((void **)&r->births, &r->births_cap, r->t->nblocks, sizeof *r->births) != 0) return -1;
    r->births[b] = 0;
  }
  e->born = b;
  r->births[b]++;
  uint32_t was;
  if (amap_get(&r->map, e->ptr, &was)) {
    e->reborn = 1;
    r->t->reborn++;
  }
  return amap_put(&r->map, e->ptr, b) < 0 ? -1 : 0;
}

static int drain(resolver *r, uint64_t upto) {
  while (r->nheap && r->heap[0].key2 < upto) {
    pending p = heap_pop(r);
    mmb_trace_ev *e = &r->t->ev[p.ev];
    if (birth(r, e, e->rel) != 0) return -1;
  }
  return 0;
}

/* The block ptr names (consumer of e): its id and births so far, or unknown. */
static uint32_t consume(resolver *r, mmb_trace_ev *e, uint64_t ptr, int release) {
  uint32_t b;
  if (!amap_get(&r->map, ptr, &b)) {
    e->unknown = 1;
    r->t->unknown++;
    return MMB_TB_NONE;
  }
  e->births = r->births[b];
  if (release) amap_del(&r->map, ptr);
  return b;
}

static int resolve(mmb_trace *t) {
  resolver r = {.t = t};
  int rc = -1;
  if (amap_init(&r.map, 1024) != 0) goto out;
  uint32_t image = 0;
  for (size_t i = 0; i < t->nev; i++) {
    mmb_trace_ev *e = &t->ev[i];
    if (drain(&r, e->key) != 0) goto out;
    if ((uint32_t)(e->key >> 48) != image) { /* exec: the old image's memory is gone */
      image = (uint32_t)(e->key >> 48);
      amap_clear(&r.map);
    }
    switch (e->op) {
    case MMB_TOP_MALLOC:
    case MMB_TOP_CALLOC:
    case MMB_TOP_ALIGNED:
      if (e->ptr && birth(&r, e, MMB_TB_NONE) != 0) goto out;
      break;
    case MMB_TOP_FREE:
      if (e->ptr) e->rel = consume(&r, e, e->ptr, 1);
      break;
    case MMB_TOP_USABLE:
      if (e->ptr) e->rel = consume(&r, e, e->ptr, 0);
      break;
    case MMB_TOP_REALLOC:
      if (!e->ptr && e->size) break; /* failed: the old block stays as it was */
      if (e->arg) e->rel = consume(&r, e, e->arg, 1);
      if (e->ptr && heap_push(&r, e->key2, i) != 0) goto out;
      break;
    default: break;
    }
  }
  if (drain(&r, UINT64_MAX) != 0) goto out;
  rc = 0;
out:
  amap_free(&r.map);
  free(r.births);
  free(r.heap);
  return rc;
}

/* ---------------------------------------------------------------------------
 * Whole file
 * ------------------------------------------------------------------------- */
static int cmp_key(const void *a, const void *b) {
  uint64_t x = ((const mmb_trace_ev *)a)->key, y = ((const mmb_trace_ev *)b)->key;
  return (x > y) - (x < y);
}

static void note_damage(mmb_trace *t, const char *fmt, unsigned long long a, unsigned long long b) {
  if (t->damage[0]) return; /* the first damage tells where */
  snprintf(t->damage, sizeof t->damage, fmt, a, b);
}

/* The file header into t. 0, or -1 with err (empty, not a trace, cut,
 * newer or corrupt). */
static int parse_header(const unsigned char *data, size_t len, mmb_trace *t, char *err,
                        size_t errlen) {
  if (len == 0) {
    snprintf(err, errlen, "empty (a trace starts with a %u-byte header; did the program start?)",
             MMB_TRACE_HEADER_BYTES);
    return -1;
  }
  if (len < 8 || memcmp(data, MMB_TRACE_MAGIC, 8) != 0) {
    snprintf(err, errlen, "not an mmbench trace (wrong magic; a trace starts with '%s')",
             MMB_TRACE_MAGIC);
    return -1;
  }
  if (len < MMB_TRACE_HEADER_BYTES) {
    snprintf(err, errlen, "truncated header (%zu bytes; a trace header has %u)", len,
             MMB_TRACE_HEADER_BYTES);
    return -1;
  }
  t->version = rd32(data + MMB_TH_VERSION);
  if (t->version > MMB_TRACE_VERSION) {
    snprintf(err, errlen,
             "format version %u is newer than this mmbench reads (%u): use a newer mmbench",
             t->version, MMB_TRACE_VERSION);
    return -1;
  }
  if (t->version == 0 || rd32(data + MMB_TH_HBYTES) != MMB_TRACE_HEADER_BYTES) {
    snprintf(err, errlen,
             "corrupt header (version %u, header size %u; expected version %u, size %u)",
             t->version, rd32(data + MMB_TH_HBYTES), MMB_TRACE_VERSION, MMB_TRACE_HEADER_BYTES);
    return -1;
  }
  t->images = rd32(data + MMB_TH_IMAGES);
  t->pid = rd64(data + MMB_TH_PID);
  t->ppid = rd64(data + MMB_TH_PPID);
  t->start_ns = rd64(data + MMB_TH_START);

  return 0;
}

/* The chunks after the header: their records into t, damage noted where
 * the file is cut or malformed (the records before it are kept). 0, 1 when
 * out of memory, or -1 with err for a corrupt first chunk. */
static int parse_chunks(const unsigned char *data, size_t len, mmb_trace *t, char *err,
                        size_t errlen) {
  size_t evcap = 0, thcap = 0, off = MMB_TRACE_HEADER_BYTES;
  while (off < len) {
    if (len - off < MMB_TRACE_CHUNK_HEADER_BYTES) {
      note_damage(t, "cut inside a chunk header at byte %llu (of %llu): the rest is lost",
                  (unsigned long long)off, (unsigned long long)len);
      break;
    }
    const unsigned char *c = data + off;
    uint32_t magic = rd32(c + MMB_TC_MAGIC);
    if (magic == 0) { /* space the recorder reserved but had not yet filled */
      note_damage(
          t, "no chunk at byte %llu (of %llu): the recorder was stopped while growing the file",
          (unsigned long long)off, (unsigned long long)len);
      break;
    }
    uint32_t cap = rd32(c + MMB_TC_CAPACITY), used = rd32(c + MMB_TC_USED);
    uint32_t nrec = rd32(c + MMB_TC_RECORDS), image = rd32(c + MMB_TC_IMAGE);
    if (magic != MMB_TRACE_CHUNK_MAGIC || cap > MAX_CHUNK_PAYLOAD || used > cap ||
        image >= (1u << 15) || nrec > used) {
      if (t->nev == 0) {
        snprintf(err, errlen, "corrupt chunk header at byte %zu (no records before it)", off);
        return -1;
      }
      note_damage(t, "corrupt chunk header at byte %llu (of %llu): read up to it",
                  (unsigned long long)off, (unsigned long long)len);
      break;
    }
    uint32_t th;
    if (thread_index(t, &thcap, image, rd32(c + MMB_TC_THREAD), &th) != 0) return 1;
    size_t avail = len - off - MMB_TRACE_CHUNK_HEADER_BYTES;
    const unsigned char *p = c + MMB_TRACE_CHUNK_HEADER_BYTES;
    int bad;
    size_t got =
        decode_chunk(t, &evcap, p, p + (used < avail ? used : avail), nrec, image, th, &bad);
    if (bad == 2) return 1;
    t->chunks++;
    if (avail < used)
      note_damage(
          t, "cut at byte %llu inside the chunk at byte %llu: the records after the cut are lost",
          (unsigned long long)len, (unsigned long long)off);
    else if (bad)
      note_damage(t,
                  "malformed record in the chunk at byte %llu (record %llu): the rest of that "
                  "chunk is dropped",
                  (unsigned long long)off, (unsigned long long)got);
    else if (got < nrec)
      note_damage(t, "the chunk at byte %llu holds fewer records than its header says (%llu)",
                  (unsigned long long)off, (unsigned long long)nrec);
    if (avail < cap) break;
    off += MMB_TRACE_CHUNK_HEADER_BYTES + (size_t)cap;
  }
  return 0;
}

/* The events in order of their order numbers. 0, or -1 with err when two
 * share one. */
static int order_events(mmb_trace *t, char *err, size_t errlen) {
  int sorted = 1; /* one thread's chunks in file order are sorted already */
  for (size_t i = 1; i < t->nev && sorted; i++) sorted = t->ev[i - 1].key <= t->ev[i].key;
  if (t->nev && !sorted) qsort(t->ev, t->nev, sizeof *t->ev, cmp_key);
  for (size_t i = 1; i < t->nev; i++)
    if (t->ev[i].key == t->ev[i - 1].key) {
      snprintf(err, errlen, "corrupt: two records share order number %llu (threads %u and %u)",
               (unsigned long long)(t->ev[i].key & ((1ull << 48) - 1)), t->ev[i - 1].thread,
               t->ev[i].thread);
      return -1;
    }
  return 0;
}

int mmb_trace_parse(const unsigned char *data, size_t len, mmb_trace *t, char *err, size_t errlen) {
  memset(t, 0, sizeof *t);
  t->file_bytes = len;
  if (parse_header(data, len, t, err, errlen) != 0) return -1;
  int rc = parse_chunks(data, len, t, err, errlen);
  if (rc == 1) goto nomem;
  if (rc != 0 || order_events(t, err, errlen) != 0) {
    mmb_trace_free(t);
    return -1;
  }
  if (resolve(t) != 0) goto nomem;
  return 0;
nomem:
  snprintf(err, errlen, "out of memory while reading (%zu events so far)", t->nev);
  mmb_trace_free(t);
  return -1;
}

int mmb_trace_load(const char *path, mmb_trace *t, char *err, size_t errlen) {
  char why[300];
  memset(t, 0, sizeof *t);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    snprintf(err, errlen, "%s: cannot read trace: %s", path, strerror(errno));
    return -1;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    snprintf(err, errlen, "%s: not a regular file (a trace written by mmbench trace record)", path);
    close(fd);
    return -1;
  }
  size_t len = (size_t)st.st_size;
  const unsigned char *data = NULL;
  if (len) {
    void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED) {
      snprintf(err, errlen, "%s: cannot map trace: %s", path, strerror(errno));
      close(fd);
      return -1;
    }
    data = m;
  }
  close(fd);
  int rc = mmb_trace_parse(data ? data : (const unsigned char *)"", len, t, why, sizeof why);
  if (data) munmap((void *)data, len);
  if (rc != 0) snprintf(err, errlen, "%s: %s", path, why);
  return rc;
}

typedef struct span_ev {
  uint64_t key;
  int delta;
} span_ev;

static int cmp_span(const void *a, const void *b) {
  const span_ev *x = a, *y = b;
  if (x->key != y->key) return (x->key > y->key) - (x->key < y->key);
  return x->delta - y->delta; /* an exit before a start at the same key */
}

uint32_t mmb_trace_peak_threads(const mmb_trace *t) {
  uint64_t *first = calloc(t->nthreads + 1, sizeof *first),
           *last = calloc(t->nthreads + 1, sizeof *last);
  span_ev *sp = malloc((2 * (size_t)t->nthreads + 1) * sizeof *sp);
  uint32_t peak = 1;
  if (!first || !last || !sp) goto out;
  for (uint32_t i = 0; i < t->nthreads; i++) first[i] = UINT64_MAX, last[i] = UINT64_MAX;
  for (size_t i = 0; i < t->nev; i++) {
    const mmb_trace_ev *e = &t->ev[i];
    if (first[e->thread] == UINT64_MAX) first[e->thread] = e->key;
    if (e->op == MMB_TOP_THREAD_EXIT) last[e->thread] = e->key;
  }
  size_t n = 0;
  for (uint32_t i = 0; i < t->nthreads; i++) {
    if (!t->th[i].calls || first[i] == UINT64_MAX) continue;
    sp[n++] = (span_ev){first[i], 1};
    sp[n++] = (span_ev){last[i], -1};
  }
  if (n) qsort(sp, n, sizeof *sp, cmp_span);
  int alive = 0;
  for (size_t i = 0; i < n; i++) {
    alive += sp[i].delta;
    if (alive > (int)peak) peak = (uint32_t)alive;
  }
out:
  free(first);
  free(last);
  free(sp);
  return peak;
}

int mmb_trace_check_header(const char *path, char *err, size_t errlen) {
  unsigned char h[MMB_TRACE_HEADER_BYTES];
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    snprintf(err, errlen, "%s: cannot read trace: %s", path, strerror(errno));
    return -1;
  }
  ssize_t n = read(fd, h, sizeof h);
  close(fd);
  char why[300];
  mmb_trace t;
  /* a header alone parses as an empty trace; anything wrong with it is said */
  if (mmb_trace_parse(h, n > 0 ? (size_t)n : 0, &t, why, sizeof why) != 0) {
    snprintf(err, errlen, "%s: %s", path, why);
    return -1;
  }
  mmb_trace_free(&t);
  return 0;
}

void mmb_trace_free(mmb_trace *t) {
  free(t->ev);
  free(t->th);
  memset(t, 0, sizeof *t);
}
