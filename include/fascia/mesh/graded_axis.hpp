// SPDX-License-Identifier: MIT
#pragma once
/// @file Node coordinates along one axis of a graded structured mesh (docs/model.md "Finite
/// elements: the graded slab").
///
/// Element sizes are `fine` inside a zone around the load centre, then grow geometrically by at
/// most `growth` per element up to `coarse`, and stay there. The sizes are finally scaled by one
/// common factor <= 1 so that they fill the extent exactly: growth ratios are kept, and no element
/// becomes coarser than asked.
#include <vector>

namespace fascia {

/// Element sizes covering [0, extent] starting at the near end: `fine` for the first `fine_extent`,
/// then growing by `growth` per element up to `coarse`.
std::vector<double> graded_sizes(double extent, double fine, double coarse, double growth, double fine_extent);

/// Node coordinates on [0, length], symmetric about `centre`, finest at the centre (a node sits at
/// the centre) with a fine zone of half-width `fine_half_width`.
std::vector<double> graded_coordinates(double length, double centre, double fine, double coarse, double growth,
                                       double fine_half_width);

}  // namespace fascia
