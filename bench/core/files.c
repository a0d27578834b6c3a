/* mmbench — files and folders (see files.h). */
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *mmb_read_file(const char *path, size_t *len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NULL;
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    close(fd);
    errno = EISDIR;
    return NULL;
  }
  size_t cap = 1 << 16, n = 0;
  char *text = malloc(cap);
  while (text) {
    if (n + 1 >= cap) {
      char *q = realloc(text, cap * 2);
      if (!q) break;
      text = q;
      cap *= 2;
    }
    ssize_t got = read(fd, text + n, cap - n - 1);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      int e = errno;
      free(text);
      close(fd);
      errno = e;
      return NULL;
    }
    if (got == 0) {
      close(fd);
      text[n] = 0;
      if (len) *len = n;
      return text;
    }
    n += (size_t)got;
  }
  free(text);
  close(fd);
  errno = ENOMEM;
  return NULL;
}

int mmb_mkdirs(const char *path) {
  char buf[4096];
  size_t n = strlen(path);
  if (n == 0 || n >= sizeof buf) return -ENAMETOOLONG;
  memcpy(buf, path, n + 1);
  for (size_t i = 1; i <= n; i++) {
    if (buf[i] != '/' && buf[i] != 0) continue;
    char keep = buf[i];
    buf[i] = 0;
    if (mkdir(buf, 0777) != 0 && errno != EEXIST) return -errno;
    struct stat st;
    if (stat(buf, &st) != 0) return -errno;
    if (!S_ISDIR(st.st_mode)) return -ENOTDIR;
    buf[i] = keep;
  }
  return 0;
}

int mmb_write_all(int fd, const char *s, size_t len) {
  size_t off = 0;
  while (off < len) {
    ssize_t n = write(fd, s + off, len - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    off += (size_t)n;
  }
  return 0;
}
