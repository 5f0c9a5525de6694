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


def add_workers_option(parser):
    from ..parallel import default_workers
    parser.add_argument("--workers", type=int, default=default_workers(),
                        help="local worker processes (default: all cores; runs with few "
                             "scenarios stay in this process)")


def add_dose_options(parser):
    group = parser.add_argument_group("doses")
    group.add_argument("--doses", type=int, default=25, help="number of insulin doses (default 25)")
    group.add_argument("--dose-range", type=float, nargs=2, default=(1e-3, 1e3),
                       metavar=("LOW", "HIGH"), help="dose range in nM (default 1e-3 1e3)")
    group.add_argument("--time", type=float, default=10.0,
                       help="readout time after the insulin step, min (default 10)")


def add_set_options(parser):
    group = parser.add_argument_group("scenario sets")
    group.add_argument("--all-causes", action="store_true", help="every cause of the catalogue")
    group.add_argument("--all-mechanisms", action="store_true",
                       help="every mechanism of the catalogue at its strength given by --strength-at")
    group.add_argument("--strength-at", choices=("resistant_end", "mid"), default="resistant_end",
                       help="mechanism strength for --all-mechanisms: the end of the plausible "
                            "range farthest from healthy (default) or half-way to it")


def mechanism_strength(cat, mechanism, where):
    """Strength of a mechanism at its resistant end, or half-way to it (geometric
    for fold changes)."""
    end = cat.resistant_end(mechanism.name)
    if where == "resistant_end":
        return end
    if mechanism.kind == "fold" and end > 0:
        return float((mechanism.healthy * end) ** 0.5)
    return (mechanism.healthy + end) / 2


def scenario_set(args, sim):
    """name -> parameters: healthy, the scenario of the options, and the sets asked for."""
    scenarios = {"healthy": {}}
    name, parameters = scenario(args, sim)
    scenarios[name] = parameters
    if getattr(args, "all_causes", False) or getattr(args, "all_mechanisms", False):
        cat = catalogue(args)
        cat.check_targets(sim.model.constant_parameters())
        if args.all_mechanisms:
            for mech in cat.mechanisms.values():
                s = cat.scenario(mechanisms={mech.name: mechanism_strength(cat, mech, args.strength_at)})
                scenarios[s.name] = s.parameters
        if args.all_causes:
            for cause in cat.causes:
                s = cat.scenario(cause=cause)
                scenarios[s.name] = s.parameters
    return scenarios


def workers(args):
    value = getattr(args, "workers", 1)
    if value < 1:
        raise UserError(f"--workers {value}: give 1 or more")
    return value


def progress_bar(total, desc):
    from tqdm import tqdm
    return tqdm(total=total, desc=desc, unit="scenario", leave=False,
                disable=total < 4, dynamic_ncols=True)


def figure_units(sim):
    """({readout or input id: unit label}, time unit label) from the SBML, for figures."""
    from ..units import time_label, unit_labels
    return unit_labels(sim.model, [*sim.readouts, sim.input_id]), time_label(sim.model)


def main_readout(sim):
    return "glucose_uptake" if "glucose_uptake" in sim.readouts else sim.readouts[0]
