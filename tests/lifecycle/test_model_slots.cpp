#include <cstdint>

#include "edgeloop/lifecycle/flash_simulator.hpp"
#include "edgeloop/lifecycle/model_slots.hpp"
#include "slots_support.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::reboot_outcome;

namespace {
constexpr std::size_t model_bytes = 100;
using flash = flash_simulator<64, 6, 4>;
using slots = model_slots<flash, model_bytes>;
static_assert(slots::required_pages == 6);

struct fixture {
  flash base;   // old model active (after one earlier checkpoint, so a previous exists too)
  flash work;
  std::uint8_t older[model_bytes];
  std::uint8_t old_model[model_bytes];
  std::uint8_t new_model[model_bytes];
};
fixture& fx() {
  static fixture f;
  return f;
}

void prepare() {
  fixture& f = fx();
  f.base = flash{};
  edgeloop::test::fill_model(f.older, 1);
  edgeloop::test::fill_model(f.old_model, 2);
  edgeloop::test::fill_model(f.new_model, 3);
  slots s(f.base);
  REQUIRE(s.mount() == slot_status::empty);
  REQUIRE(s.checkpoint(f.older, model_bytes, 1) == slot_status::ok);
  REQUIRE(s.checkpoint(f.old_model, model_bytes, 2) == slot_status::ok);
}

/// Runs `op` once per power-cut point; returns how many reboots gave the old/new model
/// and REQUIREs that no reboot ever gives anything else.
template <class Op>
void every_cut_point(Op op, bool torn, std::size_t& olds, std::size_t& news) {
  fixture& f = fx();
  f.work = f.base;
  const std::size_t before = f.work.programmed_bytes();
  {
    slots s(f.work);
    REQUIRE(s.mount() == slot_status::ok);
    REQUIRE(op(s) == slot_status::ok);
  }
  const std::size_t total = f.work.programmed_bytes() - before;
  REQUIRE(total > model_bytes);
  olds = news = 0;
  for (std::size_t k = 0; k <= total; ++k) {
    f.work = f.base;
    f.work.cut_power_after(k, {torn, torn}, k + 1);
    {
      slots s(f.work);
      REQUIRE(s.mount() == slot_status::ok);
      const slot_status st = op(s);
      REQUIRE((st == slot_status::ok) == (k == total));  // the cut is always noticed
    }
    f.work.power_on();
    const reboot_outcome r = edgeloop::test::reboot<slots>(f.work, f.old_model, f.new_model);
    REQUIRE((r == reboot_outcome::old_model || r == reboot_outcome::new_model));
    (r == reboot_outcome::old_model ? olds : news)++;
    if (k == total) REQUIRE(r == reboot_outcome::new_model);
    // and the device can still save after the reboot
    slots s2(f.work);
    REQUIRE(s2.mount() == slot_status::ok);
    REQUIRE(s2.checkpoint(f.older, model_bytes) == slot_status::ok);
  }
}
}  // namespace

TEST_CASE("model_slots: an update cut after every byte leaves the old or the new model", "[lifecycle][slots]") {
  prepare();
  for (int torn = 0; torn < 2; ++torn) {
    std::size_t olds = 0, news = 0;
    every_cut_point([](slots& s) { return edgeloop::test::run_update(s, fx().new_model, 7, 3); }, torn != 0, olds,
                    news);
    CHECK(olds > 0);
    CHECK(news >= 1);
  }
}

TEST_CASE("model_slots: a checkpoint cut after every byte leaves the old or the new model", "[lifecycle][slots]") {
  prepare();
  for (int torn = 0; torn < 2; ++torn) {
    std::size_t olds = 0, news = 0;
    every_cut_point([](slots& s) { return s.checkpoint(fx().new_model, model_bytes, 3); }, torn != 0, olds, news);
    CHECK(olds > 0);
    CHECK(news >= 1);
  }
}

TEST_CASE("model_slots: statuses of misuse and the rollback path", "[lifecycle][slots]") {
  prepare();
  fixture& f = fx();
  f.work = f.base;
  slots s(f.work);
  std::uint8_t buf[model_bytes] = {};
  std::size_t n = 0;
  CHECK(s.load_active(buf, model_bytes, n) == slot_status::not_mounted);
  REQUIRE(s.mount() == slot_status::ok);
  CHECK(s.boot().valid_records == 2);
  CHECK(s.slot(s.active_slot()).tag == 2);
  CHECK(s.write_candidate(f.new_model, 4) == slot_status::not_writing);
  CHECK(s.commit_candidate() == slot_status::not_writing);
  CHECK(s.activate() == slot_status::no_candidate);
  CHECK(s.load_active(buf, model_bytes - 1, n) == slot_status::buffer_too_small);
  std::uint8_t big[model_bytes + 1] = {};
  CHECK(s.checkpoint(big, sizeof big) == slot_status::too_large);
  REQUIRE(s.begin_candidate() == slot_status::ok);
  CHECK(s.write_candidate(big, sizeof big) == slot_status::too_large);
  REQUIRE(s.write_candidate(f.new_model, model_bytes) == slot_status::ok);
  CHECK(s.write_candidate(f.new_model, 1) == slot_status::too_large);
  REQUIRE(s.commit_candidate(9) == slot_status::ok);
  // a committed candidate is not active yet
  REQUIRE(s.load_active(buf, model_bytes, n) == slot_status::ok);
  CHECK(edgeloop::test::same(buf, f.old_model, n));
  REQUIRE(s.activate() == slot_status::ok);
  REQUIRE(s.load_active(buf, model_bytes, n) == slot_status::ok);
  CHECK(edgeloop::test::same(buf, f.new_model, n));
  CHECK(s.slot(s.active_slot()).tag == 9);
  // rollback goes back once, then there is no previous model
  REQUIRE(s.rollback() == slot_status::ok);
  REQUIRE(s.load_active(buf, model_bytes, n) == slot_status::ok);
  CHECK(edgeloop::test::same(buf, f.old_model, n));
  CHECK(s.rollback() == slot_status::no_previous);
  // the choice survives a reboot
  CHECK(edgeloop::test::reboot<slots>(f.work, f.old_model, f.new_model) == reboot_outcome::old_model);
}

TEST_CASE("model_slots: failed and silently failed erases never lose the active model", "[lifecycle][slots]") {
  prepare();
  fixture& f = fx();
  for (int silent = 0; silent < 2; ++silent) {
    f.work = f.base;
    slots s(f.work);
    REQUIRE(s.mount() == slot_status::ok);
    // the status-page erase works, the slot's first page erase fails
    f.work.fail_erases(1, silent != 0, 1);
    CHECK(s.checkpoint(f.new_model, model_bytes) == (silent ? slot_status::verify_failed : slot_status::flash_error));
    CHECK(edgeloop::test::reboot<slots>(f.work, f.old_model, f.new_model) == reboot_outcome::old_model);
    // a failing status-page erase
    f.work.fail_erases(1, silent != 0, 0);
    CHECK(s.checkpoint(f.new_model, model_bytes) == slot_status::flash_error);
    CHECK(edgeloop::test::reboot<slots>(f.work, f.old_model, f.new_model) == reboot_outcome::old_model);
    // with the fault gone, the same object (and the device) works again
    f.work.fail_erases(0);
    CHECK(s.checkpoint(f.new_model, model_bytes) == slot_status::ok);
    CHECK(edgeloop::test::reboot<slots>(f.work, f.old_model, f.new_model) == reboot_outcome::new_model);
  }
}

TEST_CASE("model_slots: a damaged active slot falls back to the previous model", "[lifecycle][slots]") {
  prepare();
  fixture& f = fx();
  f.work = f.base;
  {
    slots s(f.work);
    REQUIRE(s.mount() == slot_status::ok);
    REQUIRE(edgeloop::test::run_update(s, f.new_model, 16, 3) == slot_status::ok);
  }
  slots s(f.work);
  REQUIRE(s.mount() == slot_status::ok);
  const std::size_t active_addr = (2 + s.active_slot() * slots::slot_pages) * flash::page_size;
  const std::size_t other_addr = (2 + (1 - s.active_slot()) * slots::slot_pages) * flash::page_size;
  f.work.flip_bit(active_addr + 17, 5);
  CHECK(edgeloop::test::reboot<slots>(f.work, f.old_model, f.new_model) == reboot_outcome::old_model);
  slots t(f.work);
  REQUIRE(t.mount() == slot_status::ok);
  CHECK(t.boot().fell_back);
  CHECK(t.rollback() == slot_status::no_previous);
  f.work.flip_bit(other_addr + 3, 0);
  slots u(f.work);
  CHECK(u.mount() == slot_status::corrupt);
  std::uint8_t buf[model_bytes] = {};
  std::size_t n = 0;
  CHECK(u.load_active(buf, model_bytes, n) == slot_status::empty);
  // a corrupt device can still be given a new model
  REQUIRE(u.checkpoint(f.new_model, model_bytes) == slot_status::ok);
  CHECK(edgeloop::test::reboot<slots>(f.work, f.old_model, f.new_model) == reboot_outcome::new_model);
}
