/* mmbench — allocator specs as typed on the command line or in a recipe:
 * NAME, NAME[K=V;K=V], preload:/path/lib.so[...], or NAME@BASE for an
 * in-process or managed allocator layered over the preloaded malloc BASE
 * (e.g. rc@jemalloc, arena-pool@mimalloc). */
#ifndef MMB_ALLOC_SPEC_H
#define MMB_ALLOC_SPEC_H

#include <stddef.h>

#include "allocator.h"
#include "program.h"

#define MMB_MAX_SETTINGS 16
typedef struct mmb_alloc_spec {
  char text[512];             /* as typed (the allocator column) */
  const mmb_allocator *alloc; /* the descriptor */
  const mmb_allocator *base;  /* NAME@BASE: the malloc underneath, else NULL */
  int nsettings;
  char settings[MMB_MAX_SETTINGS][256]; /* "KEY=VALUE", exported to the child */
} mmb_alloc_spec;

/* 0, or -1 with a one-line message (unknown names get the nearest one). */
int mmb_alloc_spec_parse(const char *text, mmb_alloc_spec *out, char *err, size_t errlen);

/* The descriptor for a spec text, ignoring its settings (used in the child,
 * where the settings are already in the environment). NULL and err. */
const mmb_allocator *mmb_allocator_resolve(const char *text, char *err, size_t errlen);

/* The library to preload for spec in a program cell instead of its own
 * (an in-process allocator's preloadable build), or NULL. */
const char *mmb_program_preload(const mmb_alloc_spec *spec);

/* Why a program cannot run under spec ("" when it can): an allocator that
 * cannot be preloaded, a program not installed (with its package), a
 * program tied to another malloc's extended API. */
void mmb_program_skip_reason(const mmb_program *p, const mmb_alloc_spec *spec, char *why,
                             size_t len);

/* 1 when program p can never run under spec (an allocator that works
 * inside mmbench only and has no preloadable build): a combination that
 * cannot exist, not a cell. */
int mmb_program_cannot_run(const mmb_program *p, const mmb_alloc_spec *spec);

#endif
