// SPDX-License-Identifier: MIT
// fascia/fascia.hpp compiles on its own (this file includes it first) and includes every public
// header, so that a new header cannot be forgotten there.
#include "fascia/fascia.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#ifndef FASCIA_INCLUDE_DIR
#define FASCIA_INCLUDE_DIR "include"
#endif

TEST(UmbrellaHeader, IncludesEveryPublicHeader) {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(FASCIA_INCLUDE_DIR) / "fascia";
  std::ifstream in(root / "fascia.hpp");
  ASSERT_TRUE(in);
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string umbrella = buf.str();
  int headers = 0;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    const fs::path rel = fs::relative(e.path(), root);
    if (e.path().extension() != ".hpp" || rel == "fascia.hpp" || rel.string().find("detail") != std::string::npos)
      continue;
    ++headers;
    EXPECT_NE(umbrella.find("#include \"fascia/" + rel.generic_string() + "\""), std::string::npos)
        << "fascia/fascia.hpp does not include fascia/" << rel.generic_string();
  }
  EXPECT_GT(headers, 20);  // the scan found the headers at all
  EXPECT_STRNE(fascia::version, "");
}
