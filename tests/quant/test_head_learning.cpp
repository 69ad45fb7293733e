// int8_head_learner: on-device learning of the last dense layer over a frozen int8
// backbone. A hand-built network (identity-like hidden layer, head rows pointing at the
// first three cluster centres) on generated clusters:
//  - one step equals the float SGD step on softmax cross-entropy computed here in double
//    from the dequantized int8 features, including the step that adds a class;
//  - the int8 head is the per-row symmetric quantization of the shadow and its logits
//    equal the oracle's reference computation;
//  - a fourth class is learned from a stream while the first three are kept;
//  - bad input and bad states change nothing; state() / restore() round-trip.
#include "edgeloop/quant/int8_head_learner.hpp"

#include <cmath>
#include <cstdint>

#include "edgeloop/nn/dense.hpp"
#include "edgeloop/nn/relu.hpp"
#include "edgeloop/nn/sequential.hpp"
#include "quant_oracle.hpp"
#include "support/test.hpp"

namespace q = edgeloop::quant;
namespace nn = edgeloop::nn;
namespace oracle = edgeloop::test::oracle;

namespace {
constexpr std::size_t dims = 6, hidden = 8, max_classes = 4;
using net_type = nn::sequential<float, nn::shape<dims>, nn::dense<hidden>, nn::relu, nn::dense<3>>;
using learner_type = q::int8_head_learner<net_type, max_classes>;
using backbone_type = learner_type::backbone_type;

// Cluster c (0..3): centre 2 e_c, uniform noise of +-0.4 on every coordinate (clamped at 0).
net_type::input_type sample(edgeloop::rng& r, std::size_t c) {
  net_type::input_type x{};
  for (std::size_t i = 0; i < dims; ++i) {
    const float v = (i == c ? 2.0f : 0.0f) + r.uniform(-0.4f, 0.4f);
    x[i] = v > 0.0f ? v : 0.0f;
  }
  return x;
}

struct fixture {
  net_type net{1};
  backbone_type backbone;
  std::array<q::quant_params, 3> ranges{};
};
fixture fx;  // static: the Cortex-M0 has 16 KB of RAM

void make_fixture() {
  auto& p = fx.net.parameters();
  for (auto& v : p) v = 0.0f;
  for (std::size_t i = 0; i < dims; ++i) p[i * dims + i] = 1.0f;  // hidden = relu(x) on the first 6 units
  for (std::size_t i = 0; i < dims; ++i) p[6 * dims + i] = 0.1f;   // unit 6: a sum feature
  const std::size_t head = net_type::param_offsets[2];
  for (std::size_t c = 0; c < 3; ++c) p[head + c * hidden + c] = 2.0f;
  q::calibrator<net_type> cal;
  edgeloop::rng r(5);
  for (int i = 0; i < 64; ++i) REQUIRE(cal.observe(fx.net, sample(r, static_cast<std::size_t>(i) % 3)) == edgeloop::status::ok);
  REQUIRE(cal.ranges(fx.ranges) == edgeloop::status::ok);
  REQUIRE(fx.backbone.build(fx.net, fx.ranges) == edgeloop::status::ok);
}

// A learner over fx.backbone starting with the network's three classes.
void start(learner_type& l, float lr) {
  l = learner_type(fx.backbone, {lr});
  REQUIRE(l.init(fx.net, 3, fx.ranges[2]) == edgeloop::status::ok);
}

// The float step on the shadow, in double, from features f.
void reference_step(const learner_type& before, const double* f, std::size_t classes, std::size_t y, double lr,
                    double* w, double* b) {
  double z[max_classes] = {}, top = -1e300, sum = 0;
  for (std::size_t o = 0; o < classes; ++o) {
    z[o] = before.shadow_bias(o);
    for (std::size_t k = 0; k < hidden; ++k) z[o] += static_cast<double>(before.shadow_weight(o, k)) * f[k];
    top = std::fmax(top, z[o]);
  }
  for (std::size_t o = 0; o < classes; ++o) sum += std::exp(z[o] - top);
  for (std::size_t o = 0; o < max_classes; ++o) {
    const double g = o < classes ? std::exp(z[o] - top) / sum - (o == y ? 1.0 : 0.0) : 0.0;
    for (std::size_t k = 0; k < hidden; ++k) w[o * hidden + k] = before.shadow_weight(o, k) - lr * g * f[k];
    b[o] = before.shadow_bias(o) - lr * g;
  }
}
}  // namespace

TEST_CASE("one update equals the hand-computed float step", "[quant][head_learning]") {
  make_fixture();
  static learner_type l(fx.backbone);
  start(l, 0.05f);
  edgeloop::rng r(9);
  struct step {
    std::size_t cls, label;
  };
  const step steps[] = {{0, 0}, {1, 2}, {3, 3}, {3, 3}, {2, 1}};  // the third adds class 3
  for (const step& s : steps) {
    const auto x = sample(r, s.cls);
    // Features: the backbone's int8 output, dequantized here.
    std::array<std::int8_t, dims> xq{};
    std::array<std::int8_t, hidden> hq{};
    fx.backbone.quantize_input(x, xq.data());
    fx.backbone.forward(xq.data(), hq.data());
    double f[hidden];
    const q::quant_params fp = fx.backbone.output_params();
    for (std::size_t k = 0; k < hidden; ++k) f[k] = static_cast<double>(fp.scale) * (hq[k] - fp.zero_point);
    const std::size_t classes = s.label >= l.active_classes() ? s.label + 1 : l.active_classes();
    static double w[max_classes * hidden], b[max_classes];
    reference_step(l, f, classes, s.label, 0.05, w, b);
    REQUIRE(l.partial_fit(x, static_cast<edgeloop::class_label>(s.label)) == edgeloop::status::ok);
    CHECK(l.active_classes() == classes);
    int bad = 0;
    for (std::size_t o = 0; o < max_classes; ++o) {
      if (!edgeloop::test::close(l.shadow_bias(o), b[o], 1e-5, 1e-6)) ++bad;
      for (std::size_t k = 0; k < hidden; ++k)
        if (!edgeloop::test::close(l.shadow_weight(o, k), w[o * hidden + k], 1e-5, 1e-6)) ++bad;
    }
    CHECK(bad == 0);
  }
  CHECK(l.updates() == 5);
}

TEST_CASE("the int8 head is the shadow quantized and matches the reference", "[quant][head_learning]") {
  make_fixture();
  static learner_type l(fx.backbone);
  start(l, 0.1f);
  edgeloop::rng r(11);
  for (int i = 0; i < 40; ++i) {
    const std::size_t c = static_cast<std::size_t>(i) % 4;
    REQUIRE(l.partial_fit(sample(r, c), static_cast<edgeloop::class_label>(c)) == edgeloop::status::ok);
  }
  int bad = 0;
  const double s_in = fx.backbone.output_params().scale, s_out = l.logit_params().scale;
  for (std::size_t o = 0; o < max_classes; ++o) {
    double m = 0;
    for (std::size_t k = 0; k < hidden; ++k) m = std::fmax(m, std::fabs(static_cast<double>(l.shadow_weight(o, k))));
    if (!edgeloop::test::close(l.head_weight_scale(o), m / 127.0, 1e-6)) ++bad;
    for (std::size_t k = 0; k < hidden; ++k)
      if (l.head_weight(o, k) != static_cast<std::int8_t>(std::lround(l.shadow_weight(o, k) / l.head_weight_scale(o))))
        ++bad;  // float division, as TFLite's QUANTIZE
    if (l.head_bias(o) != static_cast<std::int32_t>(std::round(l.shadow_bias(o) / (s_in * l.head_weight_scale(o))))) ++bad;
    const q::quantized_multiplier m_ref = oracle::quantize_multiplier(s_in * l.head_weight_scale(o) / s_out);
    if (l.head_multiplier(o).multiplier != m_ref.multiplier || l.head_multiplier(o).shift != m_ref.shift) ++bad;
  }
  CHECK(bad == 0);
  for (int i = 0; i < 20; ++i) {
    const auto x = sample(r, static_cast<std::size_t>(i) % 4);
    std::array<std::int8_t, dims> xq{};
    std::array<std::int8_t, hidden> hq{};
    fx.backbone.quantize_input(x, xq.data());
    fx.backbone.forward(xq.data(), hq.data());
    std::array<std::int8_t, max_classes> z{}, zp{};
    l.logits_int8(x, z.data());
    l.logits_int8<q::portable_path>(x, zp.data());
    std::size_t best = 0;
    std::int8_t ref[max_classes];
    const q::output_stage st{l.logit_params().zero_point, -128, 127};
    for (std::size_t o = 0; o < max_classes; ++o) {
      std::int64_t acc = l.head_bias(o);
      for (std::size_t k = 0; k < hidden; ++k)
        acc += std::int64_t{l.head_weight(o, k)} * (hq[k] - fx.backbone.output_params().zero_point);
      ref[o] = oracle::requantize(acc, l.head_multiplier(o), st);
      if (z[o] != ref[o] || zp[o] != ref[o]) ++bad;
      if (ref[o] > ref[best]) best = o;
    }
    if (l.predict(x) != best) ++bad;
  }
  CHECK(bad == 0);
}

TEST_CASE("a new class is learned from a stream and the old ones are kept", "[quant][head_learning]") {
  make_fixture();
  static learner_type l(fx.backbone);
  start(l, 0.05f);
  edgeloop::rng r(21);
  auto accuracy = [&](std::size_t c) {
    int correct = 0;
    for (int i = 0; i < 50; ++i) correct += l.predict(sample(r, c)) == c ? 1 : 0;
    return correct;
  };
  for (std::size_t c = 0; c < 3; ++c) CHECK(accuracy(c) >= 48);  // the float head, quantized
  CHECK(accuracy(3) == 0);  // class 3 does not exist yet
  for (int i = 0; i < 200; ++i) {
    const std::size_t c = r.uniform_int(4);
    REQUIRE(l.partial_fit(sample(r, c), static_cast<edgeloop::class_label>(c)) == edgeloop::status::ok);
  }
  CHECK(l.active_classes() == 4);
  CHECK(accuracy(3) >= 48);
  for (std::size_t c = 0; c < 3; ++c) CHECK(accuracy(c) >= 48);
}

TEST_CASE("bad input and bad states change nothing; state round trip", "[quant][head_learning]") {
  make_fixture();
  static learner_type l(fx.backbone);
  start(l, 0.05f);
  edgeloop::rng r(31);
  for (int i = 0; i < 30; ++i) {
    const std::size_t c = static_cast<std::size_t>(i) % 4;
    REQUIRE(l.partial_fit(sample(r, c), static_cast<edgeloop::class_label>(c)) == edgeloop::status::ok);
  }
  static learner_type::state_type before, after;
  before = l.state();
  auto x = sample(r, 1);
  x[2] = std::nanf("");
  CHECK(l.partial_fit(x, 1) == edgeloop::status::non_finite_input);
  CHECK(l.partial_fit(sample(r, 1), max_classes) == edgeloop::status::label_out_of_range);
  after = l.state();
  CHECK(edgeloop::test::same_bytes(before, after));

  static learner_type copy(fx.backbone);
  REQUIRE(copy.init(fx.net, 2, fx.ranges[2]) == edgeloop::status::ok);
  REQUIRE(copy.restore(before) == edgeloop::status::ok);
  after = copy.state();
  CHECK(edgeloop::test::same_bytes(before, after));
  int differ = 0;
  for (int i = 0; i < 40; ++i) {
    const auto s = sample(r, static_cast<std::size_t>(i) % 4);
    std::array<std::int8_t, max_classes> a{}, b{};
    l.logits_int8(s, a.data());
    copy.logits_int8(s, b.data());
    if (a != b) ++differ;
  }
  CHECK(differ == 0);

  // Corrupted states are refused and leave `copy` as it was.
  static learner_type::state_type bad;
  bad = before;
  bad.magic ^= 1u;
  CHECK(copy.restore(bad) == edgeloop::status::invalid_state);
  bad = before;
  bad.active = 0;
  CHECK(copy.restore(bad) == edgeloop::status::invalid_state);
  bad = before;
  bad.active = 3;  // row 3 is learned, so it cannot be inactive
  CHECK(copy.restore(bad) == edgeloop::status::invalid_state);
  bad = before;
  bad.w[5] = INFINITY;
  CHECK(copy.restore(bad) == edgeloop::status::invalid_state);
  bad = before;
  bad.hyper.learning_rate = -1.0f;
  CHECK(copy.restore(bad) == edgeloop::status::invalid_state);
  after = copy.state();
  CHECK(edgeloop::test::same_bytes(before, after));

  // init refuses bad arguments without changing anything.
  CHECK(copy.init(fx.net, 0, fx.ranges[2]) == edgeloop::status::invalid_argument);
  CHECK(copy.init(fx.net, 4, fx.ranges[2]) == edgeloop::status::invalid_argument);  // the net has 3 outputs
  CHECK(copy.init(fx.net, 2, q::quant_params{0.0f, 0}) == edgeloop::status::invalid_argument);
  after = copy.state();
  CHECK(edgeloop::test::same_bytes(before, after));
  STATIC_REQUIRE(learner_type::memory_bytes == sizeof(learner_type));
  STATIC_REQUIRE(learner_type::learning_bytes < learner_type::memory_bytes);
}
