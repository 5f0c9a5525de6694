"""Readouts of a time course: value at a time, peak, time to half-maximum, AUC."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .protocol import DEFAULT

if TYPE_CHECKING:
    from .backends.base import Backend

SUMMARY_COLUMNS = ("readout", "basal", "value_at", "at_time", "peak", "time_to_peak",
                   "time_to_half_max", "auc")


def summarise(timecourse: pd.DataFrame, at: float = DEFAULT.readout_time,
              basal: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Summarise each column of a time course (index = time in min, starting at 0).

    Columns of the result: readout, basal (``basal[readout]``: the settled value
    before the step; default the value at t = 0), value_at (at ``at`` min,
    interpolated), at_time, peak (largest change from basal, signed value),
    time_to_peak, time_to_half_max (first time the change from basal reaches
    half of the peak change, interpolated; NaN for a flat readout), auc (area
    under the curve above basal, trapezoidal, in readout units x min).
    """
    t = timecourse.index.to_numpy(dtype=float)
    if not (t[0] <= at <= t[-1]):
        raise ValueError(f"time {at} is outside the simulated range {t[0]}..{t[-1]}")
    rows = []
    for name in timecourse.columns:
        y = timecourse[name].to_numpy(dtype=float)
        base = float(basal[name]) if basal is not None and name in basal else float(y[0])
        change = y - base
        i = int(np.argmax(np.abs(change)))
        peak_change = change[i]
        half = (np.nan if peak_change == 0
                else _first_crossing(t, np.abs(change), abs(peak_change) / 2))
        rows.append({
            "readout": name,
            "basal": base,
            "value_at": float(np.interp(at, t, y)),
            "at_time": at,
            "peak": y[i],
            "time_to_peak": t[i],
            "time_to_half_max": half,
            "auc": float(np.trapezoid(change, t)),
        })
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def _first_crossing(t, y, level):
    above = np.nonzero(y >= level)[0]
    if above.size == 0:
        return np.nan
    j = above[0]
    if j == 0:
        return t[0]
    return float(t[j - 1] + (level - y[j - 1]) * (t[j] - t[j - 1]) / (y[j] - y[j - 1]))


def simulate_scenario(sim: Backend, name: str, parameters: dict, dose: float,
                      times: Sequence[float] | np.ndarray,
                      at: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A scenario's time course after stepping the input to ``dose``: (tidy table
    scenario, time, readout, value; :func:`summarise` at ``at`` plus scenario, dose and
    steady_state, the steady state with the input held at ``dose``). ``basal`` is
    the settled state before the step (input at 0, the settle condition), not
    the first point of the time course, which a readout driven by the input
    (an assignment rule of it) already shows at the dose."""
    frame = sim.timecourse(parameters, dose, times)
    tidy = (frame.reset_index().melt(id_vars="time", var_name="readout", value_name="value")
            .assign(scenario=name)[["scenario", "time", "readout", "value"]])
    summary = summarise(frame, at=at, basal=sim.basal_readouts(parameters))
    summary["steady_state"] = summary.readout.map(sim.stimulated_steady_state(parameters, dose))
    summary.insert(0, "scenario", name)
    summary.insert(1, "dose", dose)
    return tidy, summary
