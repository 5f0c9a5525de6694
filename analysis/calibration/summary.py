"""What a calibration tells: the fit against the data, R^2 per dataset, parameters
with intervals, model curves for figures, and fitted values written back into a
copy of the parameter table."""
from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import UserError
from .objective import Objective
from .profiles import interval

DENSE = 121


def fit_table(objective: Objective, x_outer: np.ndarray) -> pd.DataFrame:
    """Measurement rows with the simulation at ``x_outer``: dataset, observable,
    condition ids, time, measurement, simulation, sigma, residual."""
    p = objective.problem
    ev = objective.evaluate(np.asarray(x_outer, dtype=float))
    m = p.measurements
    frame = pd.DataFrame({
        "dataset": p.datasets, "observable": p.row_observable,
        "preequilibration": m.get("preequilibrationConditionId", pd.Series([""] * len(m))),
        "condition": m["simulationConditionId"], "time": m["time"],
        "measurement": m["measurement"], "simulation": ev.simulated, "sigma": ev.sigma})
    frame["residual"] = frame.measurement - frame.simulation
    return frame


def r_squared(fit: pd.DataFrame) -> pd.DataFrame:
    """R^2 = 1 - SS_res / SS_tot per dataset (the fitted scale included)."""
    rows = []
    for dataset, part in fit.groupby("dataset", sort=False):
        y, h = part.measurement.to_numpy(), part.simulation.to_numpy()
        ss_tot = float(np.sum((y - y.mean()) ** 2))
        ss_res = float(np.sum((y - h) ** 2))
        rows.append({"dataset": dataset, "n": len(part),
                     "r2": 1 - ss_res / ss_tot if ss_tot > 0 else np.nan,
                     "rmse": math.sqrt(ss_res / len(part))})
    return pd.DataFrame(rows)


def parameter_summary(objective: Objective, best: pd.Series, profiles: pd.DataFrame | None,
                      ) -> pd.DataFrame:
    """One row per estimated parameter: kind, estimate (linear), bounds, scale,
    95 % profile interval (linear) and identifiability."""
    p = objective.problem
    rows = []
    for i, pid in enumerate(p.x_ids):
        scale = p.x_scales[i]
        value = float(best[f"x:{pid}"])
        kind = ("scale (closed form)" if pid in objective.inner_scales else
                "noise (closed form)" if pid in objective.inner_sigmas else
                "model" if pid in p.model_parameters else "output")
        row = {"parameter": pid, "kind": kind, "estimate": _lin(value, scale),
               "lower_bound": _lin(p.lb[i], scale), "upper_bound": _lin(p.ub[i], scale),
               "scale": scale, "ci_lower": np.nan, "ci_upper": np.nan,
               "identifiable": "not profiled"}
        if profiles is not None and pid in set(profiles.parameter):
            j = objective.outer_ids.index(pid)
            ci = interval(profiles[profiles.parameter == pid], objective.lb[j], objective.ub[j])
            row.update(ci_lower=_lin(ci["ci_lower"], scale), ci_upper=_lin(ci["ci_upper"], scale),
                       identifiable=ci["identifiable"])
        rows.append(row)
    return pd.DataFrame(rows)


def _lin(value: float, scale: str) -> float:
    if not np.isfinite(value):
        return np.nan
    return float(10 ** value if scale == "log10" else math.exp(value) if scale == "log"
                 else value)


# ------------------------------------------------------------------ curves


def layout(objective: Objective, dataset: str) -> dict:
    """How a dataset is drawn: a time course (one condition, several times), a
    dose-response (one time, conditions differing in one numeric column), or
    points."""
    p = objective.problem
    rows = np.flatnonzero(p.datasets == dataset)
    m = p.measurements.iloc[rows]
    conditions = m["simulationConditionId"].astype(str).unique()
    times = m["time"].unique()
    pre = (m["preequilibrationConditionId"].unique()
           if "preequilibrationConditionId" in m else [None])
    observables = np.unique(p.row_observable[rows])
    base = {"rows": rows, "observable": observables[0],
            "preequilibration": None if pre[0] is None or pre[0] != pre[0] else str(pre[0])}
    if len(observables) > 1 or len(pre) > 1:
        return {**base, "kind": "points"}
    if len(conditions) == 1 and len(times) > 1:
        return {**base, "kind": "time", "condition": conditions[0]}
    if len(times) == 1 and len(conditions) > 1:
        values = [p.conditions[c] for c in conditions]
        keys = set().union(*values)
        varying = [k for k in keys if len({str(v.get(k)) for v in values}) > 1]
        if len(varying) == 1 and all(not isinstance(v.get(varying[0]), str) for v in values):
            return {**base, "kind": "dose", "column": varying[0], "time": float(times[0]),
                    "condition": conditions[0]}
    return {**base, "kind": "points"}


def curve(objective: Objective, values: dict, dataset: str) -> pd.DataFrame | None:
    """Model curve of a dataset (columns x, simulation), or None for 'points'."""
    p = objective.problem
    lay = layout(objective, dataset)
    if lay["kind"] == "points":
        return None
    sim = objective.simulator
    model_values = {k: v for k, v in values.items()
                    if k in p.model_parameters or k in p.model_species}
    pre = sim.resolve(lay["preequilibration"], values)
    post = sim.resolve(lay["condition"], values)
    settle = lay["preequilibration"] is not None
    placeholders = p.row_placeholders[lay["rows"][0]]
    if lay["kind"] == "time":
        t_max = float(p.measurements["time"].iloc[lay["rows"]].max())
        x = np.linspace(0.0, t_max, DENSE)
        table = sim.sim.condition_timecourse(model_values, pre, post, x, settle=settle)
    else:
        doses = [v[lay["column"]] for c, v in p.conditions.items()
                 if c in set(p.measurements["simulationConditionId"].iloc[lay["rows"]])]
        positive = [d for d in doses if d > 0]
        x = np.unique(np.concatenate([[0.0] if 0 in doses else [],
                                      np.logspace(np.log10(min(positive)),
                                                  np.log10(max(positive)), DENSE)]))
        table = np.vstack([sim.sim.condition_timecourse(
            model_values, pre, {**post, lay["column"]: float(d)}, [lay["time"]],
            settle=settle)[0] for d in x])
    h = objective.curve(lay["observable"], table, placeholders, values)
    return pd.DataFrame({"dataset": dataset, "kind": lay["kind"], "x": x, "simulation": h})


def data_x(objective: Objective, fit: pd.DataFrame, dataset: str) -> np.ndarray:
    lay = layout(objective, dataset)
    part = fit[fit.dataset == dataset]
    if lay["kind"] == "dose":
        return np.array([objective.problem.conditions[c][lay["column"]] for c in part.condition])
    return part.time.to_numpy()


# ------------------------------------------------------------------ apply


def applied_table(table_path: Path, parameters: pd.DataFrame, label: str) -> str:
    """The parameter table at ``table_path`` (CSV: name, value, unit, source,
    description) with each fitted model parameter's value and source replaced:
    'fitted: <label>, 95 % interval [a, b]' (or the identifiability flag)."""
    table_path = Path(table_path)
    try:
        text = table_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read parameter table {table_path}: {exc}") from None
    reader = csv.DictReader(io.StringIO(text))
    fields = reader.fieldnames or []
    if "name" not in fields or "value" not in fields or "source" not in fields:
        raise UserError(f"{table_path}: not a parameter table (needs name, value, source columns)")
    rows = list(reader)
    fitted = parameters[parameters.kind == "model"].set_index("parameter")
    names = {r["name"] for r in rows}
    missing = [p for p in fitted.index if p not in names]
    if missing:
        raise UserError(f"fitted parameter '{missing[0]}' is not in {table_path}; --apply writes "
                        "only parameters of the table")
    for row in rows:
        if row["name"] in fitted.index:
            fit = fitted.loc[row["name"]]
            row["value"] = f"{fit.estimate:.4g}"
            if np.isfinite(fit.ci_lower) and np.isfinite(fit.ci_upper):
                span = f"95 % interval [{fit.ci_lower:.3g}, {fit.ci_upper:.3g}]"
                if fit.identifiable != "identifiable":
                    span += f" ({fit.identifiable})"
            else:
                span = "no profile interval"
            row["source"] = f"fitted: {label}, {span}"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
