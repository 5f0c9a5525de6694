"""demo: the healthy model at a glance (what `make demo` runs)."""
from __future__ import annotations

import os
from argparse import Namespace

import numpy as np
import pandas as pd

from ..backends import create
from ..resources import DEFAULT_SBML


def network_size(path: str | os.PathLike) -> str:
    import libsbml
    model = libsbml.readSBMLFromFile(str(path)).getModel()
    return (f"{model.getNumSpecies()} species, {model.getNumReactions()} reactions, "
            f"{model.getNumParameters()} parameters "
            f"({model.getNumRules()} assignment rules for observables and expressions)")


def run(args: Namespace) -> int | None:
    """Network size, basal and 10-min values of the main readouts (1 and 100 nM), the
    dose-response of every cause, and the report."""
    print(f"model: {DEFAULT_SBML}")
    print(f"network: {network_size(DEFAULT_SBML)}")
    sim = create()
    p = sim.protocol
    times = np.array([0.0, p.readout_time])
    table = pd.DataFrame({"basal": sim.timecourse({}, 0.0, times).iloc[0]})
    for dose in (p.reference_dose, p.stimulus_dose):
        table[f"{p.readout_time:g} min, {dose:g} nM"] = sim.timecourse({}, dose, times).iloc[-1]
    print("\nhealthy, settled at insulin 0, then an insulin step (concentrations in nM per litre "
          "of cytosol; glucose_uptake in nM/min):")
    table = table.mask(table.abs() < 1e-15, 0.0)   # solver round-off around zero
    with pd.option_context("display.float_format", "{:.4g}".format):
        print(table.to_string())
    from ..cli import main
    print("\n== dose-response of every cause (results/dose-response) ==")
    status = main(["dose-response", "--all-causes", "--out", "results/dose-response"])
    if status == 0:
        print("\n== report (results/report/index.html) ==")
        status = main(["report", "--out", "results/report"])
    return status


run.arguments = lambda parser: None
