"""Simulate the conditions of a PEtab problem with the project's engine.

A measurement group with a preequilibration condition is simulated as every
analysis of the project is: the parameters and the preequilibration condition
are applied, the model settles to its steady state (cached per distinct set of
values), then the simulation condition's values are applied and the model is
followed to the measurement times. A group without preequilibration starts
from the model's initial state.
"""
from __future__ import annotations

import numpy as np

from ..backends.base import SimulationError
from .problem import CalibrationProblem


class ConditionSimulator:
    """Readouts of every measurement group of ``problem`` for given parameter values."""

    def __init__(self, problem: CalibrationProblem, backend=None):
        self.problem = problem
        self.sim = backend or shared_simulator(problem)
        self.readouts = problem.readouts
        self._memo = {}

    def resolve(self, condition: str | None, values: dict) -> dict:
        if condition is None:
            return {}
        out = {}
        for key, value in self.problem.conditions[condition].items():
            out[key] = values[value] if isinstance(value, str) else value
        return out

    def run(self, values: dict) -> np.ndarray:
        """Readout matrix (measurement rows x readouts) at each row's time; raises
        SimulationError if any condition fails."""
        p = self.problem
        model_values = {k: v for k, v in values.items()
                        if k in p.model_parameters or k in p.model_species}
        out = np.full((p.n_data, len(self.readouts)), np.nan)
        for group in p.groups:
            pre = self.resolve(group.preequilibration, values)
            post = self.resolve(group.simulation, values)
            key = (tuple(sorted(model_values.items())), tuple(sorted(pre.items())),
                   tuple(sorted(post.items())), group.preequilibration is not None,
                   group.times.tobytes())
            table = self._memo.get(key)
            if table is None:
                table = self.sim.condition_timecourse(model_values, pre, post, group.times,
                                                      settle=group.preequilibration is not None)
                if len(self._memo) >= MEMO_SIZE:
                    self._memo.clear()
                self._memo[key] = table
            out[group.rows] = table[group.time_index]
        return out


MEMO_SIZE = 512       # condition results kept (a healthy reference is simulated once)
_SIMULATORS: dict = {}


def shared_simulator(problem: CalibrationProblem):
    """One engine per (SBML, readouts) and process, shared by the problems on it."""
    from ..backends import create
    key = (str(problem.sbml), problem.readouts)
    sim = _SIMULATORS.get(key)
    if sim is None:
        sim = create("roadrunner", str(problem.sbml), _some_input(problem), problem.readouts)
        _SIMULATORS[key] = sim
    return sim


def _some_input(problem: CalibrationProblem) -> str:
    """A settable parameter the engine can treat as its input (conditions set it)."""
    for values in problem.conditions.values():
        for key in values:
            if key in problem.model_parameters:
                return key
    return sorted(problem.model_parameters)[0]


__all__ = ["ConditionSimulator", "SimulationError"]
