# Runs the resample tool with an informational option (--help, --version): it must exit 0 and
# print text matching EXPECT on stdout, and nothing on stderr.
#
#   cmake -DTOOL=bin/resample -DARGS="--help" -DEXPECT=regex -P run_info.cmake
cmake_minimum_required(VERSION 3.16)

string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND "${TOOL}" ${args} RESULT_VARIABLE rc OUTPUT_VARIABLE stdout ERROR_VARIABLE stderr)
if(NOT rc STREQUAL "0" OR NOT stderr STREQUAL "" OR NOT stdout MATCHES "${EXPECT}")
  message(FATAL_ERROR "expected exit status 0, empty stderr and stdout matching '${EXPECT}', got "
                      "${rc}\nstderr:\n${stderr}\nstdout:\n${stdout}")
endif()
