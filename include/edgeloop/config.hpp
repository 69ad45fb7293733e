#pragma once
/// Compile-time configuration. Define knobs before including edgeloop, on the command
/// line, or in an optional `edgeloop_user_config.hpp` anywhere on the include path.
///
/// | knob                      | default                          | effect                              |
/// |---------------------------|----------------------------------|-------------------------------------|
/// | EDGELOOP_ENABLE_ASSERTS   | 1 unless NDEBUG                  | caller-bug checks (EDGELOOP_ASSERT)  |
/// | EDGELOOP_EMBEDDED         | 1 on bare-metal Arm (no OS)      | EIGEN_NO_MALLOC, no host facilities |
/// | EDGELOOP_USE_ARM_DSP      | 1 when __ARM_FEATURE_DSP         | SMLAD/SXTB16 kernel paths           |

#if defined(__has_include)
#if __has_include("edgeloop_user_config.hpp")
#include "edgeloop_user_config.hpp"
#endif
#endif

#ifndef EDGELOOP_ENABLE_ASSERTS
#ifdef NDEBUG
#define EDGELOOP_ENABLE_ASSERTS 0
#else
#define EDGELOOP_ENABLE_ASSERTS 1
#endif
#endif

#ifndef EDGELOOP_EMBEDDED
#if defined(__arm__) && !defined(__linux__) && !defined(__APPLE__) && !defined(_WIN32)
#define EDGELOOP_EMBEDDED 1
#else
#define EDGELOOP_EMBEDDED 0
#endif
#endif

#ifndef EDGELOOP_USE_ARM_DSP
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#define EDGELOOP_USE_ARM_DSP 1
#else
#define EDGELOOP_USE_ARM_DSP 0
#endif
#endif
