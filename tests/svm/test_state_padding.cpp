// Persisted states of the SVMs (and the kernel parameters they hold) have no padding
// bytes, whose value would be undefined in artifact payloads and their digests: float and
// double, odd and even sizes.

#include <cstddef>

#include "edgeloop/svm/budget_kernel_svm.hpp"
#include "edgeloop/svm/kernels.hpp"
#include "edgeloop/svm/one_class_svm.hpp"
#include "edgeloop/svm/pegasos.hpp"
#include "edgeloop/svm/random_fourier_features.hpp"
#include "edgeloop/svm/smo_svm.hpp"
#include "support/padding.hpp"
#include "support/test.hpp"

using namespace edgeloop;

#if EDGELOOP_TEST_HAS_PADDING_CHECK
using edgeloop::test::padding_bytes;

namespace {
template <scalar S, std::size_t F, std::size_t N>
void check_no_padding() {
  CHECK(padding_bytes<typename pegasos<S, F>::state_type>() == 0u);
  CHECK(padding_bytes<typename pegasos<S, F, 3>::state_type>() == 0u);
  CHECK(padding_bytes<typename rbf_kernel<S>::params>() == 0u);
  CHECK(padding_bytes<typename polynomial_kernel<S>::params>() == 0u);
  CHECK(padding_bytes<typename budget_kernel_svm<S, F, N, rbf_kernel<S>>::state_type>() == 0u);
  CHECK(padding_bytes<typename budget_kernel_svm<S, F, N, polynomial_kernel<S>, 3>::state_type>() == 0u);
  CHECK(padding_bytes<typename random_fourier_features<S, F, N>::state_type>() == 0u);
  CHECK(padding_bytes<typename one_class_svm<S, F, N>::state_type>() == 0u);
  CHECK(padding_bytes<typename kernel_svm_predictor<S, F, N>::state_type>() == 0u);
  CHECK(padding_bytes<typename kernel_svm_predictor<S, F, N, polynomial_kernel<S>>::state_type>() == 0u);
  CHECK(padding_bytes<typename smo_svm<S, F, N>::state_type>() == 0u);
  CHECK(padding_bytes<typename smo_svm<S, F, N, polynomial_kernel<S>>::state_type>() == 0u);
}
}  // namespace

TEST_CASE("svm state_type structs have no padding bytes", "[svm][persist]") {
  check_no_padding<float, 2, 4>();
  check_no_padding<float, 3, 5>();
  check_no_padding<float, 1, 7>();
  check_no_padding<double, 2, 4>();
  check_no_padding<double, 3, 5>();
  check_no_padding<double, 1, 7>();
}
#endif
