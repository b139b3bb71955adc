// SPDX-License-Identifier: MIT
#pragma once
/// @file What a step changes in an element group, apart from what it is built with.
///
/// A group's members are of two kinds: parameters, fixed when the group is built (connectivity,
/// stiffnesses, rest lengths, Biot links), and history, written by a step (begin_group_step,
/// begin_step, end_step): viscous branch strains, frozen per-step coefficients, rupture flags,
/// friction anchors. A stateful group declares its history with
///
///     auto history() { return std::tie(elongation, frozen_k, frozen_rest, start_length); }
///
/// listing *every* member a step writes. The implicit integrator saves and restores only these
/// when it retries a step with half the size (SavedHistory), instead of copying the whole group;
/// a stateful group without history() is copied whole. The element contract suite checks that a
/// restored group behaves exactly as before the step (tests/elements/test_element_contract.cpp).
#include <tuple>
#include <type_traits>

namespace fascia {

/// A group that lists its history members.
template <class G>
concept DeclaresHistory = requires(G& g) { g.history(); };

namespace detail {
template <class... T>
std::tuple<std::remove_cvref_t<T>...> history_values(std::tuple<T...>);  // declaration only: a type map
}  // namespace detail

/// What must be kept to undo a step of G: copies of its history members, or the whole group.
template <class G>
struct SavedHistory {
  using type = G;
};
template <DeclaresHistory G>
struct SavedHistory<G> {
  using type = decltype(detail::history_values(std::declval<G&>().history()));
};
template <class G>
using SavedHistoryT = typename SavedHistory<G>::type;

/// SavedHistoryT of every group of a tuple of groups (ElementGroups).
template <class Tuple>
struct SavedHistories;
template <class... G>
struct SavedHistories<std::tuple<G...>> {
  using type = std::tuple<SavedHistoryT<G>...>;
};

/// Copies the history of `g` (or all of it) into `saved`.
template <class G>
void save_history(G& g, SavedHistoryT<G>& saved) {
  if constexpr (DeclaresHistory<G>) saved = g.history();
  else saved = g;
}

/// Puts the history saved by save_history back into `g`; parameters are untouched.
template <class G>
void restore_history(G& g, const SavedHistoryT<G>& saved) {
  if constexpr (DeclaresHistory<G>) g.history() = saved;
  else g = saved;
}

}  // namespace fascia
