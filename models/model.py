"""The insulin-signaling model: one function composes the pathway modules.

    receptor  -> irs -> pi3k -> akt -> feedback (mTORC1 -> IRS1 S307, positive;
                                                 S6K1 -> IRS1 S636, negative)
                                    -> glut4 (AS160, GLUT4 traffic, uptake)
    stress (TNF-alpha, FFA -> JNK1, IKKbeta, PKCtheta -> IRS1 S636)
    exercise (AMPK -> GLUT4)
    erk (SHC1 -> ERK: the mitogenic branch)

Time in minutes, concentrations in nM per litre of cytosol (compartments.py).
"""
from __future__ import annotations

from typing import Any

from pysb import Expression, Model

from . import akt, erk, exercise, feedback, glut4, irs, pi3k, receptor, stress
from .parameters import TABLE, ParameterBook
from .shared import add, observable

MODULES = (receptor, irs, pi3k, akt, feedback, glut4, stress, exercise, erk)
INPUTS = ("insulin", "glucose", "TNFa", "FFA", "AMPK_activity")
OPTIONS = {"name": "insulin_signaling", "parameter_table": TABLE}

# name -> (monomer, site conditions): what a biologist would measure
OBSERVABLES = {
    "pIR": ("INSR", {"y1150": "p"}),
    "pIRS1_Y": ("IRS1", {"y612": "p"}),
    "pIRS1_S307": ("IRS1", {"s307": "p"}),
    "pIRS1_S636": ("IRS1", {"s636": "p"}),
    "PIP3": ("PtdIns", {"p3": "p", "p5": "p"}),
    "pAKT_T308": ("AKT2", {"t308": "p"}),
    "pAKT_S473": ("AKT2", {"s473": "p"}),
    "pAS160": ("TBC1D4", {"t642": "p"}),
    "pS6K1": ("RPS6KB1", {"t389": "p"}),
    "GLUT4_membrane": ("GLUT4", {"loc": "pm"}),
    "GLUT4_total": ("GLUT4", {}),
    "IR_surface": ("INSR", {"loc": "pm"}),
    "IR_internal": ("INSR", {"loc": "endo"}),
    "IR_total": ("INSR", {}),
    "IR_insulin_bound": ("INSR", {"a1": ("ANY",)}),
    "IRS1_total": ("IRS1", {}),
    "IRS1_PI3K": ("PI3K", {"irs": ("ANY",)}),
    "PIP2": ("PtdIns", {"p3": "u", "p5": "p"}),
    "AKT2_membrane": ("AKT2", {"ph": ("ANY",)}),
    "pmTORC1": ("MTORC1", {"s2448": "p"}),
    "pJNK1": ("MAPK8", {"t183": "p"}),
    "pIKKbeta": ("IKBKB", {"s177": "p"}),
    "pPKCtheta": ("PRKCQ", {"t538": "p"}),
    "pAMPK": ("PRKAA2", {"t172": "p"}),
    "pSHC1": ("SHC1", {"y317": "p"}),
    "pERK": ("MAPK1", {"t185": "p"}),
}


class BuildOptionError(TypeError):
    """build_model was called with an option it does not know."""


def build_model(**options: Any) -> Model:
    """Build the PySB model. Options: ``name``, ``parameter_table`` (a CSV path)."""
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise BuildOptionError(f"build_model got unknown option(s) {', '.join(unknown)}; "
                               f"accepted: {', '.join(OPTIONS)}")
    settings = {**OPTIONS, **options}
    model = Model(settings["name"], _export=False)
    model.parameter_table = settings["parameter_table"]   # the exporter reads names and units
    p = ParameterBook(model, settings["parameter_table"])
    for name in INPUTS + tuple(n for n in p.records if n.startswith("scale_")):
        p[name]
    for module in MODULES:
        module.monomers(model)
    for module in MODULES:
        module.initials(model, p)
        module.rules(model, p)
    declare_observables(model, p)
    return model


def _pattern(model, monomer, conditions):
    from pysb import ANY
    sites = {s: (ANY if v == ("ANY",) else v) for s, v in conditions.items()}
    return model.monomers[monomer](**sites)


def declare_observables(model: Model, p: ParameterBook) -> None:
    for name, (monomer, conditions) in OBSERVABLES.items():
        observable(model, name, _pattern(model, monomer, conditions))
    obs = model.observables
    add(model, Expression("GLUT4_membrane_fraction",
                          obs["GLUT4_membrane"] / obs["GLUT4_total"], _export=False))
    glucose = p["glucose"]
    # nM/min per litre of cytosol: GLUT4 at the membrane plus GLUT1
    add(model, Expression(
        "glucose_uptake",
        p["k_GLUT4_transport"] * obs["GLUT4_membrane"] * glucose / (p["Km_GLUT4"] + glucose)
        + p["V_GLUT1"] * glucose / (p["Km_GLUT1"] + glucose), _export=False))
