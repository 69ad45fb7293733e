#pragma once
/// Outcome of an operation that can fail on bad data (never on caller bugs, which are
/// EDGELOOP_ASSERTs). Anything that returns a non-ok status left its object unchanged.

#include <cstdint>

namespace edgeloop {

enum class [[nodiscard]] status : std::uint8_t {
  ok = 0,
  non_finite_input,    ///< NaN or infinity in an input or target
  label_out_of_range,  ///< class label >= number of classes
  invalid_argument,    ///< a parameter or argument outside its documented range
  invalid_state,       ///< restore() given a state with wrong magic/version or impossible values
  capacity_exceeded,   ///< a fixed capacity would be exceeded
  not_ready,           ///< not enough data seen yet for this operation
};

constexpr bool is_ok(status s) noexcept { return s == status::ok; }

constexpr const char* to_string(status s) noexcept {
  switch (s) {
    case status::ok: return "ok";
    case status::non_finite_input: return "non_finite_input";
    case status::label_out_of_range: return "label_out_of_range";
    case status::invalid_argument: return "invalid_argument";
    case status::invalid_state: return "invalid_state";
    case status::capacity_exceeded: return "capacity_exceeded";
    case status::not_ready: return "not_ready";
  }
  return "unknown";
}

}  // namespace edgeloop

/// Evaluates `expr` (a status) and returns it from the enclosing function unless ok.
#define EDGELOOP_TRY(expr)                                         \
  do {                                                             \
    if (const ::edgeloop::status edgeloop_try_s_ = (expr);         \
        edgeloop_try_s_ != ::edgeloop::status::ok)                 \
      return edgeloop_try_s_;                                      \
  } while (false)
