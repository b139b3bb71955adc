// SPDX-License-Identifier: MIT
/// @file The `fascia view` page: the runs' data as JSON inside the HTML template (page.html), with
/// three.js and its OrbitControls (built in, view/assets.hpp) inlined deflated and base64-encoded.
#include "view/page.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "fascia/core/error.hpp"
#include "view/assets.hpp"
#include "view/encode.hpp"

namespace fascia::view {

namespace {

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '<': out += "\\u003c"; break;  // never "</script>" inside the page's data
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::string json_numbers(const std::vector<double>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) s += ',';
    s += json_number(v[i]);
  }
  return s + "]";
}

template <class T>
std::string packed(const std::vector<T>& v) {
  return base64(deflate_bytes(v.data(), v.size() * sizeof(T)));
}

std::string field_json(const std::string& name, const std::string& unit, const std::vector<double>& values) {
  const Quantized q = quantize(values);
  return "{\"name\":" + json_string(name) + ",\"unit\":" + json_string(unit) + ",\"offset\":" +
         json_number(q.offset) + ",\"scale\":" + json_number(q.scale) + ",\"data\":\"" + packed(q.q) + "\"}";
}

std::string label_of(const PanelData& p) {
  std::string label = std::filesystem::path(p.file).filename().string() + ": " + p.run;
  if (auto it = p.model_numbers.find("water_fraction"); it != p.model_numbers.end()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, " (water %.2f)", it->second);
    label += buf;
  }
  return label;
}

std::string panel_json(const PanelData& p) {
  std::ostringstream os;
  const std::size_t n = p.surface.nodes.size();
  std::vector<float> rest(p.rest.begin(), p.rest.end());
  os << "{\"file\":" << json_string(p.file) << ",\"run\":" << json_string(p.run)
     << ",\"protocol\":" << json_string(p.protocol) << ",\"status\":" << json_string(p.status)
     << ",\"label\":" << json_string(label_of(p)) << ",\"frames_in_file\":" << p.frames_in_file
     << ",\"time\":" << json_numbers(p.time) << ",\"n\":" << n << ",\"surface_from\":" << json_string(p.surface.source)
     << ",\"rest\":\"" << base64(std::string(reinterpret_cast<const char*>(rest.data()), rest.size() * sizeof(float)))
     << "\",\"layers\":[";
  for (std::size_t l = 0; l < p.surface.layers.size(); ++l) {
    const auto& layer = p.surface.layers[l];
    os << (l ? "," : "") << "{\"id\":" << layer.layer_id << ",\"name\":" << json_string(layer.name)
       << ",\"tri\":\"" << packed(layer.triangles) << "\"}";
  }
  // Displacement: one quantisation per component, interleaved back to frames × nodes × 3.
  Quantized q[3] = {quantize(p.displacement, 0, 3), quantize(p.displacement, 1, 3), quantize(p.displacement, 2, 3)};
  std::vector<std::uint16_t> disp(p.displacement.size());
  for (std::size_t i = 0; i < disp.size(); ++i) disp[i] = q[i % 3].q[i / 3];
  os << "],\"disp\":{\"offset\":" << json_numbers({q[0].offset, q[1].offset, q[2].offset})
     << ",\"scale\":" << json_numbers({q[0].scale, q[1].scale, q[2].scale}) << ",\"data\":\"" << packed(disp)
     << "\"},\"fields\":[";
  for (std::size_t f = 0; f < p.fields.size(); ++f)
    os << (f ? "," : "") << field_json(p.fields[f].name, p.fields[f].unit, p.fields[f].values);
  os << "],\"indenter\":";
  if (p.indenter) {
    const auto& ind = *p.indenter;
    os << "{\"shape\":" << json_string(ind.shape) << ",\"radius\":" << json_number(ind.radius)
       << ",\"length\":" << json_number(ind.length)
       << ",\"semi_axes\":" << json_numbers({ind.semi_axes[0], ind.semi_axes[1], ind.semi_axes[2]})
       << ",\"x\":" << json_numbers(ind.x) << ",\"y\":" << json_numbers(ind.y) << ",\"z\":" << json_numbers(ind.z)
       << "}";
  } else {
    os << "null";
  }
  os << ",\"metrics\":{";
  bool first = true;
  for (const auto& [k, v] : p.metrics) {
    os << (first ? "" : ",") << json_string(k) << ":" << json_number(v);
    first = false;
  }
  os << "}}";
  return os.str();
}

std::string describe(const RunRef& ref, const RunSpan& s) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4g s", s.last - s.first);
  return "\"" + s.run + "\" in " + ref.file + " (" + buf + ")";
}

void replace_once(std::string& text, const std::string& marker, const std::string& with) {
  const auto at = text.find(marker);
  if (at == std::string::npos) throw std::logic_error("page template lacks " + marker);
  text.replace(at, marker.size(), with);
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else out += c;
  }
  return out;
}

}  // namespace

std::string partial_page_path(const std::string& out) { return out + ".partial"; }

namespace {

/// The output path, checked before the (longer) reading: a directory, or a parent that cannot be
/// made. The page is written beside `out` and renamed over it once complete: an existing page
/// stays whole until then, whatever stops the reading (an error, or libhdf5 crashing on a damaged
/// file, after which `fascia view` removes the partial page).
std::ofstream open_partial_page(const std::string& out) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (out.empty()) throw InputError("-o", "an output page is required (-o PAGE.html)");
  if (fs::is_directory(out, ec)) throw InputError("-o", "'" + out + "' is a directory; give a file name such as page.html");
  const fs::path parent = fs::path(out).parent_path();
  if (!parent.empty()) fs::create_directories(parent, ec);
  std::ofstream file(partial_page_path(out), std::ios::binary | std::ios::trunc);
  if (!file)
    throw InputError("-o", "cannot write '" + out + "': " + (ec ? ec.message() : std::string(std::strerror(errno))));
  return file;
}

}  // namespace

void check_shared_clock(const std::vector<RunRef>& refs, const std::vector<RunSpan>& spans) {
  for (std::size_t i = 1; i < spans.size(); ++i) {
    const double a = spans[0].last - spans[0].first, b = spans[i].last - spans[i].first;
    const double lo = std::min(a, b), hi = std::max(a, b);
    if (hi > 0 && !(hi <= kMaxClockRatio * lo))
      throw InputError("runs", describe(refs[0], spans[0]) + " and " + describe(refs[i], spans[i]) +
                                   " cannot share a clock: their durations differ by more than a factor of " +
                                   json_number(kMaxClockRatio) + "; view them on separate pages");
  }
}

PageSummary write_view_page(const std::vector<RunRef>& runs, const std::string& out, const ViewOptions& options) {
  if (runs.empty() || runs.size() > 2) throw InputError("runs", "give one or two runs to view");
  if (options.max_frames < 2) throw InputError("--max-frames", "value " + std::to_string(options.max_frames) +
                                                                   " is out of range; allowed [2, 100000]");
  std::vector<RunSpan> spans;
  for (const auto& r : runs) spans.push_back(check_run(r));
  check_shared_clock(runs, spans);

  namespace fs = std::filesystem;
  std::error_code ec;
  const std::string partial = partial_page_path(out);
  std::ofstream file = open_partial_page(out);

  PageSummary summary;
  summary.path = out;
  std::string data = "{\"title\":" + json_string(options.title) + ",\"panels\":[";
  try {
    for (std::size_t i = 0; i < runs.size(); ++i) {
      const PanelData p = read_panel({runs[i].file, spans[i].run}, options.max_frames);
      if (i) data += ',';
      data += panel_json(p);
      summary.panels.push_back(runs[i].file + ":" + p.run + ", " + std::to_string(p.time.size()) + " of " +
                               std::to_string(p.frames_in_file) + " frames, " + std::to_string(p.surface.nodes.size()) +
                               " surface nodes (" + p.surface.source + ")");
    }
  } catch (...) {
    file.close();
    fs::remove(partial, ec);
    throw;
  }
  data += "]}";
  summary.data_bytes = data.size();

  std::string title = options.title;
  if (title.empty())
    for (std::size_t i = 0; i < runs.size(); ++i)
      title += (i ? " vs " : "fascia: ") + fs::path(runs[i].file).filename().string() + ":" + spans[i].run;
  std::string page = assets::page_template();
  replace_once(page, "@TITLE@", html_escape(title));
  const std::string three = assets::three_js(), orbit = assets::orbit_controls_js();
  replace_once(page, "@THREE_JS@", base64(deflate_bytes(three.data(), three.size())));
  replace_once(page, "@ORBIT_CONTROLS_JS@", base64(deflate_bytes(orbit.data(), orbit.size())));
  replace_once(page, "@FASCIA_DATA@", data);
  file << page;
  file.close();
  if (!file) {
    fs::remove(partial, ec);
    throw InputError("-o", "cannot write '" + out + "' (disk full?)");
  }
  fs::rename(partial, out, ec);
  if (ec) {
    const std::string why = ec.message();
    fs::remove(partial, ec);
    throw InputError("-o", "cannot write '" + out + "': " + why);
  }
  summary.bytes = page.size();
  return summary;
}

}  // namespace fascia::view
