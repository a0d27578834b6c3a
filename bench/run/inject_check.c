/* mmbench — is the preloaded library in the program (see inject_check.h). */
#define _GNU_SOURCE
#include "inject_check.h"

#include <elf.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "child.h"

static const char *base_of(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

/* The loader itself: its own name, or any ld-linux*.so* when unknown. */
static int is_loader(const char *path, const char *interp) {
  const char *b = base_of(path);
  if (interp && *interp && strcmp(b, base_of(interp)) == 0) return 1;
  return strncmp(b, "ld-linux", 8) == 0 || (strncmp(b, "ld-", 3) == 0 && strstr(b, ".so"));
}

static int is_lib(const char *path, const char *lib, const char *lib_real) {
  const char *b = base_of(path);
  if (strstr(b, base_of(lib))) return 1; /* libx.so.2 -> libx.so.2.1 */
  return lib_real && *lib_real &&
         (strcmp(path, lib_real) == 0 || strcmp(b, base_of(lib_real)) == 0);
}

mmb_inj_state mmb_inject_decide(const char *maps, const char *lib, const char *lib_real,
                                const char *exe, const char *interp) {
  int seen = 0, deps = 0;
  char ex[PATH_MAX] = "", prog[PATH_MAX] = "";
  if (exe) snprintf(ex, sizeof ex, "%s", exe);
  char *exdel = strstr(ex, " (deleted)");
  if (exdel) *exdel = 0;
  /* The loader run as a command maps the program it was given before the
   * preloads: the first other object is that program, not a dependency. */
  int loader_cmd = ex[0] && is_loader(ex, interp);
  for (const char *l = maps; l && *l;) {
    const char *e = strchr(l, '\n');
    size_t n = e ? (size_t)(e - l) : strlen(l);
    const char *slash = memchr(l, '/', n); /* the first fields hold no '/' */
    if (slash) {
      char path[PATH_MAX];
      size_t pn = n - (size_t)(slash - l);
      if (pn >= sizeof path) pn = sizeof path - 1;
      memcpy(path, slash, pn);
      path[pn] = 0;
      char *del = strstr(path, " (deleted)");
      if (del) *del = 0;
      if (is_lib(path, lib, lib_real))
        seen = 1;
      else if (strcmp(path, ex) != 0 && !is_loader(path, interp) &&
               strcmp(path, "/etc/ld.so.cache") != 0) {
        if (loader_cmd && !prog[0])
          snprintf(prog, sizeof prog, "%s", path);
        else if (!loader_cmd || strcmp(path, prog) != 0)
          deps = 1;
      }
    }
    l = e ? e + 1 : NULL;
  }
  if (seen) return MMB_INJ_SEEN;
  if (!interp || !*interp) return MMB_INJ_ABSENT; /* static: no loader, no preload */
  return deps ? MMB_INJ_ABSENT : MMB_INJ_PENDING;
}

int mmb_inject_interp(const char *elf_path, char *buf, size_t len) {
  int fd = open(elf_path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  Elf64_Ehdr eh;
  int rc = -1;
  if (pread(fd, &eh, sizeof eh, 0) != (ssize_t)sizeof eh ||
      memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
      eh.e_phentsize != sizeof(Elf64_Phdr))
    goto out;
  rc = 0;
  for (int i = 0; i < eh.e_phnum; i++) {
    Elf64_Phdr ph;
    if (pread(fd, &ph, sizeof ph, (off_t)(eh.e_phoff + (Elf64_Off)i * sizeof ph)) !=
        (ssize_t)sizeof ph) {
      rc = -1;
      break;
    }
    if (ph.p_type != PT_INTERP) continue;
    char raw[PATH_MAX];
    size_t n = ph.p_filesz < sizeof raw ? (size_t)ph.p_filesz : sizeof raw - 1;
    if (pread(fd, raw, n, (off_t)ph.p_offset) != (ssize_t)n) {
      rc = -1;
      break;
    }
    raw[n] = 0;
    char real[PATH_MAX];
    snprintf(buf, len, "%s", realpath(raw, real) ? real : raw);
    rc = 1;
    break;
  }
out:
  close(fd);
  return rc;
}

/* The whole maps file, or NULL when the process is gone. */
static char *read_maps(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NULL;
  size_t cap = 16384, len = 0;
  char *buf = malloc(cap);
  ssize_t got;
  while (buf && (got = read(fd, buf + len, cap - len - 1)) > 0) {
    len += (size_t)got;
    if (cap - len < 4096) {
      char *nb = realloc(buf, cap * 2);
      if (!nb) free(buf);
      buf = nb, cap *= 2;
    }
  }
  close(fd);
  if (buf) buf[len] = 0;
  return buf;
}

int mmb_inject_check(pid_t pid, const char *lib) {
  char exe_path[64], maps_path[64], exe[PATH_MAX], last[PATH_MAX] = "";
  char interp[PATH_MAX] = "", lib_real[PATH_MAX];
  snprintf(exe_path, sizeof exe_path, "/proc/%d/exe", (int)pid);
  snprintf(maps_path, sizeof maps_path, "/proc/%d/maps", (int)pid);
  if (!realpath(lib, lib_real)) lib_real[0] = 0;
  /* Before its exec the child is a fork of mmbench: the same file, even
   * when mmbench was rebuilt since it started (its path then reads
   * "... (deleted)", so paths are not compared). */
  struct stat me, st;
  if (stat("/proc/self/exe", &me) != 0) return -1;
  unsigned delay = 100;
  int have_interp = -1;
  double start = mmb_mono_s();
  while (mmb_mono_s() - start < 10) {
    if (stat(exe_path, &st) != 0) return -1;                /* gone */
    if (st.st_dev == me.st_dev && st.st_ino == me.st_ino) { /* not exec'ed yet */
      usleep(100);
      continue;
    }
    ssize_t n = readlink(exe_path, exe, sizeof exe - 1);
    if (n <= 0) return -1;
    exe[n] = 0;
    if (strcmp(exe, last) != 0) { /* an exec (or another one): its own loader */
      snprintf(last, sizeof last, "%s", exe);
      have_interp = mmb_inject_interp(exe_path, interp, sizeof interp);
      if (have_interp <= 0) interp[0] = 0;
      if (have_interp == 0 && is_loader(exe, NULL)) { /* the loader run as a command */
        snprintf(interp, sizeof interp, "%s", exe);
        have_interp = 1;
      }
    }
    char *maps = read_maps(maps_path);
    if (!maps) return -1;
    /* an unreadable executable: wait for a mapped dependency, as for a dynamic one */
    mmb_inj_state s = mmb_inject_decide(maps, lib, lib_real, exe,
                                        have_interp == 0  ? NULL
                                        : have_interp < 0 ? "?"
                                                          : interp);
    free(maps);
    if (s != MMB_INJ_PENDING) return s == MMB_INJ_SEEN;
    usleep(delay);
    if (delay < 2000) delay *= 2;
  }
  return -1;
}
