# Harness tests: statistics, parameters, records, CLI errors, conformance,
# end-to-end runs with fault-injection libraries, kill and resume.
set(MMB_T ${CMAKE_CURRENT_SOURCE_DIR})

add_executable(test_harness_units ${MMB_T}/harness/test_units.c)
target_link_libraries(test_harness_units PRIVATE mmb_harness)
add_test(NAME harness_units COMMAND test_harness_units)
set_tests_properties(harness_units PROPERTIES LABELS "unit")
add_executable(test_descriptors ${MMB_T}/harness/test_descriptors.c)
target_link_libraries(test_descriptors PRIVATE mmb_harness)
add_test(NAME harness_descriptors COMMAND test_descriptors)
set_tests_properties(harness_descriptors PROPERTIES LABELS "unit")

add_executable(test_region ${MMB_T}/harness/test_region.c)
target_link_libraries(test_region PRIVATE mmb_harness)
add_test(NAME harness_region COMMAND test_region)
set_tests_properties(harness_region PROPERTIES LABELS "unit" TIMEOUT 120)

# Fault-injection malloc libraries (not in sanitizer builds: they replace malloc).
if(NOT MMB_SANITIZE)
  foreach(kind crash hang overlap misaligned nomalloc)
    add_library(mmbfault_${kind} SHARED ${MMB_T}/faultlibs/fault_${kind}.c)
    set_target_properties(mmbfault_${kind} PROPERTIES PREFIX "lib")
    target_compile_options(mmbfault_${kind} PRIVATE -fno-builtin) # no malloc+memset -> calloc
  endforeach()
  set(MMB_FAULT_DIR $<TARGET_FILE_DIR:mmbfault_crash>)

  foreach(t cli_errors e2e faults resume conformance checksums memcheck)
    add_test(NAME harness_${t}
             COMMAND bash ${MMB_T}/harness/${t}.sh $<TARGET_FILE:mmbench> ${MMB_FAULT_DIR})
    set_tests_properties(harness_${t} PROPERTIES LABELS "e2e" TIMEOUT 300 SKIP_RETURN_CODE 77)
  endforeach()
endif()

add_executable(json_check ${MMB_T}/harness/json_check.c)
target_link_libraries(json_check PRIVATE cjson)
set_target_properties(json_check PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
add_executable(csv_cut ${MMB_T}/harness/csv_cut.c)
target_link_libraries(csv_cut PRIVATE mmb_harness)
set_target_properties(csv_cut PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)

add_test(NAME harness_install_deps COMMAND bash ${MMB_T}/harness/install_deps.sh)
set_tests_properties(harness_install_deps PROPERTIES LABELS "e2e" SKIP_RETURN_CODE 77)
