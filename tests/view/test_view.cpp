// SPDX-License-Identifier: MIT
// `fascia view`: the surface it draws, the encodings of the page's data, the page itself and its
// one-line errors for bad input (library and CLI). The page in a browser: tests/view/test_page_chromium.py.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "fascia/core/error.hpp"
#include "fascia/io/run_writer.hpp"
#include "view/encode.hpp"
#include "view/page.hpp"
#include "view/surface.hpp"

#ifndef FASCIA_CLI_PATH
#define FASCIA_CLI_PATH "fascia"
#endif

namespace {

namespace fs = std::filesystem;
using fascia::InputError;
using namespace fascia::view;

/// Nodes of an nx × ny grid on the given z planes, node index i + nx (j + ny k), with layer ids per plane.
struct Grid {
  std::vector<double> rest;
  std::vector<std::int32_t> layer;
};
Grid grid(int nx, int ny, const std::vector<double>& z, const std::vector<int>& plane_layer) {
  Grid g;
  for (std::size_t k = 0; k < z.size(); ++k)
    for (int j = 0; j < ny; ++j)
      for (int i = 0; i < nx; ++i) {
        g.rest.insert(g.rest.end(), {i * 1e-3, j * 1e-3, z[k]});
        g.layer.push_back(plane_layer[k]);
      }
  return g;
}

std::size_t triangles(const SurfaceLayer& l) { return l.triangles.size() / 3; }

TEST(ViewSurface, BlockOfHexahedraIsItsSixSides) {
  // 2 × 2 × 1 cells: 4 quads on top, 4 at the bottom, 2 on each of 4 sides = 16 quads = 32 triangles.
  const Grid g = grid(3, 3, {0.0, 1e-3}, {1, 1});
  const Surface s = build_surface(g.rest, g.layer, {}, "test");
  ASSERT_EQ(s.layers.size(), 1u);
  EXPECT_EQ(s.source, "grid");
  EXPECT_EQ(triangles(s.layers[0]), 32u);
  EXPECT_EQ(s.nodes.size(), 18u);  // every node of a 3 × 3 × 2 block is on its surface
}

TEST(ViewSurface, InteriorFacesAreHiddenAndLayersAreSeparateBoxes) {
  // Muscle: planes 0-2 (2 cells thick); a gap (loose interface); dense layer 1: planes 3-4.
  const Grid g = grid(3, 3, {0.0, 1e-3, 2e-3, 2.05e-3, 3e-3}, {0, 0, 0, 1, 1});
  const Surface s = build_surface(g.rest, g.layer, {}, "test");
  ASSERT_EQ(s.layers.size(), 2u);
  EXPECT_EQ(s.layers[0].name, "muscle");
  EXPECT_EQ(s.layers[1].name, "dense layer 1");
  EXPECT_EQ(triangles(s.layers[0]), 2u * (4 + 4 + 4 * 4));  // top, bottom, 4 sides of 2 × 2 quads
  EXPECT_EQ(triangles(s.layers[1]), 32u);
  // The middle node of the muscle (1, 1, 1) is inside: not a surface vertex.
  const std::int32_t inner = 1 + 3 * (1 + 3 * 1);
  EXPECT_EQ(std::count(s.nodes.begin(), s.nodes.end(), inner), 0);
  EXPECT_EQ(s.nodes.size(), 45u - 1u);
}

TEST(ViewSurface, SheetIsOneQuadPerSquare) {
  const Grid g = grid(4, 3, {0.0}, {1});
  const Surface s = build_surface(g.rest, g.layer, {}, "test");
  ASSERT_EQ(s.layers.size(), 1u);
  EXPECT_EQ(s.layers[0].name, "sheet");
  EXPECT_EQ(triangles(s.layers[0]), 2u * 3 * 2);
}

TEST(ViewSurface, CellsCoveringEveryNodeAreUsed) {
  // One tetrahedron: its four faces; the nodes are no grid, so only the cells can draw it.
  const std::vector<double> rest = {0, 0, 0, 1e-3, 0, 0, 0, 1e-3, 0, 0, 0, 1e-3};
  const std::vector<std::int32_t> layer = {1, 1, 1, 1};
  const Surface s = build_surface(rest, layer, {{{4, {0, 1, 2, 3}}}}, "test");
  EXPECT_EQ(s.source, "cells");
  ASSERT_EQ(s.layers.size(), 1u);
  EXPECT_EQ(triangles(s.layers[0]), 4u);
  // Two tetrahedra sharing a face: that face is inside, 6 remain.
  const std::vector<double> rest2 = {0, 0, 0, 1e-3, 0, 0, 0, 1e-3, 0, 0, 0, 1e-3, 1e-3, 1e-3, 1e-3};
  const Surface s2 = build_surface(rest2, {1, 1, 1, 1, 1}, {{{4, {0, 1, 2, 3, 1, 2, 3, 4}}}}, "test");
  EXPECT_EQ(triangles(s2.layers[0]), 6u);
}

TEST(ViewSurface, HexahedraInAnyCornerOrderGiveTheBoxFaces) {
  // One unit cube whose corners are listed x fastest, then y, then z (not VTK order): every
  // triangle must lie on a face of the cube, i.e. its three corners share one coordinate.
  std::vector<double> rest;
  for (int k = 0; k < 2; ++k)
    for (int j = 0; j < 2; ++j)
      for (int i = 0; i < 2; ++i) rest.insert(rest.end(), {i * 1.0, j * 1.0, k * 1.0});
  std::vector<std::int32_t> lexicographic = {0, 1, 2, 3, 4, 5, 6, 7};
  // Shift one corner off the grid so that the grid fallback cannot be what draws it.
  rest[3 * 7 + 0] = 1.0 + 1e-3;
  const Surface s = build_surface(rest, std::vector<std::int32_t>(8, 1), {{{8, lexicographic}}}, "test");
  EXPECT_EQ(s.source, "cells");
  ASSERT_EQ(triangles(s.layers[0]), 12u);
  const auto& t = s.layers[0].triangles;
  for (std::size_t k = 0; k < t.size(); k += 3) {
    bool on_a_face = false;
    for (int d = 0; d < 3; ++d) {
      const double a = std::round(rest[3 * s.nodes[t[k]] + d]), b = std::round(rest[3 * s.nodes[t[k + 1]] + d]),
                   c = std::round(rest[3 * s.nodes[t[k + 2]] + d]);
      on_a_face = on_a_face || (a == b && b == c);
    }
    EXPECT_TRUE(on_a_face) << "triangle " << k / 3 << " cuts through the cube";
  }
}

TEST(ViewSurface, NeitherGridNorCellsIsAnError) {
  const std::vector<double> rest = {0, 0, 0, 1e-3, 0, 0, 0, 1e-3, 0, 0, 0, 1e-3};
  try {
    build_surface(rest, {1, 1, 1, 1}, {}, "file.h5");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("file.h5: cannot draw the model"), std::string::npos) << e.what();
  }
}

TEST(ViewEncode, QuantizationErrorIsHalfAStepAndNanIsKept) {
  std::vector<double> v;
  for (int i = 0; i < 1000; ++i) v.push_back(std::sin(0.01 * i) * 3e-6);
  v.push_back(std::numeric_limits<double>::quiet_NaN());
  const Quantized q = quantize(v);
  ASSERT_EQ(q.q.size(), v.size());
  EXPECT_EQ(q.q.back(), kQuantizedNaN);
  for (std::size_t i = 0; i + 1 < v.size(); ++i)
    EXPECT_LE(std::abs(q.offset + q.scale * q.q[i] - v[i]), 0.5 * q.scale * (1 + 1e-9));
  // The step is the finite range over 65534 levels: 6e-6 m / 65534 ≈ 0.09 nm.
  EXPECT_NEAR(q.scale, (*std::max_element(v.begin(), v.end() - 1) - *std::min_element(v.begin(), v.end() - 1)) / 65534.0,
              1e-20);
}

TEST(ViewEncode, Base64MatchesRfc4648Vectors) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
}

/// A small fascia output: a 3 × 3 × 2 block, one run of `frames` frames up to `end` seconds.
class ViewPage : public ::testing::Test {
protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("fascia_test_view_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  /// Writes the model of a 3 × 3 × 2 block (2 × 2 mm, 1 mm thick) and returns its grid.
  static Grid write_block(fascia::io::RunWriter& w) {
    const Grid g = grid(3, 3, {0.0, 1e-3}, {1, 1});
    fascia::io::ModelData m;
    m.rest_positions = g.rest;
    m.masses.assign(g.layer.size(), 1e-6);
    m.layer_id = g.layer;
    w.write_model(m);
    return g;
  }
  std::string write_run(const std::string& name, double end, int frames = 4) const {
    const std::string path = (dir_ / name).string();
    fascia::io::RunWriter w(path, "# test");
    const Grid g = write_block(w);
    for (const std::string run : {"tap", "second"}) {
      w.begin_run({run, "impulse", 1, 1, ""});
      for (int f = 0; f < frames; ++f) {
        std::vector<double> u(g.rest.size(), 0.0), v(g.rest.size(), 0.0);
        for (std::size_t i = 2; i < u.size(); i += 3) u[i] = -1e-6 * f;
        w.append_frame(end * f / (frames - 1), u, v, {{"pore_pressure_pa", std::vector<double>(g.layer.size(), 10.0 * f)}});
      }
      w.end_run("complete");
    }
    return path;
  }
  std::string message_of(const std::vector<RunRef>& refs, const std::string& out) const {
    try {
      write_view_page(refs, out, {});
    } catch (const InputError& e) {
      return e.what();
    }
    return "(no error)";
  }
  fs::path dir_;
};

TEST_F(ViewPage, PageIsSelfContained) {
  const auto h5 = write_run("a.h5", 1e-4);
  const auto out = (dir_ / "page.html").string();
  const auto s = write_view_page({{h5, ""}, {h5, "second"}}, out, {});
  std::ifstream in(out, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string page = ss.str();
  EXPECT_EQ(page.size(), s.bytes);
  // three.js and OrbitControls are inlined, zlib-deflated (0x78 0x9c = "eJ" in base64)...
  EXPECT_NE(page.find("<script id=\"three-js\" type=\"application/octet-stream\">eJ"), std::string::npos);
  EXPECT_NE(page.find("<script id=\"orbit-controls-js\" type=\"application/octet-stream\">eJ"), std::string::npos);
  EXPECT_EQ(page.find("<script src"), std::string::npos);  // ... and nothing is fetched
  EXPECT_EQ(page.find("@FASCIA_DATA@"), std::string::npos);
  EXPECT_NE(page.find("\"pore_pressure_pa\""), std::string::npos);
  ASSERT_EQ(s.panels.size(), 2u);
  EXPECT_NE(s.panels[1].find(":second, 4 of 4 frames, 18 surface nodes (grid)"), std::string::npos) << s.panels[1];
}

TEST_F(ViewPage, IndenterShapeAndPoseComeFromTheRun) {
  // A sphere whose reference point (its lowest point) the run's series move down 1 µm per 0.1 ms.
  const std::string path = (dir_ / "press.h5").string();
  {
    fascia::io::RunWriter w(path, "");
    const Grid g = write_block(w);
    w.begin_run({"press", "static_pressure", 1, 1, "[protocol.press]\nkind = \"static_pressure\"\nindenter = \"sphere\"\nradius_mm = 2.0\n"});
    for (int f = 0; f < 3; ++f) {
      const std::vector<double> zero(g.rest.size(), 0.0);
      w.append_series(1e-4 * f, {{"indenter_x_m", 1e-3}, {"indenter_y_m", 1e-3}, {"indenter_z_m", 1e-3 - 1e-6 * f},
                                 {"compressor_z_m", -1e-6 * f}});
      w.append_frame(1e-4 * f, zero, zero);
    }
    w.end_run("complete");
    w.begin_run({"old", "static_pressure", 1, 1, "[protocol.old]\nkind = \"static_pressure\"\nradius_mm = 0.5\n"});
    for (int f = 0; f < 2; ++f) {
      const std::vector<double> zero(g.rest.size(), 0.0);
      w.append_series(1e-4 * f, {{"compressor_x_m", 2e-6 * f}, {"compressor_z_m", -1e-6 * f}});
      w.append_frame(1e-4 * f, zero, zero);
    }
    w.end_run("complete");
  }
  const PanelData p = read_panel({path, "press"}, 10);
  ASSERT_TRUE(p.indenter.has_value());
  EXPECT_EQ(p.indenter->shape, "sphere");
  EXPECT_DOUBLE_EQ(p.indenter->radius, 2e-3);
  ASSERT_EQ(p.indenter->z.size(), 3u);
  EXPECT_NEAR(p.indenter->z[2], 1e-3 - 2e-6, 1e-15);
  EXPECT_NEAR(p.indenter->y[1], 1e-3, 1e-15);
  // Without pose series (files before indenters had them): a disc above the middle of the top
  // surface (x, y = 1 mm, z = 1 mm) moved by compressor_x_m / compressor_z_m.
  const PanelData old = read_panel({path, "old"}, 10);
  ASSERT_TRUE(old.indenter.has_value());
  EXPECT_EQ(old.indenter->shape, "disc");
  EXPECT_DOUBLE_EQ(old.indenter->radius, 0.5e-3);
  EXPECT_NEAR(old.indenter->x[1], 1e-3 + 2e-6, 1e-15);
  EXPECT_NEAR(old.indenter->z[1], 1e-3 - 1e-6, 1e-15);
  // An impulse run has none.
  EXPECT_FALSE(read_panel({write_run("a.h5", 1e-4), ""}, 10).indenter.has_value());
}

TEST_F(ViewPage, BadInputIsOneLineNamingTheProblem) {
  const auto h5 = write_run("a.h5", 1e-4);
  const auto slow = write_run("slow.h5", 2e-3);
  const auto out = (dir_ / "page.html").string();
  const auto text = (dir_ / "notes.txt").string();
  std::ofstream(text) << "not hdf5\n";
  EXPECT_NE(message_of({{text, ""}}, out).find("notes.txt: not an HDF5 file"), std::string::npos);
  EXPECT_NE(message_of({{h5, "tapp"}}, out).find("--run: no run named \"tapp\" in " + h5 + "; it has: tap, second"),
            std::string::npos);
  const auto clock = message_of({{h5, ""}, {slow, ""}}, out);
  EXPECT_NE(clock.find("cannot share a clock: their durations differ by more than a factor of 10"), std::string::npos)
      << clock;
  const auto blocked = (dir_ / "notes.txt" / "page.html").string();  // parent is a file
  EXPECT_NE(message_of({{h5, ""}}, blocked).find("-o: cannot write '" + blocked + "'"), std::string::npos);
  EXPECT_NE(message_of({{h5, ""}}, dir_.string()).find("is a directory"), std::string::npos);
  EXPECT_FALSE(fs::exists(out));  // nothing written on bad input
  // A run 10 × longer still shares a clock (the limit is inclusive).
  const auto ten = write_run("ten.h5", 1e-3);
  EXPECT_EQ(message_of({{h5, ""}, {ten, ""}}, out), "(no error)");
}

TEST_F(ViewPage, CliPrintsOneLineAndExitsTwo) {
  const auto h5 = write_run("a.h5", 1e-4);
  const auto err = (dir_ / "err.txt").string();
  auto run = [&](const std::string& args) {
    const std::string cmd = std::string(FASCIA_CLI_PATH) + " view " + args + " >/dev/null 2>" + err;
    const int status = std::system(cmd.c_str());
    std::ifstream in(err);
    std::stringstream ss;
    ss << in.rdbuf();
    return std::make_pair(WIFEXITED(status) ? WEXITSTATUS(status) : -1, ss.str());
  };
  for (const std::string& args : {"/nonexistent.h5 -o " + (dir_ / "p.html").string(),
                                 h5 + " --run nope -o " + (dir_ / "p.html").string(),
                                 h5 + " -o " + (dir_ / "a.h5" / "p.html").string(),
                                 h5 + " --run tap --run second --run tap -o " + (dir_ / "p.html").string()}) {
    const auto [code, text] = run(args);
    EXPECT_EQ(code, 2) << args;
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
    EXPECT_EQ(text.rfind("fascia: error: ", 0), 0u) << text;
  }
  const auto [code, text] = run(h5 + " --run tap --run second -o " + (dir_ / "p.html").string());
  EXPECT_EQ(code, 0) << text;
  EXPECT_TRUE(fs::exists(dir_ / "p.html"));
}

}  // namespace
