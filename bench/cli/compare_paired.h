/* mmbench — `mmbench compare --paired`: A's and B's configurations as
 * allocator specs, validated, then run interleaved in one results folder
 * (every round runs A and B of a cell back to back). */
#ifndef MMB_COMPARE_PAIRED_H
#define MMB_COMPARE_PAIRED_H

#include <stddef.h>

#define MMB_PAIRED_MAX 16 /* allocators per side */

typedef struct mmb_paired_spec {
  int n;                          /* A/B pairs */
  char name[MMB_PAIRED_MAX][512]; /* the -a item: the label of the pair */
  char a[MMB_PAIRED_MAX][1024];   /* spec text of A (allocator column) */
  char b[MMB_PAIRED_MAX][1024];   /* spec text of B */
} mmb_paired_spec;

/* The pairs from -a LIST (required), --b-allocators LIST (optional, as
 * many items: B's allocator of each pair; default the -a item) and the
 * settings of each side (KEY=VALUE, exported to A's or B's children).
 * Every spec is parsed (unknown allocator: the nearest name) and every
 * GLIBC_TUNABLES name checked against the dynamic loader's list when it
 * can give one. 0, or -1 with a one-line message. */
int mmb_paired_build(const char *allocs, const char *b_allocs, char *const *a_env, int na,
                     char *const *b_env, int nb, mmb_paired_spec *out, char *err, size_t errlen);

/* `mmbench run -a A1,B1,A2,B2,... --floor off --out RUNDIR ARGS...`: the
 * run's exit status (2: bad input, nothing written). */
int mmb_paired_run(const mmb_paired_spec *s, const char *rundir, int nargs, char *const *args);

/* The default output folder: results/<UTC stamp>-paired. */
void mmb_paired_default_out(char *buf, size_t len);

/* The pair whose A spec is allocator (a cell's allocator column in the
 * run): its index, or -1 when none. */
int mmb_paired_partner(const mmb_paired_spec *s, const char *allocator);

/* The captions of the two sides: A's specs, and B's, comma-separated. */
void mmb_paired_captions(const mmb_paired_spec *s, char *ca, char *cb, size_t len);

#endif
