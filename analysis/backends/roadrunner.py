"""The default backend: one libroadrunner instance, loaded once, at the floor of its speed.

What makes it fast (measured in issue 12, `make bench`):

* an explicit absolute-tolerance vector. Given a scalar, libroadrunner
  multiplies it by each state's current amount; the settled basal state holds
  round-off values of 1e-38..1e-50, so CVODE got absolute tolerances near 0
  and began each step at ~1e-15 min. Here each state gets
  ``absolute_tolerance`` (nM) times its compartment's size;
* the basal steady state by NLEQ2 with conserved moieties switched on at load
  (``LoadSBMLOptions.conservedMoieties``; switching them on later, or the
  solver's own ``auto_moiety_analysis``, recompiles the model). When the solver
  fails, leaves a residual above ``Protocol.settle_rate`` or a negative
  concentration, settling simulates ``Protocol.settle_time`` instead (so do
  models without reactions, with rate rules or with events).

With moieties on, libroadrunner keeps each conserved total (``_CSUM*``) and
derives the dependent species from it: setting an independent species alone
would move a dependent one. So scenario species are written as a whole state
whose totals are recomputed (``_set_species``), and the cached basal state is
restored as a whole vector, which keeps the totals (tests check both).
"""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import UserError
from ..quiet import quiet
from .base import (
    Backend,
    ResponseArrays,
    SimulationError,
    SteadyState,
    one_line,
    relative_residual,
)

if TYPE_CHECKING:
    from ..protocol import Protocol
    from .base import SolverOptions

NEGATIVE = 1e-9   # a solver state below -NEGATIVE * max [S] is rejected (not physical)


def tolerance_vector(rr, atol: float) -> list[float] | float:
    """One absolute tolerance per CVODE state of ``rr`` (amounts): ``atol`` (nM)
    times the compartment size, independent floating species first, then
    rate-rule variables (libroadrunner's state order); a scalar for a model
    without state. A scalar would be scaled by each state's value, and states
    near 0 would then crawl or stall."""
    model = rr.model
    floating = list(model.getFloatingSpeciesIds())
    symbols = list(model.getRateRuleSymbols())
    independent = len(rr.integrator.getAbsoluteToleranceVector()) - len(symbols)
    volumes = np.asarray(model.getCompartmentVolumes(), dtype=float)

    def volume(index: int) -> float:
        size = volumes[model.getCompartmentIndexForFloatingSpecies(index)]
        return float(size) if size > 0 else 1.0

    vector = [atol * volume(i) for i in range(independent)]
    vector += [atol * volume(floating.index(s)) if s in floating else atol for s in symbols]
    return vector or atol


class RoadRunnerBackend(Backend):
    """libroadrunner (CVODE; NLEQ2 for the steady state)."""

    name = "roadrunner"
    capabilities = frozenset({"user_sbml", "species_scenarios", "mca", "steady_state_solver",
                              "conditions"})

    @classmethod
    def import_simulator(cls) -> None:
        import roadrunner  # noqa: F401

    def __init__(self, sbml: str | os.PathLike | None = None, input_id: str | None = None,
                 readouts: Sequence[str] | None = None, options: SolverOptions | None = None,
                 protocol: Protocol | None = None) -> None:
        super().__init__(sbml, input_id, readouts, options, protocol)
        from ..loader import Model
        self.model = Model(self.path, conserved_moieties=True)
        self.rr = self.model.rr
        self.sha256 = self.model.sha256
        self._parameters = self.model.constant_parameters()
        self._species = set(self.model.species()) | set(self.model.boundary_species())
        self._check_ids(set(self.model.parameters()) | self._species)
        self._selections = [f"[{r}]" if r in self._species else r for r in self.readouts]
        model = self.rr.model
        self._floating = list(model.getFloatingSpeciesIds())
        self._solver_settles = self.model.conserved_moieties   # reactions, no rules, no events
        self._conservation = self._conservation_matrix()
        self._apply_options()
        self._basal_key = None
        self._basal_state = None
        self._step_values: dict[str, float] = {}
        self._residual = np.nan
        self.settle_method = ""

    # ------------------------------------------------------------ options
    def _apply_options(self) -> None:
        """The one place solver options reach libroadrunner."""
        integrator = self.rr.integrator
        integrator.relative_tolerance = self.options.relative_tolerance
        integrator.absolute_tolerance = tolerance_vector(self.rr,
                                                         self.options.absolute_tolerance)
        integrator.setValue("maximum_num_steps", self.options.max_steps)
        solver = self.rr.steadyStateSolver
        for key, value in (("auto_moiety_analysis", False), ("allow_presimulation", False),
                           ("allow_approx", False)):
            solver.setValue(key, value)

    def _conservation_matrix(self):
        """(G, columns as indices into the floating species) or None without moieties."""
        if not self.model.conserved_moieties or not self.rr.model.getNumConservedMoieties():
            return None
        matrix = self.rr.getConservationMatrix()
        columns = [self._floating.index(c) for c in matrix.colnames]
        return np.asarray(matrix, dtype=float), np.asarray(columns)

    # ------------------------------------------------------------ ids
    def parameter_ids(self) -> list[str]:
        return list(self._parameters)

    def species_ids(self) -> list[str]:
        return self.model.species() + self.model.boundary_species()

    def initial_value(self, id: str) -> float:
        return self._file_value(id)

    @property
    def tolerances(self) -> dict[str, float]:
        return {"relative": self.options.relative_tolerance,
                "absolute": self.options.absolute_tolerance}

    # ------------------------------------------------------------ scenario
    def _apply(self, values: Mapping[str, float]) -> None:
        """Back to the file's initial state with ``values`` (parameters before the
        reset, so initial assignments see them; species after it)."""
        rr = self.rr
        rr.resetAll()
        species = {}
        for key, value in values.items():
            if key in self._species:
                species[key] = value
            else:
                rr[key] = value
        rr.reset()
        if species:
            self._set_species(species)

    def _set_species(self, species: Mapping[str, float]) -> None:
        """Set concentrations as one state whose conserved totals follow it."""
        model = self.rr.model
        amounts = np.array(model.getFloatingSpeciesAmounts(), dtype=float)
        volumes = np.asarray(model.getCompartmentVolumes(), dtype=float)
        for key, value in species.items():
            if key in self._floating:
                i = self._floating.index(key)
                amounts[i] = value * volumes[model.getCompartmentIndexForFloatingSpecies(i)]
            else:   # boundary species: not part of the state
                self.rr[f"[{key}]"] = value
        if self._conservation is not None:
            matrix, columns = self._conservation
            model.setConservedMoietyValues(matrix @ amounts[columns])
        model.setFloatingSpeciesAmounts(amounts)

    @quiet
    def settle(self, parameters: Mapping[str, float] | None = None) -> float:
        """Basal steady state of a scenario (input 0); cached for the last scenario.

        Returns the relative rate of change left (per min); ``settle_method``
        says how it was found ("solver" or "simulation")."""
        parameters = self.check_parameters(parameters)
        self.refuse_protocol_conflicts()
        key = tuple(sorted(parameters.items()))
        if key == self._basal_key:
            self._restore()
            return self._residual
        self._basal_key = None
        held = self.protocol.settle_parameters(parameters)
        self._step_values = {k: parameters.get(k, self._file_value(k))
                             for k, _ in self.protocol.settle_values}
        self._residual, self.settle_method, self._basal_state = self._steady(held)
        if self._conservation is not None:
            self._basal_totals = np.array(self.rr.model.getConservedMoietyValues())
        self._basal_key = key
        self._restore()
        return self._residual

    def refuse_protocol_conflicts(self) -> None:
        """Settling a model with events, algebraic rules or delays is refused in one line."""
        conflicts = self.model.protocol_conflicts
        if conflicts:
            raise UserError(
                f"{self.path} has {', '.join(conflicts)}, which the settle-then-step protocol "
                "cannot honour (an event would fire while settling and again after the step); "
                "remove them and let the protocol step the input parameter, or fit it with "
                "`calibrate` on a PEtab problem without preequilibration")

    def _file_value(self, key: str) -> float:
        return float(self.rr[f"init({key})"] if key not in self._species
                     else self.rr[f"init([{key}])"])

    def _steady(self, held: Mapping[str, float]) -> tuple[float, str, np.ndarray]:
        """Steady state under ``held`` values: (residual, method, amounts)."""
        self._apply(held)
        if self._solver_settles:
            try:
                self.rr.steadyState()
                amounts = np.asarray(self.rr.model.getFloatingSpeciesAmounts())
                residual = self.residual(amounts)
                if residual <= self.protocol.settle_rate and _physical(amounts):
                    return residual, "solver", amounts
            except RuntimeError:
                pass
            self._apply(held)   # the solver moved the state; simulate from the start
        try:
            self.rr.simulate(0.0, self.protocol.settle_time, 2)
        except RuntimeError as exc:
            raise SimulationError(f"settling failed: {one_line(exc)}") from exc
        amounts = np.asarray(self.rr.model.getFloatingSpeciesAmounts())
        return self.residual(amounts), "simulation", amounts

    def residual(self, amounts: np.ndarray | None = None) -> float:
        """Largest |d[S]/dt| / max |[S]| of the current state (per min). With moieties
        the rates are the independent species' (the dependent ones are their linear
        combinations; libroadrunner 2.10's getDependentRatesOfChange returns garbage
        after a simulation)."""
        rr = self.rr
        if amounts is None:
            amounts = rr.model.getFloatingSpeciesAmounts()
        return relative_residual(amounts, rr.getRatesOfChange())

    def _restore(self) -> None:
        """Back to the basal state at time 0, bit for bit whatever ran before: setting a
        dependent species shifts its conserved total by (new - old), which rounds
        differently after each run, so the totals are put back exactly after the
        amounts (and the dependent species follow from them)."""
        model = self.rr.model
        model.setTime(0.0)
        model.setFloatingSpeciesAmounts(self._basal_state)
        if self._conservation is not None:
            model.setConservedMoietyValues(self._basal_totals)
        for key, value in self._step_values.items():
            self.rr[key] = value
        self.rr[self.input_id] = 0.0

    # ------------------------------------------------------------ runs
    @quiet
    def timecourse(self, parameters: Mapping[str, float] | None = None, dose: float | None = None,
                   times: Sequence[float] | None = None) -> pd.DataFrame:
        times = self._times(times)
        dose = self._dose(dose)
        self.settle(parameters)
        self.rr[self.input_id] = dose
        try:
            res = np.asarray(self.rr.simulate(times=times, selections=["time"] + self._selections))
        except RuntimeError as exc:
            raise SimulationError(one_line(exc)) from exc
        return pd.DataFrame(res[:, 1:], columns=self.readouts,
                            index=pd.Index(res[:, 0], name="time"))

    @quiet
    def response_arrays(self, parameters: Mapping[str, float] | None,
                        doses: Sequence[float] | np.ndarray,
                        time: float | None = None) -> ResponseArrays:
        time = self._time(time)
        n = len(self.readouts)
        values = np.full((len(doses), n), np.nan)
        status, message = ["ok"] * len(doses), [""] * len(doses)
        rr = self.rr
        if rr.timeCourseSelections != self._selections:   # 1 us to check, 16 us to set
            rr.timeCourseSelections = self._selections
        try:
            self.settle(parameters)
            basal = np.array(rr.getSelectedValues(), dtype=float)
        except SimulationError as exc:
            return ResponseArrays(values, np.full(n, np.nan), ["solver_failure"] * len(doses),
                                  [str(exc)] * len(doses))
        for i, dose in enumerate(doses):
            if i:
                self._restore()
            rr[self.input_id] = float(dose)
            try:
                values[i] = rr.simulate(0.0, time, 2)[-1]
            except RuntimeError as exc:
                status[i], message[i] = "solver_failure", one_line(exc)
        return ResponseArrays(values, basal, status, message)

    @quiet
    def steady_state(self, parameters: Mapping[str, float] | None = None,
                     dose: float | None = None) -> SteadyState:
        """Settle, hold the input at ``dose``: NLEQ2 from the basal state, or (if it
        fails) ``settle_time`` min of simulation."""
        dose = self._dose(dose)
        self.settle(parameters)
        rr = self.rr
        rr[self.input_id] = dose
        method = "simulation"
        if self._solver_settles:
            try:
                rr.steadyState()
                amounts = np.asarray(rr.model.getFloatingSpeciesAmounts())
                if self.residual(amounts) <= self.protocol.settle_rate and _physical(amounts):
                    method = "solver"
            except RuntimeError:
                pass
            if method != "solver":
                self._restore()
                rr[self.input_id] = dose
        if method == "simulation":
            try:
                rr.simulate(0.0, self.protocol.settle_time, 2)
            except RuntimeError as exc:
                raise SimulationError(one_line(exc)) from exc
        values = {r: float(rr[s]) for r, s in zip(self.readouts, self._selections, strict=True)}
        residual = self.residual()
        self._restore()
        return SteadyState(values, residual, method)

    @quiet
    def condition_timecourse(self, parameters: Mapping[str, float],
                             before: Mapping[str, float], after: Mapping[str, float],
                             times: Sequence[float], settle: bool = True) -> np.ndarray:
        values = self.check_parameters({**parameters, **before})
        after = self.check_parameters(after)
        times = np.asarray(times, dtype=float)
        if times.ndim != 1 or times.size == 0 or times[0] < 0 or np.any(np.diff(times) <= 0):
            raise UserError("times must be >= 0 and increase strictly")
        rr = self.rr
        if settle:
            self.refuse_protocol_conflicts()
            key = ("conditions", *sorted(values.items()))
            if key != self._basal_key:
                self._basal_key = None
                self._residual, self.settle_method, self._basal_state = self._steady(values)
                if self._conservation is not None:
                    self._basal_totals = np.array(rr.model.getConservedMoietyValues())
                self._basal_key = key
            model = rr.model
            model.setTime(0.0)
            model.setFloatingSpeciesAmounts(self._basal_state)
            if self._conservation is not None:
                model.setConservedMoietyValues(self._basal_totals)
            # parameters the last run changed go back to this condition's values
            for key_ in self._step_values:
                rr[key_] = values.get(key_, self._file_value(key_))
            for key_, value in values.items():
                if key_ not in self._species:
                    rr[key_] = value
        else:
            self._basal_key = None
            self._apply(values)
        # what to put back before the next run from this settled state
        self._step_values = {k: v for k, v in values.items() if k not in self._species}
        species = {}
        for key_, value in after.items():
            if key_ in self._species:
                species[key_] = value
            else:
                self._step_values.setdefault(key_, values.get(key_, self._file_value(key_)))
                rr[key_] = value
        if species:
            self._set_species(species)
        if times[0] == 0:
            grid, first = (times if len(times) > 1 else np.array([0.0, 1e-9])), 0
        else:
            grid, first = np.concatenate([[0.0], times]), 1
        try:
            res = np.asarray(rr.simulate(times=grid, selections=self._selections))
        except RuntimeError as exc:
            raise SimulationError(one_line(exc)) from exc
        return res[first:first + len(times)]

    @quiet
    def basal_readouts(self, parameters: Mapping[str, float] | None = None) -> dict[str, float]:
        self.settle(parameters)
        values = {r: float(self.rr[s]) for r, s in zip(self.readouts, self._selections,
                                                      strict=True)}
        self._restore()
        return values

    # ------------------------------------------------------------ roadrunner only
    @quiet
    def basal_concentrations(self,
                             parameters: Mapping[str, float] | None = None) -> dict[str, float]:
        """{species id: concentration} at the scenario's basal steady state."""
        self.settle(parameters)
        model = self.rr.model
        return dict(zip(model.getFloatingSpeciesIds(), model.getFloatingSpeciesConcentrations(),
                        strict=True))



def _physical(amounts: np.ndarray) -> bool:
    """No amount below -NEGATIVE x the largest (a solver root can be unphysical)."""
    if amounts.size == 0:
        return True
    return bool(amounts.min() >= -NEGATIVE * max(abs(amounts).max(), 1.0))
