// SPDX-License-Identifier: MIT
#include "fascia/lattice/sample.hpp"

#include <cmath>

#include "fascia/core/error.hpp"

namespace fascia {

const LayerMaterial& sample_material(const TissueMaterials& mat, SampleTissue tissue) {
  switch (tissue) {
    case SampleTissue::dense: return mat.dense;
    case SampleTissue::loose: return mat.loose;
    case SampleTissue::muscle: return mat.muscle;
    case SampleTissue::skin: return mat.skin;
    case SampleTissue::hypodermis: return mat.hypodermis;
  }
  return mat.dense;  // unreachable: every enumerator is handled above
}

namespace {
/// Cells along one side: round(side / spacing), at least two (a one-cell side has no interior
/// node and, through the thickness, bends like a membrane rather than a solid).
Index cells_along(double side, double spacing, const std::string& key) {
  const double cells = std::round(side / spacing);
  const double side_mm = side * 1e3, spacing_mm = spacing * 1e3;  // as the keys give them
  if (!(cells >= 2.0))
    throw InputError(key, "value " + detail::to_text(side_mm) + " mm gives " + detail::to_text(cells) +
                              " cells at geometry.spacing_mm = " + detail::to_text(spacing_mm) +
                              "; the sample is too thin for its spacing: allowed >= " +
                              detail::to_text(1.5 * spacing_mm) + " mm (two cells), or a smaller spacing_mm");
  if (cells > 2000.0)
    throw InputError(key, "value " + detail::to_text(side_mm) + " mm gives " + detail::to_text(cells) +
                              " cells; allowed at most 2000 per side (raise geometry.spacing_mm)");
  return Index(cells);
}
}  // namespace

Lattice build_sample(const SampleGeometry& g, const TissueMaterials& mat) {
  const LayerMaterial& m = sample_material(mat, g.tissue);
  const Index cx = cells_along(g.length, g.spacing, "geometry.size_mm");
  const Index cy = cells_along(g.width, g.spacing, "geometry.size_mm");
  const Index cz = cells_along(g.thickness, g.spacing, "geometry.sample_thickness_mm");
  const double dx = g.length / double(cx), dy = g.width / double(cy), dz = g.thickness / double(cz);
  // Plies alternate like the slab's layers (docs/model.md "Fibre architecture"): odd plies cross.
  std::vector<double> angles;
  for (int p = 0; p < std::max(1, g.plies); ++p) angles.push_back(g.fiber_angle_deg + (p % 2 == 1 ? g.crossing_angle_deg : 0.0));
  Lattice lat = build_laminate(cx + 1, cy + 1, cz + 1, dx, dy, dz, m, mat.fiber, angles, g.dispersion_kappa,
                            g.matrix_model, g.seed, mat.poro, mat.water);
  lat.blocks.front().name = "sample";
  lat.blocks.front().layer = g.tissue == SampleTissue::dense ? 1 : 0;
  // Every node belongs to one tissue: layer id 1 for dense (a fibre-carrying layer), 0 otherwise.
  std::fill(lat.layer_id.begin(), lat.layer_id.end(), g.tissue == SampleTissue::dense ? 1 : 0);
  return lat;
}

}  // namespace fascia
