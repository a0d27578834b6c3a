/* mmbench — libc-backed entry points shared by every PRELOAD adapter
 * (allocators/libc_calls.c). Private to allocators/. */
#ifndef MMB_LIBC_CALLS_H
#define MMB_LIBC_CALLS_H

#include <stddef.h>

void *mmb_libc_malloc(size_t size);
void mmb_libc_free(void *p, size_t size);
void *mmb_libc_calloc(size_t n, size_t size);
void *mmb_libc_realloc(void *p, size_t old_size, size_t new_size);
void *mmb_libc_aligned_alloc(size_t align, size_t size);

#endif
