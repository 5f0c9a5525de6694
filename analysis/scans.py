"""Scans of mechanism strengths: 1-D lines and 2-D interaction maps.

Each scan point is a scenario whose insulin dose-response is simulated and
fitted, so every point carries its readouts and its Kahn class. In 2-D, the
effect of both mechanisms together is compared with the product of their
single effects (Bliss independence): a ratio below 1 means the two impair
more together than independently (synergy), above 1 that one masks the other.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .backends.base import Backend
from .doseresponse import classify, fit_points, simulate_doses
from .errors import UserError
from .protocol import DEFAULT

if TYPE_CHECKING:
    from .catalogue import Catalogue, Mechanism

INTERACTION_BAND = 0.05   # |ratio - 1| below this is 'independent'


def strengths(mechanism: Mechanism, points: int | None = None, low: float | None = None,
              high: float | None = None) -> np.ndarray:
    """Strengths across a mechanism's plausible range (log-spaced for fold changes);
    ``points`` defaults to the protocol's scan points."""
    points = DEFAULT.scan_points if points is None else points
    if points < 2:
        raise UserError(f"{points} scan point(s): a scan needs at least 2 points")
    lo, hi = mechanism.range
    lo = lo if low is None else low
    hi = hi if high is None else high
    if lo >= hi:
        raise UserError(f"scan range {lo:g}..{hi:g} of {mechanism.name} is empty or inverted; "
                        "give low < high")
    if mechanism.kind == "fold" and lo > 0:
        return np.geomspace(lo, hi, points)
    return np.linspace(lo, hi, points)


def _scenarios(catalogue, base, grid, allow_out_of_range):
    """name -> parameters for each point of ``grid`` (list of {mechanism: strength})."""
    out = {}
    for point in grid:
        scenario = catalogue.scenario(cause=base, mechanisms=point,
                                      allow_out_of_range=allow_out_of_range)
        out[scenario.name] = scenario.parameters
    return out


def scan_1d(sim: Backend, catalogue: Catalogue, mechanism: str, values: Sequence[float],
            doses: Sequence[float] | np.ndarray | None = None, time: float | None = None,
            reference_dose: float | None = None, base: str | None = None,
            allow_out_of_range: bool = False, progress: Any = None,
            workers: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(points, fits) along one mechanism; fits gain ``strength`` and Kahn columns
    against healthy, and ``value_at_reference`` (the readout at ``reference_dose``).
    Doses, time and reference dose default to ``sim.protocol``'s."""
    doses, reference_dose = _doses(sim, doses, reference_dose)
    grid = [{mechanism: float(v)} for v in values]
    scenarios = {"healthy": {}, **_scenarios(catalogue, base, grid, allow_out_of_range)}
    strength_of = {name: (np.nan if name == "healthy" else float(v))
                   for name, v in zip(scenarios, [None] + list(values), strict=True)}
    points = simulate_doses(sim, scenarios, doses, time, progress, workers)
    fits = classify(fit_points(points), protocol=sim.protocol)
    at_ref = points[np.isclose(points.dose, reference_dose)].set_index(["scenario", "readout"])
    fits["value_at_reference"] = [at_ref.value.get((s, r), np.nan)
                                  for s, r in zip(fits.scenario, fits.readout, strict=True)]
    fits.insert(0, "mechanism", mechanism)
    fits.insert(1, "strength", fits.scenario.map(strength_of))
    points.insert(0, "strength", points.scenario.map(strength_of))
    return points, fits


def scan_2d(sim: Backend, catalogue: Catalogue, mech_a: str, values_a: Sequence[float], mech_b: str,
            values_b: Sequence[float], doses: Sequence[float] | np.ndarray | None = None,
            time: float | None = None, reference_dose: float | None = None,
            allow_out_of_range: bool = False, progress: Any = None,
            workers: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(points, grid): the grid has one row per (strength_a, strength_b, readout)
    with the value at the reference dose, the fitted emax and ec50, each as a
    fraction of healthy, and the interaction ratio observed / (single a x single b)."""
    if mech_a == mech_b:
        raise UserError(f"a 2-D scan needs two different mechanisms, got {mech_a} twice")
    doses, reference_dose = _doses(sim, doses, reference_dose)
    healthy_a = catalogue.mechanisms[mech_a].healthy
    healthy_b = catalogue.mechanisms[mech_b].healthy
    values_a = np.union1d(values_a, [healthy_a])
    values_b = np.union1d(values_b, [healthy_b])
    scenarios, keys = {}, {}
    for a in values_a:
        for b in values_b:
            point = {m: float(v) for m, v, healthy in ((mech_a, a, healthy_a),
                                                       (mech_b, b, healthy_b)) if v != healthy}
            scenario = catalogue.scenario(mechanisms=point, allow_out_of_range=allow_out_of_range)
            scenarios[scenario.name] = scenario.parameters
            keys[scenario.name] = (float(a), float(b))
    points = simulate_doses(sim, scenarios, doses, time, progress, workers)
    fits = fit_points(points).set_index(["scenario", "readout"])
    at_ref = points[np.isclose(points.dose, reference_dose)].set_index(["scenario", "readout"])
    rows = []
    for (name, readout), fit in fits.iterrows():
        a, b = keys[name]
        rows.append({"mechanism_a": mech_a, "strength_a": a, "mechanism_b": mech_b,
                     "strength_b": b, "scenario": name, "readout": readout,
                     "value_at_reference": at_ref.value[(name, readout)],
                     "emax": fit.emax, "ec50": fit.ec50, "fit_status": fit.status})
    table = pd.DataFrame(rows)
    return points, _interactions(table, healthy_a, healthy_b)


def _doses(sim: Backend, doses, reference_dose: float | None) -> tuple[np.ndarray, float]:
    """The dose grid with the reference dose in it (the protocol's where not given)."""
    doses = sim.protocol.doses if doses is None else doses
    reference_dose = sim.protocol.reference_dose if reference_dose is None else reference_dose
    return np.union1d(doses, [reference_dose]), float(reference_dose)


def _interactions(table, healthy_a, healthy_b):
    for measure in ("value_at_reference", "emax"):
        fraction = np.full(len(table), np.nan)
        expected = np.full(len(table), np.nan)
        for _, part in table.groupby("readout"):
            idx = part.set_index(["strength_a", "strength_b"])[measure]
            base = idx[(healthy_a, healthy_b)]
            for i, row in part.iterrows():
                fraction[i] = row[measure] / base
                expected[i] = (idx[(row.strength_a, healthy_b)] / base
                               * idx[(healthy_a, row.strength_b)] / base)
        table[f"{measure}_fraction"] = fraction
        table[f"{measure}_expected"] = expected
        table[f"{measure}_interaction"] = fraction / expected
    ratio = table["value_at_reference_interaction"]
    table["interaction"] = np.where(ratio < 1 - INTERACTION_BAND, "synergy",
                                    np.where(ratio > 1 + INTERACTION_BAND, "masking",
                                             "independent"))
    return table
