// rul_cmapss: remaining-useful-life prediction of turbofan engines with a Hoeffding tree
// regressor that learns one cycle at a time (NASA C-MAPSS, subset FD001).
//
//   14 informative sensors of one engine cycle (s2 s3 s4 s7 s8 s9 s11 s12 s13 s14 s15 s17
//   s20 s21)  ->  hoeffding_tree_regressor<float, 14, ...>  ->  remaining cycles
//
// Training: the training engines' cycles with target min(remaining cycles, 125) (the
// usual piecewise-linear RUL), learned one sample at a time for --passes passes, each pass
// in a fresh random order (--order shuffled, default; edgeloop::rng seeded with --seed) or
// in file order (--order file). Evaluation: the prediction at the last cycle of each test
// engine against min(true RUL, 125) from RUL_FD001.txt: RMSE and the PHM08 score
// sum(exp(-d/13) - 1 for d < 0, exp(d/10) - 1 for d >= 0), d = predicted - true.
//
// Usage: rul_cmapss DIR [--passes N] [--order shuffled|file] [--seed N] [--grace N]
//                       [--leaf mean|linear|adaptive] [--json]
// DIR holds train_FD001.txt, test_FD001.txt and RUL_FD001.txt.

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/host/command_line.hpp"
#include "edgeloop/host/timer.hpp"
#include "edgeloop/tree/hoeffding_tree_regressor.hpp"

using namespace edgeloop;

namespace {

constexpr std::size_t sensor_count = 14;
constexpr int sensors[sensor_count] = {2, 3, 4, 7, 8, 9, 11, 12, 13, 14, 15, 17, 20, 21};
constexpr float rul_cap = 125.0f;

// The model: 127 nodes (64 leaves), 6 observer slots of 16 bins; under 32 KB.
using model = hoeffding_tree_regressor<float, sensor_count, 127, 6, 16>;
static_assert(model::memory_bytes <= 32 * 1024, "the RUL model must fit in 32 KB");

struct options {
  std::string dir;
  unsigned passes = 5;
  bool shuffled = true;
  std::uint64_t seed = 1;
  std::uint32_t grace = 200;
  regression_leaf leaf = regression_leaf::adaptive;
  bool json = false;
};

const char* const usage_text =
    "usage: rul_cmapss DIR [--passes N] [--order shuffled|file] [--seed N] [--grace N]\n"
    "                      [--leaf mean|linear|adaptive] [--json]\n"
    "DIR: the C-MAPSS directory with train_FD001.txt, test_FD001.txt, RUL_FD001.txt\n";

options parse(int argc, char** argv) {
  options o;
  host::command_line cl("rul_cmapss", usage_text, argc, argv);
  while (cl.next()) {
    const std::string a = cl.argument();
    if (a == "--help" || a == "-h") {
      cl.show_usage();
    } else if (a == "--json") {
      o.json = true;
    } else if (a == "--passes") {
      o.passes = static_cast<unsigned>(cl.unsigned_value(1, 1000));
    } else if (a == "--seed") {
      o.seed = cl.unsigned_value(0, UINT64_MAX);
    } else if (a == "--grace") {
      o.grace = static_cast<std::uint32_t>(cl.unsigned_value(1, UINT32_MAX));
    } else if (a == "--order") {
      const std::string v = cl.value();
      if (v == "shuffled") o.shuffled = true;
      else if (v == "file") o.shuffled = false;
      else cl.fail("--order must be shuffled or file");
    } else if (a == "--leaf") {
      const std::string v = cl.value();
      if (v == "mean") o.leaf = regression_leaf::mean;
      else if (v == "linear") o.leaf = regression_leaf::linear;
      else if (v == "adaptive") o.leaf = regression_leaf::adaptive;
      else cl.fail("--leaf must be mean, linear or adaptive");
    } else if (!a.empty() && a[0] == '-') {
      cl.fail("unknown option '" + a + "'");
    } else if (o.dir.empty()) {
      o.dir = a;
    } else {
      cl.fail("more than one data directory");
    }
  }
  if (o.dir.empty()) cl.fail("the C-MAPSS data directory is required");
  return o;
}

struct cycle {
  int unit;
  int time;
  model::input_type x;
};

/// Reads a C-MAPSS trajectory file (26 whitespace-separated columns per row).
bool read_trajectories(const std::string& path, std::vector<cycle>& out) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "rul_cmapss: cannot open %s\n", path.c_str());
    return false;
  }
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    std::istringstream fields(line);
    double v[26];
    std::size_t n = 0;
    while (n < 26 && fields >> v[n]) ++n;
    if (n == 0) continue;
    double extra = 0;
    if (n != 26 || (fields >> extra)) {
      std::fprintf(stderr, "rul_cmapss: %s:%zu: expected 26 numbers\n", path.c_str(), line_number);
      return false;
    }
    cycle c{static_cast<int>(v[0]), static_cast<int>(v[1]), {}};
    for (std::size_t k = 0; k < sensor_count; ++k) c.x[k] = static_cast<float>(v[5 + sensors[k] - 1]);
    out.push_back(c);
  }
  if (out.empty()) {
    std::fprintf(stderr, "rul_cmapss: %s has no rows\n", path.c_str());
    return false;
  }
  return true;
}

bool read_rul(const std::string& path, std::vector<float>& out) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "rul_cmapss: cannot open %s\n", path.c_str());
    return false;
  }
  double v = 0;
  while (in >> v) out.push_back(static_cast<float>(v));
  if (!in.eof() || out.empty()) {
    std::fprintf(stderr, "rul_cmapss: %s: expected one number per line\n", path.c_str());
    return false;
  }
  return true;
}

/// Targets min(last cycle of the unit - cycle, cap) of a training file (units contiguous).
std::vector<float> training_targets(const std::vector<cycle>& rows) {
  std::vector<float> y(rows.size());
  std::size_t begin = 0;
  while (begin < rows.size()) {
    std::size_t end = begin;
    while (end < rows.size() && rows[end].unit == rows[begin].unit) ++end;
    const int last = rows[end - 1].time;
    for (std::size_t i = begin; i < end; ++i) {
      const float rul = static_cast<float>(last - rows[i].time);
      y[i] = rul < rul_cap ? rul : rul_cap;
    }
    begin = end;
  }
  return y;
}

model the_model;  // static storage: the device keeps it in RAM

}  // namespace

int main(int argc, char** argv) {
  const options opt = parse(argc, argv);
  std::vector<cycle> train, test;
  std::vector<float> rul;
  if (!read_trajectories(opt.dir + "/train_FD001.txt", train) || !read_trajectories(opt.dir + "/test_FD001.txt", test) ||
      !read_rul(opt.dir + "/RUL_FD001.txt", rul))
    return 1;
  const std::vector<float> y = training_targets(train);

  // Last row of each test unit, in unit order.
  std::vector<std::size_t> last_rows;
  for (std::size_t i = 0; i < test.size(); ++i)
    if (i + 1 == test.size() || test[i + 1].unit != test[i].unit) last_rows.push_back(i);
  if (last_rows.size() != rul.size()) {
    std::fprintf(stderr, "rul_cmapss: %zu test units but %zu values in RUL_FD001.txt\n", last_rows.size(), rul.size());
    return 1;
  }

  model::params p;
  p.grace_period = opt.grace;
  p.leaf = opt.leaf;
  the_model = model(p);
  rng g(opt.seed);
  std::vector<std::size_t> order(train.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::size_t learned = 0;
  const host::stopwatch clock;
  for (unsigned pass = 0; pass < opt.passes; ++pass) {
    if (opt.shuffled)
      for (std::size_t i = order.size(); i > 1; --i)
        std::swap(order[i - 1], order[g.uniform_int(static_cast<std::uint32_t>(i))]);
    for (const std::size_t i : order) {
      if (the_model.partial_fit(train[i].x, y[i]) != status::ok) {
        std::fprintf(stderr, "rul_cmapss: training row %zu rejected\n", i);
        return 1;
      }
      ++learned;
    }
  }
  const double train_seconds = clock.elapsed_seconds();

  double sse = 0, score = 0;
  for (std::size_t u = 0; u < last_rows.size(); ++u) {
    const double truth = rul[u] < rul_cap ? rul[u] : rul_cap;
    const double d = static_cast<double>(the_model.predict(test[last_rows[u]].x)) - truth;
    sse += d * d;
    score += d < 0 ? std::exp(-d / 13.0) - 1.0 : std::exp(d / 10.0) - 1.0;
  }
  const double rmse = std::sqrt(sse / static_cast<double>(last_rows.size()));
  const char* leaf_name = opt.leaf == regression_leaf::mean ? "mean" : opt.leaf == regression_leaf::linear ? "linear" : "adaptive";

  if (!opt.json) {
    std::printf("C-MAPSS FD001: %zu training cycles (%u passes, %s), %zu test engines\n", train.size(), opt.passes,
                opt.shuffled ? "shuffled" : "file order", last_rows.size());
    std::printf("hoeffding_tree_regressor (%s leaves, grace %u): %zu nodes, %zu leaves, %zu bytes\n", leaf_name,
                static_cast<unsigned>(opt.grace), the_model.node_count(), the_model.leaf_count(), model::memory_bytes);
    std::printf("last-cycle RMSE %.2f, PHM08 score %.1f (target min(RUL, 125))\n", rmse, score);
    std::printf("learned %zu samples in %.3f s (%.0f samples/s)\n", learned, train_seconds,
                static_cast<double>(learned) / train_seconds);
  }
  if (opt.json)
    std::printf("{\"dataset\":\"FD001\",\"train_cycles\":%zu,\"test_engines\":%zu,\"passes\":%u,\"order\":\"%s\","
                "\"seed\":%llu,\"leaf\":\"%s\",\"grace_period\":%u,\"rmse\":%.4f,\"phm08_score\":%.2f,"
                "\"nodes\":%zu,\"leaves\":%zu,\"memory_bytes\":%zu,\"train_seconds\":%.4f,\"samples_per_second\":%.0f}\n",
                train.size(), last_rows.size(), opt.passes, opt.shuffled ? "shuffled" : "file",
                static_cast<unsigned long long>(opt.seed), leaf_name, static_cast<unsigned>(opt.grace), rmse, score,
                the_model.node_count(), the_model.leaf_count(), model::memory_bytes, train_seconds,
                static_cast<double>(learned) / train_seconds);
  return 0;
}
