# Shards, merge, status and the Slurm job array (without a cluster: a
# stand-in sbatch runs the tasks in place; `make test-slurm` uses a real one).
set(MMB_T ${CMAKE_CURRENT_SOURCE_DIR})

add_executable(test_shard_units ${MMB_T}/shard/test_shard.c)
target_link_libraries(test_shard_units PRIVATE mmb_harness)
add_test(NAME shard_units COMMAND test_shard_units)
set_tests_properties(shard_units PROPERTIES LABELS "unit")

# synthetic sharded runs (tests here, scripts/bench-merge for the scale figures)
add_executable(shard_sim ${MMB_T}/shard/shard_sim.c)
target_link_libraries(shard_sim PRIVATE mmb_harness)
set_target_properties(shard_sim PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)

if(NOT MMB_SANITIZE)
  add_test(NAME shard_e2e COMMAND bash ${MMB_T}/shard/shard.sh $<TARGET_FILE:mmbench>)
  set_tests_properties(shard_e2e PROPERTIES LABELS "e2e" TIMEOUT 300)
endif()

# a real plan of 32 768 cells split into 1 000 shards, twice the same; the cell limit
if(NOT MMB_SANITIZE)
  add_test(NAME shard_bigplan COMMAND bash ${MMB_T}/shard/bigplan.sh $<TARGET_FILE:mmbench>)
  set_tests_properties(shard_bigplan PROPERTIES LABELS "e2e" TIMEOUT 120)
endif()
