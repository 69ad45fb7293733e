// Magnitude pruning: the masks keep exactly the k largest |w| (against a sort of the
// magnitudes), biases are never pruned, the Zhu & Gupta schedule equals its closed form,
// pruned weights stay zero while a pruned_learner trains, state round trips, and bad
// sparsity / bad data leave everything unchanged.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <new>

#include "edgeloop/core/concepts.hpp"
#include "edgeloop/nn/conv2d.hpp"
#include "edgeloop/nn/dense.hpp"
#include "edgeloop/nn/flatten.hpp"
#include "edgeloop/nn/learner.hpp"
#include "edgeloop/nn/magnitude_pruning.hpp"
#include "edgeloop/nn/pruned_learner.hpp"
#include "edgeloop/nn/pruning_schedule.hpp"
#include "edgeloop/nn/relu.hpp"
#include "edgeloop/nn/sgd.hpp"
#include "support/test.hpp"

namespace nn = edgeloop::nn;
using edgeloop::status;

namespace {
// 6-5-3: 30 + 5 and 15 + 3 parameters, 45 prunable weights.
using mlp = nn::sequential<float, nn::shape<6>, nn::dense<5>, nn::relu, nn::dense<3>>;
// 5x5x1 -> conv3x3(2, valid) 3x3x2 -> 2: 18 + 2 and 36 + 2 parameters, 54 prunable weights.
using cnn = nn::sequential<float, nn::shape<5, 5, 1>, nn::conv2d<2, 3, 1, nn::padding::valid>, nn::relu, nn::flatten,
                           nn::dense<2>>;
using mlp_pruning = nn::magnitude_pruning<mlp>;
using cnn_pruning = nn::magnitude_pruning<cnn>;
using pruned_clf = nn::pruned_learner<nn::classifier<mlp, nn::adam, 1>>;

constexpr std::size_t slot_bytes = 2600;
alignas(16) unsigned char arena[2][slot_bytes];
template <class T, class... Args>
T& make_in(std::size_t slot, Args&&... args) {
  static_assert(sizeof(T) <= slot_bytes, "slot too small");
  return *new (arena[slot]) T(static_cast<Args&&>(args)...);
}

/// Reference: which of w[begin, end) are among the `keep` largest |w| there, by sorting
/// (|w| descending, then the lower position first).
template <std::size_t N>
std::array<bool, N> sorted_keep(const std::array<float, N>& w, std::size_t begin, std::size_t end, std::size_t keep) {
  std::array<std::size_t, N> order{};
  for (std::size_t i = begin; i < end; ++i) order[i - begin] = i;
  std::sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(end - begin), [&](std::size_t a, std::size_t b) {
    const float ma = std::fabs(w[a]), mb = std::fabs(w[b]);
    return ma != mb ? ma > mb : a < b;
  });
  std::array<bool, N> kept{};
  for (std::size_t k = 0; k < keep; ++k) kept[order[k]] = true;
  return kept;
}

/// The prunable weights of net in mask order.
template <class Net, class Pruning>
std::array<float, Pruning::weight_count> prunable(const Net& net) {
  std::array<float, Pruning::weight_count> w{};
  for (std::size_t l = 0; l < Net::layer_count; ++l)
    for (std::size_t j = 0; j < Pruning::layer_weights[l]; ++j)
      w[Pruning::mask_offsets[l] + j] = net.parameters()[Net::param_offsets[l] + j];
  return w;
}

/// Checks masks, zeros and untouched parameters of `pruned` (from `original`) against
/// the sort reference for `sparsity` and `scope`.
template <class Net, class Pruning>
bool matches_reference(const Net& original, const Net& pruned, const Pruning& mask, float sparsity,
                       nn::pruning_scope scope) {
  const auto w = prunable<Net, Pruning>(original);
  std::array<bool, Pruning::weight_count> expect{};
  auto rounded = [&](std::size_t n) { return n - static_cast<std::size_t>(std::floor(sparsity * static_cast<float>(n) + 0.5f)); };
  if (scope == nn::pruning_scope::global) {
    expect = sorted_keep(w, 0, Pruning::weight_count, rounded(Pruning::weight_count));
  } else {
    for (std::size_t l = 0; l < Net::layer_count; ++l) {
      const std::size_t b = Pruning::mask_offsets[l], e = Pruning::mask_offsets[l + 1];
      if (b == e) continue;
      const auto k = sorted_keep(w, b, e, rounded(e - b));
      for (std::size_t i = b; i < e; ++i) expect[i] = k[i];
    }
  }
  std::size_t kept = 0;
  for (std::size_t i = 0; i < Pruning::weight_count; ++i) {
    if (mask.kept(i) != expect[i]) return false;
    kept += expect[i] ? 1u : 0u;
  }
  if (mask.kept_count() != kept) return false;
  for (std::size_t l = 0; l < Net::layer_count; ++l)
    for (std::size_t j = 0; j < Net::layer_params[l]; ++j) {
      const std::size_t i = Net::param_offsets[l] + j;
      const float want = mask.kept(l, j) ? original.parameters()[i] : 0.0f;
      if (!(pruned.parameters()[i] == want)) return false;  // biases: always the original
    }
  return true;
}
}  // namespace

TEST_CASE("magnitude_pruning: compile-time sizes", "[nn][pruning]") {
  STATIC_REQUIRE(mlp_pruning::weight_count == 45);
  STATIC_REQUIRE(mlp_pruning::mask_bytes == 6);
  STATIC_REQUIRE(mlp_pruning::memory_bytes == 6);
  STATIC_REQUIRE(mlp_pruning::layer_weights[0] == 30 && mlp_pruning::layer_weights[1] == 0 &&
                 mlp_pruning::layer_weights[2] == 15);
  STATIC_REQUIRE(cnn_pruning::weight_count == 18 + 36);
  STATIC_REQUIRE(cnn_pruning::mask_bytes == 7);
  STATIC_REQUIRE(edgeloop::online_learner<pruned_clf>);
  STATIC_REQUIRE(edgeloop::persistable<pruned_clf>);
  STATIC_REQUIRE(std::is_trivially_copyable_v<pruned_clf::state_type>);
  STATIC_REQUIRE(pruned_clf::training_bytes == pruned_clf::learner_type::training_bytes + 6);
}

TEST_CASE("magnitude_pruning: keeps exactly the largest |w| (per layer and global, against a sort)", "[nn][pruning]") {
  static mlp original, net;
  static cnn coriginal, cnet;
  static mlp_pruning mask;
  static cnn_pruning cmask;
  const float sparsities[] = {0.0f, 0.1f, 0.5f, 0.75f, 0.9f, 0.99f};
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    original = mlp(seed);
    coriginal = cnn(seed);
    if (seed == 3) {  // ties: repeated magnitudes of both signs
      for (std::size_t i = 0; i < 30; i += 3) original.parameters()[i] = (i % 2 ? -0.25f : 0.25f);
      for (std::size_t i = 0; i < 18; i += 2) coriginal.parameters()[i] = (i % 4 ? -0.5f : 0.5f);
    }
    for (const float s : sparsities)
      for (const auto scope : {nn::pruning_scope::per_layer, nn::pruning_scope::global}) {
        net = original;
        mask.reset();
        REQUIRE(mask.prune(net, s, scope) == status::ok);
        CHECK(matches_reference(original, net, mask, s, scope));
        cnet = coriginal;
        cmask.reset();
        REQUIRE(cmask.prune(cnet, s, scope) == status::ok);
        CHECK(matches_reference(coriginal, cnet, cmask, s, scope));
      }
  }
  // Per layer: round(s * n) of each layer; global: of all 45.
  net = mlp(5);
  REQUIRE(mask.prune(net, 0.5f, nn::pruning_scope::per_layer) == status::ok);
  CHECK(mask.kept_count(0) == 15);
  CHECK(mask.kept_count(2) == 7);  // 15 - round(7.5) = 15 - 8
  REQUIRE(mask.prune(net, 0.9f, nn::pruning_scope::global) == status::ok);
  CHECK(mask.kept_count() == 45 - 41);  // round(40.5) = 41
  CHECK(edgeloop::test::close(mask.sparsity(), 41.0 / 45.0, 1e-6));
}

TEST_CASE("magnitude_pruning: bad sparsity or weights leave masks and network unchanged", "[nn][pruning]") {
  static mlp net;
  static mlp_pruning mask;
  net = mlp(2);
  mask.reset();
  REQUIRE(mask.prune(net, 0.5f) == status::ok);
  const mlp before = net;
  const auto state = mask.state();
  for (const float bad : {-0.1f, 1.0f, 1.5f, NAN, INFINITY}) {
    CHECK(mask.prune(net, bad) == status::invalid_argument);
    CHECK(edgeloop::test::same_bytes(net, before));
    CHECK(edgeloop::test::same_bytes(mask.state(), state));
  }
  net.parameters()[3] = NAN;
  const mlp with_nan = net;
  CHECK(mask.prune(net, 0.75f) == status::non_finite_input);
  CHECK(edgeloop::test::same_bytes(net, with_nan));
  CHECK(edgeloop::test::same_bytes(mask.state(), state));
}

TEST_CASE("pruning_schedule: Zhu & Gupta's cubic schedule in closed form", "[nn][pruning]") {
  nn::pruning_schedule<float> s;
  s.initial_sparsity = 0.1f;
  s.final_sparsity = 0.8f;
  s.begin = 100;
  s.end = 1100;
  s.frequency = 50;
  REQUIRE(s.validate() == status::ok);
  for (std::uint32_t t = 0; t <= 1300; t += 25) {
    double want = 0;
    if (t >= 100) {
      const double progress = t >= 1100 ? 1.0 : (t - 100) / 1000.0;
      want = 0.8 + (0.1 - 0.8) * std::pow(1.0 - progress, 3.0);
    }
    CHECK(edgeloop::test::close(s.sparsity_at(t), want, 1e-5, 1e-6));
    CHECK(s.is_pruning_step(t) == (t >= 100 && t <= 1100 && (t - 100) % 50 == 0));
  }
  CHECK(s.sparsity_at(100) == 0.1f);
  CHECK(s.sparsity_at(1100) == 0.8f);
  CHECK(s.is_pruning_step(1100));
  s.frequency = 300;  // the end is a pruning step even off the grid
  CHECK(s.is_pruning_step(1000));
  CHECK_FALSE(s.is_pruning_step(1050));
  CHECK(s.is_pruning_step(1100));
  // Monotone: never prunes fewer weights later.
  for (std::uint32_t t = 100; t < 1100; ++t) CHECK(s.sparsity_at(t + 1) >= s.sparsity_at(t));
  nn::pruning_schedule<float> one_shot;
  one_shot.final_sparsity = 0.5f;
  one_shot.begin = one_shot.end = 7;
  REQUIRE(one_shot.validate() == status::ok);
  CHECK(one_shot.sparsity_at(6) == 0.0f);
  CHECK(one_shot.sparsity_at(7) == 0.5f);
  CHECK(one_shot.is_pruning_step(7));
  CHECK_FALSE(one_shot.is_pruning_step(8));
  CHECK_FALSE(nn::pruning_schedule<float>{}.is_pruning_step(0));  // default: never prunes
  nn::pruning_schedule<float> bad = s;
  bad.final_sparsity = 1.0f;
  CHECK(bad.validate() == status::invalid_argument);
  bad = s;
  bad.initial_sparsity = 0.9f;
  CHECK(bad.validate() == status::invalid_argument);
  bad = s;
  bad.end = 99;
  CHECK(bad.validate() == status::invalid_argument);
  bad = s;
  bad.frequency = 0;
  CHECK(bad.validate() == status::invalid_argument);
  bad = s;
  bad.final_sparsity = NAN;
  CHECK(bad.validate() == status::invalid_argument);
}

namespace {
// Three classes from the first two inputs.
void sample(edgeloop::rng& r, std::array<float, 6>& x, edgeloop::class_label& y) {
  for (auto& v : x) v = r.uniform<float>(-1.0f, 1.0f);
  y = static_cast<edgeloop::class_label>(x[0] > 0.3f ? 0 : (x[1] > 0.0f ? 1 : 2));
}
bool pruned_are_zero(const pruned_clf& m) {
  for (std::size_t l = 0; l < mlp::layer_count; ++l)
    for (std::size_t j = 0; j < mlp_pruning::layer_weights[l]; ++j)
      if (!m.mask().kept(l, j) && m.network().parameters()[mlp::param_offsets[l] + j] != 0.0f) return false;
  return true;
}
}  // namespace

TEST_CASE("pruned_learner: pruned weights stay zero while training, kept ones learn", "[nn][pruning]") {
  pruned_clf::params p;
  p.learner.optimizer.learning_rate = 0.02f;
  p.learner.seed = 4;
  pruned_clf& m = make_in<pruned_clf>(0, p);
  edgeloop::rng r(11);
  std::array<float, 6> x{};
  edgeloop::class_label y = 0;
  for (int i = 0; i < 200; ++i) {
    sample(r, x, y);
    REQUIRE(m.partial_fit(x, y) == status::ok);
  }
  REQUIRE(m.prune(0.6f) == status::ok);  // one shot, then fine-tuning
  const std::size_t kept = m.mask().kept_count();
  CHECK(kept == 12 + 6);  // 30 - 18 and 15 - 9
  const mlp before = m.network();
  for (int i = 0; i < 300; ++i) {
    sample(r, x, y);
    REQUIRE(m.partial_fit(x, y) == status::ok);
    REQUIRE(pruned_are_zero(m));  // after every optimizer step (Adam's moments are not zero)
  }
  std::size_t changed = 0;
  for (std::size_t l = 0; l < mlp::layer_count; ++l)
    for (std::size_t j = 0; j < mlp_pruning::layer_weights[l]; ++j)
      changed += m.mask().kept(l, j) && m.network().parameters()[mlp::param_offsets[l] + j] !=
                                            before.parameters()[mlp::param_offsets[l] + j];
  CHECK(changed >= kept / 2);  // the kept weights went on learning
  CHECK(m.mask().kept_count() == kept);
  // Without the wrapper the same training moves the pruned weights (Adam's momentum).
  auto& plain = make_in<pruned_clf::learner_type>(1, p.learner);
  REQUIRE(plain.restore(m.learner().state()) == status::ok);
  sample(r, x, y);
  REQUIRE(plain.partial_fit(x, y) == status::ok);
  std::size_t moved = 0;
  for (std::size_t l = 0; l < mlp::layer_count; ++l)
    for (std::size_t j = 0; j < mlp_pruning::layer_weights[l]; ++j)
      moved += !m.mask().kept(l, j) && plain.network().parameters()[mlp::param_offsets[l] + j] != 0.0f;
  CHECK(moved > 0);
}

TEST_CASE("pruned_learner: gradual schedule reaches the final sparsity on its steps", "[nn][pruning]") {
  pruned_clf::params p;
  p.learner.optimizer.learning_rate = 0.01f;
  p.learner.batch_size = 2;
  p.schedule.initial_sparsity = 0.2f;
  p.schedule.final_sparsity = 0.8f;
  p.schedule.begin = 10;
  p.schedule.end = 50;
  p.schedule.frequency = 10;
  p.scope = nn::pruning_scope::global;
  pruned_clf& m = make_in<pruned_clf>(0, p);
  edgeloop::rng r(5);
  std::array<float, 6> x{};
  edgeloop::class_label y = 0;
  std::uint32_t last = 0;
  for (int i = 0; i < 140; ++i) {
    sample(r, x, y);
    REQUIRE(m.partial_fit(x, y) == status::ok);
    if (m.updates() == last) continue;
    last = m.updates();
    // The sparsity of the last pruning step t <= updates, rounded to whole weights.
    std::uint32_t t = last < 10 ? 0 : (last >= 50 ? 50 : 10 + (last - 10) / 10 * 10);
    const std::size_t want = last < 10 ? 45 : 45 - static_cast<std::size_t>(std::floor(p.schedule.sparsity_at(t) * 45.0f + 0.5f));
    CHECK(m.mask().kept_count() == want);
    CHECK(pruned_are_zero(m));
  }
  CHECK(m.updates() == 70);
  CHECK(m.mask().kept_count() == 9);  // 45 - round(36)
}

TEST_CASE("pruned_learner: state round trip; bad data and bad states change nothing", "[nn][pruning]") {
  pruned_clf::params p;
  p.learner.seed = 6;
  pruned_clf& m = make_in<pruned_clf>(0, p);
  edgeloop::rng r(7);
  std::array<float, 6> x{};
  edgeloop::class_label y = 0;
  for (int i = 0; i < 20; ++i) {
    sample(r, x, y);
    REQUIRE(m.partial_fit(x, y) == status::ok);
  }
  REQUIRE(m.prune(0.5f) == status::ok);
  static pruned_clf::state_type s, after;
  s = m.state();
  x[2] = NAN;
  CHECK(m.partial_fit(x, y) == status::non_finite_input);
  x[2] = 0.0f;
  CHECK(m.partial_fit(x, 3) == status::label_out_of_range);
  CHECK(m.prune(1.0f) == status::invalid_argument);
  CHECK(m.prune(-1.0f) == status::invalid_argument);
  after = m.state();
  CHECK(edgeloop::test::same_bytes(s, after));

  pruned_clf& copy = make_in<pruned_clf>(1);
  REQUIRE(copy.restore(s) == status::ok);
  after = copy.state();
  CHECK(edgeloop::test::same_bytes(s, after));
  CHECK(copy.mask() == m.mask());
  // A pruned weight that is not zero, bits past the last weight, a bad magic: rejected.
  static pruned_clf::state_type bad;
  bad = s;
  for (std::size_t j = 0; j < 30; ++j)
    if (!m.mask().kept(0, j)) {
      bad.learner.weights[j] = 0.5f;
      break;
    }
  CHECK(copy.restore(bad) == status::invalid_state);
  bad = s;
  bad.mask.bits[mlp_pruning::mask_bytes - 1] = 0xFF;
  CHECK(copy.restore(bad) == status::invalid_state);
  bad = s;
  bad.mask.magic ^= 1u;
  CHECK(copy.restore(bad) == status::invalid_state);
  after = copy.state();
  CHECK(edgeloop::test::same_bytes(s, after));
}
