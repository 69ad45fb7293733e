#pragma once
/// Host only. nab_scorer: the Numenta Anomaly Benchmark scoring rules (Lavin & Ahmad,
/// "Evaluating real-time anomaly detection algorithms - the Numenta Anomaly Benchmark",
/// ICMLA 2015, and NAB's documented scoring), reimplemented, plus a reader for the NAB
/// corpus layout (data/<group>/<series>.csv + labels/combined_windows.json).
///
/// Rules, per series of n rows with anomaly windows [a, b] (row indices, inclusive):
/// - probation: rows i < min(floor(0.15 n), 0.15 * 5000) = at most 750 are not scored;
/// - a detection at row i is a row whose anomaly score >= the threshold (NaN: never);
/// - inside a window of width w = b - a + 1 a detection is worth
///     tp_weight * sigma(-(b - i + 1) / w) / sigma(-1),   sigma(y) = 2 / (1 + e^{5y}) - 1
///   (the scaled sigmoid: tp_weight at the window's first row, about 0 at its last), and
///   only the best (= earliest) detection of a window counts; a window without detection
///   costs -fn_weight;
/// - outside windows a detection costs fp_weight * sigma(|i - b'| / (w' - 1)) (negative),
///   b', w' the end and width of the preceding window (sigma(y) = -1 for y >= 3, and
///   -fp_weight when no window precedes): false alarms just after a window are cheap;
/// - true negatives are worth nothing.
/// The raw score of a detector is the sum over the series. The threshold is one per
/// profile for the whole corpus: the one that maximises the corpus's raw score among all
/// distinct anomaly scores (and +inf = no detection), ties going to the highest threshold.
/// Normalised score = 100 (raw - null) / (perfect - null), null = raw score of the null
/// detector (a constant anomaly score, threshold optimised the same way), perfect =
/// tp_weight x number of windows.
/// Profiles (NAB config/profiles.json): standard TP 1, FP 0.11, FN 1; reward_low_FP_rate
/// FP 0.22; reward_low_FN_rate FN 2.
/// Window widths of 1 row would divide by zero in NAB's FP rule; here w' - 1 is taken as 1.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "dataset.hpp"

namespace edgeloop::host {

/// Weights of one NAB application profile (tn_weight is 0 in effect: NAB never adds it).
struct nab_profile {
  const char* name;
  double tp_weight;
  double fp_weight;
  double fn_weight;
};

inline constexpr nab_profile nab_standard{"standard", 1.0, 0.11, 1.0};
inline constexpr nab_profile nab_reward_low_fp{"reward_low_FP_rate", 1.0, 0.22, 1.0};
inline constexpr nab_profile nab_reward_low_fn{"reward_low_FN_rate", 1.0, 0.11, 2.0};
inline constexpr std::array<nab_profile, 3> nab_profiles{nab_standard, nab_reward_low_fp, nab_reward_low_fn};

/// The scaled sigmoid of a relative position: 2 / (1 + exp(5 y)) - 1, and -1 for y >= 3.
inline double nab_scaled_sigmoid(double relative_position) {
  if (relative_position >= 3.0) return -1.0;
  return 2.0 / (1.0 + std::exp(5.0 * relative_position)) - 1.0;
}

/// Rows i < nab_probation_rows(n) are in the probation period (not scored).
inline std::size_t nab_probation_rows(std::size_t rows, double fraction = 0.15) {
  const double by_fraction = std::floor(fraction * static_cast<double>(rows));
  const double cap = fraction * 5000.0;
  return static_cast<std::size_t>(std::ceil(std::min(by_fraction, cap)));
}

/// An anomaly window: first and last row, inclusive.
struct nab_window {
  std::size_t first = 0;
  std::size_t last = 0;
};

/// The labels of one series: its length and its windows (sorted, not overlapping).
struct nab_series {
  std::string name;
  std::size_t rows = 0;
  std::vector<nab_window> windows;
};

/// What a detection at one row is worth (NAB's "sweep score") and where the row is.
struct nab_row_weight {
  double weight = 0;
  std::ptrdiff_t window = -1;  ///< index into the series' windows, -1 outside any window
  bool probation = false;
};

/// Weights of a detection at every row of `s` under `profile`.
inline std::vector<nab_row_weight> nab_row_weights(const nab_series& s, const nab_profile& profile) {
  std::vector<nab_row_weight> out(s.rows);
  const std::size_t probation = nab_probation_rows(s.rows);
  const double max_tp = nab_scaled_sigmoid(-1.0);
  std::size_t next = 0;
  bool have_prev = false;
  double prev_last = 0, prev_width = 0;
  for (std::size_t i = 0; i < s.rows; ++i) {
    nab_row_weight& r = out[i];
    r.probation = i < probation;
    while (next < s.windows.size() && s.windows[next].last < i) {
      have_prev = true;
      prev_last = static_cast<double>(s.windows[next].last);
      prev_width = static_cast<double>(s.windows[next].last - s.windows[next].first + 1);
      ++next;
    }
    if (next < s.windows.size() && s.windows[next].first <= i) {
      const nab_window& w = s.windows[next];
      const double width = static_cast<double>(w.last - w.first + 1);
      const double position = -(static_cast<double>(w.last) - static_cast<double>(i) + 1.0) / width;
      r.weight = nab_scaled_sigmoid(position) * profile.tp_weight / max_tp;
      r.window = static_cast<std::ptrdiff_t>(next);
    } else if (!have_prev) {
      r.weight = -profile.fp_weight;
    } else {
      const double position = std::fabs(prev_last - static_cast<double>(i)) / std::max(prev_width - 1.0, 1.0);
      r.weight = nab_scaled_sigmoid(position) * profile.fp_weight;
    }
  }
  return out;
}

/// Score of one series at one threshold.
struct nab_series_score {
  double raw = 0;                   ///< NAB raw score of the series
  std::size_t windows = 0;          ///< windows with scored rows
  std::size_t detected_windows = 0; ///< windows with at least one detection
  std::size_t false_positives = 0;  ///< detections outside windows after probation
};

/// Raw score of `scores` (one per row) on series `s` with detections at scores >= threshold.
inline nab_series_score nab_score_series(const nab_series& s, const std::vector<double>& scores,
                                         const nab_profile& profile, double threshold) {
  if (scores.size() != s.rows) detail::fail(std::invalid_argument("nab: " + s.name + ": one anomaly score per row needed"));
  const auto weights = nab_row_weights(s, profile);
  std::vector<double> best(s.windows.size(), -profile.fn_weight);
  std::vector<char> scored(s.windows.size(), 0), detected(s.windows.size(), 0);
  nab_series_score out;
  double fp = 0;
  for (std::size_t i = 0; i < s.rows; ++i) {
    const auto& r = weights[i];
    if (r.probation) continue;
    const auto w = static_cast<std::size_t>(r.window);
    if (r.window >= 0) scored[w] = 1;
    if (!(scores[i] >= threshold)) continue;
    if (r.window >= 0) {
      best[w] = std::max(best[w], r.weight);
      detected[w] = 1;
    } else {
      fp += r.weight;
      ++out.false_positives;
    }
  }
  out.raw = fp;
  for (std::size_t w = 0; w < s.windows.size(); ++w) {
    if (!scored[w]) continue;  // a window inside the probation period is not scored
    out.raw += best[w];
    ++out.windows;
    out.detected_windows += detected[w] != 0;
  }
  return out;
}

/// Corpus raw score at one threshold.
struct nab_threshold_score {
  double threshold = 0;
  double score = 0;
};

/// The corpus raw score at every distinct anomaly score used as a threshold, from +inf
/// (nothing detected) down to the lowest score (O(rows log rows), NAB's sweep).
inline std::vector<nab_threshold_score> nab_sweep(const std::vector<nab_series>& corpus,
                                                   const std::vector<std::vector<double>>& scores,
                                                   const nab_profile& profile) {
  if (scores.size() != corpus.size()) detail::fail(std::invalid_argument("nab: one score vector per series needed"));
  struct point {
    double score;
    double weight;
    std::ptrdiff_t window;  // global window index or -1
  };
  std::vector<point> points;
  std::vector<double> best;  // per global window
  double total = 0;
  for (std::size_t k = 0; k < corpus.size(); ++k) {
    const nab_series& s = corpus[k];
    if (scores[k].size() != s.rows) detail::fail(std::invalid_argument("nab: " + s.name + ": one anomaly score per row needed"));
    const auto weights = nab_row_weights(s, profile);
    const auto base = static_cast<std::ptrdiff_t>(best.size());
    std::vector<char> scored(s.windows.size(), 0);
    for (std::size_t i = 0; i < s.rows; ++i) {
      const auto& r = weights[i];
      if (r.probation) continue;
      if (r.window >= 0) scored[static_cast<std::size_t>(r.window)] = 1;
      if (std::isnan(scores[k][i])) continue;  // never a detection (and keeps the sort well-defined)
      points.push_back({scores[k][i], r.weight, r.window >= 0 ? base + r.window : -1});
    }
    for (std::size_t w = 0; w < s.windows.size(); ++w) {
      // Unscored windows get a best of 0 that no point can change: they count nothing.
      best.push_back(scored[w] ? -profile.fn_weight : 0.0);
      total += best.back();
    }
  }
  std::sort(points.begin(), points.end(), [](const point& a, const point& b) { return a.score > b.score; });
  std::vector<nab_threshold_score> out;
  out.push_back({std::numeric_limits<double>::infinity(), total});
  for (std::size_t i = 0; i < points.size();) {
    const double t = points[i].score;
    for (; i < points.size() && points[i].score == t; ++i) {
      const point& p = points[i];
      if (p.window < 0) {
        total += p.weight;
      } else {
        double& b = best[static_cast<std::size_t>(p.window)];
        if (p.weight > b) total += p.weight - b, b = p.weight;
      }
    }
    out.push_back({t, total});
  }
  return out;
}

/// The best entry of a sweep (the highest threshold among equal scores).
inline nab_threshold_score nab_best(const std::vector<nab_threshold_score>& sweep) {
  nab_threshold_score best = sweep.front();
  for (const auto& s : sweep)
    if (s.score > best.score) best = s;
  return best;
}

/// One profile's result over a corpus.
struct nab_profile_result {
  nab_profile profile{};
  double threshold = 0;   ///< corpus-optimal threshold
  double raw = 0;         ///< corpus raw score at that threshold
  double null_raw = 0;    ///< the null detector's raw score
  double perfect_raw = 0; ///< tp_weight x windows
  double score = 0;       ///< normalised: 100 (raw - null) / (perfect - null)
  std::vector<nab_series_score> series;
  std::vector<double> series_null_raw;  ///< the null detector's raw score per series
};

/// Normalised score of a series (NaN when the series has no scored window: null = perfect).
inline double nab_normalised_series_score(const nab_profile_result& r, std::size_t k) {
  const double perfect = r.profile.tp_weight * static_cast<double>(r.series[k].windows);
  const double null = r.series_null_raw[k];
  if (perfect == null) return std::numeric_limits<double>::quiet_NaN();
  return 100.0 * (r.series[k].raw - null) / (perfect - null);
}

/// Optimises the threshold over the corpus and normalises with the null and perfect detectors.
inline nab_profile_result nab_evaluate(const std::vector<nab_series>& corpus, const std::vector<std::vector<double>>& scores,
                                       const nab_profile& profile) {
  nab_profile_result r;
  r.profile = profile;
  const nab_threshold_score best = nab_best(nab_sweep(corpus, scores, profile));
  r.threshold = best.threshold;
  r.raw = best.score;
  std::vector<std::vector<double>> null_scores(corpus.size());
  std::size_t windows = 0;
  for (std::size_t k = 0; k < corpus.size(); ++k) {
    null_scores[k].assign(corpus[k].rows, 0.5);
    windows += corpus[k].windows.size();
  }
  const nab_threshold_score null_best = nab_best(nab_sweep(corpus, null_scores, profile));
  r.null_raw = null_best.score;
  r.perfect_raw = profile.tp_weight * static_cast<double>(windows);
  r.score = r.perfect_raw == r.null_raw ? 0.0 : 100.0 * (r.raw - r.null_raw) / (r.perfect_raw - r.null_raw);
  for (std::size_t k = 0; k < corpus.size(); ++k) {
    r.series.push_back(nab_score_series(corpus[k], scores[k], profile, r.threshold));
    r.series_null_raw.push_back(nab_score_series(corpus[k], null_scores[k], profile, null_best.threshold).raw);
  }
  return r;
}

// ---------------------------------------------------------------------------------------
// The corpus on disk.

/// One series of the corpus: labels, values and time stamps (seconds since 1970, UTC).
struct nab_data_series {
  nab_series labels;
  std::vector<double> values;
  std::vector<std::int64_t> seconds;
};

namespace detail {

/// Seconds since 1970-01-01 of "YYYY-MM-DD HH:MM:SS" (fraction ignored); false if malformed.
inline bool parse_nab_time(const std::string& t, std::int64_t& out) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (std::sscanf(t.c_str(), "%d-%d-%d %d:%d:%d", &y, &mo, &d, &h, &mi, &s) != 6) return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return false;
  // Days from civil (Hinnant's algorithm).
  const int yy = y - (mo <= 2 ? 1 : 0);
  const int era = (yy >= 0 ? yy : yy - 399) / 400;
  const int yoe = yy - era * 400;
  const int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = static_cast<std::int64_t>(era) * 146097 + doe - 719468;
  out = days * 86400 + h * 3600 + mi * 60 + s;
  return true;
}

/// Reads NAB's windows file: {"group/name.csv": [["start", "end"], ...], ...}.
inline std::map<std::string, std::vector<std::pair<std::string, std::string>>> read_nab_windows(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) detail::fail(parse_error(path, "cannot open"));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t i = 0;
  auto fail = [&](const std::string& what) -> void { detail::fail(parse_error(path, i, what)); };
  auto skip = [&] {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  };
  auto expect = [&](char c) {
    skip();
    if (i >= text.size() || text[i] != c) fail(std::string("expected '") + c + "'");
    ++i;
  };
  auto peek = [&]() -> char {
    skip();
    return i < text.size() ? text[i] : '\0';
  };
  auto string_value = [&]() -> std::string {
    expect('"');
    std::string s;
    while (i < text.size() && text[i] != '"') {
      if (text[i] == '\\') fail("escapes are not expected");
      s += text[i++];
    }
    if (i >= text.size()) fail("unterminated string");
    ++i;
    return s;
  };
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> out;
  expect('{');
  if (peek() != '}') {
    while (true) {
      const std::string key = string_value();
      expect(':');
      expect('[');
      auto& windows = out[key];
      if (peek() != ']') {
        while (true) {
          expect('[');
          std::string a = string_value();
          expect(',');
          std::string b = string_value();
          expect(']');
          windows.emplace_back(std::move(a), std::move(b));
          if (peek() != ',') break;
          ++i;
        }
      }
      expect(']');
      if (peek() != ',') break;
      ++i;
    }
  }
  expect('}');
  return out;
}

}  // namespace detail

/// Reads one NAB series (CSV "timestamp,value"; header optional); no windows.
inline nab_data_series read_nab_series(const std::string& path, const std::string& name) {
  std::ifstream in(path, std::ios::binary);
  if (!in) detail::fail(parse_error(path, "cannot open"));
  nab_data_series s;
  s.labels.name = name;
  std::string line;
  std::size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (line_no == 1 && line.rfind("timestamp", 0) == 0) continue;
    const auto comma = line.find(',');
    if (comma == std::string::npos) detail::fail(parse_error(path, line_no, 1, "expected timestamp,value"));
    std::int64_t t = 0;
    if (!detail::parse_nab_time(line.substr(0, comma), t)) detail::fail(parse_error(path, line_no, 1, "malformed timestamp"));
    char* end = nullptr;
    const std::string v = line.substr(comma + 1);
    const double value = std::strtod(v.c_str(), &end);
    if (end == v.c_str() || *end != '\0') detail::fail(parse_error(path, line_no, comma + 2, "malformed value"));
    s.seconds.push_back(t);
    s.values.push_back(value);
  }
  s.labels.rows = s.values.size();
  return s;
}


/// Sets the windows of `s` from NAB time stamp pairs [start, end] (`file` names the labels
/// in errors): a window runs from the first row stamped start to the first row after it
/// stamped end (see read_nab_corpus).
inline void set_nab_windows(nab_data_series& s, const std::vector<std::pair<std::string, std::string>>& limits,
                            const std::string& file) {
  const std::string& name = s.labels.name;
  s.labels.windows.clear();
  for (const auto& [a, b] : limits) {
    std::int64_t ta = 0, tb = 0;
    if (!detail::parse_nab_time(a, ta) || !detail::parse_nab_time(b, tb))
      detail::fail(parse_error(file, name + ": malformed window time stamp"));
    // As NAB: the window starts at the first row stamped `start` and ends at the first row
    // after it stamped `end` (a series may repeat stamps); without an exact stamp, the
    // first row at or after start and the last row up to end before time goes past it.
    const std::size_t n = s.seconds.size();
    std::size_t first = n;
    for (std::size_t i = 0; i < n && first == n; ++i)
      if (s.seconds[i] == ta) first = i;
    for (std::size_t i = 0; i < n && first == n; ++i)
      if (s.seconds[i] >= ta) first = i;
    if (first == n || s.seconds[first] > tb) continue;  // no row inside
    std::size_t last = first;
    for (std::size_t i = first; i < n && s.seconds[i] <= tb; ++i) {
      last = i;
      if (s.seconds[i] == tb) break;
    }
    const nab_window w{first, last};
    if (!s.labels.windows.empty() && w.first <= s.labels.windows.back().last)
      detail::fail(parse_error(file, name + ": overlapping or unsorted windows"));
    s.labels.windows.push_back(w);
  }
}

/// The windows file of a NAB corpus: series name ("group/name.csv") -> time stamp pairs.
inline std::map<std::string, std::vector<std::pair<std::string, std::string>>> read_nab_windows(const std::string& path) {
  return detail::read_nab_windows(path);
}

/// Reads every series of `dir` listed in dir/labels/combined_windows.json (sorted by name;
/// listed series whose CSV is absent are skipped). A window [start, end] covers the rows
/// from the one stamped start to the one stamped end. Throws parse_error on a missing or malformed file.
inline std::vector<nab_data_series> read_nab_corpus(const std::string& dir) {
  namespace fs = std::filesystem;
  const fs::path labels = fs::path(dir) / "labels" / "combined_windows.json";
  if (!fs::exists(labels)) detail::fail(parse_error(labels.string(), "not found (expected the NAB corpus layout)"));
  const auto windows = detail::read_nab_windows(labels.string());
  std::vector<nab_data_series> out;
  for (const auto& [name, limits] : windows) {
    const fs::path csv = fs::path(dir) / name;
    if (!fs::exists(csv)) continue;
    nab_data_series s = read_nab_series(csv.string(), name);
    set_nab_windows(s, limits, labels.string());
    out.push_back(std::move(s));
  }
  if (out.empty()) detail::fail(parse_error(dir, "no series of labels/combined_windows.json found"));
  return out;
}

}  // namespace edgeloop::host
