// SPDX-License-Identifier: MIT
#pragma once
/// @file Ripple observer for impulse runs: per node, the first time its displacement magnitude
/// crosses each level of a fixed logarithmic ladder, and its peak displacement. From these,
/// after the run (docs/model.md, "Ripple metrics"):
/// - front_speed_m_s: for the threshold level closest below 1 % of the largest peak outside the
///   patch, nodes are grouped in 8 direction sectors around the tap; in each sector the slope of
///   distance vs arrival time (least squares) is a front speed; the metric is the largest.
/// - attenuation_length_m: L from a least-squares fit of ln(peak amplitude) = c - r / L over
///   nodes outside the patch (geometric spreading included: it is what an observer sees).
#include <cmath>
#include <limits>
#include <numbers>
#include <optional>
#include <vector>

#include "fascia/core/types.hpp"

namespace fascia {

class RippleObserver {
public:
  static constexpr int kLevels = 40;  ///< ladder 1e-14 m ... 1e-2 m, factor 10^(0.3) apart
  static double level(int k) { return 1e-14 * std::pow(10.0, 0.3 * k); }

  /// @param nodes   observed nodes (slab: top surface; sheet: all)
  /// @param centre  tap centre; @param exclude_radius  patch radius (nodes inside are not fitted)
  RippleObserver(std::vector<Index> nodes, std::vector<Vec3> rest, Vec3 centre, double exclude_radius,
                 double spacing)
      : nodes_(std::move(nodes)), rest_(std::move(rest)), centre_(centre), exclude_(exclude_radius),
        spacing_(spacing), first_(nodes_.size() * kLevels, std::numeric_limits<double>::infinity()),
        peak_(nodes_.size(), 0.0), next_level_(nodes_.size(), 0) {}

  void observe(double t, const std::vector<double>& x, const std::vector<double>& rest_positions) {
    for (std::size_t q = 0; q < nodes_.size(); ++q) {
      const Index n = nodes_[q];
      const double ux = x[3 * n] - rest_positions[3 * n], uy = x[3 * n + 1] - rest_positions[3 * n + 1],
                   uz = x[3 * n + 2] - rest_positions[3 * n + 2];
      const double u = std::sqrt(ux * ux + uy * uy + uz * uz);
      if (u > peak_[q]) peak_[q] = u;
      while (next_level_[q] < kLevels && u >= level(next_level_[q])) first_[q * kLevels + next_level_[q]++] = t;
    }
  }

  std::optional<double> front_speed() const {
    double pmax = 0.0;
    for (std::size_t q = 0; q < nodes_.size(); ++q)
      if (distance(q) > exclude_ + spacing_) pmax = std::max(pmax, peak_[q]);
    if (pmax <= 0.0) return std::nullopt;
    int k = 0;
    while (k + 1 < kLevels && level(k + 1) <= 0.01 * pmax) ++k;
    double best = -1.0;
    for (int s = 0; s < 8; ++s) {
      double sw = 0, st = 0, sr = 0, stt = 0, str = 0;
      for (std::size_t q = 0; q < nodes_.size(); ++q) {
        const double r = distance(q);
        const double t = first_[q * kLevels + k];
        if (r <= exclude_ + spacing_ || !std::isfinite(t) || sector(q) != s) continue;
        sw += 1;
        st += t;
        sr += r;
        stt += t * t;
        str += t * r;
      }
      if (sw < 3) continue;
      const double var = stt - st * st / sw;
      if (var <= 0) continue;
      best = std::max(best, (str - st * sr / sw) / var);
    }
    if (best <= 0) return std::nullopt;
    return best;
  }

  std::optional<double> attenuation_length() const {
    double sw = 0, sr = 0, sl = 0, srr = 0, srl = 0;
    for (std::size_t q = 0; q < nodes_.size(); ++q) {
      const double r = distance(q);
      if (r <= exclude_ + spacing_ || peak_[q] <= 0) continue;
      const double l = std::log(peak_[q]);
      sw += 1, sr += r, sl += l, srr += r * r, srl += r * l;
    }
    if (sw < 3) return std::nullopt;
    const double var = srr - sr * sr / sw;
    if (var <= 0) return std::nullopt;
    const double slope = (srl - sr * sl / sw) / var;
    if (!(slope < 0)) return std::nullopt;  // no decay: the metric does not apply
    return -1.0 / slope;
  }

  const std::vector<double>& peaks() const { return peak_; }

private:
  double distance(std::size_t q) const {
    return std::hypot(rest_[q].x() - centre_.x(), rest_[q].y() - centre_.y());
  }
  int sector(std::size_t q) const {
    const double a = std::atan2(rest_[q].y() - centre_.y(), rest_[q].x() - centre_.x());
    return std::min(7, int(std::floor((a + std::numbers::pi) / (2 * std::numbers::pi) * 8)));
  }
  std::vector<Index> nodes_;
  std::vector<Vec3> rest_;
  Vec3 centre_;
  double exclude_, spacing_;
  std::vector<double> first_, peak_;
  std::vector<int> next_level_;
};

}  // namespace fascia
