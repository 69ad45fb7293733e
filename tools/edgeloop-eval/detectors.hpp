#pragma once
// edgeloop-eval: the anomaly detectors (detectors.cpp) and the NAB command.
//
// Every detector scores a univariate series through the same front end and
// post-processing (see detectors.cpp): features of each value -> detector -> raw score in
// [0, 1] -> likelihood_ensemble (anomaly_likelihood per member detector, the largest one,
// Numenta's alarm filtering) -> anomaly score in [0, 1] (higher = more anomalous). A single
// detector is an ensemble of one. The threshold is chosen by the NAB scorer over the corpus.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "params.hpp"

namespace edgeloop_eval {

/// Raw anomaly scores of one univariate series, one value at a time (score, then learn).
class series_scorer {
 public:
  virtual ~series_scorer() = default;
  /// Raw score of `value` in [0, 1] (higher = more anomalous), then learns it.
  virtual double step(double value, std::int64_t seconds) = 0;
};

struct detector_entry {
  std::string name;
  std::string description;
  std::function<std::unique_ptr<series_scorer>(const param_map&)> make;  ///< empty for an ensemble
  std::vector<std::string> members;  ///< an ensemble's member detectors (likelihood_ensemble), else empty
};

/// Every registered detector, in list order.
const std::vector<detector_entry>& detectors();

struct nab_request {
  std::string data;      ///< the NAB corpus folder (with labels/combined_windows.json)
  std::string detector;  ///< a registered detector, or the baselines "null" / "perfect"
  param_map params;      ///< detector parameters; "post.KEY" for the post-processing
  bool json = false;
};

/// Runs the detector over every series of the corpus and prints the NAB scores.
int run_nab(const nab_request& request);

}  // namespace edgeloop_eval
