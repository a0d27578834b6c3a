/* mmbench tests — a main for the rc/gc fuzz entry point in builds without
 * libFuzzer: replays every file in the corpus directory given, then runs a
 * number of seeded random inputs (deterministic), so that `make test` covers
 * the model checks. Fails when the directory holds no input. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wl_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static long read_all(const char *path, uint8_t *buf, size_t cap) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  size_t n = fread(buf, 1, cap, f);
  fclose(f);
  return (long)n;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s CORPUS_DIR [RANDOM_INPUTS]\n", argv[0]);
    return 2;
  }
  static uint8_t buf[1 << 16];
  int files = 0;
  DIR *d = opendir(argv[1]);
  if (!d) {
    perror(argv[1]);
    return 1;
  }
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", argv[1], e->d_name);
    long n = read_all(path, buf, sizeof buf);
    if (n < 0) {
      perror(path);
      closedir(d);
      return 1;
    }
    LLVMFuzzerTestOneInput(buf, (size_t)n);
    files++;
  }
  closedir(d);
  if (files == 0) {
    fprintf(stderr, "no corpus input in %s\n", argv[1]);
    return 1;
  }
  int random_inputs = argc > 2 ? atoi(argv[2]) : 0;
  mmb_rng r;
  mmb_rng_seed(&r, 0x6c0ffee, 5);
  for (int i = 0; i < random_inputs; i++) {
    size_t n = 1 + (size_t)mmb_rng_below(&r, 3000);
    for (size_t k = 0; k < n; k++) buf[k] = (uint8_t)mmb_rng_next(&r);
    LLVMFuzzerTestOneInput(buf, n);
  }
  printf("replayed %d corpus files and %d random inputs\n", files, random_inputs);
  return 0;
}
