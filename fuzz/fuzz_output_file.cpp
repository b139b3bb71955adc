// SPDX-License-Identifier: MIT
/// @file libFuzzer target: reading an output file the way `fascia info` does (io::read_summary).
/// Any input must either read or throw fascia::InputError naming the file. The bytes go to a file
/// in /dev/shm (HDF5 opens paths), one per process so that parallel fuzzing jobs do not collide.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "fascia/core/error.hpp"
#include "fascia/io/run_writer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = "/dev/shm/fascia_fuzz_output_" + std::to_string(::getpid()) + ".h5";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  try {
    (void)fascia::io::read_summary(path);
  } catch (const fascia::InputError&) {
  }
  return 0;
}
