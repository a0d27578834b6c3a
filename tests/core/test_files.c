/* Unit tests of the small file helpers (bench/core/files.c) the results
 * writer, the environment and the topology reader share: a small value
 * read trimmed of trailing newlines and spaces (an unreadable file is -1),
 * and a write of everything through short writes. */
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
  /* a small value: trimmed, cut to the buffer */
  FILE *f = fopen(path, "w");
  fputs("0-3 \n\n", f);
  fclose(f);
  char buf[16];
  CHECK(mmb_read_small(path, buf, sizeof buf) == 0 && strcmp(buf, "0-3") == 0);
  char small[3];
  CHECK(mmb_read_small(path, small, sizeof small) == 0 && strcmp(small, "0-") == 0);
  unlink(path);
  CHECK(mmb_read_small(path, buf, sizeof buf) == -1);
  free(text);
  return mmb_test_exit();
}
