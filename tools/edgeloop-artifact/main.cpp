// edgeloop-artifact: makes, signs, verifies and inspects model artifacts
// (docs/artifact-format.md). Host program.
//
//   edgeloop-artifact keygen  --public PK --secret SK
//   edgeloop-artifact pack    --payload STATE.bin --descriptor "standard_scaler<float,4>"
//                             --kind SSCL|0xHEX [--pipeline STR] [--align N] [--model-version N]
//                             [--counter N] [--time SECONDS] --out ARTIFACT
//   edgeloop-artifact sign    --in ARTIFACT --secret SK [--out SIGNED]    (Ed25519)
//   edgeloop-artifact verify  --in ARTIFACT --public PK [--kind K] [--descriptor STR [--pipeline STR]
//                             [--align N] | --type-hash 0xHEX] [--min-counter N] [--json]
//   edgeloop-artifact inspect --in ARTIFACT [--json]
//   edgeloop-artifact decode-batch --in BATCH [--json] [--names a,b,...]
//   edgeloop-artifact encode-batch --in CSV --out BATCH [--resolution R] [--coding rice|varint]
//
// decode-batch reads an upload batch written by lifecycle/batch_codec.hpp (the device's
// data collection) and prints it as CSV (or one JSON object); encode-batch makes one from
// a CSV file of numbers with a header line (test data, replaying logged data).
//
// Exit status: 0 success, 1 a file that is bad or does not verify, 2 a usage error.

#include <sys/stat.h>

#include <cerrno>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <cmath>
#include <map>
#include <memory>
#include <sstream>
#include <utility>
#include <set>
#include <string>
#include <vector>

#include "edgeloop/host/batch_decoder.hpp"
#include "edgeloop/lifecycle/artifact_format.hpp"
#include "edgeloop/lifecycle/artifact_parser.hpp"
#include "edgeloop/lifecycle/artifact_writer.hpp"
#include "edgeloop/lifecycle/batch_codec.hpp"
#include "edgeloop/lifecycle/mbedtls_ecdsa_p256.hpp"
#include "edgeloop/lifecycle/sodium_ed25519.hpp"

using namespace edgeloop;

namespace {

constexpr int exit_bad_file = 1;
constexpr int exit_usage = 2;
constexpr std::size_t max_payload = std::size_t{1} << 20;  // 1 MiB

struct failure {
  int code;
  std::string message;
};

[[noreturn]] void fail(int code, const std::string& message) { throw failure{code, message}; }

std::vector<std::uint8_t> read_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) fail(exit_bad_file, path + ": cannot open file: " + std::strerror(errno));
  std::vector<std::uint8_t> data;
  std::uint8_t buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.insert(data.end(), buf, buf + n);
  const bool error = std::ferror(f) != 0;
  std::fclose(f);
  if (error) fail(exit_bad_file, path + ": read error");
  return data;
}

void write_file(const std::string& path, const std::uint8_t* data, std::size_t size, bool secret = false) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) fail(exit_bad_file, path + ": cannot create file: " + std::strerror(errno));
  if (secret) ::chmod(path.c_str(), 0600);
  const bool ok = std::fwrite(data, 1, size, f) == size;
  if (std::fclose(f) != 0 || !ok) fail(exit_bad_file, path + ": write error");
}

std::string hex(const std::uint8_t* p, std::size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < n; ++i) {
    s += digits[p[i] >> 4];
    s += digits[p[i] & 15];
  }
  return s;
}

/// A string as JSON string contents (quotes, backslashes, control characters escaped).
std::string json_escape(const std::string& s) {
  std::string out;
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char b[8];
      std::snprintf(b, sizeof b, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += b;
    } else {
      out += c;
    }
  }
  return out;
}

std::string hex64(std::uint64_t v) {
  char b[32];
  std::snprintf(b, sizeof b, "0x%016" PRIx64, v);
  return b;
}

/// --name value options and --flag switches after the command.
struct options {
  std::map<std::string, std::string> values;
  std::set<std::string> flags;

  bool has(const std::string& k) const { return values.count(k) != 0; }
  const std::string& need(const std::string& command, const std::string& k) const {
    const auto it = values.find(k);
    if (it == values.end()) fail(exit_usage, command + ": missing --" + k);
    return it->second;
  }
  std::uint64_t number(const std::string& k, std::uint64_t fallback, std::uint64_t limit) const {
    const auto it = values.find(k);
    if (it == values.end()) return fallback;
    const std::string& s = it->second;
    char* end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(s.c_str(), &end, 0);
    if (s.empty() || s[0] == '-' || *end != '\0' || errno != 0 || v > limit)
      fail(exit_usage, "--" + k + ": '" + s + "' is not a number in [0, " + std::to_string(limit) + "]");
    return v;
  }
};

options parse_options(int argc, char** argv, const std::set<std::string>& value_names,
                      const std::set<std::string>& flag_names, const std::string& command) {
  options o;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--", 0) != 0) fail(exit_usage, command + ": unexpected argument '" + a + "'");
    const std::string name = a.substr(2);
    if (flag_names.count(name)) {
      o.flags.insert(name);
    } else if (value_names.count(name)) {
      if (i + 1 >= argc) fail(exit_usage, command + ": --" + name + " needs a value");
      o.values[name] = argv[++i];
    } else {
      fail(exit_usage, command + ": unknown option '" + a + "'");
    }
  }
  return o;
}

/// A model kind: four characters (the state magic, e.g. SSCL) or a number.
std::uint32_t parse_kind(const std::string& s) {
  if (s.size() == 4 && s.rfind("0x", 0) != 0) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(s[i])) << (8 * i);
    return v;
  }
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(s.c_str(), &end, 0);
  if (s.empty() || *end != '\0' || errno != 0 || v > 0xFFFFFFFFull)
    fail(exit_usage, "--kind: '" + s + "' is neither four characters nor a 32-bit number");
  return static_cast<std::uint32_t>(v);
}

std::string kind_text(std::uint32_t k) {
  std::string s;
  for (std::size_t i = 0; i < 4; ++i) {
    const char c = static_cast<char>((k >> (8 * i)) & 0xFFu);
    if (c < 0x21 || c > 0x7E) return "";
    s += c;
  }
  return s;
}

const char* algorithm_name(signature_algorithm a) {
  switch (a) {
    case signature_algorithm::none: return "none";
    case signature_algorithm::ed25519: return "ed25519";
    case signature_algorithm::ecdsa_p256_sha256: return "ecdsa-p256-sha256";
  }
  return "unknown";
}

int cmd_keygen(int argc, char** argv) {
  const options o = parse_options(argc, argv, {"public", "secret"}, {}, "keygen");
  const std::string pk_path = o.need("keygen", "public");
  const std::string sk_path = o.need("keygen", "secret");
#if defined(EDGELOOP_HAVE_SODIUM)
  ed25519_public_key pk{};
  ed25519_secret_key sk{};
  if (ed25519_keygen(pk, sk) != status::ok) fail(exit_bad_file, "keygen: libsodium could not generate a key");
  write_file(sk_path, sk.data(), sk.size(), true);
  write_file(pk_path, pk.data(), pk.size());
  sodium_memzero(sk.data(), sk.size());
  std::printf("Ed25519 key pair: public %s, secret %s (keep it secret), key_id %s\n", pk_path.c_str(),
              sk_path.c_str(), hex(artifact_key_id(pk.data(), pk.size()).data(), artifact::key_id_bytes).c_str());
  return 0;
#else
  fail(exit_usage, "keygen: this edgeloop-artifact was built without libsodium (install libsodium-dev)");
#endif
}

int cmd_pack(int argc, char** argv) {
  const options o = parse_options(
      argc, argv, {"payload", "descriptor", "pipeline", "kind", "align", "model-version", "counter", "time", "out"}, {},
      "pack");
  const std::vector<std::uint8_t> payload = read_file(o.need("pack", "payload"));
  if (payload.size() > max_payload)
    fail(exit_bad_file, "pack: payload of " + std::to_string(payload.size()) + " bytes exceeds " +
                            std::to_string(max_payload));
  const std::uint64_t align = o.number("align", 4, 256);
  if (align == 0 || (align & (align - 1)) != 0) fail(exit_usage, "--align must be a power of two");
  artifact_info info;
  info.model_kind = parse_kind(o.need("pack", "kind"));
  info.type_hash = artifact_type_hash(o.need("pack", "descriptor"), o.has("pipeline") ? o.values.at("pipeline") : "",
                                      payload.size(), static_cast<std::size_t>(align));
  info.model_version = static_cast<std::uint32_t>(o.number("model-version", 0, 0xFFFFFFFFu));
  info.security_counter = static_cast<std::uint32_t>(o.number("counter", 0, 0xFFFFFFFFu));
  info.creation_time = o.number("time", static_cast<std::uint64_t>(std::time(nullptr)), UINT64_MAX);
  std::vector<std::uint8_t> out(artifact::total_bytes(payload.size()));
  std::size_t written = 0;
  const artifact_status s = write_artifact(info, payload.data(), payload.size(), out.data(), out.size(), written);
  if (s != artifact_status::ok) fail(exit_bad_file, std::string("pack: ") + to_string(s));
  write_file(o.need("pack", "out"), out.data(), written);
  std::printf("packed %zu payload bytes into %s (%zu bytes, unsigned), type_hash %s\n", payload.size(),
              o.values.at("out").c_str(), written, hex64(info.type_hash).c_str());
  return 0;
}

int cmd_sign(int argc, char** argv) {
  const options o = parse_options(argc, argv, {"in", "secret", "out"}, {}, "sign");
  const std::string in = o.need("sign", "in");
  const std::string sk_path = o.need("sign", "secret");
#if defined(EDGELOOP_HAVE_SODIUM)
  std::vector<std::uint8_t> bytes = read_file(in);
  const std::vector<std::uint8_t> key = read_file(sk_path);
  ed25519_secret_key sk{};
  if (key.size() != sk.size())
    fail(exit_bad_file, sk_path + ": an Ed25519 secret key file has 64 bytes, this one " + std::to_string(key.size()));
  std::memcpy(sk.data(), key.data(), sk.size());
  const sodium_ed25519_signer signer_(sk);
  sodium_memzero(sk.data(), sk.size());
  const artifact_status s = sign_artifact(bytes.data(), bytes.size(), signer_);
  if (s != artifact_status::ok) fail(exit_bad_file, in + ": cannot sign: " + to_string(s));
  const std::string out = o.has("out") ? o.values.at("out") : in;
  write_file(out, bytes.data(), bytes.size());
  std::printf("signed %s (Ed25519)\n", out.c_str());
  return 0;
#else
  (void)in;
  fail(exit_usage, "sign: this edgeloop-artifact was built without libsodium (install libsodium-dev)");
#endif
}

template <class V>
artifact_status verify_with(const V& v, const artifact_expectation& e, const std::vector<std::uint8_t>& bytes) {
  auto parser = std::make_unique<artifact_parser<max_payload, V>>(v, e);
  for (std::size_t at = 0; at < bytes.size(); at += 4096) {
    const std::size_t n = bytes.size() - at < 4096 ? bytes.size() - at : 4096;
    if (const artifact_status s = parser->feed(bytes.data() + at, n); s != artifact_status::ok) return s;
  }
  return parser->finish();
}

int cmd_verify(int argc, char** argv) {
  const options o = parse_options(
      argc, argv, {"in", "public", "kind", "descriptor", "pipeline", "align", "type-hash", "min-counter"}, {"json"},
      "verify");
  const std::string in = o.need("verify", "in");
  const std::vector<std::uint8_t> bytes = read_file(in);
  const std::vector<std::uint8_t> key = read_file(o.need("verify", "public"));
  if (bytes.size() < artifact::header_bytes)
    fail(exit_bad_file, in + ": " + std::to_string(bytes.size()) + " bytes, shorter than an artifact header (48)");
  const artifact_header h = decode_header(bytes.data());
  // Expectations: given on the command line, else taken from the header (then only
  // integrity and signature are checked, and the output says so).
  artifact_expectation e;
  e.model_kind = o.has("kind") ? parse_kind(o.values.at("kind")) : h.model_kind;
  bool type_checked = true;
  if (o.has("type-hash")) {
    e.type_hash = o.number("type-hash", 0, UINT64_MAX);
  } else if (o.has("descriptor")) {
    const std::uint64_t align = o.number("align", 4, 256);
    e.type_hash = artifact_type_hash(o.values.at("descriptor"), o.has("pipeline") ? o.values.at("pipeline") : "",
                                     h.payload_length, static_cast<std::size_t>(align));
  } else {
    e.type_hash = h.type_hash;
    type_checked = false;
  }
  e.payload_length = h.payload_length;
  e.min_security_counter = static_cast<std::uint32_t>(o.number("min-counter", 0, 0xFFFFFFFFu));
  artifact_status s = artifact_status::ok;
  std::string algorithm;
  if (key.size() == 32) {
    algorithm = "ed25519";
#if defined(EDGELOOP_HAVE_SODIUM)
    ed25519_public_key pk{};
    std::memcpy(pk.data(), key.data(), pk.size());
    s = verify_with(sodium_ed25519_verifier(pk), e, bytes);
#else
    fail(exit_usage, "verify: Ed25519 keys need libsodium, this edgeloop-artifact was built without it");
#endif
  } else if (key.size() == 65) {
    algorithm = "ecdsa-p256-sha256";
#if defined(EDGELOOP_HAVE_MBEDTLS)
    p256_public_key pk{};
    std::memcpy(pk.data(), key.data(), pk.size());
    s = verify_with(mbedtls_ecdsa_p256_verifier(pk), e, bytes);
#else
    fail(exit_usage, "verify: P-256 keys need mbedTLS, this edgeloop-artifact was built without it");
#endif
  } else {
    fail(exit_bad_file, o.values.at("public") + ": a public key file has 32 (Ed25519) or 65 (P-256) bytes, this one " +
                            std::to_string(key.size()));
  }
  const bool ok = s == artifact_status::ok;
  if (o.flags.count("json")) {
    std::printf("{\"file\":\"%s\",\"verified\":%s,\"status\":\"%s\",\"key_algorithm\":\"%s\",\"type_checked\":%s,"
                "\"model_version\":%u,\"security_counter\":%u,\"bytes\":%zu}\n",
                json_escape(in).c_str(), ok ? "true" : "false", to_string(s), algorithm.c_str(), type_checked ? "true" : "false",
                h.model_version, h.security_counter, bytes.size());
  } else if (ok) {
    std::printf("%s: verified (%s%s), model_version %u, security_counter %u\n", in.c_str(), algorithm.c_str(),
                type_checked ? ", type checked" : ", type NOT checked: give --descriptor or --type-hash",
                h.model_version, h.security_counter);
  }
  if (!ok) std::fprintf(stderr, "%s: REJECTED: %s\n", in.c_str(), to_string(s));
  return ok ? 0 : exit_bad_file;
}

int cmd_inspect(int argc, char** argv) {
  const options o = parse_options(argc, argv, {"in"}, {"json"}, "inspect");
  const std::string in = o.need("inspect", "in");
  const std::vector<std::uint8_t> bytes = read_file(in);
  if (bytes.size() < artifact::header_bytes)
    fail(exit_bad_file, in + ": " + std::to_string(bytes.size()) + " bytes, shorter than an artifact header (48)");
  const artifact_header h = decode_header(bytes.data());
  if (h.magic != artifact::magic) fail(exit_bad_file, in + ": not an edgeloop artifact (magic is not ELAF)");
  const std::size_t expected = artifact::total_bytes(h.payload_length);
  const bool complete = bytes.size() == expected;
  std::string digest = "-", digest_state = "absent";
  signature_record r;
  bool have_record = false;
  if (complete) {
    const std::size_t at = artifact::header_bytes + h.payload_length;
    const sha256_digest d = sha256::hash(bytes.data(), at);
    digest = hex(bytes.data() + at, artifact::digest_bytes);
    digest_state = std::memcmp(d.data(), bytes.data() + at, d.size()) == 0 ? "matches" : "MISMATCH";
    r = decode_signature_record(bytes.data() + at + artifact::digest_bytes);
    have_record = true;
  }
  const std::string kind = kind_text(h.model_kind);
  char kind_hex[16];
  std::snprintf(kind_hex, sizeof kind_hex, "0x%08x", h.model_kind);
  const std::string key_id = have_record ? hex(r.key_id.data(), r.key_id.size()) : "-";
  const char* alg = have_record ? algorithm_name(r.algorithm) : "-";
  if (o.flags.count("json")) {
    std::printf("{\"file\":\"%s\",\"format_version\":%u,\"header_size\":%u,\"model_kind\":\"%s\",\"model_kind_hex\":\"%s\","
                "\"flags\":%u,\"type_hash\":\"%s\",\"model_version\":%u,\"security_counter\":%u,\"payload_length\":%u,"
                "\"creation_time\":%" PRIu64 ",\"bytes\":%zu,\"expected_bytes\":%zu,\"digest\":\"%s\",\"digest_state\":\"%s\","
                "\"signature_algorithm\":\"%s\",\"key_id\":\"%s\"}\n",
                json_escape(in).c_str(), h.format_version, h.header_size, json_escape(kind).c_str(), kind_hex, h.flags, hex64(h.type_hash).c_str(),
                h.model_version, h.security_counter, h.payload_length, h.creation_time, bytes.size(), expected,
                digest.c_str(), digest_state.c_str(), alg, key_id.c_str());
  } else {
    char when[64] = "?";
    const std::time_t t = static_cast<std::time_t>(h.creation_time);
    if (std::tm tm{}; gmtime_r(&t, &tm) != nullptr) std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    std::printf("file              %s\n", in.c_str());
    std::printf("format_version    %u\nheader_size       %u\n", h.format_version, h.header_size);
    std::printf("model_kind        %s (%s)\nflags             %u\n", kind.empty() ? "-" : kind.c_str(), kind_hex, h.flags);
    std::printf("type_hash         %s\nmodel_version     %u\nsecurity_counter  %u\n", hex64(h.type_hash).c_str(),
                h.model_version, h.security_counter);
    std::printf("payload_length    %u\ncreation_time     %" PRIu64 " (%s)\n", h.payload_length, h.creation_time, when);
    std::printf("bytes             %zu (expected %zu)\n", bytes.size(), expected);
    std::printf("digest            %s (%s)\n", digest.c_str(), digest_state.c_str());
    std::printf("signature         %s, key_id %s\n", alg, key_id.c_str());
  }
  if (!complete) {
    std::fprintf(stderr, "%s: %zu bytes, the header announces %zu (%s)\n", in.c_str(), bytes.size(), expected,
                 bytes.size() < expected ? "truncated" : "trailing data");
    return exit_bad_file;
  }
  if (digest_state != "matches") {
    std::fprintf(stderr, "%s: digest does not match header and payload\n", in.c_str());
    return exit_bad_file;
  }
  return 0;
}

// --- upload batches -----------------------------------------------------------------

/// Decimals that print every multiple of `resolution` exactly as the decimal the user
/// meant (0.01 -> 2, 0.25 -> 2, 0.5 -> 1, 10 -> 0): the smallest d with resolution * 10^d
/// within 1e-4 of an integer (float resolutions are not exact decimals), at most 9.
int decimals_for(double resolution) {
  for (int d = 0; d < 9; ++d) {
    const double scaled = resolution * std::pow(10.0, d);
    if (std::fabs(scaled - std::nearbyint(scaled)) <= 1e-4 * scaled) return d;
  }
  return 9;
}

std::string batch_problem(host::batch_decode_status s) {
  switch (s) {
    case host::batch_decode_status::truncated: return "truncated (shorter than its header and CRC, or values run past the end)";
    case host::batch_decode_status::bad_magic: return "not an upload batch (magic is not EB)";
    case host::batch_decode_status::bad_version: return "unknown batch format version or coding";
    case host::batch_decode_status::bad_crc: return "CRC-32 mismatch: the batch is corrupt";
    case host::batch_decode_status::bad_values: return "malformed coded values";
    case host::batch_decode_status::ok: break;
  }
  return "ok";
}

std::vector<std::string> split_commas(const std::string& line) {
  std::vector<std::string> out;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, ',')) out.push_back(field);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

int cmd_decode_batch(int argc, char** argv) {
  const options o = parse_options(argc, argv, {"in", "names"}, {"json"}, "decode-batch");
  const std::string in = o.need("decode-batch", "in");
  const std::vector<std::uint8_t> bytes = read_file(in);
  const host::decoded_batch b = host::decode_batch(bytes.data(), bytes.size());
  if (b.status != host::batch_decode_status::ok)
    fail(exit_bad_file, in + ": " + batch_problem(b.status) + " (" + host::to_string(b.status) + ")");
  std::vector<std::string> names;
  if (o.has("names")) {
    names = split_commas(o.values.at("names"));
    if (names.size() != b.channels)
      fail(exit_usage, "--names: " + std::to_string(names.size()) + " names for " + std::to_string(b.channels) +
                           " channels");
  } else {
    for (unsigned c = 0; c < b.channels; ++c) names.push_back("c" + std::to_string(c));
  }
  const int d = decimals_for(static_cast<double>(b.resolution));
  const auto value = [&](std::size_t r, std::size_t c) {
    char buf[64];
    const double v = b.at(r, c);
    std::snprintf(buf, sizeof buf, "%.*f", d, v == 0.0 ? 0.0 : v);  // no "-0.00"
    return std::string(buf);
  };
  const std::size_t raw = std::size_t{b.rows} * b.channels * sizeof(float);
  if (o.flags.count("json")) {
    std::string out = "{\"file\":\"" + json_escape(in) + "\",\"channels\":" + std::to_string(b.channels) +
                      ",\"coding\":\"" + (b.coding == batch_coding::rice ? "rice" : "varint") + "\"";
    char res[32];
    std::snprintf(res, sizeof res, "%.9g", static_cast<double>(b.resolution));
    out += std::string(",\"resolution\":") + res + ",\"rows\":" + std::to_string(b.rows) +
           ",\"bytes\":" + std::to_string(bytes.size()) + ",\"raw_float32_bytes\":" + std::to_string(raw) +
           ",\"names\":[";
    for (std::size_t c = 0; c < names.size(); ++c) out += (c ? ",\"" : "\"") + json_escape(names[c]) + "\"";
    out += "],\"values\":[";
    for (std::size_t r = 0; r < b.rows; ++r) {
      out += r ? ",[" : "[";
      for (std::size_t c = 0; c < b.channels; ++c) out += (c ? "," : "") + value(r, c);
      out += "]";
    }
    out += "]}";
    std::printf("%s\n", out.c_str());
    return 0;
  }
  std::string line;
  for (std::size_t c = 0; c < names.size(); ++c) line += (c ? "," : "") + names[c];
  std::printf("%s\n", line.c_str());
  for (std::size_t r = 0; r < b.rows; ++r) {
    line.clear();
    for (std::size_t c = 0; c < b.channels; ++c) line += (c ? "," : "") + value(r, c);
    std::printf("%s\n", line.c_str());
  }
  std::fprintf(stderr, "%s: %u rows x %u channels, resolution %g, %s coding, %zu bytes (raw float32 %zu)\n",
               in.c_str(), b.rows, b.channels, static_cast<double>(b.resolution),
               b.coding == batch_coding::rice ? "rice" : "varint", bytes.size(), raw);
  return 0;
}

constexpr std::size_t max_batch_channels = 16;

/// Encodes with batch_encoder<C> for the file's channel count C (compile-time capacity).
template <std::size_t C>
std::vector<std::uint8_t> encode_rows(const std::vector<std::vector<float>>& rows,
                                      const typename batch_encoder<C>::params& p) {
  std::vector<std::uint8_t> buf(batch_encoder<C>::min_buffer_bytes + rows.size() * C * 9 + 64);
  batch_encoder<C> enc;
  if (enc.start(buf.data(), buf.size(), p) != status::ok) fail(exit_usage, "encode-batch: invalid resolution or coding");
  for (std::size_t r = 0; r < rows.size(); ++r) {
    typename batch_encoder<C>::row_type x{};
    for (std::size_t c = 0; c < C; ++c) x[c] = rows[r][c];
    if (const status s = enc.add(x); s != status::ok)
      fail(exit_bad_file, "encode-batch: data row " + std::to_string(r + 1) + ": " + to_string(s) +
                              " (values must be finite and below 2^30 resolution steps)");
  }
  std::size_t n = 0;
  if (enc.finish(n) != status::ok) fail(exit_bad_file, "encode-batch: cannot finish the batch");
  buf.resize(n);
  return buf;
}

template <std::size_t... I>
std::vector<std::uint8_t> encode_dispatch(std::size_t channels, const std::vector<std::vector<float>>& rows,
                                          float resolution, batch_coding coding, std::index_sequence<I...>) {
  std::vector<std::uint8_t> out;
  (void)((channels == I + 1 ? (out = encode_rows<I + 1>(rows, typename batch_encoder<I + 1>::params{resolution, coding}), true)
                             : false) ||
         ...);
  return out;
}

int cmd_encode_batch(int argc, char** argv) {
  const options o = parse_options(argc, argv, {"in", "out", "resolution", "coding"}, {}, "encode-batch");
  const std::string in = o.need("encode-batch", "in");
  const std::string out_path = o.need("encode-batch", "out");
  float resolution = 0.01f;
  if (o.has("resolution")) {
    const std::string& s = o.values.at("resolution");
    char* end = nullptr;
    resolution = std::strtof(s.c_str(), &end);
    if (s.empty() || *end != '\0' || !(resolution > 0.0f) || !std::isfinite(resolution))
      fail(exit_usage, "--resolution: '" + s + "' is not a positive number");
  }
  batch_coding coding = batch_coding::rice;
  if (o.has("coding")) {
    const std::string& c = o.values.at("coding");
    if (c == "varint") coding = batch_coding::varint;
    else if (c != "rice") fail(exit_usage, "--coding must be rice or varint");
  }
  const std::vector<std::uint8_t> text = read_file(in);
  std::istringstream lines(std::string(text.begin(), text.end()));
  std::string line;
  std::size_t line_no = 0, channels = 0;
  std::vector<std::vector<float>> rows;
  while (std::getline(lines, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const std::vector<std::string> fields = split_commas(line);
    if (channels == 0) {  // the header line names the channels
      channels = fields.size();
      if (channels > max_batch_channels)
        fail(exit_bad_file, in + ": " + std::to_string(channels) + " columns, at most " +
                                std::to_string(max_batch_channels) + " channels");
      continue;
    }
    if (fields.size() != channels)
      fail(exit_bad_file, in + ":" + std::to_string(line_no) + ": expected " + std::to_string(channels) +
                              " fields, found " + std::to_string(fields.size()));
    std::vector<float> row;
    for (std::size_t c = 0; c < channels; ++c) {
      char* end = nullptr;
      const float v = std::strtof(fields[c].c_str(), &end);
      if (fields[c].empty() || *end != '\0')
        fail(exit_bad_file, in + ":" + std::to_string(line_no) + ": '" + fields[c] + "' is not a number");
      row.push_back(v);
    }
    rows.push_back(std::move(row));
  }
  if (channels == 0) fail(exit_bad_file, in + ": no header line");
  const std::vector<std::uint8_t> batch =
      encode_dispatch(channels, rows, resolution, coding, std::make_index_sequence<max_batch_channels>{});
  write_file(out_path, batch.data(), batch.size());
  std::printf("encoded %zu rows x %zu channels at resolution %g (%s) into %s: %zu bytes (raw float32 %zu)\n",
              rows.size(), channels, static_cast<double>(resolution), coding == batch_coding::rice ? "rice" : "varint",
              out_path.c_str(), batch.size(), rows.size() * channels * sizeof(float));
  return 0;
}

void usage(std::FILE* f) {
  std::fputs(
      "usage: edgeloop-artifact COMMAND [options]\n"
      "  keygen  --public PK --secret SK                     new Ed25519 key pair (raw 32 / 64 byte files)\n"
      "  pack    --payload STATE --descriptor STR --kind K   unsigned artifact from a model state\n"
      "          [--pipeline STR] [--align N] [--model-version N] [--counter N] [--time S] --out FILE\n"
      "  sign    --in FILE --secret SK [--out FILE]          sign with Ed25519 (in place without --out)\n"
      "  verify  --in FILE --public PK [--kind K] [--descriptor STR [--pipeline STR] [--align N] | --type-hash H]\n"
      "          [--min-counter N] [--json]                  full check; PK: 32 B Ed25519 or 65 B P-256\n"
      "  inspect --in FILE [--json]                          print the header, digest state, signature record\n"
      "  decode-batch --in BATCH [--names a,b,..] [--json]   an upload batch (batch_codec) as CSV or JSON\n"
      "  encode-batch --in CSV --out BATCH [--resolution R] [--coding rice|varint]\n"
      "                                                      a batch from numbers (header line, <= 16 columns)\n",
      f);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(stderr);
    return exit_usage;
  }
  const std::string command = argv[1];
  try {
    if (command == "keygen") return cmd_keygen(argc, argv);
    if (command == "pack") return cmd_pack(argc, argv);
    if (command == "sign") return cmd_sign(argc, argv);
    if (command == "verify") return cmd_verify(argc, argv);
    if (command == "inspect") return cmd_inspect(argc, argv);
    if (command == "decode-batch") return cmd_decode_batch(argc, argv);
    if (command == "encode-batch") return cmd_encode_batch(argc, argv);
    if (command == "--help" || command == "help") {
      usage(stdout);
      return 0;
    }
    std::fprintf(stderr, "unknown command '%s'\n", command.c_str());
    usage(stderr);
    return exit_usage;
  } catch (const failure& f) {
    std::fprintf(stderr, "edgeloop-artifact: %s\n", f.message.c_str());
    return f.code;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "edgeloop-artifact: %s\n", e.what());
    return exit_bad_file;
  }
}
