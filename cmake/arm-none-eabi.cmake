# Toolchain file for the emulated boards (arm-none-eabi-gcc 12, newlib-nano, semihosting).
#
#   cmake -S . -B build/cortex-m4 --toolchain cmake/arm-none-eabi.cmake -DEDGELOOP_BOARD=cortex-m4
#   (or simply: cmake --workflow --preset cortex-m4)
#
# EDGELOOP_BOARD selects the CPU flags:
#   cortex-m4   QEMU mps2-an386  Cortex-M4F  -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard
#   cortex-m33  QEMU mps2-an505  Cortex-M33  -mcpu=cortex-m33 -mfpu=fpv5-sp-d16 -mfloat-abi=hard
#               (QEMU's AN505 CPU has the single-precision FPU and the DSP extension)
#   cortex-m0   QEMU microbit    Cortex-M0   -mcpu=cortex-m0 -mfloat-abi=soft
# Board memory maps, startup code and the test/firmware helpers are in edgeloop-board.cmake.

set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

if(NOT DEFINED EDGELOOP_BOARD OR EDGELOOP_BOARD STREQUAL "")
  set(EDGELOOP_BOARD cortex-m4)
endif()
set(EDGELOOP_BOARD "${EDGELOOP_BOARD}" CACHE STRING "Emulated board: cortex-m4, cortex-m33 or cortex-m0")
set_property(CACHE EDGELOOP_BOARD PROPERTY STRINGS cortex-m4 cortex-m33 cortex-m0)
# try_compile() projects re-read this file: hand the board to them.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES EDGELOOP_BOARD)

if(EDGELOOP_BOARD STREQUAL "cortex-m4")
  set(EDGELOOP_CPU_FLAGS "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16")
elseif(EDGELOOP_BOARD STREQUAL "cortex-m33")
  set(EDGELOOP_CPU_FLAGS "-mcpu=cortex-m33 -mthumb -mfloat-abi=hard -mfpu=fpv5-sp-d16")
elseif(EDGELOOP_BOARD STREQUAL "cortex-m0")
  set(EDGELOOP_CPU_FLAGS "-mcpu=cortex-m0 -mthumb -mfloat-abi=soft")
else()
  message(FATAL_ERROR "EDGELOOP_BOARD='${EDGELOOP_BOARD}' is not a known board "
                      "(cortex-m4, cortex-m33, cortex-m0)")
endif()

set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_AR arm-none-eabi-ar CACHE FILEPATH "")
set(CMAKE_RANLIB arm-none-eabi-ranlib CACHE FILEPATH "")
set(CMAKE_OBJCOPY arm-none-eabi-objcopy CACHE FILEPATH "")
set(CMAKE_SIZE arm-none-eabi-size CACHE FILEPATH "")
set(CMAKE_NM arm-none-eabi-nm CACHE FILEPATH "")

# Bare metal: compiler checks build a static library instead of linking a program.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# nano.specs at compile time too: it selects newlib-nano's <newlib.h>.
set(common_flags "${EDGELOOP_CPU_FLAGS} -ffunction-sections -fdata-sections --specs=nano.specs")
set(CMAKE_C_FLAGS_INIT "${common_flags}")
set(CMAKE_CXX_FLAGS_INIT "${common_flags} -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit")
set(CMAKE_ASM_FLAGS_INIT "${EDGELOOP_CPU_FLAGS}")
# (CMAKE_<LANG>_FLAGS, with nano.specs, are on the link line too: naming it twice is an error.)
set(CMAKE_EXE_LINKER_FLAGS_INIT "--specs=rdimon.specs -Wl,--gc-sections -nostartfiles")
unset(common_flags)

# Programs (qemu, size, nm) come from the host; headers and libraries only from the
# toolchain's sysroot, so the compiler never sees the host's /usr/include. Packages
# (CMake config files) are searched on the host as well: find_package(Eigen3 NO_MODULE)
# then finds Debian's /usr/share/eigen3/cmake, whose target adds only /usr/include/eigen3.
set(CMAKE_FIND_ROOT_PATH /usr/lib/arm-none-eabi /usr/arm-none-eabi)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
