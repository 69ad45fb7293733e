#pragma once
/// artifact_parser: receives an artifact in chunks of any size (radio packets, flash
/// pages) and verifies it with bounded RAM before anything can use it. Checks, in the
/// order bytes arrive: header (magic, format version, reserved fields, model kind, type
/// hash, security counter >= the device's minimum, payload length), the SHA-256 digest of
/// header and payload, the signature record through the `verifier`, and that no byte
/// follows. The payload is only readable (payload()) once every check passed.
/// Memory: MaxPayload + 48 (header) + 76 (record) + 32 (digest) + sizeof(sha256) (112)
/// + the verifier + 32 bytes (artifact_parser<P, V>::memory_bytes).

#include <array>
#include <cstddef>
#include <cstdint>

#include "artifact_format.hpp"
#include "sha256.hpp"
#include "verifier.hpp"

namespace edgeloop {

/// What the device accepts: the model it runs and its anti-rollback floor.
struct artifact_expectation {
  std::uint32_t model_kind = 0;
  std::uint64_t type_hash = 0;
  std::uint32_t payload_length = 0;         ///< exact payload size (sizeof(state_type) for models)
  std::uint32_t min_security_counter = 0;   ///< artifacts with a lower counter are refused
};

template <std::size_t MaxPayload, verifier Verifier>
class artifact_parser {
 public:
  static constexpr std::size_t payload_capacity = MaxPayload;
  static const std::size_t memory_bytes;

  artifact_parser(const Verifier& v, const artifact_expectation& e) noexcept : verifier_(v), expect_(e) {}

  /// Starts over for a new artifact (a new expectation, e.g. after the floor rose).
  void reset(const artifact_expectation& e) noexcept {
    expect_ = e;
    reset();
  }
  void reset() noexcept {
    hash_.reset();
    received_ = 0;
    error_ = artifact_status::ok;
    verified_ = false;
    header_ = artifact_header{};
  }

  /// Consumes `size` bytes. ok while everything seen so far is consistent; the first error
  /// is sticky (returned by every later feed and by finish) until reset().
  artifact_status feed(const std::uint8_t* data, std::size_t size) noexcept {
    if (error_ != artifact_status::ok) return error_;
    for (std::size_t i = 0; i < size;) {
      if (verified_) return fail(artifact_status::trailing_data);
      const std::size_t n = consume(data + i, size - i);
      if (error_ != artifact_status::ok) return error_;
      i += n;
    }
    return artifact_status::ok;
  }

  /// The end of the input: ok if a whole artifact arrived and verified, else the error
  /// (truncated when bytes are missing).
  artifact_status finish() noexcept {
    if (error_ != artifact_status::ok) return error_;
    if (!verified_) return fail(artifact_status::truncated);
    return artifact_status::ok;
  }

  /// True once the whole artifact verified and nothing went wrong since.
  bool verified() const noexcept { return verified_ && error_ == artifact_status::ok; }
  /// The header (decoded once its 48 bytes arrived; meaningful after verified()).
  const artifact_header& header() const noexcept { return header_; }
  /// The verified payload, or nullptr before verification.
  const std::uint8_t* payload() const noexcept { return verified() ? payload_.data() : nullptr; }
  std::size_t payload_size() const noexcept { return verified() ? header_.payload_length : 0; }
  std::size_t bytes_received() const noexcept { return received_; }

 private:
  artifact_status fail(artifact_status s) noexcept {
    error_ = s;
    verified_ = false;
    return s;
  }

  artifact_status check_header() noexcept {
    header_ = decode_header(head_.data());
    const artifact_header& h = header_;
    if (h.magic != artifact::magic) return artifact_status::bad_magic;
    if (h.format_version != artifact::format_version) return artifact_status::unsupported_version;
    if (h.header_size != artifact::header_bytes || h.flags != 0 || h.reserved != 0) return artifact_status::bad_header;
    if (h.model_kind != expect_.model_kind) return artifact_status::wrong_model_kind;
    if (h.type_hash != expect_.type_hash) return artifact_status::wrong_type;
    if (h.security_counter < expect_.min_security_counter) return artifact_status::rolled_back;
    if (h.payload_length != expect_.payload_length || h.payload_length > MaxPayload) return artifact_status::bad_length;
    return artifact_status::ok;
  }

  /// Consumes bytes of the current section; returns how many.
  std::size_t consume(const std::uint8_t* p, std::size_t size) noexcept {
    constexpr std::size_t h_end = artifact::header_bytes;
    if (received_ < h_end) {
      const std::size_t n = take(p, size, head_.data() + received_, h_end - received_);
      hash_.update(p, n);
      if (received_ == h_end) {
        if (const artifact_status s = check_header(); s != artifact_status::ok) fail(s);
      }
      return n;
    }
    const std::size_t p_end = h_end + header_.payload_length;
    if (received_ < p_end) {
      const std::size_t n = take(p, size, payload_.data() + (received_ - h_end), p_end - received_);
      hash_.update(p, n);
      return n;
    }
    const std::size_t d_end = p_end + artifact::digest_bytes;
    if (received_ < d_end) {
      const std::size_t n = take(p, size, digest_.data() + (received_ - p_end), d_end - received_);
      if (received_ == d_end && hash_.finish() != digest_) fail(artifact_status::digest_mismatch);
      return n;
    }
    const std::size_t r_end = d_end + artifact::signature_record_bytes;
    const std::size_t n = take(p, size, record_.data() + (received_ - d_end), r_end - received_);
    if (received_ == r_end) {
      const artifact_status s = verifier_.verify(digest_, decode_signature_record(record_.data()));
      if (s != artifact_status::ok)
        fail(s);
      else
        verified_ = true;
    }
    return n;
  }

  std::size_t take(const std::uint8_t* p, std::size_t size, std::uint8_t* dst, std::size_t room) noexcept {
    const std::size_t n = size < room ? size : room;
    for (std::size_t i = 0; i < n; ++i) dst[i] = p[i];
    received_ += n;
    return n;
  }

  Verifier verifier_;
  artifact_expectation expect_;
  sha256 hash_;
  artifact_header header_{};
  std::array<std::uint8_t, artifact::header_bytes> head_{};
  std::array<std::uint8_t, MaxPayload> payload_{};
  sha256_digest digest_{};
  std::array<std::uint8_t, artifact::signature_record_bytes> record_{};
  std::size_t received_ = 0;
  artifact_status error_ = artifact_status::ok;
  bool verified_ = false;
};

template <std::size_t MaxPayload, verifier Verifier>
constexpr std::size_t artifact_parser<MaxPayload, Verifier>::memory_bytes = sizeof(artifact_parser<MaxPayload, Verifier>);

}  // namespace edgeloop
