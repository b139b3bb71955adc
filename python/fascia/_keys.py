# SPDX-License-Identifier: MIT
"""Scenario key paths ("tissue.water", "protocol.tap.force_n") and TOML text from a spec.

These are what sweeps use to vary "any scenario key": a point is the base scenario's TOML with some
keys replaced, parsed again by the C++ parser, so a bad key or value raises the same
:class:`fascia.InputError` (a ``ValueError`` naming the key) as the CLI.
"""
from __future__ import annotations

import math
import re
import tomllib
from typing import Any, Mapping

from . import _core

# Every table of ScenarioSpec except the protocols: "tissue", "material", "geometry", ...
_SECTIONS = tuple(f for f in _core.ScenarioSpec._fields if f not in ("protocols", "source_text"))
_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _split(key: str) -> list[str]:
    parts = str(key).split(".")
    if not all(parts) or len(parts) < 2:
        raise _core.InputError(f"{key}: not a key path; expected 'section.key' or 'protocol.NAME.key'")
    return parts


def get_key(spec: _core.ScenarioSpec, key: str):
    """Value of ``key`` (a TOML key path such as ``"tissue.water"`` or ``"protocol.tap.force_n"``)."""
    parts = _split(key)
    obj = spec.protocol(parts[1]) if parts[0] == "protocol" else getattr(spec, parts[0], None)
    rest = parts[2:] if parts[0] == "protocol" else parts[1:]
    if obj is None or parts[0] not in _SECTIONS + ("protocol",) or len(rest) != 1 or rest[0] not in obj._fields:
        raise _core.InputError(f"{key}: unknown key")
    return getattr(obj, rest[0])


def set_key(spec: _core.ScenarioSpec, key: str, value) -> None:
    """Set ``key`` on ``spec`` in place (no validation; call ``spec.validate()`` or run it)."""
    parts = _split(key)
    if parts[0] == "protocol":
        if len(parts) != 3:
            raise _core.InputError(f"{key}: expected protocol.NAME.key")
        obj, field = spec.protocol(parts[1]), parts[2]
    elif parts[0] in _SECTIONS and len(parts) == 2:
        obj, field = getattr(spec, parts[0]), parts[1]
    else:
        raise _core.InputError(f"{key}: unknown key; sections: {', '.join(_SECTIONS + ('protocol',))}")
    if field not in obj._fields or field == "name":
        raise _core.InputError(f"{key}: unknown key; allowed keys: {', '.join(f for f in obj._fields if f != 'name')}")
    try:
        setattr(obj, field, _plain(value))
    except TypeError as e:
        raise _core.InputError(f"{key}: wrong type {type(value).__name__} ({e})") from None


def _plain(v):
    """numpy scalars/arrays -> Python numbers/lists."""
    if hasattr(v, "tolist"):
        return v.tolist()
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


# ---------------------------------------------------------------------------- TOML writing

def _toml_value(v) -> str:
    v = _plain(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def _key(k: str) -> str:
    return k if _BARE.match(k) else _toml_value(k)


def dumps_toml(data: Mapping[str, Any]) -> str:
    """Minimal TOML writer for scenario dicts (scalars, arrays, nested tables)."""
    out: list[str] = []

    def table(d: Mapping[str, Any], path: list[str]):
        scalars = [(k, v) for k, v in d.items() if not isinstance(v, Mapping)]
        tables = [(k, v) for k, v in d.items() if isinstance(v, Mapping)]
        if path and (scalars or not tables):
            out.append("[" + ".".join(_key(p) for p in path) + "]")
        for k, v in scalars:
            out.append(f"{_key(k)} = {_toml_value(v)}")
        if path and (scalars or not tables):
            out.append("")
        for k, v in tables:
            table(v, path + [k])

    table(data, [])
    return "\n".join(out).rstrip() + "\n"


def _spec_dict(obj, default) -> dict:
    d = {}
    for f in obj._fields:
        if f == "name":
            continue
        v = getattr(obj, f)
        if v is None or v == getattr(default, f):
            continue
        d[f] = v
    return d


def to_toml(spec: _core.ScenarioSpec) -> str:
    """TOML text of ``spec``: keys that differ from their defaults (plus every protocol's kind).

    ``parse_scenario(to_toml(spec))`` equals ``spec`` except for ``source_text``.
    """
    data: dict[str, Any] = {}
    default = _core.ScenarioSpec()
    for section in _SECTIONS:
        if section == "output":
            continue
        d = _spec_dict(getattr(spec, section), getattr(default, section))
        if d:
            data[section] = d
    protocols = {}
    for p in spec.protocols:
        d = _spec_dict(p, _core.ProtocolSpec())
        d["kind"] = p.kind
        protocols[p.name] = {"kind": p.kind, **{k: v for k, v in d.items() if k != "kind"}}
    if protocols:
        data["protocol"] = protocols
    d = _spec_dict(spec.output, default.output)
    if d:
        data["output"] = d
    return dumps_toml(data)


def with_overrides(text: str, overrides: Mapping[str, Any], origin: str = "<overrides>") -> _core.ScenarioSpec:
    """Parse scenario TOML ``text`` with ``overrides`` {key path: value} applied.

    The overrides are applied to the TOML document (so keys absent from ``text`` can be set too)
    and the result is parsed by the C++ parser: errors name the key path. The returned spec's
    ``source_text`` is the modified TOML, so output files record what was actually run.
    """
    doc = tomllib.loads(text)
    for key, value in overrides.items():
        parts = _split(key)
        if parts[0] == "protocol":
            if len(parts) != 3:
                raise _core.InputError(f"{key}: expected protocol.NAME.key")
            if parts[1] not in doc.get("protocol", {}):
                names = ", ".join(doc.get("protocol", {}))
                raise _core.InputError(f"{key}: no protocol '{parts[1]}' in the scenario; it has: {names}")
        elif len(parts) != 2:
            raise _core.InputError(f"{key}: expected section.key")
        node = doc
        for p in parts[:-1]:
            node = node.setdefault(p, {})
            if not isinstance(node, dict):
                raise _core.InputError(f"{key}: '{p}' is not a table")
        node[parts[-1]] = _plain(value)
    # The fraction rule wants at most two fractions given, or three summing to 1. When a sweep sets
    # some fractions and the scenario gives all three, one that is not swept (ground first) is
    # dropped and derived, so that e.g. water x collagen grids work on any base scenario.
    fractions = ("water", "collagen", "ground")
    swept = {k.split(".")[1] for k in overrides if k.startswith("tissue.")} & set(fractions)
    tissue = doc.get("tissue", {})
    if swept and len(swept) < 3 and all(k in tissue for k in fractions):
        for k in ("ground", "collagen", "water"):
            if k not in swept:
                tissue.pop(k)
                break
    new_text = dumps_toml(doc)
    return _core.parse_scenario(new_text, origin)
