/* mmbench tests — a minimal assertion helper for standalone test programs
 * registered with CTest. CHECK prints where and what failed and counts it;
 * main returns mmb_test_exit(). */
#ifndef MMB_CHECK_H
#define MMB_CHECK_H

#include <stdio.h>

static int mmb_test_failures;
static int mmb_test_checks;

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    mmb_test_checks++;                                                                             \
    if (!(cond)) {                                                                                 \
      mmb_test_failures++;                                                                         \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);                     \
    }                                                                                              \
  } while (0)

#define CHECKF(cond, ...)                                                                          \
  do {                                                                                             \
    mmb_test_checks++;                                                                             \
    if (!(cond)) {                                                                                 \
      mmb_test_failures++;                                                                         \
      fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond);                     \
      fprintf(stderr, __VA_ARGS__);                                                                \
      fputc('\n', stderr);                                                                         \
    }                                                                                              \
  } while (0)

static inline int mmb_test_exit(void) {
  printf("%d checks, %d failed\n", mmb_test_checks, mmb_test_failures);
  return mmb_test_failures ? 1 : 0;
}

#endif
