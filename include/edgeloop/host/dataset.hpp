#pragma once
/// Host only. dataset: a whole table in memory, as the host readers (read_csv, read_arff,
/// read_idx_dataset) return it, and parse_error, the exception they throw on a malformed
/// file. May allocate and throw; never included by embedded code.

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace edgeloop::host {

/// What the target column holds.
enum class task_kind : std::uint8_t {
  classification,  ///< targets are class indices 0 .. class_names.size()-1
  regression,      ///< targets are real values
};

/// One input attribute. Nominal attributes are stored as their value index (0 .. k-1).
struct feature_info {
  std::string name;
  bool nominal = false;
  std::size_t cardinality = 0;      ///< number of nominal values; 0 for numeric attributes
  std::vector<std::string> values;  ///< nominal values, in index order
};

/// Rows of features (missing values are NaN) and one target per row. The readers fill
/// float rows by default (what a device model sees); basic_dataset<double> keeps the
/// parsed values in double, for host runs compared with float64 references.
template <class Scalar = float>
struct basic_dataset {
  using scalar_type = Scalar;
  std::vector<std::vector<Scalar>> rows;
  std::vector<double> targets;  ///< class index (classification) or value (regression)
  std::vector<feature_info> features;
  std::string target_name;
  task_kind task = task_kind::classification;
  std::vector<std::string> class_names;  ///< classification: name of each class index

  std::size_t size() const noexcept { return rows.size(); }
  std::size_t feature_count() const noexcept { return features.size(); }
  std::size_t class_count() const noexcept { return class_names.size(); }
  std::vector<std::string> feature_names() const {
    std::vector<std::string> names;
    names.reserve(features.size());
    for (const auto& f : features) names.push_back(f.name);
    return names;
  }
  /// Class index of row i (classification only).
  std::uint16_t label(std::size_t i) const { return static_cast<std::uint16_t>(targets.at(i)); }
};

using dataset = basic_dataset<float>;

/// A malformed input file. what() reads "FILE:LINE:COLUMN: message" (text formats,
/// 1-based) or "FILE: byte OFFSET: message" (binary formats, 0-based offset).
class parse_error : public std::runtime_error {
 public:
  parse_error(std::string file, std::size_t line, std::size_t column, const std::string& message)
      : std::runtime_error(file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message),
        file_(std::move(file)), line_(line), column_(column) {}
  parse_error(std::string file, std::size_t byte_offset, const std::string& message)
      : std::runtime_error(file + ": byte " + std::to_string(byte_offset) + ": " + message),
        file_(std::move(file)), offset_(byte_offset) {}
  /// An error about the file as a whole (cannot open, empty, ...).
  parse_error(std::string file, const std::string& message)
      : std::runtime_error(file + ": " + message), file_(std::move(file)) {}

  const std::string& file() const noexcept { return file_; }
  std::size_t line() const noexcept { return line_; }      ///< 0 when not a text position
  std::size_t column() const noexcept { return column_; }  ///< 0 when not a text position
  std::size_t byte_offset() const noexcept { return offset_; }

 private:
  std::string file_;
  std::size_t line_ = 0;
  std::size_t column_ = 0;
  std::size_t offset_ = 0;
};

namespace detail {

/// Throws `e` where exceptions exist; prints it and aborts in -fno-exceptions builds (the
/// host readers are meant for exception-enabled host programs).
template <class E>
[[noreturn]] void fail(const E& e) {
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
  throw e;
#else
  std::fputs(e.what(), stderr);
  std::fputs("\n", stderr);
  std::abort();
#endif
}

/// Strict number parse of a whole token (no trailing garbage); false if not a number.
inline bool parse_number(const std::string& token, double& out) {
  if (token.empty()) return false;
  const char* begin = token.c_str();
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(begin, &end);
  if (end == begin || *end != '\0') return false;
  if (errno == ERANGE && std::isinf(v)) return false;
  out = v;
  return true;
}

inline std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

inline std::string lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

}  // namespace detail
}  // namespace edgeloop::host
