"""``python -m analysis``: one entry point, one subcommand per analysis.

Every subcommand takes the scenario options (``--cause``, ``--mechanism``,
``--set``) and the model options (``--sbml``, ``--input``, ``--readout``);
results go to ``--out`` (default ``results/<analysis>/``). Bad input ends with
one line ``error: ...`` and exit status 2.
"""
import argparse
import sys

from .errors import UserError

ANALYSES = {}  # name -> (help, add_arguments, run)


def analysis(name, help):
    """Register a subcommand: decorate ``run(args)``; ``run.arguments(parser)`` adds options."""
    def register(run):
        ANALYSES[name] = (help, run)
        return run
    return register


def add_model_options(parser, readouts=True):
    from .engine import DEFAULT_SBML
    group = parser.add_argument_group("model")
    group.add_argument("--sbml", default=str(DEFAULT_SBML),
                       help="SBML file (default: the project's model)")
    group.add_argument("--input", default="insulin",
                       help="id of the stimulus parameter stepped by the protocol (default: insulin)")
    if readouts:
        group.add_argument("--readout", action="append", metavar="ID",
                           help="species or assignment-rule parameter id to record (repeatable; "
                                "default: the main readouts of the project's model)")


def add_catalogue_option(parser):
    parser.add_argument("--catalogue", action="append", default=[], metavar="FILE",
                        help="your own mechanism/cause catalogue (TOML; repeatable)")


def add_scenario_options(parser):
    group = parser.add_argument_group("scenario")
    group.add_argument("--cause", help="a cause from the catalogue (see `python -m analysis causes`)")
    group.add_argument("--mechanism", action="append", default=[], metavar="NAME=STRENGTH",
                       help="a mechanism at a strength (repeatable; see `... mechanisms`)")
    group.add_argument("--set", action="append", default=[], metavar="ID=VALUE",
                       help="set a parameter or initial concentration by id (repeatable)")
    add_catalogue_option(group)
    group.add_argument("--allow-out-of-range", action="store_true",
                       help="accept strengths outside a mechanism's plausible range")


def add_output_options(parser, name):
    parser.add_argument("--out", default=f"results/{name}",
                        help=f"output folder (default: results/{name})")


def parse_assignments(items, what):
    """['a=1', 'b=2'] -> {'a': 1.0, 'b': 2.0}; one clear line on a bad item."""
    values = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise UserError(f"{what} '{item}' must look like NAME=NUMBER")
        try:
            values[key.strip()] = float(raw)
        except ValueError:
            raise UserError(f"{what} '{item}': '{raw}' is not a number") from None
    return values


def build_parser():
    from . import commands  # noqa: F401  (registers the subcommands)
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Insulin signaling and insulin resistance: simulations and analyses.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (help, run) in ANALYSES.items():
        p = sub.add_parser(name, help=help, description=run.__doc__)
        run.arguments(p)
        p.set_defaults(run=run)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args) or 0
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; finished chunks are kept (use --resume where offered)",
              file=sys.stderr)
        return 130
