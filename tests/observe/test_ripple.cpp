// SPDX-License-Identifier: MIT
// The ripple metrics (docs/model.md §7) against synthetic waves of known speed: a pulse whose
// amplitude decays with distance (as a real ripple's does) must read its own speed on every ray,
// per polarisation, and the direction-resolved metrics must tell two speeds apart.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "fascia/observe/ripple.hpp"

namespace {

using namespace fascia;

/// A square grid of nodes (spacing a, half-width n a) centred on the origin, with a displacement
/// field u(x, t) given by `field`, observed every dt up to t_end.
template <class Field>
RippleObserver observe(double a, int n, double dt, double t_end, double axis, Field field) {
  std::vector<Index> nodes;
  std::vector<Vec3> rest;
  std::vector<double> X;
  for (int j = -n; j <= n; ++j)
    for (int i = -n; i <= n; ++i) {
      nodes.push_back(Index(nodes.size()));
      rest.emplace_back(i * a, j * a, 0.0);
      X.insert(X.end(), {i * a, j * a, 0.0});
    }
  RippleObserver obs(nodes, rest, Vec3(0, 0, 0), 2 * a, a, axis);
  std::vector<double> x(X.size());
  for (double t = dt; t <= t_end; t += dt) {
    for (std::size_t q = 0; q < rest.size(); ++q) {
      const Vec3 u = field(rest[q], t);
      for (int c = 0; c < 3; ++c) x[3 * q + std::size_t(c)] = X[3 * q + std::size_t(c)] + u[c];
    }
    obs.observe(t, x, X);
  }
  return obs;
}

/// A smooth step: 0 before s = 0, sin^2(pi s / 2T) up to T, 1 after.
double step(double s, double T) {
  if (s <= 0) return 0.0;
  if (s >= T) return 1.0;
  const double v = std::sin(std::numbers::pi * s / (2 * T));
  return v * v;
}

TEST(Ripple, DecayingPulseReadsItsOwnSpeedPerPolarisation) {
  // Radial motion travelling at c_p, transverse in-plane motion at c_s, vertical at c_v, each
  // with amplitude 1e-6 m / (r / 1 mm) (decaying as a spreading ripple does). Arrivals at 10 % of
  // each node's own peak sit at the same phase of the pulse at every distance, so the fitted
  // slope is the speed; tolerance 2 %: log-amplitude interpolation between ladder levels 2x
  // apart on a sin^2 edge and the 1 us sampling (0.1 % of the 1 ms crossing time).
  const double a = 0.25e-3, T = 0.2e-3, c_p = 60.0, c_s = 20.0, c_v = 8.0;
  const auto obs = observe(a, 40, 1e-6, 4e-3, 0.0, [&](const Vec3& X, double t) {
    const double r = std::hypot(X.x(), X.y());
    if (r == 0) return Vec3(0, 0, 0);
    const double amp = 1e-6 * 1e-3 / r, cr = X.x() / r, sr = X.y() / r;
    const double ur = amp * step(t - r / c_p, T), ut = 0.5 * amp * step(t - r / c_s, T),
                 uz = 2.0 * amp * step(t - r / c_v, T);
    return Vec3(ur * cr - ut * sr, ur * sr + ut * cr, uz);
  });
  const auto s = obs.speeds();
  for (const char* d : {"along", "across"}) {
    SCOPED_TRACE(d);
    EXPECT_NEAR(s.at(std::string("longitudinal_speed_") + d + "_m_s"), c_p, 0.02 * c_p);
    EXPECT_NEAR(s.at(std::string("shear_speed_") + d + "_m_s"), c_s, 0.02 * c_s);
    EXPECT_NEAR(s.at(std::string("vertical_speed_") + d + "_m_s"), c_v, 0.02 * c_v);
  }
  // |u| peaks at sqrt(1 + 1/4 + 4) amp; 10 % of that is 0.23 amp, which the radial motion alone
  // reaches (it rises to amp), so the |u| front is the fastest (longitudinal) wave on every ray.
  EXPECT_NEAR(s.at("front_speed_m_s"), c_p, 0.02 * c_p);
}

TEST(Ripple, AlongAndAcrossAndBothSensesAreResolved) {
  // A wave whose speed depends on direction: c(theta) = 30 m/s along x (both senses), 10 m/s along
  // y, and 50 m/s towards -x only (the stretched side of a tension-only medium). The fibre axis
  // is x (axis = 0).
  const double a = 0.25e-3, T = 0.1e-3;
  const auto obs = observe(a, 40, 1e-6, 3e-3, 0.0, [&](const Vec3& X, double t) {
    const double r = std::hypot(X.x(), X.y());
    if (r == 0) return Vec3(0, 0, 0);
    const double cx = X.x() < 0 ? 50.0 : 30.0, cy = 10.0;
    const double c = 1.0 / std::hypot(X.x() / r / cx, X.y() / r / cy);  // elliptical slowness
    return Vec3(0, 0, 1e-9 * step(t - r / c, T));
  });
  const auto s = obs.speeds();
  EXPECT_NEAR(s.at("front_speed_along_m_s"), 30.0, 0.6);
  EXPECT_NEAR(s.at("front_speed_along_back_m_s"), 50.0, 1.0);
  EXPECT_NEAR(s.at("front_speed_across_m_s"), 10.0, 0.2);
  EXPECT_NEAR(s.at("front_speed_across_back_m_s"), 10.0, 0.2);
  EXPECT_NEAR(s.at("front_speed_m_s"), 50.0, 1.0);  // the fastest ray
  EXPECT_FALSE(s.count("longitudinal_speed_along_m_s"));  // no in-plane motion: absent
}

}  // namespace
