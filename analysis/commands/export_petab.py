"""export-petab: a dose-response experiment of a scenario as a PEtab problem."""
from __future__ import annotations

from argparse import ArgumentParser, Namespace
from pathlib import Path

from ..cli import add_model_options, add_output_options, add_scenario_options
from ..errors import UserError
from . import common

README = """# {title} (PEtab v1)

Written by `python -m analysis export-petab`. The 'measurements' are the
project's own simulation of the scenario (MODEL-DERIVED, not data): replace
them by your measurements to calibrate (`python -m analysis calibrate
problem.yaml`, pyPESTO, AMICI), or run the problem in another tool to check it
reproduces them.

Scenario: {scenario}. Protocol: settle with {input} at 0, step {input} to each
dose, read {readouts} {time:g} min later. Noise is 1 (no data yet).
{flavour}
"""
STANDARD = """Form: standard PEtab: a preequilibration condition (`basal`, {input} 0) before
each dose condition."""
COPASI = """Form: for COPASI. copasi-petab-importer (1.0.9) settles at the simulation
condition's values rather than the preequilibration's, so this problem has no
preequilibration: the model carries the protocol as an event (`{input}_dose` is
stepped into `{input}` at `{input}_step_time` = {settle:g} min, after the model
has settled) and the measurement times are {settle:g} + {time:g} min. Convert it
with `pip install copasi-petab-importer`, then
`python -c "import basico.petab as p; p.load_petab('problem.yaml', 'copasi')"`
and open `copasi/problem.cps` in COPASI (Parameter Estimation task, its
experiments hold the doses)."""


def run(args: Namespace) -> int | None:
    """Write a PEtab problem folder (model, conditions, observables, measurements,
    parameters, README) of the dose-response of one scenario (--cause,
    --mechanism, --set; healthy by default): the protocol's doses, the readouts
    --time min after the step, our simulated values as the measurements
    (model-derived: a template for your data). --copasi writes the form COPASI's
    PEtab importer reproduces (the protocol as an SBML event; see the README)."""
    from ..omex import protocol_sbml
    from ..petab_io import check_problem_folder, experiment_tables, write_problem
    sim = common.simulator(args)
    protocol = sim.protocol
    name, parameters = common.scenario(args, sim)
    check_problem_folder(args.out)
    response = sim.response(parameters, protocol.doses, protocol.readout_time)
    failed = response[response.status != "ok"]
    if len(failed):
        raise UserError(f"the simulation of {name} failed at {len(failed)} dose(s) (first: "
                        f"{failed.dose.iloc[0]:g}: {failed.message.iloc[0]}); nothing written")
    step = protocol.settle_time if args.copasi else None
    tables = experiment_tables(response, sim.readouts, sim.input_id, protocol.readout_time,
                               parameters, step_time=step)
    text = None
    if args.copasi:
        text = protocol_sbml(Path(sim.path).read_text(encoding="utf-8"), sim.input_id,
                             protocol.settle_time, 0.0, changed=list(parameters))
    flavour = (COPASI if args.copasi else STANDARD).format(
        input=sim.input_id, settle=protocol.settle_time, time=protocol.readout_time)
    readme = README.format(title=f"Dose-response of {name}", scenario=name,
                           input=sim.input_id, readouts=", ".join(sim.readouts),
                           time=protocol.readout_time, flavour=flavour)
    path = write_problem(args.out, sim.path, *tables, readme=readme, sbml_text=text)
    print(f"wrote {path} ({len(tables[2])} simulated measurements of {name}; petab lint "
          "passed)")


def arguments(parser: ArgumentParser) -> None:
    add_model_options(parser, backends=False)
    add_scenario_options(parser)
    common.add_dose_options(parser)
    parser.add_argument("--copasi", action="store_true",
                        help="the form COPASI's PEtab importer reproduces (protocol as an event)")
    add_output_options(parser, "petab")


run.arguments = arguments
run.manages_output = True
