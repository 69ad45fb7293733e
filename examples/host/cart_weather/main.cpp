// cart_weather: batch CART on the weather stream (8 features, rain / no rain), trained on
// the first 70% of the rows and tested on the last 30%, as scikit-learn's
// DecisionTreeClassifier(max_depth=8, min_samples_leaf=5) is in the data README. The
// trained tree is then compiled into a flat_tree, which must predict exactly like it.
//
// Usage: cart_weather FILE [--criterion gini|entropy] [--depth N] [--min-leaf N] [--json]
//   FILE: weather.csv (header row, 8 numeric features, target 0/1 in the last column)

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "edgeloop/host/command_line.hpp"
#include "edgeloop/host/csv_reader.hpp"
#include "edgeloop/tree/cart.hpp"
#include "edgeloop/tree/flat_tree.hpp"

using namespace edgeloop;

namespace {

constexpr std::size_t features = 8;
constexpr std::size_t classes = 2;
constexpr std::size_t max_nodes = 1023;       // depth 8 needs at most 511
constexpr std::size_t max_samples = 16384;    // the training part has 12,711 rows
using tree_type = cart<float, features, classes, max_nodes, max_samples>;
using flat_type = flat_tree<float, features, 511>;

}  // namespace

int main(int argc, char** argv) {
  std::string path;
  bool json = false;
  tree_type::params p;
  p.max_depth = 8;
  p.min_samples_leaf = 5;
  host::command_line cl("cart_weather",
                        "usage: cart_weather FILE [--criterion gini|entropy] [--depth N] [--min-leaf N] [--json]",
                        argc, argv);
  while (cl.next()) {
    const std::string a = cl.argument();
    if (a == "--json") {
      json = true;
    } else if (a == "--depth") {
      p.max_depth = static_cast<std::uint16_t>(cl.unsigned_value(1, 65535));
    } else if (a == "--min-leaf") {
      p.min_samples_leaf = static_cast<std::uint32_t>(cl.unsigned_value(1, 65535));
    } else if (a == "--criterion") {
      const std::string c = cl.value();
      if (c == "gini") p.criterion = cart_criterion::gini;
      else if (c == "entropy") p.criterion = cart_criterion::entropy;
      else cl.fail("unknown criterion '" + c + "'");
    } else if (cl.is_option()) {
      cl.fail("unknown option '" + a + "'");
    } else if (path.empty()) {
      path = a;
    } else {
      cl.fail("more than one data file");
    }
  }
  if (path.empty()) cl.fail("no data file given (weather.csv)");

  host::dataset data;
  try {
    host::csv_options options;
    options.task = host::csv_task::classification;
    data = host::read_csv(path, options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cart_weather: cannot read the data: %s\n", e.what());
    return 1;
  }
  if (data.feature_count() != features || data.class_count() != classes) {
    std::fprintf(stderr, "cart_weather: %s: expected %zu features and %zu classes, found %zu and %zu\n",
                 path.c_str(), features, classes, data.feature_count(), data.class_count());
    return 1;
  }
  const std::size_t n = data.size(), n_train = n * 7 / 10;
  if (n_train > max_samples || n_train == 0) {
    std::fprintf(stderr, "cart_weather: %zu training rows (this program holds 1 to %zu)\n", n_train, max_samples);
    return 1;
  }
  std::vector<tree_type::input_type> xs(n);
  std::vector<class_label> ys(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t f = 0; f < features; ++f) xs[i][f] = data.rows[i][f];
    ys[i] = data.label(i);
  }

  static tree_type tree(p);  // 170 KB: static, not on the stack
  const status fitted = tree.fit(std::span<const tree_type::input_type>(xs.data(), n_train),
                                 std::span<const class_label>(ys.data(), n_train));
  if (fitted != status::ok) {
    std::fprintf(stderr, "cart_weather: fit failed: %s\n", to_string(fitted));
    return 1;
  }
  static flat_type flat;
  if (flat.assign(tree) != status::ok) {
    std::fprintf(stderr, "cart_weather: the tree does not fit the flat_tree\n");
    return 1;
  }

  std::size_t correct = 0, agree = 0;
  for (std::size_t i = n_train; i < n; ++i) {
    const class_label y = tree.predict(xs[i]);
    correct += y == ys[i] ? 1 : 0;
    agree += flat.predict(xs[i]) == y ? 1 : 0;
  }
  for (std::size_t i = 0; i < n_train; ++i) agree += flat.predict(xs[i]) == tree.predict(xs[i]) ? 1 : 0;
  const std::size_t n_test = n - n_train;
  const double accuracy = 100.0 * static_cast<double>(correct) / static_cast<double>(n_test);
  const double agreement = 100.0 * static_cast<double>(agree) / static_cast<double>(n);
  const char* criterion = p.criterion == cart_criterion::gini ? "gini" : "entropy";

  if (!json) {
    std::printf("cart on %s: %zu train / %zu test rows, %s, depth %u, min leaf %u\n", path.c_str(), n_train, n_test,
                criterion, unsigned{p.max_depth}, unsigned{p.min_samples_leaf});
    std::printf("test accuracy %.2f%%, %zu nodes (%zu leaves, depth %zu); cart %zu bytes, flat_tree %zu bytes\n",
                accuracy, tree.node_count(), tree.leaf_count(), tree.depth(), tree_type::memory_bytes,
                flat_type::memory_bytes);
    std::printf("flat_tree agrees with cart on %.2f%% of all %zu rows\n", agreement, n);
  } else {
    std::printf("{\"data\":\"weather\",\"train\":%zu,\"test\":%zu,\"criterion\":\"%s\",\"max_depth\":%u,"
                "\"min_samples_leaf\":%u,\"accuracy\":%.4f,\"nodes\":%zu,\"leaves\":%zu,\"depth\":%zu,"
                "\"memory_bytes\":%zu,\"flat_nodes\":%zu,\"flat_memory_bytes\":%zu,\"flat_agreement\":%.4f}\n",
                n_train, n_test, criterion, unsigned{p.max_depth}, unsigned{p.min_samples_leaf}, accuracy,
                tree.node_count(), tree.leaf_count(), tree.depth(), tree_type::memory_bytes, flat.node_count(),
                flat_type::memory_bytes, agreement);
  }
  return agree == n ? 0 : 1;
}
