// SPDX-License-Identifier: MIT
#pragma once
/// @file What `fascia view` takes from an output file (docs/hdf5-schema.md) for one run: the
/// surface, the frames' displacement and per-node fields on the surface nodes, and the indenter.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "view/surface.hpp"

namespace fascia::view {

/// A per-node scalar field over the chosen frames, on the surface nodes.
struct FieldFrames {
  std::string name;            ///< dataset name, e.g. "pore_pressure_pa"
  std::string unit;            ///< SI unit from the name's suffix ("Pa", "m", ... or "")
  std::vector<double> values;  ///< frames × surface nodes; NaN where not written
};

/// The indenter (compressor) of a compressor run: its shape from the run's scenario text
/// (`indenter` = disc, sphere, cylinder or ellipsoid; `radius_mm`, `length_mm`, `semi_axes_mm`;
/// default a disc of `radius_mm`) and, per chosen frame, the position of its reference point (the
/// centre of a disc's face, the lowest point of the other shapes; docs/hdf5-schema.md "The indenter").
struct Indenter {
  std::string shape = "disc";
  double radius = 0.0, length = 0.0;         ///< [m]; length: a cylinder's, along y
  double semi_axes[3] = {0.0, 0.0, 0.0};     ///< ellipsoid [m]
  std::vector<double> x, y, z;               ///< reference point per chosen frame [m]
};

struct PanelData {
  std::string file, run, protocol, status;
  Surface surface;
  std::vector<double> rest;          ///< surface nodes × 3 [m]
  std::vector<double> time;          ///< chosen frames [s]
  std::vector<std::size_t> frame_index;  ///< their rows in the file
  std::size_t frames_in_file = 0;
  std::vector<double> displacement;  ///< frames × surface nodes × 3 [m]
  std::vector<FieldFrames> fields;
  std::optional<Indenter> indenter;
  std::map<std::string, double> metrics;
  std::map<std::string, double> model_numbers;  ///< /model number attributes (water_fraction, ...)
};

/// A run picked from a file: `run` empty means the file's first run.
struct RunRef {
  std::string file, run;
};

/// Checks the file and run and returns the run's name and its time span [first, last] in s
/// (the frames the schema counts). Throws fascia::InputError with one line on bad input.
struct RunSpan {
  std::string run;
  std::size_t frames = 0;
  double first = 0, last = 0;
};
RunSpan check_run(const RunRef& ref);

/// Reads at most `max_frames` frames of the run, evenly spread and always with the first and the
/// last. Throws fascia::InputError when the file cannot be drawn.
PanelData read_panel(const RunRef& ref, std::size_t max_frames);

/// SI unit of a name's suffix ("_pa" -> "Pa", "_m" -> "m", "_m_s" -> "m/s"; "" if none).
std::string unit_of(const std::string& name);

}  // namespace fascia::view
