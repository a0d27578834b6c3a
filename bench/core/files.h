/* mmbench — files and folders: a whole file into memory, mkdir -p. */
#ifndef MMB_FILES_H
#define MMB_FILES_H

#include <stddef.h>

/* The whole file, NUL-terminated (malloc'd; *len gets its size when len is
 * not NULL), or NULL with errno set (EISDIR for a folder, ENOMEM, ...). */
char *mmb_read_file(const char *path, size_t *len);

/* Create path and its missing parents. 0, or a negative errno (-ENOTDIR
 * when a part exists and is not a folder). */
int mmb_mkdirs(const char *path);

/* Write all of s (len bytes) to fd, retrying short writes and EINTR. 0, or
 * -errno (fd left open). */
int mmb_write_all(int fd, const char *s, size_t len);

#endif
