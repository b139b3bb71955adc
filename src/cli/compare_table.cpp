// SPDX-License-Identifier: MIT
/// @file fascia compare's table, CSV and JSON (compare_table.hpp).
#include "cli/compare_table.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "fascia/core/error.hpp"
#include "fascia/io/units.hpp"

namespace fascia::cli {

namespace {

/// Four significant digits: what a person compares at a glance.
std::string short_number(double v) {
  if (std::isnan(v)) return "nan";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

/// Shortest text that reads back as the same double (CSV and JSON keep every bit).
std::string exact_number(double v) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

std::optional<double> metric(const ComparisonRun& r, const std::string& name) {
  const auto it = r.metrics.find(name);
  if (it == r.metrics.end()) return std::nullopt;
  return it->second;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string json_number(std::optional<double> v) {
  return v && std::isfinite(*v) ? exact_number(*v) : "null";
}

}  // namespace

TableFormat parse_table_format(const std::string& text) {
  if (text == "table") return TableFormat::table;
  if (text == "csv") return TableFormat::csv;
  if (text == "json") return TableFormat::json;
  throw InputError("--format", "value \"" + text + "\" is not one of table, csv, json");
}

std::vector<std::string> select_metrics(const std::vector<std::string>& available,
                                        const std::vector<std::string>& columns) {
  if (columns.empty()) return available;
  for (const auto& c : columns) {
    if (std::find(available.begin(), available.end(), c) == available.end()) {
      std::string names;
      for (const auto& a : available) names += (names.empty() ? "" : ", ") + a;
      throw InputError("--columns", "no metric \"" + c + "\" in these runs; allowed: " + names);
    }
  }
  return columns;
}

std::string comparison_table(const std::vector<ComparisonRun>& runs, const std::vector<std::string>& metrics,
                             std::size_t width) {
  // Column 0: row labels (metric names); column 1: units; then one column per run.
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"metric", "unit"});
  rows.push_back({"protocol", ""});
  rows.push_back({"status", ""});
  for (const auto& m : metrics) rows.push_back({m, io::ucum_unit(m)});
  for (const auto& r : runs) {
    rows[0].push_back(r.name);
    rows[1].push_back(r.protocol);
    rows[2].push_back(r.status);
    for (std::size_t i = 0; i < metrics.size(); ++i) {
      const auto v = metric(r, metrics[i]);
      rows[3 + i].push_back(v ? short_number(*v) : "-");
    }
  }
  std::vector<std::size_t> w(rows[0].size(), 0);
  for (const auto& row : rows)
    for (std::size_t j = 0; j < row.size(); ++j) w[j] = std::max(w[j], row[j].size());

  // Blocks of run columns, each as wide as fits (at least one run per block).
  std::ostringstream os;
  std::size_t first = 2;
  while (first < w.size()) {
    std::size_t last = first, line = w[0] + 2 + w[1];
    while (last < w.size() && (last == first || line + 2 + w[last] <= width)) line += 2 + w[last++];
    if (first > 2) os << "\n";
    for (std::size_t i = 0; i < rows.size(); ++i) {
      std::string text = rows[i][0] + std::string(w[0] - rows[i][0].size(), ' ') + "  " + rows[i][1] +
                         std::string(w[1] - rows[i][1].size(), ' ');
      for (std::size_t j = first; j < last; ++j) text += "  " + std::string(w[j] - rows[i][j].size(), ' ') + rows[i][j];
      while (!text.empty() && text.back() == ' ') text.pop_back();
      os << text << "\n";
      if (i == 0) {
        std::string rule = std::string(w[0], '-') + "  " + std::string(w[1], '-');
        for (std::size_t j = first; j < last; ++j) rule += "  " + std::string(w[j], '-');
        os << rule << "\n";
      }
    }
    first = last;
  }
  return os.str();
}

std::string comparison_csv(const std::vector<ComparisonRun>& runs, const std::vector<std::string>& metrics) {
  std::ostringstream os;
  os << "run,protocol,status";
  for (const auto& m : metrics) os << "," << csv_field(m);
  os << "\n";
  for (const auto& r : runs) {
    os << csv_field(r.name) << "," << csv_field(r.protocol) << "," << csv_field(r.status);
    for (const auto& m : metrics) {
      const auto v = metric(r, m);
      os << "," << (v ? exact_number(*v) : "");
    }
    os << "\n";
  }
  return os.str();
}

std::string comparison_json(const std::vector<ComparisonRun>& runs, const std::vector<std::string>& metrics) {
  std::ostringstream os;
  os << "{\n  \"runs\": [";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto& r = runs[i];
    os << (i ? "," : "") << "\n    {\"name\": " << json_string(r.name) << ", \"protocol\": " << json_string(r.protocol)
       << ", \"status\": " << json_string(r.status) << ", \"message\": " << json_string(r.message)
       << ",\n     \"metrics\": {";
    for (std::size_t j = 0; j < metrics.size(); ++j)
      os << (j ? ", " : "") << json_string(metrics[j]) << ": " << json_number(metric(r, metrics[j]));
    os << "}}";
  }
  os << "\n  ],\n  \"units\": {";
  for (std::size_t j = 0; j < metrics.size(); ++j)
    os << (j ? ", " : "") << json_string(metrics[j]) << ": " << json_string(io::ucum_unit(metrics[j]));
  os << "}\n}\n";
  return os.str();
}

}  // namespace fascia::cli
