/* Unit tests of the write-all helper (bench/core/files.c) that runs.csv's
 * appends and the atomic writes share: everything written, a bad fd an
 * error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../check.h"
#include "files.h"

int main(void) {
  char path[] = "/tmp/mmb-files-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  if (fd < 0) return mmb_test_exit();
  /* a value of 100 kB, written in one call (a pipe or a file may take it in parts) */
  size_t big = 100000;
  char *text = malloc(big + 1);
  memset(text, 'x', big);
  memcpy(text, "0-3 \n\n", 6);
  CHECK(mmb_write_all(fd, text, big) == 0);
  close(fd);
  size_t len = 0;
  char *back = mmb_read_file(path, &len);
  CHECK(back && len == big && memcmp(back, text, big) == 0);
  free(back);
  CHECK(mmb_write_all(-1, "a", 1) < 0);
  unlink(path);
  free(text);
  return mmb_test_exit();
}
