// Host-only tests of host/command_line.hpp: strict number parsing and walking the
// arguments. The error path (message, usage, exit status 2) is checked by the example
// programs' CTest checks (examples/**/CMakeLists.txt), not by forking here.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "edgeloop/host/command_line.hpp"
#include "support/test.hpp"

using namespace edgeloop::host;

namespace {

constexpr std::uint64_t u64_max = std::numeric_limits<std::uint64_t>::max();

/// argv as a program receives it: argv[0] is the program, then the arguments.
struct fake_argv {
  explicit fake_argv(std::vector<std::string> args) : strings(std::move(args)) {
    strings.insert(strings.begin(), "prog");
    for (auto& s : strings) pointers.push_back(s.data());
  }
  int argc() const { return static_cast<int>(pointers.size()); }
  char** argv() { return pointers.data(); }
  std::vector<std::string> strings;
  std::vector<char*> pointers;
};

}  // namespace

TEST_CASE("parse_unsigned takes whole decimal strings within the range", "[host][command_line]") {
  CHECK(parse_unsigned("12", 0, 100) == 12u);
  CHECK(parse_unsigned("0", 0, 100) == 0u);
  CHECK(parse_unsigned("007", 0, 100) == 7u);
  CHECK(parse_unsigned("1", 1, 1) == 1u);
  CHECK(parse_unsigned("18446744073709551615", 0, u64_max) == u64_max);
  // The range is inclusive at both ends and nothing outside it passes.
  CHECK(parse_unsigned("65535", 1, 65535) == 65535u);
  CHECK_FALSE(parse_unsigned("65536", 1, 65535).has_value());
  CHECK_FALSE(parse_unsigned("0", 1, 65535).has_value());
}

TEST_CASE("parse_unsigned rejects anything that is not a whole unsigned number", "[host][command_line]") {
  for (const char* bad : {"", "12x", "x12", " 12", "12 ", "-1", "+1", "1.0", "1e3", "0x10",
                          "18446744073709551616" /* 2^64: overflows */}) {
    INFO(bad);
    CHECK_FALSE(parse_unsigned(bad, 0, u64_max).has_value());
  }
}

TEST_CASE("parse_number takes whole finite numbers within the range", "[host][command_line]") {
  CHECK(parse_number("0.5", 0, 1) == 0.5);
  CHECK(parse_number("-2.25", -3, 0) == -2.25);
  CHECK(parse_number("1e3", 0, 1e6) == 1000.0);
  CHECK(parse_number("7", 0, 10) == 7.0);
  CHECK(parse_number("0", 0, 1) == 0.0);
  CHECK(parse_number("1", 0, 1) == 1.0);
  CHECK_FALSE(parse_number("1.0001", 0, 1).has_value());
  CHECK_FALSE(parse_number("-0.0001", 0, 1).has_value());
}

TEST_CASE("parse_number rejects partial, non-finite and overflowing numbers", "[host][command_line]") {
  const double huge = std::numeric_limits<double>::max();
  for (const char* bad : {"", "12x", "0.5.", " 1", "1 ", "nan", "inf", "-inf", "1e400", "x"}) {
    INFO(bad);
    CHECK_FALSE(parse_number(bad, -huge, huge).has_value());
  }
}

TEST_CASE("command_line walks options, values and plain arguments in order", "[host][command_line]") {
  fake_argv args({"data.csv", "--epochs", "12", "--lr", "0.25", "--json", "--seeds", "1,2", "-"});
  command_line cl("prog", "usage: prog", args.argc(), args.argv());
  std::vector<std::string> seen;
  std::uint64_t epochs = 0;
  double lr = 0;
  std::vector<std::uint64_t> seeds;
  while (cl.next()) {
    const std::string a = cl.argument();
    if (a == "--epochs") {
      epochs = cl.unsigned_value(1, 1000);
    } else if (a == "--lr") {
      lr = cl.number_value(0, 1);
    } else if (a == "--seeds") {
      const std::string list = cl.value();
      seeds.push_back(cl.unsigned_from(list.substr(0, 1), 0, 9));
      seeds.push_back(cl.unsigned_from(list.substr(2), 0, 9));
    } else {
      seen.push_back(a + (cl.is_option() ? ":option" : ":plain"));
    }
  }
  CHECK(epochs == 12u);
  CHECK(lr == 0.25);
  CHECK(seeds == std::vector<std::uint64_t>{1, 2});
  // "-" alone is a plain argument (standard input by convention), not an option.
  CHECK(seen == std::vector<std::string>{"data.csv:plain", "--json:option", "-:plain"});
  CHECK_FALSE(cl.next());
}

TEST_CASE("command_line with no arguments has nothing to walk", "[host][command_line]") {
  fake_argv args({});
  command_line cl("prog", "usage: prog", args.argc(), args.argv());
  CHECK_FALSE(cl.next());
}
