// tree_nominal_splits: multiway against binary nominal splits for hoeffding_tree and
// hoeffding_adaptive_tree on streams with nominal attributes, at several node budgets
// (MaxNodes). A k-way split spends k nodes of the budget, a binary one 2 (and can nest),
// so which one a memory-bounded tree should default to is a question of accuracy per
// node, answered here on streams other than Elec2 (see README.md).
//
// Streams (prequential, the first prediction counted, one stream per seed):
//   agrawal f1..f10   Agrawal et al. 1993, MOA's perturbation 0.05; elevel (5 values),
//                     car (20) and zipcode (9) declared nominal
//   random_tree       MOA's RandomTreeGenerator defaults: 5 nominal attributes of 5 values,
//                     5 numeric, 2 classes, depth 5, first leaf level 3, leaf fraction 0.15
//   random_tree_nom   10 nominal attributes of 3 values and 2 numeric, depth 6
//   elec2             with --data: elecNormNew.arff in file order, `day` nominal
// Budgets: MaxNodes 31, 63, 255 and 2047 (edgeloop-eval's), leaf-statistics slots
// MaxNodes / 2 + 1 (the trees' default). The adaptive tree keeps its default seed 1.
//
// Usage: tree_nominal_splits [--samples N] [--seeds N] [--data elecNormNew.arff] [--json]

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "edgeloop/eval/streams/agrawal.hpp"
#include "edgeloop/eval/streams/random_tree.hpp"
#include "edgeloop/host/arff_reader.hpp"
#include "edgeloop/host/command_line.hpp"
#include "edgeloop/tree/hoeffding_adaptive_tree.hpp"
#include "edgeloop/tree/hoeffding_tree.hpp"

using namespace edgeloop;

namespace {

constexpr std::size_t nominal_values = 20;  // Agrawal's car has the most values

template <std::size_t Features, std::size_t Classes, std::size_t MaxNodes>
using plain_tree = hoeffding_tree<float, Features, Classes, MaxNodes, MaxNodes / 2 + 1, info_gain_criterion,
                                  gaussian_splitter<10>, nominal_values>;
template <std::size_t Features, std::size_t Classes, std::size_t MaxNodes>
using adaptive_tree = hoeffding_adaptive_tree<float, Features, Classes, MaxNodes, MaxNodes / 2 + 1, MaxNodes / 2 + 1,
                                              10, 5, info_gain_criterion, gaussian_splitter<10>, nominal_values>;

struct outcome {
  std::string stream, tree, split;
  std::size_t budget = 0;
  std::uint64_t seed = 0;
  double accuracy = 0;
  std::size_t nodes = 0;
  std::size_t memory = 0;
  bool full = false;
};

/// Prequential run of a fresh Tree over `next` (a callable giving labelled samples).
template <class Tree, class Next>
outcome run_one(const std::array<std::uint8_t, std::tuple_size_v<typename Tree::input_type>>& cardinality, nominal_split split,
                std::size_t n, Next next) {
  typename Tree::params p{};
  p.nominal = split;
  p.nominal_cardinality = cardinality;
  if (Tree::validate(p) != status::ok) throw std::runtime_error("invalid tree params");
  auto tree = std::make_unique<Tree>(p);
  std::size_t correct = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto s = next();
    correct += tree->predict(s.x) == s.y ? 1 : 0;
    if (tree->partial_fit(s.x, s.y) != status::ok) throw std::runtime_error("partial_fit failed");
  }
  outcome o;
  o.accuracy = n == 0 ? 0.0 : static_cast<double>(correct) / static_cast<double>(n);
  o.nodes = tree->node_count();
  o.memory = Tree::memory_bytes;
  o.full = tree->full();
  return o;
}

/// Both trees, both splits, one budget; `make` gives a fresh sample source for a seed.
template <std::size_t Features, std::size_t Classes, std::size_t MaxNodes, class Make>
void run_budget(const std::string& stream, const std::array<std::uint8_t, Features>& cardinality, std::size_t n,
                std::uint64_t seed, Make make, std::vector<outcome>& out) {
  for (const nominal_split split : {nominal_split::multiway, nominal_split::binary}) {
    for (int which = 0; which < 2; ++which) {
      auto next = make(seed);
      outcome o = which == 0 ? run_one<plain_tree<Features, Classes, MaxNodes>>(cardinality, split, n, next)
                             : run_one<adaptive_tree<Features, Classes, MaxNodes>>(cardinality, split, n, next);
      o.stream = stream;
      o.tree = which == 0 ? "hoeffding_tree" : "hoeffding_adaptive_tree";
      o.split = split == nominal_split::multiway ? "multiway" : "binary";
      o.budget = MaxNodes;
      o.seed = seed;
      out.push_back(o);
    }
  }
}

template <std::size_t Features, std::size_t Classes, class Make>
void run_budgets(const std::string& stream, const std::array<std::uint8_t, Features>& cardinality, std::size_t n,
                 std::uint64_t seed, Make make, std::vector<outcome>& out) {
  run_budget<Features, Classes, 31>(stream, cardinality, n, seed, make, out);
  run_budget<Features, Classes, 63>(stream, cardinality, n, seed, make, out);
  run_budget<Features, Classes, 255>(stream, cardinality, n, seed, make, out);
  run_budget<Features, Classes, 2047>(stream, cardinality, n, seed, make, out);
}

/// A generator stream as a callable that owns it.
template <class Stream>
auto source(const typename Stream::params& p) {
  auto s = std::make_shared<Stream>(p);
  return [s] { return s->next(); };
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t samples = 100000;
  std::uint64_t seeds = 3;
  std::string data;
  bool json = false;
  host::command_line cl("tree_nominal_splits",
                        "usage: tree_nominal_splits [--samples N] [--seeds N] [--data elecNormNew.arff] [--json]",
                        argc, argv);
  while (cl.next()) {
    const std::string a = cl.argument();
    if (a == "--json") json = true;
    else if (a == "--samples") samples = static_cast<std::size_t>(cl.unsigned_value(1, SIZE_MAX));
    else if (a == "--seeds") seeds = cl.unsigned_value(1, UINT64_MAX);
    else if (a == "--data") data = cl.value();
    else cl.fail("unknown option '" + a + "'");
  }

  std::vector<outcome> results;
  try {
    host::dataset elec2;  // read first, so that a bad path fails before the long runs
    if (!data.empty()) {
      elec2 = host::read_arff<float>(data);
      if (elec2.feature_count() != 8 || elec2.class_count() != 2)
        throw std::runtime_error(data + ": not Elec2 (8 features, 2 classes)");
    }
    for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
      namespace st = streams;
      for (std::uint8_t f = 0; f < 10; ++f) {
        using stream = st::agrawal<float>;
        run_budgets<stream::features, stream::classes>(
            "agrawal_f" + std::to_string(f + 1), stream::nominal_cardinality, samples, seed,
            [f](std::uint64_t s) {
              stream::params p;
              p.function = f;
              p.perturbation = 0.05;
              p.seed = s;
              return source<stream>(p);
            },
            results);
      }
      {
        using stream = st::random_tree<float, 5, 5, 5, 2>;
        run_budgets<stream::features, stream::classes>("random_tree", stream::nominal_cardinality, samples, seed,
                                                       [](std::uint64_t s) {
                                                         stream::params p;
                                                         p.tree_seed = s;
                                                         p.seed = s + 1000;
                                                         return source<stream>(p);
                                                       },
                                                       results);
      }
      {
        using stream = st::random_tree<float, 10, 2, 3, 2>;
        run_budgets<stream::features, stream::classes>("random_tree_nom", stream::nominal_cardinality, samples, seed,
                                                       [](std::uint64_t s) {
                                                         stream::params p;
                                                         p.max_depth = 6;
                                                         p.tree_seed = s;
                                                         p.seed = s + 1000;
                                                         return source<stream>(p);
                                                       },
                                                       results);
      }
      std::fprintf(stderr, "seed %llu done\n", static_cast<unsigned long long>(seed));
    }
    if (!data.empty()) {
      const host::dataset& d = elec2;
      std::array<std::uint8_t, 8> cardinality{};
      for (std::size_t j = 0; j < 8; ++j)
        if (d.features[j].nominal) cardinality[j] = static_cast<std::uint8_t>(d.features[j].cardinality);
      struct sample { std::array<float, 8> x; class_label y; };
      run_budgets<8, 2>("elec2", cardinality, d.size(), 1,
                        [&d](std::uint64_t) {
                          return [&d, i = std::size_t{0}]() mutable {
                            sample s{};
                            for (std::size_t j = 0; j < 8; ++j) s.x[j] = d.rows[i][j];
                            s.y = d.label(i);
                            ++i;
                            return s;
                          };
                        },
                        results);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tree_nominal_splits: %s\n", e.what());
    return 1;
  }

  // Mean over seeds of each (stream, tree, budget, split).
  struct row { std::string stream, tree, split; std::size_t budget; double accuracy = 0, nodes = 0; std::size_t memory = 0, runs = 0, full = 0; };
  std::vector<row> rows;
  for (const outcome& o : results) {
    row* r = nullptr;
    for (row& q : rows)
      if (q.stream == o.stream && q.tree == o.tree && q.split == o.split && q.budget == o.budget) r = &q;
    if (r == nullptr) {
      rows.push_back(row{o.stream, o.tree, o.split, o.budget});
      r = &rows.back();
    }
    r->accuracy += o.accuracy;
    r->nodes += static_cast<double>(o.nodes);
    r->memory = o.memory;
    r->full += o.full ? 1 : 0;
    ++r->runs;
  }
  for (row& r : rows) {
    r.accuracy /= static_cast<double>(r.runs);
    r.nodes /= static_cast<double>(r.runs);
  }

  // Table: multiway and binary side by side.
  std::printf("| stream | tree | MaxNodes | memory bytes | multiway acc %% | nodes | binary acc %% | nodes | binary - multiway |\n");
  std::printf("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
  std::size_t binary_wins = 0, ties = 0, comparisons = 0;
  for (const row& m : rows) {
    if (m.split != "multiway") continue;
    for (const row& b : rows) {
      if (b.split != "binary" || b.stream != m.stream || b.tree != m.tree || b.budget != m.budget) continue;
      const double diff = 100.0 * (b.accuracy - m.accuracy);
      ++comparisons;
      if (diff > 0.005) ++binary_wins;
      else if (diff >= -0.005) ++ties;
      std::printf("| %s | %s | %zu | %zu | %.2f | %.1f%s | %.2f | %.1f%s | %+.2f |\n", m.stream.c_str(), m.tree.c_str(),
                  m.budget, m.memory, 100.0 * m.accuracy, m.nodes, m.full == m.runs ? " (full)" : "",
                  100.0 * b.accuracy, b.nodes, b.full == b.runs ? " (full)" : "", diff);
    }
  }
  std::printf("binary better in %zu, equal (within 0.005 points) in %zu, worse in %zu of %zu comparisons\n", binary_wins,
              ties, comparisons - binary_wins - ties, comparisons);
  if (json) {
    std::printf("{\"samples\":%zu,\"seeds\":%llu,\"binary_better\":%zu,\"equal\":%zu,\"comparisons\":%zu,\"rows\":[",
                samples, static_cast<unsigned long long>(seeds), binary_wins, ties, comparisons);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const row& r = rows[i];
      std::printf("%s{\"stream\":\"%s\",\"tree\":\"%s\",\"max_nodes\":%zu,\"split\":\"%s\",\"accuracy\":%.6f,"
                  "\"nodes\":%.1f,\"memory_bytes\":%zu,\"runs\":%zu}",
                  i == 0 ? "" : ",", r.stream.c_str(), r.tree.c_str(), r.budget, r.split.c_str(), r.accuracy, r.nodes,
                  r.memory, r.runs);
    }
    std::printf("]}\n");
  }
  return 0;
}
