# Workload families churn and threads (issue 3): every workload at tiny scale
# under glibc with threads 1, 2 (threads family: 1, 2, 4), broken in-test
# allocators caught as `corrupt`, and the size-file (dist=file) reader.
set(MMB_CT ${CMAKE_CURRENT_SOURCE_DIR}/workloads_ct)

add_executable(test_workloads_ct_run ${MMB_CT}/run.c)
target_link_libraries(test_workloads_ct_run PRIVATE mmb_harness)
add_test(NAME workloads_ct_churn COMMAND test_workloads_ct_run churn)
add_test(NAME workloads_ct_threads COMMAND test_workloads_ct_run threads)
set_tests_properties(workloads_ct_churn workloads_ct_threads PROPERTIES LABELS "unit;tsan" TIMEOUT 120)

add_executable(test_workloads_ct_corrupt ${MMB_CT}/corrupt.c)
target_link_libraries(test_workloads_ct_corrupt PRIVATE mmb_harness)
add_test(NAME workloads_ct_corrupt COMMAND test_workloads_ct_corrupt)
set_tests_properties(workloads_ct_corrupt PROPERTIES LABELS "unit" TIMEOUT 120)

add_executable(test_workloads_ct_sizefile ${MMB_CT}/sizefile.c)
target_link_libraries(test_workloads_ct_sizefile PRIVATE mmb_harness)
add_test(NAME workloads_ct_sizefile COMMAND test_workloads_ct_sizefile
         WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
set_tests_properties(workloads_ct_sizefile PROPERTIES LABELS "unit" TIMEOUT 60)
