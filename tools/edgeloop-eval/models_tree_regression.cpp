// edgeloop-eval: tree regressors (see models.cpp).

#include "registry.hpp"

namespace edgeloop_eval {

void add_tree_regression_models(model_registry& r) {
  (void)r;
}

}  // namespace edgeloop_eval
