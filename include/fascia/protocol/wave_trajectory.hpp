// SPDX-License-Identifier: MIT
#pragma once
/// @file The trajectory of a wave through traces recorded along a line, found the way a robust
/// shear-wave scanner finds it: the straight line t = t_s + r / c in the (time, distance) plane
/// along which the summed signal is largest (the Radon sum of Rouze et al. 2010, IEEE Trans
/// Ultrason Ferroelectr Freq Control 57:2662), among the lines that leave the source (r = 0)
/// while it acts, t_s in [source_start, source_start + source_duration].
///
/// Why not a least-squares fit of each trace's time-to-peak: a per-trace peak picker must decide
/// at every point which lobe is the wave, and one wrong decision moves the fit. On a drained block
/// a P wave reflected from the faces arrives at the farther points as a lobe of 30 % of the shear
/// wave's peak, and a leading-peak rule picked it there (3.65 m/s read where the bulk speed is 3.04,
/// docs/model.md §6.6). Summed along a whole line, a lobe at one or two points cannot outweigh the
/// wave that crosses them all. The source anchor excludes the other coherent event of a finite
/// block, its late reverberation, which reaches every point at once (a flat line, c -> infinity).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <vector>

namespace fascia {

struct WaveTrajectory {
  double speed = 0.0;  ///< c, the group speed a scanner reports [m/s]
  double start = 0.0;  ///< t_s, where the line meets r = 0 [s]
};

/// @param times      recording times, increasing [s]
/// @param traces     the signal per recording time and point, time-major (times.size() x distance.size())
/// @param distance   each point's distance from the source, increasing [m]
/// @param slowest    the lowest speed searched [m/s]; the highest is where a line is flat within one
///                   sample (source_duration / 100, or a tenth of the record's mean step if coarser)
///                   across the points
/// Speeds are searched 0.5 % apart and refined by a parabola in ln c through the best and its
/// neighbours. Absent with fewer than 3 points or 2 times, or when no line sums to a positive signal.
inline std::optional<WaveTrajectory> find_wave_trajectory(const std::vector<double>& times,
                                                          const std::vector<double>& traces,
                                                          const std::vector<double>& distance, double slowest,
                                                          double source_start, double source_duration) {
  const std::size_t m = distance.size();
  if (times.size() < 2 || m < 3 || !(slowest > 0.0) || !(source_duration > 0.0)) return std::nullopt;
  // The traces on a uniform grid of T/100 (a peak lasts ~T; linear interpolation between recorded
  // steps), never finer than a tenth of the record's mean step: a push a few steps long is not
  // resolved anyway, and a finer grid would only cost memory (T is allowed down to ~0).
  const double t0 = times.front(), mean_step = (times.back() - t0) / double(times.size() - 1);
  const double dt = std::max(source_duration / 100.0, 0.1 * mean_step);
  const auto intercepts = std::size_t(source_duration / dt);
  const auto samples = std::size_t((times.back() - t0) / dt) + 1;
  if (samples < 2) return std::nullopt;
  std::vector<double> grid(samples * m);
  for (std::size_t k = 0, j = 0; k < samples; ++k) {
    const double t = t0 + double(k) * dt;
    while (j + 2 < times.size() && times[j + 1] < t) ++j;
    const double w = std::clamp((t - times[j]) / (times[j + 1] - times[j]), 0.0, 1.0);
    for (std::size_t q = 0; q < m; ++q) grid[k * m + q] = (1.0 - w) * traces[j * m + q] + w * traces[(j + 1) * m + q];
  }
  auto at = [&](double t, std::size_t q) {  // linear in time; NaN outside the record
    const double x = (t - t0) / dt;
    if (x < 0.0 || x > double(samples - 1)) return std::numeric_limits<double>::quiet_NaN();
    const auto k = std::min(std::size_t(x), samples - 2);
    const double w = x - double(k);
    return (1.0 - w) * grid[k * m + q] + w * grid[(k + 1) * m + q];
  };
  // The largest sum over the source-time intercepts at one speed; NaN when no such line fits the record.
  auto best_sum = [&](double c, double& start) {
    double best = std::numeric_limits<double>::quiet_NaN();
    for (std::size_t i = 0; i <= intercepts; ++i) {
      const double ts = source_start + double(i) * dt;
      double sum = 0.0;
      for (std::size_t q = 0; q < m; ++q) sum += at(ts + distance[q] / c, q);
      if (!std::isnan(sum) && !(sum <= best)) best = sum, start = ts;
    }
    return best;
  };
  constexpr double kRatio = 1.005;
  const double fastest = std::max(2.0 * slowest, distance.back() / dt);
  std::vector<double> speeds, sums, starts;
  for (double c = slowest; c <= fastest; c *= kRatio) {
    double ts = 0.0;
    const double sum = best_sum(c, ts);
    speeds.push_back(c), sums.push_back(sum), starts.push_back(ts);
  }
  std::size_t best = speeds.size();
  for (std::size_t k = 0; k < speeds.size(); ++k)
    if (!std::isnan(sums[k]) && (best == speeds.size() || sums[k] > sums[best])) best = k;
  if (best == speeds.size() || !(sums[best] > 0.0)) return std::nullopt;
  double shift = 0.0;
  if (best > 0 && best + 1 < speeds.size() && !std::isnan(sums[best - 1]) && !std::isnan(sums[best + 1])) {
    const double curvature = sums[best - 1] - 2.0 * sums[best] + sums[best + 1];
    if (curvature < 0.0) shift = std::clamp(0.5 * (sums[best - 1] - sums[best + 1]) / curvature, -0.5, 0.5);
  }
  return WaveTrajectory{speeds[best] * std::pow(kRatio, shift), starts[best]};
}

}  // namespace fascia
