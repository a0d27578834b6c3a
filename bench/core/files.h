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

#endif
