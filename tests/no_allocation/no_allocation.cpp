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

  std::printf("%d passed, %d failed\n", test::checks - test::failures, test::failures);
  return test::failures == 0 ? 0 : 1;
}
