// SPDX-License-Identifier: MIT
// The scenario schema (scenario_spec.hpp): its declarations are consistent, the defaults are valid,
// to_toml round-trips through the parser, and docs/scenario.md carries the current key tables.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>
#include <variant>

#include "fascia/core/error.hpp"
#include "fascia/scenario.hpp"
#include "fascia/protocol/material_test.hpp"
#include "fascia/scenario_geometry.hpp"
#include "fascia/scenario_protocols.hpp"
#include "fascia/scenario_spec.hpp"

namespace {

using namespace fascia;

std::vector<std::string> table_names() {
  std::vector<std::string> names;
  schema::for_each_section([&](const auto& sec) { names.emplace_back(sec.name); });
  names.emplace_back("protocol");
  return names;
}

template <class S>
void expect_consistent(const std::string& table) {
  std::set<std::string_view> seen;
  for (const auto& k : schema::Schema<S>::keys()) {
    SCOPED_TRACE(table + "." + std::string(k.name));
    EXPECT_TRUE(seen.insert(k.name).second) << "key declared twice";
    EXPECT_FALSE(k.doc.empty()) << "every key has a one-line doc";
    EXPECT_EQ(k.doc.find('\n'), std::string_view::npos);
    if (const auto* r = std::get_if<schema::Range>(&k.allowed)) {
      for (auto bound : {r->lo_key, r->hi_key}) {
        if (bound.empty()) continue;
        const auto* other = schema::find<S>(bound);
        ASSERT_NE(other, nullptr) << "range bound names no key: " << bound;
        EXPECT_TRUE(std::holds_alternative<double S::*>(other->member)) << "a bound key must be a number";
      }
    }
  }
}

TEST(ScenarioSchema, DeclarationsAreConsistent) {
  schema::for_each_section([&](const auto& sec) {
    using S = std::remove_cvref_t<decltype(ScenarioSpec{}.*sec.member)>;
    expect_consistent<S>(std::string(sec.name));
  });
  expect_consistent<ProtocolSpec>("protocol");
}

/// The schema's choices of key `name` in table S.
template <class S>
std::vector<std::string_view> choices_of(std::string_view name) {
  const auto* k = schema::find<S>(name);
  if (!k) return {};
  const auto* c = std::get_if<schema::Choices>(&k->allowed);
  return c ? *c : std::vector<std::string_view>{};
}

template <std::size_t N>
std::vector<std::string_view> names(const std::array<std::string_view, N>& table) {
  return {table.begin(), table.end()};
}

// The layers below the scenario take enums; the scenario layer turns each choice into one with the
// enum's name table (schema::enum_named). A choice the schema allows and the table lacks would be
// refused after validation, one the table has and the schema lacks never reached: the two must
// hold the same names in the enum's order.
TEST(ScenarioSchema, EnumNameTablesHoldTheSchemasChoices) {
  EXPECT_EQ(names(kMatrixModelNames), choices_of<GeometrySpec>("matrix_model"));
  EXPECT_EQ(names(kSampleTissueNames), choices_of<GeometrySpec>("sample_tissue"));
  EXPECT_EQ(names(kWaterFlowNames), choices_of<WaterSpec>("flow"));
  EXPECT_EQ(names(kRuptureLawNames), choices_of<AdhesionSpec>("rupture"));
  EXPECT_EQ(names(kIndenterNames), choices_of<ProtocolSpec>("indenter"));
  const auto kinds = choices_of<ProtocolSpec>("kind");
  for (std::string_view test : kMaterialTestNames)
    EXPECT_NE(std::find(kinds.begin(), kinds.end(), test), kinds.end()) << test;
  // And each parses to its own enumerator: the position in the table is the enum's value.
  GeometrySpec g;
  g.matrix_model = "tets";
  EXPECT_EQ(slab_geometry(g).matrix_model, MatrixModel::tets);
  g.kind = "sample";
  g.sample_tissue = "hypodermis";
  EXPECT_EQ(sample_geometry(g).tissue, SampleTissue::hypodermis);
  ProtocolSpec p;
  p.name = "p";
  p.kind = "confined_compression";
  EXPECT_EQ(material_test_settings(p).mode, MaterialTestMode::confined_compression);
  p.indenter = "ellipsoid";
  EXPECT_EQ(indenter_shape(p).kind, IndenterShape::Kind::ellipsoid);
}

TEST(ScenarioSchema, DefaultsAreValidForEveryProtocolKind) {
  const auto& kinds = std::get<schema::Choices>(schema::find<ProtocolSpec>("kind")->allowed);
  ASSERT_GE(kinds.size(), 4u);
  for (auto kind : kinds) {
    SCOPED_TRACE(kind);
    ScenarioSpec spec;
    spec.protocols.push_back(ProtocolSpec{});
    spec.protocols.back().name = "p";
    spec.protocols.back().kind = std::string(kind);
    // Material tests run on a sample of one tissue (geometry.kind = "sample"), nothing else.
    if (is_material_test(kind)) spec.geometry.kind = "sample";
    EXPECT_NO_THROW(spec.validate());
  }
}

TEST(ScenarioSchema, ToTomlWritesOnlyChangedKeysAndRoundTrips) {
  ScenarioSpec spec = parse_scenario("[protocol.tap]\nkind = \"impulse\"\n");
  EXPECT_EQ(to_toml(spec), "[protocol.tap]\nkind = \"impulse\"\n");

  spec.tissue.water = 0.6;
  spec.material.dense_prony_g = {0.1, 0.25};
  spec.material.dense_prony_tau_s = {0.3, 7.0};
  spec.geometry.size_mm = {3.0, 2.0 / 3.0};
  spec.geometry.seed = 42;
  spec.geometry.layers = 2;
  spec.water.model = "biot";
  spec.ha.rule = "off";
  spec.solver.linear_solver = "cg";
  spec.adhesion.density_per_mm2 = 0.1;
  spec.output.frame_interval_s = 1e-7;
  ProtocolSpec zz;  // protocols keep their order, not the alphabetical one
  zz.name = "zz";
  zz.kind = "compression_active_shear";
  zz.cycles = 3;
  zz.drive = "contraction";
  spec.protocols.insert(spec.protocols.begin(), zz);
  spec.protocols.back().direction = {0.0, 1.0, -0.1};

  const std::string text = to_toml(spec);
  const ScenarioSpec again = parse_scenario(text, "to_toml");
  EXPECT_EQ(to_toml(again), text);
  EXPECT_EQ(again.tissue.water, 0.6);
  EXPECT_FALSE(again.tissue.collagen.has_value());
  EXPECT_EQ(again.material.dense_prony_g, spec.material.dense_prony_g);
  EXPECT_EQ(again.geometry.size_mm[1], 2.0 / 3.0);  // bitwise: floats are written round-trip exact
  EXPECT_EQ(again.geometry.seed, 42u);
  EXPECT_EQ(again.geometry.layers, 2);
  EXPECT_EQ(again.water.model, "biot");
  EXPECT_EQ(again.ha.rule, "off");
  EXPECT_EQ(again.solver.linear_solver, "cg");
  EXPECT_EQ(again.output.frame_interval_s, 1e-7);
  ASSERT_EQ(again.protocols.size(), 2u);
  EXPECT_EQ(again.protocols[0].name, "zz");
  EXPECT_EQ(again.protocols[0].cycles, 3);
  EXPECT_EQ(again.protocols[0].drive, "contraction");
  EXPECT_EQ(again.protocols[1].direction, spec.protocols[1].direction);
}

#ifndef FASCIA_DOCS_DIR
#define FASCIA_DOCS_DIR "docs"
#endif

/// docs/scenario.md holds each generated table between `<!-- keys:NAME ... -->` and
/// `<!-- /keys -->`. With FASCIA_UPDATE_DOCS=1 (`make docs`) the test rewrites them instead.
TEST(ScenarioSchema, DocsKeyTablesAreCurrent) {
  const std::string path = std::string(FASCIA_DOCS_DIR) + "/scenario.md";
  std::ifstream in(path);
  ASSERT_TRUE(in) << "cannot read " << path;
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();

  const std::regex block(R"((<!-- keys:([a-z_]+)[^>]*-->\n)([\s\S]*?)(<!-- /keys -->))");
  const bool update = std::getenv("FASCIA_UPDATE_DOCS") != nullptr;
  std::string updated;
  std::set<std::string> found;
  std::size_t last = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), block); it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    const std::string name = m[2];
    found.insert(name);
    const std::string want = key_table_markdown(name);
    if (!update) {
      EXPECT_EQ(m[3].str(), want) << "docs/scenario.md: the [" << name
                                  << "] key table is stale; regenerate it with `make docs`";
    }
    updated += text.substr(last, m.position(0) - last) + m[1].str() + want + m[4].str();
    last = m.position(0) + m.length(0);
  }
  updated += text.substr(last);
  for (const auto& name : table_names()) EXPECT_TRUE(found.count(name)) << "no key table for [" << name << "]";
  if (update && updated != text) {
    std::ofstream(path) << updated;
    std::cout << "rewrote " << path << "\n";
  }
}

}  // namespace
