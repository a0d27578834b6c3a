/* mmbench — general-purpose mallocs injected with LD_PRELOAD: glibc (nothing
 * injected), jemalloc, mimalloc, tcmalloc, scudo, tbbmalloc, and
 * preload:/path/lib.so. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocator.h"
#include "libc_calls.h"
#include "mmb_config.h"

/* ---------------------------------------------------------------------------
 * Versions, as each library reports itself (looked up in the child, where
 * the library is preloaded)
 * ------------------------------------------------------------------------- */
static const char *glibc_version(void) {
  const char *(*fn)(void) = (const char *(*)(void))dlsym(RTLD_DEFAULT, "gnu_get_libc_version");
  return fn ? fn() : NULL;
}

static const char *jemalloc_version(void) {
  int (*mallctl)(const char *, void *, size_t *, void *, size_t) =
      (int (*)(const char *, void *, size_t *, void *, size_t))dlsym(RTLD_DEFAULT, "mallctl");
  const char *v = NULL;
  size_t len = sizeof v;
  if (mallctl && mallctl("version", &v, &len, NULL, 0) == 0) return v;
  return NULL;
}

static const char *mimalloc_version(void) {
  static char buf[32];
  int (*fn)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "mi_version");
  if (!fn) return NULL;
  int v = fn(); /* e.g. 206 = 2.0.6 */
  snprintf(buf, sizeof buf, "%d.%d.%d", v / 100, (v / 10) % 10, v % 10);
  return buf;
}

static const char *tcmalloc_version(void) {
  const char *(*fn)(int *, int *, const char **) =
      (const char *(*)(int *, int *, const char **))dlsym(RTLD_DEFAULT, "tc_version");
  int major = 0, minor = 0;
  const char *patch = NULL;
  return fn ? fn(&major, &minor, &patch) : NULL;
}

/* Scudo and oneTBB's allocator have no call that gives their version: the
 * run records the version of the Debian package that holds the library. */
static const char *generic_version(void) { return NULL; }

#define MMB_PRELOAD_ADAPTER(sym, nm, desc, lib, why, ver)                                          \
  const mmb_allocator sym = {                                                                      \
      .name = nm,                                                                                  \
      .description = desc,                                                                         \
      .kind = MMB_KIND_PRELOAD,                                                                    \
      .caps = MMB_CAP_MALLOC | MMB_CAP_LIBC | MMB_CAP_UNSIZED_FREE,                                \
      .library = lib,                                                                              \
      .unavailable = why,                                                                          \
      .malloc = mmb_libc_malloc,                                                                   \
      .free = mmb_libc_free,                                                                       \
      .calloc = mmb_libc_calloc,                                                                   \
      .realloc = mmb_libc_realloc,                                                                 \
      .aligned_alloc = mmb_libc_aligned_alloc,                                                     \
      .version = ver,                                                                              \
  }

MMB_PRELOAD_ADAPTER(mmb_alloc_glibc, "glibc", "system malloc (glibc ptmalloc2), nothing preloaded",
                    "", NULL, glibc_version);
MMB_PRELOAD_ADAPTER(mmb_alloc_jemalloc, "jemalloc", "jemalloc, preloaded", MMB_JEMALLOC_LIB,
                    MMB_HAVE_JEMALLOC ? NULL : "not found at build time: install libjemalloc-dev",
                    jemalloc_version);
MMB_PRELOAD_ADAPTER(mmb_alloc_mimalloc, "mimalloc", "mimalloc, preloaded", MMB_MIMALLOC_LIB,
                    MMB_HAVE_MIMALLOC ? NULL : "not found at build time: install libmimalloc-dev",
                    mimalloc_version);
MMB_PRELOAD_ADAPTER(mmb_alloc_tcmalloc, "tcmalloc", "tcmalloc (gperftools), preloaded",
                    MMB_TCMALLOC_LIB,
                    MMB_HAVE_TCMALLOC ? NULL
                                      : "not found at build time: install libgoogle-perftools-dev",
                    tcmalloc_version);
MMB_PRELOAD_ADAPTER(mmb_alloc_scudo, "scudo", "LLVM Scudo (standalone, hardened), preloaded",
                    MMB_SCUDO_LIB,
                    MMB_HAVE_SCUDO ? NULL : "not found at build time: install libclang-rt-14-dev",
                    generic_version);
MMB_PRELOAD_ADAPTER(mmb_alloc_tbbmalloc, "tbbmalloc",
                    "oneTBB scalable allocator (libtbbmalloc_proxy), preloaded", MMB_TBBMALLOC_LIB,
                    MMB_HAVE_TBBMALLOC ? NULL : "not found at build time: install libtbbmalloc2",
                    generic_version);

/* ---------------------------------------------------------------------------
 * preload:/path/lib.so — a descriptor made at run time
 * ------------------------------------------------------------------------- */
/* Made once per path and kept (reachable) for the life of the process. */
typedef struct custom {
  struct custom *next;
  mmb_allocator a;
} custom;
static custom *customs;

const mmb_allocator *mmb_allocator_preload_custom(const char *path) {
  for (custom *c = customs; c; c = c->next)
    if (strcmp(c->a.library, path) == 0) return &c->a;
  custom *node = calloc(1, sizeof *node);
  mmb_allocator *a = node ? &node->a : NULL;
  char *name = malloc(strlen(path) + 9);
  if (!node || !name) {
    free(node);
    free(name);
    return NULL;
  }
  sprintf(name, "preload:%s", path);
  *a = (mmb_allocator){
      .name = name,
      .description = "malloc replacement named by the user, preloaded",
      .kind = MMB_KIND_PRELOAD,
      .caps = MMB_CAP_MALLOC | MMB_CAP_LIBC | MMB_CAP_UNSIZED_FREE,
      .library = name + 8,
      .malloc = mmb_libc_malloc,
      .free = mmb_libc_free,
      .calloc = mmb_libc_calloc,
      .realloc = mmb_libc_realloc,
      .aligned_alloc = mmb_libc_aligned_alloc,
      .version = generic_version,
  };
  node->next = customs;
  customs = node;
  return a;
}
