# Tests of the project's own allocators `arena` and `arena-pool`
# (allocators/arena*.{c,h}): unit tests, a threaded test for TSan, and the
# libFuzzer target with its corpus replayed in every build.
set(MMB_ARENA_T ${CMAKE_CURRENT_SOURCE_DIR}/arena)

foreach(t arena arena_pool arena_threads)
  add_executable(test_${t} ${MMB_ARENA_T}/test_${t}.c)
  target_include_directories(test_${t} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(test_${t} PRIVATE mmb_workloads)
  add_test(NAME ${t} COMMAND test_${t})
endforeach()
set_tests_properties(arena arena_pool PROPERTIES LABELS "unit" TIMEOUT 120)
set_tests_properties(arena_threads PROPERTIES LABELS "unit;tsan" TIMEOUT 120)

# The fuzz entry point with a small main: replays tests/arena/corpus/.
add_executable(test_arena_fuzz_replay ${MMB_ARENA_T}/fuzz_arena.c ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_replay.c)
target_link_libraries(test_arena_fuzz_replay PRIVATE mmb_workloads)
add_test(NAME arena_fuzz_replay COMMAND test_arena_fuzz_replay ${MMB_ARENA_T}/corpus)
set_tests_properties(arena_fuzz_replay PROPERTIES LABELS "unit" TIMEOUT 120)

if(MMB_FUZZ)
  # The allocators are compiled in (not linked from mmb_allocators) so that
  # their code carries the fuzzer's coverage instrumentation.
  add_executable(fuzz_arena ${MMB_ARENA_T}/fuzz_arena.c ${PROJECT_SOURCE_DIR}/allocators/arena.c
                            ${PROJECT_SOURCE_DIR}/allocators/arena_pool.c)
  target_compile_options(fuzz_arena PRIVATE -fsanitize=fuzzer)
  target_link_options(fuzz_arena PRIVATE -fsanitize=fuzzer)
  target_link_libraries(fuzz_arena PRIVATE Threads::Threads)
  target_include_directories(fuzz_arena PRIVATE ${PROJECT_SOURCE_DIR}/allocators ${CMAKE_BINARY_DIR})
  # New inputs go to the build tree; the committed corpus is only read.
  # A crash leaves arena-crash-* in the build tree: copy it into
  # tests/arena/corpus/ as a regression input.
  set(MMB_ARENA_FUZZ_WORK ${CMAKE_CURRENT_BINARY_DIR}/arena_fuzz_corpus)
  file(MAKE_DIRECTORY ${MMB_ARENA_FUZZ_WORK})
  add_test(NAME arena_fuzz
           COMMAND sh -c "exec \"$0\" -max_total_time=\${MMB_FUZZ_SECONDS:-10} -rss_limit_mb=2048 -artifact_prefix=${CMAKE_CURRENT_BINARY_DIR}/arena- \"$1\" \"$2\""
                   $<TARGET_FILE:fuzz_arena> ${MMB_ARENA_FUZZ_WORK} ${MMB_ARENA_T}/corpus)
  set_tests_properties(arena_fuzz PROPERTIES LABELS "fuzz" TIMEOUT 900)
endif()
