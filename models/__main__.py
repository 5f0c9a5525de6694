"""``python -m models sbml [--out DIR]``: export the model to SBML.

``python -m models summary``: network size and the parameter table's sources.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .bng import BioNetGenNotFound
from .model import BuildOptionError, build_model
from .parameters import TABLE, ParameterTableError


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m models", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sbml = sub.add_parser("sbml", help="write sbml/insulin_signaling.xml (L3V2) and _l2v4.xml")
    sbml.add_argument("--out", default="sbml", help="output folder (default: sbml)")
    summary = sub.add_parser("summary", help="print the network size")
    for p in (sbml, summary):
        p.add_argument("--parameter-table", default=str(TABLE),
                       help="parameter table CSV (default: models/parameters.csv)")
    args = parser.parse_args(argv)
    try:
        from .export import generate, write_sbml
        model = generate(build_model(parameter_table=args.parameter_table))
        if args.command == "sbml":
            for path in write_sbml(model, args.out):
                print(f"wrote {path}")
        print(f"network: {len(model.species)} species, {len(model.reactions)} reactions, "
              f"{len(model.parameters)} parameters, {len(model.rules)} rules, "
              f"{len(model.observables)} observables, {len(model.expressions)} expressions")
    except (BioNetGenNotFound, ParameterTableError, BuildOptionError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
