// edgeloop-eval: the models it can evaluate. Each model family registers its models in its
// own translation unit (models_<family>.cpp, compiled in parallel): adding a model is one
// line there, its header and add_classifier / add_regressor with its name, a one-line
// description and a visitor naming its runtime parameters (--param key=value).
// precisions::float_and_double also builds the model in double (--precision double): the
// small families here, linear and SVM; the trees are float only (their double builds
// would double the tool's largest compile units for no comparison anyone runs).

#include "edgeloop/linear/gaussian_nb.hpp"
#include "edgeloop/linear/majority_class.hpp"
#include "edgeloop/linear/no_change.hpp"
#include "registry.hpp"

namespace edgeloop_eval {

void add_tree_models(model_registry& r);
void add_tree_regression_models(model_registry& r);
void add_linear_models(model_registry& r);
void add_linear_margin_models(model_registry& r);
void add_svm_models(model_registry& r);

namespace {
model_registry build() {
  model_registry r;
  r.add_classifier<edgeloop::majority_class, precisions::float_and_double>("majority_class", "predicts the most frequent class so far", [](auto&, auto&) {});
  r.add_classifier<edgeloop::no_change, precisions::float_and_double>("no_change", "repeats the last label seen", [](auto& p, auto& b) { b("initial_label", p.initial_label); });
  r.add_classifier<edgeloop::gaussian_nb, precisions::float_and_double>("gaussian_nb", "streaming Gaussian naive Bayes (River-style)", [](auto& p, auto& b) { b("var_smoothing", p.var_smoothing); b("pdf_epsilon", p.pdf_epsilon); });
  add_linear_models(r);
  add_linear_margin_models(r);
  add_svm_models(r);
  add_tree_models(r);
  add_tree_regression_models(r);
  return r;
}
}  // namespace

const model_registry& registry() {
  static const model_registry r = build();
  return r;
}

}  // namespace edgeloop_eval
