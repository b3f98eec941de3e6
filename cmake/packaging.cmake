# The shared C library, installation, the CMake package and pkg-config.
#
# Whatever BUILD_SHARED_LIBS says, the build makes libvoronka.so, the C API's
# home (target voronka_shared): the C tests, the Python bindings (ctypes) and
# C hosts use it. It exports vrk_* and nothing else: the sources are compiled
# with hidden visibility, voronka.h marks the API with VRK_API, and a linker
# version script hides whatever else would leak (inline and template code
# of the headers it includes). The C++ API is in the static library.

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(VORONKA_EXPORTS_MAP ${PROJECT_SOURCE_DIR}/src/capi/exports.map)

function(voronka_c_library target)
  target_link_options(${target} PRIVATE "LINKER:--version-script=${VORONKA_EXPORTS_MAP}")
  # Sanitizer and fuzzer runtimes are found when the program loads.
  if(NOT VORONKA_SANITIZE AND NOT VORONKA_BUILD_FUZZERS)
    target_link_options(${target} PRIVATE "LINKER:--no-undefined")
  endif()
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${VORONKA_EXPORTS_MAP})
endfunction()

if(BUILD_SHARED_LIBS)
  voronka_c_library(voronka)
  add_library(voronka_shared ALIAS voronka)
  set(VORONKA_INSTALL_TARGETS voronka voronka_cxx)
else()
  add_library(voronka_shared SHARED $<TARGET_OBJECTS:voronka_objects>
                                    $<TARGET_OBJECTS:voronka_proto>)
  target_include_directories(voronka_shared PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_link_libraries(voronka_shared PRIVATE protobuf::libprotobuf fmt::fmt Threads::Threads)
  set_target_properties(voronka_shared PROPERTIES OUTPUT_NAME voronka
                                                  VERSION ${PROJECT_VERSION}
                                                  SOVERSION ${PROJECT_VERSION_MAJOR})
  voronka_c_library(voronka_shared)
  set(VORONKA_INSTALL_TARGETS voronka voronka_shared)
endif()

# --- install ------------------------------------------------------------------
install(DIRECTORY include/voronka DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h" PATTERN "*.hpp")
# The C++ API hands out the generated report messages: their headers go along.
install(FILES ${VORONKA_PROTO_HEADERS} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/voronka/v1)
# The schemas, for hosts that decode the protobuf bytes of the C API.
install(FILES ${VORONKA_PROTO_FILES}
        DESTINATION ${CMAKE_INSTALL_DATADIR}/voronka/proto/voronka/v1)

install(TARGETS ${VORONKA_INSTALL_TARGETS} EXPORT voronkaTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

set(VORONKA_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/voronka)
install(EXPORT voronkaTargets NAMESPACE voronka:: DESTINATION ${VORONKA_CMAKE_DIR})
configure_package_config_file(cmake/voronkaConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/voronkaConfig.cmake
                              INSTALL_DESTINATION ${VORONKA_CMAKE_DIR})
# Before 1.0 a minor version may change the API.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/voronkaConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/voronkaConfig.cmake
              ${PROJECT_BINARY_DIR}/voronkaConfigVersion.cmake
        DESTINATION ${VORONKA_CMAKE_DIR})

# pkg-config: the prefix is found from the .pc file's own place, so the tree
# may be installed anywhere (cmake --install --prefix) and moved.
set(VORONKA_PC_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
file(RELATIVE_PATH VORONKA_PC_TO_PREFIX /prefix/${VORONKA_PC_DIR} /prefix)
string(REGEX REPLACE "/$" "" VORONKA_PC_TO_PREFIX "${VORONKA_PC_TO_PREFIX}")
configure_file(cmake/voronka.pc.in ${PROJECT_BINARY_DIR}/voronka.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/voronka.pc DESTINATION ${VORONKA_PC_DIR})
