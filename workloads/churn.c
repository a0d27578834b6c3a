/* mmbench — workload family 'churn' (to be filled). */
#include "workload.h"

const mmb_workload *const mmb_family_churn[] = {NULL};
