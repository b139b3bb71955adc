// SPDX-License-Identifier: MIT
// fascia compare's output formats (src/cli/compare_table.hpp, docs/cli.md).
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>

#include "cli/compare_table.hpp"
#include "fascia/core/error.hpp"

using namespace fascia::cli;

namespace {

std::vector<ComparisonRun> runs(int n) {
  std::vector<ComparisonRun> out;
  for (int i = 0; i < n; ++i)
    out.push_back({"run_number_" + std::to_string(i), "compression_passive_shear", "complete", "",
                   {{"residual_slip_m", 1.0 / 3.0 * (i + 1)}, {"peak_dense_strain", 0.1}}});
  out[0].metrics.erase("peak_dense_strain");  // does not apply to run 0
  return out;
}

}  // namespace

TEST(CompareTable, EveryLineFitsTheWidthAndEveryRunAndMetricIsShown) {
  const auto r = runs(9);  // 9 runs of ~25 characters: ~250 columns side by side
  const std::string text = comparison_table(r, {"peak_dense_strain", "residual_slip_m"}, 120);
  std::istringstream in(text);
  std::size_t longest = 0, headers = 0;
  for (std::string line; std::getline(in, line);) {
    longest = std::max(longest, line.size());
    headers += line.rfind("metric ", 0) == 0;
  }
  EXPECT_LE(longest, 120u);
  EXPECT_GE(headers, 2u);  // continued in further blocks
  for (const auto& run : r) EXPECT_NE(text.find(run.name), std::string::npos) << run.name;
  EXPECT_NE(text.find("residual_slip_m    m    "), std::string::npos);  // unit column from the name
  EXPECT_NE(text.find(" -"), std::string::npos);                 // metric that does not apply
}

TEST(CompareTable, CsvAndJsonKeepEveryDigit) {
  const auto r = runs(2);
  const std::string csv = comparison_csv(r, {"residual_slip_m", "peak_dense_strain"});
  EXPECT_EQ(csv,
            "run,protocol,status,residual_slip_m,peak_dense_strain\n"
            "run_number_0,compression_passive_shear,complete,0.3333333333333333,\n"
            "run_number_1,compression_passive_shear,complete,0.6666666666666666,0.1\n");
  const std::string json = comparison_json(r, {"peak_dense_strain"});
  EXPECT_NE(json.find("\"peak_dense_strain\": null"), std::string::npos);
  EXPECT_NE(json.find("\"units\": {\"peak_dense_strain\": \"1\"}"), std::string::npos);
}

TEST(CompareTable, BadOptionsNameTheOption) {
  EXPECT_EQ(parse_table_format("csv"), TableFormat::csv);
  try {
    parse_table_format("xml");
    FAIL() << "no error";
  } catch (const fascia::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--format"), std::string::npos);
  }
  try {
    select_metrics({"a_m", "b_s"}, {"c"});
    FAIL() << "no error";
  } catch (const fascia::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--columns"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("a_m, b_s"), std::string::npos);
  }
  EXPECT_EQ(select_metrics({"a_m", "b_s"}, {}), (std::vector<std::string>{"a_m", "b_s"}));
}
