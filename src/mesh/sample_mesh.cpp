// SPDX-License-Identifier: MIT
#include "fascia/mesh/sample_mesh.hpp"

#include <algorithm>

#include "fascia/mesh/slab_mesh.hpp"

namespace fascia {

Lattice build_sample_mesh(const SampleGeometry& s, const TissueMaterials& mat) {
  const LayerMaterial& m = sample_material(mat, s.tissue);
  const int plies = std::max(1, s.plies);
  // Every node is the sample's tissue: layer id 1 for dense (a fibre-carrying layer), 0 otherwise,
  // as in the lattice's sample.
  const int layer = s.tissue == SampleTissue::dense ? 1 : 0;
  std::vector<MeshBlock> stack;
  for (int p = 0; p < plies; ++p)
    stack.push_back({plies == 1 ? "sample" : "ply" + std::to_string(p + 1), &m, layer, s.thickness / plies,
                     s.fiber_angle_deg + (p % 2 == 1 ? s.crossing_angle_deg : 0.0), MeshBlock::Sizing::uniform,
                     p > 0});
  // The mesher reads the extent, spacing, dispersion and seed; the plies are bonded (no interfaces,
  // so no interface thickness) and carry their own angles.
  const SlabGeometry g{3, {s.length, s.width}, 0, 0.0, 0.0, s.fiber_angle_deg, s.crossing_angle_deg,
                       s.dispersion_kappa, s.spacing, s.matrix_model, s.seed};
  // Uniform in plane: the coarsest size is the finest, and the fine zone covers the whole sample.
  SlabMeshOptions opt;
  opt.coarsest = s.spacing;
  opt.fine_half_width.fill(std::max(s.length, s.width));
  return build_layered_mesh(stack, g, mat, opt);
}

}  // namespace fascia
