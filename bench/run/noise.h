/* mmbench — the machine's own noise: the same fixed loop timed in several
 * fresh processes, so a cell can be called noisy only when it varies more
 * than the machine does for work that does not change. */
#ifndef MMB_NOISE_H
#define MMB_NOISE_H

#include <stddef.h>

#define MMB_NOISE_MAX 64

typedef struct mmb_noise {
  int processes;                /* processes timed */
  double ns[MMB_NOISE_MAX];     /* each process's loop time */
  double median_ns, min_ns, cv; /* over the processes; cv = stddev / mean */
} mmb_noise;

/* Time the calibration loop in `processes` fresh processes one after the
 * other (each touches a 32 MiB buffer untimed, then times a fixed
 * pseudo-random read-modify-write walk over it: memory placement, caches,
 * TLB, frequency and the scheduler move it as they move a cell). `scale`
 * multiplies the loop's length (1 = about 20 ms here). 0, or -errno. */
int mmb_noise_measure(int processes, double scale, mmb_noise *out);

/* One line describing the loop, for meta.json. */
const char *mmb_noise_loop_text(void);

#endif
