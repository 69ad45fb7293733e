// edgeloop-eval: the SGD linear models (see models.cpp; perceptron, passive-aggressive and
// ALMA are in models_linear_margin.cpp). Defaults are scikit-learn 1.2's defaults for the
// same classes.

#include "edgeloop/linear/sgd_classifier.hpp"
#include "edgeloop/linear/sgd_regressor.hpp"
#include "registry.hpp"

namespace edgeloop_eval {

namespace {

/// An sgd_classifier whose default loss is Loss (logistic_regression, sgd_modified_huber).
template <edgeloop::sgd_loss Loss, edgeloop::scalar S, std::size_t F, std::size_t C>
struct sgd_loss_model : edgeloop::sgd_classifier<S, F, C> {
  using base = edgeloop::sgd_classifier<S, F, C>;
  struct params : base::params {
    params() { this->loss = Loss; }
  };
  sgd_loss_model() noexcept : base(params{}) {}
  explicit sgd_loss_model(const params& p) noexcept : base(p) {}
  static edgeloop::status validate(const params& p) noexcept { return base::validate(p); }
};
template <edgeloop::scalar S, std::size_t F, std::size_t C>
using logistic_regression = sgd_loss_model<edgeloop::sgd_loss::log_loss, S, F, C>;
template <edgeloop::scalar S, std::size_t F, std::size_t C>
using sgd_modified_huber = sgd_loss_model<edgeloop::sgd_loss::modified_huber, S, F, C>;

void sgd_params(auto& p, param_binder& b) {
  b.choice("loss", p.loss, {{"log_loss", edgeloop::sgd_loss::log_loss}, {"hinge", edgeloop::sgd_loss::hinge},
                            {"modified_huber", edgeloop::sgd_loss::modified_huber},
                            {"perceptron", edgeloop::sgd_loss::perceptron}, {"squared", edgeloop::sgd_loss::squared},
                            {"huber", edgeloop::sgd_loss::huber},
                            {"epsilon_insensitive", edgeloop::sgd_loss::epsilon_insensitive}});
  b.choice("penalty", p.penalty, {{"none", edgeloop::sgd_penalty::none}, {"l2", edgeloop::sgd_penalty::l2},
                                  {"l1", edgeloop::sgd_penalty::l1}, {"elastic_net", edgeloop::sgd_penalty::elastic_net}});
  b.choice("learning_rate", p.learning_rate,
           {{"constant", edgeloop::sgd_learning_rate::constant}, {"optimal", edgeloop::sgd_learning_rate::optimal},
            {"inverse_scaling", edgeloop::sgd_learning_rate::inverse_scaling},
            {"adagrad", edgeloop::sgd_learning_rate::adagrad}});
  b("alpha", p.alpha);
  b("l1_ratio", p.l1_ratio);
  b("eta0", p.eta0);
  b("power_t", p.power_t);
  b("adagrad_epsilon", p.adagrad_epsilon);
  b("fit_intercept", p.fit_intercept);
  if constexpr (requires { p.epsilon; }) b("epsilon", p.epsilon);
}

}  // namespace

void add_linear_models(model_registry& r) {
  r.add_classifier<logistic_regression, precisions::float_and_double>(
      "logistic_regression", "SGD logistic regression (scikit-learn SGDClassifier(loss='log_loss') rules; softmax for >2 classes)",
      [](auto& p, auto& b) { sgd_params(p, b); });
  r.add_classifier<edgeloop::sgd_classifier, precisions::float_and_double>("sgd_hinge", "SGD linear SVM (scikit-learn SGDClassifier() defaults: hinge, L2, alpha 1e-4, optimal rate)",
                                             [](auto& p, auto& b) { sgd_params(p, b); });
  r.add_classifier<sgd_modified_huber, precisions::float_and_double>(
      "sgd_modified_huber", "SGD with the modified Huber loss (scikit-learn rules)", [](auto& p, auto& b) { sgd_params(p, b); });
  r.add_regressor<edgeloop::sgd_regressor, precisions::float_and_double>("linear_regression", "SGD linear regression (scikit-learn SGDRegressor defaults)",
                                           [](auto& p, auto& b) { sgd_params(p, b); });
}

}  // namespace edgeloop_eval
