#pragma once
/// Host only. to_source(tree, name): C++ source of a flat_tree as constexpr arrays, to paste
/// into firmware (the tree then lives in flash and is built at compile time):
///
///   // edgeloop flat_tree: 2 nodes, 3 leaves
///   static constexpr edgeloop::flat_tree<float, 2, 2>::node rain_nodes[] = {
///       {0.5f, 0, 1, -1},
///       {0.25f, 1, -2, -3},
///   };
///   static constexpr edgeloop::class_label rain_leaves[] = {2, 0, 1};
///   static constexpr edgeloop::flat_tree<float, 2, 2> rain(rain_nodes, rain_leaves);
///
/// The generated type's MaxNodes is the tree's node_count() (the smallest that holds it),
/// unless max_nodes is given. Float values print with 9 significant digits (17 for
/// double), which read back to the same value; int16 trees also print their grid.
/// May allocate and throw (std::invalid_argument when max_nodes < node_count()).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "../tree/flat_tree.hpp"
#include "dataset.hpp"  // detail::fail: throws, or prints and aborts without exceptions

namespace edgeloop::host {

namespace detail {

template <class T>
std::string type_name() {
  if constexpr (std::is_same_v<T, float>) return "float";
  else if constexpr (std::is_same_v<T, double>) return "double";
  else if constexpr (std::is_same_v<T, long double>) return "long double";
  else if constexpr (std::is_same_v<T, class_label>) return "edgeloop::class_label";
  else if constexpr (std::is_same_v<T, std::int16_t>) return "std::int16_t";
  else if constexpr (std::is_same_v<T, std::int32_t>) return "std::int32_t";
  else if constexpr (std::is_same_v<T, std::uint8_t>) return "std::uint8_t";
  else static_assert(sizeof(T) == 0, "to_source: unsupported flat_tree value type");
}

/// A literal of type T that reads back as exactly v.
template <class T>
std::string literal(T v) {
  if constexpr (std::is_floating_point_v<T>) {
    char buffer[64];
    const int digits = std::is_same_v<T, float> ? 9 : 17;
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, static_cast<double>(v));
    std::string s = buffer;
    if (s.find_first_of(".e") == std::string::npos) s += ".0";
    if constexpr (std::is_same_v<T, float>) s += "f";
    if constexpr (std::is_same_v<T, long double>) s += "L";
    return s;
  } else {
    return std::to_string(static_cast<long long>(v));
  }
}

}  // namespace detail

template <scalar Scalar, std::size_t Features, std::size_t MaxNodes, class Output, class Threshold>
std::string to_source(const flat_tree<Scalar, Features, MaxNodes, Output, Threshold>& tree, const std::string& name,
                      std::size_t max_nodes = 0) {
  using tree_type = flat_tree<Scalar, Features, MaxNodes, Output, Threshold>;
  const std::size_t capacity = max_nodes == 0 ? tree.node_count() : max_nodes;
  if (capacity < tree.node_count()) detail::fail(std::invalid_argument("to_source: max_nodes below node_count()"));
  std::string type = "edgeloop::flat_tree<" + detail::type_name<Scalar>() + ", " + std::to_string(Features) + ", " +
                     std::to_string(capacity);
  const bool default_output = std::is_same_v<Output, class_label>;
  if (!default_output || tree_type::quantized) type += ", " + detail::type_name<Output>();
  if (tree_type::quantized) type += ", std::int16_t";
  type += ">";

  std::string out = "// edgeloop flat_tree: " + std::to_string(tree.node_count()) + " nodes, " +
                    std::to_string(tree.leaf_count()) + " leaves\n";
  out += "static constexpr " + type + "::node " + name + "_nodes[] = {\n";
  for (const auto& n : tree.nodes())
    out += "    {" + detail::literal(n.threshold) + ", " + std::to_string(n.feature) + ", " + std::to_string(n.left) +
           ", " + std::to_string(n.right) + "},\n";
  out += "};\n";
  out += "static constexpr " + detail::type_name<Output>() + " " + name + "_leaves[] = {";
  bool first = true;
  for (const Output v : tree.leaves()) {
    out += (first ? "" : ", ") + detail::literal(v);
    first = false;
  }
  out += "};\n";
  if constexpr (tree_type::quantized) {
    const auto grid = tree.grid();
    out += "static constexpr " + type + "::quantization " + name + "_grid{{";
    for (std::size_t f = 0; f < Features; ++f) out += (f ? ", " : "") + detail::literal(grid.scale[f]);
    out += "}, {";
    for (std::size_t f = 0; f < Features; ++f) out += (f ? ", " : "") + detail::literal(grid.offset[f]);
    out += "}};\n";
    out += "static constexpr " + type + " " + name + "(" + name + "_nodes, " + name + "_leaves, " + name + "_grid);\n";
  } else {
    out += "static constexpr " + type + " " + name + "(" + name + "_nodes, " + name + "_leaves);\n";
  }
  return out;
}

}  // namespace edgeloop::host
