/* mmbench — the `empirical` workload's stream without an allocator: the
 * same generator (empirical.c) writing the calls it would make as trace
 * events, so a model can be made of the stream again and compared with the
 * model it came from (mmbench trace model --check, the report, the
 * fidelity tests). */
#ifndef MMB_EMPIRICAL_H
#define MMB_EMPIRICAL_H

#include <stdint.h>

#include "model_format.h"
#include "trace_format.h"

/* The stream of model m with n births (0 = the model's own count) on one
 * thread, seeded with seed, as the events of a trace (t: release with
 * mmb_trace_free). 0, or -1 with a one-line reason in err. */
int mmb_empirical_trace(const mmb_model *m, uint64_t n, uint64_t seed, mmb_trace *t, char *err,
                        size_t errlen);

/* Where a model named name is (a name without '/' and without ".model" is
 * TRACE_DIR/NAME.model, the folder of the traces; otherwise a path). 1 for
 * a name, 0 for a path. */
int mmb_empirical_model_path(const char *name, char *out, size_t len);

#endif
