// SPDX-License-Identifier: MIT
#pragma once
/// @file Texts built into `fascia view` at build time (cmake/embed_text.cmake), so that the pages
/// it writes work offline: the page template (src/view/page.html) and three.js with its
/// OrbitControls (Debian's libjs-three, FASCIA_THREE_DIR in CMakeLists.txt).
#include <string>

namespace fascia::view::assets {

std::string page_template();
std::string three_js();
std::string orbit_controls_js();

}  // namespace fascia::view::assets
