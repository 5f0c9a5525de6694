"""Tasks and their execution: one Simulator per process, loaded once and re-used.

A *task* is plain data (picklable): the model spec, a scenario's name and
parameter values, the doses and the readout time. ``evaluate`` turns it into
tidy rows; ``run_tasks`` runs many, serially, on local processes or on a Dask
cluster, giving the same rows in the same order either way.
"""
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .engine import Simulator

_SIMULATORS = {}


@dataclass(frozen=True)
class ModelSpec:
    sbml: str
    input_id: str = "insulin"
    readouts: tuple = ()
    tolerances: tuple = ()   # sorted (name, value) pairs

    def simulator(self):
        """The process-wide Simulator for this spec (loaded on first use)."""
        sim = _SIMULATORS.get(self)
        if sim is None:
            sim = Simulator(self.sbml, self.input_id, self.readouts, dict(self.tolerances))
            _SIMULATORS[self] = sim
        return sim


def spec_of(sim):
    return ModelSpec(sim.path, sim.input_id, tuple(sim.readouts),
                     tuple(sorted(sim.tolerances.items())))


@dataclass(frozen=True)
class Task:
    """Readouts of one scenario at ``time`` after each dose."""
    spec: ModelSpec
    scenario: str
    parameters: tuple            # sorted (id, value) pairs
    doses: tuple
    time: float = 10.0
    tags: tuple = field(default=())   # extra (column, value) pairs copied into each row


def make_task(spec, scenario, parameters, doses, time=10.0, **tags):
    return Task(spec, scenario, tuple(sorted(parameters.items())),
                tuple(float(d) for d in doses), float(time), tuple(tags.items()))


def evaluate(task):
    """Tidy rows: tags..., scenario, dose, readout, value, basal, status, message."""
    sim = task.spec.simulator()
    frame = sim.response(dict(task.parameters), np.array(task.doses), task.time)
    rows = []
    for _, row in frame.iterrows():
        for readout in sim.readouts:
            rows.append({**dict(task.tags), "scenario": task.scenario, "dose": row["dose"],
                         "readout": readout, "value": row.get(readout, np.nan),
                         "basal": row.get(f"{readout}_basal", np.nan),
                         "status": row["status"], "message": row["message"]})
    return pd.DataFrame(rows)


def run_tasks(tasks, progress=None, workers=1):
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
