"""Attribution: which single mechanism, at which strength, explains an observed
resistant dose-response, ranked by how well it does.

The observation is either Kahn's two numbers (EC50 ratio and/or Emax ratio to
healthy) or measured points (dose, value). For every mechanism the strength in
its plausible range that best reproduces the observation is found by a bounded
scalar search (in log strength for fold changes); mechanisms are ranked by the
remaining misfit.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar

from .doseresponse import fit_points, simulate_doses
from .errors import UserError

if TYPE_CHECKING:
    from .backends.base import Backend
    from .catalogue import Catalogue

COLUMNS = ("rank", "mechanism", "level", "strength", "ec50_ratio", "emax_ratio", "misfit",
           "explains", "evaluations")


class Observation:
    """What was measured: ratios to healthy, or points (dose, value) of a readout."""

    def __init__(self, ec50_ratio: float | None = None, emax_ratio: float | None = None,
                 points: pd.DataFrame | Mapping[str, Sequence[float]] | None = None) -> None:
        if points is None and ec50_ratio is None and emax_ratio is None:
            raise UserError("nothing observed: give the observed EC50 ratio and/or Emax ratio to "
                            "healthy, or measured points (dose, value)")
        for name, value in (("ec50 ratio", ec50_ratio), ("emax ratio", emax_ratio)):
            if value is not None and not value > 0:
                raise UserError(f"observed {name} must be > 0, got {value}")
        if points is not None:
            points = pd.DataFrame(points)
            if not {"dose", "value"} <= set(points.columns) or len(points) < 4:
                raise UserError("observed points need columns dose,value and at least 4 rows")
            if (points.dose <= 0).any():
                raise UserError("observed points: doses must be > 0 nM")
        self.ec50_ratio, self.emax_ratio, self.points = ec50_ratio, emax_ratio, points

    def misfit(self, fit: pd.Series, healthy: pd.Series, curve: pd.DataFrame) -> float:
        """Squared error: log EC50 ratio and Emax ratio, or relative error of points."""
        if self.points is not None:
            predicted = np.interp(np.log(self.points.dose), np.log(curve.dose), curve.value)
            scale = max(float(np.max(np.abs(self.points.value))), 1e-12)
            return float(np.mean(((predicted - self.points.value) / scale) ** 2))
        error = 0.0
        if self.ec50_ratio is not None:
            error += (np.log(fit.ec50 / healthy.ec50) - np.log(self.ec50_ratio)) ** 2
        if self.emax_ratio is not None:
            error += (fit.emax / healthy.emax - self.emax_ratio) ** 2
        return float(error)


def _dose_response(sim, parameters, doses, readout, time):
    points = simulate_doses(sim, {"s": parameters}, doses, time)
    points = points[points.readout == readout]
    fit = fit_points(points).iloc[0]
    return fit, points


def _best_strength(sim, catalogue, mech, observation, healthy, doses, readout, time, tolerance):
    """The row of one mechanism: a coarse grid over its range, then a bounded search
    around the best grid point (log strength for fold changes)."""
    log = mech.kind == "fold"
    low, high = np.log(mech.range) if log else mech.range
    cache = {}

    def misfit(x):
        strength = float(np.clip(np.exp(x) if log else x, *mech.range))
        scenario = catalogue.scenario(mechanisms={mech.name: strength})
        fit, curve = _dose_response(sim, scenario.parameters, doses, readout, time)
        cache[x] = (strength, fit)
        if fit.status not in ("ok", "extrapolated", "poor_fit"):
            return 1e6
        return observation.misfit(fit, healthy, curve)

    grid = np.linspace(low, high, 5)
    errors = [misfit(x) for x in grid]
    best = int(np.argmin(errors))
    lo, hi = grid[max(best - 1, 0)], grid[min(best + 1, len(grid) - 1)]
    result = minimize_scalar(misfit, bounds=(lo, hi), method="bounded",
                             options={"xatol": 1e-4 * max(abs(high - low), 1e-9)})
    x = result.x if result.fun <= errors[best] else grid[best]
    strength, fit = cache[x]
    error = min(result.fun, errors[best])
    return {"mechanism": mech.name, "level": mech.level, "strength": strength,
            "ec50_ratio": fit.ec50 / healthy.ec50, "emax_ratio": fit.emax / healthy.emax,
            "misfit": error, "explains": bool(error <= tolerance), "evaluations": len(cache)}


def attribute(sim: Backend, catalogue: Catalogue, observation: Observation,
              readout: str = 'glucose_uptake', doses: Sequence[float] | None = None,
              time: float | None = None, tolerance: float = 0.001,
              mechanisms: Sequence[str] | None = None, progress: Any = None) -> pd.DataFrame:
    """Ranked table (COLUMNS): the best strength of each mechanism and its misfit.
    ``explains`` is misfit <= tolerance. Doses and time default to ``sim.protocol``'s."""
    doses = np.asarray(sim.protocol.doses if doses is None else doses)
    time = sim.protocol.readout_time if time is None else time
    healthy, _ = _dose_response(sim, {}, doses, readout, time)
    rows = []
    for name in mechanisms or catalogue.mechanisms:
        rows.append(_best_strength(sim, catalogue, catalogue.mechanisms[name], observation,
                                   healthy, doses, readout, time, tolerance))
        if progress is not None:
            progress.update(1)
    table = pd.DataFrame(rows).sort_values("misfit", kind="stable").reset_index(drop=True)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return table[list(COLUMNS)]
