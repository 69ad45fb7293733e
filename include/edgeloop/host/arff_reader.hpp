#pragma once
/// Host only. read_arff / parse_arff: a Weka ARFF file (dense format) into a dataset.
///
/// Supported: @relation, @attribute NAME numeric|real|integer|{v1,v2,...}, @data; keywords
/// in any case; '%' comments (whole lines, or from a '%' outside quotes to the end of a
/// line); names and values quoted with ' or " (backslash escapes inside quotes); '?' for a
/// missing value (NaN). Nominal attributes are stored as their value index (0 .. k-1) and
/// marked nominal with their cardinality. Not supported (error): string, date and
/// relational attributes, sparse rows ({index value, ...}), instance weights.
/// Target: arff_options::target names the attribute or gives its 0-based index; empty
/// means the last attribute. A nominal target makes a classification set whose class names
/// are the declared values; a numeric target a regression set. A missing target is an
/// error. Errors throw parse_error "FILE:LINE:COLUMN: ..." (1-based).

#include <algorithm>
#include <cstddef>
#include <fstream>
#include <istream>
#include <limits>
#include <string>
#include <vector>

#include "dataset.hpp"

namespace edgeloop::host {

struct arff_options {
  std::string target;  ///< attribute name or 0-based index; empty: the last attribute
};

namespace detail {

struct arff_token {
  std::string text;
  std::size_t column;  ///< 1-based
  bool quoted;
};

/// Reads the next token at line[i...]: a quoted string, or text up to one of `stops` or
/// whitespace (when stop_at_space). Leading whitespace is skipped.
inline arff_token arff_next(const std::string& line, std::size_t& i, const std::string& stops, bool stop_at_space,
                            const std::string& file, std::size_t line_no) {
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  arff_token t{{}, i + 1, false};
  if (i < line.size() && (line[i] == '\'' || line[i] == '"')) {
    const char q = line[i++];
    t.quoted = true;
    while (true) {
      if (i >= line.size()) detail::fail(parse_error(file, line_no, t.column, "unterminated quoted value"));
      const char ch = line[i++];
      if (ch == q) break;
      if (ch == '\\' && i < line.size()) {
        const char e = line[i++];
        t.text += e == 'n' ? '\n' : e == 't' ? '\t' : e;
      } else {
        t.text += ch;
      }
    }
    return t;
  }
  while (i < line.size() && stops.find(line[i]) == std::string::npos &&
         !(stop_at_space && (line[i] == ' ' || line[i] == '\t')))
    t.text += line[i++];
  t.text = trim(t.text);
  return t;
}

/// Removes a '%' comment that starts outside quotes.
inline std::string arff_strip_comment(const std::string& line) {
  char quote = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char ch = line[i];
    if (quote) {
      if (ch == '\\') ++i;
      else if (ch == quote) quote = 0;
    } else if (ch == '\'' || ch == '"') {
      quote = ch;
    } else if (ch == '%') {
      return line.substr(0, i);
    }
  }
  return line;
}

inline void arff_skip_space(const std::string& line, std::size_t& i) {
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
}

}  // namespace detail

/// Parses ARFF text from `in`; `name` is used in error messages. Scalar: the rows' type.
template <class Scalar = float>
basic_dataset<Scalar> parse_arff(std::istream& in, const std::string& name, const arff_options& options = {}) {
  std::vector<feature_info> attrs;
  std::string raw;
  std::size_t line_no = 0;
  bool in_data = false;
  bool have_target = false;
  std::size_t target = 0;
  basic_dataset<Scalar> out;

  auto choose_target = [&](std::size_t at_line) {
    if (attrs.size() < 2) detail::fail(parse_error(name, at_line, 1, "need at least two attributes before @data"));
    if (options.target.empty()) {
      target = attrs.size() - 1;
    } else {
      auto it = std::find_if(attrs.begin(), attrs.end(), [&](const feature_info& f) { return f.name == options.target; });
      double idx = 0;
      if (it != attrs.end())
        target = static_cast<std::size_t>(it - attrs.begin());
      else if (detail::parse_number(options.target, idx) && idx >= 0 && idx == static_cast<double>(static_cast<std::size_t>(idx)) &&
               idx < static_cast<double>(attrs.size()))
        target = static_cast<std::size_t>(idx);
      else
        detail::fail(parse_error(name, "target attribute '" + options.target + "' not found"));
    }
    for (std::size_t a = 0; a < attrs.size(); ++a)
      if (a != target) out.features.push_back(attrs[a]);
    out.target_name = attrs[target].name;
    if (attrs[target].nominal) {
      out.task = task_kind::classification;
      out.class_names = attrs[target].values;
    } else {
      out.task = task_kind::regression;
    }
    have_target = true;
  };

  while (std::getline(in, raw)) {
    ++line_no;
    if (!raw.empty() && raw.back() == '\r') raw.pop_back();
    const std::string line = detail::arff_strip_comment(raw);
    if (detail::trim(line).empty()) continue;
    std::size_t i = 0;
    detail::arff_skip_space(line, i);
    if (!in_data) {
      if (line[i] != '@') detail::fail(parse_error(name, line_no, i + 1, "expected @relation, @attribute or @data"));
      const std::size_t kw_col = i + 1;
      std::string keyword;
      while (i < line.size() && line[i] != ' ' && line[i] != '\t') keyword += line[i++];
      keyword = detail::lower(keyword);
      if (keyword == "@relation") continue;
      if (keyword == "@data") {
        choose_target(line_no);
        in_data = true;
        continue;
      }
      if (keyword != "@attribute") detail::fail(parse_error(name, line_no, kw_col, "unknown keyword '" + keyword + "'"));
      const auto attr = detail::arff_next(line, i, "{", true, name, line_no);
      if (attr.text.empty()) detail::fail(parse_error(name, line_no, attr.column, "missing attribute name"));
      detail::arff_skip_space(line, i);
      feature_info f;
      f.name = attr.text;
      const std::size_t type_col = i + 1;
      if (i < line.size() && line[i] == '{') {
        ++i;
        while (true) {
          auto v = detail::arff_next(line, i, ",}", false, name, line_no);
          if (v.text.empty() && !v.quoted) detail::fail(parse_error(name, line_no, v.column, "empty nominal value"));
          f.values.push_back(v.text);
          detail::arff_skip_space(line, i);
          if (i >= line.size()) detail::fail(parse_error(name, line_no, i + 1, "missing '}' in nominal specification"));
          if (line[i] == '}') {
            ++i;
            break;
          }
          ++i;  // ','
        }
        f.nominal = true;
        f.cardinality = f.values.size();
      } else {
        std::string type;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t') type += line[i++];
        type = detail::lower(type);
        if (type != "numeric" && type != "real" && type != "integer")
          detail::fail(parse_error(name, line_no, type_col,
                            type.empty() ? std::string("missing attribute type")
                                         : "unsupported attribute type '" + type + "' (numeric, real, integer or {nominal})"));
      }
      detail::arff_skip_space(line, i);
      if (i < line.size()) detail::fail(parse_error(name, line_no, i + 1, "unexpected text after the attribute type"));
      attrs.push_back(std::move(f));
      continue;
    }
    // A data row.
    if (line[i] == '{') detail::fail(parse_error(name, line_no, i + 1, "sparse ARFF rows are not supported"));
    std::vector<Scalar> row;
    row.reserve(attrs.size() - 1);
    double y = 0;
    for (std::size_t a = 0; a < attrs.size(); ++a) {
      const auto tok = detail::arff_next(line, i, ",", false, name, line_no);
      const feature_info& f = attrs[a];
      double v = 0;
      const bool missing = !tok.quoted && tok.text == "?";
      if (missing) {
        if (a == target) detail::fail(parse_error(name, line_no, tok.column, "missing target value"));
        v = std::numeric_limits<double>::quiet_NaN();
      } else if (f.nominal) {
        const auto it = std::find(f.values.begin(), f.values.end(), tok.text);
        if (it == f.values.end())
          detail::fail(parse_error(name, line_no, tok.column, "'" + tok.text + "' is not a value of nominal attribute '" + f.name + "'"));
        v = static_cast<double>(it - f.values.begin());
      } else if (!detail::parse_number(tok.text, v)) {
        detail::fail(parse_error(name, line_no, tok.column, "attribute '" + f.name + "': '" + tok.text + "' is not a number"));
      }
      if (a == target) y = v;
      else row.push_back(static_cast<Scalar>(v));
      detail::arff_skip_space(line, i);
      if (a + 1 < attrs.size()) {
        if (i >= line.size() || line[i] != ',')
          detail::fail(parse_error(name, line_no, i + 1,
                            "expected " + std::to_string(attrs.size()) + " values, found " + std::to_string(a + 1)));
        ++i;
      } else if (i < line.size()) {
        detail::fail(parse_error(name, line_no, i + 1,
                          line[i] == ',' ? "more than " + std::to_string(attrs.size()) + " values"
                                         : std::string("unexpected text after the last value")));
      }
    }
    out.rows.push_back(std::move(row));
    out.targets.push_back(y);
  }
  if (!have_target) detail::fail(parse_error(name, "no @data section"));
  return out;
}

/// Reads the ARFF file at `path` (see parse_arff).
template <class Scalar = float>
basic_dataset<Scalar> read_arff(const std::string& path, const arff_options& options = {}) {
  std::ifstream in(path);
  if (!in) detail::fail(parse_error(path, "cannot open file"));
  return parse_arff<Scalar>(in, path, options);
}

}  // namespace edgeloop::host
