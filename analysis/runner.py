"""Tasks and their execution: one backend per process, loaded once and re-used.

A *task* is plain data (picklable): the model spec, a scenario's name and
parameter values, the doses and the readout time. ``evaluate`` turns it into
tidy rows; ``run_tasks`` runs many, serially, on local processes or on a Dask
cluster, giving the same rows in the same order either way.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .backends.base import Backend, ModelSpec, check_doses


def spec_of(sim: Backend) -> ModelSpec:
    """Plain data to rebuild ``sim`` in a worker process."""
    return sim.spec()


@dataclass(frozen=True)
class Task:
    """Readouts of one scenario at ``time`` after each dose."""
    spec: ModelSpec
    scenario: str
    parameters: tuple            # sorted (id, value) pairs
    doses: tuple
    time: float
    tags: tuple = field(default=())   # extra (column, value) pairs copied into each row


def make_task(spec: ModelSpec, scenario: str, parameters: dict, doses: Sequence[float],
              time: float | None = None, **tags) -> Task:
    time = spec.protocol.readout_time if time is None else time
    return Task(spec, scenario, tuple(sorted(parameters.items())),
                tuple(float(d) for d in doses), float(time), tuple(tags.items()))


def evaluate(task: Task) -> pd.DataFrame:
    """Tidy rows: tags..., scenario, dose, readout, value, basal, status, message."""
    sim = task.spec.simulator()
    doses = check_doses(task.doses, sim.input_id)
    r = sim.response_arrays(dict(task.parameters), doses, task.time)
    n_doses, n_readouts = r.values.shape
    columns = {key: [value] * (n_doses * n_readouts) for key, value in task.tags}
    columns.update({
        "scenario": [task.scenario] * (n_doses * n_readouts),
        "dose": np.repeat(doses, n_readouts),
        "readout": np.tile(np.array(sim.readouts, dtype=object), n_doses),
        "value": r.values.ravel(),
        "basal": np.tile(r.basal, n_doses),
        "status": np.repeat(np.array(r.status, dtype=object), n_readouts),
        "message": np.repeat(np.array(r.message, dtype=object), n_readouts),
    })
    return pd.DataFrame(columns)


def run_tasks(tasks: Iterable[Task], progress: Any = None, workers: int = 1) -> pd.DataFrame:
    """Evaluate tasks, on ``workers`` local processes when there are enough of them
    to pay for starting the processes; rows come back in task order either way.
    ``progress`` is a tqdm-like bar or None."""
    tasks = list(tasks)
    frames = [None] * len(tasks)
    if workers > 1 and len(tasks) >= 4 * workers:
        from concurrent.futures import as_completed

        from .parallel import local_pool
        with local_pool(workers) as pool:
            futures = {pool.submit(evaluate, task): i for i, task in enumerate(tasks)}
            for future in as_completed(futures):
                frames[futures[future]] = future.result()
                if progress is not None:
                    progress.update(1)
    else:
        for i, task in enumerate(tasks):
            frames[i] = evaluate(task)
            if progress is not None:
                progress.update(1)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
