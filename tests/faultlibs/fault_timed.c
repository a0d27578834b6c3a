/* mmbench tests — a malloc that changes a live block's first word right
 * after the program wrote it, in timed repetitions only: it is active in
 * `mmbench cell` children without `--verify` (the runner starts the
 * verification repetition with that argument, read here from
 * /proc/self/cmdline), never in the probe or the verification repetition,
 * which therefore pass.
 *
 * After MMB_FAULT_AFTER calls, every 1024th malloc of 16..256 bytes returns
 * a block at the start of a fresh read-only page. The program's first store
 * into it faults (SIGSEGV): the page is made writable and the trap flag
 * set, so the store runs and the very next instruction traps (SIGTRAP);
 * then the first word the program just wrote is flipped (bit 8), as a
 * scribble by an allocator would. Deterministic, on one thread, even for a
 * loop that frees each block right after reading it back (malloc-free).
 * x86-64 only (the trap flag); elsewhere the library does nothing. free
 * leaves those pages alone; every other block is glibc's. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "fault_common.h"

#define PAGES 4096      /* special pages at most */
static int active = -1; /* 1: a timed repetition of a cell */
static uintptr_t page[PAGES];
static atomic_int npages;
static __thread uintptr_t pending; /* the block whose store is being single-stepped */

static int timed_child(void) {
  char buf[4096];
  int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = 0;
  int cell = 0, verify = 0;
  size_t first = strlen(buf) + 1; /* argv[1] */
  if ((ssize_t)first < n && strcmp(buf + first, "cell") == 0) cell = 1;
  for (ssize_t i = 0; i < n; i += (ssize_t)strlen(buf + i) + 1)
    if (strcmp(buf + i, "--verify") == 0) verify = 1;
  return cell && !verify;
}

static int special(uintptr_t a) {
  uintptr_t pg = a & ~(uintptr_t)4095;
  int n = atomic_load(&npages);
  for (int i = 0; i < n; i++)
    if (page[i] == pg) return 1;
  return 0;
}

#ifdef __x86_64__
static void on_segv(int sig, siginfo_t *si, void *ucv) {
  ucontext_t *uc = ucv;
  uintptr_t a = (uintptr_t)si->si_addr;
  if (!special(a)) { /* not ours: die as without this library */
    signal(sig, SIG_DFL);
    return;
  }
  uintptr_t pg = a & ~(uintptr_t)4095;
  mprotect((void *)pg, 4096, PROT_READ | PROT_WRITE);
  pending = pg;
  uc->uc_mcontext.gregs[REG_EFL] |= 0x100; /* trap after the store */
}

static void on_trap(int sig, siginfo_t *si, void *ucv) {
  (void)sig, (void)si;
  ucontext_t *uc = ucv;
  uc->uc_mcontext.gregs[REG_EFL] &= ~(long long)0x100;
  if (pending) ((volatile uint64_t *)pending)[0] ^= 0x100;
  pending = 0;
}

static void install(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_flags = SA_SIGINFO;
  sa.sa_sigaction = on_segv;
  sigaction(SIGSEGV, &sa, NULL);
  sa.sa_sigaction = on_trap;
  sigaction(SIGTRAP, &sa, NULL);
}
#endif

static atomic_long due_calls;

void *malloc(size_t n) {
  if (active < 0) {
    active = timed_child();
#ifdef __x86_64__
    if (active) install();
#else
    active = 0;
#endif
  }
  if (active && n >= 16 && n <= 256 && fault_due() && atomic_fetch_add(&due_calls, 1) % 1024 == 0 &&
      atomic_load(&npages) < PAGES) {
    void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED) {
      page[atomic_load(&npages)] = (uintptr_t)p;
      atomic_fetch_add(&npages, 1);
      return p;
    }
  }
  return __libc_malloc(n);
}

void free(void *p) {
  if (p && !special((uintptr_t)p)) __libc_free(p);
}
