# Runs a board image in QEMU for CTest:
#   cmake -DQEMU=qemu-system-arm -DMACHINE=mps2-an386 -DICOUNT_SHIFT=3 -DIMAGE=x.elf
#         [-DTIMEOUT=300] [-DPASS_REGEX=re] [-DFAIL_REGEX=re] -P run-qemu.cmake
# Prints the image's output and fails (non-zero exit) unless QEMU exited with status 0
# (the image's main() returned 0: semihosting SYS_EXIT_EXTENDED), the output matches
# PASS_REGEX (when given) and does not match FAIL_REGEX (when given).
foreach(var QEMU MACHINE IMAGE)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run-qemu.cmake: ${var} is not set")
  endif()
endforeach()
if(NOT DEFINED TIMEOUT)
  set(TIMEOUT 300)
endif()
set(command ${QEMU} -M ${MACHINE} -nographic -monitor none
    -semihosting-config enable=on,target=native)
if(DEFINED ICOUNT_SHIFT AND NOT ICOUNT_SHIFT STREQUAL "")
  list(APPEND command -icount shift=${ICOUNT_SHIFT})
endif()
list(APPEND command -kernel ${IMAGE})

# stdin from /dev/null: QEMU then leaves the terminal alone (no raw mode).
execute_process(COMMAND ${command} INPUT_FILE /dev/null RESULT_VARIABLE status OUTPUT_VARIABLE output
                ERROR_VARIABLE output TIMEOUT ${TIMEOUT})
message("${output}")
set(problems "")
if(NOT status STREQUAL "0")
  list(APPEND problems "exit status ${status}")
endif()
if(PASS_REGEX AND NOT output MATCHES "${PASS_REGEX}")
  list(APPEND problems "output lacks '${PASS_REGEX}'")
endif()
if(FAIL_REGEX AND output MATCHES "${FAIL_REGEX}")
  list(APPEND problems "output has '${CMAKE_MATCH_0}'")
endif()
if(problems)
  list(JOIN problems ", " problems)
  message(FATAL_ERROR "${IMAGE} on ${MACHINE}: ${problems}")
endif()
