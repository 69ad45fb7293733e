#pragma once
/// model_artifact: binds artifacts to `persistable` models. The payload is the model's
/// state_type as its object bytes on a little-endian target (static_assert below): no
/// field-by-field encoding is possible generically in C++20 (no reflection of members),
/// so the state layout is pinned by the type hash instead (descriptor, sizeof and alignof
/// of state_type). edgeloop's state types are padding-free structs of fixed-width integers
/// and IEEE-754 floats, which lay out identically under g++ on x86-64 and arm-none-eabi
/// (AAPCS); a compiler that laid them out differently would change nothing the hash sees
/// if size and alignment stay equal: that is the documented limitation (docs/artifact-format.md).
///
///   artifact_identity id = model_identity<standard_scaler<float, 4>>("standard_scaler<float,4>");
///   write_model_artifact(scaler, info_from(id, version, counter, time), buffer, size, written);
///   artifact_parser<sizeof(standard_scaler<float, 4>::state_type), V> p(v, expectation(id, floor));
///   p.feed(...); ...; if (p.finish() == artifact_status::ok) apply_artifact(p, scaler);

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>

#include "../core/concepts.hpp"
#include "artifact_format.hpp"
#include "artifact_parser.hpp"
#include "artifact_writer.hpp"

namespace edgeloop {

/// Model kind and type hash of one model type (and its preprocessing pipeline).
struct artifact_identity {
  std::uint32_t model_kind = 0;
  std::uint64_t type_hash = 0;
  std::uint32_t payload_length = 0;
};

namespace detail {
template <class M>
constexpr std::uint32_t default_model_kind() noexcept {
  if constexpr (requires { { M::magic } -> std::convertible_to<std::uint32_t>; })
    return static_cast<std::uint32_t>(M::magic);
  else
    return 0;
}
}  // namespace detail

/// The identity of model type M: its kind is M::magic (the state magic every edgeloop
/// model publishes) unless `model_kind` is given; the type hash covers `descriptor`
/// (write the type with its template arguments, e.g. "gaussian_nb<float,4,2>"), the
/// pipeline's descriptor and the layout of M::state_type.
template <persistable M>
constexpr artifact_identity model_identity(std::string_view descriptor, std::string_view pipeline = {},
                                           std::uint32_t model_kind = detail::default_model_kind<M>()) noexcept {
  using state = typename M::state_type;
  static_assert(sizeof(state) <= 0xFFFFFFFFu, "state too large for an artifact");
  return {model_kind, artifact_type_hash(descriptor, pipeline, sizeof(state), alignof(state)),
          static_cast<std::uint32_t>(sizeof(state))};
}

/// Header fields for a new artifact of this identity.
constexpr artifact_info info_from(const artifact_identity& id, std::uint32_t model_version,
                                  std::uint32_t security_counter, std::uint64_t creation_time) noexcept {
  return {id.model_kind, id.type_hash, model_version, security_counter, creation_time};
}

/// What a device running this identity accepts, with its anti-rollback floor.
constexpr artifact_expectation expectation(const artifact_identity& id, std::uint32_t min_security_counter) noexcept {
  return {id.model_kind, id.type_hash, id.payload_length, min_security_counter};
}

/// Packs model.state() into an unsigned artifact (sign it with sign_artifact).
template <persistable M>
artifact_status write_model_artifact(const M& model, const artifact_info& info, std::uint8_t* out,
                                     std::size_t capacity, std::size_t& written) noexcept {
  static_assert(std::endian::native == std::endian::little,
                "artifact payloads are state bytes in little-endian order; add a serializer for big-endian targets");
  static_assert(std::numeric_limits<float>::is_iec559, "artifact payloads assume IEEE-754 floats");
  using state = typename M::state_type;
  const state s = model.state();
  std::uint8_t bytes[sizeof(state)];
  std::memcpy(bytes, &s, sizeof(state));
  return write_artifact(info, bytes, sizeof(state), out, capacity, written);
}

/// Restores a verified artifact into `model`: ok, truncated (parser not verified),
/// bad_length (payload size not sizeof(state_type)) or model_rejected (restore() refused
/// the state; the model is then unchanged, as restore() guarantees).
template <persistable M, std::size_t MaxPayload, verifier V>
artifact_status apply_artifact(const artifact_parser<MaxPayload, V>& parser, M& model) noexcept {
  static_assert(std::endian::native == std::endian::little,
                "artifact payloads are state bytes in little-endian order; add a serializer for big-endian targets");
  using state = typename M::state_type;
  if (!parser.verified()) return artifact_status::truncated;
  if (parser.payload_size() != sizeof(state)) return artifact_status::bad_length;
  state s;
  std::memcpy(&s, parser.payload(), sizeof(state));
  return model.restore(s) == status::ok ? artifact_status::ok : artifact_status::model_rejected;
}

}  // namespace edgeloop
