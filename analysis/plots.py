"""Figures. Each function takes a tidy DataFrame and an optional ``ax`` and
returns the axes; saving is the CLI's job."""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from .protocol import DEFAULT  # noqa: E402

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def timecourse_grid(df: pd.DataFrame, readouts: Sequence[str], ncols: int = 4) -> Figure:
    """One panel per readout; one line per scenario. ``df``: scenario, time, readout, value."""
    nrows = int(np.ceil(len(readouts) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.2 * ncols, 2.6 * nrows), squeeze=False)
    for ax, readout in zip(axes.flat, readouts, strict=False):
        timecourse(df[df.readout == readout], ax=ax)
        ax.set_title(readout, fontsize=10)
    for ax in list(axes.flat)[len(readouts):]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=7)
    fig.tight_layout()
    return fig


def timecourse(df: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Lines of value against time (min), one per scenario."""
    ax = ax or plt.gca()
    for scenario, part in df.groupby("scenario", sort=False):
        ax.plot(part.time, part.value, label=scenario)
    ax.set_xlabel("time (min)")
    return ax


def dose_response(points: pd.DataFrame, fits: pd.DataFrame, readout: str,
                  ax: Axes | None = None) -> Axes:
    """Readout against insulin (log axis), one curve per scenario: simulated points,
    fitted Hill curve, EC50 marked with a triangle on the curve."""
    from .fitting import hill
    ax = ax or plt.gca()
    part = points[(points.readout == readout) & (points.status == "ok")]
    fit_rows = fits[fits.readout == readout].set_index("scenario")
    for i, (scenario, curve) in enumerate(part.groupby("scenario", sort=False)):
        color = f"C{i % 10}"
        ax.plot(curve.dose, curve.value, "o", ms=3, color=color)
        if scenario in fit_rows.index:
            f = fit_rows.loc[scenario]
            if f.status in ("ok", "extrapolated", "poor_fit"):
                x = np.geomspace(curve.dose.min(), curve.dose.max(), 200)
                ax.plot(x, hill(x, f.basal, f.emax, f.ec50, f.hill), "-", color=color,
                        label=f"{scenario} (EC50 {f.ec50:.3g} nM)")
                ax.plot([f.ec50], [hill(f.ec50, f.basal, f.emax, f.ec50, f.hill)], "v",
                        color=color, ms=8, mec="k")
                continue
        ax.plot(curve.dose, curve.value, "-", color=color, label=f"{scenario} ({f.status})"
                if scenario in fit_rows.index else scenario)
    ax.set_xscale("log")
    ax.set_xlabel("insulin (nM)")
    ax.set_ylabel(readout)
    return ax


def dose_response_figure(points: pd.DataFrame, fits: pd.DataFrame, readouts: Sequence[str],
                         title: str = '') -> Figure:
    ncols = min(len(readouts), 2)
    nrows = int(np.ceil(len(readouts) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(6.5 * ncols, 4.2 * nrows), squeeze=False)
    for ax, readout in zip(axes.flat, readouts, strict=False):
        dose_response(points, fits, readout, ax=ax)
        ax.legend(fontsize=7)
    for ax in list(axes.flat)[len(readouts):]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def scan_lines(fits: pd.DataFrame, readout: str, ax: Axes | None = None) -> Axes:
    """EC50 ratio, Emax ratio and the value at the reference dose (fraction of
    healthy) against the mechanism's strength."""
    ax = ax or plt.gca()
    part = fits[(fits.readout == readout) & fits.strength.notna()].sort_values("strength")
    healthy = fits[(fits.readout == readout) & (fits.scenario == "healthy")]
    reference = healthy.value_at_reference.iloc[0] if len(healthy) else np.nan
    ax.plot(part.strength, part.ec50_ratio, "o-", label="EC50 ratio (sensitivity)")
    ax.plot(part.strength, part.emax_ratio, "s-", label="Emax ratio (responsiveness)")
    ax.plot(part.strength, part.value_at_reference / reference, "^-",
            label="response at reference dose / healthy")
    ax.axhline(1.0, color="grey", lw=0.8, ls=":")
    ax.set_xlabel(f"{part.mechanism.iloc[0]} strength" if len(part) else "strength")
    ax.set_title(readout)
    ax.legend(fontsize=7)
    return ax


def heatmap(grid: pd.DataFrame, readout: str, column: str = 'value_at_reference_interaction',
            ax: Axes | None = None) -> Axes:
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
    ax.set_xlabel(part.mechanism_b.iloc[0])
    ax.set_ylabel(part.mechanism_a.iloc[0])
    bar = ax.figure.colorbar(image, ax=ax)
    bar.set_label(f"ln({column})" if centred else column)
    ax.set_title(f"{readout}: {'synergy < 0 < masking' if centred else column}")
    return ax


def kahn_map(table: pd.DataFrame, ax: Axes | None = None,
             ec50_threshold: float = DEFAULT.ec50_ratio_threshold,
             emax_threshold: float = DEFAULT.emax_ratio_threshold) -> Axes:
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
    ax.set_xlabel("EC50 ratio (right: reduced sensitivity)")
    ax.set_ylabel("Emax ratio (down: reduced responsiveness)")
    ax.legend(fontsize=7)
    return ax


def indices_bars(table: pd.DataFrame, readout: str, method: str, ax: Axes | None = None) -> Axes:
    """Sobol S1/ST or Morris mu*/sigma of one readout as bars with error bars."""
    ax = ax or plt.gca()
    part = table[(table.readout == readout) & (table.status == "ok")]
    if method == "sobol":
        part = part.sort_values("ST", ascending=True)
        y = np.arange(len(part))
        ax.barh(y - 0.2, part.ST, 0.4, xerr=part.ST_conf, label="ST (total)", capsize=2)
        ax.barh(y + 0.2, part.S1, 0.4, xerr=part.S1_conf, label="S1 (first order)", capsize=2)
        ax.set_xlabel("Sobol index")
    else:
        part = part.sort_values("mu_star", ascending=True)
        y = np.arange(len(part))
        ax.barh(y - 0.2, part.mu_star, 0.4, xerr=part.mu_star_conf, label="mu* (influence)",
                capsize=2)
        ax.barh(y + 0.2, part.sigma, 0.4, label="sigma (interactions / non-linearity)")
        ax.set_xlabel(f"Morris elementary effect on {readout}")
    ax.set_yticks(y, part.factor, fontsize=7)
    ax.set_title(f"{method}: {readout}")
    ax.legend(fontsize=7)
    return ax
