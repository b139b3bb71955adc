// SPDX-License-Identifier: MIT
// `fascia run --resume` continues a killed or stopped run from its checkpoint and ends bit for bit
// where a run that was never interrupted ends: every object of the two files is compared, each
// dataset and each attribute byte by byte (frames, time, series, metrics, the comparison table;
// adhesion draws included), except the root's creation time. `fascia compare --resume` likewise
// continues a killed compare: the runs that had finished are kept as they are in the file (not
// run again), the others continue, and the table and file equal an uninterrupted compare's.
#include <hdf5.h>

#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <string>

#include "cli/cli_fixture.hpp"
#include "cli/hdf5_contents.hpp"
#include "fascia/io/run_writer.hpp"

namespace {

using namespace fascia_cli_test;
using fascia_test::Contents;
using fascia_test::expect_bitwise_equal;
using fascia_test::file_contents;

/// Two protocols on a small slab with adhesions that rupture and heal (random bond draws): an
/// explicit tap, and a compression with a sliding base whose fast phases are explicit and slow ones
/// implicit, so that both integrators, the ripple observer, the compressor's record and the
/// adhesion streams are checkpointed. A checkpoint every 10 ms of wall-clock time, so that a kill
/// lands after several.
constexpr const char* kScenario = R"(
[geometry]
kind = "slab"
size_mm = [2.0, 2.0]
spacing_mm = 0.5
layers = 2
seed = 3
[material]
muscle_thickness_mm = 1.0
[adhesion]
bell_rate_per_s = 1.0
heal_rate_per_s = 0.5
[solver]
integrator = "auto"
[protocol.tap]
kind = "impulse"
force_n = 0.05
radius_mm = 0.5
duration_s = 2e-5
end_s = 2e-4
frame_interval_s = 2e-5
[protocol.shear]
kind = "compression_active_shear"
pressure_kpa = 50.0
radius_mm = 0.6
amplitude_mm = 0.5
frequency_hz = 2.5
cycles = 1
ramp_s = 0.2
release_s = 0.2
recover_s = 0.5
frame_interval_s = 0.05
[output]
checkpoint_interval_s = 0.01
)";

/// Every byte of `file`.
std::string file_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class Resume : public Cli {
protected:
  /// `fascia --threads 1 --quiet SUBCOMMAND SCENARIO -o OUT [extra]` (SUBCOMMAND: run or compare).
  static std::string command(const fs::path& scenario, const fs::path& out, const std::string& extra = "",
                             const std::string& subcommand = "run") {
    return quote(FASCIA_CLI_PATH) + " --threads 1 --quiet " + subcommand + " " + quote(scenario.string()) + " -o " +
           quote(out.string()) + extra;
  }
  /// Starts the run (or compare) in the background, waits until its file holds a checkpoint of the
  /// compression run (the second), then sends `signal`; returns the run's exit status.
  int run_until_checkpoint_then(const fs::path& scenario, const fs::path& out, const std::string& signal,
                                const std::string& subcommand = "run") const {
    const auto r = run_shell(command(scenario, out, "", subcommand) + " >/dev/null 2>&1 & pid=$!; "
                             "for i in $(seq 600); do " +
                             quote(FASCIA_CLI_PATH) + " info " + quote(out.string()) +
                             " 2>/dev/null | grep -A5 '^\\[shear\\]' | grep -q 'checkpoint:' && break; "
                             "sleep 0.02; done; kill -" + signal + " $pid; wait $pid; echo $?");
    return std::atoi(r.out.c_str());
  }
};

TEST_F(Resume, AKilledOrStoppedRunResumesBitForBit) {
  const auto scenario = write("resume.toml", kScenario);
  const fs::path reference = dir_ / "reference.h5", killed = dir_ / "killed.h5", stopped = dir_ / "stopped.h5";
  const auto ref = run_shell(command(scenario, reference));
  ASSERT_EQ(ref.code, 0) << ref.err;

  // SIGKILL: no chance to clean up; the file holds frames past the last checkpoint, dropped on resume.
  ASSERT_EQ(run_until_checkpoint_then(scenario, killed, "KILL"), 128 + 9)
      << "the run ended before the kill: make the scenario longer";
  bool resumable = false;
  for (const auto& r : fascia::io::read_summary(killed.string()).runs)
    resumable |= r.status == "incomplete" && r.checkpoint_time.has_value();
  ASSERT_TRUE(resumable) << "no run left to continue from a checkpoint";
  // What --resume continues from, read without changing the file (its probe reads it in a child).
  // Compared byte for byte: a file left short by a kill inside a flush (CI met one here) must stay
  // exactly as short.
  const std::string killed_before = file_bytes(killed);
  const auto checkpoints = fascia::io::read_checkpoints(killed.string());
  ASSERT_EQ(checkpoints.count("shear"), 1u);
  EXPECT_FALSE(checkpoints.at("shear").items.empty());
  EXPECT_EQ(checkpoints.count("tap"), 0u);  // the finished tap keeps no checkpoint
  EXPECT_TRUE(file_bytes(killed) == killed_before) << "reading the checkpoints changed the file";
  const auto resumed = run_shell(command(scenario, killed, " --resume"));
  ASSERT_EQ(resumed.code, 0) << resumed.err;
  for (const auto& r : fascia::io::read_summary(killed.string()).runs) {
    EXPECT_EQ(r.status, "complete") << r.name;
    EXPECT_FALSE(r.checkpoint_time) << r.name << ": a finished run keeps no checkpoint";
  }
  expect_bitwise_equal(reference, killed);

  // SIGTERM: stops at a checkpoint with status "interrupted"; resuming ends the same.
  EXPECT_EQ(run_until_checkpoint_then(scenario, stopped, "TERM"), 128 + 15);
  bool interrupted = false;
  for (const auto& r : fascia::io::read_summary(stopped.string()).runs)
    interrupted |= r.status == "interrupted" && r.checkpoint_time.has_value();
  EXPECT_TRUE(interrupted);
  const auto again = run_shell(command(scenario, stopped, " --resume"));
  ASSERT_EQ(again.code, 0) << again.err;
  expect_bitwise_equal(reference, stopped);

  // A finished file resumes to itself: nothing runs again; `compare --resume` prints its table.
  const Contents before = file_contents(reference);
  const auto noop = run_shell(command(scenario, reference, " --resume"));
  EXPECT_EQ(noop.code, 0) << noop.err;
  const auto table = run_shell(quote(FASCIA_CLI_PATH) + " --threads 1 --quiet compare " + quote(scenario.string()) +
                               " -o " + quote(reference.string()) + " --resume --format csv");
  EXPECT_EQ(table.code, 0) << table.err;
  EXPECT_CONTAINS(table.out, "adhesions_broken_fraction_final");
  EXPECT_TRUE(file_contents(reference) == before) << "resuming a finished file changed it";
}

/// Makes `file` look as a writer killed inside a flush can leave it (CI met one): a version-0
/// superblock (HDF5's earliest format, which fascia writes) whose recorded end of file lies `short_by`
/// bytes past the file's real end. The end-of-file address is the 8 bytes at offset 40 of that
/// superblock (HDF5 File Format Specification, "Superblock Version 0").
void leave_short(const fs::path& file, std::uint64_t short_by) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  char version = -1;
  f.seekg(8);
  f.read(&version, 1);
  ASSERT_EQ(version, 0) << "not a version-0 superblock";
  const std::uint64_t end = fs::file_size(file) + short_by;  // little-endian, as HDF5 stores it
  char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = char((end >> (8 * i)) & 0xff);
  f.seekp(40);
  f.write(bytes, 8);
}

TEST_F(Resume, AFileLeftShortByAKillInsideAFlushReadsAndResumes) {
  const auto scenario = write("resume.toml", kScenario);
  const fs::path reference = dir_ / "reference.h5", killed = dir_ / "killed.h5";
  ASSERT_EQ(run_shell(command(scenario, reference)).code, 0);
  // The kill lands wherever the run is. Cutting the file's last 5632 bytes (the shortfall CI's file
  // had) stands for a flush cut off in the middle only where those bytes are the unfinished flush's
  // room; where the kill came just after frame data was written there, the cut removes data and the
  // file is rightly refused ("data past the end": a file cut short, not a flush left short), so the
  // run is killed again (a handful of tries; 1 kill in ~15 under a loaded `make test` cut data).
  std::optional<fascia::io::FileSummary> summary;
  for (int attempt = 0; attempt < 5 && !summary; ++attempt) {
    fs::remove(killed);
    ASSERT_EQ(run_until_checkpoint_then(scenario, killed, "KILL"), 128 + 9);
    leave_short(killed, 5632);
    {  // the premise: HDF5 refuses the file as it is
      const hid_t f = H5Fopen(killed.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
      if (f >= 0) H5Fclose(f);
      ASSERT_LT(f, 0) << "HDF5 opened a file shorter than its superblock says: the test no longer tests anything";
    }
    try {
      summary = fascia::io::read_summary(killed.string());
    } catch (const fascia::InputError& e) {
      ASSERT_NE(std::string(e.what()).find("data past the end"), std::string::npos) << e.what();
    }
  }
  ASSERT_TRUE(summary) << "every kill left data in the cut tail";
  bool resumable = false;
  for (const auto& r : summary->runs) resumable |= r.status == "incomplete" && r.checkpoint_time.has_value();
  EXPECT_TRUE(resumable);
  const auto info = run_shell(quote(FASCIA_CLI_PATH) + " info " + quote(killed.string()));
  EXPECT_EQ(info.code, 0) << info.err;
  const auto resumed = run_shell(command(scenario, killed, " --resume"));
  ASSERT_EQ(resumed.code, 0) << resumed.err;
  expect_bitwise_equal(reference, killed);
  const hid_t f = H5Fopen(killed.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);  // the resumed file is whole again
  EXPECT_GE(f, 0);
  if (f >= 0) H5Fclose(f);
}

/// Where each object under `group` sits in `file` (object header addresses): a run kept by `--resume`
/// keeps them; one written again gets new ones (HDF5 appends new objects, freed space is not reused).
std::map<std::string, haddr_t> object_addresses(const fs::path& file, const std::string& group) {
  std::map<std::string, haddr_t> out;
  std::string error;  // opened as fascia's readers open it: a file a kill inside a flush left short still opens
  const hid_t f = fascia::io::h5::open_written_file(file.string(), H5F_ACC_RDONLY, /*lock=*/false, error);
  if (f < 0) return out;
  if (const hid_t g = H5Gopen2(f, group.c_str(), H5P_DEFAULT); g >= 0) {
    auto visit = [](hid_t, const char* name, const H5O_info_t* info, void* data) -> herr_t {
      (*static_cast<std::map<std::string, haddr_t>*>(data))[name] = info->addr;
      return 0;
    };
    H5Ovisit2(g, H5_INDEX_NAME, H5_ITER_INC, visit, &out, H5O_INFO_BASIC);
    H5Gclose(g);
  }
  H5Fclose(f);
  return out;
}

TEST_F(Resume, CompareResumesAnUnfinishedFileSkippingFinishedRuns) {
  const auto scenario = write("resume.toml", kScenario);
  const fs::path reference = dir_ / "reference.h5", killed = dir_ / "killed.h5";
  const auto ref = run_shell(command(scenario, reference, " --format csv", "compare"));
  ASSERT_EQ(ref.code, 0) << ref.err;

  // Killed while the second run (shear) is under way: the tap has finished, the shear has a checkpoint.
  ASSERT_EQ(run_until_checkpoint_then(scenario, killed, "KILL", "compare"), 128 + 9)
      << "the compare ended before the kill: make the scenario longer";
  std::map<std::string, std::string> status;
  for (const auto& r : fascia::io::read_summary(killed.string()).runs) status[r.name] = r.status;
  ASSERT_EQ(status["tap"], "complete");
  ASSERT_EQ(status["shear"], "incomplete");
  const auto tap_objects = object_addresses(killed, "/runs/tap");
  ASSERT_GT(tap_objects.size(), 5u);

  const auto resumed = run_shell(command(scenario, killed, " --resume --format csv", "compare"));
  ASSERT_EQ(resumed.code, 0) << resumed.err;
  EXPECT_EQ(resumed.out, ref.out) << "the table differs from an uninterrupted compare's";
  EXPECT_TRUE(object_addresses(killed, "/runs/tap") == tap_objects) << "the finished run was written again";
  expect_bitwise_equal(reference, killed);
}

TEST_F(Resume, AnotherScenarioIsRefusedAndTheFileKept) {
  const auto scenario = write("resume.toml", kScenario);
  const fs::path out = dir_ / "out.h5";
  const auto other = write("other.toml", std::regex_replace(std::string(kScenario), std::regex("force_n = 0.05"),
                                                            "force_n = 0.06"));
  // A file written from the first scenario (its tap only: quick), resumed with the second.
  const auto first = run_shell(command(scenario, out, " --only tap"));
  ASSERT_EQ(first.code, 0) << first.err;
  const Contents before = file_contents(out);
  const auto r = run_shell(command(other, out, " --resume"));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_CONTAINS(r.err, "--resume");
  EXPECT_CONTAINS(r.err, "scenario differs");
  EXPECT_TRUE(file_contents(out) == before) << "a refused resume changed the file";
}

}  // namespace
