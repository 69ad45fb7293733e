#pragma once
// Shared by test_model_slots.cpp (boards) and test_model_slots_host.cpp: the update and
// checkpoint scenarios, run once per power-cut point against a copy of a prepared flash.

#include <cstddef>
#include <cstdint>

#include "edgeloop/lifecycle/model_slots.hpp"

namespace edgeloop::test {

/// Deterministic model bytes; different `seed`s give different contents.
template <std::size_t N>
void fill_model(std::uint8_t (&m)[N], std::uint32_t seed) {
  std::uint32_t x = seed * 2654435761u + 1u;
  for (std::size_t i = 0; i < N; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    m[i] = static_cast<std::uint8_t>(x);
  }
}

template <std::size_t N>
bool same(const std::uint8_t* a, const std::uint8_t (&b)[N], std::size_t n) {
  if (n != N) return false;
  for (std::size_t i = 0; i < N; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

/// The over-the-air path: begin, chunks of `chunk` bytes, commit, activate.
template <class Slots, std::size_t N>
slot_status run_update(Slots& s, const std::uint8_t (&model)[N], std::size_t chunk, std::uint32_t tag) {
  slot_status st = s.begin_candidate();
  if (st != slot_status::ok) return st;
  for (std::size_t off = 0; off < N; off += chunk) {
    st = s.write_candidate(model + off, off + chunk <= N ? chunk : N - off);
    if (st != slot_status::ok) return st;
  }
  st = s.commit_candidate(tag);
  if (st != slot_status::ok) return st;
  return s.activate();
}

/// Outcome of one reboot after an interrupted operation.
enum class reboot_outcome : std::uint8_t { old_model, new_model, no_model, wrong_model };

/// Mounts a fresh model_slots over `flash` and classifies what it serves.
template <class Slots, class Flash, std::size_t N>
reboot_outcome reboot(Flash& flash, const std::uint8_t (&old_model)[N], const std::uint8_t (&new_model)[N]) {
  Slots s(flash);
  const slot_status m = s.mount();
  if (m != slot_status::ok) return reboot_outcome::no_model;
  std::uint8_t buf[N + 8] = {};
  std::size_t n = 0;
  if (s.load_active(buf, sizeof buf, n) != slot_status::ok) return reboot_outcome::wrong_model;
  if (same(buf, old_model, n)) return reboot_outcome::old_model;
  if (same(buf, new_model, n)) return reboot_outcome::new_model;
  return reboot_outcome::wrong_model;
}

}  // namespace edgeloop::test
