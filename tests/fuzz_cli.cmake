# Fuzzing the command-line and file parsers (parameters, allocator specs,
# lists, record lines, CSV). The corpus is replayed in every build.
set(MMB_FUZZCLI_T ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_cli)
add_executable(test_cli_fuzz_replay ${MMB_FUZZCLI_T}/fuzz_cli.c ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_replay.c)
target_link_libraries(test_cli_fuzz_replay PRIVATE mmb_harness)
add_test(NAME cli_fuzz_replay COMMAND test_cli_fuzz_replay ${MMB_FUZZCLI_T}/corpus)
set_tests_properties(cli_fuzz_replay PROPERTIES LABELS "unit" TIMEOUT 60)

if(MMB_FUZZ)
  add_executable(fuzz_cli ${MMB_FUZZCLI_T}/fuzz_cli.c)
  target_compile_options(fuzz_cli PRIVATE -fsanitize=fuzzer)
  target_link_options(fuzz_cli PRIVATE -fsanitize=fuzzer)
  target_link_libraries(fuzz_cli PRIVATE mmb_harness)
  set(MMB_CLI_FUZZ_WORK ${CMAKE_CURRENT_BINARY_DIR}/cli_fuzz_corpus)
  file(MAKE_DIRECTORY ${MMB_CLI_FUZZ_WORK})
  add_test(NAME cli_fuzz
           COMMAND sh -c "exec \"$0\" -max_total_time=\${MMB_FUZZ_SECONDS:-10} -artifact_prefix=${CMAKE_CURRENT_BINARY_DIR}/cli- \"$1\" \"$2\""
                   $<TARGET_FILE:fuzz_cli> ${MMB_CLI_FUZZ_WORK} ${MMB_FUZZCLI_T}/corpus)
  set_tests_properties(cli_fuzz PROPERTIES LABELS "fuzz" TIMEOUT 900)
endif()
