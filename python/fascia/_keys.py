# SPDX-License-Identifier: MIT
"""Scenario key paths ("tissue.water", "protocol.tap.force_n") and TOML text from a spec.

These are what sweeps use to vary "any scenario key": a point is the base scenario's TOML with some
keys replaced, parsed again by the C++ parser, so a bad key or value raises the same
:class:`fascia.InputError` (a ``ValueError`` naming the key) as the CLI.
"""
from __future__ import annotations

from typing import Any, Mapping

from . import _core

# Every table of ScenarioSpec except the protocols: "tissue", "material", "geometry", ...
_SECTIONS = tuple(f for f in _core.ScenarioSpec._fields if f not in ("protocols", "source_text"))


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
    value = _plain(value)
    current = getattr(obj, field)
    if isinstance(current, int) and not isinstance(current, bool) and isinstance(value, float) and value.is_integer():
        value = int(value)  # 3.0 for an integer key, as the TOML reader accepts it
    try:
        setattr(obj, field, value)
    except TypeError as e:
        raise _core.InputError(f"{key}: wrong type {type(value).__name__} ({e})") from None


def _plain(v):
    """numpy scalars/arrays -> Python numbers/lists."""
    if hasattr(v, "tolist"):
        return v.tolist()
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


def to_toml(spec: _core.ScenarioSpec) -> str:
    """TOML text of ``spec``: keys that differ from their defaults (plus every protocol's kind).

    Written by the C++ core from the scenario schema (toml++);
    ``parse_scenario(to_toml(spec))`` equals ``spec`` except for ``source_text``.
    """
    return _core.to_toml(spec)


def with_overrides(text: str, overrides: Mapping[str, Any], origin: str = "<overrides>") -> _core.ScenarioSpec:
    """Parse scenario TOML ``text`` with ``overrides`` {key path: value} applied.

    The overrides are set on the parsed scenario (so keys absent from ``text`` can be set too), and
    the result is written back to TOML and parsed again by the C++ parser: errors (a key of another
    protocol kind, a value out of range) name the key path. The returned spec's ``source_text`` is
    that TOML, so output files record what was actually run.
    """
    spec = _core.parse_scenario(text, origin)
    names = spec.protocol_names
    for key, value in overrides.items():
        parts = _split(key)
        if parts[0] == "protocol":
            if len(parts) != 3:
                raise _core.InputError(f"{key}: expected protocol.NAME.key")
            if parts[1] not in names:
                raise _core.InputError(f"{key}: no protocol '{parts[1]}' in the scenario; it has: {', '.join(names)}")
        elif len(parts) != 2:
            raise _core.InputError(f"{key}: expected section.key")
        set_key(spec, key, value)
    # The fraction rule wants at most two fractions given, or three summing to 1. When a sweep sets
    # some fractions and the scenario gives all three, one that is not swept (ground first) is
    # dropped and derived, so that e.g. water x collagen grids work on any base scenario.
    fractions = ("water", "collagen", "ground")
    swept = {k.split(".")[1] for k in overrides if k.startswith("tissue.")} & set(fractions)
    if swept and len(swept) < 3 and all(getattr(spec.tissue, k) is not None for k in fractions):
        for k in ("ground", "collagen", "water"):
            if k not in swept:
                setattr(spec.tissue, k, None)
                break
    return _core.parse_scenario(_core.to_toml(spec), origin)
