// update_manager end to end on the host with a real signature (Ed25519 through libsodium,
// else ECDSA P-256 through mbedTLS; keys generated here) and a library learner
// (sgd_classifier on a generated two-class stream), and learn(): during a probation the
// previous model learns the same samples, and a rollback restores that evolved model.

#include <array>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/lifecycle/artifact_writer.hpp"
#include "edgeloop/lifecycle/flash_simulator.hpp"
#include "edgeloop/lifecycle/mbedtls_ecdsa_p256.hpp"
#include "edgeloop/lifecycle/model_artifact.hpp"
#include "edgeloop/lifecycle/reservoir.hpp"
#include "edgeloop/lifecycle/sodium_ed25519.hpp"
#include "edgeloop/lifecycle/update_manager.hpp"
#include "edgeloop/linear/sgd_classifier.hpp"
#include "support/test.hpp"

using namespace edgeloop;

#if defined(EDGELOOP_HAVE_SODIUM) || defined(EDGELOOP_HAVE_MBEDTLS)

namespace {

using model = sgd_classifier<float, 4, 2>;
using input = model::input_type;
using flash = flash_simulator<256, 4, 4>;
const artifact_identity id = model_identity<model>("sgd_classifier<float,4,2>");

#if defined(EDGELOOP_HAVE_SODIUM)
struct keys {
  ed25519_public_key pk{};
  ed25519_secret_key sk{};
  keys() { REQUIRE(ed25519_keygen(pk, sk) == status::ok); }
  sodium_ed25519_verifier verifier() const { return sodium_ed25519_verifier(pk); }
  artifact_status sign(std::vector<std::uint8_t>& a) const {
    return sign_artifact(a.data(), a.size(), sodium_ed25519_signer(sk));
  }
};
using verifier_type = sodium_ed25519_verifier;
#else
struct keys {
  mbedtls_ecdsa_p256_signer s;
  keys() { REQUIRE(s.generate() == status::ok); }
  mbedtls_ecdsa_p256_verifier verifier() const { return mbedtls_ecdsa_p256_verifier(s.public_key()); }
  artifact_status sign(std::vector<std::uint8_t>& a) const { return sign_artifact(a.data(), a.size(), s); }
};
using verifier_type = mbedtls_ecdsa_p256_verifier;
#endif

struct counting_sink {
  std::array<std::uint32_t, 16>* counts;
  void operator()(const update_event& e) const noexcept { ++(*counts)[static_cast<std::size_t>(e.kind)]; }
};
using manager = update_manager<model, flash, verifier_type, counting_sink>;

/// Two Gaussian blobs at +-(1, 1, 0, 0) (sign = `flip` ? reversed : as is), unit noise.
struct stream {
  rng r;
  bool flip = false;
  explicit stream(std::uint64_t seed) : r(seed) {}
  labelled_sample<input> next() {
    labelled_sample<input> s;
    s.y = static_cast<class_label>(r.uniform_int(2));
    const float c = (s.y == 1) != flip ? 1.0f : -1.0f;
    for (std::size_t f = 0; f < 4; ++f) s.x[f] = (f < 2 ? c : 0.0f) + r.uniform(-1.0f, 1.0f);
    return s;
  }
};

std::vector<std::uint8_t> artifact_of(const model& m, std::uint32_t counter, const keys& k) {
  std::vector<std::uint8_t> out(artifact::total_bytes(id.payload_length));
  std::size_t written = 0;
  REQUIRE(write_model_artifact(m, info_from(id, counter, counter, 1764000000u), out.data(), out.size(), written) ==
          artifact_status::ok);
  REQUIRE(k.sign(out) == artifact_status::ok);
  return out;
}

update_status offer(manager& m, const std::vector<std::uint8_t>& a, const reservoir<labelled_sample<input>, 128>& h) {
  REQUIRE(m.begin() == update_status::ok);
  for (std::size_t at = 0; at < a.size(); at += 33) {
    const update_status s = m.receive(a.data() + at, a.size() - at < 33 ? a.size() - at : 33);
    if (s != update_status::ok) break;
  }
  return m.finish(h);
}

}  // namespace

TEST_CASE("update_manager (host): signed retrained model accepted; tampered, foreign-key and reversed ones refused",
          "[lifecycle][update_manager]") {
  const keys k, other;
  flash fl;
  std::array<std::uint32_t, 16> counts{};
  model device;
  stream s(3);
  for (int i = 0; i < 30; ++i) {  // a barely trained device model
    const auto e = s.next();
    REQUIRE(device.partial_fit(e.x, e.y) == status::ok);
  }
  manager::params p;
  p.probation_samples = 200;
  manager m(device, fl, k.verifier(), id, p, counting_sink{&counts});
  REQUIRE(m.boot() == update_status::no_model);
  REQUIRE(m.checkpoint() == update_status::ok);
  reservoir<labelled_sample<input>, 128> held_out;
  rng pick(5);
  for (int i = 0; i < 1000; ++i) (void)held_out.offer(s.next(), pick);
  model host;  // trained on 3000 samples, 3 passes
  std::vector<labelled_sample<input>> data;
  for (int i = 0; i < 3000; ++i) data.push_back(s.next());
  for (int e = 0; e < 3; ++e)
    for (const auto& d : data) REQUIRE(host.partial_fit(d.x, d.y) == status::ok);
  model reversed;
  for (const auto& d : data) REQUIRE(reversed.partial_fit(d.x, static_cast<class_label>(1 - d.y)) == status::ok);

  std::vector<std::uint8_t> good = artifact_of(host, 2, k);
  std::vector<std::uint8_t> tampered = good;
  tampered[artifact::header_bytes + 20] ^= 0x10;
  CHECK(offer(m, tampered, held_out) == update_status::artifact_refused);
  CHECK(offer(m, artifact_of(host, 2, other), held_out) == update_status::artifact_refused);  // unknown key
  CHECK(offer(m, artifact_of(reversed, 2, k), held_out) == update_status::gate_failed);
  CHECK(counts[static_cast<std::size_t>(update_event_kind::refused)] == 2);
  CHECK(counts[static_cast<std::size_t>(update_event_kind::gate_failed)] == 1);
  REQUIRE(offer(m, good, held_out) == update_status::activated);
  CHECK(test::same_bytes(device.state().core, host.state().core));
  std::uint32_t right = 0;
  update_status st = update_status::ok;
  for (int i = 0; i < 200 && st == update_status::ok; ++i) {
    const auto e = s.next();
    st = m.observe(e.x, e.y);
    right += device.predict(e.x) == e.y ? 1u : 0u;
    REQUIRE(m.learn(e.x, e.y) == status::ok);
  }
  CHECK(st == update_status::probation_passed);
  CHECK(right > 170);  // well separated blobs: the trained model is right ~95% of the time
}

TEST_CASE("update_manager (host): learn() trains the shadow during a probation; rollback restores it",
          "[lifecycle][update_manager]") {
  const keys k;
  flash fl;
  std::array<std::uint32_t, 16> counts{};
  stream s(9);
  model device, twin;  // twin: the device's model learning the same samples without any update
  for (int i = 0; i < 500; ++i) {
    const auto e = s.next();
    REQUIRE(device.partial_fit(e.x, e.y) == status::ok);
    REQUIRE(twin.partial_fit(e.x, e.y) == status::ok);
  }
  manager::params p;
  p.probation_samples = 100;
  p.rollback_tolerance = 0.05f;
  manager m(device, fl, k.verifier(), id, p, counting_sink{&counts});
  REQUIRE(m.boot() == update_status::no_model);
  REQUIRE(m.checkpoint() == update_status::ok);
  // The candidate looks perfect on the held-out buffer (collected before the change)...
  reservoir<labelled_sample<input>, 128> held_out;
  rng pick(2);
  for (int i = 0; i < 200; ++i) (void)held_out.offer(s.next(), pick);
  REQUIRE(offer(m, artifact_of(device, 1, k), held_out) == update_status::activated);  // a tie passes
  // ...but the live stream reverses and the "new" model (a frozen copy) cannot follow,
  // while learn() lets both the active model and the shadow learn. Give the active model
  // a handicap: it is reset to the candidate after each sample, i.e. it does not learn.
  s.flip = true;
  const model frozen = device;
  update_status st = update_status::ok;
  int seen = 0;
  while (st == update_status::ok && seen < 200) {
    const auto e = s.next();
    st = m.observe(e.x, e.y);
    if (st != update_status::ok) break;
    REQUIRE(m.learn(e.x, e.y) == status::ok);
    REQUIRE(twin.partial_fit(e.x, e.y) == status::ok);
    REQUIRE(device.restore(frozen.state()) == status::ok);
    ++seen;
  }
  REQUIRE(st == update_status::rolled_back);
  CHECK(seen == 99);  // the 100th observation decides
  // the active model is now the shadow: the previous model that learned the same 99 samples
  CHECK(test::same_bytes(device.state().core, twin.state().core));
  // flash holds the checkpoint (the previous model as it was): a reboot restores that
  model after;
  manager m2(after, fl, k.verifier(), id, p, counting_sink{&counts});
  REQUIRE(m2.boot() == update_status::ok);
  CHECK(test::same_bytes(after.state().core, frozen.state().core));
  CHECK_FALSE(m2.in_probation());
}

#else
TEST_CASE("update_manager (host): signature libraries", "[lifecycle][update_manager]") {
  std::puts("SKIPPED: update_manager host tests need libsodium or mbedTLS");
}
#endif
