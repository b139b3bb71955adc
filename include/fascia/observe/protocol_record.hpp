// SPDX-License-Identifier: MIT
#pragma once
/// @file What a run watches and reports besides its frames (docs/model.md §7 "Metrics"): one record
/// every run keeps (peaks of the shared metrics, the energy ledger) and one per protocol kind.
///
/// A protocol's record has the same members whatever its kind, called by the runner:
///   every_step(sys)        after every step (explicit or implicit), for observers that need them all;
///   sample(sys)            after every implicit step and every 64th explicit one (peaks);
///   problem(sys)           a reason to stop the run as "diverged", or nothing;
///   series(sys, row)       this kind's columns of the series row written with each batch of frames;
///   at_hold(sys)           the state at the end of a phase that ends the hold;
///   metrics(sys, complete, out)  the kind's metrics at the end (complete: the run reached its end);
///   resume_state(io)       saves or restores what it has recorded so far (a checkpoint,
///                          fascia/core/checkpoint.hpp), so a resumed run reports what an
///                          uninterrupted one does.
#include <map>
#include <optional>
#include <string>
#include <variant>

#include "fascia/observe/metrics.hpp"
#include "fascia/observe/ripple.hpp"
#include "fascia/protocol/protocol.hpp"

namespace fascia {

using Series = std::map<std::string, double>;
using Metrics = std::map<std::string, double>;

/// Peaks every run reports and its energy ledger.
class RunRecord {
public:
  void sample(const System& sys);
  void at_hold(const System& sys);
  /// Adds the backward-Euler damping of an implicit phase (ImplicitIntegrator::numerical_dissipation).
  void add_numerical_dissipation(double d) { numerical_dissipation_ += d; }
  /// Shared metrics and the energy ledger. `fiber_modulus` [Pa] scales the peak fibre stress
  /// ratio; `ha_water_binding` [kg water / kg HA] the HA made (docs/model.md "HA").
  void metrics(System& sys, double fiber_modulus, double ha_water_binding, Metrics& out) const;
  void resume_state(CheckpointIO& io);

private:
  double peak_work_ = 0.0, peak_fiber_ = 0.0, peak_shear_ = 0.0, numerical_dissipation_ = 0.0;
  std::optional<double> peak_water_lost_, viscosity_at_hold_;
};

/// impulse: the ripple reaching the observed nodes (RippleObserver: speeds per direction and
/// wave type, attenuation length).
class RippleRecord {
public:
  /// Observes the top surface (a slab) or every tissue node (a sheet); `fiber_axis_rad` is the
  /// in-plane direction called "along the fibres".
  RippleRecord(const ImpulseProtocol& protocol, const System& sys, double exclude_radius, double fiber_axis_rad);
  void every_step(System& sys) { observer_.observe(sys.time, sys.positions, sys.rest_positions); }
  void sample(const System&) {}
  std::optional<std::string> problem(const System&) const { return std::nullopt; }
  void series(const System& sys, Series& row) const { row["applied_force_n"] = protocol_->pulse(sys.time); }
  void at_hold(const System&) {}
  void metrics(const System& sys, bool complete, Metrics& out) const;
  void resume_state(CheckpointIO& io) { observer_.resume_state(io); }

private:
  const ImpulseProtocol* protocol_;
  RippleObserver observer_;
};

/// Compressor protocols: indentation, dense-layer strain and compression, contact, the muscle's
/// load (H3), adhesions at the hold and at the end; stops a run whose indenter tunnels or sinks.
class CompressorRecord {
public:
  CompressorRecord(const CompressorProtocol& protocol, const Lattice& info);
  void every_step(System&) {}
  void sample(const System& sys);
  std::optional<std::string> problem(const System& sys) const;
  void series(const System& sys, Series& row) const;
  void at_hold(const System& sys) { broken_at_hold_ = adhesion_broken_fraction(sys); }
  void metrics(const System& sys, bool complete, Metrics& out) const;
  void resume_state(CheckpointIO& io);

private:
  const CompressorProtocol* protocol_;
  std::vector<std::array<Index, 2>> dense_columns_;  ///< dense_stack_columns: none, no peak_dense_compression
  double penetration_limit_ = 0.0, tissue_depth_ = 0.0;
  double peak_strain_ = 0.0, peak_compression_ = 0.0, peak_indentation_ = 0.0;
  double peak_contact_force_ = 0.0, contact_radius_at_peak_ = 0.0, max_penetration_ = 0.0;
  std::optional<double> spread_at_peak_, peak_muscle_pressure_, broken_at_hold_;
  double indentation(const System& sys) const;
};

/// Material tests: the stress-strain curve after every step (MaterialTestRecord).
class StressStrainRecord {
public:
  explicit StressStrainRecord(const MaterialTestProtocol& protocol) : protocol_(&protocol) {}
  void every_step(System& sys) { curve_.add(sys.time, protocol_->strain(sys.time), protocol_->stress(sys)); }
  void sample(const System&) {}
  std::optional<std::string> problem(const System&) const { return std::nullopt; }
  void series(System& sys, Series& row) const { protocol_->series(sys, row); }
  void at_hold(const System&) {}
  void metrics(const System&, bool, Metrics& out) const { curve_.metrics(*protocol_, out); }
  void resume_state(CheckpointIO& io) {
    io("curve.time", curve_.time);
    io("curve.strain", curve_.strain);
    io("curve.stress", curve_.stress);
  }

private:
  const MaterialTestProtocol* protocol_;
  MaterialTestRecord curve_;
};

/// Elastography: the tracked particle velocities (kept by the protocol) reduced to
/// shear_wave_speed_m_s the way a scanner does.
class ShearWaveRecord {
public:
  explicit ShearWaveRecord(ElastographyProtocol& protocol) : protocol_(&protocol) {}
  void every_step(System& sys) { protocol_->observe(sys); }
  void sample(const System&) {}
  std::optional<std::string> problem(const System&) const { return std::nullopt; }
  void series(const System& sys, Series& row) const {
    row["applied_force_n"] = protocol_->pulse(sys.time);
    if (protocol_->stretch) row["strain"] = protocol_->stretch->strain(sys.time);
  }
  void at_hold(const System&) {}
  void metrics(const System& sys, bool complete, Metrics& out) const;
  void resume_state(CheckpointIO& io) { protocol_->resume_state(io); }

private:
  ElastographyProtocol* protocol_;
};

using ProtocolRecord = std::variant<RippleRecord, CompressorRecord, StressStrainRecord, ShearWaveRecord>;

/// Settings a record needs beyond its protocol.
struct RecordSettings {
  double ripple_exclude_radius = 0.0;  ///< impulse: the tap patch's radius [m]
  double fiber_axis_rad = 0.0;      ///< impulse: "along the fibres" in the plane [rad]
};

/// The record that watches `protocol` run on `sys`.
ProtocolRecord make_record(Protocol& protocol, const System& sys, const RecordSettings& settings);

}  // namespace fascia
