/* mmbench — is the preloaded library in the program? A decision on one
 * snapshot of /proc/PID/maps that tells "not yet" (the dynamic loader is
 * still mapping objects) from "no" (the loader is done and the library is
 * not there), and the check that polls a running program with it. */
#ifndef MMB_INJECT_CHECK_H
#define MMB_INJECT_CHECK_H

#include <sys/types.h>

typedef enum mmb_inj_state {
  MMB_INJ_ABSENT = 0,  /* the loader is done (or there is none): lib is not mapped */
  MMB_INJ_SEEN = 1,    /* lib is mapped */
  MMB_INJ_PENDING = 2, /* the loader has not mapped the program's own dependencies yet */
} mmb_inj_state;

/* maps: the text of /proc/PID/maps; lib: the preloaded library as named in
 * LD_PRELOAD; lib_real: its resolved path (or NULL); exe: the path of
 * /proc/PID/exe; interp: the resolved path of the exe's PT_INTERP, or NULL
 * or "" for a static executable (nothing is ever preloaded in it). The
 * loader maps every LD_PRELOAD object before the executable's DT_NEEDED
 * ones (libc), so a mapped object that is neither the executable, the
 * loader, its cache nor lib means the preloads are all in. When exe is the
 * loader itself (run as a command), it maps the program it was given first:
 * one other object is that program, a second one means the preloads are in. */
mmb_inj_state mmb_inject_decide(const char *maps, const char *lib, const char *lib_real,
                                const char *exe, const char *interp);

/* The resolved PT_INTERP path of an ELF file in buf (size len): 1 with a
 * path, 0 when it has none (static), -1 when it cannot be read. */
int mmb_inject_interp(const char *elf_path, char *buf, size_t len);

/* Poll pid from its exec until mmb_inject_decide settles: 1 when lib is
 * mapped, 0 when the loader finished without it, -1 when the process ended
 * before it could be told (or the loader did not finish within 10 s). */
int mmb_inject_check(pid_t pid, const char *lib);

#endif
