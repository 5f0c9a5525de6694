"""Profile likelihood of each fitted parameter (pyPESTO), and 95 % intervals.

For one parameter, pyPESTO walks away from the best fit in both directions,
re-optimizing the others at each step, until the likelihood ratio drops below
the chi-square threshold (95 %, 1 degree of freedom) or the bound is reached.
The interval is where the ratio stays above the threshold; a side that
reaches its bound without crossing it is open: the parameter is not
identifiable from these data on that side.
"""
from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from .multistart import objective_for, optimizer, pypesto_problem

CONFIDENCE = 0.95
PROFILE_FTOL = 1e-8          # each profile step re-optimizes from the last one


@dataclass(frozen=True)
class ProfileSettings:
    max_iterations: int = 100
    max_step: float = 0.25        # on the parameter scale (log10)
    min_step: float = 0.01
    default_step: float = 0.05
    fd_step: float = 1e-4
    hierarchical: bool = True

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ProfileTask:
    source: object                # as StartTask.source
    index: int                    # position among the outer parameters
    x_best: tuple
    f_best: float
    settings: ProfileSettings


def threshold_ratio(confidence: float = CONFIDENCE) -> float:
    from scipy.stats import chi2
    return math.exp(-chi2.ppf(confidence, df=1) / 2)


def run_profile(task: ProfileTask) -> pd.DataFrame:
    """The profile of one parameter: rows (parameter, x, fval, ratio) along the path."""
    import pypesto
    from pypesto import profile as pprofile
    from pypesto.result import OptimizeResult, OptimizerResult

    s = task.settings
    objective = objective_for(task.source, s.hierarchical)
    problem = pypesto_problem(objective, s.fd_step)
    result = pypesto.Result(problem)
    result.optimize_result = OptimizeResult()
    result.optimize_result.append(OptimizerResult(
        id="best", x=np.array(task.x_best), fval=task.f_best, exitflag=0))
    options = pprofile.ProfileOptions(
        default_step_size_absolute=s.default_step, default_step_size_relative=0.0,
        min_step_size_absolute=s.min_step, min_step_size_relative=0.0,
        max_step_size_absolute=s.max_step, max_step_size_relative=0.0,
        ratio_min=threshold_ratio() * 0.9, step_size_precheck_mode="off")
    name = objective.outer_ids[task.index]
    t0 = time.perf_counter()
    try:
        result = pprofile.parameter_profile(
            problem, result, optimizer(s.max_iterations, PROFILE_FTOL), profile_index=[task.index],
            profile_options=options, progress_bar=False)
        path = result.profile_result.list[0][task.index]
        xs = np.asarray(path.x_path)[task.index]
        frame = pd.DataFrame({"parameter": name, "x": xs, "fval": np.asarray(path.fval_path),
                              "ratio": np.asarray(path.ratio_path)})
        frame = frame.sort_values("x").reset_index(drop=True)
        frame["status"], frame["message"] = "ok", ""
    except Exception as exc:  # a failed profile is a row, the run goes on
        frame = pd.DataFrame([{"parameter": name, "x": np.nan, "fval": np.nan, "ratio": np.nan,
                               "status": "failed", "message": " ".join(str(exc).split())[:200]}])
    frame["seconds"] = time.perf_counter() - t0
    return frame


def interval(profile: pd.DataFrame, lower: float, upper: float,
             confidence: float = CONFIDENCE) -> dict:
    """95 % interval of one profile (parameter scale), with identifiability flags."""
    good = profile[(profile.status == "ok") & np.isfinite(profile.ratio)]
    if good.empty:
        return {"ci_lower": np.nan, "ci_upper": np.nan, "identifiable": "profile failed"}
    level = threshold_ratio(confidence)
    x, ratio = good.x.to_numpy(), good.ratio.to_numpy()
    inside = np.flatnonzero(ratio >= level)
    lo_i, hi_i = inside[0], inside[-1]
    ci_low = _crossing(x, ratio, lo_i, lo_i - 1, level) if lo_i > 0 else x[0]
    ci_high = _crossing(x, ratio, hi_i, hi_i + 1, level) if hi_i < len(x) - 1 else x[-1]
    open_low = lo_i == 0
    open_high = hi_i == len(x) - 1
    span = upper - lower
    at_low = open_low and x[0] <= lower + 1e-6 * span
    at_high = open_high and x[-1] >= upper - 1e-6 * span
    if open_low and open_high:
        flag = "not identifiable (flat within the bounds)" if at_low and at_high \
            else "not identifiable (profile stopped above the threshold)"
    elif open_low:
        flag = "not identifiable below (reaches the lower bound)" if at_low \
            else "not identifiable below (profile stopped above the threshold)"
    elif open_high:
        flag = "not identifiable above (reaches the upper bound)" if at_high \
            else "not identifiable above (profile stopped above the threshold)"
    else:
        flag = "identifiable"
    return {"ci_lower": float(ci_low), "ci_upper": float(ci_high), "identifiable": flag}


def _crossing(x, ratio, inside, outside, level):
    x0, x1, r0, r1 = x[inside], x[outside], ratio[inside], ratio[outside]
    if r0 == r1:
        return float(x1)
    return float(x0 + (level - r0) * (x1 - x0) / (r1 - r0))
