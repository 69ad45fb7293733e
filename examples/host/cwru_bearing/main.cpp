// cwru_bearing: a detector learns "normal" bearing vibration online from the first 70% of
// the CWRU normal recording and must tell the last 30% of normal windows from every fault
// recording's windows (ROC-AUC per fault and detector).
//
//   cwru_bearing --data DIR [--hop N] [--json]
//
// DIR holds the CWRU 12 kHz drive-end records as raw little-endian float64 (Normal_*.f64
// and one file per fault). Windows of 1024 samples every --hop samples (default 512) ->
// spectral_features (Hann, mean removed, 16 equal bands up to 6 kHz) -> log10 of the band
// energies -> detector. Training: learn() on each window of the first 70% of the normal
// signal, in order, once. Test: score() (higher = more anomalous) of each window of the last
// 30% of normal (negatives) and of every window of a fault file (positives), nothing learned.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "edgeloop/anomaly/gaussian_detector.hpp"
#include "edgeloop/anomaly/half_space_trees.hpp"
#include "edgeloop/eval/roc_auc.hpp"
#include "edgeloop/features/spectral_features.hpp"

namespace {

constexpr std::size_t window = 1024;
constexpr std::size_t bands = 16;
constexpr double sample_rate = 12000.0;
using spectral = edgeloop::spectral_features<double, window, bands>;
using feature_vector = std::array<double, bands>;

std::vector<double> read_f64(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() % 8 != 0 || bytes.empty()) throw std::runtime_error(path + ": not raw float64 (size " + std::to_string(bytes.size()) + ")");
  std::vector<double> v(bytes.size() / 8);
  for (std::size_t i = 0; i < v.size(); ++i) {
    std::uint64_t u = 0;
    for (int b = 7; b >= 0; --b) u = (u << 8) | static_cast<unsigned char>(bytes[i * 8 + static_cast<std::size_t>(b)]);
    std::memcpy(&v[i], &u, 8);  // little-endian on any host
  }
  return v;
}

/// Log band energies of the windows of signal[first, last) every `hop` samples.
std::vector<feature_vector> window_features(const std::vector<double>& signal, std::size_t first, std::size_t last,
                                            std::size_t hop) {
  spectral::params p;
  p.sample_rate = sample_rate;
  p.hann = true;
  p.remove_mean = true;
  auto sf = std::make_unique<spectral>(p);
  std::vector<feature_vector> out;
  for (std::size_t start = first; start + window <= last; start += hop) {
    sf->reset();
    for (std::size_t i = start; i < start + window; ++i) static_cast<void>(sf->push(signal[i]));
    const auto f = sf->features();
    feature_vector x{};
    for (std::size_t b = 0; b < bands; ++b) x[b] = std::log10(f[b] + 1e-12);
    out.push_back(x);
  }
  return out;
}

struct fault_data {
  std::string name;
  std::vector<feature_vector> windows;
};

template <class Detector>
std::vector<double> aucs(Detector& d, const std::vector<feature_vector>& train, const std::vector<feature_vector>& normal_test,
                         const std::vector<fault_data>& faults) {
  for (const auto& x : train) static_cast<void>(d.learn(x));
  std::vector<double> out;
  for (const auto& f : faults) {
    std::vector<edgeloop::scored_label<double>> s;
    for (const auto& x : normal_test) s.push_back({static_cast<double>(d.score(x)), false});
    for (const auto& x : f.windows) s.push_back({static_cast<double>(d.score(x)), true});
    double auc = 0;
    if (edgeloop::roc_auc(std::span<edgeloop::scored_label<double>>(s), auc) != edgeloop::status::ok) auc = std::nan("");
    out.push_back(auc);
  }
  // Control (last entry): the normal test windows as "positives" against the training
  // windows; about 0.5 means the detector does not flag later normal data as such.
  std::vector<edgeloop::scored_label<double>> s;
  for (const auto& x : train) s.push_back({static_cast<double>(d.score(x)), false});
  for (const auto& x : normal_test) s.push_back({static_cast<double>(d.score(x)), true});
  double control = 0;
  if (edgeloop::roc_auc(std::span<edgeloop::scored_label<double>>(s), control) != edgeloop::status::ok) control = std::nan("");
  out.push_back(control);
  return out;
}

int usage(const char* msg) {
  std::fprintf(stderr, "cwru_bearing: %s\nusage: cwru_bearing --data DIR [--hop N] [--json]\n", msg);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  std::size_t hop = 512;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--data" && i + 1 < argc) dir = argv[++i];
    else if (a == "--hop" && i + 1 < argc) hop = static_cast<std::size_t>(std::strtoul(argv[++i], nullptr, 10));
    else if (a == "--json") json = true;
    else return usage(("unknown or incomplete option '" + a + "'").c_str());
  }
  if (dir.empty()) return usage("--data DIR is required (the CWRU 12k_drive_end folder of raw float64 files)");
  if (hop == 0) return usage("--hop must be positive");
  namespace fs = std::filesystem;
  if (!fs::is_directory(dir)) {
    std::fprintf(stderr, "cwru_bearing: %s: no such folder (expected the CWRU 12k_drive_end records as raw float64)\n", dir.c_str());
    return 1;
  }
  try {
    std::string normal_path;
    std::vector<std::string> fault_paths;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.path().extension() != ".f64") continue;
      const std::string name = e.path().filename().string();
      if (name.rfind("Normal", 0) == 0) normal_path = e.path().string();
      else fault_paths.push_back(e.path().string());
    }
    if (normal_path.empty() || fault_paths.empty()) {
      std::fprintf(stderr, "cwru_bearing: %s: need a Normal_*.f64 record and fault records\n", dir.c_str());
      return 1;
    }
    std::sort(fault_paths.begin(), fault_paths.end());
    const auto normal = read_f64(normal_path);
    const std::size_t split = normal.size() * 7 / 10;
    const auto train = window_features(normal, 0, split, hop);
    const auto normal_test = window_features(normal, split, normal.size(), hop);
    std::vector<fault_data> faults;
    for (const auto& p : fault_paths) {
      const auto signal = read_f64(p);
      std::string name = fs::path(p).filename().string();
      name = name.substr(0, name.find("__"));
      faults.push_back({name, window_features(signal, 0, signal.size(), hop)});
    }

    struct result {
      std::string detector;
      std::size_t memory_bytes;
      std::vector<double> auc;
      double control = 0;
    };
    std::vector<result> results;
    {
      using gaussian = edgeloop::gaussian_detector<double, bands>;
      auto d = std::make_unique<gaussian>();  // no forgetting: "normal" is stationary here
      results.push_back({"gaussian_detector", gaussian::memory_bytes, aucs(*d, train, normal_test, faults)});
    }
    {
      // Window 100: the training part has only a few hundred windows.
      using hst = edgeloop::half_space_trees<double, bands, 25, 8, 100>;
      hst::params p;
      p.learn_ranges = true;
      auto d = std::make_unique<hst>(p);
      results.push_back({"half_space_trees", hst::memory_bytes, aucs(*d, train, normal_test, faults)});
    }

    std::printf("normal: %zu training windows (first 70%%), %zu test windows; window %zu, hop %zu, %zu log band energies\n",
                train.size(), normal_test.size(), window, hop, bands);
    std::printf("%-20s", "ROC-AUC");
    for (const auto& f : faults) std::printf(" %9s", f.name.c_str());
    std::printf(" %9s %9s %8s\n", "min", "control", "bytes");
    for (auto& r : results) {
      r.control = r.auc.back();
      r.auc.pop_back();
      std::printf("%-20s", r.detector.c_str());
      for (double a : r.auc) std::printf(" %9.4f", a);
      std::printf(" %9.4f %9.4f %8zu\n", *std::min_element(r.auc.begin(), r.auc.end()), r.control, r.memory_bytes);
    }
    std::printf("control: AUC of the normal test windows against the normal training windows (0.5 = indistinguishable)\n");
    if (json) {
      std::printf("{\"data\":\"%s\",\"window\":%zu,\"hop\":%zu,\"bands\":%zu,\"train_windows\":%zu,\"normal_test_windows\":%zu,\"detectors\":{",
                  dir.c_str(), window, hop, bands, train.size(), normal_test.size());
      for (std::size_t k = 0; k < results.size(); ++k) {
        const auto& r = results[k];
        std::printf("%s\"%s\":{\"memory_bytes\":%zu,\"min_auc\":%.6f,\"control_auc\":%.6f,\"auc\":{", k ? "," : "",
                    r.detector.c_str(), r.memory_bytes, *std::min_element(r.auc.begin(), r.auc.end()), r.control);
        for (std::size_t i = 0; i < faults.size(); ++i)
          std::printf("%s\"%s\":%.6f", i ? "," : "", faults[i].name.c_str(), r.auc[i]);
        std::printf("}}");
      }
      std::printf("}}\n");
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cwru_bearing: %s\n", e.what());
    return 1;
  }
  return 0;
}
