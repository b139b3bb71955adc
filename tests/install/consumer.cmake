# SPDX-License-Identifier: MIT
# ctest script (cmake -P): installs the build tree into a staging prefix, builds examples/consumer
# against it with find_package(fascia), and runs it. Variables: BUILD_DIR SOURCE_DIR STAGE CXX LAUNCHER.
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${STAGE})
run("cmake --install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${STAGE}/prefix)
foreach(f include/fascia/fascia.hpp include/fascia/version.hpp include/fascia/scenario.hpp bin/fascia
          lib/cmake/fascia/fascia-config.cmake share/doc/fascia/LICENSE)
  if(NOT EXISTS ${STAGE}/prefix/${f})
    file(GLOB_RECURSE found RELATIVE ${STAGE}/prefix ${STAGE}/prefix/*/${f})
    if(NOT found)
      message(FATAL_ERROR "not installed: ${f}")
    endif()
  endif()
endforeach()
run("configure the consumer" ${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/consumer -B ${STAGE}/build
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=${STAGE}/prefix -DCMAKE_CXX_COMPILER=${CXX}
    -DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER})
run("build the consumer" ${CMAKE_COMMAND} --build ${STAGE}/build)
run("run the consumer" ${STAGE}/build/fascia_consumer ${STAGE}/consumer.h5)
message("${output}")
if(NOT output MATCHES "run tap: status complete" OR NOT EXISTS ${STAGE}/consumer.h5)
  message(FATAL_ERROR "the consumer's run did not complete:\n${output}")
endif()
