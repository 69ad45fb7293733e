// edgeloop-eval: support vector machines (see models.cpp).

#include "edgeloop/svm/budget_kernel_svm.hpp"
#include "edgeloop/svm/pegasos.hpp"
#include "registry.hpp"

namespace edgeloop_eval {

namespace {
/// BSGD with an RBF kernel and 64 support vectors (shared by all classes).
template <edgeloop::scalar S, std::size_t F, std::size_t C>
using budget_rbf_svm_64 = edgeloop::budget_kernel_svm<S, F, 64, edgeloop::rbf_kernel<S>, C>;
}  // namespace

void add_svm_models(model_registry& r) {
  r.add_classifier<edgeloop::pegasos, precisions::float_and_double>("pegasos", "Pegasos linear SVM (lambda 1e-4, regularised bias), one-vs-rest for >2 classes",
                                      [](auto& p, auto& b) { b("lambda", p.lambda); b("fit_intercept", p.fit_intercept); b("projection", p.projection); });
  r.add_classifier<budget_rbf_svm_64, precisions::float_and_double>(
      "budget_kernel_svm", "RBF kernel SVM by budgeted SGD (Wang et al. 2012), 64 support vectors, merging; multi-class hinge for >2 classes",
      [](auto& p, auto& b) {
        b("lambda", p.lambda);
        b("gamma", p.kernel.gamma);
        b("fit_intercept", p.fit_intercept);
        b.choice("maintenance", p.maintenance, {{"removal", edgeloop::budget_maintenance::removal}, {"merging", edgeloop::budget_maintenance::merging}});
      });
}

}  // namespace edgeloop_eval
