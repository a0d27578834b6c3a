/* mmbench — where a recorded file named after its program lives: traces
 * (.mmbt) and models (.model) share one folder. */
#ifndef MMB_RECORDED_PATH_H
#define MMB_RECORDED_PATH_H

#include <stddef.h>

/* A name without '/' and without ext is NAME.ext in the trace folder
 * ($MMB_TRACE_DIR, else $XDG_CACHE_HOME/mmbench/traces, else
 * ~/.cache/mmbench/traces), or else the one shipped in workloads/data/.
 * Returns 1 for such a name (out: where it is, or where it would be
 * recorded), 0 for a path (copied to out). ext includes its dot. */
int mmb_recorded_path(const char *name, const char *ext, char *out, size_t len);

#endif
