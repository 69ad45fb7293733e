// Host-only: acceptance item 2 of issue 9 at a few hundred bytes, with torn writes and
// erases, and bit flips in the status records (exhaustive single flips at every stable
// point, random multi-bit flips after every cut point).
#include <cstdint>
#include <cstdio>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/lifecycle/flash_simulator.hpp"
#include "edgeloop/lifecycle/model_slots.hpp"
#include "slots_support.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::reboot_outcome;

namespace {
constexpr std::size_t model_bytes = 300;
using flash = flash_simulator<64, 12, 8>;
using slots = model_slots<flash, model_bytes>;
static_assert(slots::required_pages == 12);

struct models {
  std::uint8_t older[model_bytes], old_model[model_bytes], new_model[model_bytes];
  models() {
    edgeloop::test::fill_model(older, 11);
    edgeloop::test::fill_model(old_model, 12);
    edgeloop::test::fill_model(new_model, 13);
  }
};
const models& m() {
  static const models x;
  return x;
}

flash prepared() {
  flash f;
  slots s(f);
  REQUIRE(s.mount() == slot_status::empty);
  REQUIRE(s.checkpoint(m().older, model_bytes, 1) == slot_status::ok);
  REQUIRE(s.checkpoint(m().old_model, model_bytes, 2) == slot_status::ok);
  return f;
}

constexpr std::size_t status_bytes = 2 * flash::page_size;  // both status pages, whole

struct tally {
  std::size_t old_model = 0, new_model = 0, no_model = 0, wrong_model = 0;
  void add(reboot_outcome r) {
    switch (r) {
      case reboot_outcome::old_model: ++old_model; break;
      case reboot_outcome::new_model: ++new_model; break;
      case reboot_outcome::no_model: ++no_model; break;
      case reboot_outcome::wrong_model: ++wrong_model; break;
    }
  }
};

template <class Op>
void cut_everywhere(Op op, const char* name) {
  const flash base = prepared();
  flash w = base;
  const std::size_t before = w.programmed_bytes();
  {
    slots s(w);
    REQUIRE(s.mount() == slot_status::ok);
    REQUIRE(op(s) == slot_status::ok);
  }
  const std::size_t total = w.programmed_bytes() - before;
  for (int mode = 0; mode < 4; ++mode) {
    const flash::fault_options faults{(mode & 1) != 0, (mode & 2) != 0};
    tally t, flips;
    rng r(static_cast<std::uint64_t>(mode) + 100);
    for (std::size_t k = 0; k <= total; ++k) {
      w = base;
      w.cut_power_after(k, faults, k * 7 + 1);
      {
        slots s(w);
        REQUIRE(s.mount() == slot_status::ok);
        REQUIRE((op(s) == slot_status::ok) == (k == total));
      }
      w.power_on();
      const reboot_outcome o = edgeloop::test::reboot<slots>(w, m().old_model, m().new_model);
      t.add(o);
      if (k == total) CHECK(o == reboot_outcome::new_model);
      // random flips (1 to 3 bits) in the status pages on top of the cut: may leave no
      // model (two faults), must never select a wrong one
      for (int trial = 0; trial < 4; ++trial) {
        flash g = w;
        const std::uint32_t nflips = 1 + r.uniform_int(3);
        for (std::uint32_t i = 0; i < nflips; ++i)
          g.flip_bit(r.uniform_int(status_bytes), static_cast<unsigned>(r.uniform_int(8)));
        flips.add(edgeloop::test::reboot<slots>(g, m().old_model, m().new_model));
      }
    }
    CHECK(t.wrong_model == 0);
    CHECK(t.no_model == 0);
    CHECK(t.old_model > 0);
    CHECK(flips.wrong_model == 0);
    std::printf("%s, %zu cut points, torn write %d, torn erase %d: old %zu, new %zu; with status-record flips: "
                "old %zu, new %zu, no model %zu, wrong %zu of %zu\n",
                name, total + 1, mode & 1, (mode & 2) >> 1, t.old_model, t.new_model, flips.old_model,
                flips.new_model, flips.no_model, flips.wrong_model, flips.old_model + flips.new_model + flips.no_model + flips.wrong_model);
  }
}

/// Every single bit of both status pages flipped in turn: always a model, old or new.
void flip_every_status_bit(const flash& f, reboot_outcome expect_without_flip) {
  flash g = f;
  REQUIRE(edgeloop::test::reboot<slots>(g, m().old_model, m().new_model) == expect_without_flip);
  for (std::size_t byte = 0; byte < status_bytes; ++byte)
    for (unsigned bit = 0; bit < 8; ++bit) {
      g.flip_bit(byte, bit);
      const reboot_outcome o = edgeloop::test::reboot<slots>(g, m().old_model, m().new_model);
      REQUIRE((o == reboot_outcome::old_model || o == reboot_outcome::new_model));
      g.flip_bit(byte, bit);
    }
}
}  // namespace

TEST_CASE("model_slots host: 300-byte update cut after every byte, torn writes/erases, record flips",
          "[lifecycle][slots][host]") {
  cut_everywhere([](slots& s) { return edgeloop::test::run_update(s, m().new_model, 37, 3); }, "update");
}

TEST_CASE("model_slots host: 300-byte checkpoint cut after every byte, torn writes/erases, record flips",
          "[lifecycle][slots][host]") {
  cut_everywhere([](slots& s) { return s.checkpoint(m().new_model, model_bytes, 3); }, "checkpoint");
}

TEST_CASE("model_slots host: every single status-record bit flip at every stable point", "[lifecycle][slots][host]") {
  flash f = prepared();
  flip_every_status_bit(f, reboot_outcome::old_model);
  slots s(f);
  REQUIRE(s.mount() == slot_status::ok);
  REQUIRE(s.begin_candidate() == slot_status::ok);
  flip_every_status_bit(f, reboot_outcome::old_model);
  REQUIRE(s.write_candidate(m().new_model, 150) == slot_status::ok);
  flip_every_status_bit(f, reboot_outcome::old_model);
  REQUIRE(s.write_candidate(m().new_model + 150, 150) == slot_status::ok);
  REQUIRE(s.commit_candidate(3) == slot_status::ok);
  flip_every_status_bit(f, reboot_outcome::old_model);
  REQUIRE(s.activate() == slot_status::ok);
  flip_every_status_bit(f, reboot_outcome::new_model);
  REQUIRE(s.rollback() == slot_status::ok);
  flip_every_status_bit(f, reboot_outcome::old_model);
  REQUIRE(s.checkpoint(m().new_model, model_bytes) == slot_status::ok);
  flip_every_status_bit(f, reboot_outcome::new_model);
}

TEST_CASE("model_slots host: the typed state API round-trips and checks the size", "[lifecycle][slots][host]") {
  struct state {
    std::uint32_t magic;
    float w[20];
  };
  flash f;
  slots s(f);
  REQUIRE(s.mount() == slot_status::empty);
  state a{0xABCD1234u, {}};
  for (int i = 0; i < 20; ++i) a.w[i] = static_cast<float>(i) * 0.5f;
  REQUIRE(s.checkpoint_state(a, 5) == slot_status::ok);
  state b{};
  REQUIRE(s.load_active_state(b) == slot_status::ok);
  CHECK(edgeloop::test::same_bytes(a, b));
  struct other {
    std::uint8_t x[10];
  } o{};
  CHECK(s.load_active_state(o) == slot_status::corrupt);
  slots t(f);
  REQUIRE(t.mount() == slot_status::ok);
  state c{};
  REQUIRE(t.load_active_state(c) == slot_status::ok);
  CHECK(edgeloop::test::same_bytes(a, c));
  CHECK(t.slot(t.active_slot()).tag == 5);
}
