// anomaly_nab: one detector over one NAB series, printing its alarms.
//
//   anomaly_nab --data FILE.csv [--windows combined_windows.json] [--threshold T] [--json]
//
// value -> [value, value - previous] -> gaussian_detector (forgetting 0.99; score, then learn)
//       -> raw = min(1, d^2 / 20) -> anomaly_likelihood -> log_scale in [0, 1]
// An alarm is raised when the log-scaled likelihood reaches the threshold (default 0.5,
// i.e. likelihood 0.99999) after a row below it. Everything on the detector side is fixed
// size and heap-free (memory_bytes printed); this host program only reads and prints.
// With --windows (NAB's labels/combined_windows.json) each alarm says whether it falls in
// a labelled anomaly window and the series' NAB standard-profile score at that threshold
// is printed.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "edgeloop/anomaly/anomaly_likelihood.hpp"
#include "edgeloop/anomaly/gaussian_detector.hpp"
#include "edgeloop/host/nab_scorer.hpp"

namespace {

std::string time_text(std::int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

int usage(const std::string& msg) {
  std::fprintf(stderr, "anomaly_nab: %s\nusage: anomaly_nab --data FILE.csv [--windows combined_windows.json] [--threshold T] [--json]\n",
               msg.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data, windows_file;
  double threshold = 0.5;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--data" && i + 1 < argc) data = argv[++i];
    else if (a == "--windows" && i + 1 < argc) windows_file = argv[++i];
    else if (a == "--threshold" && i + 1 < argc) threshold = std::strtod(argv[++i], nullptr);
    else if (a == "--json") json = true;
    else return usage("unknown or incomplete option '" + a + "'");
  }
  if (data.empty()) return usage("--data FILE.csv is required (a NAB series, e.g. realKnownCause/nyc_taxi.csv)");
  namespace host = edgeloop::host;
  try {
    if (!std::filesystem::exists(data)) throw host::parse_error(data, "not found (a NAB series CSV: timestamp,value)");
    host::nab_data_series s = host::read_nab_series(data, std::filesystem::path(data).filename().string());
    if (!windows_file.empty()) {
      // The series' key in the windows file is "group/name.csv".
      const std::filesystem::path p(data);
      const std::string key = p.parent_path().filename().string() + "/" + p.filename().string();
      const auto windows = host::read_nab_windows(windows_file);
      const auto it = windows.find(key);
      if (it == windows.end()) throw host::parse_error(windows_file, "no windows for " + key);
      s.labels.name = key;
      host::set_nab_windows(s, it->second, windows_file);
    }

    using detector = edgeloop::gaussian_detector<double, 2>;
    using likelihood = edgeloop::anomaly_likelihood<double, 10>;
    detector d(detector::params{0.99, 1e-3, 1e-9});
    likelihood::params lp;
    lp.learning_period = static_cast<std::uint32_t>(host::nab_probation_rows(s.values.size()));
    likelihood lk(lp);

    std::vector<double> scores;
    std::vector<std::size_t> alarms;
    double previous = 0;
    for (std::size_t i = 0; i < s.values.size(); ++i) {
      const std::array<double, 2> x{s.values[i], i ? s.values[i] - s.values[i - 1] : 0.0};
      double d2 = 0;
      if (edgeloop::score_then_learn(d, x, d2) != edgeloop::status::ok) d2 = 0;
      const double score = likelihood::log_scale(lk.update(std::min(1.0, d2 / 20.0)));
      scores.push_back(score);
      if (score >= threshold && previous < threshold) alarms.push_back(i);
      previous = score;
    }

    auto in_window = [&](std::size_t i) {
      for (const auto& w : s.labels.windows)
        if (i >= w.first && i <= w.last) return true;
      return false;
    };
    std::printf("series %s: %zu rows, %zu alarms at threshold %.3f (detector %zu + likelihood %zu bytes)\n", data.c_str(),
                s.values.size(), alarms.size(), threshold, detector::memory_bytes, likelihood::memory_bytes);
    for (const std::size_t i : alarms)
      std::printf("  alarm row %6zu  %s  value %-12g score %.4f%s\n", i, time_text(s.seconds[i]).c_str(), s.values[i], scores[i],
                  windows_file.empty() ? "" : (in_window(i) ? "  in window" : ""));
    double nab_raw = 0;
    std::size_t detected = 0;
    if (!windows_file.empty()) {
      // Alarms only (the rows where an alarm is raised), as a deployment would report them.
      std::vector<double> alarm_scores(s.values.size(), 0.0);
      for (const std::size_t i : alarms) alarm_scores[i] = 1.0;
      const auto r = host::nab_score_series(s.labels, alarm_scores, host::nab_standard, 1.0);
      nab_raw = r.raw;
      detected = r.detected_windows;
      std::printf("windows %zu, detected %zu, false positives %zu, NAB standard raw score %.3f (perfect %zu)\n", r.windows,
                  r.detected_windows, r.false_positives, r.raw, r.windows);
    }
    if (json) {
      std::printf("{\"data\":\"%s\",\"rows\":%zu,\"threshold\":%.6f,\"alarms\":%zu,\"alarm_rows\":[", data.c_str(), s.values.size(),
                  threshold, alarms.size());
      for (std::size_t k = 0; k < alarms.size(); ++k) std::printf("%s%zu", k ? "," : "", alarms[k]);
      std::printf("],\"windows\":%zu,\"detected_windows\":%zu,\"nab_standard_raw\":%.6f,\"memory_bytes\":%zu}\n",
                  s.labels.windows.size(), detected, nab_raw, detector::memory_bytes + likelihood::memory_bytes);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "anomaly_nab: %s\n", e.what());
    return 1;
  }
  return 0;
}
