"""hypotheses: which mechanisms explain a resistant phenotype, ranked by likelihood."""
import argparse
from pathlib import Path

import pandas as pd

from ..cli import add_catalogue_option, add_output_options, existing_file, integer
from . import common


def run(args):
    """Fit every single mechanism, every pair (--max-size 3: triples too) and every
    cause (strengths free within the plausible ranges) to DATA, measurements of the
    resistant state (CSV: readout, dose, time, value and optionally sd, state =
    healthy | resistant, dataset; or a PEtab measurement table with --conditions).
    Healthy rows share each readout's scale with the resistant ones. Ranked by AIC
    (BIC beside it); chi-square goodness of fit where sd is given (rejected at
    p < 0.05); likelihood-ratio tests of each pair against its singles; profile
    95 % intervals of the strengths of the --profile-top best, with
    identifiability flags."""
    from ..hypotheses import read_data, run_hypotheses
    from ..parallel import connect
    from ..resources import DEFAULT_SBML

    sbml = args.sbml or str(DEFAULT_SBML)
    data = read_data(args.data, args.input, args.conditions, args.states)
    if args.max_size > 3 or args.max_size < 1:
        from ..hypotheses import enumerate_hypotheses  # names the count in its error
        enumerate_hypotheses(common.catalogue(args), [], args.max_size)
    workers = common.workers(args)
    common.check_out(args)
    client = connect(args.scheduler) if args.scheduler else None
    try:
        result = run_hypotheses(sbml, data, common.catalogue(args), args.input, args.max_size,
                                not args.no_causes, args.starts, args.seed, args.max_iterations,
                                args.profile_top, workers, client, args.out, args.resume,
                                mechanisms=args.mechanisms)
    finally:
        if client is not None:
            client.close()
    for note in result.notes:
        print(f"note: {note}")
    write_outputs(args, sbml, result)


def write_outputs(args, sbml, result):
    import matplotlib.pyplot as plt

    from ..hypotheses_plots import best_fits, ranking
    from ..results import build_metadata
    meta = build_metadata(analysis="hypotheses", model_file=sbml, seed=args.seed,
                          settings={k: v for k, v in result.fingerprint.items() if k != "data"})
    ranked = result.ranked.drop(columns=[c for c in result.ranked if c.startswith("x:")])
    common.write(ranked, args, "hypotheses", meta)
    common.write(result.strengths, args, "strengths", meta)
    common.write(result.nested, args, "nested_tests", meta)
    common.write(result.data, args, "data", meta)
    if len(result.curves):
        common.write(result.curves, args, "best_curves", meta)
    if result.profiles is not None:
        common.write(result.profiles, args, "profiles", meta)
    fig = ranking(result.ranked, result.strengths)
    common.save_figure(fig, args, "ranking")
    fig = best_fits(result.data, result.curves, result.ranked)
    common.save_figure(fig, args, "best_fits")
    plt.close("all")
    best = result.ranked.iloc[0]
    if best.status == "ok":
        write_best_problem(args, result, best)
    print_ranking(result)


def write_best_problem(args, result, best):
    """The best hypothesis as a PEtab problem (strength nominal values = the fit)."""
    from ..petab_io import write_problem
    source = result.sources[best.hypothesis]
    conditions, observables, measurements, parameters = source.tables()
    for sid in result.hypotheses[best.hypothesis].strengths:
        value = float(best[f"x:{sid}"])
        scale = parameters.loc[sid, "parameterScale"]
        parameters.loc[sid, "nominalValue"] = 10 ** value if scale == "log10" else value
    readme = (f"# Best hypothesis: {best.hypothesis}\n\nWritten by `python -m analysis "
              "hypotheses`. The resistant condition sets each target scale factor to its "
              "strength parameter; nominal values are the fitted strengths.\n")
    path = write_problem(Path(args.out) / "best_hypothesis_petab", source.sbml, conditions,
                         observables, measurements, parameters, readme)
    print(f"wrote {path}")


def print_ranking(result, top=10):
    cols = ["rank", "hypothesis", "k", "nll", "aic", "delta_aic", "bic", "p_value", "rejected"]
    with pd.option_context("display.float_format", "{:.4g}".format, "display.width", 170,
                           "display.max_colwidth", 60):
        print(f"\n{len(result.ranked)} hypotheses on {len(result.data)} data points; best "
              f"{top} by AIC:")
        print(result.ranked[cols].head(top).to_string(index=False))
        s = result.strengths[result.strengths["rank"] <= 5]
        if len(s):
            print("\nstrengths of the best (95 % profile interval):")
            print(s[["rank", "hypothesis", "mechanism", "estimate", "ci_lower", "ci_upper",
                     "identifiable"]].to_string(index=False))
    close = result.ranked[result.ranked.as_good_as_best & ~result.ranked.rejected]
    if len(close) > 1:
        print(f"\n{len(close)} hypotheses are within 2 AIC units of the best and not rejected: "
              "these data do not tell them apart (measure more readouts, e.g. ones between "
              "the mechanisms, to separate them)")
    if not result.ranked.p_value.notna().any():
        print("\nno chi-square test: the data give no sd, so the noise is estimated; "
              "ranking by AIC/BIC only")


def state_pair(text):
    """argparse type of --states: 'normal,t2d' -> ('normal', 't2d')."""
    names = [n.strip() for n in text.split(",")]
    if len(names) != 2 or not all(names) or names[0] == names[1]:
        raise argparse.ArgumentTypeError(f"'{text}': give the data's two state names as "
                                         "HEALTHY,RESISTANT (e.g. normal,t2d)")
    return tuple(names)


def arguments(parser):
    parser.add_argument("data", metavar="DATA",
                        help="measurements (CSV: readout, dose, time, value[, sd, state, "
                             "dataset]; or a PEtab measurement table with --conditions)")
    parser.add_argument("--conditions", help="PEtab condition table of a PEtab DATA file")
    parser.add_argument("--sbml", type=existing_file("SBML file"),
                        help="SBML file (default: the project's model)")
    parser.add_argument("--input", default="insulin", help="stimulus parameter (default insulin)")
    parser.add_argument("--states", metavar="HEALTHY,RESISTANT", type=state_pair,
                        help="the data's names of the two states in its state column "
                             "(default healthy,resistant), e.g. normal,t2d")
    add_catalogue_option(parser)
    parser.add_argument("--max-size", type=integer(1, None, "mechanism per hypothesis"), default=2,
                        help="largest mechanism combination (1, 2 or 3; default 2)")
    parser.add_argument("--no-causes", action="store_true", help="leave the causes out")
    parser.add_argument("--mechanisms", nargs="+", metavar="NAME",
                        help="consider only these mechanisms (and causes made of them)")
    parser.add_argument("--starts", type=integer(1, 1000), default=3,
                        help="optimizer starts per hypothesis (default 3)")
    parser.add_argument("--seed", type=integer(0, 2**32 - 1),
                        default=1, help="seed of the start points")
    parser.add_argument("--max-iterations", type=integer(1, 100_000), default=200,
                        help="L-BFGS-B iterations per start (default 200)")
    parser.add_argument("--profile-top", type=integer(0, 1000), default=5,
                        help="profile the strengths of this many best hypotheses (default 5)")
    common.add_workers_option(parser)
    parser.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                        help="run on this Dask cluster")
    parser.add_argument("--resume", action="store_true",
                        help="continue an interrupted run in --out")
    add_output_options(parser, "hypotheses")


run.arguments = arguments
