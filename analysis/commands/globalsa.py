"""sobol, morris: global sensitivity over mechanism strengths (SALib), parallel,
chunked and resumable."""
import matplotlib.pyplot as plt
import pandas as pd

from .. import globalsa
from ..cli import add_catalogue_option, add_model_options, add_output_options, analysis
from ..parallel import ChunkStore, connect, default_workers, execute
from ..plots import indices_bars
from ..runner import spec_of
from . import common


def _run(args, method):
    sim = common.simulator(args)
    cat = common.catalogue(args)
    ranges = {name: (float(lo), float(hi)) for name, lo, hi in (args.range or [])}
    factors, skipped = globalsa.factors_from_catalogue(
        cat, sim.model.constant_parameters(), args.factors, ranges)
    if skipped:
        print(f"note: {len(skipped)} catalogue mechanism(s) act on parameters this model "
              f"lacks and are left out: {', '.join(skipped)}")
    if args.workers < 1:
        raise common.UserError(f"--workers {args.workers}: give 1 or more")
    samples = globalsa.sample(method, factors, args.n, args.seed, args.levels)
    spec = spec_of(sim)
    chunks = globalsa.make_chunks(spec, factors, samples, args.dose, args.time, args.chunk_size)
    fingerprint = {"analysis": method, "model_sha256": sim.sha256, "input": sim.input_id,
                   "readouts": sim.readouts, "factors": [f.__dict__ for f in factors],
                   "n": args.n, "seed": args.seed, "levels": args.levels, "dose": args.dose,
                   "time": args.time, "chunk_size": args.chunk_size,
                   "tolerances": sim.tolerances}
    client = connect(args.scheduler) if args.scheduler else None
    try:
        store = ChunkStore(args.out, fingerprint, len(chunks), args.resume)
        where = (f"Dask scheduler {args.scheduler}" if client is not None
                 else f"{args.workers} local worker(s)")
        print(f"{method}: {len(factors)} factors, {len(samples)} samples in {len(chunks)} "
              f"chunks, on {where}")
        from tqdm import tqdm
        with tqdm(total=len(samples), unit="sample", desc=method, dynamic_ncols=True) as bar:
            execute(globalsa.evaluate_chunk, chunks, store, args.workers, client, bar,
                    [len(c.rows) for c in chunks])
    finally:
        if client is not None:
            client.close()
    outputs = store.read_all()
    failures = int((outputs.status != "ok").sum())
    indices = globalsa.analyze(method, factors, samples, outputs, sim.readouts, args.seed,
                               args.levels)
    meta = common.metadata(args, sim, method, "healthy", None, fingerprint, seed=args.seed)
    common.write(globalsa.sample_table(factors, samples, outputs), args, "samples", meta)
    common.write(indices, args, f"{method}_indices", meta)
    main = common.main_readout(sim)
    units, _ = common.figure_units(sim)
    fig, ax = plt.subplots(figsize=(7, 0.3 * len(factors) + 1.5))
    indices_bars(indices, main, method, ax, units.get(main, ""),
                 f"{method}: {main} {args.time:g} min after {args.dose:g} "
                 f"{units.get(sim.input_id, '')} {sim.input_id}")
    common.save_figure(fig, args, f"{method}_{main}")
    _print(indices, main, method)
    print(f"{failures} failed sample(s) of {len(outputs)}" if failures
          else f"all {len(outputs)} samples simulated")


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
    parser.add_argument("--n", type=int, default=n,
                        help=f"base sample count (default {n}; a power of two for Sobol)")
    parser.add_argument("--levels", type=int, default=4, help="Morris grid levels (default 4)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--dose", type=float, default=1.0, help="insulin step, nM (default 1)")
    parser.add_argument("--time", type=float, default=10.0, help="readout time, min (default 10)")
    parser.add_argument("--workers", type=int, default=default_workers(),
                        help="local worker processes (default: all cores)")
    parser.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                        help="run the chunks on this Dask cluster instead")
    parser.add_argument("--chunk-size", type=int, default=256,
                        help="samples per chunk written to disk (default 256)")
    parser.add_argument("--resume", action="store_true",
                        help="continue an interrupted run in --out, skipping finished chunks")
    add_output_options(parser, method)


@analysis("sobol", "Sobol indices (S1, ST) of every readout over the mechanism strengths")
def sobol(args):
    """Saltelli sampling (SALib) of every mechanism's strength within its plausible
    range (log-uniform for fold changes); first-order and total Sobol indices with
    95 % confidence intervals of each readout at --time min after --dose insulin."""
    _run(args, "sobol")


@analysis("morris", "Morris screening (mu*, sigma) of every readout over the mechanism strengths")
def morris(args):
    """Morris elementary effects (SALib) of every mechanism's strength within its
    plausible range: mu* ranks influence, sigma flags interactions or non-linearity."""
    _run(args, "morris")


sobol.arguments = lambda p: _arguments(p, "sobol", 512)
morris.arguments = lambda p: _arguments(p, "morris", 64)
