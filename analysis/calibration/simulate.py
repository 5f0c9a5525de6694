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

from ..engine import SimulationError
from .problem import CalibrationProblem


class ConditionSimulator:
    """Readouts of every measurement group of ``problem`` for given parameter values."""

    def __init__(self, problem: CalibrationProblem, backend=None):
        from ..engine import Simulator
        self.problem = problem
        self.sim = backend or Simulator(problem.sbml, input_id=_some_input(problem),
                                        readouts=problem.readouts)
        self.readouts = problem.readouts

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
            table = self.sim.condition_timecourse(model_values, pre, post, group.times,
                                                  settle=group.preequilibration is not None)
            out[group.rows] = table[group.time_index]
        return out


def _some_input(problem: CalibrationProblem) -> str:
    """A settable parameter the engine can treat as its input (conditions set it)."""
    for values in problem.conditions.values():
        for key in values:
            if key in problem.model_parameters:
                return key
    return sorted(problem.model_parameters)[0]


__all__ = ["ConditionSimulator", "SimulationError"]
