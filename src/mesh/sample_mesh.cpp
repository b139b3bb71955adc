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
  const int layer = s.tissue == "dense" ? 1 : 0;
  std::vector<MeshBlock> stack;
  for (int p = 0; p < plies; ++p)
    stack.push_back({plies == 1 ? "sample" : "ply" + std::to_string(p + 1), &m, layer, s.thickness_mm * 1e-3 / plies,
                     s.fiber_angle_deg + (p % 2 == 1 ? s.crossing_angle_deg : 0.0), MeshBlock::Sizing::uniform,
                     p > 0});
  GeometrySpec g;
  g.kind = "sample";
  g.size_mm = {s.length_mm, s.width_mm};
  g.spacing_mm = s.spacing_mm;
  g.dispersion_kappa = s.dispersion_kappa;
  g.seed = s.seed;
  // Uniform in plane: the coarsest size is the finest, and the fine zone covers the whole sample.
  SlabMeshOptions opt;
  opt.coarsest = s.spacing_mm * 1e-3;
  opt.fine_half_width = std::max(s.length_mm, s.width_mm) * 1e-3;
  return build_layered_mesh(stack, g, mat, opt);
}

}  // namespace fascia
