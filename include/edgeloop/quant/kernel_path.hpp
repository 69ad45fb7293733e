#pragma once
/// kernel_path: which implementation an int8 kernel runs, chosen at compile time.
/// portable_path is plain C++ (any target; on the Cortex-M0 it is the fast path; x86-64
/// hosts use SSE2 intrinsics in its inner loops, integer arithmetic with the same results);
/// dsp_path uses the Armv7E-M DSP extension (SXTB16/SXTAB16, SMLAD, SMLABB/SMLATT) and
/// exists only where __ARM_FEATURE_DSP is set. Both give bit-identical results; every
/// kernel takes the path as a template parameter defaulting to default_path (the DSP path
/// when EDGELOOP_USE_ARM_DSP, config.hpp), so tests can force the portable path on a DSP core.

#include "../config.hpp"

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#define EDGELOOP_QUANT_HAS_DSP 1
#else
#define EDGELOOP_QUANT_HAS_DSP 0
#endif

namespace edgeloop::quant {

struct portable_path {};
struct dsp_path {};

#if EDGELOOP_QUANT_HAS_DSP && EDGELOOP_USE_ARM_DSP
using default_path = dsp_path;
#else
using default_path = portable_path;
#endif

template <class Path>
concept kernel_path = __is_same(Path, portable_path) || (__is_same(Path, dsp_path) && EDGELOOP_QUANT_HAS_DSP != 0);

}  // namespace edgeloop::quant
