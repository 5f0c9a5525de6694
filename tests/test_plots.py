"""Figures: units from the SBML, distinct curve styles, legends outside the data,
constant readouts drawn flat with their range."""
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis.loader import Model
from analysis.plots import (
    curve_style,
    dose_response_figure,
    flat_range,
    scan_lines,
    timecourse_grid,
)
from analysis.resources import DEFAULT_SBML
from analysis.units import time_label, unit_labels


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_units_come_from_the_sbml():
    model = Model(DEFAULT_SBML)
    labels = unit_labels(model, ["glucose_uptake", "pIR", "GLUT4_membrane_fraction", "insulin",
                                 "IRS1__cyt", "k_PTEN"])
    assert labels == {"glucose_uptake": "nM/min", "pIR": "nM", "GLUT4_membrane_fraction":
                      "fraction", "insulin": "nM", "IRS1__cyt": "nM", "k_PTEN": "1/nM/min"}
    assert time_label(model) == "min"


def test_twenty_curves_have_distinct_styles():
    styles = {tuple(curve_style(i).values()) for i in range(20)}
    assert len(styles) == 20
    assert len({curve_style(i)["color"] for i in range(20)}) == 10  # so not colour alone


def test_flat_range_separates_round_off_from_a_response():
    assert flat_range(1.0 + 1e-8 * np.sin(np.arange(50))) == pytest.approx(2e-8, rel=0.01)
    assert flat_range(np.zeros(5)) == 0.0
    assert flat_range([1.0, 1.001]) is None
    assert flat_range([1e-20, -1e-20]) == 2e-20  # round-off around 0
    assert flat_range([0.0, 1e-9]) is None


def _legend_outside(fig, ax):
    fig.canvas.draw()
    legend = ax.get_legend() or fig.legends[0]
    box = legend.get_window_extent()
    return box.x0 >= ax.get_window_extent().x1


def test_timecourse_grid_units_title_and_a_flat_readout():
    t = np.linspace(0, 60, 61)
    df = pd.concat([
        pd.DataFrame({"scenario": "healthy", "time": t, "readout": "uptake",
                      "value": 3 + 10 * (1 - np.exp(-t / 5))}),
        pd.DataFrame({"scenario": "healthy", "time": t, "readout": "pAMPK",
                      "value": 1e-20 * np.cos(t)}),
    ])
    fig = timecourse_grid(df, ["uptake", "pAMPK"], {"uptake": "nM/min", "pAMPK": "nM"},
                          "healthy: insulin stepped from 0 to 100 nM", "min")
    uptake, ampk = fig.axes[:2]
    assert uptake.get_ylabel() == "nM/min" and ampk.get_ylabel() == "nM"
    assert uptake.get_xlabel() == "time after the step (min)"
    assert "100 nM" in fig._suptitle.get_text()
    (line,) = ampk.get_lines()
    assert np.ptp(line.get_ydata()) == 0.0  # drawn flat, not as 1e-20 noise
    assert any("constant" in text.get_text() and "range 2e-20" in text.get_text()
               for text in ampk.texts)
    fig.canvas.draw()
    assert fig.legends and fig.legends[0].get_window_extent().x0 >= uptake.get_window_extent().x1


def _dose_response_tables(n):
    doses = np.logspace(-3, 3, 13)
    points, fits = [], []
    for i in range(n):
        ec50 = 0.1 * (1 + i)
        value = 2 + 10 * doses / (doses + ec50)
        points.append(pd.DataFrame({"scenario": f"s{i}", "dose": doses, "readout": "uptake",
                                    "value": value, "status": "ok"}))
        fits.append({"scenario": f"s{i}", "readout": "uptake", "basal": 2.0, "emax": 10.0,
                     "ec50": ec50, "hill": 1.0, "status": "ok"})
    points.append(pd.DataFrame({"scenario": "flat", "dose": doses, "readout": "uptake",
                                "value": 5 + 1e-9 * np.arange(13), "status": "ok"}))
    return pd.concat(points, ignore_index=True), pd.DataFrame(fits)


def test_dose_response_figure_twenty_curves_units_time_and_legend_outside():
    points, fits = _dose_response_tables(19)
    fig = dose_response_figure(points, fits, ["uptake"], "dose-response",
                               {"uptake": "nM/min", "insulin": "nM"}, "insulin", 10.0)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "uptake (nM/min)" and ax.get_xlabel() == "insulin dose (nM)"
    assert "10 min after the step" in ax.get_title()
    labels = ax.get_legend_handles_labels()[1]
    assert len(labels) == 20 and "s3 (EC50 0.4)" in labels
    assert any(label.startswith("flat (constant 5 nM/min (range 1e-08))") for label in labels)
    handles = ax.get_legend_handles_labels()[0]
    assert len({(h.get_color(), h.get_linestyle(), h.get_marker()) for h in handles}) == 20
    assert _legend_outside(fig, ax)


def test_scan_line_that_does_not_change_is_flat_with_its_range():
    strengths = np.linspace(0.2, 1.0, 5)
    fits = pd.DataFrame({
        "scenario": [f"m={s:g}" for s in strengths] + ["healthy"],
        "readout": "pAKT", "mechanism": "GLUT4_down", "strength": [*strengths, np.nan],
        "ec50_ratio": 1 + 1e-8 * np.arange(6), "emax_ratio": [*strengths, 1.0],
        "value_at_reference": 2.0 + 1e-9 * np.arange(6)})
    fig, ax = plt.subplots()
    scan_lines(fits, "pAKT", ax, reference_dose=1.0, dose_unit="nM", time=10.0)
    lines = {line.get_label(): line for line in ax.get_lines()
             if not line.get_label().startswith("_")}
    flat = [label for label in lines if "constant" in label]
    assert len(flat) == 2 and all(np.ptp(lines[label].get_ydata()) == 0.0 for label in flat)
    assert "response at 1 nM / healthy: constant 1" in " ".join(flat)
    assert ax.get_ylabel() == "ratio to healthy (dimensionless)"
    assert "10 min after the step" in ax.get_title()
    assert _legend_outside(fig, ax)
