# Family-level tests of the stack-heap and alignment workloads: every workload
# at tiny scale under glibc with 1 and 2 threads (status, checksums), and
# broken in-test allocators caught as `corrupt`.
add_executable(test_workloads_sh ${CMAKE_CURRENT_SOURCE_DIR}/workloads_sh/test_workloads_sh.c)
target_link_libraries(test_workloads_sh PRIVATE mmb_harness)
add_test(NAME workloads_sh COMMAND test_workloads_sh)
set_tests_properties(workloads_sh PROPERTIES LABELS "unit" TIMEOUT 120)
