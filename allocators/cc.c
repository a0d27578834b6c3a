/* mmbench — synchronous cycle collection for rc (Bacon & Rajan, ECOOP 2001):
 * trial deletion over the buffered candidate roots of the calling thread.
 *
 * MarkRoots greys the subgraph under every purple candidate, subtracting the
 * references internal to it; Scan turns grey objects whose count stays above
 * zero (held from outside) black again, restoring the counts below them, and
 * the rest white; CollectRoots frees the white objects. Every phase uses an
 * explicit stack instead of recursion. Shared objects (atomic counts) are
 * left out: trial deletion neither decrements nor enters them; a freed white
 * object releases its shared children normally once the collection is over. */
#include <stdio.h>
#include <stdlib.h>

#include "rc.h"

/* ---------------------------------------------------------------------------
 * Candidate buffer and traversal stack
 * ------------------------------------------------------------------------- */
static int grow(mmb_rc_hdr ***arr, size_t *cap) {
  size_t ncap = *cap ? 2 * *cap : 1024;
  mmb_rc_hdr **bigger = realloc(*arr, ncap * sizeof **arr);
  if (!bigger) return -1;
  *arr = bigger;
  *cap = ncap;
  return 0;
}

void mmb_rc_possible_root(mmb_rc_hdr *h) {
  if (h->color == MMB_RC_PURPLE) return;
  h->color = MMB_RC_PURPLE;
  if (h->flags & MMB_RC_BUFFERED) return;
  mmb_rc_thread *t = mmb_rc_self();
  if (t->nroots == t->cap && grow(&t->roots, &t->cap) != 0) {
    /* No room: leave it unbuffered. Its cycle, if any, leaks (as plain rc). */
    h->color = MMB_RC_BLACK;
    return;
  }
  h->flags |= MMB_RC_BUFFERED;
  t->roots[t->nroots++] = h;
  if (t->depth == 0 && t->nroots >= mmb_rc_buffer_len) mmb_rc_collect_cycles();
}

/* The traversal stack of one collection. Trial deletion has rewritten counts
 * by the time a push could fail, and no state short of finishing is
 * consistent, so a stack that cannot grow is fatal (like an out-of-memory
 * collector elsewhere). */
typedef struct walk {
  mmb_rc_thread *t;
  size_t n;
} walk;

static inline void push(walk *w, mmb_rc_hdr *h) {
  if (w->n == w->t->cap_stack && grow(&w->t->stack, &w->t->cap_stack) != 0) {
    fputs("mmbench rc+cc: out of memory for the cycle collector's stack\n", stderr);
    abort();
  }
  w->t->stack[w->n++] = h;
}

static inline int private_child(mmb_obj *o) {
  return o && !(mmb_rc_hdr_of(o)->flags & MMB_RC_SHARED);
}

/* ---------------------------------------------------------------------------
 * Phases
 * ------------------------------------------------------------------------- */
static void mark_gray(walk *w, mmb_rc_hdr *root) {
  push(w, root);
  while (w->n) {
    mmb_rc_hdr *s = w->t->stack[--w->n];
    if (s->color == MMB_RC_GRAY) continue;
    s->color = MMB_RC_GRAY;
    mmb_obj **slots = mmb_rc_slots(s);
    for (uint32_t i = 0; i < s->nslots; i++) {
      if (!private_child(slots[i])) continue;
      mmb_rc_hdr *c = mmb_rc_hdr_of(slots[i]);
      c->u.count--;
      push(w, c);
    }
  }
}

static void scan_black(walk *w, mmb_rc_hdr *root) {
  size_t base = w->n;
  root->color = MMB_RC_BLACK;
  push(w, root);
  while (w->n > base) {
    mmb_rc_hdr *s = w->t->stack[--w->n];
    mmb_obj **slots = mmb_rc_slots(s);
    for (uint32_t i = 0; i < s->nslots; i++) {
      if (!private_child(slots[i])) continue;
      mmb_rc_hdr *c = mmb_rc_hdr_of(slots[i]);
      c->u.count++;
      if (c->color != MMB_RC_BLACK) {
        c->color = MMB_RC_BLACK;
        push(w, c);
      }
    }
  }
}

static void scan(walk *w, mmb_rc_hdr *root) {
  push(w, root);
  while (w->n) {
    mmb_rc_hdr *s = w->t->stack[--w->n];
    if (s->color != MMB_RC_GRAY) continue;
    if (s->u.count > 0) {
      scan_black(w, s);
      continue;
    }
    s->color = MMB_RC_WHITE;
    mmb_obj **slots = mmb_rc_slots(s);
    for (uint32_t i = 0; i < s->nslots; i++)
      if (private_child(slots[i])) push(w, mmb_rc_hdr_of(slots[i]));
  }
}

/* Gather the white objects reachable from root into *dead (linked through
 * the count word, coloured black so they are taken once). */
static void collect_white(walk *w, mmb_rc_hdr *root, mmb_rc_hdr **dead) {
  push(w, root);
  while (w->n) {
    mmb_rc_hdr *s = w->t->stack[--w->n];
    if (s->color != MMB_RC_WHITE || (s->flags & MMB_RC_BUFFERED)) continue;
    s->color = MMB_RC_BLACK;
    s->u.link = *dead;
    *dead = s;
    mmb_obj **slots = mmb_rc_slots(s);
    for (uint32_t i = 0; i < s->nslots; i++)
      if (private_child(slots[i])) push(w, mmb_rc_hdr_of(slots[i]));
  }
}

uint64_t mmb_rc_collect_cycles(void) {
  mmb_rc_thread *t = mmb_rc_self();
  if (t->depth) return 0; /* not inside a release cascade */
  t->depth++;
  uint64_t freed0 = t->freed;
  walk w = {t, 0};

  /* MarkRoots */
  size_t keep = 0;
  for (size_t i = 0; i < t->nroots; i++) {
    mmb_rc_hdr *s = t->roots[i];
    if (s->color == MMB_RC_PURPLE && s->u.count > 0) {
      mark_gray(&w, s);
      t->roots[keep++] = s;
    } else {
      s->flags &= (uint8_t)~MMB_RC_BUFFERED;
      if (s->color == MMB_RC_BLACK && s->u.count == 0) mmb_rc_free_dead(t, s);
    }
  }
  t->nroots = keep;
  /* ScanRoots */
  for (size_t i = 0; i < t->nroots; i++) scan(&w, t->roots[i]);
  /* CollectRoots */
  mmb_rc_hdr *dead = NULL;
  for (size_t i = 0; i < t->nroots; i++) {
    mmb_rc_hdr *s = t->roots[i];
    s->flags &= (uint8_t)~MMB_RC_BUFFERED;
    collect_white(&w, s, &dead);
  }
  t->nroots = 0;
  t->collections++;

  /* Release what the garbage held outside trial deletion (shared objects,
   * whose children are all shared: no garbage object is touched), then free
   * the garbage. Two passes: a slot may point at garbage freed before it. */
  for (mmb_rc_hdr *s = dead; s; s = s->u.link) {
    mmb_obj **slots = mmb_rc_slots(s);
    for (uint32_t i = 0; i < s->nslots; i++)
      if (slots[i] && !private_child(slots[i])) mmb_rc_release(slots[i]);
  }
  while (dead) {
    mmb_rc_hdr *s = dead;
    dead = s->u.link;
    mmb_rc_free_dead(t, s);
  }
  t->depth--;
  return t->freed - freed0;
}
