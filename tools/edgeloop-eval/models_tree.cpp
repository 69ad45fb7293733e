// edgeloop-eval: Hoeffding tree classifiers (see models.cpp).
//
// Capacities: 2047 nodes; nominal attributes of up to 32 values (the data set's nominal
// attributes are declared to the trees, see declare_nominal in registry.hpp; larger ones
// stay numeric); the leaf-statistics slots (Features x max(5, 33) x Classes floats each)
// get a budget of about 16 MB, at least 4 and at most 1024 slots, so the largest dispatch
// (1024 features, 256 classes) stays bounded. Elec2 (8 features, 2 classes) gets 1024
// slots. The adaptive tree has as many ADWINs (10 rows of 5 buckets: windows of up to
// 5115 errors) as slots.

#include "edgeloop/tree/hoeffding_adaptive_tree.hpp"
#include "edgeloop/tree/hoeffding_tree.hpp"
#include "registry.hpp"

namespace edgeloop_eval {

namespace {

constexpr std::size_t tree_nodes = 2047;
constexpr std::size_t tree_nominal_values = 32;

constexpr std::size_t tree_slots(std::size_t features, std::size_t classes) {
  constexpr std::size_t stride = tree_nominal_values + 1 > 5 ? tree_nominal_values + 1 : 5;  // per class
  const std::size_t slot_bytes = features * stride * classes * sizeof(float) + 16;
  const std::size_t n = (std::size_t{16} << 20) / slot_bytes;
  return n < 4 ? 4 : (n > 1024 ? 1024 : n);
}

template <edgeloop::scalar S, std::size_t F, std::size_t C>
using eval_hoeffding_tree = edgeloop::hoeffding_tree<S, F, C, tree_nodes, tree_slots(F, C), edgeloop::info_gain_criterion,
                                                     edgeloop::gaussian_splitter<10>, tree_nominal_values>;

template <edgeloop::scalar S, std::size_t F, std::size_t C>
using eval_hoeffding_adaptive_tree =
    edgeloop::hoeffding_adaptive_tree<S, F, C, tree_nodes, tree_slots(F, C), tree_slots(F, C), 10, 5,
                                      edgeloop::info_gain_criterion, edgeloop::gaussian_splitter<10>, tree_nominal_values>;

// The parameters both trees share (names as River's).
template <class P, class B>
void bind_common(P& p, B& b) {
  b("grace_period", p.grace_period);
  b("delta", p.split_confidence);
  b("tau", p.tie_threshold);
  b.choice("leaf_prediction", p.leaf,
           {{"mc", edgeloop::leaf_prediction::majority_class},
            {"nb", edgeloop::leaf_prediction::naive_bayes},
            {"nba", edgeloop::leaf_prediction::naive_bayes_adaptive}});
  b("nb_threshold", p.nb_threshold);
  b("max_depth", p.max_depth);
  b("min_branch_fraction", p.min_branch_fraction);
  b.choice("nominal_split", p.nominal,
           {{"multiway", edgeloop::nominal_split::multiway}, {"binary", edgeloop::nominal_split::binary}});
  b.choice("when_full", p.when_full,
           {{"deactivate", edgeloop::pool_policy::deactivate_least_promising},
            {"stop", edgeloop::pool_policy::stop_growing}});
}

}  // namespace

void add_tree_models(model_registry& r) {
  r.add_classifier<eval_hoeffding_tree>("hoeffding_tree", "VFDT (MOA/River defaults: grace 200, delta 1e-7, tau 0.05, NB-adaptive leaves)", [](auto& p, auto& b) { bind_common(p, b); });
  r.add_classifier<eval_hoeffding_adaptive_tree>("hoeffding_adaptive_tree", "Hoeffding Adaptive Tree, HAT-ADWIN (MOA defaults)", [](auto& p, auto& b) { bind_common(p, b); b("adwin_delta", p.drift_confidence); b("switch_delta", p.switch_confidence); b("switch_min_width", p.switch_min_width); b("replace_on_alternate_split", p.replace_on_alternate_split); b("restart_alternate_on_drift", p.restart_alternate_on_drift); b("poisson_leaf_weights", p.poisson_leaf_weights); b("seed", p.seed); });
}

}  // namespace edgeloop_eval
