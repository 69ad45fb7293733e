// Entry point of the board benchmark image: runs every TARGET_BENCH case (one JSON line
// each, over semihosting) and exits with 0.
#include "target_bench.hpp"

int main() {
  edgeloop::bench::run_all();
  edgeloop::platform::console().flush();
  return 0;
}
