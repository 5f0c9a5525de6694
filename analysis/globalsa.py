"""Global sensitivity over mechanism strengths: Morris screening and Sobol indices.

The factors are catalogue mechanisms, each sampled over its plausible range
(uniform for fractions, log-uniform for fold changes); a sample's strengths
become parameter values exactly as a scenario's do (strengths on the same
parameter multiply). Every sample is one simulation of the protocol (settle at
insulin 0, step to ``dose``, readouts ``time`` min later). Tables use SALib's
names: S1, S1_conf, ST, ST_conf; mu, mu_star, sigma, mu_star_conf.

:class:`GlobalSensitivity` chains the steps as SALib's ``ProblemSpec`` does:
``GlobalSensitivity(method, factors, spec).sample(n).evaluate(folder).analyze()``,
with the results on the object (``samples``, ``outputs``, ``indices``).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .backends.base import ModelSpec
from .errors import UserError, unknown

if TYPE_CHECKING:
    from .catalogue import Catalogue

METHODS = ("sobol", "morris")


@dataclass(frozen=True)
class Factor:
    name: str
    targets: tuple
    low: float
    high: float
    log: bool          # sampled log-uniformly

    @property
    def bounds(self) -> list[float]:
        return [np.log(self.low), np.log(self.high)] if self.log else [self.low, self.high]


def factors_from_catalogue(catalogue: Catalogue, settable: Iterable[str],
                           names: Sequence[str] | None = None,
                           ranges: Mapping[str, tuple[float, float]] | None = None
                           ) -> tuple[list[Factor], list[str]]:
    """(factors, skipped): the mechanisms named (default: all whose targets are all in
    the model), with their plausible ranges or the ``ranges`` {name: (low, high)} given."""
    settable = set(settable)
    ranges = ranges or {}
    for name in list(names or []) + list(ranges):
        if name not in catalogue.mechanisms:
            raise unknown("mechanism", name, list(catalogue.mechanisms))
    chosen = list(names) if names else list(catalogue.mechanisms)
    factors, skipped = [], []
    for name in chosen:
        mech = catalogue.mechanisms[name]
        if not set(mech.targets) <= settable:
            if names:
                missing = sorted(set(mech.targets) - settable)
                raise UserError(f"mechanism {name} targets {', '.join(missing)}, not in the model")
            skipped.append(name)
            continue
        low, high = ranges.get(name, mech.range)
        if not low < high:
            raise UserError(f"range of {name} is {low:g}..{high:g}: give low < high")
        log = mech.kind == "fold"
        if log and low <= 0:
            raise UserError(f"range of {name} ({mech.kind}) must be > 0, got {low:g}")
        factors.append(Factor(name, tuple(mech.targets), float(low), float(high), log))
    if not factors:
        raise UserError("no mechanism of the catalogue acts on this model's parameters; "
                        "give a catalogue of your own whose mechanisms target them")
    return factors, skipped


def problem(factors: Sequence[Factor]) -> dict[str, Any]:
    return {"num_vars": len(factors), "names": [f.name for f in factors],
            "bounds": [f.bounds for f in factors]}


def check_n(method: str, n: int) -> None:
    if n < 2:
        raise UserError(f"base sample count {n}: give at least 2 samples")
    if method == "sobol" and n & (n - 1):
        lower = 1 << (n.bit_length() - 1)
        nearest = lower if n - lower <= 2 * lower - n else 2 * lower
        raise UserError(f"base sample count {n} is not a power of two, which Sobol sampling "
                        f"needs; nearest: {nearest}")


def sample(method: str, factors: Sequence[Factor], n: int, seed: int,
           levels: int = 4) -> np.ndarray:
    """The SALib sample matrix (in sampling space: log for fold factors)."""
    check_n(method, n)
    prob = problem(factors)
    if method == "sobol":
        from SALib.sample import sobol
        return sobol.sample(prob, n, calc_second_order=False, seed=seed)
    from SALib.sample import morris
    return morris.sample(prob, n, num_levels=levels, seed=seed)


def to_parameters(factors: Sequence[Factor], row: Sequence[float]) -> dict[str, float]:
    """Model parameter values of one sample row."""
    values = {}
    for factor, x in zip(factors, row, strict=True):
        strength = float(np.exp(x)) if factor.log else float(x)
        for target in factor.targets:
            values[target] = values.get(target, 1.0) * strength
    return values


@dataclass(frozen=True)
class Chunk:
    spec: ModelSpec
    factors: tuple
    start: int           # index of the first sample
    rows: tuple          # sample rows (tuples)
    dose: float
    time: float


def evaluate_chunk(chunk: Chunk) -> pd.DataFrame:
    """One row per sample: sample, status, message, then one column per readout."""
    sim = chunk.spec.simulator()
    doses = np.array([chunk.dose])
    values = np.full((len(chunk.rows), len(sim.readouts)), np.nan)
    status, message = [], []
    for i, row in enumerate(chunk.rows):
        r = sim.response_arrays(to_parameters(chunk.factors, row), doses, chunk.time)
        values[i] = r.values[0]
        status.append(r.status[0])
        message.append(r.message[0])
    columns = {"sample": np.arange(chunk.start, chunk.start + len(chunk.rows)),
               "status": status, "message": message}
    columns.update({r: values[:, j] for j, r in enumerate(sim.readouts)})
    return pd.DataFrame(columns)


def make_chunks(spec: ModelSpec, factors: Sequence[Factor], samples: np.ndarray, dose: float,
                time: float, size: int) -> list[Chunk]:
    return [Chunk(spec, tuple(factors), start, tuple(map(tuple, samples[start:start + size])),
                  float(dose), float(time)) for start in range(0, len(samples), size)]


INDEX_COLUMNS = {"sobol": ("S1", "S1_conf", "ST", "ST_conf"),
                 "morris": ("mu", "mu_star", "sigma", "mu_star_conf")}


def block_size(method: str, n_factors: int) -> int:
    """Rows of one indivisible block of the sample: a Saltelli block (N x (D + 2)
    rows, without second order) or a Morris trajectory (D + 1 rows)."""
    return n_factors + 2 if method == "sobol" else n_factors + 1


def complete_blocks(method: str, n_factors: int, ok: np.ndarray) -> np.ndarray:
    """Row mask of the blocks whose every sample succeeded."""
    size = block_size(method, n_factors)
    blocks = np.asarray(ok, dtype=bool)[: len(ok) // size * size].reshape(-1, size).all(axis=1)
    return np.repeat(blocks, size)


def analyze(method: str, factors: Sequence[Factor], samples: np.ndarray, outputs: pd.DataFrame,
            readouts: Sequence[str], seed: int, levels: int = 4) -> pd.DataFrame:
    """Indices per readout (tidy: readout, factor, SALib columns, n_used, n_failed,
    status). Failed samples (solver failure, non-finite output) take their whole
    block (Saltelli block or Morris trajectory) out; the indices come from the
    complete blocks left, ``n_used`` of them (``n_failed`` samples failed). With
    fewer than 2 complete blocks the indices are NaN and the status says why."""
    prob = problem(factors)
    keys = INDEX_COLUMNS[method]
    size = block_size(method, len(factors))
    frames = []
    for readout in readouts:
        y = outputs[readout].to_numpy(dtype=float)
        ok = np.isfinite(y)
        if "status" in outputs:
            ok &= (outputs["status"] == "ok").to_numpy()
        n_failed = int((~ok).sum())
        keep = complete_blocks(method, len(factors), ok)
        n_used = int(keep.sum()) // size
        frame = pd.DataFrame({"readout": readout, "factor": prob["names"]})
        for k in keys:
            frame[k] = np.nan
        frame["n_used"] = n_used
        frame["n_failed"] = n_failed
        if n_used < 2:
            frame["status"] = (f"too few complete blocks: {n_used} of {len(y) // size} "
                               f"({n_failed} failed sample(s))")
            frames.append(frame)
            continue
        y_used = y[keep]
        if np.ptp(y_used) == 0:
            frame["status"] = "constant output"
            frames.append(frame)
            continue
        if method == "sobol":
            from SALib.analyze import sobol
            res = sobol.analyze(prob, y_used, calc_second_order=False, seed=seed)
        else:
            from SALib.analyze import morris
            res = morris.analyze(prob, samples[keep], y_used, num_levels=levels, seed=seed)
        for k in keys:
            frame[k] = np.asarray(res[k], dtype=float)
        frame["status"] = "ok" if not n_failed else \
            f"ok: {n_used} complete blocks used, {n_failed} failed sample(s) left out"
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def sample_table(factors: Sequence[Factor], samples: np.ndarray,
                 outputs: pd.DataFrame) -> pd.DataFrame:
    """Samples with their strengths (not log) and outputs."""
    strengths = pd.DataFrame({f.name: np.exp(samples[:, i]) if f.log else samples[:, i]
                              for i, f in enumerate(factors)})
    return pd.concat([outputs[["sample"]].reset_index(drop=True), strengths,
                      outputs.drop(columns=["sample"]).reset_index(drop=True)], axis=1)


@dataclass
class GlobalSensitivity:
    """sample -> evaluate -> analyze on one object (as SALib's ``ProblemSpec``).

    ``spec`` builds the backend in each worker; every sample is settled and
    stepped to ``dose``, readouts ``time`` min later (the protocol's reference
    dose and readout time unless given).
    """

    method: str
    factors: list[Factor]
    spec: ModelSpec
    dose: float | None = None
    time: float | None = None
    seed: int = 1
    levels: int = 4
    chunk_size: int = 256
    samples: np.ndarray | None = field(default=None, repr=False)
    outputs: pd.DataFrame | None = field(default=None, repr=False)
    indices: pd.DataFrame | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise unknown("method", self.method, METHODS)
        self.dose = self.spec.protocol.reference_dose if self.dose is None else float(self.dose)
        self.time = self.spec.protocol.readout_time if self.time is None else float(self.time)
        if self.chunk_size < 1:
            raise UserError(f"chunk size {self.chunk_size}: give 1 or more samples per chunk")

    def sample(self, n: int) -> GlobalSensitivity:
        self.n = n
        self.samples = sample(self.method, self.factors, n, self.seed, self.levels)
        return self

    def chunks(self) -> list[Chunk]:
        return make_chunks(self.spec, self.factors, self._samples(), self.dose, self.time,
                           self.chunk_size)

    def fingerprint(self) -> dict[str, Any]:
        """What makes two runs the same run (compared before resuming)."""
        return {"analysis": self.method, "model_sha256": _sha256(self.spec.sbml),
                "backend": self.spec.backend, "input": self.spec.input_id,
                "readouts": list(self.spec.readouts),
                "factors": [f.__dict__ for f in self.factors], "n": getattr(self, "n", None),
                "seed": self.seed, "levels": self.levels, "dose": self.dose, "time": self.time,
                "chunk_size": self.chunk_size, "solver_options": self.spec.options.to_dict(),
                "protocol": self.spec.protocol.to_dict()}

    def evaluate(self, folder: str | Path, resume: bool = False, workers: int = 1,
                 client: Any = None, progress: Any = None) -> GlobalSensitivity:
        """Every sample, in chunks written to ``folder/chunks`` as they finish (local
        processes, or the Dask ``client``); ``resume`` continues a run there."""
        from .parallel import ChunkStore, execute
        if workers < 1:
            raise UserError(f"{workers} workers: give 1 or more")
        chunks = self.chunks()
        store = ChunkStore(folder, self.fingerprint(), len(chunks), resume)
        execute(evaluate_chunk, chunks, store, workers, client, progress,
                [len(c.rows) for c in chunks])
        self.outputs = store.read_all()
        return self

    def analyze(self) -> GlobalSensitivity:
        if self.outputs is None:
            raise UserError("nothing to analyze: evaluate the samples first")
        self.indices = analyze(self.method, self.factors, self._samples(), self.outputs,
                               list(self.spec.readouts), self.seed, self.levels)
        return self

    def sample_table(self) -> pd.DataFrame:
        return sample_table(self.factors, self._samples(), self.outputs)

    @property
    def failures(self) -> int:
        return 0 if self.outputs is None else int((self.outputs.status != "ok").sum())

    def _samples(self) -> np.ndarray:
        if self.samples is None:
            raise UserError("no samples: call sample(n) first")
        return self.samples


def _sha256(path: str | None) -> str:
    from .resources import DEFAULT_SBML
    from .results import file_sha256
    return file_sha256(path or DEFAULT_SBML)
