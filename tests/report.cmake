# Tests of the CSV reader (bench/table.c), `mmbench report` and
# `mmbench compare` (bench/report*.c, bench/cmd_compare.c, scripts/*.gp) on the
# fixture results folders tests/fixtures/run-a and run-b. The shell tests
# skip (77) when gnuplot or Chromium is missing.
set(MMB_REPORT_T ${CMAKE_CURRENT_SOURCE_DIR}/report)
set(MMB_REPORT_WORK ${CMAKE_CURRENT_BINARY_DIR}/report-work)
set(MMB_FIXTURES ${CMAKE_CURRENT_SOURCE_DIR}/fixtures)

add_executable(test_table ${MMB_REPORT_T}/test_table.c)
target_include_directories(test_table PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(test_table PRIVATE mmb_harness)
add_test(NAME table COMMAND test_table)
set_tests_properties(table PROPERTIES LABELS "unit" TIMEOUT 60)

# The fuzz entry point with a small main: replays tests/report/table_corpus/.
add_executable(test_table_fuzz_replay ${MMB_REPORT_T}/fuzz_table.c ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_replay.c)
target_link_libraries(test_table_fuzz_replay PRIVATE mmb_harness)
add_test(NAME table_fuzz_replay COMMAND test_table_fuzz_replay ${MMB_REPORT_T}/table_corpus)
set_tests_properties(table_fuzz_replay PROPERTIES LABELS "unit" TIMEOUT 60)

foreach(t plots nognuplot compare errors overview)
  add_test(NAME report_${t}
           COMMAND bash ${MMB_REPORT_T}/report_${t}.sh $<TARGET_FILE:mmbench> ${MMB_FIXTURES}
                   ${MMB_REPORT_WORK})
  set_tests_properties(report_${t} PROPERTIES LABELS "report;e2e" TIMEOUT 120
                                              SKIP_RETURN_CODE 77)
endforeach()

# Headless Chromium: every figure of report.html loads; the screenshot is
# left in the build directory (report-screenshot.png).
add_test(NAME report_chromium
         COMMAND bash ${MMB_REPORT_T}/report_chromium.sh $<TARGET_FILE:mmbench> ${MMB_FIXTURES}
                 ${MMB_REPORT_WORK} ${CMAKE_BINARY_DIR}/report-screenshot.png)
set_tests_properties(report_chromium PROPERTIES LABELS "report" TIMEOUT 180
                                                SKIP_RETURN_CODE 77)

if(MMB_FUZZ)
  # The reader is compiled in so that it carries the fuzzer's coverage
  # instrumentation. New inputs go to the build tree; a crash leaves
  # table-crash-* there: copy it into tests/report/table_corpus/.
  add_executable(fuzz_table ${MMB_REPORT_T}/fuzz_table.c ${PROJECT_SOURCE_DIR}/bench/table.c
                            ${PROJECT_SOURCE_DIR}/bench/files.c)
  target_compile_options(fuzz_table PRIVATE -fsanitize=fuzzer)
  target_link_options(fuzz_table PRIVATE -fsanitize=fuzzer)
  target_include_directories(fuzz_table PRIVATE ${PROJECT_SOURCE_DIR}/bench)
  set(MMB_TABLE_FUZZ_WORK ${CMAKE_CURRENT_BINARY_DIR}/table_fuzz_corpus)
  file(MAKE_DIRECTORY ${MMB_TABLE_FUZZ_WORK})
  add_test(NAME table_fuzz
           COMMAND sh -c "exec \"$0\" -max_total_time=\${MMB_FUZZ_SECONDS:-10} -rss_limit_mb=2048 -artifact_prefix=${CMAKE_CURRENT_BINARY_DIR}/table- \"$1\" \"$2\""
                   $<TARGET_FILE:fuzz_table> ${MMB_TABLE_FUZZ_WORK} ${MMB_REPORT_T}/table_corpus)
  set_tests_properties(table_fuzz PROPERTIES LABELS "fuzz" TIMEOUT 900)
endif()
