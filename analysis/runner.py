"""Tasks and their execution: one backend per process, loaded once and re-used.

A *task* is plain data (picklable): the model spec, a scenario's name and
parameter values, the doses and the readout time. ``evaluate`` turns it into
tidy rows; ``run_tasks`` runs many, serially, on local processes or on a Dask
cluster, giving the same rows in the same order either way.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
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


# ------------------------------------------------------------------ checkpoints
# While a command runs, finished tasks are written to <out>/unfinished/<key>/ as
# they complete (one Parquet chunk per task); --resume reads them back instead
# of recomputing, and the folder goes once the command's results are written.
_CHECKPOINT: list[tuple[Path, bool]] = []
UNFINISHED = "unfinished"


@contextlib.contextmanager
def checkpoint(out: str | os.PathLike, resume: bool = False) -> Iterator[None]:
    """Keep finished tasks of the command's long loops under ``out/unfinished``
    (without ``resume``, what an earlier run left there is discarded first)."""
    folder = Path(out) / UNFINISHED
    if not resume and folder.exists():
        shutil.rmtree(folder, ignore_errors=True)
    _CHECKPOINT.append((folder, resume))
    try:
        yield
    except BaseException:
        _prune(folder)      # keep finished work, not empty stores
        raise
    finally:
        _CHECKPOINT.pop()


def _prune(folder: Path) -> None:
    """Remove the stores under ``folder`` that hold no finished chunk, and the folder
    itself if nothing is left."""
    if not folder.is_dir():
        return
    for store in folder.iterdir():
        if store.is_dir() and not any(store.glob("chunk_*.parquet")):
            shutil.rmtree(store, ignore_errors=True)
    with contextlib.suppress(OSError):
        folder.rmdir()


def discard_checkpoint(out: str | os.PathLike) -> None:
    """Remove ``out/unfinished`` (once the command's results are in place)."""
    shutil.rmtree(Path(out) / UNFINISHED, ignore_errors=True)


def task_store(kind: str, items: Sequence[Any]) -> Any:
    """The chunk store for this list of work items in the running command's
    checkpoint (None outside one). Its name is a digest of the items, the model
    file and the code's kind, so a resumed run only reuses identical work."""
    if not _CHECKPOINT or not items:
        return None
    from .parallel import ChunkStore
    from .resources import DEFAULT_SBML
    from .results import file_sha256
    folder, resume = _CHECKPOINT[-1]
    models = sorted({str(getattr(getattr(t, "spec", None), "sbml", None) or DEFAULT_SBML)
                     for t in items})
    digest = hashlib.sha256(repr((kind, list(items), [file_sha256(m) for m in models]))
                            .encode("utf-8")).hexdigest()[:16]
    return ChunkStore(folder, {"kind": kind, "digest": digest, "items": len(items)},
                      len(items), resume=True, folder=f"{kind}-{digest}")


def run_tasks(tasks: Iterable[Task], progress: Any = None, workers: int = 1) -> pd.DataFrame:
    """Evaluate tasks, on ``workers`` local processes when there are enough of them
    to pay for starting the processes; rows come back in task order either way.
    ``progress`` is a tqdm-like bar or None. Inside a command, finished tasks are
    kept for ``--resume`` (:func:`checkpoint`)."""
    tasks = list(tasks)
    frames: list[Any] = [None] * len(tasks)
    store = task_store("tasks", tasks)
    pending = list(range(len(tasks)))
    if store is not None:
        for i in sorted(store.done()):
            frames[i] = store.read(i)
        pending = [i for i in pending if frames[i] is None]
        if len(pending) < len(tasks):
            import sys
            print(f"resuming: {len(tasks) - len(pending)} of {len(tasks)} scenario(s) finished "
                  f"before are reused from {store.folder}", file=sys.stderr)
            if progress is not None:
                progress.update(len(tasks) - len(pending))

    def finished(i: int, frame: pd.DataFrame) -> None:
        frames[i] = frame
        if store is not None:
            store.write(i, frame)
        if progress is not None:
            progress.update(1)

    if workers > 1 and len(pending) >= 4 * workers:
        from concurrent.futures import as_completed

        from .parallel import local_pool
        with local_pool(workers) as pool:
            futures = {pool.submit(evaluate, tasks[i]): i for i in pending}
            for future in as_completed(futures):
                finished(futures[future], future.result())
    else:
        for i in pending:
            finished(i, evaluate(tasks[i]))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
