/* mmbench — `mmbench trace model`: an allocation model made from a trace
 * (model.c; the format: workloads/recorded/model_format.h). */
#ifndef MMB_TRACE_MODEL_H
#define MMB_TRACE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "model_format.h"
#include "trace_format.h"

/* Fill m from trace t (source: the name written into the model). 0; 1 when
 * the trace holds no allocation (err says so and what it holds); -1 when
 * out of memory (err says so). */
int mmb_model_build(const mmb_trace *t, const char *source, mmb_model *m, char *err, size_t errlen);

/* How a model's stream agrees with the model (its trace's figures). */
typedef struct mmb_model_fit {
  double peak_ratio;                 /* stream's peak live bytes / the trace's */
  double tvd;                        /* total variation distance of the size-class histograms */
  double median_gap;                 /* largest |stream / trace - 1| of a class's lifetime median */
  uint64_t median_gap_lo;            /* that class's smallest size */
  int classes_compared;              /* classes with >= 1 % of births and >= 20 frees */
  double gap[MMB_MODEL_MAX_CLASSES]; /* per class of the reference (NAN: not compared) */
  double realloc_share[2], calloc_share[2], aligned_share[2]; /* trace, stream */
  double ratio_share[2]; /* reallocs at a ratio new / old size the trace's model lists for the
                          * old block's class: trace, stream */
} mmb_model_fit;

/* Compare got (a model of the stream) with ref (the model it came from). */
void mmb_model_compare(const mmb_model *ref, const mmb_model *got, mmb_model_fit *f);

/* Generate ref's stream (its own length, one thread, seed), model it, and
 * compare. 0, or -1 with a one-line reason. */
int mmb_model_fit_check(const mmb_model *ref, uint64_t seed, mmb_model_fit *f, char *err,
                        size_t errlen);

#endif
