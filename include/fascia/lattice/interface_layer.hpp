// SPDX-License-Identifier: MIT
#pragma once
/// @file The loose-layer interface elements between two node planes (docs/model.md §3.5 "Interfaces"), shared by the
/// lattice builder and the finite-element slab mesh so that both engines carry the same interface
/// law, HA and adhesions.
#include "fascia/core/error.hpp"
#include "fascia/elements/interface.hpp"
#include "fascia/tissue/material.hpp"

namespace fascia {

/// Sets the group-wide law of the interfaces: the loose layer's Prony branches and HA viscosity
/// and fasciacyte rule at the tissue temperature.
inline void configure_interfaces(InterfaceGroup& itf, const TissueMaterials& mat) {
  itf.branches.clear();
  for (const auto& p : mat.loose.prony) itf.branches.push_back({p.g, p.tau});
  // HA (docs/model.md §3.5 "Interfaces"): viscosity eta_HA(T, c, shear rate), c from the fasciacyte rule; every
  // element starts at the resting concentration c0 (add() reads it from itf.fasciacyte).
  itf.ha_active = true;
  itf.ha_law = mat.ha_law;
  itf.fasciacyte = mat.fasciacyte;
  itf.temperature_k = celsius_to_kelvin(mat.temperature_c);
  if (itf.branches.size() > InterfaceGroup::kMaxTerms)
    throw InputError("material.loose_prony_g", "at most 3 Prony terms are supported for the loose layer");
}

/// The run's note on the interfaces' contact penalty (every builder that adds them).
inline constexpr const char* kInterfacePenaltyNote =
    "interface contact stiffness = dense undrained aggregate modulus / cell height (assumed penalty)";

/// One interface element between `below` and `above`, `gap` apart along z at rest (the
/// generated meshes: the loose layer's thickness h_int; an imported mesh split at an interface: 0,
/// mesh/interface_split.hpp), of tributary area `area`: shear G_loose / h_int, contact stiffness of
/// the dense layer's undrained aggregate modulus over the height `dz_above` of the first cell above
/// (assumed penalty), weak drained tension, HA dashpot.
inline void add_interface(InterfaceGroup& itf, const TissueMaterials& mat, Index below, Index above, double h_int,
                          double area, double dz_above, double gap) {
  const double h_a_loose = mat.loose.drained_bulk + 4.0 / 3.0 * mat.loose.shear_modulus;
  // Contact penalty: the dense layer's *undrained* aggregate modulus over one cell (assumed): the
  // soft drained matrix alone (H_A ~ 0.16 MPa) would let 50 kPa crush the 43 um loose layer, while
  // the water it holds makes it as stiff in fast compression as the cells next to it; without water
  // (water_bulk_modulus_mpa = 0) it is the drained value.
  const double h_a_dense = mat.dense.undrained_bulk + 4.0 / 3.0 * mat.dense.shear_modulus;
  itf.add(below, above, Vec3(0, 0, gap), h_int, area * mat.loose.shear_modulus / h_int, area * h_a_dense / dz_above,
          area * h_a_loose / h_int, area, mat.ha_viscosity * area / h_int);
}

}  // namespace fascia
