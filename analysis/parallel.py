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
import sys
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import UserError
from .outputs import atomic_text, atomic_write
from .results import to_jsonable

MANIFEST = "manifest.json"


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


class ChunkStore:
    """The chunk folder of one run: ``<out>/chunks/chunk_00000.parquet``, ...

    Every file is written atomically under a name private to the writing
    process (:mod:`analysis.outputs`). On ``resume`` a damaged manifest or
    chunk is named in one line and redone, not a traceback."""

    def __init__(self, out_dir: str | os.PathLike, fingerprint: Mapping[str, Any], n_chunks: int,
                 resume: bool = False, folder: str = "chunks") -> None:
        self.out = Path(out_dir)
        self.folder = self.out / folder
        self.manifest = self.folder / MANIFEST if folder != "chunks" else self.out / MANIFEST
        self.n_chunks = n_chunks
        self.fingerprint = to_jsonable(fingerprint)
        self._valid: set[int] = set()
        manifest = self.manifest
        if manifest.exists():
            previous = _read_manifest(manifest)
            if previous is None:
                if not resume:
                    raise UserError(f"{self.out} holds a damaged run (manifest {manifest} is not "
                                    "readable); use --resume to redo it, or choose another "
                                    "output folder")
                print(f"note: {manifest} is damaged; its chunks cannot be trusted and are "
                      "redone", file=sys.stderr)
                self._discard_chunks()
            elif not resume:
                raise UserError(f"{self.out} already holds a run ({len(self.done())} of "
                                f"{previous.get('n_chunks', '?')} chunks); resume it "
                                "or choose another output folder")
            else:
                differs = _differences(previous.get("fingerprint", {}), self.fingerprint)
                if differs:
                    raise UserError(f"resume refused: {self.out} was made with different "
                                    f"settings: {differs}")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"cannot write to {self.out}: {exc.strerror or exc}; "
                            "choose another output folder") from None
        atomic_text(manifest, json.dumps({"fingerprint": self.fingerprint,
                                          "n_chunks": n_chunks}, indent=1))
        if resume:
            self._check_chunks()

    def path(self, index: int) -> Path:
        return self.folder / f"chunk_{index:05d}.parquet"

    def done(self) -> set[int]:
        return {i for i in range(self.n_chunks) if self.path(i).exists()} \
            if self.folder.exists() else set()

    def _check_chunks(self) -> None:
        """Remove (and name) every chunk file that is not a readable Parquet file."""
        import pyarrow.parquet as pq
        for i in sorted(self.done()):
            try:
                pq.read_metadata(self.path(i))
            except Exception as exc:   # noqa: BLE001 - any unreadable file is damaged
                print(f"note: chunk {self.path(i)} is damaged ({type(exc).__name__}); "
                      "redoing it", file=sys.stderr)
                self.path(i).unlink(missing_ok=True)

    def _discard_chunks(self) -> None:
        if self.folder.is_dir():
            for chunk in self.folder.glob("chunk_*.parquet"):
                chunk.unlink(missing_ok=True)

    def write(self, index: int, frame: pd.DataFrame) -> None:
        atomic_write(self.path(index), lambda tmp: frame.to_parquet(tmp, index=False))

    def read(self, index: int) -> pd.DataFrame:
        try:
            return pd.read_parquet(self.path(index))
        except Exception as exc:   # noqa: BLE001 - a damaged chunk, however pyarrow says it
            self.path(index).unlink(missing_ok=True)
            raise UserError(f"chunk {self.path(index)} is damaged ({type(exc).__name__}); it "
                            "was removed: run again with --resume to redo it") from None

    def read_all(self) -> pd.DataFrame:
        return pd.concat([self.read(i) for i in range(self.n_chunks)], ignore_index=True)

    def finish(self) -> None:
        """Remove the chunks and manifest once the results are written (a
        resumable run's working files, kept in a folder of their own)."""
        import shutil
        if self.folder != self.out / "chunks":
            shutil.rmtree(self.folder, ignore_errors=True)


def _read_manifest(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


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


def connect(address: str, timeout: float = 5) -> Any:
    """A Dask client for ``address``, or one clear line within about ``timeout`` seconds.

    The address is parsed first and the scheduler is asked who it is (the
    ``identity`` handshake) under a timeout, so a malformed address, a closed
    port or a port where something other than a Dask scheduler listens fails
    fast, before any ``Client`` exists (whose later clean-up would print a
    traceback)."""
    scheduler = probe_scheduler(address, timeout)
    from distributed import Client
    try:
        return Client(scheduler, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise _unreachable(address, exc) from None


def _unreachable(address: str, exc: BaseException | str) -> UserError:
    reason = exc if isinstance(exc, str) else \
        f"{type(exc).__name__}: {' '.join(str(exc).split())[:120]}"
    return UserError(f"cannot reach the Dask scheduler at {address} ({reason}); start one "
                     "(`dask scheduler`) and give its tcp://HOST:PORT, or leave out --scheduler "
                     "to run on this machine's cores")


def probe_scheduler(address: str, timeout: float = 5) -> str:
    """The normalised address if a Dask scheduler answers there within ``timeout`` s."""
    import asyncio

    from distributed.comm import connect as comm_connect
    from distributed.comm.addressing import parse_address
    text = (address or "").strip()
    if "://" not in text:
        text = f"tcp://{text}"
    try:
        scheme, location = parse_address(text)
        if scheme == "inproc":          # a cluster inside this process: nothing to probe
            return text
        host, _, port = location.rpartition(":")
        if scheme not in ("tcp", "tls", "ucx", "ws", "wss") or not host \
                or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError("expected tcp://HOST:PORT")
    except (ValueError, TypeError) as exc:
        raise UserError(f"malformed scheduler address '{address}' ({exc}); give "
                        "tcp://HOST:PORT, for example tcp://127.0.0.1:8786") from None

    async def handshake() -> Any:
        comm = await comm_connect(text, timeout=timeout)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    try:
        reply = asyncio.run(asyncio.wait_for(handshake(), timeout))
    except TimeoutError:
        raise _unreachable(address, f"no Dask handshake within {timeout:g} s") from None
    except Exception as exc:   # noqa: BLE001 - whatever the other end did, one line
        raise _unreachable(address, exc) from None
    if not (isinstance(reply, dict) and reply.get("type") == "Scheduler"):
        raise _unreachable(address, "the program listening there is not a Dask scheduler")
    return text


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
