"""mca: metabolic control analysis at the insulin-stimulated steady state."""
from __future__ import annotations

from argparse import ArgumentParser, Namespace
from typing import TYPE_CHECKING, Any

from ..backends import check_capability
from ..cli import (
    add_model_options,
    add_output_options,
    add_scenario_options,
    dose,
    integer,
    non_negative,
)
from ..errors import UserError
from ..mca import control_coefficients, progress_steps, summation_check
from ..protocol import DEFAULT
from . import common

if TYPE_CHECKING:
    from ..backends.base import Backend


def mca_simulator(args: Namespace) -> Backend:
    """The backend for --sbml/--input; MCA needs no readout, so any species will do."""
    check_capability(args.backend, "mca")
    readouts = None
    if args.sbml is not None:
        from ..loader import check_sbml
        model = check_sbml(args.sbml).getModel()
        if model.getNumSpecies() == 0:
            raise UserError(f"{args.sbml} has no species; MCA needs reactions between species")
        readouts = [model.getSpecies(0).getId()]
    return common.simulator(args, readouts)


def run(args: Namespace) -> int | None:
    """Settle the scenario to its basal state, step insulin to --dose, reach the
    steady state (presimulation, then libroadrunner's steadyState with
    conserved-moiety analysis) and compute the scaled flux and concentration
    control coefficients from the stoichiometry, the conservation relations and
    the elasticities (not libroadrunner's, which are wrong with conserved
    moieties in compartments of size other than 1). Fluxes and species that
    are ~0 at that steady state (|value| <= --zero) have undefined scaled
    coefficients and are left out.

    Writes flux_control (flux, reaction, coefficient) and concentration_control
    (species, reaction, coefficient), a heatmap of each, and prints the
    summation-theorem check (FCCs of a flux sum to 1, CCCs of a species to 0).
    """
    if args.top < 1:
        raise UserError(f"--top {args.top}: show at least one row")
    if not args.zero >= 0:
        raise UserError(f"--zero {args.zero:g}: the zero threshold must be >= 0")
    sim = mca_simulator(args)
    name, scenario = common.scenario(args, sim)
    with progress(progress_steps(sim)) as bar:
        fcc, ccc, info = control_coefficients(sim, scenario, args.dose, args.zero, bar.update)
    settings = {"dose": args.dose, "steady_state": info}
    meta = common.metadata(args, sim, "mca", name, scenario, settings)
    common.write(fcc, args, "flux_control", meta)
    common.write(ccc, args, "concentration_control", meta)
    import matplotlib.pyplot as plt

    from ..sensitivity_plots import control_heatmap
    units, _ = common.figure_units(sim)
    for table, title in ((fcc, "flux_control"), (ccc, "concentration_control")):
        if table.empty:
            print(f"no {title.replace('_', ' ')} coefficient defined; no heatmap")
            continue
        fig, ax = plt.subplots(figsize=(11, 8))
        control_heatmap(table, ax=ax, top=args.top,
                        title=f"{title.replace('_', ' ')} coefficients ({name}) at the steady "
                              f"state with {sim.input_id} held at {args.dose:g} "
                              f"{units.get(sim.input_id, '')}")
        common.save_figure(fig, args, title)
    check = summation_check(fcc, ccc)
    print(f"\nsteady state ({name}): {sim.input_id} {info['dose']:g}, residual "
          f"{info['residual']:.2g} /min (after presimulation "
          f"{info['presimulation_residual']:.2g}), "
          f"{info['conserved_moieties']} conserved moieties")
    print(f"dropped as ~0 (|x| <= {args.zero:g}): {len(info['dropped_fluxes'])} flux(es) "
          f"{', '.join(info['dropped_fluxes']) or '-'}; {len(info['dropped_species'])} species "
          f"{', '.join(info['dropped_species']) or '-'}")
    for kind, label in (("flux", "max |sum FCC - 1|"), ("species", "max |sum CCC|")):
        part = check[check.kind == kind]
        value = f"{part.deviation.abs().max():.3g}" if len(part) else "n/a"
        print(f"summation theorem, {label} over {len(part)} {kind}: {value}")


def progress(total: int) -> Any:
    from tqdm import tqdm
    return tqdm(total=total, desc="mca (steady state, elasticities)", unit="step", leave=False,
                dynamic_ncols=True, delay=0.5)


def arguments(parser: ArgumentParser) -> None:
    add_model_options(parser, readouts=False)
    add_scenario_options(parser)
    parser.add_argument("--dose", type=dose, default=DEFAULT.reference_dose,
                        help="insulin at the steady state, nM "
                             f"(default {DEFAULT.reference_dose:g})")
    parser.add_argument("--zero", type=non_negative, default=1e-9,
                        help="fluxes and concentrations at or below this are ~0 and dropped "
                             "(default 1e-9)")
    parser.add_argument("--top", type=integer(1, 10_000), default=25,
                        help="rows and reactions shown per heatmap (default 25)")
    add_output_options(parser, "mca")


run.arguments = arguments
