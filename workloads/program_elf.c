/* mmbench — what a program's executable says about its malloc: read from
 * its ELF dynamic section and symbol table, whether it is dynamically
 * linked (so LD_PRELOAD reaches the malloc of it and of its libraries), which malloc
 * library it links itself, and which extended allocator API it calls. */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "program.h"

/* A malloc library a program may link, and the calls that tie it there. */
static const struct tie {
  const char *alloc;  /* allocator name in the registry */
  const char *soname; /* prefix of its DT_NEEDED entry */
  const char *const *api;
} ties[] = {
    {"jemalloc", "libjemalloc",
     (const char *const[]){"mallctl", "mallctlnametomib", "mallctlbymib", "nallocx", "mallocx",
                           "rallocx", "xallocx", "sallocx", "dallocx", "sdallocx",
                           "malloc_stats_print", NULL}},
    {"mimalloc", "libmimalloc", (const char *const[]){"mi_", NULL}},
    {"tcmalloc", "libtcmalloc",
     (const char *const[]){"tc_", "MallocExtension_", "_ZN15MallocExtension", NULL}},
};
#define NTIES (sizeof ties / sizeof ties[0])

typedef struct elf_facts {
  int ok;                 /* an ELF64 file we could read */
  int dynamic;            /* has a dynamic section */
  char needed[NTIES][64]; /* the malloc library it links, per tie */
  char calls[NTIES][200]; /* the extended calls it imports, per tie */
} elf_facts;

static int api_match(const char *sym, const char *const *api) {
  for (int i = 0; api[i]; i++) {
    size_t n = strlen(api[i]);
    int prefix = api[i][n - 1] == '_';
    if (prefix ? strncmp(sym, api[i], n) == 0 : strcmp(sym, api[i]) == 0) return 1;
  }
  return 0;
}

static void add_call(char *list, size_t len, const char *sym) {
  if (strstr(list, sym)) return;
  size_t u = strlen(list);
  if (u + strlen(sym) + 3 < len) snprintf(list + u, len - u, "%s%s", u ? ", " : "", sym);
}

static void read_elf(const char *path, elf_facts *f) {
  memset(f, 0, sizeof *f);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0) return;
  if (fstat(fd, &st) != 0 || st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
    close(fd);
    return;
  }
  size_t size = (size_t)st.st_size;
  const unsigned char *m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (m == MAP_FAILED) return;
  const Elf64_Ehdr *eh = (const Elf64_Ehdr *)m;
  if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
      eh->e_shoff == 0 || eh->e_shoff + (size_t)eh->e_shnum * sizeof(Elf64_Shdr) > size) {
    munmap((void *)m, size);
    return;
  }
  f->ok = 1;
  const Elf64_Shdr *sh = (const Elf64_Shdr *)(m + eh->e_shoff);
  for (int i = 0; i < eh->e_shnum; i++) {
    const Elf64_Shdr *s = &sh[i];
    if (s->sh_link >= eh->e_shnum) continue;
    const Elf64_Shdr *strs = &sh[s->sh_link];
    if (s->sh_offset + s->sh_size > size || strs->sh_offset + strs->sh_size > size) continue;
    const char *str = (const char *)m + strs->sh_offset;
    if (s->sh_type == SHT_DYNAMIC) {
      f->dynamic = 1;
      const Elf64_Dyn *d = (const Elf64_Dyn *)(m + s->sh_offset);
      for (size_t k = 0; k < s->sh_size / sizeof *d && d[k].d_tag != DT_NULL; k++) {
        if (d[k].d_tag != DT_NEEDED || d[k].d_un.d_val >= strs->sh_size) continue;
        const char *lib = str + d[k].d_un.d_val;
        for (size_t t = 0; t < NTIES; t++)
          if (strncmp(lib, ties[t].soname, strlen(ties[t].soname)) == 0)
            snprintf(f->needed[t], sizeof f->needed[t], "%s", lib);
      }
    } else if (s->sh_type == SHT_DYNSYM) {
      const Elf64_Sym *sym = (const Elf64_Sym *)(m + s->sh_offset);
      for (size_t k = 1; k < s->sh_size / sizeof *sym; k++) {
        if (sym[k].st_shndx != SHN_UNDEF || sym[k].st_name >= strs->sh_size) continue;
        const char *name = str + sym[k].st_name;
        for (size_t t = 0; t < NTIES; t++)
          if (api_match(name, ties[t].api)) add_call(f->calls[t], sizeof f->calls[t], name);
      }
    }
  }
  munmap((void *)m, size);
}

static int lib_is(const char *alloc_name, const char *lib, const struct tie *t) {
  if (strcmp(alloc_name, t->alloc) == 0) return 1;
  return lib && *lib && strstr(lib, t->alloc) != NULL;
}

void mmb_program_tie(const mmb_program *p, const char *alloc_name, const char *lib, char *why,
                     size_t len) {
  why[0] = 0;
  char exe[PATH_MAX];
  if (mmb_program_which(p, p->server[0] != 0, exe, sizeof exe) != 0) return;
  elf_facts f;
  read_elf(exe, &f);
  if (!f.ok) return; /* a script: its interpreter decides, nothing to read here */
  const char *base = strrchr(exe, '/') ? strrchr(exe, '/') + 1 : exe;
  if (!f.dynamic) { /* its own static copy of glibc's malloc: sound only for glibc */
    if (lib && *lib)
      snprintf(why, len, "%s is statically linked: LD_PRELOAD cannot replace its malloc", base);
    return;
  }
  for (size_t t = 0; t < NTIES; t++) {
    int own = lib_is(alloc_name, lib, &ties[t]);
    if (f.needed[t][0] && !own && (!lib || !*lib)) {
      snprintf(why, len, "%s links %s itself: with nothing preloaded it runs on %s, not on %s",
               base, f.needed[t], ties[t].alloc, alloc_name);
      return;
    }
    if (f.calls[t][0] && !own) {
      snprintf(
          why, len,
          "%s calls %s's extended API (%s) beside malloc: under %s its blocks would come from %s "
          "and its size classes and statistics from %s; sound only under %s",
          base, ties[t].alloc, f.calls[t], alloc_name, alloc_name, ties[t].alloc, ties[t].alloc);
      return;
    }
  }
}
