# Installs the build into a fresh prefix, checks what landed there, then
# builds and runs the programs that embed voronka from the installed tree:
# examples/embed_cpp (find_package) and examples/embed_c (pkg-config).
#
#   cmake -DBUILD_DIR=... -DSOURCE_DIR=... -DWORK_DIR=... -DC_COMPILER=... \
#         -DCXX_COMPILER=... [-DSANITIZE=address,undefined] -P install_test.cmake
cmake_minimum_required(VERSION 3.20)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT result EQUAL 0)
    list(JOIN ARGN " " command)
    message(FATAL_ERROR "failed (${result}): ${command}\n${out}")
  endif()
  set(output "${out}" PARENT_SCOPE)
endfunction()

function(expect_output text)
  string(FIND "${output}" "${text}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "expected '${text}' in the output:\n${output}")
  endif()
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})

# Headers: the C API, the C++ API and the generated schema headers.
foreach(header voronka/voronka.h voronka/voronka.hpp voronka/store.hpp voronka/analytics.hpp
               voronka/v1/report.pb.h voronka/v1/state.pb.h voronka/v1/process.pb.h)
  if(NOT EXISTS ${prefix}/include/${header})
    message(FATAL_ERROR "not installed: include/${header}")
  endif()
endforeach()
# Libraries, the CMake package and pkg-config, wherever the libdir is.
foreach(pattern libvoronka.a libvoronka.so libvoronka.so.0 libvoronka.so.0.1.0
                cmake/voronka/voronkaConfig.cmake cmake/voronka/voronkaConfigVersion.cmake
                cmake/voronka/voronkaTargets.cmake pkgconfig/voronka.pc)
  file(GLOB_RECURSE found ${prefix}/lib*/${pattern})
  if(NOT found)
    message(FATAL_ERROR "not installed: ${pattern}")
  endif()
  if(pattern STREQUAL "pkgconfig/voronka.pc")
    get_filename_component(pc_dir ${found} DIRECTORY)
  endif()
endforeach()

set(flags "")
if(SANITIZE)
  set(flags "-fsanitize=${SANITIZE} -fno-omit-frame-pointer")
endif()

# C++: find_package(voronka), the static library.
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/embed_cpp -B ${WORK_DIR}/embed_cpp
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=${prefix}
    -DCMAKE_CXX_COMPILER=${CXX_COMPILER} "-DCMAKE_CXX_FLAGS=${flags}"
    "-DCMAKE_EXE_LINKER_FLAGS=${flags}")
run(${CMAKE_COMMAND} --build ${WORK_DIR}/embed_cpp)
run(${WORK_DIR}/embed_cpp/embed_cpp)
expect_output("key level: visit, bottleneck: call")

# C: pkg-config, the shared library.
set(ENV{PKG_CONFIG_PATH} ${pc_dir})
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/embed_c -B ${WORK_DIR}/embed_c
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER=${C_COMPILER} "-DCMAKE_C_FLAGS=${flags}"
    "-DCMAKE_EXE_LINKER_FLAGS=${flags}")
run(${CMAKE_COMMAND} --build ${WORK_DIR}/embed_c)
run(${WORK_DIR}/embed_c/embed_c)
expect_output("call   5 deals, step conversion 0.40
visit  2 deals, step conversion 0.50
key level: visit, bottleneck: call
stage,name,deals,step_conversion,cumulative_conversion,drop_off,win_rate,won,lost
call,Incoming call,5,0.4,1,0.6,0.2,1,4
visit,Measurer visit,2,0.5,0.4,0.5,0.5,1,1
merged:
call   5 deals, step conversion 0.40
visit  2 deals, step conversion 0.50
rejected: deal W3: cannot enter 'visit' from lost at 'call' in automatic process 'windows'; \
allowed: reopened
")
# docs/c-api.md shows the program whole.
file(READ ${SOURCE_DIR}/examples/embed_c/main.c program)
file(READ ${SOURCE_DIR}/docs/c-api.md guide)
string(FIND "${guide}" "${program}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "docs/c-api.md no longer shows examples/embed_c/main.c as it is")
endif()
# It runs on the installed library, not the build tree's.
file(GLOB_RECURSE installed_so ${prefix}/lib*/libvoronka.so.0)
run(ldd ${WORK_DIR}/embed_c/embed_c)
expect_output("${installed_so}")

file(REMOVE_RECURSE ${WORK_DIR})
message(STATUS "installed, and built and ran examples/embed_cpp and examples/embed_c against it")
