// batch_compression: packs a sensor series into radio upload batches with
// edgeloop::batch_encoder (fixed buffer per batch, as on a device), decodes them with the
// host decoder and reports the size against raw float32 and the largest decoding error.
//
//   batch_compression FILE.csv [--resolution 0.01] [--batch-bytes 1024] [--json]
//
// FILE.csv: "timestamp,value" rows after a header line (the NAB format). Timestamps are
// not encoded (the series is sampled at a fixed interval); the baseline is the values
// as float32, 4 bytes each.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "edgeloop/host/batch_decoder.hpp"
#include "edgeloop/lifecycle/batch_codec.hpp"

namespace {

struct result {
  std::size_t bytes = 0, batches = 0;
  double max_error = 0.0;
  bool decoded_ok = true;
};

result run(const std::vector<float>& values, edgeloop::batch_coding coding, float resolution, std::size_t batch_bytes) {
  result out;
  std::vector<std::uint8_t> buf(batch_bytes);
  edgeloop::batch_encoder<1> enc;
  std::size_t first = 0;  // index of the first value in the current batch
  const auto flush = [&](std::size_t end) {
    std::size_t n = 0;
    if (enc.finish(n) != edgeloop::status::ok) std::abort();
    const auto d = edgeloop::host::decode_batch(buf.data(), n);
    if (d.status != edgeloop::host::batch_decode_status::ok || d.rows != end - first) out.decoded_ok = false;
    for (std::size_t i = 0; i < d.rows && first + i < end; ++i)
      out.max_error = std::fmax(out.max_error, std::fabs(d.at(i, 0) - static_cast<double>(values[first + i])));
    out.bytes += n;
    ++out.batches;
    first = end;
  };
  if (enc.start(buf.data(), buf.size(), {resolution, coding}) != edgeloop::status::ok) std::abort();
  for (std::size_t i = 0; i < values.size(); ++i) {
    edgeloop::status s = enc.add({values[i]});
    if (s == edgeloop::status::capacity_exceeded) {
      flush(i);
      if (enc.start(buf.data(), buf.size(), {resolution, coding}) != edgeloop::status::ok) std::abort();
      s = enc.add({values[i]});
    }
    if (s != edgeloop::status::ok) {
      std::fprintf(stderr, "value %zu (%g) not encodable: %s\n", i, static_cast<double>(values[i]),
                   edgeloop::to_string(s));
      std::exit(1);
    }
  }
  flush(values.size());
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const char* path = nullptr;
  float resolution = 0.01f;
  std::size_t batch_bytes = 1024;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--json") == 0) {
      json = true;
    } else if (std::strcmp(argv[i], "--resolution") == 0 && i + 1 < argc) {
      resolution = std::strtof(argv[++i], nullptr);
    } else if (std::strcmp(argv[i], "--batch-bytes") == 0 && i + 1 < argc) {
      batch_bytes = static_cast<std::size_t>(std::strtoul(argv[++i], nullptr, 10));
    } else if (argv[i][0] != '-' && path == nullptr) {
      path = argv[i];
    } else {
      std::fprintf(stderr, "unknown argument %s\n", argv[i]);
      return 2;
    }
  }
  if (path == nullptr) {
    std::fprintf(stderr,
                 "usage: batch_compression FILE.csv [--resolution R] [--batch-bytes B] [--json]\n"
                 "  e.g. the NAB series realKnownCause/machine_temperature_system_failure.csv\n");
    return 2;
  }
  if (!(resolution > 0.0f) || !std::isfinite(resolution) || batch_bytes < 64) {
    std::fprintf(stderr, "need --resolution > 0 and --batch-bytes >= 64\n");
    return 2;
  }
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "cannot open %s (the NAB data set is not part of the repository)\n", path);
    return 1;
  }
  std::vector<float> values;
  std::string line;
  std::size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line_no == 1) continue;  // header
    if (line.empty()) continue;
    const std::size_t comma = line.rfind(',');
    char* end = nullptr;
    const char* field = line.c_str() + (comma == std::string::npos ? 0 : comma + 1);
    const double v = std::strtod(field, &end);
    if (comma == std::string::npos || end == field) {
      std::fprintf(stderr, "%s:%zu: expected timestamp,value\n", path, line_no);
      return 1;
    }
    values.push_back(static_cast<float>(v));
  }
  if (values.empty()) {
    std::fprintf(stderr, "%s: no values\n", path);
    return 1;
  }
  const std::size_t raw = values.size() * sizeof(float);
  const result rice = run(values, edgeloop::batch_coding::rice, resolution, batch_bytes);
  const result varint = run(values, edgeloop::batch_coding::varint, resolution, batch_bytes);
  const double ratio = static_cast<double>(raw) / static_cast<double>(rice.bytes);
  const double ratio_varint = static_cast<double>(raw) / static_cast<double>(varint.bytes);
  const double bound = 0.5 * static_cast<double>(resolution);
  const bool within = rice.max_error <= bound * (1 + 1e-6) && varint.max_error <= bound * (1 + 1e-6);
  const bool ok = rice.decoded_ok && varint.decoded_ok && within;

  std::printf("%zu values, raw float32 %zu bytes, resolution %g (error bound %g), batches of at most %zu bytes\n",
              values.size(), raw, static_cast<double>(resolution), bound, batch_bytes);
  std::printf("  rice   : %zu bytes in %zu batches, %.2fx smaller, max error %.6f\n", rice.bytes, rice.batches, ratio,
              rice.max_error);
  std::printf("  varint : %zu bytes in %zu batches, %.2fx smaller, max error %.6f\n", varint.bytes, varint.batches,
              ratio_varint, varint.max_error);
  std::printf("  decoded and within the bound: %s\n", ok ? "yes" : "NO");
  if (json)
    std::printf(
        "{\"values\":%zu,\"resolution\":%g,\"batch_bytes\":%zu,\"bytes_raw\":%zu,\"bytes_rice\":%zu,"
        "\"batches_rice\":%zu,\"ratio_rice\":%.4f,\"max_error_rice\":%.6g,\"bytes_varint\":%zu,"
        "\"ratio_varint\":%.4f,\"max_error_varint\":%.6g,\"within_resolution\":%s}\n",
        values.size(), static_cast<double>(resolution), batch_bytes, raw, rice.bytes, rice.batches, ratio,
        rice.max_error, varint.bytes, ratio_varint, varint.max_error, ok ? "true" : "false");
  return ok ? 0 : 1;
}
