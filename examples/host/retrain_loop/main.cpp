// retrain_loop: the whole continuous-learning loop on one machine. A simulated device
// learns on a drifting stream (Elec2, real data, plus one injected concept reversal), holds
// out a sample of its data for the validation gate, and uploads the rest in compressed
// batches (batch_codec). The host side decodes the batches, retrains a model of the same
// type from the most recent rows (several shuffled passes), signs it (Ed25519 through
// libsodium, else ECDSA P-256 through mbedTLS; keys generated at start) and sends it back
// in radio-sized chunks. The device's update_manager verifies, gates, activates, watches
// the probation, and rolls back if needed. Along the way the host also sends a tampered
// artifact, a replay of an old signed artifact, and a stale model: all three are refused;
// and the power fails once while an update is written to flash.
//
//   retrain_loop --data elecNormNew.arff [--json] [--drift-at N] [--round-every N]
//                [--window N] [--epochs N] [--chunk N] [--seed N]
//
// See README.md for what it shows and the figures.

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <string>
#include <vector>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/drift/adwin.hpp"
#include "edgeloop/host/arff_reader.hpp"
#include "edgeloop/host/batch_decoder.hpp"
#include "edgeloop/lifecycle/artifact_writer.hpp"
#include "edgeloop/lifecycle/batch_codec.hpp"
#include "edgeloop/lifecycle/flash_simulator.hpp"
#include "edgeloop/lifecycle/mbedtls_ecdsa_p256.hpp"
#include "edgeloop/lifecycle/model_artifact.hpp"
#include "edgeloop/lifecycle/reservoir.hpp"
#include "edgeloop/lifecycle/sodium_ed25519.hpp"
#include "edgeloop/lifecycle/update_manager.hpp"
#include "edgeloop/linear/sgd_classifier.hpp"

using namespace edgeloop;

namespace {

constexpr std::size_t features = 8;
using model = sgd_classifier<float, features, 2>;
using input = model::input_type;
using flash = flash_simulator<256, 8, 4>;
constexpr std::size_t channels = features + 1;  // the features and the label
constexpr std::size_t batch_bytes = 1024;        // one upload batch (radio-sized buffer)
constexpr std::size_t held_out_capacity = 256;

#if defined(EDGELOOP_HAVE_SODIUM)
using device_verifier = sodium_ed25519_verifier;
constexpr const char* signature_name = "ed25519";
#elif defined(EDGELOOP_HAVE_MBEDTLS)
using device_verifier = mbedtls_ecdsa_p256_verifier;
constexpr const char* signature_name = "ecdsa-p256";
#else
#error "retrain_loop needs libsodium or mbedTLS (cmake/edgeloop-crypto.cmake)"
#endif

/// The host's signing key, generated at start and never stored.
class host_key {
 public:
  host_key() {
#if defined(EDGELOOP_HAVE_SODIUM)
    if (ed25519_keygen(pk_, sk_) != status::ok) throw std::runtime_error("libsodium: no key");
#else
    if (signer_.generate() != status::ok) throw std::runtime_error("mbedTLS: no key");
#endif
  }
  device_verifier verifier() const {
#if defined(EDGELOOP_HAVE_SODIUM)
    return device_verifier(pk_);
#else
    return device_verifier(signer_.public_key());
#endif
  }
  artifact_status sign(std::vector<std::uint8_t>& artifact_bytes) const {
#if defined(EDGELOOP_HAVE_SODIUM)
    return sign_artifact(artifact_bytes.data(), artifact_bytes.size(), sodium_ed25519_signer(sk_));
#else
    return sign_artifact(artifact_bytes.data(), artifact_bytes.size(), signer_);
#endif
  }

 private:
#if defined(EDGELOOP_HAVE_SODIUM)
  ed25519_public_key pk_{};
  ed25519_secret_key sk_{};
#else
  mbedtls_ecdsa_p256_signer signer_;
#endif
};

const artifact_identity identity = model_identity<model>("sgd_classifier<float,8,2>");

// --- the timeline ---------------------------------------------------------------------

struct timeline {
  std::size_t sample = 0;
  bool quiet = false;
  void line(const char* text) const {
    if (!quiet) std::printf("[%6zu] %s\n", sample, text);
  }
};

/// The device's event sink: prints each update_event as a timeline line.
struct print_events {
  const timeline* t = nullptr;
  void operator()(const update_event& e) const noexcept {
    char b[256];
    switch (e.kind) {
      case update_event_kind::refused:
        std::snprintf(b, sizeof b, "  device: REFUSED (%s: %s), counter %u, nothing applied", to_string(e.status),
                      to_string(e.artifact), e.security_counter);
        break;
      case update_event_kind::stored:
        std::snprintf(b, sizeof b, "  device: verified model v%u (counter %u), written to the inactive slot",
                      e.model_version, e.security_counter);
        break;
      case update_event_kind::gate_failed:
      case update_event_kind::activated:
        std::snprintf(b, sizeof b, "  device: gate on %u held-out samples: active %.3f, candidate %.3f -> %s",
                      e.samples, static_cast<double>(e.baseline_accuracy), static_cast<double>(e.candidate_accuracy),
                      e.kind == update_event_kind::activated ? "ACTIVATED, probation starts" : "REFUSED by the gate");
        break;
      case update_event_kind::probation_passed:
      case update_event_kind::rolled_back:
        std::snprintf(b, sizeof b, "  device: probation over %u live samples: new %.3f, previous %.3f -> %s",
                      e.samples, static_cast<double>(e.candidate_accuracy), static_cast<double>(e.baseline_accuracy),
                      e.kind == update_event_kind::rolled_back ? "ROLLED BACK" : "confirmed");
        break;
      case update_event_kind::storage_failed:
        std::snprintf(b, sizeof b, "  device: flash failure (%s)", to_string(e.slot));
        break;
      case update_event_kind::booted:
        std::snprintf(b, sizeof b, "  device: booted (%s)", to_string(e.slot));
        break;
      default:
        return;  // receiving, checkpointed, probation_resumed: not worth a line here
    }
    t->line(b);
  }
};

using manager = update_manager<model, flash, device_verifier, print_events>;

// --- accuracy bookkeeping ----------------------------------------------------------------

struct hits {
  std::size_t right = 0, total = 0;
  void add(bool ok) {
    right += ok ? 1 : 0;
    ++total;
  }
  double rate() const { return total == 0 ? 0.0 : static_cast<double>(right) / static_cast<double>(total); }
};

struct options {
  std::string data;
  bool json = false;
  std::size_t drift_at = 0;  // 0: half of the stream
  std::size_t round_every = 3000;
  std::size_t window = 3000;
  std::size_t epochs = 5;
  std::size_t chunk = 64;
  std::uint64_t seed = 1;
};

int usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s --data elecNormNew.arff [--json] [--drift-at N] [--round-every N] [--window N]\n"
               "       [--epochs N] [--chunk N] [--seed N]\n",
               argv0);
  return 2;
}

/// Elec2 row -> features in [0, 1] (the day index / 6).
input features_of(const std::vector<float>& row) {
  input x{};
  for (std::size_t f = 0; f < features; ++f) x[f] = row[f];
  x[1] = row[1] / 6.0f;
  return x;
}

/// The host: decoded upload rows (most recent `window`), training, signing.
class host_side {
 public:
  host_side(const options& o) : o_(o), shuffle_(o.seed + 7) {}

  void receive_batch(const std::uint8_t* data, std::size_t n) {
    const host::decoded_batch b = host::decode_batch(data, n);
    if (b.status != host::batch_decode_status::ok || b.channels != channels)
      throw std::runtime_error(std::string("host: bad upload batch: ") + host::to_string(b.status));
    for (std::size_t r = 0; r < b.rows; ++r) {
      row_type row{};
      for (std::size_t c = 0; c < channels; ++c) row[c] = static_cast<float>(b.at(r, c));
      rows_.push_back(row);
      if (rows_.size() > o_.window) rows_.pop_front();
    }
  }

  /// A fresh model trained on the window: `epochs` shuffled passes.
  model retrain() {
    model m;
    std::vector<std::size_t> order(rows_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    for (std::size_t e = 0; e < o_.epochs; ++e) {
      for (std::size_t i = order.size(); i > 1; --i)
        std::swap(order[i - 1], order[shuffle_.uniform_int(static_cast<std::uint32_t>(i))]);
      for (const std::size_t i : order) {
        input x{};
        for (std::size_t f = 0; f < features; ++f) x[f] = rows_[i][f];
        (void)m.partial_fit(x, static_cast<class_label>(rows_[i][features] > 0.5f ? 1 : 0));
      }
    }
    return m;
  }

  std::vector<std::uint8_t> artifact_of(const model& m, std::uint32_t version) {
    std::vector<std::uint8_t> out(artifact::total_bytes(identity.payload_length));
    std::size_t written = 0;
    if (write_model_artifact(m, info_from(identity, version, ++counter_, 1764000000u + version), out.data(),
                             out.size(), written) != artifact_status::ok ||
        key_.sign(out) != artifact_status::ok)
      throw std::runtime_error("host: cannot pack or sign");
    return out;
  }

  device_verifier verifier() const { return key_.verifier(); }
  std::size_t rows() const { return rows_.size(); }

 private:
  using row_type = std::array<float, channels>;
  const options& o_;
  host_key key_;
  std::deque<row_type> rows_;
  rng shuffle_;
  std::uint32_t counter_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(usage(argv[0]));
      }
      return argv[++i];
    };
    const auto number = [&]() -> std::size_t {
      const std::string v = value();
      char* end = nullptr;
      const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || v[0] == '-') {
        std::fprintf(stderr, "%s: '%s' is not a number\n", a.c_str(), v.c_str());
        std::exit(usage(argv[0]));
      }
      return static_cast<std::size_t>(n);
    };
    if (a == "--data") o.data = value();
    else if (a == "--json") o.json = true;
    else if (a == "--drift-at") o.drift_at = number();
    else if (a == "--round-every") o.round_every = number();
    else if (a == "--window") o.window = number();
    else if (a == "--epochs") o.epochs = number();
    else if (a == "--chunk") o.chunk = number();
    else if (a == "--seed") o.seed = number();
    else return usage(argv[0]);
  }
  if (o.data.empty()) {
    std::fprintf(stderr, "retrain_loop: --data is required: the Elec2 stream elecNormNew.arff "
                         "(MOA data sets; in this workspace ../shared/data/electricity/elecNormNew.arff)\n");
    return usage(argv[0]);
  }
  if (o.round_every < 500 || o.window == 0 || o.epochs == 0 || o.chunk == 0) {
    std::fprintf(stderr, "retrain_loop: --round-every >= 500, --window, --epochs and --chunk >= 1\n");
    return 2;
  }
  host::dataset data;
  try {
    data = host::read_arff(o.data);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "retrain_loop: cannot read the data: %s\n", e.what());
    return 1;
  }
  if (data.feature_count() != features || data.class_count() != 2) {
    std::fprintf(stderr, "retrain_loop: %s: expected Elec2 (8 features, 2 classes), found %zu features, %zu classes\n",
                 o.data.c_str(), data.feature_count(), data.class_count());
    return 1;
  }
  const std::size_t n = data.size();
  if (o.drift_at == 0) o.drift_at = n / 2;
  if (o.drift_at + 2000 > n || o.drift_at < o.round_every) {
    std::fprintf(stderr, "retrain_loop: --drift-at must leave one round before and 2000 samples after it\n");
    return 2;
  }

  try {
    timeline t;
    t.quiet = o.json;
    host_side host(o);

    // --- the device ---------------------------------------------------------------------
    static flash device_flash;  // 2 KB of simulated flash: status pages and two slots
    model device_model;         // learns on the device all along
    model no_updates;           // the same device without the update path (comparison)
    manager::params mp;
    mp.min_held_out = 50;
    mp.gate_margin = 0.0f;
    mp.probation_samples = 500;
    mp.rollback_tolerance = 0.03f;
    manager device(device_model, device_flash, host.verifier(), identity, mp, print_events{&t});
    (void)device.boot();
    if (device.checkpoint() != update_status::ok) throw std::runtime_error("device: first checkpoint failed");
    reservoir<labelled_sample<input>, held_out_capacity> held_out;
    rng device_rng(o.seed);
    adwin<float> detector;
    std::array<std::uint8_t, batch_bytes> batch{};
    batch_encoder<channels> encoder;
    const batch_encoder<channels>::params codec{0.001f, batch_coding::rice};
    if (encoder.start(batch.data(), batch.size(), codec) != status::ok) throw std::runtime_error("encoder");
    std::size_t bytes_uploaded = 0, bytes_raw = 0, batches = 0;

    const auto upload = [&]() {
      std::size_t size = 0;
      if (encoder.rows() == 0) return;
      if (encoder.finish(size) != status::ok) throw std::runtime_error("encoder finish");
      bytes_uploaded += size;
      bytes_raw += encoder.rows() * channels * sizeof(float);
      ++batches;
      host.receive_batch(batch.data(), size);
      if (encoder.start(batch.data(), batch.size(), codec) != status::ok) throw std::runtime_error("encoder");
    };

    // --- counters ----------------------------------------------------------------------
    std::size_t offered = 0, accepted = 0, rejected = 0, rolled_back = 0, probations_passed = 0;
    std::size_t tampered_refused = 0, replay_refused = 0, stale_refused = 0, drifts_detected = 0, power_cuts = 0;
    hits before, after, final_window, final_without, before_without, after_without, period, period_without;
    const std::size_t final_start = n - std::min<std::size_t>(5000, n - o.drift_at);
    std::vector<std::uint8_t> last_accepted;  // the newest activated artifact, replayed once later
    bool replay_sent = false;
    model last_pre_drift;                       // the host's last model before the drift (sent stale later)
    bool have_pre_drift = false, stale_sent = false;
    std::size_t round = 0, last_round = 0;
    bool drift_flag = false;

    /// Offers one artifact in chunks; returns the device's final status.
    const auto offer = [&](const std::vector<std::uint8_t>& bytes, const char* what) {
      char b[160];
      std::snprintf(b, sizeof b, "host: offers %s (%zu bytes in %zu chunks of %zu)", what, bytes.size(),
                    (bytes.size() + o.chunk - 1) / o.chunk, o.chunk);
      t.line(b);
      ++offered;
      update_status s = device.begin();
      if (s != update_status::ok) {  // busy: a probation is running
        ++rejected;
        std::snprintf(b, sizeof b, "  device: not now (%s)", to_string(s));
        t.line(b);
        return s;
      }
      for (std::size_t at = 0; at < bytes.size() && s == update_status::ok; at += o.chunk)
        s = device.receive(bytes.data() + at, std::min(o.chunk, bytes.size() - at));
      s = device.finish(held_out);
      if (s == update_status::activated) {
        ++accepted;
        last_accepted = bytes;
      } else {
        ++rejected;
      }
      return s;
    };

    const auto run_round = [&](std::size_t i) {
      ++round;
      last_round = i;
      upload();
      if (device.checkpoint() != update_status::ok) throw std::runtime_error("device: checkpoint failed");
      char b[200];
      std::snprintf(b, sizeof b, "round %zu: device uploaded %zu batches so far (%zu bytes, raw %zu); host retrains "
                    "on its last %zu rows, %zu passes", round, batches, bytes_uploaded, bytes_raw, host.rows(), o.epochs);
      t.line(b);
      const model fresh = host.retrain();
      const bool drifted = i >= o.drift_at;
      if (i >= o.drift_at + 1000 && have_pre_drift && !stale_sent) {
        // a deployment mistake: the pre-drift model is sent again (valid signature, new counter)
        stale_sent = true;
        if (offer(host.artifact_of(last_pre_drift, static_cast<std::uint32_t>(round)), "a STALE model (trained before the drift)") ==
            update_status::gate_failed)
          ++stale_refused;
      }
      if (!drifted) {
        last_pre_drift = fresh;
        have_pre_drift = true;
      }
      std::vector<std::uint8_t> art = host.artifact_of(fresh, static_cast<std::uint32_t>(round));
      if (round == 2) {
        std::vector<std::uint8_t> bad = art;
        bad[artifact::header_bytes + 40] ^= 0x04;  // one bit of a weight changed in transit
        if (offer(bad, "a TAMPERED copy (one payload bit flipped after signing)") == update_status::artifact_refused)
          ++tampered_refused;
      }
      if (round >= 3 && !replay_sent && !last_accepted.empty()) {
        // a recorded transmission played again: valid signature, but not newer than the
        // model it installed (anti-rollback floor)
        replay_sent = true;
        const std::vector<std::uint8_t> old = last_accepted;
        if (offer(old, "a REPLAY of the last accepted artifact (recorded and sent again)") ==
            update_status::artifact_refused)
          ++replay_refused;
      }
      if (round == 4) {
        // The supply fails while the update is written to flash (after 100 programmed
        // bytes: inside the slot's payload). The device reboots: RAM (the held-out
        // samples, ADWIN) is lost, the flash serves the old model or the new, never a mix.
        const model::state_type checkpointed = device_model.state();
        device_flash.cut_power_after(100);
        if (offer(art, "the retrained model, and the POWER FAILS while it is written") ==
            update_status::storage_failed) {
          --rejected;
          ++power_cuts;
        }
        device_flash.power_on();
        t.line("=== POWER CUT: the device reboots (held-out samples and ADWIN are lost with the RAM) ===");
        if (device.boot() != update_status::ok) throw std::runtime_error("device: no model after the power cut");
        const model::state_type now = device_model.state();
        std::snprintf(b, sizeof b, "device: after the reboot the active model has counter %u and is %s", device.security_counter(),
                      std::memcmp(&now, &checkpointed, sizeof now) == 0 ? "the checkpoint from before the update"
                                                                           : "NOT the checkpoint");
        t.line(b);
        held_out.reset();
        detector.reset();
        return;  // the host sends a newer model next round
      }
      (void)offer(art, "the retrained model");
      held_out.reset();  // the next gate judges on the next period's data
    };

    for (std::size_t i = 0; i < n; ++i) {
      t.sample = i;
      const bool drifted = i >= o.drift_at;
      if (i == o.drift_at) t.line("=== DRIFT: the concept reverses (UP <-> DOWN) from here on ===");
      const input x = features_of(data.rows[i]);
      const class_label y = drifted ? static_cast<class_label>(1 - data.label(i)) : data.label(i);
      const bool ok = device_model.predict(x) == y;
      const bool ok_without = no_updates.predict(x) == y;
      (i < o.drift_at ? before : (i < o.drift_at + 2000 ? after : period)).add(ok);
      (i < o.drift_at ? before_without : (i < o.drift_at + 2000 ? after_without : period_without)).add(ok_without);
      if (i >= final_start) {
        final_window.add(ok);
        final_without.add(ok_without);
      }
      const update_status p = device.observe(x, y);
      if (p == update_status::rolled_back) ++rolled_back;
      if (p == update_status::probation_passed) ++probations_passed;
      if (detector.update(ok ? 0.0f : 1.0f) == drift_state::drift) {
        ++drifts_detected;
        drift_flag = true;
      }
      if (i % 4 == 3) {
        (void)held_out.offer({x, y}, device_rng);  // held out: never trained on, never uploaded
      } else {
        (void)device.learn(x, y);  // the model, and during a probation the shadow too
        (void)no_updates.partial_fit(x, y);
        std::array<float, channels> row{};
        for (std::size_t f = 0; f < features; ++f) row[f] = x[f];
        row[features] = static_cast<float>(y);
        status s = encoder.add(row);
        if (s == status::capacity_exceeded) {
          upload();
          s = encoder.add(row);
        }
        if (s != status::ok) throw std::runtime_error("encoder: row not encodable");
      }
      const bool due = i + 1 - last_round >= o.round_every || (drift_flag && i + 1 - last_round >= 1000);
      if (due && !device.in_probation()) {
        if (drift_flag) t.line("device: ADWIN signalled a change in its error rate: early round");
        drift_flag = false;
        run_round(i + 1);
      }
      if ((i + 1) % 5000 == 0 && !o.json) {
        std::printf("[%6zu] accuracy so far: with updates %.4f, without %.4f\n", i + 1,
                    (static_cast<double>(before.right + after.right + period.right)) / static_cast<double>(i + 1),
                    (static_cast<double>(before_without.right + after_without.right + period_without.right)) /
                        static_cast<double>(i + 1));
      }
    }
    upload();

    const double overall = static_cast<double>(before.right + after.right + period.right) / static_cast<double>(n);
    const double overall_without =
        static_cast<double>(before_without.right + after_without.right + period_without.right) / static_cast<double>(n);
    if (!o.json) {
      std::printf("\nsamples %zu, drift at %zu, signature %s, artifact %zu bytes\n", n, o.drift_at, signature_name,
                  artifact::total_bytes(identity.payload_length));
      std::printf("updates offered %zu: accepted %zu, refused %zu (tampered %zu, replayed %zu, stale %zu), "
                  "interrupted by a power cut %zu, probations passed %zu, rolled back %zu\n",
                  offered, accepted, rejected, tampered_refused, replay_refused, stale_refused, power_cuts,
                  probations_passed, rolled_back);
      std::printf("accuracy            with updates   without\n");
      std::printf("  before the drift  %.4f         %.4f\n", before.rate(), before_without.rate());
      std::printf("  2000 after drift  %.4f         %.4f\n", after.rate(), after_without.rate());
      std::printf("  last %zu        %.4f         %.4f\n", final_window.total, final_window.rate(), final_without.rate());
      std::printf("  whole stream      %.4f         %.4f\n", overall, overall_without);
      std::printf("uploaded %zu bytes in %zu batches for %zu raw float32 bytes (%.2fx smaller); ADWIN drifts %zu\n",
                  bytes_uploaded, batches, bytes_raw,
                  bytes_uploaded ? static_cast<double>(bytes_raw) / static_cast<double>(bytes_uploaded) : 0.0,
                  drifts_detected);
    }
    std::printf("{\"samples\":%zu,\"drift_at\":%zu,\"signature\":\"%s\",\"updates_offered\":%zu,\"accepted\":%zu,"
                "\"rejected\":%zu,\"rolled_back\":%zu,\"probations_passed\":%zu,\"tampered_refused\":%zu,"
                "\"replay_refused\":%zu,\"stale_refused\":%zu,\"power_cuts\":%zu,\"accuracy_before_drift\":%.4f,"
                "\"accuracy_after_drift\":%.4f,\"accuracy_final\":%.4f,\"accuracy_overall\":%.4f,"
                "\"without_updates_before_drift\":%.4f,\"without_updates_after_drift\":%.4f,"
                "\"without_updates_final\":%.4f,\"without_updates_overall\":%.4f,\"bytes_uploaded\":%zu,"
                "\"bytes_raw\":%zu,\"batches\":%zu,\"adwin_drifts\":%zu,\"artifact_bytes\":%zu,"
                "\"update_manager_bytes\":%zu}\n",
                n, o.drift_at, signature_name, offered, accepted, rejected, rolled_back, probations_passed,
                tampered_refused, replay_refused, stale_refused, power_cuts, before.rate(), after.rate(), final_window.rate(),
                overall, before_without.rate(), after_without.rate(), final_without.rate(), overall_without,
                bytes_uploaded, bytes_raw, batches, drifts_detected, artifact::total_bytes(identity.payload_length),
                manager::memory_bytes);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "retrain_loop: %s\n", e.what());
    return 1;
  }
}
