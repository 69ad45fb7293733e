// edgeloop-eval generate: a synthetic stream (edgeloop::streams) as CSV on stdout.
// Header x0..x{n-1},class; nominal attributes as their value index. With --drift the
// stream is a concept_drift_stream from the stream's concept to a second one: for streams
// with classification functions (sea, stagger, sine, agrawal) the next function
// (function + 1, or --param to_function=K); for the others the same generator with its
// concept seed + 1 (hyperplane: seed, random_rbf: model_seed, random_tree: tree_seed, led:
// n_drift_attributes = to_drift_attributes, default 3). "abrupt" is width 1.

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "edgeloop/eval/streams/agrawal.hpp"
#include "edgeloop/eval/streams/concept_drift_stream.hpp"
#include "edgeloop/eval/streams/hyperplane.hpp"
#include "edgeloop/eval/streams/led.hpp"
#include "edgeloop/eval/streams/random_rbf_drift.hpp"
#include "edgeloop/eval/streams/random_tree.hpp"
#include "edgeloop/eval/streams/sea.hpp"
#include "edgeloop/eval/streams/sine.hpp"
#include "edgeloop/eval/streams/stagger.hpp"
#include "registry.hpp"

namespace edgeloop_eval {

namespace {

template <class Stream>
void write_csv(Stream& s, std::uint64_t n, std::FILE* out) {
  for (std::size_t j = 0; j < Stream::features; ++j) std::fprintf(out, "x%zu,", j);
  std::fprintf(out, "class\n");
  for (std::uint64_t i = 0; i < n; ++i) {
    const auto sample = s.next();
    for (std::size_t j = 0; j < Stream::features; ++j) std::fprintf(out, "%.9g,", static_cast<double>(sample.x[j]));
    std::fprintf(out, "%u\n", static_cast<unsigned>(sample.y));
  }
}

/// Binds the stream's params (`visit`), sets the seed, derives the second concept with
/// `drifted` when asked, and writes the samples.
template <class Stream, class Visit, class Drifted>
void run_stream(const generate_request& req, std::FILE* out, Visit visit, Drifted drifted) {
  typename Stream::params p{};
  param_binder b(req.params, req.stream);
  visit(p, b);
  p.seed = req.seed;
  typename Stream::params q = p;
  drifted(q, b);
  b.finish();
  if (Stream::validate(p) != edgeloop::status::ok || Stream::validate(q) != edgeloop::status::ok)
    throw usage_error("invalid parameters for stream " + req.stream);
  if (req.drift.empty()) {
    auto s = std::make_unique<Stream>(p);
    write_csv(*s, req.samples, out);
    return;
  }
  using drift_stream = edgeloop::streams::concept_drift_stream<Stream, Stream>;
  typename drift_stream::params dp{};
  dp.position = req.position;
  dp.width = req.drift == "abrupt" ? 1 : req.width;
  dp.seed = req.seed;
  if (drift_stream::validate(dp) != edgeloop::status::ok)
    throw usage_error("invalid drift position/width");
  auto s = std::make_unique<drift_stream>(Stream(p), Stream(q), dp);
  write_csv(*s, req.samples, out);
}

template <std::uint8_t Functions>
auto next_function() {
  return [](auto& q, param_binder& b) {
    q.function = static_cast<std::uint8_t>((q.function + 1) % Functions);
    b("to_function", q.function);
  };
}

}  // namespace

const std::vector<std::string>& stream_names() {
  static const std::vector<std::string> names = {"sea",        "stagger", "sine", "agrawal",
                                                 "hyperplane", "random_rbf", "led",  "random_tree"};
  return names;
}

void generate(const generate_request& req, std::FILE* out) {
  namespace st = edgeloop::streams;
  const std::string& n = req.stream;
  if (n == "sea")
    return run_stream<st::sea<float>>(req, out, [](auto& p, param_binder& b) {
      b("function", p.function); b("noise", p.noise); b("balance", p.balance);
    }, next_function<4>());
  if (n == "stagger")
    return run_stream<st::stagger<float>>(req, out, [](auto& p, param_binder& b) {
      b("function", p.function); b("balance", p.balance);
    }, next_function<3>());
  if (n == "sine")
    return run_stream<st::sine<float>>(req, out, [](auto& p, param_binder& b) {
      b("function", p.function); b("balance", p.balance);
    }, next_function<4>());
  if (n == "agrawal")
    return run_stream<st::agrawal<float>>(req, out, [](auto& p, param_binder& b) {
      b("function", p.function); b("perturbation", p.perturbation); b("balance", p.balance);
    }, next_function<10>());
  if (n == "hyperplane")
    return run_stream<st::hyperplane<float>>(req, out, [](auto& p, param_binder& b) {
      b("n_drift_features", p.n_drift_features); b("mag_change", p.mag_change); b("sigma", p.sigma); b("noise", p.noise);
    }, [](auto& q, param_binder&) { q.seed += 1; });
  if (n == "random_rbf")
    return run_stream<st::random_rbf_drift<float>>(req, out, [](auto& p, param_binder& b) {
      b("n_centroids", p.n_centroids); b("n_drift_centroids", p.n_drift_centroids); b("change_speed", p.change_speed);
      b("model_seed", p.model_seed);
    }, [](auto& q, param_binder&) { q.model_seed += 1; });
  if (n == "led")
    return run_stream<st::led<float>>(req, out, [](auto& p, param_binder& b) {
      b("noise", p.noise); b("n_drift_attributes", p.n_drift_attributes);
    }, [](auto& q, param_binder& b) { q.n_drift_attributes = 3; b("to_drift_attributes", q.n_drift_attributes); });
  if (n == "random_tree")
    return run_stream<st::random_tree<float>>(req, out, [](auto& p, param_binder& b) {
      b("max_depth", p.max_depth); b("first_leaf_level", p.first_leaf_level); b("leaf_fraction", p.leaf_fraction);
      b("tree_seed", p.tree_seed);
    }, [](auto& q, param_binder&) { q.tree_seed += 1; });
  std::string list;
  for (const auto& s : stream_names()) list += (list.empty() ? "" : ", ") + s;
  throw usage_error("unknown stream '" + n + "' (streams: " + list + ")");
}

}  // namespace edgeloop_eval
