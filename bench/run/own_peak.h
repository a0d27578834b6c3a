/* mmbench — a program's own peak resident set: its process tree traced
 * (ptrace: every exit, fork, vfork and clone) so that each process's
 * VmHWM is read from /proc at its exit, from the address space it ran in.
 * wait4's ru_maxrss would not do: it keeps the high-water mark of the image
 * mmbench forked across the exec, so a program smaller than mmbench
 * reads as mmbench's size. The tracer is the calling thread; stops are
 * handled whenever mmb_own_peak_service runs (the wake-up descriptor turns
 * readable when one is pending). */
#ifndef MMB_OWN_PEAK_H
#define MMB_OWN_PEAK_H

#include <sys/resource.h>
#include <sys/types.h>

/* Trace pid, a child of this process that has not executed its program
 * yet (held), and all it starts. 0, or -errno (ptrace not permitted). */
int mmb_own_peak_seize(pid_t pid);

/* A descriptor that turns readable when a traced process stopped or ended
 * (drained by mmb_own_peak_service), or -1 before any seize. */
int mmb_own_peak_wakeup_fd(void);

/* Handle every pending stop of every traced process without blocking:
 * VmHWM read at each exit, new processes and threads followed, the rest
 * resumed (signals passed on). A root that ended is kept for
 * mmb_own_peak_reap. */
void mmb_own_peak_service(void);

/* Wait for root (traced by mmb_own_peak_seize) to end, servicing its tree
 * meanwhile; then its wait status, *ru (its resource usage with its
 * reaped descendants), *peak_kb (the largest VmHWM of any process of its
 * tree at its exit, in KiB, -1 when none was read) and *nproc (processes
 * seen to exit). Forgets root. The wait status, or -1 when root is not
 * traced. */
int mmb_own_peak_reap(pid_t root, struct rusage *ru, long *peak_kb, int *nproc);

#endif
