"""Pieces every subcommand shares: the simulator, the scenario, metadata, writing."""
from pathlib import Path

from ..cli import parse_assignments
from ..engine import DEFAULT_READOUTS, DEFAULT_SBML, Simulator
from ..errors import UserError
from ..results import build_metadata, write_table


def simulator(args, readouts=None):
    """The Simulator for ``--sbml/--input/--readout`` (project defaults otherwise)."""
    chosen = readouts or getattr(args, "readout", None)
    if not chosen:
        if Path(args.sbml).resolve() != DEFAULT_SBML.resolve():
            raise UserError(f"--readout is required with --sbml {args.sbml}; name species or "
                            "assignment-rule parameter ids")
        chosen = DEFAULT_READOUTS
    return Simulator(args.sbml, input_id=args.input, readouts=chosen)


def catalogue(args):
    from ..catalogue import load_catalogue
    return load_catalogue(getattr(args, "catalogue", []) or [])


def scenario(args, sim, cat=None):
    """(name, parameters) of the scenario named by --cause/--mechanism/--set."""
    mechanisms = parse_assignments(args.mechanism, "--mechanism")
    overrides = parse_assignments(args.set, "--set")
    if not args.cause and not mechanisms:
        sim.check_parameters(overrides)
        name = "healthy" if not overrides else "+".join(f"{k}={v:g}" for k, v in overrides.items())
        return name, overrides
    cat = cat or catalogue(args)
    cat.check_targets(sim.model.constant_parameters())
    chosen = cat.scenario(cause=args.cause, mechanisms=mechanisms, overrides=overrides,
                          allow_out_of_range=args.allow_out_of_range)
    sim.check_parameters(chosen.parameters)
    return chosen.name, chosen.parameters


def metadata(args, sim, analysis, scenario=None, parameters=None, settings=None, seed=None):
    settings = {"input": sim.input_id, "readouts": sim.readouts,
                "tolerances": sim.tolerances, **(settings or {})}
    return build_metadata(analysis=analysis, model_file=sim.path, scenario=scenario,
                          parameters=parameters, settings=settings, seed=seed)


def write(df, args, name, meta):
    paths = write_table(df, args.out, name, meta)
    print(f"wrote {paths['parquet']} and {paths['csv'].name} ({len(df)} rows)")
    return paths


def save_figure(fig, args, name):
    import matplotlib.pyplot as plt
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.png"
    tmp = out / f".{name}.tmp.png"
    fig.savefig(tmp, dpi=120, bbox_inches="tight")
    plt.close(fig)
    tmp.replace(path)
    print(f"wrote {path}")
    return path
