// SPDX-License-Identifier: MIT
#pragma once
/// @file The scenario layer's conversion of each [protocol.NAME] table into the SI settings of its
/// protocol (protocol/*.hpp), and the protocol set up on a System. The protocols never read a key,
/// a unit suffix or a kind's name: each takes its settings struct.
#include "fascia/model/system.hpp"
#include "fascia/protocol/protocol.hpp"
#include "fascia/scenario_spec.hpp"
#include "fascia/tissue/material.hpp"

namespace fascia {

/// The indenter of a compressor protocol (a disc unless `indenter` names another).
IndenterShape indenter_shape(const ProtocolSpec& ps);

/// F0 [N]: force_n, or pressure_kpa (50 for a disc with neither) times the indenter's outline seen
/// from above.
double pressing_force_n(const ProtocolSpec& ps, const IndenterShape& shape);

/// Half extents (x, y) of the region of the top surface a protocol loads, around the load centre
/// [m]: a compressor's indenter outline seen from above (a roller: its radius across, half its
/// length along its axis), widened along x by the sliding amplitude of a moving hold; any other
/// protocol's `radius_mm`. The generated finite-element slab is finest there (slab_mesh_options).
std::array<double, 2> loaded_half_extents(const ProtocolSpec& ps);

CompressorSettings compressor_settings(const ProtocolSpec& ps, const GeometrySpec& geometry);
ImpulseSettings impulse_settings(const ProtocolSpec& ps, const GeometrySpec& geometry);
MaterialTestSettings material_test_settings(const ProtocolSpec& ps);
ElastographySettings elastography_settings(const ProtocolSpec& ps);

/// The protocol a [protocol.NAME] table describes, set up on `sys` (its boundary conditions and
/// apparatus). Throws InputError naming the key for a protocol this model cannot run.
Protocol make_protocol(const ProtocolSpec& ps, const ScenarioSpec& spec, const TissueMaterials& mat, System& sys);

}  // namespace fascia
