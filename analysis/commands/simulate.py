"""simulate: a time course of one scenario after an insulin step."""
import numpy as np
import pandas as pd

from ..cli import add_model_options, add_output_options, add_scenario_options, analysis
from ..errors import UserError
from ..plots import timecourse_grid
from ..readouts import summarise
from . import common


@analysis("simulate", "time course of a scenario after an insulin step, with its readouts")
def run(args):
    """Settle the scenario at insulin 0, step insulin to --dose, follow the readouts.

    Writes timecourse (scenario, time, readout, value) and readouts (scenario,
    dose, readout, basal, value_at, at_time, peak, time_to_peak,
    time_to_half_max, auc, steady_state: the steady state with insulin held at
    --dose) tables and a figure.
    """
    sim = common.simulator(args)
    name, parameters = common.scenario(args, sim)
    if args.end <= 0 or args.points < 2:
        raise UserError("--end must be > 0 and --points >= 2")
    if not 0 <= args.at <= args.end:
        raise UserError(f"--at {args.at} must lie within 0..--end {args.end}")
    times = np.linspace(0.0, args.end, args.points)
    frame = sim.timecourse(parameters, args.dose, times)
    tidy = (frame.reset_index().melt(id_vars="time", var_name="readout", value_name="value")
            .assign(scenario=name)[["scenario", "time", "readout", "value"]])
    summary = summarise(frame, at=args.at)
    steady = sim.stimulated_steady_state(parameters, args.dose)
    summary["steady_state"] = summary.readout.map(steady)
    summary.insert(0, "scenario", name)
    summary.insert(1, "dose", args.dose)
    meta = common.metadata(args, sim, "simulate", name, parameters,
                           {"dose": args.dose, "times": times, "at": args.at})
    common.write(tidy, args, "timecourse", meta)
    common.write(summary, args, "readouts", meta)
    units, time_unit = common.figure_units(sim)
    title = (f"{name}: {sim.input_id} stepped from 0 to {args.dose:g} "
             f"{units.get(sim.input_id, '')} at t = 0 (after settling at 0)")
    common.save_figure(timecourse_grid(tidy, sim.readouts, units, title, time_unit), args,
                       "timecourse")
    print_summary(summary, name, args.dose)


def print_summary(summary, name, dose):
    at = summary["at_time"].iloc[0]
    print(f"\n{name}: insulin {dose:g} nM")
    table = summary[["readout", "basal", "value_at", "peak", "time_to_peak", "time_to_half_max",
                     "steady_state"]]
    table = table.rename(columns={"value_at": f"at {at:g} min", "time_to_peak": "t_peak",
                                  "time_to_half_max": "t_half"})
    with pd.option_context("display.float_format", "{:.4g}".format, "display.width", 120):
        print(table.to_string(index=False))


def arguments(parser):
    add_model_options(parser)
    add_scenario_options(parser)
    parser.add_argument("--dose", type=float, default=100.0, help="insulin step, nM (default 100)")
    parser.add_argument("--end", type=float, default=60.0, help="end time, min (default 60)")
    parser.add_argument("--points", type=int, default=241, help="output points (default 241)")
    parser.add_argument("--at", type=float, default=10.0, help="readout time, min (default 10)")
    add_output_options(parser, "simulate")


run.arguments = arguments
