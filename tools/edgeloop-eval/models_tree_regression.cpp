// edgeloop-eval: tree regressors (see models.cpp).

#include "edgeloop/tree/hoeffding_tree_regressor.hpp"
#include "registry.hpp"

namespace edgeloop_eval {

namespace {

// 255 nodes (128 leaves), 8 observer slots of 16 bins: 25 KB at 8 features, about 2.3 MB
// at the 1024-feature capacity (allocated on the heap by the registry).
template <edgeloop::scalar S, std::size_t F>
using eval_hoeffding_tree_regressor = edgeloop::hoeffding_tree_regressor<S, F, 255, 8, 16>;

}  // namespace

void add_tree_regression_models(model_registry& r) {
  r.add_regressor<eval_hoeffding_tree_regressor>("hoeffding_tree_regressor", "FIMT-DD-style Hoeffding tree regressor (River defaults: grace 200, delta 1e-7, tau 0.05, adaptive leaves)", [](auto& p, auto& b) { b("grace_period", p.grace_period); b("delta", p.split_confidence); b("tau", p.tie_threshold); b("learning_rate", p.learning_rate); b("learning_rate_decay", p.learning_rate_decay); b("model_selector_decay", p.model_selector_decay); b("min_samples_split", p.min_samples_split); b("max_depth", p.max_depth); b.choice("leaf_prediction", p.leaf, {{"mean", edgeloop::regression_leaf::mean}, {"linear", edgeloop::regression_leaf::linear}, {"adaptive", edgeloop::regression_leaf::adaptive}}); });
}

}  // namespace edgeloop_eval
