// NAB scoring (host/nab_scorer.hpp) against hand-computed values of the NAB formulas, a
// brute-force threshold search, the null/perfect normalisation, and the corpus reader.

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/host/nab_scorer.hpp"
#include "support/test.hpp"

using namespace edgeloop::host;
using edgeloop::test::close;

namespace {

// The scaled sigmoid written out independently: 2 * logistic(-5 y) - 1.
double sigma(double y) { return y >= 3.0 ? -1.0 : 2.0 * (1.0 / (1.0 + std::exp(5.0 * y))) - 1.0; }

// 200 rows (probation 30), windows [60, 69] (width 10) and [120, 139] (width 20).
nab_series two_windows() { return {"two", 200, {{60, 69}, {120, 139}}}; }

std::vector<double> detections_at(std::size_t rows, std::initializer_list<std::size_t> at) {
  std::vector<double> s(rows, 0.0);
  for (auto i : at) s[i] = 1.0;
  return s;
}

double raw_at_one(const nab_series& s, std::initializer_list<std::size_t> at, const nab_profile& p) {
  return nab_score_series(s, detections_at(s.rows, at), p, 1.0).raw;
}

// Brute force: for a threshold, walk the rows in time order; the FIRST detection of a
// window is its TP (weight from the closed form), every other detection outside windows an
// FP weighted by the distance after the preceding window; undetected windows cost FN.
double brute_force_raw(const nab_series& s, const std::vector<double>& scores, const nab_profile& p, double threshold) {
  const std::size_t probation = std::min<std::size_t>(s.rows * 15 / 100, 750);
  double raw = 0;
  for (std::size_t w = 0; w < s.windows.size(); ++w) {
    const auto& win = s.windows[w];
    bool found = false;
    for (std::size_t i = std::max(win.first, probation); i <= win.last && !found; ++i) {
      if (scores[i] >= threshold) {
        const double width = static_cast<double>(win.last - win.first + 1);
        raw += p.tp_weight * sigma(-static_cast<double>(win.last - i + 1) / width) / sigma(-1.0);
        found = true;
      }
    }
    if (!found) raw -= p.fn_weight;
  }
  for (std::size_t i = probation; i < s.rows; ++i) {
    if (scores[i] < threshold) continue;
    bool inside = false;
    const nab_window* prev = nullptr;
    for (const auto& win : s.windows) {
      if (i >= win.first && i <= win.last) inside = true;
      if (win.last < i) prev = &win;
    }
    if (inside) continue;
    if (!prev) raw -= p.fp_weight;
    else raw += p.fp_weight * sigma(static_cast<double>(i - prev->last) / static_cast<double>(prev->last - prev->first));
  }
  return raw;
}

}  // namespace

TEST_CASE("nab scaled sigmoid matches the values NAB documents", "[anomaly][nab]") {
  CHECK(close(nab_scaled_sigmoid(-1.0), 0.98661, 0, 5e-6));
  CHECK(close(nab_scaled_sigmoid(-0.5), 0.84828, 0, 5e-6));
  CHECK(close(nab_scaled_sigmoid(0.0), 0.0, 0, 1e-15));
  CHECK(close(nab_scaled_sigmoid(1.0), -0.98661, 0, 5e-6));
  CHECK(nab_scaled_sigmoid(3.0) == -1.0);
  CHECK(nab_scaled_sigmoid(10.0) == -1.0);
}

TEST_CASE("nab probation is 15% of the rows, at most 750", "[anomaly][nab]") {
  CHECK(nab_probation_rows(100) == 15);
  CHECK(nab_probation_rows(4033) == 604);  // floor(604.95)
  CHECK(nab_probation_rows(5000) == 750);
  CHECK(nab_probation_rows(22695) == 750);
}

TEST_CASE("nab standard profile: TP, FP and FN weights by hand", "[anomaly][nab]") {
  const nab_series s = two_windows();
  const nab_profile& p = nab_standard;
  // Nothing detected: two FNs.
  CHECK(close(raw_at_one(s, {}, p), -2.0, 0, 1e-12));
  // First row of each window: tp_weight each.
  CHECK(close(raw_at_one(s, {60, 120}, p), 2.0, 0, 1e-12));
  // Middle of window 1 (position -(69-65+1)/10 = -0.5), window 2 missed.
  const double tp_mid = sigma(-0.5) / sigma(-1.0);
  CHECK(close(tp_mid, 0.84828 / 0.98661, 0, 1e-5));
  CHECK(close(raw_at_one(s, {65}, p), tp_mid - 1.0, 0, 1e-12));
  // Only the first detection in a window counts (67 and 69 add nothing).
  CHECK(close(raw_at_one(s, {65, 67, 69}, p), tp_mid - 1.0, 0, 1e-12));
  // Last row of window 2: position -1/20, worth little but beats the FN.
  CHECK(close(raw_at_one(s, {60, 139}, p), 1.0 + sigma(-1.0 / 20) / sigma(-1.0), 0, 1e-12));
  // FP before any window: -0.11.
  CHECK(close(raw_at_one(s, {40, 60, 120}, p), 2.0 - 0.11, 0, 1e-12));
  // FP 6 rows after window 1 (width 10): 0.11 * sigma(6/9).
  CHECK(close(raw_at_one(s, {60, 75, 120}, p), 2.0 + 0.11 * sigma(6.0 / 9.0), 0, 1e-12));
  // FP right after window 1 is cheap (sigma(1/9) = -0.276 -> -0.030).
  CHECK(close(raw_at_one(s, {60, 70, 120}, p), 2.0 + 0.11 * sigma(1.0 / 9.0), 0, 1e-12));
  CHECK(raw_at_one(s, {60, 70, 120}, p) > raw_at_one(s, {60, 75, 120}, p));
  // FP far after window 2 (60 rows past, width 20: 60/19 >= 3): the full -0.11.
  CHECK(close(raw_at_one(s, {60, 120, 199}, p), 2.0 - 0.11, 0, 1e-12));
  // Detections in the probation period (rows < 30) count nothing.
  CHECK(close(raw_at_one(s, {5, 29, 60, 120}, p), 2.0, 0, 1e-12));
  CHECK(close(raw_at_one(s, {30, 60, 120}, p), 2.0 - 0.11, 0, 1e-12));
  // The counts.
  const auto r = nab_score_series(s, detections_at(s.rows, {40, 65, 67, 199}), p, 1.0);
  CHECK(r.windows == 2);
  CHECK(r.detected_windows == 1);
  CHECK(r.false_positives == 2);
}

TEST_CASE("nab reward_low_FP and reward_low_FN profiles change the FP and FN weights", "[anomaly][nab]") {
  const nab_series s = two_windows();
  CHECK(close(raw_at_one(s, {40, 60}, nab_reward_low_fp), 1.0 - 0.22 - 1.0, 0, 1e-12));
  CHECK(close(raw_at_one(s, {40, 60}, nab_reward_low_fn), 1.0 - 0.11 - 2.0, 0, 1e-12));
  CHECK(close(raw_at_one(s, {60, 75, 120}, nab_reward_low_fp), 2.0 + 0.22 * sigma(6.0 / 9.0), 0, 1e-12));
}

TEST_CASE("nab sweep equals a brute-force score at every threshold", "[anomaly][nab]") {
  const std::vector<nab_series> corpus = {two_windows(), {"none", 120, {}}, {"three", 900, {{200, 260}, {500, 501}, {880, 899}}}};
  edgeloop::rng gen(7);
  std::vector<std::vector<double>> scores;
  for (const auto& s : corpus) {
    std::vector<double> v(s.rows);
    // Few distinct values so that ties are exercised.
    for (auto& x : v) x = std::floor(gen.uniform(0.0, 1.0) * 40.0) / 40.0;
    scores.push_back(v);
  }
  for (const auto& p : nab_profiles) {
    const auto sweep = nab_sweep(corpus, scores, p);
    REQUIRE(sweep.size() >= 2);
    CHECK(std::isinf(sweep.front().threshold));
    double best = -std::numeric_limits<double>::infinity();
    for (const auto& t : sweep) {
      double brute = 0;
      for (std::size_t k = 0; k < corpus.size(); ++k) brute += brute_force_raw(corpus[k], scores[k], p, t.threshold);
      CHECK(close(t.score, brute, 1e-12, 1e-9));
      best = std::max(best, brute);
    }
    const auto r = nab_evaluate(corpus, scores, p);
    CHECK(close(r.raw, best, 1e-12, 1e-9));
  }
}

TEST_CASE("nab normalisation: the null detector scores 0, a perfect detector 100", "[anomaly][nab]") {
  const std::vector<nab_series> corpus = {two_windows(), {"none", 120, {}}, {"three", 900, {{200, 260}, {500, 501}, {880, 899}}}};
  std::vector<std::vector<double>> null_scores, perfect, half;
  for (const auto& s : corpus) {
    null_scores.emplace_back(s.rows, 0.5);
    perfect.emplace_back(s.rows, 0.0);
    half.emplace_back(s.rows, 0.0);
    for (const auto& w : s.windows) perfect.back()[w.first] = 1.0;
    for (std::size_t i = 0; i < s.windows.size(); i += 2) half.back()[s.windows[i].first] = 1.0;
  }
  for (const auto& p : nab_profiles) {
    const auto n = nab_evaluate(corpus, null_scores, p);
    CHECK(close(n.null_raw, -5.0 * p.fn_weight, 0, 1e-12));  // 5 windows, none detected
    CHECK(close(n.score, 0.0, 0, 1e-9));
    const auto r = nab_evaluate(corpus, perfect, p);
    CHECK(close(r.perfect_raw, 5.0 * p.tp_weight, 0, 1e-12));
    CHECK(close(r.score, 100.0, 0, 1e-9));
    CHECK(r.threshold == 1.0);
    CHECK(close(nab_normalised_series_score(r, 0), 100.0, 0, 1e-9));
    CHECK(std::isnan(nab_normalised_series_score(r, 1)));  // no window: undefined
    // Windows 1 of two and 1, 3 of three detected at their start: raw = 3 - 2 fn.
    const auto h = nab_evaluate(corpus, half, p);
    const double raw = 3.0 * p.tp_weight - 2.0 * p.fn_weight;
    CHECK(close(h.raw, raw, 0, 1e-12));
    CHECK(close(h.score, 100.0 * (raw + 5.0 * p.fn_weight) / (5.0 * p.tp_weight + 5.0 * p.fn_weight), 0, 1e-9));
  }
}

TEST_CASE("nab corpus reader maps window time stamps to rows", "[anomaly][nab]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("edgeloop_nab_test_" + std::to_string(std::rand()));
  fs::create_directories(dir / "labels");
  fs::create_directories(dir / "groupA");
  {
    std::ofstream j(dir / "labels" / "combined_windows.json");
    j << "{\n  \"groupA/a.csv\": [\n    [\n      \"2014-01-01 00:40:00.000000\",\n      \"2014-01-01 00:55:00.000000\"\n    ]\n  ],\n"
         "  \"groupA/missing.csv\": [],\n  \"groupA/b.csv\": []\n}\n";
    std::ofstream a(dir / "groupA" / "a.csv");
    a << "timestamp,value\n";
    for (int i = 0; i < 20; ++i) {
      char line[64];
      std::snprintf(line, sizeof line, "2014-01-01 %02d:%02d:00,%d.5\n", i * 5 / 60, i * 5 % 60, i);
      a << line;
    }
    std::ofstream b(dir / "groupA" / "b.csv");
    b << "timestamp,value\n2014-01-01 00:00:00,1\n2014-01-02 00:00:00,2\n";
  }
  const auto corpus = read_nab_corpus(dir.string());
  REQUIRE(corpus.size() == 2);
  CHECK(corpus[0].labels.name == "groupA/a.csv");
  CHECK(corpus[0].labels.rows == 20);
  REQUIRE(corpus[0].labels.windows.size() == 1);
  CHECK(corpus[0].labels.windows[0].first == 8);  // 00:40 = row 8
  CHECK(corpus[0].labels.windows[0].last == 11);  // 00:55 = row 11
  CHECK(corpus[0].values[3] == 3.5);
  CHECK(corpus[0].seconds[1] - corpus[0].seconds[0] == 300);
  CHECK(corpus[0].seconds[0] == 1388534400);  // 2014-01-01 00:00:00 UTC
  CHECK(corpus[1].labels.name == "groupA/b.csv");
  CHECK(corpus[1].labels.windows.empty());
#if defined(__cpp_exceptions)
  bool threw = false;
  try {
    static_cast<void>(read_nab_corpus((dir / "nowhere").string()));
  } catch (const parse_error&) {
    threw = true;
  }
  CHECK(threw);
#endif
  fs::remove_all(dir);
}

TEST_CASE("nab on the real corpus: null 0, perfect 100 (needs EDGELOOP_NAB_DIR)", "[anomaly][nab]") {
  const char* dir = std::getenv("EDGELOOP_NAB_DIR");
  if (!dir || !std::filesystem::exists(std::string(dir) + "/labels/combined_windows.json")) {
    WARN("skipped: set EDGELOOP_NAB_DIR to a NAB corpus (e.g. ../shared/data/nab) to run this check");
    return;
  }
  const auto data = read_nab_corpus(dir);
  std::vector<nab_series> corpus;
  std::vector<std::vector<double>> null_scores, perfect;
  for (const auto& s : data) {
    corpus.push_back(s.labels);
    null_scores.emplace_back(s.labels.rows, 0.5);
    perfect.emplace_back(s.labels.rows, 0.0);
    for (const auto& w : s.labels.windows) {
      CHECK(w.first >= nab_probation_rows(s.labels.rows));  // NAB: no window in probation
      perfect.back()[w.first] = 1.0;
    }
  }
  for (const auto& p : nab_profiles) {
    CHECK(close(nab_evaluate(corpus, null_scores, p).score, 0.0, 0, 1e-9));
    CHECK(close(nab_evaluate(corpus, perfect, p).score, 100.0, 0, 1e-9));
  }
}
