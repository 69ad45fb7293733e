// edgeloop-eval: linear models (see models.cpp).

#include "registry.hpp"

namespace edgeloop_eval {

void add_linear_models(model_registry& r) {
  (void)r;
}

}  // namespace edgeloop_eval
