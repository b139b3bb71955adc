# SPDX-License-Identifier: MIT
"""Assigning a value of the wrong type to a spec attribute raises fascia.InputError naming the key
path (``tissue.water: expected a value like 0.7, got 'wet' (str)``, the wording of the keyword
constructors in python/src/spec.cpp), like every other bad input, instead of pybind11's TypeError
listing C++ signatures."""
from ._core import InputError

# TOML section of each spec class (docs/scenario.md); ProtocolSpec is protocol.<its name>.
_SECTIONS = {"TissueSpec": "tissue", "GeometrySpec": "geometry", "SolverSpec": "solver", "OutputSpec": "output",
             "AdhesionSpec": "adhesion", "MaterialSpec": "material", "ScenarioSpec": ""}


def key_path(obj, name: str) -> str:
    cls = type(obj).__name__
    if cls == "ProtocolSpec":
        return f"protocol.{obj.name or '?'}.{name}"
    prefix = _SECTIONS.get(cls, cls)
    return f"{prefix}.{name}" if prefix else name


def _with_key_errors(cls) -> None:
    original = cls.__setattr__

    def __setattr__(self, name, value):
        try:
            original(self, name, value)
        except TypeError:
            key = key_path(self, name)
            current = getattr(self, name, None)
            err = InputError(f"{key}: expected a value like {current!r}, got {value!r} ({type(value).__name__})")
            err.key = key
            raise err from None

    cls.__setattr__ = __setattr__


def install(module) -> None:
    """Wraps every spec class of ``module`` (fascia._core)."""
    for name in list(_SECTIONS) + ["ProtocolSpec"]:
        cls = getattr(module, name, None)
        if cls is not None:
            _with_key_errors(cls)
