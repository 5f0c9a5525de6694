"""The negative log-likelihood of a PEtab problem, with closed-form scale and noise.

PEtab defines the likelihood of each measurement y given the observable h and
the noise sigma (normal or Laplace, on a lin, log or log10 scale). Immunoblot
data come in arbitrary units, so most observables are ``s * g(model)`` with an
estimated scale s per dataset and an estimated noise sigma per dataset. For
those parameters the optimum given the model parameters is closed-form
(weighted least squares for s, the root mean squared residual for sigma,
each clipped to its bounds), so the optimizer only sees the model parameters
("hierarchical" optimization, as in Loos et al. 2018 and pyPESTO's AMICI
objectives); the inner values are reported with every result. Parameters
that do not have that form stay in the outer problem.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..backends.base import SimulationError
from .problem import CalibrationProblem
from .simulate import ConditionSimulator

LOG2PI = math.log(2 * math.pi)
LN10 = math.log(10)


@dataclass
class Evaluation:
    nll: float
    simulated: np.ndarray       # h per measurement row (nan where the simulation failed)
    sigma: np.ndarray           # noise per measurement row
    values: dict                # every parameter-table value used (linear)
    inner: dict                 # closed-form parameters: id -> linear value
    status: str = "ok"
    message: str = ""


class Objective:
    """NLL of ``problem`` as a function of its outer parameters (parameter scale)."""

    def __init__(self, problem: CalibrationProblem, hierarchical: bool = True,
                 simulator: ConditionSimulator | None = None):
        self.problem = problem
        self.simulator = simulator or ConditionSimulator(problem)
        self._rows_by_observable = {}
        for i, oid in enumerate(problem.row_observable):
            self._rows_by_observable.setdefault(oid, []).append(i)
        self._rows_by_observable = {k: np.array(v) for k, v in self._rows_by_observable.items()}
        self.inner_scales, self.inner_sigmas = (self._hierarchical() if hierarchical
                                                else ({}, {}))
        inner = set(self.inner_scales) | set(self.inner_sigmas)
        self.outer_index = [i for i, p in enumerate(problem.x_ids) if p not in inner]
        self.outer_ids = [problem.x_ids[i] for i in self.outer_index]
        self.lb = problem.lb[self.outer_index]
        self.ub = problem.ub[self.outer_index]
        self.y = problem.measurements["measurement"].to_numpy(dtype=float)
        self.calls = 0

    def __deepcopy__(self, memo):
        # pyPESTO copies its objective; ours holds a simulator, shared on purpose
        return self

    # ---------------------------------------------------------- structure
    def _hierarchical(self):
        """Estimated parameters that only scale (or only are the noise of) normal,
        lin-scale observables: {id: row mask} for scales and for sigmas."""
        p = self.problem
        estimated = set(p.x_ids)
        used_elsewhere = set()
        for values in p.conditions.values():
            used_elsewhere |= {v for v in values.values() if isinstance(v, str)}
        for obs in p.observables.values():
            used_elsewhere |= set(obs.model_ids) | set(obs.noise_model_ids)
        used_elsewhere |= p.model_parameters | p.model_species
        scale_rows, sigma_rows, disqualified = {}, {}, set()
        for i, oid in enumerate(p.row_observable):
            obs = p.observables[oid]
            simple = obs.transform == "lin" and obs.distribution == "normal"
            for holder, value in p.row_placeholders[i].items():
                if not isinstance(value, str):
                    continue
                if simple and holder == obs.scaling_placeholder:
                    scale_rows.setdefault(value, []).append(i)
                else:
                    disqualified.add(value)
            for value in p.row_noise[i].values():
                if not isinstance(value, str):
                    continue
                if simple and obs.noise_is_placeholder:
                    sigma_rows.setdefault(value, []).append(i)
                else:
                    disqualified.add(value)
        both = set(scale_rows) & set(sigma_rows)
        bad = disqualified | both | used_elsewhere | (set(p.fixed) - estimated)

        def keep(rows):
            return {k: np.array(v) for k, v in rows.items() if k in estimated and k not in bad}
        return keep(scale_rows), keep(sigma_rows)

    # ---------------------------------------------------------- evaluation
    def values(self, x_outer: np.ndarray) -> dict:
        p = self.problem
        full = np.array(p.x_nominal, dtype=float)
        full[self.outer_index] = x_outer
        values = dict(p.fixed)
        for i in self.outer_index:
            values[p.x_ids[i]] = _unscale(full[i], p.x_scales[i])
        return values

    def __call__(self, x_outer) -> float:
        return self.evaluate(np.asarray(x_outer, dtype=float)).nll

    def evaluate(self, x_outer: np.ndarray) -> Evaluation:
        self.calls += 1
        p = self.problem
        # finite differences step up to half a step past a bound; the model is
        # evaluated at the bound (a lin-scale bound of 0 must not become < 0)
        values = self.values(np.clip(x_outer, self.lb, self.ub))
        try:
            readouts = self.simulator.run(values)
        except SimulationError as exc:
            n = p.n_data
            return Evaluation(math.inf, np.full(n, np.nan), np.full(n, np.nan), values, {},
                              "solver_failure", str(exc))
        inner = {k: 1.0 for k in (*self.inner_scales, *self.inner_sigmas)}
        g = self._observables(readouts, values, inner, unit_scales=True)
        h, sigma, inner = self._inner(g, values)
        nll = self._nll(h, sigma)
        return Evaluation(nll, h, sigma, {**values, **inner}, inner)

    def _observables(self, readouts, values, inner, unit_scales=False):
        """h per row; with ``unit_scales`` the closed-form scales are set to 1."""
        p = self.problem
        column = {r: j for j, r in enumerate(p.readouts)}
        h = np.empty(p.n_data)
        for oid, rows in self._rows_by_observable.items():
            obs = p.observables[oid]
            args = [self._model_value(m, readouts, rows, column, values) for m in obs.model_ids]
            for holder in obs.placeholders:
                args.append(np.array([self._override(p.row_placeholders[i][holder], values,
                                                      inner, unit_scales) for i in rows]))
            h[rows] = np.broadcast_to(obs.formula(*args), rows.shape)
        return h

    @staticmethod
    def _model_value(mid, readouts, rows, column, values):
        if mid in column:
            return readouts[rows, column[mid]]
        return np.full(len(rows), values[mid])

    def _override(self, value, values, inner, unit_scales):
        if not isinstance(value, str):
            return value
        if value in self.inner_scales:
            return 1.0 if unit_scales else inner[value]
        if value in inner:
            return inner[value]
        return values[value]

    def _sigma(self, readouts_free_values, inner):
        p = self.problem
        sigma = np.empty(p.n_data)
        for oid, rows in self._rows_by_observable.items():
            obs = p.observables[oid]
            args = [np.full(len(rows), readouts_free_values[m]) for m in obs.noise_model_ids]
            for holder in obs.noise_placeholders:
                args.append(np.array([self._override(p.row_noise[i][holder],
                                                     readouts_free_values, inner, False)
                                      for i in rows]))
            sigma[rows] = np.broadcast_to(obs.noise(*args), rows.shape)
        return sigma

    def _inner(self, g, values):
        """Closed-form scales and sigmas (block coordinate descent, exact when the
        scale groups nest in the sigma groups, else iterated to convergence)."""
        p = self.problem
        bounds = {pid: (_unscale(lo, s), _unscale(hi, s))
                  for pid, lo, hi, s in zip(p.x_ids, p.lb, p.ub, p.x_scales, strict=True)}
        inner = {k: 1.0 for k in (*self.inner_scales, *self.inner_sigmas)}
        scale = np.ones(p.n_data)
        y = self.y
        for _ in range(200):
            sigma = self._sigma(values, inner)
            old = dict(inner)
            for pid, rows in self.inner_scales.items():
                w = 1.0 / sigma[rows] ** 2
                den = float(np.sum(w * g[rows] ** 2))
                s = float(np.sum(w * g[rows] * y[rows]) / den) if den > 0 else inner[pid]
                inner[pid] = float(np.clip(s, *bounds[pid]))
                scale[rows] = inner[pid]
            h = scale * g
            for pid, rows in self.inner_sigmas.items():
                rms = math.sqrt(float(np.mean((y[rows] - h[rows]) ** 2)))
                inner[pid] = float(np.clip(rms, *bounds[pid]))
            if all(abs(inner[k] - old[k]) <= 1e-12 * max(abs(old[k]), 1e-300) for k in inner):
                break
        sigma = self._sigma(values, inner)
        return h, sigma, inner

    def curve(self, oid: str, readouts: np.ndarray, placeholders: dict, values: dict) -> np.ndarray:
        """Observable ``oid`` over rows of a readout matrix (columns: problem.readouts),
        with one measurement row's placeholder overrides and fitted ``values``."""
        p = self.problem
        obs = p.observables[oid]
        column = {r: j for j, r in enumerate(p.readouts)}
        rows = np.arange(len(readouts))
        args = [self._model_value(m, readouts, rows, column, values) for m in obs.model_ids]
        for holder in obs.placeholders:
            value = placeholders[holder]
            args.append(np.full(len(rows), values[value] if isinstance(value, str) else value))
        return np.broadcast_to(obs.formula(*args), rows.shape).astype(float)

    def _nll(self, h, sigma) -> float:
        p = self.problem
        total = 0.0
        for oid, rows in self._rows_by_observable.items():
            obs = p.observables[oid]
            total += nll_terms(self.y[rows], h[rows], sigma[rows], obs.transform,
                               obs.distribution)
        return float(total)


def nll_terms(y, h, sigma, transform="lin", distribution="normal") -> float:
    """PEtab v1 negative log-likelihood of measurements ``y`` given ``h`` and ``sigma``."""
    y, h, sigma = (np.asarray(a, dtype=float) for a in (y, h, sigma))
    if np.any(~np.isfinite(h)) or np.any(~(sigma > 0)):
        return math.inf
    if transform == "lin":
        ty, th, jac = y, h, 0.0
    else:
        if np.any(h <= 0) or np.any(y <= 0):
            return math.inf
        log = np.log if transform == "log" else np.log10
        ty, th = log(y), log(h)
        jac = np.sum(np.log(y)) + (len(y) * math.log(LN10) if transform == "log10" else 0.0)
    r = ty - th
    if distribution == "normal":
        return float(np.sum(0.5 * LOG2PI + np.log(sigma) + 0.5 * (r / sigma) ** 2) + jac)
    return float(np.sum(np.log(2 * sigma) + np.abs(r) / sigma) + jac)


def _unscale(value, scale):
    if scale == "log10":
        return 10.0 ** value
    if scale == "log":
        return math.exp(value)
    return float(value)
