# The cross-check (issue 18): a bare loop of churn-random's and malloc-free's
# operations, written without mmbench's code, run under the same preloaded
# mallocs as mmbench (scripts/crosscheck). Here only a smoke test: it runs
# and gives ratios for every allocator; the 15 % comparison is a timing and
# lives in `make crosscheck`, not in a unit test that a busy machine fails.
add_executable(mmb_bare_loop ${CMAKE_CURRENT_SOURCE_DIR}/crosscheck/bare_loop.c)
set_target_properties(mmb_bare_loop PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
target_link_libraries(mmb_bare_loop PRIVATE Threads::Threads)
if(NOT MMB_SANITIZE)
  add_test(NAME crosscheck_smoke
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/crosscheck/smoke.sh
                   ${CMAKE_SOURCE_DIR}/scripts/crosscheck $<TARGET_FILE:mmbench>
                   $<TARGET_FILE:mmb_bare_loop>)
  set_tests_properties(crosscheck_smoke PROPERTIES LABELS "e2e" TIMEOUT 300)
endif()
