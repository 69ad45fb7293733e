// svm_weather: batch SMO kernel SVM against an online budgeted kernel SVM (BSGD, 64
// support vectors) and linear Pegasos on the weather data set (rain tomorrow, 8 features):
// first 70% of the rows train, last 30% test, features standardised with a scaler fitted
// on the training part, RBF kernel with C = 1 and gamma = 1 / (features * variance) = 1/8
// (scikit-learn's "scale" on standardised data). See README.md.
//
//   svm_weather DATA.csv [--json] [--epochs N] [--gamma G] [--c C] [--seed S]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/host/csv_reader.hpp"
#include "edgeloop/preprocessing/standard_scaler.hpp"
#include "edgeloop/svm/budget_kernel_svm.hpp"
#include "edgeloop/svm/pegasos.hpp"
#include "edgeloop/svm/smo_svm.hpp"

namespace {

constexpr std::size_t features = 8;
constexpr std::size_t max_train = 13000;
constexpr std::size_t budget = 64;
using row = std::array<float, features>;
using smo_model = edgeloop::smo_svm<float, features, max_train>;
using bsgd_model = edgeloop::budget_kernel_svm<float, features, budget>;
using pegasos_model = edgeloop::pegasos<float, features>;

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

template <class Model>
double accuracy(const Model& m, const std::vector<row>& x, const std::vector<edgeloop::class_label>& y) {
  std::size_t correct = 0;
  for (std::size_t i = 0; i < x.size(); ++i) correct += m.predict(x[i]) == y[i] ? 1u : 0u;
  return 100.0 * static_cast<double>(correct) / static_cast<double>(x.size());
}

int usage(const char* argv0) {
  std::fprintf(stderr, "usage: %s DATA.csv [--json] [--epochs N] [--gamma G] [--c C] [--seed S]\n", argv0);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string path;
  bool json = false;
  int epochs = 5;
  double gamma = 1.0 / features, c = 1.0;
  unsigned long seed = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (a == "--json") json = true;
    else if (a == "--epochs" || a == "--gamma" || a == "--c" || a == "--seed") {
      const char* v = next();
      if (!v) return usage(argv[0]);
      if (a == "--epochs") epochs = std::atoi(v);
      else if (a == "--gamma") gamma = std::atof(v);
      else if (a == "--c") c = std::atof(v);
      else seed = std::strtoul(v, nullptr, 10);
    } else if (!a.empty() && a[0] == '-') return usage(argv[0]);
    else path = a;
  }
  if (path.empty()) return usage(argv[0]);
  if (epochs < 1 || !(gamma > 0) || !(c > 0)) return usage(argv[0]);

  edgeloop::host::dataset d;
  try {
    edgeloop::host::csv_options o;
    o.task = edgeloop::host::csv_task::classification;
    o.class_names = {"0", "1"};
    d = edgeloop::host::read_csv(path, o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "svm_weather: cannot read '%s': %s\n", path.c_str(), e.what());
    return 1;
  }
  if (d.feature_count() != features || d.size() < 10) {
    std::fprintf(stderr, "svm_weather: '%s' must have %zu feature columns and a 0/1 target\n", path.c_str(), features);
    return 1;
  }
  const std::size_t n_train = d.size() * 7 / 10;
  if (n_train > max_train) {
    std::fprintf(stderr, "svm_weather: %zu training rows exceed the buffer (%zu)\n", n_train, max_train);
    return 1;
  }

  // Scaler fitted on the training rows only.
  edgeloop::standard_scaler<float, features> scaler;
  std::vector<row> x(d.size());
  std::vector<edgeloop::class_label> y(d.size());
  for (std::size_t i = 0; i < d.size(); ++i) {
    for (std::size_t j = 0; j < features; ++j) x[i][j] = d.rows[i][j];
    y[i] = d.label(i);
    if (i < n_train && scaler.partial_fit(x[i]) != edgeloop::status::ok) {
      std::fprintf(stderr, "svm_weather: row %zu is not finite\n", i + 1);
      return 1;
    }
  }
  for (auto& r : x) r = scaler.transform(r);
  const std::vector<row> x_train(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(n_train));
  const std::vector<row> x_test(x.begin() + static_cast<std::ptrdiff_t>(n_train), x.end());
  const std::vector<edgeloop::class_label> y_train(y.begin(), y.begin() + static_cast<std::ptrdiff_t>(n_train));
  const std::vector<edgeloop::class_label> y_test(y.begin() + static_cast<std::ptrdiff_t>(n_train), y.end());

  // Batch SMO (about 700 KB: on the heap in this host program).
  smo_model::params sp;
  sp.c = static_cast<float>(c);
  sp.kernel.gamma = static_cast<float>(gamma);
  auto smo = std::make_unique<smo_model>(sp);
  for (std::size_t i = 0; i < n_train; ++i)
    if (smo->add(x_train[i], y_train[i]) != edgeloop::status::ok) return 1;
  auto t0 = std::chrono::steady_clock::now();
  if (smo->fit() != edgeloop::status::ok) {
    std::fprintf(stderr, "svm_weather: smo_svm could not train\n");
    return 1;
  }
  const double smo_seconds = seconds_since(t0);
  const double smo_acc = accuracy(*smo, x_test, y_test);

  // Online BSGD with 64 support vectors: lambda = 1 / (C n), `epochs` shuffled passes.
  bsgd_model::params bp;
  bp.lambda = static_cast<float>(1.0 / (c * static_cast<double>(n_train)));
  bp.kernel.gamma = static_cast<float>(gamma);
  bp.maintenance = edgeloop::budget_maintenance::merging;
  auto bsgd = std::make_unique<bsgd_model>(bp);
  pegasos_model::params pp;
  pp.lambda = bp.lambda;
  auto peg = std::make_unique<pegasos_model>(pp);
  std::vector<std::uint32_t> order(n_train);
  for (std::uint32_t i = 0; i < n_train; ++i) order[i] = i;
  edgeloop::rng r(seed);
  t0 = std::chrono::steady_clock::now();
  for (int e = 0; e < epochs; ++e) {
    r.shuffle(order);
    for (const std::uint32_t i : order)
      if (bsgd->partial_fit(x_train[i], y_train[i]) != edgeloop::status::ok) return 1;
  }
  const double bsgd_seconds = seconds_since(t0);
  const double bsgd_acc = accuracy(*bsgd, x_test, y_test);
  for (int e = 0; e < epochs; ++e) {
    r.shuffle(order);
    for (const std::uint32_t i : order) static_cast<void>(peg->partial_fit(x_train[i], y_train[i]));
  }
  const double peg_acc = accuracy(*peg, x_test, y_test);
  std::size_t majority = 0;
  for (auto v : y_test) majority += v;
  const double majority_acc =
      100.0 * static_cast<double>(majority * 2 > y_test.size() ? majority : y_test.size() - majority) /
      static_cast<double>(y_test.size());

  std::printf("weather: %zu rows, train %zu, test %zu, C %g, gamma %g\n", d.size(), n_train, x_test.size(), c, gamma);
  std::printf("  majority class          %6.2f%%\n", majority_acc);
  std::printf("  smo_svm (WSS2)          %6.2f%%  %zu support vectors (%zu at C), %u iterations, rho %.4f, dual objective %.3f, %.2f s, %s\n", smo_acc,
              smo->support_vectors(), smo->bounded_support_vectors(), smo->iterations(), static_cast<double>(smo->rho()), static_cast<double>(smo->dual_objective()), smo_seconds,
              smo->converged() ? "converged" : "iteration limit");
  std::printf("  budget_kernel_svm (64)  %6.2f%%  (%.1f%% of smo_svm) %d epochs, %.2f s, memory_bytes %zu\n", bsgd_acc,
              100.0 * bsgd_acc / smo_acc, epochs, bsgd_seconds, bsgd_model::memory_bytes);
  std::printf("  pegasos (linear)        %6.2f%%  memory_bytes %zu\n", peg_acc, pegasos_model::memory_bytes);
  if (json) {
    std::printf(
        "{\"rows\":%zu,\"train\":%zu,\"test\":%zu,\"c\":%g,\"gamma\":%g,\"majority_accuracy\":%.4f,"
        "\"smo_accuracy\":%.4f,\"smo_support_vectors\":%zu,\"smo_bounded_support_vectors\":%zu,\"smo_iterations\":%u,"
        "\"smo_rho\":%.6f,\"smo_dual_objective\":%.3f,\"smo_seconds\":%.3f,\"smo_memory_bytes\":%zu,\"bsgd_budget\":%zu,\"bsgd_epochs\":%d,\"bsgd_accuracy\":%.4f,"
        "\"bsgd_ratio\":%.4f,\"bsgd_seconds\":%.3f,\"bsgd_memory_bytes\":%zu,\"pegasos_accuracy\":%.4f}\n",
        d.size(), n_train, x_test.size(), c, gamma, majority_acc, smo_acc, smo->support_vectors(),
        smo->bounded_support_vectors(), smo->iterations(), static_cast<double>(smo->rho()),
        static_cast<double>(smo->dual_objective()), smo_seconds, smo_model::memory_bytes, budget, epochs,
        bsgd_acc, bsgd_acc / smo_acc, bsgd_seconds, bsgd_model::memory_bytes, peg_acc);
  }
  return 0;
}
