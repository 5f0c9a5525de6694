"""Multi-start local optimization of a PEtab problem with pyPESTO.

Start points are drawn once, in the calling process, by Latin hypercube
sampling of the (outer) parameter bounds with a seeded generator (start 0 is
the problem's nominal values, i.e. the model as committed, when they lie
within the bounds). Each start is one task: pyPESTO's L-BFGS-B (scipy) with
central finite-difference gradients of our objective. A task depends only on
its start point, so the table is the same whichever process or Dask worker
ran it.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .objective import Objective
from .problem import CalibrationProblem, load_problem


@dataclass(frozen=True)
class FitSettings:
    starts: int = 20
    seed: int = 1
    max_iterations: int = 300
    hierarchical: bool = True
    fd_step: float = 1e-4       # central differences, on the parameter scale (log10)
    ftol: float = 1e-9          # L-BFGS-B: stop when the NLL decreases by less (relative)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class StartTask:
    source: object              # a PEtab YAML path, or an object with key() and load()
    index: int
    x0: tuple
    settings: FitSettings


_CACHE: dict = {}


def problem_fingerprint(yaml: Path) -> str:
    """sha256 over the YAML and every file it names (tables and SBML)."""
    import yaml as yamllib
    yaml = Path(yaml)
    digest = hashlib.sha256(yaml.read_bytes())
    config = yamllib.safe_load(yaml.read_text(encoding="utf-8"))
    for problem in config.get("problems", []):
        for key in sorted(problem):
            for name in problem[key]:
                digest.update((yaml.parent / name).read_bytes())
    parameter_file = config.get("parameter_file")
    for name in ([parameter_file] if isinstance(parameter_file, str) else parameter_file or []):
        digest.update((yaml.parent / name).read_bytes())
    return digest.hexdigest()


def objective_for(source, hierarchical: bool = True) -> Objective:
    """The process-wide objective of a problem (loaded once per process). ``source``
    is a PEtab YAML path or an object with ``key()`` and ``load()`` (a problem
    built in memory, as the hypotheses are)."""
    if isinstance(source, (str, Path)):
        key = (str(Path(source).resolve()), hierarchical)
    else:
        key = (source.key(), hierarchical)
    obj = _CACHE.get(key)
    if obj is None:
        problem = load_problem(source) if isinstance(source, (str, Path)) else source.load()
        obj = Objective(problem, hierarchical=hierarchical)
        if len(_CACHE) > 64:
            _CACHE.clear()
        _CACHE[key] = obj
    return obj


def start_points(objective: Objective, n: int, seed: int) -> np.ndarray:
    """``n`` start points (outer parameters, parameter scale), reproducible from ``seed``."""
    from scipy.stats import qmc
    lb, ub = objective.lb, objective.ub
    points = []
    nominal = objective.problem.x_nominal[objective.outer_index]
    if np.all(np.isfinite(nominal)) and np.all((nominal >= lb) & (nominal <= ub)):
        points.append(nominal)
    count = n - len(points)
    if count > 0:
        sample = qmc.LatinHypercube(d=len(lb), seed=np.random.default_rng(seed)).random(count)
        points.extend(qmc.scale(sample, lb, ub))
    return np.array(points[:n])


def pypesto_problem(objective: Objective, fd_step: float, x_guesses=None):
    import pypesto
    from pypesto.objective import FD

    base = pypesto.Objective(fun=objective)
    fd = FD(base, grad=True, hess=False, method="central", delta_fun=fd_step,
            delta_grad=fd_step, x_names=objective.outer_ids)
    return pypesto.Problem(fd, lb=objective.lb, ub=objective.ub, x_names=objective.outer_ids,
                           x_guesses=x_guesses)


GTOL = 1e-5                  # L-BFGS-B: largest projected gradient at a stop


def optimizer(max_iterations: int, ftol: float = 1e-9):
    from pypesto.optimize import ScipyOptimizer
    return ScipyOptimizer(method="L-BFGS-B", options={"maxiter": max_iterations,
                                                      "ftol": ftol, "gtol": GTOL})


def run_start(task: StartTask) -> pd.DataFrame:
    """Optimize from one start point; one row: start, status, fval, x..., inner values."""
    import pypesto.optimize as optimize

    objective = objective_for(task.source, task.settings.hierarchical)
    x0 = np.array(task.x0)
    problem = pypesto_problem(objective, task.settings.fd_step, x_guesses=[x0])
    calls0 = objective.calls
    t0 = time.perf_counter()
    try:
        result = optimize.minimize(problem, optimizer(task.settings.max_iterations,
                                                      task.settings.ftol), n_starts=1,
                                   ids=[str(task.index)], progress_bar=False)
        best = result.optimize_result[0]
        x = np.asarray(best.x, dtype=float) if best.x is not None else np.full_like(x0, np.nan)
        fval, message = float(best.fval), " ".join(str(best.message).split())[:200]
        exitflag = best.exitflag
    except Exception as exc:  # one failed start must not end the run
        x, fval, message, exitflag = np.full_like(x0, np.nan), np.inf, str(exc)[:200], -99
    seconds = time.perf_counter() - t0
    evaluation = objective.evaluate(x) if np.all(np.isfinite(x)) else None
    ok = evaluation is not None and np.isfinite(fval) and np.isfinite(evaluation.nll)
    row = {"start": task.index, "status": "ok" if ok else "failed", "fval": fval if ok else np.inf,
           "n_evaluations": objective.calls - calls0, "seconds": seconds,
           "exitflag": exitflag, "message": message}
    row.update({f"x0:{p}": v for p, v in zip(objective.outer_ids, x0, strict=True)})
    row.update({f"x:{p}": v for p, v in zip(objective.outer_ids, x, strict=True)})
    inner = evaluation.inner if evaluation is not None else {}
    for pid in (*objective.inner_scales, *objective.inner_sigmas):
        row[f"x:{pid}"] = _scale_value(objective.problem, pid, inner.get(pid, np.nan))
    return pd.DataFrame([row])


def _scale_value(problem: CalibrationProblem, pid: str, value: float) -> float:
    scale = problem.x_scales[problem.x_ids.index(pid)]
    if not np.isfinite(value) or value <= 0 and scale != "lin":
        return np.nan
    return float(np.log10(value) if scale == "log10" else np.log(value) if scale == "log"
                 else value)


def start_tasks(source, objective: Objective, settings: FitSettings) -> list:
    points = start_points(objective, settings.starts, settings.seed)
    source = str(source) if isinstance(source, Path) else source
    return [StartTask(source, i, tuple(float(v) for v in x), settings)
            for i, x in enumerate(points)]


def best_start(starts: pd.DataFrame) -> pd.Series:
    ok = starts[starts.status == "ok"].sort_values(["fval", "start"])
    if ok.empty:
        raise ValueError("no start succeeded")
    return ok.iloc[0]


def x_of(row: pd.Series, ids) -> np.ndarray:
    return np.array([float(row[f"x:{p}"]) for p in ids])
