// Built against an installed edgeloop by scripts/consumer-check.
#include <edgeloop/edgeloop.hpp>

int main() {
  edgeloop::rng r(1);
  edgeloop::ring_buffer<float, 4> window;
  for (int i = 0; i < 6; ++i) window.push(r.uniform<float>());
  return window.size() == 4 && edgeloop::version_major == 0 ? 0 : 1;
}
