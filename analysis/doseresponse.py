"""Insulin dose-responses, Hill fits, Kahn's classes and compensatory insulin.

Kahn 1978: a defect that shifts the EC50 to the right lowers insulin
*sensitivity*; one that lowers the maximal response lowers insulin
*responsiveness*; many do both.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from .backends.base import Backend
from .errors import SimulationError, UserError
from .fitting import compare_fits, fit_hill
from .protocol import DEFAULT, Protocol
from .runner import make_task, run_tasks

FIT_COLUMNS = ("scenario", "readout", "basal", "emax", "ec50", "hill", "r2", "rmse", "status",
               "message", "n_doses", "basal_observed")


def log_doses(count: int | None = None, low: float | None = None, high: float | None = None,
              protocol: Protocol = DEFAULT) -> np.ndarray:
    """``count`` log-spaced doses from ``low`` to ``high`` nM (both included); the
    protocol's grid for what is not given."""
    return np.array(protocol.with_doses(count, low, high).doses)


def simulate_doses(sim: Backend, scenarios: Mapping[str, dict], doses: Sequence[float] | np.ndarray,
                   time: float | None = None, progress: Any = None, workers: int = 1,
                   **tags) -> pd.DataFrame:
    """Tidy points for each (name -> parameters) scenario: scenario, dose, readout,
    value (at ``time`` after the step), basal (before it), status, message."""
    spec = sim.spec()
    tasks = [make_task(spec, name, params, doses, time, **tags)
             for name, params in scenarios.items()]
    return run_tasks(tasks, progress, workers)


def fit_points(points: pd.DataFrame, by: Sequence[str] = ('scenario',)) -> pd.DataFrame:
    """One Hill fit per group and readout of a points table (columns of FIT_COLUMNS)."""
    rows = []
    keys = list(by) + ["readout"]
    for key, part in points.groupby(keys, sort=False):
        good = part[part.status == "ok"]
        fit = {"status": "failed", "message": "no dose simulated", "basal": np.nan,
               "emax": np.nan, "ec50": np.nan, "hill": np.nan, "r2": np.nan, "rmse": np.nan}
        if len(good) >= 4:
            fit = fit_hill(good.dose.to_numpy(), good.value.to_numpy())
            failed = len(part) - len(good)
            if failed:
                fit["message"] = (fit.get("message", "") + f"; {failed} dose(s) failed").strip("; ")
        rows.append({**dict(zip(keys, key, strict=True)), **fit, "n_doses": len(good),
                     "basal_observed": part.basal.iloc[0]})
    columns = list(by) + [c for c in FIT_COLUMNS if c != "scenario"]
    return pd.DataFrame(rows)[columns]


def classify(fits: pd.DataFrame, reference: str = "healthy", protocol: Protocol = DEFAULT,
             **thresholds) -> pd.DataFrame:
    """Add ec50_ratio, emax_ratio, delta_ratio and kahn_class against ``reference``
    (the protocol's Kahn thresholds unless given)."""
    return compare_fits(fits, reference=reference, **{**protocol.kahn_thresholds, **thresholds})


def dose_response(sim: Backend, scenarios: Mapping[str, dict],
                  doses: Sequence[float] | np.ndarray | None = None, time: float | None = None,
                  reference: str = 'healthy', progress: Any = None, workers: int = 1,
                  **thresholds) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(points, fits) for named scenarios; fits compared with ``reference`` if present.
    Doses, time and Kahn thresholds default to ``sim.protocol``'s."""
    if reference not in scenarios:
        scenarios = {reference: {}, **scenarios}
    doses = sim.protocol.doses if doses is None else doses
    points = simulate_doses(sim, scenarios, doses, time, progress, workers)
    fits = classify(fit_points(points), reference, sim.protocol, **thresholds)
    return points, fits


def compensatory_dose(sim: Backend, parameters: dict, readout: str = "glucose_uptake",
                      target: float | None = None, reference_dose: float | None = None,
                      time: float | None = None, max_dose: float | None = None
                      ) -> tuple[float, str, float]:
    """Insulin dose at which a scenario's readout reaches ``target`` (default: the
    healthy readout at ``reference_dose``); (dose, status, target). status is 'ok',
    'not_reachable' (below target even at ``max_dose``) or 'solver_failure'.
    Reference dose, time and highest dose default to ``sim.protocol``'s."""
    protocol = sim.protocol
    reference_dose = protocol.reference_dose if reference_dose is None else reference_dose
    time = protocol.readout_time if time is None else time
    max_dose = protocol.max_dose if max_dose is None else max_dose
    if readout not in sim.readouts:
        raise UserError(f"readout '{readout}' is not recorded; recorded: {', '.join(sim.readouts)}")

    def value(dose, params):
        frame = sim.timecourse(params, dose, np.array([0.0, time]))
        result = float(frame[readout].iloc[-1])
        if not np.isfinite(result):
            raise SimulationError(f"{readout} is {result} at {dose:g}")
        return result

    if target is None:
        target = value(reference_dose, {})   # healthy: its failure ends the run in one line
    if not np.isfinite(target):
        return np.nan, "no_target: the healthy readout is not a finite number", target
    try:
        low, high = 1e-6, max_dose
        if value(high, parameters) < target:
            return np.nan, "not_reachable", target
        if value(low, parameters) >= target:
            return low, "ok", target
        root = brentq(lambda x: value(10.0 ** x, parameters) - target, np.log10(low),
                      np.log10(high), xtol=1e-6)
        return 10.0 ** root, "ok", target
    except RuntimeError as exc:
        return np.nan, f"solver_failure: {' '.join(str(exc).split())[:120]}", target


def compensation_table(sim: Backend, scenarios: Mapping[str, dict], readout: str = 'glucose_uptake',
                       reference_dose: float | None = None, time: float | None = None,
                       max_dose: float | None = None, progress: Any = None) -> pd.DataFrame:
    """One row per scenario: the insulin needed to restore the healthy response."""
    protocol = sim.protocol
    reference_dose = protocol.reference_dose if reference_dose is None else reference_dose
    time = protocol.readout_time if time is None else time
    from .runner import task_store
    target = None
    items = [(sim.spec(), name, tuple(sorted(params.items())), readout, reference_dose, time,
              max_dose) for name, params in scenarios.items()]
    store = task_store("compensate", items)
    done = store.done() if store is not None else set()
    if done:
        import sys
        print(f"resuming: {len(done)} of {len(items)} scenario(s) finished before are reused "
              f"from {store.folder}", file=sys.stderr)
    rows = []
    for i, (name, params) in enumerate(scenarios.items()):
        if i in done:   # resumed: this scenario's row was finished before
            row = store.read(i).iloc[0].to_dict()
            target = row["target"]
        else:
            dose, status, target = compensatory_dose(sim, params, readout, target,
                                                     reference_dose, time, max_dose)
            row = {"scenario": name, "readout": readout, "reference_dose": reference_dose,
                   "time": time, "target": target, "dose_needed": dose,
                   "fold_of_reference": dose / reference_dose, "status": status}
            if store is not None:
                store.write(i, pd.DataFrame([row]))
        rows.append(row)
        if progress is not None:
            progress.update(1)
    return pd.DataFrame(rows)
