#pragma once
/// flash_simulator<PageSize, Pages, WriteSize>: a RAM-backed flash_device that enforces
/// the flash rules (erase to 0xFF, aligned programming that only clears bits) and injects
/// the faults that power-safe storage code must survive:
/// - cut_power_after(k): the supply goes away once k more bytes have been programmed. The
///   program() that crosses the budget writes its first bytes and stops (optionally
///   tearing the byte at the cut, see fault_options::torn_write); every later program or
///   erase is lost and returns power_lost until power_on(). With fault_options::torn_erase
///   an erase hit by the cut leaves its page half erased (first half 0xFF, the rest with
///   random bits set), as a real erase interrupted midway can.
/// - flip_bit(address, bit): a retention error anywhere, ignoring the rules.
/// - fail_erases(n, silent): the next n erases fail; with `silent` they report ok
///   (a worn page that no longer erases) and only a read-back notices.
/// Also counts erases and programmed bytes (wear). Memory: Pages*(PageSize + 4) + about 64 bytes.

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "../core/rng.hpp"
#include "flash_device.hpp"

namespace edgeloop {

template <std::size_t PageSize, std::size_t Pages, std::size_t WriteSize = 4>
class flash_simulator {
  static_assert(PageSize > 0 && Pages > 0 && WriteSize > 0 && PageSize % WriteSize == 0,
                "flash_simulator: page size must be a positive multiple of the write size");

 public:
  static constexpr std::size_t page_size = PageSize;
  static constexpr std::size_t page_count = Pages;
  static constexpr std::size_t write_size = WriteSize;
  static constexpr std::size_t size_bytes = PageSize * Pages;
  static constexpr std::uint8_t erased_value = 0xFF;

  struct fault_options {
    bool torn_write = false;  ///< the byte at the cut keeps a random part of its 1->0 changes
    bool torn_erase = false;  ///< an erase hit by the cut leaves a half-erased page
  };

  /// A new device is fully erased.
  constexpr flash_simulator() noexcept { mem_.fill(erased_value); }

  // --- flash_device ----------------------------------------------------------------
  flash_status erase_page(std::size_t page) noexcept {
    if (page >= Pages) return flash_status::out_of_range;
    if (!powered_) return flash_status::power_lost;
    if (cut_armed_ && budget_ == 0) {
      powered_ = false;
      if (faults_.torn_erase) {
        std::uint8_t* p = &mem_[page * PageSize];
        for (std::size_t i = 0; i < PageSize; ++i)
          p[i] = i < PageSize / 2 ? erased_value : static_cast<std::uint8_t>(p[i] | noise_.next());
      }
      return flash_status::power_lost;
    }
    if (failing_erases_ > 0 && erases_before_failing_ > 0) {
      --erases_before_failing_;
    } else if (failing_erases_ > 0) {
      --failing_erases_;
      return silent_failure_ ? flash_status::ok : flash_status::erase_failed;
    }
    for (std::size_t i = 0; i < PageSize; ++i) mem_[page * PageSize + i] = erased_value;
    ++erase_count_[page];
    return flash_status::ok;
  }

  flash_status program(std::size_t address, const std::uint8_t* data, std::size_t n) noexcept {
    if (address > size_bytes || n > size_bytes - address) return flash_status::out_of_range;
    if (address % WriteSize != 0 || n % WriteSize != 0) return flash_status::misaligned;
    if (!powered_) return flash_status::power_lost;
    for (std::size_t i = 0; i < n; ++i)
      if ((mem_[address + i] & data[i]) != data[i]) return flash_status::not_erased;
    std::size_t todo = n;
    bool cut = false;
    if (cut_armed_ && budget_ < n) {
      todo = budget_;
      cut = true;
    }
    for (std::size_t i = 0; i < todo; ++i) mem_[address + i] = data[i];
    programmed_bytes_ += todo;
    if (cut_armed_) budget_ -= todo;
    if (!cut) return flash_status::ok;
    powered_ = false;
    if (faults_.torn_write && todo < n) {
      // only some of the byte's 1->0 transitions happened
      const auto partial = static_cast<std::uint8_t>(data[todo] | noise_.next());
      mem_[address + todo] &= partial;
    }
    return flash_status::power_lost;
  }

  flash_status read(std::size_t address, std::uint8_t* out, std::size_t n) const noexcept {
    if (address > size_bytes || n > size_bytes - address) return flash_status::out_of_range;
    for (std::size_t i = 0; i < n; ++i) out[i] = mem_[address + i];
    return flash_status::ok;
  }

  // --- fault injection ---------------------------------------------------------------
  /// The supply fails once `bytes` more bytes have been programmed (0: before the next
  /// program or erase). `seed` drives the torn-write/torn-erase noise.
  void cut_power_after(std::size_t bytes, fault_options faults = {}, std::uint64_t seed = 1) noexcept {
    cut_armed_ = true;
    budget_ = bytes;
    faults_ = faults;
    noise_.seed(seed);
  }
  /// Power comes back (a reboot); no cut is armed any more. The memory keeps its contents.
  void power_on() noexcept {
    powered_ = true;
    cut_armed_ = false;
  }
  bool powered() const noexcept { return powered_; }
  /// True once an armed cut has happened (the budget was exhausted by a program or erase).
  bool power_was_cut() const noexcept { return !powered_; }

  /// Inverts one bit, bypassing every rule (retention error, radiation, a bad cell).
  void flip_bit(std::size_t address, unsigned bit) noexcept {
    if (address < size_bytes && bit < 8) mem_[address] = static_cast<std::uint8_t>(mem_[address] ^ (1u << bit));
  }
  /// After `skip` more successful erases, the next `count` erases fail: they return
  /// erase_failed, or ok when `silent`, and leave their page unchanged either way.
  void fail_erases(std::size_t count, bool silent = false, std::size_t skip = 0) noexcept {
    failing_erases_ = count;
    silent_failure_ = silent;
    erases_before_failing_ = skip;
  }

  // --- inspection ----------------------------------------------------------------------
  const std::uint8_t* data() const noexcept { return mem_.data(); }
  std::uint8_t byte_at(std::size_t address) const noexcept { return mem_[address]; }
  std::uint32_t erase_count(std::size_t page) const noexcept { return erase_count_[page]; }
  std::size_t programmed_bytes() const noexcept { return programmed_bytes_; }

 private:
  std::array<std::uint8_t, PageSize * Pages> mem_{};
  std::array<std::uint32_t, Pages> erase_count_{};
  std::size_t programmed_bytes_ = 0;
  std::size_t budget_ = 0;
  std::size_t failing_erases_ = 0;
  std::size_t erases_before_failing_ = 0;
  rng noise_{1};
  fault_options faults_{};
  bool cut_armed_ = false;
  bool powered_ = true;
  bool silent_failure_ = false;
};

static_assert(flash_device<flash_simulator<256, 8, 4>>);

}  // namespace edgeloop
