// update_manager on every target (boards included): accepted, tampered, rolled-back-counter,
// gate-refused and probation-rolled-back updates, and power cuts at every byte of an
// activation and of a rollback. The model is a 2-feature perceptron whose weights are set
// by hand, so every accuracy below follows from geometry: held-out points lie on the line
// x1 = 0 at x0 = -1 + (2i + 1)/40, the concept is y = [x0 > 0].
// The signature is the test-only digest-echo stand-in of test_artifact.cpp (no crypto
// library on the boards); real Ed25519 end to end: test_update_manager_host.cpp.

#include <array>
#include <cstdint>
#include <cstring>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/lifecycle/artifact_writer.hpp"
#include "edgeloop/lifecycle/flash_simulator.hpp"
#include "edgeloop/lifecycle/model_artifact.hpp"
#include "edgeloop/lifecycle/update_manager.hpp"
#include "edgeloop/linear/perceptron.hpp"
#include "digest_echo.hpp"
#include "support/test.hpp"

using namespace edgeloop;

namespace {

using edgeloop::test::digest_echo_signer;
using edgeloop::test::digest_echo_verifier;
constexpr auto& echo_key_id = edgeloop::test::digest_echo_key_id;

using model = perceptron<float, 2>;
using flash = flash_simulator<64, 4, 4>;
using sample = labelled_sample<model::input_type>;

// Events go to a small static log (the sink is a plain function pointer).
struct event_log {
  std::array<update_event, 8> last{};
  std::uint32_t count = 0;
};
event_log& events() {
  static event_log l;
  return l;
}
void record_event(const update_event& e) noexcept {
  event_log& l = events();
  l.last[l.count % l.last.size()] = e;
  ++l.count;
}
const update_event& last_event() { return events().last[(events().count - 1) % events().last.size()]; }

using manager = update_manager<model, flash, digest_echo_verifier, void (*)(const update_event&) noexcept>;
const artifact_identity id = model_identity<model>("perceptron<float,2>");
constexpr std::size_t artifact_size = artifact::total_bytes(sizeof(model::state_type));
static_assert(manager::slots_type::required_pages == 4);

constexpr std::size_t held_out_size = 40;
constexpr std::uint32_t probation = 60;

struct fixture {
  flash base, work, copy;
  model active, expected;
  std::array<sample, held_out_size> held_out{};
  std::uint8_t artifact_bytes[artifact_size];
};
fixture& fx() {
  static fixture f;
  return f;
}

model make_model(float w0, float w1, float b) {
  model m;
  model::state_type s = m.state();
  s.w = {w0, w1};
  s.b = b;
  CHECK(m.restore(s) == status::ok);
  return m;
}
bool same_model(const model& a, const model& b) {
  const model::state_type sa = a.state(), sb = b.state();
  return sa.w[0] == sb.w[0] && sa.w[1] == sb.w[1] && sa.b == sb.b;
}

void fill_held_out() {
  for (std::size_t i = 0; i < held_out_size; ++i) {
    const float x0 = -1.0f + static_cast<float>(2 * i + 1) / static_cast<float>(held_out_size);
    fx().held_out[i] = sample{{x0, 0.0f}, static_cast<class_label>(x0 > 0.0f ? 1 : 0)};
  }
}

manager::params test_params() {
  manager::params p;
  p.min_held_out = 10;
  p.probation_samples = probation;
  p.rollback_tolerance = 0.1f;
  return p;
}

/// A signed artifact of `m` with `counter` into fx().artifact_bytes.
void make_artifact(const model& m, std::uint32_t counter, std::uint32_t version = 1) {
  std::size_t written = 0;
  REQUIRE(write_model_artifact(m, info_from(id, version, counter, 1764000000u), fx().artifact_bytes, artifact_size,
                               written) == artifact_status::ok);
  REQUIRE(written == artifact_size);
  REQUIRE(sign_artifact(fx().artifact_bytes, artifact_size, digest_echo_signer{}) == artifact_status::ok);
}

/// begin / receive in chunks / finish; the first non-ok status.
update_status offer(manager& m, const std::uint8_t* bytes, std::size_t size, std::size_t chunk) {
  update_status s = m.begin();
  if (s != update_status::ok) return s;
  for (std::size_t at = 0; at < size; at += chunk) {
    s = m.receive(bytes + at, chunk < size - at ? chunk : size - at);
    if (s != update_status::ok) break;
  }
  return m.finish(fx().held_out);
}

/// A fresh device with `m` checkpointed as its model (counter 0) on fx().base.
void prepare_base(const model& m) {
  fixture& f = fx();
  f.base = flash{};
  f.active = m;
  manager mgr(f.active, f.base, digest_echo_verifier{}, id, test_params(), record_event);
  REQUIRE(mgr.boot() == update_status::no_model);
  REQUIRE(mgr.checkpoint() == update_status::ok);
}

/// Live samples of the concept (uniform in the square) until a status other than ok.
update_status live(manager& m, std::uint64_t seed, std::uint32_t n) {
  rng r(seed);
  for (std::uint32_t i = 0; i < n; ++i) {
    const float x0 = r.uniform(-1.0f, 1.0f), x1 = r.uniform(-1.0f, 1.0f);
    const update_status s = m.observe({x0, x1}, x0 > 0.0f ? 1 : 0);
    if (s != update_status::ok) return s;
  }
  return update_status::ok;
}

bool same_flash(const flash& a, const flash& b) {
  for (std::size_t i = 0; i < flash::size_bytes; ++i)
    if (a.byte_at(i) != b.byte_at(i)) return false;
  return true;
}

}  // namespace

TEST_CASE("update_manager: a better model is verified, gated, activated, confirmed and survives a reboot",
          "[lifecycle][update_manager]") {
  fill_held_out();
  const model old_model = make_model(1.0f, 0.0f, -0.5f);  // wrong for 0 < x0 < 0.5: 10 of 40 held-out points
  const model better = make_model(1.0f, 0.0f, 0.0f);      // right everywhere
  make_artifact(better, 3, 7);
  const std::size_t chunks[] = {1, 7, 64, artifact_size};
  for (const std::size_t chunk : chunks) {
    prepare_base(old_model);
    fixture& f = fx();
    f.work = f.base;
    manager m(f.active, f.work, digest_echo_verifier{}, id, test_params(), record_event);
    REQUIRE(m.boot() == update_status::ok);
    CHECK(same_model(f.active, old_model));
    CHECK(m.floor() == 1);  // a fresh device: counters start at 1
    REQUIRE(offer(m, f.artifact_bytes, artifact_size, chunk) == update_status::activated);
    const update_event& e = last_event();
    CHECK(e.kind == update_event_kind::activated);
    CHECK(e.model_version == 7);
    CHECK(e.security_counter == 3);
    CHECK(e.samples == held_out_size);
    CHECK(e.baseline_accuracy == 0.75f);   // 30 / 40
    CHECK(e.candidate_accuracy == 1.0f);
    CHECK(same_model(f.active, better));
    CHECK(m.in_probation());
    CHECK(m.security_counter() == 3);
    CHECK(m.begin() == update_status::busy);      // the previous slot is needed until the probation ends
    CHECK(m.checkpoint() == update_status::busy);
    REQUIRE(live(m, 11, probation) == update_status::probation_passed);
    CHECK(last_event().kind == update_event_kind::probation_passed);
    CHECK(last_event().samples == probation);
    CHECK(last_event().candidate_accuracy == 1.0f);
    CHECK(last_event().candidate_accuracy >= last_event().baseline_accuracy);
    CHECK_FALSE(m.in_probation());
    // reboot: the confirmed model comes back, not on probation
    model after;
    manager m2(after, f.work, digest_echo_verifier{}, id, test_params(), record_event);
    REQUIRE(m2.boot() == update_status::ok);
    CHECK(same_model(after, better));
    CHECK_FALSE(m2.in_probation());
    CHECK(m2.security_counter() == 3);
  }
}

TEST_CASE("update_manager: every single-bit flip of the artifact is refused and nothing is applied",
          "[lifecycle][update_manager]") {
  fill_held_out();
  const model old_model = make_model(1.0f, 0.0f, -0.5f);
  make_artifact(make_model(1.0f, 0.0f, 0.0f), 3);
  prepare_base(old_model);
  fixture& f = fx();
  f.work = f.base;
  manager m(f.active, f.work, digest_echo_verifier{}, id, test_params(), record_event);
  REQUIRE(m.boot() == update_status::ok);
  std::size_t refused = 0;
  for (std::size_t bit = 0; bit < artifact_size * 8; ++bit) {
    f.artifact_bytes[bit / 8] = static_cast<std::uint8_t>(f.artifact_bytes[bit / 8] ^ (1u << (bit % 8)));
    const std::uint32_t before = events().count;
    const update_status s = offer(m, f.artifact_bytes, artifact_size, 13);
    f.artifact_bytes[bit / 8] = static_cast<std::uint8_t>(f.artifact_bytes[bit / 8] ^ (1u << (bit % 8)));
    if (s == update_status::artifact_refused && last_event().kind == update_event_kind::refused &&
        last_event().artifact != artifact_status::ok && events().count == before + 2)  // receiving + one refused
      ++refused;
  }
  CHECK(refused == artifact_size * 8);
  CHECK(same_flash(f.work, f.base));  // not a single byte written
  CHECK(same_model(f.active, old_model));
  // truncated and over-long transfers too
  CHECK(offer(m, f.artifact_bytes, artifact_size - 1, 32) == update_status::artifact_refused);
  CHECK(last_event().artifact == artifact_status::truncated);
  std::uint8_t longer[artifact_size + 1];
  std::memcpy(longer, f.artifact_bytes, artifact_size);
  longer[artifact_size] = 0;
  CHECK(offer(m, longer, sizeof longer, 32) == update_status::artifact_refused);
  CHECK(last_event().artifact == artifact_status::trailing_data);
  CHECK(same_flash(f.work, f.base));
  CHECK(m.receive(f.artifact_bytes, 4) == update_status::not_receiving);
  // the intact artifact still goes through
  CHECK(offer(m, f.artifact_bytes, artifact_size, 13) == update_status::activated);
}

TEST_CASE("update_manager: an artifact with an older security counter is refused", "[lifecycle][update_manager]") {
  fill_held_out();
  prepare_base(make_model(1.0f, 0.0f, -0.5f));
  fixture& f = fx();
  f.work = f.base;
  manager::params p = test_params();
  p.probation_samples = 0;  // confirmed at once
  manager m(f.active, f.work, digest_echo_verifier{}, id, p, record_event);
  REQUIRE(m.boot() == update_status::ok);
  make_artifact(make_model(1.0f, 0.0f, -0.25f), 5);
  REQUIRE(offer(m, f.artifact_bytes, artifact_size, 50) == update_status::activated);
  CHECK_FALSE(m.in_probation());
  CHECK(m.floor() == 6);
  const model current = f.active;
  f.copy = f.work;
  make_artifact(make_model(1.0f, 0.0f, 0.0f), 4);  // better, but older
  CHECK(offer(m, f.artifact_bytes, artifact_size, 50) == update_status::artifact_refused);
  CHECK(last_event().artifact == artifact_status::rolled_back);
  CHECK(last_event().security_counter == 4);
  CHECK(same_flash(f.work, f.copy));
  CHECK(same_model(f.active, current));
  // the floor survives a reboot (the counter is stored with the active slot)
  model after;
  manager m2(after, f.work, digest_echo_verifier{}, id, p, record_event);
  REQUIRE(m2.boot() == update_status::ok);
  CHECK(m2.floor() == 6);
  CHECK(offer(m2, f.artifact_bytes, artifact_size, 50) == update_status::artifact_refused);
  make_artifact(make_model(1.0f, 0.0f, 0.0f), 5);  // the same counter again: a replay, refused
  CHECK(offer(m2, f.artifact_bytes, artifact_size, 50) == update_status::artifact_refused);
  CHECK(last_event().artifact == artifact_status::rolled_back);
  make_artifact(make_model(1.0f, 0.0f, 0.0f), 6);
  CHECK(offer(m2, f.artifact_bytes, artifact_size, 50) == update_status::activated);
}

TEST_CASE("update_manager: the gate refuses a worse model and honours its margin", "[lifecycle][update_manager]") {
  fill_held_out();
  const model current = make_model(1.0f, 0.0f, -0.5f);  // 0.75 on the held-out points
  prepare_base(current);
  fixture& f = fx();
  f.work = f.base;
  manager m(f.active, f.work, digest_echo_verifier{}, id, test_params(), record_event);
  REQUIRE(m.boot() == update_status::ok);
  make_artifact(make_model(-1.0f, 0.0f, 0.0f), 2);  // the concept inverted: 0 of 40
  REQUIRE(offer(m, f.artifact_bytes, artifact_size, 16) == update_status::gate_failed);
  CHECK(last_event().kind == update_event_kind::gate_failed);
  CHECK(last_event().baseline_accuracy == 0.75f);
  CHECK(last_event().candidate_accuracy == 0.0f);
  CHECK(same_model(f.active, current));
  CHECK(m.security_counter() == 0);
  {  // after a reboot the current model is still the one in flash
    model after;
    manager m2(after, f.work, digest_echo_verifier{}, id, test_params(), record_event);
    REQUIRE(m2.boot() == update_status::ok);
    CHECK(same_model(after, current));
  }
  // b = -0.45 is wrong for x0 in (0, 0.45]: 9 points -> 31/40
  make_artifact(make_model(1.0f, 0.0f, -0.45f), 2);
  manager::params strict = test_params();
  strict.gate_margin = 0.05f;  // needs 30 + 2 = 32 right
  manager ms(f.active, f.work, digest_echo_verifier{}, id, strict, record_event);
  REQUIRE(ms.boot() == update_status::ok);
  CHECK(offer(ms, f.artifact_bytes, artifact_size, 16) == update_status::gate_failed);
  CHECK(last_event().candidate_accuracy == 0.775f);
  manager::params tolerant = test_params();
  tolerant.gate_margin = -0.1f;  // a model 4 points worse may pass: b = -0.65 gets 27/40
  tolerant.probation_samples = 0;
  make_artifact(make_model(1.0f, 0.0f, -0.65f), 2);
  manager mt(f.active, f.work, digest_echo_verifier{}, id, tolerant, record_event);
  REQUIRE(mt.boot() == update_status::ok);
  CHECK(offer(mt, f.artifact_bytes, artifact_size, 16) == update_status::activated);
  CHECK(last_event().candidate_accuracy == 0.675f);
  // too few held-out samples: refused whatever the model
  std::array<sample, 3> tiny{};
  make_artifact(make_model(1.0f, 0.0f, 0.0f), 3);
  REQUIRE(m.boot() == update_status::ok);
  REQUIRE(m.begin() == update_status::ok);
  REQUIRE(m.receive(f.artifact_bytes, artifact_size) == update_status::ok);
  CHECK(m.finish(tiny) == update_status::held_out_too_small);
}

TEST_CASE("update_manager: a model that degrades in probation is rolled back, also after a reboot",
          "[lifecycle][update_manager]") {
  fill_held_out();
  const model good = make_model(1.0f, 0.0f, 0.0f);
  const model tilted = make_model(1.0f, 5.0f, 0.0f);  // right on x1 = 0 (held-out), ~55% on the square
  prepare_base(good);
  fixture& f = fx();
  f.work = f.base;
  {
    manager m(f.active, f.work, digest_echo_verifier{}, id, test_params(), record_event);
    REQUIRE(m.boot() == update_status::ok);
    make_artifact(tilted, 1);
    REQUIRE(offer(m, f.artifact_bytes, artifact_size, 20) == update_status::activated);  // a tie passes
    CHECK(last_event().baseline_accuracy == 1.0f);
    CHECK(last_event().candidate_accuracy == 1.0f);
    CHECK(same_model(f.active, tilted));
    REQUIRE(live(m, 5, probation) == update_status::rolled_back);
    const update_event& e = last_event();
    CHECK(e.kind == update_event_kind::rolled_back);
    CHECK(e.samples == probation);
    CHECK(e.baseline_accuracy == 1.0f);
    CHECK(e.candidate_accuracy < 0.8f);
    CHECK(e.security_counter == 1);  // the floor keeps the refused model's counter
    CHECK(same_model(f.active, good));
    CHECK(offer(m, f.artifact_bytes, artifact_size, 20) == update_status::artifact_refused);  // no second chance
    CHECK(last_event().artifact == artifact_status::rolled_back);
  }
  model after;
  manager m2(after, f.work, digest_echo_verifier{}, id, test_params(), record_event);
  REQUIRE(m2.boot() == update_status::ok);
  CHECK(same_model(after, good));
  CHECK_FALSE(m2.in_probation());
  CHECK(m2.security_counter() == 1);
  CHECK(m2.floor() == 2);
}

namespace {

enum class op_kind { activate, roll_back };

/// Runs `op` on a copy of `start` once uncut and then once per power-cut point; after each
/// cut a reboot must serve the old or the new model (the new one still on probation), and
/// the device must be able to finish what it was doing. Returns {old, new} reboot counts.
void every_cut_point(const flash& start, op_kind op, const model& old_model, const model& new_model,
                     std::size_t& olds, std::size_t& news) {
  fixture& f = fx();
  const auto run = [&](manager& m) {
    return op == op_kind::activate ? offer(m, f.artifact_bytes, artifact_size, 24) : live(m, 5, probation);
  };
  const update_status done = op == op_kind::activate ? update_status::activated : update_status::rolled_back;
  f.work = start;
  std::size_t total = 0;
  {
    manager m(f.active, f.work, digest_echo_verifier{}, id, test_params(), record_event);
    REQUIRE(m.boot() == update_status::ok);
    const std::size_t before = f.work.programmed_bytes();
    REQUIRE(run(m) == done);
    total = f.work.programmed_bytes() - before;
  }
  REQUIRE(total > 0);
  olds = news = 0;
  for (std::size_t k = 0; k <= total; ++k) {
    f.work = start;
    {
      manager m(f.active, f.work, digest_echo_verifier{}, id, test_params(), record_event);
      REQUIRE(m.boot() == update_status::ok);
      f.work.cut_power_after(k, {k % 2 == 1, k % 2 == 1}, k + 1);
      const update_status s = run(m);
      REQUIRE((s == done) == (k == total));
      if (k < total) REQUIRE(s == update_status::storage_failed);
    }
    f.work.power_on();
    model after;
    manager m2(after, f.work, digest_echo_verifier{}, id, test_params(), record_event);
    REQUIRE(m2.boot() == update_status::ok);
    const bool is_old = same_model(after, old_model), is_new = same_model(after, new_model);
    REQUIRE((is_old || is_new));
    if (is_new) {
      ++news;
      REQUIRE(m2.in_probation());  // an unconfirmed model is never taken as confirmed
      // the resumed probation decides as before: the tilted model is rolled back
      const update_status p = live(m2, 5, probation);
      REQUIRE((p == update_status::probation_passed || p == update_status::rolled_back));
    } else {
      ++olds;
      CHECK_FALSE(m2.in_probation());
    }
  }
}

}  // namespace

TEST_CASE("update_manager: a power cut at every byte of an activation or a rollback leaves a valid model",
          "[lifecycle][update_manager]") {
  fill_held_out();
  const model good = make_model(1.0f, 0.0f, 0.0f);
  const model tilted = make_model(1.0f, 5.0f, 0.0f);
  prepare_base(good);
  fixture& f = fx();
  make_artifact(tilted, 1);
  std::size_t olds = 0, news = 0;
  every_cut_point(f.base, op_kind::activate, good, tilted, olds, news);
  CHECK(olds > 0);
  CHECK(news > 0);
  // the starting point of a rollback: the tilted model active and on probation
  f.work = f.base;
  {
    manager m(f.active, f.work, digest_echo_verifier{}, id, test_params(), record_event);
    REQUIRE(m.boot() == update_status::ok);
    REQUIRE(offer(m, f.artifact_bytes, artifact_size, 24) == update_status::activated);
  }
  f.copy = f.work;
  every_cut_point(f.copy, op_kind::roll_back, good, tilted, olds, news);
  CHECK(olds > 0);
  CHECK(news > 0);
}

TEST_CASE("update_manager: a power cut at every byte of a confirmation keeps the new model", "[lifecycle][update_manager]") {
  fill_held_out();
  const model old_model = make_model(1.0f, 0.0f, -0.5f);
  const model better = make_model(1.0f, 0.0f, 0.0f);
  prepare_base(old_model);
  fixture& f = fx();
  make_artifact(better, 1);
  f.work = f.base;
  {
    manager m(f.active, f.work, digest_echo_verifier{}, id, test_params(), record_event);
    REQUIRE(m.boot() == update_status::ok);
    REQUIRE(offer(m, f.artifact_bytes, artifact_size, 24) == update_status::activated);
  }
  f.copy = f.work;  // the better model on probation
  std::size_t total = 0;
  {
    manager m(f.active, f.work, digest_echo_verifier{}, id, test_params(), record_event);
    REQUIRE(m.boot() == update_status::ok);
    REQUIRE(m.in_probation());
    const std::size_t before = f.work.programmed_bytes();
    REQUIRE(live(m, 5, probation) == update_status::probation_passed);
    total = f.work.programmed_bytes() - before;
  }
  REQUIRE(total > 0);
  std::size_t confirmed = 0, still_on_probation = 0;
  for (std::size_t k = 0; k <= total; ++k) {
    f.work = f.copy;
    {
      manager m(f.active, f.work, digest_echo_verifier{}, id, test_params(), record_event);
      REQUIRE(m.boot() == update_status::ok);
      f.work.cut_power_after(k, {true, true}, k + 7);
      const update_status s = live(m, 5, probation);
      REQUIRE((s == update_status::probation_passed) == (k == total));
    }
    f.work.power_on();
    model after;
    manager m2(after, f.work, digest_echo_verifier{}, id, test_params(), record_event);
    REQUIRE(m2.boot() == update_status::ok);
    REQUIRE(same_model(after, better));  // the confirmation only changes the tag
    CHECK(m2.security_counter() == 1);
    (m2.in_probation() ? still_on_probation : confirmed)++;
  }
  CHECK(confirmed > 0);
  CHECK(still_on_probation > 0);
}
