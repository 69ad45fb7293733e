// batch_norm in double: gradient through the batch statistics against central finite
// differences (< 1e-8), several shapes and batch sizes.
#include "edgeloop/nn/batch_norm.hpp"
#include "nn/conv_test_support.hpp"
#include "support/test.hpp"

namespace nn = edgeloop::nn;
using edgeloop::test::conv_gradient_ok;

TEST_CASE("batch_norm gradient matches finite differences (double)", "[nn][batch_norm]") {
  CHECK((conv_gradient_ok<nn::batch_norm<>, double, nn::shape<3, 3, 2>, 3>(1)));
  CHECK((conv_gradient_ok<nn::batch_norm<>, double, nn::shape<5>, 4>(2)));
  CHECK((conv_gradient_ok<nn::batch_norm<1e-3f>, double, nn::shape<4, 4, 8>, 8>(3)));
  CHECK((conv_gradient_ok<nn::batch_norm<>, double, nn::shape<6, 1, 2>, 1>(4)));
}
