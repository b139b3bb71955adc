// SPDX-License-Identifier: MIT
// No data lost on the faults users meet (src/io/output_guard.hpp): a full disk at any point stops
// the run with one line, a non-zero exit, a readable file whose counted frames are all finite and a
// status saying why; another writer or a reader holding the output leaves it untouched.
#include <sys/mount.h>

#include <cmath>

#include "cli/cli_fixture.hpp"
#include "fascia/io/run_writer.hpp"
#include "io/hdf5_handle.hpp"

namespace {

using namespace fascia_cli_test;
namespace h5 = fascia::io::h5;

const fs::path kRipple = fs::path(FASCIA_EXAMPLES_DIR) / "scenarios" / "ripple_sheet.toml";

/// Every counted frame of every run holds finite time, displacement and velocity.
void expect_counted_frames_finite(const fs::path& file) {
  const auto summary = fascia::io::read_summary(file.string());
  h5::Handle f = h5::open_file_readonly(file.string());
  for (const auto& run : summary.runs) {
    SCOPED_TRACE(run.name);
    for (const char* name : {"time", "frames/displacement", "frames/velocity"}) {
      h5::Handle d = h5::open_dataset(f, "runs/" + run.name + "/" + name);
      const auto values = h5::read_all<double>(d);
      const std::size_t per_frame = run.frames ? values.size() / h5::dims(d)[0] : 0;
      for (std::size_t i = 0; i < run.frames * per_frame; ++i)
        ASSERT_TRUE(std::isfinite(values[i])) << name << " value " << i << " of a counted frame";
    }
  }
}

class OutputSafety : public Cli {
protected:
  void TearDown() override {
    if (mounted_) ::umount(mount_.c_str());
    Cli::TearDown();
  }
  /// A tmpfs of `kib` KiB under the test folder; false where this process may not mount.
  bool mount_tmpfs(int kib) {
    mount_ = dir_ / "disk";
    fs::create_directories(mount_);
    const std::string options = "size=" + std::to_string(kib) + "k";
    mounted_ = ::mount("tmpfs", mount_.c_str(), "tmpfs", 0, options.c_str()) == 0;
    return mounted_;
  }
  fs::path mount_;
  bool mounted_ = false;
};

/// The checks every disk-full outcome must pass, wherever the disk filled up.
void expect_clean_stop(const CliResult& r, const fs::path& out, bool frames_expected) {
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_EQ(Cli::lines(r.err), 1) << r.err;
  EXPECT_EQ(r.err.find("HDF5-DIAG"), std::string::npos);
  EXPECT_CONTAINS(r.err, "no room");
  if (!frames_expected) return;
  const auto summary = fascia::io::read_summary(out.string());
  ASSERT_EQ(summary.runs.size(), 1u);
  EXPECT_EQ(summary.runs[0].status, "incomplete");
  EXPECT_CONTAINS(summary.runs[0].message, "no room");
  EXPECT_GE(summary.runs[0].frames, 1u);
  expect_counted_frames_finite(out);
}

TEST_F(OutputSafety, DiskFullOnATmpfsStopsCleanlyAtEveryStage) {
  // ripple_sheet: a 1.1 MB model and 32 frames of 0.32 MB. 700 KiB: full before the file exists;
  // 2600 and 3000 KiB: full during the frames (the run keeps 1 MiB for closing the file).
  if (!mount_tmpfs(700)) GTEST_SKIP() << "mounting a tmpfs needs root (the file-size-limit test covers the rest)";
  for (const int kib : {700, 2600, 3000}) {
    SCOPED_TRACE(kib);
    ::umount(mount_.c_str());
    ASSERT_TRUE(mount_tmpfs(kib));
    const fs::path out = mount_ / "run.h5";
    const auto r = run("--quiet run " + quote(kRipple.string()) + " -o " + quote(out.string()));
    if (kib == 700) {
      EXPECT_FALSE(fs::exists(out)) << "created a file on a full disk";
      EXPECT_EQ(r.code, 1);
      EXPECT_CONTAINS(r.err, "is full");
      continue;
    }
    expect_clean_stop(r, out, true);
    const auto info = run("info " + quote(out.string()));
    EXPECT_EQ(info.code, 0) << info.err;
  }
}

TEST_F(OutputSafety, FileSizeLimitStopsCleanly) {
  // Without root: a file size limit makes the kernel refuse the blocks exactly as a full disk does
  // (EFBIG instead of ENOSPC), at the same point of the writer. 2600 KiB: during the frames.
  const fs::path out = dir_ / "limited.h5";
  const std::string cmd = "trap '' XFSZ; ulimit -f 2600; exec " + quote(FASCIA_CLI_PATH) + " --quiet run " +
                          quote(kRipple.string()) + " -o " + quote(out.string());
  const auto r = run_shell(cmd);
  expect_clean_stop(r, out, true);
}

TEST_F(OutputSafety, AnotherWriterLeavesTheFileUntouched) {
  const fs::path out = dir_ / "busy.h5";
  {
    fascia::io::RunWriter first(out.string(), "# the first run's scenario\n");  // holds the claim
    const std::string before = read_all(out);
    const auto r = run("--quiet run " + quote(kRipple.string()) + " -o " + quote(out.string()));
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(lines(r.err), 1) << r.err;
    EXPECT_CONTAINS(r.err, "another fascia run is writing");
    EXPECT_TRUE(read_all(out) == before) << "the second writer changed the file";
  }
  EXPECT_EQ(fascia::io::read_summary(out.string()).runs.size(), 0u);  // still the first writer's file
}

TEST_F(OutputSafety, AReaderHoldingTheFileKeepsItIntact) {
  const fs::path out = dir_ / "held.h5";
  { fascia::io::RunWriter w(out.string(), "# an earlier result\n"); }
  const std::string before = read_all(out);
  {
    // A reader that takes HDF5's file lock, as h5py and ParaView do by default (fascia's own readers
    // open without it, docs/hdf5-schema.md "Watching a run live").
    h5::Handle reader(H5Fopen(out.string().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open with HDF5's lock");
    const auto r = run("--quiet run " + quote(kRipple.string()) + " -o " + quote(out.string()));
    EXPECT_EQ(r.code, 2);
    EXPECT_CONTAINS(r.err, "another process has this file open");
  }
  EXPECT_TRUE(read_all(out) == before) << "a refused run changed or deleted the file";
}

}  // namespace
