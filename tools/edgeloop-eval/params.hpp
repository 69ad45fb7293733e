#pragma once
// edgeloop-eval: binding "key=value" strings to a component's params struct by name.
// A component describes its params with a visitor: [](auto& p, auto& b) { b("alpha", p.alpha); }.

#include <array>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace edgeloop_eval {

/// A usage error (bad option, unknown model, bad parameter): message for stderr, exit 2.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using param_map = std::map<std::string, std::string>;

/// Applies the key=value pairs of one stage to a params struct (through its visitor) and
/// checks that every key was known and every value parsed.
class param_binder {
 public:
  param_binder(const param_map& values, std::string stage) : values_(values), stage_(std::move(stage)) {}

  template <class T>
  void operator()(const char* name, T& field) {
    known_.push_back(name);
    const auto it = values_.find(name);
    if (it == values_.end()) return;
    used_.insert(name);
    if (!parse(it->second, field))
      throw usage_error("parameter '" + std::string(name) + "' of " + stage_ + ": bad value '" + it->second + "'");
  }

  /// An enumeration given by name (or by its number).
  template <class E>
  void choice(const char* name, E& field, std::initializer_list<std::pair<const char*, E>> options) {
    known_.push_back(name);
    const auto it = values_.find(name);
    if (it == values_.end()) return;
    used_.insert(name);
    std::string names;
    for (const auto& [n, v] : options) {
      if (it->second == n) {
        field = v;
        return;
      }
      names += names.empty() ? n : std::string("|") + n;
    }
    throw usage_error("parameter '" + std::string(name) + "' of " + stage_ + ": bad value '" + it->second +
                      "' (expected " + names + ")");
  }

  /// Throws for keys that no field took.
  void finish() const {
    for (const auto& [k, v] : values_)
      if (!used_.count(k)) {
        std::string list;
        for (const auto& n : known_) list += (list.empty() ? "" : ", ") + n;
        throw usage_error("unknown parameter '" + k + "' for " + stage_ +
                          (list.empty() ? " (it takes none)" : " (known: " + list + ")"));
      }
  }

  const std::vector<std::string>& known() const { return known_; }

 private:
  static bool parse(const std::string& s, bool& out) {
    if (s == "1" || s == "true" || s == "yes" || s == "on") return out = true, true;
    if (s == "0" || s == "false" || s == "no" || s == "off") return out = false, true;
    return false;
  }
  template <class T>
    requires std::is_floating_point_v<T>
  static bool parse(const std::string& s, T& out) {
    if (s.empty()) return false;
    char* end = nullptr;
    errno = 0;
    const long double v = std::strtold(s.c_str(), &end);
    if (*end != '\0' || errno == ERANGE || !std::isfinite(v) ||
        std::fabs(v) > static_cast<long double>(std::numeric_limits<T>::max()))
      return false;
    out = static_cast<T>(v);
    return true;
  }
  template <class T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
  static bool parse(const std::string& s, T& out) {
    if (s.empty() || s[0] == '-' || s[0] == '+' || s[0] == ' ') {
      if (!(std::is_signed_v<T> && !s.empty() && s[0] == '-')) return false;
    }
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (*end != '\0' || errno == ERANGE) return false;
    if (v < static_cast<long long>(std::numeric_limits<T>::min()) ||
        static_cast<unsigned long long>(v) > static_cast<unsigned long long>(std::numeric_limits<T>::max()))
      return false;
    out = static_cast<T>(v);
    return true;
  }
  template <class T, std::size_t N>
  static bool parse(const std::string& s, std::array<T, N>& out) {  // one value for all
    T v{};
    if (!parse(s, v)) return false;
    out.fill(v);
    return true;
  }

  const param_map& values_;
  std::string stage_;
  std::vector<std::string> known_;
  std::set<std::string> used_;
};

}  // namespace edgeloop_eval
