/* mmbench — the injection decision on maps snapshots taken at each stage of
 * a program's start: mid-exec, mid-load (the loader mapped, nothing else, as
 * a read right after the exec sees it under load), after the preloads, after
 * the dependencies, and for a static executable. */
#include <stdio.h>
#include <string.h>

#include "inject_check.h"

static int fails;

static void expect(const char *what, mmb_inj_state got, mmb_inj_state want) {
  if (got != want) {
    fprintf(stderr, "FAIL %s: got %d, want %d\n", what, (int)got, (int)want);
    fails++;
  }
}

#define EXE "/usr/bin/lua5.4"
#define LD "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
#define LIB "/usr/lib/x86_64-linux-gnu/libmimalloc.so.2"
#define LIBREAL "/usr/lib/x86_64-linux-gnu/libmimalloc.so.2.1"

#define L_EXE "55d0c0a00000-55d0c0a05000 r--p 00000000 08:01 1234  " EXE "\n"
#define L_LD "7f1c2e5e0000-7f1c2e5e2000 r--p 00000000 08:01 2222  " LD "\n"
#define L_CACHE "7f1c2e5a0000-7f1c2e5b0000 r--p 00000000 08:01 3333  /etc/ld.so.cache\n"
#define L_LIB "7f1c2e500000-7f1c2e510000 r--p 00000000 08:01 4444  " LIBREAL "\n"
#define L_LIBC                                                                                     \
  "7f1c2e300000-7f1c2e328000 r--p 00000000 08:01 5555  /usr/lib/x86_64-linux-gnu/libc.so.6\n"
#define L_ANON                                                                                     \
  "7ffd1b000000-7ffd1b021000 rw-p 00000000 00:00 0  [stack]\n"                                     \
  "7ffd1b1f0000-7ffd1b1f2000 r-xp 00000000 00:00 0  [vdso]\n"

int main(void) {
  /* the exec has replaced the image, the kernel has not mapped it all yet */
  expect("mid-exec", mmb_inject_decide(L_ANON, LIB, LIBREAL, EXE, LD), MMB_INJ_PENDING);
  /* the executable and its loader only: the loader has not run (the early read) */
  expect("mid-load", mmb_inject_decide(L_EXE L_LD L_ANON, LIB, LIBREAL, EXE, LD), MMB_INJ_PENDING);
  /* ... with the loader's cache mapped while it looks names up */
  expect("mid-load, cache", mmb_inject_decide(L_EXE L_LD L_CACHE L_ANON, LIB, LIBREAL, EXE, LD),
         MMB_INJ_PENDING);
  /* the preload is in (before any dependency) */
  expect("preloaded", mmb_inject_decide(L_EXE L_LIB L_LD L_ANON, LIB, LIBREAL, EXE, LD),
         MMB_INJ_SEEN);
  expect("preloaded, by resolved name",
         mmb_inject_decide(L_EXE L_LIB L_LD, "libmimalloc.so.2", NULL, EXE, LD), MMB_INJ_SEEN);
  expect("loaded", mmb_inject_decide(L_EXE L_LIB L_LIBC L_LD L_ANON, LIB, LIBREAL, EXE, LD),
         MMB_INJ_SEEN);
  /* the loader is done (libc is mapped) and the preload is not there: it failed */
  expect("preload failed", mmb_inject_decide(L_EXE L_LIBC L_LD L_ANON, LIB, LIBREAL, EXE, LD),
         MMB_INJ_ABSENT);
  expect("preload failed, loader named by default",
         mmb_inject_decide(L_EXE L_LIBC L_LD L_ANON, LIB, LIBREAL, EXE, "?"), MMB_INJ_ABSENT);
  expect("mid-load, loader named by default",
         mmb_inject_decide(L_EXE L_LD L_ANON, LIB, LIBREAL, EXE, "?"), MMB_INJ_PENDING);
  /* the loader run as a command maps the program it was given before the
   * preloads: that program alone is not a dependency */
#define L_PROG "55d0c0a00000-55d0c0a05000 r--p 00000000 08:01 1234  /tmp/w/plain-sleep\n"
  expect("loader as command, program mapped",
         mmb_inject_decide(L_LD L_PROG L_ANON, LIB, LIBREAL, LD, LD), MMB_INJ_PENDING);
  expect("loader as command, preloaded",
         mmb_inject_decide(L_LD L_PROG L_LIB L_ANON, LIB, LIBREAL, LD, LD), MMB_INJ_SEEN);
  expect("loader as command, preload failed",
         mmb_inject_decide(L_LD L_PROG L_LIBC L_ANON, LIB, LIBREAL, LD, LD), MMB_INJ_ABSENT);
  /* a static executable never gets a preload, at any stage */
  expect("static", mmb_inject_decide(L_EXE L_ANON, LIB, LIBREAL, EXE, NULL), MMB_INJ_ABSENT);
  expect("static, mid-exec", mmb_inject_decide(L_ANON, LIB, LIBREAL, EXE, ""), MMB_INJ_ABSENT);
  /* a deleted executable still counts as the executable */
  expect("deleted exe",
         mmb_inject_decide("55d0c0a00000-55d0c0a05000 r--p 00000000 08:01 1234  " EXE
                           " (deleted)\n" L_LD,
                           LIB, LIBREAL, EXE " (deleted)", LD),
         MMB_INJ_PENDING);

  /* PT_INTERP: this test is dynamic; a text file is not ELF */
  char interp[4096];
  int r = mmb_inject_interp("/proc/self/exe", interp, sizeof interp);
  if (r != 1 || !strstr(interp, "ld-")) {
    fprintf(stderr, "FAIL interp of /proc/self/exe: %d '%s'\n", r, r == 1 ? interp : "");
    fails++;
  }
  if (mmb_inject_interp("/etc/hostname", interp, sizeof interp) != -1) {
    fprintf(stderr, "FAIL interp of a text file is not -1\n");
    fails++;
  }
  if (!fails) printf("inject decision: all cases ok\n");
  return fails != 0;
}
