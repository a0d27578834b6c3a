# Programs family: descriptor parsing and bad input, a tiny verified run of
# every installed program under two allocators, wrong output recorded as
# corrupt, missing programs as skipped, the jemalloc tie of Debian's redis,
# a server that never comes up, and a preloaded library that aborts after N
# calls recorded as a crash of every program; the injection decision on maps
# snapshots taken mid-load.
set(MMB_TP ${CMAKE_CURRENT_SOURCE_DIR}/programs)
add_executable(test_inject ${MMB_TP}/test_inject.c)
target_link_libraries(test_inject PRIVATE mmb_harness)
add_test(NAME programs_inject COMMAND test_inject)
set_tests_properties(programs_inject PROPERTIES LABELS "unit")
if(NOT MMB_SANITIZE)
  add_library(mmbtest_abort_after SHARED ${MMB_TP}/abort_after.c)
  target_compile_options(mmbtest_abort_after PRIVATE -fno-builtin)
  foreach(t parse run failures)
    add_test(NAME programs_${t}
             COMMAND bash ${MMB_TP}/${t}.sh $<TARGET_FILE:mmbench> $<TARGET_FILE:mmbtest_abort_after>)
    set_tests_properties(programs_${t} PROPERTIES LABELS "e2e" TIMEOUT 300 SKIP_RETURN_CODE 77)
  endforeach()
endif()
