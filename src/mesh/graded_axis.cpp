// SPDX-License-Identifier: MIT
#include "fascia/mesh/graded_axis.hpp"

#include <algorithm>
#include <cmath>

namespace fascia {

std::vector<double> graded_sizes(double extent, double fine, double coarse, double growth, double fine_extent) {
  std::vector<double> sizes;
  if (extent <= 0.0) return sizes;
  double covered = 0.0;
  while (covered < extent * (1.0 - 1e-12)) {
    const double s = (covered < fine_extent - 1e-12 * extent || sizes.empty()) ? fine
                                                                               : std::min(coarse, sizes.back() * growth);
    sizes.push_back(s);
    covered += s;
  }
  const double scale = extent / covered;  // <= 1: every element at most its planned size
  for (double& s : sizes) s *= scale;
  return sizes;
}

std::vector<double> graded_coordinates(double length, double centre, double fine, double coarse, double growth,
                                       double fine_half_width) {
  const std::vector<double> left = graded_sizes(centre, fine, coarse, growth, fine_half_width);
  const std::vector<double> right = graded_sizes(length - centre, fine, coarse, growth, fine_half_width);
  std::vector<double> x = {0.0};
  for (auto it = left.rbegin(); it != left.rend(); ++it) x.push_back(x.back() + *it);
  x.back() = centre;
  for (double s : right) x.push_back(x.back() + s);
  x.back() = length;
  return x;
}

}  // namespace fascia
