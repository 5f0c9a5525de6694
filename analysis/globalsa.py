"""Global sensitivity over mechanism strengths: Morris screening and Sobol indices.

The factors are catalogue mechanisms, each sampled over its plausible range
(uniform for fractions, log-uniform for fold changes); a sample's strengths
become parameter values exactly as a scenario's do (strengths on the same
parameter multiply). Every sample is one simulation of the protocol (settle at
insulin 0, step to ``dose``, readouts ``time`` min later). Tables use SALib's
names: S1, S1_conf, ST, ST_conf; mu, mu_star, sigma, mu_star_conf.
"""
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import UserError, unknown
from .runner import ModelSpec

METHODS = ("sobol", "morris")


@dataclass(frozen=True)
class Factor:
    name: str
    targets: tuple
    low: float
    high: float
    log: bool          # sampled log-uniformly

    @property
    def bounds(self):
        return [np.log(self.low), np.log(self.high)] if self.log else [self.low, self.high]


def factors_from_catalogue(catalogue, settable, names=None, ranges=None):
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
                        "give your own with --catalogue FILE")
    return factors, skipped


def problem(factors):
    return {"num_vars": len(factors), "names": [f.name for f in factors],
            "bounds": [f.bounds for f in factors]}


def check_n(method, n):
    if n < 2:
        raise UserError(f"--n {n}: give at least 2 samples")
    if method == "sobol" and n & (n - 1):
        lower = 1 << (n.bit_length() - 1)
        nearest = lower if n - lower <= 2 * lower - n else 2 * lower
        raise UserError(f"--n {n} is not a power of two, which Sobol sampling needs; "
                        f"nearest: {nearest}")


def sample(method, factors, n, seed, levels=4):
    """The SALib sample matrix (in sampling space: log for fold factors)."""
    check_n(method, n)
    prob = problem(factors)
    if method == "sobol":
        from SALib.sample import sobol
        return sobol.sample(prob, n, calc_second_order=False, seed=seed)
    from SALib.sample import morris
    return morris.sample(prob, n, num_levels=levels, seed=seed)


def to_parameters(factors, row):
    """Model parameter values of one sample row."""
    values = {}
    for factor, x in zip(factors, row):
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


def evaluate_chunk(chunk):
    """One row per sample: sample, status, message, then one column per readout."""
    sim = chunk.spec.simulator()
    doses = np.array([chunk.dose])
    values = np.full((len(chunk.rows), len(sim.readouts)), np.nan)
    status, message = [], []
    for i, row in enumerate(chunk.rows):
        v, _, s, m = sim.response_arrays(to_parameters(chunk.factors, row), doses, chunk.time)
        values[i] = v[0]
        status.append(s[0])
        message.append(m[0])
    columns = {"sample": np.arange(chunk.start, chunk.start + len(chunk.rows)),
               "status": status, "message": message}
    columns.update({r: values[:, j] for j, r in enumerate(sim.readouts)})
    return pd.DataFrame(columns)


def make_chunks(spec, factors, samples, dose, time, size):
    return [Chunk(spec, tuple(factors), start, tuple(map(tuple, samples[start:start + size])),
                  float(dose), float(time)) for start in range(0, len(samples), size)]


def analyze(method, factors, samples, outputs, readouts, seed, levels=4):
    """Indices per readout (tidy: readout, factor, SALib columns, status)."""
    prob = problem(factors)
    frames = []
    for readout in readouts:
        y = outputs[readout].to_numpy(dtype=float)
        bad = int(np.sum(~np.isfinite(y)))
        if bad:
            frames.append(pd.DataFrame({"readout": readout, "factor": prob["names"],
                                        "status": f"{bad} failed sample(s)"}))
            continue
        if np.ptp(y) == 0:
            frames.append(pd.DataFrame({"readout": readout, "factor": prob["names"],
                                        "status": "constant output"}))
            continue
        if method == "sobol":
            from SALib.analyze import sobol
            res = sobol.analyze(prob, y, calc_second_order=False, seed=seed)
            keys = ("S1", "S1_conf", "ST", "ST_conf")
        else:
            from SALib.analyze import morris
            res = morris.analyze(prob, samples, y, num_levels=levels, seed=seed)
            keys = ("mu", "mu_star", "sigma", "mu_star_conf")
        frame = pd.DataFrame({k: np.asarray(res[k], dtype=float) for k in keys})
        frame.insert(0, "factor", prob["names"])
        frame.insert(0, "readout", readout)
        frame["status"] = "ok"
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def sample_table(factors, samples, outputs):
    """Samples with their strengths (not log) and outputs."""
    strengths = pd.DataFrame({f.name: np.exp(samples[:, i]) if f.log else samples[:, i]
                              for i, f in enumerate(factors)})
    return pd.concat([outputs[["sample"]].reset_index(drop=True), strengths,
                      outputs.drop(columns=["sample"]).reset_index(drop=True)], axis=1)
