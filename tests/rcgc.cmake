# Tests of the reference-counting / tracing-GC layer (allocators/rc*, cc.c,
# gc*, boehm_adapter.c, managed_adapters.c) and of the graph workloads:
# unit tests, a threaded atomic-count test for TSan, and the libFuzzer
# target with its corpus (plus seeded random inputs) replayed in every build.
set(MMB_RCGC_T ${CMAKE_CURRENT_SOURCE_DIR}/rcgc)

foreach(t rc gc rc_threads graph_workloads)
  add_executable(test_${t} ${MMB_RCGC_T}/test_${t}.c)
  target_include_directories(test_${t} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(test_${t} PRIVATE mmb_workloads)
  add_test(NAME rcgc_${t} COMMAND test_${t})
endforeach()
set_tests_properties(rcgc_rc PROPERTIES LABELS "unit" TIMEOUT 120)
# rcgc_gc also stops the world between two allocating threads: TSan too.
set_tests_properties(rcgc_gc PROPERTIES LABELS "unit;tsan" TIMEOUT 120)
set_tests_properties(rcgc_rc_threads PROPERTIES LABELS "unit;tsan" TIMEOUT 120)
# Plain rc leaks the cycles workload's rings by design: no leak report there.
set_tests_properties(rcgc_graph_workloads PROPERTIES LABELS "unit" TIMEOUT 120
                     ENVIRONMENT "ASAN_OPTIONS=detect_leaks=0")

# The fuzz entry point with a small main: the corpus, then seeded inputs.
add_executable(test_rcgc_fuzz_replay ${MMB_RCGC_T}/fuzz_graph.c ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_replay.c)
target_link_libraries(test_rcgc_fuzz_replay PRIVATE mmb_workloads)
add_test(NAME rcgc_fuzz_replay COMMAND test_rcgc_fuzz_replay --random 300 0x6c0ffee ${MMB_RCGC_T}/corpus)
set_tests_properties(rcgc_fuzz_replay PROPERTIES LABELS "unit" TIMEOUT 120
                     ENVIRONMENT "ASAN_OPTIONS=detect_leaks=0")

if(MMB_FUZZ)
  # The layer is compiled in so that it carries the fuzzer's coverage.
  set(MMB_RCGC_SRC ${PROJECT_SOURCE_DIR}/allocators/rc.c ${PROJECT_SOURCE_DIR}/allocators/cc.c
                   ${PROJECT_SOURCE_DIR}/allocators/gc.c
                   ${PROJECT_SOURCE_DIR}/allocators/managed_adapters.c
                   ${PROJECT_SOURCE_DIR}/allocators/libc_calls.c)
  add_executable(fuzz_rcgc ${MMB_RCGC_T}/fuzz_graph.c ${MMB_RCGC_SRC})
  target_compile_options(fuzz_rcgc PRIVATE -fsanitize=fuzzer)
  target_link_options(fuzz_rcgc PRIVATE -fsanitize=fuzzer)
  target_link_libraries(fuzz_rcgc PRIVATE Threads::Threads m)
  target_include_directories(fuzz_rcgc PRIVATE ${PROJECT_SOURCE_DIR}/allocators ${PROJECT_SOURCE_DIR}/workloads
                             ${CMAKE_BINARY_DIR})
  # New inputs go to the build tree; the committed corpus is only read. A
  # crash leaves rcgc-crash-* in the build tree: copy it into
  # tests/rcgc/corpus/ as a regression input. Plain rc leaks cycles by
  # design, hence no leak detection (the model checks that gc and rc+cc end
  # with no live object instead).
  set(MMB_RCGC_FUZZ_WORK ${CMAKE_CURRENT_BINARY_DIR}/rcgc_fuzz_corpus)
  file(MAKE_DIRECTORY ${MMB_RCGC_FUZZ_WORK})
  add_test(NAME rcgc_fuzz
           COMMAND sh -c "exec \"$0\" -max_total_time=\${MMB_FUZZ_SECONDS:-10} -detect_leaks=0 -rss_limit_mb=2048 -artifact_prefix=${CMAKE_CURRENT_BINARY_DIR}/rcgc- \"$1\" \"$2\""
                   $<TARGET_FILE:fuzz_rcgc> ${MMB_RCGC_FUZZ_WORK} ${MMB_RCGC_T}/corpus)
  set_tests_properties(rcgc_fuzz PROPERTIES LABELS "fuzz" TIMEOUT 900
                       ENVIRONMENT "ASAN_OPTIONS=detect_leaks=0")
endif()
