/* mmbench — workload family 'threads' (to be filled). */
#include "workload.h"

const mmb_workload *const mmb_family_threads[] = {NULL};
