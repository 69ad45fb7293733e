// Footprint of the device side of a model update on a firmware image: update_manager over
// a perceptron<float, 8> (boot, checkpoint, receive an artifact in 32-byte chunks,
// streaming parser with SHA-256, write to the inactive A/B slot, gate on 16 held-out
// samples, activate, a probation of 16 live samples with learn(), confirm). The image's
// size minus the empty image's is what the update path costs (scripts/bench-target prints
// it). Not included: a signature library (the verifier here is a stand-in that compares
// the record with the digest; mbedTLS's ECDSA cost is in bench_artifact). Included though
// not part of a device: the artifact writer that makes the update inside the image, and
// the RAM-backed flash_simulator (4 pages of 64 bytes, about 340 B of static RAM) where a
// real device has its flash driver. Exit 0 when the update is activated and confirmed.
#include <array>
#include <cstdint>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/lifecycle/artifact_writer.hpp"
#include "edgeloop/lifecycle/flash_simulator.hpp"
#include "edgeloop/lifecycle/model_artifact.hpp"
#include "edgeloop/lifecycle/update_manager.hpp"
#include "edgeloop/linear/perceptron.hpp"

namespace {

struct echo_verifier {  // stand-in, NOT a signature (see the file comment)
  edgeloop::artifact_status verify(const edgeloop::sha256_digest& d,
                                   const edgeloop::signature_record& r) const noexcept {
    for (std::size_t i = 0; i < 64; ++i)
      if (r.signature[i] != d[i % 32]) return edgeloop::artifact_status::bad_signature;
    return edgeloop::artifact_status::ok;
  }
};
struct echo_signer {
  edgeloop::status sign(const edgeloop::sha256_digest& d, edgeloop::signature_record& r) const noexcept {
    r.algorithm = edgeloop::signature_algorithm::ed25519;
    r.signature_length = 64;
    for (std::size_t i = 0; i < 64; ++i) r.signature[i] = d[i % 32];
    return edgeloop::status::ok;
  }
};

using model = edgeloop::perceptron<float, 8>;
using flash = edgeloop::flash_simulator<64, 4, 4>;
using manager = edgeloop::update_manager<model, flash, echo_verifier>;
using sample = edgeloop::labelled_sample<model::input_type>;

sample draw(edgeloop::rng& r) {
  sample s;
  for (auto& v : s.x) v = r.uniform(-1.0f, 1.0f);
  s.y = s.x[0] + s.x[1] > 0.0f ? 1 : 0;
  return s;
}

}  // namespace

int main() {
  static flash device_flash;
  static model active, trained;
  static std::array<sample, 16> held_out;
  static std::uint8_t artifact_bytes[edgeloop::artifact::total_bytes(sizeof(model::state_type))];
  const edgeloop::artifact_identity id = edgeloop::model_identity<model>("perceptron<float,8>");
  edgeloop::rng r(5);
  for (auto& s : held_out) s = draw(r);
  for (int i = 0; i < 200; ++i) {  // the "host" model
    const sample s = draw(r);
    (void)trained.partial_fit(s.x, s.y);
  }
  std::size_t written = 0;
  if (edgeloop::write_model_artifact(trained, edgeloop::info_from(id, 1, 1, 0), artifact_bytes, sizeof artifact_bytes,
                                     written) != edgeloop::artifact_status::ok ||
      edgeloop::sign_artifact(artifact_bytes, written, echo_signer{}) != edgeloop::artifact_status::ok)
    return 1;

  manager::params p;
  p.probation_samples = 16;
  p.min_held_out = 16;
  static manager updates(active, device_flash, echo_verifier{}, id, p);
  (void)updates.boot();
  if (updates.checkpoint() != edgeloop::update_status::ok || updates.begin() != edgeloop::update_status::ok) return 1;
  for (std::size_t at = 0; at < written; at += 32)
    (void)updates.receive(artifact_bytes + at, written - at < 32 ? written - at : 32);
  if (updates.finish(held_out) != edgeloop::update_status::activated) return 1;
  edgeloop::update_status s = edgeloop::update_status::ok;
  for (int i = 0; i < 16 && s == edgeloop::update_status::ok; ++i) {
    const sample live = draw(r);
    s = updates.observe(live.x, live.y);
    (void)updates.learn(live.x, live.y);
  }
  return s == edgeloop::update_status::probation_passed ? 0 : 1;
}
