"""attribute: which mechanism, how strong, explains an observed resistant response."""
from __future__ import annotations

from argparse import ArgumentParser, Namespace

import pandas as pd

from ..attribution import Observation, attribute
from ..cli import add_catalogue_option, add_model_options, add_output_options
from ..errors import UserError
from . import common


def run(args: Namespace) -> int | None:
    """Give what was observed — Kahn's ratios to healthy (--ec50-ratio, --emax-ratio)
    or measured points (--points FILE, a CSV with columns dose,value of
    --readout-of) — and each mechanism's strength is fitted within its plausible
    range; the table ranks mechanisms by misfit, with the fitted strength and the
    EC50 and Emax ratios it gives."""
    sim = common.simulator(args)
    readout = args.readout_of or common.main_readout(sim)
    if readout not in sim.readouts:
        raise UserError(f"readout '{readout}' is not recorded; recorded: {', '.join(sim.readouts)}")
    points = None
    if args.points:
        try:
            points = pd.read_csv(args.points)
        except (OSError, ValueError) as exc:
            raise UserError(f"cannot read --points {args.points}: {exc}") from None
    observation = Observation(args.ec50_ratio, args.emax_ratio, points)
    cat = common.catalogue(args)
    cat.check_targets(sim.parameter_ids())
    with common.progress_bar(len(cat.mechanisms), "attribute") as bar:
        table = attribute(sim, cat, observation, readout, tolerance=args.tolerance,
                          progress=bar)
    settings = {"ec50_ratio": args.ec50_ratio, "emax_ratio": args.emax_ratio,
                "points": None if points is None else points.to_dict("list"), "readout": readout,
                "tolerance": args.tolerance}
    meta = common.metadata(args, sim, "attribute", "observed", None, settings)
    common.write(table, args, "attribution", meta)
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 0.3 * len(table) + 1.5))
    part = table.iloc[::-1]
    ax.barh(part.mechanism, part.misfit, color=["C2" if e else "C7" for e in part.explains])
    ax.set_xscale("log")
    ax.set_xlabel("misfit (green: explains the observation)")
    ax.set_title(f"which mechanism explains the observed {readout}?")
    fig.tight_layout()
    common.save_figure(fig, args, "attribution")
    with pd.option_context("display.float_format", "{:.3g}".format, "display.width", 160):
        print(table.to_string(index=False))


def arguments(parser: ArgumentParser) -> None:
    add_model_options(parser)
    add_catalogue_option(parser)
    parser.add_argument("--ec50-ratio", type=float, help="observed EC50 / healthy EC50")
    parser.add_argument("--emax-ratio", type=float, help="observed Emax / healthy Emax")
    parser.add_argument("--points", metavar="FILE", help="observed dose-response, CSV dose,value")
    parser.add_argument("--readout-of", help="readout observed (default glucose_uptake)")
    parser.add_argument("--tolerance", type=float, default=1e-3,
                        help="misfit below which a mechanism 'explains' it (default 1e-3)")
    common.add_dose_options(parser)
    add_output_options(parser, "attribute")


run.arguments = arguments
