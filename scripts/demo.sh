#!/usr/bin/env bash
# The default demo (README: `make demo`): a tap on a fascia sheet (ripple), then the protocol
# comparison on a layered slab once it is available. Prints where the output went.
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
mkdir -p out
echo "== fascia demo: a tap on a 2-D fascia sheet (examples/scenarios/ripple_sheet.toml)"
"$build/fascia" run examples/scenarios/ripple_sheet.toml -o out/ripple_sheet.h5
if [ -f examples/scenarios/compare_protocols.toml ] && "$build/fascia" validate examples/scenarios/compare_protocols.toml >/dev/null 2>&1 \
   && grep -q compression_active_shear src/scenario_run.cpp; then
  echo
  echo "== fascia demo: static pressure vs compression + active shear vs compression + passive shear"
  "$build/fascia" compare examples/scenarios/compare_protocols.toml -o out/compare_protocols.h5
fi
echo
echo "Outputs are in $here/out/ (open the .xdmf files in ParaView; 'fascia info FILE.h5' summarises a file)."
