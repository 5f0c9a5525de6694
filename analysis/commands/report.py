"""report: one HTML page with the Kahn table and compensatory insulin of every
mechanism and cause, their figures, and the figures of earlier analyses."""
from __future__ import annotations

import os
import sys
import zipfile
from argparse import ArgumentParser, Namespace
from pathlib import Path

import numpy as np

from ..cli import add_catalogue_option, add_output_options, integer
from ..protocol import DEFAULT
from ..report import Links, kahn_table, protocol_section, protocol_text, write_report
from . import common

RESULTS = Path("results")


def run(args: Namespace) -> int | None:
    """Dose-responses of every mechanism (at its resistant end) and every cause,
    their Kahn classes and the insulin each needs to restore the healthy glucose
    uptake at the protocol's reference dose; with the figures of any analysis already in
    results/."""
    sim = common.simulator(args)
    protocol = sim.protocol
    cat = common.catalogue(args)
    scenarios = common.scenario_set(args, sim)
    with common.progress_bar(2 * len(scenarios), "report") as bar:
        points, fits, table = kahn_table(sim, scenarios, list(cat.causes), progress=bar,
                                         workers=common.workers(args))
    main = fits[fits.readout == "glucose_uptake"]
    # the page states the doses the points were simulated at, not a default
    doses = np.sort(points[points.scenario == "healthy"].dose.unique())
    if len(doses):
        protocol = protocol.replace(dose_count=len(doses), dose_low=float(doses[0]),
                                    dose_high=float(doses[-1]))
    meta = common.metadata(args, sim, "report", list(scenarios), None, {"scenarios": scenarios})
    common.write(table, args, "kahn_table", meta)
    common.write(fits, args, "fits", meta)
    out = Path(args.out)
    figures = _figures(args, sim, protocol, points, fits, main, list(cat.causes))
    earlier = _earlier_sections(out)
    sections = [
        ("Protocol", protocol_section(protocol, sim.options, sim.name), []),
        ("Healthy response", f"Settled at {protocol.input_id} 0, then "
         f"{protocol.stimulus_dose:g} nM at t = 0.", [figures["timecourse"]]),
        ("Sensitivity or responsiveness (Kahn 1978)",
         f"Glucose uptake. {protocol_text(protocol)} Mechanisms at the end of their plausible "
         "range farthest from healthy. dose_needed: insulin (nM) at which the scenario's "
         f"uptake reaches the healthy uptake at {protocol.reference_dose:g} nM.",
         [table, figures["kahn"]]),
        ("Causes", "Glucose uptake and pAkt dose-responses of every cause against healthy.",
         [figures["causes"]]),
        ("Mechanisms", "Glucose-uptake dose-responses of every mechanism.",
         [figures["mechanisms"]]),
    ]
    sections += earlier
    sections += _archive_section(out)
    path = write_report(out / "index.html", "Insulin resistance: which disruption, and how much",
                        sections, meta)
    print(f"wrote {path}")
    print(table.to_string(index=False, float_format="{:.3g}".format))


TITLES = {  # results/<folder> -> (heading, text, table file, columns to show)
    "sobol": ("Global sensitivity: Sobol indices", "First-order (S1) and total (ST) Sobol "
              f"indices of {DEFAULT.readout_time:g}-min glucose uptake at "
              f"{DEFAULT.reference_dose:g} nM (the protocol's defaults) over every mechanism's "
              "plausible range.",
              "sobol_indices.parquet", ["factor", "S1", "S1_conf", "ST", "ST_conf"]),
    "morris": ("Global sensitivity: Morris screening", "mu* ranks influence; sigma flags "
               "interactions or non-linearity.", "morris_indices.parquet",
               ["factor", "mu_star", "mu_star_conf", "sigma"]),
    "local-sensitivity": ("Local sensitivity", "Scaled sensitivity coefficients "
                          "d ln(readout) / d ln(parameter), central differences.", None, None),
    "mca": ("Metabolic control analysis", "Control coefficients at the insulin-stimulated "
            "steady state.", None, None),
    "calibrate": ("Calibration to measured data", "R² per dataset of the best of the "
                  "multi-start fits (`python -m analysis calibrate`), one scale factor per "
                  "dataset; the fitted parameters with 95 % profile-likelihood intervals are "
                  "in results/calibrate/estimates.csv.", "r2.parquet",
                  ["dataset", "n", "r2", "rmse"]),
    "hypotheses": ("Which mechanisms explain the resistant data", "Hypotheses (single "
                   "mechanisms, pairs, causes) fitted to the resistant measurements by "
                   "`python -m analysis hypotheses`, ranked by AIC; chi-square p-value where "
                   "the data carry standard deviations.", "hypotheses.parquet",
                   ["hypothesis", "k", "nll", "aic", "delta_aic", "bic", "p_value",
                    "rejected", "as_good_as_best"]),
    "bench": ("Speed (make bench)", "Milliseconds per simulation of the same protocol, our "
              "pipeline beside its peers, on the machine that ran the bench.", "bench.parquet",
              ["item", "contender", "value", "unit", "target", "met"]),
}


def _archive_section(out):
    """The COMBINE archives export-omex wrote into results/omex, linked."""
    folder = RESULTS / "omex"
    archives = sorted(folder.glob("*.omex")) if folder.is_dir() else []
    text = ("COMBINE archives (SBML with the protocol as an event, SED-ML with the CVODE "
            "settings, README) written by `python -m analysis export-omex`. Open one in COPASI "
            "with File > Import Combine Archive and run its task (Time Course or Parameter "
            "Scan), or run it with tellurium (tesedml.executeCombineArchive).")
    if not archives:
        return [("Experiments as COMBINE archives (OMEX)",
                 text + " None found in results/omex: run `python -m analysis export-omex`.",
                 [])]
    links = Links((f"{p.name}: {_archive_title(p)}", os.path.relpath(p.resolve(), out.resolve()))
                  for p in archives)
    return [("Experiments as COMBINE archives (OMEX)", text, [links])]


def _archive_title(path):
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.read("README.txt").decode("utf-8").splitlines()[0]
    except (OSError, KeyError, IndexError, zipfile.BadZipFile):
        return "(no README)"


def _earlier_sections(out):
    """One section per analysis folder under results/ (other than the report's own)."""
    import pandas as pd
    if not RESULTS.is_dir():
        return []
    sections = []
    for folder in sorted(p for p in RESULTS.iterdir() if p.is_dir()):
        if folder.resolve() == out.resolve() or folder.name == "omex":
            continue
        figures = sorted(folder.glob("*.png"))
        heading, text, table, columns = TITLES.get(
            folder.name, (f"{folder.name}", f"Figures of results/{folder.name}/.", None, None))
        items = []
        if table and (folder / table).exists():
            try:
                frame = pd.read_parquet(folder / table)
            except Exception as exc:   # noqa: BLE001 - a damaged table is named, not fatal
                print(f"note: {folder / table} is not readable ({type(exc).__name__}); its "
                      "table is left out of the report", file=sys.stderr)
                frame = None
            if frame is not None and folder.name == "hypotheses":
                frame = frame.head(10)
            if frame is not None and "readout" in frame:
                frame = frame[frame.readout == "glucose_uptake"]
                key = columns[3] if folder.name == "sobol" else columns[1]
                if key in frame:
                    frame = frame.sort_values(key, ascending=False)
            if frame is not None:
                shown = [c for c in columns + ["n_used", "n_failed", "status"] if c in frame]
                items.append(frame[shown])
        items += figures
        if items:
            sections.append((heading, text, items))
    return sections


def _figures(args, sim, protocol, points, fits, main, causes):
    import matplotlib.pyplot as plt

    from ..plots import dose_response_figure, kahn_map, timecourse_grid
    units, time_unit = common.figure_units(sim)
    dose_unit = units.get(sim.input_id, "")
    healthy = sim.timecourse({}, protocol.stimulus_dose,
                             np.linspace(0, protocol.timecourse_end, 121))
    tidy = (healthy.reset_index().melt(id_vars="time", var_name="readout", value_name="value")
            .assign(scenario="healthy"))
    title = (f"healthy: {sim.input_id} stepped from 0 to {protocol.stimulus_dose:g} {dose_unit} "
             "at t = 0 (after settling)")
    figures = {"timecourse": common.save_figure(
        timecourse_grid(tidy, sim.readouts, units, title, time_unit), args, "healthy_timecourse")}
    fig, ax = plt.subplots(figsize=(8, 6))
    kahn_map(main[main.scenario != "healthy"], ax, protocol.ec50_ratio_threshold,
             protocol.emax_ratio_threshold,
             title=f"glucose_uptake {protocol.readout_time:g} min after the step, "
                   f"{protocol.dose_count} doses of {sim.input_id}")
    figures["kahn"] = common.save_figure(fig, args, "kahn_map")
    chosen = ["healthy"] + causes
    title = f"causes: {sim.input_id} dose-response, {protocol.readout_time:g} min after the step"
    figures["causes"] = common.save_figure(
        dose_response_figure(points[points.scenario.isin(chosen)],
                             fits[fits.scenario.isin(chosen)], ["glucose_uptake", "pAKT_T308"],
                             title, units, sim.input_id, protocol.readout_time), args,
        "dose_response_causes")
    mechs = [s for s in points.scenario.unique() if s not in causes]
    title = (f"mechanisms: {sim.input_id} dose-response, {protocol.readout_time:g} min after "
             "the step")
    figures["mechanisms"] = common.save_figure(
        dose_response_figure(points[points.scenario.isin(mechs)],
                             fits[fits.scenario.isin(mechs)], ["glucose_uptake"], title, units,
                             sim.input_id, protocol.readout_time),
        args, "dose_response_mechanisms")
    return figures


def arguments(parser: ArgumentParser) -> None:
    add_catalogue_option(parser)
    parser.add_argument("--doses", type=integer(4, 1000, "doses"),
                        default=DEFAULT.dose_count,
                        help=f"insulin doses (default {DEFAULT.dose_count})")
    common.add_workers_option(parser)
    parser.add_argument("--strength-at", choices=("resistant_end", "mid"), default="resistant_end",
                        help="mechanism strength (default: resistant end of the range)")
    add_output_options(parser, "report", resume=True)
    # the report is of the project's model, healthy against every mechanism and cause
    parser.set_defaults(sbml=None, input=DEFAULT.input_id, readout=None, cause=None,
                        mechanism=[], set=[], all_causes=True, all_mechanisms=True,
                        allow_out_of_range=False)


run.arguments = arguments
