// SPDX-License-Identifier: MIT
#pragma once
/// @file The comparison that `fascia compare` prints (docs/cli.md): a text table that fits the
/// terminal, CSV, or JSON.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fascia::cli {

struct ComparisonRun {
  std::string name, protocol, status, message;
  std::map<std::string, double> metrics;  ///< absent = does not apply
};

enum class TableFormat { table, csv, json };

/// Parses --format; throws InputError naming --format otherwise.
TableFormat parse_table_format(const std::string& text);

/// The metrics to show: `columns` (each must be one of `available`, else InputError naming
/// --columns) or, when empty, every available metric.
std::vector<std::string> select_metrics(const std::vector<std::string>& available,
                                        const std::vector<std::string>& columns);

/// Text table with runs as columns and one row per metric (name, UCUM unit, a value per run; "-"
/// where a metric does not apply), so that every metric fits: runs that would make a line wider
/// than `width` characters continue in a further block below.
std::string comparison_table(const std::vector<ComparisonRun>& runs, const std::vector<std::string>& metrics,
                             std::size_t width);

/// One line per run: run,protocol,status,<metric>... (full precision; empty = does not apply).
std::string comparison_csv(const std::vector<ComparisonRun>& runs, const std::vector<std::string>& metrics);

/// {"runs": [{"name", "protocol", "status", "message", "metrics": {...}}], "units": {...}};
/// full precision, null = does not apply.
std::string comparison_json(const std::vector<ComparisonRun>& runs, const std::vector<std::string>& metrics);

}  // namespace fascia::cli
