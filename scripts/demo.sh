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
echo "== fascia demo: static pressure vs compression + active shear vs compression + passive shear"
echo "   (examples/scenarios/compare_protocols.toml; about a minute on 2 cores)"
"$build/fascia" compare examples/scenarios/compare_protocols.toml -o out/compare_protocols.h5
echo
echo "Outputs are in $here/out/ (open the .xdmf files in ParaView; 'fascia info FILE.h5' summarises a file)."
