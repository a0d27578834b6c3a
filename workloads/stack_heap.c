/* mmbench — workload family 'stack_heap' (to be filled). */
#include "workload.h"

const mmb_workload *const mmb_family_stack_heap[] = {NULL};
