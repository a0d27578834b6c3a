/* mmbench cross-check — the plain operation sequences of two workloads,
 * written without any of mmbench's code, to check its figures against.
 *
 * usage: bare_loop churn-random N WINDOW [main|thread]   (uniform 16..256 B)
 *        bare_loop malloc-free N SIZE [main|thread]
 * Prints one line: `<workload> ns_per_op <wall> cpu_ns_per_op <cpu> ops <count> sum <s>`.
 *
 * churn-random: WINDOW slots filled with blocks of a uniform size in
 * [16, 256]; then N times: pick a random slot, read the first word of its
 * block, free it, malloc a block of a new uniform size and write its first
 * word. Like mmbench, the window's fill is in the timed part and counts as
 * operations (ops = WINDOW + N); freeing what is left at the end is not
 * (mmbench's teardown is not timed either).
 * malloc-free: N times malloc(SIZE), write the first word, read it, free.
 *
 * It calls plain malloc and free, so the allocator is whatever the dynamic
 * linker gives (LD_PRELOAD=libjemalloc.so.2 ...). Its random numbers come
 * from its own generator (a 64-bit xorshift-multiply), not from mmbench's.
 * The loop runs where mmbench's 1-thread cell runs it: on the main thread
 * with no other thread ever made (`main`, the default, as mmbench's `--t1
 * main`), or on a thread of its own (`thread`, as `--t1 thread`: glibc then
 * serves it from another arena than the main thread's, in its
 * multi-threaded mode); its CPU time is that thread's clock. The timed part is the function
 * `timed` (callgrind --toggle-collect=timed counts exactly it). */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t rng_state = 0x853c49e6748fea9bull;

static inline uint64_t rnd(void) {
  uint64_t x = rng_state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  rng_state = x;
  return x * 0x2545f4914f6cdd1dull;
}

/* Uniform in [0, n). */
static inline uint64_t below(uint64_t n) { return (uint64_t)(((__uint128_t)rnd() * n) >> 64); }

static double now_ns(clockid_t clk) {
  struct timespec ts;
  clock_gettime(clk, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static uint64_t **slots;

static uint64_t churn(uint64_t n, size_t window) {
  uint64_t **slot = slots;
  uint64_t sum = 0;
  for (size_t i = 0; i < window; i++) {
    slot[i] = malloc(16 + (size_t)below(241));
    if (!slot[i]) exit(1);
    slot[i][0] = i;
  }
  for (uint64_t op = 0; op < n; op++) {
    size_t k = (size_t)below(window);
    sum += slot[k][0];
    free(slot[k]);
    slot[k] = malloc(16 + (size_t)below(241));
    if (!slot[k]) exit(1);
    slot[k][0] = op;
  }
  return sum;
}

static uint64_t malloc_free(uint64_t n, size_t size) {
  uint64_t sum = 0;
  for (uint64_t i = 0; i < n; i++) {
    volatile uint64_t *p = malloc(size < 8 ? 8 : size);
    if (!p) exit(1);
    p[0] = i;
    sum += p[0];
    free((void *)p);
  }
  return sum;
}

typedef struct job {
  int churning;
  uint64_t n;
  size_t arg;
  uint64_t sum;
  double wall_ns, cpu_ns;
} job;

static __attribute__((noinline)) void timed(job *j) {
  double t0 = now_ns(CLOCK_MONOTONIC), c0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
  j->sum = j->churning ? churn(j->n, j->arg) : malloc_free(j->n, j->arg);
  j->wall_ns = now_ns(CLOCK_MONOTONIC) - t0;
  j->cpu_ns = now_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
}

static void *run(void *p) {
  job *j = p;
  if (j->churning && !(slots = calloc(j->arg, sizeof *slots))) exit(1);
  timed(j);
  if (j->churning) {
    for (size_t i = 0; i < j->arg; i++) free(slots[i]);
    free(slots);
  }
  return NULL;
}

int main(int argc, char **argv) {
  if ((argc != 4 && argc != 5) ||
      (strcmp(argv[1], "churn-random") != 0 && strcmp(argv[1], "malloc-free") != 0) ||
      (argc == 5 && strcmp(argv[4], "main") != 0 && strcmp(argv[4], "thread") != 0)) {
    fprintf(stderr, "usage: bare_loop churn-random N WINDOW [main|thread] | bare_loop malloc-free "
                    "N SIZE [main|thread]\n");
    return 2;
  }
  job j = {.churning = strcmp(argv[1], "churn-random") == 0,
           .n = strtoull(argv[2], NULL, 10),
           .arg = (size_t)strtoull(argv[3], NULL, 10)};
  if (j.n == 0 || j.arg == 0) {
    fprintf(stderr, "bare_loop: N and WINDOW/SIZE must be positive whole numbers\n");
    return 2;
  }
  pthread_t th;
  if (argc == 4 || strcmp(argv[4], "main") == 0)
    run(&j);
  else if (pthread_create(&th, NULL, run, &j) != 0 || pthread_join(th, NULL) != 0) {
    fprintf(stderr, "bare_loop: cannot run a thread\n");
    return 1;
  }
  uint64_t ops = j.churning ? j.n + j.arg : j.n;
  printf("%s ns_per_op %.4f cpu_ns_per_op %.4f ops %llu sum %llu\n", argv[1],
         j.wall_ns / (double)ops, j.cpu_ns / (double)ops, (unsigned long long)ops,
         (unsigned long long)j.sum);
  return 0;
}
