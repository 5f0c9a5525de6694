"""The calibration problems shipped with the project, written as PEtab for our model.

``brannmark2010``: measured insulin-receptor and IRS1 tyrosine phosphorylation
in primary human adipocytes (Brännmark et al. 2010; tables from the PEtab
benchmark collection, BSD 3-clause, in ``data/brannmark2010/``): the time
courses after 100 nM and the 10-min dose-response of IRS1-pY. Their
observables map onto our readouts ``pIR`` (all locations) and ``pIRS1_Y``.

The estimated model parameters and their bounds are listed in
:data:`ESTIMATED` (per problem); everything else keeps its value from
``models/parameters.csv`` as exported in the SBML.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import UserError
from ..petab_io import parameter_table, problem_tables, write_problem
from ..resources import DEFAULT_SBML as SBML

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"          # the repository's data folder (not in a wheel)
PROBLEMS_DIR = DATA / "petab"

# their observable -> (our readout, dataset label)
BRANNMARK2010_READOUTS = {"IR1_P": "pIR", "IRS1_P": "pIRS1_Y", "IRS1_P_DosR": "pIRS1_Y"}
BOUND_FOLD = 100.0

# model parameters estimated per problem: {id: (lower, upper)} or None for
# nominal / BOUND_FOLD .. nominal * BOUND_FOLD
ESTIMATED = {
    "brannmark2010": {
        "kon_INS_site1": None,
        "k_INSR_autophosphorylation": None,
        "k_INSR_dephosphorylation": None,
        "k_INSR_endosomal_dephosphorylation": None,
        "k_pINSR_endocytosis": None,
        "k_pINSR_recycling": None,
        "k_IRS1_Y_phosphorylation": None,
        "k_IRS1_Y_dephosphorylation": None,
    },
}


def brannmark2010_data(folder: Path = DATA / "brannmark2010") -> pd.DataFrame:
    """Tidy table (readout, dose, time, value, dataset) of the Brännmark 2010 data."""
    if not folder.is_dir():
        raise UserError(f"the shipped data folder {folder} is missing (a checkout of the "
                        "repository has it; an installed package does not)")
    measurements = pd.read_csv(folder / "measurementData_Brannmark_JBC2010.tsv", sep="\t")
    conditions = pd.read_csv(folder / "experimentalCondition_Brannmark_JBC2010.tsv", sep="\t")
    dose = dict(zip(conditions.conditionId, conditions.insulin_dose_1, strict=True))
    return pd.DataFrame({
        "readout": measurements.observableId.map(BRANNMARK2010_READOUTS),
        "dose": measurements.simulationConditionId.map(dose).astype(float),
        "time": measurements.time.astype(float),
        "value": measurements.measurement.astype(float),
        "dataset": measurements.observableId,
    })


def model_values(sbml: Path, ids) -> dict:
    import libsbml
    model = libsbml.readSBMLFromFile(str(sbml)).getModel()
    out = {}
    for pid in ids:
        parameter = model.getParameter(pid)
        if parameter is None:
            raise UserError(f"parameter '{pid}' is not in {sbml}")
        out[pid] = parameter.getValue()
    return out


def estimated_bounds(sbml: Path, spec: dict) -> dict:
    """{id: (nominal, lower, upper)} from the SBML values and ``spec``."""
    nominal = model_values(sbml, spec)
    out = {}
    for pid, bounds in spec.items():
        value = nominal[pid]
        low, high = bounds or (value / BOUND_FOLD, value * BOUND_FOLD)
        out[pid] = (value, low, high)
    return out


README_2010 = """# Brännmark 2010 on the insulin-signaling model (PEtab v1)

Written by `python -m analysis petab-problem brannmark2010` from
`data/brannmark2010/` (measured; Brännmark et al. 2010, J Biol Chem
285:20171; tables from the PEtab benchmark collection, BSD 3-clause) and the
project's SBML (copied here as `model.xml`). Conditions: `basal` (insulin 0)
is the preequilibration of every measurement; `dose_<x>` steps insulin to x nM.
Observables: `IR1_P = scale_IR1_P * pIR`, `IRS1_P = scale_IRS1_P * pIRS1_Y`
(time courses after 100 nM), `IRS1_P_DosR = scale_IRS1_P_DosR * pIRS1_Y`
(10 min after each dose), each with its own noise `sigma_<dataset>`.
Estimated model parameters are on log10 scale; see `parameters.tsv`.
"""


def write_brannmark2010(out: Path | None = None, sbml: Path = SBML,
                        estimate: dict | None = None) -> Path:
    """Write the Brännmark 2010 problem for ``sbml``; returns the YAML path."""
    out = Path(out) if out else PROBLEMS_DIR / "brannmark2010"
    data = brannmark2010_data()
    conditions, observables, measurements, outputs = problem_tables(data, "insulin")
    spec = estimate if estimate is not None else ESTIMATED["brannmark2010"]
    parameters = parameter_table(estimated_bounds(sbml, spec), outputs)
    return write_problem(out, sbml, conditions, observables, measurements, parameters,
                         README_2010)


SHIPPED = {"brannmark2010": write_brannmark2010}
