# Tests of the recipes and `mmbench reproduce` (bench/recipe_*.c,
# bench/cmd_reproduce.c, bench/reproduce_out.c, scripts/recipes/): the
# parser, the rounds statistics and the verdict rule, every shipped recipe
# judged on a results folder that must PASS and one that must FAIL
# (tests/reproduce/fixtures/, written by make_fixtures.py), malformed
# recipes, every shipped recipe at tiny scale, and the command end to end.
set(MMB_REPRO_T ${CMAKE_CURRENT_SOURCE_DIR}/reproduce)
set(MMB_REPRO_WORK ${CMAKE_CURRENT_BINARY_DIR}/reproduce-work)
set(MMB_RECIPES ${PROJECT_SOURCE_DIR}/scripts/recipes)

add_executable(test_recipe ${MMB_REPRO_T}/test_recipe.c)
target_include_directories(test_recipe PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(test_recipe PRIVATE mmb_harness)
add_test(NAME recipe COMMAND test_recipe ${MMB_RECIPES} ${MMB_REPRO_T}/fixtures ${MMB_REPRO_T}/bad)
set_tests_properties(recipe PROPERTIES LABELS "unit" TIMEOUT 60)

# The fuzz entry point with a small main: replays tests/reproduce/corpus/.
add_executable(test_recipe_fuzz_replay ${MMB_REPRO_T}/fuzz_recipe.c ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_replay.c)
target_link_libraries(test_recipe_fuzz_replay PRIVATE mmb_harness)
add_test(NAME recipe_fuzz_replay COMMAND test_recipe_fuzz_replay ${MMB_REPRO_T}/corpus)
set_tests_properties(recipe_fuzz_replay PROPERTIES LABELS "unit" TIMEOUT 60)

# Every shipped recipe: PASS on its pass fixture, FAIL on its fail fixture;
# and at 1 % of its work, 2 rounds (any verdict).
file(GLOB MMB_RECIPE_FILES CONFIGURE_DEPENDS ${MMB_RECIPES}/*.recipe)
foreach(f IN LISTS MMB_RECIPE_FILES)
  file(STRINGS ${f} name_line REGEX "^name:")
  string(REGEX REPLACE "^name:[ \t]*([^ \t]+).*" "\\1" rname "${name_line}")
  add_test(NAME recipe_verdicts_${rname} COMMAND test_recipe --verdicts ${f} ${MMB_REPRO_T}/fixtures)
  set_tests_properties(recipe_verdicts_${rname} PROPERTIES LABELS "unit" TIMEOUT 60)
  add_test(NAME reproduce_smoke_${rname}
           COMMAND bash ${MMB_REPRO_T}/smoke.sh $<TARGET_FILE:mmbench> ${MMB_RECIPES} ${rname}
                   ${MMB_REPRO_WORK})
  set_tests_properties(reproduce_smoke_${rname} PROPERTIES LABELS "reproduce;e2e" TIMEOUT 120)
endforeach()

add_test(NAME reproduce_e2e
         COMMAND bash ${MMB_REPRO_T}/e2e.sh $<TARGET_FILE:mmbench> ${MMB_REPRO_T} ${MMB_REPRO_WORK})
set_tests_properties(reproduce_e2e PROPERTIES LABELS "reproduce;e2e" TIMEOUT 180)

if(MMB_FUZZ)
  # The parser is compiled in so that it carries the fuzzer's coverage
  # instrumentation. New inputs go to the build tree; a crash leaves
  # recipe-crash-* there: copy it into tests/reproduce/corpus/.
  add_executable(fuzz_recipe ${MMB_REPRO_T}/fuzz_recipe.c ${PROJECT_SOURCE_DIR}/bench/recipe_parse.c
               ${PROJECT_SOURCE_DIR}/bench/recipe_terms.c)
  target_compile_options(fuzz_recipe PRIVATE -fsanitize=fuzzer)
  target_link_options(fuzz_recipe PRIVATE -fsanitize=fuzzer)
  target_link_libraries(fuzz_recipe PRIVATE mmb_harness)
  set(MMB_RECIPE_FUZZ_WORK ${CMAKE_CURRENT_BINARY_DIR}/recipe_fuzz_corpus)
  file(MAKE_DIRECTORY ${MMB_RECIPE_FUZZ_WORK})
  add_test(NAME recipe_fuzz
           COMMAND sh -c "exec \"$0\" -max_total_time=\${MMB_FUZZ_SECONDS:-10} -rss_limit_mb=2048 -artifact_prefix=${CMAKE_CURRENT_BINARY_DIR}/recipe- \"$1\" \"$2\""
                   $<TARGET_FILE:fuzz_recipe> ${MMB_RECIPE_FUZZ_WORK} ${MMB_REPRO_T}/corpus)
  set_tests_properties(recipe_fuzz PROPERTIES LABELS "fuzz" TIMEOUT 900)
endif()
