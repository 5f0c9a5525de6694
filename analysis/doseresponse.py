"""Insulin dose-responses, Hill fits, Kahn's classes and compensatory insulin.

Kahn 1978: a defect that shifts the EC50 to the right lowers insulin
*sensitivity*; one that lowers the maximal response lowers insulin
*responsiveness*; many do both.
"""
import numpy as np
import pandas as pd
from scipy.optimize import brentq

from .errors import UserError
from .fitting import compare_fits, fit_hill
from .runner import make_task, run_tasks, spec_of

FIT_COLUMNS = ("scenario", "readout", "basal", "emax", "ec50", "hill", "r2", "rmse", "status",
               "message", "n_doses", "basal_observed")
THRESHOLDS = {"ec50_threshold": 1.25, "emax_threshold": 0.8}


def log_doses(count=25, low=1e-3, high=1e3):
    """``count`` log-spaced doses from ``low`` to ``high`` nM (both included)."""
    if count < 4:
        raise UserError(f"--doses {count}: a dose-response needs at least 4 doses")
    if not (low > 0 and high > 0):
        raise UserError(f"dose range {low:g}..{high:g}: doses must be > 0 on a log scale")
    if low >= high:
        raise UserError(f"dose range {low:g}..{high:g} is empty or inverted; give low < high")
    return np.logspace(np.log10(low), np.log10(high), int(count))


def simulate_doses(sim, scenarios, doses, time=10.0, progress=None, workers=1, **tags):
    """Tidy points for each (name -> parameters) scenario: scenario, dose, readout,
    value (at ``time`` after the step), basal (before it), status, message."""
    spec = spec_of(sim)
    tasks = [make_task(spec, name, params, doses, time, **tags) for name, params in scenarios.items()]
    return run_tasks(tasks, progress, workers)


def fit_points(points, by=("scenario",)):
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
        rows.append({**dict(zip(keys, key)), **fit, "n_doses": len(good),
                     "basal_observed": part.basal.iloc[0]})
    columns = list(by) + [c for c in FIT_COLUMNS if c != "scenario"]
    return pd.DataFrame(rows)[columns]


def classify(fits, reference="healthy", **thresholds):
    """Add ec50_ratio, emax_ratio, delta_ratio and kahn_class against ``reference``."""
    return compare_fits(fits, reference=reference, **{**THRESHOLDS, **thresholds})


def dose_response(sim, scenarios, doses, time=10.0, reference="healthy", progress=None,
                  workers=1, **thresholds):
    """(points, fits) for named scenarios; fits compared with ``reference`` if present."""
    if reference not in scenarios:
        scenarios = {reference: {}, **scenarios}
    points = simulate_doses(sim, scenarios, doses, time, progress, workers)
    fits = classify(fit_points(points), reference, **thresholds)
    return points, fits


def compensatory_dose(sim, parameters, readout="glucose_uptake", target=None,
                      reference_dose=1.0, time=10.0, max_dose=1e4):
    """Insulin dose at which a scenario's readout reaches ``target`` (default: the
    healthy readout at ``reference_dose``); (dose, status). status is 'ok',
    'not_reachable' (below target even at ``max_dose``) or 'solver_failure'."""
    if readout not in sim.readouts:
        raise UserError(f"readout '{readout}' is not recorded; recorded: {', '.join(sim.readouts)}")

    def value(dose, params):
        frame = sim.timecourse(params, dose, np.array([0.0, time]))
        return float(frame[readout].iloc[-1])

    if target is None:
        target = value(reference_dose, {})
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


def compensation_table(sim, scenarios, readout="glucose_uptake", reference_dose=1.0, time=10.0,
                       max_dose=1e4, progress=None):
    """One row per scenario: the insulin needed to restore the healthy response."""
    target = None
    rows = []
    for name, params in scenarios.items():
        dose, status, target = compensatory_dose(sim, params, readout, target, reference_dose,
                                                 time, max_dose)
        rows.append({"scenario": name, "readout": readout, "reference_dose": reference_dose,
                     "time": time, "target": target, "dose_needed": dose,
                     "fold_of_reference": dose / reference_dose, "status": status})
        if progress is not None:
            progress.update(1)
    return pd.DataFrame(rows)
