"""local-sensitivity: scaled sensitivity coefficients of every readout to every parameter."""
from __future__ import annotations

import textwrap
from argparse import ArgumentParser, Namespace
from typing import TYPE_CHECKING

import pandas as pd

from ..cli import add_model_options, add_output_options, add_scenario_options, dose, integer, real
from ..errors import UserError
from ..local_sensitivity import (
    DOSE_RESPONSE_READOUT,
    check_parameters,
    scaled_sensitivities,
    time_measure,
    top_coefficients,
)
from ..protocol import DEFAULT
from . import common

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ..backends.base import Backend


def run(args: Namespace) -> int | None:
    """Perturb each kinetic parameter and scale factor (every constant parameter but
    the inputs and those equal to 0, or the --parameter ids) by exp(+-STEP) and
    take the central difference of ln(readout): the readouts --time min after
    stepping insulin to --dose, at the insulin-stimulated steady state, and the
    EC50 and Emax of the glucose-uptake dose-response (--doses over --dose-range).

    Writes local_sensitivity (parameter, readout, measure, coefficient, value,
    status) and one heatmap per measure.
    """
    if args.top < 1:
        raise UserError(f"--top {args.top}: show at least one parameter")
    sim = common.simulator(args)
    name, scenario = common.scenario(args, sim)
    parameters = check_parameters(sim, args.parameter)
    doses = sim.protocol.doses
    from tqdm import tqdm
    with tqdm(total=len(parameters), desc="local-sensitivity", unit="parameter", leave=False,
              dynamic_ncols=True) as bar:
        table = scaled_sensitivities(sim, parameters, args.dose, args.time, args.step, scenario,
                                     doses=doses, progress=bar)
    settings = {"dose": args.dose, "time": args.time, "step": args.step,
                "method": "central difference in ln(parameter), error O(step^2)",
                "ec50_doses": doses, "perturbed": parameters}
    meta = common.metadata(args, sim, "local-sensitivity", name, scenario, settings)
    common.write(table, args, "local_sensitivity", meta)
    import matplotlib.pyplot as plt

    from ..sensitivity_plots import sensitivity_heatmap
    units, _ = common.figure_units(sim)
    for measure in table.measure.unique():
        part = table[table.measure == measure]
        height = 2.0 + 0.22 * min(args.top, part.parameter.nunique())
        fig, ax = plt.subplots(figsize=(2.5 + 0.45 * part.readout.nunique(), height))
        sensitivity_heatmap(table, measure, ax=ax, top=args.top,
                            title=measure_title(measure, args, sim, units, len(doses)))
        common.save_figure(fig, args, f"local_sensitivity_{measure}")
    bad = int((table.status != "ok").sum())
    readout = DOSE_RESPONSE_READOUT if DOSE_RESPONSE_READOUT in sim.readouts else sim.readouts[0]
    measure = time_measure(args.time)
    top = top_coefficients(table, readout, measure, 10)
    print(f"\ntop 10 |d ln {readout} / d ln p|, {measure} after {args.dose:g} nM insulin "
          f"({name}):")
    with pd.option_context("display.float_format", "{:.4g}".format, "display.width", 160):
        print(top[["parameter", "coefficient", "value"]].to_string(index=False))
    if bad:
        print(f"{bad} coefficient(s) undefined; see the status column")


def measure_title(measure: str, args: Namespace, sim: Backend, units: Mapping[str, str],
                  n_doses: int) -> str:
    """The figure title of one measure: what was read out, at which dose and time."""
    dose = f"{args.dose:g} {units.get(sim.input_id, '')} {sim.input_id}"
    if measure == "steady_state":
        when = f"steady state with {dose}"
    elif measure in ("ec50", "emax"):
        when = f"{measure} of the {args.time:g}-min dose-response ({n_doses} doses)"
    else:
        when = f"{args.time:g} min after the step to {dose}"
    return textwrap.fill(f"scaled sensitivities: {when}", 45)


def arguments(parser: ArgumentParser) -> None:
    add_model_options(parser)
    add_scenario_options(parser)
    common.add_dose_options(parser)
    parser.add_argument("--dose", type=dose, default=DEFAULT.reference_dose,
                        help="insulin step for the time and steady-state measures, nM "
                             f"(default {DEFAULT.reference_dose:g})")
    parser.add_argument("--step", type=real(0.0, 0.5, low_open=True), default=1e-3,
                        help="log-space perturbation: p * exp(+-STEP) (default 1e-3)")
    parser.add_argument("--parameter", action="append", metavar="ID",
                        help="perturb only this parameter (repeatable; default: all kinetic "
                             "parameters and scale factors)")
    parser.add_argument("--top", type=integer(1, 10_000), default=30,
                        help="parameters shown per heatmap (default 30)")
    add_output_options(parser, "local-sensitivity")


run.arguments = arguments
