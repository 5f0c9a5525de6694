"""The calibration problems shipped with the project, written as PEtab for our model.

``brannmark2010``: measured insulin-receptor and IRS1 tyrosine phosphorylation
in primary human adipocytes (Brännmark et al. 2010; tables from the PEtab
benchmark collection, BSD 3-clause, in ``data/brannmark2010/``): the time
courses after 100 nM and the 10-min dose-response of IRS1-pY. Their
observables map onto our readouts ``pIR`` (all locations) and ``pIRS1_Y``.

``brannmark2013_standin``: MODEL-DERIVED stand-in data, not measurements: the
10-min insulin dose-responses of the Brännmark 2013 model (BIOMD0000000448,
CC0) for the normal and the type 2 diabetic state, written by
``tools/brannmark2013_standin.py`` into ``data/brannmark2013_standin/``. Two
states: ``normal`` (the model as it is) and ``t2d`` (the parameters of the
cause ``type2_diabetes_adipocyte``); one scale and noise per readout, shared
by both states. It calibrates the downstream part and the T2D cause.

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
        "k_INSR_dephosphorylation": None,
        "k_pINSR_endocytosis": None,
        "k_INSR_endosomal_dephosphorylation_IRS1": None,
        "k_INSR_recycling": None,
        "k_IRS1_Y_phosphorylation": None,
        "k_IRS1_Y_dephosphorylation": None,
        "k_IRS1_Y_phosphorylation_basal": None,
    },
    "brannmark2013_standin": {
        "k_IRS1_S307_by_mTORC1": None,
        "f_IRS1_Y_dephosphorylation_S307": (1e-5, 1.0),
        "k_IRS1_S307_dephosphorylation": None,
        "k_mTORC1_activation": None,
        "kon_PI3K_IRS1": None,
        "k_PI3K_catalysis": None,
        "k_PDK1_AKT_T308": None,
        "k_AKT_T308_dephosphorylation": None,
        "k_mTORC2_AKT_S473": None,
        "k_AKT_S473_dephosphorylation": None,
        "k_AS160_phosphorylation": None,
        "k_AS160_dephosphorylation": None,
        "k_GLUT4_exocytosis_AS160": None,
        "k_GLUT4_exocytosis_basal": None,
        "V_GLUT1": None,
        "k_S6K1_phosphorylation": None,
        "k_S6K1_dephosphorylation": None,
    },
}
STANDIN = DATA / "brannmark2013_standin" / "standin.csv"
T2D_CAUSE = "type2_diabetes_adipocyte"


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


README_2013 = """# Brännmark 2013 stand-in on the insulin-signaling model (PEtab v1)

MODEL-DERIVED DATA, NOT MEASUREMENTS. Written by `python -m analysis
petab-problem brannmark2013_standin` from `data/brannmark2013_standin/standin.csv`,
the 10-min insulin dose-responses that `tools/brannmark2013_standin.py`
simulates with the Brännmark 2013 model (BIOMD0000000448, CC0; Brännmark et
al. 2013, J Biol Chem 288:9867) for its normal state and its type 2 diabetic
state (IR 55 %, GLUT4 50 %, mTORC1-to-IRS1 feedback 0.15). The raw
measurements of that study are not public in machine-readable form; its
fitted model stands in for them. Conditions: `normal__*` is the model as it
is, `t2d__*` sets the parameters of the cause `type2_diabetes_adipocyte`;
each is preequilibrated at insulin 0 (`<state>__basal`). Observables:
`B2013_<readout> = scale_B2013_<readout> * <readout>`, one scale and one noise
per readout shared by both states. Estimated model parameters are on log10
scale; see `parameters.tsv`.
"""


def standin_data(path: Path = STANDIN) -> pd.DataFrame:
    if not path.is_file():
        raise UserError(f"the stand-in data {path} are missing; make them with "
                        "`python tools/brannmark2013_standin.py`")
    return pd.read_csv(path)


def t2d_values() -> dict:
    """Model parameter values of the type 2 diabetes cause (from the catalogue)."""
    from ..catalogue import load_catalogue
    return dict(load_catalogue().scenario(cause=T2D_CAUSE).parameters)


def write_brannmark2013_standin(out: Path | None = None, sbml: Path = SBML,
                                estimate: dict | None = None) -> Path:
    """Write the Brännmark 2013 stand-in problem (normal and T2D) for ``sbml``."""
    out = Path(out) if out else PROBLEMS_DIR / "brannmark2013_standin"
    data = standin_data()
    t2d = t2d_values()
    states = {"normal": {}, "t2d": t2d}
    conditions, observables, measurements, outputs = problem_tables(
        data, "insulin", states=states, defaults=model_values(sbml, t2d))
    spec = estimate if estimate is not None else ESTIMATED["brannmark2013_standin"]
    parameters = parameter_table(estimated_bounds(sbml, spec), outputs)
    return write_problem(out, sbml, conditions, observables, measurements, parameters,
                         README_2013)


SHIPPED = {"brannmark2010": write_brannmark2010,
           "brannmark2013_standin": write_brannmark2013_standin}
