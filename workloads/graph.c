/* mmbench — workload family 'graph' (to be filled). */
#include "workload.h"

const mmb_workload *const mmb_family_graph[] = {NULL};
