# Warnings are errors in the project's own targets (host and arm-none-eabi alike).
# EDGELOOP_SANITIZE (asan preset) and EDGELOOP_NO_EXCEPTIONS (noexcept preset) apply to
# every project target too.
option(EDGELOOP_WERROR "Treat warnings as errors in edgeloop's own targets" ON)
option(EDGELOOP_SANITIZE "Build with AddressSanitizer + UndefinedBehaviorSanitizer" OFF)
option(EDGELOOP_NO_EXCEPTIONS "Build with -fno-exceptions -fno-rtti" OFF)

function(edgeloop_project_target target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wconversion -Wshadow)
  # No fused multiply-add contraction: the same float results on the host and on boards
  # whose FPU has FMA (Cortex-M4F/M33), so a model learns identically everywhere.
  target_compile_options(${target} PRIVATE -ffp-contract=off)
  if(EDGELOOP_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(EDGELOOP_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
  if(EDGELOOP_NO_EXCEPTIONS OR CMAKE_CROSSCOMPILING)
    target_compile_options(${target} PRIVATE -fno-exceptions -fno-rtti)
    target_compile_definitions(${target} PRIVATE CATCH_CONFIG_DISABLE_EXCEPTIONS)
  endif()
endfunction()
