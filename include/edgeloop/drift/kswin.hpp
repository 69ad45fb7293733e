#pragma once
/// kswin: Kolmogorov-Smirnov WINdowing change detector (Raab, Heusinger & Schleif 2020,
/// "Reactive soft prototype computing for concept drift streams", Neurocomputing 416).
///
/// A sliding window Psi of WindowSize values. Once it is full, every update draws StatSize
/// distinct positions uniformly from the WindowSize - StatSize older values (W, selection
/// sampling with edgeloop::rng, Knuth's algorithm S) and compares them with the StatSize
/// newest values (R) by the two-sample Kolmogorov-Smirnov statistic D = sup |F_W - F_R|.
/// Drift when D > sqrt(-ln(alpha) / StatSize) (the paper's criterion); the window is
/// then cut to R and no test runs until it is full again. Defaults as River: alpha 0.005,
/// WindowSize 100, StatSize 30.
///
/// False alarms: for continuous i.i.d. data each test fires with the probability
/// P(D_{r,r} > sqrt(-ln(alpha)/r)) of the exact two-sample KS null distribution
/// (about 2 alpha asymptotically); tests/drift/test_kswin.cpp derives its bound from it.
///
/// Memory: WindowSize * sizeof(Scalar) + 2 * sizeof(Scalar) (alpha, last D) + 40 bytes,
/// plus padding; memory_bytes is the exact sizeof. The test uses 2 * StatSize Scalars of
/// stack for sorting.
///
/// Bad input: a non-finite value is ignored (state unchanged, drift_state::none,
/// last_status() == non_finite_input).

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/numeric.hpp"
#include "../core/rng.hpp"
#include "../core/status.hpp"
#include "drift_detector.hpp"

namespace edgeloop {

template <scalar Scalar = float, std::size_t WindowSize = 100, std::size_t StatSize = 30>
class kswin {
  static_assert(StatSize >= 1 && 2 * StatSize <= WindowSize,
                "kswin: need 1 <= StatSize and 2 * StatSize <= WindowSize (W is drawn without replacement)");
  static_assert(WindowSize <= 65535, "kswin: WindowSize <= 65535");

 public:
  using value_type = Scalar;
  static constexpr std::uint32_t magic = 0x4E57534Bu;  // "KSWN"
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;
  static constexpr std::size_t window_size = WindowSize;
  static constexpr std::size_t stat_size = StatSize;

  struct params {
    Scalar alpha = Scalar(0.005);  ///< significance, (0, 1)
    std::uint32_t seed = 42;       ///< seed of the sampling generator (used at construction and reset)
  };

  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t reserved;
    params p;
    rng::state_type rng_words;
    std::uint32_t head;   ///< index of the oldest value in `window`
    std::uint32_t count;  ///< values in the window
    std::uint32_t detections;
    std::uint32_t samples;
    std::uint32_t last_d;  ///< last KS statistic times StatSize (D = last_d / StatSize)
    std::array<Scalar, WindowSize> window;
  };

  static status validate(const params& p) noexcept {
    if (!is_finite(p.alpha) || !(p.alpha > Scalar(0)) || !(p.alpha < Scalar(1))) return status::invalid_argument;
    return status::ok;
  }

  explicit kswin(const params& p = {}) noexcept {
    EDGELOOP_ASSERT(validate(p) == status::ok, "kswin: invalid params");
    s_.p = p;
    reset();
  }

  drift_state update(Scalar value) noexcept {
    drift_state out = drift_state::none;
    (void)update_checked(value, out);
    return out;
  }

  status update_checked(Scalar value, drift_state& out) noexcept {
    if (!is_finite(value)) return last_ = status::non_finite_input;
    last_ = status::ok;
    ++s_.samples;
    if (s_.count < WindowSize) {
      s_.window[wrap(s_.head + s_.count)] = value;
      ++s_.count;
    } else {
      s_.window[s_.head] = value;  // overwrite the oldest
      s_.head = wrap(s_.head + 1);
    }
    out = drift_state::none;
    if (s_.count < WindowSize) return status::ok;

    std::array<Scalar, StatSize> w{}, r{};
    rng gen;
    (void)gen.restore(s_.rng_words);
    // Algorithm S: StatSize of the WindowSize - StatSize older positions, in order.
    std::size_t taken = 0;
    constexpr std::size_t older = WindowSize - StatSize;
    for (std::size_t i = 0; i < older && taken < StatSize; ++i)
      if (gen.uniform_int(static_cast<std::uint32_t>(older - i)) < StatSize - taken) w[taken++] = at(i);
    s_.rng_words = gen.state();
    for (std::size_t i = 0; i < StatSize; ++i) r[i] = at(older + i);
    s_.last_d = ks_statistic(w, r);
    if (static_cast<Scalar>(s_.last_d) > critical_count()) {
      out = drift_state::drift;
      ++s_.detections;
      // Keep only R: it becomes the oldest part of the window.
      s_.head = wrap(s_.head + static_cast<std::uint32_t>(older));
      s_.count = static_cast<std::uint32_t>(StatSize);
    }
    return status::ok;
  }

  /// Empties the window and reseeds the sampler (params, detections, samples kept).
  void reset() noexcept {
    const params p = s_.p;
    const std::uint32_t detections = s_.detections, samples = s_.samples;
    s_ = state_type{};
    s_.magic = magic;
    s_.version = version;
    s_.p = p;
    s_.detections = detections;
    s_.samples = samples;
    s_.rng_words = rng(p.seed).state();
  }

  /// Last KS statistic D in [0, 1] (0 before the first test).
  Scalar statistic() const noexcept { return static_cast<Scalar>(s_.last_d) / Scalar(StatSize); }
  /// The threshold sqrt(-ln(alpha) / StatSize) that D must exceed.
  Scalar critical_value() const noexcept { return critical_count() / Scalar(StatSize); }
  std::uint32_t width() const noexcept { return s_.count; }
  std::uint32_t detections() const noexcept { return s_.detections; }
  std::uint32_t samples() const noexcept { return s_.samples; }
  status last_status() const noexcept { return last_; }
  const params& get_params() const noexcept { return s_.p; }

  state_type state() const noexcept { return s_; }
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || validate(s.p) != status::ok) return status::invalid_state;
    if (s.head >= WindowSize || s.count > WindowSize || s.last_d > StatSize) return status::invalid_state;
    const auto& wd = s.rng_words.words;
    if ((wd[0] | wd[1] | wd[2] | wd[3]) == 0) return status::invalid_state;
    for (std::uint32_t i = 0; i < s.count; ++i)
      if (!is_finite(s.window[wrap(s.head + i)])) return status::invalid_state;
    s_ = s;
    last_ = status::ok;
    return status::ok;
  }

 private:
  static std::uint32_t wrap(std::uint32_t i) noexcept {
    return i >= WindowSize ? i - static_cast<std::uint32_t>(WindowSize) : i;
  }
  Scalar at(std::size_t i) const noexcept { return s_.window[wrap(s_.head + static_cast<std::uint32_t>(i))]; }
  // D * StatSize must exceed this: sqrt(-ln(alpha) * StatSize).
  Scalar critical_count() const noexcept {
    return std::sqrt(-std::log(s_.p.alpha) * static_cast<Scalar>(StatSize));
  }

  static void sort(std::array<Scalar, StatSize>& a) noexcept {
    for (std::size_t i = 1; i < StatSize; ++i) {
      const Scalar v = a[i];
      std::size_t j = i;
      for (; j > 0 && v < a[j - 1]; --j) a[j] = a[j - 1];
      a[j] = v;
    }
  }

  // sup |F_a - F_b| * StatSize for two samples of StatSize values (ties handled exactly).
  static std::uint32_t ks_statistic(std::array<Scalar, StatSize>& a, std::array<Scalar, StatSize>& b) noexcept {
    sort(a);
    sort(b);
    std::size_t i = 0, j = 0;
    std::uint32_t best = 0;
    while (i < StatSize && j < StatSize) {
      const Scalar v = a[i] < b[j] ? a[i] : b[j];
      while (i < StatSize && !(v < a[i])) ++i;
      while (j < StatSize && !(v < b[j])) ++j;
      const std::uint32_t d = static_cast<std::uint32_t>(i > j ? i - j : j - i);
      if (d > best) best = d;
    }
    return best;
  }

  state_type s_{};
  status last_ = status::ok;
};

template <scalar Scalar, std::size_t WindowSize, std::size_t StatSize>
constexpr std::size_t kswin<Scalar, WindowSize, StatSize>::memory_bytes =
    sizeof(kswin<Scalar, WindowSize, StatSize>);

}  // namespace edgeloop

static_assert(edgeloop::drift_detector<edgeloop::kswin<float>>);
static_assert(edgeloop::drift_detector<edgeloop::kswin<double, 40, 10>>);
