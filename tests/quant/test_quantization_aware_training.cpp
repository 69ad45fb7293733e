// quantization-aware training (fake_quant.hpp, quantization_aware_training.hpp):
//  - fake_quantize is the dequantized int8 value; its STE mask is the finite-difference
//    derivative of the clamp to the int8 range (1 inside, 0 outside);
//  - fake-quantized weights are the int8 twin's weights times their per-channel scales;
//  - the STE gradient of a whole network step equals central finite differences of a
//    surrogate written here in double (the fake-quant values at the point, the clamp's
//    slope around them), and differs from the unmasked gradient when values are clipped;
//  - the int8 twin built from the QAT model agrees with the fake-quant forward within one
//    output step on random inputs (a conv + average-pool + dense net and an MLP);
//  - bad input changes nothing;
//  - frozen ranges (and their EMA state) do not move in mini-batch training;
//  - restoring the checkpoint of the best validation epoch gives back that epoch's
//    weights, ranges and validation loss (recorded independently after every epoch); a
//    non-finite checkpoint is refused and changes nothing.
#include "edgeloop/quant/quantization_aware_training.hpp"

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

#include "edgeloop/nn/avg_pool2d.hpp"
#include "edgeloop/nn/conv2d.hpp"
#include "edgeloop/nn/dense.hpp"
#include "edgeloop/nn/fit.hpp"
#include "edgeloop/nn/flatten.hpp"
#include "edgeloop/nn/relu.hpp"
#include "edgeloop/nn/sequential.hpp"
#include "edgeloop/nn/sgd.hpp"
#include "edgeloop/nn/softmax_cross_entropy.hpp"
#include "support/test.hpp"

namespace q = edgeloop::quant;
namespace nn = edgeloop::nn;

namespace {

using mlp = nn::sequential<float, nn::shape<4>, nn::dense<3>, nn::relu, nn::dense<3>>;
// 4x4x1 -> conv 3x3 same (2) relu -> avg pool 2 -> 2x2x2 -> flatten -> dense 3
using small_cnn = nn::sequential<float, nn::shape<4, 4, 1>, nn::conv2d<2, 3, 1, nn::padding::same>, nn::relu,
                                 nn::avg_pool2d<2, 2>, nn::flatten, nn::dense<3>>;

// Edges of the STE mask in real values: round(x / s) + zp in [-128, 127].
double low_edge(const q::quant_params& p) { return (-128.5 - p.zero_point) * static_cast<double>(p.scale); }
double high_edge(const q::quant_params& p) { return (127.5 - p.zero_point) * static_cast<double>(p.scale); }
double clamp_to(double x, double lo, double hi) { return x < lo ? lo : (x > hi ? hi : x); }

}  // namespace

TEST_CASE("fake_quantize: dequantized int8 values, STE mask = slope of the clamp", "[quant][qat]") {
  const q::quant_params p{0.05f, -20};  // representable: [-5.4, 7.35]
  const double lo = low_edge(p), hi = high_edge(p);
  edgeloop::rng r(3);
  for (int i = 0; i < 200; ++i) {
    const float x = r.uniform(-9.0f, 11.0f);
    const float f = q::fake_quantize(x, p);
    // On the grid, the nearest level inside the range.
    const double level = std::round(static_cast<double>(f) / 0.05) + (-20);
    CHECK(edgeloop::test::close(static_cast<double>(f) / 0.05 - std::round(static_cast<double>(f) / 0.05), 0.0, 0.0, 1e-3));
    CHECK(level >= -128.0);
    CHECK(level <= 127.0);
    if (x > lo && x < hi) CHECK(std::fabs(static_cast<double>(f) - x) <= 0.025 + 1e-6);
    if (x > hi) CHECK(edgeloop::test::close(f, 0.05 * (127 + 20), 1e-6));
    if (x < lo) CHECK(edgeloop::test::close(f, 0.05 * (-128 + 20), 1e-6));
    // STE: central difference of the clamp to the mask's edges, away from the edges.
    const double h = 1e-4;
    if (std::fabs(x - lo) > 1e-3 && std::fabs(x - hi) > 1e-3) {
      const double slope = (clamp_to(x + h, lo, hi) - clamp_to(x - h, lo, hi)) / (2 * h);
      CHECK(edgeloop::test::close(slope, q::inside_range(x, p) ? 1.0 : 0.0, 0.0, 1e-6));
      float g = 0.7f;
      std::uint8_t m = q::inside_range(x, p) ? 1 : 0;
      q::straight_through(&g, &m, 1);
      CHECK(edgeloop::test::close(g, 0.7 * slope, 0.0, 1e-6));
    }
  }
}

TEST_CASE("qat_learner: fake-quantized weights are the int8 twin's weights times their scales", "[quant][qat]") {
  static small_cnn net(5);
  using twin_type = q::quantized_sequential<small_cnn>;
  static twin_type twin;
  const std::array<q::quant_params, twin_type::tensors> t{{{0.01f, -3}, {0.02f, -128}, {0.05f, 4}}};
  REQUIRE(twin.build(net, t) == edgeloop::status::ok);
  static std::array<float, small_cnn::param_count> fq;
  const float* p = net.parameters().data();
  // conv HWIO: 9 weights per filter, channel stride 1, weight stride 2
  q::fake_quantize_weights(p, fq.data(), 2, 9, 1, 2);
  // dense [3][8] after the 20 conv parameters
  q::fake_quantize_weights(p + 20, fq.data() + 20, 3, 8, 8, 1);
  bool all_equal = true;
  for (std::size_t o = 0; o < 2; ++o)
    for (std::size_t k = 0; k < 9; ++k)
      all_equal = all_equal && fq[k * 2 + o] == static_cast<float>(twin.weight(0, o, k)) * twin.weight_scale(0, o);
  for (std::size_t o = 0; o < 3; ++o)
    for (std::size_t k = 0; k < 8; ++k)
      all_equal = all_equal && fq[20 + o * 8 + k] == static_cast<float>(twin.weight(1, o, k)) * twin.weight_scale(1, o);
  CHECK(all_equal);
}

namespace {
// The loss of mlp at parameters theta for input x, label y, with every fake-quant node
// replaced by fq(v0) + clamp(v) - clamp(v0) around the values v0 at theta0 (and the
// weights by fq(w0) + w - w0): equal to the QAT forward at theta0, with the STE's slope.
struct surrogate {
  std::array<float, mlp::param_count> theta0{}, fq0{};
  std::array<float, 4> xq{};
  std::array<q::quant_params, 3> ranges{};
  std::array<double, 3> a0{}, z0{};  // hidden (after relu) and logits at theta0
  bool use_clamp = true;             // false: the unmasked (identity) derivative

  double node(double v, double v_at0, const q::quant_params& p) const {
    const double f0 = q::fake_quantize(static_cast<float>(v_at0), p);
    if (!use_clamp) return f0 + v - v_at0;
    return f0 + clamp_to(v, low_edge(p), high_edge(p)) - clamp_to(v_at0, low_edge(p), high_edge(p));
  }
  void hidden(const double* t, std::array<double, 3>& a) const {
    for (std::size_t o = 0; o < 3; ++o) {
      double h = t[12 + o];
      for (std::size_t k = 0; k < 4; ++k) h += (fq0[o * 4 + k] + t[o * 4 + k] - theta0[o * 4 + k]) * xq[k];
      a[o] = h > 0 ? h : 0;
    }
  }
  void logits(const double* t, const std::array<double, 3>& aq, std::array<double, 3>& z) const {
    for (std::size_t o = 0; o < 3; ++o) {
      double v = t[24 + o];
      for (std::size_t k = 0; k < 3; ++k) v += (fq0[15 + o * 3 + k] + t[15 + o * 3 + k] - theta0[15 + o * 3 + k]) * aq[k];
      z[o] = v;
    }
  }
  void at_theta0() {
    std::array<double, mlp::param_count> t{};
    for (std::size_t i = 0; i < t.size(); ++i) t[i] = theta0[i];
    hidden(t.data(), a0);
    std::array<double, 3> aq{};
    for (std::size_t o = 0; o < 3; ++o) aq[o] = q::fake_quantize(static_cast<float>(a0[o]), ranges[1]);
    logits(t.data(), aq, z0);
  }
  double loss(const double* t, std::size_t y) const {
    std::array<double, 3> a{}, aq{}, z{};
    hidden(t, a);
    for (std::size_t o = 0; o < 3; ++o) aq[o] = node(a[o], a0[o], ranges[1]);
    logits(t, aq, z);
    double top = -1e300, sum = 0;
    std::array<double, 3> zq{};
    for (std::size_t o = 0; o < 3; ++o) zq[o] = node(z[o], z0[o], ranges[2]), top = zq[o] > top ? zq[o] : top;
    for (std::size_t o = 0; o < 3; ++o) sum += std::exp(zq[o] - top);
    return std::log(sum) + top - zq[y];
  }
  std::size_t clipped() const {
    std::size_t c = 0;
    for (std::size_t o = 0; o < 3; ++o) {
      c += a0[o] < low_edge(ranges[1]) || a0[o] > high_edge(ranges[1]) ? 1 : 0;
      c += z0[o] < low_edge(ranges[2]) || z0[o] > high_edge(ranges[2]) ? 1 : 0;
    }
    return c;
  }
};
}  // namespace

TEST_CASE("qat_learner: the STE gradient equals finite differences of the clamp surrogate", "[quant][qat]") {
  using learner_type = q::qat_learner<mlp, nn::softmax_cross_entropy, nn::sgd, 1>;
  learner_type::params lp;
  lp.optimizer.learning_rate = 1.0f;  // w1 = w0 - g: the step is the gradient
  lp.seed = 11;
  static learner_type learner(lp);
  edgeloop::rng r(17);
  // Ranges from small inputs; the checked samples are larger, so some values clip.
  for (int i = 0; i < 5; ++i) {
    const mlp::input_type x{r.uniform(-0.5f, 0.5f), r.uniform(-0.5f, 0.5f), r.uniform(-0.5f, 0.5f), r.uniform(-0.5f, 0.5f)};
    REQUIRE(learner.partial_fit(x, static_cast<edgeloop::class_label>(i % 3)) == edgeloop::status::ok);
  }
  std::size_t clipped_steps = 0, checked = 0;
  double largest_unmasked_difference = 0;
  static surrogate s;
  for (int i = 0; i < 12; ++i) {
    const mlp::input_type x{r.uniform(-1.2f, 1.2f), r.uniform(-1.2f, 1.2f), r.uniform(-1.2f, 1.2f), r.uniform(-1.2f, 1.2f)};
    const auto y = static_cast<edgeloop::class_label>(r.uniform_int(3));
    s.theta0 = learner.network().parameters();
    REQUIRE(learner.partial_fit(x, y) == edgeloop::status::ok);
    std::array<float, mlp::param_count> g{};
    for (std::size_t k = 0; k < g.size(); ++k) g[k] = s.theta0[k] - learner.network().parameters()[k];
    std::array<q::quant_params, 3> ranges{};
    REQUIRE(learner.ranges(ranges) == edgeloop::status::ok);
    s.ranges = ranges;
    s.fq0 = s.theta0;
    q::fake_quantize_weights(s.theta0.data(), s.fq0.data(), 3, 4, 4, 1);
    q::fake_quantize_weights(s.theta0.data() + 15, s.fq0.data() + 15, 3, 3, 3, 1);
    for (std::size_t k = 0; k < 4; ++k) s.xq[k] = q::fake_quantize(x[k], ranges[0]);
    s.at_theta0();
    std::array<double, mlp::param_count> t{};
    for (std::size_t k = 0; k < t.size(); ++k) t[k] = s.theta0[k];
    const double h = 1e-5;
    bool all_match = true;
    double unmasked_difference = 0;
    for (std::size_t k = 0; k < t.size(); ++k) {
      const double keep = t[k];
      s.use_clamp = true;
      t[k] = keep + h;
      const double up = s.loss(t.data(), y);
      t[k] = keep - h;
      const double down = s.loss(t.data(), y);
      s.use_clamp = false;
      const double up_identity = (t[k] = keep + h, s.loss(t.data(), y));
      const double down_identity = (t[k] = keep - h, s.loss(t.data(), y));
      t[k] = keep;
      const double fd = (up - down) / (2 * h), fd_identity = (up_identity - down_identity) / (2 * h);
      all_match = all_match && edgeloop::test::close(g[k], fd, 1e-3, 2e-5);
      const double d = std::fabs(static_cast<double>(g[k]) - fd_identity);
      unmasked_difference = d > unmasked_difference ? d : unmasked_difference;
    }
    CHECK(all_match);
    ++checked;
    if (s.clipped() > 0) {
      ++clipped_steps;
      largest_unmasked_difference =
          unmasked_difference > largest_unmasked_difference ? unmasked_difference : largest_unmasked_difference;
    }
  }
  CHECK(checked == 12);
  CHECK(clipped_steps >= 3);                     // the zero-outside part was exercised
  CHECK(largest_unmasked_difference > 1e-2);     // and the mask mattered there
}

namespace {
template <class Net, std::size_t Batch>
void check_twin_matches(std::uint64_t seed) {
  using learner_type = q::qat_learner<Net, nn::softmax_cross_entropy, nn::adam, Batch>;
  using twin_type = typename learner_type::twin_type;
  typename learner_type::params lp;
  lp.optimizer.learning_rate = 0.01f;
  lp.seed = seed;
  static learner_type learner(lp);
  edgeloop::rng r(seed + 100);
  constexpr std::size_t n = 24;  // small: the Cortex-M0 board has 16 KB of RAM
  static std::array<typename Net::input_type, n> xs;
  static std::array<edgeloop::class_label, n> ys;
  for (std::size_t i = 0; i < n; ++i) {
    ys[i] = static_cast<edgeloop::class_label>(r.uniform_int(3));
    for (auto& v : xs[i]) v = r.uniform(-1.0f, 1.0f) + 0.3f * static_cast<float>(ys[i]);
  }
  const nn::span_dataset<typename Net::input_type, edgeloop::class_label> data{xs, ys};
  nn::fit_params<float> fp;
  fp.epochs = 3;
  fp.batch_size = 8;
  fp.validation_fraction = 0.25f;
  REQUIRE(nn::fit<n>(learner, data, fp, [](const auto&) {}) == edgeloop::status::ok);
  CHECK(learner.updates() == 3 * 3);  // 18 training samples in mini-batches of 8
  static twin_type twin;
  REQUIRE(learner.quantize(twin) == edgeloop::status::ok);
  const q::quant_params out = twin.output_params();
  std::size_t within = 0, exact = 0, total = 0;
  for (int i = 0; i < 100; ++i) {
    typename Net::input_type x;
    for (auto& v : x) v = r.uniform(-1.5f, 2.0f);
    const auto a = twin.predict_dequantized(x);
    const auto b = learner.fake_quant_forward(x);
    for (std::size_t o = 0; o < a.size(); ++o) {
      const double steps = std::fabs(static_cast<double>(a[o]) - b[o]) / static_cast<double>(out.scale);
      within += steps <= 1.001 ? 1 : 0;
      exact += steps <= 0.001 ? 1 : 0;
      ++total;
    }
  }
  CHECK(within == total);
  CHECK(exact * 10 >= total * 9);  // mostly bit-exact; 1 step only at rounding ties
}
}  // namespace

TEST_CASE("qat_learner: the int8 twin equals the fake-quant forward within one step", "[quant][qat]") {
  check_twin_matches<mlp, 1>(21);
  check_twin_matches<small_cnn, 2>(22);
}

TEST_CASE("qat_learner: bad input changes nothing", "[quant][qat]") {
  using learner_type = q::qat_learner<mlp, nn::softmax_cross_entropy, nn::adam, 1>;
  static learner_type learner;
  REQUIRE(learner.partial_fit({0.1f, 0.2f, -0.3f, 0.4f}, 1) == edgeloop::status::ok);
  const auto weights = learner.network().parameters();
  const auto observer = learner.observer(1);
  const auto updates = learner.updates();
  CHECK(learner.partial_fit({0.1f, NAN, 0.3f, 0.4f}, 1) == edgeloop::status::non_finite_input);
  CHECK(learner.partial_fit({0.1f, 0.2f, 0.3f, 0.4f}, 3) == edgeloop::status::label_out_of_range);
  CHECK(learner.network().parameters() == weights);
  CHECK(edgeloop::test::same_bytes(learner.observer(1), observer));
  CHECK(learner.updates() == updates);
  learner_type::params bad;
  bad.averaging_constant = 0.0f;
  CHECK(learner_type::validate(bad) == edgeloop::status::invalid_argument);
}

TEST_CASE("qat_learner: frozen ranges stay, the weights still learn", "[quant][qat]") {
  using learner_type = q::qat_learner<mlp, nn::softmax_cross_entropy, nn::adam, 1>;
  static learner_type learner;
  REQUIRE(learner.partial_fit({0.1f, 0.2f, -0.3f, 0.4f}, 1) == edgeloop::status::ok);
  learner.freeze_ranges();
  const auto weights = learner.network().parameters();
  std::array<q::quant_params, learner_type::tensors> before{}, after{};
  REQUIRE(learner.ranges(before) == edgeloop::status::ok);
  REQUIRE(learner.partial_fit({2.0f, -1.5f, 3.0f, 0.5f}, 2) == edgeloop::status::ok);  // far outside the ranges
  REQUIRE(learner.ranges(after) == edgeloop::status::ok);
  CHECK(edgeloop::test::same_bytes(before, after));
  CHECK_FALSE(learner.network().parameters() == weights);
  learner.freeze_ranges(false);
  REQUIRE(learner.partial_fit({2.0f, -1.5f, 3.0f, 0.5f}, 2) == edgeloop::status::ok);
  REQUIRE(learner.ranges(after) == edgeloop::status::ok);
  CHECK(after[0].scale > before[0].scale);  // the input range widened towards 3.0
}

namespace {
// Three blobs in 4-D, and one learner for the two tests below (the Cortex-M0 board has
// 16 KB of RAM).
constexpr std::size_t blob_train = 32, blob_validation = 16;
struct blob_data {
  std::array<mlp::input_type, blob_train> x;
  std::array<edgeloop::class_label, blob_train> y;
  std::array<mlp::input_type, blob_validation> vx;
  std::array<edgeloop::class_label, blob_validation> vy;
  std::array<std::uint16_t, blob_validation> v_index;
};
blob_data blobs;
void make_blobs(blob_data& d, std::uint64_t seed) {
  edgeloop::rng r(seed);
  auto sample = [&](mlp::input_type& x, edgeloop::class_label& y) {
    y = static_cast<edgeloop::class_label>(r.uniform_int(3));
    for (std::size_t j = 0; j < x.size(); ++j) x[j] = r.normal(0.0f, 0.6f) + (j == y ? 1.0f : 0.0f);
  };
  for (std::size_t i = 0; i < blob_train; ++i) sample(d.x[i], d.y[i]);
  for (std::size_t i = 0; i < blob_validation; ++i) {
    sample(d.vx[i], d.vy[i]);
    d.v_index[i] = static_cast<std::uint16_t>(i);
  }
}
using blob_learner_type = q::qat_learner<mlp, nn::softmax_cross_entropy, nn::adam, 2>;
blob_learner_type& blob_learner() {
  static blob_learner_type learner([] {
    blob_learner_type::params lp;
    lp.optimizer.learning_rate = 0.05f;  // large: the validation loss is not monotone
    return lp;
  }());
  learner.reset();
  return learner;
}
nn::fit_params<float> one_epoch(std::uint64_t seed) {
  nn::fit_params<float> fp;
  fp.epochs = 1;
  fp.batch_size = 8;
  fp.validation_fraction = 0.0f;
  fp.seed = seed;
  return fp;
}
}  // namespace

TEST_CASE("qat_learner: ranges frozen during mini-batch training do not move", "[quant][qat]") {
  using learner_type = blob_learner_type;
  blob_data& d = blobs;
  make_blobs(d, 31);
  const nn::span_dataset<mlp::input_type, edgeloop::class_label> data{d.x, d.y};
  learner_type& learner = blob_learner();
  REQUIRE(nn::fit<blob_train>(learner, data, one_epoch(1), [](const auto&) {}) == edgeloop::status::ok);
  std::array<q::quant_params, learner_type::tensors> before{}, after{};
  REQUIRE(learner.ranges(before) == edgeloop::status::ok);
  const auto observers = learner.observer(2);
  learner.freeze_ranges();
  for (auto& x : d.x) x[0] += 5.0f;  // far outside the input range: an unfrozen EMA would widen it
  const auto weights = learner.network().parameters();
  REQUIRE(nn::fit<blob_train>(learner, data, one_epoch(2), [](const auto&) {}) == edgeloop::status::ok);
  REQUIRE(learner.ranges(after) == edgeloop::status::ok);
  CHECK(edgeloop::test::same_bytes(before, after));
  CHECK(edgeloop::test::same_bytes(learner.observer(2), observers));  // the EMA state too
  CHECK_FALSE(learner.network().parameters() == weights);
}

TEST_CASE("qat_learner: restoring the checkpoint of the best validation epoch", "[quant][qat]") {
  using learner_type = blob_learner_type;
  constexpr std::uint32_t epochs = 6;
  blob_data& d = blobs;
  make_blobs(d, 32);
  const nn::span_dataset<mlp::input_type, edgeloop::class_label> data{d.x, d.y};
  const nn::span_dataset<mlp::input_type, edgeloop::class_label> validation{d.vx, d.vy};
  learner_type& learner = blob_learner();
  // Recorded independently of the checkpoints: the validation loss of every epoch, the
  // weights and ranges of epoch 1 and of the epoch with the lowest loss so far.
  std::array<float, epochs + 1> losses{};
  static std::array<float, mlp::param_count> weights_first, weights_best, weights_last;
  std::array<q::quant_params, learner_type::tensors> ranges_first{}, ranges_best{};
  static learner_type::checkpoint_type best, first;
  std::uint32_t best_epoch = 0;
  for (std::uint32_t e = 1; e <= epochs; ++e) {
    REQUIRE(nn::fit<blob_train>(learner, data, one_epoch(e), [](const auto&) {}) == edgeloop::status::ok);
    if (e == 2) learner.freeze_ranges();
    const auto v = learner.evaluate(validation, std::span<const std::uint16_t>(d.v_index));
    REQUIRE(v.samples == blob_validation);
    losses[e] = v.loss_sum;
    if (e == 1) {
      learner.save_checkpoint(first);
      weights_first = learner.network().parameters();
      REQUIRE(learner.ranges(ranges_first) == edgeloop::status::ok);
    }
    if (best_epoch == 0 || losses[e] < losses[best_epoch]) {
      best_epoch = e;
      learner.save_checkpoint(best);
      weights_best = learner.network().parameters();
      REQUIRE(learner.ranges(ranges_best) == edgeloop::status::ok);
    }
  }
  weights_last = learner.network().parameters();
  std::uint32_t argmin = 1;
  for (std::uint32_t e = 2; e <= epochs; ++e) argmin = losses[e] < losses[argmin] ? e : argmin;
  CHECK(best_epoch == argmin);
  REQUIRE(learner.restore_checkpoint(best) == edgeloop::status::ok);
  std::array<q::quant_params, learner_type::tensors> r{};
  REQUIRE(learner.ranges(r) == edgeloop::status::ok);
  CHECK(learner.network().parameters() == weights_best);
  CHECK(edgeloop::test::same_bytes(r, ranges_best));
  CHECK(learner.ranges_frozen() == (best_epoch >= 2));
  CHECK(learner.evaluate(validation, std::span<const std::uint16_t>(d.v_index)).loss_sum == losses[best_epoch]);
  // Epoch 1 (before the ranges were frozen): its weights and ranges come back too.
  REQUIRE(learner.restore_checkpoint(first) == edgeloop::status::ok);
  REQUIRE(learner.ranges(r) == edgeloop::status::ok);
  CHECK(learner.network().parameters() == weights_first);
  CHECK(edgeloop::test::same_bytes(r, ranges_first));
  CHECK_FALSE(learner.ranges_frozen());
  CHECK_FALSE(weights_first == weights_last);
  // A checkpoint with a non-finite weight is refused and changes nothing.
  best.weights[3] = NAN;  // best is no longer needed
  CHECK(learner.restore_checkpoint(best) == edgeloop::status::invalid_state);
  CHECK(learner.network().parameters() == weights_first);
  CHECK_FALSE(learner.ranges_frozen());
}
