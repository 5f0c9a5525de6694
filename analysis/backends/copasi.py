"""The COPASI backend: COPASI's deterministic (LSODA) time course, driven directly.

The SBML is imported once (:func:`analysis.copasi.load`). A scenario's values
are set as initial values by SBML id and propagated by ``updateInitialValues``
(initial assignments re-evaluated); settling simulates
``Protocol.settle_time`` min from the initial values (COPASI's steady-state
task is not used, so the numbers follow the same path as a user's time
course); each dose applies the new input value and then puts the settled
state back over it.
"""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .base import Backend, ResponseArrays, SimulationError, SteadyState, relative_residual

if TYPE_CHECKING:
    from ..protocol import Protocol
    from .base import SolverOptions

MAX_STEPS = 1_000_000


class CopasiBackend(Backend):
    """COPASI 4 through python-copasi (basico loads the model)."""

    name = "copasi"
    capabilities = frozenset({"user_sbml", "species_scenarios"})

    @classmethod
    def import_simulator(cls) -> None:
        import basico  # noqa: F401
        import COPASI  # noqa: F401

    def __init__(self, sbml: str | os.PathLike | None = None, input_id: str | None = None,
                 readouts: Sequence[str] | None = None, options: SolverOptions | None = None,
                 protocol: Protocol | None = None) -> None:
        super().__init__(sbml, input_id, readouts, options, protocol)
        import COPASI

        from .. import copasi
        from ..results import file_sha256
        self.COPASI = COPASI
        self._copasi = copasi
        self.sha256 = file_sha256(self.path)
        self.dm = copasi.load(self.path)
        model = self.model = self.dm.getModel()
        model.compileIfNecessary()
        self.container = model.getMathContainer()
        values = [model.getModelValue(i) for i in range(model.getNumModelValues())]
        self.values = {v.getSBMLId(): v for v in values}
        self._fixed = [v.getSBMLId() for v in values
                       if v.getStatus() == COPASI.CModelEntity.Status_FIXED]
        self.species = {model.getMetabolite(i).getSBMLId(): model.getMetabolite(i)
                        for i in range(model.getNumMetabs())}
        self._floating = [sid for sid, m in self.species.items()
                          if m.getStatus() != COPASI.CModelEntity.Status_FIXED]
        self.defaults = {k: v.getInitialValue() for k, v in self.values.items()}
        self.species_defaults = {k: m.getInitialConcentration() for k, m in self.species.items()}
        self._check_ids(list(self.values) + list(self.species))
        self._getters = [self.values[r].getValue if r in self.values
                         else self.species[r].getConcentration for r in self.readouts]
        self.task = task = self.dm.getTask("Time-Course")
        task.setMethodType(COPASI.CTaskEnum.Method_deterministic)
        task.setUpdateModel(False)
        self.problem = problem = task.getProblem()
        problem.setAutomaticStepSize(False)
        problem.setUseValues(False)
        problem.setStepNumber(1)
        problem.setTimeSeriesRequested(False)
        self._apply_options()
        self._duration = None
        self._touched: set[str] = set()
        self._basal_key = None
        self._settled = None
        self._step: dict[str, float] = {}
        self._residual = np.nan

    def __del__(self):
        try:
            self._copasi.unload(self.dm)
        except Exception:   # interpreter shutdown: nothing left to free
            pass

    def _apply_options(self) -> None:
        """The one place solver options reach COPASI."""
        method = self.task.getMethod()
        method.getParameter("Relative Tolerance").setDblValue(self.options.relative_tolerance)
        method.getParameter("Absolute Tolerance").setDblValue(self.options.absolute_tolerance)
        method.getParameter("Max Internal Steps").setIntValue(
            max(self.options.max_steps, MAX_STEPS))

    # ------------------------------------------------------------ ids
    def parameter_ids(self) -> list[str]:
        return list(self._fixed)

    def species_ids(self) -> list[str]:
        return list(self.species)

    def initial_value(self, id: str) -> float:
        if id in self.values:
            return float(self.defaults[id])
        return float(self.species_defaults[id])

    # ------------------------------------------------------------ internals
    def _set(self, values: dict[str, float]) -> None:
        """Initial values by SBML id, then COPASI recomputes what depends on them."""
        changed = self.COPASI.ObjectStdVector()
        for key, value in values.items():
            if key in self.values:
                entity = self.values[key]
                entity.setInitialValue(float(value))
                changed.push_back(entity.getInitialValueReference())
            else:
                metab = self.species[key]
                metab.setInitialConcentration(float(value))
                changed.push_back(metab.getInitialConcentrationReference())
        self.model.updateInitialValues(changed, False)

    def _run(self, duration: float, use_initial_values: bool) -> None:
        if duration != self._duration:
            self.problem.setDuration(float(duration))
            self._duration = duration
        state = None if use_initial_values else self.COPASI.FloatVector(
            self.container.getState(False))
        self.task.initializeRaw(self.COPASI.CCopasiTask.NO_OUTPUT)
        if state is not None:
            self.container.setState(state)
        if not self.task.processRaw(use_initial_values):
            raise SimulationError(f"COPASI time course failed: {self._copasi._messages()}")
        self.container.pushAllTransientValues()

    def _readouts(self) -> np.ndarray:
        return np.array([get() for get in self._getters], dtype=float)

    def residual(self) -> float:
        metabs = [self.species[s] for s in self._floating]
        return relative_residual([m.getConcentration() for m in metabs],
                                 [m.getConcentrationRate() for m in metabs])

    def settle(self, parameters: Mapping[str, float] | None = None) -> float:
        parameters = self.check_parameters(parameters)
        key = tuple(sorted(parameters.items()))
        if key == self._basal_key:
            self._restore(0.0)
            return self._residual
        self._basal_key = None
        held = self.protocol.settle_parameters(parameters)
        values = {k: (self.defaults[k] if k in self.values else self.species_defaults[k])
                  for k in self._touched}
        values.update(held)
        self._touched = set(held)
        self._set(values)
        self._step = {k: parameters.get(k, self.initial_value(k))
                      for k, _ in self.protocol.settle_values}
        self._run(self.protocol.settle_time, True)
        self._settled = self.COPASI.FloatVector(self.container.getState(False))
        self._residual = self.residual()
        self._basal = self._readouts()
        self._basal_key = key
        return self._residual

    def _restore(self, dose: float) -> None:
        """The settled state with the input at ``dose`` (and the step values)."""
        self._set({**self._step, self.input_id: dose})
        self.container.applyInitialValues()
        self.container.setState(self._settled)

    # ------------------------------------------------------------ runs
    def response_arrays(self, parameters: Mapping[str, float] | None,
                        doses: Sequence[float] | np.ndarray,
                        time: float | None = None) -> ResponseArrays:
        time = self._time(time)
        n = len(self.readouts)
        values = np.full((len(doses), n), np.nan)
        status, message = ["ok"] * len(doses), [""] * len(doses)
        try:
            self.settle(parameters)
        except SimulationError as exc:
            return ResponseArrays(values, np.full(n, np.nan), ["solver_failure"] * len(doses),
                                  [str(exc)] * len(doses))
        for i, dose in enumerate(doses):
            try:
                self._restore(float(dose))
                self._run(time, False)
                values[i] = self._readouts()
            except SimulationError as exc:
                status[i], message[i] = "solver_failure", str(exc)
        return ResponseArrays(values, self._basal.copy(), status, message)

    def timecourse(self, parameters: Mapping[str, float] | None = None, dose: float | None = None,
                   times: Sequence[float] | None = None) -> pd.DataFrame:
        times = self._times(times)
        dose = self._dose(dose)
        self.settle(parameters)
        self._restore(dose)
        self.container.updateSimulatedValues(False)
        self.container.pushState()
        rows = [self._readouts()]
        for step in np.diff(times):
            self._run(float(step), False)
            rows.append(self._readouts())
        return pd.DataFrame(np.array(rows), columns=self.readouts,
                            index=pd.Index(times, name="time"))

    def steady_state(self, parameters: Mapping[str, float] | None = None,
                     dose: float | None = None) -> SteadyState:
        dose = self._dose(dose)
        self.settle(parameters)
        self._restore(dose)
        self._run(self.protocol.settle_time, False)
        return SteadyState(dict(zip(self.readouts, map(float, self._readouts()), strict=True)),
                           self.residual(), "simulation")
