// edgeloop-eval: anomaly detectors on univariate series and the `nab` command.
//
//   edgeloop-eval nab --data DIR --detector NAME [--param k=v]... [--param post.k=v]... [--json]
//   edgeloop-eval list-detectors
//
// Pipeline per series (the defaults are the same for every series; only the probation
// length, which NAB hands to every detector, depends on the series' length):
//   value -> univariate_features<double, 32> (value, delta, rolling mean/std, deviation)
//         -> the detector's features (others 0; param features=value,delta,...), optionally
//            standardised by a streaming standard_scaler (param standardize)
//         -> detector: score with what was learned before the value, then learn it
//         -> raw = min(1, max(0, score - offset) / scale)        (params offset, scale)
//         -> likelihood_ensemble<double, Members, 10>: anomaly_likelihood per member (learning
//            period = NAB probation; post.likelihood, post.learning_period, post.min_std,
//            post.long_forgetting), the largest member likelihood, and a "red" alarm
//            (likelihood >= 0.99999) right after another red alarm lowered to 0.999
//            (Numenta's filtering of repeated alarms; post.suppress_repeats, and
//            post.refractory rows after a red alarm, default 0). One member for a single
//            detector; an ensemble ("ensemble", or --detector A+B) has several.
//         -> log_scale() in [0, 1]
//         -> 1.0 for a value outside the range seen so far by more than
//            post.spatial_tolerance x that range (Numenta's "spatial anomaly" rule).
// The NAB scorer (host/nab_scorer.hpp) then picks one threshold per profile over the corpus.
// The defaults (features, scale, nu/gamma, spatial tolerance 0.02) were chosen on the NAB
// corpus as a whole, never per series. Baselines: --detector null (constant 0.5) and
// --detector perfect (a detection at the first row of every window) score 0 and 100.
// One template instantiation per detector (double, 5 features).

#include "detectors.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "edgeloop/anomaly/autoencoder_detector.hpp"
#include "edgeloop/anomaly/gaussian_detector.hpp"
#include "edgeloop/anomaly/half_space_trees.hpp"
#include "edgeloop/anomaly/likelihood_ensemble.hpp"
#include "edgeloop/anomaly/one_class_svm_detector.hpp"
#include "edgeloop/anomaly/univariate_features.hpp"
#include "edgeloop/nn/dense.hpp"
#include "edgeloop/nn/sequential.hpp"
#include "edgeloop/nn/tanh.hpp"
#include "edgeloop/preprocessing/standard_scaler.hpp"
#include "edgeloop/host/nab_scorer.hpp"

namespace edgeloop_eval {

namespace {

using front_end = edgeloop::univariate_features<double, 32>;  // value, delta, rolling mean/std, deviation
constexpr std::size_t front_end_features = front_end::size;
using features = std::array<double, front_end_features>;

template <class Params, class Visit>
Params bind_options(const param_map& values, const std::string& stage, Visit visit) {
  Params p{};
  param_binder b(values, stage);
  visit(p, b);
  b.finish();
  return p;
}

/// What every detector shares: which front-end features it sees (the others are 0), whether
/// they are standardised first (streaming standard_scaler), and the map of the detector's
/// score s to the raw score min(1, max(0, s - offset) / scale).
struct common_options {
  std::string features = "value,delta";
  bool standardize = false;
  double offset = 0;
  double scale = 1;
};

template <class B>
void bind_common(common_options& c, B& b) {
  b("standardize", c.standardize);
  b("offset", c.offset);
  b("scale", c.scale);
}

std::array<bool, front_end_features> feature_mask(const std::string& list) {
  static const char* names[] = {"value", "delta", "mean", "std", "deviation"};
  static_assert(std::size(names) == front_end_features);
  std::array<bool, front_end_features> mask{};
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    const std::string name = list.substr(start, comma - start);
    bool found = false;
    for (std::size_t i = 0; i < front_end_features; ++i)
      if (name == names[i]) mask[i] = found = true;
    if (!found) throw usage_error("unknown feature '" + name + "' (features: value, delta, mean, std, deviation)");
    start = comma + 1;
  }
  return mask;
}

/// front end -> selected features -> (scaler) -> detector: score with what was learned
/// before the value, then learn it.
template <class Detector>
class detector_scorer final : public series_scorer {
 public:
  detector_scorer(const common_options& c, const typename Detector::params& p)
      : mask_(feature_mask(c.features)), standardize_(c.standardize), offset_(c.offset), scale_(c.scale), detector_(p) {
    if (!(scale_ > 0)) throw usage_error("scale must be > 0");
  }
  double step(double value, std::int64_t seconds) override {
    features x{};
    if (front_.transform(value, seconds, x) != edgeloop::status::ok) return 0.0;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (!mask_[i]) x[i] = 0;
    if (standardize_) {
      static_cast<void>(scaler_.partial_fit(x));
      x = scaler_.transform(x);
    }
    typename Detector::scalar_type s = 0;
    if (edgeloop::score_then_learn(detector_, x, s) != edgeloop::status::ok) return 0.0;
    return std::min(1.0, std::max(0.0, static_cast<double>(s) - offset_) / scale_);
  }

 private:
  std::array<bool, front_end_features> mask_;
  bool standardize_;
  double offset_, scale_;
  front_end front_;
  edgeloop::standard_scaler<double, front_end_features> scaler_;
  Detector detector_;
};

using gaussian = edgeloop::gaussian_detector<double, front_end_features>;
using hst = edgeloop::half_space_trees<double, front_end_features>;  // 10 trees, depth 8, window 250
using autoencoder_net = edgeloop::nn::sequential<double, edgeloop::nn::shape<front_end_features>, edgeloop::nn::dense<2>,
                                                 edgeloop::nn::tanh, edgeloop::nn::dense<front_end_features>>;
using autoencoder = edgeloop::autoencoder_detector<autoencoder_net>;
using ocsvm = edgeloop::one_class_svm_detector<double, front_end_features, 256>;

/// Registers Detector under `name`: `defaults` are the tuned common options, `visit` binds
/// the detector's own parameters.
template <class Detector, class Visit>
detector_entry entry(std::string name, std::string description, common_options defaults,
                     typename Detector::params detector_defaults, Visit visit) {
  auto make = [name, defaults, detector_defaults, visit](const param_map& m) -> std::unique_ptr<series_scorer> {
    struct all {
      common_options c;
      typename Detector::params d;
    };
    param_map rest = m;  // "features" is a list, not a number: taken here
    all a{defaults, detector_defaults};
    if (const auto it = rest.find("features"); it != rest.end()) a.c.features = it->second, rest.erase(it);
    param_binder b(rest, name);
    bind_common(a.c, b);
    visit(a.d, b);
    b.finish();
    if (Detector::validate(a.d) != edgeloop::status::ok) throw usage_error("invalid parameters for " + name);
    return std::make_unique<detector_scorer<Detector>>(a.c, a.d);
  };
  return {std::move(name), std::move(description), make, {}};
}

std::vector<detector_entry> make_detectors() {
  std::vector<detector_entry> d;
  d.push_back(entry<gaussian>(
      "gaussian_detector", "squared Mahalanobis distance of [value, delta] (forgetting 0.99), raw = min(1, d^2/20)",
      {"value,delta", false, 0, 20}, gaussian::params{0.99, 1e-3, 1e-9}, [](auto& p, auto& b) {
        b("forgetting", p.forgetting);
        b("ridge_relative", p.ridge_relative);
        b("ridge_absolute", p.ridge_absolute);
      }));
  hst::params hp;
  hp.learn_ranges = true;
  d.push_back(entry<hst>("half_space_trees",
                         "half-space trees on [value, delta] (10 trees, depth 8, window 250, ranges of the first window)",
                         {"value,delta", false, 0, 1}, hp, [](auto& p, auto& b) {
                           b("size_limit", p.size_limit);
                           b("seed", p.seed);
                         }));
  autoencoder::params ap;
  d.push_back(entry<autoencoder>("autoencoder_detector",
                                 "5-2-5 tanh autoencoder (Adam) on the standardised front end, raw = min(1, MSE/scale)",
                                 {"value,delta,mean,std,deviation", false, 0, 5}, ap, [](auto& p, auto& b) {
                                   b("learning_rate", p.learner.optimizer.learning_rate);
                                   b("seed", p.learner.seed);
                                 }));
  ocsvm::params op;
  op.gamma = 0.5;
  d.push_back(entry<ocsvm>("one_class_svm",
                           "online one-class SVM (nu 0.1, RBF gamma 0.5 via 256 random Fourier features) on the standardised [value, delta]",
                           {"value,delta", true, 0, 1}, op, [](auto& p, auto& b) {
                             b("nu", p.nu);
                             b("gamma", p.gamma);
                             b("seed", p.seed);
                           }));
  // The two best single detectors on NAB, of different kinds (reconstruction error of five
  // window features; a kernel boundary around [value, delta]): an alarm when either finds
  // the recent past improbable. Members' parameters: NAME.KEY, or KEY for both (seed).
  d.push_back({"ensemble",
               "likelihood_ensemble of autoencoder_detector and one_class_svm (the larger of their anomaly likelihoods)",
               {},
               {"autoencoder_detector", "one_class_svm"}});
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
  std::uint32_t refractory = 0;  ///< rows after a red alarm during which another red alarm is lowered too
  double spatial_tolerance = 0.02;  ///< <= 0: off (Numenta uses 0.05; 0.02 scored higher here for every detector)
};

/// Members' raw scores -> likelihood_ensemble (one anomaly_likelihood per member, the
/// largest likelihood, Numenta's filter of repeated red alarms) -> log scaling, then the
/// spatial rule on the value. One member: the single-detector pipeline.
template <std::size_t Members>
std::vector<double> score_series_with(const edgeloop::host::nab_data_series& s,
                                      const std::vector<std::unique_ptr<series_scorer>>& members, const post_params& pp) {
  using ensemble = edgeloop::likelihood_ensemble<double, Members, 10>;
  typename ensemble::params ep;
  ep.likelihood.learning_period = pp.learning_period ? pp.learning_period
                                                     : static_cast<std::uint32_t>(edgeloop::host::nab_probation_rows(s.values.size()));
  ep.likelihood.min_std = pp.min_std;
  ep.likelihood.long_forgetting = pp.long_forgetting;
  ep.suppress_repeats = pp.suppress_repeats;
  ep.refractory = pp.refractory;
  if (ensemble::validate(ep) != edgeloop::status::ok) throw usage_error("invalid post-processing parameters");
  ensemble combined(ep);
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  std::vector<double> out;
  out.reserve(s.values.size());
  for (std::size_t i = 0; i < s.values.size(); ++i) {
    const double v = s.values[i];
    typename ensemble::input_type raw{};
    double score = 0;
    for (std::size_t m = 0; m < Members; ++m) {
      raw[m] = members[m]->step(v, s.seconds[i]);
      score = std::max(score, raw[m]);
    }
    if (pp.likelihood) {
      double l = 0.5;
      static_cast<void>(combined.score_then_learn(raw, l));  // raw scores are in [0, 1], never rejected
      score = ensemble::log_scale(l);
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

constexpr std::size_t max_members = 4;

std::vector<double> score_series(const edgeloop::host::nab_data_series& s,
                                 const std::vector<std::unique_ptr<series_scorer>>& members, const post_params& pp) {
  switch (members.size()) {
    case 1: return score_series_with<1>(s, members, pp);
    case 2: return score_series_with<2>(s, members, pp);
    case 3: return score_series_with<3>(s, members, pp);
    case 4: return score_series_with<4>(s, members, pp);
    default: throw usage_error("an ensemble has 1 to " + std::to_string(max_members) + " members");
  }
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
  // NAME, a registered ensemble, or NAME+NAME+... (an ensemble: the largest likelihood of
  // the members' likelihoods).
  std::vector<const detector_entry*> entries;
  auto find = [](const std::string& name) -> const detector_entry* {
    for (const auto& e : detectors())
      if (e.name == name) return &e;
    throw usage_error("unknown detector '" + name + "' (see edgeloop-eval list-detectors; baselines: null, perfect)");
  };
  if (!baseline) {
    std::size_t start = 0;
    while (start <= req.detector.size()) {
      const std::size_t plus = std::min(req.detector.find('+', start), req.detector.size());
      const detector_entry* e = find(req.detector.substr(start, plus - start));
      if (e->members.empty()) entries.push_back(e);
      for (const auto& m : e->members) entries.push_back(find(m));
      start = plus + 1;
    }
    if (entries.size() > max_members) throw usage_error("an ensemble has 1 to " + std::to_string(max_members) + " members");
  }

  // "post.KEY" for the post-processing; in an ensemble "NAME.KEY" for member NAME and a plain
  // KEY for every member (e.g. seed).
  param_map post_values;
  std::vector<param_map> member_params(entries.size());
  for (const auto& [k, v] : req.params) {
    if (k.rfind("post.", 0) == 0) {
      post_values[k.substr(5)] = v;
      continue;
    }
    bool prefixed = false;
    for (std::size_t m = 0; m < entries.size(); ++m) {
      const std::string prefix = entries[m]->name + ".";
      if (entries.size() > 1 && k.rfind(prefix, 0) == 0) member_params[m][k.substr(prefix.size())] = v, prefixed = true;
    }
    if (!prefixed)
      for (auto& mp : member_params) mp[k] = v;
  }
  const auto pp = bind_options<post_params>(post_values, "post", [](auto& p, auto& b) {
    b("likelihood", p.likelihood);
    b("learning_period", p.learning_period);
    b("min_std", p.min_std);
    b("long_forgetting", p.long_forgetting);
    b("suppress_repeats", p.suppress_repeats);
    b("refractory", p.refractory);
    b("spatial_tolerance", p.spatial_tolerance);
  });
  if (baseline && !req.params.empty()) throw usage_error("the " + req.detector + " baseline takes no parameters");
  for (std::size_t m = 0; m < entries.size(); ++m)
    static_cast<void>(entries[m]->make(member_params[m]));  // parameter errors before reading data

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
      std::vector<std::unique_ptr<series_scorer>> members;
      for (std::size_t m = 0; m < entries.size(); ++m) members.push_back(entries[m]->make(member_params[m]));
      scores.push_back(score_series(s, members, pp));
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
      if (i) j += ',';
      j += json_name(r.profile.name) + ":{\"score\":" + json_number(r.score) +
           ",\"threshold\":" + json_number(r.threshold) + ",\"raw\":" + json_number(r.raw) +
           ",\"null\":" + json_number(r.null_raw) + ",\"perfect\":" + json_number(r.perfect_raw) + "}";
    }
    j += "},\"series\":[";
    for (std::size_t k = 0; k < corpus.size(); ++k) {
      const auto& s = standard.series[k];
      if (k) j += ',';
      j += std::string("{\"name\":") + json_name(corpus[k].name) +
           ",\"rows\":" + std::to_string(corpus[k].rows) + ",\"windows\":" + std::to_string(s.windows) +
           ",\"detected\":" + std::to_string(s.detected_windows) + ",\"false_positives\":" + std::to_string(s.false_positives);
      for (std::size_t i = 0; i < results.size(); ++i)
        j += ',' + json_name(std::string(results[i].profile.name) + "_raw") + ':' + json_number(results[i].series[k].raw) +
             ',' + json_name(results[i].profile.name) + ':' + json_number(host::nab_normalised_series_score(results[i], k));
      j += "}";
    }
    j += "],\"seconds\":" + json_number(seconds) + "}";
    std::printf("%s\n", j.c_str());
  }
  return 0;
}

}  // namespace edgeloop_eval
