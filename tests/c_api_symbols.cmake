# Checks that the shared library exports exactly the symbols listed in
# docs/abi/symbols.txt: the C API (vrk_*) and nothing else.
#
#   cmake -DNM=nm -DLIBRARY=libvoronka.so -DEXPECTED=docs/abi/symbols.txt -P c_api_symbols.cmake
cmake_minimum_required(VERSION 3.20)

execute_process(COMMAND ${NM} -D --defined-only ${LIBRARY}
                OUTPUT_VARIABLE listing RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${NM} failed on ${LIBRARY}")
endif()

# "<address> <type> <name>" lines; the name is the last field.
string(REGEX REPLACE "\n$" "" listing "${listing}")
string(REPLACE "\n" ";" lines "${listing}")
set(exported)
foreach(line IN LISTS lines)
  string(REGEX MATCH "[^ ]+$" name "${line}")
  list(APPEND exported ${name})
endforeach()
list(SORT exported)

file(STRINGS ${EXPECTED} expected REGEX "^[^#]")
list(SORT expected)

set(problems)
foreach(name IN LISTS exported)
  if(NOT name MATCHES "^vrk_")
    list(APPEND problems "exported but not part of the C API: ${name}")
  elseif(NOT name IN_LIST expected)
    list(APPEND problems "exported but missing from ${EXPECTED}: ${name}")
  endif()
endforeach()
foreach(name IN LISTS expected)
  if(NOT name IN_LIST exported)
    list(APPEND problems "listed in ${EXPECTED} but not exported (removed or renamed?): ${name}")
  endif()
endforeach()
if(problems)
  list(JOIN problems "\n  " text)
  message(FATAL_ERROR "the exported symbols differ from the ABI list:\n  ${text}")
endif()
list(LENGTH exported count)
message(STATUS "${LIBRARY} exports the ${count} symbols of the C API and nothing else")
