"""The catalogue of insulin-resistance mechanisms and causes, and scenarios built from it.

The catalogue is data (``models/mechanisms.toml``, ``models/causes.toml``, plus
any user files in the same format), read with :mod:`tomllib`, never evaluated.
A mechanism acts only through model parameters: its strength becomes the value
of each of its target scale factors (healthy 1). A cause is a named set of
mechanism strengths plus optional model inputs (TNFa, FFA, ...).

:meth:`Catalogue.scenario` is the one pure function every analysis uses to turn
a scenario (cause, extra mechanisms, overrides) into parameter values.
"""
from __future__ import annotations

import math
import numbers
import os
import re
import textwrap
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import UserError, closest, unknown
from .resources import models_file

if TYPE_CHECKING:
    import pandas as pd

BUILTIN = (models_file("mechanisms.toml"), models_file("causes.toml"))   # package data

LEVELS = ("receptor_number", "receptor_signaling", "intracellular_signaling")
KINDS = ("fraction", "fold")
EFFECTS = ("lowers_uptake", "raises_uptake")

MECHANISM_KEYS = {"description": str, "level": str, "kind": str, "targets": list,
                  "healthy": numbers.Real, "range": list, "effect": str}
CAUSE_KEYS = {"description": str, "mechanisms": dict}
OPTIONAL = {"mechanisms": {"references": list}, "causes": {"inputs": dict, "references": list}}
REFERENCE_KEYS = {"authors": str, "year": int, "title": str, "journal": str, "volume_pages": str,
                  "pmid": str, "doi": str, "verified": bool, "note": str}
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
TYPE_NAMES = {str: "a string", list: "an array", dict: "a table", numbers.Real: "a number",
              int: "an integer", bool: "true or false"}


@dataclass
class Mechanism:
    name: str
    description: str
    level: str
    kind: str
    targets: tuple
    healthy: float
    range: tuple
    effect: str
    references: tuple = ()
    source_file: str = ""


@dataclass
class Cause:
    name: str
    description: str
    mechanisms: dict
    inputs: dict = field(default_factory=dict)
    references: tuple = ()
    source_file: str = ""


@dataclass
class Scenario:
    """A named set of parameter values; ``mechanisms`` are the strengths in effect."""
    name: str
    parameters: dict
    cause: str | None = None
    mechanisms: dict = field(default_factory=dict)
    overrides: dict = field(default_factory=dict)


# ------------------------------------------------------------------ reading


def _read(path):
    path = Path(path)
    if not path.is_file():
        raise UserError(f"catalogue file not found: {path}")
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(_toml_error(path, exc)) from None
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 text ({exc.reason})") from None


def _toml_error(path, exc):
    """'file:line:col: message' from a TOMLDecodeError (Python 3.11 puts the place in the text)."""
    message = " ".join(str(exc).split())
    line, col = getattr(exc, "lineno", None), getattr(exc, "colno", None)
    match = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if match:
        line, col = line or int(match[1]), col or int(match[2])
        message = message[:match.start()]
    elif message.endswith("(at end of document)"):
        message = message[:-len("(at end of document)")].rstrip() + " at end of file"
    place = f"{line}:{col}:" if line else ""
    return f"{path}:{place} {message}"


def _fmt(x):
    return f"{x:g}"


def _number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _check_keys(entry, where, required, optional):
    if not isinstance(entry, dict):
        raise UserError(f"{where}: must be a table of keys; expected keys: {', '.join(required)}")
    accepted = ", ".join([*required, *optional])
    for key in required:
        if key not in entry:
            raise UserError(f"{where}: missing key '{key}'; expected keys: {accepted}")
    for key, value in entry.items():
        wanted = required.get(key) or optional.get(key)
        if wanted is None:
            hint = closest(key, [*required, *optional])
            hint = f" (did you mean '{hint[0]}'?)" if hint else ""
            raise UserError(f"{where}: unknown key '{key}'{hint}; expected keys: {accepted}")
        ok = _number(value) if wanted is numbers.Real else (
            isinstance(value, wanted) and not (wanted is int and isinstance(value, bool)))
        if not ok:
            got = f"{type(value).__name__} {value!r}"
            raise UserError(f"{where}: key '{key}' must be {TYPE_NAMES[wanted]}, got {got[:80]}")


def _choice(value, accepted, where, key):
    if value not in accepted:
        raise UserError(f"{where}: {key} '{value}' is not one of {', '.join(accepted)}")


def _references(refs, where):
    for i, ref in enumerate(refs, 1):
        _check_keys(ref, f"{where}: reference {i}", {"authors": str, "year": int},
                    {k: v for k, v in REFERENCE_KEYS.items() if k not in ("authors", "year")})
    return tuple(dict(r) for r in refs)


def _mechanism(name, entry, path):
    where = f"{path}: mechanism '{name}'"
    _check_keys(entry, where, MECHANISM_KEYS, OPTIONAL["mechanisms"])
    _choice(entry["level"], LEVELS, where, "level")
    _choice(entry["kind"], KINDS, where, "kind")
    _choice(entry["effect"], EFFECTS, where, "effect")
    targets = entry["targets"]
    if not targets or not all(isinstance(t, str) and t for t in targets):
        raise UserError(f"{where}: targets must be a non-empty array of parameter ids")
    if len(set(targets)) != len(targets):
        raise UserError(f"{where}: targets name a parameter twice: {targets}")
    healthy = float(entry["healthy"])
    if healthy != 1.0:
        raise UserError(f"{where}: healthy must be 1 (a strength is the value of a scale "
                        f"factor whose normal value is 1), got {_fmt(healthy)}")
    rng = entry["range"]
    if len(rng) != 2 or not all(_number(x) and math.isfinite(x) for x in rng):
        raise UserError(f"{where}: range must be [low, high], two numbers, got {rng!r}")
    low, high = float(rng[0]), float(rng[1])
    if low >= high:
        raise UserError(f"{where}: range [{_fmt(low)}, {_fmt(high)}] needs low < high")
    if not low <= healthy <= high:
        raise UserError(f"{where}: range [{_fmt(low)}, {_fmt(high)}] must include the "
                        f"healthy value {_fmt(healthy)}")
    if entry["kind"] == "fraction" and (low < 0 or high > 1):
        raise UserError(f"{where}: a fraction range must lie within [0, 1], "
                        f"got [{_fmt(low)}, {_fmt(high)}]")
    if entry["kind"] == "fold" and low <= 0:
        raise UserError(f"{where}: a fold range must be above 0, got [{_fmt(low)}, {_fmt(high)}]")
    return Mechanism(name=name, description=entry["description"], level=entry["level"],
                     kind=entry["kind"], targets=tuple(targets), healthy=healthy,
                     range=(low, high), effect=entry["effect"],
                     references=_references(entry.get("references", []), where),
                     source_file=str(path))


def _cause(name, entry, path):
    where = f"{path}: cause '{name}'"
    _check_keys(entry, where, CAUSE_KEYS, OPTIONAL["causes"])
    for table in ("mechanisms", "inputs"):
        for key, value in entry.get(table, {}).items():
            if not _number(value) or not math.isfinite(value):
                raise UserError(f"{where}: {table} '{key}' must be a number, got {value!r}")
            if table == "inputs" and value < 0:
                raise UserError(f"{where}: input '{key}' must be >= 0, got {_fmt(value)}")
    return Cause(name=name, description=entry["description"],
                 mechanisms={k: float(v) for k, v in entry["mechanisms"].items()},
                 inputs={k: float(v) for k, v in entry.get("inputs", {}).items()},
                 references=_references(entry.get("references", []), where),
                 source_file=str(path))


def load_catalogue(extra: Sequence[str | os.PathLike] = ()) -> Catalogue:
    """The built-in catalogue merged with the user files ``extra`` (in order).

    A user entry with a built-in name replaces the built-in one; the same name
    in two user files is an error. Every problem is a one-line UserError.
    """
    if isinstance(extra, (str, Path)):
        extra = [extra]
    found = {"mechanisms": {}, "causes": {}}   # name -> (entry, path)
    user_defined = {}                          # name -> path of the user file
    for path in [*BUILTIN, *extra]:
        builtin = path in BUILTIN
        data = _read(path)
        if not builtin and not data:
            raise UserError(f"{path}: holds no [mechanisms.<name>] or [causes.<name>] table")
        for section, entries in data.items():
            if section not in found:
                raise UserError(f"{path}: unknown table '[{section}]'; a catalogue file holds "
                                "[mechanisms.<name>] and/or [causes.<name>] tables")
            if not isinstance(entries, dict):
                raise UserError(f"{path}: '{section}' must be tables like [{section}.<name>]")
            for name, entry in entries.items():
                if not NAME.match(name):
                    raise UserError(f"{path}: name '{name}' must start with a letter and hold "
                                    "only letters, digits and '_'")
                if name in user_defined and not builtin:
                    raise UserError(f"'{name}' is defined in both {user_defined[name]} and "
                                    f"{path}; rename one of them")
                other = "causes" if section == "mechanisms" else "mechanisms"
                if name in found[other]:
                    raise UserError(f"{path}: '{name}' is both a {section[:-1]} here and a "
                                    f"{other[:-1]} in {found[other][name][1]}; rename one")
                if not builtin:
                    user_defined[name] = path
                found[section][name] = (entry, path)
    mechanisms = {n: _mechanism(n, e, p) for n, (e, p) in found["mechanisms"].items()}
    causes = {n: _cause(n, e, p) for n, (e, p) in found["causes"].items()}
    catalogue = Catalogue(mechanisms, causes, tuple(str(p) for p in [*BUILTIN, *extra]))
    for cause in causes.values():
        for name, strength in cause.mechanisms.items():
            where = f"{cause.source_file}: cause '{cause.name}'"
            if name not in mechanisms:
                hits = closest(name, mechanisms)
                hint = f"; closest: {', '.join(hits)}" if hits else ""
                raise UserError(f"{where}: unknown mechanism '{name}'{hint}")
            mech = mechanisms[name]
            low, high = mech.range
            if not low <= strength <= high:
                raise UserError(f"{where}: strength {_fmt(strength)} of {name} is outside its "
                                f"plausible range [{_fmt(low)}, {_fmt(high)}] "
                                f"(defined in {mech.source_file})")
    return catalogue


# ------------------------------------------------------------------ the catalogue


class Catalogue:
    """Mechanisms and causes by name, and the scenarios built from them."""

    def __init__(self, mechanisms: dict[str, Mechanism], causes: dict[str, Cause],
                 files: Sequence[str] = ()) -> None:
        self.mechanisms = dict(mechanisms)
        self.causes = dict(causes)
        self.files = tuple(files)

    def mechanism(self, name: str) -> Mechanism:
        if name not in self.mechanisms:
            if name in self.causes:
                raise UserError(f"'{name}' is a cause, not a mechanism; use it as the cause")
            raise unknown("mechanism", name, self.mechanisms)
        return self.mechanisms[name]

    def cause(self, name: str) -> Cause:
        if name not in self.causes:
            if name in self.mechanisms:
                raise UserError(f"'{name}' is a mechanism, not a cause; give it as a mechanism "
                                "with a strength (NAME=STRENGTH)")
            raise unknown("cause", name, self.causes)
        return self.causes[name]

    def resistant_end(self, name: str) -> float:
        """The end of the mechanism's plausible range farthest from healthy."""
        m = self.mechanism(name)
        low, high = m.range
        return low if m.healthy - low >= high - m.healthy else high

    def check_targets(self, known_ids: Iterable[str], mechanisms: Iterable[str] | None = None,
                      causes: Iterable[str] | None = None) -> None:
        """Every target of the mechanisms (and every input and mechanism of the
        causes) named must be a settable model parameter; None: all of them. Only
        what a run uses is checked, so a catalogue can serve several models."""
        known = set(known_ids)
        cause_names = list(self.causes) if causes is None else [c for c in causes if c]
        mech_names = list(self.mechanisms) if mechanisms is None else list(mechanisms)
        for name in cause_names:
            c = self.cause(name)
            for input_name in c.inputs:
                if input_name not in known:
                    raise _not_in_model(f"{c.source_file}: cause '{c.name}'", "input",
                                        input_name, known)
            mech_names += [m for m in c.mechanisms if m not in mech_names]
        for name in mech_names:
            m = self.mechanism(name)
            for target in m.targets:
                if target not in known:
                    raise _not_in_model(f"{m.source_file}: mechanism '{m.name}'", "target",
                                        target, known)

    def applicable(self, known_ids: Iterable[str]) -> tuple[list[str], list[str]]:
        """(mechanisms, causes) whose targets and inputs all are settable ids."""
        known = set(known_ids)
        mechs = [n for n, m in self.mechanisms.items() if set(m.targets) <= known]
        causes = [n for n, c in self.causes.items()
                  if set(c.inputs) <= known and set(c.mechanisms) <= set(mechs)]
        return mechs, causes

    def check_strength(self, name: str, strength: Any, allow_out_of_range: bool = False) -> float:
        """Float strength of mechanism ``name``; UserError if it is not usable."""
        m = self.mechanism(name)
        if not _number(strength) or not math.isfinite(strength):
            raise UserError(f"strength of {name} must be a number, got {strength!r}")
        strength = float(strength)
        if m.kind == "fold" and strength <= 0:
            raise UserError(f"strength {_fmt(strength)} of {name} must be > 0 (a fold change)")
        if m.kind == "fraction" and strength < 0:
            raise UserError(f"strength {_fmt(strength)} of {name} must be >= 0 "
                            "(a fraction of normal activity; 0 = complete loss)")
        low, high = m.range
        if not allow_out_of_range and not low <= strength <= high:
            raise UserError(f"strength {_fmt(strength)} of {name} is outside its plausible range "
                            f"[{_fmt(low)}, {_fmt(high)}]; allow out-of-range strengths to run "
                            "it anyway")
        return strength

    def scenario(self, cause: str | None = None, mechanisms: Mapping[str, float] | None = None,
                 overrides: Mapping[str, float] | None = None,
                 allow_out_of_range: bool = False) -> Scenario:
        """Parameter values of a cause plus extra mechanisms plus overrides.

        No arguments: the healthy scenario (name 'healthy', no parameters). A
        cause contributes its mechanism strengths and its inputs; an explicit
        mechanism replaces the cause's strength for the same mechanism;
        strengths of mechanisms that target the same parameter multiply;
        ``overrides`` {parameter: value} are set last. The name lists the
        parts in the order given: 'obesity+PTEN_up=2+FFA=1'.
        """
        strengths, parameters, parts = {}, {}, []
        chosen = None
        if cause is not None:
            chosen = self.cause(cause)
            strengths.update(chosen.mechanisms)
            parts.append(chosen.name)
        for name, strength in (mechanisms or {}).items():
            strengths[name] = self.check_strength(name, strength, allow_out_of_range)
            parts.append(f"{name}={_fmt(strengths[name])}")
        for name, strength in strengths.items():
            for target in self.mechanisms[name].targets:
                parameters[target] = parameters.get(target, 1.0) * strength
        if chosen is not None:
            parameters.update(chosen.inputs)
        checked = {}
        for key, value in (overrides or {}).items():
            if not _number(value) or not math.isfinite(value):
                raise UserError(f"value for '{key}' must be a number, got {value!r}")
            checked[key] = float(value)
            parts.append(f"{key}={_fmt(checked[key])}")
        parameters.update(checked)
        return Scenario(name="+".join(parts) or "healthy", parameters=parameters,
                        cause=chosen.name if chosen else None, mechanisms=strengths,
                        overrides=checked)


def _not_in_model(where, what, name, known):
    hits = closest(name, sorted(known))
    hint = f"; closest: {', '.join(hits)}" if hits else ""
    return UserError(f"{where}: {what} '{name}' is not a settable parameter of the model{hint}")


# ------------------------------------------------------------------ listing


def _source(refs):
    seen = []
    for ref in refs:
        first = ref["authors"].split(",")[0].strip()
        first = re.sub(r"\s+et al\.?$", "", first)
        surname = first.split()[0] if first else "?"
        label = f"{surname} {ref['year']}"
        if label not in seen:
            seen.append(label)
    return "; ".join(seen)


def _pairs(mapping):
    return ", ".join(f"{k}={_fmt(v)}" for k, v in mapping.items())


def listing(catalogue: Catalogue, kind: str) -> pd.DataFrame:
    """The catalogue as a DataFrame: kind 'mechanisms' or 'causes'."""
    import pandas as pd

    if kind == "mechanisms":
        rows = [{"name": m.name, "level": m.level, "kind": m.kind,
                 "targets": ", ".join(m.targets), "healthy": m.healthy,
                 "range": f"[{_fmt(m.range[0])}, {_fmt(m.range[1])}]", "effect": m.effect,
                 "source": _source(m.references)} for m in catalogue.mechanisms.values()]
        columns = ["name", "level", "kind", "targets", "healthy", "range", "effect", "source"]
    elif kind == "causes":
        rows = [{"name": c.name, "mechanisms": _pairs(c.mechanisms), "inputs": _pairs(c.inputs),
                 "source": _source(c.references)} for c in catalogue.causes.values()]
        columns = ["name", "mechanisms", "inputs", "source"]
    else:
        raise UserError(f"unknown listing '{kind}'; choose mechanisms or causes")
    return pd.DataFrame(rows, columns=columns)


def format_listing(df: pd.DataFrame, max_width: int = 36) -> str:
    """A fixed-width text table; cells longer than ``max_width`` wrap onto more lines."""
    columns = [str(c) for c in df.columns]

    def cell(value):
        text = _fmt(value) if _number(value) else str(value)
        return _wrap(text, max_width)

    rows = [[cell(v) for v in row] for row in df.itertuples(index=False)]
    widths = [max([len(c)] + [len(line) for r in rows for line in r[i]])
              for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    for r in rows:
        for parts in zip_longest(*r, fillvalue=""):
            lines.append("  ".join(p.ljust(w) for p, w in zip(parts, widths, strict=True)).rstrip())
    if not rows:
        lines.append("(none)")
    return "\n".join(lines)


def _wrap(text, width):
    """Lines of at most ``width``, breaking after ', ' or '; ' (list items stay whole)."""
    lines = []
    for item in re.split(r"(?<=[,;]) ", text):
        if lines and len(lines[-1]) + 1 + len(item) <= width:
            lines[-1] += " " + item
        elif len(item) <= width:
            lines.append(item)
        else:
            lines.extend(textwrap.wrap(item, width, break_on_hyphens=False))
    return lines or [""]
