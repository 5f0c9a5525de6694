"""The simulation engine: one RoadRunner, loaded once, reset between runs.

The protocol of every analysis: apply the scenario's parameter values, settle
to the basal steady state with the input (insulin) at 0, then step the input
and follow the readouts. Only the readouts are kept.
"""
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import UserError, unknown
from .loader import Model

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SBML = ROOT / "sbml" / "insulin_signaling.xml"
DEFAULT_READOUTS = ("pIR", "pIRS1_Y", "pIRS1_S307", "PIP3", "pAKT_T308", "pAKT_S473", "pAS160",
                    "pS6K1", "pERK", "GLUT4_membrane_fraction", "glucose_uptake")
TOLERANCES = {"relative": 1e-8, "absolute": 1e-12}
SETTLE_TIME = 1e5     # min; slowest healthy mode (GLUT4 turnover) is about 900 min
SETTLE_RATE = 1e-7    # largest |d[S]/dt| / max(|[S]|) accepted as steady, per minute


class SimulationError(RuntimeError):
    """The solver failed; the analyses record it in a row's status."""


class Simulator:
    """Simulate one SBML model under the settle-then-step protocol.

    ``input_id`` names the stimulus parameter (insulin); ``readouts`` are ids of
    species (concentrations) or of parameters defined by assignment rules.
    """

    def __init__(self, sbml=DEFAULT_SBML, input_id="insulin", readouts=DEFAULT_READOUTS,
                 tolerances=None):
        self.model = Model(sbml)
        self.rr = self.model.rr
        self.path = str(sbml)
        self.sha256 = self.model.sha256
        settable = self.model.constant_parameters()
        if input_id not in settable:
            raise unknown("input parameter", input_id, settable)
        self.input_id = input_id
        species = set(self.model.species()) | set(self.model.boundary_species())
        known = set(self.model.parameters()) | species
        self.readouts = list(readouts)
        if not self.readouts:
            raise UserError("no readout given; name at least one species or observable id")
        for r in self.readouts:
            if r not in known:
                raise unknown("readout", r, sorted(known))
        self._selections = [f"[{r}]" if r in species else r for r in self.readouts]
        self._species = species
        self._settable = set(settable)
        self.tolerances = {**TOLERANCES, **(tolerances or {})}
        integrator = self.rr.integrator
        integrator.relative_tolerance = self.tolerances["relative"]
        integrator.absolute_tolerance = self.tolerances["absolute"]
        integrator.setValue("maximum_num_steps", 100000)
        self._basal_key = None
        self._basal_state = None

    # ------------------------------------------------------------ scenario
    def check_parameters(self, parameters):
        """Raise UserError for ids that cannot be set; return a float dict."""
        values = {}
        for key, value in (parameters or {}).items():
            if key not in self._settable and key not in self._species:
                raise unknown("parameter", key, sorted(self._settable | self._species))
            try:
                values[key] = float(value)
            except (TypeError, ValueError):
                raise UserError(f"value for '{key}' must be a number, got {value!r}") from None
        return values

    def _apply(self, parameters):
        rr = self.rr
        rr.resetAll()
        species = {}
        for key, value in parameters.items():
            if key in self._species:
                species[key] = value
            else:
                rr[key] = value
        rr.reset()  # initial assignments from the scenario's parameters
        for key, value in species.items():
            rr[f"[{key}]"] = value

    def settle(self, parameters=None):
        """Basal steady state of a scenario (input 0); cached for the last scenario.

        Returns the maximal relative rate of change left (per minute).
        """
        parameters = self.check_parameters(parameters)
        return self._settle({**parameters, self.input_id: 0.0})

    def _settle(self, values):
        """Steady state with ``values`` applied (the input included); cached."""
        key = tuple(sorted(values.items()))
        if key == self._basal_key:
            self._restore()
            return self._residual
        self._apply(values)
        try:
            self.rr.simulate(0.0, SETTLE_TIME, 2)
        except RuntimeError as exc:
            self._basal_key = None
            raise SimulationError(f"settling failed: {' '.join(str(exc).split())[:200]}") from exc
        state = np.array(self.rr.model.getFloatingSpeciesAmounts())
        rates = np.array(self.rr.getRatesOfChange())
        self._residual = (float(np.max(np.abs(rates)) / max(np.max(np.abs(state)), 1e-300))
                          if state.size else 0.0)
        self._basal_state = state
        self._basal_key = key
        self._restore()
        return self._residual

    def _restore(self):
        self.rr.model.setTime(0.0)
        self.rr.model.setFloatingSpeciesAmounts(self._basal_state)
        for key, value in self._basal_key:
            if key not in self._species:
                self.rr[key] = value

    def condition_timecourse(self, parameters, before, after, times, settle=True):
        """Readouts (array: times x readouts) of a two-condition experiment.

        ``parameters`` and ``before`` are applied and the model settles (or, with
        ``settle=False``, starts from its initial state); then ``after`` is
        applied at time 0 (parameters and species concentrations) and the model
        is followed to ``times`` (>= 0, increasing)."""
        values = self.check_parameters({**parameters, **before})
        after = self.check_parameters(after)
        times = np.asarray(times, dtype=float)
        if settle:
            self._settle(values)
        else:
            self._basal_key = None
            self._apply(values)
        rr = self.rr
        for key, value in after.items():
            rr[f"[{key}]" if key in self._species else key] = value
        if times[0] == 0:
            grid, first = (times if len(times) > 1 else np.array([0.0, 1e-9])), 0
        else:
            grid, first = np.concatenate([[0.0], times]), 1
        try:
            res = np.asarray(rr.simulate(times=grid, selections=self._selections))
        except RuntimeError as exc:
            raise SimulationError(" ".join(str(exc).split())[:200]) from exc
        return res[first:first + len(times)]

    # ------------------------------------------------------------ runs
    def timecourse(self, parameters=None, dose=0.0, times=np.linspace(0, 60, 121)):
        """Readouts after stepping the input to ``dose`` at time 0 (basal at t = 0).

        Returns a DataFrame indexed by time (min) with one column per readout.
        """
        times = np.asarray(times, dtype=float)
        check_times(times)
        if dose < 0 or not np.isfinite(dose):
            raise UserError(f"{self.input_id} dose must be >= 0, got {dose}")
        self.settle(parameters)
        self.rr[self.input_id] = float(dose)
        try:
            res = self.rr.simulate(times=times, selections=["time"] + self._selections)
        except RuntimeError as exc:
            raise SimulationError(" ".join(str(exc).split())[:200]) from exc
        frame = pd.DataFrame(np.asarray(res)[:, 1:], columns=self.readouts,
                             index=pd.Index(np.asarray(res)[:, 0], name="time"))
        return frame

    def response(self, parameters=None, doses=(1.0,), time=10.0):
        """Readouts at ``time`` after each dose, plus the basal (pre-step) values.

        Returns a DataFrame with columns dose, status, message, then
        ``<readout>`` (at ``time``) and ``<readout>_basal`` for each readout.
        A solver failure at one dose is a row with status 'solver_failure'.
        """
        doses = check_doses(doses, self.input_id)
        values, basal, status, message = self.response_arrays(parameters, doses, time)
        columns = {"dose": doses, "status": status, "message": message}
        columns.update({r: values[:, j] for j, r in enumerate(self.readouts)})
        columns.update({f"{r}_basal": np.full(len(doses), basal[j])
                        for j, r in enumerate(self.readouts)})
        return pd.DataFrame(columns)

    def response_arrays(self, parameters, doses, time=10.0):
        """The numbers of :meth:`response` without the table (for inner loops):
        (values[dose, readout], basal[readout], status list, message list)."""
        if not time > 0:
            raise UserError(f"readout time must be > 0 min, got {time}")
        n = len(self.readouts)
        values = np.full((len(doses), n), np.nan)
        status = ["ok"] * len(doses)
        message = [""] * len(doses)
        try:
            self.settle(parameters)
            basal = np.array([self.rr[s] for s in self._selections], dtype=float)
        except SimulationError as exc:
            return values, np.full(n, np.nan), ["solver_failure"] * len(doses), \
                [str(exc)] * len(doses)
        rr = self.rr
        rr.timeCourseSelections = self._selections
        for i, dose in enumerate(doses):
            if i:
                self._restore()
            rr[self.input_id] = float(dose)
            try:
                values[i] = rr.simulate(0.0, time, 2)[-1]
            except RuntimeError as exc:
                status[i], message[i] = "solver_failure", " ".join(str(exc).split())[:200]
        return values, basal, status, message

    def stimulated_steady_state(self, parameters=None, dose=1.0):
        """Readouts at the steady state reached with the input held at ``dose``
        (receptor down-regulation and GLUT4 turnover included): {readout: value}."""
        self.settle(parameters)
        self.rr[self.input_id] = float(dose)
        try:
            row = self.rr.simulate(0.0, SETTLE_TIME, 2, selections=self._selections)[-1]
        except RuntimeError as exc:
            raise SimulationError(" ".join(str(exc).split())[:200]) from exc
        return dict(zip(self.readouts, map(float, row)))

    def _current(self):
        return {r: float(self.rr[s]) for r, s in zip(self.readouts, self._selections)}


def check_times(times):
    if times.ndim != 1 or len(times) < 2 or times[0] != 0 or np.any(np.diff(times) <= 0):
        raise UserError("times must start at 0 and increase strictly (at least two points)")


def check_doses(doses, input_id="insulin"):
    doses = np.atleast_1d(np.asarray(doses, dtype=float))
    if doses.size == 0:
        raise UserError(f"no {input_id} dose given; give at least one dose >= 0")
    if np.any(~np.isfinite(doses)) or np.any(doses < 0):
        bad = doses[~np.isfinite(doses) | (doses < 0)][0]
        raise UserError(f"{input_id} dose must be >= 0, got {bad:g}")
    return doses
