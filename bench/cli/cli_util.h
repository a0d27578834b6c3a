/* mmbench — small helpers shared by the subcommands: one-line usage errors
 * and CPU lists. Text helpers are in core/text.h, allocator specs in
 * run/alloc_spec.h. */
#ifndef MMB_CLI_UTIL_H
#define MMB_CLI_UTIL_H

#include <stddef.h>

#include "alloc_spec.h"
#include "text.h"

#define MMB_EXIT_USAGE 2

/* Print "mmbench CMD: MSG" (and a --help hint) to stderr; return 2. */
int mmb_usage_error(const char *cmd, const char *msg);

/* A --pin CPU list ("0", "0,1", "0-1"): every CPU must be one this process
 * may run on. 0, or -1 with a one-line message naming the CPUs there are. */
int mmb_cpu_list_check(const char *text, char *err, size_t errlen);

#endif
