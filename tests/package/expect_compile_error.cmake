# Compiles SOURCE with COMPILER and the include directory INCLUDE; passes only when the compiler
# rejects it with a message containing EXPECT. Usage:
#   cmake -DCOMPILER=... -DINCLUDE=... -DSOURCE=... -DEXPECT=... -P expect_compile_error.cmake
execute_process(
  COMMAND ${COMPILER} -std=c++17 -fsyntax-only -I${INCLUDE} ${SOURCE}
  RESULT_VARIABLE result
  OUTPUT_VARIABLE output
  ERROR_VARIABLE output)
if(result EQUAL 0)
  message(FATAL_ERROR "${SOURCE} compiled, but it must be rejected")
endif()
string(FIND "${output}" "${EXPECT}" found)
if(found EQUAL -1)
  message(FATAL_ERROR "${SOURCE} was rejected without the expected message \"${EXPECT}\":\n${output}")
endif()
message(STATUS "rejected as expected: ${EXPECT}")
