// SPDX-License-Identifier: MIT
/// @file OutputClaim and free_bytes (why: output_guard.hpp).
#include "io/output_guard.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <sys/stat.h>
#include <sys/file.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>

#include "fascia/core/error.hpp"
#include "fascia/io/run_writer.hpp"

namespace fascia::io {

OutputClaim::OutputClaim(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);  // no O_TRUNC: nothing is lost here
  if (fd_ < 0) {
    const int err = errno;
    throw InputError(path, std::string("cannot open the output file for writing: ") + std::strerror(err));
  }
  struct flock claim {};
  claim.l_type = F_WRLCK;
  claim.l_whence = SEEK_SET;  // l_start = l_len = 0: the whole file
  if (::fcntl(fd_, F_OFD_SETLK, &claim) != 0) {
    ::close(fd_);
    fd_ = -1;
    throw InputError(path, "another fascia run is writing this file; it was left as it is (choose another "
                           "output with -o, or wait for that run to end)");
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    fd_ = -1;
    throw InputError(path, "another process has this file open (a reader such as h5py or ParaView, or a "
                           "writer); it was left as it is: close it there, or choose another output with -o");
  }
  ::flock(fd_, LOCK_UN);  // HDF5 takes its own flock when it opens the file
}

bool OutputClaim::try_reserve(std::uint64_t end) noexcept { return ::posix_fallocate(fd_, 0, off_t(end)) == 0; }

void OutputClaim::reserve(std::uint64_t end, const std::string& what) {
  const int err = ::posix_fallocate(fd_, 0, off_t(end));
  if (err == 0) return;
  throw OutputFull("the disk holding '" + path_ + "' has no room for " + what + " (" + std::strerror(err) + ", " +
                   std::to_string(free_bytes(path_)) + " bytes free)");
}

void OutputClaim::trim_unused() noexcept {
  const hid_t f = H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) {
    H5Eclear2(H5E_DEFAULT);
    return;  // nothing to trim that could be trusted
  }
  haddr_t end = 0;  // the end of the file HDF5 recorded in the superblock: readers need exactly this
  const bool known = H5Fget_eoa(f, &end) >= 0 && end > 0;
  H5Fclose(f);
  struct stat st {};
  if (known && ::fstat(fd_, &st) == 0 && std::uint64_t(st.st_size) > std::uint64_t(end))
    (void)::ftruncate(fd_, off_t(end));
}

bool held_by_a_writer(const std::string& path) noexcept {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct flock probe {};
  probe.l_type = F_RDLCK;  // conflicts with the writer's F_WRLCK only
  probe.l_whence = SEEK_SET;
  const bool held = ::fcntl(fd, F_OFD_GETLK, &probe) == 0 && probe.l_type != F_UNLCK;
  ::close(fd);
  return held;
}

OutputClaim::~OutputClaim() {
  if (fd_ >= 0) ::close(fd_);  // releases the OFD lock
}

std::uint64_t model_bytes(const ModelData& m) {
  std::uint64_t bytes = 8 * m.rest_positions.size() + 12 * m.masses.size();
  for (const auto& g : m.groups) bytes += 4 * g.connectivity.size() + 8 * g.parameters.size() * g.connectivity.size();
  return bytes;
}

std::uint64_t free_bytes(const std::string& path) {
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  struct statvfs s {};
  if (::statvfs(dir.c_str(), &s) != 0) return std::numeric_limits<std::uint64_t>::max();
  return std::uint64_t(s.f_bavail) * std::uint64_t(s.f_frsize);
}

void require_room(const std::string& path, std::uint64_t bytes, const std::string& what) {
  const std::uint64_t left = free_bytes(path);
  if (left >= bytes + kOutputReserveBytes) return;
  throw OutputFull("the disk holding '" + path + "' is full: " + std::to_string(left) + " bytes free, " + what +
                   " needs " + std::to_string(bytes) + " plus " + std::to_string(kOutputReserveBytes) +
                   " to close the file");
}

}  // namespace fascia::io
