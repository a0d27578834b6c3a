/* mmbench — parameter values: parsing with range checks, canonical text
 * (`k=v;k=v`, every parameter in table order), and sweeps. */
#ifndef MMB_PARAMS_H
#define MMB_PARAMS_H

#include <stddef.h>

#include "workload.h"

/* One set of parameter values for a workload. */
typedef struct mmb_pvals {
  long long v[MMB_MAX_PARAMS];
  char *s[MMB_MAX_PARAMS]; /* STR values (heap copies) */
} mmb_pvals;

/* Parse a whole number with an optional K/M/G suffix (powers of 1024).
 * 0, or -EINVAL / -ERANGE. */
int mmb_parse_int(const char *text, long long *out);

/* Parse one value of parameter p. 0, or -1 with a message in err. */
int mmb_param_value(const mmb_workload *w, const mmb_param *p, const char *text, long long *v,
                    char *err, size_t errlen);

/* Defaults of every parameter. */
void mmb_pvals_defaults(const mmb_workload *w, mmb_pvals *pv);
void mmb_pvals_free(const mmb_workload *w, mmb_pvals *pv);
void mmb_pvals_copy(const mmb_workload *w, mmb_pvals *dst, const mmb_pvals *src);

/* Canonical text into buf (truncated safely). */
void mmb_params_format(const mmb_workload *w, const mmb_pvals *pv, char *buf, size_t len);

/* Parse `k=v;k=v` (any subset; the rest keep their current values in pv).
 * 0, or -1 with a one-line message in err. */
int mmb_params_parse(const mmb_workload *w, const char *text, mmb_pvals *pv, char *err,
                     size_t errlen);

/* Multiply every MMB_PF_WORK parameter by scale, clamped to its range. */
void mmb_pvals_scale(const mmb_workload *w, mmb_pvals *pv, double scale);

#endif
