// edgeloop-eval: the mistake- and margin-driven linear classifiers and the PA regressor
// (see models.cpp). A translation unit apart from the SGD family (models_linear.cpp) so
// that the float and double builds of both compile in parallel. Defaults are scikit-learn
// 1.2's (River's for alma); binary learners get more classes through one_vs_rest (a single
// learner for two classes).

#include "edgeloop/linear/alma.hpp"
#include "edgeloop/linear/one_vs_rest.hpp"
#include "edgeloop/linear/passive_aggressive.hpp"
#include "edgeloop/linear/perceptron.hpp"
#include "registry.hpp"

namespace edgeloop_eval {

namespace {

template <edgeloop::scalar S, std::size_t F, std::size_t C>
using perceptron_ovr = edgeloop::one_vs_rest<edgeloop::perceptron<S, F>, C>;
template <edgeloop::scalar S, std::size_t F, std::size_t C>
using passive_aggressive_ovr = edgeloop::one_vs_rest<edgeloop::passive_aggressive_classifier<S, F>, C>;
template <edgeloop::scalar S, std::size_t F, std::size_t C>
using alma_ovr = edgeloop::one_vs_rest<edgeloop::alma<S, F>, C>;

void pa_params(auto& p, param_binder& b) {
  b("c", p.c);
  b.choice("variant", p.variant, {{"pa1", edgeloop::pa_variant::pa1}, {"pa2", edgeloop::pa_variant::pa2}});
  b("fit_intercept", p.fit_intercept);
  if constexpr (requires { p.epsilon; }) b("epsilon", p.epsilon);
}

}  // namespace

void add_linear_margin_models(model_registry& r) {
  r.add_classifier<perceptron_ovr, precisions::float_and_double>("perceptron", "perceptron (scikit-learn Perceptron defaults), one-vs-rest for >2 classes",
                                   [](auto& p, auto& b) { b("eta0", p.eta0); b("fit_intercept", p.fit_intercept); });
  r.add_classifier<passive_aggressive_ovr, precisions::float_and_double>("passive_aggressive", "passive-aggressive PA-I/PA-II (scikit-learn defaults: C=1, PA-I), one-vs-rest for >2 classes",
                                           [](auto& p, auto& b) { pa_params(p, b); });
  r.add_classifier<alma_ovr, precisions::float_and_double>("alma", "ALMA (Gentile 2001; River's defaults), one-vs-rest for >2 classes",
                             [](auto& p, auto& b) { b("p", p.p); b("alpha", p.alpha); b("b", p.b); b("c", p.c); });
  r.add_regressor<edgeloop::passive_aggressive_regressor, precisions::float_and_double>("pa_regressor", "passive-aggressive regressor (scikit-learn defaults: C=1, epsilon 0.1, PA-I)",
                                                          [](auto& p, auto& b) { pa_params(p, b); });
}

}  // namespace edgeloop_eval
