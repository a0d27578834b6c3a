# Allocation traces (issue 13): the reader and trace-replay in-process (also
# under TSan), recording a known program through `mmbench trace record`, the
# trace commands' bad input, replay under every allocator, and the trace
# reader's fuzz corpus.
set(MMB_TR ${CMAKE_CURRENT_SOURCE_DIR}/traces)

add_executable(test_trace_replay ${MMB_TR}/replay.c)
target_link_libraries(test_trace_replay PRIVATE mmb_harness)
set(MMB_TR_WORK ${CMAKE_CURRENT_BINARY_DIR}/trace_work)
file(MAKE_DIRECTORY ${MMB_TR_WORK})
add_test(NAME trace_replay COMMAND test_trace_replay ${MMB_TR_WORK})
set_tests_properties(trace_replay PROPERTIES LABELS "unit;tsan" TIMEOUT 120)

# Recording preloads libmmbtrace.so into a program: not in sanitizer builds.
if(MMB_SANITIZE STREQUAL "")
  add_executable(trace_tprog ${MMB_TR}/tprog.c)
  target_link_libraries(trace_tprog PRIVATE Threads::Threads)
  target_compile_options(trace_tprog PRIVATE -O1)
  add_executable(test_trace_cli ${MMB_TR}/cli.c)
  target_link_libraries(test_trace_cli PRIVATE mmb_harness)
  add_test(NAME trace_cli COMMAND test_trace_cli $<TARGET_FILE:mmbench> $<TARGET_FILE:trace_tprog>
                                  ${MMB_TR_WORK}/cli)
  set_tests_properties(trace_cli PROPERTIES LABELS "trace" TIMEOUT 300)
endif()

set(MMB_FUZZTR ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_trace)
# The reader is compiled into the fuzz targets (not linked from the library)
# so that libFuzzer's coverage sees it.
add_executable(test_trace_fuzz_replay ${MMB_FUZZTR}/fuzz_trace.c ${CMAKE_SOURCE_DIR}/workloads/trace_format.c
                                      ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_replay.c)
target_include_directories(test_trace_fuzz_replay PRIVATE ${CMAKE_SOURCE_DIR}/workloads ${CMAKE_SOURCE_DIR}/allocators)
add_test(NAME trace_fuzz_replay COMMAND test_trace_fuzz_replay --random 2000 7 ${MMB_FUZZTR}/corpus)
set_tests_properties(trace_fuzz_replay PROPERTIES LABELS "unit" TIMEOUT 60)

if(MMB_FUZZ)
  add_executable(fuzz_trace ${MMB_FUZZTR}/fuzz_trace.c ${CMAKE_SOURCE_DIR}/workloads/trace_format.c)
  target_compile_options(fuzz_trace PRIVATE -fsanitize=fuzzer)
  target_link_options(fuzz_trace PRIVATE -fsanitize=fuzzer)
  target_include_directories(fuzz_trace PRIVATE ${CMAKE_SOURCE_DIR}/workloads)
  set(MMB_TRACE_FUZZ_WORK ${CMAKE_CURRENT_BINARY_DIR}/trace_fuzz_corpus)
  file(MAKE_DIRECTORY ${MMB_TRACE_FUZZ_WORK})
  add_test(NAME trace_fuzz
           COMMAND sh -c "exec \"$0\" -max_total_time=\${MMB_FUZZ_SECONDS:-10} -artifact_prefix=${CMAKE_CURRENT_BINARY_DIR}/trace- \"$1\" \"$2\""
                   $<TARGET_FILE:fuzz_trace> ${MMB_TRACE_FUZZ_WORK} ${MMB_FUZZTR}/corpus)
  set_tests_properties(trace_fuzz PROPERTIES LABELS "fuzz" TIMEOUT 900)
endif()

add_test(NAME trace_report COMMAND bash ${MMB_TR}/report.sh $<TARGET_FILE:mmbench>)
set_tests_properties(trace_report PROPERTIES LABELS "e2e" TIMEOUT 300)

if(MMB_SANITIZE STREQUAL "")
  add_test(NAME trace_record_traces COMMAND bash ${MMB_TR}/record_traces.sh $<TARGET_FILE:mmbench>)
  set_tests_properties(trace_record_traces PROPERTIES LABELS "trace" TIMEOUT 120)
endif()
