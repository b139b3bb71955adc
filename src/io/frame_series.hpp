// SPDX-License-Identifier: MIT
#pragma once
/// @file FrameSeries: one per-frame field stored as one small dataset per frame
/// (`<run>/steps/<k>/<name>`), plus a virtual dataset `<run>/<stack>/<name>` of shape
/// (n_frames, row_shape...) that maps every frame dataset in order.
///
/// Why both views of the same bytes: XDMF readers (ParaView's Xdmf3 readers, meshio) only follow
/// direct `Format="HDF"` references to whole datasets, so each frame must be a dataset of its own;
/// numpy users want one array over all frames. The virtual dataset uses HDF5's printf-style source
/// names (`steps/%b/<name>`), so it grows by itself as frames are written, stores nothing twice, and
/// keeps the file in the default (earliest) on-disk format: a killed writer's file still opens with a
/// plain open (docs/hdf5-schema.md "Durability").
#include <limits>
#include <string>
#include <vector>

#include "io/hdf5_handle.hpp"

namespace fascia::io::h5 {

/// `%` is printf's escape in virtual-dataset source names.
inline std::string printf_escape(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '%' ? std::string("%%") : std::string(1, c);
  return out;
}

class FrameSeries {
public:
  FrameSeries() = default;
  /// `run`: the run group; `steps_path`: absolute path of its steps group; `stack`: the group that
  /// holds the virtual dataset (e.g. the run's `frames`); `units`: UCUM unit string.
  FrameSeries(hid_t stack, const std::string& steps_path, const std::string& name,
              std::vector<hsize_t> row_shape, const std::string& units)
      : steps_path_(steps_path), name_(name), row_shape_(std::move(row_shape)) {
    std::vector<hsize_t> cur{0}, max{H5S_UNLIMITED}, start{0}, stride{1}, count{H5S_UNLIMITED}, block{1};
    row_size_ = 1;
    for (hsize_t s : row_shape_) {
      cur.push_back(s);
      max.push_back(s);
      start.push_back(0);
      stride.push_back(1);
      count.push_back(1);
      block.push_back(s);
      row_size_ *= s;
    }
    const int rank = static_cast<int>(cur.size());
    Handle vspace(H5Screate_simple(rank, cur.data(), max.data()), "create dataspace for '" + name + "'");
    check_status(H5Sselect_hyperslab(vspace, H5S_SELECT_SET, start.data(), stride.data(), count.data(),
                                     block.data()),
                 "select frames of '" + name + "'");
    // Each frame is a dataset of the row's own shape (no leading axis of 1): readers that take a
    // whole dataset (XDMF) see (n_nodes, 3) or (n_nodes,).
    const int row_rank = static_cast<int>(row_shape_.size());
    Handle sspace(H5Screate_simple(row_rank, row_shape_.data(), nullptr), "create source dataspace");
    Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), "create dataset property list");
    const double nan = std::numeric_limits<double>::quiet_NaN();
    check_status(H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &nan), "set fill value");
    const std::string source = printf_escape(steps_path_) + "/%b/" + printf_escape(name);
    check_status(H5Pset_virtual(dcpl, vspace, ".", source.c_str(), sspace), "map frames of '" + name + "'");
    Handle vds(H5Dcreate2(stack, name.c_str(), H5T_IEEE_F64LE, vspace, H5P_DEFAULT, dcpl, H5P_DEFAULT),
               "create virtual dataset '" + name + "'");
    write_attr(vds, "units", units);
    units_ = units;
    init_frame_properties();
  }

  /// The series `name` an earlier writer created in `stack`, continuing after its first `rows`
  /// frames (a resumed run: the steps/<k> groups of later frames were removed).
  static FrameSeries reopen(hid_t stack, const std::string& steps_path, const std::string& name, hsize_t rows) {
    FrameSeries s;
    s.steps_path_ = steps_path;
    s.name_ = name;
    Handle vds = open_dataset(stack, name);
    const std::vector<hsize_t> extent = dims(vds);
    if (extent.empty()) fail("frame series '" + name + "' has no frame axis");
    s.row_shape_.assign(extent.begin() + 1, extent.end());
    for (hsize_t n : s.row_shape_) s.row_size_ *= n;
    s.units_ = read_string_attr(vds, "units").value_or("");
    s.init_frame_properties();
    s.rows_ = rows;
    return s;
  }

  bool valid() const noexcept { return memspace_.valid(); }
  hsize_t rows() const noexcept { return rows_; }

  /// Writes frame `rows()` of this field into `step` (the group steps/<k>); nullptr writes NaN.
  void append(hid_t step, const double* row) {
    std::vector<double> nan;
    if (row == nullptr) {
      nan.assign(row_size_, std::numeric_limits<double>::quiet_NaN());
      row = nan.data();
    }
    Handle dset(H5Dcreate2(step, name_.c_str(), H5T_IEEE_F64LE, memspace_, H5P_DEFAULT, dcpl_, H5P_DEFAULT),
                "create frame dataset '" + name_ + "'");
    check_status(H5Dwrite(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, row),
                 "write frame of '" + name_ + "'");
    write_attr(dset, "units", units_);
    ++rows_;
  }

  /// Frames 0..n-1 that do not exist yet read NaN: writes them (a field that appears late).
  void pad_to(hid_t run_group, hsize_t n) {
    while (rows_ < n) {
      Handle step = open_group(run_group, "steps/" + std::to_string(rows_));
      append(step, nullptr);
    }
  }

private:
  /// Dataspace and creation properties of each frame's dataset (chunked whole, shuffle + deflate).
  void init_frame_properties() {
    const int row_rank = static_cast<int>(row_shape_.size());
    memspace_ = Handle(H5Screate_simple(row_rank, row_shape_.data(), nullptr), "create frame dataspace");
    dcpl_ = Handle(H5Pcreate(H5P_DATASET_CREATE), "create dataset property list");
    check_status(H5Pset_chunk(dcpl_, row_rank, row_shape_.data()), "set chunk shape of '" + name_ + "'");
    check_status(H5Pset_shuffle(dcpl_), "set shuffle filter");  // shuffle must precede deflate
    check_status(H5Pset_deflate(dcpl_, 1), "set deflate filter");
  }

  std::string steps_path_, name_, units_;
  std::vector<hsize_t> row_shape_;
  hsize_t row_size_ = 1, rows_ = 0;
  Handle memspace_, dcpl_;
};

}  // namespace fascia::io::h5
