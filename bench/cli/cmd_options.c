/* mmbench — every command's option table in one list, for the checks that
 * span commands (a letter means the same option everywhere). */
#include "commands.h"
#include "options.h"

const mmb_optspec *const mmb_optspecs[] = {&mmb_run_options,          &mmb_list_options,
                                           &mmb_env_options,          &mmb_cell_options,
                                           &mmb_check_options,        &mmb_report_options,
                                           &mmb_compare_options,      &mmb_reproduce_options,
                                           &mmb_merge_options,        &mmb_status_options,
                                           &mmb_trace_record_options, &mmb_trace_info_options,
                                           &mmb_trace_model_options,  NULL};
