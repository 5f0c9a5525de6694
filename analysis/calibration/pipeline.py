"""Calibrate a PEtab problem: multi-start fit, then profiles, chunked and resumable.

Every start and every profile is a chunk written under ``<out>/starts/`` and
``<out>/profiles/`` as it finishes (``analysis.parallel``), so an interrupted
run resumes without redoing or losing finished work, on local processes or a
Dask cluster, with the same numbers either way.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import UserError
from ..parallel import ChunkStore, execute
from .multistart import (
    FitSettings,
    StartTask,
    best_start,
    objective_for,
    problem_fingerprint,
    run_start,
    start_tasks,
    x_of,
)
from .objective import Objective
from .problem import load_problem
from .profiles import ProfileSettings, ProfileTask, run_profile
from .summary import curve, fit_table, parameter_summary, r_squared

POLISH_ITERATIONS = 2000


@dataclass
class Calibration:
    objective: Objective
    starts: pd.DataFrame
    best: pd.Series
    x_best: np.ndarray
    parameters: pd.DataFrame
    fit: pd.DataFrame
    r2: pd.DataFrame
    profiles: pd.DataFrame | None
    curves: pd.DataFrame
    fingerprint: dict


DEFAULT_FIT, DEFAULT_PROFILE = FitSettings(), ProfileSettings()


def calibrate(yaml, out, fit: FitSettings = DEFAULT_FIT,
              profile: ProfileSettings | None = DEFAULT_PROFILE, workers: int = 1,
              client=None, resume: bool = False, progress: bool = True) -> Calibration:
    """Fit ``yaml`` by multi-start local optimization; profile the best fit."""
    if fit.starts < 1:
        raise UserError(f"starts = {fit.starts}: give 1 or more")
    if fit.max_iterations < 1:
        raise UserError(f"max_iterations = {fit.max_iterations}: give 1 or more")
    yaml = str(Path(yaml).resolve())
    if not load_problem(yaml).x_ids:       # every input check before any work
        raise UserError("the PEtab parameter table estimates no parameter (estimate = 1 on "
                        "none); mark the parameters to fit")
    objective = objective_for(yaml, fit.hierarchical)
    fingerprint = {"analysis": "calibrate", "problem_sha256": problem_fingerprint(Path(yaml)),
                   "problem": yaml, "fit": fit.to_dict()}
    tasks = start_tasks(yaml, objective, fit)
    store = ChunkStore(Path(out) / "starts", fingerprint, len(tasks), resume)
    with _bar(len(tasks), "starts", progress) as bar:
        execute(run_start, tasks, store, workers, client, bar)
    starts = store.read_all().sort_values(["fval", "start"]).reset_index(drop=True)
    if not (starts.status == "ok").any():
        raise UserError(f"every start failed ({len(starts)} of {len(starts)}); first message: "
                        f"{starts.message.iloc[0]}; no result table written")
    best = best_start(starts)
    x_best = x_of(best, objective.outer_ids)
    profiles = None
    if profile is not None:
        # profiles walk from an optimum: polish the best start first (deterministic)
        polished = run_start(StartTask(yaml, -1, tuple(x_best), FitSettings(
            **{**fit.to_dict(), "max_iterations": POLISH_ITERATIONS})))
        if polished.status.iloc[0] == "ok" and polished.fval.iloc[0] < best.fval:
            best = polished.iloc[0]
            x_best = x_of(best, objective.outer_ids)
        profile = ProfileSettings(**{**profile.to_dict(), "hierarchical": fit.hierarchical,
                                     "fd_step": fit.fd_step})
        ptasks = [ProfileTask(yaml, i, tuple(x_best), float(best.fval), profile)
                  for i in range(len(objective.outer_ids))]
        pprint = {**fingerprint, "profile": profile.to_dict(),
                  "x_best": [float(v) for v in x_best]}
        pstore = ChunkStore(Path(out) / "profiles", pprint, len(ptasks), resume)
        with _bar(len(ptasks), "profiles", progress) as bar:
            execute(run_profile, ptasks, pstore, workers, client, bar)
        profiles = pstore.read_all()
        fingerprint["profile"] = profile.to_dict()
    parameters = parameter_summary(objective, best, profiles)
    fit_rows = fit_table(objective, x_best)
    values = objective.evaluate(x_best).values
    curves = [curve(objective, values, d) for d in pd.unique(fit_rows.dataset)]
    curves = pd.concat([c for c in curves if c is not None] or [pd.DataFrame()],
                       ignore_index=True)
    return Calibration(objective, starts, best, x_best, parameters, fit_rows,
                       r_squared(fit_rows), profiles, curves, fingerprint)


def _bar(total, desc, enabled):
    from tqdm import tqdm
    return tqdm(total=total, desc=desc, unit="task", disable=not enabled, dynamic_ncols=True,
                leave=False)
