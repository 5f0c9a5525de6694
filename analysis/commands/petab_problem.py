"""petab-problem: write a PEtab problem for the model, from shipped or your own data."""
from pathlib import Path

from ..cli import existing_file
from ..errors import UserError


def run(args):
    """Write a self-contained PEtab v1 problem folder (SBML copy, conditions with
    preequilibration at insulin 0, observables = scale x readout with noise
    per dataset, measurements, parameters) that `calibrate` fits.

    NAME is a shipped problem (brannmark2010, brannmark2013_standin), or give --data:
    your measurements as CSV with columns readout, dose, time, value and optionally sd (known
    noise; else estimated per dataset) and dataset (scale and noise are per
    dataset; default: the readout). --estimate names the model parameters to fit
    (ID for bounds value/100..value*100, or ID=LOW:HIGH)."""
    from ..calibration.shipped import SHIPPED, estimated_bounds
    from ..petab_io import parameter_table, problem_tables, read_tidy, write_problem
    from ..resources import DEFAULT_SBML

    sbml = Path(args.sbml or DEFAULT_SBML)
    estimate = parse_estimates(args.estimate)
    if args.name:
        if args.data:
            raise UserError("give a shipped problem NAME or --data, not both")
        if args.name not in SHIPPED:
            raise UserError(f"unknown shipped problem '{args.name}'; shipped: "
                            f"{', '.join(SHIPPED)} (or give your own --data)")
        out = Path(args.out) if args.out else None
        path = SHIPPED[args.name](out, sbml, estimate or None)
    else:
        if not args.data:
            raise UserError("give a shipped problem NAME or --data FILE")
        if not estimate:
            raise UserError("--estimate: name at least one model parameter to fit")
        if not args.out:
            raise UserError("--out: give the folder to write the problem to")
        data = read_tidy(args.data)
        conditions, observables, measurements, outputs = problem_tables(data, args.input)
        parameters = parameter_table(estimated_bounds(sbml, estimate), outputs)
        path = write_problem(args.out, sbml, conditions, observables, measurements, parameters)
    print(f"wrote {path} (petab lint passed)")


def parse_estimates(items):
    """['k1', 'k2=0.1:10'] -> {'k1': None, 'k2': (0.1, 10.0)}."""
    out = {}
    for item in items or []:
        name, sep, bounds = item.partition("=")
        name = name.strip()
        if not name.isidentifier():
            raise UserError(f"--estimate '{item}': expected ID or ID=LOW:HIGH")
        if not sep:
            out[name] = None
            continue
        low, colon, high = bounds.partition(":")
        try:
            low, high = float(low), float(high)
        except ValueError:
            raise UserError(f"--estimate '{item}': bounds must be LOW:HIGH numbers") from None
        if not colon or not 0 < low < high or high == float("inf"):
            raise UserError(f"--estimate '{item}': need finite 0 < LOW < HIGH")
        out[name] = (low, high)
    return out


def arguments(parser):
    parser.add_argument("name", nargs="?", metavar="NAME", help="a shipped problem: brannmark2010")
    parser.add_argument("--data", help="your measurements (CSV: readout, dose, time, value[, sd, "
                        "dataset])")
    parser.add_argument("--estimate", action="append", metavar="ID[=LOW:HIGH]",
                        help="model parameter to fit (repeatable)")
    parser.add_argument("--sbml", type=existing_file("SBML file"),
                        help="SBML file (default: the project's model)")
    parser.add_argument("--input", default="insulin", help="stimulus parameter (default insulin)")
    parser.add_argument("--out", help="problem folder (default for NAME: data/petab/NAME)")


run.arguments = arguments
run.manages_output = True
