// edgeloop-eval: prequential evaluation of edgeloop models on data files, and synthetic
// stream generation.
//
//   edgeloop-eval prequential --data FILE [--labels FILE] [--target NAME|INDEX]
//                 [--delimiter C] [--no-header] [--task classification|regression]
//                 --model SPEC [--param k=v]... [--precision float|double] [--json]
//   edgeloop-eval list-models [--precision double]
//   edgeloop-eval nab --data DIR --detector NAME [--param k=v]... [--json]
//   edgeloop-eval list-detectors
//   edgeloop-eval generate --stream NAME [--drift abrupt|gradual --position N --width W]
//                 --samples N --seed S [--param k=v]... > out.csv
//
// SPEC is a learner name or a River-style pipeline "t1|t2|learner" of at most three
// transformers (standard_scaler, min_max_scaler, imputer, clipper) and a learner.
// --param key=value sets a learner parameter; --param stage.key=value a transformer's.
// --precision: the scalar type of the data rows, the transformers and the model: float
// (default, what a device runs) or double (a host run to compare with float64 references
// such as scikit-learn; linear and SVM models, majority_class, no_change, gaussian_nb).
// Files: *.arff (ARFF), IDX images with --labels (plain or .gz), anything else CSV.
// Exit status: 0 ok, 1 unreadable or malformed data, 2 bad usage.

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "edgeloop/host/arff_reader.hpp"
#include "edgeloop/host/csv_reader.hpp"
#include "edgeloop/host/idx_reader.hpp"
#include "detectors.hpp"
#include "registry.hpp"

namespace ev = edgeloop_eval;
using edgeloop::host::task_kind;

namespace {

const char* usage_text =
    "usage:\n"
    "  edgeloop-eval prequential --data FILE [--labels FILE] [--target NAME|INDEX] [--delimiter C]\n"
    "                [--no-header] [--task classification|regression] --model SPEC [--param k=v]...\n"
    "                [--precision float|double] [--json]\n"
    "      --precision: scalar type of data, transformers and model; float (default, as on a\n"
    "      device) or double (to compare with float64 references; linear and SVM models,\n"
    "      majority_class, no_change, gaussian_nb: see list-models --precision double)\n"
    "  edgeloop-eval list-models [--precision double]\n"
    "  edgeloop-eval nab --data DIR --detector NAME [--param k=v]... [--json]   (NAB corpus scores)\n"
    "  edgeloop-eval list-detectors\n"
    "  edgeloop-eval generate --stream NAME [--drift abrupt|gradual --position N --width W]\n"
    "                --samples N --seed S [--param k=v]...\n";

struct options {
  std::string command;
  std::string data, labels, target, model, task, stream, drift, detector;
  bool double_precision = false;  ///< --precision double
  char delimiter = ',';
  bool header = true, json = false;
  std::vector<std::string> params;
  std::uint64_t position = 0, width = 1, samples = 0, seed = 1;
  bool have_samples = false, have_position = false, have_width = false;
};

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::uint64_t parse_count(const std::string& option, const std::string& v) {
  char* end = nullptr;
  if (v.empty() || v[0] == '-') throw ev::usage_error(option + ": expected a non-negative integer, got '" + v + "'");
  const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
  if (*end != '\0') throw ev::usage_error(option + ": expected a non-negative integer, got '" + v + "'");
  return n;
}

options parse_args(int argc, char** argv) {
  options o;
  if (argc < 2) throw ev::usage_error("missing command");
  o.command = argv[1];
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw ev::usage_error(a + " needs a value");
      return argv[++i];
    };
    if (a == "--data") o.data = value();
    else if (a == "--labels") o.labels = value();
    else if (a == "--target") o.target = value();
    else if (a == "--model") o.model = value();
    else if (a == "--detector") o.detector = value();
    else if (a == "--task") o.task = value();
    else if (a == "--param") o.params.push_back(value());
    else if (a == "--json") o.json = true;
    else if (a == "--precision") {
      const std::string p = value();
      if (p == "float") o.double_precision = false;
      else if (p == "double") o.double_precision = true;
      else throw ev::usage_error("--precision must be float or double, got '" + p + "'");
    }
    else if (a == "--no-header") o.header = false;
    else if (a == "--delimiter") {
      const std::string d = value();
      if (d == "\\t" || d == "tab") o.delimiter = '\t';
      else if (d.size() == 1) o.delimiter = d[0];
      else throw ev::usage_error("--delimiter takes one character");
    } else if (a == "--stream") o.stream = value();
    else if (a == "--drift") o.drift = value();
    else if (a == "--position") o.position = parse_count(a, value()), o.have_position = true;
    else if (a == "--width") o.width = parse_count(a, value()), o.have_width = true;
    else if (a == "--samples") o.samples = parse_count(a, value()), o.have_samples = true;
    else if (a == "--seed") o.seed = parse_count(a, value());
    else throw ev::usage_error("unknown option '" + a + "'");
  }
  return o;
}

/// Splits "a|b|learner" into stages and distributes --param values to them.
template <class S>
ev::run_request<S> make_request(const options& o) {
  ev::run_request<S> req;
  std::vector<std::string> names;
  std::string cur;
  for (char ch : o.model + "|") {
    if (ch == '|') {
      if (cur.empty()) throw ev::usage_error("empty stage in model '" + o.model + "'");
      names.push_back(cur);
      cur.clear();
    } else if (ch != ' ') {
      cur += ch;
    }
  }
  for (std::size_t i = 0; i + 1 < names.size(); ++i) req.transformers.push_back({names[i], {}});
  req.learner.name = names.back();
  for (const auto& kv : o.params) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) throw ev::usage_error("--param expects key=value, got '" + kv + "'");
    const std::string key = kv.substr(0, eq);
    const std::string val = kv.substr(eq + 1);
    const auto dot = key.find('.');
    if (dot == std::string::npos) {
      req.learner.params[key] = val;
      continue;
    }
    const std::string stage = key.substr(0, dot);
    bool found = false;
    for (auto& t : req.transformers)
      if (t.name == stage) t.params[key.substr(dot + 1)] = val, found = true;
    if (stage == req.learner.name) req.learner.params[key.substr(dot + 1)] = val, found = true;
    if (!found) throw ev::usage_error("--param " + kv + ": no stage '" + stage + "' in '" + o.model + "'");
  }
  return req;
}

template <class S>
edgeloop::host::basic_dataset<S> load(const options& o) {
  if (o.data.empty()) throw ev::usage_error("--data FILE is required");
  if (!o.labels.empty()) return edgeloop::host::read_idx_dataset<S>(o.data, o.labels);
  if (ends_with(o.data, ".arff")) {
    edgeloop::host::arff_options a;
    a.target = o.target;
    return edgeloop::host::read_arff<S>(o.data, a);
  }
  if (ends_with(o.data, ".idx") || ends_with(o.data, "ubyte") || ends_with(o.data, ".idx.gz") ||
      ends_with(o.data, "ubyte.gz"))
    throw ev::usage_error("IDX images need --labels FILE");
  edgeloop::host::csv_options c;
  c.delimiter = o.delimiter;
  c.has_header = o.header;
  c.target = o.target;
  if (o.task == "classification") c.task = edgeloop::host::csv_task::classification;
  else if (o.task == "regression") c.task = edgeloop::host::csv_task::regression;
  else if (!o.task.empty()) throw ev::usage_error("--task must be classification or regression");
  return edgeloop::host::read_csv<S>(o.data, c);
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\', out += ch;
    else if (static_cast<unsigned char>(ch) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", ch);
      out += buf;
    } else out += ch;
  }
  return out + "\"";
}

/// The prequential run in scalar type S (float or double, see --precision).
template <class S>
int prequential(const options& o) {
  if (o.model.empty()) throw ev::usage_error("--model SPEC is required");
  ev::run_request<S> req = make_request<S>(o);
  const ev::learner_entry* entry = ev::registry().find(req.learner.name);
  if (!entry) throw ev::usage_error("unknown model '" + req.learner.name + "' (see edgeloop-eval list-models)");
  if (!entry->has_precision(o.double_precision))
    throw ev::usage_error("model '" + entry->name + "' has no double build (--precision double: see edgeloop-eval list-models --precision double)");
  for (const auto& t : req.transformers) {
    bool known = false;
    for (const auto& n : ev::transformer_names()) known = known || n == t.name;
    if (!known)
      throw ev::usage_error("unknown transformer '" + t.name +
                            "' (transformers: standard_scaler, min_max_scaler, imputer, clipper)");
  }
  const edgeloop::host::basic_dataset<S> d = load<S>(o);
  if (d.size() == 0) throw ev::usage_error(o.data + ": no samples");
  if (entry->task != d.task)
    throw ev::usage_error("model '" + entry->name + "' is a " +
                          (entry->task == task_kind::classification ? "classifier" : "regressor") + " but target '" +
                          d.target_name + "' of " + o.data + " is " +
                          (d.task == task_kind::classification ? "categorical" : "numeric") + " (see --task)");
  req.data = &d;
  const ev::run_result r = entry->run(req);
  const char* precision = o.double_precision ? "double" : "float";
  const bool classify = r.task == task_kind::classification;

  std::printf("model               %s\n", o.model.c_str());
  std::printf("precision           %s\n", precision);
  std::printf("data                %s (%zu samples, %zu features, target '%s'", o.data.c_str(), d.size(),
              d.feature_count(), d.target_name.c_str());
  if (classify) std::printf(", %zu classes)\n", d.class_count());
  else std::printf(")\n");
  std::printf("samples             %llu scored, %llu rejected by the model\n",
              static_cast<unsigned long long>(r.samples), static_cast<unsigned long long>(r.rejected));
  if (classify) {
    std::printf("accuracy            %.4f\n", r.accuracy);
    std::printf("kappa               %.4f\n", r.kappa);
    std::printf("kappa_t             %.4f\n", r.kappa_t);
    std::printf("kappa_m             %.4f\n", r.kappa_m);
    std::printf("macro_f1            %.4f\n", r.macro_f1);
  } else {
    std::printf("mae                 %.6g\n", r.mae);
    std::printf("rmse                %.6g\n", r.rmse);
    std::printf("r2                  %.4f\n", r.r2);
  }
  std::printf("seconds             %.4f (prequential loop, file parsing excluded)\n", r.seconds);
  std::printf("samples_per_second  %.0f\n", r.samples_per_second);
  std::printf("memory_bytes        %zu (feature capacity %zu", r.memory_bytes, r.feature_capacity);
  if (classify) std::printf(", class capacity %zu)\n", r.class_capacity);
  else std::printf(")\n");
  if (o.json) {
    std::printf("{\"model\":%s,\"data\":%s,\"task\":\"%s\",\"samples\":%llu,\"rejected\":%llu,", json_string(o.model).c_str(),
                json_string(o.data).c_str(), classify ? "classification" : "regression",
                static_cast<unsigned long long>(r.samples), static_cast<unsigned long long>(r.rejected));
    if (classify)
      std::printf("\"accuracy\":%.6f,\"kappa\":%.6f,\"kappa_t\":%.6f,\"kappa_m\":%.6f,\"macro_f1\":%.6f,", r.accuracy,
                  r.kappa, r.kappa_t, r.kappa_m, r.macro_f1);
    else
      std::printf("\"mae\":%.9g,\"rmse\":%.9g,\"r2\":%.6f,", r.mae, r.rmse, r.r2);
    std::printf("\"seconds\":%.6f,\"samples_per_second\":%.1f,\"memory_bytes\":%zu,\"features\":%zu,\"classes\":%zu,"
                "\"feature_capacity\":%zu,\"class_capacity\":%zu,\"precision\":\"%s\"}\n",
                r.seconds, r.samples_per_second, r.memory_bytes, d.feature_count(), classify ? d.class_count() : 0,
                r.feature_capacity, classify ? r.class_capacity : 0, precision);
  }
  return 0;
}

int generate(const options& o) {
  if (o.stream.empty()) throw ev::usage_error("--stream NAME is required");
  if (!o.have_samples) throw ev::usage_error("--samples N is required");
  if (!o.drift.empty() && o.drift != "abrupt" && o.drift != "gradual")
    throw ev::usage_error("--drift must be abrupt or gradual");
  if (!o.drift.empty() && !o.have_position) throw ev::usage_error("--drift needs --position N");
  if (o.drift == "gradual" && !o.have_width) throw ev::usage_error("--drift gradual needs --width W");
  if (o.drift.empty() && (o.have_position || o.have_width))
    throw ev::usage_error("--position/--width only apply with --drift");
  ev::generate_request g;
  g.stream = o.stream;
  g.drift = o.drift;
  g.position = o.position;
  g.width = o.width;
  g.samples = o.samples;
  g.seed = o.seed;
  for (const auto& kv : o.params) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) throw ev::usage_error("--param expects key=value, got '" + kv + "'");
    g.params[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  ev::generate(g, stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const options o = parse_args(argc, argv);
    if (o.command == "prequential") return o.double_precision ? prequential<double>(o) : prequential<float>(o);
    if (o.command == "generate") return generate(o);
    if (o.command == "nab") {
      ev::nab_request r{o.data, o.detector, {}, o.json};
      for (const auto& kv : o.params) {
        const auto eq = kv.find('=');
        if (eq == std::string::npos || eq == 0) throw ev::usage_error("--param expects key=value, got '" + kv + "'");
        r.params[kv.substr(0, eq)] = kv.substr(eq + 1);
      }
      return ev::run_nab(r);
    }
    if (o.command == "list-detectors") {
      for (const auto& e : ev::detectors()) std::printf("%s\n", e.name.c_str());
      return 0;
    }
    if (o.command == "list-models") {
      for (const auto& e : ev::registry().entries())
        if (e.has_precision(o.double_precision)) std::printf("%s\n", e.name.c_str());
      return 0;
    }
    if (o.command == "--help" || o.command == "-h" || o.command == "help") {
      std::fputs(usage_text, stdout);
      return 0;
    }
    throw ev::usage_error("unknown command '" + o.command + "'");
  } catch (const ev::usage_error& e) {
    std::fprintf(stderr, "edgeloop-eval: %s\n", e.what());
    if (argc < 2 || std::string(e.what()).rfind("unknown command", 0) == 0 || std::string(e.what()) == "missing command")
      std::fputs(usage_text, stderr);
    return 2;
  } catch (const edgeloop::host::parse_error& e) {
    std::fprintf(stderr, "edgeloop-eval: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "edgeloop-eval: error: %s\n", e.what());
    return 1;
  }
}
