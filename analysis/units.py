"""Axis units read from the SBML: readouts, the input (dose) and time.

Only libSBML is needed (no simulator), so figures get their units whatever
backend simulated them."""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import libsbml

    from .loader import Model

NAMED = {"dimensionless": "dimensionless", "per_min": "1/min", "min": "min", "second": "s"}


def label(unit_id: str, element_id: str = "") -> str:
    """A unit id of the SBML as an axis label: ``nM_per_min`` -> ``nM/min``;
    dimensionless readouts named ``*fraction`` are a ``fraction``."""
    if not unit_id:
        return ""
    if unit_id == "dimensionless" and element_id.endswith("fraction"):
        return "fraction"
    if unit_id in NAMED:
        return NAMED[unit_id]
    text = re.sub(r"^per_", "1/", unit_id)
    return re.sub(r"_per_", "/", text)


def _sbml(model: Model | libsbml.Model) -> libsbml.Model:
    return getattr(model, "sbml", model)


def unit_labels(model: Model | libsbml.Model, ids: Iterable[str]) -> dict[str, str]:
    """{id: unit label} for species, parameters and compartments of a
    ``loader.Model`` or a libSBML model ('' where the SBML declares none)."""
    from .loader import unit_id
    sbml = _sbml(model)
    labels = {}
    for i in ids:
        element = sbml.getElementBySId(i)
        labels[i] = label(unit_id(sbml, element), i) if element is not None else ""
    return labels


def time_label(model: Model | libsbml.Model) -> str:
    """The model's time unit as a label (``min``), '' if undeclared."""
    return label(_sbml(model).getTimeUnits())


def axis(name: str, unit: str) -> str:
    """``name (unit)``, or ``name`` when the unit is unknown."""
    return f"{name} ({unit})" if unit else name
