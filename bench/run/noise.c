/* mmbench — the machine's noise: a fixed loop timed in fresh processes
 * (see noise.h). */
#define _GNU_SOURCE
#include "noise.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stats.h"

#define BUF_BYTES (32u << 20)
#define STEPS 2000000u /* x scale */

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The child: untimed touch, timed walk; its time (ns) as 8 bytes on fd. */
static void child(int fd, double scale) {
  uint64_t *buf = mmap(NULL, BUF_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  double ns = -1;
  if (buf != MAP_FAILED) {
    size_t words = BUF_BYTES / sizeof *buf;
    for (size_t i = 0; i < words; i++) buf[i] = i * 0x9E3779B97F4A7C15ull;
    uint64_t x = 88172645463325252ull, steps = (uint64_t)(STEPS * scale), sum = 0;
    double t0 = now_ns();
    for (uint64_t s = 0; s < steps; s++) { /* xorshift64 walk */
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      uint64_t *w = &buf[x & (words - 1)];
      sum += *w;
      *w = sum;
    }
    ns = now_ns() - t0;
    __asm__ volatile("" : : "r"(sum) : "memory");
  }
  ssize_t wr = write(fd, &ns, sizeof ns);
  _exit(wr == (ssize_t)sizeof ns && ns > 0 ? 0 : 1);
}

int mmb_noise_measure(int processes, double scale, mmb_noise *out) {
  memset(out, 0, sizeof *out);
  if (processes < 2 || processes > MMB_NOISE_MAX || !(scale > 0)) return -EINVAL;
  for (int p = 0; p < processes; p++) {
    int fds[2];
    if (pipe(fds) != 0) return -errno;
    pid_t pid = fork();
    if (pid < 0) {
      int e = errno;
      close(fds[0]), close(fds[1]);
      return -e;
    }
    if (pid == 0) {
      close(fds[0]);
      child(fds[1], scale);
    }
    close(fds[1]);
    double ns = -1;
    ssize_t got = read(fds[0], &ns, sizeof ns);
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (got != (ssize_t)sizeof ns || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || !(ns > 0))
      return -EIO;
    out->ns[out->processes++] = ns;
  }
  double v[MMB_NOISE_MAX];
  memcpy(v, out->ns, sizeof v[0] * (size_t)out->processes);
  mmb_summary s;
  mmb_summarize(v, (size_t)out->processes, &s);
  out->median_ns = s.median;
  out->min_ns = s.min;
  out->cv = s.cv;
  return 0;
}

const char *mmb_noise_loop_text(void) {
  return "a 32 MiB buffer touched untimed, then 2e6 x scale pseudo-random read-modify-writes "
         "over it timed with CLOCK_MONOTONIC, each in a fresh process";
}
