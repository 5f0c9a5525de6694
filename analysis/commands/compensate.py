"""compensate: the insulin needed to restore the healthy response."""
from __future__ import annotations

from argparse import ArgumentParser, Namespace

import pandas as pd

from ..cli import add_model_options, add_output_options, add_scenario_options, real
from ..doseresponse import compensation_table
from ..errors import UserError
from ..protocol import DEFAULT
from . import common


def run(args: Namespace) -> int | None:
    """For each scenario, the insulin concentration at which its readout (--readout-of,
    default glucose_uptake) at --time min reaches the healthy readout at
    --reference-dose, or not_reachable when even --max-dose does not.

    Writes compensation (scenario, readout, reference_dose, time, target,
    dose_needed, fold_of_reference, status).
    """
    if args.reference_dose <= 0 or args.max_dose <= args.reference_dose:
        raise UserError("--reference-dose must be > 0 and below --max-dose")
    sim = common.simulator(args)
    readout = args.readout_of or common.main_readout(sim)
    scenarios = common.scenario_set(args, sim)
    with common.progress_bar(len(scenarios), "compensate") as bar:
        table = compensation_table(sim, scenarios, readout, args.reference_dose, args.time,
                                   args.max_dose, progress=bar)
    settings = {"readout": readout, "reference_dose": args.reference_dose, "time": args.time,
                "max_dose": args.max_dose, "scenarios": scenarios}
    meta = common.metadata(args, sim, "compensate", list(scenarios), None, settings)
    common.write(table, args, "compensation", meta)
    print(f"\ninsulin needed for the healthy {readout} at {args.reference_dose:g} nM "
          f"({table.target.iloc[0]:.4g}):")
    with pd.option_context("display.float_format", "{:.3g}".format, "display.width", 160):
        print(table[["scenario", "dose_needed", "fold_of_reference", "status"]]
              .to_string(index=False))


def arguments(parser: ArgumentParser) -> None:
    add_model_options(parser)
    add_scenario_options(parser)
    common.add_set_options(parser)
    parser.add_argument("--readout-of", help="readout to restore (default glucose_uptake)")
    p = DEFAULT
    parser.add_argument("--reference-dose", type=real(0.0, 1e6, low_open=True, what="nM"),
                        default=p.reference_dose,
                        help="healthy insulin dose whose response is the target, nM "
                             f"(default {p.reference_dose:g})")
    parser.add_argument("--max-dose", type=real(0.0, 1e9, low_open=True, what="nM"),
                        default=p.max_dose,
                        help=f"highest insulin tried, nM (default {p.max_dose:g})")
    common.add_time_option(parser)
    add_output_options(parser, "compensate", resume=True)


run.arguments = arguments
