#pragma once
/// Agrawal et al. (1993), "Database mining: a performance perspective": nine attributes
/// of a loan applicant and ten classification functions, as MOA's AgrawalGenerator
/// (functions 0..9 here are MOA's 1..10; class 0 is MOA's "groupA", i.e. the predicate
/// holds / disposable income > 0). River's Agrawal numbers the classes the other way round
/// for functions 0..5 and compares disposable income with 1 instead of 0; MOA is followed.
///
///  x[0] salary     uniform [20000, 150000)
///  x[1] commission 0 if salary >= 75000, else uniform [10000, 75000)
///  x[2] age        integer uniform 20..80
///  x[3] elevel     nominal, 5 values (0..4)
///  x[4] car        nominal, 20 values (0..19, MOA's car1..car20)
///  x[5] zipcode    nominal, 9 values (0..8)
///  x[6] hvalue     (9 - zipcode) * 100000 * uniform [0.5, 1.5)
///  x[7] hyears     integer uniform 1..30
///  x[8] loan       uniform [0, 500000)
///
/// Options: class balancing (alternating classes, as MOA) and perturbation p: after the
/// label is fixed, each numeric attribute moves by range * p * uniform(-1, 1) and is
/// clamped to its range (age and hyears rounded), as MOA; labels then no longer equal the
/// function of the perturbed x, which is the point of the option. One deliberate
/// difference: MOA clamps hvalue to [0, 135000], which cuts nearly every house value;
/// here it is clamped to [0, 1350000]. Values are generated in double and stored as
/// Scalar; the label is computed (in double) from the stored values.
/// Memory: about 56 bytes.

#include <array>
#include <cmath>
#include <cstdint>

#include "../../core/assert.hpp"
#include "../../core/rng.hpp"
#include "stream.hpp"

namespace edgeloop::streams {

template <scalar Scalar = float>
class agrawal {
 public:
  using scalar_type = Scalar;
  static constexpr std::size_t features = 9;
  static constexpr std::size_t classes = 2;
  static constexpr std::array<std::uint8_t, features> nominal_cardinality{0, 0, 0, 5, 20, 9, 0, 0, 0};
  using sample_type = labelled_sample<Scalar, features>;
  static const std::size_t memory_bytes;  ///< sizeof(*this): all storage is inline

  enum attribute : std::uint8_t {
    salary = 0, commission, age, elevel, car, zipcode, hvalue, hyears, loan
  };

  struct params {
    std::uint8_t function = 0;  ///< 0..9 (MOA's 1..10)
    double perturbation = 0.0;  ///< in [0, 1]
    bool balance = false;
    std::uint64_t seed = 1;
  };

  static constexpr status validate(const params& p) noexcept {
    if (p.function > 9 || !detail::is_probability(p.perturbation)) return status::invalid_argument;
    return status::ok;
  }

  /// The noise-free concept of `function` on a stored attribute vector.
  static constexpr class_label concept_label(const std::array<Scalar, features>& x,
                                             std::uint8_t function) noexcept {
    const double sal = static_cast<double>(x[salary]), com = static_cast<double>(x[commission]);
    const double a = static_cast<double>(x[age]), hv = static_cast<double>(x[hvalue]);
    const double hy = static_cast<double>(x[hyears]), ln = static_cast<double>(x[loan]);
    const auto el = static_cast<int>(x[elevel]);
    const auto in = [](double v, double lo, double hi) { return lo <= v && v <= hi; };
    const auto group = [](bool a_holds) -> class_label { return a_holds ? 0 : 1; };
    const int band = a < 40 ? 0 : (a < 60 ? 1 : 2);
    switch (function) {
      case 0: return group(a < 40 || 60 <= a);
      case 1: {
        constexpr double lo[3] = {50000, 75000, 25000}, hi[3] = {100000, 125000, 75000};
        return group(in(sal, lo[band], hi[band]));
      }
      case 2: {
        const bool ok = band == 0 ? (el == 0 || el == 1)
                                  : (band == 1 ? (el >= 1 && el <= 3) : (el >= 2 && el <= 4));
        return group(ok);
      }
      case 3: {
        if (band == 0) return group((el == 0 || el == 1) ? in(sal, 25000, 75000) : in(sal, 50000, 100000));
        if (band == 1) return group((el >= 1 && el <= 3) ? in(sal, 50000, 100000) : in(sal, 75000, 125000));
        return group((el >= 2 && el <= 4) ? in(sal, 50000, 100000) : in(sal, 25000, 75000));
      }
      case 4: {
        if (band == 0) return group(in(sal, 50000, 100000) ? in(ln, 100000, 300000) : in(ln, 200000, 400000));
        if (band == 1) return group(in(sal, 75000, 125000) ? in(ln, 200000, 400000) : in(ln, 300000, 500000));
        return group(in(sal, 25000, 75000) ? in(ln, 300000, 500000) : in(ln, 100000, 300000));
      }
      case 5: {
        constexpr double lo[3] = {50000, 75000, 25000}, hi[3] = {100000, 125000, 75000};
        return group(in(sal + com, lo[band], hi[band]));
      }
      case 6: return group(2.0 * (sal + com) / 3.0 - ln / 5.0 - 20000.0 > 0);
      case 7: return group(2.0 * (sal + com) / 3.0 - 5000.0 * el - 20000.0 > 0);
      case 8: return group(2.0 * (sal + com) / 3.0 - 5000.0 * el - ln / 5.0 - 10000.0 > 0);
      default: {
        const double equity = hy >= 20 ? hv * (hy - 20.0) / 10.0 : 0.0;
        return group(2.0 * (sal + com) / 3.0 - 5000.0 * el + equity / 5.0 - 10000.0 > 0);
      }
    }
  }

  explicit agrawal(const params& p = {}) noexcept : params_(p), rng_(p.seed) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "agrawal: invalid params");
  }

  sample_type next() noexcept {
    sample_type s{};
    auto& x = s.x;
    for (;;) {
      x[salary] = static_cast<Scalar>(20000.0 + 130000.0 * rng_.uniform<double>());
      x[commission] = x[salary] >= Scalar(75000)
                          ? Scalar(0)
                          : static_cast<Scalar>(10000.0 + 65000.0 * rng_.uniform<double>());
      x[age] = static_cast<Scalar>(20 + rng_.uniform_int(61));
      x[elevel] = static_cast<Scalar>(rng_.uniform_int(5));
      x[car] = static_cast<Scalar>(rng_.uniform_int(20));
      const std::uint32_t zip = rng_.uniform_int(9);
      x[zipcode] = static_cast<Scalar>(zip);
      x[hvalue] = static_cast<Scalar>((9.0 - zip) * 100000.0 * (0.5 + rng_.uniform<double>()));
      x[hyears] = static_cast<Scalar>(1 + rng_.uniform_int(30));
      x[loan] = static_cast<Scalar>(rng_.uniform<double>() * 500000.0);
      s.y = concept_label(x, params_.function);
      if (!params_.balance || balancer_.accept(s.y)) break;
    }
    if (params_.perturbation > 0.0) {
      x[salary] = perturb(x[salary], 130000.0, 20000.0, 150000.0);
      if (x[commission] > Scalar(0)) x[commission] = perturb(x[commission], 65000.0, 10000.0, 75000.0);
      x[age] = rounded(perturb(x[age], 60.0, 20.0, 80.0));
      x[hvalue] = perturb(x[hvalue], (9.0 - static_cast<double>(x[zipcode])) * 100000.0, 0.0, 1350000.0);
      x[hyears] = rounded(perturb(x[hyears], 29.0, 1.0, 30.0));
      x[loan] = perturb(x[loan], 500000.0, 0.0, 500000.0);
    }
    return s;
  }

  void reset() noexcept {
    rng_ = rng(params_.seed);
    balancer_ = {};
  }

  const params& parameters() const noexcept { return params_; }

 private:
  Scalar perturb(Scalar value, double range, double lo, double hi) noexcept {
    double v = static_cast<double>(value) +
               range * (2.0 * (rng_.uniform<double>() - 0.5)) * params_.perturbation;
    if (v < lo) v = lo;
    else if (v > hi) v = hi;
    return static_cast<Scalar>(v);
  }
  static Scalar rounded(Scalar v) noexcept { return std::floor(v + Scalar(0.5)); }

  params params_;
  rng rng_;
  detail::class_balancer balancer_{};
};

template <scalar Scalar>
constexpr std::size_t agrawal<Scalar>::memory_bytes = sizeof(agrawal<Scalar>);

static_assert(data_stream<agrawal<float>>);

}  // namespace edgeloop::streams
