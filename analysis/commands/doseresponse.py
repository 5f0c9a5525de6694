"""dose-response: insulin dose-responses, Hill fits and Kahn's classes."""
import pandas as pd

from ..cli import add_model_options, add_output_options, add_scenario_options, analysis
from ..doseresponse import dose_response, log_doses
from ..plots import dose_response_figure
from . import common

KAHN_COLUMNS = ["scenario", "basal", "emax", "ec50", "hill", "r2", "ec50_ratio", "emax_ratio",
                "kahn_class", "status"]


@analysis("dose-response", "insulin dose-responses, Hill fits (EC50, Emax, Hill) and Kahn's classes")
def run(args):
    """Simulate each scenario at log-spaced insulin doses (readouts --time min after
    the step), fit a four-parameter Hill curve per readout and classify each
    scenario against healthy: reduced_sensitivity (EC50 ratio > --ec50-threshold),
    reduced_responsiveness (Emax ratio < --emax-threshold), both, or none.

    Writes points (scenario, dose, readout, value, basal, status, message) and
    fits (scenario, readout, basal, emax, ec50, hill, r2, rmse, status, message,
    n_doses, basal_observed, ec50_ratio, emax_ratio, delta_ratio, kahn_class).
    """
    sim = common.simulator(args)
    doses = log_doses(args.doses, *args.dose_range)
    scenarios = common.scenario_set(args, sim)
    with common.progress_bar(len(scenarios), "dose-response") as bar:
        points, fits = dose_response(sim, scenarios, doses, args.time, progress=bar,
                                     workers=common.workers(args),
                                     ec50_threshold=args.ec50_threshold,
                                     emax_threshold=args.emax_threshold)
    settings = {"doses": doses, "time": args.time, "ec50_threshold": args.ec50_threshold,
                "emax_threshold": args.emax_threshold, "scenarios": scenarios}
    meta = common.metadata(args, sim, "dose-response", list(scenarios), None, settings)
    common.write(points, args, "points", meta)
    common.write(fits, args, "fits", meta)
    main = common.main_readout(sim)
    figure_readouts = [r for r in (main, "pAKT_T308") if r in sim.readouts]
    units, _ = common.figure_units(sim)
    title = (f"{sim.input_id} dose-response: readouts {args.time:g} min after the step "
             f"({len(doses)} doses)")
    common.save_figure(dose_response_figure(points, fits, figure_readouts, title, units,
                                            sim.input_id, args.time), args, "dose_response")
    failures = int((points.status != "ok").sum())
    print_kahn(fits, main)
    if failures:
        print(f"{failures} simulation(s) failed; see the status column of points")


def print_kahn(fits, readout):
    table = fits[fits.readout == readout][KAHN_COLUMNS]
    print(f"\nKahn classification of {readout} (healthy = reference):")
    with pd.option_context("display.float_format", "{:.3g}".format, "display.width", 160,
                           "display.max_colwidth", 45):
        print(table.to_string(index=False))


def arguments(parser):
    add_model_options(parser)
    add_scenario_options(parser)
    common.add_set_options(parser)
    common.add_dose_options(parser)
    common.add_workers_option(parser)
    parser.add_argument("--ec50-threshold", type=float, default=1.25,
                        help="EC50 ratio above which sensitivity is reduced (default 1.25)")
    parser.add_argument("--emax-threshold", type=float, default=0.8,
                        help="Emax ratio below which responsiveness is reduced (default 0.8)")
    add_output_options(parser, "dose-response")


run.arguments = arguments
