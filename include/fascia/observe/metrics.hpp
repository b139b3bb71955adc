// SPDX-License-Identifier: MIT
#pragma once
/// @file Metrics of a run: functions of the current state (`const System&`) that the runner samples
/// during a run (peaks) and at its end. None writes anything; the tests check them on tiny lattices
/// without HDF5 (tests/observe/test_metrics.cpp). Definitions: docs/model.md and docs/hdf5-schema.md.
#include <array>
#include <optional>
#include <vector>

#include "fascia/core/types.hpp"
#include "fascia/model/system.hpp"

namespace fascia {

/// Peak normalised fibre stress s(e) over intact fibres (multiply by the dense fibre modulus for Pa).
double peak_fiber_stress_ratio(const System& sys);

/// Fraction of fibre elements that have ruptured, [0, 1].
double fiber_damage_fraction(const System& sys);

/// Largest |principal Green-Lagrange strain| over the dense layers: F of each Kuhn tetrahedron of
/// every dense cell of the structured slab lattice (0 for a sheet).
double max_dense_strain(const System& sys);

/// The dense stack's node columns, each as its (lowest, highest) node of a dense layer (by
/// layer_id) where they differ: on the structured slab its (i, j) node lines; on an imported mesh
/// the nodes that share their rest (x, y) exactly, as a mesh extruded through the thickness has
/// (gmsh `Extrude`, tests/data/slab_interfaces.geo). Empty for a sheet, a lattice without dense
/// layers, or an unstructured mesh with no such lines.
std::vector<std::array<Index, 2>> dense_stack_columns(const Lattice& info);

/// Largest through-thickness compression of the dense stack (H2, H5; docs/model.md "Metrics"):
/// for every column (dense_stack_columns) the distance between its lowest and its highest
/// dense-layer node, d, against the rest distance D; the metric is max(1 - d/D) over the columns
/// (positive = thinner; 0 when no column is compressed or there is none). A distance is blind to
/// rigid rotation, so bending of the stack (which dominates max_dense_strain at a compressor's rim)
/// does not enter.
double max_dense_compression(const System& sys, const std::vector<std::array<Index, 2>>& columns);
/// The same over dense_stack_columns(sys.lattice_info), found at every call.
double max_dense_compression(const System& sys);

/// Largest shear traction over the interface elements [Pa].
double peak_interface_shear(const System& sys);

/// RMS tangential slip over all interface elements [m].
double rms_interface_slip(const System& sys);

/// Fraction of adhesion bonds broken, [0, 1]; absent without adhesions.
std::optional<double> adhesion_broken_fraction(const System& sys);

/// Net volume of water the tissue has lost since rest [m^3] (positive: expelled). Biot water: the
/// fluid content that left the cells, -sum V_0 zeta (equal to the net outflow through drained
/// faces). Maxwell water: the drained part of each cell's volume change, -sum V_0 (J - 1 - q),
/// q the undrained strain the water still holds. Absent for the 2-D sheet.
std::optional<double> water_lost(const System& sys);

/// Net HA mass made by the fasciacytes [kg]: sum over interface elements of (c - c0) A h
/// (every element starts at c0; positive = made, negative = net turnover).
double ha_synthesized(const System& sys);

/// Area-weighted mean interface viscosity eta_HA(T, c, last shear rate) [Pa s].
double mean_interface_viscosity(const System& sys);

/// H3, how far the compressor's load spreads into the muscle (docs/model.md, "Metrics"), over
/// the interface elements e between the muscle (layer 0) and the first dense layer: w_e = <Z_i - z_i>_+
/// the settlement of the element's muscle-top node i (the compression of the muscle column under
/// it: the base is held), A_e its tributary area, r_e the in-plane distance of node i from the
/// compressor's axis (current positions). spread_length = sqrt(sum A w r^2 / sum A w) (absent
/// while nothing has settled); peak_pressure = max_e <-sigma_n,e>_+, the largest compressive normal
/// stress the fascia passes to the muscle [Pa]. `any` is false without such elements (sheet).
struct MuscleLoad {
  bool any = false;
  std::optional<double> spread_length;
  double peak_pressure = 0.0;
};
/// @param compressor  the node whose current x, y is the compressor's axis
MuscleLoad muscle_load(const System& sys, Index compressor);

}  // namespace fascia
