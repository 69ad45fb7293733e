// edgeloop-eval: anomaly detectors on univariate series and the `nab` command.
//
// Pipeline per series (defaults are the same for every series; only the probation length,
// which NAB hands to every detector, depends on the series' length):
//   value -> front end [value, value - previous value]
//         -> detector (score with what was learned before, then learn) -> raw score in [0, 1]
//         -> anomaly_likelihood (short window 10, learning period = NAB probation)
//         -> a "red" alarm (likelihood >= 0.99999) right after another red alarm is lowered to
//            0.999 (Numenta's filtering of repeated alarms; post.suppress_repeats)
//         -> log_scale() in [0, 1]
//         -> 1.0 for a value outside the range seen so far by more than
//            post.spatial_tolerance x that range (Numenta's "spatial anomaly" rule).
// One template instantiation per detector (double, 2 features).

#include "detectors.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "edgeloop/anomaly/anomaly_likelihood.hpp"
#include "edgeloop/anomaly/gaussian_detector.hpp"
#include "edgeloop/anomaly/half_space_trees.hpp"
#include "edgeloop/host/nab_scorer.hpp"

namespace edgeloop_eval {

namespace {

constexpr std::size_t front_end_features = 2;
using features = std::array<double, front_end_features>;

/// [value, value - previous value] (0 for the first delta).
class delta_front_end {
 public:
  features operator()(double value) {
    const double delta = have_previous_ ? value - previous_ : 0.0;
    previous_ = value;
    have_previous_ = true;
    return {value, delta};
  }

 private:
  double previous_ = 0;
  bool have_previous_ = false;
};

template <class Params, class Visit>
Params bind_options(const param_map& values, const std::string& stage, Visit visit) {
  Params p{};
  param_binder b(values, stage);
  visit(p, b);
  b.finish();
  return p;
}

// ---------------------------------------------------------------------------------------
// The detectors.

using gaussian = edgeloop::gaussian_detector<double, front_end_features>;

/// Squared Mahalanobis distance of [value, delta] (forgetting 0.99: about 100 samples of
/// memory), raw = min(1, d^2 / scale): most rows score near 0, so the likelihood's short
/// window stands out when several do not.
class gaussian_scorer final : public series_scorer {
 public:
  struct options {
    gaussian::params detector{0.99, 1e-3, 1e-9};
    double scale = 20;
  };
  explicit gaussian_scorer(const options& o) : detector_(o.detector), scale_(o.scale) {}
  double step(double value, std::int64_t) override {
    double d2 = 0;
    static_cast<void>(edgeloop::score_then_learn(detector_, front_(value), d2));
    return std::min(1.0, d2 / scale_);
  }

 private:
  delta_front_end front_;
  gaussian detector_;
  double scale_;
};

using hst = edgeloop::half_space_trees<double, front_end_features>;  // 10 trees, depth 8, window 250

/// Half-space trees on [value, delta] with ranges learned from the first window; the score
/// is already in [0, 1].
class hst_scorer final : public series_scorer {
 public:
  explicit hst_scorer(const hst::params& p) : detector_(p) {}
  double step(double value, std::int64_t) override {
    double s = 0;
    static_cast<void>(edgeloop::score_then_learn(detector_, front_(value), s));
    return s;
  }

 private:
  delta_front_end front_;
  hst detector_;
};

std::vector<detector_entry> make_detectors() {
  std::vector<detector_entry> d;
  d.push_back({"gaussian_detector",
               "Mahalanobis distance of [value, delta] (forgetting 0.99), raw = min(1, d^2/20)",
               [](const param_map& m) -> std::unique_ptr<series_scorer> {
                 const auto o = bind_options<gaussian_scorer::options>(m, "gaussian_detector", [](auto& p, auto& b) {
                   b("forgetting", p.detector.forgetting);
                   b("ridge_relative", p.detector.ridge_relative);
                   b("ridge_absolute", p.detector.ridge_absolute);
                   b("scale", p.scale);
                 });
                 if (gaussian::validate(o.detector) != edgeloop::status::ok || !(o.scale > 0))
                   throw usage_error("invalid parameters for gaussian_detector");
                 return std::make_unique<gaussian_scorer>(o);
               }});
  d.push_back({"half_space_trees", "half-space trees on [value, delta] (10 trees, depth 8, window 250, learned ranges)",
               [](const param_map& m) -> std::unique_ptr<series_scorer> {
                 auto p = bind_options<hst::params>(m, "half_space_trees", [](auto& q, auto& b) {
                   b("size_limit", q.size_limit);
                   b("seed", q.seed);
                 });
                 p.learn_ranges = true;
                 if (hst::validate(p) != edgeloop::status::ok) throw usage_error("invalid parameters for half_space_trees");
                 return std::make_unique<hst_scorer>(p);
               }});
  return d;
}

// ---------------------------------------------------------------------------------------
// Post-processing and the NAB run.

struct post_params {
  bool likelihood = true;             ///< raw -> anomaly_likelihood (else the raw score is the output)
  std::uint32_t learning_period = 0;  ///< 0: the series' NAB probation length
  double min_std = 0.01;
  double long_forgetting = 1.0 - 1.0 / 8640.0;
  bool suppress_repeats = true;
  double spatial_tolerance = 0.05;  ///< <= 0: off
};

using likelihood = edgeloop::anomaly_likelihood<double, 10>;

std::vector<double> score_series(const edgeloop::host::nab_data_series& s, series_scorer& scorer, const post_params& pp) {
  likelihood::params lp;
  lp.learning_period = pp.learning_period ? pp.learning_period
                                          : static_cast<std::uint32_t>(edgeloop::host::nab_probation_rows(s.values.size()));
  lp.min_std = pp.min_std;
  lp.long_forgetting = pp.long_forgetting;
  if (likelihood::validate(lp) != edgeloop::status::ok) throw usage_error("invalid post-processing parameters");
  likelihood lk(lp);
  constexpr double red_tail = 1e-5, yellow_tail = 1e-3;
  double previous_tail = 1.0;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  std::vector<double> out;
  out.reserve(s.values.size());
  for (std::size_t i = 0; i < s.values.size(); ++i) {
    const double v = s.values[i];
    const double raw = scorer.step(v, s.seconds[i]);
    double score = raw;
    if (pp.likelihood) {
      double tail = 1.0 - lk.update(raw);
      const double this_tail = tail;
      if (pp.suppress_repeats && tail <= red_tail && previous_tail <= red_tail) tail = yellow_tail;
      previous_tail = this_tail;
      score = likelihood::log_scale(1.0 - tail);
    }
    if (pp.spatial_tolerance > 0 && i > 0) {
      const double margin = pp.spatial_tolerance * (hi - lo);
      if (hi > lo && (v > hi + margin || v < lo - margin)) score = 1.0;
    }
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    out.push_back(score);
  }
  return out;
}

std::string json_name(const std::string& s) {
  std::string out = "\"";
  for (const char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

}  // namespace

const std::vector<detector_entry>& detectors() {
  static const std::vector<detector_entry> list = make_detectors();
  return list;
}

int run_nab(const nab_request& req) {
  namespace host = edgeloop::host;
  if (req.data.empty()) throw usage_error("--data DIR (the NAB corpus folder) is required");
  if (req.detector.empty()) throw usage_error("--detector NAME is required (see edgeloop-eval list-detectors)");
  const bool baseline = req.detector == "null" || req.detector == "perfect";
  const detector_entry* entry = nullptr;
  for (const auto& e : detectors())
    if (e.name == req.detector) entry = &e;
  if (!entry && !baseline)
    throw usage_error("unknown detector '" + req.detector + "' (see edgeloop-eval list-detectors; baselines: null, perfect)");

  param_map detector_params, post_values;
  for (const auto& [k, v] : req.params) {
    if (k.rfind("post.", 0) == 0) post_values[k.substr(5)] = v;
    else detector_params[k] = v;
  }
  const auto pp = bind_options<post_params>(post_values, "post", [](auto& p, auto& b) {
    b("likelihood", p.likelihood);
    b("learning_period", p.learning_period);
    b("min_std", p.min_std);
    b("long_forgetting", p.long_forgetting);
    b("suppress_repeats", p.suppress_repeats);
    b("spatial_tolerance", p.spatial_tolerance);
  });
  if (baseline && !req.params.empty()) throw usage_error("the " + req.detector + " baseline takes no parameters");
  if (entry) static_cast<void>(entry->make(detector_params));  // parameter errors before reading data

  const auto data = host::read_nab_corpus(req.data);
  std::vector<host::nab_series> corpus;
  std::vector<std::vector<double>> scores;
  std::size_t rows = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const auto& s : data) {
    corpus.push_back(s.labels);
    rows += s.values.size();
    if (req.detector == "null") {
      scores.emplace_back(s.values.size(), 0.5);
    } else if (req.detector == "perfect") {
      scores.emplace_back(s.values.size(), 0.0);
      for (const auto& w : s.labels.windows) scores.back()[w.first] = 1.0;
    } else {
      auto scorer = entry->make(detector_params);
      scores.push_back(score_series(s, *scorer, pp));
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::vector<host::nab_profile_result> results;
  for (const auto& p : host::nab_profiles) results.push_back(host::nab_evaluate(corpus, scores, p));
  const auto& standard = results[0];

  std::printf("detector            %s\n", req.detector.c_str());
  std::printf("data                %s (%zu series, %zu rows)\n", req.data.c_str(), corpus.size(), rows);
  for (const auto& r : results)
    std::printf("%-19s %.2f (threshold %.6g, raw %.3f, null %.3f, perfect %.3f)\n", r.profile.name, r.score, r.threshold,
                r.raw, r.null_raw, r.perfect_raw);
  std::printf("rows_per_second     %.0f (detector + post-processing)\n", seconds > 0 ? static_cast<double>(rows) / seconds : 0.0);
  std::printf("%-58s %6s %7s %4s %3s %8s %8s\n", "series (standard profile)", "rows", "windows", "det", "fp", "raw", "score");
  for (std::size_t k = 0; k < corpus.size(); ++k) {
    const auto& s = standard.series[k];
    std::printf("%-58s %6zu %7zu %4zu %3zu %8.3f %8s\n", corpus[k].name.c_str(), corpus[k].rows, s.windows,
                s.detected_windows, s.false_positives, s.raw,
                json_number(host::nab_normalised_series_score(standard, k)).c_str());
  }
  if (req.json) {
    std::string j = "{\"detector\":" + json_name(req.detector) + ",\"data\":" + json_name(req.data) +
                    ",\"series_count\":" + std::to_string(corpus.size()) + ",\"rows\":" + std::to_string(rows) +
                    ",\"score\":" + json_number(standard.score) + ",\"profiles\":{";
    for (std::size_t i = 0; i < results.size(); ++i) {
      const auto& r = results[i];
      j += (i ? "," : "") + json_name(r.profile.name) + ":{\"score\":" + json_number(r.score) +
           ",\"threshold\":" + json_number(r.threshold) + ",\"raw\":" + json_number(r.raw) +
           ",\"null\":" + json_number(r.null_raw) + ",\"perfect\":" + json_number(r.perfect_raw) + "}";
    }
    j += "},\"series\":[";
    for (std::size_t k = 0; k < corpus.size(); ++k) {
      const auto& s = standard.series[k];
      j += (k ? "," : "") + std::string("{\"name\":") + json_name(corpus[k].name) +
           ",\"rows\":" + std::to_string(corpus[k].rows) + ",\"windows\":" + std::to_string(s.windows) +
           ",\"detected\":" + std::to_string(s.detected_windows) + ",\"false_positives\":" + std::to_string(s.false_positives);
      for (std::size_t i = 0; i < results.size(); ++i)
        j += "," + json_name(std::string(results[i].profile.name) + "_raw") + ":" + json_number(results[i].series[k].raw) +
             "," + json_name(results[i].profile.name) + ":" + json_number(host::nab_normalised_series_score(results[i], k));
      j += "}";
    }
    j += "],\"seconds\":" + json_number(seconds) + "}";
    std::printf("%s\n", j.c_str());
  }
  return 0;
}

}  // namespace edgeloop_eval
