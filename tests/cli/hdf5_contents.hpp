// SPDX-License-Identifier: MIT
#pragma once
/// @file What an HDF5 file holds, object by object, for tests that compare two output files bit for
/// bit (a resumed run against one never interrupted).
#include <gtest/gtest.h>
#include <hdf5.h>

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "io/hdf5_handle.hpp"

namespace fascia_test {

/// What an HDF5 file holds, object by object: "path" for a group, "path" -> bytes for a dataset,
/// "path@attribute" -> bytes for an attribute (strings as their text).
using Contents = std::map<std::string, std::string>;

/// The values of a dataset or attribute of `ftype` read by `read(mtype, buffer)`, as bytes.
template <class Read>
std::string value_bytes(hid_t ftype, hid_t space, Read read) {
  const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
  std::string bytes;
  if (H5Tget_class(ftype) == H5T_STRING && H5Tis_variable_str(ftype) > 0) {
    std::vector<char*> ptrs(n);
    if (n) read(ftype, static_cast<void*>(ptrs.data()));
    for (char* p : ptrs) bytes += std::string(p ? p : "") + '\0';
    if (n) H5Dvlen_reclaim(ftype, space, H5P_DEFAULT, ptrs.data());
  } else {
    const hid_t mtype = H5Tget_native_type(ftype, H5T_DIR_DEFAULT);
    bytes.resize(n * H5Tget_size(mtype));
    if (n) read(mtype, static_cast<void*>(bytes.data()));
    H5Tclose(mtype);
  }
  return bytes;
}

inline void add_attributes(hid_t obj, const std::string& path, Contents& out) {
  auto visit = [](hid_t loc, const char* name, const H5A_info_t*, void* data) -> herr_t {
    auto& [contents, prefix] = *static_cast<std::pair<Contents*, std::string>*>(data);
    const hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    const hid_t ftype = H5Aget_type(a), space = H5Aget_space(a);
    (*contents)[prefix + "@" + name] =
        value_bytes(ftype, space, [&](hid_t mtype, void* buf) { H5Aread(a, mtype, buf); });
    H5Sclose(space);
    H5Tclose(ftype);
    H5Aclose(a);
    return 0;
  };
  std::pair<Contents*, std::string> data{&out, path};
  H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, nullptr, visit, &data);
}

inline Contents file_contents(const std::filesystem::path& file) {
  Contents out;
  // Opened as fascia's readers open it: a file a kill inside a flush left short still opens.
  std::string error;
  const hid_t f = fascia::io::h5::open_written_file(file.string(), H5F_ACC_RDONLY, /*lock=*/false, error);
  if (f < 0) {
    ADD_FAILURE() << "cannot open " << file << ": " << error;
    return out;
  }
  auto visit = [](hid_t loc, const char* name, const H5O_info_t* info, void* data) -> herr_t {
    auto& map = *static_cast<Contents*>(data);
    const hid_t o = H5Oopen(loc, name, H5P_DEFAULT);
    add_attributes(o, name, map);
    if (info->type == H5O_TYPE_DATASET) {
      const hid_t ftype = H5Dget_type(o), space = H5Dget_space(o);
      map[name] = value_bytes(ftype, space, [&](hid_t mtype, void* buf) {
        H5Dread(o, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
      });
      H5Sclose(space);
      H5Tclose(ftype);
    } else {
      map[name] = "(group)";
    }
    H5Oclose(o);
    return 0;
  };
  H5Ovisit2(f, H5_INDEX_NAME, H5_ITER_INC, visit, &out, H5O_INFO_BASIC);
  out.erase(".@created");  // the root's creation time
  H5Fclose(f);
  return out;
}

/// Every object of `resumed` equals the same object of `reference`, byte for byte, and neither
/// file has one the other lacks.
inline void expect_bitwise_equal(const std::filesystem::path& reference, const std::filesystem::path& resumed) {
  const Contents a = file_contents(reference), b = file_contents(resumed);
  ASSERT_GT(a.size(), 50u) << "the reference file has too few objects to compare";
  std::size_t differing = 0;
  for (const auto& [name, bytes] : a) {
    const auto it = b.find(name);
    if (it == b.end()) {
      ADD_FAILURE() << "missing in the resumed file: " << name;
    } else if (it->second != bytes && ++differing <= 10) {
      ADD_FAILURE() << "differs: " << name << " (" << bytes.size() << " bytes)";
    }
  }
  for (const auto& [name, bytes] : b)
    if (!a.count(name)) ADD_FAILURE() << "only in the resumed file: " << name;
  EXPECT_EQ(differing, 0u);
}

}  // namespace fascia_test
