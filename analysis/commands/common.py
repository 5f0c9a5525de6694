"""Pieces every subcommand shares: the simulator, the scenario, metadata, writing."""
from __future__ import annotations

from argparse import ArgumentParser, Namespace
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..backends import create
from ..backends.base import Backend, SolverOptions
from ..cli import integer, parse_assignments, real, time_minutes, workers_count
from ..errors import UserError
from ..protocol import DEFAULT, Protocol
from ..results import build_metadata, write_table

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from ..catalogue import Catalogue

# option name -> Protocol field, for the options a command has
PROTOCOL_OPTIONS = {"input": "input_id", "time": "readout_time",
                    "reference_dose": "reference_dose", "ec50_threshold": "ec50_ratio_threshold",
                    "emax_threshold": "emax_ratio_threshold", "max_dose": "max_dose",
                    "scan_points": "scan_points"}


def protocol(args: Namespace) -> Protocol:
    """The default protocol with what the command's options change."""
    changes = {field: getattr(args, option) for option, field in PROTOCOL_OPTIONS.items()
               if getattr(args, option, None) is not None}
    if getattr(args, "doses", None) is not None:
        low, high = getattr(args, "dose_range", None) or (DEFAULT.dose_low, DEFAULT.dose_high)
        changes.update(dose_count=args.doses, dose_low=low, dose_high=high)
    return DEFAULT.replace(**changes)


def solver_options(args: Namespace) -> SolverOptions:
    rtol = getattr(args, "rtol", None)
    return SolverOptions() if rtol is None else SolverOptions(relative_tolerance=rtol)


def simulator(args: Namespace, readouts: Sequence[str] | None = None) -> Backend:
    """The backend for ``--backend/--sbml/--input/--readout/--rtol`` and the protocol
    of the command's options (project defaults otherwise)."""
    chosen = readouts or getattr(args, "readout", None) or None
    sim = create(getattr(args, "backend", None) or "roadrunner", args.sbml, args.input, chosen,
                 solver_options(args), protocol(args))
    sim.refuse_protocol_conflicts()   # every command here settles, then steps
    return sim


def catalogue(args: Namespace) -> Catalogue:
    from ..catalogue import load_catalogue
    return load_catalogue(getattr(args, "catalogue", []) or [])


def scenario(args: Namespace, sim: Backend,
             cat: Catalogue | None = None) -> tuple[str, dict[str, float]]:
    """(name, parameters) of the scenario named by --cause/--mechanism/--set."""
    mechanisms = parse_assignments(args.mechanism, "--mechanism")
    overrides = parse_assignments(args.set, "--set")
    if sim.input_id in overrides:
        raise UserError(f"--set {sim.input_id}: the input is set by the protocol (0 while "
                        "settling, the dose after the step); give the dose with the command's "
                        "dose option instead")
    if not args.cause and not mechanisms:
        sim.check_parameters(overrides)
        name = "healthy" if not overrides else "+".join(f"{k}={v:g}" for k, v in overrides.items())
        return name, overrides
    cat = cat or catalogue(args)
    cat.check_targets(sim.parameter_ids(), list(mechanisms), [args.cause])
    chosen = cat.scenario(cause=args.cause, mechanisms=mechanisms, overrides=overrides,
                          allow_out_of_range=args.allow_out_of_range)
    sim.check_parameters(chosen.parameters)
    return chosen.name, chosen.parameters


def metadata(args: Namespace, sim: Backend, analysis: str, scenario: Any = None,
             parameters: Mapping[str, float] | None = None,
             settings: Mapping[str, Any] | None = None, seed: int | None = None
             ) -> dict[str, Any]:
    """Provenance of a result: model file, scenario, the backend, its solver options
    and the protocol, and the analysis' own settings."""
    settings = {**sim.describe_settings(), **(settings or {})}
    return build_metadata(analysis=analysis, model_file=sim.path, scenario=scenario,
                          parameters=parameters, settings=settings, seed=seed)


def write(df: pd.DataFrame, args: Namespace, name: str, meta: Mapping[str, Any]) -> dict[str, Path]:
    paths = write_table(df, args.out, name, meta)
    print(f"wrote {paths['parquet']} and {paths['csv'].name} ({len(df)} rows)")
    return paths


def check_out(args: Namespace) -> None:
    """Refuse an --out that cannot be written, before any computing."""
    from ..outputs import check_writable
    check_writable(args.out)


def write_text(args: Namespace, name: str, text: str) -> Path:
    """Write a text file into --out (with the command's other files, atomically)."""
    from ..outputs import stage
    path = stage(Path(args.out) / name, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    print(f"wrote {path}")
    return path


def save_figure(fig: Figure, args: Namespace, name: str) -> Path:
    """Save a figure as <out>/<name>.png (with the command's other files, atomically)."""
    import matplotlib.pyplot as plt

    from ..outputs import stage
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    try:
        path = stage(out / f"{name}.png",
                     lambda tmp: fig.savefig(tmp, dpi=120, bbox_inches="tight", format="png"))
    finally:
        plt.close(fig)
    print(f"wrote {path}")
    return path


def add_workers_option(parser: ArgumentParser) -> None:
    from ..parallel import default_workers
    parser.add_argument("--workers", type=workers_count, default=default_workers(),
                        help="local worker processes (default: all cores; runs with few "
                             "scenarios stay in this process)")


def add_dose_options(parser: ArgumentParser) -> None:
    p = DEFAULT
    group = parser.add_argument_group("doses")
    group.add_argument("--doses", type=integer(4, 1000, "doses"),
                       default=p.dose_count,
                       help=f"number of insulin doses (default {p.dose_count})")
    group.add_argument("--dose-range", type=real(0.0, 1e6, low_open=True, what="nM"),
                       nargs=2, default=(p.dose_low, p.dose_high),
                       metavar=("LOW", "HIGH"),
                       help=f"dose range in nM (default {p.dose_low:g} {p.dose_high:g})")
    add_time_option(group)


def add_time_option(parser: ArgumentParser) -> None:
    parser.add_argument("--time", type=time_minutes, default=DEFAULT.readout_time,
                        help="readout time after the insulin step, min "
                             f"(default {DEFAULT.readout_time:g})")


def add_set_options(parser: ArgumentParser) -> None:
    group = parser.add_argument_group("scenario sets")
    group.add_argument("--all-causes", action="store_true", help="every cause of the catalogue")
    group.add_argument("--all-mechanisms", action="store_true",
                       help="every mechanism of the catalogue at its strength given by "
                            "--strength-at")
    group.add_argument("--strength-at", choices=("resistant_end", "mid"), default="resistant_end",
                       help="mechanism strength for --all-mechanisms: the end of the plausible "
                            "range farthest from healthy (default) or half-way to it")


def scenario_set(args: Namespace, sim: Backend) -> dict[str, dict[str, float]]:
    """name -> parameters: healthy, the scenario of the options, and the sets asked for."""
    from ..scenarios import scenario_set as catalogue_set
    name, parameters = scenario(args, sim)
    scenarios = {"healthy": {}, name: parameters}
    all_mechanisms = getattr(args, "all_mechanisms", False)
    all_causes = getattr(args, "all_causes", False)
    if all_mechanisms or all_causes:
        scenarios.update(catalogue_set(catalogue(args), all_mechanisms, all_causes,
                                       args.strength_at, sim.parameter_ids()))
    return scenarios


def workers(args: Namespace) -> int:
    value = getattr(args, "workers", 1)
    if value < 1:
        raise UserError(f"--workers {value}: give 1 or more")
    return value


def progress_bar(total: int, desc: str) -> Any:
    from tqdm import tqdm
    return tqdm(total=total, desc=desc, unit="scenario", leave=False,
                disable=total < 4, dynamic_ncols=True, delay=0.5)


def figure_units(sim: Backend) -> tuple[dict[str, str], str]:
    """({readout or input id: unit label}, time unit label) from the SBML the
    backend simulates, for figures."""
    from ..loader import Model, check_sbml
    from ..units import time_label, unit_labels
    model = getattr(sim, "model", None)
    sbml = model.sbml if isinstance(model, Model) else check_sbml(sim.path).getModel()
    return unit_labels(sbml, [*sim.readouts, sim.input_id]), time_label(sbml)


def main_readout(sim: Backend) -> str:
    return "glucose_uptake" if "glucose_uptake" in sim.readouts else sim.readouts[0]
