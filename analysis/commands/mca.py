"""mca: metabolic control analysis at the insulin-stimulated steady state."""
from pathlib import Path

import matplotlib.pyplot as plt

from ..cli import add_model_options, add_output_options, add_scenario_options, analysis
from ..engine import DEFAULT_READOUTS, DEFAULT_SBML, Simulator
from ..errors import UserError
from ..loader import check_sbml
from ..mca import control_coefficients, progress_steps, summation_check
from ..sensitivity_plots import control_heatmap
from . import common


def mca_simulator(args):
    """A Simulator for --sbml/--input; MCA needs no readout, so any species will do."""
    if Path(args.sbml).resolve() == DEFAULT_SBML.resolve():
        readouts = DEFAULT_READOUTS[:1]
    else:
        model = check_sbml(args.sbml).getModel()
        if model.getNumSpecies() == 0:
            raise UserError(f"{args.sbml} has no species; MCA needs reactions between species")
        readouts = [model.getSpecies(0).getId()]
    return Simulator(args.sbml, input_id=args.input, readouts=readouts)


@analysis("mca", "metabolic control analysis (flux and concentration control coefficients)")
def run(args):
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
          f"{info['residual']:.2g} /min (after presimulation {info['presimulation_residual']:.2g}), "
          f"{info['conserved_moieties']} conserved moieties")
    print(f"dropped as ~0 (|x| <= {args.zero:g}): {len(info['dropped_fluxes'])} flux(es) "
          f"{', '.join(info['dropped_fluxes']) or '-'}; {len(info['dropped_species'])} species "
          f"{', '.join(info['dropped_species']) or '-'}")
    for kind, label in (("flux", "max |sum FCC - 1|"), ("species", "max |sum CCC|")):
        part = check[check.kind == kind]
        value = f"{part.deviation.abs().max():.3g}" if len(part) else "n/a"
        print(f"summation theorem, {label} over {len(part)} {kind}: {value}")


def progress(total):
    from tqdm import tqdm
    return tqdm(total=total, desc="mca (steady state, elasticities)", unit="step", leave=False,
                dynamic_ncols=True)


def arguments(parser):
    add_model_options(parser, readouts=False)
    add_scenario_options(parser)
    parser.add_argument("--dose", type=float, default=1.0,
                        help="insulin at the steady state, nM (default 1)")
    parser.add_argument("--zero", type=float, default=1e-9,
                        help="fluxes and concentrations at or below this are ~0 and dropped "
                             "(default 1e-9)")
    parser.add_argument("--top", type=int, default=25,
                        help="rows and reactions shown per heatmap (default 25)")
    add_output_options(parser, "mca")


run.arguments = arguments
