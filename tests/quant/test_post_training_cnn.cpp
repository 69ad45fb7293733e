// post_training on convolutional networks: conv2d (same/valid padding, stride 1 and 2),
// relu/relu6, max and average pooling, flatten, dropout, dense. The twin's weights are the
// float HWIO weights quantized per output channel in OHWI order, and its int8 outputs equal
// a plain reference of the TFLite specification written here (unpacked weights, zero-point
// padding skipped, int64 accumulators, the oracle's requantization, naive pooling) bit for
// bit on every kernel path; the dequantized outputs stay near the float network's.
#include <cmath>
#include <cstdint>

#include "edgeloop/nn/avg_pool2d.hpp"
#include "edgeloop/nn/conv2d.hpp"
#include "edgeloop/nn/dense.hpp"
#include "edgeloop/nn/dropout.hpp"
#include "edgeloop/nn/flatten.hpp"
#include "edgeloop/nn/max_pool2d.hpp"
#include "edgeloop/nn/relu.hpp"
#include "edgeloop/nn/relu6.hpp"
#include "edgeloop/nn/sequential.hpp"
#include "edgeloop/quant/post_training.hpp"
#include "quant_oracle.hpp"
#include "support/test.hpp"

namespace q = edgeloop::quant;
namespace nn = edgeloop::nn;
namespace oracle = edgeloop::test::oracle;

namespace {
// 6x6x2 -> conv 3x3 same (4) relu -> max pool 2 -> 3x3x4 -> conv 3x3 valid (5) relu6 -> 1x1x5
// -> flatten -> dropout -> dense 3.
using net_a = nn::sequential<float, nn::shape<6, 6, 2>, nn::conv2d<4, 3, 1, nn::padding::same>, nn::relu,
                             nn::max_pool2d<2>, nn::conv2d<5, 3, 1, nn::padding::valid>, nn::relu6, nn::flatten,
                             nn::dropout<0.25f>, nn::dense<3>>;
// 5x5x3 -> conv 3x3 stride 2 same (4) relu -> avg pool 2 stride 1 -> 2x2x4 -> flatten -> dense 3.
using net_b = nn::sequential<float, nn::shape<5, 5, 3>, nn::conv2d<4, 3, 2, nn::padding::same>, nn::relu,
                             nn::avg_pool2d<2, 1>, nn::flatten, nn::dense<3>>;

struct geometry {
  bool conv;
  std::size_t layer, h, w, c, k, stride;
  bool same;
  int pool;  // 0 none, 1 max, 2 average
  std::size_t pool_k, pool_stride;
};

// Reference int8 inference of a twin from its parameters and the layer geometry.
template <class Twin>
void reference(const Twin& t, const geometry* g, std::size_t blocks, const std::int8_t* x, std::int8_t* y) {
  static std::int8_t a[256], b[256];  // the largest tensor here: 6 * 6 * 4
  std::size_t size = g[0].h * g[0].w * g[0].c;
  for (std::size_t i = 0; i < size; ++i) a[i] = x[i];
  for (std::size_t j = 0; j < blocks; ++j) {
    const geometry& l = g[j];
    const std::size_t oc = Twin::block_outputs(j);
    const std::size_t oh = l.conv ? oracle::out_size(l.h, l.k, l.stride, l.same) : 1;
    const std::size_t ow = l.conv ? oracle::out_size(l.w, l.k, l.stride, l.same) : 1;
    const long pt = l.conv ? oracle::pad_before(l.h, l.k, l.stride, l.same) : 0;
    const long pl = l.conv ? oracle::pad_before(l.w, l.k, l.stride, l.same) : 0;
    const std::int64_t zp = t.tensor_params(j).zero_point;
    for (std::size_t oy = 0; oy < oh; ++oy)
      for (std::size_t ox = 0; ox < ow; ++ox)
        for (std::size_t o = 0; o < oc; ++o) {
          std::int64_t acc = t.bias(j, o);
          if (l.conv) {
            for (std::size_t ky = 0; ky < l.k; ++ky)
              for (std::size_t kx = 0; kx < l.k; ++kx) {
                const long iy = static_cast<long>(oy * l.stride + ky) - pt, ix = static_cast<long>(ox * l.stride + kx) - pl;
                if (iy < 0 || ix < 0 || iy >= static_cast<long>(l.h) || ix >= static_cast<long>(l.w)) continue;
                for (std::size_t c = 0; c < l.c; ++c)
                  acc += t.weight(j, o, (ky * l.k + kx) * l.c + c) *
                         (a[(static_cast<std::size_t>(iy) * l.w + static_cast<std::size_t>(ix)) * l.c + c] - zp);
              }
          } else {
            for (std::size_t k = 0; k < size; ++k) acc += t.weight(j, o, k) * (a[k] - zp);
          }
          b[(oy * ow + ox) * oc + o] = oracle::requantize(acc, t.multiplier(j, o), t.stage(j));
        }
    size = oh * ow * oc;
    if (l.pool != 0) {
      const std::size_t ph = (oh - l.pool_k) / l.pool_stride + 1, pw = (ow - l.pool_k) / l.pool_stride + 1;
      for (std::size_t py = 0; py < ph; ++py)
        for (std::size_t px = 0; px < pw; ++px)
          for (std::size_t c = 0; c < oc; ++c) {
            std::int64_t best = -128, sum = 0;
            for (std::size_t dy = 0; dy < l.pool_k; ++dy)
              for (std::size_t dx = 0; dx < l.pool_k; ++dx) {
                const std::int64_t v = b[((py * l.pool_stride + dy) * ow + px * l.pool_stride + dx) * oc + c];
                best = v > best ? v : best;
                sum += v;
              }
            const std::int64_t n = static_cast<std::int64_t>(l.pool_k * l.pool_k);
            const std::int64_t mean = sum >= 0 ? (2 * sum + n) / (2 * n) : -((-2 * sum + n) / (2 * n));
            a[(py * pw + px) * oc + c] = static_cast<std::int8_t>(l.pool == 1 ? best : mean);
          }
      size = ph * pw * oc;
    } else {
      for (std::size_t i = 0; i < size; ++i) a[i] = b[i];
    }
  }
  for (std::size_t i = 0; i < size; ++i) y[i] = a[i];
}

template <class Net>
struct case_data {
  Net net{11};
  q::quantized_sequential<Net> twin;
  std::array<typename Net::input_type, 4> x{};  // few: 16 KB of RAM on the Cortex-M0
};
case_data<net_a> ca;  // static: the Cortex-M0 has 16 KB of RAM
case_data<net_b> cb;

template <class Net>
void prepare(case_data<Net>& d, std::uint64_t seed) {
  edgeloop::rng r(seed);
  for (auto& s : d.x)
    for (auto& v : s) v = r.uniform(-1.0f, 1.0f);
  static q::calibrator<Net> cal;
  cal = q::calibrator<Net>();
  for (const auto& s : d.x) REQUIRE(cal.observe(d.net, s) == edgeloop::status::ok);
  std::array<q::quant_params, q::quantized_sequential<Net>::tensors> ranges{};
  REQUIRE(cal.ranges(ranges) == edgeloop::status::ok);
  REQUIRE(d.twin.build(d.net, ranges) == edgeloop::status::ok);
}

// Mismatches between the twin (both kernel paths) and the reference over 40 random int8
// inputs and the quantized calibration samples d.x; also, over d.x, the
// largest dequantized error relative to the float output range.
template <class Net>
int compare(const case_data<Net>& d, const geometry* g, double& relative_error) {
  using twin_type = q::quantized_sequential<Net>;
  int bad = 0;
  double worst = 0, range = 0;
  edgeloop::rng r(77);
  for (int i = 0; i < 40; ++i) {  // random int8 inputs (saturating some layers): bit-exactness
    std::array<std::int8_t, Net::input_size> xq{};
    for (auto& v : xq) v = oracle::random_int8(r);
    std::array<std::int8_t, twin_type::output_size> y{}, yp{}, ref{};
    d.twin.forward(xq.data(), y.data());
    d.twin.template forward<q::portable_path>(xq.data(), yp.data());
    reference(d.twin, g, twin_type::blocks, xq.data(), ref.data());
    if (y != ref || yp != ref) ++bad;
  }
  for (const auto& s : d.x) {
    std::array<std::int8_t, Net::input_size> xq{};
    d.twin.quantize_input(s, xq.data());
    std::array<std::int8_t, twin_type::output_size> y{}, yp{}, ref{};
    d.twin.forward(xq.data(), y.data());
    d.twin.template forward<q::portable_path>(xq.data(), yp.data());
    reference(d.twin, g, twin_type::blocks, xq.data(), ref.data());
    if (y != ref || yp != ref) ++bad;
    const auto yq = d.twin.predict_dequantized(s);
    const auto yf = d.net.forward(s);
    for (std::size_t o = 0; o < yf.size(); ++o) {
      worst = std::fmax(worst, std::fabs(static_cast<double>(yq[o]) - yf[o]));
      range = std::fmax(range, std::fabs(static_cast<double>(yf[o])));
    }
  }
  relative_error = worst / range;
  return bad;
}
}  // namespace

TEST_CASE("conv/pool/flatten/dropout twin equals the reference bit for bit", "[quant][post_training]") {
  using twin_a = q::quantized_sequential<net_a>;
  STATIC_REQUIRE(twin_a::blocks == 3);
  STATIC_REQUIRE(twin_a::output_size == 3);
  STATIC_REQUIRE(twin_a::weight_count == 3 * 3 * 2 * 4 + 3 * 3 * 4 * 5 + 5 * 3);
  prepare(ca, 5);
  const geometry g[] = {{true, 0, 6, 6, 2, 3, 1, true, 1, 2, 2},
                        {true, 3, 3, 3, 4, 3, 1, false, 0, 0, 0},
                        {false, 7, 1, 1, 5, 1, 1, false, 0, 0, 0}};
  double rel = 0;
  CHECK(compare(ca, g, rel) == 0);
  CHECK(rel < 0.1);
  CHECK(twin_a::block_activation(1) == q::fused_activation::relu6);
  // Weights: the float HWIO weights quantized per output channel, read in OHWI order.
  int bad = 0;
  const float* p = ca.net.parameters().data() + net_a::param_offsets[3];
  for (std::size_t o = 0; o < 5; ++o) {
    double m = 0;
    for (std::size_t k = 0; k < 36; ++k) m = std::fmax(m, std::fabs(static_cast<double>(p[k * 5 + o])));
    if (!edgeloop::test::close(ca.twin.weight_scale(1, o), m / 127.0, 1e-6)) ++bad;
    for (std::size_t k = 0; k < 36; ++k)
      if (ca.twin.weight(1, o, k) != static_cast<std::int8_t>(std::lround(p[k * 5 + o] / ca.twin.weight_scale(1, o))))
        ++bad;
  }
  CHECK(bad == 0);
}

TEST_CASE("strided same-padded conv and average pooling equal the reference", "[quant][post_training]") {
  prepare(cb, 6);
  const geometry g[] = {{true, 0, 5, 5, 3, 3, 2, true, 2, 2, 1}, {false, 4, 1, 1, 16, 1, 1, false, 0, 0, 0}};
  double rel = 0;
  CHECK(compare(cb, g, rel) == 0);
  CHECK(rel < 0.1);
}
