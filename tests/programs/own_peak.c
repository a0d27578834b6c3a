/* mmbench tests — a program that knows its own peak: it mallocs and
 * touches 1 MiB, prints `own VmHWM N KiB` (its /proc/self/status VmHWM)
 * and leaves by _exit, so that nothing it runs after the reading adds to
 * its peak. With the argument `fork N` a child first touches N MiB and
 * exits before the parent does its own 1 MiB, so a tree's peak is the
 * child's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The value after key in a /proc/self file, or -1. */
static long proc_kb(const char *file, const char *key) {
  FILE *f = fopen(file, "r");
  char line[256];
  long kb = -1;
  while (f && fgets(line, sizeof line, f))
    if (strncmp(line, key, strlen(key)) == 0) kb = atol(line + strlen(key));
  if (f) fclose(f);
  return kb;
}

static int touch(size_t n) {
  char *p = malloc(n);
  if (!p) return 1;
  memset(p, 1, n);
  __asm__ volatile("" : : "r"(p) : "memory"); /* the stores happen */
  int r = p[n - 1] != 1;
  free(p);
  return r;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "fork") == 0) {
    pid_t pid = fork();
    if (pid == 0) _exit(touch((size_t)atol(argv[2]) << 20));
    int st;
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) return 1;
  }
  char *p = malloc(1 << 20);
  if (!p) return 1;
  memset(p, 1, 1 << 20);
  __asm__ volatile("" : : "r"(p) : "memory");
  /* what runs after the reading, run once before it: printf's code for the
   * same conversions, its buffer, the write (code pages come 64 KiB at a
   * time: unwarmed, they would add ~300 KiB after the reading) */
  printf("touched 1 MiB: VmHWM %ld KiB, Rss %ld KiB\n", 0L, 0L);
  fflush(stdout);
  /* VmHWM, and the exact resident set of the moment (a page-table walk;
   * VmHWM and VmRSS come from counters that may lag by a few hundred KiB) */
  long rss = proc_kb("/proc/self/smaps_rollup", "Rss:");
  long kb = proc_kb("/proc/self/status", "VmHWM:");
  printf("own VmHWM %ld KiB, Rss %ld KiB\n", kb, rss);
  int r = p[12345] != 1; /* the block stays live to the end (a freed mapping can leave VmHWM) */
  fflush(stdout);
  _exit(r);
}
