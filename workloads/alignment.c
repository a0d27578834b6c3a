/* mmbench — workload family 'alignment' (to be filled). */
#include "workload.h"

const mmb_workload *const mmb_family_alignment[] = {NULL};
