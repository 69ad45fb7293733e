#pragma once
/// Board benchmarks: instruction counts of edgeloop components on the emulated boards.
///
/// Run: `scripts/bench-target cortex-m4` (or cortex-m0, cortex-m33). It builds one image
/// per board from target_bench_main.cpp and every benchmarks/target/bench_*.cpp (-O2,
/// no CMake change needed), runs it in QEMU with `-icount shift=3` and prints one JSON
/// object per case and line:
///
///   {"bench":"standard_scaler","shape":"8_features","board":"cortex-m4",
///    "instructions":12345,"samples":256,"instructions_per_sample":48.22,"ram_bytes":72}
///
/// Adding a case (one file per component, benchmarks/target/bench_<component>.cpp):
///
///   #include "target_bench.hpp"
///   #include "edgeloop/preprocessing/standard_scaler.hpp"
///
///   TARGET_BENCH("standard_scaler", "8_features") {      // body gets `state`
///     static edgeloop::standard_scaler<float, 8> scaler;  // big objects static: 16 KB RAM on M0
///     static std::array<float, 8> rows[32];               // inputs prepared outside measure()
///     edgeloop::rng r(1);
///     for (auto& row : rows) for (auto& v : row) v = r.uniform<float>();
///     const std::uint64_t instructions = edgeloop::bench::measure([&] {
///       for (const auto& row : rows) edgeloop::bench::do_not_optimize(scaler.partial_fit(row));
///     });
///     edgeloop::bench::report(state, instructions, "sample", 32, sizeof scaler);
///   }
///
/// - measure(body) runs body once between two counter reads and returns its instructions
///   (the cost of the reads themselves, calibrated at start-up, is subtracted). Keep one
///   measurement under the counter's wrap: 83 M instructions on mps2-an386, see
///   platform/cycle_counter.hpp. On real boards with EDGELOOP_CYCLE_COUNTER=2 (DWT) the
///   figures are cycles.
/// - report(state, instructions, item, count, ram_bytes[, flash_bytes]) prints the line;
///   `item` is singular: "sample" -> "samples" and "instructions_per_sample"; int8 kernels
///   use "mac" -> "macs", "instructions_per_mac". ram_bytes is the component's own memory
///   (its memory_bytes / sizeof, plus any arena); flash_bytes is printed when non-zero.
/// - One report() per case. No printf/malloc: output goes through platform::console().
/// - do_not_optimize(value) / clobber_memory() keep the optimiser from deleting the work.
/// - At most max_cases cases per image; names and shapes are string literals.

#include <cstddef>
#include <cstdint>

#include "edgeloop/platform/cycle_counter.hpp"
#include "edgeloop/platform/semihosting.hpp"

#ifndef EDGELOOP_BOARD_NAME
#define EDGELOOP_BOARD_NAME "host"
#endif

namespace edgeloop::bench {

/// What a case's body receives: its name and shape, for report().
struct bench_state {
  const char* name;
  const char* shape;
};

using bench_function = void (*)(const bench_state&);

struct bench_entry {
  bench_state state;
  bench_function function;
};

inline constexpr std::size_t max_cases = 128;

struct bench_registry {
  bench_entry entries[max_cases];
  std::size_t count;
  std::uint64_t overhead;  // instructions of an empty measure()
};

inline bench_registry& registry() noexcept {
  static bench_registry r{};
  return r;
}

struct bench_registrar {
  bench_registrar(const char* name, const char* shape, bench_function f) noexcept {
    bench_registry& r = registry();
    if (r.count < max_cases) r.entries[r.count++] = {{name, shape}, f};
  }
};

/// Makes the compiler assume `value` is read (and memory clobbered).
template <class T>
inline void do_not_optimize(const T& value) noexcept {
  __asm volatile("" : : "r,m"(value) : "memory");
}
inline void clobber_memory() noexcept { __asm volatile("" : : : "memory"); }

/// Counts without subtracting the measuring overhead.
template <class Body>
inline std::uint64_t measure_raw(Body&& body) noexcept {
  using counter = platform::cycle_counter;
  counter::enable();
  clobber_memory();
  const std::uint32_t start = counter::now();
  clobber_memory();
  body();
  clobber_memory();
  const std::uint32_t stop = counter::now();
  clobber_memory();
  return counter::instructions(counter::elapsed(start, stop));
}

/// Instructions executed by body() (see the file comment).
template <class Body>
inline std::uint64_t measure(Body&& body) noexcept {
  const std::uint64_t raw = measure_raw(static_cast<Body&&>(body));
  const std::uint64_t overhead = registry().overhead;
  return raw > overhead ? raw - overhead : 0;
}

/// Prints the case's JSON line (see the file comment).
inline void report(const bench_state& state, std::uint64_t instructions, const char* item,
                   std::uint64_t count, std::size_t ram_bytes, std::size_t flash_bytes = 0) noexcept {
  platform::text_writer& out = platform::console();
  out.text("{\"bench\":\"").text(state.name).text("\",\"shape\":\"").text(state.shape);
  out.text("\",\"board\":\"").text(EDGELOOP_BOARD_NAME).text("\",\"instructions\":").integer(instructions);
  out.text(",\"").text(item).text("s\":").integer(count);
  out.text(",\"instructions_per_").text(item).text("\":");
  out.fixed(count > 0 ? static_cast<double>(instructions) / static_cast<double>(count) : 0.0, 2);
  out.text(",\"ram_bytes\":").integer(ram_bytes);
  if (flash_bytes > 0) out.text(",\"flash_bytes\":").integer(flash_bytes);
  out.text("}\n");
}

/// Runs every registered case in registration order; returns the number run.
inline std::size_t run_all() noexcept {
  bench_registry& r = registry();
  // Cost of measure() around nothing: the smallest of a few tries (they agree under icount).
  std::uint64_t overhead = measure_raw([] {});
  for (int i = 0; i < 3; ++i) {
    const std::uint64_t again = measure_raw([] {});
    if (again < overhead) overhead = again;
  }
  r.overhead = overhead;
  for (std::size_t i = 0; i < r.count; ++i) r.entries[i].function(r.entries[i].state);
  return r.count;
}

}  // namespace edgeloop::bench

#define EDGELOOP_BENCH_CAT2(a, b) a##b
#define EDGELOOP_BENCH_CAT(a, b) EDGELOOP_BENCH_CAT2(a, b)
#define EDGELOOP_TARGET_BENCH2(fn, name, shape)                                                   \
  static void fn(const ::edgeloop::bench::bench_state& state);                                    \
  static const ::edgeloop::bench::bench_registrar EDGELOOP_BENCH_CAT(fn, _registrar){name, shape, \
                                                                                      &fn};       \
  static void fn([[maybe_unused]] const ::edgeloop::bench::bench_state& state)
/// Registers a board benchmark case; the body that follows receives `state`.
#define TARGET_BENCH(name, shape) \
  EDGELOOP_TARGET_BENCH2(EDGELOOP_BENCH_CAT(edgeloop_target_bench_, __COUNTER__), name, shape)
