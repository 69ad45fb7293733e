// edgeloop-eval: support vector machines (see models.cpp).

#include "registry.hpp"

namespace edgeloop_eval {

void add_svm_models(model_registry& r) {
  (void)r;
}

}  // namespace edgeloop_eval
