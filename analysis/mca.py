"""Metabolic control analysis (MCA) at the insulin-stimulated steady state.

The steady state is the engine's: settle the scenario to its basal state
(insulin 0), step insulin to ``dose``, simulate ``Protocol.settle_time``
min, then polish with ``RoadRunner.steadyState()``. The control coefficients
come from libroadrunner 2.10 (``getScaledFluxControlCoefficientMatrix``,
``getScaledConcentrationControlCoefficientMatrix``) on a separate RoadRunner
loaded with conserved-moiety analysis (``LoadSBMLOptions.conservedMoieties``),
which the steady-state Jacobian needs when the network has moiety cycles.

That RoadRunner is built from a copy of the SBML in which the scenario's
parameter values and the insulin dose are written in, and every floating
species starts at its basal steady-state value instead of its initial
assignment. Two reasons: the conserved totals then equal those of the engine's
run, and libroadrunner 2.10 cannot compute elasticities (nor the Jacobian) for
species whose initial value comes from an initial assignment (a bare
``std::exception``).

Scaled coefficients divide by the steady-state flux J (flux control) or
concentration S (concentration control) of their row, so a row whose J or S is
~0 is undefined: such rows are dropped, and listed in the info. "~0" means
|J| or |S| <= ``zero`` (default 1e-9, in nM/min or nM): libroadrunner 2.10
itself returns all-zero scaled FCC rows for fluxes below about 1e-9 (checked on
an open two-state chain), and an FCC row it returns all zero is dropped too.
(A CCC row of all zeros is kept: an enzyme no reaction changes has CCCs 0.)
Reaction columns are all kept: a column is scaled by its own rate v, so a
reaction with v = 0 has coefficients 0 (defined), and keeping every column keeps
the summation theorems exact on the rows kept (sum of FCCs 1, of CCCs 0).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import libsbml
import numpy as np
import pandas as pd
import roadrunner

from .backends.base import SimulationError
from .errors import UserError

if TYPE_CHECKING:
    from .backends.roadrunner import RoadRunnerBackend as Backend

ZERO = 1e-9


def _one_line(exc):
    return " ".join(str(exc).split())[:200]


def _scenario_document(sim, parameters, dose):
    """SBML text: ``sim``'s model with the scenario, the dose and the basal state written in."""
    concentrations = sim.basal_concentrations(parameters)
    doc = sim.model.doc.clone()
    model = doc.getModel()
    values = {**{k: v for k, v in parameters.items() if model.getParameter(k) is not None},
              sim.input_id: float(dose)}
    for pid, value in values.items():
        model.getParameter(pid).setValue(float(value))
        model.removeInitialAssignment(pid)
    for sid, concentration in concentrations.items():
        species = model.getSpecies(sid)
        model.removeInitialAssignment(sid)
        if species.getHasOnlySubstanceUnits():
            size = model.getCompartment(species.getCompartment()).getSize()
            species.setInitialAmount(float(concentration * size))
        else:
            species.setInitialConcentration(float(concentration))
    return libsbml.writeSBMLToString(doc)


def relative_residual(rr: roadrunner.RoadRunner) -> float:
    """Largest |d[S]/dt| / max |[S]| of ``rr``'s current state (per minute)."""
    state = np.abs(np.asarray(rr.model.getFloatingSpeciesAmounts()))
    rates = np.abs(np.asarray(rr.getRatesOfChange()))
    if state.size == 0:
        return 0.0
    return float(rates.max() / max(state.max(), 1e-300))


def steady_state_runner(sim: Backend, parameters: Mapping[str, float] | None = None,
                        dose: float | None = None
                        ) -> tuple[roadrunner.RoadRunner, dict[str, Any]]:
    """(RoadRunner at the insulin-stimulated steady state, info dict).

    info: dose, presimulation_time, presimulation_residual (relative rate left
    after the presimulation), residual (after ``steadyState()``, per minute),
    steady_state_sum_squares (what ``steadyState()`` returned), moved (largest
    relative change made by ``steadyState()``), conserved_moieties. ``dose``
    defaults to the protocol's reference dose.
    """
    sim.require("mca")
    dose = sim.protocol.reference_dose if dose is None else dose
    if not (np.isfinite(dose) and dose >= 0):
        raise UserError(f"{sim.input_id} dose must be >= 0, got {dose:g}")
    parameters = sim.check_parameters(parameters)
    try:
        text = _scenario_document(sim, parameters, dose)
    except SimulationError as exc:
        raise UserError(f"basal steady state not found: {exc}") from None
    options = roadrunner.LoadSBMLOptions()
    options.conservedMoieties = True
    try:
        rr = roadrunner.RoadRunner(text, options)
    except Exception as exc:
        raise UserError(f"libroadrunner cannot load the MCA model: {_one_line(exc)}") from None
    integrator = rr.integrator
    integrator.relative_tolerance = sim.tolerances["relative"]
    integrator.absolute_tolerance = sim.tolerances["absolute"]
    integrator.setValue("maximum_num_steps", 100000)
    try:
        rr.simulate(0.0, sim.protocol.settle_time, 2)
        before = np.asarray(rr.model.getFloatingSpeciesAmounts()).copy()
        presim = relative_residual(rr)
        sum_squares = float(rr.steadyState())
    except RuntimeError as exc:
        raise UserError(f"steady state at {sim.input_id} {dose:g} not found: "
                        f"{_one_line(exc)}") from None
    after = np.asarray(rr.model.getFloatingSpeciesAmounts())
    scale = np.maximum(np.abs(before), sim.tolerances["absolute"])
    info = {"dose": float(dose), "presimulation_time": sim.protocol.settle_time,
            "presimulation_residual": presim, "residual": relative_residual(rr),
            "steady_state_sum_squares": sum_squares,
            "moved": float(np.max(np.abs(after - before) / scale)) if after.size else 0.0,
            "conserved_moieties": len(rr.getConservedMoietyIds())}
    return rr, info


def _tidy(matrix, row_name, magnitudes, zero, drop_all_zero=False):
    """(tidy frame, dropped row ids): rows with |J| or |S| <= zero dropped, and
    rows that are all zero if ``drop_all_zero``."""
    array = np.asarray(matrix)
    rows, cols = list(matrix.rownames), list(matrix.colnames)
    keep = [i for i, r in enumerate(rows) if abs(magnitudes[r]) > zero
            and not (drop_all_zero and np.all(array[i] == 0.0))]
    dropped = [r for i, r in enumerate(rows) if i not in set(keep)]
    frame = pd.DataFrame({row_name: np.repeat([rows[i] for i in keep], len(cols)),
                          "reaction": np.tile(cols, len(keep)),
                          "coefficient": array[keep].ravel()})
    return frame, dropped


def control_coefficients(sim: Backend, parameters: Mapping[str, float] | None = None,
                         dose: float | None = None,
                         zero: float = ZERO) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """(flux_control, concentration_control, info) at the insulin-stimulated steady state.

    flux_control: columns flux, reaction, coefficient (scaled FCC, dln J_flux / dln v_reaction);
    concentration_control: columns species, reaction, coefficient (scaled CCC,
    dln [species] / dln v_reaction). info: ``steady_state_runner``'s info plus
    zero, dropped_fluxes and dropped_species (rows left out, see module docstring).
    """
    rr, info = steady_state_runner(sim, parameters, dose)
    try:
        fcc = rr.getScaledFluxControlCoefficientMatrix()
        ccc = rr.getScaledConcentrationControlCoefficientMatrix()
    except RuntimeError as exc:
        raise UserError("control coefficients failed at the steady state: "
                        f"{_one_line(exc)}") from None
    rates = dict(zip(rr.model.getReactionIds(), rr.model.getReactionRates(), strict=True))
    conc = dict(zip(rr.model.getFloatingSpeciesIds(), rr.model.getFloatingSpeciesConcentrations(),
                    strict=True))
    flux_control, dropped_fluxes = _tidy(fcc, "flux", rates, zero, drop_all_zero=True)
    concentration_control, dropped_species = _tidy(ccc, "species", conc, zero)
    info = {**info, "zero": zero, "dropped_fluxes": dropped_fluxes,
            "dropped_species": dropped_species}
    return flux_control, concentration_control, info


def summation_check(flux_control: pd.DataFrame,
                    concentration_control: pd.DataFrame) -> pd.DataFrame:
    """Summation theorems: sum over reactions of each flux's FCCs (expected 1) and of
    each species' CCCs (expected 0).

    Returns columns kind ("flux" or "species"), id, total, expected, deviation
    (total - expected).
    """
    parts = []
    for df, key, kind, expected in ((flux_control, "flux", "flux", 1.0),
                                    (concentration_control, "species", "species", 0.0)):
        sums = df.groupby(key, sort=False)["coefficient"].sum()
        parts.append(pd.DataFrame({"kind": kind, "id": sums.index, "total": sums.to_numpy(),
                                   "expected": expected, "deviation": sums.to_numpy() - expected}))
    return pd.concat(parts, ignore_index=True)
