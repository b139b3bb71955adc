#!/usr/bin/env bash
# The default demo (README: `make demo`): a tap on a fascia sheet (ripple), then the protocol
# comparison on a layered slab. Prints where the output went.
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
mkdir -p out
echo "== fascia demo: a tap on a 2-D fascia sheet (examples/scenarios/ripple_sheet.toml)"
"$build/fascia" run examples/scenarios/ripple_sheet.toml -o out/ripple_sheet.h5
echo
echo "== fascia demo: a pebble in a pond: a tap on the layered slab at water 0.60 and 0.80, one 3-D page"
echo "   (examples/scenarios/pond_ripple*.toml; docs/pond_ripple.md is the lesson)"
"$build/fascia" run examples/scenarios/pond_ripple.toml -o out/pond_ripple.h5
"$build/fascia" run examples/scenarios/pond_ripple_water_0.80.toml -o out/pond_ripple_water_0.80.h5
"$build/fascia" view out/pond_ripple.h5 out/pond_ripple_water_0.80.h5 -o out/pond_ripple.html \
  --title "A pebble in a pond: fascia at water 0.60 and 0.80"
echo "   open out/pond_ripple.html in a browser (works offline)"
echo
echo "== fascia demo: static pressure vs compression + active shear vs compression + passive shear"
echo "   (examples/scenarios/compare_protocols.toml; about a minute on 2 cores)"
"$build/fascia" compare examples/scenarios/compare_protocols.toml -o out/compare_protocols.h5
echo
echo "Outputs are in $here/out/ (open the .xdmf files in ParaView; 'fascia info FILE.h5' summarises a file)."
