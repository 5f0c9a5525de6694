"""dose-response: insulin dose-responses, Hill fits and Kahn's classes."""
from __future__ import annotations

from argparse import ArgumentParser, Namespace

import pandas as pd

from ..cli import add_model_options, add_output_options, add_scenario_options, positive
from ..doseresponse import dose_response
from ..protocol import DEFAULT
from . import common

KAHN_COLUMNS = ["scenario", "basal", "emax", "ec50", "hill", "r2", "ec50_ratio", "emax_ratio",
                "kahn_class", "status"]


def run(args: Namespace) -> int | None:
    """Simulate each scenario at log-spaced insulin doses (readouts --time min after
    the step), fit a four-parameter Hill curve per readout and classify each
    scenario against healthy: reduced_sensitivity (EC50 ratio > --ec50-threshold),
    reduced_responsiveness (Emax ratio < --emax-threshold), both, or none.

    Writes points (scenario, dose, readout, value, basal, status, message) and
    fits (scenario, readout, basal, emax, ec50, hill, r2, rmse, status, message,
    n_doses, basal_observed, ec50_ratio, emax_ratio, delta_ratio, kahn_class).
    """
    sim = common.simulator(args)
    scenarios = common.scenario_set(args, sim)
    with common.progress_bar(len(scenarios), "dose-response") as bar:
        points, fits = dose_response(sim, scenarios, progress=bar, workers=common.workers(args))
    settings = {"doses": sim.protocol.doses, "time": sim.protocol.readout_time,
                "scenarios": scenarios}
    meta = common.metadata(args, sim, "dose-response", list(scenarios), None, settings)
    common.write(points, args, "points", meta)
    common.write(fits, args, "fits", meta)
    main = common.main_readout(sim)
    figure_readouts = [r for r in (main, "pAKT_T308") if r in sim.readouts]
    from ..plots import dose_response_figure
    units, _ = common.figure_units(sim)
    protocol = sim.protocol
    title = (f"{sim.input_id} dose-response: readouts {protocol.readout_time:g} min after the "
             f"step ({len(protocol.doses)} doses)")
    common.save_figure(dose_response_figure(points, fits, figure_readouts, title, units,
                                            sim.input_id, protocol.readout_time),
                       args, "dose_response")
    failures = int((points.status != "ok").sum())
    print_kahn(fits, main)
    if failures:
        print(f"{failures} simulation(s) failed; see the status column of points")


def print_kahn(fits: pd.DataFrame, readout: str) -> None:
    table = fits[fits.readout == readout][KAHN_COLUMNS]
    print(f"\nKahn classification of {readout} (healthy = reference):")
    with pd.option_context("display.float_format", "{:.3g}".format, "display.width", 160,
                           "display.max_colwidth", 45):
        print(table.to_string(index=False))


def add_kahn_options(parser: ArgumentParser) -> None:
    p = DEFAULT
    parser.add_argument("--ec50-threshold", type=positive, default=p.ec50_ratio_threshold,
                        help="EC50 ratio above which sensitivity is reduced "
                             f"(default {p.ec50_ratio_threshold:g})")
    parser.add_argument("--emax-threshold", type=positive, default=p.emax_ratio_threshold,
                        help="Emax ratio below which responsiveness is reduced "
                             f"(default {p.emax_ratio_threshold:g})")


def arguments(parser: ArgumentParser) -> None:
    add_model_options(parser)
    add_scenario_options(parser)
    common.add_set_options(parser)
    common.add_dose_options(parser)
    common.add_workers_option(parser)
    add_kahn_options(parser)
    add_output_options(parser, "dose-response", resume=True)


run.arguments = arguments
