// Host-only: an sgd_classifier whose core is larger than detail::small_core_bytes, so
// partial_fit takes the dry-pass-then-store path (too large for the 16 KB board).
#include <array>
#include <cmath>
#include <cstddef>
#include <memory>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/linear/sgd_classifier.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::same_bytes;

TEST_CASE("sgd_classifier, large core: bad input leaves it unchanged and both paths agree",
          "[linear][sgd_classifier]") {
  using big = sgd_classifier<float, 64, 8>;
  STATIC_REQUIRE(sizeof(detail::sgd_core<float, 64, 8>) > detail::small_core_bytes);
  for (const sgd_penalty pen : {sgd_penalty::l2, sgd_penalty::elastic_net}) {
    for (const sgd_learning_rate rate : {sgd_learning_rate::optimal, sgd_learning_rate::adagrad}) {
      big::params p;
      p.loss = sgd_loss::log_loss;
      p.penalty = pen;
      p.learning_rate = rate;
      auto m = std::make_unique<big>(p);
      // The same rows on a model of 8 features (small path, zero-padded to 64 in `m`):
      // the first 8 weights of every row must be equal bit for bit.
      sgd_classifier<float, 8, 8>::params ps;
      ps.loss = p.loss;
      ps.penalty = pen;
      ps.learning_rate = rate;
      auto small = std::make_unique<sgd_classifier<float, 8, 8>>(ps);
      rng r(5);
      for (int i = 0; i < 200; ++i) {
        std::array<float, 64> x{};
        std::array<float, 8> xs{};
        for (std::size_t j = 0; j < 8; ++j) xs[j] = x[j] = r.uniform<float>(-1.0f, 1.0f);
        const auto y = static_cast<class_label>(r.uniform_int(8));
        REQUIRE(m->partial_fit(x, y) == status::ok);
        REQUIRE(small->partial_fit(xs, y) == status::ok);
      }
      bool equal = true;
      for (std::size_t c = 0; c < 8; ++c) {
        equal = equal && m->intercept(c) == small->intercept(c);
        for (std::size_t j = 0; j < 8; ++j) equal = equal && m->weight(c, j) == small->weight(c, j);
      }
      CHECK(equal);
      const auto before = std::make_unique<big::state_type>(m->state());
      // A huge value on a feature whose weights are 0: scores and gradients stay finite,
      // the update (or AdaGrad's squared gradient) overflows in the middle of the rows.
      std::array<float, 64> huge{};
      huge[20] = 3e38f;
      CHECK(std::isfinite(m->decision_function(huge)[0]));
      CHECK(m->partial_fit(huge, 3) == status::non_finite_input);
      const auto after = std::make_unique<big::state_type>(m->state());
      CHECK(same_bytes(*before, *after));
    }
  }
}
