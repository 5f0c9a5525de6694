"""simulate: a time course of one scenario after an insulin step."""
from __future__ import annotations

from argparse import ArgumentParser, Namespace

import numpy as np
import pandas as pd

from ..cli import (
    add_model_options,
    add_output_options,
    add_scenario_options,
    dose,
    integer,
    time_minutes,
)
from ..errors import UserError
from ..protocol import DEFAULT
from ..readouts import simulate_scenario
from . import common


def run(args: Namespace) -> int | None:
    """Settle the scenario at insulin 0, step insulin to --dose, follow the readouts.

    Writes timecourse (scenario, time, readout, value) and readouts (scenario,
    dose, readout, basal, value_at, at_time, peak, time_to_peak,
    time_to_half_max, auc, steady_state: the steady state with insulin held at
    --dose) tables and a figure.
    """
    if args.end <= 0 or args.points < 2:
        raise UserError("--end must be > 0 and --points >= 2")
    if not 0 <= args.at <= args.end:
        raise UserError(f"--at {args.at} must lie within 0..--end {args.end}")
    sim = common.simulator(args)
    name, parameters = common.scenario(args, sim)
    times = np.linspace(0.0, args.end, args.points)
    tidy, summary = simulate_scenario(sim, name, parameters, args.dose, times, args.at)
    meta = common.metadata(args, sim, "simulate", name, parameters,
                           {"dose": args.dose, "times": times, "at": args.at})
    common.write(tidy, args, "timecourse", meta)
    common.write(summary, args, "readouts", meta)
    from ..plots import timecourse_grid
    units, time_unit = common.figure_units(sim)
    title = (f"{name}: {sim.input_id} stepped from 0 to {args.dose:g} "
             f"{units.get(sim.input_id, '')} at t = 0 (after settling at 0)")
    common.save_figure(timecourse_grid(tidy, sim.readouts, units, title, time_unit), args,
                       "timecourse")
    print_summary(summary, name, args.dose)


def print_summary(summary: pd.DataFrame, name: str, dose: float) -> None:
    at = summary["at_time"].iloc[0]
    print(f"\n{name}: insulin {dose:g} nM")
    table = summary[["readout", "basal", "value_at", "peak", "time_to_peak", "time_to_half_max",
                     "steady_state"]]
    table = table.rename(columns={"value_at": f"at {at:g} min", "time_to_peak": "t_peak",
                                  "time_to_half_max": "t_half"})
    with pd.option_context("display.float_format", "{:.4g}".format, "display.width", 120):
        print(table.to_string(index=False))


def arguments(parser: ArgumentParser) -> None:
    add_model_options(parser)
    add_scenario_options(parser)
    p = DEFAULT
    parser.add_argument("--dose", type=dose, default=p.stimulus_dose,
                        help=f"insulin step, nM (default {p.stimulus_dose:g})")
    parser.add_argument("--end", type=time_minutes, default=p.timecourse_end,
                        help=f"end time, min (default {p.timecourse_end:g})")
    parser.add_argument("--points", type=integer(2, 100_000, "output points"),
                        default=241, help="output points (default 241)")
    parser.add_argument("--at", type=time_minutes, default=p.readout_time,
                        help=f"readout time, min (default {p.readout_time:g})")
    add_output_options(parser, "simulate")


run.arguments = arguments
