// Host-only tests of the data readers (CSV, ARFF, IDX). Files are written by the test into
// a fresh temporary directory; nothing here reads the shared data sets.
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "edgeloop/host/arff_reader.hpp"
#include "edgeloop/host/csv_reader.hpp"
#include "edgeloop/host/dataset.hpp"
#include "edgeloop/host/idx_reader.hpp"
#include "support/test.hpp"

#if defined(EDGELOOP_HOST_ZLIB)
#include <zlib.h>
#endif

using namespace edgeloop::host;
namespace fs = std::filesystem;

namespace {

fs::path temp_dir() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() /
                 ("edgeloop_readers_" + std::to_string(static_cast<unsigned long>(::getpid())));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

std::string write_text(const std::string& name, const std::string& text) {
  const fs::path p = temp_dir() / name;
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
}

std::string write_bytes(const std::string& name, const std::vector<unsigned char>& bytes) {
  const fs::path p = temp_dir() / name;
  std::ofstream out(p, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return p.string();
}

#if defined(__cpp_exceptions)
// The message of the parse_error thrown by f, or "" if none was thrown.
template <class Fn>
std::string error_of(Fn f) {
  try {
    f();
  } catch (const parse_error& e) {
    return e.what();
  }
  return {};
}
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
#endif

// IDX bytes: header for `shape` with type byte `type`, then `payload`.
std::vector<unsigned char> idx_bytes(std::uint8_t type, const std::vector<std::uint32_t>& shape,
                                     const std::vector<unsigned char>& payload) {
  std::vector<unsigned char> b = {0, 0, type, static_cast<unsigned char>(shape.size())};
  for (auto d : shape) {
    b.push_back(static_cast<unsigned char>(d >> 24));
    b.push_back(static_cast<unsigned char>(d >> 16));
    b.push_back(static_cast<unsigned char>(d >> 8));
    b.push_back(static_cast<unsigned char>(d));
  }
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

}  // namespace

TEST_CASE("csv: header, string classes in order of first appearance, missing values", "[host][csv]") {
  const auto path = write_text("a.csv",
                               "x1,x2,label\n"
                               "1.5,2,dog\n"
                               "\n"
                               "-3e2, \"4\" ,cat\r\n"
                               "?,0.25,dog\n"
                               "7,,bird\n");
  const dataset d = read_csv(path);
  REQUIRE(d.size() == 4u);
  REQUIRE(d.feature_count() == 2u);
  CHECK(d.feature_names() == std::vector<std::string>{"x1", "x2"});
  CHECK(d.target_name == "label");
  CHECK(d.task == task_kind::classification);
  CHECK(d.class_names == std::vector<std::string>{"dog", "cat", "bird"});
  CHECK(d.targets == std::vector<double>{0, 1, 0, 2});
  CHECK(d.rows[0] == std::vector<float>{1.5f, 2.0f});
  CHECK(d.rows[1] == std::vector<float>{-300.0f, 4.0f});
  CHECK(std::isnan(d.rows[2][0]));
  CHECK(d.rows[2][1] == 0.25f);
  CHECK(std::isnan(d.rows[3][1]));
  CHECK_FALSE(d.features[0].nominal);
}

TEST_CASE("csv: target by name or index, delimiter, no header, integer and regression targets", "[host][csv]") {
  const auto path = write_text("b.csv", "y;a;b\n2;1;1\n0;2;2\n5;3;3\n");
  csv_options o;
  o.delimiter = ';';
  o.target = "y";
  const dataset by_name = read_csv(path, o);
  CHECK(by_name.target_name == "y");
  CHECK(by_name.feature_names() == std::vector<std::string>{"a", "b"});
  // Integer classes in increasing numeric order: 0 -> 0, 2 -> 1, 5 -> 2.
  CHECK(by_name.class_names == std::vector<std::string>{"0", "2", "5"});
  CHECK(by_name.targets == std::vector<double>{1, 0, 2});
  o.target = "0";
  CHECK(read_csv(path, o).targets == by_name.targets);
  o.task = csv_task::regression;
  const dataset reg = read_csv(path, o);
  CHECK(reg.task == task_kind::regression);
  CHECK(reg.targets == std::vector<double>{2, 0, 5});

  const auto noh = write_text("c.csv", "1,2,0.5\n3,4,1.25\n");
  csv_options h;
  h.has_header = false;
  const dataset r = read_csv(noh, h);
  CHECK(r.task == task_kind::regression);  // 0.5 is not an integer
  CHECK(r.feature_names() == std::vector<std::string>{"c0", "c1"});
  CHECK(r.targets == std::vector<double>{0.5, 1.25});
  CHECK(r.rows[1] == std::vector<float>{3.0f, 4.0f});

  csv_options given;
  given.class_names = {"no", "yes"};
  const auto yn = write_text("d.csv", "a,t\n1,yes\n2,no\n");
  CHECK(read_csv(yn, given).targets == std::vector<double>{1, 0});
}

#if defined(__cpp_exceptions)
TEST_CASE("csv: malformed files name the file, line and column", "[host][csv]") {
  const auto bad_number = write_text("bad1.csv", "a,b,c\n1,2,x\n3,abc,y\n");
  const std::string m1 = error_of([&] { read_csv(bad_number); });
  CHECK(contains(m1, bad_number + ":3:3:"));
  CHECK(contains(m1, "'abc' is not a number"));

  const auto short_row = write_text("bad2.csv", "a,b,c\n1,2,x\n\n4,5\n");
  CHECK(contains(error_of([&] { read_csv(short_row); }), short_row + ":4:4: expected 3 fields, found 2"));

  const auto quote = write_text("bad3.csv", "a,b\n1,\"x\n");
  CHECK(contains(error_of([&] { read_csv(quote); }), quote + ":2:3: unterminated quoted field"));

  csv_options given;
  given.class_names = {"x"};
  const auto unknown = write_text("bad4.csv", "a,b\n1,x\n2, y\n");
  CHECK(contains(error_of([&] { read_csv(unknown, given); }), unknown + ":3:4: class 'y'"));

  csv_options t;
  t.target = "nope";
  CHECK(contains(error_of([&] { read_csv(unknown, t); }), "target column 'nope' not found"));
  CHECK(contains(error_of([&] { read_csv((temp_dir() / "missing.csv").string()); }), "cannot open file"));
  CHECK(contains(error_of([&] { read_csv(write_text("empty.csv", "\n\n")); }), "empty file"));
}
#endif

TEST_CASE("arff: numeric and nominal attributes, comments, quotes, missing values", "[host][arff]") {
  const auto path = write_text("a.arff",
                               "% a comment\n"
                               "@RELATION weather\n"
                               "\n"
                               "@attribute outlook {sunny, overcast, 'rainy day'}\n"
                               "@attribute 'temp C' numeric  % trailing comment\n"
                               "@attribute humidity REAL\n"
                               "@Attribute play {yes,no}\n"
                               "@data\n"
                               "sunny,85,85,no\n"
                               "'rainy day', 70.5 ,?,yes % comment\n"
                               "overcast,?,90,yes\n");
  const dataset d = read_arff(path);
  REQUIRE(d.size() == 3u);
  CHECK(d.task == task_kind::classification);
  CHECK(d.target_name == "play");
  CHECK(d.class_names == std::vector<std::string>{"yes", "no"});
  CHECK(d.targets == std::vector<double>{1, 0, 0});
  CHECK(d.feature_names() == std::vector<std::string>{"outlook", "temp C", "humidity"});
  CHECK(d.features[0].nominal);
  CHECK(d.features[0].cardinality == 3u);
  CHECK(d.features[0].values[2] == "rainy day");
  CHECK_FALSE(d.features[1].nominal);
  CHECK(d.rows[0] == std::vector<float>{0.0f, 85.0f, 85.0f});
  CHECK(d.rows[1][0] == 2.0f);
  CHECK(d.rows[1][1] == 70.5f);
  CHECK(std::isnan(d.rows[1][2]));
  CHECK(std::isnan(d.rows[2][1]));

  arff_options o;
  o.target = "humidity";
  const dataset r = read_arff(write_text("b.arff",
                                         "@relation r\n@attribute a numeric\n@attribute humidity numeric\n"
                                         "@attribute c {x,y}\n@data\n1,2,y\n3,4,x\n"),
                              o);
  CHECK(r.task == task_kind::regression);
  CHECK(r.targets == std::vector<double>{2, 4});
  CHECK(r.rows[0] == std::vector<float>{1.0f, 1.0f});
  o.target = "2";
  CHECK(read_arff(write_text("c.arff", "@relation r\n@attribute a numeric\n@attribute b numeric\n"
                                       "@attribute c {x,y}\n@data\n1,2,y\n"),
                  o)
            .class_names == std::vector<std::string>{"x", "y"});
}

TEST_CASE("csv and arff: double rows keep values that float rounds", "[host][csv][arff]") {
  // 1e8 + 0.25 is exact in double; float has spacing 8 there and stores 1e8.
  const auto csv = write_text("precise.csv", "x,y\n100000000.25,a\n0.1,b\n?,a\n");
  const basic_dataset<double> d = read_csv<double>(csv);
  const dataset f = read_csv(csv);
  REQUIRE(d.size() == 3u);
  CHECK(d.rows[0][0] == 100000000.25);
  CHECK(d.rows[1][0] == 0.1);
  CHECK(std::isnan(d.rows[2][0]));
  CHECK(f.rows[0][0] == 1.0e8f);
  CHECK(d.class_names == f.class_names);
  CHECK(d.targets == f.targets);

  const auto arff = write_text("precise.arff", "@relation r\n@attribute x numeric\n@attribute c {u,v}\n@data\n"
                                               "100000000.25,v\n?,u\n");
  const basic_dataset<double> a = read_arff<double>(arff);
  REQUIRE(a.size() == 2u);
  CHECK(a.rows[0][0] == 100000000.25);
  CHECK(std::isnan(a.rows[1][0]));
  CHECK(a.targets == std::vector<double>{1, 0});
  CHECK(read_arff(arff).rows[0][0] == 1.0e8f);
}

#if defined(__cpp_exceptions)
TEST_CASE("arff: malformed files name the file, line and column", "[host][arff]") {
  const std::string head = "@relation r\n@attribute a numeric\n@attribute c {x,y}\n@data\n";
  const auto bad_value = write_text("bad1.arff", head + "1,x\n2,z\n");
  const std::string m = error_of([&] { read_arff(bad_value); });
  CHECK(contains(m, bad_value + ":6:3:"));
  CHECK(contains(m, "'z' is not a value of nominal attribute 'c'"));

  const auto bad_num = write_text("bad2.arff", head + "1,x\n  abc,y\n");
  CHECK(contains(error_of([&] { read_arff(bad_num); }), bad_num + ":6:3: attribute 'a': 'abc' is not a number"));

  const auto few = write_text("bad3.arff", head + "1\n");
  CHECK(contains(error_of([&] { read_arff(few); }), few + ":5:2: expected 2 values, found 1"));

  const auto many = write_text("bad4.arff", head + "1,x,3\n");
  CHECK(contains(error_of([&] { read_arff(many); }), many + ":5:4: more than 2 values"));

  const auto type = write_text("bad5.arff", "@relation r\n@attribute a string\n");
  CHECK(contains(error_of([&] { read_arff(type); }), type + ":2:14: unsupported attribute type 'string'"));

  const auto missing_target = write_text("bad6.arff", head + "1,?\n");
  CHECK(contains(error_of([&] { read_arff(missing_target); }), missing_target + ":5:3: missing target value"));

  const auto sparse = write_text("bad7.arff", head + "{0 1, 1 x}\n");
  CHECK(contains(error_of([&] { read_arff(sparse); }), sparse + ":5:1: sparse"));

  const auto nodata = write_text("bad8.arff", "@relation r\n@attribute a numeric\n");
  CHECK(contains(error_of([&] { read_arff(nodata); }), "no @data section"));

  const auto keyword = write_text("bad9.arff", "@relation r\n  @attribut a numeric\n");
  CHECK(contains(error_of([&] { read_arff(keyword); }), keyword + ":2:3: unknown keyword '@attribut'"));
}
#endif

TEST_CASE("idx: plain uint8 images and labels become a dataset", "[host][idx]") {
  // 3 images of 2x2 pixels, labels 1, 0, 2.
  const std::vector<unsigned char> pixels = {0, 255, 10, 20, 1, 2, 3, 4, 200, 100, 50, 25};
  const auto images = write_bytes("img.idx", idx_bytes(0x08, {3, 2, 2}, pixels));
  const auto labels = write_bytes("lab.idx", idx_bytes(0x08, {3}, {1, 0, 2}));
  const idx_array a = read_idx(images);
  CHECK(a.shape == std::vector<std::size_t>{3, 2, 2});
  CHECK(a.data.size() == 12u);
  CHECK(a.data[1] == 255.0f);
  const dataset d = read_idx_dataset(images, labels);
  REQUIRE(d.size() == 3u);
  CHECK(d.feature_count() == 4u);
  CHECK(d.class_names == std::vector<std::string>{"0", "1", "2"});
  CHECK(d.targets == std::vector<double>{1, 0, 2});
  CHECK(d.rows[2] == std::vector<float>{200.0f, 100.0f, 50.0f, 25.0f});

  // Big-endian int16 and float32 values.
  const auto i16 = write_bytes("i16.idx", idx_bytes(0x0B, {2}, {0xFF, 0xFE, 0x01, 0x00}));
  CHECK(read_idx(i16).data == std::vector<float>{-2.0f, 256.0f});
  const auto f32 = write_bytes("f32.idx", idx_bytes(0x0D, {1}, {0x3F, 0xC0, 0x00, 0x00}));
  CHECK(read_idx(f32).data == std::vector<float>{1.5f});
}

#if defined(__cpp_exceptions)
TEST_CASE("idx: malformed files name the file and byte offset", "[host][idx]") {
  const auto truncated = write_bytes("t.idx", idx_bytes(0x08, {2, 3}, {1, 2, 3, 4, 5}));
  CHECK(contains(error_of([&] { read_idx(truncated); }), truncated + ": byte 17: truncated data: expected 18 bytes"));
  const auto trailing = write_bytes("tr.idx", idx_bytes(0x08, {2}, {1, 2, 3}));
  CHECK(contains(error_of([&] { read_idx(trailing); }), trailing + ": byte 10: 1 unexpected trailing bytes"));
  auto bad = idx_bytes(0x08, {1}, {1});
  bad[2] = 0x07;
  const auto type = write_bytes("ty.idx", bad);
  CHECK(contains(error_of([&] { read_idx(type); }), type + ": byte 2: unknown IDX type byte 7"));
  bad[2] = 0x08;
  bad[1] = 8;
  const auto magic = write_bytes("mg.idx", bad);
  CHECK(contains(error_of([&] { read_idx(magic); }), magic + ": byte 1: bad magic"));
  const auto images = write_bytes("img2.idx", idx_bytes(0x08, {2, 1}, {1, 2}));
  const auto labels = write_bytes("lab2.idx", idx_bytes(0x08, {3}, {1, 0, 2}));
  CHECK(contains(error_of([&] { read_idx_dataset(images, labels); }), "label count 3 differs from image count 2"));
}
#endif

#if defined(EDGELOOP_HOST_ZLIB)
TEST_CASE("idx: gzip-compressed files read like plain ones", "[host][idx]") {
  const std::vector<unsigned char> pixels = {9, 8, 7, 6, 5, 4};
  const auto plain_bytes = idx_bytes(0x08, {2, 3}, pixels);
  const auto plain = write_bytes("p.idx", plain_bytes);
  const std::string gz = (temp_dir() / "p.idx.gz").string();
  gzFile f = gzopen(gz.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(gzwrite(f, plain_bytes.data(), static_cast<unsigned>(plain_bytes.size())) ==
          static_cast<int>(plain_bytes.size()));
  REQUIRE(gzclose(f) == Z_OK);
  const idx_array a = read_idx(plain);
  const idx_array b = read_idx(gz);
  CHECK(b.shape == a.shape);
  CHECK(b.data == a.data);
  CHECK(b.data[5] == 4.0f);
#if defined(__cpp_exceptions)
  // A gzip stream cut in half.
  std::ifstream in(gz, std::ios::binary);
  std::vector<unsigned char> z((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  z.resize(z.size() / 2);
  const auto cut = write_bytes("cut.idx.gz", z);
  CHECK(contains(error_of([&] { read_idx(cut); }), cut + ": byte "));
  CHECK(contains(error_of([&] { read_idx(cut); }), "gzip"));
#endif
}
#endif
