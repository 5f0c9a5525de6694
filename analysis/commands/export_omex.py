"""export-omex: our experiments as COMBINE archives that COPASI and tellurium run."""
from __future__ import annotations

import os
import tempfile
from argparse import ArgumentParser, Namespace
from pathlib import Path
from typing import TYPE_CHECKING

from ..backends.base import check_doses
from ..cli import (
    add_model_options,
    add_output_options,
    add_scenario_options,
    dose,
    integer,
    real,
    time_minutes,
)
from ..errors import UserError, unknown
from ..protocol import DEFAULT
from . import common

if TYPE_CHECKING:
    from ..backends.base import Backend, SolverOptions

EXPERIMENTS = ("timecourse", "dose-response", "scan")


def run(args: Namespace) -> int | None:
    """Write one COMBINE archive (.omex) per experiment into --out: the time
    course of the scenario after a step to --dose (timecourse), the
    dose-response of the scenario, of healthy and of every scenario of
    --all-causes/--all-mechanisms (dose-response, one archive each), and the
    scan of --scan-mechanism over its plausible range at --reference-dose
    (scan). Each archive holds the SBML with the settle-then-step protocol as
    an event, the SED-ML (CVODE, our tolerances) and a README; open it in
    COPASI with File > Import Combine Archive, or run it with tellurium.
    Also writes archives.csv/.parquet listing them. No experiment named: all three."""
    from .. import omex
    from ..sedml import sid
    experiments = list(dict.fromkeys(args.experiments)) or list(EXPERIMENTS)
    for experiment in experiments:
        if experiment not in EXPERIMENTS:
            raise unknown("experiment", experiment, EXPERIMENTS)
    if args.points < 1 or args.end <= 0:
        raise UserError("--end must be > 0 min and --points >= 1")
    check_doses([args.dose], args.input)
    sim = common.simulator(args)
    protocol = sim.protocol
    sbml_text = Path(sim.path).read_text(encoding="utf-8")
    base = dict(input_id=sim.input_id, settle_time=protocol.settle_time, readouts=sim.readouts,
                tolerances=solver_settings(sim.options))
    name, parameters = common.scenario(args, sim)
    plans = []  # (file name, experiment, scenario, export function, keyword arguments)
    if "timecourse" in experiments:
        plans.append((f"timecourse_{sid(name)}.omex", "timecourse", name, omex.export_timecourse,
                      dict(dose=args.dose, duration=args.end, points=args.points,
                           parameters=parameters, scenario=name)))
    if "dose-response" in experiments:
        for scenario, values in common.scenario_set(args, sim).items():
            plans.append((f"dose_response_{sid(scenario)}.omex", "dose-response", scenario,
                          omex.export_dose_response,
                          dict(doses=protocol.doses, readout_time=protocol.readout_time,
                               parameters=values, scenario=scenario)))
    if "scan" in experiments:
        mechanism, scan_base, scan = scan_plan(args, sim)
        plans.append((f"scan_{sid(mechanism)}.omex", "scan", mechanism, omex.export_scan,
                      dict(dose=protocol.reference_dose, readout_time=protocol.readout_time,
                           scan=scan, parameters=scan_base, name=mechanism)))
    out = writable_folder(args.out)
    rows = []
    for file_name, experiment, scenario, export, options in plans:
        path = export(out / file_name, sbml_text, **base, **options)
        print(f"wrote {path}")
        rows.append({"archive": file_name, "experiment": experiment, "scenario": scenario,
                     "bytes": path.stat().st_size})
    settings = {"experiments": experiments, "dose": args.dose, "end": args.end,
                "points": args.points, "scan_mechanism": args.scan_mechanism}
    import pandas as pd
    common.write(pd.DataFrame(rows), args, "archives",
                 common.metadata(args, sim, "export-omex", name, parameters, settings))


def solver_settings(options: SolverOptions) -> dict[str, float]:
    """The integrator settings the SED-ML carries (KiSAO algorithm parameters)."""
    return {"relative": options.relative_tolerance, "absolute": options.absolute_tolerance,
            "maximum_steps": options.max_steps}


def scan_plan(args: Namespace, sim: Backend
              ) -> tuple[str, dict[str, float], dict[str, list[float]]]:
    """(mechanism, base parameters, {parameter: values per point}) of the scan."""
    from ..omex import scan_series
    from ..scans import strengths
    cat = common.catalogue(args)
    if args.scan_mechanism not in cat.mechanisms:
        raise unknown("mechanism", args.scan_mechanism, list(cat.mechanisms))
    cat.check_targets(sim.parameter_ids(), [args.scan_mechanism], [args.cause])
    mechanism = cat.mechanisms[args.scan_mechanism]
    mechanisms = common.parse_assignments(args.mechanism, "--mechanism")
    overrides = common.parse_assignments(args.set, "--set")
    points = []
    for strength in strengths(mechanism, sim.protocol.scan_points):
        chosen = cat.scenario(cause=args.cause, mechanisms={**mechanisms, mechanism.name: strength},
                              overrides=overrides, allow_out_of_range=args.allow_out_of_range)
        points.append(sim.check_parameters(chosen.parameters))
    scan_base, scan = scan_series(points)
    return mechanism.name, scan_base, scan


def writable_folder(folder: str | os.PathLike) -> Path:
    """``folder`` as a Path, created if missing; UserError if it is a file or
    cannot be written (checked before any archive is written)."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise UserError(f"--out {folder} is a file; give a folder for the archives")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(prefix=".write-check.", dir=folder)
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        raise UserError(f"cannot write to {folder}: {exc.strerror}; choose another --out") \
            from None
    return folder


def arguments(parser: ArgumentParser) -> None:
    p = DEFAULT
    parser.add_argument("experiments", nargs="*", metavar="EXPERIMENT",
                        help=f"any of {', '.join(EXPERIMENTS)} (default: all three)")
    add_model_options(parser, backends=False)
    add_scenario_options(parser)
    common.add_set_options(parser)
    group = parser.add_argument_group("time course")
    group.add_argument("--dose", type=dose, default=p.stimulus_dose,
                       help=f"insulin step, nM (default {p.stimulus_dose:g})")
    group.add_argument("--end", type=time_minutes, default=p.timecourse_end,
                       help=f"minutes followed after the step (default {p.timecourse_end:g})")
    group.add_argument("--points", type=integer(2, 100_000, "output intervals"), default=120,
                       help="output intervals after the step (default 120)")
    common.add_dose_options(parser)
    group = parser.add_argument_group("scan")
    group.add_argument("--scan-mechanism", default="IR_expression_down",
                       help="mechanism scanned over its plausible range (default "
                            "IR_expression_down)")
    group.add_argument("--scan-points", type=integer(2, 1000, "scan points"), default=p.scan_points,
                       help=f"strengths in the scan (default {p.scan_points})")
    group.add_argument("--reference-dose", type=real(0.0, 1e6, low_open=True, what="nM"),
                       default=p.reference_dose,
                       help=f"insulin dose of the scan, nM (default {p.reference_dose:g})")
    add_output_options(parser, "omex")


run.arguments = arguments
