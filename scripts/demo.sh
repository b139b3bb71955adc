#!/usr/bin/env bash
# The default demo (README: `make demo`): a tap on a fascia sheet (ripple), then the protocol
# comparison on a layered slab. Ends with what to do next.
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
mkdir -p out
echo "== fascia demo: a tap on a 2-D fascia sheet (examples/scenarios/ripple_sheet.toml)"
"$build/fascia" run examples/scenarios/ripple_sheet.toml
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
echo "   (examples/scenarios/compare_protocols.toml; the slowest part of the demo)"
"$build/fascia" compare examples/scenarios/compare_protocols.toml
cat <<NEXT

== What next
Files:      $here/out/  (ripple_sheet.h5, compare_protocols.h5 and their .xdmf sidecars)
Summarise:  $build/fascia info out/compare_protocols.h5
Table:      $build/fascia compare examples/scenarios/compare_protocols.toml --format csv > table.csv
ParaView:   paraview out/compare_protocols_active.xdmf   (Xdmf3 Reader; Warp By Vector "displacement")
Python:     make build, then: PYTHONPATH=$build/python /usr/bin/python3 -c \\
              "import fascia.io as io; print(io.comparison('out/compare_protocols.h5'))"
            (or pip install . into a venv: docs/python.md)
3-D page:   open out/pond_ripple.html in a browser (fascia view FILE.h5 makes one for any run)
Docs:       README.md, docs/cli.md, docs/hdf5-schema.md, docs/python.md
NEXT
