# Emulated boards: memory maps, startup code, QEMU, and the helpers the tests, examples
# and benchmarks use when cross-compiling (toolchain: cmake/arm-none-eabi.cmake).
#
#   edgeloop_board_image(target [STDIO])
#       Makes an add_executable() target a bootable image for EDGELOOP_BOARD: startup code,
#       linker script, map file, edgeloop::edgeloop, EDGELOOP_SYSTICK_HZ. STDIO: the image
#       prints with newlib's printf over semihosting (test images); firmware never does.
#   edgeloop_add_board_test(area sources...)
#       Test image test_<area> (the project's minimal runner, -DEDGELOOP_TARGET_TEST) and a
#       CTest <area> that runs it in QEMU. Passes only if QEMU exits with 0 AND the output
#       has " 0 failed" AND no "[1-9][0-9]* failed" (cmake/boards/run-qemu.cmake).
#   edgeloop_add_firmware(name sources...)
#       Firmware image; after linking, prints text/data/bss against the empty image
#       (examples/firmware/empty) and fails the build if the image contains heap, exception
#       or RTTI symbols (cmake/boards/firmware-check.cmake).
#   edgeloop_add_board_run(name target [PASS_REGEX regex])
#       CTest running an image in QEMU (exit status 0 and, if given, output matching regex).

set(EDGELOOP_BOARDS_DIR ${CMAKE_CURRENT_LIST_DIR}/boards)

if(EDGELOOP_BOARD STREQUAL "cortex-m4")
  set(EDGELOOP_QEMU_MACHINE mps2-an386)
  set(EDGELOOP_SYSTICK_HZ 25000000)
elseif(EDGELOOP_BOARD STREQUAL "cortex-m33")
  set(EDGELOOP_QEMU_MACHINE mps2-an505)
  set(EDGELOOP_SYSTICK_HZ 20000000)  # QEMU's AN505 system clock (not 25 MHz as on AN386)
elseif(EDGELOOP_BOARD STREQUAL "cortex-m0")
  set(EDGELOOP_QEMU_MACHINE microbit)
  set(EDGELOOP_SYSTICK_HZ 16000000)
else()
  message(FATAL_ERROR "EDGELOOP_BOARD='${EDGELOOP_BOARD}': use cmake/arm-none-eabi.cmake with "
                      "cortex-m4, cortex-m33 or cortex-m0")
endif()
set(EDGELOOP_LINKER_SCRIPT ${EDGELOOP_BOARDS_DIR}/${EDGELOOP_QEMU_MACHINE}.ld)
set(EDGELOOP_ICOUNT_SHIFT 3)

find_program(EDGELOOP_QEMU qemu-system-arm)
if(NOT EDGELOOP_QEMU)
  message(WARNING "qemu-system-arm not found: board images build, board tests will fail")
  set(EDGELOOP_QEMU qemu-system-arm)
endif()
find_program(EDGELOOP_SIZE NAMES arm-none-eabi-size REQUIRED)
find_program(EDGELOOP_NM NAMES arm-none-eabi-nm REQUIRED)
set(EDGELOOP_QEMU_TIMEOUT 300 CACHE STRING "Seconds a board image may run in QEMU")

# The QEMU command line before the image (scripts/bench-target uses the same flags).
set(EDGELOOP_QEMU_COMMAND ${EDGELOOP_QEMU} -M ${EDGELOOP_QEMU_MACHINE} -nographic -monitor none
    -semihosting-config enable=on,target=native -icount shift=${EDGELOOP_ICOUNT_SHIFT})

message(STATUS "edgeloop board: ${EDGELOOP_BOARD} (qemu -M ${EDGELOOP_QEMU_MACHINE}, "
               "SysTick ${EDGELOOP_SYSTICK_HZ} Hz)")

# Startup code, compiled once per flavour (no C++-only warning flags on a C file).
foreach(flavour IN ITEMS plain stdio)
  set(lib edgeloop_board_startup_${flavour})
  add_library(${lib} OBJECT ${EDGELOOP_BOARDS_DIR}/startup.c)
  target_compile_options(${lib} PRIVATE -Wall -Wextra -Wpedantic -Wconversion -Wshadow)
  if(EDGELOOP_WERROR)
    target_compile_options(${lib} PRIVATE -Werror)
  endif()
  if(flavour STREQUAL "stdio")
    target_compile_definitions(${lib} PRIVATE EDGELOOP_BOARD_STDIO=1)
  endif()
endforeach()

function(edgeloop_board_image target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "STDIO" "" "")
  if(arg_STDIO)
    target_sources(${target} PRIVATE $<TARGET_OBJECTS:edgeloop_board_startup_stdio>)
    target_link_options(${target} PRIVATE -u _printf_float)
  else()
    target_sources(${target} PRIVATE $<TARGET_OBJECTS:edgeloop_board_startup_plain>)
  endif()
  target_link_libraries(${target} PRIVATE edgeloop::edgeloop)
  target_compile_definitions(${target} PRIVATE
    EDGELOOP_SYSTICK_HZ=${EDGELOOP_SYSTICK_HZ} EDGELOOP_ICOUNT_SHIFT=${EDGELOOP_ICOUNT_SHIFT}
    EDGELOOP_BOARD_NAME="${EDGELOOP_BOARD}")
  target_link_options(${target} PRIVATE
    -L${EDGELOOP_BOARDS_DIR} -T${EDGELOOP_LINKER_SCRIPT}
    -Wl,-Map=$<TARGET_FILE:${target}>.map -Wl,--print-memory-usage)
  set_target_properties(${target} PROPERTIES SUFFIX .elf LINK_DEPENDS
    "${EDGELOOP_LINKER_SCRIPT};${EDGELOOP_BOARDS_DIR}/sections.ld")
  edgeloop_project_target(${target})
endfunction()

function(edgeloop_add_board_run name target)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "PASS_REGEX;FAIL_REGEX" "")
  add_test(NAME ${name}
           COMMAND ${CMAKE_COMMAND} -DQEMU=${EDGELOOP_QEMU} -DMACHINE=${EDGELOOP_QEMU_MACHINE}
                   -DICOUNT_SHIFT=${EDGELOOP_ICOUNT_SHIFT} -DIMAGE=$<TARGET_FILE:${target}> -DTIMEOUT=${EDGELOOP_QEMU_TIMEOUT}
                   "-DPASS_REGEX=${arg_PASS_REGEX}" "-DFAIL_REGEX=${arg_FAIL_REGEX}"
                   -P ${EDGELOOP_BOARDS_DIR}/run-qemu.cmake)
  math(EXPR ctest_timeout "${EDGELOOP_QEMU_TIMEOUT} + 30")
  set_tests_properties(${name} PROPERTIES TIMEOUT ${ctest_timeout} LABELS board)
  if(arg_FAIL_REGEX)
    # Belt and braces: CTest fails the test on this output whatever the exit status.
    # (No PASS_REGULAR_EXPRESSION: CTest would then ignore the exit status.)
    set_tests_properties(${name} PROPERTIES FAIL_REGULAR_EXPRESSION "${arg_FAIL_REGEX}")
  endif()
endfunction()

# One board image per test file: each must fit the 16 KB Cortex-M0 on its own (an area's
# files together need not). The runner's main() is compiled once per board.
function(edgeloop_add_board_test name source)
  if(NOT TARGET edgeloop_board_test_main)
    add_library(edgeloop_board_test_main OBJECT ${PROJECT_SOURCE_DIR}/tests/support/target_main.cpp)
    edgeloop_board_test_settings(edgeloop_board_test_main)
    target_link_libraries(edgeloop_board_test_main PRIVATE edgeloop::edgeloop)
    edgeloop_project_target(edgeloop_board_test_main)
  endif()
  set(target test_${name})
  add_executable(${target} ${source} $<TARGET_OBJECTS:edgeloop_board_test_main>)
  edgeloop_board_test_settings(${target})
  edgeloop_board_image(${target} STDIO)
  edgeloop_add_board_run(${name} ${target} PASS_REGEX " 0 failed" FAIL_REGEX "[1-9][0-9]* failed")
endfunction()

# Tests run with EDGELOOP_ASSERT enabled, as on the host's Debug builds, although the
# board presets are MinSizeRel (NDEBUG).
function(edgeloop_board_test_settings target)
  target_compile_definitions(${target} PRIVATE EDGELOOP_TARGET_TEST EDGELOOP_ENABLE_ASSERTS=1
    EDGELOOP_SYSTICK_HZ=${EDGELOOP_SYSTICK_HZ} EDGELOOP_ICOUNT_SHIFT=${EDGELOOP_ICOUNT_SHIFT}
    EDGELOOP_BOARD_NAME="${EDGELOOP_BOARD}")
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
endfunction()

function(edgeloop_add_firmware name)
  if(NOT TARGET edgeloop_firmware_empty)
    add_executable(edgeloop_firmware_empty ${PROJECT_SOURCE_DIR}/examples/firmware/empty/main.cpp)
    edgeloop_board_image(edgeloop_firmware_empty)
  endif()
  add_executable(${name} ${ARGN})
  edgeloop_board_image(${name})
  add_dependencies(${name} edgeloop_firmware_empty)
  add_custom_command(TARGET ${name} POST_BUILD
    COMMAND ${CMAKE_COMMAND} -DIMAGE=$<TARGET_FILE:${name}>
            -DEMPTY=$<TARGET_FILE:edgeloop_firmware_empty> -DSIZE=${EDGELOOP_SIZE}
            -DNM=${EDGELOOP_NM} -DBOARD=${EDGELOOP_BOARD}
            -P ${EDGELOOP_BOARDS_DIR}/firmware-check.cmake
    VERBATIM)
endfunction()
