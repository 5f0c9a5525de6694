"""scan, scan2d: mechanism strengths across their plausible ranges."""
from __future__ import annotations

import textwrap
from argparse import ArgumentParser, Namespace

import pandas as pd

from ..cli import (
    add_catalogue_option,
    add_model_options,
    add_output_options,
    integer,
    non_negative,
    real,
)
from ..errors import UserError, unknown
from ..protocol import DEFAULT
from ..scans import scan_1d, scan_2d, strengths
from . import common


def _mechanism(cat, name):
    if name not in cat.mechanisms:
        if name in cat.causes:
            mechanisms = ", ".join(cat.causes[name].mechanisms)
            raise UserError(f"'{name}' is a cause, not a mechanism: scan one of its mechanisms "
                            f"({mechanisms}) on top of it with --base-cause {name}, or see its "
                            f"dose-response with `dose-response --cause {name}`")
        raise unknown("mechanism", name, list(cat.mechanisms))
    return cat.mechanisms[name]


def _common_arguments(parser, name, points, dest="points", max_points=200):
    add_model_options(parser)
    add_catalogue_option(parser)
    parser.add_argument("--allow-out-of-range", action="store_true",
                        help="accept strengths outside the plausible range")
    parser.add_argument("--points", type=integer(2, max_points, "points"),
                        default=points, dest=dest,
                        help=f"strengths per mechanism (default {points})")
    parser.add_argument("--reference-dose", type=real(0.0, 1e6, low_open=True, what="nM"),
                        default=DEFAULT.reference_dose,
                        help="insulin dose of the single-dose readouts, nM "
                             f"(default {DEFAULT.reference_dose:g})")
    common.add_dose_options(parser)
    common.add_workers_option(parser)
    add_output_options(parser, name, resume=True)


def scan(args: Namespace) -> int | None:
    """Strengths of MECHANISM across its plausible range (or --range); at each, the
    insulin dose-response, its Hill fit and Kahn class, and every readout at
    --reference-dose. Writes points and fits (mechanism, strength, ...,
    ec50_ratio, emax_ratio, kahn_class, value_at_reference) and a figure."""
    sim = common.simulator(args)
    cat = common.catalogue(args)
    mech = _mechanism(cat, args.mechanism_name)
    cat.check_targets(sim.parameter_ids(), [mech.name], [args.base_cause])
    low, high = args.range or (None, None)
    values = strengths(mech, sim.protocol.scan_points, low, high)
    with common.progress_bar(len(values) + 1, f"scan {mech.name}") as bar:
        points, fits = scan_1d(sim, cat, mech.name, values, base=args.base_cause,
                               allow_out_of_range=args.allow_out_of_range, progress=bar,
                               workers=common.workers(args))
    settings = {"mechanism": mech.name, "strengths": values, "base_cause": args.base_cause}
    meta = common.metadata(args, sim, "scan", mech.name, None, settings)
    common.write(points, args, f"scan_{mech.name}_points", meta)
    common.write(fits, args, f"scan_{mech.name}", meta)
    main = common.main_readout(sim)
    import matplotlib.pyplot as plt

    from ..plots import scan_lines
    protocol = sim.protocol
    units, _ = common.figure_units(sim)
    dose_unit = units.get(sim.input_id, "")
    fig, axes = plt.subplots(2, 1, figsize=(8, 7.5))
    other = "pAKT_T308" if "pAKT_T308" in sim.readouts and main != "pAKT_T308" else main
    for ax, readout in zip(axes, (main, other), strict=True):
        scan_lines(fits, readout, ax, protocol.reference_dose, dose_unit, protocol.readout_time)
    fig.suptitle(textwrap.fill(f"{mech.name}: {mech.description}", 110)
                 + f"\nEC50 and Emax of the {sim.input_id} dose-response "
                   f"{protocol.readout_time:g} min after the step; response at "
                   f"{protocol.reference_dose:g} {dose_unit}", fontsize=8)
    fig.tight_layout()
    common.save_figure(fig, args, f"scan_{mech.name}")
    table = fits[(fits.readout == main)][["strength", "ec50", "emax", "ec50_ratio", "emax_ratio",
                                          "kahn_class", "value_at_reference"]]
    with pd.option_context("display.float_format", "{:.3g}".format, "display.width", 160):
        print(f"\n{mech.name} ({mech.kind}), {main}:")
        print(table.to_string(index=False))


def scan_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("mechanism_name", metavar="MECHANISM",
                        help="mechanism name (see `python -m analysis mechanisms`)")
    parser.add_argument("--range", type=non_negative, nargs=2, metavar=("LOW", "HIGH"),
                        help="strengths to scan (default: the plausible range)")
    parser.add_argument("--base-cause", help="scan on top of a cause instead of healthy")
    _common_arguments(parser, "scan", DEFAULT.scan_points, dest="scan_points")


scan.arguments = scan_arguments


def scan2d(args: Namespace) -> int | None:
    """A grid of strengths of MECHANISM_A x MECHANISM_B. For each readout, the
    value at --reference-dose and the fitted Emax as fractions of healthy, the
    product of the two single effects (Bliss), and their ratio: < 1 synergy,
    > 1 masking. Writes grid and points tables and heatmaps."""
    sim = common.simulator(args)
    cat = common.catalogue(args)
    a, b = _mechanism(cat, args.mechanism_a), _mechanism(cat, args.mechanism_b)
    if a.name == b.name:
        raise UserError(f"scan2d needs two different mechanisms, got {a.name} twice")
    cat.check_targets(sim.parameter_ids(), [a.name, b.name])
    values_a, values_b = strengths(a, args.points), strengths(b, args.points)
    with common.progress_bar((len(values_a) + 1) * (len(values_b) + 1), "scan2d") as bar:
        points, grid = scan_2d(sim, cat, a.name, values_a, b.name, values_b,
                               allow_out_of_range=args.allow_out_of_range, progress=bar,
                               workers=common.workers(args))
    settings = {"mechanisms": [a.name, b.name], "strengths_a": values_a, "strengths_b": values_b}
    meta = common.metadata(args, sim, "scan2d", f"{a.name} x {b.name}", None, settings)
    stem = f"scan2d_{a.name}_x_{b.name}"
    common.write(points, args, f"{stem}_points", meta)
    common.write(grid, args, stem, meta)
    main = common.main_readout(sim)
    import matplotlib.pyplot as plt

    from ..plots import heatmap
    protocol = sim.protocol
    units, _ = common.figure_units(sim)
    at = (f"{main} {protocol.readout_time:g} min after {protocol.reference_dose:g} "
          f"{units.get(sim.input_id, '')} {sim.input_id}")
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6))
    heatmap(grid, main, "value_at_reference_fraction", axes[0], f"{at}: fraction of healthy")
    heatmap(grid, main, "value_at_reference_interaction", axes[1],
            f"{at}: synergy < 0 < masking")
    fig.tight_layout()
    common.save_figure(fig, args, stem)
    counts = grid[grid.readout == main].interaction.value_counts().to_dict()
    print(f"\n{a.name} x {b.name}, {main} at {protocol.reference_dose:g} "
          f"{units.get(sim.input_id, '')}: {counts}")


def scan2d_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("mechanism_a", metavar="MECHANISM_A")
    parser.add_argument("mechanism_b", metavar="MECHANISM_B")
    _common_arguments(parser, "scan2d", 6, max_points=50)   # a grid: 51 x 51 scenarios


scan2d.arguments = scan2d_arguments
