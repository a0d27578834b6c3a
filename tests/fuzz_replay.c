/* mmbench tests — the main of every corpus-replay test: runs
 * LLVMFuzzerTestOneInput over every file named on the command line or found
 * in a directory named there (the fuzz corpus and crash regressions, in name
 * order), so a plain gcc build replays them in `make test`. With
 * `--random N SEED` it then also runs N seeded random inputs of 1..3000
 * bytes (deterministic for a given SEED). Fails if no file input was found
 * or one could not be read.
 *
 * usage: PROGRAM [--random N SEED] FILE|DIR... */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "wl_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RANDOM_MAX_LEN 3000
#define RANDOM_STREAM 5 /* fixed: the random inputs depend on SEED only */

static int run_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    return -1;
  }
  uint8_t *buf = NULL;
  size_t len = 0, cap = 0;
  for (;;) {
    if (len == cap) {
      cap = cap ? 2 * cap : 4096;
      uint8_t *nb = realloc(buf, cap);
      if (!nb) {
        free(buf);
        fclose(f);
        return -1;
      }
      buf = nb;
    }
    size_t got = fread(buf + len, 1, cap - len, f);
    if (got == 0) break;
    len += got;
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    fprintf(stderr, "%s: read error\n", path);
    free(buf);
    return -1;
  }
  LLVMFuzzerTestOneInput(buf, len);
  free(buf);
  return 0;
}

/* The regular files of dir (hidden ones skipped), in name order. */
static void run_dir(const char *dir, int *files, int *errors) {
  struct dirent **names;
  int n = scandir(dir, &names, NULL, alphasort);
  if (n < 0) {
    perror(dir);
    (*errors)++;
    return;
  }
  for (int k = 0; k < n; k++) {
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, names[k]->d_name);
    if (names[k]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
      *errors += run_file(path) != 0;
      (*files)++;
    }
    free(names[k]);
  }
  free(names);
}

static void run_random(long count, uint64_t seed) {
  static uint8_t buf[RANDOM_MAX_LEN];
  mmb_rng r;
  mmb_rng_seed(&r, seed, RANDOM_STREAM);
  for (long i = 0; i < count; i++) {
    size_t n = 1 + (size_t)mmb_rng_below(&r, RANDOM_MAX_LEN);
    for (size_t k = 0; k < n; k++) buf[k] = (uint8_t)mmb_rng_next(&r);
    LLVMFuzzerTestOneInput(buf, n);
  }
}

/* A whole unsigned number (decimal, 0x hex); -1 if it is not one. */
static int parse_u64(const char *s, uint64_t *out) {
  char *end;
  if (!*s || *s == '-') return -1;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 0);
  if (errno || *end) return -1;
  *out = v;
  return 0;
}

int main(int argc, char **argv) {
  int files = 0, errors = 0;
  uint64_t random_count = 0, seed = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--random") == 0) {
      if (i + 2 >= argc || parse_u64(argv[i + 1], &random_count) != 0 || random_count > 100000000 ||
          parse_u64(argv[i + 2], &seed) != 0) {
        fprintf(stderr, "usage: %s [--random N SEED] FILE|DIR...\n", argv[0]);
        return 2;
      }
      i += 2;
      continue;
    }
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      perror(argv[i]);
      errors++;
    } else if (S_ISDIR(st.st_mode)) {
      run_dir(argv[i], &files, &errors);
    } else {
      errors += run_file(argv[i]) != 0;
      files++;
    }
  }
  run_random((long)random_count, seed);
  printf("replayed %d inputs (%d unreadable) and %llu random inputs\n", files, errors,
         (unsigned long long)random_count);
  return files > 0 && errors == 0 ? 0 : 1;
}
