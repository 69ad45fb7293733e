// edgeloop-eval: Hoeffding tree classifiers (see models.cpp).

#include "registry.hpp"

namespace edgeloop_eval {

void add_tree_models(model_registry& r) {
  (void)r;
}

}  // namespace edgeloop_eval
