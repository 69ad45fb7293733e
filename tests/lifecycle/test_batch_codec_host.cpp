// Host: encoder against the host decoder (round trips, error bound, corruption).
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/host/batch_decoder.hpp"
#include "edgeloop/lifecycle/batch_codec.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using host::batch_decode_status;

namespace {
struct encoded {
  std::vector<std::uint8_t> bytes;
  std::vector<std::array<float, 3>> rows;
};
encoded make(batch_coding coding, float resolution, std::size_t rows, double step, std::uint64_t seed) {
  encoded out;
  out.bytes.assign(rows * 3 * 8 + 64, 0);
  batch_encoder<3> e;
  REQUIRE(e.start(out.bytes.data(), out.bytes.size(), {resolution, coding}) == status::ok);
  rng r(seed);
  std::array<double, 3> v{20.0, -5.0, 0.0};
  for (std::size_t i = 0; i < rows; ++i) {
    for (auto& x : v) x += step * r.normal<double>();
    v[2] = (i % 97 == 0) ? 1.0e5 * r.uniform<double>() : v[2];  // occasional jumps (escapes)
    const std::array<float, 3> row{static_cast<float>(v[0]), static_cast<float>(v[1]), static_cast<float>(v[2])};
    REQUIRE(e.add(row) == status::ok);
    out.rows.push_back(row);
  }
  std::size_t n = 0;
  REQUIRE(e.finish(n) == status::ok);
  out.bytes.resize(n);
  return out;
}
}  // namespace

TEST_CASE("batch codec round trip within resolution/2, both codings", "[lifecycle][batch][host]") {
  for (int coding = 0; coding < 2; ++coding)
    for (float res : {0.01f, 0.5f, 3.0f}) {
      const encoded b = make(static_cast<batch_coding>(coding), res, 1000, 0.3, 42 + coding);
      const host::decoded_batch d = host::decode_batch(b.bytes.data(), b.bytes.size());
      REQUIRE(d.status == batch_decode_status::ok);
      REQUIRE(d.rows == 1000);
      REQUIRE(d.channels == 3);
      CHECK(d.resolution == res);
      double worst = 0;
      for (std::size_t i = 0; i < b.rows.size(); ++i)
        for (std::size_t c = 0; c < 3; ++c)
          worst = std::fmax(worst, std::fabs(d.at(i, c) - static_cast<double>(b.rows[i][c])));
      CHECK(worst <= 0.5 * double(res) * (1 + 1e-6) + 1e-9);
      CHECK(worst > 0.0);  // quantization did happen
    }
}

TEST_CASE("batch codec: Rice beats varint on a slow random walk", "[lifecycle][batch][host]") {
  const encoded v = make(batch_coding::varint, 0.01f, 2000, 0.5, 7);
  const encoded r = make(batch_coding::rice, 0.01f, 2000, 0.5, 7);
  CHECK(r.bytes.size() < v.bytes.size());
  CHECK(r.bytes.size() < 2000 * 3 * 4 / 2);
}

TEST_CASE("batch decoder rejects every single-bit flip, truncation and extension", "[lifecycle][batch][host]") {
  const encoded b = make(batch_coding::rice, 0.1f, 40, 0.3, 3);
  std::vector<std::uint8_t> x = b.bytes;
  for (std::size_t bit = 0; bit < x.size() * 8; ++bit) {
    x[bit / 8] = static_cast<std::uint8_t>(x[bit / 8] ^ (1u << (bit % 8)));
    REQUIRE(host::decode_batch(x.data(), x.size()).status != batch_decode_status::ok);
    x[bit / 8] = static_cast<std::uint8_t>(x[bit / 8] ^ (1u << (bit % 8)));
  }
  REQUIRE(host::decode_batch(x.data(), x.size()).status == batch_decode_status::ok);
  for (std::size_t n = 0; n < x.size(); ++n) CHECK(host::decode_batch(x.data(), n).status != batch_decode_status::ok);
  x.push_back(0);
  CHECK(host::decode_batch(x.data(), x.size()).status != batch_decode_status::ok);
  std::vector<std::uint8_t> y = b.bytes;
  y[0] = 'X';
  CHECK(host::decode_batch(y.data(), y.size()).status == batch_decode_status::bad_magic);
}
