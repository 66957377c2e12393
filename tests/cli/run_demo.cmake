# Runs the demo program without its terminal preview and checks that it succeeds and writes the
# PNG files it lists.
#
#   cmake -DDEMO=bin/demo -DIMAGE=photo.png -DOUTDIR=dir -P run_demo.cmake
cmake_minimum_required(VERSION 3.16)

file(REMOVE_RECURSE "${OUTDIR}")
execute_process(COMMAND "${DEMO}" --no-preview "${IMAGE}" "${OUTDIR}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE stdout ERROR_VARIABLE stderr)
if(NOT rc STREQUAL "0")
  message(FATAL_ERROR "demo exited with ${rc}\nstderr:\n${stderr}\nstdout:\n${stdout}")
endif()
# Plain output: no colour escape sequences when the preview is off.
string(ASCII 27 escape)
if(stdout MATCHES "${escape}")
  message(FATAL_ERROR "--no-preview output contains escape sequences")
endif()
string(REGEX MATCHALL "-> [^\n]*[.]png" announced "${stdout}")
list(LENGTH announced count)
if(count LESS 5)
  message(FATAL_ERROR "expected the demo to list its PNG files, got:\n${stdout}")
endif()
foreach(line IN LISTS announced)
  string(REGEX REPLACE "^-> " "" file "${line}")
  if(NOT EXISTS "${file}")
    message(FATAL_ERROR "the demo announced ${file} but did not write it")
  endif()
  file(READ "${file}" signature LIMIT 8 HEX)
  if(NOT signature STREQUAL "89504e470d0a1a0a")
    message(FATAL_ERROR "${file} is not a PNG file")
  endif()
endforeach()
