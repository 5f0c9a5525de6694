"""calibrate: fit a PEtab problem (multi-start, pyPESTO) and profile the parameters."""
from pathlib import Path

import pandas as pd

from ..cli import add_output_options, integer
from ..errors import UserError
from . import common


def run(args):
    """Fit PROBLEM (a PEtab v1 YAML that targets an SBML model, or the name of a
    shipped problem: brannmark2010, brannmark2013_standin) by multi-start local
    optimization (pyPESTO, L-BFGS-B), dataset scales and noise in closed form;
    then profile each fitted parameter for a 95 % interval. Writes starts
    (waterfall), parameters (estimate, bounds, interval, identifiability), fit
    (data and simulation per measurement), r2 (per dataset), profiles, curves,
    figures; with --apply, parameters.csv: a copy of the parameter table with
    the fitted values and their source."""
    from ..calibration.multistart import FitSettings
    from ..calibration.pipeline import calibrate
    from ..calibration.profiles import ProfileSettings
    from ..parallel import connect

    yaml = problem_path(args.problem)
    workers = common.workers(args)
    table = Path(args.parameter_table) if args.apply else None
    if table is not None and not table.is_file():
        raise UserError(f"--parameter-table {table} not found")
    common.check_out(args)
    fit = FitSettings(starts=args.starts, seed=args.seed, max_iterations=args.max_iterations,
                      hierarchical=not args.no_hierarchical)
    profile = None if args.no_profile else ProfileSettings(
        max_iterations=args.profile_max_iterations)
    client = connect(args.scheduler) if args.scheduler else None
    try:
        where = f"Dask scheduler {args.scheduler}" if client else f"{workers} local worker(s)"
        print(f"calibrate {yaml}: {args.starts} start(s) on {where}")
        result = calibrate(yaml, args.out, fit, profile, workers, client, args.resume)
    finally:
        if client is not None:
            client.close()
    write_outputs(args, yaml, result, table)


def problem_path(name):
    from ..calibration.shipped import PROBLEMS_DIR, SHIPPED
    path = Path(name)
    if not path.exists() and name in SHIPPED:
        path = PROBLEMS_DIR / name / "problem.yaml"
    if not path.is_file():
        raise UserError(f"PEtab problem not found: {name}; give the problem's YAML file or "
                        f"a shipped problem ({', '.join(SHIPPED)})")
    return str(path)


def write_outputs(args, yaml, result, table):
    import matplotlib.pyplot as plt

    from ..calibration import plots
    from ..calibration.profiles import threshold_ratio
    from ..calibration.summary import applied_table, data_x, layout
    from ..results import build_metadata

    obj = result.objective
    meta = build_metadata(analysis="calibrate", model_file=str(obj.problem.sbml),
                          settings={"problem": yaml, **result.fingerprint,
                                    "outer_parameters": obj.outer_ids,
                                    "closed_form": [*obj.inner_scales, *obj.inner_sigmas]},
                          seed=args.seed)
    for name, frame in (("starts", result.starts), ("estimates", result.parameters),
                        ("fit", result.fit), ("r2", result.r2), ("curves", result.curves)):
        common.write(frame, args, name, meta)
    if result.profiles is not None:
        common.write(result.profiles, args, "profiles", meta)

    fig, ax = plt.subplots(figsize=(6, 4))
    plots.waterfall(result.starts, ax)
    common.save_figure(fig, args, "waterfall")

    datasets = list(pd.unique(result.fit.dataset))
    fig, axes = plt.subplots(1, len(datasets), figsize=(4.2 * len(datasets), 3.6), squeeze=False)
    r2 = result.r2.set_index("dataset").r2
    for ax, dataset in zip(axes[0], datasets, strict=True):
        lay = layout(obj, dataset)
        points = result.fit[result.fit.dataset == dataset].assign(x=data_x(obj, result.fit,
                                                                          dataset))
        part = result.curves[result.curves.dataset == dataset] if len(result.curves) else None
        label = {"time": "time after the step (min)",
                 "dose": f"{lay.get('column', '')} (nM; 0 drawn at left)"}.get(lay["kind"],
                                                                             "time (min)")
        plots.fit_panel(points, part if part is not None and len(part) else None, lay["kind"],
                        _title(obj, dataset, lay), float(r2[dataset]), label, ax)
    fig.tight_layout()
    common.save_figure(fig, args, "fits")

    if result.profiles is not None:
        names = obj.outer_ids
        cols = min(4, len(names))
        rows = -(-len(names) // cols)
        fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.6 * rows), squeeze=False)
        params = result.parameters.set_index("parameter")
        for k, name in enumerate(names):
            ax = axes[k // cols][k % cols]
            j = obj.problem.x_ids.index(name)
            scale = obj.problem.x_scales[j]
            ci = tuple(_scaled(params.loc[name, c], scale) for c in ("ci_lower", "ci_upper"))
            plots.profile_panel(result.profiles[result.profiles.parameter == name], name,
                                result.x_best[k], ci, threshold_ratio(), ax)
        for k in range(len(names), rows * cols):
            axes[k // cols][k % cols].axis("off")
        fig.tight_layout()
        common.save_figure(fig, args, "profiles")

    if table is not None:
        label = f"{Path(yaml).parent.name} ({', '.join(datasets)})"
        text = applied_table(table, result.parameters, label)
        common.write_text(args, "parameters.csv", text)
    print_summary(result)


def _title(obj, dataset, lay):
    formula = obj.problem.observables[lay["observable"]].formula_text
    for holder, value in obj.problem.row_placeholders[lay["rows"][0]].items():
        formula = formula.replace(holder, value if isinstance(value, str) else f"{value:g}")
    if lay["kind"] == "time":
        values = obj.problem.conditions[lay["condition"]]
        what = ", ".join(f"{k} {v:g}" if not isinstance(v, str) else f"{k} {v}"
                         for k, v in values.items())
        return f"{dataset}: {formula}\nafter {what}"
    if lay["kind"] == "dose":
        return f"{dataset}: {formula}\n{lay['time']:g} min after the step"
    return f"{dataset}: {formula}"


def _scaled(value, scale):
    import math
    if not value == value:
        return float("nan")
    return math.log10(value) if scale == "log10" else math.log(value) if scale == "log" else value


def print_summary(result):
    start = int(result.best.start)
    origin = "the best start, polished before profiling" if start < 0 else f"start {start}"
    print(f"\nbest negative log-likelihood {result.best.fval:.6g} ({origin}; "
          f"{int((result.starts.status == 'ok').sum())} of {len(result.starts)} starts ok)")
    with pd.option_context("display.float_format", "{:.4g}".format, "display.width", 160,
                           "display.max_colwidth", 60):
        print("\nR² per dataset:")
        print(result.r2.to_string(index=False))
        print("\nparameters (linear values; 95 % profile interval):")
        cols = ["parameter", "kind", "estimate", "ci_lower", "ci_upper", "identifiable"]
        print(result.parameters[cols].to_string(index=False))


def arguments(parser):
    from ..calibration.shipped import SHIPPED
    from ..resources import models_file
    parser.add_argument("problem", metavar="PROBLEM",
                        help=f"PEtab YAML file, or a shipped problem: {', '.join(SHIPPED)}")
    parser.add_argument("--starts", type=integer(1, 1000),
                        default=20, help="optimizer starts (default 20)")
    parser.add_argument("--seed", type=integer(0, 2**32 - 1),
                        default=1, help="seed of the start points (default 1)")
    parser.add_argument("--max-iterations", type=integer(1, 100_000), default=300,
                        help="L-BFGS-B iterations per start (default 300)")
    parser.add_argument("--no-profile", action="store_true",
                        help="skip the profile likelihood (no intervals)")
    parser.add_argument("--profile-max-iterations", type=integer(1, 100_000), default=100,
                        help="optimizer iterations per profile step (default 100)")
    parser.add_argument("--no-hierarchical", action="store_true",
                        help="optimize scales and noise numerically instead of in closed form")
    parser.add_argument("--apply", action="store_true",
                        help="write parameters.csv: the parameter table with the fitted values")
    parser.add_argument("--parameter-table", default=str(models_file("parameters.csv")),
                        help="the table --apply copies (default: models/parameters.csv)")
    common.add_workers_option(parser)
    parser.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                        help="run the starts and profiles on this Dask cluster")
    parser.add_argument("--resume", action="store_true",
                        help="continue an interrupted run in --out, skipping finished starts")
    add_output_options(parser, "calibrate")


run.arguments = arguments
