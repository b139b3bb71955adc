// SPDX-License-Identifier: MIT
#pragma once
/// @file Scalar, index and small vector types shared by every module.
///
/// Convention (see docs/glossary.md): node data are stored n_nodes x 3, row-major, as one flat
/// `std::vector<double>` (x0 y0 z0 x1 y1 z1 ...). `rest_positions` is X, `positions` is x,
/// `velocities` is v.
#include <Eigen/Dense>
#include <cstdint>
#include <span>
#include <vector>

namespace fascia {

using Index = std::int32_t;  ///< node / element index (lattices stay below 2^31 nodes)
using Vec3 = Eigen::Vector3d;
using Mat3 = Eigen::Matrix3d;
using NodeArray = Eigen::Matrix<double, Eigen::Dynamic, 3, Eigen::RowMajor>;

/// Read-only view of node positions (flat, n x 3 row-major).
struct ConstNodes {
  const double* data = nullptr;
  std::size_t n = 0;
  Vec3 operator[](Index i) const { return Vec3(data[3 * i], data[3 * i + 1], data[3 * i + 2]); }
};

inline ConstNodes view(const std::vector<double>& v) { return {v.data(), v.size() / 3}; }

}  // namespace fascia
