# Counter tests: options and columns, latency histograms and the sampling
# wrapper, perf events in real cells (software always; hardware checks skip
# with code 77 where the PMU is absent / present), and the valgrind mode.
set(MMB_TC ${CMAKE_CURRENT_SOURCE_DIR}/counters)

foreach(t counters_opts latency)
  add_executable(test_${t} ${MMB_TC}/test_${t}.c)
  target_link_libraries(test_${t} PRIVATE mmb_harness)
  add_test(NAME counters_${t} COMMAND test_${t})
  set_tests_properties(counters_${t} PROPERTIES LABELS "unit" TIMEOUT 60)
endforeach()

add_executable(test_counters_hw ${MMB_TC}/test_counters_hw.c)
target_link_libraries(test_counters_hw PRIVATE mmb_harness)
foreach(mode sw hw-absent hw-present)
  add_test(NAME counters_${mode} COMMAND test_counters_hw ${mode})
  set_tests_properties(counters_${mode} PROPERTIES LABELS "unit;tsan" SKIP_RETURN_CODE 77 TIMEOUT 60)
endforeach()

# valgrind cannot run sanitizer builds
if(MMB_HAVE_VALGRIND AND NOT MMB_SANITIZE)
  add_executable(test_counters_sim ${MMB_TC}/test_counters_sim.c)
  target_link_libraries(test_counters_sim PRIVATE mmb_harness)
  add_test(NAME counters_sim COMMAND test_counters_sim $<TARGET_FILE:mmbench>)
  set_tests_properties(counters_sim PROPERTIES LABELS "sim" TIMEOUT 120)
endif()
