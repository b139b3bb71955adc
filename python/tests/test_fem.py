# SPDX-License-Identifier: MIT
"""geometry.engine = "fem" from Python: the scenario key, a run through fascia.run, the model's
hexahedra in the HDF5 file and in the XDMF sidecar as meshio reads it (docs/fem.md)."""
import h5py
import pytest
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


def gmsh_tap(mesh_file):
    return f"""\
[material]
muscle_thickness_mm = 3.0

[geometry]
engine = "fem"
mesh_file = "{mesh_file}"
size_mm = [20.0, 20.0]
skin_thickness_mm = 1.0
hypodermis_thickness_mm = 2.0
layers = 3
seed = 1

[solver]
integrator = "explicit"
threads = 1

[protocol.tap]
kind = "impulse"
force_n = 0.05
radius_mm = 2.0
duration_s = 2e-6
end_s = 4e-6
frame_interval_s = 2e-6
"""


def test_gmsh_mesh_file_runs_from_python(tmp_path, examples_dir):
    # The example gmsh mesh (examples/meshes/layered_patch.msh, MSH 4.1): its physical groups name
    # the tissues, its tetrahedra are split into four hexahedra each (docs/engines.md), and the run
    # writes them where meshio finds them.
    out = tmp_path / "gmsh.h5"
    res = fascia.run(gmsh_tap((examples_dir / "meshes" / "layered_patch.msh").as_posix()), output=str(out), threads=1)
    assert res.runs[0].status == "complete", res.runs[0].message
    with h5py.File(out, "r") as f:
        hexes = f["model/elements/hexahedra/connectivity"][()]
        tissue = set(np.unique(f["model/elements/hexahedra/tissue_id"][()]).tolist())
    assert len(hexes) > 0 and len(hexes) % 4 == 0  # every tetrahedron became four hexahedra
    # one material per physical volume of the .msh: muscle, dense_1..3, loose_1..3 (the loose
    # layers are volumes in this mesh), hypodermis and skin
    assert len(tissue) == 9
    mesh = meshio.read(res.xdmf_files[0])
    assert {block.type: len(block.data) for block in mesh.cells}.get("hexahedron") == len(hexes)


def test_gmsh_mesh_file_errors_name_the_key(tmp_path):
    with pytest.raises(fascia.InputError, match="geometry.mesh_file"):
        fascia.run(gmsh_tap((tmp_path / "missing.msh").as_posix()), output=str(tmp_path / "x.h5"), threads=1)


SAMPLE = """\
[geometry]
engine = "{engine}"
kind = "sample"
sample_tissue = "muscle"
size_mm = [4.0, 1.0]
sample_thickness_mm = 1.0
spacing_mm = 0.25

[protocol.pull]
kind = "uniaxial"
max_strain = 0.01
strain_rate_per_s = 0.01
hold_s = 0.0
"""


def test_material_test_runs_on_both_engines_and_both_give_three_mu(tmp_path):
    # A muscle strip pulled 1 % in 1 s: the water cannot drain in that time (the muscle's drainage
    # time is hours, docs/model.md), so the strip is nearly incompressible and its tangent modulus
    # is E = 3 mu (mu from /model). Both engines model the same continuum: each within 3 % of 3 mu
    # (the lattice's calibrated springs and the hexahedra's Q1/P0 both reproduce mu; at 1 % the
    # finite-strain correction is below 1 %).
    for engine in ("lattice", "fem"):
        out = tmp_path / f"{engine}.h5"
        res = fascia.run(SAMPLE.format(engine=engine), output=str(out), threads=1)
        run = res.runs[0]
        assert run.status == "complete", run.message
        with h5py.File(out, "r") as f:
            mu = f["model"].attrs["muscle_shear_modulus_pa"]
            assert f["runs/pull/series/strain"].shape == f["runs/pull/series/stress_pa"].shape
        assert run.metrics["tangent_modulus_pa"] == pytest.approx(3.0 * mu, rel=0.03), engine
