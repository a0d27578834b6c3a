/* mmbench — small helpers shared by the subcommands: one-line usage errors,
 * nearest-name suggestions, bracket-aware list splitting, allocator specs. */
#ifndef MMB_CLI_UTIL_H
#define MMB_CLI_UTIL_H

#include <stddef.h>

#include "allocator.h"

#define MMB_EXIT_USAGE 2

/* Print "mmbench CMD: MSG" (and a --help hint) to stderr; return 2. */
int mmb_usage_error(const char *cmd, const char *msg);

/* Levenshtein distance (bounded to small strings). */
int mmb_edit_distance(const char *a, const char *b);

/* Split a comma-separated list, keeping commas inside [...] together.
 * Returns the number of items (heap copies in items[], at most max), or -1
 * when there are more than max items or an empty item. */
int mmb_split_list(const char *text, char **items, int max);
void mmb_free_list(char **items, int n);

/* A --pin CPU list ("0", "0,1", "0-1"): every CPU must be one this process
 * may run on. 0, or -1 with a one-line message naming the CPUs there are. */
int mmb_cpu_list_check(const char *text, char *err, size_t errlen);

/* Allocator spec: NAME, NAME[K=V;K=V], preload:/path/lib.so[...], or
 * NAME@BASE for an in-process or managed allocator layered over the
 * preloaded malloc BASE (e.g. rc@jemalloc, arena-pool@mimalloc). */
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

#endif
