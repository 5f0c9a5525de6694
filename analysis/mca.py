"""Metabolic control analysis (MCA) at the insulin-stimulated steady state.

The steady state is the engine's: settle the scenario to its basal state
(insulin 0), step insulin to ``dose``, simulate ``Protocol.settle_time``
min, then polish with ``RoadRunner.steadyState()`` on a RoadRunner loaded with
conserved-moiety analysis (its Newton solver needs it when the network has
moiety cycles). That RoadRunner is built from a copy of the SBML in which the
scenario's parameter values and the dose are written in and every floating
species starts at its basal steady-state value (so the conserved totals are
those of the engine's run; libroadrunner 2.10 also cannot take the Jacobian of
species set by initial assignments).

The control coefficients are computed here, not by libroadrunner: its
``getScaled*ControlCoefficientMatrix`` (and the unscaled ones) are wrong in
2.10 when the network has conserved moieties and compartments are not of size
1 (on our model at 1 nM, 2683 of 14514 flux control coefficients off by more
than 0.01 from COPASI, up to 0.72). In amounts n (the state SBML integrates),
with N the stoichiometry, E = dv/dn the elasticities (a 4-point central
difference of the reaction rates, exact for mass action up to round-off), N_R
the linearly independent rows of N and G a basis of the conservation
relations (G N = 0):

    [N_R E; G] C_n = -[N_R; 0]        (unscaled concentration control, dn/dv)
    C_J = I + E C_n                   (unscaled flux control, dJ/dv)

and the scaled coefficients are C_J[i, j] v_j / J_i and C_n[i, j] v_j / n_i
(the same for concentrations: volumes are constant). They match COPASI's MCA
task and a brute-force perturbation of each rate law (tests/test_mca.py).

Scaled coefficients divide by the steady-state flux J (flux control) or
concentration S (concentration control) of their row, so a row whose J or S is
~0 is undefined: such rows are dropped, and listed in the info. "~0" means |J|
or |S| <= ``zero`` (default 1e-9, in the model's amount per time, or its
concentration unit). Reaction columns are all kept: a column is scaled by its own
rate v, so a reaction with v = 0 has coefficients 0 (defined), and keeping
every column keeps the summation theorems exact on the rows kept (sum of FCCs
1, of CCCs 0).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import libsbml
import numpy as np
import pandas as pd
import roadrunner
import scipy.linalg

from .backends.base import SimulationError
from .backends.roadrunner import tolerance_vector
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
    integrator.absolute_tolerance = tolerance_vector(rr, sim.tolerances["absolute"])
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


STEP = 1e-4  # relative finite-difference step of the elasticities


def _rows(values, names, wanted):
    index = {name: i for i, name in enumerate(names)}
    return np.asarray(values)[[index[w] for w in wanted]]


def elasticities(rr: roadrunner.RoadRunner, amounts: np.ndarray | Sequence[float],
                 step: float = STEP, progress: Callable[[int], Any] | None = None
                 ) -> np.ndarray:
    """Unscaled elasticities dv/dn (reactions x floating species, in amounts) of
    the plain RoadRunner ``rr`` at ``amounts``: 4-point central differences."""
    amounts = np.asarray(amounts, dtype=float)
    floor = 1e-6 * max(float(np.max(np.abs(amounts))), 1e-300) if amounts.size else 1.0
    model = rr.model

    def rates(state):
        model.setFloatingSpeciesAmounts(state)
        return np.asarray(model.getReactionRates(), dtype=float)

    E = np.zeros((model.getNumReactions(), amounts.size))
    for k in range(amounts.size):
        h = step * max(abs(amounts[k]), floor)
        e = np.zeros(amounts.size)
        e[k] = h
        E[:, k] = (-rates(amounts + 2 * e) + 8 * rates(amounts + e)
                   - 8 * rates(amounts - e) + rates(amounts - 2 * e)) / (12 * h)
        if progress:
            progress(1)
    model.setFloatingSpeciesAmounts(amounts)
    return E


def unscaled_control(N: np.ndarray, E: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(C_n, C_J): unscaled concentration (dn/dv, amounts) and flux (dJ/dv) control
    matrices from the stoichiometry N (species x reactions) and elasticities E
    (reactions x species), conservation relations included (module docstring)."""
    species, reactions = N.shape
    rank = np.linalg.matrix_rank(N)
    u, _, _ = np.linalg.svd(N)
    conservation = u[:, rank:].T                       # G N = 0
    _, _, pivots = scipy.linalg.qr(N.T, pivoting=True)
    independent = N[np.sort(pivots[:rank])]            # N_R
    M = np.vstack([independent @ E, conservation])
    rhs = np.vstack([independent, np.zeros((species - rank, reactions))])
    try:
        Cn = -np.linalg.solve(M, rhs)
    except np.linalg.LinAlgError:
        raise UserError("the steady state is singular (its reduced Jacobian cannot be "
                        "inverted); control coefficients are undefined there") from None
    return Cn, np.eye(reactions) + E @ Cn


def _tidy(matrix, rows, cols, row_name, magnitudes, zero):
    """(tidy frame, dropped row ids): rows with |magnitude| <= zero dropped."""
    keep = [i for i, r in enumerate(rows) if abs(magnitudes[i]) > zero]
    dropped = [r for i, r in enumerate(rows) if abs(magnitudes[i]) <= zero]
    frame = pd.DataFrame({row_name: np.repeat([rows[i] for i in keep], len(cols)),
                          "reaction": np.tile(cols, len(keep)),
                          "coefficient": matrix[keep].ravel()})
    return frame, dropped


def control_coefficients(sim: Backend, parameters: Mapping[str, float] | None = None,
                         dose: float | None = None, zero: float = ZERO,
                         progress: Callable[[int], Any] | None = None
                         ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """(flux_control, concentration_control, info) at the insulin-stimulated steady state.

    flux_control: columns flux, reaction, coefficient (scaled FCC, dln J_flux / dln v_reaction);
    concentration_control: columns species, reaction, coefficient (scaled CCC,
    dln [species] / dln v_reaction). info: ``steady_state_runner``'s info plus
    zero, dropped_fluxes and dropped_species (rows left out, see module docstring).
    ``progress(n)``, if given, is called as work is done: 2 for the two steady
    states, then 1 per species (elasticities), then 1 for the solve
    (``progress_steps(sim)`` in all).
    """
    step = progress or (lambda n: None)
    rr, info = steady_state_runner(sim, parameters, dose)
    step(2)
    ids = list(rr.model.getFloatingSpeciesIds())
    amounts = dict(zip(ids, rr.model.getFloatingSpeciesAmounts(), strict=True))
    try:
        plain = roadrunner.RoadRunner(rr.getCurrentSBML())
    except Exception as exc:
        raise UserError(f"libroadrunner cannot load the MCA model: {_one_line(exc)}") from None
    species = list(plain.model.getFloatingSpeciesIds())
    reactions = list(plain.model.getReactionIds())
    n = np.array([amounts[s] for s in species])
    stoichiometry = plain.getFullStoichiometryMatrix()
    N = _rows(stoichiometry, list(stoichiometry.rownames), species)
    N = N[:, [list(stoichiometry.colnames).index(r) for r in reactions]]
    E = elasticities(plain, n, progress=step)
    v = np.asarray(plain.model.getReactionRates(), dtype=float)
    concentrations = np.asarray(plain.model.getFloatingSpeciesConcentrations(), dtype=float)
    Cn, CJ = unscaled_control(N, E)
    step(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        fcc = CJ * v[None, :] / v[:, None]
        ccc = Cn * v[None, :] / n[:, None]
    flux_control, dropped_fluxes = _tidy(fcc, reactions, reactions, "flux", v, zero)
    concentration_control, dropped_species = _tidy(ccc, species, reactions, "species",
                                                   concentrations, zero)
    info = {**info, "zero": zero, "dropped_fluxes": dropped_fluxes,
            "dropped_species": dropped_species, "elasticity_step": STEP,
            "method": "stoichiometry, conservation relations and finite-difference elasticities"}
    return flux_control, concentration_control, info


def progress_steps(sim: Backend) -> int:
    """Number of progress units ``control_coefficients`` reports for ``sim``'s model."""
    return 3 + len(sim.model.species())


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
