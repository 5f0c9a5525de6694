"""bench: ms per simulation of ours beside the libroadrunner floor, COPASI and PySB."""
from __future__ import annotations

from argparse import ArgumentParser, Namespace

from .. import bench
from ..cli import add_output_options, integer
from ..errors import UserError
from . import common


def run(args: Namespace) -> int | None:
    """Times the protocol (settle at insulin 0, insulin step, readouts 10 min later) on
    the same scenarios with (a) our pipeline, (b) a tuned bare libroadrunner loop (the
    floor), (c) the plain loop with the settings before issue 12, (d) COPASI and
    (e) PySB's ScipyOdeSimulator with Cython, on the dose-response protocol and on Sobol
    samples; checks that they agree; times a full Sobol N=512 over all mechanisms on 2
    workers (unless --quick) and `python -m analysis --help`. Prints each target with
    MET or MISSED and writes bench (item, contender, value, unit, target, met, note).
    Numbers depend on the machine and on what else runs on it (the load is printed)."""
    if args.repeats < 1:
        raise UserError(f"--repeats {args.repeats}: give 1 or more")
    repeats = 2 if args.quick and args.repeats == 5 else args.repeats
    before = bench.machine()
    objective = bench.calibration_objective()
    extra = {"calibration_objective_brannmark2010": objective} if objective else {}
    table = bench.run_all(repeats, args.quick, full_n=None if args.quick else bench.SOBOL_FULL_N,
                          extra=extra, hypotheses=args.hypotheses)
    after = bench.machine()
    sim = common.simulator(args)
    settings = {"repeats": repeats, "quick": args.quick, "scenarios": bench.scenarios(),
                "machine_before": before, "machine_after": after}
    meta = common.metadata(args, sim, "bench", list(settings["scenarios"]), None, settings)
    load = " -> ".join(", ".join(f"{x:.2f}" for x in m["load_average"] or ())
                       for m in (before, after))
    print(f"\nload average {load} on {before['cores']} core(s) (1, 5, 15 min)\n")
    print(bench.format_table(table))
    checks = table.item.str.startswith("check_")
    targets = table[~checks & table.met.notna()]
    missed = targets[targets.met.eq(False)]
    print(f"\nagreement: {int(table[checks].met.eq(True).sum())} of {int(checks.sum())} "
          f"contenders within {bench.AGREEMENT:g} of ours; targets: "
          f"{len(targets) - len(missed)} met, {len(missed)} missed"
          + (f" ({', '.join(missed['item'])})" if len(missed) else ""))
    common.write(table, args, "bench", meta)
    if not table[checks].met.all():
        raise UserError("the contenders disagree on the check value (see above); "
                        "the timings compare different answers")


def arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true",
                        help="fewer repeats and Sobol samples, no full N=512 Sobol")
    parser.add_argument("--hypotheses", action="store_true",
                        help="also time `hypotheses` over every single, pair and cause "
                             "(several minutes; make bench-hypotheses)")
    parser.add_argument("--repeats", type=integer(1, 1000), default=5,
                        help="timed passes over the scenarios per contender (default 5; "
                             "PySB does repeats // 5, at least 1)")
    parser.set_defaults(sbml=None, input="insulin", readout=None, backend="roadrunner")
    add_output_options(parser, "bench")


run.arguments = arguments
