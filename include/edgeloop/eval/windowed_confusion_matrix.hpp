#pragma once
/// windowed_confusion_matrix: the confusion_matrix metrics over the last Window samples.
/// A ring buffer keeps the (true, predicted, no-change-hit) triple of each sample in the
/// window; the evicted sample is subtracted from the counts, so update() stays O(1).
/// The no-change baseline of each sample is the true label that preceded it in the
/// stream (also for the oldest sample in the window), decided when it arrived.
/// Memory: confusion_matrix::memory_bytes + Window * 6 + 2 * sizeof(size_t) bytes.

#include <cstddef>
#include <cstdint>

#include "../core/ring_buffer.hpp"
#include "confusion_matrix.hpp"

namespace edgeloop {

template <std::size_t Classes, std::size_t Window, scalar Real = float,
          std::unsigned_integral Count = std::uint32_t>
class windowed_confusion_matrix {
  static_assert(Window >= 1, "windowed_confusion_matrix needs a window of at least 1");
  static_assert(Window <= std::numeric_limits<Count>::max(), "Count too small for Window");

 public:
  using matrix_type = confusion_matrix<Classes, Real, Count>;
  using real_type = Real;
  static constexpr std::size_t classes = Classes;
  static constexpr std::size_t window = Window;
  static const std::size_t memory_bytes;

  constexpr windowed_confusion_matrix() noexcept = default;

  /// ok or label_out_of_range.
  constexpr status check(class_label y_true, class_label y_pred) const noexcept {
    if (y_true >= Classes || y_pred >= Classes) return status::label_out_of_range;
    return status::ok;
  }

  /// Adds one pair and drops the oldest when the window is full.
  constexpr status update(class_label y_true, class_label y_pred) noexcept {
    if (const status s = check(y_true, y_pred); s != status::ok) return s;
    const entry e{y_true, y_pred, static_cast<std::uint8_t>(matrix_.no_change_hit(y_true) ? 1 : 0)};
    entry evicted{};
    if (buffer_.push(e, &evicted)) matrix_.remove(evicted.y_true, evicted.y_pred, evicted.hit != 0);
    matrix_.add(e.y_true, e.y_pred, e.hit != 0);
    matrix_.remember(y_true);
    return status::ok;
  }

  constexpr void reset() noexcept { *this = windowed_confusion_matrix{}; }

  /// The counts over the window (every confusion_matrix read-out is available on it).
  constexpr const matrix_type& matrix() const noexcept { return matrix_; }
  constexpr Count samples() const noexcept { return matrix_.samples(); }
  constexpr Real accuracy() const noexcept { return matrix_.accuracy(); }
  constexpr Real kappa() const noexcept { return matrix_.kappa(); }
  constexpr Real kappa_m() const noexcept { return matrix_.kappa_m(); }
  constexpr Real kappa_t() const noexcept { return matrix_.kappa_t(); }
  constexpr Real macro_f1() const noexcept { return matrix_.macro_f1(); }

  friend constexpr bool operator==(const windowed_confusion_matrix& a, const windowed_confusion_matrix& b) noexcept {
    if (!(a.matrix_ == b.matrix_) || a.buffer_.size() != b.buffer_.size()) return false;
    for (std::size_t i = 0; i < a.buffer_.size(); ++i)
      if (!(a.buffer_[i] == b.buffer_[i])) return false;
    return true;
  }

 private:
  struct entry {
    class_label y_true;
    class_label y_pred;
    std::uint8_t hit;
    friend constexpr bool operator==(const entry&, const entry&) = default;
  };

  matrix_type matrix_{};
  ring_buffer<entry, Window> buffer_{};
};

template <std::size_t Classes, std::size_t Window, scalar Real, std::unsigned_integral Count>
constexpr std::size_t windowed_confusion_matrix<Classes, Window, Real, Count>::memory_bytes =
    sizeof(windowed_confusion_matrix<Classes, Window, Real, Count>);

static_assert(streaming_metric<windowed_confusion_matrix<3, 8>, class_label, class_label>);

}  // namespace edgeloop
