/* mmbench — allocation that ends the tool on failure (see xalloc.h). */
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Noreturn void mmb_out_of_memory(size_t size, const char *what) {
  fprintf(stderr, "mmbench: out of memory (%zu bytes for %s)\n", size, what ? what : "the harness");
  exit(1);
}

void *mmb_xmalloc(size_t size, const char *what) {
  void *p = malloc(size ? size : 1);
  if (!p) mmb_out_of_memory(size, what);
  return p;
}

void *mmb_xcalloc(size_t n, size_t size, const char *what) {
  void *p = calloc(n ? n : 1, size ? size : 1);
  if (!p) mmb_out_of_memory(n * size, what);
  return p;
}

void *mmb_xrealloc(void *p, size_t size, const char *what) {
  void *q = realloc(p, size ? size : 1);
  if (!q) mmb_out_of_memory(size, what);
  return q;
}

char *mmb_xstrdup(const char *s, const char *what) {
  size_t n = strlen(s) + 1;
  char *d = mmb_xmalloc(n, what);
  memcpy(d, s, n);
  return d;
}
