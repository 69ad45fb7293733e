// Zero heap allocations across learning and inference: every embedded component is
// exercised here with the process allocator replaced by a counting one. Own executable,
// never under sanitizers. The first check proves the counter sees an allocation.

#include <array>
#include <memory>

#include "allocation_counter.hpp"
#include "edgeloop/edgeloop.hpp"

using namespace edgeloop;

int main() {
  using test::expect_no_allocation;
  {  // The counter itself must count, or every check below would pass vacuously.
    const std::size_t before = test::allocations;
    auto p = std::make_unique<int>(1);
    ++test::checks;
    if (test::allocations == before || *p != 1) {
      ++test::failures;
      std::printf("FAILED the allocation counter did not see operator new\n");
    }
  }

  rng r(3);
  using vec8 = std::array<float, 8>;
  auto sample = [&r] {
    vec8 x{};
    for (float& v : x) v = r.normal<float>();
    return x;
  };

  static standard_scaler<float, 8> scaler;
  static min_max_scaler<float, 8> min_max;
  static imputer<float, 8> imp;
  static clipper<float, 8> clip;
  expect_no_allocation("preprocessing partial_fit/transform", [&] {
    for (int i = 0; i < 1000; ++i) {
      const vec8 x = sample();
      if (scaler.partial_fit(x) != status::ok || min_max.partial_fit(x) != status::ok ||
          imp.partial_fit(x) != status::ok || clip.partial_fit(x) != status::ok)
        std::abort();
      test::do_not_optimize(scaler.transform(x));
      test::do_not_optimize(min_max.transform(x));
      test::do_not_optimize(imp.transform(x));
      test::do_not_optimize(clip.transform(x));
    }
  });

  static window_statistics<float, 64> window;
  static spectral_features<float, 64, 4> spectrum;
  static lag_features<float, 8, 3> lags;
  static rfft<float, 64> fft;
  expect_no_allocation("features push/features and rfft", [&] {
    for (int i = 0; i < 1000; ++i) {
      const float v = r.normal<float>();
      if (window.push(v) != status::ok || spectrum.push(v) != status::ok || lags.push(sample()) != status::ok)
        std::abort();
      if (i % 32 == 0) {
        test::do_not_optimize(window.features());
        test::do_not_optimize(spectrum.features());
        test::do_not_optimize(lags.features());
      }
    }
    std::array<float, 64> frame{};
    for (float& v : frame) v = r.normal<float>();
    rfft<float, 64>::real_spectrum_type magnitude{};
    fft.magnitude(frame, magnitude);
    test::do_not_optimize(magnitude);
  });

  static auto model = make_pipeline(standard_scaler<float, 8>{}, gaussian_nb<float, 8, 2>{});
  static hoeffding_tree<float, 8, 2, 63> tree;
  static majority_class<float, 8, 2> majority;
  static no_change<float, 8, 2> last_label;
  expect_no_allocation("learners partial_fit/predict (pipeline, gaussian_nb, hoeffding_tree, baselines)", [&] {
    streams::sea<float> stream;
    for (int i = 0; i < 3000; ++i) {
      const auto s = stream.next();
      vec8 x{};
      for (std::size_t k = 0; k < 3; ++k) x[k] = s.x[k];
      test::do_not_optimize(model.predict(x));
      test::do_not_optimize(tree.predict(x));
      test::do_not_optimize(majority.predict(x));
      test::do_not_optimize(last_label.predict(x));
      if (model.partial_fit(x, s.y) != status::ok || tree.partial_fit(x, s.y) != status::ok ||
          majority.partial_fit(x, s.y) != status::ok || last_label.partial_fit(x, s.y) != status::ok)
        std::abort();
    }
  });

  static adwin<float> adw;
  static page_hinkley<float> ph;
  static ddm<float> dd;
  static kswin<float> ks;
  expect_no_allocation("drift detectors update", [&] {
    for (int i = 0; i < 5000; ++i) {
      const float v = i < 2500 ? r.normal<float>() : 3.0f + r.normal<float>();
      test::do_not_optimize(adw.update(v));
      test::do_not_optimize(ph.update(v));
      test::do_not_optimize(ks.update(v));
      test::do_not_optimize(dd.update(r.bernoulli(i < 2500 ? 0.1f : 0.6f) ? 1.0f : 0.0f));
    }
  });

  static gaussian_nb<float, 8, 2> nb;
  expect_no_allocation("prequential evaluation with metrics", [&] {
    prequential_evaluator<gaussian_nb<float, 8, 2>, metric_set<confusion_matrix<2>, windowed_confusion_matrix<2, 100>>>
        evaluator(nb);
    streams::agrawal<float> stream;
    for (int i = 0; i < 2000; ++i) {
      const auto s = stream.next();
      vec8 x{};
      for (std::size_t k = 0; k < 8; ++k) x[k] = s.x[k] / 100000.0f;
      if (evaluator.step(x, s.y) != status::ok) std::abort();
    }
    test::do_not_optimize(evaluator.metric().get<0>().kappa());
  });

  // Every online learner of the linear, SVM and tree families, one sample at a time.
  auto learn_sea = [](auto&... models) {
    streams::sea<float> stream;
    for (int i = 0; i < 2000; ++i) {
      const auto s = stream.next();
      vec8 x{};
      for (std::size_t k = 0; k < 3; ++k) x[k] = s.x[k] / 10.0f;
      (test::do_not_optimize(models.predict(x)), ...);
      if (((models.partial_fit(x, s.y) != status::ok) || ...)) std::abort();
    }
  };
  static sgd_classifier<float, 8> sgd;
  static sgd_classifier<float, 8, 3> softmax;
  static passive_aggressive_classifier<float, 8> pa;
  static perceptron<float, 8> perc;
  static alma<float, 8> alm;
  static one_vs_rest<perceptron<float, 8>, 3> ovr;
  expect_no_allocation("linear learners partial_fit/predict", [&] { learn_sea(sgd, softmax, pa, perc, alm, ovr); });

  static pegasos<float, 8> peg;
  static budget_kernel_svm<float, 8, 16> bsvm;
  expect_no_allocation("SVM learners partial_fit/predict", [&] { learn_sea(peg, bsvm); });

  static hoeffding_adaptive_tree<float, 8, 2, 63> hat;
  expect_no_allocation("adaptive tree partial_fit/predict", [&] { learn_sea(hat); });

  static sgd_regressor<float, 8> sgd_reg;
  static passive_aggressive_regressor<float, 8> pa_reg;
  static hoeffding_tree_regressor<float, 8, 63> tree_reg;
  static random_fourier_features<float, 8, 32> rff;
  static one_class_svm<float, 8, 32> novelty;
  expect_no_allocation("regressors, random Fourier features and one-class SVM", [&] {
    for (int i = 0; i < 2000; ++i) {
      const vec8 x = sample();
      const float y = 2.0f * x[0] - x[1];
      test::do_not_optimize(sgd_reg.predict(x));
      test::do_not_optimize(pa_reg.predict(x));
      test::do_not_optimize(tree_reg.predict(x));
      test::do_not_optimize(rff.transform(x));
      test::do_not_optimize(novelty.score(x));
      if (sgd_reg.partial_fit(x, y) != status::ok || pa_reg.partial_fit(x, y) != status::ok ||
          tree_reg.partial_fit(x, y) != status::ok || novelty.partial_fit(x) != status::ok)
        std::abort();
    }
  });

  // Batch 1: matrix-vector products only (larger batches use Eigen's matrix products,
  // which may take workspace from the heap on the host).
  using mlp = nn::sequential<float, nn::shape<8>, nn::dense<16>, nn::relu, nn::dense<2>>;
  static nn::classifier<mlp, nn::adam, 1> network;
  expect_no_allocation("neural network (8-16-2, Adam, batch 1) partial_fit/predict", [&] { learn_sea(network); });
  // Magnitude pruning on Zhu & Gupta's schedule: masks recomputed every 100 updates.
  static nn::pruned_learner<nn::classifier<mlp, nn::adam, 1>> pruned{
      {{}, {0.0f, 0.75f, 200, 1200, 100}, nn::pruning_scope::global}};
  expect_no_allocation("pruned neural network (gradual magnitude pruning) partial_fit/predict",
                       [&] { learn_sea(pruned); });

  static std::array<vec8, 256> xs;
  static std::array<class_label, 256> ys;
  static cart<float, 8, 2, 63, 256> batch_tree;
  static flat_tree<float, 8, 63> compiled;
  expect_no_allocation("cart fit, flat_tree assign/predict", [&] {
    streams::sea<float> stream;
    for (std::size_t i = 0; i < xs.size(); ++i) {
      const auto s = stream.next();
      xs[i] = vec8{s.x[0], s.x[1], s.x[2]};
      ys[i] = s.y;
    }
    if (batch_tree.fit(xs, ys) != status::ok || compiled.assign(batch_tree) != status::ok) std::abort();
    for (const vec8& x : xs) test::do_not_optimize(compiled.predict(x));
  });

  static sha256 hash;
  static reservoir<vec8, 32> kept;
  static batch_encoder<1> encoder;
  static std::array<std::uint8_t, 1024> radio;
  static flash_simulator<256, 8> flash;
  static model_slots<flash_simulator<256, 8>, 128> slots(flash);
  expect_no_allocation("lifecycle: SHA-256, reservoir, batch encoding, model slots", [&] {
    std::array<std::uint8_t, 128> weights{};
    for (std::size_t i = 0; i < weights.size(); ++i) weights[i] = static_cast<std::uint8_t>(i * 7);
    hash.update(weights.data(), weights.size());
    test::do_not_optimize(hash.finish());
    for (int i = 0; i < 500; ++i) test::do_not_optimize(kept.offer(sample(), r));
    if (encoder.start(radio.data(), radio.size()) != status::ok) std::abort();
    for (int i = 0; i < 200; ++i)
      if (encoder.add({20.0f + 0.01f * static_cast<float>(i)}) != status::ok) std::abort();
    std::size_t bytes = 0;
    if (encoder.finish(bytes) != status::ok) std::abort();
    (void)slots.mount();
    if (slots.checkpoint(weights.data(), weights.size()) != slot_status::ok) std::abort();
  });

  {  // update_manager: receive, verify, store, gate, activate, probation, rollback.
    // The "signature" is a stand-in (the digest repeated), only here to run the path.
    struct echo_verifier {
      artifact_status verify(const sha256_digest& d, const signature_record& rec) const noexcept {
        for (std::size_t i = 0; i < 64; ++i)
          if (rec.signature[i] != d[i % 32]) return artifact_status::bad_signature;
        return artifact_status::ok;
      }
    };
    struct echo_signer {
      status sign(const sha256_digest& d, signature_record& rec) const noexcept {
        rec.algorithm = signature_algorithm::ed25519;
        rec.signature_length = 64;
        for (std::size_t i = 0; i < 64; ++i) rec.signature[i] = d[i % 32];
        return status::ok;
      }
    };
    using learner = perceptron<float, 8>;
    using manager = update_manager<learner, flash_simulator<256, 8>, echo_verifier>;
    const artifact_identity id = model_identity<learner>("perceptron<float,8>");
    static flash_simulator<256, 8> update_flash;
    static learner active, candidate;
    static std::array<labelled_sample<vec8>, 32> held_out{};
    static std::array<std::uint8_t, artifact::total_bytes(sizeof(learner::state_type))> art{};
    manager::params mp;
    mp.min_held_out = 1;
    mp.probation_samples = 20;
    mp.rollback_tolerance = 0.0f;
    static manager updates(active, update_flash, echo_verifier{}, id, mp);
    expect_no_allocation("lifecycle: update_manager receive/verify/gate/activate/probation", [&] {
      std::size_t written = 0;
      if (write_model_artifact(candidate, info_from(id, 1, 1, 0), art.data(), art.size(), written) !=
              artifact_status::ok ||
          sign_artifact(art.data(), art.size(), echo_signer{}) != artifact_status::ok)
        std::abort();
      (void)updates.boot();
      if (updates.checkpoint() != update_status::ok || updates.begin() != update_status::ok) std::abort();
      for (std::size_t at = 0; at < art.size(); at += 16)
        (void)updates.receive(art.data() + at, art.size() - at < 16 ? art.size() - at : 16);
      if (updates.finish(held_out) != update_status::activated) std::abort();  // a tie passes the gate
      for (int i = 0; i < 20; ++i) {
        const vec8 x = sample();
        test::do_not_optimize(updates.observe(x, x[0] > 0.0f ? 1 : 0));
        test::do_not_optimize(updates.learn(x, x[0] > 0.0f ? 1 : 0));
      }
    });
  }

  static half_space_trees<float, 8, 10, 8, 250> hst;
  static gaussian_detector<float, 8> gauss;
  static quantile_threshold<float> threshold({0.01f, 1000, 100});
  static anomaly_likelihood<float, 10> likelihood;
  static likelihood_ensemble<float, 2> ensemble;
  expect_no_allocation("anomaly: half_space_trees, gaussian_detector, quantile_threshold, likelihood, ensemble", [&] {
    for (int i = 0; i < 1000; ++i) {
      const vec8 x = sample();
      float a = 0, b = 0, c = 0;
      if (score_then_learn(hst, x, a) != status::ok || score_then_learn(gauss, x, b) != status::ok) std::abort();
      test::do_not_optimize(threshold.update(a));
      test::do_not_optimize(likelihood.update(b));
      if (score_then_learn(ensemble, {a, b}, c) != status::ok) std::abort();
      test::do_not_optimize(c);
    }
    test::do_not_optimize(hst.state());
  });

  static univariate_features<float, 32, time_encoding::day> front;
  static one_class_svm_detector<float, 7, 32> svm_detector;
  static autoencoder_detector<nn::sequential<float, nn::shape<7>, nn::dense<3>, nn::tanh, nn::dense<7>>> autoencoder;
  expect_no_allocation("anomaly: univariate_features, one_class_svm_detector, autoencoder_detector", [&] {
    for (int i = 0; i < 500; ++i) {
      std::array<float, 7> v{};
      if (front.transform(r.normal<float>(), 60 * i, v) != status::ok) std::abort();
      float a = 0, b = 0;
      if (score_then_learn(svm_detector, v, a) != status::ok || score_then_learn(autoencoder, v, b) != status::ok)
        std::abort();
      test::do_not_optimize(a + b);
    }
  });

  {  // int8: calibration, post-training quantization, int8 inference and head learning.
    using net8 = nn::sequential<float, nn::shape<8>, nn::dense<16>, nn::relu, nn::dense<4>>;
    using head_learner = quant::int8_head_learner<net8, 6>;
    static net8 float_net(1);
    static quant::calibrator<net8> calibration;
    static std::array<quant::quant_params, 3> ranges{};
    static head_learner::backbone_type backbone;
    static quant::quantized_sequential<net8> twin;
    expect_no_allocation("quant: calibrate, quantize, int8 predict, head partial_fit", [&] {
      for (int i = 0; i < 64; ++i)
        if (calibration.observe(float_net, sample()) != status::ok) std::abort();
      if (calibration.ranges(ranges) != status::ok || backbone.build(float_net, ranges) != status::ok ||
          twin.build(float_net, ranges) != status::ok)
        std::abort();
      static head_learner head(backbone, {0.01f});  // built in place once the backbone is ready
      if (head.init(float_net, 4, ranges[2]) != status::ok) std::abort();
      for (int i = 0; i < 200; ++i) {
        const vec8 x = sample();
        test::do_not_optimize(twin.predict_dequantized(x));
        if (head.partial_fit(x, static_cast<class_label>(i % 5)) != status::ok) std::abort();  // class 4 is new
        test::do_not_optimize(head.predict(x));
      }
    });
  }

  {  // int8: histogram calibration, quantization-aware training and the twin it builds.
    using net8 = nn::sequential<float, nn::shape<8>, nn::dense<16>, nn::relu, nn::dense<4>>;
    static quant::calibrator<net8, net8::layer_count, quant::histogram_observer<256>> calibration;
    static std::array<quant::quant_params, 3> ranges{};
    static quant::qat_learner<net8> qat;
    static quant::quantized_sequential<net8> twin;
    expect_no_allocation("quant: histogram calibration, qat_learner partial_fit, quantize", [&] {
      for (int i = 0; i < 64; ++i)
        if (calibration.observe(qat.network(), sample()) != status::ok) std::abort();
      if (calibration.ranges(ranges) != status::ok) std::abort();
      for (int i = 0; i < 200; ++i) {
        const vec8 x = sample();
        if (qat.partial_fit(x, static_cast<class_label>(i % 4)) != status::ok) std::abort();
        test::do_not_optimize(qat.predict(x));
      }
      if (qat.quantize(twin) != status::ok) std::abort();
      test::do_not_optimize(twin.predict(sample()));
    });
  }

  std::printf("%d passed, %d failed\n", test::checks - test::failures, test::failures);
  return test::failures == 0 ? 0 : 1;
}
