"""Local sensitivity: scaled sensitivity coefficients d ln(readout) / d ln(p).

For a parameter p with value p0 the coefficient is the central difference in
log space

    S = (ln y(p0 * e^+h) - ln y(p0 * e^-h)) / (2 h),    h = ``step`` (default 1e-3),

whose truncation error is O(h^2) (about h^2 / 6 times the third log-derivative,
~1e-7 at the default). The solver's relative tolerance (1e-9) adds noise of
about 1e-9 / h, so h is not taken smaller: on our model halving h changes no
coefficient by more than 4e-5 (tests/test_local_sensitivity.py checks < 1e-4),
and steady-state coefficients match libroadrunner's getCC within 2e-5
relative. Every perturbed run follows the engine's protocol: settle the
perturbed model to its basal state (insulin 0), then step insulin to ``dose``.

Measures, per readout of the simulator:

* ``at_<time>min`` (``at_10min`` by default): the value ``time`` min after the step;
* ``steady_state``: the insulin-stimulated steady state (the backend's
  :meth:`~analysis.backends.base.Backend.steady_state`; status ``not_steady``
  when its residual is above ``Protocol.settle_rate``);
* ``ec50`` and ``emax`` (glucose_uptake only, when it is a readout): the Hill fit
  (``fitting.fit_hill``) of its dose-response at ``time`` min over ``doses``.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .backends.base import SimulationError
from .errors import UserError, unknown
from .fitting import USABLE_STATUS, fit_hill
from .resources import KNOWN_INPUTS

if TYPE_CHECKING:
    from .backends.base import Backend

COLUMNS = ("parameter", "readout", "measure", "coefficient", "value", "status")
DOSE_RESPONSE_READOUT = "glucose_uptake"
STEADY = "steady_state"


def time_measure(time: float) -> str:
    """Name of the fixed-time measure: ``at_10min`` for time 10."""
    return f"at_{time:g}min"


def base_value(sim: Backend, parameter: str, scenario: dict | None = None) -> float:
    """Value of ``parameter`` under ``scenario`` (the model's value if the scenario does
    not set it)."""
    if scenario and parameter in scenario:
        return float(scenario[parameter])
    return sim.initial_value(parameter)


def sensitivity_parameters(sim: Backend) -> list[str]:
    """Every kinetic parameter and scale factor of the model, in SBML order.

    These are the constant global parameters (not defined by a rule), except
    the stimuli (``loader.KNOWN_INPUTS``: insulin, glucose, TNFa, FFA,
    AMPK_activity, and the simulator's input) and except parameters whose SBML
    value is 0, for which d ln(y) / d ln(p) is undefined.
    """
    inputs = set(KNOWN_INPUTS) | {sim.input_id}
    return [p for p in sim.parameter_ids()
            if p not in inputs and base_value(sim, p) != 0.0]


def measure_values(sim: Backend, parameters: Mapping[str, float], dose: float, time: float,
                   doses: Sequence[float] | np.ndarray | None = None
                   ) -> dict[tuple[str, str], tuple[float, str]]:
    """{(readout, measure): (value, status)} for one parameter set.

    status is "ok", "not_steady" (steady-state residual above the protocol's
    settle rate), "solver_failure", or "fit_<status>" when the Hill fit is not
    usable.
    """
    at = time_measure(time)
    out = {}
    try:
        frame = sim.timecourse(parameters, dose, np.array([0.0, time]))
        steady = sim.steady_state(parameters, dose)
        steady_status = "ok" if steady.residual <= sim.protocol.settle_rate else "not_steady"
        for readout in sim.readouts:
            out[readout, at] = (float(frame[readout].iloc[1]), "ok")
            out[readout, STEADY] = (steady.values[readout], steady_status)
    except SimulationError:
        for readout in sim.readouts:
            out[readout, at] = out[readout, STEADY] = (np.nan, "solver_failure")
    if doses is not None and DOSE_RESPONSE_READOUT in sim.readouts:
        out.update(_fit_measures(sim, parameters, doses, time))
    return out


def _fit_measures(sim, parameters, doses, time):
    curve = sim.response(parameters, doses, time)
    if (curve.status != "ok").any():
        return {(DOSE_RESPONSE_READOUT, m): (np.nan, "solver_failure") for m in ("ec50", "emax")}
    fit = fit_hill(curve.dose.to_numpy(), curve[DOSE_RESPONSE_READOUT].to_numpy())
    usable = fit["status"] in USABLE_STATUS
    status = "ok" if usable else f"fit_{fit['status']}"
    return {(DOSE_RESPONSE_READOUT, m): (fit[m] if usable else np.nan, status)
            for m in ("ec50", "emax")}


def log_coefficient(low: float, high: float, value: float, step: float,
                    floor: float = 0.0) -> tuple[float, str]:
    """(coefficient, status) of a central difference in log space; NaN unless all three
    values are finite, share a sign and |value| > ``floor``."""
    values = np.array([low, high, value], dtype=float)
    if not np.all(np.isfinite(values)):
        return np.nan, "not_finite"
    if abs(value) <= floor:
        return np.nan, "zero_readout"
    if np.any(np.sign(values) != np.sign(value)):
        return np.nan, "sign_change"
    return float((np.log(abs(high)) - np.log(abs(low))) / (2.0 * step)), "ok"


def check_parameters(sim: Backend, parameters: Sequence[str] | None) -> list[str]:
    """The parameter list to perturb: ``parameters`` (checked) or all of
    ``sensitivity_parameters``."""
    if parameters is None:
        return sensitivity_parameters(sim)
    settable = sim.parameter_ids()
    chosen = list(parameters)
    for p in chosen:
        if p not in settable:
            raise unknown("parameter", p, settable)
    if not chosen:
        raise UserError("no parameter to perturb; name at least one constant parameter id")
    return chosen


def scaled_sensitivities(sim: Backend, parameters: Sequence[str] | None = None,
                         dose: float | None = None, time: float | None = None, step: float = 0.001,
                         scenario: Mapping[str, float] | None = None,
                         doses: Sequence[float] | np.ndarray | bool | None = None,
                         progress: Any = None) -> pd.DataFrame:
    """Scaled sensitivity coefficients of every readout to each parameter.

    ``parameters``: ids to perturb (default ``sensitivity_parameters(sim)``);
    ``scenario``: parameter values applied before perturbing (default healthy);
    ``doses``: insulin doses of the dose-response behind ec50/emax (default
    the protocol's; ``False`` skips those measures); ``dose`` and ``time``
    default to the protocol's reference dose and readout time; ``progress``: a
    tqdm-like bar updated once per parameter.

    Returns a DataFrame with columns parameter, readout, measure, coefficient,
    value (unperturbed readout), status ("ok", "zero_readout" when the
    unperturbed value is 0 or below the solver's absolute tolerance,
    "zero_parameter", "solver_failure", "not_steady", "fit_<status>",
    "sign_change", "not_finite"); coefficient is NaN unless status is "ok".
    """
    protocol = sim.protocol
    dose = protocol.reference_dose if dose is None else dose
    time = protocol.readout_time if time is None else time
    if not (np.isfinite(step) and 0 < step <= 0.5):
        raise UserError(f"log-space step {step:g} is not accepted; give a step in (0, 0.5]")
    if not (np.isfinite(time) and 0 < time < protocol.settle_time):
        raise UserError(f"readout time {time:g} min: give a time in "
                        f"(0, {protocol.settle_time:g}) min")
    if not (np.isfinite(dose) and dose >= 0):
        raise UserError(f"{sim.input_id} dose must be >= 0, got {dose:g}")
    scenario = sim.check_parameters(scenario)
    chosen = check_parameters(sim, parameters)
    if doses is None:
        doses = np.array(protocol.doses)
    elif doses is False:
        doses = None
    floor = sim.options.absolute_tolerance

    reference = measure_values(sim, scenario, dose, time, doses)
    rows = []
    for p in chosen:
        p0 = base_value(sim, p, scenario)
        if p0 == 0.0:
            results = {key: (np.nan, "zero_parameter") for key in reference}
        else:
            low = measure_values(sim, {**scenario, p: p0 * np.exp(-step)}, dose, time, doses)
            high = measure_values(sim, {**scenario, p: p0 * np.exp(step)}, dose, time, doses)
            results = {}
            for key, (value, status) in reference.items():
                bad = next((s for s in (status, low[key][1], high[key][1]) if s != "ok"), None)
                if bad is not None:
                    results[key] = (np.nan, bad)
                else:
                    results[key] = log_coefficient(low[key][0], high[key][0], value, step, floor)
        for (readout, measure), (coefficient, status) in results.items():
            rows.append((p, readout, measure, coefficient, reference[readout, measure][0], status))
        if progress is not None:
            progress.update(1)
    return pd.DataFrame(rows, columns=list(COLUMNS))


def top_coefficients(df: pd.DataFrame, readout: str, measure: str, n: int = 10) -> pd.DataFrame:
    """The ``n`` rows of ``readout``/``measure`` with the largest |coefficient| (status ok)."""
    part = df[(df.readout == readout) & (df.measure == measure) & (df.status == "ok")]
    order = part.coefficient.abs().sort_values(ascending=False).index[:n]
    return part.loc[order].reset_index(drop=True)
