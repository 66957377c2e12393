# Installs the resample source tree into a fresh prefix the way a user would (configure with
# tests and examples off, then `cmake --install`) and checks what lands there.
# Run with cmake -P; SOURCE_DIR, BUILD_DIR, PREFIX, GENERATOR and CXX_COMPILER are required,
# MAKE_PROGRAM and CONFIG optional.
cmake_minimum_required(VERSION 3.16)

foreach(_var SOURCE_DIR BUILD_DIR PREFIX GENERATOR CXX_COMPILER)
  if(NOT DEFINED ${_var} OR "${${_var}}" STREQUAL "")
    message(FATAL_ERROR "install_package.cmake: pass -D${_var}=...")
  endif()
endforeach()

function(run_step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE _result)
  if(NOT _result EQUAL 0)
    message(FATAL_ERROR "${what} failed (${_result})")
  endif()
endfunction()

file(REMOVE_RECURSE "${BUILD_DIR}" "${PREFIX}")

set(_configure "${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${BUILD_DIR}" -G "${GENERATOR}"
    "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
    "-DCMAKE_INSTALL_PREFIX=${PREFIX}"
    -DRESAMPLE_INSTALL=ON
    -DRESAMPLE_BUILD_TESTS=OFF
    -DRESAMPLE_BUILD_EXAMPLES=OFF
    -DRESAMPLE_BUILD_BENCHMARKS=OFF)
if(MAKE_PROGRAM)
  list(APPEND _configure "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
set(_config_option "")
if(CONFIG)
  set(_config_option --config "${CONFIG}")
endif()

run_step("configuring ${SOURCE_DIR}" ${_configure})
run_step("building ${BUILD_DIR}" "${CMAKE_COMMAND}" --build "${BUILD_DIR}" ${_config_option})
run_step("installing into ${PREFIX}" "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}" ${_config_option})

# Every header of the source tree is installed.
file(GLOB_RECURSE _source_headers RELATIVE "${SOURCE_DIR}/include" "${SOURCE_DIR}/include/*.hpp")
foreach(_header IN LISTS _source_headers)
  if(NOT EXISTS "${PREFIX}/include/${_header}")
    message(FATAL_ERROR "${_header} was not installed into ${PREFIX}/include")
  endif()
endforeach()

# The package files, including the version file, are installed together.
set(_package_dir "${PREFIX}/share/cmake/resample")
foreach(_file resample-config.cmake resample-config-version.cmake resample-targets.cmake)
  if(NOT EXISTS "${_package_dir}/${_file}")
    message(FATAL_ERROR "${_file} was not installed into ${_package_dir}")
  endif()
endforeach()

# The installed package names no test or benchmark framework, and no path of the machine that
# built it (it must stay relocatable).
file(GLOB_RECURSE _package_files "${PREFIX}/*.cmake")
foreach(_file IN LISTS _package_files)
  file(READ "${_file}" _text)
  foreach(_forbidden Catch2 benchmark::)
    string(FIND "${_text}" "${_forbidden}" _at)
    if(NOT _at EQUAL -1)
      message(FATAL_ERROR "${_file} mentions ${_forbidden}: the installed package must not depend on it")
    endif()
  endforeach()
  foreach(_path "${SOURCE_DIR}" "${BUILD_DIR}" "${PREFIX}")
    string(FIND "${_text}" "${_path}" _at)
    if(NOT _at EQUAL -1)
      message(FATAL_ERROR "${_file} contains the absolute path ${_path}: the package would not be relocatable")
    endif()
  endforeach()
endforeach()

message(STATUS "resample installed into ${PREFIX}: ${_source_headers}")
