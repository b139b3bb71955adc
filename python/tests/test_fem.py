# SPDX-License-Identifier: MIT
"""geometry.engine = "fem" from Python: the scenario key, a run through fascia.run, the model's
hexahedra in the HDF5 file and in the XDMF sidecar as meshio reads it (docs/fem.md)."""
import h5py
import meshio
import numpy as np

import fascia

FEM_SLAB = """\
[material]
muscle_thickness_mm = 0.5

[geometry]
engine = "fem"
kind = "slab"
size_mm = [2.0, 2.0]
layers = 1
spacing_mm = 0.5
coarsest_mm = 0.5
seed = 1

[solver]
integrator = "explicit"
threads = 1

[protocol.tap]
kind = "impulse"
force_n = 0.05
radius_mm = 0.5
duration_s = 2e-6
end_s = 6e-6
frame_interval_s = 2e-6

[output]
file = "out/fem.h5"
"""


def test_fem_engine_runs_from_python_and_writes_hexahedra(tmp_path):
    out = tmp_path / "fem.h5"
    res = fascia.run(FEM_SLAB, output=str(out), threads=1)
    assert res.runs[0].status == "complete"
    with h5py.File(out, "r") as f:
        hexes = f["model/elements/hexahedra/connectivity"][()]
        tissue = f["model/elements/hexahedra/tissue_id"][()]
        nodes = f["model/rest_positions"].shape[0]
    # 2 x 2 mm at 0.5 mm: 4 x 4 columns; muscle 0.5 mm graded from 0.5 mm (1 element), the dense
    # layer 0.28 mm with 2 elements: 3 hexahedra per column; two materials (muscle, dense).
    assert hexes.shape == (16 * 3, 8)
    assert set(np.unique(tissue)) == {0.0, 1.0}
    assert hexes.max() < nodes
    mesh = meshio.read(res.xdmf_files[0])
    kinds = {block.type: len(block.data) for block in mesh.cells}
    assert kinds.get("hexahedron") == 16 * 3
    assert kinds.get("line") == 25  # one interface element per node column
