# Runs the resample tool on one committed case and requires its output file to be byte-identical
# to the file numpy.save wrote for PyTorch's result (header and data).
#
#   cmake -DTOOL=bin/resample -DINPUT=x.in.npy -DEXPECTED=x.out.npy -DOUTPUT=out.npy
#         -DARGS="--mode|bilinear|--size|4" [-DPREEXISTING=ON] -P run_case.cmake
#
# ARGS is '|'-separated because a ';' list does not survive add_test; the tool runs as
# TOOL INPUT OUTPUT ARGS..., or as TOOL ARGS... when ARGS place @IN@ and @OUT@ themselves. With PREEXISTING, OUTPUT
# first holds unrelated bytes, which a successful run must replace.
cmake_minimum_required(VERSION 3.16)

foreach(var TOOL INPUT EXPECTED OUTPUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_case.cmake: -D${var}=... is required")
  endif()
endforeach()
string(REPLACE "|" ";" args "${ARGS}")
# By default the file names come first; ARGS that name @IN@ and @OUT@ place them itself.
if(args MATCHES "@IN@")
  string(REPLACE "@IN@" "${INPUT}" args "${args}")
  string(REPLACE "@OUT@" "${OUTPUT}" args "${args}")
else()
  set(args "${INPUT};${OUTPUT};${args}")
endif()

get_filename_component(out_dir "${OUTPUT}" DIRECTORY)
file(REMOVE_RECURSE "${out_dir}")
file(MAKE_DIRECTORY "${out_dir}")
if(PREEXISTING)
  file(WRITE "${OUTPUT}" "an older file that the tool replaces\n")
endif()

execute_process(COMMAND "${TOOL}" ${args}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc STREQUAL "0")
  message(FATAL_ERROR "resample exited with ${rc}\nstderr:\n${err}")
endif()
if(NOT err STREQUAL "")
  message(FATAL_ERROR "a successful run printed on stderr:\n${err}")
endif()
if(NOT EXISTS "${OUTPUT}")
  message(FATAL_ERROR "no output file ${OUTPUT}")
endif()

execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${OUTPUT}" "${EXPECTED}" RESULT_VARIABLE differ)
if(differ)
  # Name the first differing byte; the files are small.
  file(READ "${OUTPUT}" got HEX)
  file(READ "${EXPECTED}" want HEX)
  string(LENGTH "${got}" got_length)
  string(LENGTH "${want}" want_length)
  math(EXPR got_bytes "${got_length} / 2")
  math(EXPR want_bytes "${want_length} / 2")
  set(first "")
  set(position 0)
  while(position LESS got_length AND position LESS want_length)
    string(SUBSTRING "${got}" ${position} 2 a)
    string(SUBSTRING "${want}" ${position} 2 b)
    if(NOT a STREQUAL b)
      math(EXPR first "${position} / 2")
      break()
    endif()
    math(EXPR position "${position} + 2")
  endwhile()
  message(FATAL_ERROR "${OUTPUT} (${got_bytes} bytes) differs from ${EXPECTED} (${want_bytes} bytes)"
                      " first at byte ${first} (the header is the first 128 bytes)")
endif()

# Nothing besides the output may be left in its directory (no temporary file).
file(GLOB left "${out_dir}/*" "${out_dir}/.*")
list(REMOVE_ITEM left "${OUTPUT}")
if(left)
  message(FATAL_ERROR "files left beside the output: ${left}")
endif()
