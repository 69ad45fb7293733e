#pragma once
/// Host only. read_csv / parse_csv: a delimited text table into a dataset.
///
/// - Optional header row (column names; without it columns are named "c0", "c1", ...).
/// - Fields may be double-quoted ("a,b", "" for a quote); quoted fields cannot span lines.
/// - Every column but the target must be numeric; the tokens in csv_options::missing
///   (default: empty, "?", "NA", "nan", "NaN") read as NaN.
/// - Target: csv_options::target names the column (header name), or gives its 0-based
///   index; empty means the last column.
/// - Task: classification when the options say so, or (automatic) when some target value
///   is not a number or every target value is an integer; regression otherwise.
///   Classification targets become class indices: from csv_options::class_names when
///   given (values outside the list are errors), else non-numeric values in order of first
///   appearance and integer values in increasing numeric order.
/// Errors throw parse_error "FILE:LINE:COLUMN: ..." (1-based; the column is the character
/// position where the offending field starts).

#include <algorithm>
#include <cstddef>
#include <fstream>
#include <istream>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "dataset.hpp"

namespace edgeloop::host {

/// How read_csv decides the task.
enum class csv_task : std::uint8_t { automatic, classification, regression };

struct csv_options {
  char delimiter = ',';
  bool has_header = true;
  std::string target;                    ///< column name or 0-based index; empty: last column
  csv_task task = csv_task::automatic;
  std::vector<std::string> class_names;  ///< fixed class list (classification), optional
  std::vector<std::string> missing = {"", "?", "NA", "nan", "NaN"};
};

namespace detail {

struct csv_field {
  std::string text;
  std::size_t column;  ///< 1-based character position of the field's first character
};

/// Splits one line into fields; throws on an unterminated quote or text after a quote.
inline std::vector<csv_field> split_csv_line(const std::string& line, char delimiter, const std::string& file,
                                             std::size_t line_no) {
  std::vector<csv_field> fields;
  std::size_t i = 0;
  const std::size_t n = line.size();
  while (true) {
    while (i < n && (line[i] == ' ' || line[i] == '\t') && line[i] != delimiter) ++i;
    csv_field f{{}, i + 1};
    if (i < n && line[i] == '"') {
      ++i;
      bool closed = false;
      while (i < n) {
        if (line[i] == '"') {
          if (i + 1 < n && line[i + 1] == '"') {
            f.text += '"';
            i += 2;
          } else {
            closed = true;
            ++i;
            break;
          }
        } else {
          f.text += line[i++];
        }
      }
      if (!closed) detail::fail(parse_error(file, line_no, f.column, "unterminated quoted field"));
      while (i < n && (line[i] == ' ' || line[i] == '\t') && line[i] != delimiter) ++i;
      if (i < n && line[i] != delimiter)
        detail::fail(parse_error(file, line_no, i + 1, "unexpected text after a quoted field"));
    } else {
      const std::size_t start = i;
      while (i < n && line[i] != delimiter) ++i;
      f.text = trim(line.substr(start, i - start));
    }
    fields.push_back(std::move(f));
    if (i >= n) break;
    ++i;  // the delimiter
  }
  return fields;
}

inline bool is_integer_value(double v) {
  return std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9.0e15;
}

}  // namespace detail

/// Parses CSV text from `in`; `name` is used in error messages. Scalar: the rows' type.
template <class Scalar = float>
basic_dataset<Scalar> parse_csv(std::istream& in, const std::string& name, const csv_options& options = {}) {
  basic_dataset<Scalar> out;
  std::string line;
  std::size_t line_no = 0;
  std::size_t columns = 0;
  std::vector<std::string> header;
  std::size_t target = 0;
  bool have_layout = false;
  std::vector<std::string> raw_targets;
  std::vector<std::pair<std::size_t, std::size_t>> target_pos;  // line, column of each target

  auto set_layout = [&](std::size_t ncols, std::size_t at_line) {
    columns = ncols;
    if (columns < 2) detail::fail(parse_error(name, at_line, 1, "need at least two columns (features and a target)"));
    if (header.empty())
      for (std::size_t c = 0; c < columns; ++c) header.push_back("c" + std::to_string(c));
    if (options.target.empty()) {
      target = columns - 1;
    } else {
      const auto it = std::find(header.begin(), header.end(), options.target);
      double idx = 0;
      if (it != header.end()) {
        target = static_cast<std::size_t>(it - header.begin());
      } else if (detail::parse_number(options.target, idx) && detail::is_integer_value(idx) && idx >= 0 &&
                 idx < static_cast<double>(columns)) {
        target = static_cast<std::size_t>(idx);
      } else {
        detail::fail(parse_error(name, "target column '" + options.target + "' not found (" + std::to_string(columns) +
                                    " columns)"));
      }
    }
    for (std::size_t c = 0; c < columns; ++c)
      if (c != target) out.features.push_back(feature_info{header[c], false, 0, {}});
    out.target_name = header[target];
    have_layout = true;
  };

  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (detail::trim(line).empty()) continue;
    auto fields = detail::split_csv_line(line, options.delimiter, name, line_no);
    if (!have_layout && options.has_header && header.empty()) {
      for (auto& f : fields) header.push_back(f.text);
      set_layout(fields.size(), line_no);
      continue;
    }
    if (!have_layout) set_layout(fields.size(), line_no);
    if (fields.size() != columns)
      detail::fail(parse_error(name, line_no, fields.size() > columns ? fields[columns].column : line.size() + 1,
                        "expected " + std::to_string(columns) + " fields, found " + std::to_string(fields.size())));
    std::vector<Scalar> row;
    row.reserve(columns - 1);
    for (std::size_t c = 0; c < columns; ++c) {
      if (c == target) continue;
      const std::string& t = fields[c].text;
      double v = 0;
      if (std::find(options.missing.begin(), options.missing.end(), t) != options.missing.end()) {
        row.push_back(std::numeric_limits<Scalar>::quiet_NaN());
      } else if (detail::parse_number(t, v)) {
        row.push_back(static_cast<Scalar>(v));
      } else {
        detail::fail(parse_error(name, line_no, fields[c].column,
                          "column '" + header[c] + "': '" + t + "' is not a number"));
      }
    }
    out.rows.push_back(std::move(row));
    raw_targets.push_back(fields[target].text);
    target_pos.emplace_back(line_no, fields[target].column);
  }
  if (!have_layout) detail::fail(parse_error(name, "no data (empty file)"));

  // Decide the task and map the targets.
  std::vector<double> numeric(raw_targets.size(), 0.0);
  bool all_numeric = true;
  bool all_integer = true;
  for (std::size_t i = 0; i < raw_targets.size(); ++i) {
    if (!detail::parse_number(raw_targets[i], numeric[i])) {
      all_numeric = false;
      all_integer = false;
    } else if (!detail::is_integer_value(numeric[i])) {
      all_integer = false;
    }
  }
  bool classify = options.task == csv_task::classification ||
                  (options.task == csv_task::automatic && (!all_numeric || all_integer || !options.class_names.empty()));
  out.targets.resize(raw_targets.size());
  if (!classify) {
    out.task = task_kind::regression;
    for (std::size_t i = 0; i < raw_targets.size(); ++i)
      if (!detail::parse_number(raw_targets[i], out.targets[i]))
        detail::fail(parse_error(name, target_pos[i].first, target_pos[i].second,
                          "regression target '" + raw_targets[i] + "' is not a number"));
    return out;
  }
  out.task = task_kind::classification;
  if (!options.class_names.empty()) {
    out.class_names = options.class_names;
    for (std::size_t i = 0; i < raw_targets.size(); ++i) {
      const auto it = std::find(out.class_names.begin(), out.class_names.end(), raw_targets[i]);
      if (it == out.class_names.end())
        detail::fail(parse_error(name, target_pos[i].first, target_pos[i].second,
                          "class '" + raw_targets[i] + "' is not in the given class list"));
      out.targets[i] = static_cast<double>(it - out.class_names.begin());
    }
  } else if (all_integer && !raw_targets.empty()) {
    std::map<double, std::size_t> index;
    std::map<double, std::string> first_name;
    for (std::size_t i = 0; i < raw_targets.size(); ++i) {
      index.emplace(numeric[i], 0);
      first_name.emplace(numeric[i], raw_targets[i]);
    }
    std::size_t k = 0;
    for (auto& [value, idx] : index) {
      idx = k++;
      out.class_names.push_back(first_name[value]);
    }
    for (std::size_t i = 0; i < raw_targets.size(); ++i) out.targets[i] = static_cast<double>(index[numeric[i]]);
  } else {
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < raw_targets.size(); ++i) {
      const auto [it, inserted] = index.emplace(raw_targets[i], out.class_names.size());
      if (inserted) out.class_names.push_back(raw_targets[i]);
      out.targets[i] = static_cast<double>(it->second);
    }
  }
  if (out.class_names.size() > 65535u) detail::fail(parse_error(name, "more than 65535 classes"));
  return out;
}

/// Reads the CSV file at `path` (see parse_csv).
template <class Scalar = float>
basic_dataset<Scalar> read_csv(const std::string& path, const csv_options& options = {}) {
  std::ifstream in(path);
  if (!in) detail::fail(parse_error(path, "cannot open file"));
  return parse_csv<Scalar>(in, path, options);
}

}  // namespace edgeloop::host
