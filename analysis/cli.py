"""``python -m analysis``: one entry point, one subcommand per analysis.

Subcommands are registered by name in :data:`COMMANDS` and imported only when
they run (``--help`` imports none of them, nor numpy, scipy, matplotlib or
libroadrunner). Every analysis takes the scenario options (``--cause``,
``--mechanism``, ``--set``) and the model options (``--sbml``, ``--input``,
``--readout``, ``--backend``, ``--rtol``); results go to ``--out`` (default
``results/<analysis>/``). Bad input ends with one line ``error: ...`` and exit
status 2.
"""
from __future__ import annotations

import argparse
import importlib
import re
import sys
from argparse import ArgumentParser, Namespace
from collections.abc import Callable, Iterable, Sequence

from .errors import SimulationError, UserError

PROG = "python -m analysis"


class Parser(argparse.ArgumentParser):
    """argparse with bad options reported as the one line every error is."""

    def error(self, message: str) -> None:   # type: ignore[override]
        text = " ".join(message.split())
        match = re.match(r"argument ([^:/ ]+)(?:/\S+)?: (.*)$", text)
        if match:   # "argument --starts: 0: give at least 1" -> "--starts 0: give at least 1"
            text = f"{match[1]} {match[2]}"
        line = f"{text} (see `{self.prog} --help`)"
        if self.prog == PROG:   # no such command: argparse's exit, as one line
            print(f"error: {line}", file=sys.stderr)
            raise SystemExit(2)
        raise UsageError(line)


class UsageError(UserError):
    """A bad option, found by argparse (printed as one line like every UserError)."""


# ------------------------------------------------------------------ checked option types
# Every number an option takes is checked here, where argparse reads it: finite,
# in its range, with the accepted range in the message.

def _number(text: str) -> float:
    import math
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text} is not a finite number")
    return value


def real(low: float | None = None, high: float | None = None, low_open: bool = False,
         what: str = "") -> Callable[[str], float]:
    """A finite float in [low, high] (``low_open``: above low); the message names
    the accepted range."""
    def parse(text: str) -> float:
        value = _number(text)
        unit = f" {what}" if what else ""
        too_low = low is not None and (value <= low if low_open else value < low)
        if too_low:
            top = f" and <= {high:g}" if high is not None else ""
            raise argparse.ArgumentTypeError(f"{text}{unit}: must be {'>' if low_open else '>='} "
                                             f"{low:g}{top}")
        if high is not None and value > high:
            raise argparse.ArgumentTypeError(f"{text}{unit}: must be <= {high:g} (the largest "
                                             "accepted)")
        return value
    parse.__name__ = "number"
    return parse


def integer(low: int = 1, high: int | None = None, what: str = "") -> Callable[[str], int]:
    """An integer in [low, high], the limits named in the message."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        unit = f" {what}" if what else ""
        if value < low:
            raise argparse.ArgumentTypeError(f"{value}: give at least {low}{unit}")
        if high is not None and value > high:
            raise argparse.ArgumentTypeError(f"{value}: give at most {high}{unit} (the limit; "
                                             "more would not fit in memory or time)")
        return value
    parse.__name__ = "integer"
    return parse


def dose(text: str) -> float:
    return real(0.0, 1e6, what="nM")(text)


positive = real(0.0, low_open=True)
non_negative = real(0.0)
time_minutes = real(0.0, 1e5, low_open=True, what="min")


def max_workers() -> int:
    from .parallel import default_workers
    return 4 * default_workers()


def workers_count(text: str) -> int:
    value = integer(1, None, "worker process")(text)
    limit = max_workers()
    if value > limit:
        raise argparse.ArgumentTypeError(f"{value}: give at most {limit} (4 x this machine's "
                                         "cores); more processes only slow the run")
    return value


def existing_file(what: str) -> Callable[[str], str]:
    """An existing, readable file (not a folder), called ``what`` in the message."""
    def parse(text: str) -> str:
        import os
        if not text.strip():
            raise argparse.ArgumentTypeError(f"{what} name is empty")
        if os.path.isdir(text):
            raise argparse.ArgumentTypeError(f"{text} is a folder; give the {what}")
        if not os.path.exists(text):
            raise argparse.ArgumentTypeError(f"{what} not found: {text}")
        if not os.access(text, os.R_OK):
            raise argparse.ArgumentTypeError(f"{what} {text} is not readable")
        return text
    parse.__name__ = "file"
    return parse


input_file = existing_file("file")


class Once(argparse.Action):
    """An option that may be given once (a repeat would silently override it)."""

    def __call__(self, parser, namespace, values, option_string=None):
        if getattr(namespace, self.dest, None) not in (None, self.default):
            raise argparse.ArgumentError(
                self, f"given twice ({getattr(namespace, self.dest)}, {values}); give it once")
        setattr(namespace, self.dest, values)


# name -> (module under analysis.commands, function, one-line help)
COMMANDS = {
    "demo": ("demo", "run", "the healthy model at a glance"),
    "simulate": ("simulate", "run", "time course of a scenario after an insulin step, with its "
                                    "readouts"),
    "dose-response": ("doseresponse", "run", "insulin dose-responses, Hill fits (EC50, Emax, "
                                             "Hill) and Kahn's classes"),
    "compensate": ("compensate", "run", "insulin needed to restore the healthy response "
                                        "(compensatory hyperinsulinemia)"),
    "scan": ("scan", "scan", "1-D scan of one mechanism's strength with dose-response fits at "
                             "each point"),
    "scan2d": ("scan", "scan2d", "2-D scan of two mechanisms: interaction map (synergy or "
                                 "masking)"),
    "hypotheses": ("hypotheses", "run", "which mechanisms explain resistant data: every "
                                        "mechanism, pair and cause fitted, ranked by AIC"),
    "calibrate": ("calibrate", "run", "fit a PEtab problem (multi-start pyPESTO) with profile "
                                      "intervals"),
    "export-petab": ("export_petab", "run", "a dose-response experiment as a PEtab problem "
                                           "(standard, or the form COPASI reproduces)"),
    "petab-problem": ("petab_problem", "run", "write a PEtab problem for the model from shipped "
                                              "or your own data"),
    "local-sensitivity": ("local_sensitivity", "run", "scaled sensitivity coefficients "
                                                      "d ln(readout) / d ln(parameter)"),
    "mca": ("mca", "run", "metabolic control analysis (flux and concentration control "
                          "coefficients)"),
    "sobol": ("globalsa", "sobol", "Sobol indices (S1, ST) of every readout over the mechanism "
                                   "strengths"),
    "morris": ("globalsa", "morris", "Morris screening (mu*, sigma) of every readout over the "
                                     "mechanism strengths"),
    "sensitivity": ("sensitivity", "run", "local sensitivity, MCA, Morris and Sobol in one go "
                                          "(make sensitivity)"),
    "report": ("report", "run", "one HTML page: Kahn table and compensatory insulin of every "
                                "mechanism and cause"),
    "bench": ("bench", "run", "speed: ms per simulation against the libroadrunner floor, "
                              "COPASI and PySB; Sobol throughput"),
    "export-omex": ("export_omex", "run", "COMBINE archives (SBML + SED-ML) of a time course, "
                                          "dose-responses and a mechanism scan, for COPASI and "
                                          "tellurium"),
    "mechanisms": ("listing", "mechanisms", "list the resistance mechanisms of the catalogue"),
    "causes": ("listing", "causes", "list the causes (combinations of mechanisms) of the "
                                    "catalogue"),
}


def command_function(name: str) -> Callable[[Namespace], int | None]:
    """The ``run(args)`` function of subcommand ``name`` (imports its module)."""
    module, function, _ = COMMANDS[name]
    return getattr(importlib.import_module(f"{__package__}.commands.{module}"), function)


def add_model_options(parser: ArgumentParser, readouts: bool = True, backends: bool = True) -> None:
    from .protocol import DEFAULT
    group = parser.add_argument_group("model")
    group.add_argument("--sbml", default=None, type=existing_file("SBML file"),
                       help="SBML file (default: the project's model)")
    group.add_argument("--input", default=DEFAULT.input_id,
                       help="id of the stimulus parameter stepped by the protocol "
                            f"(default: {DEFAULT.input_id})")
    if readouts:
        group.add_argument("--readout", action="append", metavar="ID",
                           help="species or assignment-rule parameter id to record (repeatable; "
                                "default: the main readouts of the project's model)")
    if backends:
        group.add_argument("--backend", default="roadrunner", metavar="NAME",
                           help="simulator: roadrunner (default), copasi or pysb (the "
                                "project's PySB model)")
    group.add_argument("--rtol", type=real(), default=None, metavar="RTOL",
                       help="relative tolerance of the integrator (default 1e-9; larger is "
                            "faster and less accurate); recorded in the metadata")


def add_catalogue_option(parser: ArgumentParser) -> None:
    parser.add_argument("--catalogue", action="append", default=[], metavar="FILE",
                        type=existing_file("catalogue file"),
                        help="your own mechanism/cause catalogue (TOML; repeatable)")


def add_scenario_options(parser: ArgumentParser) -> None:
    group = parser.add_argument_group("scenario")
    group.add_argument("--cause", action=Once,
                       help="a cause from the catalogue (see `python -m analysis causes`); "
                            "combine causes by giving their mechanisms with --mechanism")
    group.add_argument("--mechanism", action="append", default=[], metavar="NAME=STRENGTH",
                       help="a mechanism at a strength (repeatable; see `... mechanisms`)")
    group.add_argument("--set", action="append", default=[], metavar="ID=VALUE",
                       help="set a parameter or initial concentration by id (repeatable)")
    add_catalogue_option(group)
    group.add_argument("--allow-out-of-range", action="store_true",
                       help="accept strengths outside a mechanism's plausible range")


def add_output_options(parser: ArgumentParser, name: str, resume: bool = False) -> None:
    parser.add_argument("--out", default=f"results/{name}",
                        help=f"output folder (default: results/{name})")
    if resume:
        parser.add_argument("--resume", action="store_true",
                            help="continue an interrupted run in --out: scenarios finished "
                                 "before (kept in <out>/unfinished) are not redone")


def parse_assignments(items: Iterable[str], what: str) -> dict[str, float]:
    """['a=1', 'b=2'] -> {'a': 1.0, 'b': 2.0}; one clear line on a bad item (not
    NAME=NUMBER, not finite, or a NAME given twice)."""
    import math
    values = {}
    for item in items:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UserError(f"{what} '{item}' must look like NAME=NUMBER")
        try:
            value = float(raw)
        except ValueError:
            raise UserError(f"{what} '{item}': '{raw}' is not a number") from None
        if not math.isfinite(value):
            raise UserError(f"{what} '{item}': give a finite number")
        if key in values:
            raise UserError(f"{what} {key} given twice ({values[key]:g} and {value:g}); give "
                            "each once")
        values[key] = value
    return values


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; only ``command``'s module is imported to add its options."""
    parser = Parser(
        prog=PROG,
        description="Insulin signaling and insulin resistance: simulations and analyses.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (_, _, help) in COMMANDS.items():
        if name == command:
            run = command_function(name)
            p = sub.add_parser(name, help=help, description=run.__doc__)
            run.arguments(p)
            p.set_defaults(run=run)
        else:
            sub.add_parser(name, help=help, add_help=False)
    return parser


def run_command(args: Namespace) -> int:
    """Run a parsed command. A command with ``--out`` runs inside
    :func:`analysis.outputs.command_output`: the folder is checked before any
    computing, locked against a second run, and its files land together only
    when the command succeeds (commands that write a whole folder themselves
    set ``run.manages_output``)."""
    if not hasattr(args, "out") or getattr(args.run, "manages_output", False):
        return args.run(args) or 0
    from .outputs import command_output
    from .runner import checkpoint, discard_checkpoint
    with command_output(args.out):
        with checkpoint(args.out, bool(getattr(args, "resume", False))):
            status = args.run(args) or 0
    if status == 0:
        discard_checkpoint(args.out)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in argv if not a.startswith("-")), None)
    try:
        parser = build_parser(command if command in COMMANDS else None)
        args = parser.parse_args(argv)
        return run_command(args)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except SimulationError as exc:
        print(f"error: the simulation failed: {exc}; try another scenario, a looser --rtol or "
              "a shorter time", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; finished chunks are kept (use --resume where offered)",
              file=sys.stderr)
        return 130
