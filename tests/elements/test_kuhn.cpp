// SPDX-License-Identifier: MIT
// The one Kuhn table (elements/detail/simplex.hpp) that the cells' volumes, the lattice's matrix
// simplices, the drawn cells and the strain metric share.
#include <gtest/gtest.h>

#include <array>
#include <set>

#include "fascia/elements/detail/simplex.hpp"
#include "fascia/observe/cells.hpp"

namespace fascia {
namespace {

// An undeformed a x b x c box with corners in binary order (b = x + 2y + 4z).
std::vector<double> box(double a, double b, double c) {
  std::vector<double> x;
  for (int k = 0; k < 8; ++k) x.insert(x.end(), {a * (k & 1), b * ((k >> 1) & 1), c * ((k >> 2) & 1)});
  return x;
}

TEST(KuhnTetrahedra, SplitTheBoxIntoSixEqualPositivePiecesAlongItsDiagonal) {
  const auto x = box(1.0, 2.0, 3.0);
  const ConstNodes nodes = view(x);
  double total = 0.0;
  std::set<std::array<int, 4>> distinct;
  for (const auto& [corners, sign] : detail::kKuhnTetrahedra) {
    EXPECT_EQ(corners[0], 0);
    EXPECT_EQ(corners[3], 7);  // all share the main diagonal
    const std::array<Index, 4> t = {corners[0], corners[1], corners[2], corners[3]};
    const double det = detail::rest_det<3>(nodes, t);
    // Each Kuhn tetrahedron of a box is 1/6 of it (det = abc); the sign makes it positive. Exact
    // in floating point for these small integers.
    EXPECT_EQ(sign * det, 6.0);
    total += sign * det / 6.0;
    distinct.insert(corners);
  }
  EXPECT_EQ(distinct.size(), 6u);
  EXPECT_EQ(total, 6.0);  // the box's volume
  EXPECT_EQ(detail::hex_measure(nodes, {0, 1, 2, 3, 4, 5, 6, 7}, false).det, 36.0);  // sum of the six dets

  // observe's kuhn_tetrahedra maps the same table onto a cell's node indices.
  const std::array<Index, 8> cell = {10, 11, 12, 13, 14, 15, 16, 17};
  const auto tets = kuhn_tetrahedra(cell);
  for (std::size_t t = 0; t < tets.size(); ++t)
    for (int a = 0; a < 4; ++a) EXPECT_EQ(tets[t][std::size_t(a)], 10 + detail::kKuhnTetrahedra[t].corners[std::size_t(a)]);
}

}  // namespace
}  // namespace fascia
