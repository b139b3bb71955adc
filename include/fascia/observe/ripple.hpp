// SPDX-License-Identifier: MIT
#pragma once
/// @file Ripple observer for impulse runs (docs/model.md §7 "Ripple metrics"): per observed node and
/// per displacement measure (the magnitude |u|, and the components along the three wave
/// polarisations: radial in-plane, transverse in-plane, vertical), the first time it crosses each
/// level of a fixed logarithmic ladder, and its peak. From these, after the run:
/// - arrival time of a node for a measure = the time it first reaches kArrivalFraction (10 %) of
///   its own peak of that measure, interpolated in log amplitude between the two ladder levels
///   around it. A level relative to each node's own peak follows one feature of the pulse (its
///   rising edge) at every distance, so the fitted slope is that feature's speed; it converges to
///   the continuum group speed as the lattice is refined, unlike a global absolute level, which
///   reads later arrivals far away where the amplitude has decayed.
/// - a ray = the observed nodes within 0.75 spacing of a half-line from the tap centre at angle
///   axis + m 45 deg (m = 0..7; axis = the top layer's fibre direction), from r_patch + spacing
///   out to 0.8 x the distance to the observed region's edge along the ray (reflections from the
///   edge then arrive after the direct front). Speed of a ray = slope of r = c + v t (least
///   squares on arrival times, >= 3 nodes).
/// - front_speed_m_s: the largest magnitude-based ray speed over the 8 rays;
///   front_speed_along_m_s / _across_m_s and their _back_ twins: rays m = 0, 2, 4, 6 (along the
///   fibres, across, against, and across the other way: tension-only fibres make the two senses
///   differ);
///   longitudinal_speed_{along,across}_m_s: radial in-plane component on rays m = 0, 2;
///   shear_speed_{along,across}_m_s: transverse in-plane component on rays m = 0, 2;
///   vertical_speed_{along,across}_m_s: vertical component (slab surface: the Rayleigh/flexural
///   wave) on rays m = 0, 2. A speed that cannot be fitted (too few nodes moved) is absent.
/// - attenuation_length_m: L from a least-squares fit of ln(peak |u|) = c - r / L over nodes
///   outside the patch (geometric spreading included: it is what an observer sees).
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numbers>
#include <optional>
#include <string>
#include <vector>

#include "fascia/core/checkpoint.hpp"
#include "fascia/core/types.hpp"

namespace fascia {

class RippleObserver {
public:
  static constexpr int kLevels = 40;  ///< ladder 1e-14 m ... 1e-2 m, factor 10^(0.3) apart
  static constexpr int kMeasures = 4; ///< |u|, radial, transverse, vertical
  static constexpr double kArrivalFraction = 0.1;
  static double level(int k) { return 1e-14 * std::pow(10.0, 0.3 * k); }

  /// @param nodes   observed nodes (slab: top surface; sheet: all)
  /// @param centre  tap centre; @param exclude_radius  patch radius (nodes inside are not fitted)
  /// @param axis_rad  in-plane direction of "along the fibres" (the top layer's fibre angle)
  RippleObserver(std::vector<Index> nodes, std::vector<Vec3> rest, Vec3 centre, double exclude_radius,
                 double spacing, double axis_rad = 0.0)
      : nodes_(std::move(nodes)), rest_(std::move(rest)), centre_(centre), exclude_(exclude_radius),
        spacing_(spacing), axis_(axis_rad),
        first_(nodes_.size() * kMeasures * kLevels, std::numeric_limits<double>::infinity()),
        peak_(nodes_.size() * kMeasures, 0.0), next_level_(nodes_.size() * kMeasures, 0) {}

  void observe(double t, const std::vector<double>& x, const std::vector<double>& rest_positions) {
    for (std::size_t q = 0; q < nodes_.size(); ++q) {
      const Index n = nodes_[q];
      const double ux = x[3 * n] - rest_positions[3 * n], uy = x[3 * n + 1] - rest_positions[3 * n + 1],
                   uz = x[3 * n + 2] - rest_positions[3 * n + 2];
      const double dx = rest_[q].x() - centre_.x(), dy = rest_[q].y() - centre_.y(), r = std::hypot(dx, dy);
      const double cr = r > 0 ? dx / r : 1.0, sr = r > 0 ? dy / r : 0.0;
      const double u[kMeasures] = {std::sqrt(ux * ux + uy * uy + uz * uz), std::abs(ux * cr + uy * sr),
                                   std::abs(-ux * sr + uy * cr), std::abs(uz)};
      for (int m = 0; m < kMeasures; ++m) {
        const std::size_t i = q * kMeasures + std::size_t(m);
        if (u[m] > peak_[i]) peak_[i] = u[m];
        while (next_level_[i] < kLevels && u[m] >= level(next_level_[i])) first_[i * kLevels + next_level_[i]++] = t;
      }
    }
  }

  /// The ripple metrics (names above); absent ones are left out.
  std::map<std::string, double> speeds() const {
    std::map<std::string, double> out;
    double fastest = -1.0;
    for (int ray = 0; ray < 8; ++ray)
      if (auto v = ray_speed(ray, 0)) fastest = std::max(fastest, *v);
    if (fastest > 0) out["front_speed_m_s"] = fastest;
    const char* dirs[2] = {"along", "across"};
    for (int d = 0; d < 2; ++d) {
      const std::string dir = dirs[d];
      if (auto v = ray_speed(2 * d, 0)) out["front_speed_" + dir + "_m_s"] = *v;
      if (auto v = ray_speed(2 * d + 4, 0)) out["front_speed_" + dir + "_back_m_s"] = *v;
      if (auto v = ray_speed(2 * d, 1)) out["longitudinal_speed_" + dir + "_m_s"] = *v;
      if (auto v = ray_speed(2 * d, 2)) out["shear_speed_" + dir + "_m_s"] = *v;
      if (auto v = ray_speed(2 * d, 3)) out["vertical_speed_" + dir + "_m_s"] = *v;
    }
    return out;
  }

  std::optional<double> front_speed() const {
    const auto s = speeds();
    const auto it = s.find("front_speed_m_s");
    if (it == s.end()) return std::nullopt;
    return it->second;
  }

  std::optional<double> attenuation_length() const {
    double sw = 0, sr = 0, sl = 0, srr = 0, srl = 0;
    for (std::size_t q = 0; q < nodes_.size(); ++q) {
      const double r = distance(q), p = peak_[q * kMeasures];
      if (r <= exclude_ + spacing_ || p <= 0) continue;
      const double l = std::log(p);
      sw += 1, sr += r, sl += l, srr += r * r, srl += r * l;
    }
    if (sw < 3) return std::nullopt;
    const double var = srr - sr * sr / sw;
    if (var <= 0) return std::nullopt;
    const double slope = (srl - sr * sl / sw) / var;
    if (!(slope < 0)) return std::nullopt;  // no decay: the metric does not apply
    return -1.0 / slope;
  }

  /// Saves or restores what the observer has seen so far (a checkpoint, fascia/core/checkpoint.hpp).
  void resume_state(CheckpointIO& io) {
    io("ripple.first", first_);
    io("ripple.peak", peak_);
    io("ripple.next_level", next_level_);
  }

  /// Peak |u| of each observed node.
  std::vector<double> peaks() const {
    std::vector<double> p(nodes_.size());
    for (std::size_t q = 0; q < nodes_.size(); ++q) p[q] = peak_[q * kMeasures];
    return p;
  }

  /// Arrival time of node q for measure m (kArrivalFraction of its own peak); infinity if none.
  double arrival(std::size_t q, int m) const {
    const std::size_t i = q * kMeasures + std::size_t(m);
    const double target = kArrivalFraction * peak_[i];
    if (!(target >= level(0))) return std::numeric_limits<double>::infinity();
    const int k = std::min(kLevels - 2, int(std::floor(std::log10(target / level(0)) / 0.3)));
    const double t0 = first_[i * kLevels + k], t1 = first_[i * kLevels + k + 1];
    if (!std::isfinite(t0)) return std::numeric_limits<double>::infinity();
    if (!std::isfinite(t1)) return t0;
    const double f = std::clamp(std::log10(target / level(k)) / 0.3, 0.0, 1.0);
    return t0 + f * (t1 - t0);
  }

private:
  double distance(std::size_t q) const { return std::hypot(rest_[q].x() - centre_.x(), rest_[q].y() - centre_.y()); }

  /// Speed of ray `ray` (angle axis + ray x 45 deg) for measure m, or nothing.
  std::optional<double> ray_speed(int ray, int m) const {
    const double a = axis_ + ray * std::numbers::pi / 4.0;
    const double ex = std::cos(a), ey = std::sin(a);
    // Extent of the observed region along the ray, from the centre.
    double reach = std::numeric_limits<double>::infinity();
    double lo_x = 1e300, hi_x = -1e300, lo_y = 1e300, hi_y = -1e300;
    for (const Vec3& p : rest_) lo_x = std::min(lo_x, p.x()), hi_x = std::max(hi_x, p.x()), lo_y = std::min(lo_y, p.y()), hi_y = std::max(hi_y, p.y());
    if (std::abs(ex) > 1e-12) reach = std::min(reach, ((ex > 0 ? hi_x : lo_x) - centre_.x()) / ex);
    if (std::abs(ey) > 1e-12) reach = std::min(reach, ((ey > 0 ? hi_y : lo_y) - centre_.y()) / ey);
    double sw = 0, st = 0, sr = 0, stt = 0, str = 0;
    for (std::size_t q = 0; q < nodes_.size(); ++q) {
      const double dx = rest_[q].x() - centre_.x(), dy = rest_[q].y() - centre_.y();
      const double along = dx * ex + dy * ey, off = std::abs(-dx * ey + dy * ex);
      if (off > 0.75 * spacing_ || along <= exclude_ + spacing_ || along > 0.8 * reach) continue;
      const double t = arrival(q, m);
      if (!std::isfinite(t)) continue;
      const double r = std::hypot(dx, dy);
      sw += 1, st += t, sr += r, stt += t * t, str += t * r;
    }
    if (sw < 3) return std::nullopt;
    const double var = stt - st * st / sw;
    if (var <= 0) return std::nullopt;
    const double v = (str - st * sr / sw) / var;
    if (!(v > 0)) return std::nullopt;
    return v;
  }

  std::vector<Index> nodes_;
  std::vector<Vec3> rest_;
  Vec3 centre_;
  double exclude_, spacing_, axis_;
  std::vector<double> first_, peak_;
  std::vector<int> next_level_;
};

}  // namespace fascia
