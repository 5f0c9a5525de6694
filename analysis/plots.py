"""Figures. Each function takes a tidy DataFrame and an optional ``ax`` and
returns the axes; saving is the CLI's job.

Every axis carries its unit (``units``: {readout or input id: label}, read from
the SBML by ``analysis.units``); titles state the dose and the readout time;
up to 20 curves get distinct styles (colour x line style x marker); legends sit
outside the data; a curve whose relative range is below ``FLAT`` (or that stays
within ``ZERO`` of 0) is drawn flat at its mean with its range stated, not as
solver noise.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from .protocol import DEFAULT  # noqa: E402
from .units import axis  # noqa: E402

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

FLAT = 1e-6
ZERO = 1e-12  # |values| below this are solver round-off around 0 (the absolute tolerance)
COLORS = plt.get_cmap("tab10").colors
LINESTYLES = ("-", "--", ":")
MARKERS = ("o", "s", "^", "D", "v", "P", "X")


def curve_style(i: int) -> dict[str, Any]:
    """Colour, line style and marker of curve ``i``: all distinct up to 30 curves."""
    return {"color": COLORS[i % 10], "linestyle": LINESTYLES[(i // 10) % 3],
            "marker": MARKERS[i % len(MARKERS)]}


def flat_range(values: Iterable[float] | np.ndarray) -> float | None:
    """max - min of ``values`` if that is below FLAT relative to their size (or all
    of them are round-off around 0, below ZERO), else None."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return None
    spread = float(values.max() - values.min())
    size = float(np.max(np.abs(values)))
    return spread if spread <= FLAT * size or size <= ZERO else None


def _flat_text(values, unit):
    value = f"{np.mean(values):.4g}{' ' + unit if unit else ''}"
    return f"constant {value} (range {np.ptp(values):.1g})"


def _fix_flat_limits(ax, values):
    """y-limits around a constant so matplotlib does not blow up its round-off."""
    centre = float(np.mean(values))
    half = abs(centre) * 0.05 if centre != 0.0 else 1.0
    ax.set_ylim(centre - half, centre + half)


def legend_outside(ax: Axes, **kwargs: Any) -> Axes:
    """The legend to the right of the axes, outside the data."""
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0,
                  fontsize=7, title_fontsize=7, **kwargs)
    return ax


def _figure_legend(fig, axes, title=None):
    handles, labels = {}, []
    for ax in axes:
        for handle, text in zip(*ax.get_legend_handles_labels(), strict=True):
            if text not in handles:
                handles[text] = handle
                labels.append(text)
    if labels:
        fig.legend([handles[t] for t in labels], labels, loc="center left",
                   bbox_to_anchor=(1.0, 0.5), fontsize=7, title=title)


# ---------------------------------------------------------------- time courses
def timecourse(df: pd.DataFrame, ax: Axes | None = None, unit: str = "",
               time_unit: str = "min") -> Axes:
    """Lines of value against time, one per scenario (``df``: scenario, time, value).
    A constant curve is drawn flat at its mean and its value and range are
    stated in the axes."""
    ax = ax or plt.gca()
    notes, flats = [], []
    for i, (scenario, part) in enumerate(df.groupby("scenario", sort=False)):
        style = curve_style(i)
        spread = flat_range(part.value)
        y = np.full(len(part), part.value.mean()) if spread is not None else part.value
        ax.plot(part.time, y, color=style["color"], linestyle=style["linestyle"], label=scenario)
        if spread is not None:
            flats.append(part.value.to_numpy())
            notes.append(f"{scenario}: {_flat_text(part.value, unit)}")
    if notes:
        shown = notes if len(notes) <= 3 else [*notes[:2], f"... {len(notes) - 2} more constant"]
        ax.text(0.02, 0.98, "\n".join(shown), transform=ax.transAxes, ha="left", va="top",
                fontsize=6)
    if flats and len(flats) == df.scenario.nunique():
        _fix_flat_limits(ax, np.concatenate(flats))
    ax.set_xlabel(axis("time after the step", time_unit))
    ax.set_ylabel(unit or "value", fontsize=8)
    return ax


def timecourse_grid(df: pd.DataFrame, readouts: Sequence[str],
                    units: Mapping[str, str] | None = None, title: str = "",
                    time_unit: str = "min", ncols: int = 4) -> Figure:
    """One panel per readout (its unit on the y-axis); one line per scenario;
    ``title`` (the dose) above, the scenario legend to the right.
    ``df``: scenario, time, readout, value."""
    units = units or {}
    ncols = min(ncols, len(readouts))
    nrows = int(np.ceil(len(readouts) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.2 * ncols, 2.7 * nrows), squeeze=False)
    for ax, readout in zip(axes.flat, readouts, strict=False):
        timecourse(df[df.readout == readout], ax=ax, unit=units.get(readout, ""),
                   time_unit=time_unit)
        ax.set_title(readout, fontsize=10)
    for ax in list(axes.flat)[len(readouts):]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    _figure_legend(fig, axes.flat[:len(readouts)], "scenario")
    return fig


# ---------------------------------------------------------------- dose-responses
def dose_response(points: pd.DataFrame, fits: pd.DataFrame, readout: str,
                  ax: Axes | None = None, unit: str = "", dose_label: str = "insulin (nM)",
                  time: float | None = None) -> Axes:
    """Readout against the dose (log axis), one style per scenario: simulated points,
    fitted Hill curve, EC50 marked with a triangle. A scenario whose readout does
    not change is drawn flat and labelled with its range."""
    from .fitting import hill
    ax = ax or plt.gca()
    part = points[(points.readout == readout) & (points.status == "ok")]
    fit_rows = fits[fits.readout == readout].set_index("scenario")
    for i, (scenario, curve) in enumerate(part.groupby("scenario", sort=False)):
        style = curve_style(i)
        color, line = style["color"], style["linestyle"]
        spread = flat_range(curve.value)
        if spread is not None:
            ax.plot(curve.dose, np.full(len(curve), curve.value.mean()), color=color,
                    linestyle=line, marker=style["marker"], ms=3,
                    label=f"{scenario} ({_flat_text(curve.value, unit)})")
            continue
        ax.plot(curve.dose, curve.value, linestyle="none", marker=style["marker"], ms=3,
                color=color)
        f = fit_rows.loc[scenario] if scenario in fit_rows.index else None
        if f is not None and f.status in ("ok", "extrapolated", "poor_fit"):
            x = np.geomspace(curve.dose.min(), curve.dose.max(), 200)
            ax.plot(x, hill(x, f.basal, f.emax, f.ec50, f.hill), color=color, linestyle=line,
                    marker=style["marker"], markevery=[0], ms=4,
                    label=f"{scenario} (EC50 {f.ec50:.3g})")
            ax.plot([f.ec50], [hill(f.ec50, f.basal, f.emax, f.ec50, f.hill)], "v",
                    color=color, ms=8, mec="k")
        else:
            status = f" ({f.status})" if f is not None else ""
            ax.plot(curve.dose, curve.value, color=color, linestyle=line, label=scenario + status)
    ax.set_xscale("log")
    ax.set_xlabel(dose_label)
    ax.set_ylabel(axis(readout, unit))
    ax.set_title(f"{readout}, {time:g} min after the step" if time is not None else readout,
                 fontsize=10)
    return ax


def dose_response_figure(points: pd.DataFrame, fits: pd.DataFrame, readouts: Sequence[str],
                         title: str = "", units: Mapping[str, str] | None = None,
                         input_id: str = DEFAULT.input_id, time: float | None = None) -> Figure:
    """Dose-response panels one above the other, each with its legend (scenarios
    with their EC50 in the dose unit) to its right."""
    units = units or {}
    dose_unit = units.get(input_id, "")
    fig, axes = plt.subplots(len(readouts), 1, figsize=(7.5, 4.2 * len(readouts)),
                             squeeze=False)
    for ax, readout in zip(axes.flat, readouts, strict=False):
        dose_response(points, fits, readout, ax=ax, unit=units.get(readout, ""),
                      dose_label=axis(f"{input_id} dose", dose_unit), time=time)
        legend_outside(ax, title=f"scenario (EC50{', ' + dose_unit if dose_unit else ''})")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- scans
def scan_lines(fits: pd.DataFrame, readout: str, ax: Axes | None = None,
               reference_dose: float | None = None, dose_unit: str = "nM",
               time: float | None = None) -> Axes:
    """EC50 ratio, Emax ratio and the value at the reference dose (fraction of
    healthy) against the mechanism's strength; a line that does not change is
    drawn flat with its range in the legend."""
    ax = ax or plt.gca()
    part = fits[(fits.readout == readout) & fits.strength.notna()].sort_values("strength")
    healthy = fits[(fits.readout == readout) & (fits.scenario == "healthy")]
    reference = healthy.value_at_reference.iloc[0] if len(healthy) else np.nan
    at = f" at {reference_dose:g} {dose_unit}" if reference_dose is not None else ""
    lines = (("EC50 ratio (sensitivity)", part.ec50_ratio),
             ("Emax ratio (responsiveness)", part.emax_ratio),
             (f"response{at or ' at the reference dose'} / healthy",
              part.value_at_reference / reference))
    all_values = []
    for i, (name, values) in enumerate(lines):
        style = curve_style(i)
        spread = flat_range(values)
        y = np.full(len(values), np.mean(values)) if spread is not None else values
        label = f"{name}: {_flat_text(values, '')}" if spread is not None else name
        ax.plot(part.strength, y, color=style["color"], linestyle=style["linestyle"],
                marker=style["marker"], label=label)
        all_values.append(np.asarray(values, dtype=float))
    values = np.concatenate(all_values) if all_values else np.array([])
    if values.size and flat_range(values) is not None:
        _fix_flat_limits(ax, values)
    ax.axhline(1.0, color="grey", lw=0.8, ls=":")
    ax.set_xlabel(axis(f"{part.mechanism.iloc[0]} strength" if len(part) else "strength",
                       "dimensionless"))
    ax.set_ylabel("ratio to healthy (dimensionless)")
    when = f", {time:g} min after the step" if time is not None else ""
    ax.set_title(f"{readout}{when}", fontsize=10)
    legend_outside(ax)
    return ax


def heatmap(grid: pd.DataFrame, readout: str, column: str = "value_at_reference_interaction",
            ax: Axes | None = None, title: str = "") -> Axes:
    """A 2-D scan as a heatmap of ``column`` (strength_a rows, strength_b columns)."""
    ax = ax or plt.gca()
    part = grid[grid.readout == readout]
    table = part.pivot(index="strength_a", columns="strength_b", values=column)
    centred = "interaction" in column
    vmax = np.nanmax(np.abs(np.log(table.to_numpy()))) if centred else None
    image = ax.imshow(np.log(table.to_numpy()) if centred else table.to_numpy(), origin="lower",
                      aspect="auto", cmap="RdBu" if centred else "viridis",
                      vmin=-vmax if centred else None, vmax=vmax)
    ax.set_xticks(range(len(table.columns)), [f"{v:.3g}" for v in table.columns], rotation=45)
    ax.set_yticks(range(len(table.index)), [f"{v:.3g}" for v in table.index])
    ax.set_xlabel(axis(f"{part.mechanism_b.iloc[0]} strength", "dimensionless"))
    ax.set_ylabel(axis(f"{part.mechanism_a.iloc[0]} strength", "dimensionless"))
    bar = ax.figure.colorbar(image, ax=ax)
    bar.set_label(axis(f"ln({column})" if centred else column, "dimensionless"))
    ax.set_title(title or f"{readout}: {'synergy < 0 < masking' if centred else column}",
                 fontsize=10)
    return ax


# ---------------------------------------------------------------- classes and indices
def kahn_map(table: pd.DataFrame, ax: Axes | None = None,
             ec50_threshold: float = DEFAULT.ec50_ratio_threshold,
             emax_threshold: float = DEFAULT.emax_ratio_threshold, title: str = "") -> Axes:
    """Sensitivity vs responsiveness: EC50 ratio (x, log) against Emax ratio (y),
    one labelled point per scenario; the thresholds split Kahn's four classes."""
    ax = ax or plt.gca()
    colors = {"none": "grey", "reduced_sensitivity": "C0", "reduced_responsiveness": "C3",
              "both": "C4", "undetermined": "k"}
    for cls, part in table.groupby("kahn_class"):
        ax.scatter(part.ec50_ratio, part.emax_ratio, color=colors.get(cls, "k"), label=cls, s=25)
    for _, row in table.iterrows():
        ax.annotate(row.scenario, (row.ec50_ratio, row.emax_ratio), fontsize=6,
                    xytext=(3, 2), textcoords="offset points")
    ax.axvline(ec50_threshold, color="grey", ls=":", lw=0.8)
    ax.axhline(emax_threshold, color="grey", ls=":", lw=0.8)
    ax.set_xscale("log")
    ax.set_xlabel("EC50 ratio to healthy (dimensionless; right: reduced sensitivity)")
    ax.set_ylabel("Emax ratio to healthy (dimensionless; down: reduced responsiveness)")
    if title:
        ax.set_title(title, fontsize=10)
    legend_outside(ax, title="Kahn class")
    return ax


def indices_bars(table: pd.DataFrame, readout: str, method: str, ax: Axes | None = None,
                 unit: str = "", title: str = "") -> Axes:
    """Sobol S1/ST or Morris mu*/sigma of one readout as bars with error bars
    (Sobol indices are fractions of the variance; Morris effects carry the
    readout's ``unit`` per plausible range of the factor, SALib's normalised step)."""
    ax = ax or plt.gca()
    rows = table[table.readout == readout]
    part = rows[rows.status.astype(str).str.startswith("ok")]
    if part.empty:   # every block failed or the output is constant: say so in the figure
        reason = rows.status.iloc[0] if len(rows) else "readout not recorded"
        ax.text(0.5, 0.5, f"no indices: {reason}", ha="center", va="center",
                transform=ax.transAxes, wrap=True)
        ax.set_axis_off()
        ax.set_title(title or f"{method}: {readout}", fontsize=10)
        return ax
    if method == "sobol":
        part = part.sort_values("ST", ascending=True)
        y = np.arange(len(part))
        ax.barh(y - 0.2, part.ST, 0.4, xerr=part.ST_conf, label="ST (total)", capsize=2)
        ax.barh(y + 0.2, part.S1, 0.4, xerr=part.S1_conf, label="S1 (first order)", capsize=2)
        ax.set_xlabel("Sobol index (fraction of the variance)")
    else:
        part = part.sort_values("mu_star", ascending=True)
        y = np.arange(len(part))
        ax.barh(y - 0.2, part.mu_star, 0.4, xerr=part.mu_star_conf, label="mu* (influence)",
                capsize=2)
        ax.barh(y + 0.2, part.sigma, 0.4, label="sigma (interactions / non-linearity)")
        per = "per plausible range"  # SALib divides by the step in the unit hypercube
        ax.set_xlabel(axis(f"Morris elementary effect on {readout}",
                           f"{unit} {per}" if unit else per))
    ax.set_yticks(y, part.factor, fontsize=7)
    ax.set_title(title or f"{method}: {readout}", fontsize=10)
    legend_outside(ax)
    return ax
