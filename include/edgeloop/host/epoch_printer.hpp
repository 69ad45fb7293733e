#pragma once
/// Host only. epoch_printer: an nn::fit on_epoch callback that prints one line per epoch
/// (loss, accuracy, validation, seconds) to a FILE* (stdout by default), e.g.
///   epoch  3/10  loss 0.3125  acc 88.52%  val_loss 0.3301  val_acc 88.05%  *  2.41 s
/// ('*' marks the best validation loss so far). Returns true (never stops the loop).

#include <chrono>
#include <cstdio>

#include "../nn/fit.hpp"

namespace edgeloop::host {

class epoch_printer {
 public:
  explicit epoch_printer(std::FILE* out = stdout) noexcept : out_(out), start_(std::chrono::steady_clock::now()) {}

  template <class Scalar>
  bool operator()(const nn::epoch_metrics<Scalar>& m) {
    const auto now = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(now - start_).count();
    start_ = now;
    std::fprintf(out_, "epoch %3u/%u  loss %.4f", static_cast<unsigned>(m.epoch), static_cast<unsigned>(m.epochs),
                 static_cast<double>(m.train_loss));
    if (m.has_accuracy) std::fprintf(out_, "  acc %.2f%%", 100.0 * static_cast<double>(m.train_accuracy));
    if (m.has_validation) {
      std::fprintf(out_, "  val_loss %.4f", static_cast<double>(m.validation_loss));
      if (m.has_accuracy) std::fprintf(out_, "  val_acc %.2f%%", 100.0 * static_cast<double>(m.validation_accuracy));
      std::fprintf(out_, "%s", m.improved ? "  *" : "   ");
    }
    std::fprintf(out_, "  %.2f s\n", seconds);
    std::fflush(out_);
    last_seconds_ = seconds;
    return true;
  }
  /// Wall time of the last epoch printed (training + validation).
  double last_seconds() const noexcept { return last_seconds_; }

 private:
  std::FILE* out_;
  std::chrono::steady_clock::time_point start_;
  double last_seconds_ = 0;
};

}  // namespace edgeloop::host
