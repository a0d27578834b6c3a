/* mmbench — allocator specifications: NAME[K=V;...], preload:/path.so,
 * NAME@BASE, resolved against the allocator registry. */
#include "alloc_spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "program.h"
#include "text.h"

static void allocator_names(char *buf, size_t len) {
  buf[0] = 0;
  for (const mmb_allocator *const *a = mmb_allocators; *a; a++) {
    size_t used = strlen(buf);
    snprintf(buf + used, len - used, "%s%s", a == mmb_allocators ? "" : ", ", (*a)->name);
  }
}

static const mmb_allocator *find_base(const char *name, char *err, size_t errlen) {
  if (strncmp(name, "preload:", 8) == 0) {
    if (!name[8]) {
      snprintf(err, errlen,
               "allocator 'preload:' needs a library path, e.g. preload:/usr/lib/libfoo.so");
      return NULL;
    }
    return mmb_allocator_preload_custom(name + 8);
  }
  const mmb_allocator *a = mmb_allocator_find(name);
  if (a) return a;
  const char *best = NULL;
  int bestd = 99;
  for (const mmb_allocator *const *p = mmb_allocators; *p; p++) {
    int d = mmb_edit_distance(name, (*p)->name);
    if (d < bestd) bestd = d, best = (*p)->name;
  }
  char names[512];
  allocator_names(names, sizeof names);
  if (best && bestd <= 3)
    snprintf(err, errlen,
             "unknown allocator '%s' (did you mean '%s'? valid: %s, preload:/path/lib.so)", name,
             best, names);
  else
    snprintf(err, errlen, "unknown allocator '%s' (valid: %s, preload:/path/lib.so)", name, names);
  return NULL;
}

int mmb_alloc_spec_parse(const char *text, mmb_alloc_spec *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  if (strlen(text) >= sizeof out->text) {
    snprintf(err, errlen, "allocator spec too long (at most %zu characters)", sizeof out->text - 1);
    return -1;
  }
  snprintf(out->text, sizeof out->text, "%s", text);
  char base[512];
  snprintf(base, sizeof base, "%s", text);
  char *br = strchr(base, '[');
  if (br) {
    size_t len = strlen(br);
    if (br[len - 1] != ']') {
      snprintf(err, errlen,
               "allocator '%s': settings must be closed with ']', e.g. glibc[MALLOC_ARENA_MAX=1]",
               text);
      return -1;
    }
    br[len - 1] = 0;
    *br = 0;
    char *save = NULL;
    for (char *kv = strtok_r(br + 1, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
      char *eq = strchr(kv, '=');
      if (!eq || eq == kv) {
        snprintf(err, errlen,
                 "allocator '%s': setting '%s' must be KEY=VALUE (several separated by ';')", text,
                 kv);
        return -1;
      }
      for (char *k = kv; k < eq; k++)
        if (!(*k == '_' || (*k >= 'A' && *k <= 'Z') || (*k >= 'a' && *k <= 'z') ||
              (*k >= '0' && *k <= '9'))) {
          snprintf(err, errlen, "allocator '%s': '%.*s' is not an environment variable name", text,
                   (int)(eq - kv), kv);
          return -1;
        }
      if (out->nsettings == MMB_MAX_SETTINGS) {
        snprintf(err, errlen, "allocator '%s': at most %d settings", text, MMB_MAX_SETTINGS);
        return -1;
      }
      snprintf(out->settings[out->nsettings++], sizeof out->settings[0], "%s", kv);
    }
  }
  char *at = strncmp(base, "preload:", 8) == 0 ? NULL : strchr(base, '@');
  if (at) {
    *at = 0;
    out->base = find_base(at + 1, err, errlen);
    if (!out->base) return -1;
    if (out->base->kind != MMB_KIND_PRELOAD) {
      snprintf(err, errlen,
               "allocator '%s': after '@' comes a malloc to layer over (glibc, jemalloc, mimalloc, "
               "tcmalloc, scudo, tbbmalloc, preload:PATH), not '%s'",
               text, at + 1);
      return -1;
    }
  }
  out->alloc = find_base(base, err, errlen);
  if (out->alloc && out->base && out->alloc->kind == MMB_KIND_PRELOAD) {
    snprintf(err, errlen,
             "allocator '%s': only in-process and managed allocators can be layered with '@'",
             text);
    return -1;
  }
  return out->alloc ? 0 : -1;
}

const mmb_allocator *mmb_allocator_resolve(const char *text, char *err, size_t errlen) {
  mmb_alloc_spec spec;
  if (mmb_alloc_spec_parse(text, &spec, err, errlen) != 0) return NULL;
  return spec.alloc;
}

/* ---------------------------------------------------------------------------
 * An allocator spec applied to a real program
 * ------------------------------------------------------------------------- */
const char *mmb_program_preload(const mmb_alloc_spec *spec) {
  const mmb_allocator *a = spec->alloc;
  if (spec->base || a->kind == MMB_KIND_PRELOAD || !a->preload_library || !*a->preload_library)
    return NULL;
  return access(a->preload_library, R_OK) == 0 ? a->preload_library : NULL;
}

int mmb_program_cannot_run(const mmb_program *p, const mmb_alloc_spec *spec) {
  (void)p;
  return spec->base || (spec->alloc->kind != MMB_KIND_PRELOAD && !mmb_program_preload(spec));
}

void mmb_program_skip_reason(const mmb_program *p, const mmb_alloc_spec *spec, char *why,
                             size_t len) {
  const mmb_allocator *a = spec->alloc;
  const char *lib = mmb_program_preload(spec);
  why[0] = 0;
  if (!mmb_program_installed(p)) {
    if (p->package[0])
      snprintf(why, len, "%s is not installed: apt-get install %s", p->name, p->package);
    else
      snprintf(why, len, "%s: its command is not found", p->name);
    return;
  }
  if (spec->base || (a->kind != MMB_KIND_PRELOAD && !lib)) {
    snprintf(why, len,
             "%s works inside mmbench only; a program gets its malloc by LD_PRELOAD, which %s has "
             "no build for",
             spec->text, spec->base ? spec->text : a->name);
    return;
  }
  if (!lib) lib = a->library;
  mmb_program_tie(p, a->name, lib, why, len);
}
