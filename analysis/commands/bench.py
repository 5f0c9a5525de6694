"""bench: our pipeline beside a bare roadrunner loop, PySB (Cython) and COPASI."""
from .. import bench
from ..cli import add_output_options
from ..engine import Simulator
from ..errors import UserError
from . import common


def run(args):
    """Times the same protocol (settle at insulin 0, insulin step, readouts 10 min later,
    25 doses) on the same scenarios with (a) our pipeline, (b) a bare libroadrunner loop,
    (c) PySB's ScipyOdeSimulator with the Cython compiler and (d) COPASI; checks that
    they agree; measures Sobol throughput with 1 and all workers and (unless --quick)
    the time of a full N=512 Sobol over all mechanisms. Writes bench (item, contender,
    value, unit, target, met, note). Numbers depend on the machine and its load."""
    if args.repeats < 1:
        raise UserError(f"--repeats {args.repeats}: give 1 or more")
    repeats = 2 if args.quick and args.repeats == 5 else args.repeats
    pysb_repeats = max(1, repeats // 5)
    before = bench.machine()
    timings, agree, sobol = bench.run_all(repeats, pysb_repeats, args.quick)
    table = bench.summary(timings, agree, sobol)
    settings = {"doses": list(bench.DOSES), "time": bench.READOUT_TIME,
                "scenarios": bench.scenarios(), "repeats": repeats, "pysb_repeats": pysb_repeats,
                "quick": args.quick, "machine_before": before, "machine_after": bench.machine()}
    sim = Simulator()
    meta = common.metadata(args, sim, "bench", list(settings["scenarios"]), None, settings)
    print("\nglucose_uptake, healthy, 1 nM insulin, 10 min (nM/min):")
    for name, a in agree.items():
        print(f"  {bench.LABELS[name]:<42} {a['value']:.10g}  (rel. diff {a['relative']:.1e})")
    print(f"\nms per simulation = wall time of one scenario's dose-response / {len(bench.DOSES)}"
          " (settle + doses), median; load average "
          f"{', '.join(f'{x:.2f}' for x in (before['load_average'] or ()))} on "
          f"{before['cores']} core(s)\n")
    print(bench.format_table(table))
    checks = table.item.str.startswith("check_")
    targets = table[~checks & table.met.notna()]
    missed = targets[targets.met.eq(False)]
    print(f"\nagreement: {int(table[checks].met.eq(True).sum())} of {int(checks.sum())} "
          f"contenders within {bench.AGREEMENT:g}; targets: {len(targets) - len(missed)} met, "
          f"{len(missed)} missed" + (f" ({', '.join(missed['item'])})" if len(missed) else ""))
    common.write(table, args, "bench", meta)
    if not all(a["relative"] <= bench.AGREEMENT for a in agree.values()):
        raise UserError("the contenders disagree on the check value (see above); "
                        "the timings compare different answers")


def arguments(parser):
    parser.add_argument("--quick", action="store_true",
                        help="fewer repeats, a small Sobol sample, no full N=512 Sobol")
    parser.add_argument("--repeats", type=int, default=5,
                        help="timed passes over the scenarios per contender (default 5; "
                             "PySB does repeats // 5, at least 1)")
    add_output_options(parser, "bench")


run.arguments = arguments
