#pragma once
/// update_manager<Model, Flash, Verifier, EventSink>: the device side of a model update,
/// from the first received byte to a confirmed or rolled-back model.
///
///   begin() -> receive(chunk)... -> finish(held_out)
///     1. the streaming artifact_parser checks header, type hash, security counter
///        (above the device's floor, anti-rollback), SHA-256 digest and signature; nothing
///        is written anywhere before all of it verified;
///     2. the payload is restored into a second model object (the model's restore()
///        validates it) and written into the inactive flash slot (model_slots), committed
///        as a candidate;
///     3. validation gate: on the device's own held-out samples (never used for training)
///        the candidate's accuracy must reach the active model's + params.gate_margin
///        (0: match or beat; negative: tolerate a small loss); else the candidate is
///        discarded;
///     4. activation (a power-safe record switch), then probation: for
///        params.probation_samples live samples given to observe(), the new model and the
///        previous one (kept in RAM as a shadow, predicting only) are scored on the same
///        samples; if the new one's accuracy falls more than params.rollback_tolerance
///        below the previous one's, the flash slots roll back and the previous model is
///        restored; else the new model is confirmed. A device that keeps learning
///        calls learn(), which trains the shadow too, so both are compared on equal terms.
/// The probation survives a reboot: the active slot's tag holds the security counter and,
/// in bit 31, "on probation"; boot() resumes a probation with the previous slot as the
/// shadow (from zero samples). Confirming clears the bit (model_slots::set_active_tag).
///
/// Anti-rollback: an artifact must carry a security counter above the one stored with the
/// active slot (and at least params.min_security_counter). After a rollback the restored
/// slot's tag takes the refused model's counter, so the floor never goes down: neither the
/// refused model nor anything older can be installed again; the host must issue a newer one.
///
/// Every outcome is an update_status and an update_event given to the EventSink, a
/// callable `void(const update_event&) noexcept` stored by value (a function pointer, a
/// lambda or a small struct). No heap; a flash failure (power cut) returns storage_failed
/// and the device should reboot (boot()) to continue from what the flash holds, which is
/// always the old or the new model (model_slots' guarantee).
///
/// Requirements on Model: predictor + persistable, predict(x) comparable with a
/// class_label (classifiers; accuracy is the gate's and the probation's measure).
/// Limits: security counters are 31-bit (bit 31 of the tag is the probation flag).
///
/// Memory: sizeof(update_manager) = sizeof(Model) (candidate/shadow) + artifact_parser<
/// sizeof(state_type), Verifier>::memory_bytes + model_slots (about 64 + write size) +
/// the sink + about 48 bytes (memory_bytes), plus one state_type on the stack while a
/// model is activated or rolled back.

#include <cstddef>
#include <cstdint>

#include "../core/concepts.hpp"
#include "../core/numeric.hpp"
#include "../core/status.hpp"
#include "artifact_format.hpp"
#include "artifact_parser.hpp"
#include "flash_device.hpp"
#include "model_artifact.hpp"
#include "model_slots.hpp"
#include "verifier.hpp"

namespace edgeloop {

/// Outcome of an update_manager call.
enum class [[nodiscard]] update_status : std::uint8_t {
  ok = 0,               ///< step done (chunk taken, sample counted, booted, checkpoint saved)
  activated,            ///< finish(): the candidate passed the gate and is active (probation runs)
  artifact_refused,     ///< the artifact failed verification (event.artifact says why); nothing applied
  counter_out_of_range, ///< verified, but its security counter is >= 2^31; nothing applied
  model_refused,        ///< verified, but the model's restore() refused the state; nothing applied
  held_out_too_small,   ///< fewer held-out samples than params.min_held_out; nothing applied
  gate_failed,          ///< worse than the active model on the held-out samples; nothing applied
  probation_passed,     ///< observe(): the new model is confirmed
  rolled_back,          ///< observe(): the new model degraded; the previous one is active again
  storage_failed,       ///< a flash operation failed (event.slot); reboot (boot()) to resync
  busy,                 ///< begin()/checkpoint() while a probation runs
  not_receiving,        ///< receive()/finish() without begin()
  no_model,             ///< boot(): the flash holds no intact model (the in-RAM model is kept)
};

constexpr const char* to_string(update_status s) noexcept {
  switch (s) {
    case update_status::ok: return "ok";
    case update_status::activated: return "activated";
    case update_status::artifact_refused: return "artifact_refused";
    case update_status::counter_out_of_range: return "counter_out_of_range";
    case update_status::model_refused: return "model_refused";
    case update_status::held_out_too_small: return "held_out_too_small";
    case update_status::gate_failed: return "gate_failed";
    case update_status::probation_passed: return "probation_passed";
    case update_status::rolled_back: return "rolled_back";
    case update_status::storage_failed: return "storage_failed";
    case update_status::busy: return "busy";
    case update_status::not_receiving: return "not_receiving";
    case update_status::no_model: return "no_model";
  }
  return "unknown";
}

/// What happened (one event per outcome; see the fields each kind fills).
enum class update_event_kind : std::uint8_t {
  booted,             ///< boot(): slot (ok / empty / corrupt), security_counter of the active model
  receiving,          ///< begin(): a new artifact is expected
  refused,            ///< verification or restore failed: status, artifact, header fields if decoded
  stored,             ///< verified and written to the inactive slot: model_version, security_counter
  gate_failed,        ///< baseline_accuracy (active), candidate_accuracy, samples (held-out)
  activated,          ///< the same figures as gate_failed, for a candidate that passed
  probation_passed,   ///< baseline_accuracy (previous, live), candidate_accuracy (new, live), samples
  rolled_back,        ///< the same figures, for a new model that degraded
  probation_resumed,  ///< boot() found a model on probation; it starts again
  storage_failed,     ///< slot: the model_slots status of the failed flash operation
  checkpointed,       ///< checkpoint(): the learned weights are saved as the active model
};

constexpr const char* to_string(update_event_kind k) noexcept {
  switch (k) {
    case update_event_kind::booted: return "booted";
    case update_event_kind::receiving: return "receiving";
    case update_event_kind::refused: return "refused";
    case update_event_kind::stored: return "stored";
    case update_event_kind::gate_failed: return "gate_failed";
    case update_event_kind::activated: return "activated";
    case update_event_kind::probation_passed: return "probation_passed";
    case update_event_kind::rolled_back: return "rolled_back";
    case update_event_kind::probation_resumed: return "probation_resumed";
    case update_event_kind::storage_failed: return "storage_failed";
    case update_event_kind::checkpointed: return "checkpointed";
  }
  return "unknown";
}

struct update_event {
  update_event_kind kind = update_event_kind::booted;
  update_status status = update_status::ok;
  artifact_status artifact = artifact_status::ok;
  slot_status slot = slot_status::ok;
  std::uint32_t model_version = 0;
  std::uint32_t security_counter = 0;
  float baseline_accuracy = 0;   ///< the model that is (or was) active before the change
  float candidate_accuracy = 0;  ///< the new model
  std::uint32_t samples = 0;     ///< samples behind the two accuracies
};

/// The default sink: events are dropped.
struct ignore_update_events {
  void operator()(const update_event&) const noexcept {}
};

/// One labelled sample for the held-out buffer (e.g. reservoir<labelled_sample<X>, N>).
template <class Input>
struct labelled_sample {
  Input x{};
  class_label y = 0;
};

template <class Model, flash_device Flash, verifier Verifier, class EventSink = ignore_update_events>
  requires predictor<Model> && persistable<Model>
class update_manager {
 public:
  using model_type = Model;
  using state_type = typename Model::state_type;
  using input_type = typename Model::input_type;
  using slots_type = model_slots<Flash, sizeof(state_type)>;
  using parser_type = artifact_parser<sizeof(state_type), Verifier>;
  static constexpr std::uint32_t probation_flag = 0x80000000u;
  static constexpr std::uint32_t max_security_counter = probation_flag - 1u;
  static const std::size_t memory_bytes;

  struct params {
    float gate_margin = 0.0f;               ///< candidate accuracy >= active + margin; in [-1, 1]
    std::uint32_t min_held_out = 10;        ///< fewer held-out samples refuse the update; >= 1
    std::uint32_t probation_samples = 100;  ///< live samples of the probation; 0: confirm at once
    float rollback_tolerance = 0.05f;       ///< roll back when new < previous - tolerance (live); in [0, 1]
    std::uint32_t min_security_counter = 1; ///< lowest counter ever accepted (fresh device)
  };
  static constexpr status validate(const params& p) noexcept {
    if (!is_finite(p.gate_margin) || p.gate_margin < -1.0f || p.gate_margin > 1.0f) return status::invalid_argument;
    if (!is_finite(p.rollback_tolerance) || p.rollback_tolerance < 0.0f || p.rollback_tolerance > 1.0f)
      return status::invalid_argument;
    if (p.min_held_out == 0 || p.min_security_counter > max_security_counter) return status::invalid_argument;
    return status::ok;
  }

  /// `active` is the application's model (it keeps learning on the device); `identity`
  /// what artifacts must be made for (model_identity<Model>(...)); the slots live on
  /// `flash` from `first_page` (slots_type::required_pages pages). Call boot() next.
  update_manager(Model& active, Flash& flash, const Verifier& v, const artifact_identity& identity,
                 const params& p = {}, EventSink sink = EventSink{}, std::size_t first_page = 0) noexcept
      : active_(&active), slots_(flash, first_page), parser_(v, expectation(identity, 0)), identity_(identity),
        p_(p), sink_(sink) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "update_manager: invalid params");
    EDGELOOP_ASSERT(identity.payload_length == sizeof(state_type), "update_manager: identity of another model");
  }

  /// Mounts the slots and restores the active model from flash into the application's
  /// model (ok), or keeps the in-RAM model when the flash holds none (no_model: a fresh
  /// device; checkpoint() stores it). A model found on probation resumes its probation.
  update_status boot() noexcept {
    receiving_ = false;
    probation_ = false;
    counter_ = 0;
    const slot_status m = slots_.mount();
    update_event e = event(update_event_kind::booted);
    e.slot = m;
    if (m == slot_status::flash_error) return emit_storage(m);
    if (m != slot_status::ok) {
      e.status = update_status::no_model;
      sink_(e);
      return update_status::no_model;
    }
    state_type s;
    const slot_status l = slots_.load_active_state(s);
    if (l != slot_status::ok || active_->restore(s) != status::ok) {
      e.slot = l == slot_status::ok ? slot_status::corrupt : l;
      e.status = update_status::no_model;
      sink_(e);
      return update_status::no_model;
    }
    const std::uint32_t tag = slots_.slot(slots_.active_slot()).tag;
    counter_ = tag & max_security_counter;
    e.security_counter = counter_;
    sink_(e);
    if ((tag & probation_flag) != 0) {
      const std::uint8_t prev = slots_.previous_slot();
      if (prev != slots_type::no_slot && slots_.load_state(prev, s) == slot_status::ok &&
          shadow_.restore(s) == status::ok) {
        start_probation();
        sink_(event(update_event_kind::probation_resumed));
      } else {
        // nothing to compare with (or to roll back to): the model stays, confirmed
        const slot_status c = slots_.set_active_tag(counter_);
        if (c != slot_status::ok) return emit_storage(c);
      }
    }
    return update_status::ok;
  }

  /// Starts receiving an artifact (any earlier partial one is dropped). busy during a
  /// probation: the inactive slot holds the model a rollback needs.
  update_status begin() noexcept {
    if (probation_) return update_status::busy;
    parser_.reset(expectation(identity_, floor()));
    receiving_ = true;
    refused_ = false;
    sink_(event(update_event_kind::receiving));
    return update_status::ok;
  }

  /// Feeds the next chunk (any size). artifact_refused from the first inconsistent byte
  /// on (one refused event); nothing is written before finish().
  update_status receive(const std::uint8_t* data, std::size_t n) noexcept {
    if (!receiving_) return update_status::not_receiving;
    const artifact_status s = parser_.feed(data, n);
    if (s != artifact_status::ok) return refuse(update_status::artifact_refused, s, true);
    return update_status::ok;
  }

  /// The end of the artifact: verification, slot write, gate on `held_out` (a range of
  /// items with .x and .y, e.g. reservoir<labelled_sample<input_type>, N>) and
  /// activation. activated, or the reason nothing changed (the active model and its slot
  /// are untouched by every refusal; a refused candidate is discarded from its slot).
  template <class HeldOut>
  update_status finish(const HeldOut& held_out) noexcept {
    if (!receiving_) return update_status::not_receiving;
    const artifact_status a = parser_.finish();
    if (a != artifact_status::ok) return refuse(update_status::artifact_refused, a);
    receiving_ = false;
    const artifact_header& h = parser_.header();
    if (h.security_counter > max_security_counter) return refuse(update_status::counter_out_of_range, a);
    // The candidate in RAM: restore() validates the state before anything is stored.
    const artifact_status r = apply_artifact(parser_, shadow_);
    if (r != artifact_status::ok) return refuse(update_status::model_refused, r);
    // Into the inactive slot, committed as an untested candidate.
    const std::uint32_t tag = h.security_counter | (p_.probation_samples > 0 ? probation_flag : 0u);
    slot_status s = slots_.begin_candidate();
    if (s == slot_status::ok) s = slots_.write_candidate(parser_.payload(), parser_.payload_size());
    if (s == slot_status::ok) s = slots_.commit_candidate(tag);
    if (s != slot_status::ok) return emit_storage(s);
    sink_(header_event(update_event_kind::stored));
    // The gate.
    update_event g = header_event(update_event_kind::gate_failed);
    std::uint32_t n = 0, right_active = 0, right_candidate = 0;
    for (const auto& item : held_out) {
      ++n;
      if (active_->predict(item.x) == item.y) ++right_active;
      if (shadow_.predict(item.x) == item.y) ++right_candidate;
    }
    g.samples = n;
    g.baseline_accuracy = ratio(right_active, n);
    g.candidate_accuracy = ratio(right_candidate, n);
    if (n < p_.min_held_out || !gate_passes(right_candidate, right_active, n)) {
      g.status = n < p_.min_held_out ? update_status::held_out_too_small : update_status::gate_failed;
      const slot_status d = slots_.discard_candidate();
      if (d != slot_status::ok) return emit_storage(d);
      sink_(g);
      return g.status;
    }
    s = slots_.activate();
    if (s != slot_status::ok) return emit_storage(s);
    // RAM follows flash: the application's model becomes the candidate, the model it
    // replaces stays as the probation's shadow.
    const state_type old = active_->state();
    (void)active_->restore(shadow_.state());  // the state shadow_ accepted a moment ago
    (void)shadow_.restore(old);
    counter_ = h.security_counter;
    g.kind = update_event_kind::activated;
    g.status = update_status::activated;
    sink_(g);
    if (p_.probation_samples > 0) start_probation();  // else confirmed at once (no probation flag)
    return update_status::activated;
  }

  /// One live labelled sample (call it for every sample whose label becomes known, before
  /// the model learns it). Outside a probation: ok, nothing happens. The last sample of a
  /// probation returns probation_passed or rolled_back (or storage_failed).
  update_status observe(const input_type& x, class_label y) noexcept {
    if (!probation_) return update_status::ok;
    ++seen_;
    if (active_->predict(x) == y) ++right_new_;
    if (shadow_.predict(x) == y) ++right_old_;
    if (seen_ < p_.probation_samples) return update_status::ok;
    update_event e = event(update_event_kind::probation_passed);
    e.samples = seen_;
    e.baseline_accuracy = ratio(right_old_, seen_);
    e.candidate_accuracy = ratio(right_new_, seen_);
    const bool degraded = static_cast<double>(right_new_) <
                          static_cast<double>(right_old_) - static_cast<double>(p_.rollback_tolerance) * seen_;
    if (!degraded) {
      const slot_status c = slots_.set_active_tag(counter_);
      if (c != slot_status::ok) return emit_storage(c);
      probation_ = false;
      e.status = update_status::probation_passed;
      sink_(e);
      return update_status::probation_passed;
    }
    const slot_status r = slots_.rollback();  // checks the previous slot's CRC first
    if (r != slot_status::ok) return emit_storage(r);
    // the floor stays where the refused model put it (a cut before this leaves the
    // previous model with its own, lower counter: still a valid model)
    const slot_status f = slots_.set_active_tag(counter_);
    if (f != slot_status::ok) return emit_storage(f);
    // RAM: the shadow, i.e. the previous model plus what learn() taught it during the
    // probation (flash holds it as it was; a reboot restarts from there)
    (void)active_->restore(shadow_.state());
    probation_ = false;
    e.kind = update_event_kind::rolled_back;
    e.status = update_status::rolled_back;
    e.security_counter = counter_;
    sink_(e);
    return update_status::rolled_back;
  }

  /// Trains the application's model on (x, y) and, during a probation, the shadow too:
  /// the previous model is then judged (and, on a rollback, restored) as it would have
  /// evolved on the same samples, not as a frozen copy. Use it instead of
  /// model.partial_fit() when the device learns during probations; the model's status
  /// (bad input changes neither model).
  status learn(const input_type& x, const typename Model::target_type& y) noexcept
    requires online_learner<Model>
  {
    EDGELOOP_TRY(active_->partial_fit(x, y));
    if (probation_) (void)shadow_.partial_fit(x, y);  // same input: accepted by the active model already
    return status::ok;
  }

  /// Saves the application's model (weights learned on the device) as the active model,
  /// keeping its security counter. busy during a probation (it would overwrite the model
  /// a rollback needs).
  update_status checkpoint() noexcept {
    if (probation_) return update_status::busy;
    const slot_status s = slots_.checkpoint_state(active_->state(), counter_);
    if (s != slot_status::ok) return emit_storage(s);
    sink_(event(update_event_kind::checkpointed));
    return update_status::ok;
  }

  bool in_probation() const noexcept { return probation_; }
  bool receiving() const noexcept { return receiving_; }
  std::uint32_t probation_seen() const noexcept { return seen_; }
  /// Security counter stored with the active model (0 before any update).
  std::uint32_t security_counter() const noexcept { return counter_; }
  /// The lowest security counter an artifact may carry now: above the stored one.
  std::uint32_t floor() const noexcept {
    const std::uint32_t above = counter_ + 1u;  // counter_ <= 2^31 - 1: no overflow
    return above > p_.min_security_counter ? above : p_.min_security_counter;
  }
  const slots_type& slots() const noexcept { return slots_; }
  const parser_type& parser() const noexcept { return parser_; }
  const params& parameters() const noexcept { return p_; }

 private:
  static float ratio(std::uint32_t a, std::uint32_t n) noexcept {
    return n == 0 ? 0.0f : static_cast<float>(static_cast<double>(a) / static_cast<double>(n));
  }
  bool gate_passes(std::uint32_t right_candidate, std::uint32_t right_active, std::uint32_t n) const noexcept {
    // counts, not rounded accuracies: with margin 0 a tie passes exactly
    return static_cast<double>(right_candidate) >=
           static_cast<double>(right_active) + static_cast<double>(p_.gate_margin) * static_cast<double>(n);
  }
  void start_probation() noexcept {
    probation_ = true;
    seen_ = right_new_ = right_old_ = 0;
  }
  update_event event(update_event_kind k) const noexcept {
    update_event e;
    e.kind = k;
    e.security_counter = counter_;
    return e;
  }
  update_event header_event(update_event_kind k) const noexcept {
    update_event e;
    e.kind = k;
    e.model_version = parser_.header().model_version;
    e.security_counter = parser_.header().security_counter;
    return e;
  }
  /// One refused event per artifact; a refusal inside receive() keeps the transfer open
  /// (finish() then returns the same status).
  update_status refuse(update_status s, artifact_status a, bool keep_receiving = false) noexcept {
    receiving_ = keep_receiving;
    if (!refused_) {
      refused_ = true;
      update_event e = parser_.bytes_received() >= artifact::header_bytes ? header_event(update_event_kind::refused)
                                                                           : event(update_event_kind::refused);
      e.status = s;
      e.artifact = a;
      sink_(e);
    }
    return s;
  }
  update_status emit_storage(slot_status s) noexcept {
    receiving_ = false;
    update_event e = event(update_event_kind::storage_failed);
    e.status = update_status::storage_failed;
    e.slot = s;
    sink_(e);
    return update_status::storage_failed;
  }

  Model* active_;
  Model shadow_{};  ///< the candidate during finish(), the previous model during probation
  slots_type slots_;
  parser_type parser_;
  artifact_identity identity_;
  params p_;
  EventSink sink_;
  std::uint32_t counter_ = 0;
  std::uint32_t seen_ = 0, right_new_ = 0, right_old_ = 0;
  bool receiving_ = false;
  bool refused_ = false;
  bool probation_ = false;
};

template <class Model, flash_device Flash, verifier Verifier, class EventSink>
  requires predictor<Model> && persistable<Model>
constexpr std::size_t update_manager<Model, Flash, Verifier, EventSink>::memory_bytes =
    sizeof(update_manager<Model, Flash, Verifier, EventSink>);

}  // namespace edgeloop
