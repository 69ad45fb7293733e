#pragma once
/// model_slots<Flash, StateBytes>: two model slots (A/B) and a status record on a
/// flash_device, so that a power cut at any moment of an update or of a checkpoint of
/// on-device-learned weights leaves a valid model (the old or the new, never a mixture),
/// and the choice survives a reboot.
///
/// Layout from `first_page`: 2 status pages, then slot 0 and slot 1 of
/// ceil(StateBytes / page_size) pages each (required_pages in total).
///
/// Status record (48 bytes, little-endian, padded to write_size): magic "ELSR", format
/// version, active slot, sequence number, per slot {state, length, CRC-32, tag}, and a
/// CRC-32 of all of it. Each change writes a new record with sequence + 1 into the
/// *other* status page (erase, then program), so the flash always holds the newest
/// complete record and the one before. At mount the valid record (magic, version, CRC)
/// with the highest sequence wins; a torn or bit-flipped record fails its CRC and the
/// previous one is used. A slot is only ever used after its bytes match the CRC-32 the
/// record holds for it, so a damaged record or slot can never select corrupt data.
///
/// Protocol (why the two records on flash always name an intact active slot): before a
/// slot is erased, a record marks it `empty` without changing the active slot; only when
/// its bytes are written and read back does a record mark it `candidate` (commit) or
/// `active` (activate, checkpoint). A change of the active slot is written as two
/// records in a row, so that between operations both pages name the same active model
/// and a corrupted record cannot revert to an older one. Rollback goes back to the `previous` slot after
/// checking its CRC. Every outcome is a slot_status; on failure the in-memory view stays
/// as it was (flash may hold a partial slot, which no record references).
///
/// Wear: a checkpoint erases status pages three times (one per page per record) and the
/// inactive slot's pages once.
/// Memory: sizeof = about 64 + Flash::write_size bytes (plus the Flash reference); RAM use
/// does not grow with StateBytes (data is streamed through a 32-byte buffer).

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../core/assert.hpp"
#include "crc32.hpp"
#include "flash_device.hpp"

namespace edgeloop {

enum class [[nodiscard]] slot_status : std::uint8_t {
  ok = 0,
  empty,             ///< no model stored (fresh device), or the requested slot holds none
  too_large,         ///< more bytes than StateBytes
  flash_error,       ///< the flash reported an error (power lost, erase failed, ...)
  verify_failed,     ///< read-back differs from what was written (e.g. a silently failed erase)
  corrupt,           ///< stored bytes fail their CRC and nothing usable is left
  no_candidate,      ///< commit/activate without a written (committed) candidate
  no_previous,       ///< rollback without an intact previous model
  not_writing,       ///< write/commit without begin_candidate()
  buffer_too_small,  ///< load_active() buffer shorter than the stored model
  not_mounted,       ///< mount() was not called (or failed with a flash error)
};

constexpr const char* to_string(slot_status s) noexcept {
  switch (s) {
    case slot_status::ok: return "ok";
    case slot_status::empty: return "empty";
    case slot_status::too_large: return "too_large";
    case slot_status::flash_error: return "flash_error";
    case slot_status::verify_failed: return "verify_failed";
    case slot_status::corrupt: return "corrupt";
    case slot_status::no_candidate: return "no_candidate";
    case slot_status::no_previous: return "no_previous";
    case slot_status::not_writing: return "not_writing";
    case slot_status::buffer_too_small: return "buffer_too_small";
    case slot_status::not_mounted: return "not_mounted";
  }
  return "unknown";
}

/// Returns a non-ok slot_status from the enclosing function (internal to model_slots.hpp).
#define EDGELOOP_TRY_SLOT(expr)                                     \
  do {                                                              \
    if (const slot_status edgeloop_try_slot_ = (expr);              \
        edgeloop_try_slot_ != slot_status::ok)                      \
      return edgeloop_try_slot_;                                    \
  } while (false)

template <flash_device Flash, std::size_t StateBytes>
class model_slots {
 public:
  static constexpr std::size_t page_size = Flash::page_size;
  static constexpr std::size_t slot_pages = (StateBytes + page_size - 1) / page_size;
  static constexpr std::size_t required_pages = 2 + 2 * slot_pages;
  static constexpr std::size_t record_payload_bytes = 48;
  static constexpr std::size_t record_bytes =
      (record_payload_bytes + Flash::write_size - 1) / Flash::write_size * Flash::write_size;
  static constexpr std::uint32_t magic = 0x52534C45u;  // "ELSR" little-endian
  static constexpr std::uint16_t format_version = 1;
  static constexpr std::uint8_t no_slot = 2;
  static_assert(StateBytes > 0, "model_slots: StateBytes must be positive");
  static_assert(record_bytes <= page_size, "model_slots: the status record must fit in a page");
  static_assert(StateBytes <= 0xFFFFFFFFu, "model_slots: lengths are stored in 32 bits");

  enum class slot_state : std::uint8_t { empty = 0, candidate = 1, active = 2, previous = 3 };

  struct slot_info {
    slot_state state = slot_state::empty;
    std::uint32_t length = 0;
    std::uint32_t crc = 0;
    std::uint32_t tag = 0;  ///< caller's label (e.g. a model version), stored with the slot
  };

  /// What mount() found.
  struct boot_info {
    std::uint32_t sequence = 0;     ///< sequence number of the record in use (0: none)
    std::uint8_t valid_records = 0; ///< 0, 1 or 2 status pages with a valid record
    bool older_record = false;      ///< the newest valid record named no intact model; an older one did
    bool fell_back = false;         ///< the active slot failed its CRC; the previous slot is used
  };

  explicit model_slots(Flash& flash, std::size_t first_page = 0) noexcept : flash_(&flash), first_page_(first_page) {
    EDGELOOP_ASSERT(first_page + required_pages <= Flash::page_count, "model_slots: flash too small");
  }

  /// Reads the status records and checks the active slot (falling back as described
  /// above). ok: a model is active; empty: nothing stored yet (a usable state: the next
  /// checkpoint or candidate goes to slot 0); corrupt: records exist but no slot they
  /// name is intact; flash_error: a read failed (not mounted).
  slot_status mount() noexcept {
    mounted_ = false;
    writing_ = false;
    info_ = {};
    std::array<record, 2> recs{};
    std::array<bool, 2> ok{};
    for (std::uint8_t p = 0; p < 2; ++p) {
      if (read_record(p, recs[p], ok[p]) != flash_status::ok) return slot_status::flash_error;
      if (ok[p]) ++info_.valid_records;
    }
    if (info_.valid_records == 0) {
      reset_view(0);
      mounted_ = true;
      return slot_status::empty;
    }
    std::uint8_t order[2] = {0, 1};
    if (!ok[0] || (ok[1] && recs[1].sequence > recs[0].sequence)) {
      order[0] = 1;
      order[1] = 0;
    }
    const std::uint32_t top = recs[order[0]].sequence;
    for (std::uint8_t i = 0; i < 2; ++i) {
      const std::uint8_t p = order[i];
      if (!ok[p]) continue;
      record r = recs[p];
      bool fell_back = false;
      slot_status s = choose_intact(r, fell_back);
      if (s == slot_status::flash_error) return s;
      if (s == slot_status::ok || s == slot_status::empty) {
        view_ = r;
        sequence_ = top;
        next_page_ = static_cast<std::uint8_t>(1 - p);
        info_.sequence = r.sequence;
        info_.older_record = i > 0;
        info_.fell_back = fell_back;
        mounted_ = true;
        return s;
      }
    }
    reset_view(top);
    next_page_ = static_cast<std::uint8_t>(1 - order[0]);
    mounted_ = true;
    return slot_status::corrupt;
  }

  const boot_info& boot() const noexcept { return info_; }
  bool mounted() const noexcept { return mounted_; }
  bool has_active() const noexcept { return view_.active != no_slot; }
  std::uint8_t active_slot() const noexcept { return view_.active; }
  const slot_info& slot(std::size_t i) const noexcept { return view_.slots[i]; }
  std::uint32_t sequence() const noexcept { return sequence_; }

  /// Copies the active model into out[0, capacity) after checking its CRC; `length` gets
  /// its size. empty when no model is active.
  slot_status load_active(std::uint8_t* out, std::size_t capacity, std::size_t& length) const noexcept {
    if (!mounted_) return slot_status::not_mounted;
    if (view_.active == no_slot) return slot_status::empty;
    return load(view_.active, out, capacity, length);
  }
  /// Copies the model held by slot `s` (0 or 1: active, previous or committed candidate)
  /// after checking its CRC. empty when the slot holds none.
  slot_status load(std::uint8_t s, std::uint8_t* out, std::size_t capacity, std::size_t& length) const noexcept {
    if (!mounted_) return slot_status::not_mounted;
    if (s > 1 || view_.slots[s].state == slot_state::empty) return slot_status::empty;
    const slot_info& si = view_.slots[s];
    if (si.length > capacity) return slot_status::buffer_too_small;
    if (flash_->read(slot_address(s), out, si.length) != flash_status::ok) return slot_status::flash_error;
    if (crc32_of(out, si.length) != si.crc) return slot_status::corrupt;
    length = si.length;
    return slot_status::ok;
  }
  /// Typed form of load_active(): the stored model must be exactly sizeof(T) bytes;
  /// `value` is only written when the load succeeds.
  template <class T>
  slot_status load_active_state(T& value) const noexcept {
    if (mounted_ && view_.active == no_slot) return slot_status::empty;
    return load_state(view_.active, value);
  }
  /// Typed form of load().
  template <class T>
  slot_status load_state(std::uint8_t s, T& value) const noexcept {
    static_assert(std::is_trivially_copyable_v<T>, "model_slots: states are trivially copyable");
    static_assert(sizeof(T) <= StateBytes, "model_slots: type larger than a slot");
    if (mounted_ && s <= 1 && view_.slots[s].state != slot_state::empty && view_.slots[s].length != sizeof(T))
      return slot_status::corrupt;
    alignas(T) std::uint8_t bytes[sizeof(T)];
    std::size_t n = 0;
    const slot_status st = load(s, bytes, sizeof(T), n);
    if (st != slot_status::ok) return st;
    auto* dst = reinterpret_cast<std::uint8_t*>(&value);
    for (std::size_t i = 0; i < sizeof(T); ++i) dst[i] = bytes[i];
    return slot_status::ok;
  }
  /// The slot holding the model the active one replaced (rollback target), or no_slot.
  std::uint8_t previous_slot() const noexcept {
    if (view_.active == no_slot) return no_slot;
    const auto o = static_cast<std::uint8_t>(1 - view_.active);
    return view_.slots[o].state == slot_state::previous ? o : no_slot;
  }

  /// Replaces the caller's tag of the active slot (e.g. "confirmed" after a probation),
  /// written as two records like an activation: a cut leaves the old or the new tag, with
  /// the same active model either way.
  slot_status set_active_tag(std::uint32_t tag) noexcept {
    if (!mounted_) return slot_status::not_mounted;
    if (view_.active == no_slot) return slot_status::empty;
    record r = view_;
    r.slots[view_.active].tag = tag;
    return write_settled(r);
  }

  // --- candidate (a received update) --------------------------------------------------
  /// Marks the inactive slot empty in a new record, then erases it (verified).
  slot_status begin_candidate() noexcept {
    if (!mounted_) return slot_status::not_mounted;
    writing_ = false;
    const std::uint8_t t = target_slot();
    record r = view_;
    r.slots[t] = slot_info{};
    EDGELOOP_TRY_SLOT(write_record(r));
    EDGELOOP_TRY_SLOT(erase_slot(t));
    writing_ = true;
    target_ = t;
    written_ = 0;
    fill_ = 0;
    running_.reset();
    return slot_status::ok;
  }

  /// Appends a chunk of any size (buffered to the flash write size).
  slot_status write_candidate(const std::uint8_t* data, std::size_t n) noexcept {
    if (!writing_) return slot_status::not_writing;
    if (n > StateBytes - (written_ + fill_)) return slot_status::too_large;
    running_.update(data, n);
    for (std::size_t i = 0; i < n; ++i) {
      unit_[fill_++] = data[i];
      if (fill_ == unit_.size()) {
        if (flash_->program(slot_address(target_) + written_, unit_.data(), unit_.size()) != flash_status::ok) {
          writing_ = false;
          return slot_status::flash_error;
        }
        written_ += fill_;
        fill_ = 0;
      }
    }
    return slot_status::ok;
  }

  /// Flushes the candidate, reads it back against the CRC of what was received, and
  /// records it as `candidate` (not yet active) with the caller's tag.
  slot_status commit_candidate(std::uint32_t tag = 0) noexcept {
    if (!writing_) return slot_status::not_writing;
    slot_info si{};
    EDGELOOP_TRY_SLOT(finish_slot(si, tag));
    record r = view_;
    r.slots[target_] = si;
    EDGELOOP_TRY_SLOT(write_record(r));
    writing_ = false;
    return slot_status::ok;
  }

  /// Makes the committed candidate active; the model it replaces becomes `previous`.
  slot_status activate() noexcept {
    if (!mounted_) return slot_status::not_mounted;
    const std::uint8_t t = target_slot();
    if (view_.slots[t].state != slot_state::candidate) return slot_status::no_candidate;
    EDGELOOP_TRY_SLOT(verify_slot(t));
    return write_settled(activated(view_, t));
  }

  /// Returns to the previous model (after checking its CRC); the rejected one is marked
  /// empty so it cannot come back.
  slot_status rollback() noexcept {
    if (!mounted_) return slot_status::not_mounted;
    if (view_.active == no_slot) return slot_status::no_previous;
    const auto o = static_cast<std::uint8_t>(1 - view_.active);
    if (view_.slots[o].state != slot_state::previous) return slot_status::no_previous;
    if (verify_slot(o) != slot_status::ok) return slot_status::no_previous;
    record r = view_;
    r.slots[view_.active] = slot_info{};
    r.slots[o].state = slot_state::active;
    r.active = o;
    return write_settled(r);
  }

  /// Discards a candidate that is being written or committed but not active.
  slot_status discard_candidate() noexcept {
    if (!mounted_) return slot_status::not_mounted;
    writing_ = false;
    const std::uint8_t t = target_slot();
    if (view_.slots[t].state != slot_state::candidate) return slot_status::ok;
    record r = view_;
    r.slots[t] = slot_info{};
    return write_record(r);
  }

  // --- checkpoint (on-device-learned weights) ------------------------------------------
  /// Saves `n` bytes as the new active model in one call: the inactive slot is marked
  /// empty, erased, written, read back, and a record makes it active (the model it
  /// replaces becomes `previous`). A candidate waiting in the inactive slot is discarded.
  slot_status checkpoint(const std::uint8_t* data, std::size_t n, std::uint32_t tag = 0) noexcept {
    if (!mounted_) return slot_status::not_mounted;
    if (n > StateBytes) return slot_status::too_large;
    EDGELOOP_TRY_SLOT(begin_candidate());
    const slot_status w = write_candidate(data, n);
    if (w != slot_status::ok) return w;
    slot_info si{};
    const slot_status f = finish_slot(si, tag);
    writing_ = false;
    if (f != slot_status::ok) return f;
    record r = view_;
    r.slots[target_] = si;
    return write_settled(activated(r, target_));
  }
  template <class T>
  slot_status checkpoint_state(const T& value, std::uint32_t tag = 0) noexcept {
    static_assert(std::is_trivially_copyable_v<T>, "model_slots: states are trivially copyable");
    return checkpoint(reinterpret_cast<const std::uint8_t*>(&value), sizeof(T), tag);
  }

 private:

  struct record {
    std::uint32_t sequence = 0;
    std::uint8_t active = no_slot;
    std::array<slot_info, 2> slots{};
  };

  std::size_t page_address(std::size_t rel_page) const noexcept { return (first_page_ + rel_page) * page_size; }
  std::size_t slot_address(std::uint8_t s) const noexcept { return page_address(2 + s * slot_pages); }
  std::uint8_t target_slot() const noexcept {
    return view_.active == no_slot ? std::uint8_t{0} : static_cast<std::uint8_t>(1 - view_.active);
  }

  void reset_view(std::uint32_t seq) noexcept {
    view_ = record{};
    sequence_ = seq;
    next_page_ = 0;
  }

  static record activated(record r, std::uint8_t t) noexcept {
    if (r.active != no_slot) r.slots[r.active].state = slot_state::previous;
    r.slots[t].state = slot_state::active;
    r.active = t;
    return r;
  }

  static void put32(std::uint8_t* p, std::uint32_t v) noexcept {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
  }
  static std::uint32_t get32(const std::uint8_t* p) noexcept {
    return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
  }

  static void encode(const record& r, std::array<std::uint8_t, record_bytes>& b) noexcept {
    b.fill(0xFF);
    put32(&b[0], magic);
    b[4] = static_cast<std::uint8_t>(format_version & 0xFFu);
    b[5] = static_cast<std::uint8_t>(format_version >> 8);
    b[6] = r.active;
    b[7] = 0;
    put32(&b[8], r.sequence);
    for (std::size_t s = 0; s < 2; ++s) {
      std::uint8_t* q = &b[12 + 16 * s];
      q[0] = static_cast<std::uint8_t>(r.slots[s].state);
      q[1] = q[2] = q[3] = 0;
      put32(q + 4, r.slots[s].length);
      put32(q + 8, r.slots[s].crc);
      put32(q + 12, r.slots[s].tag);
    }
    put32(&b[44], crc32_of(b.data(), 44));
  }

  /// Decodes and validates; `valid` is false for anything that is not a consistent record.
  static bool decode(const std::array<std::uint8_t, record_bytes>& b, record& r) noexcept {
    if (get32(&b[0]) != magic) return false;
    if ((b[4] | (b[5] << 8)) != format_version) return false;
    if (get32(&b[44]) != crc32_of(b.data(), 44)) return false;
    r.active = b[6];
    r.sequence = get32(&b[8]);
    if (r.active > no_slot || r.sequence == 0) return false;
    for (std::size_t s = 0; s < 2; ++s) {
      const std::uint8_t* q = &b[12 + 16 * s];
      if (q[0] > 3) return false;
      r.slots[s].state = static_cast<slot_state>(q[0]);
      r.slots[s].length = get32(q + 4);
      r.slots[s].crc = get32(q + 8);
      r.slots[s].tag = get32(q + 12);
      if (r.slots[s].length > StateBytes) return false;
      if ((r.slots[s].state == slot_state::active) != (r.active == s)) return false;
    }
    return true;
  }

  flash_status read_record(std::uint8_t p, record& r, bool& valid) const noexcept {
    std::array<std::uint8_t, record_bytes> b{};
    const flash_status s = flash_->read(page_address(p), b.data(), b.size());
    valid = s == flash_status::ok && decode(b, r);
    return s;
  }

  /// Makes r the current record: erase the next status page, program, read back.
  slot_status write_record(record r) noexcept {
    r.sequence = sequence_ + 1;
    std::array<std::uint8_t, record_bytes> b{};
    encode(r, b);
    if (flash_->erase_page(first_page_ + next_page_) != flash_status::ok) return slot_status::flash_error;
    if (flash_->program(page_address(next_page_), b.data(), b.size()) != flash_status::ok)
      return slot_status::flash_error;
    record back{};
    bool valid = false;
    if (read_record(next_page_, back, valid) != flash_status::ok) return slot_status::flash_error;
    if (!valid || back.sequence != r.sequence) return slot_status::verify_failed;
    view_ = r;
    sequence_ = r.sequence;
    next_page_ = static_cast<std::uint8_t>(1 - next_page_);
    return slot_status::ok;
  }

  /// A change of the active model is written twice (sequence n and n + 1), so that once
  /// the call returns both status pages name the new model and a damaged record can only
  /// fall back to that same model. A cut between the two leaves record n (the new model)
  /// next to the record before the change (the old model).
  slot_status write_settled(const record& r) noexcept {
    EDGELOOP_TRY_SLOT(write_record(r));
    return write_record(r);
  }

  slot_status erase_slot(std::uint8_t s) noexcept {
    for (std::size_t p = 0; p < slot_pages; ++p) {
      const std::size_t page = first_page_ + 2 + s * slot_pages + p;
      if (flash_->erase_page(page) != flash_status::ok) return slot_status::flash_error;
      std::array<std::uint8_t, 32> buf{};
      for (std::size_t off = 0; off < page_size; off += buf.size()) {
        const std::size_t n = page_size - off < buf.size() ? page_size - off : buf.size();
        if (flash_->read(page * page_size + off, buf.data(), n) != flash_status::ok) return slot_status::flash_error;
        for (std::size_t i = 0; i < n; ++i)
          if (buf[i] != Flash::erased_value) return slot_status::verify_failed;
      }
    }
    return slot_status::ok;
  }

  /// CRC-32 of a slot's first `length` bytes as stored.
  flash_status stored_crc(std::uint8_t s, std::uint32_t length, std::uint32_t& out) const noexcept {
    crc32 c;
    std::array<std::uint8_t, 32> buf{};
    for (std::size_t off = 0; off < length; off += buf.size()) {
      const std::size_t n = length - off < buf.size() ? length - off : buf.size();
      const flash_status f = flash_->read(slot_address(s) + off, buf.data(), n);
      if (f != flash_status::ok) return f;
      c.update(buf.data(), n);
    }
    out = c.value();
    return flash_status::ok;
  }

  slot_status verify_slot(std::uint8_t s) const noexcept {
    const slot_info& si = view_.slots[s];
    if (si.state == slot_state::empty) return slot_status::empty;
    std::uint32_t c = 0;
    if (stored_crc(s, si.length, c) != flash_status::ok) return slot_status::flash_error;
    return c == si.crc ? slot_status::ok : slot_status::corrupt;
  }

  /// Picks the model a record can serve: its active slot if intact, else its previous
  /// slot if intact (r is rewritten to make that one active). Candidates are never
  /// chosen. ok, empty (the record names no model), corrupt or flash_error.
  slot_status choose_intact(record& r, bool& fell_back) const noexcept {
    if (r.active == no_slot) return slot_status::empty;
    const std::uint8_t a = r.active;
    const auto o = static_cast<std::uint8_t>(1 - a);
    std::uint32_t c = 0;
    if (stored_crc(a, r.slots[a].length, c) != flash_status::ok) return slot_status::flash_error;
    if (c == r.slots[a].crc) return slot_status::ok;
    if (r.slots[o].state == slot_state::previous) {
      if (stored_crc(o, r.slots[o].length, c) != flash_status::ok) return slot_status::flash_error;
      if (c == r.slots[o].crc) {
        r.slots[a] = slot_info{};
        r.slots[o].state = slot_state::active;
        r.active = o;
        fell_back = true;
        return slot_status::ok;
      }
    }
    return slot_status::corrupt;
  }

  /// Flushes the last partial write unit (padded with the erased value) and checks the
  /// stored bytes against the CRC of what was received.
  slot_status finish_slot(slot_info& si, std::uint32_t tag) noexcept {
    if (fill_ > 0) {
      for (std::size_t i = fill_; i < unit_.size(); ++i) unit_[i] = Flash::erased_value;
      if (flash_->program(slot_address(target_) + written_, unit_.data(), unit_.size()) != flash_status::ok) {
        writing_ = false;
        return slot_status::flash_error;
      }
    }
    const auto length = static_cast<std::uint32_t>(written_ + fill_);
    written_ += fill_;
    fill_ = 0;
    std::uint32_t c = 0;
    if (stored_crc(target_, length, c) != flash_status::ok) {
      writing_ = false;
      return slot_status::flash_error;
    }
    if (c != running_.value()) {
      writing_ = false;
      return slot_status::verify_failed;
    }
    si = slot_info{slot_state::candidate, length, c, tag};
    return slot_status::ok;
  }

  static constexpr std::size_t unit_bytes = Flash::write_size;

  Flash* flash_;
  std::size_t first_page_;
  record view_{};
  std::uint32_t sequence_ = 0;
  boot_info info_{};
  std::size_t written_ = 0;
  std::size_t fill_ = 0;
  crc32 running_{};
  std::array<std::uint8_t, unit_bytes> unit_{};
  std::uint8_t next_page_ = 0;
  std::uint8_t target_ = 0;
  bool writing_ = false;
  bool mounted_ = false;
};

}  // namespace edgeloop

#undef EDGELOOP_TRY_SLOT
