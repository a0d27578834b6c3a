/* mmbench tests — a program with a known number of allocator calls, for the
 * trace recorder: several threads, frees by another thread, reallocs,
 * aligned allocations, malloc_usable_size and a fork whose child makes calls
 * of its own. No stdio: every call it makes is one of those counted below.
 *
 * usage: tprog [baseline]   baseline: the same threads and fork, no calls
 * of its own (what the C library adds is then the difference). */
#define _GNU_SOURCE
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define WORKERS 3
#define PER_WORKER 200 /* mallocs per worker: half freed there, half by main */
#define WORKER_REALLOCS 10

static void *handed[WORKERS][PER_WORKER / 2];
static int baseline;

static void *worker(void *arg) {
  long id = (long)arg;
  if (baseline) return NULL;
  void *mine[PER_WORKER / 2];
  for (int i = 0; i < PER_WORKER; i++) {
    unsigned char *p = malloc(16 + (size_t)(i % 7) * 8);
    p[0] = (unsigned char)i;
    if (i % 2)
      handed[id][i / 2] = p;
    else
      mine[i / 2] = p;
  }
  for (int i = 0; i < PER_WORKER / 2; i++) free(mine[i]);
  char *v = NULL;
  for (int i = 0; i < WORKER_REALLOCS; i++) { /* the first is realloc(NULL, n) */
    v = realloc(v, 32u << i);
    v[0] = 'x';
  }
  free(v);
  return NULL;
}

int main(int argc, char **argv) {
  baseline = argc > 1 && strcmp(argv[1], "baseline") == 0;
  void *blocks[100], *zeroed[50], *al[15];
  char *grow = NULL;
  int k = 0;
  size_t usable = 0;
  if (!baseline) {
    for (int i = 0; i < 100; i++) blocks[i] = malloc((size_t)(i + 1) * 8);    /* 100 malloc */
    for (int i = 0; i < 50; i++) zeroed[i] = calloc(3, 16);                   /* 50 calloc */
    for (int i = 0; i < 20; i++) grow = realloc(grow, (size_t)(i + 1) * 100); /* 20 realloc */
    for (int i = 0; i < 5; i++)                                               /* 5 posix_memalign */
      if (posix_memalign(&al[k++], 64, 200) != 0) return 1;
    for (int i = 0; i < 4; i++) al[k++] = aligned_alloc(128, 256);       /* 4 aligned_alloc */
    for (int i = 0; i < 3; i++) al[k++] = memalign(32, 100);             /* 3 memalign */
    for (int i = 0; i < 2; i++) al[k++] = valloc(100);                   /* 2 valloc */
    al[k++] = pvalloc(100);                                              /* 1 pvalloc */
    for (int i = 0; i < 7; i++) usable += malloc_usable_size(blocks[i]); /* 7 usable */
  }
  pthread_t th[WORKERS];
  for (long i = 0; i < WORKERS; i++)
    if (pthread_create(&th[i], NULL, worker, (void *)i) != 0) return 1;
  for (int i = 0; i < WORKERS; i++) pthread_join(th[i], NULL);
  pid_t pid = fork();
  if (pid == 0) {
    if (!baseline)
      for (int i = 0; i < 5; i++) { /* child: 5 + 5 */
        char *volatile p = malloc(40);
        p[0] = 1;
        free(p);
      }
    _exit(0);
  }
  int st;
  waitpid(pid, &st, 0);
  if (!baseline) {
    for (int w = 0; w < WORKERS; w++)
      for (int i = 0; i < PER_WORKER / 2; i++) free(handed[w][i]); /* 300 remote frees */
    for (int i = 0; i < 100; i++) free(blocks[i]);
    for (int i = 0; i < 50; i++) free(zeroed[i]);
    free(grow);
    for (int i = 0; i < k; i++) free(al[i]); /* 100+50+1+15 frees */
  }
  return usable == 0 && !baseline;
}
