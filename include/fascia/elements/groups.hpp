// SPDX-License-Identifier: MIT
#pragma once
/// @file The element groups a lattice holds, as one std::tuple with static types: adding a new
/// kind of element (adhesions, pore flow) is one more entry here, and every assembly loop,
/// integrator and contract test picks it up.
#include <tuple>

#include "fascia/elements/adhesion.hpp"
#include "fascia/elements/contact.hpp"
#include "fascia/elements/curved_contact.hpp"
#include "fascia/elements/fat_stiffening.hpp"
#include "fascia/elements/fiber.hpp"
#include "fascia/elements/hexahedron.hpp"
#include "fascia/elements/interface.hpp"
#include "fascia/elements/maxwell.hpp"
#include "fascia/elements/poro.hpp"
#include "fascia/elements/spring.hpp"
#include "fascia/elements/volumetric.hpp"

namespace fascia {

using ElementGroups = std::tuple<SpringGroup, MaxwellSpringGroup, FiberGroup, InterfaceGroup, AdhesionGroup, ContactGroup,
                                 BulkGroup<3>, BulkGroup<2>, CellWaterGroup, PoroCellGroup, BulkMaxwellGroup<3>, BulkMaxwellGroup<2>,
                                 NeoHookeanGroup<3>, NeoHookeanGroup<2>, CurvedContactGroup, Hex8Group,
                                 FatStiffeningGroup>;

/// Calls fn(group) for every group, in tuple order.
template <class Fn>
void for_each_group(ElementGroups& groups, Fn&& fn) {
  std::apply([&](auto&... g) { (fn(g), ...); }, groups);
}
template <class Fn>
void for_each_group(const ElementGroups& groups, Fn&& fn) {
  std::apply([&](const auto&... g) { (fn(g), ...); }, groups);
}

}  // namespace fascia
