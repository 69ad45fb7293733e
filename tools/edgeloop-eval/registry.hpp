#pragma once
// edgeloop-eval: the model registry and the run-time -> compile-time size dispatch.
//
// Models are templates on their capacities (Features, Classes), known here only at run time
// from the data. A run picks the smallest capacity from feature_capacities and
// class_capacities that fits the data and instantiates the model there:
//  - unused features are padded with 0 in every sample (a constant feature carries no
//    information: gaussian_nb gives it the same density term in every class, linear models a
//    zero contribution; scalers map 0 to 0 or to a constant);
//  - unused classes are never seen as targets, so they are never predicted (priors/counts 0)
//    and add empty rows/columns to the confusion matrix, which changes neither accuracy
//    nor kappa.
// memory_bytes in the report is the model's memory_bytes at that capacity.
// Nominal attributes (ARFF {v1,...,vk}, stored as the value index 0..k-1) are declared to
// classifiers whose params have `nominal_cardinality` (the Hoeffding trees), see
// declare_nominal; every other model sees the value indices as numbers.
// A pipeline ("a|b|learner") becomes edgeloop::pipeline<any_transformer x3, learner>, where
// any_transformer holds one of the preprocessing stages (or the identity) in a std::variant.
//
// Precision: everything below is a template on the scalar type S of the data rows, the
// transformers and the model. float is what a device runs; double (--precision double) is
// for comparing with float64 references such as scikit-learn. Each model is registered with
// the precisions it is built in (the tree families are float only, to keep the build lean).

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <new>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "edgeloop/core/concepts.hpp"
#include "edgeloop/core/numeric.hpp"
#include "edgeloop/eval/confusion_matrix.hpp"
#include "edgeloop/eval/prequential.hpp"
#include "edgeloop/eval/regression_metrics.hpp"
#include "edgeloop/host/dataset.hpp"
#include "edgeloop/host/timer.hpp"
#include "edgeloop/pipeline/pipeline.hpp"
#include "edgeloop/preprocessing/clipper.hpp"
#include "edgeloop/preprocessing/imputer.hpp"
#include "edgeloop/preprocessing/min_max_scaler.hpp"
#include "edgeloop/preprocessing/standard_scaler.hpp"
#include "params.hpp"

namespace edgeloop_eval {

using edgeloop::host::basic_dataset;
using edgeloop::host::dataset;
using edgeloop::host::task_kind;

// Few capacities: each pair is one instantiation of every model (compile time); padding
// costs at most 4x the features.
inline constexpr std::size_t feature_capacities[] = {8, 32, 128, 1024};
inline constexpr std::size_t class_capacities[] = {2, 16, 256};
inline constexpr std::size_t max_transformers = 3;

struct stage_spec {
  std::string name;
  param_map params;
};

template <class S>
struct run_request {
  const basic_dataset<S>* data = nullptr;
  stage_spec learner;
  std::vector<stage_spec> transformers;  ///< applied in order before the learner
};

struct run_result {
  task_kind task = task_kind::classification;
  std::uint64_t samples = 0;   ///< scored (tested and trained)
  std::uint64_t rejected = 0;  ///< refused by the model (e.g. NaN without an imputer)
  double accuracy = 0, kappa = 0, kappa_t = 0, kappa_m = 0, macro_f1 = 0;
  double mae = 0, rmse = 0, r2 = 0;
  double seconds = 0, samples_per_second = 0;
  std::size_t memory_bytes = 0;
  std::size_t feature_capacity = 0, class_capacity = 0;
};

// ---------------------------------------------------------------------------------------
// Transformer stages chosen at run time.

template <class S, std::size_t F>
struct identity_stage {
  using input_type = std::array<S, F>;
  using output_type = std::array<S, F>;
  edgeloop::status partial_fit(const input_type&) noexcept { return edgeloop::status::ok; }
  output_type transform(const input_type& x) const noexcept { return x; }
  void reset() noexcept {}
};

template <class S, std::size_t F>
using transformer_variant =
    std::variant<identity_stage<S, F>, edgeloop::standard_scaler<S, F>, edgeloop::min_max_scaler<S, F>,
                 edgeloop::imputer<S, F>, edgeloop::clipper<S, F>>;

/// Names of the transformer stages, in the variant's order (after the identity).
inline const std::vector<std::string>& transformer_names() {
  static const std::vector<std::string> names = {"standard_scaler", "min_max_scaler", "imputer", "clipper"};
  return names;
}

template <class T>
constexpr std::size_t state_size() {
  if constexpr (edgeloop::persistable<T>) return sizeof(typename T::state_type);
  else return 0;
}

/// One pipeline stage that is any of the transformers (online_transformer + persistable).
template <class S, std::size_t F>
class any_transformer {
  template <class V>
  struct max_state;
  template <class... Ts>
  struct max_state<std::variant<Ts...>> {
    static constexpr std::size_t value = std::max({std::size_t(1), state_size<Ts>()...});
  };

 public:
  using input_type = std::array<S, F>;
  using output_type = std::array<S, F>;
  struct state_type {
    std::uint64_t index;
    alignas(8) unsigned char bytes[max_state<transformer_variant<S, F>>::value];
  };

  any_transformer() = default;
  explicit any_transformer(transformer_variant<S, F> v) : v_(std::move(v)) {}

  edgeloop::status partial_fit(const input_type& x) noexcept {
    return std::visit([&](auto& t) { return t.partial_fit(x); }, v_);
  }
  output_type transform(const input_type& x) const noexcept {
    return std::visit([&](const auto& t) -> output_type { return t.transform(x); }, v_);
  }
  void reset() noexcept {
    std::visit([](auto& t) { t.reset(); }, v_);
  }
  state_type state() const noexcept {
    state_type s{};
    s.index = v_.index();
    std::visit(
        [&](const auto& t) {
          if constexpr (edgeloop::persistable<std::decay_t<decltype(t)>>) {
            const auto st = t.state();
            std::memcpy(s.bytes, &st, sizeof st);
          }
        },
        v_);
    return s;
  }
  edgeloop::status restore(const state_type& s) noexcept {
    if (s.index != v_.index()) return edgeloop::status::invalid_state;
    return std::visit(
        [&](auto& t) {
          using T = std::decay_t<decltype(t)>;
          if constexpr (edgeloop::persistable<T>) {
            typename T::state_type st;
            std::memcpy(&st, s.bytes, sizeof st);
            return t.restore(st);
          } else {
            return edgeloop::status::ok;
          }
        },
        v_);
  }
  std::size_t memory_bytes() const noexcept {
    return std::visit([](const auto& t) { return sizeof(t); }, v_);
  }

 private:
  transformer_variant<S, F> v_;
};

/// Builds transformer `spec` at capacity F, binding its parameters.
template <class S, std::size_t F>
transformer_variant<S, F> make_transformer(const stage_spec& spec) {
  param_binder b(spec.params, spec.name);
  auto validated = [&](auto p, auto tag) -> transformer_variant<S, F> {
    using T = typename decltype(tag)::type;
    b.finish();
    if (T::validate(p) != edgeloop::status::ok) throw usage_error("invalid parameters for " + spec.name);
    return transformer_variant<S, F>(std::in_place_type<T>, p);
  };
  if (spec.name == "standard_scaler") {
    using T = edgeloop::standard_scaler<S, F>;
    typename T::params p{};
    b.choice("mode", p.mode, {{"cumulative", edgeloop::standard_scaler_mode::cumulative},
                              {"exponential", edgeloop::standard_scaler_mode::exponential}});
    b("alpha", p.alpha);
    return validated(p, std::type_identity<T>{});
  }
  if (spec.name == "min_max_scaler") {
    using T = edgeloop::min_max_scaler<S, F>;
    typename T::params p{};
    b("lower", p.lower);
    b("upper", p.upper);
    b("clip", p.clip);
    return validated(p, std::type_identity<T>{});
  }
  if (spec.name == "imputer") {
    using T = edgeloop::imputer<S, F>;
    typename T::params p{};
    b.choice("strategy", p.strategy, {{"mean", edgeloop::imputer_strategy::mean}, {"last", edgeloop::imputer_strategy::last}});
    b("fill_value", p.fill_value);
    return validated(p, std::type_identity<T>{});
  }
  if (spec.name == "clipper") {
    using T = edgeloop::clipper<S, F>;
    typename T::params p{};
    b.choice("mode", p.mode, {{"fixed", edgeloop::clipper_mode::fixed}, {"learned", edgeloop::clipper_mode::learned}});
    b("lower", p.lower);
    b("upper", p.upper);
    b("k", p.k);
    b("warmup", p.warmup);
    return validated(p, std::type_identity<T>{});
  }
  throw usage_error("unknown transformer '" + spec.name + "' (transformers: standard_scaler, min_max_scaler, imputer, clipper)");
}

// ---------------------------------------------------------------------------------------
// The prequential loop.

template <class S, std::size_t F>
void fill_row(const std::vector<S>& row, std::array<S, F>& x) {
  std::size_t j = 0;
  for (; j < row.size(); ++j) x[j] = row[j];
  for (; j < F; ++j) x[j] = S(0);  // padding up to the capacity
}

template <class Model, class Metric, std::size_t F, class S>
auto prequential(Model& model, const basic_dataset<S>& d, auto target_of) {
  auto ev = std::make_unique<edgeloop::prequential_evaluator<Model, Metric>>(model);
  std::array<S, F> x{};
  edgeloop::host::stopwatch clock;
  for (std::size_t i = 0; i < d.size(); ++i) {
    fill_row(d.rows[i], x);
    static_cast<void>(ev->step(x, target_of(i)));
  }
  const double seconds = clock.elapsed_seconds();
  return std::make_pair(std::move(ev), seconds);
}

template <class Model>
void finish_timing(run_result& r, double seconds, std::uint64_t total, std::size_t memory) {
  r.seconds = seconds;
  r.samples_per_second = seconds > 0 ? static_cast<double>(total) / seconds : 0.0;
  r.memory_bytes = memory;
}

template <class Model>
std::size_t memory_of(const Model& m) {
  if constexpr (edgeloop::has_memory_bytes<Model>) return Model::memory_bytes;
  else return sizeof(m);
}

template <std::size_t F, std::size_t C, class Model, class S>
run_result evaluate_classifier(Model& model, const basic_dataset<S>& d, std::size_t memory) {
  using metric = edgeloop::confusion_matrix<C, double, std::uint64_t>;
  auto [ev, seconds] = prequential<Model, metric, F>(model, d, [&](std::size_t i) { return d.label(i); });
  run_result r;
  r.task = task_kind::classification;
  r.samples = ev->samples();
  r.rejected = ev->rejected();
  const auto& m = ev->metric();
  r.accuracy = m.accuracy();
  r.kappa = m.kappa();
  r.kappa_t = m.kappa_t();
  r.kappa_m = m.kappa_m();
  r.macro_f1 = m.macro_f1();
  finish_timing<Model>(r, seconds, r.samples + r.rejected, memory);
  r.feature_capacity = F;
  r.class_capacity = C;
  return r;
}

template <std::size_t F, class Model, class S>
run_result evaluate_regressor(Model& model, const basic_dataset<S>& d, std::size_t memory) {
  using metric = edgeloop::regression_metrics<double, std::uint64_t>;
  auto [ev, seconds] = prequential<Model, metric, F>(model, d, [&](std::size_t i) {
    return static_cast<typename Model::target_type>(d.targets[i]);
  });
  run_result r;
  r.task = task_kind::regression;
  r.samples = ev->samples();
  r.rejected = ev->rejected();
  const auto& m = ev->metric();
  r.mae = m.mae();
  r.rmse = m.rmse();
  r.r2 = m.r2();
  finish_timing<Model>(r, seconds, r.samples + r.rejected, memory);
  r.feature_capacity = F;
  return r;
}

/// Runs `learner` alone or behind the requested transformers. The objects live on the
/// heap (a large capacity makes them too big for the stack).
template <class S, std::size_t F, class Learner, class Evaluate>
run_result run_with_stages(const run_request<S>& req, const typename Learner::params& p, Evaluate evaluate) {
  if (req.transformers.empty()) {
    auto model = std::make_unique<Learner>(p);
    return evaluate(*model, memory_of(*model));
  }
  if (req.transformers.size() > max_transformers)
    throw usage_error("at most " + std::to_string(max_transformers) + " transformer stages");
  using slot_type = any_transformer<S, F>;
  using pipe = edgeloop::pipeline<slot_type, slot_type, slot_type, Learner>;
  auto model = std::make_unique<pipe>();
  std::size_t memory = memory_of(model->template stage<3>());
  std::array<slot_type*, max_transformers> slots = {&model->template stage<0>(), &model->template stage<1>(),
                                                    &model->template stage<2>()};
  for (std::size_t i = 0; i < req.transformers.size(); ++i) {
    *slots[i] = slot_type(make_transformer<S, F>(req.transformers[i]));
    memory += slots[i]->memory_bytes();
  }
  Learner& learner = model->template stage<3>();
  learner.~Learner();
  new (&learner) Learner(p);
  return evaluate(*model, memory);
}

template <class Params, class Visit>
Params bind_params(const stage_spec& spec, Visit visit) {
  Params p{};
  param_binder b(spec.params, spec.name);
  visit(p, b);
  b.finish();
  return p;
}

/// Declares the data set's nominal attributes to a model whose params have
/// `nominal_cardinality` (attribute j with k values: nominal_cardinality[j] = k, its values
/// are the indices 0..k-1). An attribute the model's validate() refuses (k above its
/// MaxNominalValues, or above 255) stays numeric. Not behind transformer stages: a scaler
/// would turn the value indices into other numbers. Other models: nothing.
template <class Model, class Params, class S>
void declare_nominal(Params& p, const basic_dataset<S>& d, const run_request<S>& req) {
  if constexpr (requires { p.nominal_cardinality[0] = std::uint8_t{0}; Model::validate(p); }) {
    if (!req.transformers.empty()) return;
    for (std::size_t j = 0; j < d.feature_count() && j < p.nominal_cardinality.size(); ++j) {
      const auto& f = d.features[j];
      if (!f.nominal || f.cardinality < 2 || f.cardinality > 255) continue;
      Params trial = p;
      trial.nominal_cardinality[j] = static_cast<std::uint8_t>(f.cardinality);
      if (Model::validate(trial) == edgeloop::status::ok) p = trial;
    }
  }
}

template <class Model>
void check_valid(const typename Model::params& p, const std::string& name) {
  if constexpr (requires { Model::validate(p); })
    if (Model::validate(p) != edgeloop::status::ok) throw usage_error("invalid parameters for " + name);
}

// Compile-time dispatch over the capacity lists.
template <std::size_t I = 0, class Fn>
run_result dispatch_features(std::size_t n, Fn&& fn) {
  constexpr std::size_t count = std::size(feature_capacities);
  if constexpr (I == count) {
    throw usage_error(std::to_string(n) + " features exceed the largest capacity (" +
                      std::to_string(feature_capacities[count - 1]) + ")");
  } else {
    if (n <= feature_capacities[I]) return fn(std::integral_constant<std::size_t, feature_capacities[I]>{});
    return dispatch_features<I + 1>(n, std::forward<Fn>(fn));
  }
}
template <std::size_t I = 0, class Fn>
run_result dispatch_classes(std::size_t n, Fn&& fn) {
  constexpr std::size_t count = std::size(class_capacities);
  if constexpr (I == count) {
    throw usage_error(std::to_string(n) + " classes exceed the largest capacity (" +
                      std::to_string(class_capacities[count - 1]) + ")");
  } else {
    if (n <= class_capacities[I]) return fn(std::integral_constant<std::size_t, class_capacities[I]>{});
    return dispatch_classes<I + 1>(n, std::forward<Fn>(fn));
  }
}

// ---------------------------------------------------------------------------------------
// The registry.

/// The scalar types a model is built in (each is one more instantiation of the model at
/// every capacity).
enum class precisions : std::uint8_t { float_only, float_and_double };

struct learner_entry {
  std::string name;
  std::string description;
  task_kind task;
  std::function<run_result(const run_request<float>&)> run_float;
  std::function<run_result(const run_request<double>&)> run_double;  ///< empty: float only

  bool has_precision(bool double_precision) const { return double_precision ? bool(run_double) : bool(run_float); }
  template <class S>
  run_result run(const run_request<S>& req) const {
    if constexpr (std::is_same_v<S, double>) return run_double(req);
    else return run_float(req);
  }
};

class model_registry {
 public:
  /// A classifier template <scalar, Features, Classes> with input std::array<Scalar, Features>,
  /// target/output class_label; `visit(params&, binder&)` names its parameters.
  template <template <edgeloop::scalar, std::size_t, std::size_t> class Model, precisions P = precisions::float_only,
            class Visit>
  void add_classifier(std::string name, std::string description, Visit visit) {
    learner_entry e{std::move(name), std::move(description), task_kind::classification, {}, {}};
    e.run_float = classifier_runner<Model, float>(e.name, visit);
    if constexpr (P == precisions::float_and_double) e.run_double = classifier_runner<Model, double>(e.name, visit);
    entries_.push_back(std::move(e));
  }

  /// A regressor template <scalar, Features> with input std::array<Scalar, Features>,
  /// target/output Scalar.
  template <template <edgeloop::scalar, std::size_t> class Model, precisions P = precisions::float_only, class Visit>
  void add_regressor(std::string name, std::string description, Visit visit) {
    learner_entry e{std::move(name), std::move(description), task_kind::regression, {}, {}};
    e.run_float = regressor_runner<Model, float>(e.name, visit);
    if constexpr (P == precisions::float_and_double) e.run_double = regressor_runner<Model, double>(e.name, visit);
    entries_.push_back(std::move(e));
  }

  const learner_entry* find(const std::string& name) const {
    for (const auto& e : entries_)
      if (e.name == name) return &e;
    return nullptr;
  }
  const std::vector<learner_entry>& entries() const { return entries_; }

 private:
  template <template <edgeloop::scalar, std::size_t, std::size_t> class Model, class S, class Visit>
  static std::function<run_result(const run_request<S>&)> classifier_runner(std::string name, Visit visit) {
    return [name, visit](const run_request<S>& req) -> run_result {
      const basic_dataset<S>& d = *req.data;
      return dispatch_features(d.feature_count(), [&](auto f) {
        return dispatch_classes(std::max<std::size_t>(d.class_count(), 2), [&](auto c) {
          constexpr std::size_t F = decltype(f)::value;
          constexpr std::size_t C = decltype(c)::value;
          using learner = Model<S, F, C>;
          auto p = bind_params<typename learner::params>(req.learner, visit);
          declare_nominal<learner>(p, d, req);
          check_valid<learner>(p, name);
          return run_with_stages<S, F, learner>(req, p, [&](auto& model, std::size_t memory) {
            return evaluate_classifier<F, C>(model, d, memory);
          });
        });
      });
    };
  }

  template <template <edgeloop::scalar, std::size_t> class Model, class S, class Visit>
  static std::function<run_result(const run_request<S>&)> regressor_runner(std::string name, Visit visit) {
    return [name, visit](const run_request<S>& req) -> run_result {
      const basic_dataset<S>& d = *req.data;
      return dispatch_features(d.feature_count(), [&](auto f) {
        constexpr std::size_t F = decltype(f)::value;
        using learner = Model<S, F>;
        const auto p = bind_params<typename learner::params>(req.learner, visit);
        check_valid<learner>(p, name);
        return run_with_stages<S, F, learner>(req, p, [&](auto& model, std::size_t memory) {
          return evaluate_regressor<F>(model, d, memory);
        });
      });
    };
  }

  std::vector<learner_entry> entries_;
};

/// The registry with every model the tool knows (models.cpp).
const model_registry& registry();

/// Names of the synthetic streams and the generator (streams.cpp): writes CSV to `out`.
const std::vector<std::string>& stream_names();
struct generate_request {
  std::string stream;
  std::string drift;  ///< "", "abrupt" or "gradual"
  std::uint64_t position = 0, width = 1, samples = 0, seed = 1;
  param_map params;
};
void generate(const generate_request& req, std::FILE* out);

}  // namespace edgeloop_eval
