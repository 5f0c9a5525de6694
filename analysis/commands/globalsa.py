"""sobol, morris: global sensitivity over mechanism strengths (SALib), parallel,
chunked and resumable."""
from __future__ import annotations

from argparse import Namespace

import pandas as pd

from .. import globalsa
from ..cli import add_catalogue_option, add_model_options, add_output_options, dose, integer
from ..errors import UserError
from ..protocol import DEFAULT
from . import common


def _run(args, method):
    sim = common.simulator(args)
    cat = common.catalogue(args)
    ranges = parse_ranges(args.range)
    factors, skipped = globalsa.factors_from_catalogue(cat, sim.parameter_ids(), args.factors,
                                                       ranges)
    if skipped:
        print(f"note: {len(skipped)} catalogue mechanism(s) act on parameters this model "
              f"lacks and are left out: {', '.join(skipped)}")
    common.workers(args)
    problem = globalsa.GlobalSensitivity(method, factors, sim.spec(), args.dose, args.time,
                                         args.seed, args.levels, args.chunk_size).sample(args.n)
    from ..parallel import connect
    client = connect(args.scheduler) if args.scheduler else None
    try:
        where = (f"Dask scheduler {args.scheduler}" if client is not None
                 else f"{args.workers} local worker(s)")
        print(f"{method}: {len(factors)} factors, {len(problem.samples)} samples in "
              f"{len(problem.chunks())} chunks, on {where}")
        from tqdm import tqdm
        with tqdm(total=len(problem.samples), unit="sample", desc=method,
                  dynamic_ncols=True, delay=0.5) as bar:
            problem.evaluate(args.out, args.resume, args.workers, client, bar)
    finally:
        if client is not None:
            client.close()
    problem.analyze()
    main_rows = problem.indices[problem.indices.readout == common.main_readout(sim)]
    counts = {"n_samples": len(problem.outputs), "n_failed": problem.failures,
              "n_used_blocks": int(main_rows.n_used.iloc[0]) if len(main_rows) else 0}
    meta = common.metadata(args, sim, method, "healthy", None,
                           {**problem.fingerprint(), **counts}, seed=args.seed)
    common.write(problem.sample_table(), args, "samples", meta)
    common.write(problem.indices, args, f"{method}_indices", meta)
    main = common.main_readout(sim)
    import matplotlib.pyplot as plt

    from ..plots import indices_bars
    units, _ = common.figure_units(sim)
    fig, ax = plt.subplots(figsize=(7, 0.3 * len(factors) + 1.5))
    indices_bars(problem.indices, main, method, ax, units.get(main, ""),
                 f"{method}: {main} {problem.time:g} min after {problem.dose:g} "
                 f"{units.get(sim.input_id, '')} {sim.input_id}")
    common.save_figure(fig, args, f"{method}_{main}")
    _print(problem.indices, main, method)
    n = len(problem.outputs)
    if problem.failures:
        used = problem.indices[problem.indices.readout == main].n_used.iloc[0]
        print(f"{problem.failures} failed sample(s) of {n}; the indices use the {used} complete "
              f"{'blocks' if method == 'sobol' else 'trajectories'} without a failure "
              "(n_used, n_failed in the table)")
    else:
        print(f"all {n} samples simulated")


def parse_ranges(items):
    """[[name, low, high], ...] -> {name: (low, high)}: numbers, finite, low < high,
    each mechanism once."""
    import math
    ranges = {}
    for name, low, high in items or []:
        try:
            lo, hi = float(low), float(high)
        except ValueError:
            raise UserError(f"--range {name} {low} {high}: LOW and HIGH must be numbers") from None
        if not (math.isfinite(lo) and math.isfinite(hi)) or not lo < hi:
            raise UserError(f"--range {name} {low} {high}: give finite numbers; give low < high")
        if name in ranges:
            raise UserError(f"--range {name} given twice; give each mechanism once")
        ranges[name] = (lo, hi)
    return ranges


def _print(indices, readout, method):
    part = indices[indices.readout == readout]
    key = "ST" if method == "sobol" else "mu_star"
    if key in part:
        part = part.sort_values(key, ascending=False)
    with pd.option_context("display.float_format", "{:.3f}".format, "display.width", 160):
        print(f"\n{method} indices of {readout}, ranked:")
        print(part.drop(columns=["readout"]).to_string(index=False))


def _arguments(parser, method, n):
    add_model_options(parser)
    add_catalogue_option(parser)
    parser.add_argument("--factors", nargs="+", metavar="MECHANISM",
                        help="mechanisms to vary (default: every mechanism acting on the model)")
    parser.add_argument("--range", nargs=3, action="append", metavar=("MECHANISM", "LOW", "HIGH"),
                        help="override a mechanism's plausible range (repeatable)")
    parser.add_argument("--n", type=integer(2, 1 << 16, "base samples"), default=n,
                        help=f"base sample count (default {n}; a power of two for Sobol)")
    parser.add_argument("--levels", type=integer(2, 100, "Morris grid levels"),
                        default=4, help="Morris grid levels (default 4)")
    parser.add_argument("--seed", type=integer(0, 2**32 - 1),
                        default=1, help="random seed (default 1)")
    parser.add_argument("--dose", type=dose, default=DEFAULT.reference_dose,
                        help=f"insulin step, nM (default {DEFAULT.reference_dose:g})")
    common.add_time_option(parser)
    common.add_workers_option(parser)
    parser.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                        help="run the chunks on this Dask cluster instead")
    parser.add_argument("--chunk-size", type=integer(1, 100_000, "samples per chunk"), default=256,
                        help="samples per chunk written to disk (default 256)")
    parser.add_argument("--resume", action="store_true",
                        help="continue an interrupted run in --out, skipping finished chunks")
    add_output_options(parser, method)


def sobol(args: Namespace) -> int | None:
    """Saltelli sampling (SALib) of every mechanism's strength within its plausible
    range (log-uniform for fold changes); first-order and total Sobol indices with
    95 % confidence intervals of each readout at --time min after --dose insulin."""
    _run(args, "sobol")


def morris(args: Namespace) -> int | None:
    """Morris elementary effects (SALib) of every mechanism's strength within its
    plausible range: mu* ranks influence, sigma flags interactions or non-linearity."""
    _run(args, "morris")


sobol.arguments = lambda p: _arguments(p, "sobol", 512)
morris.arguments = lambda p: _arguments(p, "morris", 64)
