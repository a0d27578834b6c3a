/* mmbench — the harness's one out-of-memory policy.
 *
 * Tools that hold a results folder, a plan or a report in memory (report,
 * compare, merge, shards) allocate through these: on failure they print one
 * line, "mmbench: out of memory (N bytes for WHAT)", and exit 1 — nothing is
 * published half-way, since every results file is written to a temporary
 * name and renamed. Parsers that fuzzers drive (table.c, the recipe parser,
 * the trace reader) return -ENOMEM instead, and the cell records an `error`
 * row: neither may exit. */
#ifndef MMB_XALLOC_H
#define MMB_XALLOC_H

#include <stddef.h>

/* Print the one line and exit 1 (for an allocation made elsewhere that failed). */
_Noreturn void mmb_out_of_memory(size_t size, const char *what);

void *mmb_xmalloc(size_t size, const char *what);
void *mmb_xcalloc(size_t n, size_t size, const char *what);
void *mmb_xrealloc(void *p, size_t size, const char *what);
char *mmb_xstrdup(const char *s, const char *what);

#endif
