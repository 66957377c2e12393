# Runs the resample tool in a way that must fail, and checks how it fails: a non-zero exit status,
# a message on stderr that starts with "error:" (and matches EXPECT when given), and an output
# directory left exactly as it was: no output file, no temporary file, and a pre-existing output
# file (PREEXISTING=ON) or directory (OUT_IS_DIRECTORY=ON) untouched.
#
#   cmake -DTOOL=bin/resample -DSCRATCH=dir -DARGS="IN|@OUT@|--mode|bad" [-DEXPECT=regex]
#         [-DEXPECT_STATUS=2] [-DPREEXISTING=ON | -DOUT_IS_DIRECTORY=ON] -P run_error.cmake
#
# ARGS is '|'-separated; @OUT@ stands for SCRATCH/out.npy.
cmake_minimum_required(VERSION 3.16)

foreach(var TOOL SCRATCH ARGS)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_error.cmake: -D${var}=... is required")
  endif()
endforeach()
set(out "${SCRATCH}/out.npy")
string(REPLACE "@OUT@" "${out}" args "${ARGS}")
string(REPLACE "|" ";" args "${args}")

file(REMOVE_RECURSE "${SCRATCH}")
file(MAKE_DIRECTORY "${SCRATCH}")
set(old_content "an existing OUT.npy that a failed run must not touch\n")
if(PREEXISTING)
  file(WRITE "${out}" "${old_content}")
elseif(OUT_IS_DIRECTORY)
  file(MAKE_DIRECTORY "${out}")
  file(WRITE "${out}/keep.txt" "${old_content}")
endif()

execute_process(COMMAND "${TOOL}" ${args} RESULT_VARIABLE rc OUTPUT_VARIABLE stdout ERROR_VARIABLE stderr)
set(report "exit status ${rc}\nstderr:\n${stderr}\nstdout:\n${stdout}")
if(rc STREQUAL "0")
  message(FATAL_ERROR "expected a failure, but the tool succeeded\n${report}")
endif()
if(NOT rc MATCHES "^[0-9]+$")
  message(FATAL_ERROR "the tool did not exit normally\n${report}")
endif()
if(DEFINED EXPECT_STATUS AND NOT rc STREQUAL "${EXPECT_STATUS}")
  message(FATAL_ERROR "expected exit status ${EXPECT_STATUS}\n${report}")
endif()
if(NOT stderr MATCHES "^error: ")
  message(FATAL_ERROR "stderr does not start with 'error: '\n${report}")
endif()
if(DEFINED EXPECT AND NOT stderr MATCHES "${EXPECT}")
  message(FATAL_ERROR "stderr does not match '${EXPECT}'\n${report}")
endif()

file(GLOB left "${SCRATCH}/*" "${SCRATCH}/.*")
if(PREEXISTING)
  file(READ "${out}" now)
  if(NOT now STREQUAL old_content)
    message(FATAL_ERROR "the pre-existing ${out} was changed")
  endif()
  list(REMOVE_ITEM left "${out}")
elseif(OUT_IS_DIRECTORY)
  if(NOT IS_DIRECTORY "${out}" OR NOT EXISTS "${out}/keep.txt")
    message(FATAL_ERROR "the directory ${out} was changed")
  endif()
  list(REMOVE_ITEM left "${out}")
endif()
if(left)
  message(FATAL_ERROR "a failed run left files behind: ${left}\n${report}")
endif()
