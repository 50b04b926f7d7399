# Runs PROGRAM with ARGS ("|"-separated) and checks its exit code (EXPECT_RC) and, when EXPECT
# is set, that stderr (on a failure) or stdout (on success) matches it; a failure's stderr
# must be exactly one line. Usage: cmake -DPROGRAM=... -DARGS=... -DEXPECT_RC=... -DEXPECT=...
#   -P check_run.cmake
string(REPLACE "|" ";" arg_list "${ARGS}")
execute_process(COMMAND ${PROGRAM} ${arg_list}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc STREQUAL EXPECT_RC)
  message(FATAL_ERROR
    "merezha ${ARGS}: exit code ${rc}, expected ${EXPECT_RC}\nstdout: ${out}\nstderr: ${err}")
endif()
if(rc STREQUAL "0")
  set(text "${out}")
else()
  set(text "${err}")
  string(REGEX MATCHALL "\n" line_ends "${err}")
  list(LENGTH line_ends lines)
  if(NOT lines EQUAL 1)
    message(FATAL_ERROR
      "merezha ${ARGS}: stderr has ${lines} line ends, expected one line:\n${err}")
  endif()
endif()
if(DEFINED EXPECT AND NOT EXPECT STREQUAL "" AND NOT text MATCHES "${EXPECT}")
  message(FATAL_ERROR "merezha ${ARGS}: output does not match \"${EXPECT}\":\n${text}")
endif()
if(rc STREQUAL "0" AND EXPECT STREQUAL "" AND out STREQUAL "")
  message(FATAL_ERROR "merezha ${ARGS}: succeeded but printed nothing")
endif()
message(STATUS "merezha ${ARGS}: exit code ${rc} as expected")
