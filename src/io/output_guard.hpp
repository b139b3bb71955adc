// SPDX-License-Identifier: MIT
#pragma once
/// @file Safety of an output file against a second writer, a reader that holds it, and a full disk.
///
/// Why not "write a temporary file and rename it on success": a killed run must leave its frames
/// where the user (and `fascia run --resume`) looks for them, in OUT.h5 itself (docs/cli.md). So the
/// writer claims OUT.h5 *before* anything truncates it:
///  * an open-file-description lock (fcntl F_OFD_SETLK, write) held for the whole run on OUT.h5 —
///    a second fascia writer is refused and the file is not touched. The kernel drops it when the
///    process dies, however it dies. It is independent of HDF5's own flock() locking (Linux keeps
///    the two kinds apart), so HDF5 readers and SWMR behave as before;
///  * a flock() probe: a process that has the file open through HDF5 (h5py, ParaView, another
///    writer) holds a flock; then the run is refused, again without touching the file. Between the
///    probe and HDF5 taking its own lock is a window of microseconds.
/// Disk space: an HDF5 write that fails half-way (ENOSPC, EFBIG) leaves a file whose superblock
/// promises more bytes than exist ("truncated file": unreadable) and a half-closed handle that
/// libhdf5 1.10.8 dereferences at exit (SIGSEGV). So HDF5 must never be the one to meet a full disk:
/// before each frame the writer has the kernel allocate the blocks the file will grow into
/// (`OutputClaim::reserve`, posix_fallocate: allocated blocks cannot fail to be written), and a
/// refusal stops the run cleanly between frames. The writer trims the unused tail after HDF5
/// closed the file; a killed run leaves it as zeros past the end, which readers ignore.
#include <cstdint>
#include <string>

namespace fascia::io {

class OutputClaim {
public:
  /// Claims `path` for writing (creating an empty file if none exists; an existing one keeps its
  /// contents). Throws InputError naming the path when another process writes or reads it.
  explicit OutputClaim(const std::string& path);
  ~OutputClaim();
  /// Allocates disk blocks for the file up to `end` bytes; throws OutputFull (naming `what`, the
  /// write it is for) when the file system refuses (full, or a file size limit).
  void reserve(std::uint64_t end, const std::string& what);
  /// reserve without the error: true when the blocks up to `end` are allocated.
  bool try_reserve(std::uint64_t end) noexcept;
  /// After HDF5 closed the file: cuts the blocks reserved but never used (HDF5 does not shrink a
  /// file on close), down to the end the file's superblock records.
  void trim_unused() noexcept;
  OutputClaim(const OutputClaim&) = delete;
  OutputClaim& operator=(const OutputClaim&) = delete;

private:
  std::string path_;
  int fd_ = -1;
};

/// Room kept free for what closes a run (status, metrics, comparison table, XDMF sidecar) [bytes].
inline constexpr std::uint64_t kOutputReserveBytes = std::uint64_t(1) << 20;

/// Throws OutputFull (run_writer.hpp) naming `path` unless its file system has `bytes` plus
/// kOutputReserveBytes free; `what` says what was about to be written.
void require_room(const std::string& path, std::uint64_t bytes, const std::string& what);

struct ModelData;
/// Bytes the model takes in the file (an upper bound: uncompressed, parameters per connectivity entry).
std::uint64_t model_bytes(const ModelData& model);

/// Bytes available to this user on the file system holding `path` (max if it cannot be told).
std::uint64_t free_bytes(const std::string& path);

}  // namespace fascia::io
