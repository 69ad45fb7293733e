#pragma once
/// Host-only command-line parsing for the example and tool programs (std::string, exit).
/// command_line walks argv one argument at a time; the program decides what each one
/// means. Numbers are parsed strictly: the whole string ("12x", "", " 5", "-1" for an
/// unsigned, "nan" are bad) and within [minimum, maximum]. Every usage error prints
/// "PROGRAM: message" and the usage text on stderr and exits with status 2.

#include <cctype>
#include <cstddef>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace edgeloop::host {

/// The decimal unsigned integer `text` if it is one (digits only) within [minimum, maximum].
inline std::optional<std::uint64_t> parse_unsigned(const std::string& text, std::uint64_t minimum,
                                                   std::uint64_t maximum) {
  if (text.empty()) return std::nullopt;
  for (const char c : text)
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;  // strtoull takes "-1", " 1"
  errno = 0;
  const unsigned long long v = std::strtoull(text.c_str(), nullptr, 10);
  if (errno != 0 || v < minimum || v > maximum) return std::nullopt;
  return static_cast<std::uint64_t>(v);
}

/// The finite number `text` if the whole string is one within [minimum, maximum].
inline std::optional<double> parse_number(const std::string& text, double minimum, double maximum) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (*end != '\0' || errno != 0 || !std::isfinite(v) || v < minimum || v > maximum) return std::nullopt;
  return v;
}

class command_line {
 public:
  /// usage: the text printed after an error message, e.g. "usage: prog [--n N] [--json]".
  command_line(std::string program, std::string usage, int argc, char** argv)
      : program_(std::move(program)), usage_(std::move(usage)) {
    if (!usage_.empty() && usage_.back() != '\n') usage_ += '\n';
    for (int i = 1; i < argc; ++i) arguments_.emplace_back(argv[i]);
  }

  /// Moves to the next argument; false when there is none left.
  bool next() {
    if (next_ >= arguments_.size()) return false;
    current_ = arguments_[next_++];
    return true;
  }

  /// The argument next() moved to.
  const std::string& argument() const { return current_; }

  /// True when the current argument looks like an option ("-x", "--x"), not a file name.
  bool is_option() const { return current_.size() > 1 && current_[0] == '-'; }

  /// The argument after the current option, which it consumes.
  std::string value() {
    if (next_ >= arguments_.size()) fail(current_ + " needs a value");
    return arguments_[next_++];
  }

  /// The current option's value as an unsigned integer in [minimum, maximum].
  std::uint64_t unsigned_value(std::uint64_t minimum, std::uint64_t maximum) {
    return unsigned_from(value(), minimum, maximum);
  }

  /// The current option's value as a finite number in [minimum, maximum].
  double number_value(double minimum, double maximum) { return number_from(value(), minimum, maximum); }

  /// `text` (e.g. one item of a comma-separated value) as an unsigned integer of the
  /// current option. A maximum of UINT64_MAX (DBL_MAX for numbers) means "no upper bound".
  std::uint64_t unsigned_from(const std::string& text, std::uint64_t minimum, std::uint64_t maximum) const {
    const auto v = parse_unsigned(text, minimum, maximum);
    if (!v) {
      const std::string range = maximum == std::numeric_limits<std::uint64_t>::max()
                                    ? ">= " + std::to_string(minimum)
                                    : "in " + std::to_string(minimum) + ".." + std::to_string(maximum);
      fail("bad value '" + text + "' for " + current_ + " (an integer " + range + ")");
    }
    return *v;
  }

  /// `text` as a finite number of the current option.
  double number_from(const std::string& text, double minimum, double maximum) const {
    const auto v = parse_number(text, minimum, maximum);
    if (!v) {
      char range[64];
      if (maximum == std::numeric_limits<double>::max())
        std::snprintf(range, sizeof range, ">= %g", minimum);
      else
        std::snprintf(range, sizeof range, "in %g..%g", minimum, maximum);
      fail("bad value '" + text + "' for " + current_ + " (a number " + range + ")");
    }
    return *v;
  }

  /// Prints "PROGRAM: message" and the usage on stderr; exits with status 2.
  [[noreturn]] void fail(const std::string& message) const {
    std::fprintf(stderr, "%s: %s\n%s", program_.c_str(), message.c_str(), usage_.c_str());
    std::exit(2);
  }

  /// Prints the usage on stdout (for --help); exits with status 0.
  [[noreturn]] void show_usage() const {
    std::fputs(usage_.c_str(), stdout);
    std::exit(0);
  }

 private:
  std::string program_;
  std::string usage_;
  std::vector<std::string> arguments_;
  std::size_t next_ = 0;
  std::string current_;
};

}  // namespace edgeloop::host
