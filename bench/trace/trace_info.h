/* mmbench — what `mmbench trace info` says about a trace (trace_info.c). */
#ifndef MMB_TRACE_INFO_H
#define MMB_TRACE_INFO_H

#include <stdio.h>

#include "trace_format.h"

/* Print the description of t (read from path) as text or JSON. Returns 0,
 * or 1 when out of memory. */
int mmb_trace_info_print(const mmb_trace *t, const char *path, int json, FILE *out);

#endif
