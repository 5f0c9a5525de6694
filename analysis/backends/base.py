"""The simulator interface every backend implements, and its solver options.

A backend simulates one model under the :class:`~analysis.protocol.Protocol`:
settle a scenario (parameter values by id) with the input at 0, step the input
to a dose and record the readouts. What a backend cannot do (MCA on PySB, a
user's SBML on PySB, ...) is refused in one line by :meth:`Backend.require`.
"""
from __future__ import annotations

import math
import os
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..errors import SimulationError as SimulationError  # re-exported
from ..errors import UserError, unknown
from ..protocol import DEFAULT, Protocol
from ..resources import DEFAULT_READOUTS, DEFAULT_SBML, is_default_sbml

# Capabilities a backend may have (``Backend.capabilities``).
CAPABILITIES = {
    "user_sbml": "simulate an SBML file other than the project's model",
    "species_scenarios": "set species initial concentrations in a scenario",
    "mca": "metabolic control analysis",
    "steady_state_solver": "a steady-state solver (else settling simulates)",
    "conditions": "two-condition experiments (PEtab preequilibration, then a condition)",
}
RTOL_RANGE = (1e-14, 1e-3)


@dataclass(frozen=True)
class SolverOptions:
    """Integrator settings, applied by each backend in one place (``_apply_options``).

    ``absolute_tolerance`` is per state variable in concentration units (nM):
    libroadrunner gets it as an explicit vector (times each species'
    compartment size), never as a scalar it would scale by the state.
    """

    relative_tolerance: float = 1e-9
    absolute_tolerance: float = 1e-12
    max_steps: int = 100_000

    def __post_init__(self) -> None:
        low, high = RTOL_RANGE
        rtol = self.relative_tolerance
        if not (isinstance(rtol, (int, float)) and math.isfinite(rtol) and low <= rtol <= high):
            raise UserError(f"relative tolerance {rtol!r} is not accepted; give a number from "
                            f"{low:g} to {high:g} (default 1e-9)")
        atol = self.absolute_tolerance
        if not (isinstance(atol, (int, float)) and math.isfinite(atol) and 0 < atol <= 1e-3):
            raise UserError(f"absolute tolerance {atol!r} is not accepted; give a number > 0 "
                            "and <= 1e-3 (default 1e-12)")
        if not (isinstance(self.max_steps, int) and self.max_steps > 0):
            raise UserError(f"max_steps {self.max_steps!r}: give a positive integer")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ResponseArrays:
    """Readouts of one scenario at one time after each dose, without a table."""

    values: np.ndarray        # [dose, readout]
    basal: np.ndarray         # [readout], before the step
    status: list[str]
    message: list[str]


@dataclass
class SteadyState:
    """Readouts at a steady state with the input held at ``dose``."""

    values: dict[str, float]
    residual: float           # max |d[S]/dt| / max |[S]|, per min
    method: str               # "solver" or "simulation"


@dataclass(frozen=True)
class ModelSpec:
    """What a worker process needs to build its own backend (plain, picklable)."""

    backend: str
    sbml: str | None
    input_id: str
    readouts: tuple[str, ...]
    options: SolverOptions = SolverOptions()
    protocol: Protocol = DEFAULT

    def simulator(self) -> Backend:
        """The process-wide backend for this spec (built on first use)."""
        sim = _SIMULATORS.get(self)
        if sim is None:
            from . import create
            sim = create(self.backend, self.sbml, self.input_id, self.readouts, self.options,
                         self.protocol)
            _SIMULATORS[self] = sim
        return sim


_SIMULATORS: dict[ModelSpec, Backend] = {}


class Backend(ABC):
    """One model in one simulator, loaded once, reset between runs.

    ``readouts`` are ids of species (concentrations) or of values defined by
    rules (observables, expressions); a scenario is {id: value} of settable ids.
    """

    name: ClassVar[str] = ""
    capabilities: ClassVar[frozenset[str]] = frozenset()
    install_hint: ClassVar[str] = ""

    def __init__(self, sbml: str | os.PathLike | None = None, input_id: str | None = None,
                 readouts: Sequence[str] | None = None, options: SolverOptions | None = None,
                 protocol: Protocol | None = None):
        self.protocol = protocol or DEFAULT
        self.input_id = input_id or self.protocol.input_id
        if self.input_id != self.protocol.input_id:
            self.protocol = self.protocol.replace(input_id=self.input_id)
        self.options = options or SolverOptions()
        self.is_default_model = sbml is None or is_default_sbml(sbml)
        self.path = str(DEFAULT_SBML if sbml is None else sbml)
        if readouts is None:
            if not self.is_default_model:
                raise UserError(f"name the readouts to record on {self.path} (species or "
                                "assignment-rule parameter ids)")
            readouts = DEFAULT_READOUTS
        self.readouts = list(readouts)
        repeated = sorted({r for r in self.readouts if self.readouts.count(r) > 1})
        if repeated:
            raise UserError(f"readout {', '.join(repeated)} given more than once; name each "
                            "readout once")
        if not self.readouts:
            raise UserError("no readout given; name at least one species or observable id")
        self.sha256 = ""

    @classmethod
    @abstractmethod
    def import_simulator(cls) -> None:
        """Import the simulator package; ImportError if it is missing."""

    # ------------------------------------------------------------ ids
    @abstractmethod
    def parameter_ids(self) -> list[str]:
        """Constant parameters a scenario may set (inputs, kinetics, scale factors)."""

    @abstractmethod
    def species_ids(self) -> list[str]:
        """Species of the model (readable; settable if ``species_scenarios``)."""

    @abstractmethod
    def initial_value(self, id: str) -> float:
        """The model's own value of a parameter (or initial concentration of a species)."""

    def settable_ids(self) -> list[str]:
        """Every id a scenario may set."""
        species = self.species_ids() if "species_scenarios" in self.capabilities else []
        return self.parameter_ids() + species

    def _check_ids(self, known: Iterable[str]) -> None:
        """Raise UserError for an unknown input or readout."""
        known = list(known)
        if self.input_id not in self.parameter_ids():
            if self.input_id in self.species_ids():
                raise UserError(f"--input '{self.input_id}' is a species; the input must be a "
                                "constant parameter the protocol can hold at 0 and step: add "
                                "one to the model (for example as the species' boundary "
                                "concentration or its synthesis rate) and name it")
            raise unknown("input parameter", self.input_id, self.parameter_ids())
        for r in self.readouts:
            if r not in known:
                raise unknown("readout", r, sorted(known))

    def check_parameters(self, parameters: Mapping[str, Any] | None) -> dict[str, float]:
        """Raise UserError for ids that cannot be set; return a float dict."""
        values = {}
        for key, value in (parameters or {}).items():
            if key not in self._settable:
                if key in self.species_ids():
                    self.require("species_scenarios", f"setting species '{key}'")
                raise unknown("parameter", key, sorted(self._settable))
            try:
                values[key] = float(value)
            except (TypeError, ValueError):
                raise UserError(f"value for '{key}' must be a number, got {value!r}") from None
            if not math.isfinite(values[key]) or values[key] < 0:
                raise UserError(f"value {values[key]:g} for '{key}' is not accepted: rate "
                                "constants, scale factors, inputs and concentrations must be "
                                "finite and >= 0")
        return values

    @property
    def _settable(self) -> frozenset[str]:
        cached = self.__dict__.get("_settable_ids")
        if cached is None:
            cached = self.__dict__["_settable_ids"] = frozenset(self.settable_ids())
        return cached

    def refuse_protocol_conflicts(self) -> None:
        """Refuse, in one line, a model the settle-then-step protocol cannot honour
        (events, algebraic rules, delays); backends that can tell override this."""
        return None

    def require(self, capability: str, what: str | None = None) -> None:
        """Refuse, in one line, what this backend cannot do."""
        from . import check_capability
        check_capability(self.name, capability, what)

    def spec(self) -> ModelSpec:
        """Plain data to rebuild this backend in another process (in this process,
        the spec's backend is this instance)."""
        spec = ModelSpec(self.name, self.path, self.input_id, tuple(self.readouts),
                         self.options, self.protocol)
        _SIMULATORS[spec] = self
        return spec

    def describe_settings(self) -> dict[str, Any]:
        """What goes into every result's metadata."""
        return {"backend": self.name, "input": self.input_id, "readouts": list(self.readouts),
                "solver_options": self.options.to_dict(), "protocol": self.protocol.to_dict()}

    # ------------------------------------------------------------ the protocol
    @abstractmethod
    def settle(self, parameters: Mapping[str, float] | None = None) -> float:
        """Settle a scenario (input 0); return the relative residual left (per min)."""

    @abstractmethod
    def response_arrays(self, parameters: Mapping[str, float] | None, doses: Sequence[float],
                        time: float | None = None) -> ResponseArrays:
        """Readouts ``time`` min after each dose; a solver failure is a status, not an error."""

    @abstractmethod
    def timecourse(self, parameters: Mapping[str, float] | None = None,
                   dose: float | None = None, times: Sequence[float] | None = None
                   ) -> pd.DataFrame:
        """Readouts after stepping the input to ``dose`` at 0 (index: time in min)."""

    @abstractmethod
    def steady_state(self, parameters: Mapping[str, float] | None = None,
                     dose: float | None = None) -> SteadyState:
        """Readouts at the steady state with the input held at ``dose``."""

    def condition_timecourse(self, parameters: Mapping[str, float],
                             before: Mapping[str, float], after: Mapping[str, float],
                             times: Sequence[float], settle: bool = True) -> np.ndarray:
        """Readouts (times x readouts) of a two-condition experiment, as PEtab defines
        one: ``parameters`` and ``before`` applied and settled (or, with
        ``settle=False``, the model's initial state), then ``after`` applied at
        time 0 and followed to ``times`` (>= 0, increasing)."""
        self.require("conditions", "a two-condition (PEtab) experiment")
        raise NotImplementedError

    # ------------------------------------------------------------ shared
    def response(self, parameters: Mapping[str, float] | None = None,
                 doses: Sequence[float] | None = None, time: float | None = None
                 ) -> pd.DataFrame:
        """Columns dose, status, message, then ``<readout>`` (at ``time``) and
        ``<readout>_basal`` for each readout; one row per dose."""
        doses = check_doses(self.protocol.doses if doses is None else doses, self.input_id)
        r = self.response_arrays(parameters, doses, time)
        columns: dict[str, Any] = {"dose": doses, "status": r.status, "message": r.message}
        columns.update({name: r.values[:, j] for j, name in enumerate(self.readouts)})
        columns.update({f"{name}_basal": np.full(len(doses), r.basal[j])
                        for j, name in enumerate(self.readouts)})
        return pd.DataFrame(columns)

    def basal_readouts(self, parameters: Mapping[str, float] | None = None) -> dict[str, float]:
        """{readout: value} at the scenario's settled state, before the step."""
        r = self.response_arrays(parameters, [0.0], self._time(None))
        if r.status[0] != "ok" and not np.all(np.isfinite(r.basal)):
            raise SimulationError(r.message[0] or "settling failed")
        return dict(zip(self.readouts, map(float, r.basal), strict=True))

    def stimulated_steady_state(self, parameters: Mapping[str, float] | None = None,
                                dose: float | None = None) -> dict[str, float]:
        """{readout: value} at the steady state with the input held at ``dose``."""
        return self.steady_state(parameters, dose).values

    def _time(self, time: float | None) -> float:
        time = self.protocol.readout_time if time is None else float(time)
        if not time > 0:
            raise UserError(f"readout time must be > 0 min, got {time}")
        return time

    def _dose(self, dose: float | None) -> float:
        dose = self.protocol.stimulus_dose if dose is None else float(dose)
        if dose < 0 or not np.isfinite(dose):
            raise UserError(f"{self.input_id} dose must be >= 0, got {dose}")
        return dose

    def _times(self, times: Sequence[float] | None) -> np.ndarray:
        if times is None:
            times = np.linspace(0.0, self.protocol.timecourse_end, 121)
        times = np.asarray(times, dtype=float)
        check_times(times)
        return times


def check_times(times: np.ndarray) -> None:
    if times.ndim != 1 or len(times) < 2 or times[0] != 0 or np.any(np.diff(times) <= 0):
        raise UserError("times must start at 0 and increase strictly (at least two points)")


def check_doses(doses: Sequence[float] | float, input_id: str = "insulin") -> np.ndarray:
    doses = np.atleast_1d(np.asarray(doses, dtype=float))
    if doses.size == 0:
        raise UserError(f"no {input_id} dose given; give at least one dose >= 0")
    if np.any(~np.isfinite(doses)) or np.any(doses < 0):
        bad = doses[~np.isfinite(doses) | (doses < 0)][0]
        raise UserError(f"{input_id} dose must be >= 0, got {bad:g}")
    return doses


def one_line(exc: BaseException, limit: int = 200) -> str:
    return " ".join(str(exc).split())[:limit]


def relative_residual(state: np.ndarray, rates: np.ndarray) -> float:
    """max |rate| / max |state| (0 for an empty state)."""
    state, rates = np.abs(np.asarray(state)), np.abs(np.asarray(rates))
    if state.size == 0 or rates.size == 0:
        return 0.0
    return float(rates.max() / max(state.max(), 1e-300))

