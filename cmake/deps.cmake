# Dependencies of mmbench. A missing optional one turns its part off with a
# message naming the Debian package; cmake/summary.cmake prints what was found.
find_package(Threads REQUIRED)

set(MMB_ALLOC_LIBS "")
set(MMB_HARNESS_LIBS "")
set(MMB_SUMMARY "")

# cJSON: JSON writing/reading of meta.json and plan.json (required), through
# the imported target `cjson` of Debian's CMake package.
find_package(cJSON CONFIG QUIET)
if(NOT TARGET cjson)
  message(FATAL_ERROR "cJSON not found: install the Debian package libcjson-dev (or run scripts/install-deps)")
endif()
list(APPEND MMB_HARNESS_LIBS cjson)

# mmb_optional(NAME PACKAGE LIBNAMES... [PATHS DIRS...]) -> MMB_HAVE_<NAME>, MMB_<NAME>_LIB
macro(mmb_optional NAME DEBPKG)
  set(MMB_WITH_${NAME} AUTO CACHE STRING "Use ${NAME}: AUTO, ON or OFF")
  set_property(CACHE MMB_WITH_${NAME} PROPERTY STRINGS AUTO ON OFF)
  set(MMB_HAVE_${NAME} 0)
  set(MMB_${NAME}_LIB "")
  if(NOT MMB_WITH_${NAME} STREQUAL "OFF")
    find_library(MMB_${NAME}_LIBRARY NAMES ${ARGN})
    if(MMB_${NAME}_LIBRARY)
      set(MMB_HAVE_${NAME} 1)
      get_filename_component(MMB_${NAME}_LIB "${MMB_${NAME}_LIBRARY}" REALPATH)
      list(APPEND MMB_SUMMARY "  ${NAME}: yes (${MMB_${NAME}_LIB})")
    elseif(MMB_WITH_${NAME} STREQUAL "ON")
      message(FATAL_ERROR "${NAME} requested (MMB_WITH_${NAME}=ON) but not found: install the Debian package ${DEBPKG}")
    else()
      message(STATUS "${NAME} not found: its part is off; install the Debian package ${DEBPKG} to turn it on")
      list(APPEND MMB_SUMMARY "  ${NAME}: no (install ${DEBPKG})")
    endif()
  else()
    list(APPEND MMB_SUMMARY "  ${NAME}: off (MMB_WITH_${NAME}=OFF)")
  endif()
endmacro()

# Preloaded mallocs: found here, injected at run time, never linked.
mmb_optional(JEMALLOC libjemalloc-dev jemalloc)
mmb_optional(MIMALLOC libmimalloc-dev mimalloc)
mmb_optional(TCMALLOC libgoogle-perftools-dev tcmalloc_minimal tcmalloc)
# LLVM's Scudo (standalone), in compiler-rt's per-version folder: the newest
# installed clang's first.
file(GLOB MMB_CLANG_RT_DIRS /usr/lib/llvm-*/lib/clang/*/lib/linux)
if(MMB_CLANG_RT_DIRS)
  list(SORT MMB_CLANG_RT_DIRS COMPARE NATURAL ORDER DESCENDING)
endif()
mmb_optional(SCUDO libclang-rt-14-dev libclang_rt.scudo_standalone-${CMAKE_SYSTEM_PROCESSOR}.so
             PATHS ${MMB_CLANG_RT_DIRS})
# oneTBB's scalable allocator: the proxy that replaces malloc (it loads
# libtbbmalloc.so.2 itself); the runtime package has no unversioned name.
mmb_optional(TBBMALLOC libtbbmalloc2 libtbbmalloc_proxy.so.2 tbbmalloc_proxy)
# Linked in-process.
mmb_optional(BOEHM libgc-dev gc)
if(MMB_HAVE_BOEHM)
  list(APPEND MMB_ALLOC_LIBS ${MMB_BOEHM_LIBRARY})
endif()
mmb_optional(PFM libpfm4-dev pfm)
if(MMB_HAVE_PFM)
  list(APPEND MMB_HARNESS_LIBS ${MMB_PFM_LIBRARY})
endif()

# valgrind headers for the deterministic counter mode (client requests).
find_path(MMB_VALGRIND_INCLUDE valgrind/callgrind.h)
find_program(MMB_VALGRIND valgrind)
if(MMB_VALGRIND_INCLUDE AND MMB_VALGRIND)
  set(MMB_HAVE_VALGRIND 1)
  list(APPEND MMB_SUMMARY "  VALGRIND: yes (${MMB_VALGRIND})")
else()
  set(MMB_HAVE_VALGRIND 0)
  list(APPEND MMB_SUMMARY "  VALGRIND: no (install valgrind)")
endif()

find_program(MMB_GNUPLOT gnuplot)
if(MMB_GNUPLOT)
  list(APPEND MMB_SUMMARY "  GNUPLOT: yes (${MMB_GNUPLOT})")
else()
  list(APPEND MMB_SUMMARY "  GNUPLOT: no (install gnuplot-nox; results are still written)")
endif()
