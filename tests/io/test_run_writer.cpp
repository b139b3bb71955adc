// SPDX-License-Identifier: MIT
// Tests of the HDF5 output layer: RunWriter, read_summary, write_xdmf (schema: docs/hdf5-schema.md).
#include <gtest/gtest.h>
#include <hdf5.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <regex>
#include <string>
#include <vector>

#include "fascia/core/error.hpp"
#include "fascia/io/run_writer.hpp"
#include "fascia/io/units.hpp"
#include "fascia/version.hpp"
#include "io/hdf5_handle.hpp"

namespace fs = std::filesystem;
using namespace fascia::io;
namespace h5 = fascia::io::h5;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const char* const kPython = "/usr/bin/python3";

/// A fresh folder per test, removed afterwards.
class RunWriterTest : public ::testing::Test {
protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("fascia_io_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);  // keep the files of a failed test for inspection
  }
  std::string file(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

constexpr std::size_t kNodes = 5;

ModelData make_model() {
  ModelData m;
  for (std::size_t i = 0; i < kNodes; ++i) {
    // Values with full 53-bit mantissas, so "bitwise equal" really tests lossless storage.
    m.rest_positions.insert(m.rest_positions.end(),
                            {0.1 * static_cast<double>(i) / 3.0, std::sqrt(2.0) * 1e-3 * static_cast<double>(i), -1.0 / 7.0});
    m.masses.push_back(1e-6 * (1.0 + static_cast<double>(i) / 3.0));
    m.layer_id.push_back(static_cast<std::int32_t>(i) - 2);
  }
  ElementGroupData springs;
  springs.name = "springs";
  springs.nodes_per_element = 2;
  for (std::int32_t i = 0; i + 1 < static_cast<std::int32_t>(kNodes); ++i) {
    springs.connectivity.insert(springs.connectivity.end(), {i, i + 1});
    springs.parameters["stiffness_n_m"].push_back(100.0 / (i + 3));
    springs.parameters["rest_length_m"].push_back(1e-3 * (i + 1) / 3.0);
  }
  m.groups.push_back(springs);
  ElementGroupData tris;
  tris.name = "tris";
  tris.nodes_per_element = 3;
  tris.connectivity = {0, 1, 2, 2, 3, 4};
  tris.parameters["thickness_m"] = {1e-4, 2e-4};
  m.groups.push_back(tris);
  m.cells.push_back({"triangle", tris.connectivity, {0, 1}});  // drawn cells: the two triangles
  m.cells.push_back({"line", {0, 4}, {-1}});                   // and one interface line
  m.text_attributes["note"] = "assumed: loose-layer viscosity (élan)";
  m.number_attributes["youngs_modulus_pa"] = 1.234567890123e6;
  return m;
}

std::vector<double> frame_values(std::size_t frame, double scale) {
  std::vector<double> v(3 * kNodes);
  for (std::size_t k = 0; k < v.size(); ++k) {
    v[k] = scale * std::sin(0.37 * static_cast<double>(k) + static_cast<double>(frame)) / 3.0;
  }
  return v;
}

std::vector<double> field_values(std::size_t frame) {
  std::vector<double> v(kNodes);
  for (std::size_t k = 0; k < kNodes; ++k) v[k] = std::exp(-static_cast<double>(k + frame)) / 7.0;
  return v;
}

double frame_time(std::size_t frame) { return 1e-3 * static_cast<double>(frame) / 3.0; }

/// Bitwise comparison: the writer must store exactly the doubles it was given (no conversion).
bool bitwise_equal(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

std::vector<double> read_doubles(hid_t file, const std::string& path) {
  h5::Handle d(H5Dopen2(file, path.c_str(), H5P_DEFAULT), "open " + path);
  return h5::read_all<double>(d);
}

std::vector<hsize_t> read_dims(hid_t file, const std::string& path) {
  h5::Handle d(H5Dopen2(file, path.c_str(), H5P_DEFAULT), "open " + path);
  return h5::dims(d);
}

std::string read_str_attr(hid_t file, const std::string& obj, const std::string& name) {
  h5::Handle o(H5Oopen(file, obj.c_str(), H5P_DEFAULT), "open " + obj);
  return h5::read_string_attr(o, name).value_or("<missing>");
}

/// True when the attribute is a variable-length UTF-8 string (what h5py returns as `str`).
bool is_vlen_utf8_attr(hid_t file, const std::string& obj, const std::string& name) {
  h5::Handle o(H5Oopen(file, obj.c_str(), H5P_DEFAULT), "open " + obj);
  h5::Handle a(H5Aopen(o, name.c_str(), H5P_DEFAULT), "open attr " + name);
  h5::Handle t(H5Aget_type(a), "attr type");
  return H5Tget_class(t) == H5T_STRING && H5Tis_variable_str(t) > 0 && H5Tget_cset(t) == H5T_CSET_UTF8;
}

bool have_python_h5py() {
  static const bool ok = fs::exists(kPython) &&
                         std::system((std::string(kPython) + " -c 'import h5py' >/dev/null 2>&1").c_str()) == 0;
  return ok;
}

bool on_path(const std::string& program) {
  return std::system(("command -v " + program + " >/dev/null 2>&1").c_str()) == 0;
}

/// Runs a Python script (with Debian's python3, which has h5py) and returns its exit status.
int run_python(const fs::path& dir, const std::string& script, const std::string& args) {
  const fs::path p = dir / "check.py";
  std::ofstream(p) << script;
  const std::string cmd = std::string(kPython) + " " + p.string() + " " + args;
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/// Writes the standard two-run file used by several tests.
void write_two_runs(const std::string& path) {
  RunWriter w(path, "[model]\nname = \"test\"\n");
  w.write_model(make_model());

  RunInfo a;
  a.name = "impulse";
  a.protocol = "impulse";
  a.seed = 18446744073709551557ull;  // largest 64-bit prime: checks the full uint64 range
  a.threads = 4;
  a.scenario_text = "[protocol.impulse]\nkind = \"impulse\"\n";
  w.begin_run(a);
  for (std::size_t f = 0; f < 3; ++f) {
    std::map<std::string, std::vector<double>> fields{{"strain", field_values(f)}};
    if (f >= 1) fields["damage"] = field_values(f + 10);  // appears late: frame 0 must read NaN
    w.append_frame(frame_time(f), frame_values(f, 1e-3), frame_values(f, 2.0), fields,
                   {{"cell_strain", {0.1 * double(f), 0.2, kNaN}}});
  }
  for (std::size_t s = 0; s < 5; ++s) {
    std::map<std::string, double> v{{"work_input_j", 1e-6 * static_cast<double>(s) / 3.0}};
    if (s != 2) v["energy_stored_j"] = 1e-7 * static_cast<double>(s) / 7.0;  // missing once: NaN
    w.append_series(1e-4 * static_cast<double>(s), v);
  }
  w.write_metrics({{"front_speed_m_s", 12.5 / 3.0}, {"energy_balance_error", 1e-9 / 7.0}});
  w.end_run("complete", "");

  RunInfo b;
  b.name = "stretch_hold";
  b.protocol = "stretch_hold";
  b.seed = 7;
  b.threads = 1;
  w.begin_run(b);
  for (std::size_t f = 0; f < 2; ++f) {
    w.append_frame(frame_time(f), frame_values(f + 5, 1e-3), frame_values(f + 5, 2.0),
                   {{"strain", field_values(f + 5)}});
  }
  w.end_run("diverged", "energy blow-up at t = 3.3e-4 s");

  w.write_comparison({"impulse", "stretch_hold"}, {"front_speed_m_s", "residual_slip_m"},
                     {12.5 / 3.0, kNaN, kNaN, 1e-5 / 3.0});
}

}  // namespace

// ---------------------------------------------------------------------------------------------

TEST_F(RunWriterTest, RoundTripCApi) {
  const std::string path = file("out/nested/run.h5");  // parent folders must be created
  write_two_runs(path);
  ASSERT_TRUE(fs::exists(path));

  h5::ErrorSilencer quiet;
  h5::Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open");

  // Root attributes.
  EXPECT_EQ(read_str_attr(f, "/", "format"), "fascia-output");
  EXPECT_EQ(read_str_attr(f, "/", "units"), "SI");
  EXPECT_EQ(read_str_attr(f, "/", "fascia_version"), FASCIA_VERSION);
  EXPECT_EQ(read_str_attr(f, "/", "git_revision"), FASCIA_GIT_REVISION);
  EXPECT_EQ(read_str_attr(f, "/", "scenario"), "[model]\nname = \"test\"\n");
  EXPECT_TRUE(std::regex_match(read_str_attr(f, "/", "created"),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
  EXPECT_EQ(h5::read_number_attr<std::int32_t>(f, "format_version").value_or(-1), 1);
  for (const char* name : {"format", "units", "fascia_version", "git_revision", "created", "scenario"}) {
    EXPECT_TRUE(is_vlen_utf8_attr(f, "/", name)) << name;  // h5py must read str, not bytes
  }

  // Model.
  const ModelData m = make_model();
  EXPECT_EQ(read_dims(f, "/model/rest_positions"), (std::vector<hsize_t>{kNodes, 3}));
  EXPECT_TRUE(bitwise_equal(read_doubles(f, "/model/rest_positions"), m.rest_positions));
  EXPECT_TRUE(bitwise_equal(read_doubles(f, "/model/masses"), m.masses));
  {
    h5::Handle d(H5Dopen2(f, "/model/layer_id", H5P_DEFAULT), "layer_id");
    h5::Handle t(H5Dget_type(d), "type");
    EXPECT_GT(H5Tequal(t, H5T_STD_I32LE), 0);  // schema: int32
    EXPECT_EQ(h5::read_all<std::int32_t>(d), m.layer_id);
  }
  {
    h5::Handle d(H5Dopen2(f, "/model/elements/springs/connectivity", H5P_DEFAULT), "conn");
    EXPECT_EQ(h5::dims(d), (std::vector<hsize_t>{kNodes - 1, 2}));
    EXPECT_EQ(h5::read_all<std::int32_t>(d), m.groups[0].connectivity);
  }
  EXPECT_EQ(read_dims(f, "/model/elements/tris/connectivity"), (std::vector<hsize_t>{2, 3}));
  EXPECT_TRUE(bitwise_equal(read_doubles(f, "/model/elements/springs/stiffness_n_m"),
                            m.groups[0].parameters.at("stiffness_n_m")));
  EXPECT_TRUE(bitwise_equal(read_doubles(f, "/model/elements/tris/thickness_m"),
                            m.groups[1].parameters.at("thickness_m")));
  EXPECT_EQ(read_str_attr(f, "/model", "note"), m.text_attributes.at("note"));
  {
    h5::Handle g(H5Gopen2(f, "/model", H5P_DEFAULT), "model");
    // Exact: the attribute stores the double as given.
    EXPECT_EQ(h5::read_number_attr<double>(g, "youngs_modulus_pa").value_or(0.0), 1.234567890123e6);
  }

  // Run attributes.
  EXPECT_EQ(read_str_attr(f, "/runs/impulse", "status"), "complete");
  EXPECT_EQ(read_str_attr(f, "/runs/impulse", "message"), "");
  EXPECT_EQ(read_str_attr(f, "/runs/impulse", "protocol"), "impulse");
  EXPECT_EQ(read_str_attr(f, "/runs/impulse", "scenario"), "[protocol.impulse]\nkind = \"impulse\"\n");
  EXPECT_EQ(read_str_attr(f, "/runs/stretch_hold", "status"), "diverged");
  EXPECT_EQ(read_str_attr(f, "/runs/stretch_hold", "message"), "energy blow-up at t = 3.3e-4 s");
  {
    h5::Handle g(H5Gopen2(f, "/runs/impulse", H5P_DEFAULT), "run");
    EXPECT_EQ(h5::read_number_attr<std::uint64_t>(g, "seed").value_or(0), 18446744073709551557ull);
    EXPECT_EQ(h5::read_number_attr<std::int32_t>(g, "threads").value_or(0), 4);
    h5::Handle a(H5Aopen(g, "seed", H5P_DEFAULT), "seed");
    h5::Handle t(H5Aget_type(a), "seed type");
    EXPECT_GT(H5Tequal(t, H5T_STD_U64LE), 0);  // schema: uint64
  }

  // Frames: every value bitwise identical, shapes (n_frames, n_nodes[, 3]).
  EXPECT_EQ(read_dims(f, "/runs/impulse/frames/displacement"), (std::vector<hsize_t>{3, kNodes, 3}));
  std::vector<double> disp, vel, strain, time;
  for (std::size_t fr = 0; fr < 3; ++fr) {
    auto d = frame_values(fr, 1e-3), v = frame_values(fr, 2.0), s = field_values(fr);
    disp.insert(disp.end(), d.begin(), d.end());
    vel.insert(vel.end(), v.begin(), v.end());
    strain.insert(strain.end(), s.begin(), s.end());
    time.push_back(frame_time(fr));
  }
  EXPECT_TRUE(bitwise_equal(read_doubles(f, "/runs/impulse/frames/displacement"), disp));
  EXPECT_TRUE(bitwise_equal(read_doubles(f, "/runs/impulse/frames/velocity"), vel));
  EXPECT_TRUE(bitwise_equal(read_doubles(f, "/runs/impulse/frames/strain"), strain));
  EXPECT_TRUE(bitwise_equal(read_doubles(f, "/runs/impulse/time"), time));
  {
    const auto damage = read_doubles(f, "/runs/impulse/frames/damage");
    ASSERT_EQ(damage.size(), 3 * kNodes);
    for (std::size_t k = 0; k < kNodes; ++k) EXPECT_TRUE(std::isnan(damage[k]));  // before it existed
    std::vector<double> later(damage.begin() + kNodes, damage.end()), want;
    for (std::size_t fr = 1; fr < 3; ++fr) {
      auto s = field_values(fr + 10);
      want.insert(want.end(), s.begin(), s.end());
    }
    EXPECT_TRUE(bitwise_equal(later, want));
  }
  // Each frame is also its own dataset, the one the XDMF sidecars reference.
  EXPECT_TRUE(bitwise_equal(read_doubles(f, "/runs/impulse/steps/2/displacement"), frame_values(2, 1e-3)));
  EXPECT_EQ(read_dims(f, "/runs/impulse/steps/2/displacement"), (std::vector<hsize_t>{kNodes, 3}));
  EXPECT_EQ(read_dims(f, "/runs/impulse/cell_frames/cell_strain"), (std::vector<hsize_t>{3, 3}));
  EXPECT_EQ(read_doubles(f, "/runs/impulse/steps/1/cell_strain")[0], 0.1);
  // Storage layout promised by the schema: frames/<field> is a virtual dataset over the per-frame
  // datasets (chunk = one frame, shuffle + deflate), unlimited rows.
  {
    h5::Handle v(H5Dopen2(f, "/runs/impulse/frames/displacement", H5P_DEFAULT), "disp");
    h5::Handle vcpl(H5Dget_create_plist(v), "vcpl");
    EXPECT_EQ(H5Pget_layout(vcpl), H5D_VIRTUAL);
    h5::Handle d(H5Dopen2(f, "/runs/impulse/steps/0/displacement", H5P_DEFAULT), "disp");
    h5::Handle dcpl(H5Dget_create_plist(d), "dcpl");
    hsize_t chunk[2] = {0, 0};
    ASSERT_EQ(H5Pget_chunk(dcpl, 2, chunk), 2);
    EXPECT_EQ(chunk[0], kNodes);
    EXPECT_EQ(chunk[1], 3u);
    ASSERT_EQ(H5Pget_nfilters(dcpl), 2);
    unsigned flags = 0, cd[4] = {0, 0, 0, 0};
    size_t ncd = 4;
    EXPECT_EQ(H5Pget_filter2(dcpl, 0, &flags, &ncd, cd, 0, nullptr, nullptr), H5Z_FILTER_SHUFFLE);
    ncd = 4;
    EXPECT_EQ(H5Pget_filter2(dcpl, 1, &flags, &ncd, cd, 0, nullptr, nullptr), H5Z_FILTER_DEFLATE);
    EXPECT_EQ(cd[0], 1u);  // deflate level 1
    h5::Handle space(H5Dget_space(v), "space");
    hsize_t cur[3], max[3];
    H5Sget_simple_extent_dims(space, cur, max);
    EXPECT_EQ(max[0], H5S_UNLIMITED);
  }

  // Series: time plus one dataset per key, NaN where a key was missing in a sample.
  EXPECT_EQ(read_dims(f, "/runs/impulse/series/time"), (std::vector<hsize_t>{5}));
  {
    const auto stored = read_doubles(f, "/runs/impulse/series/energy_stored_j");
    ASSERT_EQ(stored.size(), 5u);
    EXPECT_TRUE(std::isnan(stored[2]));
    EXPECT_EQ(stored[4], 1e-7 * 4.0 / 7.0);  // exact: same expression, stored losslessly
    const auto work = read_doubles(f, "/runs/impulse/series/work_input_j");
    EXPECT_EQ(work[3], 1e-6 * 3.0 / 3.0);
  }

  // Metrics: scalar datasets.
  EXPECT_EQ(read_dims(f, "/runs/impulse/metrics/front_speed_m_s"), std::vector<hsize_t>{});
  EXPECT_EQ(read_doubles(f, "/runs/impulse/metrics/front_speed_m_s").at(0), 12.5 / 3.0);
  EXPECT_FALSE(h5::exists(f, "/runs/stretch_hold/metrics/front_speed_m_s"));  // absent, not zero

  // Comparison.
  {
    h5::Handle runs(H5Dopen2(f, "/comparison/runs", H5P_DEFAULT), "runs");
    EXPECT_EQ(h5::read_strings(runs), (std::vector<std::string>{"impulse", "stretch_hold"}));
    h5::Handle metrics(H5Dopen2(f, "/comparison/metrics", H5P_DEFAULT), "metrics");
    EXPECT_EQ(h5::read_strings(metrics), (std::vector<std::string>{"front_speed_m_s", "residual_slip_m"}));
    const auto table = read_doubles(f, "/comparison/table");
    EXPECT_EQ(read_dims(f, "/comparison/table"), (std::vector<hsize_t>{2, 2}));
    EXPECT_EQ(table[0], 12.5 / 3.0);
    EXPECT_TRUE(std::isnan(table[1]));  // NaN = metric does not apply
    EXPECT_EQ(table[3], 1e-5 / 3.0);
  }
}

TEST_F(RunWriterTest, RoundTripReadSummary) {
  const std::string path = file("run.h5");
  write_two_runs(path);
  const FileSummary s = read_summary(path);
  EXPECT_EQ(s.path, path);
  EXPECT_EQ(s.fascia_version, FASCIA_VERSION);
  EXPECT_EQ(s.git_revision, FASCIA_GIT_REVISION);
  EXPECT_FALSE(s.created.empty());
  EXPECT_EQ(s.nodes, kNodes);
  ASSERT_EQ(s.runs.size(), 2u);
  // Runs come back in the order they were written (creation order), not alphabetically.
  EXPECT_EQ(s.runs[0].name, "impulse");
  EXPECT_EQ(s.runs[0].protocol, "impulse");
  EXPECT_EQ(s.runs[0].status, "complete");
  EXPECT_EQ(s.runs[0].frames, 3u);
  EXPECT_EQ(s.runs[0].last_time, frame_time(2));  // exact: the stored double itself
  ASSERT_EQ(s.runs[0].metrics.size(), 2u);
  EXPECT_EQ(s.runs[0].metrics.at("front_speed_m_s"), 12.5 / 3.0);
  EXPECT_EQ(s.runs[0].metrics.at("energy_balance_error"), 1e-9 / 7.0);
  EXPECT_EQ(s.runs[1].name, "stretch_hold");
  EXPECT_EQ(s.runs[1].status, "diverged");
  EXPECT_EQ(s.runs[1].message, "energy blow-up at t = 3.3e-4 s");
  EXPECT_EQ(s.runs[1].frames, 2u);
  EXPECT_TRUE(s.runs[1].metrics.empty());
}

TEST_F(RunWriterTest, H5pyReadsStringsAsStr) {
  if (!have_python_h5py()) GTEST_SKIP() << "no /usr/bin/python3 with h5py";
  const std::string path = file("run.h5");
  write_two_runs(path);
  const std::string script = R"PY(
import sys, h5py, math
with h5py.File(sys.argv[1], "r") as f:
    for k in ("format", "units", "fascia_version", "git_revision", "created", "scenario"):
        assert isinstance(f.attrs[k], str), (k, type(f.attrs[k]))
    assert int(f.attrs["format_version"]) == 1
    r = f["runs/impulse"]
    assert r.attrs["status"] == "complete" and isinstance(r.attrs["message"], str)
    assert int(r.attrs["seed"]) == 18446744073709551557
    assert f["runs/impulse/frames/displacement"].shape == (3, 5, 3)
    assert f["runs/impulse/frames/displacement"].dtype == "<f8"
    assert f["model/layer_id"].dtype == "<i4"
    assert list(f["comparison/runs"].asstr()[()]) == ["impulse", "stretch_hold"]
    assert math.isnan(f["comparison/table"][0, 1])
    assert f["model"].attrs["note"] == "assumed: loose-layer viscosity (\u00e9lan)"
)PY";
  EXPECT_EQ(run_python(dir_, script, path), 0);
}

TEST_F(RunWriterTest, RunWithoutEndRunIsIncomplete) {
  const std::string path = file("run.h5");
  {
    RunWriter w(path, "");
    w.write_model(make_model());
    RunInfo info;
    info.name = "active";
    info.protocol = "active";
    w.begin_run(info);
    w.append_frame(0.0, frame_values(0, 1.0), frame_values(0, 1.0));
    w.append_frame(0.5, frame_values(1, 1.0), frame_values(1, 1.0));
  }  // destroyed without end_run
  const FileSummary s = read_summary(path);
  ASSERT_EQ(s.runs.size(), 1u);
  EXPECT_EQ(s.runs[0].status, "incomplete");
  EXPECT_EQ(s.runs[0].frames, 2u);
  EXPECT_EQ(s.runs[0].last_time, 0.5);
}

TEST_F(RunWriterTest, MisuseThrows) {
  RunWriter w(file("run.h5"), "");
  w.write_model(make_model());
  // Frame without an open run: programming error.
  EXPECT_THROW(w.append_frame(0.0, frame_values(0, 1.0), frame_values(0, 1.0)), std::logic_error);
  RunInfo info;
  info.name = "impulse";
  w.begin_run(info);
  // Wrong sizes are rejected rather than written.
  EXPECT_THROW(w.append_frame(0.0, std::vector<double>(3), frame_values(0, 1.0)), std::invalid_argument);
  EXPECT_THROW(w.append_frame(0.0, frame_values(0, 1.0), frame_values(0, 1.0), {{"x", {1.0}}}),
               std::invalid_argument);
  EXPECT_THROW(w.end_run("finished"), std::invalid_argument);
  w.end_run("complete");
  // A run name that already exists must not be reused (would mix two runs' frames).
  EXPECT_THROW(w.begin_run(info), fascia::InputError);
  info.name = "a/b";
  EXPECT_THROW(w.begin_run(info), fascia::InputError);
  EXPECT_THROW(w.write_model(make_model()), std::logic_error);
}

TEST_F(RunWriterTest, UnwritableOutputThrowsRuntimeError) {
  const std::string blocker = file("not_a_dir");
  std::ofstream(blocker) << "x";
  EXPECT_THROW(RunWriter(blocker + "/run.h5", ""), std::runtime_error);
}

// A writer killed by SIGKILL after N flushed frames must leave a file that read_summary, h5dump
// and a plain h5py open all accept, with exactly those N frames and status "incomplete".
TEST_F(RunWriterTest, KillMidRunKeepsFlushedFrames) {
  const std::string path = file("killed.h5");
  constexpr std::size_t kFrames = 7;
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // Child: no gtest assertions here; any failure shows up as a non-SIGKILL exit. It uses no
    // OpenMP (a forked child of an OpenMP process would hang there), and SIGALRM ends it if it
    // ever stalls, so the parent's waitpid cannot hang the suite.
    ::alarm(60);
    try {
      RunWriter w(path, "[model]\n");
      w.write_model(make_model());
      RunInfo info;
      info.name = "impulse";
      info.protocol = "impulse";
      w.begin_run(info);
      for (std::size_t f = 0; f < kFrames; ++f) {
        w.append_frame(frame_time(f), frame_values(f, 1e-3), frame_values(f, 1.0),
                       {{"strain", field_values(f)}});
        w.append_series(frame_time(f), {{"work_input_j", 1.0 * static_cast<double>(f)}});
      }
      ::raise(SIGKILL);
    } catch (...) {
    }
    ::_exit(3);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child did not die by SIGKILL";

  const FileSummary s = read_summary(path);
  ASSERT_EQ(s.runs.size(), 1u);
  EXPECT_EQ(s.runs[0].status, "incomplete");
  EXPECT_EQ(s.runs[0].frames, kFrames);  // exactly the frames written before the kill
  EXPECT_EQ(s.runs[0].last_time, frame_time(kFrames - 1));
  EXPECT_EQ(s.nodes, kNodes);

  // The frame data itself survived, not just the extents.
  {
    h5::ErrorSilencer quiet;
    h5::Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open killed file");
    const auto disp = read_doubles(f, "/runs/impulse/frames/displacement");
    ASSERT_EQ(disp.size(), kFrames * 3 * kNodes);
    const auto last = frame_values(kFrames - 1, 1e-3);
    EXPECT_TRUE(bitwise_equal(std::vector<double>(disp.end() - static_cast<long>(3 * kNodes), disp.end()), last));
  }
  // The XDMF sidecar can be produced from a killed run too.
  EXPECT_NO_THROW(write_xdmf(path));

  if (have_python_h5py()) {
    // Plain open, no SWMR flags, no h5clear: the documented way to open a killed run.
    const std::string script = R"PY(
import sys, h5py
f = h5py.File(sys.argv[1], "r")
assert f["runs/impulse"].attrs["status"] == "incomplete"
assert f["runs/impulse/frames/displacement"].shape[0] == int(sys.argv[2])
f.close()
)PY";
    EXPECT_EQ(run_python(dir_, script, path + " " + std::to_string(kFrames)), 0);
  }
  if (!on_path("h5dump")) GTEST_SKIP() << "h5dump not on PATH (package hdf5-tools)";
  const int rc = std::system(("h5dump -H '" + path + "' >/dev/null 2>&1").c_str());
  EXPECT_TRUE(WIFEXITED(rc) && WEXITSTATUS(rc) == 0) << "h5dump -H failed on the killed file";
}

// Bad input files: each must throw InputError whose message names the path.
TEST_F(RunWriterTest, CorruptInputsThrowInputErrorNamingPath) {
  const std::string text = file("notes.txt");
  std::ofstream(text) << "this is not HDF5\n";
  const std::string empty = file("empty.h5");
  std::ofstream(empty).close();
  const std::string missing = file("missing.h5");
  const std::string foreign = file("foreign.h5");
  {
    h5::ErrorSilencer quiet;
    h5::Handle f(H5Fcreate(foreign.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), "create");
    const double v = 1.0;
    h5::write_dataset<double>(f, "data", {1}, &v);
  }
  const std::string truncated = file("truncated.h5");
  {
    write_two_runs(file("good.h5"));
    std::ifstream in(file("good.h5"), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream(truncated, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  }
  for (const std::string& p : {text, empty, missing, foreign, truncated, dir_.string()}) {
    try {
      (void)read_summary(p);
      ADD_FAILURE() << "no exception for " << p;
    } catch (const fascia::InputError& e) {
      EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
      EXPECT_EQ(e.key(), p);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "wrong exception type for " << p << ": " << e.what();
    }
  }
}

// Minimal well-formedness check without Python: every opening tag is closed in order.
namespace {
bool tags_balanced(const std::string& xml) {
  std::vector<std::string> stack;
  std::size_t pos = 0;
  while ((pos = xml.find('<', pos)) != std::string::npos) {
    const std::size_t end = xml.find('>', pos);
    if (end == std::string::npos) return false;
    std::string tag = xml.substr(pos + 1, end - pos - 1);
    pos = end + 1;
    if (tag.empty() || tag[0] == '?' || tag[0] == '!') continue;
    if (tag.back() == '/') continue;  // self-closing
    const std::string name = tag.substr(tag[0] == '/' ? 1 : 0, tag.find_first_of(" \t\n") - (tag[0] == '/' ? 1 : 0));
    if (tag[0] == '/') {
      if (stack.empty() || stack.back() != name) return false;
      stack.pop_back();
    } else {
      stack.push_back(name);
    }
  }
  return stack.empty();
}
}  // namespace

TEST_F(RunWriterTest, XdmfIsValidAndReferencesExistingDatasets) {
  const std::string path = file("run.h5");
  write_two_runs(path);
  const auto xdmf = write_xdmf(path);
  // The model's grid, then one file per run (meshio reads one grid per file).
  ASSERT_EQ(xdmf, (std::vector<std::string>{file("run.xdmf"), file("run_impulse.xdmf"), file("run_stretch_hold.xdmf")}));
  std::ifstream in(xdmf[1]);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(tags_balanced(text));
  EXPECT_NE(text.find("run.h5:/runs/impulse/steps/2/displacement"), std::string::npos);  // relative name
  EXPECT_EQ(text.find("HyperSlab"), std::string::npos);  // ParaView's Xdmf3 readers skip those
  EXPECT_EQ(text.find(dir_.string()), std::string::npos);  // no absolute paths: the files can be moved

  if (!have_python_h5py()) GTEST_SKIP() << "no /usr/bin/python3 with h5py for the full check";
  // Parses the XML (lxml resolves the XIncludes like ParaView's libxml2 does; ElementTree as a
  // fallback checks well-formedness), then checks every HDF reference: the dataset exists and its
  // shape equals the declared Dimensions.
  const std::string script = R"PY(
import sys, os, h5py
import xml.etree.ElementTree as ET
model_path, run_paths = sys.argv[1], sys.argv[2:]
def load(path):
    ET.parse(path)  # well-formed XML
    try:
        from lxml import etree
        tree = etree.parse(path)
        tree.xinclude()
        root = tree.getroot()
        assert not root.findall(".//{http://www.w3.org/2001/XInclude}include"), "unresolved xi:include"
    except ImportError:
        root = ET.parse(path).getroot()
    assert root.tag == "Xdmf" and root.get("Version") == "3.0"
    h5 = h5py.File(os.path.join(os.path.dirname(path), "run.h5"), "r")
    for item in root.iter("DataItem"):
        assert item.get("Format") == "HDF", item.attrib
        fname, dpath = item.text.strip().split(":", 1)
        assert fname == "run.h5" and dpath in h5, dpath
        dims = tuple(int(x) for x in item.get("Dimensions").split())
        assert h5[dpath].shape == dims, (item.text, h5[dpath].shape, dims)
    grids = root.find("Domain").findall("Grid")
    assert len(grids) == 1, "one grid per file"
    return grids[0], h5
model, h5 = load(model_path)
topo = model.find("Topology")
# triangles (code 4, 3 nodes) and one line (code 2, count 2, 2 nodes)
assert topo.get("TopologyType") == "Mixed" and topo.get("NumberOfElements") == "3"
assert list(h5["model/cells/topology"][:]) == [4, 0, 1, 2, 4, 2, 3, 4, 2, 2, 0, 4]
for path, name, frames in zip(run_paths, ("impulse", "stretch_hold"), (3, 2)):
    coll, h5 = load(path)
    assert coll.get("Name") == name and coll.get("CollectionType") == "Temporal"
    steps = coll.findall("Grid")
    assert len(steps) == frames
    for s in steps:
        names = {a.get("Name") for a in s.findall("Attribute")}
        want = {"displacement", "velocity", "strain", "layer_id"} | ({"damage", "cell_strain"} if name == "impulse" else set())
        assert names == want, names
        assert s.find("Topology") is not None and s.find("Geometry") is not None
    times = [float(s.find("Time").get("Value")) for s in steps]
    assert times == list(h5["runs/" + name + "/time"][:])
)PY";
  EXPECT_EQ(run_python(dir_, script, xdmf[0] + " " + xdmf[1] + " " + xdmf[2]), 0);
}

// Every numeric dataset the writer makes carries a UCUM `units` attribute (docs/hdf5-schema.md).
TEST_F(RunWriterTest, EveryNumericDatasetHasUnits) {
  if (!have_python_h5py()) GTEST_SKIP() << "no /usr/bin/python3 with h5py";
  const std::string path = file("run.h5");
  write_two_runs(path);
  const std::string script = R"PY(
import sys, h5py
f = h5py.File(sys.argv[1], "r")
missing = []
def visit(name, obj):
    if isinstance(obj, h5py.Dataset) and obj.dtype.kind != "O" and "units" not in obj.attrs:
        missing.append(name)
f.visititems(visit)
assert not missing, missing
assert f["model/elements/springs/stiffness_n_m"].attrs["units"] == "N/m"
assert f["runs/impulse/metrics/front_speed_m_s"].attrs["units"] == "m/s"
assert f["runs/impulse/frames/velocity"].attrs["units"] == "m/s"
assert f["runs/impulse/series/work_input_j"].attrs["units"] == "J"
assert list(f["comparison/table"].attrs["units"]) == ["m/s", "m"]
)PY";
  EXPECT_EQ(run_python(dir_, script, path), 0);
  EXPECT_EQ(ucum_unit("mean_interface_viscosity_pa_s"), "Pa.s");
  EXPECT_EQ(ucum_unit("ha_shear_rate_threshold_per_s"), "/s");
  EXPECT_EQ(ucum_unit("permeability_m4_per_ns"), "m4/(N.s)");
  EXPECT_EQ(ucum_unit("fluid_expelled_m3"), "m3");
  EXPECT_EQ(ucum_unit("residual_strain"), "1");
  EXPECT_EQ(ucum_unit("front_speed_m_s"), "m/s");
}

TEST_F(RunWriterTest, XdmfOfModelWithoutRunsOpensAsStaticGrid) {
  const std::string path = file("model_only.h5");
  {
    RunWriter w(path, "");
    ModelData m = make_model();
    m.groups.clear();
    m.cells.clear();  // no cells: Polyvertex only
    w.write_model(m);
  }
  const std::string xdmf = write_xdmf(path).front();
  std::ifstream in(xdmf);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(tags_balanced(text));
  EXPECT_NE(text.find("TopologyType=\"Polyvertex\""), std::string::npos);
  EXPECT_THROW(write_xdmf(file("missing.h5")), fascia::InputError);
}
