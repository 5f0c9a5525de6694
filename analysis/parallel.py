"""Chunked, resumable execution: serially, on local processes or on a Dask cluster.

Work is split into chunks; each finished chunk is written at once as its own
Parquet file under ``<out>/chunks/``, so an interrupted run loses at most the
chunks in flight. A ``manifest.json`` records what the run is (model, settings);
``--resume`` continues a run only if the manifest matches, and skips every
chunk already written. The final table is the chunks concatenated in their
order, so it is the same however the chunks were executed.
"""
from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import UserError
from .results import to_jsonable

MANIFEST = "manifest.json"


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


class ChunkStore:
    """The chunk folder of one run: ``<out>/chunks/chunk_00000.parquet``, ..."""

    def __init__(self, out_dir: str | os.PathLike, fingerprint: Mapping[str, Any], n_chunks: int,
                 resume: bool = False) -> None:
        self.out = Path(out_dir)
        self.folder = self.out / "chunks"
        self.n_chunks = n_chunks
        self.fingerprint = to_jsonable(fingerprint)
        manifest = self.out / MANIFEST
        if manifest.exists():
            previous = json.loads(manifest.read_text())
            if not resume:
                raise UserError(f"{self.out} already holds a run ({len(self.done())} of "
                                f"{previous.get('n_chunks', '?')} chunks); resume it or "
                                "choose another output folder")
            differs = _differences(previous.get("fingerprint", {}), self.fingerprint)
            if differs:
                raise UserError(f"resume refused: {self.out} was made with different "
                                f"settings: {differs}")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _atomic_text(manifest, json.dumps({"fingerprint": self.fingerprint,
                                               "n_chunks": n_chunks}, indent=1))
        except OSError as exc:
            raise UserError(f"cannot write to {self.out}: {exc.strerror or exc}; "
                            "choose another output folder") from None

    def path(self, index: int) -> Path:
        return self.folder / f"chunk_{index:05d}.parquet"

    def done(self) -> set[int]:
        return {i for i in range(self.n_chunks) if self.path(i).exists()} \
            if self.folder.exists() else set()

    def write(self, index: int, frame: pd.DataFrame) -> None:
        tmp = self.folder / f".chunk_{index:05d}.tmp"
        frame.to_parquet(tmp, index=False)
        tmp.replace(self.path(index))

    def read_all(self) -> pd.DataFrame:
        return pd.concat([pd.read_parquet(self.path(i)) for i in range(self.n_chunks)],
                         ignore_index=True)


def _differences(old, new, prefix=""):
    out = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key, "<absent>"), new.get(key, "<absent>")
        if isinstance(a, dict) and isinstance(b, dict):
            sub = _differences(a, b, f"{prefix}{key}.")
            if sub:
                out.append(sub)
        elif a != b:
            out.append(f"{prefix}{key} was {_short(a)}, now {_short(b)}")
    return "; ".join(out)


def _short(value):
    text = json.dumps(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _atomic_text(path, text):
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    tmp.replace(path)


def connect(address: str, timeout: float = 5) -> Any:
    """A Dask client for ``address``, or one clear line within ``timeout`` seconds."""
    from distributed import Client
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise UserError(f"cannot reach the Dask scheduler at {address} "
                        f"({type(exc).__name__}: {' '.join(str(exc).split())[:120]}); start one "
                        "(`dask scheduler`) or run on this machine's cores") from None


def local_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` fresh (spawned) processes; each loads its own model."""
    return ProcessPoolExecutor(max_workers=workers,
                               mp_context=multiprocessing.get_context("spawn"))


def execute(fn: Callable[[Any], pd.DataFrame], chunks: Sequence[Any], store: ChunkStore,
            workers: int = 1, client: Any = None, progress: Any = None,
            sizes: Sequence[int] | None = None) -> int:
    """Run ``fn(chunk)`` for every chunk not yet in ``store`` and write each result
    as it finishes; on the Dask ``client`` if given (see :func:`connect`), else on
    ``workers`` local processes. Returns the number of chunks computed now."""
    pending = [i for i in range(len(chunks)) if i not in store.done()]
    sizes = sizes or [1] * len(chunks)
    if progress is not None:
        progress.update(sum(sizes[i] for i in range(len(chunks)) if i not in pending))

    def finished(index, frame):
        store.write(index, frame)
        if progress is not None:
            progress.update(sizes[index])

    if client is not None:
        from distributed import as_completed as dask_completed
        futures = {client.submit(fn, chunks[i], pure=False, key=f"chunk-{i}-{os.getpid()}"): i
                   for i in pending}
        for future in dask_completed(futures, loop=client.loop):
            finished(futures[future], future.result())
    elif workers > 1 and len(pending) > 1:
        with local_pool(workers) as pool:
            futures = {pool.submit(fn, chunks[i]): i for i in pending}
            for future in as_completed(futures):
                finished(futures[future], future.result())
    else:
        for i in pending:
            finished(i, fn(chunks[i]))
    return len(pending)
