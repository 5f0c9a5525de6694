"""Axis units read from the SBML: readouts, the input (dose) and time."""
import re

NAMED = {"dimensionless": "dimensionless", "per_min": "1/min", "min": "min", "second": "s"}


def label(unit_id, element_id=""):
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


def unit_labels(model, ids):
    """{id: unit label} for species, parameters and compartments of a
    ``loader.Model`` ('' where the SBML declares none)."""
    table = model.describe().set_index("id")
    return {i: label(str(table.units.get(i, "")), i) for i in ids}


def time_label(model):
    """The model's time unit as a label (``min``), '' if undeclared."""
    return label(model.sbml.getTimeUnits())


def axis(name, unit):
    """``name (unit)``, or ``name`` when the unit is unknown."""
    return f"{name} ({unit})" if unit else name
